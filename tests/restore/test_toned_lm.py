"""The toned n-gram model and how the decoder uses it on the words the decision lists leave unsure."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sohoa.diacritics.restore.toned_lm import TonedLM, build_toned_lm, lm_tokens
from sohoa.diacritics.restore.model import RestorerModel
from sohoa.diacritics.restore.settings import SETTINGS
from sohoa.diacritics.restore.tokens import CUT_ID
from sohoa.diacritics.restore.train import build_model

# 'de' is 'để' twice as often as 'dễ', and only the word after it tells which: 'để làm', 'dễ dàng'.
UNSURE_TEXT = "\n".join(["Họ ở đây để làm việc ."] * 8 + ["Việc này rất dễ dàng ."] * 4)


def test_lm_tokens_keep_toned_words_and_move_other_keys_past_the_targets():
    keys = np.array([0, 5, 7, 3], dtype=np.int32)
    targets = np.array([-1, 2, -1, 0], dtype=np.int32)
    assert lm_tokens(keys, targets, n_targets=10).tolist() == [10, 2, 17, 0]


def test_a_seen_trigram_is_likelier_than_an_unseen_one():
    stream = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 4, 3, 0, 2, 1, 3])
    lm = build_toned_lm(stream, vocab=5, trigram_min_count=1)
    seen, unseen = lm.logp3(np.array([0, 0]), np.array([1, 1]), np.array([2, 3]))
    assert seen > unseen
    assert lm.logp3(np.array([0]), np.array([1]), np.array([2]))[0] > lm.logp3(np.array([0]), np.array([1]), np.array([4]))[0]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=4, max_size=80),
       st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=6))
def test_the_next_token_probabilities_sum_to_one(stream, a, b):
    """Law: after any two tokens, the probabilities of every possible next token sum to 1 (up to
    the one-byte quantisation of the stored log probabilities)."""
    vocab = 7
    lm = build_toned_lm(np.array(stream), vocab=vocab, trigram_min_count=1)
    every = np.arange(vocab)
    total = np.exp(lm.logp3(np.full(vocab, a), np.full(vocab, b), every)).sum()
    assert 0.9 < total < 1.1


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=120),
       st.lists(st.integers(min_value=0, max_value=5), min_size=3, max_size=3))
def test_the_next_token_probabilities_after_three_tokens_sum_to_one(stream, context):
    """Law: after any three tokens, the four-gram probabilities of every possible next token
    sum to 1 (up to the quantisation), whether or not the three were seen together."""
    vocab = 6
    lm = build_toned_lm(np.array(stream), vocab=vocab, trigram_min_count=1, fourgram_min_count=1)
    every = np.arange(vocab)
    a, b, c = (np.full(vocab, token) for token in context)
    assert 0.9 < np.exp(lm.logp4(a, b, c, every)).sum() < 1.1


def test_three_tokens_of_context_tell_what_two_cannot():
    # after '1 2' comes 3 as often as 4; after '0 1 2' it is always 3, after '5 1 2' always 4
    stream = np.array([0, 1, 2, 3, 5, 1, 2, 4] * 6)
    lm = build_toned_lm(stream, vocab=6)
    assert lm.order == 4
    three, four = lm.logp4(np.array([0, 0]), np.array([1, 1]), np.array([2, 2]), np.array([3, 4]))
    assert three > four
    three, four = lm.logp4(np.array([5, 5]), np.array([1, 1]), np.array([2, 2]), np.array([3, 4]))
    assert four > three
    plain = build_toned_lm(stream, vocab=6, fourgram_min_count=None)
    assert plain.order == 3
    a, b, c, d = (np.array([k]) for k in (0, 1, 2, 3))
    assert np.array_equal(plain.logp4(a, b, c, d), plain.logp3(b, c, d))  # no four-grams: the trigram's


def test_a_stream_too_short_for_any_kept_trigram_gives_a_model_that_still_reads_four_tokens():
    lm = build_toned_lm(np.array([0, 1, 2, 3, 4]), vocab=5)  # every trigram seen once, none kept
    assert lm.order == 3
    a, b, c, d = (np.array([k]) for k in (0, 1, 2, 3))
    assert np.isfinite(lm.logp4(a, b, c, d)).all()


def test_a_text_too_short_for_any_kept_trigram_still_trains():
    # no trigram seen twice: the toned model has no four-grams either, and training says so
    model = build_model(["Một câu ngắn."], min_count=1, min_gain=1, quiet=False)
    assert model.toned_lm is not None and model.toned_lm.order == 3


def test_the_compact_arrays_give_back_the_same_model():
    rng = np.random.default_rng(3)
    stream = rng.integers(0, 40, size=3000)
    lm = build_toned_lm(stream, vocab=40)
    again = TonedLM.from_arrays(lm.to_arrays())
    a, b, c, d = (rng.integers(0, 40, size=500) for _ in range(4))
    assert np.array_equal(lm.logp3(a, b, c), again.logp3(a, b, c))
    assert np.array_equal(lm.logp4(a, b, c, d), again.logp4(a, b, c, d))
    assert TonedLM.from_arrays({}) is None
    # a model file written before four-grams were counted reads as the trigram model it is
    older = {k: v for k, v in lm.to_arrays().items() if "fourgram" not in k}
    assert TonedLM.from_arrays(older).order == 3


def _without_levels(tmp_path) -> RestorerModel:
    """The model of UNSURE_TEXT with its decision lists removed: only the word's own candidate
    counts and the trigram model are left to decide."""
    model = build_model([UNSURE_TEXT], min_count=2, min_gain=1)
    model.levels = []
    path = tmp_path / "unsure.npz"
    model.save(path)
    return RestorerModel.load(path)


def test_the_trigram_model_decides_a_word_the_decision_lists_leave_unsure(tmp_path, context_choice):
    model = _without_levels(tmp_path)
    assert model.toned_lm is not None
    assert context_choice(model, "rat de dang .") == "rất dễ dàng ."
    assert context_choice(model, "o day de lam") == "ở đây để làm"


def test_without_the_trigram_model_the_most_frequent_form_wins(tmp_path, context_choice):
    model = _without_levels(tmp_path)
    model.toned_lm = None
    assert context_choice(model, "rat de dang .") == "rất để dàng ."


# 'de' is 'để' twice as often as 'dễ' after 'hai ba'; the word before those two tells which
FOURGRAM_TEXT = "\n".join(["một hai ba để"] * 8 + ["bốn hai ba dễ"] * 4)


def test_the_four_gram_model_reads_a_word_by_the_three_before_it(tmp_path, context_choice):
    model = build_model([FOURGRAM_TEXT], min_count=2, min_gain=1)
    model.levels = []  # only the candidate counts and the n-gram model decide
    assert model.toned_lm.order == 4
    assert context_choice(model, "bon hai ba de") == "bốn hai ba dễ"
    assert context_choice(model, "mot hai ba de") == "một hai ba để"
    model.toned_lm.fourgram_codes = None  # the trigram model alone: the commoner form
    assert context_choice(model, "bon hai ba de") == "bốn hai ba để"


def test_a_sure_decision_is_not_reweighed(tmp_path, context_choice):
    model = _without_levels(tmp_path)
    sure_from_half = replace(SETTINGS, lm_unsure=0.5)  # 'để' at 8/12 counts as sure now
    assert context_choice(model, "rat de dang .", settings=sure_from_half) == "rất để dàng ."


def test_the_model_file_keeps_hash_prefixes_that_find_the_same_entries(tmp_path, context_choice):
    model = build_model([UNSURE_TEXT], min_count=2, min_gain=1)
    assert model.hash_bits == 64
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = RestorerModel.load(path)
    assert loaded.hash_bits == 40
    assert all((a.hashes >> np.uint64(24) == b.hashes).all() for a, b in zip(model.levels, loaded.levels))
    for text in ("rat de dang .", "o day de lam viec .", "viec nay rat de dang"):
        assert context_choice(model, text) == context_choice(loaded, text)


@pytest.mark.shipped_model
def test_a_word_its_windows_read_two_ways_is_chosen_with_its_neighbours():
    """'so hai' alone says 'sợ' (sợ hãi), 'chi so' says 'số': the windows disagree, so the trigram
    model chooses 'số' and 'hài' together instead of the rank of the window deciding."""
    from sohoa.diacritics.compose import apply_edits
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    text = "xac dinh chi so hai long cua nguoi dan"
    assert apply_edits(text, restorer.find_edits(text)) == "xác định chỉ số hài lòng của người dân"


@pytest.mark.shipped_model
def test_a_word_no_window_contests_keeps_the_decision_lists_reading():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import BOUNDARY_ID, tokenize_text

    restorer = load_default_restorer()
    tokens = tokenize_text("cac co quan nha nuoc")
    keys = np.array([restorer.vocabulary.ids(t.text)[0] if t.text else BOUNDARY_ID for t in tokens], dtype=np.int32)
    best, prob = restorer.decide(keys)
    words = [restorer.vocabulary.targets[b] for b, t in zip(best.tolist(), tokens) if t.text]
    assert words == ["các", "cơ", "quan", "nhà", "nước"]
    assert prob[[i for i, t in enumerate(tokens) if t.text == "quan"][0]] > 0.9


def test_the_search_looks_n_grams_up_in_bounded_batches_with_the_same_values(monkeypatch):
    """A long run of unsure words is searched with its n-grams looked up a batch at a time: the
    same log probabilities, step by step, as one lookup per step."""
    from sohoa.diacritics.restore import rescore

    rng = np.random.default_rng(5)
    lm = build_toned_lm(rng.integers(0, 12, size=4000), vocab=12)
    words = [rng.integers(0, 12, size=rng.integers(1, 6)) for _ in range(40)]
    monkeypatch.setattr(rescore, "NGRAM_BATCH", 50)  # many batches, some of one step only
    steps = list(rescore._batched_ngrams(lm, words, 4))
    assert len(steps) == len(words) - 3
    for t, step in enumerate(steps):
        grid = np.meshgrid(*words[t:t + 4], indexing="ij")
        assert np.array_equal(step, lm.logp4(*grid))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=50), max_size=5), min_size=1, max_size=5))
def test_grid_columns_are_numpys_meshgrid_raveled(arrays):
    """Law: every combination of one option of each word, in meshgrid's order and shape."""
    from sohoa.diacritics.restore.rescore import grid_columns

    arrays = [np.array(a, dtype=np.int64) for a in arrays]
    shape, columns = grid_columns(arrays)
    grid = np.meshgrid(*arrays, indexing="ij")
    assert shape == grid[0].shape
    for column, plain in zip(columns, grid):
        assert column.dtype == plain.dtype and column.tolist() == plain.ravel().tolist()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from([3, 4]),
       st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=4))
def test_the_joint_search_finds_the_best_scoring_choice_of_every_combination(seed, order, gaps):
    """Law: the Viterbi search over a chain of words (each within the model's reach of the next)
    returns the choice that scores highest among all combinations of their candidates, for
    trigrams and four-grams alike."""
    import itertools

    from sohoa.diacritics.restore.rescore import best_joint_choice

    rng = np.random.default_rng(seed)
    vocab = 9
    lm = build_toned_lm(rng.integers(0, vocab, size=600), vocab=vocab, trigram_min_count=1, fourgram_min_count=1)
    context = order - 1
    gaps = [min(g, context) for g in gaps]
    at = np.cumsum([context] + gaps[:-1]) if len(gaps) > 1 else np.array([context])
    padded = rng.integers(0, vocab, size=int(at[-1]) + context + 1).astype(np.int64)
    cands = np.full((len(at), 3), -1, np.int64)
    prior = np.full(cands.shape, -np.inf)
    for row in range(len(at)):
        width = int(rng.integers(1, 4))
        cands[row, :width] = rng.choice(vocab, size=width, replace=False)
        prior[row, :width] = -rng.random(width) * 3

    def score(seq, picks):
        ngrams = lm.logp(*(seq[j:len(seq) - order + 1 + j] for j in range(order))).sum()
        return 1.5 * ngrams + sum(prior[row, pick] for row, pick in enumerate(picks))

    best = -np.inf
    for picks in itertools.product(*(np.flatnonzero(row >= 0) for row in cands)):
        seq = padded.copy()
        seq[at] = cands[np.arange(len(at)), picks]
        best = max(best, score(seq, picks))
    chosen = padded.copy()
    best_joint_choice(lm, 1.5, chosen, at, cands, prior, order)
    picks = [int(np.flatnonzero(cands[row] == chosen[p])[0]) for row, p in enumerate(at)]
    assert np.array_equal(np.delete(chosen, at), np.delete(padded, at))  # only the chain's words change
    assert score(chosen, picks) == pytest.approx(best)


def test_the_toned_model_reads_the_n_grams_after_a_cut_and_predicts_nothing_there():
    stream = np.array([0, 1, 2, 3, 5, 1, 2, 4] * 6)
    lm = build_toned_lm(stream, vocab=6)
    a, b, c, d = (np.array([k]) for k in (0, 1, 2, 3))
    cut = np.array([CUT_ID])
    assert np.array_equal(lm.logp(cut, b, c, d), lm.logp3(b, c, d))
    assert np.array_equal(lm.logp(a, cut, c, d), lm.logp2(c, d))
    assert np.array_equal(lm.logp(a, b, cut, d), lm.unigram_logp[d])
    assert lm.logp(a, b, c, cut).tolist() == [0.0]
    assert np.array_equal(lm.logp(cut, c, d), lm.logp2(c, d))
    # only the rows that hold a cut read otherwise
    mixed = lm.logp(np.array([0, CUT_ID]), np.array([1, 1]), np.array([2, 2]), np.array([3, 3]))
    assert mixed[0] == lm.logp4(a, b, c, d)[0] and mixed[1] == lm.logp3(b, c, d)[0]
