"""Marks a Vietnamese-model OCR swapped for others that also spell a word ('chỉ tiết' →
'chi tiết', 'Thành phó' → 'Thành phố'), mended with the mark channel (`marks`) and the toned
trigram model; for text read from a noisy scan only (the restorer's gate)."""

from __future__ import annotations

import numpy as np

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.marks import MarkChannel
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, Token
from sohoa.diacritics.restore.toned_lm import TonedLM
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.syllables import apply_case, is_syllable

FIXER_NAME = "restore.ocr-marks"


class MarkOdds:
    """log P(written | toned form) under the mark channel, the form given by its target id (cached)."""

    def __init__(self, channel: MarkChannel, targets: list[str]):
        self.channel, self.targets = channel, targets
        self._logp: dict[tuple[str, int], float] = {}

    def __bool__(self) -> bool:
        return bool(self.channel)

    def log_prob(self, written: str, target: int) -> float:
        found = self._logp.get((written, target))
        if found is None:
            found = self._logp[(written, target)] = self.channel.log_prob(written, self.targets[target])
        return found


def mark_slip_edits(tokens: list[Token], vocabulary: Vocabulary, lm: TonedLM | None, odds: MarkOdds,
                    candidates: int, context_choice: np.ndarray | None = None) -> list[Edit]:
    """Edits mending swapped marks: each lower-case syllable becomes the form of its key (among
    its `candidates` most frequent) that best explains it, the toned trigram model judging the
    fit with its neighbours as written and the mark channel how often the engine writes this
    for that. A change must also be the choice of the decision lists (`context_choice`, when
    given).

    Only for text read from a noisy scan (the caller's gate): on clean held-out news outside
    the benchmark, 34 of 60,736 words would change (rare but real uses: 'mà' → 'má'), too
    many for text nobody garbled. Capitalised words are left alone: the trigram model is
    case-blind, and with them 13 names more changed there ('Thành' → 'Thanh').
    """
    if lm is None or not odds:
        return []
    targets = vocabulary.targets
    n_targets = len(targets)
    ids = [vocabulary.ids(t.text) if t.text else (BOUNDARY_ID, -1) for t in tokens]
    stream = np.array([tid if tid >= 0 else n_targets + kid for kid, tid in ids], dtype=np.int64)
    at = [i for i, t in enumerate(tokens)
          if t.text.isalpha() and t.text.islower() and ids[i][1] >= 0 and vocabulary.n_cands[ids[i][0]] >= 2
          and is_syllable(t.text)]
    if not at:
        return []
    at = np.array(at)
    key_ids = np.array([ids[i][0] for i in at], dtype=np.int32)
    own = stream[at]
    cands, _ = vocabulary.candidate_matrix(key_ids, own, np.ones(len(at)), candidates)
    valid = cands >= 0
    channel = np.full(cands.shape, -np.inf)
    for row, col in zip(*np.nonzero(valid)):
        channel[row, col] = odds.log_prob(tokens[at[row]].text, int(cands[row, col]))
    padded = np.concatenate([np.full(2, n_targets + BOUNDARY_ID, np.int64), stream,
                             np.full(2, n_targets + BOUNDARY_ID, np.int64)])
    p = at + 2
    a2, a1, b1, b2 = (padded[p + d][:, None] for d in (-2, -1, 1, 2))
    c = np.where(valid, cands, 0)
    fit = lm.logp3(a2, a1, c) + lm.logp3(a1, c, b1) + lm.logp3(c, b1, b2)
    score = np.where(valid, fit + channel, -np.inf)
    pick = score.argmax(axis=1)
    rows = np.arange(len(at))
    share = 1.0 / np.exp(score - score[rows, pick][:, None]).sum(axis=1)
    edits = []
    chosen = cands[rows, pick]
    agree = np.ones(len(at), bool) if context_choice is None else context_choice[at] == chosen
    for row in np.flatnonzero((chosen != own) & agree):
        token = tokens[at[row]]
        after = apply_case(token.text, targets[int(cands[row, pick[row]])])
        if after != token.text:
            edits.append(Edit(token.start, token.end, token.text, after, FIXER_NAME, round(float(share[row]), 4)))
    return edits
