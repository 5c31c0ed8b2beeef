"""One page geometry: the page worker measures a page's rules, their grids and the turn a grid
still asks for once; the table step turns its copy of the page by that turn instead of
measuring the page again."""

import cv2
import numpy as np
import pytest

from sohoa.ingest import geometry
from sohoa.ingest.geometry import find_rules, rule_masks, rule_runs, rule_turn, table_grids, with_dotted_rules
from sohoa.ingest.page import with_rules
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


def _grids(page: np.ndarray):
    return table_grids(find_rules(page)[0])


@pytest.mark.parametrize("tilt", [0.4, -0.45])
def test_a_table_grid_a_little_off_level_asks_for_a_turn(tilt):
    page = _table_page(tilt)
    assert rule_turn(page, _grids(page)) == pytest.approx(-tilt, abs=0.15)


@pytest.mark.parametrize("tilt", [-2.3, -0.2, 0.15, 0.4, 1.3, 3.1])
def test_the_tilt_of_rules_is_measured_finer_than_a_tenth_of_a_degree(tilt):
    """Each rule's own direction (a least-squares line through its pixels), not a Hough
    transform's angle step: a Hough search in 0.1° steps read 0.4° as 0.33° and 0.15° as 0.11°."""
    assert geometry.rule_skew(_table_page(tilt)) == pytest.approx(-tilt, abs=0.03)


def test_a_broken_rule_is_one_rule_and_a_blob_is_none():
    mask = np.zeros((600, 1200), np.uint8)
    cv2.line(mask, (100, 100), (500, 104), 255, 2)  # one rule with a break of 8 pixels
    cv2.line(mask, (508, 104), (900, 108), 255, 2)
    cv2.rectangle(mask, (100, 300), (1000, 560), 255, -1)  # a filled box: no direction of its own
    found = geometry.rule_directions(mask, min_length=600)
    assert len(found) == 1
    angle, length = found[0]
    assert length >= 790 and angle == pytest.approx(np.degrees(np.arctan2(8, 800)), abs=0.05)
    assert geometry.rule_directions(mask, min_length=1000) == []
    box = np.zeros_like(mask)
    cv2.rectangle(box, (100, 300), (1000, 340), 255, -1)  # a long bar (a shaded row) runs its length
    cv2.rectangle(box, (100, 400), (700, 560), 255, -1)  # a box a quarter as high as wide runs no way
    assert [round(a, 3) for a, _ in geometry.rule_directions(box, min_length=300)] == [0.0]
    signed = np.zeros((600, 1200), np.uint8)
    cv2.line(signed, (0, 300), (1199, 300), 255, 2)  # a level rule with a stroke run into it at 3°
    cv2.line(signed, (500, 300), (1100, 331), 255, 2)
    assert geometry.rule_directions(signed, min_length=200) == []
    steep = np.zeros((600, 1200), np.uint8)
    cv2.line(steep, (100, 100), (900, 250), 255, 2)  # more than MAX_RULE_SKEW off level
    assert geometry.rule_directions(steep, min_length=200) == []


def test_rules_far_off_the_text_s_level_ask_for_no_turn():
    page = _table_page(2.0)  # a grid two degrees off a page its text levelled: no table's rules
    assert geometry.rule_skew(page) == pytest.approx(-2.0, abs=0.15)
    assert rule_turn(page, _grids(page)) == 0.0


def test_a_page_without_a_grid_is_not_measured_for_a_turn(monkeypatch):
    def no_measuring(*_args, **_kwargs):
        raise AssertionError("the rules of a page without a grid are not measured for tilt")

    monkeypatch.setattr(geometry, "rule_skew", no_measuring)
    page = _prose_page()
    cv2.line(page, (600, 2250), (1200, 2250), 0, 3)  # a signature line: one rule, no table
    page_geometry, mask = with_rules(geometry.rotate(page, 0.7, 255), PageGeometry(skew=0.2), 300)
    assert page_geometry.rule_turn is None and page_geometry.grids == ()
    assert len(page_geometry.rules.horizontal) == 1 and mask.any()


def test_the_page_geometry_carries_the_rules_their_grids_and_the_turn():
    page_geometry, mask = with_rules(_table_page(0.4), PageGeometry(skew=0.3), 300)
    assert page_geometry.skew == 0.3  # the OCR reads the page as its text levelled it
    assert len(page_geometry.rules.horizontal) == 7 and len(page_geometry.rules.vertical) == 4
    (grid,) = page_geometry.grids
    assert len(grid.rows) == 7 and len(grid.verticals) == 4
    assert page_geometry.rule_turn == pytest.approx(-0.4, abs=0.15)


def test_the_table_step_turns_the_page_by_the_measured_turn_instead_of_measuring_again(monkeypatch):
    from sohoa.ingest.ocr import NullEngine
    from sohoa.tables import page as table_page

    grey = _table_page(0.4)
    measured = table_page.find_tables_on_page(PageImage("d", 1, grey, 300), engine=NullEngine(), repair=False)
    page_geometry, _ = with_rules(grey, PageGeometry(), 300)

    def no_measuring(*_args, **_kwargs):
        raise AssertionError("the table step measured a page the page step had measured")

    monkeypatch.setattr(table_page, "rule_skew", no_measuring)
    carried = table_page.find_tables_on_page(PageImage("d", 1, grey, 300, page_geometry), engine=NullEngine(),
                                             repair=False)
    assert len(carried) == len(measured) == 1
    assert carried[0].bbox == measured[0].bbox
    assert (carried[0].header, carried[0].rows, carried[0].spans) == \
        (measured[0].header, measured[0].rows, measured[0].spans)


def test_a_levelled_page_without_a_grid_is_not_turned_by_a_signature_s_stroke(monkeypatch):
    from sohoa.ingest.ocr import NullEngine
    from sohoa.tables import page as table_page

    page = _prose_page()
    cv2.line(page, (500, 2150), (1300, 2200), 0, 4)  # a signature's stroke, 3.6° off the text's level
    page_geometry, _ = with_rules(page, PageGeometry(), 300)
    assert page_geometry.grids == () and page_geometry.rule_turn is None
    assert geometry.rule_skew(page) == pytest.approx(3.6, abs=0.2)
    turns = []
    real = table_page.straighten
    monkeypatch.setattr(table_page, "straighten", lambda image, angle: turns.append(angle) or real(image, angle))
    table_page.find_tables_on_page(PageImage("d", 1, page, 300, page_geometry), engine=NullEngine(), repair=False)
    assert turns[0] == 0.0
    # a picture no page step levelled (under a text layer) is levelled by what it shows
    turns.clear()
    table_page.find_tables_on_page(PageImage("d", 1, page, 300), engine=NullEngine(), repair=False)
    assert turns[0] == pytest.approx(3.6, abs=0.2)


def test_a_turned_grid_s_box_holds_its_turned_rules():
    from sohoa.tables.page import turned_grid

    page = _table_page(0.4)
    (grid,) = _grids(page)
    angle = rule_turn(page, [grid])
    level = geometry.straighten(page, angle)
    (level_grid,) = _grids(level)
    moved = turned_grid(grid, page.shape, angle)
    assert moved.x0 <= level_grid.x0 + 2 and moved.y0 <= level_grid.y0 + 2
    assert moved.x1 >= level_grid.x1 - 2 and moved.y1 >= level_grid.y1 - 2
    assert moved.y1 - moved.y0 < grid.y1 - grid.y0 + 20  # a fraction of a degree: hardly larger


@pytest.mark.parametrize("dpi", [300, 200, 150])
def test_the_table_step_s_masks_are_its_rule_runs_healed_with_the_dotted_rules(dpi):
    page = _table_page(0.3)
    for x in range(150, 1650, 12):  # a dotted rule under the table
        cv2.rectangle(page, (x, 1300), (x + 4, 1302), 0, -1)
    runs = rule_runs(page, dpi)
    masks = with_dotted_rules(runs, dpi)
    at_once = rule_masks(page, dpi)
    assert np.array_equal(at_once.horizontal, masks.horizontal) and np.array_equal(at_once.vertical, masks.vertical)
    assert masks.horizontal[1295:1308].any() and not runs.horizontal[1295:1308].any()


def test_a_rule_broken_into_far_apart_pieces_still_separates_rows():
    """A faint scan prints a row's rule in pieces with gaps wider than mending joins (where text
    crosses it); together they run across the table, so the row is cut there. Pieces that
    cover less than half the table together (a header's partial rule) cut nothing."""
    from sohoa.ingest.geometry import table_grids
    from sohoa.ingest.records import Rules

    horizontal = ((50, 100, 3450, 104),                                     # the top frame
                  (50, 400, 1500, 404), (1580, 402, 2300, 405), (2360, 401, 3450, 404),  # broken, 93 %
                  (50, 700, 1000, 703), (2600, 701, 3450, 704),              # two ends, 53 %: a rule
                  (1000, 550, 2000, 553),                                    # a partial rule alone, 29 %
                  (50, 1000, 3450, 1004))                                    # the bottom frame
    vertical = ((48, 100, 52, 1004), (3448, 100, 3452, 1004), (1000, 100, 1004, 1004))
    (grid,) = table_grids(Rules(horizontal, vertical))
    assert [round(y, -1) for y in grid.rows] == [100, 400, 700, 1000]
