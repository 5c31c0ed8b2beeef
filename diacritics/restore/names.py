"""Names: how a syllable written with a capital inside a sentence is toned.

A capital after a word or a comma is a name's ('ông Lâm', 'Lâm Chấn Khang', 'tỉnh Quảng Ngãi'), and
a name's syllables are toned otherwise than the same letters as a word: 'lam' is mostly 'làm', a
'Lam' inside a sentence mostly 'Lâm'; 'khang' mostly 'kháng', a 'Khang' mostly 'Khang'. The
context windows see the capital only through the cased windows, which know a name only beside the
neighbours the corpus showed it with. This table counts, for each key, the toned forms the train
split writes with a capital inside a sentence (a title-case word whose token before is a word or a
comma: not a sentence's or line's first word, not an all-capitals heading), so that the toned
trigram model weighs an unsure capital's readings by how names are toned (`rescore`).

The table is written by `sohoa train` beside the model (`<model>.names.tsv`: key, form, count);
`python -m sohoa.diacritics.restore.names --corpus ... -o PATH` rebuilds only it from the same
train split.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np

from sohoa.diacritics.restore import table_beside
from sohoa.diacritics.restore.tokens import UNKNOWN_ID, Token, tokenize_text
from sohoa.diacritics.syllables import strip_marks

MIN_KEY_COUNT = 3
"""A key enters the table once the corpus wrote it with a capital inside a sentence this often."""
MIN_FORM_COUNT = 2
"""A form of a key is kept once written this often (a single sighting is as likely a typo)."""


def inside_sentence_capitals(tokens: list[Token]) -> np.ndarray:
    """Per token: a title-case word ('Lâm', 'Huế', 'A') whose token before is a word or a comma."""
    marks = np.zeros(len(tokens), dtype=bool)
    for i in range(1, len(tokens)):
        word, before = tokens[i].text, tokens[i - 1].text
        marks[i] = (word.isalpha() and word.istitle()
                    and bool(before) and (before[0].isalnum() or before == ","))
    return marks


class NameCounts:
    """The toned forms written with a capital inside a sentence, per key, counted text by text
    (`add`), so that `sohoa train` counts them in its one pass over the corpus."""

    def __init__(self) -> None:
        self.forms: dict[str, Counter] = defaultdict(Counter)

    def add(self, text: str) -> None:
        tokens = tokenize_text(text)
        for at in np.flatnonzero(inside_sentence_capitals(tokens)).tolist():
            form = tokens[at].text.lower()
            self.forms[strip_marks(form)][form] += 1

    def table(self, *, min_key_count: int = MIN_KEY_COUNT,
              min_form_count: int = MIN_FORM_COUNT) -> dict[str, dict[str, int]]:
        """key → {toned form: count} for the keys written often enough with a capital."""
        table = {}
        for key, forms in self.forms.items():
            if sum(forms.values()) < min_key_count:
                continue
            kept = {form: n for form, n in forms.most_common() if n >= min_form_count}
            if kept:
                table[key] = kept
        return table


def build_table(texts: Iterable[str], **limits) -> dict[str, dict[str, int]]:
    counts = NameCounts()
    for text in texts:
        counts.add(text)
    return counts.table(**limits)


def write_table(table: dict[str, dict[str, int]], path: str | Path) -> None:
    lines = ["# key\tform\tcount (built by sohoa train from the train split; see restore.names)"]
    lines += [f"{key}\t{form}\t{n}" for key, forms in sorted(table.items()) for form, n in forms.items()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_table(path: str | Path) -> dict[str, dict[str, int]]:
    """key → {form: count}, from a table file; empty when there is none."""
    path = Path(path)
    if not path.exists():
        return {}
    table: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, form, n = line.split("\t")
            table.setdefault(key, {})[form] = int(n)
    return table


def readings_by_id(table: dict[str, dict[str, int]], vocabulary) -> dict[int, Counter]:
    """The table in the restorer's ids: key id → Counter(target id → count), for the keys with
    two readings or more (the others are never in doubt)."""
    target_ids, key_ids, n_cands = vocabulary.target_ids, vocabulary.key_ids, vocabulary.n_cands
    readings = {}
    for key, forms in table.items():
        # a key of plain lower-case letters is its own context key (most are: the parse is skipped)
        key_id = key_ids.get(key, UNKNOWN_ID) if key.isascii() and key.isalpha() and key.islower() \
            else vocabulary.key_id(key)
        if n_cands[key_id] < 2:
            continue
        counts = Counter({target_ids[form]: n for form, n in forms.items() if form in target_ids})
        if counts:
            readings[int(key_id)] = counts
    return readings


def table_path(model_path: str | Path) -> Path:
    """Where the name table of a model file lives: beside it."""
    return table_beside(model_path, "names")


def main(argv: list[str] | None = None) -> int:
    from sohoa.diacritics.restore.train import rebuild_table

    return rebuild_table(argv, what="name", example="restorer.names.tsv", build=build_table, write=write_table,
                         size=lambda table: f"{len(table)} keys, {sum(map(len, table.values()))} forms")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
