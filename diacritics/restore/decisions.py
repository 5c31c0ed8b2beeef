"""The decision lists: each word's toned form from the windows of keys around it.

Every level of the model (`model.Level`) is looked up for all positions at once (a hash of
the window, then a binary search in numpy). A word takes the form of the hit with the best
probability + `model.RANK_BONUS` × rank, so a wider window overrides a narrower one unless the
narrower is much surer; cased windows read which words were written with a capital; toned
windows, looked up last, read the neighbours by the forms the key windows gave them. The
words still unsure afterwards, and those another window read otherwise (contested), are
re-weighed by the toned four-gram model (`rescore`), with the document's own sure readings of their
keys, what its topic says of them (`topics`), and for a capital inside a sentence how names are
toned (`names`), as evidence.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from sohoa.diacritics.restore.channel import Channel
from sohoa.diacritics.restore.model import PAD, RANK_BONUS, RestorerModel, cased_stream, toned_stream, window_hashes
from sohoa.diacritics.restore.rescore import ToneRescorer
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import BOUNDARY_ID
from sohoa.diacritics.restore.topics import DocumentTopics
from sohoa.diacritics.restore.vocabulary import Vocabulary


class DecisionLists:
    """Chooses every word's toned form from its context (see the module)."""

    def __init__(self, model: RestorerModel, vocabulary: Vocabulary, settings: RestorerSettings,
                 name_readings: dict[int, Counter] | None = None, channel: Channel | None = None,
                 topics: DocumentTopics | None = None):
        self.model, self.vocabulary, self.settings = model, vocabulary, settings
        self.rescorer = ToneRescorer(model.toned_lm, vocabulary, settings, name_readings, channel, topics) \
            if model.toned_lm is not None else None

    def decide(self, key_ids: np.ndarray, capitals: np.ndarray | None = None,
               shows_mark: np.ndarray | None = None,
               inside_capitals: np.ndarray | None = None, observed: Sequence[str] | None = None,
               other_keys: dict[int, list[tuple[int, float]]] | None = None,
               cut: tuple[bool, bool] = (False, False)) -> tuple[np.ndarray, np.ndarray]:
        """Best target id and its probability for every position of `key_ids` (-1 where no choice).

        First pass: the key windows, rank by rank (the cased ones where `capitals` tells which
        words were written with a capital). Second pass: the toned windows, which read the
        neighbours by the forms the first pass gave them. `shows_mark`: words whose garbled
        spelling shows a mark, which rules out their unmarked forms: English-model OCR never
        invents a mark (on the train-split eng pages, 0 of 2,148 unmarked syllables came out
        showing one, 4,613 of 13,918 marked ones did), so 'ché' is 'chở' or 'chế', not 'cho'.
        `inside_capitals`: words written with a capital inside a sentence, whose readings the
        re-weighing weighs by how names are toned (`names`). `observed`: the lower-case spellings
        of English-model OCR, whose kept marks the re-weighing reads (`channel.Channel.forms`);
        `other_keys`: the other keys the garble reading left some mass to, whose forms it weighs
        too (a chosen form may then belong to another key than `key_ids` holds). `cut`: whether
        the text was cut off at its start and its end (`tokens.cut_ends`): no window that reaches
        such an edge is read, since the boundary it would read is not there, and the re-weighing
        reads the n-grams after the cut (`tokens.CUT_ID`).
        """
        vocabulary = self.vocabulary
        key_ids = np.asarray(key_ids, dtype=np.int32)
        target = vocabulary.best[key_ids].copy()
        prob = vocabulary.best_prob[key_ids].copy()
        ambiguous = vocabulary.n_cands[key_ids] >= 2
        where = np.flatnonzero(ambiguous)
        if not len(where):
            return target, prob
        if shows_mark is not None:
            shows_mark = np.asarray(shows_mark, dtype=bool) & ambiguous
        padded = np.concatenate([np.full(PAD, BOUNDARY_ID, np.int32), key_ids, np.full(PAD, BOUNDARY_ID, np.int32)])
        levels = list(enumerate(self.model.levels))
        padded_toned = None
        padded_cased = None
        if capitals is not None:
            cased = cased_stream(key_ids, np.asarray(capitals, dtype=bool))
            padded_cased = np.concatenate([np.zeros(PAD, np.int64), cased, np.zeros(PAD, np.int64)])
        shift = self.model.hash_shift
        n_keys = len(self.model.keys)
        score = np.zeros(len(where))  # of the hit deciding each word so far: prob + RANK_BONUS * rank
        votes: list[tuple[np.ndarray, np.ndarray]] = []
        by_cased = np.zeros(len(where), dtype=bool)  # decided by a cased window
        for rank in sorted({level.rank for _, level in levels}):
            rank_target = np.full(len(where), -1, dtype=np.int32)
            rank_prob = np.zeros(len(where))
            toned_rank = cased_rank = False
            for level_no, level in levels:
                if level.rank != rank or not len(level.hashes) or (level.cased and padded_cased is None):
                    continue
                if level.toned and padded_toned is None:
                    toned = toned_stream(key_ids, target, n_keys)
                    padded_toned = np.concatenate([np.zeros(PAD, np.int64), toned, np.zeros(PAD, np.int64)])
                toned_rank, cased_rank = level.toned, level.cased
                context = padded_toned if level.toned else None
                stream = padded_cased if level.cased else padded
                hashes = window_hashes(stream, level.offsets, level_no, context)[where] >> shift
                idx = np.searchsorted(level.hashes, hashes).clip(max=len(level.hashes) - 1)
                level_prob = np.where(level.hashes[idx] == hashes, level.probs[idx] / 255.0, 0.0)
                if cut[0]:  # a window that reaches the cut-off start reads a boundary that is not there
                    level_prob[where + min(level.offsets) <= 0] = 0.0
                if cut[1]:
                    level_prob[where + max(level.offsets) >= len(key_ids) - 1] = 0.0
                take = level_prob > rank_prob
                rank_target[take] = level.targets[idx[take]]
                rank_prob[take] = level_prob[take]
            hit = rank_target >= 0
            votes.append((rank_target, rank_prob))
            if not toned_rank:
                # a wider window overrides a narrower one unless the narrower is much surer
                rank_score = rank_prob + RANK_BONUS * rank
                hit &= rank_score > score
                score[hit] = rank_score[hit]
            target[where[hit]] = rank_target[hit]
            prob[where[hit]] = rank_prob[hit]
            by_cased[hit] = cased_rank
        # The probability of the choice is that of the surest window agreeing with it: a wide
        # window seen a few times decides, but 'gồm chi' seen a thousand times says how sure.
        chosen, sure = target[where], prob[where]
        # A word some window reads otherwise is contested, however sure the winning window is:
        # 'chi so hai long' → 'so hai' says 'sợ' (sợ hãi) at 0.93 where 'chi so' says 'số' at 0.92
        contested = np.zeros(len(where), dtype=bool)
        for rank_target, rank_prob in votes:
            agree = rank_target == chosen
            sure[agree] = np.maximum(sure[agree], rank_prob[agree])
            contested |= (rank_target >= 0) & ~agree
        prob[where] = sure
        if self.rescorer is not None:
            cased_choice = np.zeros(len(key_ids), dtype=bool)
            cased_choice[where[by_cased]] = True
            contested_choice = np.zeros(len(key_ids), dtype=bool)
            contested_choice[where[contested]] = True
            self.rescorer.rescore(key_ids, target, prob, keep=cased_choice, shows_mark=shows_mark,
                                  contested=contested_choice, inside_capitals=inside_capitals, observed=observed,
                                  other_keys=other_keys,
                                  readings=self.document_readings(key_ids, target, prob), cut=cut)
        return target, prob

    def document_readings(self, key_ids: np.ndarray, target: np.ndarray, prob: np.ndarray) -> dict[int, Counter]:
        """key → how often the document reads it as each toned form where the context is sure
        of it (at least `doc_sure`). A document says what it is about: where 'bang' is 'bảng'
        in 'bảng số liệu' and 'bảng tổng hợp', an unsure 'bang' is likelier 'bảng' too,
        whatever the corpus' commonest reading ('bằng'); see `settings.doc_pseudo_readings`."""
        sure = np.flatnonzero((prob >= self.settings.doc_sure) & (target >= 0)
                              & (self.vocabulary.n_cands[key_ids] >= 2))
        readings: dict[int, Counter] = {}
        for k, t in zip(key_ids[sure].tolist(), target[sure].tolist()):
            readings.setdefault(k, Counter())[t] += 1
        return readings
