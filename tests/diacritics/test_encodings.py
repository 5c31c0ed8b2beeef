"""Legacy encodings: our encoders, byte detection, text-level detection, and what must stay untouched."""

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from sohoa.diacritics.encodings import LegacyEncodingFixer, decode_bytes
from sohoa.diacritics.legacy import CODECS, cp1252_decode
from sohoa.diacritics.pipeline import repair
from sohoa.errors import InputError

SAMPLE = ("Nghị quyết số 127/NQ-HĐND của Ủy ban nhân dân tỉnh về phát triển kinh tế - xã hội năm 2021\n"
          "Tốc độ tăng trưởng GRDP đạt 6,5%; thu ngân sách 1.234,5 tỷ đồng.\n"
          "ĐẢNG BỘ TỈNH QUẢNG NGÃI – Ban Thường vụ\n"
          "Tên")
VIETNAMESE_LETTERS = "".join(sorted({unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
                                     for t in ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]})) + "đĐ"


@pytest.mark.parametrize("name", ["tcvn3", "vni", "viscii", "cp1258", "viqr"])
def test_file_round_trip_is_detected(name):
    text = SAMPLE if name != "viscii" else SAMPLE.replace("–", "-")
    decoded = decode_bytes(CODECS[name].encode(text))
    assert decoded.text == text
    assert decoded.encoding == (name if name != "viqr" else "viqr")


@pytest.mark.parametrize("name", ["tcvn3", "vni", "viscii", "viqr"])
def test_text_misread_through_windows_1252_is_repaired(name):
    text = SAMPLE if name != "viscii" else SAMPLE.replace("–", "-")
    data = CODECS[name].encode(text)
    misread = data.decode("utf-8") if name == "viqr" else cp1252_decode(data)
    assert repair(misread, restore=False).text == text


def test_forced_encoding_decodes_a_short_ambiguous_line():
    # 'Cô quan' is correct Vietnamese as it stands, and also VNI for 'Cơ quan'
    assert repair("Cô quan", restore=False).text == "Cô quan"
    assert repair("Cô quan", encoding="vni", restore=False).text == "Cơ quan"


def test_utf8_mojibake_latin1_and_cp1252():
    for misread in (SAMPLE.encode("utf-8").decode("latin-1"), cp1252_decode(SAMPLE.encode("utf-8"))):
        assert repair(misread, restore=False).text == SAMPLE


def test_unknown_bytes_raise_a_readable_input_error():
    with pytest.raises(InputError, match="not UTF-8"):
        decode_bytes(bytes(range(128, 256)) * 4)


def test_detection_never_fires_on_correct_unicode():
    assert LegacyEncodingFixer().find_edits(SAMPLE) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(VIETNAMESE_LETTERS + "bcdghklmnpqrstvx ,.;:()-0123456789\n")), max_size=60))
@pytest.mark.parametrize("name", ["tcvn3", "vni", "viscii", "cp1258", "viqr"])
def test_codecs_round_trip_any_vietnamese_text(name, text):
    if name == "tcvn3":  # capitals that share a byte with quotes and dashes: see the xfail below
        text = text.translate({ord(c): None for c in _TCVN_QUOTE_CAPITALS})
        # a plain capital vowel before the same vowel toned ('Aạ') is how converters write the
        # toned capital ('Ạ'), and is read so: no Vietnamese word spells it
        assume(not _SPLIT_PAIR.search(text))
        # a small toned vowel in a word of capitals is how headings in a capitals font are
        # stored ('TRà' for 'TRÀ'), and is read so: no Vietnamese word mixes them
        from sohoa.diacritics.legacy import _toned_capitals_in_capitals

        assume(_toned_capitals_in_capitals(text) == text)
    if name == "viqr":
        # unescaped VIQR files write stops and question marks right after vowels, so a tone
        # that makes no syllable of its word is read as punctuation: the law holds for words
        # that are Vietnamese (a toned word is a syllable, not a figure's suffix)
        assume(all(_vietnamese_or_plain(word) for word in re.findall(r"\w+", text)))
    assert CODECS[name].decode(CODECS[name].encode(text)) == text


def _vietnamese_or_plain(word: str) -> bool:
    from sohoa.diacritics.syllables import is_syllable

    tones = sum(mark in _TONES for mark in unicodedata.normalize("NFD", word))
    return not tones or (tones == 1 and word.isalpha() and is_syllable(word.lower())
                         and not re.fullmatch("[IỊ]{1,3}", word))


_TCVN_QUOTE_CAPITALS = "ẶỊÒỎÕÓỌỘ"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SPLIT_PAIR = re.compile("|".join(
    c + "[" + "".join(unicodedata.normalize("NFC", c.lower() + t) for t in _TONES) + "]" for c in "AĂÂEÊIOÔƠUƯY"))


@pytest.mark.xfail(strict=True, reason="TCVN3 stores these capitals on the bytes Windows uses for quotes "
                   "and dashes; standing alone they are read as punctuation")
def test_tcvn3_isolated_capital_on_a_quote_byte():
    assert CODECS["tcvn3"].decode(CODECS["tcvn3"].encode("Ò")) == "Ò"


def _heldout_lines(limit=3000):
    corpus = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
    if not (corpus / "vi_legal.jsonl.gz").exists():
        return []
    from sohoa.synth.corpus import iter_corpus

    lines = []
    for doc in iter_corpus([corpus / "vi_legal.jsonl.gz", corpus / "vi_news.jsonl.gz"], split="heldout"):
        lines.extend(unicodedata.normalize("NFC", l.strip()) for l in doc.text.split("\n") if l.strip())
        if len(lines) >= limit:
            break
    return lines[:limit]


def test_heldout_corpus_lines_pass_through_unchanged():
    lines = _heldout_lines()
    if not lines:
        pytest.skip("held-out corpus not available next to the repository")
    changed = [line for line in lines if repair(line, restore=False).text != line]
    assert len(changed) / len(lines) <= 0.001, changed[:5]
    assert LegacyEncodingFixer().find_edits("\n".join(lines)) == []


@pytest.mark.parametrize("text", ["đồng bào M’nông", "Vitoria’s Secret", "Diễn An…Sau Tết", "quy luật này…”.",
                                  "THÀNH PHỐ HỒ CHÍ MINH", "CÔNG TY TNHH “HÒA BÌNH”"])
def test_tcvn3_quote_bytes_between_letters(text):
    # the bytes of ’ … ” are also TCVN3 capitals; between small letters they are punctuation
    assert CODECS["tcvn3"].decode(CODECS["tcvn3"].encode(text)) == text


@pytest.mark.parametrize("text", ["dĐ", "dđa", "Dđ", "ddđ", "đd"])
def test_viqr_d_before_a_crossed_d_reads_back(text):
    assert CODECS["viqr"].decode(CODECS["viqr"].encode(text)) == text


# -- TCVN3 capitals written as the plain capital and the toned small letter --------------------
@pytest.mark.parametrize("raw, expected", [
    ("A¹I", "ẠI"), ("§£ÕN", "ĐẾN"), ("C¤éNG HOAµ", "CỘNG HOÀ"), ("VI£ÖT NAM", "VIỆT NAM"),
])
def test_tcvn3_capitals_split_by_converters_are_joined(raw, expected):
    from sohoa.diacritics.legacy import tcvn3_decode

    assert tcvn3_decode(raw.encode("cp1252")) == expected


def test_tcvn3_split_capitals_round_trip_as_bytes_and_as_misread_text():
    from sohoa.diacritics.encodings import decode_bytes
    from sohoa.diacritics.legacy import cp1252_decode, tcvn3_encode_split_capitals
    from sohoa.diacritics.pipeline import repair

    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nỦy ban nhân dân tỉnh ban hành QUY ĐỊNH về ƯỚC TÍNH"
    data = tcvn3_encode_split_capitals(text)
    assert decode_bytes(data).text == text
    assert repair(cp1252_decode(data), restore=False).text == text


@pytest.mark.parametrize("text", ["Aaron", "Ooc Eo", "Ưu tiên", "ƯU TIÊN", "Iâ"])
def test_capital_vowel_before_another_letter_is_not_joined(text):
    from sohoa.diacritics.legacy import tcvn3_decode, tcvn3_encode

    assert tcvn3_decode(tcvn3_encode(text)) == text


@pytest.mark.parametrize("text, expected", [
    ("- Các sở, ban, ngành;", "- Các sở, ban, ngành;"),
    ("Sở Tài chính", "Sở Tài chính"),
])
def test_viscii_letter_read_as_a_glued_middle_dot_is_decoded(text, expected):
    misread = cp1252_decode(CODECS["viscii"].encode(text))
    assert "·" in misread
    assert repair(misread, restore=False).text == expected


@pytest.mark.parametrize("text", ["giá trị 5 ± 0,2", "a · b", "điểm 9·10"])
def test_middle_dot_and_plus_minus_as_symbols_stay(text):
    assert repair(text, restore=False).text == text


def test_a_legacy_spelling_behind_look_alike_letters_is_decoded_at_once():
    once = repair("ӏÌ", restore=False).text  # Cyrillic 'ӏ' for 'l', then a TCVN3 capital inside a word
    assert repair(once, restore=False).text == once


@pytest.mark.parametrize("text", ["Phạm vi", "LOẠI 1", "BỘ TÀI CHÍNH", "TỔNG CỘNG"])
def test_a_short_viscii_line_shows_its_encoding_by_case_and_by_symbols_inside_capitals(text):
    # 'PhÕm vi': a capital after a small letter inside a word; 'LO€I', 'B“', 'T‘NG C“NG': a
    # symbol glued where no typesetter puts one
    misread = cp1252_decode(CODECS["viscii"].encode(text))
    assert misread != text
    assert repair(misread, restore=False).text == text
    assert repair(misread).text == text


@pytest.mark.parametrize("text", ["từ“Nhà nước”", "KT–XH năm 2023", "nói « không » với", "NHI€M VỤ", "Cô quan tâm"])
def test_symbols_beside_capitals_and_quotes_typed_against_a_word_stay(text):
    # a quote typed against the next word, an en dash in an abbreviation, French quotes: plain
    # text; 'NHI€M' does not read better as VISCII ('NHIẠM'); 'Cô quan' reads as Vietnamese
    # either way (VNI 'Cơ quan'), so it stays as written
    assert repair(text, restore=False).text == text
    assert repair(text).text == text


@pytest.mark.parametrize("text", ["Có trong kỳ", "Phụ lục I", "Số: 107/2025/TT-BTC", "Có cuối kỳ"])
def test_a_short_tcvn3_line_is_told_by_words_no_vietnamese_spells(text):
    # 'Cã trong kú', 'Phô lôc I': every changed letter is a Latin-1 letter of Vietnamese, but
    # 'kú' (k before u) and 'lôc' (a stop final without its tone) are spelled as no one writes
    misread = cp1252_decode(CODECS["tcvn3"].encode(text))
    assert misread != text
    assert repair(misread, restore=False).text == text


@pytest.mark.parametrize("text", ["Nghi quyét Dai hoi", "cóng viéc", "Cô quan"])
def test_latin_ocr_slips_are_no_legacy_spelling(text):
    # a Latin model's slips are not undone by any legacy reading ('quyét' → TCVN3 'quyột')
    assert repair(text, restore=False).text == text


@pytest.mark.parametrize("name, text", [
    ("tcvn3", "PHÒNG AN CHÍNH TRỊ NỘI BỘ"), ("tcvn3", "II. NỘI DUNG"),
    ("viscii", "TỜ TRÌNH"), ("viscii", "UỶ BAN NHÂN DÂN"),
])
def test_capitals_kept_under_quotes_dashes_and_control_bytes_are_read_in_a_short_line(name, text):
    # TCVN3 'PH’NG', 'N—I'; VISCII 'T–', and 'U' + the control byte 0x14 for 'Ỷ'
    misread = cp1252_decode(CODECS[name].encode(text))
    assert misread != text
    assert repair(misread, restore=False).text == text


@pytest.mark.parametrize("text", ["Hà Nội– Hải Phòng", "Nam–Bắc", "Vitoria’s CÔNG TY", "a\x07b nhân"])
def test_a_dash_or_quote_after_a_word_and_a_stray_control_byte_are_no_encoding(text):
    assert repair(text, restore=False).text == text


@pytest.mark.parametrize("name, text", [
    ("viscii", "- Tòa án nhân dân tối cao;"), ("viscii", "d) Các tài liệu khác có liên quan."),
    ("viscii", "VÀ XÃ HỘI"), ("tcvn3", "LĐTBXH"), ("vni", "LĐTBXH"),
    ("vni", "- Văn phòng UBNDTP: CVP, PCVP PVSơn, Phòng KGVX;"),
    ("tcvn3", "- Văn phòng UBNDTP: CVP, PCVP PVSơn, Phòng KGVX;"),
])
def test_a_line_that_reads_well_but_for_one_misread_word_is_decoded(name, text):
    # one word broken by the encoding ('t¯i', 'H“I', 'L§TBXH'), the rest Vietnamese already:
    # the decoding mends every broken word; an acronym clean text writes with 'Đ' and initials
    # glued to a name ('PVSơn') count for the reading, not against it
    misread = cp1252_decode(CODECS[name].encode(text))
    assert misread != text
    assert repair(misread, restore=False).text == text
    assert repair(misread).text == text


def test_an_eth_in_an_abbreviation_is_the_crossed_d_not_a_tcvn3_letter():
    # VISCII's 'Đ' read as Windows-1252 is the eth: 'NÐ-CP' is 'NĐ-CP', not TCVN3 'Né-CP'
    assert repair("204/2004/NÐ-CP.", restore=False).text == "204/2004/NĐ-CP."


@pytest.mark.parametrize("text, expected", [
    ("Email: thongtinchinhphu@chinhphu\\.vn", "Email: thongtinchinhphu@chinhphu.vn"),
    ("C:\\.config", "C:\\.config"), ("a \\. b", "a \\. b"),
])
def test_viqr_escapes_inside_a_word_are_undone_and_other_backslashes_stay(text, expected):
    assert repair(text, restore=False).text == expected


@pytest.mark.parametrize("text", ["PVSơn", "Ông NVAn", "CHỈ THỊ", "HỘI ĐỒNG"])
def test_initials_and_capitals_stay(text):
    assert repair(text, restore=False).text == text
    assert repair(text).text == text


@pytest.mark.parametrize("text", ["- Sở Tài chính;", "- Các sở, ban, ngành;"])
def test_a_short_viscii_file_is_not_read_with_a_middle_dot_glued_to_a_letter(text):
    # VISCII's 'ở' is Windows-1258's '·': no one types 'S·', so the reading that makes it scores low
    assert decode_bytes(CODECS["viscii"].encode(text)).text == text


@pytest.mark.parametrize("name", ["tcvn3", "vni"])
def test_an_acronym_built_on_a_known_one_reads_as_a_word(name):
    # 'TTH§NDTP', 'TTHÑNDTP': the city's standing committee of the 'HĐND'
    misread = cp1252_decode(CODECS[name].encode("- TTTU, TTHĐNDTP;"))
    assert repair(misread, restore=False).text == "- TTTU, TTHĐNDTP;"


@pytest.mark.parametrize("text", ["ESPAÑA", "EL NIÑO"])
def test_a_spanish_capital_stays(text):
    assert repair(text, restore=False).text == text


def test_units_and_products_of_correct_text_are_no_legacy_letters():
    lines = ["× 100", "m²", "½", "cm3/m2·24h·0.1MPa", "g/m2·24h", "Diện tích 25 m² và 3 m³"]
    text = "\n".join(lines) + "\n"
    assert repair(text, restore=False).text == text
    assert repair(text).text == text


def test_utf8_text_with_a_stray_windows_byte_is_read_as_utf8_with_that_byte_replaced():
    from sohoa.diacritics.encodings import decode_bytes

    lines = [f"Dòng thứ {k}: Ủy ban nhân dân tỉnh triển khai kế hoạch năm 2024." for k in range(1, 41)]
    data = "\n".join(lines).encode("utf-8").replace(b"2024.", b"2024 \x96 2025.", 1)  # a cp1252 dash
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and decoded.replaced_lines == (1,)
    assert decoded.text.splitlines()[1:] == lines[1:] and "\ufffd" in decoded.text.splitlines()[0]
    # bytes that are not text at all, or a legacy file, are not taken for UTF-8 with strays
    assert decode_bytes(CODECS["tcvn3"].encode("\n".join(lines))).encoding == "tcvn3"
    with pytest.raises(InputError):
        decode_bytes(bytes(range(256)) * 8)


@pytest.mark.parametrize("viqr, text", [
    ("va(n ho'a.", "văn hóa."),  # a word has one tone: the stop after it is a stop
    ("Xa~ ho^.i.", "Xã hội."), ("Ha` No^.i.", "Hà Nội."),
    ("Chu+o+ng I. Nhu+~ng", "Chương I. Những"), ("II. MU.C TIE^U", "II. MỤC TIÊU"),
    ("Ddie^`u 12a.", "Điều 12a."), ("I.1.", "I.1."),
    ("DDO+N VI. TI'NH", "ĐƠN VỊ TÍNH"), ("Nghi. quye^'t", "Nghị quyết"), ("Vie^.t Nam", "Việt Nam"),
    ("I.t", "Ịt"),  # a capital I's dot below inside its word is a tone, not a numeral's stop
    ("I.T", "ỊT"),
    # a numeral glued to the heading it numbers: the tone would make no syllable of the word
    ("II.KE^'T QUA?", "II.KẾT QUẢ"), ("I.Mu.c tie^u", "I.Mục tiêu"), ("III.Nhie^.m vu. va`", "III.Nhiệm vụ và"),
])
def test_unescaped_viqr_stops_are_stops_where_no_tone_can_stand(viqr, text):
    from sohoa.diacritics.legacy import viqr_decode_text

    assert viqr_decode_text(viqr) == text


@pytest.mark.parametrize("data, text", [
    (b"T\xd8NH TR\xb5 VINH\n", "TỈNH TRÀ VINH\n"),  # a heading in a capitals font: toned vowels stored small
    (b"\xf1Y BAN NH\xa2N D\xa2N T\xd8NH\n", "ỦY BAN NHÂN DÂN TỈNH\n"),
    (b"H\xb5 N\xe9i l\xb5 th\xf1 \xae\xab\n", "Hà Nội là thủ đô\n"),  # small letters stay small
    (b"T\xb5i li\xd6u\n", "Tài liệu\n"),
])
def test_tcvn3_capitals_font_headings_read_as_capitals(data, text):
    assert CODECS["tcvn3"].decode(data) == text


@pytest.mark.parametrize("data, text", [
    (b"k\xfd hi\xd6u \x93B\x94 ch\xd8 thu\xe8c\n", "ký hiệu “B” chỉ thuốc\n"),  # a quoted letter, closed
    (b"B\xb8O C\xb8O N\xa1M\x85\x85\n", "BÁO CÁO NĂM……\n"),  # a form's blank after capitals
])
def test_tcvn3_quotes_and_ellipses_around_capitals_stay_punctuation(data, text):
    assert CODECS["tcvn3"].decode(data) == text


def test_a_legacy_body_under_a_utf8_heading_keeps_both_readable():
    heading = "Tài liệu số hóa năm 2024 – bản gốc lưu tại Chi cục Văn thư"
    body = ["Ủy ban nhân dân tỉnh Trà Vinh", "Về việc triển khai kế hoạch chuyển đổi số năm 2024."]
    data = heading.encode("utf-8") + b"\n" + b"\n".join(CODECS["tcvn3"].encode(line) for line in body) + b"\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "tcvn3" and decoded.text == "\n".join([heading, *body]) + "\n"


@pytest.mark.parametrize("text", ["CÔNG BÁO/Số 1657 + 1658/Ngày 09-12-2025", "Số: 107/2025/TT-BTC",
                                  "UBND HĐND ở tỉnh và ý kiến", "Tỉnh ủy, Hà Nội"])
def test_title_case_and_small_words_beside_capitals_stay_as_written_in_tcvn3(text):
    assert CODECS["tcvn3"].decode(CODECS["tcvn3"].encode(text)) == text


@pytest.mark.parametrize("line, expected", [
    ("C¨n cø LuËt Tæ chøc chÝnh quyÒn ®Þa ph-¬ng ngµy 19 th¸ng 6 n¨m 2015;",
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
    ("Gi¸m ®èc Së KÕ ho¹ch vµ §Çu t- t¹i Tê tr×nh sè 56/TTr-SKH§T", "Giám đốc Sở Kế hoạch và Đầu tư tại Tờ trình số 56/TTr-SKHĐT"),
    ("- Nh- §iÒu 3; Chñ tÞch tr-ëng ®oµn ng-êi d©n", "- Như Điều 3; Chủ tịch trưởng đoàn người dân"),
    ("kinh tÕ - x· héi; m¸y bay B-52 vµ COVID-19 t¹i Hµ-Néi", "kinh tế - xã hội; máy bay B-52 và COVID-19 tại Hà-Nội"),
])
def test_a_tcvn3_u_horn_extracted_from_a_pdf_as_a_hyphen_is_read_as_u_horn(line, expected):
    """TCVN3's 'ư' is byte 0xAD, Latin-1's soft hyphen, which PDF text extractors write as '-'."""
    from sohoa.diacritics import repair

    assert repair(line).text == expected


def test_a_tcvn3_text_that_keeps_its_soft_hyphens_has_hyphens_for_hyphens():
    """Read byte for byte, TCVN3's 'ư' is the soft hyphen itself: the text's '-' are then its
    author's ('mức điểm C-' is a grade, not 'Cư')."""
    text = "Như vậy, khán giả chỉ chấm phim ở mức điểm C-.\nPhần 2 ra mắt năm 2005.\n"
    misread = cp1252_decode(CODECS["tcvn3"].encode(text))
    assert "\xad" in misread
    assert repair(misread, restore=False).text == text


def test_english_model_ocr_whose_marks_spell_tcvn3_words_is_no_tcvn3():
    """'véi' (với) decodes in TCVN3 to 'vội', 'trén' (trên) to 'trộn': words, so such a line
    reads better decoded; but no line of the page shows another TCVN3 code, and most lines
    with marked letters do not decode to words ('quyét'): English-model OCR, left to the restorer."""
    page = ("Nghi quyét Dai hoi Pang bo tinh lan thir XX\n"
            "thi sinh dep Kinh Bac trong trang phuc véi cac ban\n"
            "phat trién kinh té xa hoi cua tinh\n"
            "Pham da sinh ra trén ddi, ai cing cé Itc vui, budn\n"
            "cong tac quan ly nha nuéc va cac dia phuong\n")
    assert LegacyEncodingFixer().find_edits(page) == []


def test_a_tcvn3_line_of_latin1_vowels_only_follows_its_document():
    # 'Cã trong kú' shows no TCVN3 symbol, but the line above does
    text = "Cộng hòa xã hội chủ nghĩa Việt Nam\nCó trong kỳ\nPhụ lục I\n"
    misread = cp1252_decode(CODECS["tcvn3"].encode(text))
    assert repair(misread, restore=False).text == text


def test_a_lettered_list_s_labels_keep_their_hyphens_in_tcvn3():
    """'b-', 'c-', 'd-', 'h-' opening a line before a capital are a list's labels, as documents of
    the TCVN3 years letter their items; their hyphen is no 'ư', though 'bư', 'cư', 'dư', 'hư' are
    syllables. Inside a line the same piece is the word ('định cư', 'đầu tư')."""
    from sohoa.diacritics import repair

    text = ("§iÒu 2. Giao Së KÕ ho¹ch vµ §Çu t- thùc hiÖn c¸c nhiÖm vô sau ®©y:\n"
            "a- Tæ chøc thùc hiÖn kÕ ho¹ch ph¸t triÓn kinh tÕ x· héi;\n"
            "b- H-íng dÉn c¸c huyÖn lËp kÕ ho¹ch n¨m sau;\n"
            "c- Tæng hîp t×nh h×nh ®Þnh c- cña ng-êi d©n;\n"
            "d- Phèi hîp víi Së Tµi chÝnh bè trÝ vèn ®Çu t-;\n"
            "h- Theo dâi, ®«n ®èc viÖc thùc hiÖn.")
    assert repair(text).text == (
        "Điều 2. Giao Sở Kế hoạch và Đầu tư thực hiện các nhiệm vụ sau đây:\n"
        "a- Tổ chức thực hiện kế hoạch phát triển kinh tế xã hội;\n"
        "b- Hướng dẫn các huyện lập kế hoạch năm sau;\n"
        "c- Tổng hợp tình hình định cư của người dân;\n"
        "d- Phối hợp với Sở Tài chính bố trí vốn đầu tư;\n"
        "h- Theo dõi, đôn đốc việc thực hiện.")
