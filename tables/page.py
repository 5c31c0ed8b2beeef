"""Tables on one page image: the page turned by the turn its rules still ask for (as the page
step measured it), the cells' rules found on it, the page's grids read cell by cell, and
borderless tables looked for in the layout of the remaining ink.

Cells are read from their own crops by the page's OCR engine, which is more accurate than the
page's OCR and keeps the lone digits and dashes that page OCR tends to drop; the page's OCR
words, where given, are the second opinion on the tone marks of the cells they read alike."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

import cv2
import numpy as np

from sohoa.ingest.geometry import (MIN_TURN, RuleMasks, find_rules, rule_masks, rule_skew, stamp_sized, straighten,
                                   table_grids, turn_after_levelling, uncovered)
from sohoa.ingest.preprocess import to_grey
from sohoa.ingest.records import CellReading, TableRows
from sohoa.tables.borderless import find_borderless_tables
from sohoa.tables.cellocr import CellText, cells_from_exact_words, read_cells
from sohoa.tables.cells import repair_text_cells, with_mark_alternatives
from sohoa.tables.grid import Grid, Region, build_grid, find_regions, header_band_rows, letter_strokes
from sohoa.tables.records import Table
from sohoa.tables.rows import split_stacked_rows
from sohoa.tables.structure import table_from_cells

if TYPE_CHECKING:  # pragma: no cover
    from sohoa.ingest.ocr import OcrEngine
    from sohoa.ingest.records import Grid as RuleGrid
    from sohoa.ingest.records import OcrWord, PageImage


LABEL_MARKS = True
"""Whether the indicator names read here get the tone-mark check of `sohoa.tables.names`
(body cells of the name column only, weighing the OCR's own doubt about each mark against
the context); `bench/tables_bench.py` reports F1 with it toggled."""


def find_tables_on_page(page: "PageImage", *, engine: "OcrEngine | None" = None, repair: bool = True,
                        words: "Sequence[OcrWord] | None" = None) -> list[Table]:
    """Tables on one preprocessed page image; cells read with `engine` (default: Tesseract
    `vie` with `sohoa.ingest.ocr.DEFAULT_CELL_OCR_MODEL`, as `sohoa run` reads them); `repair`:
    False leaves every cell as read. `words`: the page's own OCR of this image, where it was
    read (a second opinion on the cells' tone marks that spares reading them once more)."""
    return find_tables_and_cells(page, engine=engine, repair=repair, words=words)[0]


def find_tables_and_cells(page: "PageImage", *, engine: "OcrEngine | None" = None, repair: bool = True,
                          words: "Sequence[OcrWord] | None" = None, exact_words: "Sequence[OcrWord] | None" = None
                          ) -> tuple[list[Table], list[CellReading], list[TableRows]]:
    """`find_tables_on_page`, the cells as read from their crops (a ruled table's, and a
    borderless table's where no other reading covers them), before any repair, with their
    words on the page image (`CellReading`), and each ruled table's rows (`TableRows`): the
    page's text takes both, see `sohoa.ingest.cell_readings`.

    `exact_words`: the page's words where they are known exactly (a born-digital page's own
    text, in the picture's pixels): the tables are still found on the picture, but each cell
    holds the words that lie in it and no cell is OCR'd."""
    if engine is None:
        from sohoa.ingest.ocr import DEFAULT_CELL_OCR_MODEL, TesseractEngine

        engine = TesseractEngine(model=DEFAULT_CELL_OCR_MODEL)
    grey = to_grey(page.image)
    dpi = page.dpi or 300
    # the turn the page's rules still ask for, as the page step measured it; where it did not
    # (no grid there, or no page step: a text layer's picture), measured here (`rule_skew`
    # falls back on the lines of text, which a borderless table needs level too). A page the
    # page step levelled by its text turns no further than a table's rules would ask
    # (`turn_after_levelling`): its other long lines are a signature's, a stamp's frame
    if page.geometry.rule_turn is not None:
        angle = page.geometry.rule_turn
    elif page.geometry.rules is not None:
        angle = turn_after_levelling(rule_skew(grey, dpi))
    else:
        angle = rule_skew(grey, dpi)
    level = straighten(grey, angle)
    grids = page.geometry.grids
    if page.geometry.rules is None:  # no page step found the page's rules
        grids = tuple(table_grids(find_rules(level)[0]))
    elif abs(angle) >= MIN_TURN:
        grids = tuple(turned_grid(g, grey.shape, angle) for g in grids)
    grey = level
    page_words = None if words is None else turned_words(list(words), grey.shape, angle)
    exact = None if exact_words is None else turned_words(list(exact_words), grey.shape, angle)

    def read(boxes, **hints):
        if exact is not None:
            return cells_from_exact_words(boxes, exact)
        return read_cells(engine, erased, ink, boxes, dpi, page_words=page_words, **hints)
    masks = rule_masks(grey, dpi, outside=uncovered(grey.shape, -page.geometry.skew, angle))
    stamps: list[tuple[int, int, int, int]] = []
    ruled: list[tuple[Region, Grid]] = []
    for region in find_regions(masks, grids, dpi):
        if stamp_sized((region.x0, region.y0, region.x1, region.y1), grey.shape[1], grey.shape[0]):
            stamps.append((region.x0, region.y0, region.x1, region.y1))  # a stamp's box, not a table
            continue
        grid = build_grid(masks, region, dpi)
        if grid is not None and grid.n_cols >= 2 and grid.n_rows >= 2:
            ruled.append((region, grid))
    rules = cv2.dilate(_rules_to_erase(masks, [grid for _, grid in ruled], dpi), np.ones((5, 5), np.uint8))
    erased = grey.copy()
    erased[rules > 0] = 255
    ink = cv2.bitwise_and(masks.ink, cv2.bitwise_not(rules))
    text_ink = _without_specks(ink)
    tables: list[Table] = []
    readings: list[CellReading] = []
    table_rows: list[TableRows] = []
    for region, grid in ruled:
        grid = split_stacked_rows(grid, text_ink)  # body rows set apart by spacing, not rules
        band = header_band_rows(grid)
        texts = read([cell.box for cell in grid.cells], bands=[int(cell.row >= band) for cell in grid.cells],
                     ordinals=[cell.col == 0 and cell.row >= band and cell.colspan == 1 for cell in grid.cells])
        cells = [(c.row, c.col, c.rowspan, c.colspan, t.text, t.conf, t.alternatives) for c, t in zip(grid.cells, texts)]
        readings += [_on_page(cell.box, t, grey.shape, angle) for cell, t in zip(grid.cells, texts) if t.words]
        table_rows.append(_page_rows(grid, grey.shape, -angle))
        table = table_from_cells(page.doc_id, page.page, len(tables) + 1, grid.n_rows, grid.n_cols,
                                 cells, (region.x0, region.y0, region.x1, region.y1), "ruled")
        tables.append(with_mark_alternatives(table, texts))
    ruled_boxes = [t.bbox for t in tables if t.bbox] + stamps
    borderless_reads: list = []
    borderless_cells: list[tuple[tuple[int, int, int, int], CellText]] = []

    def read_borderless(boxes):
        # the first column of a borderless grid is its TT column when it has one
        left = min((b[0] for b in boxes), default=0)
        texts = read(boxes, ordinals=[b[0] == left for b in boxes])
        borderless_reads.extend(texts)
        borderless_cells.extend(zip(boxes, texts))
        return texts

    borderless = find_borderless_tables(page.doc_id, page.page, text_ink, read_borderless, len(tables) + 1, ruled_boxes)
    tables += [with_mark_alternatives(t, borderless_reads) for t in borderless]
    readings += [_on_page(box, t, grey.shape, angle)
                 for box, t in _cells_of(borderless_cells, [t.bbox for t in borderless if t.bbox]) if t.words]
    tables.sort(key=lambda t: t.bbox[1] if t.bbox else 0)
    tables = [Table(**{**t.__dict__, "index": k}) for k, t in enumerate(tables, start=1)]
    if repair:  # cells of the page's own words are no OCR reading: their marks and separators are the author's
        tables = [repair_text_cells(t, label_marks=LABEL_MARKS and exact is None) for t in tables]
    return tables, readings, table_rows


def _rules_to_erase(masks: RuleMasks, grids: list[Grid], dpi: int) -> np.ndarray:
    """The rule masks' ink that is erased before the cells are read: all of it but the letters'
    strokes as long as a rule inside the ruled tables' cells (`letter_strokes`), which erased
    would take the letter's bar with them (a bold 'TT' read as 'r')."""
    rules = cv2.bitwise_or(masks.horizontal, masks.vertical)
    for grid in grids:
        rules = cv2.bitwise_and(rules, cv2.bitwise_not(letter_strokes(masks, grid, dpi)))
    return rules


def _page_rows(grid, shape: tuple[int, ...], angle: float) -> TableRows:
    """The cuts between the rows of a table step's grid (on the levelled page) that run across
    the whole table, no cell spanning them (a header's partial rule under a spanning label is
    no cut of the page's rows), and its column rules, on the page read: turned back by `angle`
    about the page's centre, each cut where it crosses the middle of the table."""
    middle = (grid.xs[0] + grid.xs[-1]) / 2
    box = turned_box((grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1]), shape, angle)
    spanned = {k for cell in grid.cells for k in range(cell.row + 1, cell.row + cell.rowspan)}
    ys = [y for k, y in enumerate(grid.ys[1:-1], start=1) if k not in spanned]
    # a column rule runs down the rows where no cell spans across it (a merged cell has none)
    columns = []
    for c, x in enumerate(grid.xs[1:-1], start=1):
        crossed = {r for cell in grid.cells if cell.col < c < cell.col + cell.colspan
                   for r in range(cell.row, cell.row + cell.rowspan)}
        start = None
        for r in range(len(grid.ys)):
            open_row = r < len(grid.ys) - 1 and r not in crossed
            if open_row and start is None:
                start = r
            elif not open_row and start is not None:
                columns.append((x, grid.ys[start], grid.ys[r]))
                start = None
    if abs(angle) < MIN_TURN:
        return TableRows(box, tuple(int(y) for y in ys), tuple((int(x), int(a), int(b)) for x, a, b in columns))
    cuts = tuple(int(round(y)) for _, y in _turned_points([(middle, y) for y in ys], shape, angle))
    turned = []
    for x, a, b in columns:
        (xa, ya), (xb, yb) = _turned_points([(x, a), (x, b)], shape, angle)
        turned.append((int(round((xa + xb) / 2)), int(round(ya)), int(round(yb))))
    return TableRows(box, cuts, tuple(turned))


def _on_page(box: tuple[int, int, int, int], cell: CellText, shape: tuple[int, ...], angle: float) -> CellReading:
    """A cell of the levelled page (its box, as read) turned back onto the page read."""
    return CellReading(turned_box(box, shape, -angle), tuple(turned_words(list(cell.words), shape, -angle)))


def _cells_of(cells: list[tuple[tuple[int, int, int, int], CellText]], kept: list[tuple[int, int, int, int]]
              ) -> list[tuple[tuple[int, int, int, int], CellText]]:
    """The cells read for borderless tables that lie in a table kept (`kept`: their boxes), and
    that no other such cell overlaps: a grid tried and given up is no table, and a header's
    labels are read once more as phrases over the cells of its rows, so where two readings
    cover the same ink neither is taken."""
    def inside(box, table) -> bool:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return table[0] <= x <= table[2] and table[1] <= y <= table[3]

    def overlap(a, b) -> bool:
        return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])

    found = [(box, text) for box, text in cells if any(inside(box, table) for table in kept)]
    return [(box, text) for k, (box, text) in enumerate(found)
            if not any(overlap(box, other) for j, (other, _) in enumerate(found) if j != k)]


def turned_box(box: tuple[int, int, int, int], shape: tuple[int, ...], angle: float) -> tuple[int, int, int, int]:
    """A box of a page of `shape` moved with `straighten(…, angle)` (a negative angle turns a
    box of the levelled page back onto the page read): the box of its turned corners."""
    if abs(angle) < MIN_TURN:
        return box
    x0, y0, x1, y1 = box
    corners = _turned_points([(x0, y0), (x1, y0), (x0, y1), (x1, y1)], shape, angle)
    (a, b), (c, d) = np.floor(corners.min(axis=0)).astype(int), np.ceil(corners.max(axis=0)).astype(int)
    return int(a), int(b), int(c), int(d)


def turned_words(words: list["OcrWord"], shape: tuple[int, ...], angle: float) -> list["OcrWord"]:
    """Words read on the page before `straighten(…, angle)`, moved with it: each box keeps its
    size about its turned centre (a turn of a degree or so barely changes a word's box)."""
    if abs(angle) < MIN_TURN:  # `straighten` leaves the page as it is
        return words
    if not words:
        return words
    centres = _turned_points([((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2) for w in words], shape, angle)
    out = []
    for word, (cx, cy) in zip(words, centres):
        x0, y0, x1, y1 = word.bbox
        dx, dy = (x1 - x0) / 2, (y1 - y0) / 2
        out.append(replace(word, bbox=(int(round(cx - dx)), int(round(cy - dy)), int(round(cx + dx)), int(round(cy + dy)))))
    return out


def turned_grid(grid: "RuleGrid", shape: tuple[int, ...], angle: float) -> "RuleGrid":
    """A grid measured on the page before `straighten(…, angle)`, moved with it: its box becomes
    the box of its turned corners (a table's regions are then bounded by the rules found on the
    turned page, `tables.grid.find_regions`); its rows and verticals are not read here."""
    x0, y0, x1, y1 = turned_box((grid.x0, grid.y0, grid.x1, grid.y1), shape, angle)
    return replace(grid, x0=x0, y0=y0, x1=x1, y1=y1)


def _turned_points(points: list[tuple[float, float]], shape: tuple[int, ...], angle: float) -> np.ndarray:
    """Points of a page of `shape` where `straighten(…, angle)` (a turn about the centre) puts them."""
    h, w = shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return np.array([(x, y, 1.0) for x, y in points]) @ matrix.T


def _without_specks(ink: np.ndarray) -> np.ndarray:
    """Ink with scan noise (components of a few pixels) removed, for whitespace analysis."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= 12
    keep[0] = False
    return np.where(keep, 255, 0).astype(np.uint8)[labels]
