"""What the page's reading makes of a ruled table's erased rules: words read across a column
rule, read again cell by cell, and the traces of its rules read as words, dropped.

The page's OCR reads a ruled table with its rules erased (a rule read as text is worse), and
then nothing on the picture parts the text of two cells that stand close to the rule between
them. The engine reads the ordinals of two narrow neighbouring columns as one word ('30.29.'
for '30 | 29.' on QĐ 1380's list of names) or takes a speck in one cell for the start of the
next cell's word ('„huyện'). The page's grid still says where each rule was: a word whose box
reaches well across a vertical rule of its row, with a letter's ink on both sides, holds the
text of two cells. Its box is cut at the rules, the parts that hold a letter's ink are read on
one sheet with every other such part of the page (one engine call), and the word is replaced by
its parts' readings where the engine is confident of every one; a part that holds no
letter-sized ink (a speck beside the rule) is left out. A word over a speck on one side only
('„huyện') is left as it was read: what the engine reads of its one part again may be a
remnant of the erased rule ('_phố' for 'phố'). Where the engine is not confident, the word
stays as it was read.

Erasing a faint scan's rules leaves a sliver of some of them, which the engine reads as a word
'|' (59 times on QĐ 1380's 13 pages, each within a few pixels of a column rule), or, as a
sliver a pixel or two wide over the rule's line, as '.' or "'". In text.txt, whose table rows
part their cells with ' | ', such a bar reads as a cell of its own. A word of bars alone that
lies on a column rule of its row, and a sliver of marks alone over the rule's line, are that
rule, not text, and are dropped; so is a 'word' a pixel or two high over a row rule's line
(QĐ 1380's pages hold dozens: '_', ':_', 'Ñ', 'II'), flatter than any letter. A bar or a mark
anywhere else is left as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from sohoa.ingest.geometry import otsu_ink
from sohoa.ingest.preprocess import to_grey
from sohoa.ingest.records import OcrWord
from sohoa.ingest.sheet import clipped, read_boxes
from sohoa.ingest.unread import CELL_INSET, CELL_PSM, CONFIDENT, PAD, as_block, glyph_sized, median_word_height

REACH = 0.3  # word heights a word's box must reach past a rule on each side to straddle it
ON_RULE = 0.25  # word heights from a column rule within which a bar's middle lies on it
ON_LINE = 2  # pixels either side of a sliver's box where the rule's line may still lie
FLAT = 0.1  # word heights a word's box is high at most to be a row rule's trace: no letter is so flat
BARS = frozenset("|¦│┃")
MAX_WORDS = 40  # per page: more words across rules is a grid found in the wrong place, not slips


@dataclass(frozen=True)
class StraddlingWord:
    """A word (its index among the page's words) whose box crosses a column rule of its table
    row; `parts`: the boxes of its ink between the rules, left to right, each with whether it
    holds a letter's ink."""

    index: int
    parts: tuple[tuple[tuple[int, int, int, int], bool], ...]


def straddling_words(image: np.ndarray, words: list[OcrWord], grids) -> list[StraddlingWord]:
    """The words of `words` (read from `image`, the rule-erased page) whose box reaches more
    than REACH word heights across a vertical rule of their row in one of `grids` (the
    page's `records.Grid`s) on each side, with a letter's ink on two sides of a rule."""
    word_h = median_word_height(words)
    if word_h is None or not grids:
        return []
    reach = REACH * word_h
    ink = None  # the page's ink, made only where a word straddles a rule
    height, width = image.shape[:2]
    found = []
    for index, word in enumerate(words):
        x0, y0, x1, y1 = word.bbox
        centre = _centre(word.bbox)
        grid = _grid_of(centre, grids)
        if grid is None or not word.text.strip():
            continue
        row, _ = grid.cell_at(*centre)
        rules = sorted(x for x in grid.row_edges(row) if x0 + reach < x < x1 - reach)
        if not rules:
            continue
        if ink is None:
            ink = otsu_ink(to_grey(image))
        edges = [x0] + [edge for x in rules for edge in (x - CELL_INSET, x + CELL_INSET)] + [x1]
        parts = []
        for left, right in zip(edges[::2], edges[1::2]):
            box = clipped((left, y0, right, y1), width, height)
            parts.append(_ink_part(ink, box, word_h))
        if sum(letters for _, letters in parts) >= 2:  # two cells' text, not a word over a speck across the rule
            found.append(StraddlingWord(index, tuple(parts)))
    return found


def _ink_part(ink: np.ndarray, box: tuple[int, int, int, int], word_h: int) -> tuple[tuple[int, int, int, int], bool]:
    """(the box of the ink inside `box`, whether a letter-sized blob is among it); the box as it
    is where it holds no ink."""
    left, top, right, bottom = box
    part = ink[top:bottom, left:right]
    if part.size == 0 or not part.any():
        return box, False
    count, _, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    blobs = stats[1:count]
    inked = blobs[blobs[:, cv2.CC_STAT_AREA] >= 4]
    if not len(inked):
        return box, False
    tight = (left + int(inked[:, 0].min()), top + int(inked[:, 1].min()),
             left + int((inked[:, 0] + inked[:, 2]).max()), top + int((inked[:, 1] + inked[:, 3]).max()))
    return tight, bool(glyph_sized(blobs, word_h).any())


def read_straddling_words(engine, image: np.ndarray, words: list[OcrWord], grids,
                          timeout: float | None = None) -> tuple[list[OcrWord], int]:
    """(words with each word read across a column rule replaced by its parts' readings, how
    many words were replaced). Each part read is a block of its own, which the reading order
    puts in its cell (as `unread.read_unread_cells` adds the cells the page's reading left out)."""
    found = straddling_words(image, words, grids)
    if not found or len(found) > MAX_WORDS:
        return words, 0
    word_h = median_word_height(words)
    pad = int(round(PAD * word_h))
    inked = [(k, box) for k, item in enumerate(found) for box, letters in item.parts if letters]
    boxes = [(x0, y0 - pad, x1, y1 + pad) for _, (x0, y0, x1, y1) in inked]  # not past the rules: the next cell's ink
    straddlers = {item.index for item in found}
    others = [w.bbox for i, w in enumerate(words) if i not in straddlers and w.text.strip()]
    readings: dict[int, list[list[OcrWord]]] = {}
    for (k, _), reading in zip(inked, read_boxes(engine, image, boxes, timeout=timeout, psm=CELL_PSM)):
        # a straddling word's box may reach over a neighbour the page's reading has already
        # ('„huyện' over 'Văn'): what is read there is that neighbour again
        fresh = [w for w in reading if not any(_inside(_centre(w.bbox), box) for box in others)]
        readings.setdefault(k, []).append(sorted(fresh, key=lambda w: w.bbox[0]))
    replaced: dict[int, list[OcrWord]] = {}
    block = max((w.block for w in words), default=0)
    for k, item in enumerate(found):
        parts = readings.get(k, [])
        if not parts or any(not part or min(w.conf for w in part) < CONFIDENT for part in parts):
            continue
        new: list[OcrWord] = []
        for part in parts:
            block += 1
            new += as_block(part, block)
        replaced[item.index] = new
    if not replaced:
        return words, 0
    result: list[OcrWord] = []
    for index, word in enumerate(words):
        result += replaced.get(index, [word])
    return result, len(replaced)


def _centre(box: tuple[int, int, int, int]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _grid_of(point: tuple[float, float], grids):
    """The grid (of `grids`) whose box holds `point`, or None."""
    return next((g for g in grids if g.contains(*point)), None)


def _inside(point: tuple[float, float], box: tuple[int, int, int, int]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def without_rule_traces(words: list[OcrWord], grids) -> tuple[list[OcrWord], int]:
    """(`words` less the traces of erased rules read as words, how many were dropped): in one
    of `grids`, a word of bars alone whose middle lies on a column rule of its row; a sliver of
    a word no wider than that reach, of marks alone, whose box holds a column rule's line ('.',
    "'" read on a rule's remnant); and a word flatter than any letter (FLAT) whose box holds a
    row rule's line ('_', 'Ñ', ':_' read on the remnant of a rule between two rows)."""
    word_h = median_word_height(words)
    if word_h is None or not grids:
        return words, 0
    near = ON_RULE * word_h
    kept = [w for w in words if not _rule_trace(w, grids, near, FLAT * word_h)]
    return kept, len(words) - len(kept)


def _rule_trace(word: OcrWord, grids, near: float, flat: float) -> bool:
    text = word.text.strip()
    if not text:
        return False
    x, y = _centre(word.bbox)
    grid = _grid_of((x, y), grids)
    if grid is None:
        return False
    x0, y0, x1, y1 = word.bbox
    if y1 - y0 <= flat and any(y0 - ON_LINE <= line <= y1 + ON_LINE for line in (grid.y0, *grid.rows, grid.y1)):
        return True
    if any(ch.isalnum() for ch in text):
        return False
    row, _ = grid.cell_at(x, y)
    bars = set(text) <= BARS
    return any((bars and abs(rule - x) <= near) or (x1 - x0 <= near and x0 - ON_LINE <= rule <= x1 + ON_LINE)
               for rule in grid.row_edges(row))
