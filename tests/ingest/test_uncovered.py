"""The corners a rotation uncovers hold no ink, whatever grey they were filled with."""

import cv2
import numpy as np
import pytest

from sohoa.ingest.geometry import rotate, rule_masks, uncovered


def _text_page(paper: int = 220) -> np.ndarray:
    page = np.full((1400, 1100), paper, np.uint8)
    for k in range(14):
        cv2.putText(page, "Ty le ho ngheo 12,5 34,8", (60, 120 + k * 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 40, 3)
    return page


def test_a_turn_too_small_to_make_leaves_nothing_uncovered():
    assert uncovered((100, 80), 0.0) is None
    assert uncovered((100, 80), 0.02, -0.01) is None


def test_the_uncovered_corners_of_a_turn_and_a_margin_beside_them():
    outside = uncovered((1000, 800), 2.0, margin=0)
    assert outside[0, 0] == 255 and outside[-1, -1] == 255  # corners turned away
    assert outside[500, 400] == 0  # the middle stays
    widened = uncovered((1000, 800), 2.0, margin=10)
    assert widened.sum() > outside.sum()
    assert ((widened > 0) | (outside == 0)).all()  # widening only adds


def test_two_turns_uncover_at_least_what_the_last_does_and_the_first_turned_with_it():
    last, both = uncovered((600, 500), -0.7, margin=0), uncovered((600, 500), 1.5, -0.7, margin=0)
    assert ((both > 0) | (last == 0)).all()
    assert both.sum() > last.sum()


@pytest.mark.parametrize("angle", [2.0, -1.3])
def test_the_ink_of_a_turned_page_does_not_depend_on_the_corners_fill(angle):
    page = _text_page()
    outside = uncovered(page.shape, angle)
    inks = [rule_masks(rotate(page, angle, fill), outside=outside).ink for fill in (0, 150, 220, 255)]
    assert all(np.array_equal(inks[0], ink) for ink in inks[1:])
    assert inks[0].any()
    # without the mask, a fill other than the paper's prints the corners' edges as ink
    assert not np.array_equal(rule_masks(rotate(page, angle, 255)).ink, rule_masks(rotate(page, angle, 0)).ink)
