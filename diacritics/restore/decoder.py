"""Decode: restore the toned form of every word from the de-accented keys around it.

1. The text is profiled (`TextProfile`): has it lost its marks, does it look like English-model
   OCR ('t6 chirc', 'dugc'), are its marks impossible?
2. Garbled text first gets its keys decoded: each word's candidate keys come from the learned
   OCR channel (whole-token confusions, character rewrites, the 'P'/'B' for 'Đ' prior), a key
   bigram Viterbi picks the path, and a key trigram pass revisits the uncertain words. In text
   that is not garbled overall, a lone garbled word is weighed against its neighbours only.
3. Every decision-list level is looked up for all positions at once (hash + binary search in
   numpy); the hit with the best probability + rank bonus gives each word its toned form and
   probability, and a second pass looks up the toned levels with the neighbours' chosen forms.
   Words still unsure are re-weighed by a trigram model over toned forms (`lm`).
4. A word changes only when the context's choice beats keeping what was written, weighed by the
   profile: de-accented text trusts the context, text that keeps its marks changes only where
   the evidence is overwhelming. Stray OCR punctuation (`stray`, `junk`) and small slips are
   removed alongside; marked words OCR glued together are split before any of this.
5. In text read from a noisy scan, marks the Vietnamese OCR model swapped for other real marks
   ('chỉ tiết') are weighed with the learned mark channel (`marks`) and the trigram model.
Each edit carries the posterior of its choice as confidence.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from sohoa.diacritics.compose import apply_edits, without_overlaps
from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.acronyms import key_of as acronym_key, spelled_out
from sohoa.diacritics.restore.channel import CAPITAL_PRIORS, Channel
from sohoa.diacritics.restore.evidence import damaged_lines, on_damaged_lines
from sohoa.diacritics.restore.junk import junk_edits
from sohoa.diacritics.restore.marks import MarkChannel
from sohoa.diacritics.restore.slips import slip_edits
from sohoa.diacritics.restore.stray import is_speckled, stray_punctuation_edits
from sohoa.diacritics.restore.model import (
    PAD, RANK_BONUS, RestorerModel, capitalised, cased_stream, toned_stream, window_hashes,
)
from sohoa.diacritics.syllables import apply_case, canonical, has_marks, is_valid_key, is_syllable, strip_marks
from sohoa.diacritics.restore.tokens import (
    BOUNDARY_ID, NUMBER_ID, OCR_LETTERS, UNKNOWN_ID, Token, key_and_target, tokenize_text,
)

FIXER_NAME = "restore.context"
FOREIGN_WORD_COUNT = 20
"""A non-Vietnamese spelling seen this often in the corpus is a foreign word, not garble."""
UNK_KEEP = 0.999
"""In garbled text, how sure a word the model cannot place is garble rather than a name: a
garbled token kept as <unk> would let the key model route around it too cheaply."""
LONE_GARBLE = 0.3
MARKS_LOST_FLOOR = 0.2
"""Strip rate a correct text shows anyway (see _change_for): only past it may written marks be doubted."""
UNK_EMISSION = 0.02
"""In garbled text, P(this very token | <unk>): the key model scores <unk> as one class lumping
every unknown token of the corpus ('G6', names, foreign words), so P(<unk> | 'lg') = 0.42; one
particular token is only a small share of that class, or garbled words hide in it ('LG ciing
sẽ' kept 'ciing' instead of 'cũng'). Measured on the set-2 bench: 0.1 and 0.02 gain alike, 1
(no share) is the old behaviour."""
"""How far a lone garbled-looking word is trusted to be OCR garble in otherwise clean text."""
_LONE_CAPITALS = set("BCDĐGHKLMNPQRSTVX")
_CLUSTERS = {"ng", "nh", "th", "tr", "ch", "kh", "ph", "gh", "gi", "qu"}
"""Capital consonants: alone they are no Vietnamese word, so a lone one may be a word's cut-off head."""
GLUED_PAIR_COUNT = 20
"""A glued word is split only into syllables the corpus wrote side by side at least this often:
names and loanwords ('Tucumán', 'boléro') cut into rare syllable pairs. Checked on train-split
corpus text (splits per line) and on the set-3 pages, not chosen on either."""
LM_UNSURE = 0.85
LM_WEIGHT = 2.0
LM_PASSES = 2
LM_CANDIDATES = 10
"""The toned trigram model re-weighs words whose decision-list probability is below LM_UNSURE,
over their LM_CANDIDATES most frequent forms, its log probability counted LM_WEIGHT times.
Measured on held-out news outside the benchmark (100k words): 97.20% of words without it;
thresholds 0.8/0.85/0.9, weights 1–3, 6 or 10 candidates, one or two passes gave 97.33–97.57%,
this setting the best but one of them (weight 2.5: 97.57%)."""
LM_POSTERIOR_WEIGHT = 0.5
"""A re-weighed word's probability is its choice's share of the posterior with the trigram model
counted this many times (the choice itself counts it LM_WEIGHT times): the sharper posterior
promises more than it keeps. Held-out news outside the benchmark, words by stated probability
(stated → right): with 2, 0.60 → 0.44 and 0.75 → 0.55; with 0.5, 0.87 → 0.87, 0.93 → 0.94,
0.98 → 0.98 and below 0.8 it promises less than it keeps."""
_ACRONYM_TOKEN = re.compile(r"[A-ZĐ]{2,8}")
_LETTER_SIGNS = frozenset("€&")
"""Signs English-model OCR writes for a letter, read into words by the tokenizer ('1€' is 'lệ')."""
_MARK_SIGNS = frozenset("034678@€&")
"""What English-model OCR writes for a marked vowel besides a marked letter ('t6' tổ, 'c4' cá)."""
DOC_SURE = 0.95
DOC_MIN = 2
DOC_AGREE = 0.9
DOC_LOG_BONUS = math.log(4.0)
"""Document context (`_document_choices`): a key's reading the context chose with at least
DOC_SURE probability in DOC_MIN places of the document (DOC_AGREE of its sure places) is four
times likelier a priori where the context is unsure, and a choice of another reading below
DOC_SURE is weighed again. The constants were set before measuring, not tuned; re-weighing the
choices below DOC_SURE was added after the first measurement (held-out set 1: news 97.33% →
97.37% of syllables, legal 99.49% → 99.50%; the bonus alone had changed next to nothing)."""
STRIP_PRIOR = 4.0
STRIP_PRIOR_MARKED = 12.0
"""Pseudo-counts of ordinarily marked words behind the strip-rate estimate (`profile`): 4 for a
text without a mark (a de-accented line of four words is de-accented), 12 once the text shows a
mark and is not English-model garble (the author's own unmarked words in a short line, a name,
prove nothing; 'ké' in garble is no sign of a clean text)."""
ENG_MARK_LOSS = 0.67
"""Share of marked syllables English-model OCR writes without any mark (train-split eng pages:
9,305 of 13,918; see `decide`)."""
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

    def __init__(self, model: RestorerModel, acronyms: dict[str, str] | None = None):
        self.model = model
        self.acronyms = acronyms or {}
        """key → form of the acronyms clean text writes with 'Đ' (`acronyms.read_table`)."""
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
        self._syllable_targets: dict[int, bool] = {}
        self._cand_cache: dict[tuple[str, float], list[tuple[int, float]]] = {}
        self.channel = Channel.from_json(model.channel)
        self.marks = MarkChannel.from_json(model.channel.get("marks"))
        self._mark_logp: dict[tuple[str, int], float] = {}
        self._target_marked: np.ndarray | None = None
        self._n_keys = n_keys
        self._key_counts = model.key_lm.unigram_counts

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

    def _target_is_syllable(self, target: int) -> bool:
        flag = self._syllable_targets.get(target)
        if flag is None:
            flag = self._syllable_targets[target] = is_syllable(self._targets[target])
        return flag

    def candidate_shares(self, key_id: int) -> dict[int, float]:
        """P(toned form | key) from corpus counts."""
        shares = self._cand_share.get(key_id)
        if shares is None:
            cands = self.model.candidates(key_id)
            total = sum(c for _, c in cands) or 1
            shares = self._cand_share[key_id] = {t: c / total for t, c in cands}
        return shares

    def decide(self, key_ids: np.ndarray, capitals: np.ndarray | None = None,
               shows_mark: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Best target id and its probability for every position of `key_ids` (-1 where no choice).

        First pass: the key windows, rank by rank (the cased ones where `capitals` tells which
        words were written with a capital). Second pass: the toned windows, which read the
        neighbours by the forms the first pass gave them. `shows_mark`: words whose garbled
        spelling shows a mark, which rules out their unmarked forms: English-model OCR never
        invents a mark (on the train-split eng pages, 0 of 2,148 unmarked syllables came out
        showing one, 4,613 of 13,918 marked ones did), so 'ché' is 'chở' or 'chế', not 'cho'.
        """
        key_ids = np.asarray(key_ids, dtype=np.int32)
        target = self._best[key_ids].copy()
        prob = self._best_prob[key_ids].copy()
        ambiguous = self._n_cands[key_ids] >= 2
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
                    toned = toned_stream(key_ids, target, self._n_keys)
                    padded_toned = np.concatenate([np.zeros(PAD, np.int64), toned, np.zeros(PAD, np.int64)])
                toned_rank, cased_rank = level.toned, level.cased
                context = padded_toned if level.toned else None
                stream = padded_cased if level.cased else padded
                hashes = window_hashes(stream, level.offsets, level_no, context)[where] >> shift
                idx = np.searchsorted(level.hashes, hashes).clip(max=len(level.hashes) - 1)
                level_prob = np.where(level.hashes[idx] == hashes, level.probs[idx] / 255.0, 0.0)
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
        for rank_target, rank_prob in votes:
            agree = rank_target == chosen
            sure[agree] = np.maximum(sure[agree], rank_prob[agree])
        prob[where] = sure
        if self.model.toned_lm is not None:
            cased_choice = np.zeros(len(key_ids), dtype=bool)
            cased_choice[where[by_cased]] = True
            self._rescore_unsure(key_ids, target, prob, keep=cased_choice, shows_mark=shows_mark,
                                 document=self._document_choices(key_ids, target, prob))
        return target, prob

    def _document_choices(self, key_ids: np.ndarray, target: np.ndarray, prob: np.ndarray) -> np.ndarray | None:
        """Per position: the toned form this document gives the word's key where the context is
        sure of it (-1 where it has none). A document says what it is about: where 'bang' is
        'bảng' in 'bảng số liệu' and 'bảng tổng hợp', an unsure 'bang' is likelier 'bảng' too,
        whatever the corpus' commonest reading ('bằng'). Kept only where the sure choices of
        the key agree (DOC_AGREE) and there are at least DOC_MIN of them."""
        sure = np.flatnonzero((prob >= DOC_SURE) & (target >= 0) & (self._n_cands[key_ids] >= 2))
        if len(sure) < DOC_MIN:
            return None
        by_key: dict[int, Counter] = {}
        for k, t in zip(key_ids[sure].tolist(), target[sure].tolist()):
            by_key.setdefault(k, Counter())[t] += 1
        choice = {}
        for k, counts in by_key.items():
            t, n = counts.most_common(1)[0]
            if n >= DOC_MIN and n >= DOC_AGREE * sum(counts.values()):
                choice[k] = t
        if not choice:
            return None
        return np.array([choice.get(k, -1) for k in key_ids.tolist()], dtype=np.int64)

    def _rescore_unsure(self, key_ids: np.ndarray, target: np.ndarray, prob: np.ndarray,
                        keep: np.ndarray | None = None, shows_mark: np.ndarray | None = None,
                        document: np.ndarray | None = None) -> None:
        """Re-weigh, in place, the words the decision lists are unsure of with the toned trigram
        model: a choice scores its log prior + LM_WEIGHT · log P(its trigrams).

        The prior is the decision lists' own: `prob` for their choice, the rest of the mass
        shared by corpus frequency; the words they are sure of stay as chosen, and so do those
        marked in `keep` (the choices of the cased windows: the trigram model cannot tell a name
        from a word, 'Hồ Văn' from 'họ vẫn'). Unsure words
        within two places of each other read each other through the trigrams, so they are
        chosen together, by Viterbi search over their candidates (choosing them one at a time
        lets neighbours flip against each other: 'vạn dân' → 'vẫn dẫn'). A word's probability
        is then its choice's share among its candidates, the neighbours as chosen.
        """
        lm = self.model.toned_lm
        unsure = (self._n_cands[key_ids] >= 2) & (target >= 0) & (prob < LM_UNSURE)
        if keep is not None:
            unsure &= ~keep
        if shows_mark is not None:
            unsure |= shows_mark & (target >= 0) & ~self._marked_targets()[np.maximum(target, 0)]
        if document is not None:  # a choice the document reads otherwise where it is sure
            unsure |= (document >= 0) & (document != target) & (target >= 0) & (prob < DOC_SURE)
        unsure = np.flatnonzero(unsure)
        if not len(unsure):
            return
        n_targets = len(self._targets)
        cands, prior = self._candidate_matrix(key_ids[unsure], target[unsure], prob[unsure])
        if document is not None:  # the document's own sure reading of the key weighs in
            prior = prior + np.where(cands == document[unsure][:, None], DOC_LOG_BONUS, 0.0)
        valid = cands >= 0
        if shows_mark is not None:
            marked = valid & self._marked_targets()[np.maximum(cands, 0)]
            # unmarked forms are out where the spelling shows a mark and a marked form is in
            ruled_out = valid & ~marked & (shows_mark[unsure] & marked.any(axis=1))[:, None]
            prior = np.where(ruled_out, -np.inf, prior)
        boundary = np.full(2, n_targets + BOUNDARY_ID, np.int64)
        padded = np.concatenate([boundary, np.where(target >= 0, target.astype(np.int64),
                                                    n_targets + key_ids.astype(np.int64)), boundary])
        chain_start = np.r_[True, np.diff(unsure) > 2]
        chain_id = np.cumsum(chain_start) - 1
        chain_size = np.bincount(chain_id)
        for first in np.flatnonzero(chain_start & (chain_size[chain_id] > 1)):
            rows = np.arange(first, first + chain_size[chain_id[first]])
            self._viterbi_chain(lm, padded, unsure[rows] + 2, cands[rows], prior[rows])
        # every word's share given its neighbours as chosen (for a lone word, also its choice)
        at = unsure + 2
        a2, a1, b1, b2 = (padded[at + d][:, None] for d in (-2, -1, 1, 2))
        c = np.where(valid, cands, 0)
        fit = lm.logp3(a2, a1, c) + lm.logp3(a1, c, b1) + lm.logp3(c, b1, b2)
        total = np.where(valid, prior + LM_WEIGHT * fit, -np.inf)
        lone = (chain_size[chain_id] == 1)
        pick = np.where(lone, total.argmax(axis=1), (cands == padded[at][:, None]).argmax(axis=1))
        rows = np.arange(len(unsure))
        target[unsure] = cands[rows, pick]
        posterior = np.where(valid, prior + LM_POSTERIOR_WEIGHT * fit, -np.inf)
        prob[unsure] = 1.0 / np.exp(posterior - posterior[rows, pick][:, None]).sum(axis=1)

    def _marked_targets(self) -> np.ndarray:
        """Per target id: whether the toned form carries a mark (computed once)."""
        if self._target_marked is None:
            self._target_marked = np.array([has_marks(t) for t in self._targets], dtype=bool)
        return self._target_marked

    @staticmethod
    def _viterbi_chain(lm, padded: np.ndarray, at: np.ndarray, cands: np.ndarray, prior: np.ndarray) -> None:
        """Best joint choice for unsure words at padded positions `at` (each within two places of
        the next), written into `padded`; the words between and around them stay as they are."""
        positions = np.arange(at[0], at[-1] + 3)  # through the two words after the last unsure one
        options, scores = [], []
        row_of = {int(p): n for n, p in enumerate(at)}
        for p in positions:
            n = row_of.get(int(p))
            if n is None:
                options.append(padded[p:p + 1])
                scores.append(np.zeros(1))
            else:
                keep = cands[n] >= 0
                options.append(cands[n][keep])
                scores.append(prior[n][keep])
        # delta[i, j]: best score so far with the word before last = prev_opts[i] and the last
        # = cur_opts[j]; it starts from the two fixed words before the chain
        prev_opts, cur_opts = padded[at[0] - 2:at[0] - 1], padded[at[0] - 1:at[0]]
        delta = np.zeros((1, 1))
        back = []
        for opts, score in zip(options, scores):
            step = LM_WEIGHT * lm.logp3(prev_opts[:, None, None], cur_opts[None, :, None], opts[None, None, :])
            total = delta[:, :, None] + step + score[None, None, :]
            back.append(total.argmax(axis=0))      # best previous-previous for each (previous, this)
            delta = total.max(axis=0)
            prev_opts, cur_opts = cur_opts, opts
        # trace back from the best last pair; back[t][j, k] is the choice two before (j, k)
        last = len(options) - 1
        chosen = [0] * len(options)
        chosen[last - 1], chosen[last] = np.unravel_index(int(delta.argmax()), delta.shape)
        for t in range(last, 1, -1):
            chosen[t - 2] = int(back[t][chosen[t - 1], chosen[t]])
        for p, opts, index in zip(positions, options, chosen):
            padded[p] = opts[index]

    def _candidate_matrix(self, key_ids: np.ndarray, chosen: np.ndarray, chosen_prob: np.ndarray):
        """Per word: its key's LM_CANDIDATES most frequent toned forms (the chosen one always
        among them; -1 pads) and their log prior."""
        offsets = self.model.cand_offsets
        start = offsets[key_ids][:, None]
        count = np.minimum(self._n_cands[key_ids], LM_CANDIDATES)[:, None]
        column = np.arange(LM_CANDIDATES)[None, :]
        index = np.minimum(start + column, len(self.model.cand_targets) - 1)
        valid = column < count
        cands = np.where(valid, self.model.cand_targets[index], -1).astype(np.int64)
        counts = np.where(valid, self.model.cand_counts[index], 0).astype(np.float64)
        is_chosen = cands == chosen[:, None]
        missing = ~is_chosen.any(axis=1)  # a rare form the context chose: it takes the last column
        cands[missing, LM_CANDIDATES - 1] = chosen[missing]
        counts[missing, LM_CANDIDATES - 1] = 0.0
        is_chosen = cands == chosen[:, None]
        valid = cands >= 0
        others = np.where(is_chosen, 0.0, counts)
        share = others / np.maximum(others.sum(axis=1, keepdims=True), 1.0)
        rest = (1.0 - chosen_prob)[:, None]
        with np.errstate(divide="ignore"):
            prior = np.where(is_chosen, np.log(np.maximum(chosen_prob, 1e-6))[:, None], np.log(np.maximum(rest * share, 1e-6)))
        return cands, np.where(valid, prior, -np.inf)

    # -- the Fixer interface --------------------------------------------------
    def profile(self, tokens: list[Token]) -> TextProfile:
        """Estimate, from the text itself, how it was damaged (see `TextProfile`)."""
        counts = Counter(t.text for t in tokens if t.text)
        n_words = n_ambiguous = n_marked = n_suspicious = n_bad_marks = 0
        for word, n in counts.items():
            if not any(ch.isalpha() for ch in word):
                continue
            n_words += n
            if self._suspicious(word):
                n_suspicious += n
            if word.isalpha() and self._n_cands[self._ids(word)[0]] >= 2:
                n_ambiguous += n
                if has_marks(word):
                    n_marked += n
                    if not is_syllable(word):
                        n_bad_marks += n
        # A text that shows right marks is clean until enough unmarked words say otherwise: in a
        # short line ('Lê Trung Chinh') two unmarked words prove no lost marks
        garble = min(1.0, max(0.0, (n_suspicious / (n_words + STRIP_PRIOR) - 0.08) / 0.12))
        prior = STRIP_PRIOR_MARKED if n_marked and garble <= LONE_GARBLE else STRIP_PRIOR
        share = (n_marked + prior * MARKED_SHARE) / (n_ambiguous + prior)
        strip_rate = min(1.0, max(1e-3, 1.0 - share / MARKED_SHARE))
        mark_noise = n_bad_marks / (n_marked + 20.0)
        return TextProfile(strip_rate=float(strip_rate), garble=float(garble), mark_noise=float(mark_noise))

    def _suspicious(self, word: str) -> bool:
        """A token that cannot be Vietnamese as written: 't6', 'chirc', 'véi' (not 'COVID', 'b', 'Facebook')."""
        flag = self._suspicion.get(word)
        if flag is None:
            flag = self._looks_garbled(word)
            self._suspicion[word] = flag
        return flag

    def _looks_garbled(self, word: str) -> bool:
        letters = sum(ch.isalpha() or ch in _LETTER_SIGNS for ch in word)
        if letters == 0 or len(word) < 2 or (word.isupper() and letters > 1):
            return False
        if not word.isalpha():
            # letters mixed with the digits/symbols English-model OCR puts for vowels: 't6', '1anh'
            mapped = strip_marks(word.lower().translate(OCR_LETTERS))
            return mapped.isalpha() and is_valid_key(mapped)
        kid, tid = self._ids(word)
        if has_marks(word):
            if is_syllable(word):
                return tid < 0  # a form no text ever had: 'quéc'
            # impossible marks on a Vietnamese shape ('véi', 'quyét', 'quôc') are garble; a
            # loanword the corpus knows ('êkip', 'ôliu') is not
            return tid < 0 or is_valid_key(strip_marks(word.lower()))
        if is_valid_key(strip_marks(word.lower())):
            return kid == UNKNOWN_ID or self._key_counts[kid] < FOREIGN_WORD_COUNT
        return kid == UNKNOWN_ID or self._key_counts[kid] < FOREIGN_WORD_COUNT

    def find_edits(self, text: str) -> list[Edit]:
        """Edits restoring `text`: one word each, with the decoder's confidence.

        Word boundaries OCR got wrong are mended first, so that the neighbours are restored in
        the right context: a capital OCR cut off its word is joined back ('N gudi' → 'Ngudi',
        then 'Người'), and words OCR glued together are split ('antoàncho' → 'an toàn cho').
        An edit inside a mended word is folded into the mending edit. Glued words are split
        only in text that shows other OCR damage (specks, slips): in clean text a glued word
        is the author's own ('lỗgần') and not ours to change; and never in English-model
        garble, where a marked non-syllable is one garbled word ('véan hod' is 'văn hóa').
        """
        tokens = tokenize_text(text)
        splits = self._letter_join_edits(tokens)
        glued = self._glued_word_edits(tokens)
        if glued and self._shows_ocr_damage(text) and self.profile(tokens).garble == 0:
            splits = without_overlaps(sorted(splits + glued, key=lambda e: e.start))
        if not splits:
            return self._restore_edits(text)
        split_text = apply_edits(text, splits)
        regions, shift = [], 0  # (start in split_text, end there, the split edit)
        for edit in splits:
            start = edit.start + shift
            regions.append((start, start + len(edit.after), edit))
            shift += len(edit.after) - (edit.end - edit.start)
        inside: dict[int, list[Edit]] = {}
        edits = []
        for edit in self._restore_edits(split_text):
            region = next((n for n, (a, b, _) in enumerate(regions) if a <= edit.start and edit.end <= b), None)
            if region is not None:
                inside.setdefault(region, []).append(edit)
                continue
            if any(a < edit.end and edit.start < b for a, b, _ in regions):
                continue  # a change reaching across a split word: keep the split alone
            offset = sum(len(e.after) - (e.end - e.start) for a, _, e in regions if a < edit.start)
            edits.append(Edit(edit.start - offset, edit.end - offset, edit.before, edit.after, edit.fixer,
                              edit.confidence))
        for n, (a, _, split) in enumerate(regions):
            after = split.after
            for inner in sorted(inside.get(n, []), key=lambda e: -e.start):
                after = after[:inner.start - a] + inner.after + after[inner.end - a:]
            edits.append(Edit(split.start, split.end, split.before, after, split.fixer, split.confidence))
        edits.sort(key=lambda e: e.start)
        return edits

    def _restore_edits(self, text: str) -> list[Edit]:
        """`find_edits` on text whose words are already split."""
        tokens = tokenize_text(text)
        ids = self._ids
        key_ids = [ids(t.text)[0] if t.text else BOUNDARY_ID for t in tokens]
        profile = self.profile(tokens)
        own_keys = np.array(key_ids, dtype=np.int32)
        garbled = profile.garble > 0 and bool(self.channel.tokens)
        if garbled:
            keys, key_conf = self._decode_keys(text, tokens, own_keys, profile)
        else:
            keys, key_conf = self._fix_lone_garble(tokens, own_keys)
        shows_mark = np.array([_shows_mark(t.text) for t in tokens], dtype=bool) if garbled else None
        best, prob = self.decide(keys, np.array([capitalised(t.text) for t in tokens], dtype=bool), shows_mark)
        edits = []
        changed_key = np.flatnonzero(keys != own_keys).tolist() if key_conf is not None else []
        for i in changed_key:
            token, target = tokens[i], int(best[i])
            if target < 0:
                continue  # kept as written ('<unk>') or a key with no known toned form
            after = apply_case(_ocr_case_pattern(token.text, tokens[i - 1].text), self._targets[target])
            if after != token.text:
                confidence = key_conf[i] * (prob[i] if target >= 0 else 1.0)
                edits.append(Edit(token.start, token.end, token.text, after, self.name, round(float(confidence), 4)))
        skip = set(changed_key)
        decided: dict[tuple[str, int, float], tuple[str, float] | None] = {}
        for i in np.flatnonzero(best >= 0).tolist():
            token = tokens[i]
            if i in skip or not token.text.isalpha():
                continue
            memo = (token.text, int(best[i]), float(prob[i]))
            change = decided.get(memo, False)
            if change is False:
                change = decided[memo] = self._change_for(token.text, key_ids[i], memo[1], memo[2], profile)
            if change is not None:
                edits.append(Edit(token.start, token.end, token.text, change[0], self.name, change[1]))
        if profile.strip_rate >= 0.5 or garbled or (text.isascii() and len(tokens) > 4):
            # marks lost ('So GDDT va' has too few words to tell by the strip rate, but no
            # mark at all): an acronym lost its 'Đ' too
            edits = self._acronym_edits(tokens, best, edits)
        junk = junk_edits(text)
        slipped = slip_edits(text)
        damaged = damaged_lines(text, tokens, self._suspicious, slipped)
        speckled = is_speckled(text, junk) and bool(damaged)
        if speckled and not garbled and profile.strip_rate < 0.5:
            taken = {e.start for e in edits}
            edits += [e for e in self._mark_slip_edits(tokens, best) if e.start not in taken]
        punctuation = junk + self._stray_edits(text, speckled=speckled)
        if not speckled:
            # the author's typography ('trong Trường .', 'tối thiểu: ___') stays where nothing
            # around it shows OCR damage; a few words the model does not know ('https', 'hust')
            # make a text look garbled but prove nothing
            punctuation = on_damaged_lines(text, punctuation, damaged)
        slips = punctuation + slipped
        slips = without_overlaps(sorted(slips, key=lambda e: e.start))
        if slips:
            taken = [(e.start, e.end) for e in slips]
            edits = [e for e in edits if not any(a < e.end and e.start < b for a, b in taken)] + slips
        edits.sort(key=lambda e: e.start)
        return edits

    def _acronym_edits(self, tokens: list[Token], best: np.ndarray, edits: list[Edit]) -> list[Edit]:
        """`edits` with every acronym that lost its 'Đ' ('GDDT') written as the document spells
        it out ('giáo dục và đào tạo (GDĐT)'), else as the acronym table has it."""
        settled: dict[str, str] = {}
        for j in range(1, len(tokens) - 2):
            if tokens[j].text != "(" or tokens[j + 2].text != ")" or not _ACRONYM_TOKEN.fullmatch(tokens[j + 1].text):
                continue
            words, k = [], j - 1
            while k >= 0 and tokens[k].text.isalpha() and len(words) < len(tokens[j + 1].text):
                words.insert(0, self._targets[int(best[k])] if best[k] >= 0 else tokens[k].text)
                k -= 1
            form = spelled_out(words, tokens[j + 1].text)
            if form and "Đ" in form:
                settled[acronym_key(form)] = form
        if not settled and not self.acronyms:
            return edits
        found = []
        for token in tokens:
            word = token.text
            if "D" not in word or not _ACRONYM_TOKEN.fullmatch(word):
                continue
            key = acronym_key(word)
            form, confidence = (settled[key], 0.95) if key in settled else (self.acronyms.get(key), 0.9)
            if form and form != word:
                found.append(Edit(token.start, token.end, word, form, "restore.acronym", confidence))
        if not found:
            return edits
        taken = {e.start for e in found}
        return [e for e in edits if e.start not in taken] + found

    def _mark_slip_edits(self, tokens: list[Token], context_choice: np.ndarray | None = None) -> list[Edit]:
        """Edits mending marks a Vietnamese-model OCR swapped for others that also spell a word
        ('chỉ tiết' → 'chi tiết', 'Thành phó' → 'Thành phố'): each lower-case syllable becomes
        the form of its key that best explains it, the toned trigram model judging the fit with
        its neighbours as written and the mark channel (`marks`) how often the engine writes
        this for that. A change must also be the choice of the decision lists
        (`context_choice`, when given).

        Only for text read from a noisy scan (the caller's gate): on clean held-out news outside
        the benchmark, 34 of 60,736 words would change (rare but real uses: 'mà' → 'má'), too
        many for text nobody garbled. Capitalised words are left alone: the trigram model is
        case-blind, and with them 13 names more changed there ('Thành' → 'Thanh').
        """
        lm, marks = self.model.toned_lm, self.marks
        if lm is None or not marks:
            return []
        n_targets = len(self._targets)
        ids = [self._ids(t.text) if t.text else (BOUNDARY_ID, -1) for t in tokens]
        stream = np.array([tid if tid >= 0 else n_targets + kid for kid, tid in ids], dtype=np.int64)
        at = [i for i, t in enumerate(tokens)
              if t.text.isalpha() and t.text.islower() and ids[i][1] >= 0 and self._n_cands[ids[i][0]] >= 2
              and is_syllable(t.text)]
        if not at:
            return []
        at = np.array(at)
        key_ids = np.array([ids[i][0] for i in at], dtype=np.int32)
        own = stream[at]
        cands, _ = self._candidate_matrix(key_ids, own, np.ones(len(at)))
        valid = cands >= 0
        channel = np.full(cands.shape, -np.inf)
        for row, col in zip(*np.nonzero(valid)):
            channel[row, col] = self._mark_log_prob(tokens[at[row]].text, int(cands[row, col]))
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
            after = apply_case(token.text, self._targets[int(cands[row, pick[row]])])
            if after != token.text:
                edits.append(Edit(token.start, token.end, token.text, after, "restore.ocr-marks",
                                  round(float(share[row]), 4)))
        return edits

    def _mark_log_prob(self, written: str, target: int) -> float:
        """log P(`written` | the toned form `target`) under the mark channel (cached)."""
        found = self._mark_logp.get((written, target))
        if found is None:
            found = self._mark_logp[(written, target)] = self.marks.log_prob(written, self._targets[target])
        return found

    def _letter_join_edits(self, tokens: list[Token]) -> list[Edit]:
        """Join a capital consonant standing alone to the word after it ('N gudi', 'N ga' → 'Nga')
        where the key bigram model finds the joined word likelier than the two pieces.

        No Vietnamese word is a lone consonant. The join must make the letter the head of a
        consonant cluster ('N g', 'T h') or of a word the rest alone is not ('V iệt'): a label
        before a word ('phương án B gồm', 'điểm C trước') stays.
        """
        edits = []
        for i in range(1, len(tokens) - 2):
            letter, rest = tokens[i], tokens[i + 1]
            if len(letter.text) != 1 or letter.text not in _LONE_CAPITALS or rest.start != letter.end + 1:
                continue
            if not rest.text[:1].isalpha() or not rest.text[:1].islower() or not rest.text.isalnum():
                continue
            before = tokens[i - 1]
            if before.text and before.end == letter.start and before.text not in "'\"“‘([":
                continue  # the tail of an abbreviation or code ('H.O.T huyền thoại', 'GD-ĐT ra')
            head = strip_marks(letter.text.lower())
            first = strip_marks(rest.text[0])
            rest_kid = int(self._ids(rest.text)[0])
            if not (head + first in _CLUSTERS or (first in "aeiouy" and (
                    rest_kid == UNKNOWN_ID or self._key_counts[rest_kid] < FOREIGN_WORD_COUNT))):
                continue  # 'B có', 'C trước': a label before a word, not a word cut in two
            joined = letter.text + rest.text
            key = self._best_known_key(joined)
            if key is None or not self.model.keys[key[0]].startswith(head):
                continue
            left = int(self._ids(tokens[i - 1].text)[0]) if tokens[i - 1].text else BOUNDARY_ID
            right = int(self._ids(tokens[i + 2].text)[0]) if tokens[i + 2].text else BOUNDARY_ID
            kid, channel = key
            together = channel + self._bigram_logp(left, kid) + self._bigram_logp(kid, right)
            a, b = int(self._ids(letter.text)[0]), int(self._ids(rest.text)[0])
            apart = self._bigram_logp(left, a) + self._bigram_logp(a, b) + self._bigram_logp(b, right)
            if together > apart:
                edits.append(Edit(letter.start, rest.end, f"{letter.text} {rest.text}", joined,
                                  "restore.ocr-join", round(1.0 / (1.0 + math.exp(apart - together)), 4)))
        return edits

    def _best_known_key(self, token: str) -> tuple[int, float] | None:
        """(key id, log P(token | key)) of the likeliest common Vietnamese key a token may stand for."""
        profile = TextProfile(strip_rate=0.0, garble=1.0 if self._suspicious(token) else 0.0)
        for kid, channel in self._key_candidates(token, profile):
            if kid > NUMBER_ID and is_valid_key(self.model.keys[kid]) \
                    and self._key_counts[kid] >= FOREIGN_WORD_COUNT:
                return kid, channel
        return None

    def _shows_ocr_damage(self, text: str) -> bool:
        """Whether the text carries OCR specks or slips that prove it was read from a scan:
        punctuation alone proves nothing, it may be the author's ('trong Trường .')."""
        damaged = damaged_lines(text, tokenize_text(text), self._suspicious)
        return bool(slip_edits(text) or on_damaged_lines(text, junk_edits(text) + self._stray_edits(text), damaged))

    def _stray_edits(self, text: str, *, speckled: bool = False) -> list[Edit]:
        """`stray_punctuation_edits` of `text`, weighed with the key bigram model."""
        return stray_punctuation_edits(text, lambda word: self._ids(word)[0], self._bigram_logp, speckled=speckled)

    def _glued_word_edits(self, tokens: list[Token]) -> list[Edit]:
        """Split words OCR glued together ('antoàncho' → 'an toàn cho', 'trongnước' → 'trong nước').

        Only a marked word that is no syllable and no word the corpus knows is split, into two
        or three syllables the corpus has with exactly the marks written and has seen side by
        side, choosing the split the key bigram model likes best. Unmarked runs ('Samsung', 'Facebook') are left alone: their
        letters alone cannot tell a foreign word from glued syllables.
        """
        edits = []
        for i, token in enumerate(tokens):
            word = token.text
            if len(word) < 4 or not word.isalpha() or not has_marks(word) or not word[1:].islower():
                continue
            if is_syllable(word) or self._ids(word)[1] >= 0 or is_valid_key(strip_marks(word.lower())):
                continue  # a syllable, a known word, or one syllable with wrong marks ('chiém')
            left = int(self._ids(tokens[i - 1].text)[0]) if tokens[i - 1].text else BOUNDARY_ID
            right = int(self._ids(tokens[i + 1].text)[0]) if tokens[i + 1].text else BOUNDARY_ID
            best, best_score = None, -math.inf
            for parts in _splits(word, max_parts=3):
                ids = [self._ids(part) for part in parts]
                if any(tid < 0 or not is_syllable(part) for part, (_, tid) in zip(parts, ids)):
                    continue
                inner = [kid for kid, _ in ids]
                if not all(self._bigram_count(a, b) >= GLUED_PAIR_COUNT for a, b in zip(inner, inner[1:])):
                    continue  # pieces the corpus never wrote side by side: a name ('Tucumán', 'Kuăng')
                chain = [left] + inner + [right]
                score = sum(self._bigram_logp(a, b) for a, b in zip(chain, chain[1:]))
                if score > best_score:
                    best, best_score = parts, score
            if best is not None:
                edits.append(Edit(token.start, token.end, word, " ".join(best), "restore.ocr-split", 0.8))
        return edits

    # -- OCR garble: choose the key of every word with a key bigram model ----------
    def _key_candidates(self, token: str, profile: TextProfile) -> list[tuple[int, float]]:
        """(key id, log P(token | key)) for the keys a written token may stand for."""
        cache_key = (token, round(profile.garble, 2))
        found = self._cand_cache.get(cache_key)
        if found is not None:
            return found
        lower = token.lower()
        if token.isdigit():
            own, suspicious = NUMBER_ID, False
        else:
            own = self._ids(token)[0] if token.isalpha() else UNKNOWN_ID
            suspicious = self._suspicious(token)
        garble = profile.garble
        # Keeping the token as written is always a candidate: foreign words and names exist.
        seen = self.channel.tokens.get(lower, {})
        own_key = self.model.keys[own] if own != UNKNOWN_ID else None
        if own_key in seen:  # the pages saw this token read for its own key: use that rate
            keep = (1.0 - garble) + garble * seen[own_key]
        else:
            keep = (1.0 - UNK_KEEP * garble) if suspicious else 1.0 - garble * self.channel.garble_rate
        if own == UNKNOWN_ID and garble > LONE_GARBLE:
            keep *= UNK_EMISSION
        scores: dict[int, float] = {own: keep}
        for key, p in seen.items():
            kid = self._key_ids.get(key)
            if kid is not None and kid != own:
                scores[kid] = max(scores.get(kid, 0.0), p * garble)
        # a token the pages saw often but never for some key is unlikely to stand for it
        unseen_factor = 0.1 if sum(seen.values()) > 0 else 1.0
        if token[:1] in CAPITAL_PRIORS:
            rest = strip_marks(lower[1:])
            for first, p in CAPITAL_PRIORS[token[:1]].items():
                kid = self._key_ids.get(first + rest)
                if kid is not None:
                    scores[kid] = max(scores.get(kid, 0.0), p * garble)
        # capitals ('XIII', 'UBND', headings) keep their letters: only 'P'/'B' for 'Đ' may change
        letters_only_rewrite_ok = (garble > LONE_GARBLE and not (token.isupper() and len(token) > 1)) \
            or not token.isalpha()
        if letters_only_rewrite_ok and (suspicious or garble > 0.5):
            # English-model OCR writes some mark ('é', 'ó') for any marked vowel: the letter
            # under it is as doubtful as the mark.
            for key, p in self.channel.rewrite_keys(token).items():
                kid = self._key_ids.get(key)
                if kid is not None and is_valid_key(key):
                    scores[kid] = max(scores.get(kid, 0.0), unseen_factor * p * garble)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:8]
        found = [(k, math.log(max(p, 1e-12))) for k, p in ranked] or [(UNKNOWN_ID, 0.0)]
        self._cand_cache[cache_key] = found
        return found

    def _fix_lone_garble(self, tokens: list[Token], own_keys: np.ndarray):
        """In text that is not garbled overall, weigh each garbled-looking word on its own
        ('Pang' among clean words) against its two neighbours; everything else stays."""
        keys, confidence = own_keys, None
        profile = TextProfile(strip_rate=0.0, garble=LONE_GARBLE)
        for i, token in enumerate(tokens):
            if not token.text or not self._suspicious(token.text):
                continue
            cands = self._key_candidates(token.text, profile)
            if len(cands) < 2:
                continue
            left, right = int(own_keys[i - 1]), int(own_keys[i + 1])
            local = [c + self._bigram_logp(left, k) + self._bigram_logp(k, right) for k, c in cands]
            top = max(local)
            weights = [math.exp(v - top) for v in local]
            choice = local.index(top)
            if cands[choice][0] == own_keys[i]:
                continue
            if confidence is None:
                keys, confidence = own_keys.copy(), np.ones(len(own_keys))
            keys[i] = cands[choice][0]
            confidence[i] = weights[choice] / sum(weights)
        return keys, confidence

    def _bigram_count(self, first: int, second: int) -> int:
        return self.model.key_lm.count2(first, second)

    def _trigram_logp(self, first: int, second: int, third: int) -> float:
        return self.model.key_lm.logp3(first, second, third)

    def _trigram_rescore(self, lattice, path: list[int], passes: int = 2) -> list[int]:
        """Revisit each uncertain word with the trigram model, neighbours fixed (two sweeps)."""
        tri = functools.lru_cache(maxsize=None)(self._trigram_logp)
        path = list(path)
        n = len(lattice)

        def key(i: int) -> int:
            return lattice[i][path[i]][0] if 0 <= i < n else BOUNDARY_ID

        for _ in range(passes):
            changed = False
            for i, cands in enumerate(lattice):
                if len(cands) < 2:
                    continue
                a, b, c, d = key(i - 2), key(i - 1), key(i + 1), key(i + 2)
                scores = [ch + tri(a, b, k) + tri(b, k, c) + tri(k, c, d) for k, ch in cands]
                top = scores.index(max(scores))
                if top != path[i]:
                    path[i], changed = top, True
            if not changed:
                break
        return path

    def _bigram_logp(self, first: int, second: int) -> float:
        return self.model.key_lm.logp2(first, second)

    def _decode_keys(self, text: str, tokens: list[Token], own_keys: np.ndarray, profile: TextProfile):
        """Viterbi over candidate keys; returns the keys and a per-position confidence."""
        lattice = []
        for token, own in zip(tokens, own_keys.tolist()):
            if token.text and (any(ch.isalpha() or ch in _LETTER_SIGNS for ch in token.text)
                               or (token.text.isdigit() and len(token.text) <= 2 and _isolated(text, token))):
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
        if self.model.key_lm.has_trigrams:
            path = self._trigram_rescore(lattice, path)
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

    def _change_for(self, written: str, key_id: int, best: int, prob: float,
                    profile: TextProfile) -> tuple[str, float] | None:
        """(new form, confidence) for a word whose context prefers `best`, or None to keep it."""
        observed = self._ids(written)[1]
        if observed == best:
            return None
        if observed < 0 and canonical(written.lower()) == self._targets[best]:
            return None
        if not self._target_is_syllable(best) and (profile.strip_rate < 0.5 or has_marks(written)):
            return None  # never turn a word into a foreign one ('lỗgần' → 'logan'); 'ND' → 'NĐ' is fine
        marked = has_marks(written)
        if marked:
            valid = is_syllable(written)
            if not valid and not self._suspicious(written):
                return None  # 'đ', 'GĐ', a loanword: not a syllable to restore
        else:
            valid = observed >= 0
            if profile.strip_rate < 0.5 and not is_valid_key(strip_marks(written.lower())):
                return None  # 'x', 'GD', 'Facebook' in text that keeps its marks
        shares = self.candidate_shares(key_id)
        best_share = shares.get(best, 0.0)
        # Posterior over {the context's choice, what was written, anything else}. The mark
        # channel only opens when the text shows its marks are unreliable: marks lost
        # (strip_rate), English-model OCR (garble), impossible marks well above typo level.
        # In text that keeps its marks the unmarked words are mostly ones Vietnamese writes
        # unmarked ('thu', 'theo', 'quy'), so a strip rate below MARKS_LOST_FLOOR is no reason to
        # doubt a written mark ('Tài khoản' stays, though 'tại khoản' is likelier in law texts)
        marks_lost = max(0.0, profile.strip_rate - MARKS_LOST_FLOOR) / (1.0 - MARKS_LOST_FLOOR)
        # English-model OCR loses most marks even where it shows some ('phat trién bén'): a short
        # garbled line's strip rate says little, its garble says how far to doubt unmarked words
        if profile.garble > LONE_GARBLE:  # a few unknown words ('https') prove no OCR
            marks_lost = max(marks_lost, ENG_MARK_LOSS * profile.garble)
        mark_change = (0.3 * marks_lost + 0.5 * profile.garble
                       + 0.5 * max(0.0, profile.mark_noise - 0.05) + 1e-5)
        if observed >= 0 and valid:
            # Floors: a context seen n times never proves a form impossible, and a rare
            # form is still a real word (finite counts, quantised probabilities).
            share_of_rest = shares.get(observed, 0.0) / max(1e-9, 1.0 - best_share)
            p_written_ctx = max(1.0 - prob, 0.02) * max(share_of_rest, 0.1)
            change_channel = mark_change if marked else marks_lost
        elif valid:  # a well-formed marked word the corpus never had: rare, or an OCR slip
            p_written_ctx, change_channel = 0.01, mark_change
        else:  # impossible as written ('quôc', 'cac' without its tone)
            p_written_ctx, change_channel = 0.0, 1.0
        p_change = prob * change_channel
        p_other = max(0.0, 1.0 - prob - p_written_ctx) * change_channel
        if p_change <= p_written_ctx:
            return None
        confidence = p_change / (p_change + p_written_ctx + p_other)
        after = apply_case(written, self._targets[best])
        if after == written:
            return None
        return after, round(float(confidence), 4)


def _splits(word: str, max_parts: int):
    """Every way to cut `word` into 2..`max_parts` pieces of at least two letters ('toàncho' → 'toàn cho')."""
    for cut in range(2, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        yield [head, tail]
        if max_parts > 2:
            for rest in _splits(tail, max_parts - 1):
                if len(rest) == 2:  # exactly one more cut: at most `max_parts` pieces
                    yield [head] + rest


def _isolated(text: str, token: Token) -> bool:
    """A token standing alone between spaces (a lone '6' read for 'ở'), not part of '6/2' or '1.5'."""
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    return before.isspace() and (after.isspace() or after in ",;:")


def _shows_mark(token: str) -> bool:
    """Whether a garbled token shows some mark: a marked letter ('ché') or a digit or sign OCR
    writes for a marked vowel ('t6', 'c4'); '1' for 'l' is no mark."""
    return any(ch in _MARK_SIGNS or (ch.isalpha() and not ch.isascii()) for ch in token) \
        and any(ch.isalpha() for ch in token)


def _ocr_case_pattern(token: str, before: str) -> str:
    """The case a garbled token was written in: a capital 'I' English-model OCR read for an 'l'
    after a lower-case word is the 'l' of a lower-case word ('bao Idi' is 'bao lợi')."""
    if token[:1] == "I" and before[-1:].islower():
        return token.lower()
    return token
