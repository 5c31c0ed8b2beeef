"""The repair entry point: options, the restorer stage, and laws that must hold."""

import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from sohoa.diacritics import pipeline
from sohoa.diacritics.pipeline import repair
from sohoa.diacritics.records import Edit


def test_decomposed_text_is_composed_with_an_edit_in_input_coordinates():
    text = "chất tha\u0309i rắn"
    result = repair(text)
    assert result.text == "chất thải rắn"
    assert all(text[e.start:e.end] == e.before for e in result.edits)


def test_unknown_tone_style_is_refused():
    with pytest.raises(ValueError):
        repair("a", tone_style="newest")


class _OneWordRestorer:
    """A restorer stand-in that changes the first `before` of a text into `after`."""

    name = "restore.fake"

    def __init__(self, before: str, after: str):
        self.before, self.after = before, after

    def find_edits(self, text):
        start = text.find(self.before)
        return [] if start < 0 else [Edit(start, start + len(self.before), self.before, self.after, self.name, 0.9)]


def test_restorer_runs_as_a_stage_and_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(pipeline, "_default_restorer", lambda: _OneWordRestorer("Dang", "Đảng"))
    assert repair("Dang bo").text == "Đảng bo"
    assert repair("Dang bo", restore=False).text == "Dang bo"
    flagged = repair("Dang bo", min_confidence=0.95)
    assert flagged.text == "Dang bo" and flagged.flags[0].after == "Đảng"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x1FFF, exclude_categories=("Cs",)), max_size=40))
def test_repair_is_idempotent_and_gives_nfc(text):
    once = repair(text, restore=False)
    assert unicodedata.is_normalized("NFC", once.text)
    assert repair(once.text, restore=False).text == once.text


@pytest.mark.parametrize("text", ["\u06e7\u05ad", "a\u0323\u0302", "\u1100\u1161 Hangul jamo", "tha\u0309i"])
def test_any_combining_marks_and_compositions_come_out_nfc(text):
    result = repair(text, restore=False)
    assert result.text == unicodedata.normalize("NFC", result.text)
    assert all(text[e.start:e.end] == e.before for e in result.edits)


def test_a_proposal_a_later_stage_settles_is_not_left_as_a_flag(monkeypatch):
    assert repair("chi ti€u", restore=False).flags  # proposed for review when nothing settles it
    monkeypatch.setattr(pipeline, "_default_restorer", lambda: _OneWordRestorer("ti€u", "tiêu"))
    result = repair("chi ti€u")
    assert result.text == "chi tiêu" and not result.flags


from hypothesis import given, settings, strategies as st  # noqa: E402

from sohoa.diacritics.pipeline import _SpanIndex  # noqa: E402
from sohoa.diacritics.records import Edit as _Edit  # noqa: E402

_spans = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8)).map(lambda p: (p[0], p[0] + p[1])), max_size=10)


@settings(max_examples=300, deadline=None)
@given(_spans, st.integers(0, 35), st.integers(0, 6))
def test_span_index_agrees_with_a_scan_of_every_span(spans, start, length):
    edit = _Edit(start, start + length, "", "", "test")
    index = _SpanIndex(spans)
    touches = any(s < edit.end and edit.start < t or (edit.start == edit.end and s < edit.start < t) for s, t in spans)
    overlaps = any(s < edit.end and edit.start < t or (s == edit.start and t == edit.end) for s, t in spans)
    assert index.touches(edit) == touches
    assert index.overlaps(edit) == overlaps


@pytest.mark.parametrize("text, expected", [
    ("Ã\x82\xa0", "\xa0"),                          # found by the idempotence property
    ("NghÃ¡Â»â€¹ quyáº¿t", "Nghị quyết"),            # UTF-8 mis-decoded twice, then once
])
def test_mojibake_of_mojibake_is_undone_in_one_repair(text, expected):
    once = repair(text, restore=False)
    assert once.text == expected
    assert repair(once.text, restore=False).text == once.text


@pytest.mark.parametrize("text", ["Â´", "´", "giá ´ 5"])
def test_a_lone_symbol_is_no_evidence_of_a_legacy_encoding(text):
    once = repair(text, restore=False)
    assert "Ơ" not in once.text
    assert repair(once.text, restore=False).text == once.text


def test_legacy_bytes_under_utf8_mojibake_are_undone_in_one_repair():
    # TCVN3 'đo' (b'\xaeo') read as Windows-1252 ('®o'), saved as UTF-8 and misread again
    once = repair("Â®o", restore=False)
    assert once.text == "đo"
    assert [e.fixer for e in once.edits] == ["encoding.utf8-mojibake+encoding.tcvn3"]
    assert repair(once.text, restore=False).text == "đo"


def test_plain_mojibake_of_a_symbol_stays_a_symbol():
    assert repair("Â®o lường", restore=False).text == "®o lường"


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("Hoà giải tai xa, thuy loi va thuy san cua tinh", "Hoà giải tại xã, thuỷ lợi và thuỷ sản của tỉnh"),
    ("Hòa giải tai xa, thuy loi va thuy san cua tinh", "Hòa giải tại xã, thủy lợi và thủy sản của tỉnh"),
])
def test_restored_words_follow_the_texts_own_tone_placement(text, expected):
    assert repair(text).text == expected


def test_dominant_tone_style():
    from sohoa.diacritics.unicode_fixes import dominant_tone_style

    assert dominant_tone_style("hoà bình, thuỷ lợi, hòa giải") == "new"
    assert dominant_tone_style("hòa bình, thủy lợi") == "old"
    assert dominant_tone_style("không có dấu phân biệt") == "old"
    # a text with no placement of its own takes the one it is given (its document's)
    assert dominant_tone_style("không có dấu phân biệt", "new") == "new"
    assert dominant_tone_style("hòa bình, thủy lợi", "new") == "old"


@pytest.mark.shipped_model
def test_a_piece_without_a_placement_of_its_own_takes_its_documents():
    # a table cell of a document that writes 'Thuỷ', 'uỷ', 'Hoá'
    assert repair("huyen Thuy Nguyen, thanh pho Hai Phong", style_hint="new").text == \
        "huyện Thuỷ Nguyên, thành phố Hải Phòng"
    assert repair("huyen Thuy Nguyen, thanh pho Hai Phong", style_hint="old").text == \
        "huyện Thủy Nguyên, thành phố Hải Phòng"
    assert repair("huyen Thuy Nguyen").text == repair("huyen Thuy Nguyen", style_hint="old").text
    # the piece's own placement comes first
    assert repair("Hòa giải tai xa, thuy loi va thuy san cua tinh", style_hint="new").text == \
        "Hòa giải tại xã, thủy lợi và thủy sản của tỉnh"
    # ... and that of each page of it: a file of documents typed by several hands
    two_hands = "Hòa giải tai xa, thuy loi\fHoà giải tai xa, thuy san\fthuy loi"
    assert repair(two_hands, style_hint="old").text == \
        "Hòa giải tại xã, thủy lợi\fHoà giải tại xã, thuỷ sản\fthủy lợi"


def test_marks_the_ocr_evidence_puts_in_are_placed_as_the_document_places_them():
    from sohoa.diacritics.restore.ocr_evidence import OcrEvidence

    evidence = OcrEvidence("tesseract-vie-best", {"Thuy": (("Thụy", 0.8),)})
    line = "Xã Thuy Liên, huyện Thái Thuy, tỉnh Thái Bình"
    assert "Thái Thuỵ" in repair(line, ocr=evidence, style_hint="new").text
    assert "Thái Thụy" in repair(line, ocr=evidence, style_hint="old").text
    assert repair(line, ocr=evidence, tone_style="new").text.count("Thuỵ") == 1  # rewritten styles as before


def test_the_stages_that_put_marks_in_read_the_pages_placement_once():
    """The restorer's words on the first page could tip the text's count; the marks the OCR's
    doubts put in on a page that shows no placement still take the text's placement as it was."""
    import re

    from sohoa.diacritics.pipeline import PagePlacements, TextStyleRestorer, run_fixers

    class Proposes:
        def __init__(self, name, pairs):
            self.name, self.pairs = name, pairs

        def find_edits(self, text):
            return sorted((Edit(m.start(), m.end(), before, after, self.name, 0.9)
                           for before, after in self.pairs for m in re.finditer(rf"\b{before}\b", text)),
                          key=lambda e: e.start)

    text = "Hòa giai; van hoa, thuy loi, khoe manh\fhoà giải, thuỷ sản, suc khoe\fxa Thuy Lien"
    shared = PagePlacements("new")
    stages = [TextStyleRestorer(Proposes("restore.context", [("giai", "giải"), ("hoa", "hóa"), ("thuy", "thủy"),
                                                             ("khoe", "khỏe")]), "new", shared),
              TextStyleRestorer(Proposes("restore.ocr-evidence", [("Thuy", "Thụy")]), "new", shared)]
    pages = run_fixers(text, stages).text.split("\f")
    assert pages[0] == "Hòa giải; van hóa, thủy loi, khỏe manh"  # the first page's own placement
    assert pages[2] == "xa Thuỵ Lien"  # the text as it was places marks the new way


class _EditsRestorer:
    """A restorer stand-in that proposes fixed (before, after, fixer) edits wherever `before` occurs."""

    name = "restore.fake"

    def __init__(self, *edits: tuple[str, str, str]):
        self.edits = edits

    def find_edits(self, text):
        found = []
        for before, after, fixer in self.edits:
            start = text.find(before)
            if start >= 0:
                found.append(Edit(start, start + len(before), before, after, fixer, 0.9))
        return found


def test_only_the_digit_fixer_may_change_a_number_and_never_a_date_or_code(monkeypatch):
    monkeypatch.setattr(pipeline, "_default_restorer", lambda: _EditsRestorer(
        ("1a", "là", "restore.ocr-digit"), ("14", "là", "restore.context"),
        ("6/2", "ở", "restore.ocr-digit"), ("12/QD", "là", "restore.ocr-digit")))
    result = repair("Day 1a ngay 6/2 theo 12/QD va 14")
    assert result.text == "Day là ngay 6/2 theo 12/QD va 14"


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled, expected", [
    ("Day 1a k€ hoach phat trién kinh té", "Đây là kế hoạch phát triển kinh tế"),
    ("cac nudc 16n tren thé gidi", "các nước lớn trên thế giới"),
    ("nha 6 nhiéu nguoi", "nhà ở nhiều người"),
])
def test_english_model_ocr_that_wrote_digits_for_letters_is_read_as_words(garbled, expected):
    result = repair(garbled)
    assert result.text == expected
    assert any(e.fixer == "restore.ocr-digit" for e in result.edits)


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, numbers", [
    ("Theo quy dinh tai Diéu 10a va khoan 2b cia Luat nay, cac c6 quan dugc giao", ["10a", "2b"]),  # garble
    ("Trong 6 thang dau nam, c6 14 nguoi dugc khen thudng", ["6", "14"]),
    ("Chuong 1a", ["1a"]), ("Mau so 1a", ["1a"]), ("lop 1a truong tieu hoc", ["1a"]),  # de-accented
    ("Điều 10a của Luật 1a và 6 người", ["10a", "1a", "6"]),                           # clean text
    ("1a", ["1a"]), ("6", ["6"]), ("10a", ["10a"]), ("STT 1a", ["1a"]),                # table cells
])
def test_labels_and_numbers_stay_numbers(text, numbers):
    words = repair(text).text.split()
    assert [w for w in words if w in numbers] == numbers


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled, expected", [
    # another engine's garble the channel never saw: 'ư' read as 'tr', 'ố' as 'b'
    ("Thuc hién Nghi quyét, tang cudng t6 chtrc cua bé may nha nudc",
     "Thực hiện Nghị quyết, tăng cường tổ chức của bộ máy nhà nước"),
    ("Trién khai phoi hop chat ché gitra cac cap, cac nganh trong c6ng tac phong ngtra tiéu cuc, tham nhiing",
     "Triển khai phối hợp chặt chẽ giữa các cấp, các ngành trong công tác phòng ngừa tiêu cực, tham nhũng"),
    ("Uéc tinh dén cubi nam 2023, ty 1é h6 ngheo giam, nhiém vu trién khai",
     "Ước tính đến cuối năm 2023, tỷ lệ hộ nghèo giảm, nhiệm vụ triển khai"),
    ("Dai biéu Qubc hoi khoa XV, nhiém ky 2021-2026", "Đại biểu Quốc hội khóa XV, nhiệm kỳ 2021-2026"),
    ("Thu gom va xtr 1y chat thai, ty 1& hé dan dugc str dung nudc sach dat 98%",
     "Thu gom và xử lý chất thải, tỷ lệ hộ dân được sử dụng nước sạch đạt 98%"),
])
def test_garble_the_channel_never_saw_is_read_from_near_keys_in_context(garbled, expected):
    assert repair(garbled).text == expected


@pytest.mark.shipped_model
def test_near_keys_keep_the_first_letter_and_the_length():
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    keys = restorer.vocabulary.keys
    near = lambda token: {keys[k]: d for k, d in restorer.key_decoder.near_keys(token)}  # noqa: E731
    assert near("chtrc")["chuc"] == 2 and near("qubc")["quoc"] == 1
    assert all(key[0] == "c" and len(key) >= 4 for key in near("chtrc"))
    assert "cach" not in near("cachly")        # two words glued, not one garbled
    assert max(near("xur").values()) == 1      # three letters: one edit at most
    assert near("ab") == {}


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled, expected", [
    # a syllable whose marked vowels English-model OCR wrote as nothing: its consonant alone
    ("Mat tran T quéc va cac doan thé chinh tri trién khai nhiém vu",
     "Mặt trận Tổ quốc và các đoàn thể chính trị triển khai nhiệm vụ"),
    ("Cong tac can b, thuc hién Chi thi s 05 cua B Chinh tri vé trién khai nhiém vu",
     "Công tác cán bộ, thực hiện Chỉ thị số 05 của Bộ Chính trị về triển khai nhiệm vụ"),
    ("Hé théng x ly rac thai tai cac co s san xuat, trién khai nhiém vu",
     "Hệ thống xử lý rác thải tại các cơ sở sản xuất, triển khai nhiệm vụ"),
])
def test_a_consonant_standing_alone_is_read_as_its_syllable_in_context(garbled, expected):
    assert repair(garbled).text == expected


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled, expected", [
    # '¢' written for a marked vowel or a 'c' ('tỷ 1¢' lệ, 'co s¢' cơ sở, '¢6' có)
    ("Giam ty 1¢ hé ngheo, nang cao hi¢u qua cong tac, trién khai nhiém vu",
     "Giảm tỷ lệ hộ nghèo, nâng cao hiệu quả công tác, triển khai nhiệm vụ"),
    ("Cung c¢ hé théng chinh tri ¢ co s¢, trién khai nhiém vu tai cac S¢, nganh",
     "Củng cố hệ thống chính trị ở cơ sở, triển khai nhiệm vụ tại các Sở, ngành"),
    ("tinh ¢6 10.207 hé ngheo, trién khai nhiém vu, nang cao ty 1¢ lao dong",
     "tỉnh có 10.207 hộ nghèo, triển khai nhiệm vụ, nâng cao tỷ lệ lao động"),
    # '¥' and '§' for 'ỹ'
    ("Phat trién ha tang k§ thuat tai huyén M§ Xuyén, trién khai nhiém vu",
     "Phát triển hạ tầng kỹ thuật tại huyện Mỹ Xuyên, triển khai nhiệm vụ"),
    ("Phat trién ha tang k¥ thuat, trién khai nhiém vu", "Phát triển hạ tầng kỹ thuật, triển khai nhiệm vụ"),
])
def test_signs_english_model_ocr_writes_for_letters_are_read_in_context(garbled, expected):
    assert repair(garbled).text == expected


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled, kept", [
    ("Thyc hién diém b khoan 1 Diéu 5, trién khai dé thi loai V, chiéu cao 5 m, nhiém vu", ["b", "V", "m"]),
    ("khi ba H ngung thé thi chau T mang lai trién khai nhiém vu", ["H", "T"]),   # initials of people
])
def test_labels_units_numerals_and_initials_keep_their_letter(garbled, kept):
    words = [w.strip(",.;:") for w in repair(garbled).text.split()]
    assert [w for w in words if len(w) == 1 and w.isalpha()] == kept


@pytest.mark.shipped_model
def test_a_lone_consonant_may_stand_for_its_letter_and_vowels_only():
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    keys = [restorer.vocabulary.keys[k] for k, _ in restorer.key_decoder.vowel_completions("t")]
    assert "to" in keys and all(k[0] == "t" and set(k[1:]) <= set("aeiouy") and len(k) <= 3 for k in keys)


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", ["Ông Sato và bà Suzuki ở Tokyo", "Rita va Hull den Riga gap Kat va Choo",
                                  "Bà Nguyễn Thị Khuê nói"])
def test_names_of_correct_or_de_accented_text_get_no_near_keys(text):
    """Their unknown words are names, not garble: without marks no text has, no near keys."""
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    assert not restorer.key_decoder.shows_english_model_marks(restorer.profile(tokenize_text(text)))


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", ["Ông Sato và bà Suzuki ở Tokyo", "Bà Nguyễn Thị Khuê nói",
                                  "Thông tư số 12 quy định tại § 2 của Luật"])
def test_correct_text_with_names_is_unchanged(text):
    assert repair(text).text == text


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", ["Lưu: VT, CTrTT.", "Nơi nhận: TTrUB, VPUB", "Lưu VT, CTrTT, xtr 1y"])
def test_codes_written_with_a_small_letter_inside_keep_their_letters(line):
    # 'ctr' is a rewrite of legacy garble ('xtr' xử), but 'CTrTT' is a department's code
    assert [w for w in repair(line).text.split() if "Tr" in w] == [w for w in line.split() if "Tr" in w]


@pytest.mark.shipped_model
def test_a_garbled_mark_on_a_common_word_is_not_read_as_another_word():
    # 'kénh' is 'kênh' with a misread mark: its own key is a common word, so no near key
    assert "kênh" in repair("Tram bom kénh 3 thang 2 dugc nang cap").text
