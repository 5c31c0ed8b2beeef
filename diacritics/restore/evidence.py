"""Evidence that a text was read by OCR, line by line: what the punctuation rules need first.

The rules that drop stray punctuation (`junk`, `stray`) remove characters an author may have
typed: a space before a full stop ('trong Trường .'), a form's blank ('tối thiểu: ___'), ' , .'.
In text nobody garbled they are the author's and stay. A rule meant for OCR damage fires only
where the text shows OCR damage the punctuation cannot explain:

- a token mixing letters with the digits and signs English-model OCR writes for them ('t6', '1à');
- a marked word whose marks no syllable has, on a Vietnamese shape ('quôc', 'véi');
- case garble inside a word ('sỞ') or a digit slip ('l1'): `slips`;
- a chunk that is never text: spacing accents and symbols ('ˆ', '¦', '`', '„'), or a bar or tilde
  standing alone at a line's edge.

A line is *damaged* when it or a line next to it shows such evidence; a text whose lines are
damaged throughout (or that is garbled or speckled as a whole) gets the rules everywhere.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable, Iterable

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.slips import slip_edits
from sohoa.diacritics.syllables import is_valid_key, strip_marks
from sohoa.diacritics.restore.tokens import Token

_SURE_CHUNK = re.compile(
    r"(?:(?<=\S)[ \t]+[^\w\s]*[`ˆ˜„¦´¨¬][^\w\s]*(?=[ \t]|$))"  # symbols that are never text
    r"|(?:[ \t]+[|~`„]{1,3}[ \t]*$)|(?:^[ \t]*[|~`„]{1,3}[ \t]+)",  # a bar or tilde alone at an edge
    re.MULTILINE)
NEIGHBOURS = 1
"""Lines on either side whose evidence counts for a line (a speck's line may read clean)."""


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def damaged_lines(text: str, tokens: Iterable[Token], garbled_token: Callable[[str], bool],
                  slips: list[Edit] | None = None) -> set[int]:
    """Numbers of the lines (0-based) that show OCR damage themselves or next to them.

    `garbled_token`: whether a token cannot be Vietnamese as written (the restorer's judgement);
    only tokens with a digit or sign among letters, or with impossible marks, are asked.
    `slips`: the text's `slip_edits`, where the caller has them."""
    starts = line_starts(text)
    shown: set[int] = set()
    for token in tokens:
        word = token.text
        if not word or len(word) < 2:
            continue
        odd = not word.isalpha() and any(ch.isalpha() for ch in word)
        # a marked word counts only on a Vietnamese shape: 'José', 'Tucumán' are names
        impossible = word.isalpha() and not word.isascii() and is_valid_key(strip_marks(word.lower()))
        if (odd or impossible) and garbled_token(word):
            shown.add(bisect_right(starts, token.start) - 1)
    for edit in slip_edits(text) if slips is None else slips:
        shown.add(bisect_right(starts, edit.start) - 1)
    for m in _SURE_CHUNK.finditer(text):
        shown.add(bisect_right(starts, m.start()) - 1)
    return {n + d for n in shown for d in range(-NEIGHBOURS, NEIGHBOURS + 1) if 0 <= n + d < len(starts)}


def on_damaged_lines(text: str, edits: list[Edit], damaged: set[int]) -> list[Edit]:
    """The edits that fall on damaged lines."""
    if not edits or not damaged:
        return []
    starts = line_starts(text)
    return [e for e in edits if bisect_right(starts, e.start) - 1 in damaged]
