"""Specks of a streak down the page read as letters.

A scan may carry a streak: a narrow run of specks down the page from dirt on the scanner's
glass, through table cells and the blank between rows alike (QĐ 1380's
last page has one through its 'Công dân' cells). The engine reads a clump of it here and there
as a letter or a bracket ('h', 'H', '}'), doubtfully, and text.txt writes them into the cells.

A letter of the text is never so: the ink above and below a letter stops within a line's gap
and runs on sideways where it goes on (the line above, the line below), while a streak's ink
runs on above and below the 'word' within its own narrow band, with blank paper on both sides
of the band. A streak is found where all of it holds for a word: one or two characters, no
digit among them (a narrow column of ordinals is ink in a band too), read with less than the
confidence the page's second readings ask, no wider than a letter; the band through its box,
followed up and down over small gaps, runs STREAK_LENGTH word heights, mostly inked, with next
to no ink beside it. The words read doubtfully inside the streak are dropped, and the streak is
painted out of the pictures the second readings and the table step read, but for the words it
runs through. A line unbroken down the page (a scratch on the glass, a fold) looks like a rule
the page's rules missed and is left to the table step, which looks for such rules.
"""

from __future__ import annotations

import numpy as np

from sohoa.ingest.geometry import otsu_ink
from sohoa.ingest.preprocess import paint_out, to_grey
from sohoa.ingest.records import OcrWord
from sohoa.ingest.unread import CONFIDENT, MIN_GLYPH_AREA, median_word_height

MAX_CHARS = 2  # characters a streak's clump reads as, at most
NARROW = 0.6  # word heights a clump's box is wide at most
MARGIN = 0.15  # word heights the band reaches beyond the box on each side
GAP = 0.5  # word heights of blank the streak's run may hold between two specks
STREAK_LENGTH = 4.0  # word heights the run through the box spans at least, the box's own included
STREAK_INK = 0.5  # share of the run's rows with ink in the band
FLANK = 1.5  # word heights of paper looked at beside the band, left and right
RULE_RUN = 1.5  # word heights of ink unbroken down one pixel column: a rule's, longer than any letter's stroke
FLANK_INK = 0.02  # share of the flanks' pixels that may be ink (a speck, the end of a serif)


Box = tuple[int, int, int, int]


def without_streaks(image: np.ndarray, words: list[OcrWord]) -> tuple[list[OcrWord], list[Box]]:
    """(`words` less the clumps of the streaks on `image`, the streaks' boxes); `image` is the
    picture the words were read from (grey, or colour taken as its grey). A streak's box is the
    band of a clump the engine read as a letter, as far up and down as its run goes, one box for
    the clumps of one run; the words dropped are those read doubtfully (below the second
    readings' confidence) whose ink lies in a streak's box: its clumps, a digit among them too
    ('3C.'), and a clump whose box the engine drew wider than the streak over blank paper (less
    ink beside the streak than a letter holds)."""
    word_h = median_word_height(words)
    if word_h is None:
        return words, []
    candidates = [w for w in words if _clump_shaped(w, word_h)]
    if not candidates:
        return words, []
    ink = otsu_ink(to_grey(image)) > 0
    boxes: list[Box] = []
    for word in candidates:
        run = _streak_run(ink, word.bbox, word_h)
        if run is None or any(_inside(word.bbox, box) for box in boxes):
            continue
        boxes.append(run)
    if not boxes:
        return words, []
    return [w for w in words if not _streak_clump(ink, w, boxes, word_h)], boxes


def _streak_clump(ink: np.ndarray, word: OcrWord, boxes: list[Box], word_h: int) -> bool:
    """Whether `word`, read doubtfully, has its ink in the streaks' `boxes` (see `without_streaks`)."""
    crossed = [box for box in boxes if _overlaps(word.bbox, box)]
    if word.conf >= CONFIDENT or not crossed:
        return False
    x0, y0, x1, y1 = word.bbox
    beside = ink[y0:y1, x0:x1].copy()
    for bx0, _, bx1, _ in crossed:
        beside[:, max(0, bx0 - x0):max(0, bx1 - x0)] = False
    return beside.sum() < MIN_GLYPH_AREA * word_h * word_h  # no letter's ink beside the streak


def erased_streaks(image: np.ndarray, boxes: list[Box], words: list[OcrWord]) -> np.ndarray:
    """`image` with each streak's box painted in the paper's colour (`preprocess.paint_out`),
    but for the boxes of `words` that overlap it (a word the streak runs through keeps its
    ink), so that the second readings and the table step's cell readings do not read the
    streak again."""
    if not boxes:
        return image
    erased = paint_out(image, boxes, pad=0)
    for word in words:
        wx0, wy0, wx1, wy1 = word.bbox
        if any(wx0 < x1 and x0 < wx1 and wy0 < y1 and y0 < wy1 for x0, y0, x1, y1 in boxes):
            erased[wy0:wy1, wx0:wx1] = image[wy0:wy1, wx0:wx1]
    return erased


def _overlaps(word: Box, box: Box) -> bool:
    """Whether `word` reaches into `box`'s columns over half its own rows or more."""
    rows = min(word[3], box[3]) - max(word[1], box[1])
    return word[0] < box[2] and box[0] < word[2] and rows >= 0.5 * (word[3] - word[1])


def _inside(inner: Box, outer: Box) -> bool:
    """Whether `inner` lies in `outer`'s columns and mostly in its rows."""
    overlap = min(inner[3], outer[3]) - max(inner[1], outer[1])
    return outer[0] <= inner[0] and inner[2] <= outer[2] and overlap >= 0.5 * (inner[3] - inner[1])


def _clump_shaped(word: OcrWord, word_h: int) -> bool:
    text = word.text.strip()
    x0, _, x1, _ = word.bbox
    return 0 < len(text) <= MAX_CHARS and not any(ch.isdigit() for ch in text) and word.conf < CONFIDENT \
        and x1 - x0 <= NARROW * word_h


def _streak_run(ink: np.ndarray, box: Box, word_h: int) -> Box | None:
    """The box of the streak through `box`, where the band through it runs on above and below
    it as a streak does: its ink, followed up and down from the box over gaps of GAP word
    heights at most, spans STREAK_LENGTH word heights with ink on STREAK_INK of its rows, and the
    paper beside that run (outside the box's own rows) is blank; else None."""
    height, width = ink.shape
    x0, y0, x1, y1 = box
    margin = int(round(MARGIN * word_h))
    left, right = max(0, x0 - margin), min(width, x1 + margin)
    band = ink[:, left:right].any(axis=1)
    gap = max(1, int(round(GAP * word_h)))
    top, bottom = min(y0, _run_end(band, y0 - 1, -1, gap)), max(y1, _run_end(band, y1, 1, gap))
    if bottom - top < STREAK_LENGTH * word_h or band[top:bottom].mean() < STREAK_INK:
        return None
    if _holds_rule(ink[top:bottom, left:right], word_h):
        return None  # a rule the page's rules missed: ink unbroken down one column
    flank = int(round(FLANK * word_h))
    sides = [ink[a:b, lo:hi] for a, b in ((top, y0), (y1, bottom))
             for lo, hi in ((max(0, left - flank), left), (right, min(width, right + flank)))]
    pixels = sum(s.size for s in sides)
    if pixels == 0 or sum(int(s.sum()) for s in sides) > FLANK_INK * pixels:
        return None
    return left, top, right, bottom


def _holds_rule(band: np.ndarray, word_h: int) -> bool:
    """Whether `band` (ink, True) holds a run down one pixel column longer than RULE_RUN word
    heights: a rule's line does (on QĐ 1380, 174 pixels unbroken at 45-pixel words), a streak's
    specks and a letter's stroke do not (38 pixels at most there)."""
    import cv2

    length = int(round(RULE_RUN * word_h))
    if band.shape[0] < length:
        return False
    kernel = np.ones((length, 1), np.uint8)
    return bool(cv2.erode(band.astype(np.uint8), kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0).any())


def _run_end(band: np.ndarray, start: int, step: int, gap: int) -> int:
    """Where the band's ink, followed from row `start` in `step`'s direction (1 down, -1 up)
    over blanks of `gap` rows at most, ends: the top row of its highest ink going up, the row
    below its lowest ink going down; where no ink lies within reach, the row where the search
    began going down and the row below it going up (the box's own edge)."""
    end, blank, y = (start if step > 0 else start + 1), 0, start
    while 0 <= y < len(band) and blank <= gap:
        if band[y]:
            end, blank = (y + 1 if step > 0 else y), 0
        else:
            blank += 1
        y += step
    return end
