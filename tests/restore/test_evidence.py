"""Evidence of OCR damage, line by line: what the punctuation rules need before they fire."""

import pytest

from sohoa.diacritics.restore.evidence import damaged_lines, on_damaged_lines
from sohoa.diacritics.restore.tokens import tokenize_text
from sohoa.diacritics.records import Edit


def _damaged(text):
    from sohoa.diacritics.restore import load_default_restorer

    return damaged_lines(text, tokenize_text(text), load_default_restorer().damage.suspicious)


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "kết quả học tập trong Trường .",
    "Số tín chỉ tối thiểu: ___",
    "ông José Tucumán phát biểu .",      # names with marks no syllable has: no OCR damage
    "tổ chức COVID-19, H5N1 và F0 .",
])
def test_clean_lines_show_no_damage(text):
    assert _damaged(text) == set()


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, line", [
    ("t6 chirc hoi nghi .", 0),           # English-model garble
    ("các cơ sỞ công nghiệp", 0),         # case slip
    ("quôc gia và dân tộc", 0),           # impossible marks on a Vietnamese shape
    ("đã ˆ Theo quy định", 0),            # a symbol that is never text
])
def test_ocr_damage_is_found(text, line):
    assert line in _damaged(text)


@pytest.mark.shipped_model
def test_damage_reaches_the_neighbouring_lines_only():
    text = "dòng một .\ncác cơ sỞ công nghiệp\ndòng ba .\ndòng bốn .\ndòng năm ."
    assert _damaged(text) == {0, 1, 2}


def test_edits_on_damaged_lines():
    text = "a .\nb .\nc ."
    edits = [Edit(1, 3, " .", "", "x", 0.7), Edit(5, 7, " .", "", "x", 0.7), Edit(9, 11, " .", "", "x", 0.7)]
    assert on_damaged_lines(text, edits, {1}) == [edits[1]]
    assert on_damaged_lines(text, edits, set()) == []
