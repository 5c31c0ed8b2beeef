"""Skew of pages without rules, from their lines of text."""

import cv2
import numpy as np
import pytest

from sohoa.ingest.geometry import rule_skew, straighten, text_skew


def _text_page() -> np.ndarray:
    page = np.full((2000, 1600), 255, np.uint8)
    for k in range(24):
        y = 150 + k * 70
        cv2.putText(page, "Ty le ho ngheo 12,5 34,8 55,15 2021", (120, y), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    return page


@pytest.mark.parametrize("angle", [0.0, 1.0, -1.5, 2.5])
def test_text_skew_finds_the_tilt_of_text_lines(angle):
    tilted = straighten(_text_page(), angle)
    assert text_skew(tilted) == pytest.approx(-angle, abs=0.15)
    # a page without long rules falls back on its text
    assert rule_skew(tilted) == pytest.approx(-angle, abs=0.15)


def test_blank_page_has_no_skew():
    assert text_skew(np.full((800, 600), 255, np.uint8)) == 0.0
