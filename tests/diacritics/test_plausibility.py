"""Choosing the reading of legacy bytes: plausibility (syllable bigrams) plus encoding priors."""

import pytest

from sohoa.diacritics.encodings import decode_bytes
from sohoa.diacritics.legacy import CODECS
from sohoa.diacritics.plausibility import log_likelihood


def test_common_phrase_outscores_a_rare_one_of_the_same_shape():
    assert log_likelihood("Cơ quan") > log_likelihood("Cụ quan")
    assert log_likelihood("xã hội") > log_likelihood("xó hài")
    assert log_likelihood("Nghị quyết") > log_likelihood("NghÞ quyÕt")


def test_gluing_non_words_together_is_not_rewarded():
    assert log_likelihood("congbao.chinhphu.vn") > log_likelihood("congbaọchinhphụvn")


@pytest.mark.parametrize("name, text", [
    ("vni", "Cơ quan"),            # TCVN3 reads the same bytes as 'Cụ quan'
    ("cp1258", "Cơ quan"),         # ... and these as 'Cừ quan'
    ("cp1258", "Thông tư này."),   # VISCII reads 'Thông tý này.'
    ("viscii", "xã hội"),          # TCVN3 reads 'xó hài'
    ("viscii", "Chương II"),       # these VISCII bytes are also valid UTF-8 ('Ch߽ng II')
    ("viscii", "QUY ĐỊNH CHUNG"),  # ... 'QUY ИNH CHUNG'
    ("viqr", "Phạm vi"),
    ("viqr", "Số: 107/2025/TT-BTC"),
    ("viqr", "LOẠI 1"),
    ("tcvn3", "188/2025/NĐ-CP."),  # no syllable at all: the most common encoding
    ("tcvn3", "Đắk Lắk phát triển du lịch"),  # 'k' ends syllables of Central Highlands names
])
def test_short_single_line_files_decode_right(name, text):
    decoded = decode_bytes(CODECS[name].encode(text))
    assert (decoded.text, decoded.encoding) == (text, name)


@pytest.mark.parametrize("text", [
    "http://congbao.chinhphu.vn",
    "e.g. the value is 5. Is it?",
    "Tai sao? Toi co ba.",
    "Don't stop (a) or b+c",
    "Nghị quyết số 127/NQ-HĐND",
])
def test_plain_and_unicode_text_stays_utf8(text):
    decoded = decode_bytes(text.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (text, "utf-8")


@pytest.mark.parametrize("misread, truth", [
    ("§¾k L¾k tËp trung ph¸t triÓn c¸c s¶n phÈm du lÞch mòi nhän",
     "Đắk Lắk tập trung phát triển các sản phẩm du lịch mũi nhọn"),
    ("cña cÊp cã thÈm quyÒn, ghi:", "của cấp có thẩm quyền, ghi:"),  # 'cÊp': a capital inside a small word
])
def test_tcvn3_misread_line_is_decoded_alone(misread, truth):
    from sohoa.diacritics.pipeline import repair

    assert repair(misread, restore=False).text == truth
