"""The syllables attested in clean Vietnamese text (diacritics/data/syllables.txt).

Derived from the training split of the corpora by `build_syllable_list`; holds syllables only.
Encoding detection and the split-syllable fixer use it to tell a word from a well-formed
non-word ('Sè', 'kú' are possible spellings, but no Vietnamese text uses them).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def attested_syllables() -> frozenset[str]:
    """Lower-case syllables seen in the corpus (empty if the data file is missing)."""
    try:
        text = resources.files("sohoa.diacritics").joinpath("data/syllables.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_attested(word: str) -> bool:
    """True if `word` (any case) is a syllable seen in clean text."""
    return word.lower() in attested_syllables()
