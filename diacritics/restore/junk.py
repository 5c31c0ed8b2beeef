"""Specks read as punctuation: lone '.', '_', ':', '|' ... chunks that OCR leaves at a line's ends.

Scanner noise next to the margins comes out of Tesseract as a stray chunk of punctuation
separated by spaces from the text ('về Hội .', '_ Tổ chức'). Clean text almost never has such a
chunk at a line end or start (≈0.005 % of corpus lines for ' .'), so removing it is safe;
ellipses, '+' list marks, quotes and dashes are real text and stay, and so does a full stop
opening a line before a capital (a sentence's end wrapped); before a lower-case word it is a speck.
"""

from __future__ import annotations

import re

from sohoa.diacritics.compose import without_overlaps
from sohoa.diacritics.records import Edit

FIXER_NAME = "restore.ocr-junk"
_JUNK = r"(?:[._:|`~„,—_]{1,3})"
_AT_END = re.compile(r"[ \t]+(" + _JUNK + r")[ \t]*$", re.MULTILINE)
_AT_START = re.compile(r"^[ \t]*(" + _JUNK + r")[ \t]+(?=\w)", re.MULTILINE)
_CONFIDENCE = {".": 0.7, ":": 0.6, ",": 0.6}
_LONE_SYMBOL = re.compile(r"(?<=\S)[ \t]+([ˆ˜´¨¬¦]{1,3})(?=[ \t])")
"""Spacing accents and odd symbols standing alone mid-line ('đã ˆ ˆ Theo'): never text."""


def junk_edits(text: str) -> list[Edit]:
    """Edits deleting stray punctuation chunks at line ends and starts (with their spaces)."""
    edits = []
    for pattern in (_AT_END, _AT_START):
        for m in pattern.finditer(text):
            chunk = m.group(1)
            before_lower = pattern is _AT_START and text[m.end():m.end() + 1].islower()
            if chunk == "..." or (chunk == ".." and not before_lower) \
                    or (pattern is _AT_START and chunk in ".," and not before_lower):
                continue  # an ellipsis, or a full stop wrapped from the line before (". Theo"; not ". đổi")
            confidence = _CONFIDENCE.get(chunk, 0.9)
            edits.append(Edit(m.start(), m.end(), m.group(), "", FIXER_NAME, confidence))
    for m in _LONE_SYMBOL.finditer(text):
        edits.append(Edit(m.start(), m.end(), m.group(), "", FIXER_NAME, 0.9))
    return without_overlaps(sorted(edits, key=lambda e: e.start))
