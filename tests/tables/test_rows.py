"""Body rows set apart by spacing alone inside one ruled lattice row."""

import numpy as np

from sohoa.tables.grid import Grid, GridCell
from sohoa.tables.rows import row_cuts, split_stacked_rows

COLUMNS = [(0, 60), (60, 400), (400, 520), (520, 640), (640, 760)]
LINE_H, LEADING = 30, 36  # text height and line pitch of a wrapped cell (px at 300 dpi)


def _band(rows: list[list[int]], row_gap: int) -> np.ndarray:
    """Ink of a lattice row: each body row lists how many lines each column prints."""
    height = sum(max(r) * LEADING + row_gap for r in rows) + 20
    band = np.zeros((height, COLUMNS[-1][1]), dtype=bool)
    y = 10
    for lines in rows:
        for (x0, x1), n in zip(COLUMNS, lines):
            for k in range(n):
                band[y + k * LEADING:y + k * LEADING + LINE_H, x0 + 8:x1 - 8] = True
        y += max(lines) * LEADING + row_gap
    return band


def test_rows_apart_by_spacing_are_cut():
    rows = [[1, 2, 1, 1, 1], [1, 1, 1, 1, 1], [1, 3, 2, 1, 1], [0, 1, 1, 1, 1]]
    cuts = row_cuts(_band(rows, row_gap=24), COLUMNS)
    assert len(cuts) == 3


def test_rows_without_wrapped_lines_are_cut_by_their_even_wide_gaps():
    rows = [[1, 1, 1, 1, 1]] * 5
    assert len(row_cuts(_band(rows, row_gap=24), COLUMNS)) == 4


def test_one_row_with_a_wrapped_name_stays_whole():
    # the name over four lines, the unit over two, the figures on one line: one row
    assert row_cuts(_band([[1, 4, 2, 1, 1]], row_gap=24), COLUMNS) == []


def test_one_row_of_a_long_name_with_wide_line_spacing_stays_whole():
    band = np.zeros((400, COLUMNS[-1][1]), dtype=bool)
    for k in range(4):  # four lines far apart in the name column only, one figure beside
        band[10 + k * 80:10 + k * 80 + LINE_H, 68:392] = True
    band[10:10 + LINE_H, 528:632] = True
    assert row_cuts(band, COLUMNS) == []


def test_two_rows_of_one_line_each_are_cut():
    # one cut: the widths of the white bands cannot be compared, the columns tell
    assert len(row_cuts(_band([[1, 1, 1, 1, 1]] * 2, row_gap=24), COLUMNS)) == 1


def test_a_wrapped_row_above_a_one_line_row_is_cut_once():
    assert len(row_cuts(_band([[1, 2, 1, 1, 1], [1, 1, 1, 1, 1]], row_gap=24), COLUMNS)) == 1


def test_one_row_wrapping_in_several_columns_stays_whole():
    # name and unit over two lines, with wide line spacing: the row's number stands on the
    # first line only, so the second line is no row of its own
    assert row_cuts(_band([[1, 2, 2, 1, 1]], row_gap=24), COLUMNS) == []
    band = np.zeros((200, COLUMNS[-1][1]), dtype=bool)
    for x0, x1 in COLUMNS[1:3]:
        for k in range(2):
            band[10 + k * 70:10 + k * 70 + LINE_H, x0 + 8:x1 - 8] = True
    for x0, x1 in (COLUMNS[0], *COLUMNS[3:]):
        band[10:10 + LINE_H, x0 + 8:x1 - 8] = True
    assert row_cuts(band, COLUMNS) == []


def test_one_row_without_a_number_column_wrapping_in_three_of_five_columns_stays_whole():
    # the first column is the name: it prints on both lines, but the figures on one only
    band = np.zeros((200, COLUMNS[-1][1]), dtype=bool)
    for c, (x0, x1) in enumerate(COLUMNS):
        for k in range(2 if c in (0, 1, 4) else 1):
            band[10 + k * 70:10 + k * 70 + LINE_H, x0 + 8:x1 - 8] = True
    assert row_cuts(band, COLUMNS) == []


def test_rows_are_told_by_their_baselines_not_by_the_white_between_lines():
    # every line a dense 24 px body; some carry sparse marks up to 10 px above it, which narrow the
    # white over them: wrapped lines step 54 px from baseline to baseline, rows 66 px
    band = np.zeros((700, COLUMNS[-1][1]), dtype=bool)
    layout = [(0, (0, 1, 2, 3, 4), False), (54, (1, 2), True), (120, (0, 1, 2, 3, 4), True),
              (186, (0, 1, 2, 3, 4), False), (240, (1,), True), (306, (0, 1, 2, 3, 4), False)]
    for top, columns, marked in layout:
        for c in columns:
            x0, x1 = COLUMNS[c]
            band[40 + top:40 + top + 24, x0 + 8:x1 - 8] = True
            if marked:
                band[40 + top - 10:40 + top - 1, x0 + 8:x1 - 8:12] = True
    cuts = row_cuts(band, COLUMNS)
    assert len(cuts) == 3
    assert all(40 + a + 24 <= cut <= 40 + b - 10 for cut, (a, b) in zip(cuts, [(54, 120), (120, 186), (240, 306)]))


def test_split_stacked_rows_renumbers_the_grid():
    band = _band([[1, 1, 1, 1, 1]] * 4, row_gap=24)
    header_h = 60
    ink = np.zeros((header_h + band.shape[0] + 20, COLUMNS[-1][1] + 20), dtype=np.uint8)
    ink[header_h + 4:header_h + 4 + band.shape[0] - 8, :COLUMNS[-1][1]] = band[4:-4] * 255
    xs = tuple(x for x, _ in COLUMNS) + (COLUMNS[-1][1],)
    ys = (0, header_h, header_h + band.shape[0])
    cells = tuple(GridCell(r, c, 1, 1, (xs[c] + 4, ys[r] + 4, xs[c + 1] - 4, ys[r + 1] - 4))
                  for r in range(2) for c in range(len(COLUMNS)))
    split = split_stacked_rows(Grid(xs, ys, cells), ink)
    assert split.n_rows == 5 and split.n_cols == len(COLUMNS)
    assert sorted({c.row for c in split.cells}) == list(range(5))
    assert all(c.box[1] < c.box[3] for c in split.cells)
    # a header-only grid (nothing below the header band) is left as it is
    assert split_stacked_rows(Grid(xs, ys, cells), np.zeros_like(ink)) == Grid(xs, ys, cells)
