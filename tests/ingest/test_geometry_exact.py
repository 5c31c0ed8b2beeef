"""The page geometry's cheaper ways give exactly what the plain computations give: the same
angles, byte for byte the same masks and the same rule boxes.

Each law is held against a plain reference written out here (numpy's sum of a turned mask,
labelling the page's blobs, an opening of the whole page), on generated images."""

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from sohoa.ingest import geometry
from sohoa.ingest.geometry import (TurnSharpness, _line_open, _on_lines_with_ink, _row_sharpness, _speck_mask,
                                   adaptive_ink, blob_stats, find_rules, level_angle, page_skew, quarter_profiles, quarter_turn,
                                   rule_masks, rule_skew, straighten, text_skew, uncovered)
from sohoa.ingest.records import Rules


# ------------------------------------------------------------------ plain references
def plain_sharpness(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
    rotated = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def plain_level_angle(mask: np.ndarray, max_angle: float, step: float, fine_step: float):
    """Every trial turn measured afresh, as many times as the search meets it."""
    coarse = np.arange(-max_angle, max_angle + 1e-6, step)
    best = max(coarse, key=lambda a: plain_sharpness(mask, a))
    fine = np.arange(best - step, best + step + 1e-6, fine_step)
    return max(fine, key=lambda a: plain_sharpness(mask, a))


def plain_specks(ink: np.ndarray, max_size: int) -> np.ndarray:
    """The blobs labelled over the page, the small ones kept."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= max_size) & (stats[:, cv2.CC_STAT_HEIGHT] <= max_size // 2 + 2)
    small[0] = False
    return np.where(small[labels], 255, 0).astype(np.uint8)


def line(length: int, across: bool) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if across else (1, length))


def plain_rule_masks(grey: np.ndarray, dpi: int = 300, outside: np.ndarray | None = None):
    ink = adaptive_ink(grey)
    if outside is not None:
        ink[outside > 0] = 0
    scale = dpi / 300.0
    h_len, v_len = max(20, int(70 * scale)), max(15, int(60 * scale))
    specks = plain_specks(ink, max(6, int(14 * scale)))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, line(h_len, True))
    dotted = cv2.morphologyEx(specks, cv2.MORPH_CLOSE, line(int(15 * scale) + 1, True))
    dotted = cv2.morphologyEx(dotted, cv2.MORPH_OPEN, line(h_len * 2, True))
    horizontal = cv2.bitwise_or(horizontal, dotted)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, line(v_len, False))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, line(int(31 * scale), True))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, line(int(31 * scale), False))
    return horizontal, vertical, ink


def plain_find_rules(grey: np.ndarray):
    h, w = grey.shape[:2]
    scale = 2 if min(h, w) > 1500 else 1
    small = cv2.resize(grey, (w // scale, h // scale), interpolation=cv2.INTER_AREA) if scale > 1 else grey
    sh, sw = small.shape[:2]
    ink = geometry.otsu_ink(small)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, line(max(60 // scale, sw // 20), True))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, line(max(60 // scale, sh // 40), False))
    boxes = []
    for mask in (horizontal, vertical):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        boxes.append(tuple((int(x * scale), int(y * scale), int((x + bw) * scale), int((y + bh) * scale))
                           for x, y, bw, bh, _ in stats[1:count]))
    mask = cv2.bitwise_or(horizontal, vertical)
    if scale > 1:
        mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)
    return Rules(boxes[0], boxes[1]), mask


# ------------------------------------------------------------------ generated pages
def text_page(seed: int, width: int = 1100, height: int = 1400, rules: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = np.full((height, width), int(rng.integers(200, 250)), np.uint8)
    words = ["Ty le", "ho ngheo", "12,5", "34,8", "Uy ban", "nhan dan", "2021", "tinh", "...", "-"]
    for k in range(int(rng.integers(4, 16))):
        y = 80 + k * int(rng.integers(60, 90))
        text = " ".join(rng.choice(words, size=int(rng.integers(2, 7))))
        cv2.putText(page, text, (int(rng.integers(20, 200)), y), cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.6, 1.4)), int(rng.integers(0, 80)), int(rng.integers(1, 4)))
    if rules:
        top, bottom = 150, height - 150
        for y in range(top, bottom + 1, int(rng.integers(60, 120))):
            cv2.line(page, (80, y), (width - 80, y), 30, int(rng.integers(1, 4)))
        for x in (80, width // 3, width - 80):
            cv2.line(page, (x, top), (x, bottom), 30, 2)
        for x in range(100, width - 100, 14):  # a dotted rule
            cv2.rectangle(page, (x, bottom + 40), (x + 5, bottom + 42), 20, -1)
    noise = rng.random(page.shape) < 0.002
    page[noise] = 0
    return page


def binary(seed: int, height: int, width: int) -> np.ndarray:
    """A small binary image of noise, strokes, rings and dots, some within others."""
    rng = np.random.default_rng(seed)
    ink = np.where(rng.random((height, width)) < rng.uniform(0.0, 0.3), 255, 0).astype(np.uint8)
    for _ in range(int(rng.integers(0, 14))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(0, 90)), y0 + int(rng.integers(0, 12))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            cv2.rectangle(ink, (x0, y0), (x1, y1), 255, int(rng.choice([1, 2, -1])))
        elif kind == 1:
            cv2.line(ink, (x0, y0), (x1, y1 if rng.random() < 0.5 else y0), 255, int(rng.integers(1, 3)))
        elif kind == 2:
            cv2.line(ink, (x0, y0), (x0, y0 + int(rng.integers(0, 80))), 255, int(rng.integers(1, 3)))
        else:
            ink[y0:y0 + 3, x0:x0 + 3] = 255
    return ink


# ------------------------------------------------------------------ tilt
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(-4.0, 4.0), st.sampled_from((1, 255)))
def test_row_sharpness_is_numpys_sum_of_the_turned_mask(seed, angle, ink_value):
    rng = np.random.default_rng(seed)
    mask = np.where(rng.random((int(rng.integers(2, 300)), int(rng.integers(2, 300)))) < rng.uniform(0, 0.5),
                    ink_value, 0).astype(np.uint8)
    assert _row_sharpness(mask, angle) == plain_sharpness(mask, angle)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.floats(-3.0, 3.0))
def test_the_tilt_search_gives_the_angle_of_measuring_every_turn_afresh(seed, tilt):
    page = straighten(text_page(seed), tilt)
    small = (adaptive_ink(cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)) > 0).astype(np.uint8)
    assert level_angle(small, 3.0, 0.25, 0.05) == plain_level_angle(small, 3.0, 0.25, 0.05)
    assert text_skew(page) == round(float(plain_level_angle(small, 3.0, 0.25, 0.05)), 2)
    quarter = geometry.otsu_ink(cv2.resize(page, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA))
    assert page_skew(page) == -float(round(plain_level_angle(quarter, 5.0, 0.5, 0.1), 2))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.floats(-4.0, 4.0), st.booleans())
def test_a_pages_skew_from_the_profiles_its_quarter_turn_measured_is_its_skew_measured_alone(seed, tilt, sideways):
    page = straighten(text_page(seed), tilt)
    if sideways:
        page = np.ascontiguousarray(np.rot90(page))
    profiles = quarter_profiles(page)
    turn = quarter_turn(page, profiles)
    assert turn == quarter_turn(page)
    assert page_skew(page, profiles=profiles) == page_skew(page)
    # a search met again measures nothing again
    measured = len(profiles._measured)
    page_skew(page, profiles=profiles)
    assert len(profiles._measured) == measured


def test_row_profiles_measure_each_turn_once():
    mask = np.zeros((40, 60), np.uint8)
    mask[10:12, 5:55] = 1
    profiles = TurnSharpness(mask)
    assert profiles.sharpness(np.float64(0.5)) == plain_sharpness(mask, 0.5)
    profiles.mask = np.zeros_like(mask)  # a turn met again is looked up, not measured
    assert profiles.sharpness(0.5) == plain_sharpness(mask, 0.5)
    assert profiles.sharpness(0.25) == 0.0


# ------------------------------------------------------------------ specks and rules
@settings(max_examples=150, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 70), st.integers(1, 120), st.integers(2, 30))
def test_specks_told_by_their_outlines_are_the_small_blobs(seed, height, width, max_size):
    ink = binary(seed, height, width)
    assert _speck_mask(ink, max_size).tobytes() == plain_specks(ink, max_size).tobytes()


@pytest.mark.parametrize("seed", [11, 12])
def test_specks_of_a_grainy_page_told_by_labelling_are_the_small_blobs(seed, monkeypatch):
    ink = binary(seed, 60, 120)
    monkeypatch.setattr(geometry, "SPECKS_BY_LABELS", 3)  # as many outlines as a grainy page's
    assert _speck_mask(ink, 14).tobytes() == plain_specks(ink, 14).tobytes()


def test_a_speck_within_a_speck_is_a_speck():
    # a ring holding a solid dot: drawn filled in one drawing the dot's inside would be left out
    ink = np.zeros((20, 34), np.uint8)
    cv2.rectangle(ink, (5, 5), (13, 13), 255, 1)
    ink[8:11, 8:11] = 255
    cv2.rectangle(ink, (16, 2), (31, 13), 255, 1)  # a ring within a ring, a thick ring within both
    cv2.rectangle(ink, (18, 4), (29, 11), 255, 1)
    cv2.rectangle(ink, (20, 6), (26, 9), 255, 2)
    specks = _speck_mask(ink, 14)
    assert specks.tobytes() == plain_specks(ink, 14).tobytes()
    assert specks[9, 9] == 255 and specks[7, 21] == 255


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 80), st.integers(1, 120), st.integers(1, 40), st.booleans(),
       st.sampled_from((cv2.MORPH_OPEN, cv2.MORPH_CLOSE, cv2.MORPH_DILATE, cv2.MORPH_ERODE)))
def test_morphology_on_the_lines_with_ink_is_the_pages(seed, height, width, length, across, op):
    ink = binary(seed, height, width)
    ink[:, :: max(1, width // 3)] = 0  # some rows and columns left empty
    ink[:: max(1, height // 3)] = 0
    whole = cv2.morphologyEx(ink, op, line(length, across))
    assert _on_lines_with_ink(ink, op, length, across).tobytes() == whole.tobytes()
    if op == cv2.MORPH_OPEN:
        assert _line_open(ink, length, across).tobytes() == whole.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("dpi", [300, 200])
def test_rule_masks_are_the_plain_computations(seed, dpi):
    page = straighten(text_page(seed, rules=True), 0.7)
    angle = rule_skew(page, dpi)
    level = straighten(page, angle)
    outside = uncovered(level.shape, -0.7, angle)
    for given_outside in (outside, None):
        masks = rule_masks(level, dpi, outside=given_outside)
        horizontal, vertical, ink = plain_rule_masks(level, dpi, outside=given_outside)
        assert masks.horizontal.tobytes() == horizontal.tobytes()
        assert masks.vertical.tobytes() == vertical.tobytes()
        assert masks.ink.tobytes() == ink.tobytes()
    assert masks.horizontal.any() and masks.vertical.any()


# ------------------------------------------------------------------ blobs
def plain_blob_stats(mask: np.ndarray) -> np.ndarray:
    return cv2.connectedComponentsWithStats(mask, connectivity=8)[2][1:]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 160), st.integers(1, 160), st.floats(0.0, 1.0))
def test_blob_stats_are_opencvs_in_its_order(seed, height, width, blank_share):
    """Sparse masks (rows blanked at random, so bands start on odd and even rows) and dense
    ones: the same blobs, the same statistics, in the same order."""
    ink = binary(seed, height, width)
    rng = np.random.default_rng(seed + 1)
    ink[rng.random(height) < blank_share] = 0
    assert blob_stats(ink).tolist() == plain_blob_stats(ink).tolist()


def test_blob_stats_of_the_leftovers_of_a_page_are_opencvs(monkeypatch):
    """A page's ink with most of its rows taken out, as the search for unread lines leaves it:
    labelled band by band (bands of text lines, one starting on an odd row), the same blobs."""
    ink = geometry.otsu_ink(text_page(3, width=2480, height=3508))
    ink[700:3300] = 0
    ink[3301:3305, 100:900:7] = 255  # a dotted line starting on an odd row
    plain = plain_blob_stats(ink)
    calls = []
    labelled = cv2.connectedComponentsWithStats
    monkeypatch.setattr(geometry.cv2, "connectedComponentsWithStats",
                        lambda mask, **kw: calls.append(mask.shape) or labelled(mask, **kw))
    stats = blob_stats(ink)
    assert len(calls) > 3 and all(rows < 700 for rows, _ in calls)  # band by band
    assert len(stats) > 20
    assert stats.tolist() == plain.tolist()
    assert blob_stats(np.zeros((40, 30), np.uint8)).shape == (0, 5)


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("size", [(1400, 1100), (3300, 2500)])
def test_find_rules_gives_the_plain_boxes_and_mask(seed, size):
    page = cv2.resize(text_page(seed, rules=True), size[::-1], interpolation=cv2.INTER_LINEAR)
    rules, mask = find_rules(page)
    plain_rules, plain_mask = plain_find_rules(page)
    assert rules == plain_rules
    assert mask.tobytes() == plain_mask.tobytes()
    assert rules.horizontal and rules.vertical


def test_the_skew_of_rules_falls_back_on_the_text_as_before():
    page = straighten(text_page(9), 1.2)  # no long rules: the text levels it
    small = (adaptive_ink(cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)) > 0).astype(np.uint8)
    assert rule_skew(page) == round(float(plain_level_angle(small, 3.0, 0.25, 0.05)), 2)
