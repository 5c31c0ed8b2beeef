"""A closing ';' that OCR read as ':' (or, at a list item's end, as ',').

Vietnamese administrative documents end every item of a list with ';' (the grounds 'Căn cứ …;'
of a decision, the recipients '- Sở Tài chính;', the tasks '- …;') and the last one with '.',
and separate the clauses of a long sentence with ';' ('… tại ngân hàng; nghiên cứu …').
Tesseract's Vietnamese model reads many of those semicolons as colons: on real letters
'- Đại học Đà Nẵng:' with ';' weighed at 0.8 of ':'. A mark changes only where the engine
weighed ';' for that very mark (`OcrWord.readings`, carried by `OcrEvidence.readings`) and a
second piece of evidence prefers it, weighed as odds against the engine's share of ';' beside
the mark it read (below even odds the change is only proposed):
- a list item inside a run of items of the same kind whose other members close with ';' more
  often than with the mark read, and whose next line (on the same page) is another such item
  (so it introduces nothing: a colon that opens a sub-list is followed by items of another
  kind): the odds are the run's own share of ';' (one count of each added);
- else, for a colon after a word: how clean text punctuates after that very word, at a line's
  end or inside a line (`SemicolonTable`, counted by `sohoa train` on the train split: 'sau:'
  and 'gồm:' open what follows, 'ngành;' and 'phương;' close an item or a clause); the odds
  are the word's counts of ';' against ':' with `PRIOR_WEIGHT` counts of the corpus-wide
  share added, so a word seen rarely leans on the share of all words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore import table_beside

FIXER_NAME = "punctuation.list-end"
PRIOR_WEIGHT = 2.0
"""counts of the corpus-wide share of ';' added to a word's own counts"""
TABLE_MIN_COUNT = 5
"""words followed by ':' or ';' fewer times than this in the train split are left out of the table"""
_WORD_BEFORE_COLON = re.compile(r"(\w+):")
_LINE_END_AFTER = re.compile(r"[ \t]*(?:[\n\f]|$)")
_NEXT_LINE_WITH_TEXT = re.compile(r"[\n\f]\s*([^\n\f]*\S[^\n\f]*)")
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


@dataclass(frozen=True)
class SemicolonTable:
    """How clean text punctuates right after a word: word (lower case, NFC) → counts of
    (':' at a line's end, ';' at a line's end, ':' inside a line, ';' inside a line)."""

    words: Mapping[str, tuple[int, int, int, int]] = field(default_factory=dict)
    totals: tuple[int, int, int, int] = (0, 0, 0, 0)

    def odds(self, word: str, at_line_end: bool) -> float:
        """Odds of ';' against ':' after `word` (PRIOR_WEIGHT counts of the share of all words added)."""
        i = 0 if at_line_end else 2
        colons, semicolons = self.totals[i], self.totals[i + 1]
        if colons + semicolons == 0:
            return 0.0
        share = semicolons / (colons + semicolons)
        own = self.words.get(unicodedata.normalize("NFC", word.lower()), (0, 0, 0, 0))
        return (own[i + 1] + PRIOR_WEIGHT * share) / (own[i] + PRIOR_WEIGHT * (1.0 - share))


class SemicolonCounts:
    """':' and ';' after each word, counted text by text (`add`), so that `sohoa train` counts
    them in its one pass over the corpus; `table` keeps the words seen often enough."""

    _AFTER_WORD = re.compile(r"(\w+)([:;])[ \t]*(\n|$)?", re.M)

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}
        self.totals = [0, 0, 0, 0]

    def add(self, text: str) -> None:
        for m in self._AFTER_WORD.finditer(unicodedata.normalize("NFC", text)):
            if m.group(1).isdigit():
                continue  # times and numbered items ('10:30', 'Điều 1:') say nothing of words
            slot = (0 if m.group(2) == ":" else 1) + (0 if m.group(3) is not None else 2)
            self.counts.setdefault(m.group(1).lower(), [0, 0, 0, 0])[slot] += 1
            self.totals[slot] += 1

    def table(self, *, min_count: int = TABLE_MIN_COUNT) -> SemicolonTable:
        return SemicolonTable({w: tuple(c) for w, c in self.counts.items() if sum(c) >= min_count}, tuple(self.totals))


def count_semicolons(texts: Iterable[str], *, min_count: int = TABLE_MIN_COUNT) -> SemicolonTable:
    """The `SemicolonTable` of clean texts."""
    counts = SemicolonCounts()
    for text in texts:
        counts.add(text)
    return counts.table(min_count=min_count)


def write_table(table: SemicolonTable, path: str | Path) -> None:
    lines = ["# word\tcolon at line end\tsemicolon at line end\tcolon inside a line\tsemicolon inside a line"
             " (built by sohoa train from the train split; see sohoa.diacritics.list_ends)",
             "\t".join(["*"] + [str(n) for n in table.totals])]
    lines += ["\t".join([w] + [str(n) for n in c]) for w, c in sorted(table.words.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_table(path: str | Path) -> SemicolonTable | None:
    """The table in a file written by `write_table`; None when there is none."""
    path = Path(path)
    if not path.exists():
        return None
    words, totals = {}, (0, 0, 0, 0)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, *numbers = line.split("\t")
        if word == "*":
            totals = tuple(int(n) for n in numbers)
        else:
            words[word] = tuple(int(n) for n in numbers)
    return SemicolonTable(words, totals)


def table_path(model_path: str | Path) -> Path:
    """Where the table of a restorer model file lives: beside it."""
    return table_beside(model_path, "semicolons")


@lru_cache(maxsize=1)
def default_table() -> SemicolonTable | None:
    """The table shipped beside the default restorer model (None when there is none)."""
    from sohoa.diacritics.restore import model_path

    return read_table(table_path(model_path()))


class ListEndFixer:
    """A repair stage for OCR'd text (see the module); `readings`: `OcrEvidence.readings`;
    `table`: how clean text punctuates after words (None: list items only)."""

    name = FIXER_NAME

    def __init__(self, readings: Mapping[str, tuple[tuple[str, float], ...]], table: SemicolonTable | None = None):
        self.readings = readings
        self.table = table

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
            share = self._semicolon_share(line.rstrip().split()[-1])
            if share <= 0:
                continue  # the engine never weighed a ';' there
            prior = (semicolons + 1) / (len(closings) + 2)
            odds = prior * min(share, 1.0)
            confidence = odds / (odds + (1.0 - prior))
            at = start + len(line.rstrip()) - 1
            edits.append(Edit(at, at + 1, mark, ";", FIXER_NAME, round(confidence, 4)))
        if self.table is not None:
            edits = sorted(edits + self._clause_marks(text, {e.start for e in edits}), key=lambda e: e.start)
        return edits

    def _semicolon_share(self, token: str) -> float:
        """The engine's share for a ';' in place of the closing mark of `token` (a word as read,
        its mark included), 0 where it never weighed one; readings are keyed and spelled in NFC."""
        token = unicodedata.normalize("NFC", token)
        return dict(self.readings.get(token, ())).get(token[:-1] + ";", 0.0)

    def _clause_marks(self, text: str, taken: set[int]) -> list[Edit]:
        """Colons after a word where the engine weighed ';' and clean text, after that word,
        writes ';' (see the module)."""
        edits = []
        for m in _WORD_BEFORE_COLON.finditer(text):
            at = m.end() - 1
            if at in taken or m.group(1).isdigit():
                continue
            token_start = max(text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start()),
                              text.rfind("\f", 0, m.start())) + 1
            share = self._semicolon_share(text[token_start:at + 1])
            if share <= 0:
                continue
            at_line_end = _LINE_END_AFTER.match(text, at + 1) is not None
            if at_line_end and self._opens_a_list(text, at):
                continue
            odds = self.table.odds(m.group(1), at_line_end=at_line_end) * min(share, 1.0)
            edits.append(Edit(at, at + 1, ":", ";", FIXER_NAME, round(odds / (1.0 + odds), 4)))
        return edits

    @staticmethod
    def _opens_a_list(text: str, at: int) -> bool:
        """Whether the line ending at `at` is followed by list items of another kind than its
        own ('- Các sở, ngành:' over 'a) Sở Tài chính;'): its colon introduces them."""
        line_start = max(text.rfind("\n", 0, at), text.rfind("\f", 0, at)) + 1
        following = _NEXT_LINE_WITH_TEXT.search(text, at + 1)
        below = _opener(following.group(1)) if following else None
        return below is not None and below != _opener(text[line_start:at + 1])

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


def main(argv: list[str] | None = None) -> int:
    from sohoa.diacritics.restore.train import rebuild_table

    return rebuild_table(argv, what="semicolon", example="restorer.semicolons.tsv", build=count_semicolons,
                         write=write_table, size=lambda table: f"{len(table.words)} words")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
