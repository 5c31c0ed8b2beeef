"""The key n-gram model: bigram and trigram counts of the key stream (an `NgramModel`).

Keys are words with their marks lost ('nguoi'), numbers as one key, punctuation as itself. The
counts come from the training split (`sohoa train`) and are kept as counts, so the model is
smoothed when asked:

    P(c | b)   = max(n(bc) - D, 0) / n(b)  +  max(γ(b), 0.001) · P(c)
    γ(b)       = D · (distinct keys seen after b) / n(b)       (Kneser–Ney style back-off weight)
    P(c)       = (n(c) + 0.5) / (N + 0.5 · keys)
    P(c | a b) = n(abc) / n(ab)  for a kept trigram, else  0.4 · P(c | b)   ('stupid' back-off)

The trigram estimate is a score rather than a distribution: it serves only to compare the
candidates of one word with their neighbours fixed (`keys.KeyDecoder`), where that is enough.
Bigrams seen once and trigrams seen fewer than KEY_TRIGRAM_MIN_COUNT times are not kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sohoa.diacritics.restore.ngrams import DISCOUNT
from sohoa.diacritics.restore.tokens import CUT_ID

KEY_TRIGRAM_MIN_COUNT = 3
"""Key trigrams seen fewer times are dropped from the model file (the key bigrams keep those
seen twice, `sohoa train --min-count`). Set when the trigram pass was added; not measured
against other values."""
TRIGRAM_BACKOFF = 0.4
BACKOFF_FLOOR = 1e-3
_LOG_TRIGRAM_BACKOFF = math.log(TRIGRAM_BACKOFF)
ARRAY_NAMES = ("key_counts", "key_followers", "bigram_codes", "bigram_counts", "trigram_codes", "trigram_counts")
"""Where the counts lie in the model file."""


def _empty() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class KeyNgrams:
    """Counts of the key stream and the smoothed log probabilities read off them."""

    n_keys: int
    counts: np.ndarray = field(default_factory=_empty)
    """n(key), per key id (empty in a model without them: every key then counts once)"""
    followers: np.ndarray = field(default_factory=_empty)
    """number of distinct keys seen after each key"""
    bigram_codes: np.ndarray = field(default_factory=_empty)
    """sorted key bigrams, coded first * n_keys + second"""
    bigram_counts: np.ndarray = field(default_factory=_empty)
    trigram_codes: np.ndarray = field(default_factory=_empty)
    """sorted key trigrams, coded (first * n_keys + second) * n_keys + third"""
    trigram_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))

    def __post_init__(self) -> None:
        self.unigram_counts = self.counts if len(self.counts) else np.ones(self.n_keys, np.int64)
        self._total = float(self.unigram_counts.sum()) + 0.5 * self.n_keys

    @property
    def has_trigrams(self) -> bool:
        return bool(len(self.trigram_codes))

    def count1(self, key: int):
        """n(key) (1 for every key in a model without unigram counts)."""
        return self.unigram_counts[key]

    def count2(self, first: int, second: int) -> int:
        """Corpus count of a key bigram (0 where pruned or never seen)."""
        code = first * self.n_keys + second
        codes = self.bigram_codes
        i = int(np.searchsorted(codes, code))
        return int(self.bigram_counts[i]) if i < len(codes) and codes[i] == code else 0

    def logp1(self, key: int) -> float:
        """log P(key), smoothed."""
        return math.log((float(self.unigram_counts[key]) + 0.5) / self._total)

    def logp2(self, first: int, second: int) -> float:
        """log P(second | first), absolute discounting with Kneser–Ney style back-off (a
        `CUT_ID` first: log P(second); a `CUT_ID` second: 0, nothing to predict)."""
        if second == CUT_ID:
            return 0.0
        if first == CUT_ID:
            return self.logp1(second)
        code = first * self.n_keys + second
        codes = self.bigram_codes
        i = int(np.searchsorted(codes, code))
        count = float(self.bigram_counts[i]) if i < len(codes) and codes[i] == code else 0.0
        first_total = float(self.unigram_counts[first]) or 1.0
        backoff = DISCOUNT * float(self.followers[first]) / first_total
        unigram = (float(self.unigram_counts[second]) + 0.5) / self._total
        return math.log(max(count - DISCOUNT, 0.0) / first_total + max(backoff, BACKOFF_FLOOR) * unigram)

    def logp3(self, first: int, second: int, third: int) -> float:
        """log P(third | first, second): the trigram's relative frequency, else 0.4 × the bigram
        (`CUT_ID` as in `logp2`: the n-gram after it)."""
        if CUT_ID in (first, second, third):
            return 0.0 if third == CUT_ID else self.logp1(third) if second == CUT_ID else self.logp2(second, third)
        n = self.n_keys
        code = (first * n + second) * n + third
        codes = self.trigram_codes
        i = int(np.searchsorted(codes, code))
        if i < len(codes) and codes[i] == code:
            pair = first * n + second
            j = int(np.searchsorted(self.bigram_codes, pair))
            pair_count = float(self.bigram_counts[j]) if (
                j < len(self.bigram_codes) and self.bigram_codes[j] == pair) else 0.0
            if pair_count:
                return math.log(min(1.0, float(self.trigram_counts[i]) / pair_count))
        return _LOG_TRIGRAM_BACKOFF + self.logp2(second, third)

    # -- persistence ----------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        return dict(zip(ARRAY_NAMES, (self.counts, self.followers, self.bigram_codes, self.bigram_counts,
                                      self.trigram_codes, self.trigram_counts)))

    @classmethod
    def from_arrays(cls, data, n_keys: int) -> "KeyNgrams":
        """The model of a file's arrays; missing ones (a model without the OCR channel parts) are empty."""
        files = getattr(data, "files", data)
        return cls(n_keys, *(data[name] if name in files else _empty() for name in ARRAY_NAMES))


def build_key_ngrams(keys: np.ndarray, n_keys: int, *, bigram_min_count: int,
                     trigram_min_count: int = KEY_TRIGRAM_MIN_COUNT) -> KeyNgrams:
    """Count the key stream of the training corpus: unigrams, distinct followers, and the
    bigrams and trigrams seen at least `bigram_min_count` / `trigram_min_count` times."""
    codes = keys[:-1].astype(np.int64) * n_keys + keys[1:]
    codes, counts = np.unique(codes, return_counts=True)
    followers = np.bincount(codes // n_keys, minlength=n_keys)
    keep = counts >= bigram_min_count
    wide = keys.astype(np.int64)
    tri_codes, tri_counts = np.unique((wide[:-2] * n_keys + wide[1:-1]) * n_keys + wide[2:], return_counts=True)
    tri_keep = tri_counts >= trigram_min_count
    return KeyNgrams(n_keys, np.bincount(keys, minlength=n_keys).astype(np.int64), followers.astype(np.int64),
                     codes[keep], counts[keep].astype(np.int64), tri_codes[tri_keep], tri_counts[tri_keep].astype(np.uint32))
