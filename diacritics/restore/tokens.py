"""Tokenisation shared by training and decoding, and the integer ids of the context keys.

A line is cut into runs of letters/digits and single punctuation marks. Each token maps to a
*context key*: the de-accented lower-case form for words, one id for numbers, the character
itself for punctuation. Restoration predicts, from the keys around a word, its toned form.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sohoa.diacritics.syllables import canonical, strip_marks

LETTER_SIGNS = frozenset("€&¢¥§")
"""Signs English-model OCR writes for a letter ('1€' and '1¢' are 'lệ', 't&t' tất, 'k¥' kỹ): read
into the word they stand in, never a token of their own."""
TOKEN_RE = re.compile(rf"(?:[^\W_]|[{''.join(sorted(LETTER_SIGNS))}])+|[^\w\s]")
"""Letters/digits (and the `LETTER_SIGNS`) or one mark."""

# What English-model OCR writes for a letter: digits and symbols for vowels and 'l' ('1anh'
# lãnh, 'c6ng' công, 'nhi€m' nhiệm, 'tỷ 1¢' tỷ lệ, 't&t' tất)
OCR_LETTERS = {"0": "o", "1": "l", "3": "e", "4": "a", "6": "o", "8": "a", "€": "e", "&": "a", "@": "o", "¢": "e", "¥": "y", "§": "y"}


def ocr_letters(word: str) -> str:
    """A lower-case word with the digits and signs English-model OCR writes for letters read as
    letters ('c6ng' → 'cong', '1anh' → 'lanh'). A sign right after the vowel it stands for is
    that vowel's mark, read with it ('to6' tổ → 'to', 'ho6i' hội → 'hoi')."""
    out: list[str] = []
    for ch in word:
        letter = OCR_LETTERS.get(ch)
        if letter is None:
            out.append(ch)
        elif not (out and out[-1] == letter and letter in "aeo"):
            out.append(letter)
    return "".join(out)

BOUNDARY = "<s>"   # line start/end; also pads the context windows
UNKNOWN = "<unk>"  # a rare or foreign word
NUMBER = "<num>"   # any run of digits
RESERVED_KEYS = (BOUNDARY, UNKNOWN, NUMBER)
BOUNDARY_ID, UNKNOWN_ID, NUMBER_ID = 0, 1, 2
CUT_ID = -2
"""Where a text was cut off from the text around it (`cut_ends`: a line taken alone that opens
and ends as the lines inside a wrapped paragraph do): no key nor word, and no boundary either.
The n-gram models read the n-grams that reach past it from after it, and predict nothing there;
the decision lists use no window that reaches it."""


class Token(NamedTuple):
    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        return self.text.isalpha()


LINE_BREAK = "\n\f\v\u2028\u2029\x85"
TEXT_TOKEN_RE = re.compile(TOKEN_RE.pattern + f"|[{LINE_BREAK}]")
"""`TOKEN_RE`, plus line breaks (boundaries) as tokens of their own."""


def tokenize(line: str) -> list[Token]:
    """Tokens of one line, with their spans."""
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(line)]


def tokenize_text(text: str) -> list[Token]:
    """Tokens of a whole text; every line break is a token with empty text (a boundary)."""
    tokens = [Token(0, 0, "")]
    for m in TEXT_TOKEN_RE.finditer(text):
        word = m.group()
        tokens.append(Token(m.start(), m.start(), "") if word in LINE_BREAK else Token(m.start(), m.end(), word))
    tokens.append(Token(len(text), len(text), ""))
    return tokens


def key_and_target(token: str) -> tuple[str, str | None]:
    """The context key of a token and, for words, the canonical lower-case toned target."""
    return context_key(token), canonical(token.lower()) if token.isalpha() else None


def context_key(token: str) -> str:
    """The context key of a token: a word without its marks, lower case; NUMBER, UNKNOWN, or
    the token itself (punctuation). The target's syllable parse is not needed for it."""
    if token.isalpha():
        return strip_marks(token.lower())
    if token.isdigit():
        return NUMBER
    if token.isalnum():
        return UNKNOWN  # letters mixed with digits: an OCR garble or a code
    return token


def without_soft_wraps(tokens: list[Token]) -> list[Token]:
    """`tokens` (a `tokenize_text`) without the boundaries of line breaks inside a sentence: a
    scan's or a form's lines wrap a paragraph where the width ends, and the models, which read
    each paragraph of the corpus whole, should read on across the break ('tình\nhuống',
    'của\nmình'). A break is such a wrap where the line before ends in a word or a comma and
    the line after goes on with a lower-case word that is no list label ('a)', 'b.')."""
    kept = []
    for i, token in enumerate(tokens):
        if token.text or not 0 < i < len(tokens) - 2 or not _wraps(tokens[i - 1], tokens[i + 1], tokens[i + 2]):
            kept.append(token)
    return kept


def _wraps(before: Token, after: Token, next_after: Token) -> bool:
    """Whether a line ending in `before` goes on in the next line's `after` (see `without_soft_wraps`)."""
    return _ends_mid_sentence(before) and _goes_on_with(after, next_after)


def _ends_mid_sentence(last: Token) -> bool:
    """Whether a line ending in `last` stops inside a sentence: in a word, a number or a comma."""
    return bool(last.text) and (last.text[-1].isalnum() or last.text == ",")


def _goes_on_with(first: Token, second: Token) -> bool:
    """Whether a line opening with `first` (then `second`) goes on from a line before it: a
    lower-case word that is no list label ('a)', 'b.')."""
    if not first.text[:1].isalpha() or not first.text[:1].islower():
        return False
    return not (len(first.text) == 1 and second.text in (")", "."))


def cut_ends(tokens: list[Token]) -> tuple[bool, bool]:
    """Whether a line taken alone (`tokens`, a `tokenize_text` of one line, line breaks before and
    after it aside) was cut off from the line before it and from the line after it, as the lines
    inside a wrapped paragraph are: it opens as a line that goes on (`without_soft_wraps`), and
    then also ends where such a line is wrapped. Its models then read no boundary there
    (`CUT_ID`). A line opening with a capital (a heading, a table cell, a paragraph's first
    line) keeps the boundary after it, and a text of several lines (once its soft wraps are
    joined) is read whole, its edges taken as they come."""
    words = [n for n, t in enumerate(tokens) if t.text]
    if not words or any(not t.text for t in tokens[words[0]:words[-1]]):
        return False, False
    first, last = tokens[words[0]], tokens[words[-1]]
    opens_cut = _goes_on_with(first, tokens[words[0] + 1] if words[0] + 1 < len(tokens) else Token(0, 0, ""))
    return opens_cut, opens_cut and _ends_mid_sentence(last)


def outer_boundaries_once(tokens: list[Token]) -> list[Token]:
    """`tokens` with the line breaks before the first word and after the last one read as the
    one boundary that opens and closes every text (they hold no word: the models read them
    alike, and the edges stay where `cut_ends` looks)."""
    words = [n for n, t in enumerate(tokens) if t.text]
    if not words:
        return tokens
    return [tokens[0], *tokens[words[0]:words[-1] + 1], tokens[-1]]
