"""Printed lines (and ruled cells' numbers) Tesseract's page segmentation left out: read on their own.

Tesseract's layout analysis sometimes drops a whole printed line: beside a large signature
stroke it takes the line for part of a picture, and the recogniser never sees it (on a real
report the last recipient line '- Lưu: VT, TTHC.' came out nowhere, while plain text lines
above it were read at confidence 96). The page itself is the evidence: ink shaped like a line
of text (glyph-sized blobs side by side on one row, as tall as the page's words) where no word
was read. Such rows are cut out, stacked on one sheet and read in one call; a row's reading is
kept only when the engine is confident of it and it reads as words, so a seal, a scribble or
a smudge the engine cannot read adds nothing.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

import cv2
import numpy as np

from sohoa.ingest.geometry import blob_stats, otsu_ink
from sohoa.ingest.preprocess import to_grey
from sohoa.ingest.records import OcrWord
from sohoa.ingest.sheet import clipped, read_boxes

MIN_GLYPHS = 4  # blobs on a row before it may be a line of text (a lone mark is not)
GLYPH_HEIGHT = (0.35, 1.6)  # blob heights, in the page's median word height, that letters have
MIN_GLYPH_AREA = 0.03  # ink a letter's blob holds at least, in squares of the word height (not a speck)
GLYPH_GAP = 1.2  # word heights between blobs of one row: wider parts two rows
ROW_REACH = 0.3  # word heights above and below a row where the next glyph's middle may still lie
ROW_HEIGHT = 2.0  # word heights a row of text spans at most (a seal's ring of letters grows taller)
MIN_WIDTH = 2.5  # word heights a row spans at least
COVERED_PAD = 0.25  # word heights around each read word whose ink counts as read
CONFIDENT = 80.0  # mean engine confidence a row's new reading needs
DOUBTFUL = 50.0  # words of a row read with less are left out (a blot at its end, read as '”„')
MIN_LETTERS = 3  # letters a kept row holds at least
MAX_ROWS = 12  # per page: more unread rows than this is a picture or a bad scan, not lost lines
LIST_DASHES = "-–+•"
PAD = 0.35  # word heights of paper kept above and below a row
SIDE_PAD = 1.0  # ... and left and right of it: a list dash or a stop too small to count as a glyph


@dataclass(frozen=True)
class UnreadRow:
    """A row of glyph-sized ink no word covers: its box on the page and its blob count."""

    bbox: tuple[int, int, int, int]
    glyphs: int


def unread_rows(image: np.ndarray, words: list[OcrWord]) -> list[UnreadRow]:
    """Rows of letter-sized ink on `image` (the picture the words were read from; grey, or
    colour taken as its grey) that no word of `words` covers, top to bottom."""
    word_h = median_word_height(words)
    if word_h is None:
        return []
    ink = _unread_ink(image, words, word_h)
    stats = blob_stats(ink)
    glyphs = [tuple(int(v) for v in box) for box in stats[glyph_sized(stats, word_h), :4]]
    rows: list[list[tuple[int, int, int, int]]] = []
    spans: list[list[int]] = []  # per row: [top, bottom] of its glyphs
    open_rows: list[int] = []  # the rows the next glyph may still join
    for x, y, w, h in sorted(glyphs):
        middle = y + h / 2
        # glyphs come left to right, so a row whose last glyph ends too far left takes no more
        open_rows = [k for k in open_rows if x - (rows[k][-1][0] + rows[k][-1][2]) <= GLYPH_GAP * word_h]
        for k in open_rows:
            row_top, row_bottom = spans[k]
            if row_top - ROW_REACH * word_h <= middle <= row_bottom + ROW_REACH * word_h \
                    and max(row_bottom, y + h) - min(row_top, y) <= ROW_HEIGHT * word_h:
                rows[k].append((x, y, w, h))
                spans[k] = [min(row_top, y), max(row_bottom, y + h)]
                break
        else:
            rows.append([(x, y, w, h)])
            spans.append([y, y + h])
            open_rows.append(len(rows) - 1)
    found = []
    for row in rows:
        x0, y0 = min(g[0] for g in row), min(g[1] for g in row)
        x1, y1 = max(g[0] + g[2] for g in row), max(g[1] + g[3] for g in row)
        if len(row) >= MIN_GLYPHS and x1 - x0 >= MIN_WIDTH * word_h:
            found.append(UnreadRow((x0, y0, x1, y1), len(row)))
    return sorted(found, key=lambda r: (r.bbox[1], r.bbox[0]))


def glyph_sized(stats: np.ndarray, word_h: int) -> np.ndarray:
    """Per connected component (rows of cv2's stats), whether it is the size of a letter of
    words `word_h` high: as tall as one (GLYPH_HEIGHT), no wider than three, inked enough."""
    heights, widths, areas = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_AREA]
    return ((GLYPH_HEIGHT[0] * word_h <= heights) & (heights <= GLYPH_HEIGHT[1] * word_h) & (widths <= 3 * word_h)
            & (areas >= MIN_GLYPH_AREA * word_h * word_h))


def _unread_ink(image: np.ndarray, words: list[OcrWord], word_h: int) -> np.ndarray:
    """The page's ink (255 on 0) with the ink of every word read (and COVERED_PAD around it)
    taken away."""
    ink = otsu_ink(to_grey(image))
    pad = int(round(COVERED_PAD * word_h))
    height, width = ink.shape[:2]
    for w in words:
        x0, y0, x1, y1 = w.bbox
        left, top, right, bottom = clipped((x0 - pad, y0 - pad, x1 + pad, y1 + pad), width, height)
        ink[top:bottom, left:right] = 0
    return ink


def median_word_height(words: list[OcrWord]) -> int | None:
    """The median height of the words read with text; None where too few were read to know
    what a line of the page's text looks like."""
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words if w.text.strip())
    return heights[len(heights) // 2] if len(heights) >= 5 else None


def read_unread_rows(engine, image: np.ndarray, words: list[OcrWord],
                     timeout: float | None = None) -> tuple[list[OcrWord], int]:
    """(words with the rows Tesseract left out read and added, how many rows were added)."""
    rows = unread_rows(image, words)
    if not rows or len(rows) > MAX_ROWS:
        return words, 0
    word_h = median_word_height(words)
    pad, side = int(round(PAD * word_h)), int(round(SIDE_PAD * word_h))
    boxes = [(r.bbox[0] - side, r.bbox[1] - pad, r.bbox[2] + side, r.bbox[3] + pad) for r in rows]  # read_boxes clips
    block = max((w.block for w in words), default=0)
    added: list[OcrWord] = []
    rows_added = 0
    ink = None  # the unread ink, made only for a row whose boxes need it
    for row, again in zip(rows, read_boxes(engine, image, boxes, timeout=timeout)):
        again = sorted((w for w in again if w.conf >= DOUBTFUL), key=lambda w: w.bbox[0])  # not a blot beside it
        if not again or statistics.mean(w.conf for w in again) < CONFIDENT:
            continue
        if sum(ch.isalpha() for w in again for ch in w.text) < MIN_LETTERS:
            continue
        block += 1  # a block of its own: the reading order places it by its position
        if _glued_marker(again[0]) or _overlapping(again):
            if ink is None:
                ink = _unread_ink(image, words, word_h)
            band = ink[max(0, row.bbox[1]):max(0, row.bbox[3])]
            columns = band.any(axis=0) if band.size else np.zeros(ink.shape[1], dtype=bool)
            again = _on_ink(_marker_apart(again[0], columns) + again[1:], columns)
        added += as_block(again, block)
        rows_added += 1
    return (words + added, rows_added) if added else (words, 0)


def as_block(words: list[OcrWord], block: int) -> list[OcrWord]:
    """`words` read again as a block of their own, numbered `block`, on one line: the reading
    order places such a block by its position on the page."""
    return [replace(w, block=block, par=1, line=1, word=k) for k, w in enumerate(words, start=1)]


def _glued_marker(word: OcrWord) -> bool:
    """Whether `word` is a list dash read glued to the capital after it ('-Lưu:', as a line
    read alone comes back)."""
    return len(word.text) >= 3 and word.text[0] in LIST_DASHES and word.text[1].isupper()


def _overlapping(words: list[OcrWord]) -> bool:
    """Whether two neighbours' boxes of a row (left to right) overlap across."""
    return any(a.bbox[2] > b.bbox[0] for a, b in zip(words, words[1:]))


def _ink_runs(columns: np.ndarray, left: int, right: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of inked columns between `left` and `right` (end exclusive)."""
    left, right = max(0, left), min(len(columns), right)
    if right <= left:
        return []
    inked = np.concatenate(([False], columns[left:right], [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(inked))
    return [(left + int(a), left + int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _marker_apart(word: OcrWord, columns: np.ndarray | None = None) -> list[OcrWord]:
    """A list dash glued to the capital after it (`_glued_marker`) as the two words the page's
    other list lines are ('-', 'Lưu:'); else the word. The dash is one stroke: its box ends
    where its ink does (`columns`: per column of the page, whether the row's unread ink has
    any), and the word's starts at its first letter; without ink to go by (none, or no white
    after the dash), the dash is given one letter's share of the box."""
    if not _glued_marker(word):
        return [word]
    x0, y0, x1, y1 = word.bbox
    runs = _ink_runs(columns, x0, x1) if columns is not None else []
    if len(runs) >= 2:
        return [replace(word, text=word.text[0], bbox=(runs[0][0], y0, runs[0][1], y1)),
                replace(word, text=word.text[1:], bbox=(runs[1][0], y0, x1, y1))]
    split = x0 + max(1, (x1 - x0) // len(word.text))
    return [replace(word, text=word.text[0], bbox=(x0, y0, split, y1)),
            replace(word, text=word.text[1:], bbox=(split, y0, x1, y1))]


def _on_ink(words: list[OcrWord], columns: np.ndarray) -> list[OcrWord]:
    """The words of a re-read row (left to right) with the boxes that overlap cut apart on the
    row's ink (`columns`, as for `_marker_apart`).

    A row read alone sometimes comes back with a box reaching over its neighbour's letters
    ('Lưu:' boxed over the 'VT,' beside it), so no extractor sees the space between them.
    Each run of overlapping boxes is cut at the white between letters: each cut at the gap
    nearest to where the words' shares of letters put it, each box then from its first
    inked column to its last, so it still holds all of its word's ink. A run with fewer
    pieces of ink than words keeps the engine's boxes."""
    result = list(words)
    start = 0
    while start < len(result):
        end = start + 1
        while end < len(result) and result[end - 1].bbox[2] > result[end].bbox[0]:
            end += 1
        if end - start > 1:
            result[start:end] = _cut_on_ink(result[start:end], columns)
        start = end
    return result


def _cut_on_ink(chain: list[OcrWord], columns: np.ndarray) -> list[OcrWord]:
    """The words of `chain` (boxes that overlap, left to right) laid on the ink of their span
    (see `_on_ink`)."""
    runs = _ink_runs(columns, min(w.bbox[0] for w in chain), max(w.bbox[2] for w in chain))
    if len(runs) < len(chain):
        return chain
    first, last = runs[0][0], runs[-1][1]
    letters = [max(1, len(w.text)) for w in chain]
    cuts: list[int] = []  # per cut, the index of the first ink run right of it
    for k in range(1, len(chain)):
        wanted = first + (last - first) * sum(letters[:k]) / sum(letters)
        # a gap leaves every word before and after it at least one run of ink
        choices = range((cuts[-1] if cuts else 0) + 1, len(runs) - (len(chain) - k) + 1)
        cuts.append(min(choices, key=lambda g: (abs((runs[g - 1][1] + runs[g][0]) / 2 - wanted),
                                                 -(runs[g][0] - runs[g - 1][1]))))
    bounds = [0] + cuts + [len(runs)]
    return [replace(w, bbox=(runs[a][0], w.bbox[1], runs[b - 1][1], w.bbox[3]))
            for w, a, b in zip(chain, bounds, bounds[1:])]


# ------------------------------------------------------------------ ruled cells
MAX_CELLS = 150  # per page: a stack of more is a table the page's reading lost whole
CELL_INSET = 3  # pixels inside a cell's rules where its ink starts (a rule's blurred edge is not ink)


@dataclass(frozen=True)
class UnreadCell:
    """The ink of a ruled cell no word covers: its box on the page, and the grid (its index
    among the page's), column and row it lies in."""

    bbox: tuple[int, int, int, int]
    grid: int
    column: int
    row: int


def unread_cells(image: np.ndarray, words: list[OcrWord], grids) -> list[UnreadCell]:
    """The ink of ruled cells (`grids`: the page's `records.Grid`s) where no word
    was read but letter-sized ink lies, top to bottom: the short numbers of a table's narrow
    columns ('7.', '14', '02/1966'), which Tesseract's page segmentation takes for specks once
    the rules around them are erased. Each box is the cell's ink, glyphs and the small marks
    beside them ('.' after an ordinal)."""
    word_h = median_word_height(words)
    if word_h is None or not grids:
        return []
    ink = _unread_ink(image, words, word_h)
    height, width = ink.shape[:2]
    low = GLYPH_HEIGHT[0] * word_h  # a cell lower or narrower than a letter holds none
    found = []
    centres = [((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2) for w in words if w.text.strip()]
    for number, grid in enumerate(grids):
        read = {grid.cell_at(x, y) for x, y in centres if grid.contains(x, y)}
        for (row, column), (x0, y0, x1, y1) in grid.cells():
            if y1 - y0 < low or x1 - x0 < low or (row, column) in read:
                continue
            left, top, right, bottom = clipped((x0 + CELL_INSET, y0 + CELL_INSET, x1 - CELL_INSET, y1 - CELL_INSET),
                                               width, height)
            cell = ink[top:bottom, left:right]
            if cell.size == 0 or not cell.any():
                continue
            count, _, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
            parts = stats[1:count]
            glyph = glyph_sized(parts, word_h)
            if not glyph.any():
                continue
            # the glyphs and whatever else of the cell's ink lies on their rows (a stop, a comma)
            g = parts[glyph]
            g_top, g_bottom = int(g[:, 1].min()), int((g[:, 1] + g[:, 3]).max())
            on_row = (parts[:, 1] + parts[:, 3] >= g_top) & (parts[:, 1] <= g_bottom) & (parts[:, cv2.CC_STAT_AREA] >= 4)
            kept = parts[on_row]
            box = (left + int(kept[:, 0].min()), top + int(kept[:, 1].min()),
                   left + int((kept[:, 0] + kept[:, 2]).max()), top + int((kept[:, 1] + kept[:, 3]).max()))
            found.append(UnreadCell(box, number, column, row))
    return sorted(found, key=lambda c: (c.bbox[1], c.bbox[0]))


_NUMBER = re.compile(r"^[(\[]?\d[\d.,/:-]*[)\]]?$")
CELL_PSM = 6  # the sheet read as one uniform block: page segmentation would drop the crops as specks again
NUMBER_CHARS = "0123456789.,/-"
NUMBER_COLUMN = 2  # cells of a column read as numbers before its other cells are read as numbers too


def read_unread_cells(engine, image: np.ndarray, words: list[OcrWord], grids,
                      timeout: float | None = None) -> tuple[list[OcrWord], int]:
    """(words with the ruled cells Tesseract left out read and added, how many cells were
    added). A cell's reading is kept only when the engine is confident of it and every word
    of it is a number ('7.', '14', '02/1966'): what the page's segmentation drops is the
    short numbers of narrow columns, and a crop of a few glyphs read as letters is as often a
    digit misread ('ồ' for '8', 'ló.' for '16.' on QĐ 1380's ordinals). Where NUMBER_COLUMN
    cells of a column read as numbers so, the column's other such cells are read once more
    with digits alone allowed (one call for all), and kept on the same terms; a less sure
    reading of one ordinal is kept where it continues its column's running order
    (`_in_running_order`). Each cell is a block of its own, which the reading order puts in its
    table row by its position."""
    cells = unread_cells(image, words, grids)
    if not cells or len(cells) > MAX_CELLS:
        return words, 0
    word_h = median_word_height(words)
    pad = int(round(PAD * word_h))
    boxes = [(x0 - pad, y0 - pad, x1 + pad, y1 + pad) for x0, y0, x1, y1 in (c.bbox for c in cells)]
    read = read_boxes(engine, image, boxes, timeout=timeout, psm=CELL_PSM)
    readings = [_as_number(again) for again in read]
    numbers = Counter((c.grid, c.column) for c, reading in zip(cells, readings) if reading)
    retry = [k for k, (c, reading) in enumerate(zip(cells, readings))
             if not reading and numbers[(c.grid, c.column)] >= NUMBER_COLUMN]
    if retry:
        again = read_boxes(engine, image, [boxes[k] for k in retry], timeout=timeout, psm=CELL_PSM,
                           whitelist=NUMBER_CHARS)
        for k, reading in zip(retry, again):
            readings[k] = _as_number(reading)
            read[k] = reading
    _in_running_order(cells, read, readings, words, grids)
    block = max((w.block for w in words), default=0)
    added: list[OcrWord] = []
    for reading in readings:
        if reading:
            block += 1
            added += as_block(reading, block)
    return (words + added, sum(1 for r in readings if r)) if added else (words, 0)


_ORDINAL = re.compile(r"^(\d{1,4})\.?$")


def _in_running_order(cells: list[UnreadCell], read: list[list[OcrWord]], readings: list[list[OcrWord]],
                      words: list[OcrWord], grids) -> None:
    """Keep (in `readings`) a cell's reading the engine was less sure of (DOUBTFUL or more)
    where it is one ordinal ('8.') that continues its column's running order: the cell above
    it in the same column holds the ordinal before it, or the cell below the one after it, as
    the page read them. An ordinal column counts its rows, so its neighbours are the evidence
    a reading at 75 lacks ('8.' between '7.' and '9.' on QĐ 1380 p3)."""
    by_cell: dict[tuple[int, int, int], list[str]] = {}
    for word in words:
        x, y = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
        for number, grid in enumerate(grids):
            if grid.contains(x, y):
                by_cell.setdefault((number, *grid.cell_at(x, y)), []).append(word.text)
                break
    # a cell that holds one ordinal and nothing else ('Đại đội 3' is no ordinal of its row)
    ordinals = {at: int(match.group(1)) for at, texts in by_cell.items()
                if len(texts) == 1 and (match := _ORDINAL.match(texts[0]))}
    for cell, reading in zip(cells, readings):
        if reading:
            match = _ORDINAL.match(reading[0].text) if len(reading) == 1 else None
            if match:
                ordinals[(cell.grid, cell.row, cell.column)] = int(match.group(1))
    for k, (cell, found) in enumerate(zip(cells, read)):
        if readings[k] or len(found) != 1 or found[0].conf < DOUBTFUL:
            continue
        match = _ORDINAL.match(found[0].text)
        if not match:
            continue
        value = int(match.group(1))
        if (ordinals.get((cell.grid, cell.row - 1, cell.column)) == value - 1
                or ordinals.get((cell.grid, cell.row + 1, cell.column)) == value + 1):
            readings[k] = found


def _as_number(words: list[OcrWord]) -> list[OcrWord]:
    """A cell's words, left to right, where the engine is confident of each and each is a
    number; else none."""
    words = sorted(words, key=lambda w: w.bbox[0])
    if words and min(w.conf for w in words) >= CONFIDENT and all(_NUMBER.match(w.text) for w in words):
        return words
    return []
