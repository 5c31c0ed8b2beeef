import cv2
import numpy as np
import pytest

from sohoa.ingest import geometry, preprocess


def _page_with_text_lines(angle: float = 0.0) -> np.ndarray:
    page = np.full((1400, 1000), 255, np.uint8)
    for y in range(150, 1250, 60):
        for x in range(100, 880, 40):
            cv2.rectangle(page, (x, y), (x + 26, y + 22), 0, -1)  # 'words'
    if angle:
        page = geometry.rotate(page, angle)
    return page


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.3, 3.0])
def test_skew_is_found_to_a_fraction_of_a_degree(angle):
    assert geometry.page_skew(_page_with_text_lines(angle)) == pytest.approx(angle, abs=0.25)


def test_sideways_page_is_detected():
    page = _page_with_text_lines()
    assert geometry.quarter_turn(page) == 0
    assert geometry.quarter_turn(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)) == 90


def test_red_seal_goes_black_text_under_it_stays():
    page = np.full((200, 200, 3), 245, np.uint8)
    page[50:60, 20:180] = (200, 25, 35)  # red ink alone
    page[100:110, 20:180] = (30, 10, 12)  # black text under red ink
    page[150:160, 20:180] = (20, 20, 20)  # plain black text
    grey = preprocess.remove_coloured_ink(page)
    assert grey[55, 100] > 200
    assert grey[105, 100] < 60 and grey[155, 100] < 60


def test_uneven_light_is_flattened():
    ramp = np.tile(np.linspace(150, 250, 800, dtype=np.float32), (600, 1))
    page = ramp.astype(np.uint8)
    page[300:310, 100:700] = 20
    flat = preprocess.flatten_background(page)
    paper = flat[100, :]
    assert paper.max() - paper.min() < 20 and flat[305, 400] < 80


def test_noise_level_separates_clean_from_grainy():
    page = _page_with_text_lines()
    noisy = np.clip(page + np.random.default_rng(0).normal(0, 12, page.shape), 0, 255).astype(np.uint8)
    assert preprocess.noise_level(page) < 1 < 2.5 < preprocess.noise_level(noisy)


def test_ruled_lines_are_found_and_erased_text_kept():
    page = np.full((1000, 1200), 255, np.uint8)
    for y in (200, 300, 400):
        cv2.line(page, (100, y), (1100, y), 0, 3)
    for x in (100, 600, 1100):
        cv2.line(page, (x, 200), (x, 400), 0, 3)
    cv2.putText(page, "Ty le", (150, 270), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    rules, mask = geometry.find_rules(page)
    assert len(rules.horizontal) == 3 and len(rules.vertical) == 3
    cleaned = geometry.erase_rules(page, mask)
    assert cleaned[300, 300] > 200 and cleaned[250:275, 150:260].min() < 50
