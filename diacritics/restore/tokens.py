"""Tokenisation shared by training and decoding, and the integer ids of the context keys.

A line is cut into runs of letters/digits and single punctuation marks. Each token maps to a
*context key*: the de-accented lower-case form for words, one id for numbers, the character
itself for punctuation. Restoration predicts, from the keys around a word, its toned form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sohoa.diacritics.restore.syllables import canonical, strip_marks

TOKEN_RE = re.compile(r"(?:[^\W_]|[€&])+|[^\w\s]")
"""Letters/digits (and the '€' '&' that English-model OCR puts for 'ệ', 'á') or one mark."""

BOUNDARY = "<s>"   # line start/end; also pads the context windows
UNKNOWN = "<unk>"  # a rare or foreign word
NUMBER = "<num>"   # any run of digits
RESERVED_KEYS = (BOUNDARY, UNKNOWN, NUMBER)
BOUNDARY_ID, UNKNOWN_ID, NUMBER_ID = 0, 1, 2


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        return self.text.isalpha()


def tokenize(line: str) -> list[Token]:
    """Tokens of one line, with their spans."""
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(line)]


def key_and_target(token: str) -> tuple[str, str | None]:
    """The context key of a token and, for words, the canonical lower-case toned target."""
    if token.isalpha():
        lower = token.lower()
        return strip_marks(lower), canonical(lower)
    if token.isdigit():
        return NUMBER, None
    if token.isalnum():
        return UNKNOWN, None  # letters mixed with digits: an OCR garble or a code
    return token, None
