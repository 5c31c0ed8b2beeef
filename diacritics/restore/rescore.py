"""The toned n-gram model's second opinion on the words the decision lists are unsure of."""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np

from sohoa.diacritics.restore.channel import Channel
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, CUT_ID
from sohoa.diacritics.restore.toned_lm import TonedLM
from sohoa.diacritics.restore.topics import DocumentTopics
from sohoa.diacritics.restore.vocabulary import Vocabulary


PADDING = 3
"""Boundary tokens at each end of the stream the n-gram model reads (its widest reach)."""
OTHER_KEY_FORMS = 3
"""The commonest forms of another key a garbled word may be read as that join its candidates."""


class ToneRescorer:
    """Re-weighs unsure choices with a `TonedLM` (see `rescore`)."""

    def __init__(self, lm: TonedLM, vocabulary: Vocabulary, settings: RestorerSettings,
                 name_readings: dict[int, Counter] | None = None, channel: Channel | None = None,
                 topics: DocumentTopics | None = None):
        self.lm, self.vocabulary, self.settings = lm, vocabulary, settings
        self.topics = topics
        """what a document's keys say of its ambiguous words (`topics`); None: no topic table"""
        self.channel = channel
        """the OCR channel, whose `forms` say which toned forms a garbled spelling stands for"""
        self._odds_cache: dict[tuple[str, tuple[int, ...]], list[float]] = {}
        self.name_readings = name_readings or {}
        """key id → how often the corpus toned it each way with a capital inside a sentence (`names`)."""
        self._name_form = np.full(len(vocabulary.n_cands), -1, dtype=np.int64)  # key id → its commonest name form, -1: none
        for key, counts in self.name_readings.items():
            self._name_form[key] = counts.most_common(1)[0][0]

    def rescore(self, key_ids: np.ndarray, target: np.ndarray, prob: np.ndarray,
                keep: np.ndarray | None = None, shows_mark: np.ndarray | None = None,
                readings: dict[int, Counter] | None = None, contested: np.ndarray | None = None,
                inside_capitals: np.ndarray | None = None, observed: Sequence[str] | None = None,
                other_keys: dict[int, list[tuple[int, float]]] | None = None,
                cut: tuple[bool, bool] = (False, False)) -> None:
        """Re-weigh, in place, the words the decision lists are unsure of with the toned n-gram
        model: a choice scores its log prior + `lm_weight` · log P(its n-grams), the four
        four-grams that hold it (a model without four-grams: its three trigrams). Three words of
        context on either side read what two cannot ('một hai ba để' against 'bốn hai ba dễ'):
        on the dev data of the restore bench, the four-grams gave held-out news outside the
        benchmark 97.61 → 97.66 % and the dev English-model pages 94.25 → 94.48 %.

        The prior is the decision lists' own: `prob` for their choice, the rest of the mass
        shared by corpus frequency; the words they are sure of stay as chosen unless
        `contested` (another of their windows read the word otherwise), and so do those
        marked in `keep` (the choices of the cased windows: the n-gram model cannot tell a name
        from a word, 'Hồ Văn' from 'họ vẫn'). Unsure words within the model's reach of each
        other (three places for four-grams) read each other through the n-grams, so they are
        chosen together, by Viterbi search over their candidates (choosing them one at a time
        lets neighbours flip against each other: 'vạn dân' → 'vẫn dẫn'). A word's probability is then its choice's share among its
        candidates, the neighbours as chosen. `shows_mark`: see `decisions`; `readings`: the
        document's sure readings of each key (`decisions.document_readings`); the document's
        topics (`topics`, where the rescorer has a table) weigh in on every re-weighed word's prior
        but in English-model garble. `inside_capitals`:
        words written with a capital inside a sentence; where the corpus tones such a capital
        otherwise than the choice ('Lam' → 'Lâm', not 'làm'), the word is re-weighed, and the
        readings of every such unsure word weigh in as names are toned (`names`). `observed`: per
        word, the lower-case spelling English-model OCR wrote; where the channel's `forms` make
        another form likelier to come out so than the choice ('thé' is 'thế' or 'thể', hardly
        'thứ'; 'nhé' 'nhớ' more than 'nhờ'), the word is re-weighed, and what the spelling says
        weighs in for every unsure word. `other_keys`: per position of garble, the other keys the
        key reading left some mass (`keys.KeyDecoder.other_keys`): the word is re-weighed with
        their commonest forms among its candidates, each form's prior its key's share times its
        share of the key, so that the toned context may choose another key ('chỉ số hài lòng').
        `cut`: whether the text was cut off at its start and its end: the n-grams there read
        `CUT_ID`, not a boundary.
        """
        lm, vocabulary, settings = self.lm, self.vocabulary, self.settings
        unsure = (vocabulary.n_cands[key_ids] >= 2) & (target >= 0) & (prob < settings.lm_unsure)
        if contested is not None:
            unsure |= contested & (vocabulary.n_cands[key_ids] >= 2) & (target >= 0)
        named = np.zeros(len(key_ids), dtype=bool)
        if inside_capitals is not None and self.name_readings:
            name_form = self._name_form[key_ids]
            named = inside_capitals & (name_form >= 0) & (target >= 0)
            unsure |= named & (name_form != target)
        seen_odds = self._observed_odds(key_ids, target, prob, observed)
        if seen_odds is not None:  # the spelling makes another form likelier than the choice
            cands_seen, odds_seen = seen_odds
            chosen_odds = np.where(cands_seen == target[:, None], odds_seen, -np.inf).max(axis=1)
            unsure |= (odds_seen.max(axis=1) > chosen_odds) & (target >= 0)
        if keep is not None:
            unsure &= ~keep
        other_keys = {at: [(k, w) for k, w in others if vocabulary.n_cands[k] >= 1]
                      for at, others in (other_keys or {}).items() if target[at] >= 0}
        other_keys = {at: others for at, others in other_keys.items() if others}
        unsure[list(other_keys)] = True
        if shows_mark is not None:
            unsure |= shows_mark & (target >= 0) & ~vocabulary.marked_targets()[np.maximum(target, 0)]
        if readings:  # a choice of a key the document reads otherwise where it is sure
            firm = {k: {t for t, n in counts.items() if n >= settings.doc_min} for k, counts in readings.items()}
            firm = {k: forms for k, forms in firm.items() if forms}
            doubted = np.flatnonzero(np.isin(key_ids, list(firm)) & (target >= 0) & (prob < settings.doc_sure))
            for at in doubted.tolist():
                forms = firm[int(key_ids[at])]
                unsure[at] |= len(forms) > 1 or int(target[at]) not in forms
        unsure = np.flatnonzero(unsure)
        if not len(unsure):
            return
        n_targets = len(vocabulary.targets)
        chosen_prior = prob[unsure]
        if contested is not None:  # windows that disagree give their winner even odds at best
            chosen_prior = np.where(contested[unsure], np.minimum(chosen_prior, settings.contested_prior), chosen_prior)
        cands, prior = vocabulary.candidate_matrix(key_ids[unsure], target[unsure], chosen_prior,
                                                   settings.lm_candidates)
        if readings:  # the document's own sure readings of the key weigh in
            prior = prior + self.reading_odds(key_ids[unsure], cands, readings, settings.doc_pseudo_readings)
        # and so do the document's topics (not in English-model garble, whose keys are guessed)
        topic_odds = self.topics.odds(key_ids, key_ids[unsure], cands) \
            if self.topics is not None and observed is None else None
        if topic_odds is not None:
            prior = prior + topic_odds
        if named[unsure].any():  # and so does how names are toned, for a capital inside a sentence
            rows = np.flatnonzero(named[unsure])
            prior[rows] += self.reading_odds(key_ids[unsure][rows], cands[rows], self.name_readings,
                                             settings.name_pseudo_readings)
        if other_keys:  # the forms of the other keys the key reading left some mass to
            cands, prior = self._with_other_keys(unsure, cands, prior, other_keys)
        if seen_odds is not None:  # and so does what the garbled spelling says of the tone
            prior = prior + self._spelling_odds(cands, [observed[at] for at in unsure.tolist()])
        valid = cands >= 0
        if shows_mark is not None:
            marked = valid & vocabulary.marked_targets()[np.maximum(cands, 0)]
            # unmarked forms are out where the spelling shows a mark and a marked form is in
            ruled_out = valid & ~marked & (shows_mark[unsure] & marked.any(axis=1))[:, None]
            prior = np.where(ruled_out, -np.inf, prior)
        boundary = np.full(PADDING, n_targets + BOUNDARY_ID, np.int64)
        padded = np.concatenate([boundary, np.where(target >= 0, target.astype(np.int64),
                                                    n_targets + key_ids.astype(np.int64)), boundary])
        if cut[0]:
            padded[:PADDING + 1] = CUT_ID
        if cut[1]:
            padded[-PADDING - 1:] = CUT_ID
        reach = lm.order - 1  # unsure words this close read each other through the n-grams
        chain_start = np.r_[True, np.diff(unsure) > reach]
        chain_id = np.cumsum(chain_start) - 1
        chain_size = np.bincount(chain_id)
        for first in np.flatnonzero(chain_start & (chain_size[chain_id] > 1)):
            rows = np.arange(first, first + chain_size[chain_id[first]])
            best_joint_choice(lm, settings.lm_weight, padded, unsure[rows] + PADDING, cands[rows], prior[rows])
        # every word's share given its neighbours as chosen (for a lone word, also its choice)
        at = unsure + PADDING
        c = np.where(valid, cands, 0)
        fit = lm.fit(padded, at, c)
        total = np.where(valid, prior + settings.lm_weight * fit, -np.inf)
        lone = (chain_size[chain_id] == 1)
        pick = np.where(lone, total.argmax(axis=1), (cands == padded[at][:, None]).argmax(axis=1))
        rows = np.arange(len(unsure))
        target[unsure] = cands[rows, pick]
        posterior = np.where(valid, prior + settings.lm_posterior_weight * fit, -np.inf)
        prob[unsure] = 1.0 / np.exp(posterior - posterior[rows, pick][:, None]).sum(axis=1)

    def _observed_odds(self, key_ids: np.ndarray, target: np.ndarray, prob: np.ndarray,
                       observed: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Per word, its key's candidate forms and the log odds the garbled spelling gives each
        (`Channel.form_odds`; 0 where the spelling tells nothing, -inf pads); None without a
        spelling or a channel that knows forms."""
        if observed is None or self.channel is None or not self.channel.forms:
            return None
        vocabulary = self.vocabulary
        cands, _ = vocabulary.candidate_matrix(key_ids, target, prob, self.settings.lm_candidates)
        ambiguous = (vocabulary.n_cands[key_ids] >= 2) & (target >= 0)
        odds = self._spelling_odds(cands, [spelling if ok else "" for spelling, ok in zip(observed, ambiguous)])
        return cands, np.where(cands >= 0, odds, -np.inf)

    def _form_odds(self, observed: str, cands: tuple[int, ...]) -> list[float]:
        """`Channel.form_odds` of candidate ids, kept once computed (a page repeats its words)."""
        found = self._odds_cache.get((observed, cands))
        if found is None:
            if len(self._odds_cache) > 100_000:
                self._odds_cache.clear()
            targets = self.vocabulary.targets
            found = self._odds_cache[observed, cands] = self.channel.form_odds(
                observed, [targets[c] for c in cands], self.settings.observed_pseudo_sightings)
        return found

    def _spelling_odds(self, cands: np.ndarray, spellings: list[str]) -> np.ndarray:
        """Per row of a candidate matrix, `Channel.form_odds` of its forms for the row's spelling
        (0 for pads and for an empty spelling)."""
        out = np.zeros(cands.shape)
        for n, spelling in enumerate(spellings):
            valid = np.flatnonzero(cands[n] >= 0)
            if spelling and len(valid):
                out[n, valid] = self._form_odds(spelling, tuple(cands[n, valid].tolist()))
        return out

    def _with_other_keys(self, unsure: np.ndarray, cands: np.ndarray, prior: np.ndarray,
                         other_keys: dict[int, list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
        """The candidate matrix widened by the commonest `OTHER_KEY_FORMS` forms of each other
        key; a row's own forms keep their prior plus the log of its key's share (the rest of
        the mass), the other keys' forms get the log of their key's share and form share."""
        width = cands.shape[1] + OTHER_KEY_FORMS * max(len(others) for others in other_keys.values())
        wide_cands = np.full((len(cands), width), -1, dtype=np.int64)
        wide_prior = np.full((len(cands), width), -np.inf)
        wide_cands[:, :cands.shape[1]], wide_prior[:, :cands.shape[1]] = cands, prior
        for n, at in enumerate(unsure.tolist()):
            others = other_keys.get(at)
            if not others:
                continue
            wide_prior[n, :cands.shape[1]] += np.log(max(1e-6, 1.0 - sum(w for _, w in others)))
            column = cands.shape[1]
            for key, share in others:
                for form, form_share in sorted(self.vocabulary.candidate_shares(key).items(),
                                               key=lambda fs: -fs[1])[:OTHER_KEY_FORMS]:
                    if form in wide_cands[n]:
                        continue
                    wide_cands[n, column] = form
                    wide_prior[n, column] = np.log(share) + np.log(max(form_share, 1e-6))
                    column += 1
        return wide_cands, wide_prior

    def reading_odds(self, keys: np.ndarray, cands: np.ndarray, readings: dict[int, Counter],
                     pseudo: float) -> np.ndarray:
        """Per word and candidate: log of how much likelier `readings` make the candidate than
        the corpus does, (n_c + a·p_c) / (n + a) over p_c, where the readings of the word's key
        number n, n_c of them the candidate, p_c is the corpus share and a `pseudo`; 0 for keys
        without readings. The readings: the document's sure ones (`decisions.document_readings`),
        or how the corpus tones a capital inside a sentence (`names`)."""
        odds = np.zeros(cands.shape)
        for row, key in enumerate(keys.tolist()):
            counts = readings.get(key)
            if not counts:
                continue
            shares, total = self.vocabulary.candidate_shares(key), sum(counts.values())
            for col, cand in enumerate(cands[row].tolist()):
                if cand >= 0:
                    share = max(shares.get(cand, 0.0), 1e-4)
                    odds[row, col] = np.log((counts.get(cand, 0) + pseudo * share) / (total + pseudo) / share)
        return odds


def best_joint_choice(lm: TonedLM, weight: float, padded: np.ndarray, at: np.ndarray, cands: np.ndarray,
                      prior: np.ndarray, order: int | None = None) -> None:
    """Best joint choice for the words at positions `at` of the token stream `padded` (each
    within the n-gram model's reach of the next; at least `order - 1` tokens before the first
    and after the last), written into `padded`: each word scores its `prior` (rows of `cands`,
    -1 pads) plus `weight` · log P of the n-grams (of `order`, 3 or 4; the model's widest by
    default), by Viterbi search whose state is the last n - 1 words. The words between and
    around them stay as they are."""
    context = (order or lm.order) - 1
    positions = np.arange(at[0], at[-1] + context + 1)  # through the words after the last one it reaches
    row_of = {int(p): n for n, p in enumerate(at)}
    options, scores = [], []
    for p in positions:
        n = row_of.get(int(p))
        keep = None if n is None else cands[n] >= 0
        options.append(padded[p:p + 1] if n is None else cands[n][keep])
        scores.append(np.zeros(1) if n is None else prior[n][keep])
    # the steps' n-grams (the words before each, it) looked up a batch of steps at a time
    # (one call per batch; batches bounded, so a long run of unsure words costs no more
    # memory than a short one); the search starts from the fixed words before the chain
    words = [padded[at[0] - d:at[0] - d + 1] for d in range(context, 0, -1)] + options
    steps = _batched_ngrams(lm, words, context + 1)
    # delta[i, ..., k]: best score so far with the last n - 1 words options i, ..., k
    delta = np.zeros((1,) * context)
    back = []
    for score in scores:
        step = weight * next(steps)
        total = delta[..., None] + step + score.reshape((1,) * context + (-1,))
        back.append(total.argmax(axis=0))  # the best earliest word of the state, for each later n - 1
        delta = total.max(axis=0)
    end = len(options) - 1
    chosen = [0] * len(options)
    chosen[end - context + 1:] = np.unravel_index(int(delta.argmax()), delta.shape)
    for t in range(end, context - 1, -1):
        chosen[t - context] = int(back[t][tuple(chosen[t - context + 1:t + 1])])
    for p, opts, index in zip(positions, options, chosen):
        padded[p] = opts[index]


NGRAM_BATCH = 1 << 16
"""n-grams looked up in one call to the model, at most (a batch of a Viterbi search's steps)."""


def _batched_ngrams(lm: TonedLM, words: list[np.ndarray], order: int):
    """For each position from `order - 1` on in `words` (each an array of options), the log
    probability of every option after every combination of the options of the `order - 1`
    before it, as an array with one axis per word; looked up in batches of steps of at most
    NGRAM_BATCH n-grams (a single step may be larger)."""
    start = 0
    steps = len(words) - order + 1
    while start < steps:
        grids, size = [], 0
        while start + len(grids) < steps and (not grids or size < NGRAM_BATCH):
            shape, columns = grid_columns(words[start + len(grids):start + len(grids) + order])
            grids.append((shape, math.prod(shape), columns))
            size += grids[-1][1]
        looked_up = lm.logp(*(np.concatenate([columns[k] for _, _, columns in grids]) for k in range(order)))
        offset = 0
        for shape, count, _ in grids:
            yield looked_up[offset:offset + count].reshape(shape)
            offset += count
        start += len(grids)


def grid_columns(arrays: list[np.ndarray]) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """(shape, columns): every combination of one element of each of `arrays`, the first
    varying slowest, one column per array: what `np.meshgrid(*arrays, indexing="ij")` gives
    raveled, built from repeats and copies (a search's steps hold a few options each, where
    meshgrid's broadcasting machinery costs several times the values)."""
    shape = tuple(len(a) for a in arrays)
    total = math.prod(shape)
    if total == 0:
        return shape, [a[:0].copy() for a in arrays]
    columns, inner = [], total
    for a in arrays:
        inner //= len(a)
        repeated = a.repeat(inner) if inner > 1 else a
        copies = total // len(repeated)
        columns.append(np.concatenate([repeated] * copies) if copies > 1 else repeated.copy())
    return shape, columns
