"""Which horizontal strokes of a ruled region are row lines of its grid."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.ingest.geometry import find_rules, rule_masks, table_grids
from sohoa.tables.grid import build_grid, find_regions, letter_strokes


def _grid_of(image: Image.Image):
    page = np.asarray(image)
    masks = rule_masks(page, dpi=300)
    (region,) = find_regions(masks, table_grids(find_rules(page)[0]), dpi=300)
    return build_grid(masks, region, dpi=300)


def _ruled_table(tt_width: int) -> tuple[Image.Image, list[int], list[int]]:
    """A 5-column table, a header row and three body rows, all ruled; no text."""
    image = Image.new("L", (1700, 700), 255)
    draw = ImageDraw.Draw(image)
    xs = [100, 100 + tt_width, 900, 1150, 1400, 1650]
    ys = [100, 230, 310, 390, 470]
    for y in ys:
        draw.rectangle([xs[0], y, xs[-1], y + 2], fill=0)
    for x in xs:
        draw.rectangle([x, ys[0], x + 2, ys[-1] + 2], fill=0)
    return image, xs, ys


@pytest.mark.parametrize("tt_width", [180, 120])
def test_the_joined_top_bars_of_a_bold_tt_are_no_row_line(tt_width):
    # a bold 'TT' in the header's first cell: the bars of its two letters join into one
    # horizontal stroke of 72 px (at 300 dpi), longer than the shortest rule, a little below
    # the top rule; it is a letter inside the cell, not a line from one column rule to the next
    image, xs, ys = _ruled_table(tt_width)
    draw = ImageDraw.Draw(image)
    middle = (xs[0] + xs[1]) // 2
    top = ys[0] + 18
    draw.rectangle([middle - 36, top, middle + 35, top + 5], fill=0)  # the joined bars
    for stem in (middle - 22, middle + 14):
        draw.rectangle([stem, top, stem + 8, top + 52], fill=0)  # the stems of the two Ts
    grid = _grid_of(image)
    assert (grid.n_rows, grid.n_cols) == (4, 5)
    assert abs(grid.ys[1] - ys[1]) <= 3
    assert all(c.rowspan == c.colspan == 1 for c in grid.cells)


def test_a_header_rule_under_a_spanning_label_stays_a_row_line():
    # the shorter rule under 'Năm' that spans the last two columns runs from one column rule
    # to another, though it crosses only part of the table
    image, xs, ys = _ruled_table(180)
    draw = ImageDraw.Draw(image)
    draw.rectangle([xs[3], ys[0] + 65, xs[5], ys[0] + 67], fill=0)
    draw.rectangle([xs[4], ys[0], xs[4] + 2, ys[0] + 67], fill=(255))  # 'Năm' spans above it
    grid = _grid_of(image)
    assert grid.n_rows == 5
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans[(0, 0)] == (2, 1) and spans[(0, 3)] == (1, 2) and spans[(1, 3)] == (1, 1)


def test_the_joined_top_bars_of_a_bold_tt_are_a_letter_stroke_and_a_broken_rules_piece_is_not():
    # the bars are read with their letters; the middle piece of a rule broken twice inside a
    # cell runs along the row line the grid kept, and is erased with it
    image, xs, ys = _ruled_table(180)
    draw = ImageDraw.Draw(image)
    middle = (xs[0] + xs[1]) // 2
    draw.rectangle([middle - 36, ys[0] + 18, middle + 35, ys[0] + 23], fill=0)
    draw.rectangle([xs[1] + 150, ys[2], xs[1] + 300, ys[2] + 2], fill=255)
    draw.rectangle([xs[1] + 400, ys[2], xs[1] + 550, ys[2] + 2], fill=255)
    page = np.asarray(image)
    masks = rule_masks(page, dpi=300)
    (region,) = find_regions(masks, table_grids(find_rules(page)[0]), dpi=300)
    strokes = letter_strokes(masks, build_grid(masks, region, dpi=300), dpi=300) > 0
    rows, cols = np.nonzero(strokes)
    assert rows.size and ys[0] + 16 <= rows.min() and rows.max() <= ys[0] + 25
    assert middle - 40 <= cols.min() and cols.max() <= middle + 40
