"""The mark channel: how a Vietnamese OCR model misreads marks (its edits: test_restore)."""

from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st

from sohoa.diacritics.restore.marks import LETTER_GROUPS, TONES, MarkChannel, learn_mark_channel

READ_RIGHT = [("tổ", "tổ"), ("phố", "phố"), ("chi", "chi"), ("dự", "dự"), ("đó", "đó"), ("kiến", "kiến")] * 50
SLIPS = [("phố", "phổ"), ("cố", "cổ"), ("chỉ", "chi"), ("đự", "dự")] * 3


def test_the_channel_learns_which_slips_the_engine_makes():
    channel = learn_mark_channel(READ_RIGHT + SLIPS)
    assert channel.syllables == len(READ_RIGHT) + len(SLIPS)
    assert channel.tones["hoi"]["sac"] > 0.05           # hook read as acute
    assert channel.tones["hoi"]["nga"] < 0.01           # never seen: rare, not impossible
    assert channel.tones["hoi"]["nga"] > 0
    assert channel.letters["d"]["đ"] > channel.letters["đ"]["d"]
    # a slip the pages showed is likelier than one they did not
    assert channel.log_prob("phố", "phổ") > channel.log_prob("phỗ", "phổ")
    assert channel.log_prob("phổ", "phổ") > channel.log_prob("phố", "phổ")


def test_pairs_that_are_not_the_same_letters_teach_nothing():
    channel = learn_mark_channel([("nudc", "nước"), ("tinh.", "tỉnh"), ("Pang", "Đảng"), ("2024", "2024")])
    assert channel.syllables == 1  # only 'tinh.' / 'tỉnh' (punctuation around it is no part)


def test_an_empty_channel_is_false_and_round_trips():
    assert not MarkChannel()
    channel = learn_mark_channel(READ_RIGHT + SLIPS)
    assert MarkChannel.from_json(channel.to_json()) == channel
    assert not MarkChannel.from_json(None)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(READ_RIGHT[:6] + SLIPS[:4] + [("tổng", "tống"), ("bổ", "bố")]), min_size=1))
def test_every_reading_table_is_a_distribution(pairs):
    channel = learn_mark_channel(pairs)
    for tone in TONES:
        assert math.isclose(sum(channel.tones[tone].values()), 1.0, abs_tol=1e-4)
    for group in LETTER_GROUPS:
        for letter in group:
            assert math.isclose(sum(channel.letters[letter].values()), 1.0, abs_tol=1e-4)
