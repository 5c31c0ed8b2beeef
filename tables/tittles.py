"""The dot of an 'i' told from a tone mark in its place, by the ink of the table's own cells.

A tone mark above an 'i' ('chỉ', 'chí', 'chì', 'chĩ') takes the place of its dot. Tesseract's
Vietnamese model reads the frequent 'chỉ' where the print shows the dot of 'chi', often
without weighing 'chi' at all, so the mark check of names (`sohoa.tables.names`) has no
doubt to work with. The crop settles it: a hook or an accent above an 'i' is taller and
larger than the dot, and the dots of the plainly read 'i's of the same table, in the same
typeface, scan and size, show what a dot looks like there.

A word read with a tone mark above its only marked letter, an 'i', whose one mark above the
letters is shaped like the table's dots (no taller, no larger, by `DOT_SLACK`) gets its plain
form as an alternative at odds 1: the crop shows no mark. The name check still weighs it
against the context, as it weighs the LSTM's own doubts. Nothing is added where the table
has too few plain dots to compare with, or where the marks above cannot be counted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import cv2
import numpy as np

from sohoa.ingest.records import OcrWord

DOT_SLACK = 1.3
"""A mark counts as a dot when its height is at most this many times the table's usual dot
height and its area at most this squared many times the usual dot area. Measured on the
bench's pages (DejaVu and Liberation faces, 300 dpi): a hook above an 'i' is about 2.4 times
as tall as the dot, an acute or grave 1.4 to 2 times; dots vary by less than a pixel."""
MIN_REFERENCE_DOTS = 3
"""Plain dots the table must show before its dots are taken as the measure."""

_ABOVE = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0302", "\u0306"}  # grave, acute, tilde, hook, circumflex, breve
_TONES_ABOVE = {"\u0300", "\u0301", "\u0303", "\u0309"}


def marks_above(crop: np.ndarray, bbox: tuple[int, int, int, int]) -> list[tuple[int, int]] | None:
    """(width, height) of every separate small blob of ink above the letters of the word in
    `bbox` of `crop` (the dots of 'i' and 'j', accents), left to right; None when the word's
    box holds no letters to measure against."""
    x0, y0, x1, y1 = bbox
    region = crop[max(0, y0 - 4): y1 + 4, max(0, x0 - 1): x1 + 1]
    if region.size == 0 or int(region.max()) - int(region.min()) < 40:
        return None
    _, ink = cv2.threshold(region, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    blobs = [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 4]
    if not blobs:
        return None
    height = max(y + h for _, y, _, h in blobs) - min(y for _, y, _, _ in blobs)
    letters = [b for b in blobs if b[3] >= 0.4 * height]
    if not letters:
        return None
    x_top = float(np.median([y for _, y, _, _ in letters]))  # the top of the small letters
    return [(w, h) for x, y, w, h in sorted(blobs) if h < 0.4 * height and y + h <= x_top + 1]


def _marks(word: str) -> list[tuple[str, set[str]]]:
    """(base letter, its marks) of every letter of `word`."""
    out: list[tuple[str, set[str]]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and out:
            out[-1][1].add(ch)
        elif ch.isalpha():
            out.append((ch, set()))
    return out


def _plain_dots(word: str) -> int | None:
    """How many dots the letters of `word` show above them when its only marks above are the
    dots of small 'i' and 'j'; None when any letter carries a mark above."""
    letters = _marks(word)
    if any(marks & _ABOVE for _, marks in letters):
        return None
    return sum(base in "ij" for base, _ in letters)


def _toned_i(word: str) -> str | None:
    """The plain form of `word` when its one mark above is a tone on its one 'i' ('chỉ' →
    'chi'); None otherwise."""
    letters = _marks(word)
    above = [(base, marks) for base, marks in letters if marks & _ABOVE]
    if len(above) != 1 or above[0][0] != "i" or sum(base in "ij" for base, _ in letters) != 1:
        return None
    if not above[0][1] <= _TONES_ABOVE:
        return None
    plain = "".join(ch for ch in unicodedata.normalize("NFD", word) if ch not in _TONES_ABOVE)
    return unicodedata.normalize("NFC", plain)


def with_dot_alternatives(crops: list[np.ndarray | None], words: list[list[OcrWord]]) -> list[list[OcrWord]]:
    """`words` (per crop, as read) with the plain form added at odds 1 to the alternatives of
    every word read with a tone above its 'i' where the crop shows the table's dot there."""
    dots = []
    for crop, cell in zip(crops, words):
        for word in cell:
            expected = _plain_dots(word.text)
            if crop is None or not expected:
                continue
            found = marks_above(crop, word.bbox)
            if found is not None and len(found) == expected:
                dots += found
    if len(dots) < MIN_REFERENCE_DOTS:
        return words
    dot_h = float(np.median([h for _, h in dots]))
    dot_area = float(np.median([w * h for w, h in dots]))
    out = []
    for crop, cell in zip(crops, words):
        kept = []
        for word in cell:
            plain = _toned_i(word.text)
            found = marks_above(crop, word.bbox) if plain and crop is not None else None
            if found is not None and len(found) == 1:
                w, h = found[0]
                if h <= DOT_SLACK * dot_h and w * h <= DOT_SLACK ** 2 * dot_area:
                    others = [(form, odds) for form, odds in word.alternatives if form != plain]
                    word = replace(word, alternatives=((plain, 1.0), *others))
            kept.append(word)
        out.append(kept)
    return out
