"""Acronyms with 'Đ': a table learned from clean text, and the acronyms a document spells out.

De-accented and English-model text writes 'GDDT', 'BKHDT', 'VND' for 'GDĐT', 'BKHĐT', 'VNĐ'.
The context windows restore the common ones; an acronym in a context the corpus never showed
('Giá gói thầu: ........ VND'), or inside a document code ('1250/QĐ-DHBK'), needs the acronym
itself. The table maps an acronym's plain key ('GDDT') to the form clean text writes
('GDĐT'), kept only where that form is nearly the only one (so 'VND'/'VNĐ', which both occur,
stays out unless one dominates) and where the key is no Vietnamese syllable ('DA', 'DO').

A document that spells an acronym out settles it for that document whatever the table says:
'chương trình đào tạo (CTĐT)', or its de-accented 'chuong trinh dao tao (CTDT)' once the words
before the bracket are restored, gives 'CTĐT' to every 'CTDT' of the document.

The table is built by `sohoa train` (written beside the model as `<model>.acronyms.tsv`:
key, form, count, share); `python -m sohoa.diacritics.restore.acronyms --corpus ... -o PATH`
rebuilds only it from the same train split.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore import table_beside
from sohoa.diacritics.restore.tokens import Token
from sohoa.diacritics.syllables import is_valid_key

_ACRONYM = re.compile(r"(?<![^\W\d_])[A-ZĐ]{2,8}(?![^\W\d_])")
MIN_COUNT = 5
MIN_SHARE = 0.9
"""An acronym enters the table when its form with 'Đ' was written at least MIN_COUNT times and
is at least MIN_SHARE of the writings of its key (the rest: 'D' typed for 'Đ', or another word)."""


def key_of(acronym: str) -> str:
    return acronym.replace("Đ", "D")


class AcronymCounts:
    """The capital-letter forms written for each acronym key, counted text by text (`add`), so
    that `sohoa train` counts them in its one pass over the corpus."""

    def __init__(self) -> None:
        self.forms: dict[str, Counter] = defaultdict(Counter)

    def add(self, text: str) -> None:
        for m in _ACRONYM.finditer(text):
            self.forms[key_of(m.group())][m.group()] += 1

    def table(self, *, min_count: int = MIN_COUNT, min_share: float = MIN_SHARE) -> dict[str, tuple[str, int, float]]:
        """key → (form with 'Đ', count, share) for the acronyms clean text writes with 'Đ'."""
        table = {}
        for key, forms in self.forms.items():
            if "D" not in key or is_valid_key(key.lower()):
                continue
            form, n = forms.most_common(1)[0]
            share = n / sum(forms.values())
            if "Đ" in form and n >= min_count and share >= min_share:
                table[key] = (form, n, round(share, 4))
        return table


def build_table(texts: Iterable[str], *, min_count: int = MIN_COUNT, min_share: float = MIN_SHARE) -> dict[str, tuple[str, int, float]]:
    """key → (form with 'Đ', count, share) for the acronyms clean text writes with 'Đ'."""
    counts = AcronymCounts()
    for text in texts:
        counts.add(text)
    return counts.table(min_count=min_count, min_share=min_share)


def write_table(table: dict[str, tuple[str, int, float]], path: str | Path) -> None:
    lines = ["# key\tform\tcount\tshare (built by sohoa train from the train split; see restore.acronyms)"]
    lines += [f"{key}\t{form}\t{n}\t{share}" for key, (form, n, share) in sorted(table.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_table(path: str | Path) -> dict[str, str]:
    """key → form, from a table file; empty when there is none."""
    path = Path(path)
    if not path.exists():
        return {}
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, form = line.split("\t")[:2]
            table[key] = form
    return table


@lru_cache(maxsize=1)
def default_forms() -> frozenset[str]:
    """The acronyms with 'Đ' of the table shipped beside the default restorer model, as clean
    text writes them ('HĐND', 'LĐTBXH'); empty when there is none."""
    from sohoa.diacritics.restore import model_path

    return frozenset(read_table(table_path(model_path())).values())


def table_path(model_path: str | Path) -> Path:
    """Where the acronym table of a model file lives: beside it."""
    return table_beside(model_path, "acronyms")


def spelled_out(words: list[str], acronym: str) -> str | None:
    """The acronym as the words before its bracket spell it ('đào tạo' … → 'CTĐT'), or None when
    their initials do not give the acronym's key."""
    n = len(acronym)
    if len(words) < n:
        return None
    initials = "".join(w[:1] for w in words[-n:]).upper()
    if key_of(initials) != key_of(acronym) or any(not w[:1].isalpha() for w in words[-n:]):
        return None
    return initials


FIXER_NAME = "restore.acronym"
ACRONYM_TOKEN = re.compile(r"[A-ZĐ]{2,8}")
COMPOUND_ACRONYM = re.compile(r"[A-ZĐ]{1,8}(?:&[A-ZĐ]{1,8})+")
"""Acronyms joined by '&' into one token ('GD&DT', 'KH&DT'): clean text writes each part as an
acronym of its own ('GD', 'ĐT'), and so the table learns them."""
SPELLED_OUT_CONFIDENCE = 0.95
TABLE_CONFIDENCE = 0.9
CAPITAL_SLIPS = {"O": "Q"}
"""Capitals English-model OCR of Times-like scans writes for others: 'O' for 'Q' ('761/OD-UBND'
for '761/QĐ-UBND' in the real scans read by the English model, restore bench set 6). Tried only
for the type of a document code that no table knows."""


def acronym_edits(tokens: list[Token], words: list[str], table: dict[str, str],
                  slips: dict[str, str] | None = None) -> list[Edit]:
    """Edits writing every acronym that lost its 'Đ' ('GDDT') as the document spells it out
    ('giáo dục và đào tạo (GDĐT)'), else as `table` has it. `words`: each token's text as
    restored (the words before a bracket spell the acronym out once their marks are back).
    `slips` (`CAPITAL_SLIPS`, for English-model OCR): a document code's type the table does not
    know is read with one such capital put back where that gives one it knows ('OD' → 'QĐ')."""
    settled: dict[str, str] = {}
    for j in range(1, len(tokens) - 2):
        if tokens[j].text != "(" or tokens[j + 2].text != ")" or not ACRONYM_TOKEN.fullmatch(tokens[j + 1].text):
            continue
        before, k = [], j - 1
        while k >= 0 and tokens[k].text.isalpha() and len(before) < len(tokens[j + 1].text):
            before.insert(0, words[k])
            k -= 1
        form = spelled_out(before, tokens[j + 1].text)
        if form and "Đ" in form:
            settled[key_of(form)] = form
    if not settled and not table:
        return []
    found = []
    for at, token in enumerate(tokens):
        word = token.text
        if "D" not in word:
            continue
        if ACRONYM_TOKEN.fullmatch(word):
            parts = [(0, word)]
        elif COMPOUND_ACRONYM.fullmatch(word):
            parts = [(m.start(), m.group()) for m in ACRONYM_TOKEN.finditer(word)]
        else:
            continue
        for offset, part in parts:
            key = key_of(part)
            form, confidence = (settled[key], SPELLED_OUT_CONFIDENCE) if key in settled \
                else (table.get(key), TABLE_CONFIDENCE)
            if not form and slips and len(parts) == 1 and code_type_slot(tokens, at):
                form = next((table[key_of(variant)] for variant in _with_one_slip(part, slips)
                             if key_of(variant) in table), None)
            if form and form != part:
                start = token.start + offset
                found.append(Edit(start, start + len(part), part, form, FIXER_NAME, confidence))
    return found


def code_type_slot(tokens: list[Token], at: int) -> bool:
    """Whether token `at` stands where a document code has its type: after a number (and a
    year) and '/', before '-' and the issuer ('761/OD-UBND', '12/2024/OD-TTg')."""
    return (1 < at < len(tokens) - 1 and tokens[at - 1].text == "/" and tokens[at - 2].text.isdigit()
            and tokens[at + 1].text == "-")


def _with_one_slip(part: str, slips: dict[str, str]) -> list[str]:
    return [part[:i] + slips[c] + part[i + 1:] for i, c in enumerate(part) if c in slips]


def main(argv: list[str] | None = None) -> int:
    from sohoa.diacritics.restore.train import rebuild_table

    return rebuild_table(argv, what="acronym", example="restorer.acronyms.tsv", build=build_table, write=write_table,
                         size=lambda table: f"{len(table)} acronyms")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
