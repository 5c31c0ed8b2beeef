"""The n-gram interface and the key model: what the restorer's language models promise."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings, strategies as st

from sohoa.diacritics.plausibility import SyllableModel
from sohoa.diacritics.restore.key_lm import KeyNgrams, build_key_ngrams
from sohoa.diacritics.restore.ngrams import NgramModel
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, CUT_ID
from sohoa.diacritics.restore.toned_lm import build_toned_lm

STREAM = np.array([0, 3, 4, 5, 0, 3, 4, 6, 0, 3, 4, 5, 0, 4, 5, 0], np.int32)


def test_every_model_answers_the_same_interface():
    key_lm = build_key_ngrams(STREAM, 7, bigram_min_count=1)
    toned_lm = build_toned_lm(STREAM, 7)
    syllables = SyllableModel({"cơ": 3, "quan": 3}, {("cơ", "quan"): 3}, 6)
    for model in (key_lm, toned_lm, syllables):
        assert isinstance(model, NgramModel)
    assert syllables.logp2("cơ", "quan") > syllables.logp2("quan", "cơ")
    assert syllables.logp3("x", "cơ", "quan") == syllables.logp2("cơ", "quan")


def test_key_model_counts_and_backs_off():
    model = build_key_ngrams(STREAM, 7, bigram_min_count=1, trigram_min_count=2)
    assert model.count2(3, 4) == 3 and model.count2(4, 3) == 0
    # a kept trigram: its relative frequency; 'a b' seen three times, 'a b c' twice
    assert math.isclose(model.logp3(3, 4, 5), math.log(2 / 3))
    # a trigram seen once is not kept: 0.4 × the bigram
    assert math.isclose(model.logp3(3, 4, 6), math.log(0.4) + model.logp2(4, 6))
    assert model.logp2(4, 5) > model.logp2(4, 6) > model.logp2(4, 3)


def test_a_model_without_counts_counts_every_key_once():
    model = KeyNgrams(5)
    assert model.count1(3) == 1 and not model.has_trigrams


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=3, max_size=60))
def test_key_bigram_probabilities_of_a_context_sum_to_at_most_one(tokens):
    stream = np.array([0] + tokens + [0], np.int32)
    model = build_key_ngrams(stream, 6, bigram_min_count=1)
    for b in set(tokens):
        total = sum(math.exp(model.logp2(b, c)) for c in range(6))
        assert total <= 1.0 + 1e-9


def test_the_key_model_reads_past_a_cut_and_predicts_nothing_there():
    model = build_key_ngrams(STREAM, 7, bigram_min_count=1, trigram_min_count=2)
    assert model.logp2(CUT_ID, 5) == model.logp1(5) != model.logp2(BOUNDARY_ID, 5)
    assert model.logp2(5, CUT_ID) == 0.0
    assert model.logp3(CUT_ID, 4, 5) == model.logp2(4, 5)
    assert model.logp3(3, CUT_ID, 5) == model.logp1(5)
    assert model.logp3(3, 4, CUT_ID) == 0.0
