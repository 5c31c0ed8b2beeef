"""What the model knows of each word: ids, candidate forms and their shares (cached lookups
shared by every part of the restorer)."""

from __future__ import annotations

import numpy as np

from sohoa.diacritics.restore.model import RestorerModel
from sohoa.diacritics.restore.tokens import UNKNOWN_ID, context_key, key_and_target
from sohoa.diacritics.syllables import has_marks, is_syllable


class Vocabulary:
    """The keys and toned forms (targets) of a `RestorerModel`, and each key's candidate forms.

    `best[key]` / `best_prob[key]`: the key's most frequent form and its share (-1 / 0 for a key
    without forms); `n_cands[key]`: how many forms it has (a word with two or more is ambiguous).
    """

    def __init__(self, model: RestorerModel):
        self.model = model
        self.keys, self.targets = model.keys, model.targets
        self.key_ids, self.target_ids = model.key_ids, model.target_ids
        n_keys = len(model.keys)
        offsets = model.cand_offsets
        self.n_cands = np.diff(offsets)
        counts = model.cand_counts.astype(np.float64)
        totals = np.add.reduceat(counts, offsets[:-1].clip(max=len(counts) - 1)) if len(counts) else np.zeros(0)
        best = np.full(n_keys, -1, dtype=np.int32)
        best_prob = np.zeros(n_keys)
        has = self.n_cands > 0
        best[has] = model.cand_targets[offsets[:-1][has]]
        best_prob[has] = counts[offsets[:-1][has]] / totals[has]
        self.best, self.best_prob = best, best_prob
        self._ids: dict[str, tuple[int, int]] = {}
        self._syllable_targets: dict[int, bool] = {}
        self._shares: dict[int, dict[int, float]] = {}
        self._marked: np.ndarray | None = None
        self._target_shares: np.ndarray | None = None

    def ids(self, token: str) -> tuple[int, int]:
        """(key id, target id or -1) of a token."""
        found = self._ids.get(token)
        if found is None:
            key, target = key_and_target(token)
            kid = self.key_ids.get(key, UNKNOWN_ID)
            tid = self.target_ids.get(target, -1) if target is not None else -1
            found = self._ids[token] = (kid, tid)
        return found

    def key_id(self, token: str) -> int:
        """The key id of a token (`ids`' first half, without parsing its target)."""
        found = self._ids.get(token)
        return found[0] if found is not None else self.key_ids.get(context_key(token), UNKNOWN_ID)

    def target_is_syllable(self, target: int) -> bool:
        flag = self._syllable_targets.get(target)
        if flag is None:
            flag = self._syllable_targets[target] = is_syllable(self.targets[target])
        return flag

    def candidate_shares(self, key_id: int) -> dict[int, float]:
        """P(toned form | key) from corpus counts."""
        shares = self._shares.get(key_id)
        if shares is None:
            cands = self.model.candidates(key_id)
            total = sum(c for _, c in cands) or 1
            shares = self._shares[key_id] = {t: c / total for t, c in cands}
        return shares

    def target_share(self, target: int) -> float:
        """The share of the corpus' words written as this toned form (computed once for all)."""
        if self._target_shares is None:
            counts = np.zeros(len(self.targets))
            np.add.at(counts, self.model.cand_targets, self.model.cand_counts.astype(np.float64))
            self._target_shares = counts / max(1.0, counts.sum())
        return float(self._target_shares[target])

    def marked_targets(self) -> np.ndarray:
        """Per target id: whether the toned form carries a mark (computed once)."""
        if self._marked is None:
            self._marked = np.array([has_marks(t) for t in self.targets], dtype=bool)
        return self._marked

    def candidate_matrix(self, key_ids: np.ndarray, chosen: np.ndarray, chosen_prob: np.ndarray, width: int):
        """Per word: its key's `width` most frequent toned forms (the chosen one always among
        them; -1 pads) and their log prior: `chosen_prob` for the chosen form, the rest of the
        mass shared by corpus frequency."""
        offsets = self.model.cand_offsets
        start = offsets[key_ids][:, None]
        count = np.minimum(self.n_cands[key_ids], width)[:, None]
        column = np.arange(width)[None, :]
        index = np.minimum(start + column, len(self.model.cand_targets) - 1)
        valid = column < count
        cands = np.where(valid, self.model.cand_targets[index], -1).astype(np.int64)
        counts = np.where(valid, self.model.cand_counts[index], 0).astype(np.float64)
        is_chosen = cands == chosen[:, None]
        missing = ~is_chosen.any(axis=1)  # a rare form the context chose: it takes the last column
        cands[missing, width - 1] = chosen[missing]
        counts[missing, width - 1] = 0.0
        is_chosen = cands == chosen[:, None]
        valid = cands >= 0
        others = np.where(is_chosen, 0.0, counts)
        share = others / np.maximum(others.sum(axis=1, keepdims=True), 1.0)
        rest = (1.0 - chosen_prob)[:, None]
        with np.errstate(divide="ignore"):
            prior = np.where(is_chosen, np.log(np.maximum(chosen_prob, 1e-6))[:, None], np.log(np.maximum(rest * share, 1e-6)))
        return cands, np.where(valid, prior, -np.inf)
