"""The mark channel: how a Vietnamese OCR model misreads marks, and the edits it supports."""

from __future__ import annotations

import math

import pytest
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


# -- the restorer with the shipped model --------------------------------------------------
def _shipped():
    from sohoa.diacritics.restore import DEFAULT_MODEL_PATH, load_default_restorer

    if not DEFAULT_MODEL_PATH.exists():
        pytest.skip("no shipped model")
    restorer = load_default_restorer()
    if not restorer.marks:
        pytest.skip("shipped model without a mark channel")
    return restorer


NOISY_SCAN = ("Ủy ban nhân dân tỉnh ban hành kế hoạch .\n_ thực hiện nghị quyết của Hội đồng nhân dân :\n"
              "tỉnh về phát triển kinh tế ˆ xã hội năm 2024 .\n")
"""The head of a page with the specks of a noisy scan at its line edges."""


def _restored(restorer, text: str) -> str:
    out, pos = [], 0
    for edit in restorer.find_edits(text):
        out += [text[pos:edit.start], edit.after]
        pos = edit.end
    return "".join(out) + text[pos:]


@pytest.mark.parametrize("line, expected", [
    ("Chính phủ ban hành quy định chỉ tiết về chỉ phí đầu tư.", "Chính phủ ban hành quy định chi tiết về chi phí đầu tư."),
    ("Ủy ban nhân dân Thành phó Hồ Chí Minh ban hành kế hoạch.", "Ủy ban nhân dân Thành phố Hồ Chí Minh ban hành kế hoạch."),
    ("Luật sửa đối, bố sung một số điều của Luật Đất đai.", "Luật sửa đổi, bổ sung một số điều của Luật Đất đai."),
])
def test_swapped_marks_are_mended_in_text_from_a_noisy_scan(line, expected):
    restorer = _shipped()
    assert _restored(restorer, NOISY_SCAN + line) == _restored(restorer, NOISY_SCAN) + expected
    edits = [e for e in restorer.find_edits(NOISY_SCAN + line) if e.start >= len(NOISY_SCAN)]
    assert all(e.fixer == "restore.ocr-marks" and 0.5 < e.confidence <= 1 for e in edits)


@pytest.mark.parametrize("line", [
    "Chính phủ ban hành quy định chỉ tiết về chỉ phí đầu tư.",  # clean text: marks as written are trusted
    "Ủy ban nhân dân Thành phó Hồ Chí Minh ban hành kế hoạch.",
])
def test_clean_text_keeps_its_marks(line):
    assert _shipped().find_edits(line) == []


@pytest.mark.parametrize("line", [
    "Thượng tướng Tô Lâm phát biểu tại hội nghị.",        # a name: capitalised words stay
    "Hà Nội chỉ tiêu tăng trưởng năm nay đạt 7%.",        # 'chỉ tiêu' is right
    "Ông ấy chỉ nói rằng sẽ đổi mới chính sách.",
])
def test_right_marks_in_a_noisy_scan_stay(line):
    restorer = _shipped()
    assert [e for e in restorer.find_edits(NOISY_SCAN + line) if e.start >= len(NOISY_SCAN)] == []
