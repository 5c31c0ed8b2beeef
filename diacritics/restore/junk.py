"""Specks read as punctuation: lone '.', '_', ':', '|' ... chunks that OCR leaves at a line's ends.

Scanner noise next to the margins comes out of Tesseract as a stray chunk of punctuation
separated by spaces from the text ('về Hội .', '_ Tổ chức'). Clean text almost never has such a
chunk at a line end or start (≈0.005 % of corpus lines for ' .'), so removing it is safe;
ellipses, '+' list marks, quotes, dashes, the bars of a table typed as text and the backticks
closing a span or a block of code are real text and stay, and so does a full stop
opening a line before a capital (a sentence's end wrapped); before a lower-case word it is a speck.
A dash opening a line is a list mark where the document shows a list there ('— Ghi nhận ý kiến',
as Tesseract reads the '–' of administrative lists): the line before ends a sentence, a clause or
an introduction (or there is none), or the line before or after opens with a dash too. Opening a
line that continues a sentence ('… điều tra độc\n— lập'), it is a speck.
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
_DASH = "—"
_LIST_MARK = re.compile(r"^[ \t]*[-–—+•]")
_CLAUSE_END = ".:;!?"
_LONE_SYMBOL = re.compile(r"(?<=\S)[ \t]+([ˆ˜´¨¬¦]{1,3})(?=[ \t])")
"""Spacing accents and odd symbols standing alone mid-line ('đã ˆ ˆ Theo'): never text."""


BAR_ROW_BARS = 2
"""A line with this many '|' or more is a row of a table typed as text ('| 1 | Tốc độ | 6,8 |'):
its bars part cells and are no specks, at its ends as between its words."""


CODE_FENCE = "```"
"""Three backticks open or close a block of code (Markdown's fence), alone or after its last line."""


def in_bar_row(text: str, position: int) -> bool:
    """Whether `position` lies on a line of `text` that is a table's row (`BAR_ROW_BARS`)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text.count("|", start, len(text) if end < 0 else end) >= BAR_ROW_BARS


def _in_code_span(text: str, position: int) -> bool:
    """Whether the backticks of the line at `position` pair up (a span of code, Markdown's
    `like this`): a speck is one backtick alone on its line."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    count = text.count("`", start, len(text) if end < 0 else end)
    return count >= 2 and count % 2 == 0


def junk_edits(text: str) -> list[Edit]:
    """Edits deleting stray punctuation chunks at line ends and starts (with their spaces)."""
    edits = []
    for pattern in (_AT_END, _AT_START):
        for m in pattern.finditer(text):
            chunk = m.group(1)
            if "|" in chunk and in_bar_row(text, m.start(1)):
                continue
            if "`" in chunk and (chunk == CODE_FENCE or _in_code_span(text, m.start(1))):
                continue  # the backtick that closes (or opens) a span or a block of code: 'với `ruff check .`.'
            before_lower = pattern is _AT_START and text[m.end():m.end() + 1].islower()
            if chunk == "..." or (chunk == ".." and not before_lower) \
                    or (pattern is _AT_START and chunk in ".," and not before_lower):
                continue  # an ellipsis, or a full stop wrapped from the line before (". Theo"; not ". đổi")
            if pattern is _AT_START and chunk == _DASH and _opens_list_item(text, m.start()):
                continue
            confidence = _CONFIDENCE.get(chunk, 0.9)
            edits.append(Edit(m.start(), m.end(), m.group(), "", FIXER_NAME, confidence))
    for m in _LONE_SYMBOL.finditer(text):
        edits.append(Edit(m.start(), m.end(), m.group(), "", FIXER_NAME, 0.9))
    return without_overlaps(sorted(edits, key=lambda e: e.start))


def _opens_list_item(text: str, line_start: int) -> bool:
    """Whether the line opening at `line_start` stands where a list item does: after a line
    that ends a sentence, clause or introduction (or after none), or beside another line that
    opens with a list mark. A blank line before it starts a paragraph: there is no line before."""
    previous = "" if line_start == 0 else \
        text[text.rfind("\n", 0, line_start - 1) + 1:line_start - 1].rstrip()
    end = text.find("\n", line_start)
    following = "" if end < 0 else text[end + 1:].split("\n", 1)[0]
    return (not previous or previous[-1] in _CLAUSE_END or bool(_LIST_MARK.match(previous))
            or bool(_LIST_MARK.match(following)))
