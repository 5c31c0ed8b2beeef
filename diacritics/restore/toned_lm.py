"""The toned n-gram model: a syllable four-gram model over toned forms, with absolute-discount
back-off (an `NgramModel`, see `ngrams`).

The decision lists pick each word's toned form from the keys around it; where they are unsure,
this model weighs the candidates by how well each fits between the toned forms chosen for its
neighbours ('để'/'dễ', 'những'/'nhưng'). Its tokens are the restorer's toned-target ids, with
every other token (punctuation, numbers, <unk>, line boundaries) as `n_targets + key id`.

    P(d | a b c) = (n(abcd) - D) / n(abc) + γ(abc) · P(d | b c)   (abcd kept)
    P(c | a b) = (n(abc) - D) / n(ab)  + γ(ab) · P(c | b)     (abc kept)
               =                         γ(ab) · P(c | b)     (otherwise)
    P(c | b)   = (n(bc) - D) / n(b)    + γ(b) · P(c)
    P(c)       = distinct left neighbours of c (Kneser–Ney continuation), smoothed

γ takes the discounted mass and that of the pruned n-grams. Probabilities are stored as log
values quantised to one byte; n-grams sit in sorted tables (bigrams by first token, trigrams by
bigram, four-grams by trigram), so a lookup is one binary search per order. A model file
written before the four-grams were counted has none: its four-gram probabilities are the
trigram ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sohoa.diacritics.restore.ngrams import DISCOUNT
from sohoa.diacritics.restore.tokens import CUT_ID

TONED_TRIGRAM_MIN_COUNT = 2
"""Trigrams seen once are dropped: on held-out news outside the benchmark, keeping them gains
0.05 points of words for three times the size."""
TONED_FOURGRAM_MIN_COUNT = 2
"""Four-grams seen once are dropped too: 2.8 million are kept of 12.8 million. Keeping them all
gained 0.05 points of words on held-out news outside the benchmark, in a first trial of the
four-grams, for four and a half times as many entries."""
LOG_FLOOR = -20.0
_STEP = -LOG_FLOOR / 255.0


def lm_tokens(keys: np.ndarray, targets: np.ndarray, n_targets: int) -> np.ndarray:
    """The model's token stream: the toned target where a word has one, `n_targets + key` else."""
    return np.where(targets >= 0, targets.astype(np.int64), n_targets + keys.astype(np.int64))


def _quantise(logp: np.ndarray) -> np.ndarray:
    return np.clip(np.round(logp / -_STEP), 0, 255).astype(np.uint8)


def _dequantise(codes: np.ndarray) -> np.ndarray:
    return codes.astype(np.float64) * -_STEP


@dataclass
class TonedLM:
    vocab: int
    unigram_logp: np.ndarray      # float32 [vocab]
    bigram_backoff: np.ndarray    # float32 [vocab]: log γ(b)
    bigram_codes: np.ndarray      # int64, sorted: b * vocab + c
    bigram_logp: np.ndarray       # uint8 quantised log P(c | b)
    trigram_backoff: np.ndarray   # uint8 quantised log γ(ab), one per bigram (0 = log 1 where none kept)
    trigram_codes: np.ndarray     # int64, sorted: bigram index * vocab + c
    trigram_logp: np.ndarray      # uint8 quantised log P(c | a b)
    fourgram_backoff: np.ndarray | None = None  # uint8 quantised log γ(abc), one per trigram (0 = log 1)
    fourgram_codes: np.ndarray | None = None    # int64, sorted: trigram index * vocab + d
    fourgram_logp: np.ndarray | None = None     # uint8 quantised log P(d | a b c)

    @property
    def order(self) -> int:
        """The widest n-gram the model holds: 4, or 3 for a model without four-grams."""
        return 3 if self.fourgram_codes is None else 4

    # -- scoring (elementwise over arrays of ids) ---------------------------------
    def logp2(self, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(c | b), elementwise."""
        idx, hit = _find(self.bigram_codes, b * self.vocab + c)
        backoff = self.bigram_backoff[b] + self.unigram_logp[c]
        return np.where(hit, _dequantise(_at(self.bigram_logp, idx)), backoff)

    def logp3(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(c | a b), elementwise."""
        a, b, c = (np.asarray(x, dtype=np.int64) for x in (a, b, c))
        ab, ab_hit = _find(self.bigram_codes, a * self.vocab + b)
        return self._after(ab, ab_hit, c, self.trigram_codes, self.trigram_backoff, self.trigram_logp,
                           self.logp2(b, c))

    def logp4(self, a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
        """log P(d | a b c), elementwise (log P(d | b c) in a model without four-grams)."""
        a, b, c, d = (np.asarray(x, dtype=np.int64) for x in (a, b, c, d))
        if self.fourgram_codes is None:
            return self.logp3(b, c, d)
        ab, ab_hit = _find(self.bigram_codes, a * self.vocab + b)
        abc, abc_hit = _find(self.trigram_codes, ab * self.vocab + c)
        return self._after(abc, abc_hit & ab_hit, d, self.fourgram_codes, self.fourgram_backoff, self.fourgram_logp,
                           self.logp3(b, c, d))

    def _after(self, context: np.ndarray, kept: np.ndarray, token: np.ndarray, codes: np.ndarray,
               backoff: np.ndarray, logp: np.ndarray, lower: np.ndarray) -> np.ndarray:
        """log P(token | context), elementwise, from one order's table: `context` is the index of
        the context n-gram in the table one order down (`kept`: whether it is there), `codes`,
        `backoff` and `logp` this order's arrays, `lower` the log probability one order down,
        which a context's γ scales where the n-gram is not kept."""
        idx, hit = _find(codes, context * self.vocab + token)
        gamma = np.where(kept, _dequantise(_at(backoff, context)), 0.0)
        return np.where(hit & kept, _dequantise(_at(logp, idx)), gamma + lower)

    def logp(self, *tokens: np.ndarray) -> np.ndarray:
        """log P(last | the ones before), elementwise, for three tokens or four; where a token is
        `CUT_ID`, the n-gram after it, and 0 where the last one is (nothing to predict)."""
        tokens = tuple(np.asarray(t, dtype=np.int64) for t in tokens)
        cut = [t == CUT_ID for t in tokens]
        if not any(c.any() for c in cut):
            return self.logp3(*tokens) if len(tokens) == 3 else self.logp4(*tokens)
        safe = tuple(np.where(c, 0, t) for c, t in zip(cut, tokens))
        out = self.logp3(*safe) if len(safe) == 3 else self.logp4(*safe)
        for k in range(len(safe) - 1):  # a cut in the context: the n-gram after it
            rest = safe[k + 1:]
            shorter = (self.unigram_logp[rest[0]] if len(rest) == 1 else self.logp2(*rest) if len(rest) == 2
                       else self.logp3(*rest))
            out = np.where(cut[k], shorter, out)
        return np.where(cut[-1], 0.0, out)  # the cut itself: no word to predict

    def fit(self, padded: np.ndarray, at: np.ndarray, forms: np.ndarray) -> np.ndarray:
        """log P of the n-grams around each position `at` of the token stream `padded` (three
        boundary tokens or more at each end) with `forms` (rows of candidates, one row per
        position) in its place, the neighbours as they stand: the four four-grams that hold it
        (the three trigrams, without four-grams)."""
        n = self.order
        total = 0.0
        for start in range(1 - n, 1):  # the n-grams from the one ending at the position to the one starting there
            total = total + self.logp(*(forms if d == 0 else padded[at + d][:, None] for d in range(start, start + n)))
        return total

    # -- persistence ----------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Compact arrays for the model file: the sorted codes become per-row counts plus the
        last token of each n-gram (uint16 where the vocabulary allows)."""
        small = np.uint16 if self.vocab <= np.iinfo(np.uint16).max else np.uint32
        n_bigrams = len(self.bigram_codes)
        return {
            "lm_vocab": np.array([self.vocab], np.int64),
            "lm_unigram_logp": self.unigram_logp.astype(np.float32),
            "lm_bigram_backoff": self.bigram_backoff.astype(np.float32),
            "lm_bigram_rows": np.bincount(self.bigram_codes // self.vocab, minlength=self.vocab).astype(np.uint32),
            "lm_bigram_last": (self.bigram_codes % self.vocab).astype(small),
            "lm_bigram_logp": self.bigram_logp,
            "lm_trigram_backoff": self.trigram_backoff,
            "lm_trigram_rows": np.bincount(self.trigram_codes // self.vocab, minlength=n_bigrams).astype(np.uint32),
            "lm_trigram_last": (self.trigram_codes % self.vocab).astype(small),
            "lm_trigram_logp": self.trigram_logp,
        } | ({} if self.fourgram_codes is None else {
            "lm_fourgram_backoff": self.fourgram_backoff,
            "lm_fourgram_rows": np.bincount(self.fourgram_codes // self.vocab,
                                            minlength=len(self.trigram_codes)).astype(np.uint32),
            "lm_fourgram_last": (self.fourgram_codes % self.vocab).astype(small),
            "lm_fourgram_logp": self.fourgram_logp,
        })

    @classmethod
    def from_arrays(cls, data) -> "TonedLM | None":
        if "lm_vocab" not in getattr(data, "files", data):
            return None
        vocab = int(data["lm_vocab"][0])
        bigram_first = np.repeat(np.arange(vocab, dtype=np.int64), data["lm_bigram_rows"].astype(np.int64))
        n_bigrams = len(bigram_first)
        trigram_first = np.repeat(np.arange(n_bigrams, dtype=np.int64), data["lm_trigram_rows"].astype(np.int64))
        fourgrams = {}
        if "lm_fourgram_rows" in getattr(data, "files", data):
            fourgram_first = np.repeat(np.arange(len(trigram_first), dtype=np.int64),
                                       data["lm_fourgram_rows"].astype(np.int64))
            fourgrams = {"fourgram_backoff": np.asarray(data["lm_fourgram_backoff"]),
                         "fourgram_codes": fourgram_first * vocab + data["lm_fourgram_last"].astype(np.int64),
                         "fourgram_logp": np.asarray(data["lm_fourgram_logp"])}
        return cls(
            vocab=vocab, unigram_logp=np.asarray(data["lm_unigram_logp"]),
            bigram_backoff=np.asarray(data["lm_bigram_backoff"]),
            bigram_codes=bigram_first * vocab + data["lm_bigram_last"].astype(np.int64),
            bigram_logp=np.asarray(data["lm_bigram_logp"]),
            trigram_backoff=np.asarray(data["lm_trigram_backoff"]),
            trigram_codes=trigram_first * vocab + data["lm_trigram_last"].astype(np.int64),
            trigram_logp=np.asarray(data["lm_trigram_logp"]), **fourgrams,
        )


def _at(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """values[idx], where an empty table (a tiny corpus keeps no trigram) gives zeros: the
    lookups that found nothing read it, and `np.where` drops what they read."""
    return values[idx] if len(values) else np.zeros(np.shape(idx), values.dtype)


def _find(table: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each code in a sorted table, and whether it is there."""
    if not len(table):
        return np.zeros(np.shape(codes), np.int64), np.zeros(np.shape(codes), bool)
    idx = np.searchsorted(table, codes).clip(max=len(table) - 1)
    return idx, table[idx] == codes


def build_toned_lm(tokens: np.ndarray, vocab: int, *, trigram_min_count: int = TONED_TRIGRAM_MIN_COUNT,
                   fourgram_min_count: int | None = TONED_FOURGRAM_MIN_COUNT, discount: float = DISCOUNT) -> TonedLM:
    """Count the n-grams of an `lm_tokens` stream and turn them into a `TonedLM` (without
    four-grams where `fourgram_min_count` is None)."""
    t = np.asarray(tokens, dtype=np.int64)
    bi_codes, bi_counts = np.unique(t[:-1] * vocab + t[1:], return_counts=True)
    first, last = bi_codes // vocab, bi_codes % vocab
    context = np.bincount(first, weights=bi_counts, minlength=vocab)
    left_neighbours = np.bincount(last, minlength=vocab).astype(np.float64)
    unigram = (left_neighbours + 0.5) / (left_neighbours.sum() + 0.5 * vocab)
    discounted = (bi_counts - discount) / context[first]
    gamma1 = 1.0 - np.bincount(first, weights=discounted, minlength=vocab)
    gamma1[context == 0] = 1.0
    gamma1 = np.maximum(gamma1, 1e-9)
    bigram_logp = np.log(discounted + gamma1[first] * unigram[last])

    tri_codes, tri_counts = np.unique((t[:-2] * vocab + t[1:-1]) * vocab + t[2:], return_counts=True)
    keep = tri_counts >= trigram_min_count
    tri_codes, tri_counts = tri_codes[keep], tri_counts[keep]
    ab = np.searchsorted(bi_codes, tri_codes // vocab)  # every trigram's first two tokens are a bigram
    tri_discounted = (tri_counts - discount) / bi_counts[ab]
    gamma2 = np.maximum(1.0 - np.bincount(ab, weights=tri_discounted, minlength=len(bi_codes)), 1e-9)
    b, c = (tri_codes // vocab) % vocab, tri_codes % vocab
    lower = np.exp(_lookup_logp2(bi_codes, bigram_logp, gamma1, unigram, b, c, vocab))
    trigram_logp = np.log(tri_discounted + gamma2[ab] * lower)
    model = TonedLM(
        vocab=vocab, unigram_logp=np.log(unigram).astype(np.float32), bigram_backoff=np.log(gamma1).astype(np.float32),
        bigram_codes=bi_codes, bigram_logp=_quantise(bigram_logp), trigram_backoff=_quantise(np.log(gamma2)),
        trigram_codes=ab.astype(np.int64) * vocab + c, trigram_logp=_quantise(trigram_logp),
    )
    if fourgram_min_count is not None and len(tri_codes):  # four-grams extend kept trigrams
        _add_fourgrams(model, t, tri_codes, fourgram_min_count, discount)
    return model


def _add_fourgrams(model: TonedLM, t: np.ndarray, tri_codes: np.ndarray, min_count: int, discount: float) -> None:
    """Count the four-grams of the stream `t` whose first three tokens are a kept trigram
    (`tri_codes`, as a·V² + b·V + c: every four-gram seen `min_count` times is one) and give
    `model` their probabilities over its own (quantised) trigram ones."""
    vocab = model.vocab
    abc, kept = _find(tri_codes, (t[:-3] * vocab + t[1:-2]) * vocab + t[2:-1])
    codes, counts = np.unique(abc[kept] * vocab + t[3:][kept], return_counts=True)
    context = np.bincount(abc[kept], minlength=len(tri_codes))  # n(abc) followed by a token
    keep = counts >= min_count
    codes, counts = codes[keep], counts[keep]
    first = codes // vocab
    discounted = (counts - discount) / context[first]
    gamma = np.maximum(1.0 - np.bincount(first, weights=discounted, minlength=len(tri_codes)), 1e-9)
    gamma[context == 0] = 1.0
    b, c, d = (tri_codes[first] // vocab) % vocab, tri_codes[first] % vocab, codes % vocab
    lower = np.exp(model.logp3(b, c, d))
    model.fourgram_backoff = _quantise(np.log(gamma))
    model.fourgram_codes = codes
    model.fourgram_logp = _quantise(np.log(discounted + gamma[first] * lower))


def _lookup_logp2(bi_codes, bigram_logp, gamma1, unigram, b, c, vocab):
    idx, hit = _find(bi_codes, b * vocab + c)
    return np.where(hit, bigram_logp[idx], np.log(gamma1[b] * unigram[c]))
