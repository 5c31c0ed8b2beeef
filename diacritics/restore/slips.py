"""Small OCR slips that need no language model, each provable from the token alone.

- case garble inside a word: 'sỞ', 'mỐI', 'XOẮn' (Tesseract mixes capital and small glyphs of
  the same letter) → the word in one case, when that spells a Vietnamese syllable;
- 'l' and 'I' read for '1' inside numbers: 'l1' → '11', '1I6' → '116' (a number opened by a
  capital I is a code, 'Phụ lục I18', and stays, unless a slash follows it: 'I3/UB-TP');
- a word glued to a year: 'năm2008' → 'năm 2008'.
Foreign mixed-case names ('iPhone', 'McLaren') are not syllables and are left alone.
"""

from __future__ import annotations

import re

from sohoa.diacritics.compose import without_overlaps
from sohoa.diacritics.records import Edit
from sohoa.diacritics.syllables import has_marks, is_syllable

_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}(?![^\W\d_])")
_NUMBER_WITH_ONES = re.compile(r"(?<![\w.,/-])(?!I(?![\dlI|]*/))(?=[lI|]*\d)[\dlI|]*[lI|][\dlI|]*(?![\w])")
"""A number with 'l', 'I' or '|' for a one. One that opens with a capital I is a code of typed
text ('Phụ lục I18', 'khoản I2'), unless a slash follows it: the number of a document code or a
date, which opens with a figure ('số I3/UB-TP' is 13/UB-TP)."""
_WORD_GLUED_TO_YEAR = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,7})((?:19|20)\d\d)(?!\d)")


def slip_edits(text: str) -> list[Edit]:
    """Edits for the slips above, on `text`."""
    edits = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()) or not has_marks(word):
            continue  # unmarked mixed case ('DAng', 'cOng') is English-model garble: the restorer's
        fixed = _one_case(text, m.start(), word)
        if fixed and is_syllable(fixed):
            edits.append(Edit(m.start(), m.end(), word, fixed, "restore.ocr-case", 0.9))
    for m in _NUMBER_WITH_ONES.finditer(text):
        edits.append(Edit(m.start(), m.end(), m.group(), re.sub(r"[lI|]", "1", m.group()), "restore.ocr-digits", 0.8))
    for m in _WORD_GLUED_TO_YEAR.finditer(text):
        if is_syllable(m.group(1)):
            edits.append(Edit(m.start(), m.end(), m.group(), f"{m.group(1)} {m.group(2)}", "restore.ocr-split", 0.9))
    return without_overlaps(sorted(edits, key=lambda e: e.start))


def _one_case(text: str, start: int, word: str) -> str:
    """Lower case, or Title case where a sentence or line starts."""
    before = text[:start].rstrip(" \t")
    sentence_start = not before or before[-1] in ".!?:\n"
    if word[0].isupper() and sentence_start:
        return word[0] + word[1:].lower()
    return word.lower()
