"""Which words are garble: English-model OCR writes digits and signs for letters and marks."""

from __future__ import annotations

import pytest

from sohoa.diacritics.restore.tokens import ocr_letters


@pytest.mark.parametrize("token, letters", [
    ("c6ng", "cong"), ("1anh", "lanh"), ("nhi€m", "nhiem"), ("t&t", "tat"),
    # a sign right after the vowel it stands for is that vowel's mark: 'tổ' read 'to6'
    ("to6", "to"), ("ho6i", "hoi"), ("ba4o", "bao"),
    ("cong", "cong"), ("2021", "2o2l"),
])
def test_ocr_letters(token, letters):
    assert ocr_letters(token) == letters


@pytest.mark.parametrize("token", ["to6", "Co6", "ho6i", "c6ng", "chirc", "dugc"])
def test_garbled_tokens_are_told_from_words(token):
    from sohoa.diacritics.restore import load_default_restorer

    assert load_default_restorer().damage.suspicious(token)


@pytest.mark.parametrize("token", ["công", "COVID", "Facebook", "b", "2021", "Đắk"])
def test_words_are_not_garble(token):
    from sohoa.diacritics.restore import load_default_restorer

    assert not load_default_restorer().damage.suspicious(token)
