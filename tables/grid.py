"""From the page's grids of crossing rules and its rule masks to table regions and their cells
(with row and column spans).

Internal working objects: `Region`, `GridCell`, `Grid` (the cell lattice of a region). The grid is the elementary
lattice of every rule position; two neighbouring lattice cells belong to one cell when the
rule between them is (mostly) absent, which is how spans and shorter header rules show up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from sohoa.ingest.geometry import RuleMasks
from sohoa.ingest.records import Grid as RuleGrid


@dataclass(frozen=True)
class Region:
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 inside the rules


@dataclass(frozen=True)
class Grid:
    xs: tuple[int, ...]
    ys: tuple[int, ...]
    cells: tuple[GridCell, ...]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


def _positions(profile: np.ndarray, min_count: int, merge_gap: int) -> list[int]:
    """Centres of runs of profile entries ≥ min_count, runs closer than merge_gap joined."""
    idx = np.flatnonzero(profile >= min_count)
    if idx.size == 0:
        return []
    groups = [[idx[0], idx[0]]]
    for i in idx[1:]:
        if i - groups[-1][1] <= merge_gap:
            groups[-1][1] = i
        else:
            groups.append([i, i])
    return [int((a + b) // 2) for a, b in groups]


REGION_REACH = 12
"""Pixels around a grid's long rules (found on the half-size page) within which the masks' own
rule pixels count as the table's: the long rules' boxes are a pixel or two off the masks'."""

REGION_MARGIN = 4
"""Pixels of the page around a table's rule pixels that its region takes in: a rule's blurred
edge."""


def find_regions(masks: RuleMasks, grids: Sequence[RuleGrid], dpi: int = 300) -> list[Region]:
    """Table regions: the page's grids of crossing rules (`geometry.table_grids`, which the
    reading order reads too), each bounded by the masks' rule pixels around it, that are
    table-sized (an inch and a fifth wide, a sixth of an inch high) and hold in the masks two
    rules across a third of their width and three down a third of their height."""
    height, width = masks.horizontal.shape[:2]
    both = cv2.bitwise_or(masks.horizontal, masks.vertical)
    bounded = []
    for grid in grids:
        x, y = max(0, grid.x0 - REGION_REACH), max(0, grid.y0 - REGION_REACH)
        x1, y1 = min(width, grid.x1 + REGION_REACH), min(height, grid.y1 + REGION_REACH)
        rows, cols = np.flatnonzero(both[y:y1, x:x1].max(axis=1)), np.flatnonzero(both[y:y1, x:x1].max(axis=0))
        if rows.size and cols.size:
            bounded.append((max(0, x + int(cols[0]) - REGION_MARGIN), max(0, y + int(rows[0]) - REGION_MARGIN),
                            min(width, x + int(cols[-1]) + 1 + REGION_MARGIN),
                            min(height, y + int(rows[-1]) + 1 + REGION_MARGIN)))
    regions = []
    for x, y, x1, y1 in _overlapping_joined(bounded):
        w, h = x1 - x, y1 - y
        if w < int(1.2 * dpi) or h < dpi // 6:
            continue
        hs = _positions(masks.horizontal[y:y1, x:x1].sum(axis=1) // 255, w // 3, 6)
        vs = _positions(masks.vertical[y:y1, x:x1].sum(axis=0) // 255, h // 3, 6)
        if len(hs) >= 2 and len(vs) >= 3:
            regions.append(Region(x, y, x1, y1))
    regions.sort(key=lambda r: (r.y0, r.x0))
    return regions


def _overlapping_joined(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes that overlap joined into the box of them all, until none overlaps: a table whose
    rules a worn scan broke where they cross may form a grid inside (or beside) the grid of its
    frame, and is still one table."""
    boxes = list(boxes)
    joined = True
    while joined:
        joined = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del boxes[j]
                    joined = True
                    break
            if joined:
                break
    return boxes


def _coverage_h(mask: np.ndarray, y: int, x0: int, x1: int, tol: int, drift: int = 0) -> float:
    """Share of the columns x0..x1 where the rule near row `y` has ink (within `tol` of where
    it runs there; see `_coverage_v`)."""
    if x1 <= x0:
        return 1.0
    return _coverage_v(mask.T, y, x0, x1, tol, drift)


def _coverage_v(mask: np.ndarray, x: int, y0: int, y1: int, tol: int, drift: int = 0) -> float:
    """Share of the rows y0..y1 where the rule near column `x` has ink within `tol` of where it
    runs there. A rule of a warped scan (a photocopy, a bent page) runs a few pixels off its
    column's mean position over part of the table: with `drift`, each stretch of the segment
    looks for the rule up to `drift` pixels either side of `x` (where that stretch's rule
    pixels are densest) before counting."""
    if y1 <= y0:
        return 1.0
    if not drift:
        band = mask[y0:y1, max(0, x - tol): x + tol + 1]
        return float((band.max(axis=1) > 0).mean()) if band.size else 0.0
    lo = max(0, x - tol - drift)
    window = mask[y0:y1, lo: x + tol + drift + 1] > 0
    if not window.size:
        return 0.0
    covered = 0
    step = _stretch(tol)
    for start, centre in zip(range(0, window.shape[0], step), _course(window, lo, x, step)):
        covered += int(window[start: start + step, max(0, centre - tol): centre + tol + 1].any(axis=1).sum())
    return covered / window.shape[0]


def _stretch(tol: int) -> int:
    """Rows of a warped rule's length over which it is taken to run straight (`_coverage_v`)."""
    return max(8, 4 * tol)


def _course(window: np.ndarray, lo: int, x: int, step: int) -> list[int]:
    """Where the rule near column `x` runs in each stretch of `step` rows of `window` (the
    mask's columns from `lo`, as flags), as a column of `window`: the densest one there, the
    nearest to `x` among equals; `x` itself where the stretch holds no ink."""
    centres = []
    for start in range(0, window.shape[0], step):
        counts = window[start: start + step].sum(axis=0)
        order = np.argsort(-counts * 4096 + np.abs(np.arange(counts.size) + lo - x), kind="stable")
        centres.append(int(order[0]) if counts[order[0]] else x - lo)
    return centres


def _row_lines(mask: np.ndarray, ys: list[int], xs: list[int], reach: int, margin: int) -> list[int]:
    """The positions of `ys` that are row lines: a row line of a ruled grid runs from one
    column rule to the next over at least one cell, while a letter's stroke as long as the
    shortest rule (the joined top bars of a bold 'TT' under the top rule) lies inside its cell,
    clear of the column rules by the cell's padding. Each position is looked for within
    `reach` of where it runs (a warped scan's rule strays from its mean position), but never
    nearer to another position than to its own, whose rule it would otherwise take for its own;
    a rule may stop `margin` short of a column rule (where it crosses a worn one)."""
    kept = []
    for k, y in enumerate(ys):
        above = (y - ys[k - 1] - 1) // 2 if k > 0 else reach
        below = (ys[k + 1] - y - 1) // 2 if k + 1 < len(ys) else reach
        band = mask[max(0, y - min(reach, above)): y + min(reach, below) + 1] > 0
        if any(_spans_cell(band[:, a: b + 1].any(axis=0), margin) for a, b in zip(xs, xs[1:])):
            kept.append(y)
    return kept


def _spans_cell(ink: np.ndarray, margin: int) -> bool:
    """Whether a rule's ink along a cell (`ink`: one flag per column from the cell's left rule
    to its right one) runs from one side to the other: it comes within twice `margin` of both
    rules (`margin`: the rules' own blur) and covers at least half of the cell between them,
    as the cells' own test of a rule asks (`build_grid`)."""
    inner = ink[margin: ink.size - margin]
    if inner.size <= 2 * margin:
        return bool(inner.any())
    return bool(inner[:margin].any() and inner[-margin:].any() and inner.mean() >= 0.5)


def _tolerances(dpi: int) -> tuple[int, int, int]:
    """How far a rule's ink may lie from its position (`tol`), how short of a crossing rule it
    may stop (`margin`, the rules' blur), and how far a rule of a warped scan may stray from its
    mean position (`drift`)."""
    tol = max(4, dpi // 60)
    return tol, max(3, dpi // 50), max(tol, dpi // 20)


def build_grid(masks: RuleMasks, region: Region, dpi: int = 300) -> Grid | None:
    """The cell grid of a ruled region, or None when it is not a table after all."""
    x0, y0, x1, y1 = region.x0, region.y0, region.x1, region.y1
    h_sub = masks.horizontal[y0:y1, x0:x1]
    v_sub = masks.vertical[y0:y1, x0:x1]
    min_h = max(int(0.12 * dpi), 20)  # a header rule spans at least one narrow column
    ys = [y0 + p for p in _positions(h_sub.sum(axis=1) // 255, min_h, 6)]
    xs = [x0 + p for p in _positions(v_sub.sum(axis=0) // 255, int(0.15 * dpi), 6)]
    if len(ys) < 2 or len(xs) < 2:
        return None
    tol, margin, drift = _tolerances(dpi)
    ys = _row_lines(masks.horizontal, ys, xs, tol + drift, margin)
    if len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and _coverage_v(masks.vertical, xs[c + 1], ys[r] + margin, ys[r + 1] - margin,
                                              tol, drift) < 0.5:
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and _coverage_h(masks.horizontal, ys[r + 1], xs[c] + margin, xs[c + 1] - margin,
                                              tol, drift) < 0.5:
                union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(m[0] for m in members)
        r1 = max(m[0] for m in members)
        c0 = min(m[1] for m in members)
        c1 = max(m[1] for m in members)
        box = (xs[c0] + tol, ys[r0] + tol, xs[c1 + 1] - tol, ys[r1 + 1] - tol)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    # an empty rule-free strip (a title underline, a signature line) is no table
    if n_rows < 2 and n_cols < 2:
        return None
    return Grid(tuple(xs), tuple(ys), tuple(cells))


def letter_strokes(masks: RuleMasks, grid: Grid, dpi: int = 300) -> np.ndarray:
    """The pieces of the horizontal rule mask (0/255, page-sized) inside `grid` that are none of
    its lines: a letter's stroke as long as the shortest rule (the joined top bars of a bold
    'TT'), which the cell must be read with. Such a piece lies inside one column, clear of its
    rules as no row line is (`_row_lines`), and none of its ink runs along a row line the grid
    kept (within `tol` of where that line runs, as `_coverage_h` follows it): a broken rule's
    middle piece does, and stays a rule."""
    tol, margin, drift = _tolerances(dpi)
    xs, ys = grid.xs, grid.ys
    x0, y0, x1, y1 = xs[0], max(0, ys[0] - tol - drift), xs[-1] + 1, ys[-1] + tol + drift + 1
    strokes = np.zeros_like(masks.horizontal)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(masks.horizontal[y0:y1, x0:x1], connectivity=8)
    lines = None
    for k in range(1, count):
        left, top, width, height = (int(v) for v in stats[k, :4])
        if not any(xs[c] + 2 * margin < x0 + left and x0 + left + width < xs[c + 1] - 2 * margin
                   for c in range(len(xs) - 1)):
            continue
        if lines is None:
            lines = _row_line_courses(masks.horizontal[y0:y1, x0:x1], [y - y0 for y in ys], tol, drift)
        piece = labels[top: top + height, left: left + width] == k
        if not (piece & lines[top: top + height, left: left + width]).any():
            strokes[y0 + top: y0 + top + height, x0 + left: x0 + left + width][piece] = 255
    return strokes


def _row_line_courses(mask: np.ndarray, ys: list[int], tol: int, drift: int) -> np.ndarray:
    """Flags over `mask` (a grid's box of the horizontal rule mask) of where its row lines at
    `ys` run: within `tol` of the rule's row in each stretch, looked for up to `drift` away."""
    lines = np.zeros(mask.shape, dtype=bool)
    step = _stretch(tol)
    for y in ys:
        lo = max(0, y - tol - drift)
        window = mask.T[:, lo: y + tol + drift + 1] > 0
        for start, centre in zip(range(0, window.shape[0], step), _course(window, lo, y, step)):
            lines[max(0, lo + centre - tol): lo + centre + tol + 1, start: start + step] = True
    return lines


def header_band_rows(grid: Grid) -> int:
    """Rows that may form the header, from the cell spans alone (no text yet): the first row,
    the rows its tall cells reach into, and the row under a label that spans some columns but
    not the whole table. Only a guess for reading the header apart from the body; which rows
    are header is decided on the text (`sohoa.tables.structure.header_row_count`)."""
    if grid.n_rows < 2:
        return 0
    end = 1
    while end < grid.n_rows:
        reach = max((c.row + c.rowspan for c in grid.cells if c.row < end), default=end)
        if reach > end:
            end = reach
            continue
        if any(c.row == end - 1 and 1 < c.colspan < grid.n_cols - 1 for c in grid.cells):
            end += 1
            continue
        break
    return min(end, grid.n_rows - 1)
