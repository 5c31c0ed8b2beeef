"""Body rows of ruled tables that print column rules but no rules between body rows.

Many writers rule the columns and the header but leave the body rows apart by spacing alone,
so the rule lattice holds one tall body row with every indicator in it. Such a lattice row is
cut into rows between the lines of text that run across the whole table where two baselines
stand clearly further apart than the lines of one wrapped cell (a row's padding), or, every
line apart by the same step, where the white between them is wide. The cut is kept only
when it looks like several rows: most columns with ink have ink in two or more of the pieces
(a single row whose name wraps over three lines has ink in one or two columns per line, the
figures standing on one line only).

A lattice row of two rows gives a single cut, where the widths of its white bands cannot be
compared (two lines, or a wrapped name over a one-line row). Such a cut asks for more: the first
column prints on the first line of each piece (a row's number stands on its first line and
never wraps), and at least two thirds of the columns with ink print in both pieces.
"""

from __future__ import annotations

import numpy as np

from sohoa.tables.grid import Grid, GridCell, header_band_rows


def _text_runs(band: np.ndarray) -> list[tuple[int, int]]:
    """(top, bottom) of the runs of pixel rows with ink in `band` (rows × columns, bool)."""
    inked = np.flatnonzero(band.any(axis=1))
    if inked.size == 0:
        return []
    runs = [[int(inked[0]), int(inked[0])]]
    for y in inked[1:]:
        if y - runs[-1][1] <= 2:  # a mark sits a pixel or two above its letter
            runs[-1][1] = int(y)
        else:
            runs.append([int(y), int(y)])
    return [(a, b) for a, b in runs]


def _baseline(band: np.ndarray, run: tuple[int, int]) -> int:
    """The baseline of a line of text (a run of `band`'s pixel rows): the lowest pixel row of its
    dense middle, the rows with at least half the ink of the fullest one (marks above the
    letters and descenders below them are sparse)."""
    top, bottom = run
    profile = band[top:bottom + 1].sum(axis=1)
    return top + int(np.flatnonzero(profile >= 0.5 * profile.max())[-1])


def row_cuts(band: np.ndarray, column_edges: list[tuple[int, int]]) -> list[int]:
    """y offsets (inside `band`, bool ink of one lattice row) where it should be cut into rows;
    [] when it is one row. `column_edges` are the x ranges of the columns inside the band."""
    runs = _text_runs(band)
    heights = sorted(b - a + 1 for a, b in runs)
    if len(runs) < 2:
        return []
    text_h = heights[len(heights) // 2]
    runs = [r for r in runs if r[1] - r[0] + 1 >= 0.3 * text_h]  # specks are no lines
    if len(runs) < 2:
        return []
    gaps = [runs[k + 1][0] - runs[k][1] - 1 for k in range(len(runs) - 1)]
    smallest = min(gaps)
    # where every run is one line of text, the distance between baselines, not the white between
    # the runs, tells a row's padding from the spacing of its wrapped lines: a line of plain
    # letters leaves more white under it than one of stacked marks and descenders, the baselines
    # step evenly. A run of several lines (cells set in the middle of their row, one wrapping
    # beside one that does not) has no one baseline: the white between runs tells there.
    heights = [b - a + 1 for a, b in runs]
    one_line_each = max(heights) <= 1.8 * min(heights)
    baselines = [_baseline(band, run) for run in runs]
    pitches = [baselines[k + 1] - baselines[k] for k in range(len(runs) - 1)]
    tightest = min(pitches)
    if one_line_each and max(pitches) >= 1.12 * tightest + 3:
        cut_at = [k for k, pitch in enumerate(pitches) if pitch >= 1.12 * tightest + 3]
    elif not one_line_each and max(gaps) >= 1.4 * smallest + 2:
        cut_at = [k for k, g in enumerate(gaps) if g >= 1.4 * smallest + 2]
    elif smallest >= 0.3 * text_h:  # even gaps, wide for the white between wrapped lines
        cut_at = list(range(len(gaps)))
    else:
        return []
    cuts = [(runs[k][1] + runs[k + 1][0]) // 2 for k in cut_at]
    pieces = list(zip([0] + cuts, cuts + [band.shape[0]]))
    inked_columns = [(x0, x1) for x0, x1 in column_edges if band[:, x0:x1].any()]
    if not inked_columns:
        return []
    spread = sum(1 for x0, x1 in inked_columns
                 if sum(band[y0:y1, x0:x1].any() for y0, y1 in pieces) >= 2)
    if len(cuts) >= 2:
        return cuts if spread >= max(2, (len(inked_columns) + 1) // 2) else []
    if spread < max(2, -(-2 * len(inked_columns) // 3)):
        return []
    # one cut: the first column's ink opens each piece, on the piece's first line
    x0, x1 = inked_columns[0]
    for y0, y1 in pieces:
        first_line = next(r for r in runs if r[0] >= y0)
        inked = np.flatnonzero(band[y0:y1, x0:x1].any(axis=1))
        if inked.size == 0 or abs(y0 + int(inked[0]) - first_line[0]) > text_h / 2:
            return []
    return cuts


def split_stacked_rows(grid: Grid, ink: np.ndarray) -> Grid:
    """The grid with each body lattice row that holds several unruled rows cut into them.
    `ink` is the page's text ink (rules and specks removed, 255 on 0)."""
    band_end = header_band_rows(grid)
    new_ys: list[int] = [grid.ys[0]]
    pieces_of: dict[int, list[tuple[int, int]]] = {}
    for r in range(grid.n_rows):
        y0, y1 = grid.ys[r], grid.ys[r + 1]
        row_cells = [c for c in grid.cells if c.row == r]
        single = r >= band_end and row_cells and all(c.rowspan == 1 for c in grid.cells
                                                     if c.row <= r < c.row + c.rowspan)
        cuts: list[int] = []
        if single:
            x_left, x_right = grid.xs[0], grid.xs[-1]
            margin = 4
            band = ink[y0 + margin:y1 - margin, x_left:x_right] > 0
            edges = [(c.box[0] - x_left, c.box[2] - x_left) for c in row_cells]
            cuts = [y0 + margin + cut for cut in row_cuts(band, edges)]
        bounds = [y0] + cuts + [y1]
        pieces_of[r] = list(zip(bounds[:-1], bounds[1:]))
        new_ys += bounds[1:]
    if len(new_ys) == len(grid.ys):
        return grid
    first_row = {}
    k = 0
    for r in range(grid.n_rows):
        first_row[r] = k
        k += len(pieces_of[r])
    first_row[grid.n_rows] = k
    cells: list[GridCell] = []
    for cell in grid.cells:
        pieces = pieces_of[cell.row]
        if cell.rowspan == 1 and len(pieces) > 1:
            tol = cell.box[1] - grid.ys[cell.row]
            for p, (top, bottom) in enumerate(pieces):
                box = (cell.box[0], top + (tol if p == 0 else 2), cell.box[2],
                       bottom - (tol if p == len(pieces) - 1 else 2))
                cells.append(GridCell(first_row[cell.row] + p, cell.col, 1, cell.colspan, box))
        else:
            end = first_row[cell.row + cell.rowspan]
            cells.append(GridCell(first_row[cell.row], cell.col, end - first_row[cell.row], cell.colspan, cell.box))
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(grid.xs, tuple(new_ys), tuple(cells))
