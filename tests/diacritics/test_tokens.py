"""Protected tokens: what repair must leave alone, and what only looks like a number."""

import pytest

from sohoa.diacritics.tokens import protected_spans


@pytest.mark.parametrize("text, word", [("phương thức 1anh đạo", "1anh"), ("1am việc", "1am"), ("tỉnh 1an thứ XIV", "1an")])
def test_digits_english_ocr_wrote_for_letters_open_a_word_not_a_number(text, word):
    start = text.index(word)
    assert not any(s < start + len(word) and e > start for s, e in protected_spans(text))


@pytest.mark.parametrize("text, number", [("Điều 10a", "10"), ("khoản 2b", "2"), ("dài 5km", "5"),
                                          ("nặng 10kg", "10"), ("lúc 8h30", "8"), ("đạt 12,5%", "12,5%")])
def test_numbers_labels_and_units_stay_protected(text, number):
    start = text.index(number)
    assert (start, start + len(number)) in protected_spans(text)
