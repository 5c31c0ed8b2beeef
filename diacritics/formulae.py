"""Headings every administrative document prints the same way, mended where OCR misread them.

The closing of a Vietnamese administrative document opens its list of recipients with the
heading 'Nơi nhận:', set in bold italic, whose slanted 'N' the engine reads as another capital
('Wơi', 'Xơi', 'Xới', ':Vơi', 'Näơi nhận:'). Opening a line before 'nhận:', such a word can be
nothing but the heading: no Vietnamese word spelled so stands there ('Mới nhận:', 'Tới nhận:'
and 'Với nhận:' are words, and stay).
"""

from __future__ import annotations

import re

from sohoa.diacritics.records import Edit

FIXER_NAME = "formula.recipients"
_MISREAD_HEADING = re.compile(r"(?m)^[ \t]*(?P<word>[:;.,'`]?[A-ZĐ][^\W\d_]{0,2}?[ơớ]i)(?=[ \t]*nhận[ \t]*:)")
_WORDS = {"Mới", "Tới", "Với", "Nơi"}


class RecipientsHeadingFixer:
    """'Wơi nhận:' → 'Nơi nhận:' at the start of a line (see the module)."""

    name = FIXER_NAME

    def find_edits(self, text: str) -> list[Edit]:
        edits = []
        for match in _MISREAD_HEADING.finditer(text):
            word = match.group("word")
            if word in _WORDS:
                continue
            edits.append(Edit(match.start("word"), match.end("word"), word, "Nơi", self.name, 0.95))
        return edits
