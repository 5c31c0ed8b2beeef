"""The closing ';' of a list item that OCR read as ':' or ','.

Vietnamese administrative documents end every item of a list with ';' (the grounds 'Căn cứ …;'
of a decision, the recipients '- Sở Tài chính;', the tasks '- …;') and the last one with '.'.
Tesseract's Vietnamese model reads many of those semicolons as colons: on real letters
'- Đại học Đà Nẵng:' with ';' weighed at 0.8 of ':'. Two pieces of evidence must agree before
a mark changes: the engine weighed ';' for that very mark (`OcrWord.readings`, carried by
`OcrEvidence.readings`), and the item sits inside a run of items of the same kind whose other
members close with ';' more often than with the mark read, and the next line (on the same
page) is another such item (so it introduces nothing: a colon that opens a sub-list is
followed by items of another kind). The two are weighed as odds:
the run's own share of ';' (with one count of each added) against the engine's share of ';'
beside the mark it read; below even odds the change is only proposed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

from sohoa.diacritics.records import Edit

FIXER_NAME = "punctuation.list-end"
_OPENERS = (
    ("dash", re.compile(r"[-–•+*]\s")),
    ("letter", re.compile(r"[a-zđ]\)\s")),
    ("number", re.compile(r"\d{1,2}(?:\.\d{1,2})*[.)]\s")),
    ("grounds", re.compile(r"Căn cứ\s")),
)
_MISREAD = ":,"  # what a closing ';' is read as


def _opener(line: str) -> str | None:
    stripped = unicodedata.normalize("NFC", line.lstrip())
    for kind, pattern in _OPENERS:
        if pattern.match(stripped):
            return kind
    return None


def _closing(line: str) -> str:
    stripped = line.rstrip()
    return stripped[-1] if stripped else ""


class ListEndFixer:
    """A repair stage for OCR'd text (see the module); `readings`: `OcrEvidence.readings`."""

    name = FIXER_NAME

    def __init__(self, readings: Mapping[str, tuple[tuple[str, float], ...]]):
        self.readings = readings

    def find_edits(self, text: str) -> list[Edit]:
        # pages are joined by a form feed alone ('…;\f- …'), so it ends a line as '\n' does
        items, offset = [], 0  # (start, line, kind of item, whether it ends its page) of the lines with text
        pieces = re.split(r"(\n|\f)", text)  # lines, each but the last followed by the break that ends it
        for line, end in zip(pieces[0::2], pieces[1::2] + [""]):
            if line.strip():
                items.append((offset, line, _opener(line), end == "\f"))
            offset += len(line) + len(end)
        edits = []
        for k, (start, line, kind, ends_page) in enumerate(items):
            mark = _closing(line)
            if kind is None or mark not in _MISREAD or ends_page:
                continue  # the last line of a page stays: what the next page opens with may be no next item
            if k + 1 >= len(items) or items[k + 1][2] != kind:
                continue  # the last item of its run, or one that opens other items
            run = self._run(items, k)
            closings = [_closing(items[j][1]) for j in run if j != k and j != run[-1]]
            semicolons = closings.count(";")
            if semicolons == 0 or semicolons <= closings.count(mark):
                continue  # the run does not close its items with ';'
            token = unicodedata.normalize("NFC", line.rstrip().split()[-1])  # readings are keyed and spelled in NFC
            share = dict(self.readings.get(token, ())).get(token[:-1] + ";", 0.0)
            if share <= 0:
                continue  # the engine never weighed a ';' there
            prior = (semicolons + 1) / (len(closings) + 2)
            odds = prior * min(share, 1.0)
            confidence = odds / (odds + (1.0 - prior))
            at = start + len(line.rstrip()) - 1
            edits.append(Edit(at, at + 1, mark, ";", FIXER_NAME, round(confidence, 4)))
        return edits

    @staticmethod
    def _run(items, k: int) -> list[int]:
        """Indices of the items of the same kind next to one another around item `k`."""
        kind = items[k][2]
        first = k
        while first > 0 and items[first - 1][2] == kind:
            first -= 1
        last = k
        while last + 1 < len(items) and items[last + 1][2] == kind:
            last += 1
        return list(range(first, last + 1))
