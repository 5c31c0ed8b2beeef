"""Decode: restore the toned form of every word from the de-accented keys around it.

The whole text is turned into one array of context-key ids; each decision-list level is looked
up for all positions at once (hash + binary search in numpy), most specific level first. A
word then changes only when the context's choice beats keeping what was written, weighed by
how the text looks (see `TextProfile`): fully de-accented text trusts the context, text that
already carries its marks changes only where the evidence is overwhelming.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.channel import Channel
from sohoa.diacritics.restore.model import PAD, RestorerModel, window_hashes
from sohoa.diacritics.restore.syllables import apply_case, canonical, has_marks, is_valid_syllable
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, UNKNOWN_ID, Token, key_and_target, tokenize

FIXER_NAME = "restore.context"
MARKED_SHARE = 0.75
"""Share of syllables that carry a mark in ordinary Vietnamese text (measured on the corpus)."""


@dataclass(frozen=True)
class TextProfile:
    """How a text was damaged, estimated from the text itself.

    strip_rate: probability that a mark was lost (≈1 for fully de-accented text, ≈0 for clean).
    """

    strip_rate: float
    garble: float = 0.0
    """0..1: how much the text looks like English-model OCR (letters mixed with digits, bad spelling)."""
    mark_noise: float = 0.0
    """share of marked words whose marks are impossible ('quôc'): marks are unreliable."""


@dataclass(frozen=True)
class Decision:
    """What the context says at one word: best toned form (target id) and its probability."""

    target: int
    prob: float


class Restorer:
    """Restores diacritics with a `RestorerModel`; a `Fixer` of the repair pipeline."""

    name = FIXER_NAME

    def __init__(self, model: RestorerModel):
        self.model = model
        self._targets = model.targets
        self._target_ids = model.target_ids
        self._key_ids = model.key_ids
        n_keys = len(model.keys)
        offsets = model.cand_offsets
        self._n_cands = np.diff(offsets)
        counts = model.cand_counts.astype(np.float64)
        totals = np.add.reduceat(counts, offsets[:-1].clip(max=len(counts) - 1)) if len(counts) else np.zeros(0)
        best = np.full(n_keys, -1, dtype=np.int32)
        best_prob = np.zeros(n_keys)
        has = self._n_cands > 0
        best[has] = model.cand_targets[offsets[:-1][has]]
        best_prob[has] = counts[offsets[:-1][has]] / totals[has]
        self._best, self._best_prob = best, best_prob
        self._cand_share: dict[int, dict[int, float]] = {}
        self._token_cache: dict[str, tuple[int, int]] = {}
        self._suspicion: dict[str, bool] = {}
        self._cand_cache: dict[tuple[str, float], list[tuple[int, float]]] = {}
        self.channel = Channel.from_json(model.channel)
        self._n_keys = n_keys
        self._key_counts = model.key_counts if len(model.key_counts) else np.ones(n_keys, np.int64)
        self._total_keys = float(self._key_counts.sum()) + 0.5 * n_keys

    # -- lookup -------------------------------------------------------------
    def _ids(self, token: str) -> tuple[int, int]:
        """(key id, target id or -1) of a token; cached per token string."""
        ids = self._token_cache.get(token)
        if ids is None:
            key, target = key_and_target(token)
            kid = self._key_ids.get(key, UNKNOWN_ID)
            tid = self._target_ids.get(target, -1) if target is not None else -1
            ids = self._token_cache[token] = (kid, tid)
        return ids

    def candidate_shares(self, key_id: int) -> dict[int, float]:
        """P(toned form | key) from corpus counts."""
        shares = self._cand_share.get(key_id)
        if shares is None:
            cands = self.model.candidates(key_id)
            total = sum(c for _, c in cands) or 1
            shares = self._cand_share[key_id] = {t: c / total for t, c in cands}
        return shares

    def decide(self, key_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best target id and its probability for every position of `key_ids` (-1 where no choice)."""
        key_ids = np.asarray(key_ids, dtype=np.int32)
        target = self._best[key_ids].copy()
        prob = self._best_prob[key_ids].copy()
        ambiguous = self._n_cands[key_ids] >= 2
        where = np.flatnonzero(ambiguous)
        if not len(where):
            return target, prob
        padded = np.concatenate([np.full(PAD, BOUNDARY_ID, np.int32), key_ids, np.full(PAD, BOUNDARY_ID, np.int32)])
        levels = list(enumerate(self.model.levels))
        for rank in sorted({level.rank for _, level in levels}):
            rank_target = np.full(len(where), -1, dtype=np.int32)
            rank_prob = np.zeros(len(where))
            for level_no, level in levels:
                if level.rank != rank or not len(level.hashes):
                    continue
                hashes = window_hashes(padded, level.offsets, level_no)[where]
                idx = np.searchsorted(level.hashes, hashes).clip(max=len(level.hashes) - 1)
                level_prob = np.where(level.hashes[idx] == hashes, level.probs[idx] / 255.0, 0.0)
                take = level_prob > rank_prob
                rank_target[take] = level.targets[idx[take]]
                rank_prob[take] = level_prob[take]
            hit = rank_target >= 0
            target[where[hit]] = rank_target[hit]
            prob[where[hit]] = rank_prob[hit]
        return target, prob

    # -- the Fixer interface --------------------------------------------------
    def profile(self, tokens: list[Token]) -> TextProfile:
        """Estimate, from the text itself, how it was damaged (see `TextProfile`)."""
        words = [t.text for t in tokens if t.text and any(ch.isalpha() for ch in t.text)]
        ambiguous = [w for w in words if w.isalpha() and self._n_cands[self._ids(w)[0]] >= 2]
        marked = [w for w in ambiguous if has_marks(w)]
        prior = 4.0
        share = (len(marked) + prior * MARKED_SHARE) / (len(ambiguous) + prior)
        strip_rate = min(1.0, max(1e-3, 1.0 - share / MARKED_SHARE))
        suspicious = sum(1 for w in words if self._suspicious(w))
        garble_share = suspicious / (len(words) + prior)
        garble = min(1.0, max(0.0, (garble_share - 0.04) / 0.16))
        bad_marks = sum(1 for w in marked if not is_valid_syllable(w))
        mark_noise = bad_marks / (len(marked) + 20.0)
        return TextProfile(strip_rate=float(strip_rate), garble=float(garble), mark_noise=float(mark_noise))

    def _suspicious(self, word: str) -> bool:
        """A token that cannot be Vietnamese as written: digits/symbols in letters, bad spelling."""
        flag = self._suspicion.get(word)
        if flag is None:
            if not word.isalpha():
                flag = any(ch.isalpha() for ch in word) and not word.isupper()
            else:
                flag = not is_valid_syllable(word) and not (word.isupper() and len(word) > 1)
            self._suspicion[word] = flag
        return flag

    def find_edits(self, text: str) -> list[Edit]:
        """Edits restoring `text`: one word each, with the decoder's confidence."""
        tokens: list[Token] = []
        key_ids: list[int] = []
        for line_start, line in _lines(text):
            key_ids.append(BOUNDARY_ID)
            tokens.append(Token(line_start, line_start, ""))
            for tok in tokenize(line):
                tokens.append(Token(line_start + tok.start, line_start + tok.end, tok.text))
                key_ids.append(self._ids(tok.text)[0])
        key_ids.append(BOUNDARY_ID)
        tokens.append(Token(len(text), len(text), ""))
        profile = self.profile(tokens)
        own_keys = np.array(key_ids, dtype=np.int32)
        if profile.garble > 0 and self.channel.tokens:
            keys, key_conf = self._decode_keys(tokens, own_keys, profile)
        else:
            keys, key_conf = own_keys, None
        best, prob = self.decide(keys)
        edits = []
        changed_key = np.flatnonzero(keys != own_keys).tolist() if key_conf is not None else []
        for i in changed_key:
            token, target = tokens[i], int(best[i])
            form = self._targets[target] if target >= 0 else self.model.keys[keys[i]]
            after = apply_case(token.text, form)
            if after != token.text:
                confidence = key_conf[i] * (prob[i] if target >= 0 else 1.0)
                edits.append(Edit(token.start, token.end, token.text, after, self.name, round(float(confidence), 4)))
        skip = set(changed_key)
        for i in np.flatnonzero(best >= 0).tolist():
            if i in skip or not tokens[i].text.isalpha():
                continue
            edit = self._edit_for(tokens[i], key_ids[i], int(best[i]), float(prob[i]), profile)
            if edit is not None:
                edits.append(edit)
        edits.sort(key=lambda e: e.start)
        return edits

    # -- OCR garble: choose the key of every word with a key bigram model ----------
    def _key_candidates(self, token: str, profile: TextProfile) -> list[tuple[int, float]]:
        """(key id, log P(token | key)) for the keys a written token may stand for."""
        cache_key = (token, round(profile.garble, 2))
        found = self._cand_cache.get(cache_key)
        if found is not None:
            return found
        lower = token.lower()
        own = self._ids(token)[0] if token.isalpha() else UNKNOWN_ID
        suspicious = self._suspicious(token)
        scores: dict[int, float] = {}
        garble = profile.garble * self.channel.garble_rate
        if own != UNKNOWN_ID:
            scores[own] = 1.0 - (0.9 if suspicious else garble)
        for key, p in self.channel.tokens.get(lower, {}).items():
            kid = self._key_ids.get(key)
            if kid is not None:
                scores[kid] = max(scores.get(kid, 0.0), p * profile.garble)
        if suspicious:
            for key, p in self.channel.rewrite_keys(lower).items():
                kid = self._key_ids.get(key)
                if kid is not None and is_valid_syllable(key):
                    scores[kid] = max(scores.get(kid, 0.0), 0.5 * p * profile.garble)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:8]
        found = [(k, math.log(max(p, 1e-12))) for k, p in ranked] or [(UNKNOWN_ID, 0.0)]
        self._cand_cache[cache_key] = found
        return found

    def _bigram_logp(self, first: int, second: int) -> float:
        """log P(second | first), absolute discounting with Kneser–Ney style back-off."""
        n = self._n_keys
        code = first * n + second
        codes = self.model.bigram_codes
        i = int(np.searchsorted(codes, code))
        count = float(self.model.bigram_counts[i]) if i < len(codes) and codes[i] == code else 0.0
        first_total = float(self._key_counts[first]) or 1.0
        backoff = 0.75 * float(self.model.key_followers[first]) / first_total
        unigram = (float(self._key_counts[second]) + 0.5) / self._total_keys
        return math.log(max(count - 0.75, 0.0) / first_total + max(backoff, 1e-3) * unigram)

    def _decode_keys(self, tokens: list[Token], own_keys: np.ndarray, profile: TextProfile):
        """Viterbi over candidate keys; returns the keys and a per-position confidence."""
        lattice = []
        for token, own in zip(tokens, own_keys.tolist()):
            if token.text and any(ch.isalpha() for ch in token.text):
                lattice.append(self._key_candidates(token.text, profile))
            else:
                lattice.append([(own, 0.0)])
        bigram = functools.lru_cache(maxsize=None)(self._bigram_logp)
        scores = [c for _, c in lattice[0]]
        back: list[list[int]] = [[0] * len(lattice[0])]
        for i in range(1, len(lattice)):
            prev, cur = lattice[i - 1], lattice[i]
            if len(prev) == 1 and prev[0][0] == BOUNDARY_ID and len(cur) == 1:
                scores = [scores[0] + cur[0][1]]
                back.append([0])
                continue
            new_scores, pointers = [], []
            for key, channel in cur:
                best_j, best = 0, -1e300
                for j, (pkey, _) in enumerate(prev):
                    s = scores[j] + bigram(pkey, key)
                    if s > best:
                        best_j, best = j, s
                new_scores.append(best + channel)
                pointers.append(best_j)
            scores, back = new_scores, back + [pointers]
        path = [max(range(len(scores)), key=scores.__getitem__)]
        for i in range(len(lattice) - 1, 0, -1):
            path.append(back[i][path[-1]])
        path.reverse()
        keys = np.array([lattice[i][j][0] for i, j in enumerate(path)], dtype=np.int32)
        confidence = np.ones(len(keys))
        for i, cands in enumerate(lattice):
            if len(cands) < 2:
                continue
            left = keys[i - 1] if i else BOUNDARY_ID
            right = keys[i + 1] if i + 1 < len(keys) else BOUNDARY_ID
            local = [c + bigram(int(left), k) + bigram(k, int(right)) for k, c in cands]
            top = max(local)
            weights = [math.exp(v - top) for v in local]
            confidence[i] = weights[path[i]] / sum(weights)
        return keys, confidence

    def _edit_for(self, token: Token, key_id: int, best: int, prob: float, profile: TextProfile) -> Edit | None:
        observed = self._ids(token.text)[1]
        if observed == best:
            return None
        written = token.text
        if observed < 0 and canonical(written.lower()) == self._targets[best]:
            return None
        shares = self.candidate_shares(key_id)
        best_share = shares.get(best, 0.0)
        valid = is_valid_syllable(written)
        marked = has_marks(written)
        # Posterior over {the context's choice, what was written, anything else}.
        mark_change = 0.3 * profile.strip_rate + 0.5 * profile.garble + profile.mark_noise + 1e-4
        if observed >= 0 and valid:
            # Floors: a context seen n times never proves a form impossible, and a rare
            # form is still a real word (finite counts, quantised probabilities).
            share_of_rest = shares.get(observed, 0.0) / max(1e-9, 1.0 - best_share)
            p_written_ctx = max(1.0 - prob, 0.01) * max(share_of_rest, 0.05)
            change_channel = mark_change if marked else profile.strip_rate
        elif marked and valid:
            p_written_ctx, change_channel = 1e-4, mark_change + 1e-3
        else:
            p_written_ctx, change_channel = 0.0, 1.0
        p_change = prob * change_channel
        p_other = max(0.0, 1.0 - prob - p_written_ctx) * change_channel
        if p_change <= p_written_ctx:
            return None
        confidence = p_change / (p_change + p_written_ctx + p_other)
        after = apply_case(written, self._targets[best])
        if after == written:
            return None
        return Edit(token.start, token.end, written, after, self.name, round(float(confidence), 4))


def _lines(text: str):
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, line.rstrip("\r\n")
        start += len(line)
