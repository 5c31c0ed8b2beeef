"""The OCR channel: alignment of OCR output to truth, and what it learns from it."""

from __future__ import annotations

import pytest

from sohoa.diacritics.restore.channel import Channel, core, learn_channel
from sohoa.diacritics.restore.ocrpairs import align_tokens


def test_alignment_pairs_garbled_tokens_with_their_truth():
    pairs = align_tokens("Nghi quyét Dai hoi Pang bo tinh", "Nghị quyết Đại hội Đảng bộ tỉnh")
    assert ("quyét", "quyết") in pairs and ("Pang", "Đảng") in pairs and len(pairs) == 7


def test_alignment_joins_split_tokens():
    pairs = align_tokens("N gudi dan", "Người dân")
    assert ("N gudi", "Người") in pairs


def test_channel_learns_token_confusions_and_rewrites():
    pairs = [("dugc", "được"), ("chirc", "chức"), ("tirc", "tức"), ("nirc", "nức"), ("t6", "tổ"), ("t6", "tổ")] * 2
    channel = learn_channel(pairs, min_token_count=2, min_rule_count=3)
    assert channel.tokens["dugc"]["duoc"] == 1.0
    assert channel.rules["ir"]["u"] > 0.5
    assert "chuc" in channel.rewrite_keys("chirc")
    assert channel.garble_rate == 1.0


def test_core_strips_surrounding_punctuation():
    assert core("“Đoàn,") == "Đoàn"


@pytest.mark.integration
def test_real_english_model_ocr_of_a_rendered_page_teaches_the_channel():
    from sohoa.diacritics.restore.ocrpairs import ocr_pages

    text = ["Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XIV đã đề ra mục tiêu phát triển "
            "kinh tế - xã hội của tỉnh trong nhiệm kỳ 2020 - 2025 với nhiều kết quả quan trọng."] * 3
    samples = ocr_pages(text, lang="eng", level="clean", seed=1, max_pages=1)
    pairs = [p for s in samples for p in align_tokens(s.ocr, s.truth)]
    channel = learn_channel(pairs, min_token_count=1, min_rule_count=1)
    assert len(pairs) > 40
    assert channel.garble_rate > 0.1  # the English model really does lose Vietnamese letters


def test_prior_rewrites_of_legacy_scans_reach_the_true_key():
    from sohoa.diacritics.restore.channel import Channel

    channel = Channel()
    # 'ư' read as 'tr' after a letter, '&' for a marked 'e' or 'o': no Vietnamese word spells either
    assert channel.rewrite_keys("xtr")["xu"] > 0 and channel.rewrite_keys("gitra")["giua"] > 0
    assert channel.rewrite_keys("chtrc")["chuc"] > 0
    assert {"le", "lo"} <= set(channel.rewrite_keys("l&")) and "moi" in channel.rewrite_keys("m&i")
    assert "ua" not in channel.rewrite_keys("tra")  # a word-initial 'tr' is the consonant
    # '¢' for a marked 'e' or 'o', for a 'c', or a sign of nothing ('lệ¢')
    assert {"se", "so"} <= set(channel.rewrite_keys("s¢")) and "co" in channel.rewrite_keys("¢o")
    assert "le" in channel.rewrite_keys("le¢")


def test_channel_counts_how_each_toned_form_came_out():
    """The forms table keeps what the OCR wrote for each toned syllable; a spelling seen once
    is not kept, but the form's total still counts it."""
    pairs = [("thé", "thế")] * 8 + [("thé", "thể")] * 6 + [("tht", "thứ")] * 5 + [("thé", "thứ")] + [("Thé,", "Thế")]
    channel = learn_channel(pairs)
    assert channel.forms["thế"] == {"thé": 9} and channel.form_totals["thế"] == 9
    assert channel.forms["thứ"] == {"tht": 5} and channel.form_totals["thứ"] == 6
    assert Channel.from_json(channel.to_json()) == channel


def test_form_odds_read_the_marks_the_ocr_kept():
    channel = learn_channel([("thé", "thế")] * 30 + [("thé", "thể")] * 20 + [("tht", "thứ")] * 20
                            + [("thé", "thứ")] * 2 + [("the", "the")] * 40)
    odds = channel.form_odds("thé", ["thế", "thể", "thứ", "the"], pseudo=5.0)
    assert odds[0] > 0 and odds[1] > 0 and odds[2] < 0 and odds[3] < 0  # 'é' is an 'ế' or an 'ể'
    assert odds[2] > odds[3]  # 'thứ' came out so twice, 'the' never
    assert channel.form_odds("thè", ["thế", "thứ"], pseudo=5.0) == [0.0, 0.0]  # never seen: no say
    assert channel.form_odds("thé", ["thế", "thừ"], pseudo=5.0)[1] == 0.0  # a form never seen: no say


def test_form_odds_fade_to_nothing_as_the_pseudo_sightings_grow():
    channel = learn_channel([("déi", "đối")] * 40 + [("d6i", "đối")] * 40 + [("déi", "đội")] * 3 + [("d6i", "đội")] * 9)
    near, far = (channel.form_odds("déi", ["đối", "đội"], pseudo=p) for p in (1.0, 1e9))
    assert near[0] > 0 > near[1]
    assert max(map(abs, far)) < 1e-6


def test_a_times_q_read_as_o_reaches_its_key():
    from sohoa.diacritics.restore.channel import Channel

    assert Channel().rewrite_keys("Ouyét")["quyet"] > 0  # no Vietnamese syllable spells 'ou'
