"""Parts of a page read in one engine call: cut out, stacked on one sheet of paper, and each
word the engine reads on the sheet put back where it lies on the page.

A call to the engine costs far more than the few pixels of a strip, so the second readings of
a page (`reread`, `unread`) send all their strips at once. Each strip gets half the tallest
strip's height of paper above and below it: the engine then sees each as a line of its own,
and a word it reads in that paper still belongs to the strip it lies nearest.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from sohoa.ingest.records import OcrWord

MARGIN = 20  # pixels of paper left of each strip on the sheet


def stack(crops: list[np.ndarray | None], gap: int, margin: int = MARGIN) -> tuple[np.ndarray | None, list[int | None]]:
    """The crops (of one picture's type and channels) one under another on white paper of that
    type, `gap` rows of paper above, between and below them and `margin` columns left and
    right; (sheet, the top row of each crop on the sheet). A missing crop (None) takes no room
    and has no top; no crop at all, no sheet."""
    present = [c for c in crops if c is not None]
    if not present:
        return None, [None] * len(crops)
    width = max(c.shape[1] for c in present) + 2 * margin
    height = sum(c.shape[0] for c in present) + gap * (len(present) + 1)
    sheet = np.full((height, width) + present[0].shape[2:], 255, dtype=present[0].dtype)
    tops: list[int | None] = []
    y = gap
    for crop in crops:
        if crop is None:
            tops.append(None)
            continue
        sheet[y:y + crop.shape[0], margin:margin + crop.shape[1]] = crop
        tops.append(y)
        y += crop.shape[0] + gap
    return sheet, tops


MAX_SHEET_ROWS = 32_000
"""The tallest sheet sent to the engine: Tesseract keeps a box's coordinates in 16 bits (32767)
and Leptonica reads no Netpbm picture over 100000 rows; a longer stack goes on several sheets."""


def sheet_runs(crops: list[np.ndarray | None], gap: int, limit: int = MAX_SHEET_ROWS) -> list[list[int]]:
    """The crops' indices in runs, in order, each run a stack (`stack(crops, gap)`) of at most
    `limit` rows where it can be (a crop taller than that alone is a run of its own)."""
    runs: list[list[int]] = [[]]
    height = gap
    for index, crop in enumerate(crops):
        rows = 0 if crop is None else crop.shape[0] + gap
        if runs[-1] and height + rows > limit:
            runs.append([])
            height = gap
        runs[-1].append(index)
        height += rows
    return runs


def clipped(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """`box` (left, top, right, bottom) clipped to a picture of `width` × `height` at both ends:
    a slice from a negative end would wrap round to the picture's far side."""
    x0, y0, x1, y1 = box
    return min(max(0, x0), width), min(max(0, y0), height), min(max(0, x1), width), min(max(0, y1), height)


def read_boxes(engine, image: np.ndarray, boxes: list[tuple[int, int, int, int]],
               timeout: float | None = None, **request) -> list[list[OcrWord]]:
    """Per box (left, top, right, bottom on `image`, clipped to it), the words with text the
    engine reads in it, in the engine's order, their boxes on the page: one call for all the
    boxes, or one per sheet where they stack taller than the engine reads (`sheet_runs`), all
    within `timeout` (`request`: what the engine is asked besides, `psm` or `whitelist`; its
    own settings by default)."""
    if not boxes:
        return []
    height, width = image.shape[:2]
    boxes = [clipped(box, width, height) for box in boxes]
    crops = [image[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]
    gap = 2 * (max(c.shape[0] for c in crops) // 2 + 1)  # paper around each crop: half the tallest one
    found: list[list[OcrWord]] = [[] for _ in boxes]
    deadline = None if timeout is None else time.monotonic() + timeout  # all the sheets within the one limit
    for run in sheet_runs(crops, gap):
        on_sheet = [crops[k] for k in run]
        sheet, tops = stack(on_sheet, gap)
        if sheet is None:
            continue
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        read = [word for word in engine.recognise(sheet, timeout=left, **request) if word.text.strip()]
        for k, words in zip(run, crop_words(read, on_sheet, tops, gap)):
            x, y = boxes[k][0], boxes[k][1]
            found[k] = [replace(w, bbox=(w.bbox[0] + x, w.bbox[1] + y, w.bbox[2] + x, w.bbox[3] + y)) for w in words]
    return found


def crop_words(words: list[OcrWord], crops: list[np.ndarray | None], tops: list[int | None], gap: int,
               margin: int = MARGIN) -> list[list[OcrWord]]:
    """The words read on a sheet of `stack(crops, gap, margin)` given back to their crops: each
    to the crop its middle lies in or within half the gap around, in the engine's order, its
    box within that crop."""
    found: list[list[OcrWord]] = [[] for _ in crops]
    for word in words:
        centre = (word.bbox[1] + word.bbox[3]) / 2
        for index, (top, crop) in enumerate(zip(tops, crops)):
            if top is not None and top - gap / 2 <= centre < top + crop.shape[0] + gap / 2:
                x0, y0, x1, y1 = word.bbox
                found[index].append(replace(word, bbox=(x0 - margin, y0 - top, x1 - margin, y1 - top)))
                break
    return found
