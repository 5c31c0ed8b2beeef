"""Tables on one page image: straighten, find rules, read ruled grids cell by cell, and look
for borderless tables in the page's words where there are no ruled ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from sohoa.tables.borderless import Word, find_borderless_tables
from sohoa.tables.cellocr import read_cells
from sohoa.tables.cells import repair_text_cells
from sohoa.tables.grid import build_grid, find_regions
from sohoa.tables.lines import estimate_skew, rule_masks, straighten, to_grey
from sohoa.tables.records import Table
from sohoa.tables.structure import table_from_cells

if TYPE_CHECKING:  # pragma: no cover
    from sohoa.ingest.records import OcrPage, PageImage


def page_words(grey: np.ndarray) -> list[Word]:
    """The page's words by Tesseract `vie` (used when no OCR of the page is at hand)."""
    import os

    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # scan noise becomes hundreds of one-letter 'words' in sparse mode: smooth it away first
    grey = cv2.medianBlur(grey, 3)
    data = pytesseract.image_to_data(grey, lang="vie", config="--psm 11",
                                     output_type=pytesseract.Output.DICT)
    return [
        Word(t.strip(), float(c), l, tp, l + w, tp + h)
        for t, c, l, tp, w, h in zip(data["text"], data["conf"], data["left"], data["top"],
                                     data["width"], data["height"])
        if t.strip()
    ]


def _ocr_words(ocr: "OcrPage | None", angle: float, shape: tuple[int, int]) -> list[Word] | None:
    if ocr is None or not ocr.words:
        return None
    if abs(angle) >= 0.05:
        return None  # the page was straightened here; its word boxes no longer fit
    return [Word(w.text, w.conf, *w.bbox) for w in ocr.words]


def find_tables_on_page(page: "PageImage", ocr: "OcrPage | None" = None, *, repair: bool = True) -> list[Table]:
    grey = to_grey(page.image)
    dpi = page.dpi or 300
    angle = estimate_skew(grey, dpi)
    grey = straighten(grey, angle)
    masks = rule_masks(grey, dpi)
    rules = cv2.dilate(cv2.bitwise_or(masks.horizontal, masks.vertical), np.ones((5, 5), np.uint8))
    erased = grey.copy()
    erased[rules > 0] = 255
    ink = cv2.bitwise_and(masks.ink, cv2.bitwise_not(rules))
    tables: list[Table] = []
    framed: list[tuple[int, int, int, int]] = []
    for region in find_regions(masks, dpi):
        if not region.ruled:
            framed.append((region.x0, region.y0, region.x1, region.y1))
            continue
        grid = build_grid(masks, region, dpi)
        if grid is None or grid.n_cols < 2 or grid.n_rows < 2:
            continue
        read = read_cells(erased, ink, [cell.box for cell in grid.cells], dpi)
        cells = [(c.row, c.col, c.rowspan, c.colspan, t.text, t.conf) for c, t in zip(grid.cells, read)]
        table = table_from_cells(page.doc_id, page.page, len(tables) + 1, grid.n_rows, grid.n_cols, cells,
                                 (region.x0, region.y0, region.x1, region.y1), "ruled")
        tables.append(table)
    ruled_boxes = [t.bbox for t in tables if t.bbox]
    words = _ocr_words(ocr, angle, grey.shape)
    if words is None:
        words = page_words(erased) if _worth_reading(masks, ruled_boxes, framed) else []
    words = [w for w in words if not any(b[0] <= (w.x0 + w.x1) / 2 <= b[2] and b[1] <= (w.y0 + w.y1) / 2 <= b[3]
                                         for b in ruled_boxes)]
    tables += find_borderless_tables(
        page.doc_id, page.page, words, len(tables) + 1, framed, ink=_without_specks(ink),
        read=lambda boxes: read_cells(erased, ink, boxes, dpi))
    tables.sort(key=lambda t: t.bbox[1] if t.bbox else 0)
    tables = [
        Table(**{**t.__dict__, "index": k}) for k, t in enumerate(tables, start=1)
    ]
    return [repair_text_cells(t) for t in tables] if repair else tables


def _worth_reading(masks, ruled_boxes, framed) -> bool:
    """Read the page's words for borderless tables only when no ruled table covers the page."""
    return bool(framed) or not ruled_boxes


def _without_specks(ink: np.ndarray) -> np.ndarray:
    """Ink with scan noise (components of a few pixels) removed, for whitespace analysis."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= 12
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)
