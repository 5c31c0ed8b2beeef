"""How an OCR engine that knows Vietnamese misreads the marks of a syllable, learned from data.

Tesseract's `vie` model reads most marks right but, on a worn or speckled scan, swaps a few:
a hook for an acute ('phổ' → 'phố', 'cổ' → 'cố'), a hook on a bare 'i' ('chi tiết' → 'chỉ tiết',
'tinh' → 'tỉnh'), 'd' for 'đ' and back ('dự' → 'đự'), a breve for a circumflex ('nhấn' → 'nhắn').
Every such slip is still a well-formed syllable, so no spelling rule can catch it: the context
must, weighed against how often the engine makes that very slip.

The channel factors a syllable into its tone and its marked letters (a/ă/â, e/ê, o/ô/ơ, u/ư,
d/đ) and gives P(written | true) for each part, counted on aligned pages of rendered train-split
text read by Tesseract `vie` (`ocrpairs`), with add-half smoothing so that a slip never seen is
rare rather than impossible.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sohoa.diacritics.syllables import TONES, is_syllable, split_tone, strip_marks

LETTER_GROUPS = ("aăâ", "eê", "oôơ", "uư", "dđ")
_GROUP_OF = {ch: group for group in LETTER_GROUPS for ch in group}
SMOOTHING = 0.5


def _parts(syllable: str) -> tuple[str, str]:
    """(tone name or '', the letters without the tone) of a lower-case syllable."""
    letters, tone = split_tone(unicodedata.normalize("NFC", syllable))
    return tone or "", letters


@dataclass(frozen=True)
class MarkChannel:
    """P(written part | true part) for tones and marked letters; empty tables mean no channel."""

    tones: dict[str, dict[str, float]] = field(default_factory=dict)
    letters: dict[str, dict[str, float]] = field(default_factory=dict)
    syllables: int = 0
    """how many aligned syllables the tables were counted on"""

    def __bool__(self) -> bool:
        return bool(self.tones)

    def log_prob(self, written: str, true: str) -> float:
        """log P(written | true) for two lower-case syllables with the same letters unmarked."""
        written_tone, written_letters = _parts(written)
        true_tone, true_letters = _parts(true)
        logp = math.log(self.tones.get(true_tone, {}).get(written_tone, _floor(self.syllables)))
        for w, t in zip(written_letters, true_letters):
            if t in _GROUP_OF:
                logp += math.log(self.letters.get(t, {}).get(w, _floor(self.syllables)))
        return logp

    def to_json(self) -> dict:
        return {"tones": self.tones, "letters": self.letters, "syllables": self.syllables}

    @classmethod
    def from_json(cls, data: dict | None) -> "MarkChannel":
        data = data or {}
        return cls(tones=data.get("tones", {}), letters=data.get("letters", {}),
                   syllables=int(data.get("syllables", 0)))


def _floor(n: int) -> float:
    return SMOOTHING / max(1.0, n)


def learn_mark_channel(pairs: Iterable[tuple[str, str]]) -> MarkChannel:
    """Count tone and letter readings on (OCR token, true token) pairs of the same unmarked letters."""
    tone_counts: dict[str, Counter] = defaultdict(Counter)
    letter_counts: dict[str, Counter] = defaultdict(Counter)
    syllables = 0
    for observed, truth in pairs:
        written, true = observed.lower().strip(".,;:!?()\"'“”"), truth.lower().strip(".,;:!?()\"'“”")
        if not written.isalpha() or not is_syllable(true) or not is_syllable(written) \
                or strip_marks(written) != strip_marks(true):
            continue
        syllables += 1
        written_tone, written_letters = _parts(written)
        true_tone, true_letters = _parts(true)
        tone_counts[true_tone][written_tone] += 1
        for w, t in zip(written_letters, true_letters):
            if t in _GROUP_OF:
                letter_counts[t][w] += 1
    tones = {t: _smoothed(tone_counts[t], TONES) for t in TONES}
    letters = {t: _smoothed(letter_counts[t], _GROUP_OF[t]) for group in LETTER_GROUPS for t in group}
    return MarkChannel(tones=tones, letters=letters, syllables=syllables)


def _smoothed(counts: Counter, outcomes: Iterable[str]) -> dict[str, float]:
    outcomes = list(outcomes)
    total = sum(counts[o] for o in outcomes) + SMOOTHING * len(outcomes)
    return {o: round((counts[o] + SMOOTHING) / total, 6) for o in outcomes}
