"""One page geometry: the page worker finds a page's rules once, levels a ruled page by them,
and the table step reads what it found instead of measuring the page again."""

import cv2
import numpy as np
import pytest

from sohoa.ingest import geometry
from sohoa.ingest.geometry import find_rules, level_by_rules, rule_masks, rule_runs, with_dotted_rules
from sohoa.ingest.page import ruled_and_level
from sohoa.ingest.records import PageGeometry, PageImage


def _table_page(tilt: float = 0.0) -> np.ndarray:
    """A ruled table of 6 rows and 3 columns with a line of text above it, tilted by `tilt`
    degrees (as `geometry.rotate`)."""
    page = np.full((2400, 1800), 255, np.uint8)
    cv2.putText(page, "BANG CHI TIEU KINH TE", (300, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    ys = [400 + 120 * k for k in range(7)]
    xs = [150, 400, 1200, 1650]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 3)
    for k, y in enumerate(ys[:-1]):
        cv2.putText(page, f"{k + 1}", (220, y + 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
        cv2.putText(page, "Ty le", (450, y + 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
        cv2.putText(page, f"{12 + k},5", (1300, y + 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return geometry.rotate(page, tilt, 255) if tilt else page


def _prose_page() -> np.ndarray:
    page = np.full((2400, 1800), 255, np.uint8)
    for k in range(20):
        cv2.putText(page, "Nghi quyet ve ke hoach phat trien", (150, 200 + 90 * k), cv2.FONT_HERSHEY_SIMPLEX,
                    1.4, 0, 3)
    return page


def _row_spread(rules) -> int:
    """The tallest horizontal rule's box: a level rule is a few pixels high."""
    return max(y1 - y0 for _, y0, _, y1 in rules.horizontal)


@pytest.mark.parametrize("tilt", [0.4, -0.45])
def test_a_ruled_page_is_levelled_by_its_rules(tilt):
    level = level_by_rules(_table_page(tilt))
    assert level.angle == pytest.approx(-tilt, abs=0.15)
    assert len(level.rules.horizontal) == 7 and len(level.rules.vertical) == 4
    tilted_rules, _, _ = find_rules(_table_page(tilt))
    # tilted by 0.4° a 1500-pixel rule rises 10 pixels; levelled, hardly a few
    assert _row_spread(level.rules) + 4 <= _row_spread(tilted_rules)


def test_rules_far_off_the_text_s_level_do_not_turn_the_page():
    level = level_by_rules(_table_page(2.0))  # a grid two degrees off: a stamp's frame, not the page's table
    assert level.angle == 0.0
    assert level_by_rules(_table_page(2.0), always=True).angle == pytest.approx(-2.0, abs=0.1)


def test_a_page_without_a_table_grid_is_not_turned_again(monkeypatch):
    def no_measuring(*_args, **_kwargs):
        raise AssertionError("the rules of a page without a grid are not measured for tilt")

    monkeypatch.setattr(geometry, "rule_skew", no_measuring)
    page = _prose_page()
    cv2.line(page, (600, 2250), (1200, 2250), 0, 3)  # a signature line: one rule, no table
    level = level_by_rules(geometry.rotate(page, 0.7, 255))
    assert level.angle == 0.0 and level.image is not None
    assert len(level.rules.horizontal) == 1 and not level.rules.vertical


def test_the_page_geometry_records_the_whole_turn():
    prepared = _table_page(0.4)
    grey, page_geometry, mask = ruled_and_level(prepared, PageGeometry(skew=0.3), 300)
    assert page_geometry.skew == pytest.approx(0.3 + 0.4, abs=0.1)  # the text's turn, then the rules'
    assert page_geometry.rules is not None and page_geometry.masks is not None
    assert page_geometry.masks.horizontal.shape == grey.shape == mask.shape
    assert PageGeometry(skew=0.3) == PageGeometry(skew=0.3, masks=page_geometry.masks)  # masks are not compared


def test_the_table_step_reads_the_page_geometry_instead_of_measuring_again(monkeypatch):
    from sohoa.ingest.ocr import NullEngine
    from sohoa.tables import page as table_page

    grey, page_geometry, _ = ruled_and_level(_table_page(0.4), PageGeometry(), 300)
    measured = table_page.find_tables_on_page(PageImage("d", 1, grey, 300), engine=NullEngine(), repair=False)

    def no_measuring(*_args, **_kwargs):
        raise AssertionError("the table step measured a page the page step had measured")

    monkeypatch.setattr(table_page, "level_by_rules", no_measuring)
    carried = table_page.find_tables_on_page(PageImage("d", 1, grey, 300, page_geometry), engine=NullEngine(),
                                             repair=False)
    assert len(carried) == len(measured) == 1
    assert carried[0].bbox == measured[0].bbox
    assert (carried[0].header, carried[0].rows, carried[0].spans) == (measured[0].header, measured[0].rows, measured[0].spans)


def test_the_long_rules_are_the_masks_long_components():
    page = _table_page()
    cv2.line(page, (300, 2200), (340, 2200), 0, 3)  # a dash: no rule
    rules, mask, masks = find_rules(page)
    assert len(rules.horizontal) == 7 and len(rules.vertical) == 4
    assert not mask[2195:2206, 295:345].any()
    assert np.array_equal(cv2.bitwise_and(mask, cv2.bitwise_or(masks.horizontal, masks.vertical)), mask)


@pytest.mark.parametrize("dpi", [300, 200, 150])
def test_the_table_step_s_masks_come_from_the_page_s_rule_runs(dpi):
    page = _table_page(0.3)
    for x in range(150, 1650, 12):  # a dotted rule under the table
        cv2.rectangle(page, (x, 1300), (x + 4, 1302), 0, -1)
    _, _, runs = find_rules(page, dpi)
    assert all(np.array_equal(a, b) for a, b in zip((runs.horizontal, runs.vertical, runs.ink),
                                                    (lambda r: (r.horizontal, r.vertical, r.ink))(rule_runs(page, dpi))))
    masks = with_dotted_rules(runs, dpi)
    at_once = rule_masks(page, dpi)
    assert np.array_equal(at_once.horizontal, masks.horizontal) and np.array_equal(at_once.vertical, masks.vertical)
    assert masks.horizontal[1295:1308].any() and not runs.horizontal[1295:1308].any()
