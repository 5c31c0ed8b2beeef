"""Tone marks of OCR'd indicator names: the OCR's doubt about a mark weighed with the context."""

import unicodedata

import pytest

from sohoa.diacritics.restore import load_default_restorer
from sohoa.tables.cells import repair_cell, repair_text_cells, with_mark_alternatives
from sohoa.tables.cellocr import CellText
from sohoa.tables.names import MARK_MISREAD_PRIOR, fix_name_marks, name_mark_edits, ocr_odds
from sohoa.tables.records import Table

pytestmark = pytest.mark.skipif(load_default_restorer() is None, reason="no restorer model shipped")


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.mark.parametrize("read, doubts, expected", [
    # the LSTM weighed the plain 'i' (or another mark) beside the 'ỉ' it chose
    ("Giá trị sản xuất công nghiệp so với tổng chỉ cân đối ngân sách địa phương",
     {"chỉ": {"chi": 0.45}}, "Giá trị sản xuất công nghiệp so với tổng chi cân đối ngân sách địa phương"),
    ("Thu nội địa (không bao gồm chỉ cải cách tiền lương)", {"chỉ": {"chí": 0.26}},
     "Thu nội địa (không bao gồm chi cải cách tiền lương)"),
    ("Tống thu ngân sách nhà nước", {"Tống": {"Tổng": 0.45}}, "Tổng thu ngân sách nhà nước"),
])
def test_doubted_marks_take_the_context_form(read, doubts, expected):
    assert fix_name_marks(read, doubts) == expected
    (edit,) = name_mark_edits(read, doubts)
    assert edit.fixer == "tables.name_marks" and 0.7 <= edit.confidence <= 1.0


@pytest.mark.parametrize("read, doubts", [
    # the OCR was sure of its mark: the context alone does not overrule it
    ("Thu nội địa (không bao gồm chỉ cải cách tiền lương)", {}),
    # doubted, but the context does not prefer the other mark clearly enough
    ("Thu nội địa (không bao gồm chi cải cách tiền lương)", {"Thu": {"Thư": 0.28}}),
    ("Số giường bệnh trên vạn dân", {"vạn": {"van": 0.09}}),
    ("Số bác sỹ trên vạn dân", {"vạn": {"van": 0.5}}),
    ("Tỷ lệ lao động qua đào tạo được thu gom", {"thu": {"thụ": 0.56, "thủ": 0.49}, "Tỷ": {"Tý": 0.29}}),
    ("Tuổi thọ trung bình", {"trung": {"trụng": 0.3}}),
])
def test_correct_or_sure_names_stay(read, doubts):
    assert name_mark_edits(read, doubts) == []


def test_only_marks_change_never_letters():
    for read in ("Tống vốn đầu tư toàn xã hội", "Tổng mức bán lẻ hàng hỏa", "Sân lượng lương thực"):
        doubts = {w: {w: 1.0} for w in read.split()}
        assert _letters(fix_name_marks(read, doubts)) == _letters(read)


def test_ocr_odds_per_differing_character():
    assert ocr_odds("chỉ", "chi", {2: {"i": 0.4, "": 0.4}}) == 0.4
    assert ocr_odds("chỉ", "chi", {2: {"í": 0.25, "": 0.25}}) == 0.25  # another tone was weighed
    assert ocr_odds("chỉ", "chi", {}) == MARK_MISREAD_PRIOR
    assert ocr_odds("tống", "tổng", {0: {"": 0.9}}) == MARK_MISREAD_PRIOR  # doubt elsewhere
    # a doubted tone says nothing about the vowel's own mark: 'vạn' weighed as 'van' is no 'vẫn'
    assert ocr_odds("vạn", "vẫn", {1: {"a": 0.3, "": 0.3}}) == MARK_MISREAD_PRIOR
    assert ocr_odds("vạn", "vẫn", {1: {"ẫ": 0.3}}) == 0.3


def test_numbers_are_no_names():
    assert repair_cell("6.500", name_marks=True, alternatives={"6.500": {}}) == "6.500"
    assert repair_cell("Trên 80", name_marks=True) == "Trên 80"


def _read_table() -> Table:
    return Table(doc_id="d", page=1, index=1,
                 header=("TT", "Chỉ tiêu cả nước", "ĐVT", "Năm 2023"),
                 rows=(("1", "Tổng chỉ cân đối ngân sách", "Chỉ tiêu", "12,5"),
                       ("2", "Tỷ lệ hộ nghèo", "%", "3,1")),
                 source="ruled")


def test_only_body_name_cells_are_checked():
    table = _read_table()
    doubt = (("chỉ", (("chi", 0.45),)), ("Chỉ", (("Chi", 0.45),)))
    reads = [CellText("Tổng chỉ cân đối ngân sách", 90.0, doubt), CellText("Chỉ tiêu", 90.0, doubt)]
    table = with_mark_alternatives(table, reads)
    assert {(r, c) for r, c, _ in table.mark_alternatives} == {(0, 1), (0, 2)}
    fixed = repair_text_cells(table, label_marks=True)
    assert fixed.rows[0][1] == "Tổng chi cân đối ngân sách"
    assert fixed.rows[0][2] == "Chỉ tiêu"  # not the name column
    assert fixed.header[1] == "Chỉ tiêu cả nước"  # a header label the OCR did not doubt
    assert fixed.mark_alternatives == ()
    # without the check (text tables, or switched off) the name stays as read
    assert repair_text_cells(table).rows[0][1] == "Tổng chỉ cân đối ngân sách"


def _read_header_table(header: tuple[str, ...]) -> Table:
    return Table(doc_id="d", page=1, index=1, header=header,
                 rows=(("1", "Tỷ lệ hộ nghèo", "%", "3,1"),), source="ruled")


def test_a_header_label_takes_the_mark_the_ocr_weighed_beside_its_own():
    # a wrapped header label: the LSTM read 'Uốc' and weighed 'Ước' at the same odds
    table = _read_header_table(("TT", "Tên chỉ tiêu", "ĐVT", "Năm 2023 | Uốc thực hiện"))
    reads = [CellText("Uốc thực hiện", 88.0, (("Uốc", (("Ước", 1.0), ("Uóc", 0.99))),)), CellText("Năm 2023", 95.0)]
    table = with_mark_alternatives(table, reads)
    assert table.header_mark_alternatives == ((3, (("Uốc", (("Ước", 1.0), ("Uóc", 0.99))),)),)
    fixed = repair_text_cells(table, label_marks=True)
    assert fixed.header[3] == "Năm 2023 | Ước thực hiện"
    assert fixed.header_mark_alternatives == ()
    assert repair_text_cells(table).header[3] == "Năm 2023 | Uốc thực hiện"  # the check switched off


@pytest.mark.parametrize("label, doubt", [
    ("Chỉ tiêu", ()),  # no doubt: never the likelier 'Chi tiêu', and no prior stands in for one
    ("Tên chỉ tiêu", (("chỉ", (("chi", 0.05),)),)),  # a faint doubt the context does not back
    ("Uốc thực hiện", ()),  # a slip the OCR did not weigh is left to the general repair
    # the context prefers 'tính', but the OCR scored it far below the 'tỉnh' it read
    ("Chỉ tiêu tỉnh năm 2023", (("tỉnh", (("tính", 0.066),)),)),
    # the OCR weighed 'tính' close behind, but 'tỉnh' is a form the language uses as much
    ("Chỉ tiêu tỉnh", (("tỉnh", (("tính", 0.9),)),)),
])
def test_header_labels_without_the_ocr_s_doubt_stay(label, doubt):
    table = with_mark_alternatives(_read_header_table(("TT", label, "ĐVT", "Năm 2023")), [CellText(label, 90.0, doubt)])
    assert repair_text_cells(table, label_marks=True).header[1] == label
    assert repair_cell(label, header_marks=True) == label


def test_a_changed_word_takes_the_tables_tone_placement():
    # a table that writes 'Thuỷ', 'uỷ', 'Hoá': the word the check gives its mark follows it
    assert fix_name_marks("huyện Thái Thuy", style="new") == "huyện Thái Thuỵ"
    assert fix_name_marks("huyện Thái Thuy", style="old") == "huyện Thái Thụy"
    assert repair_cell("huyện Thái Thuy", name_marks=True, style_hint="new") == "huyện Thái Thuỵ"
    table = Table("d", 1, 1, ("TT", "Nguyên quán"),
                  (("1.", "Xã Hoằng Đức, huyện Hoằng Hoá, tỉnh Thanh Hoá"),
                   ("2.", "Xã Ngũ Lão, huyện Thuỷ Nguyên"), ("3.", "huyện Thái Thuy, tỉnh Thái Bình")))
    assert repair_text_cells(table, label_marks=True).rows[2][1] == "huyện Thái Thuỵ, tỉnh Thái Bình"


def test_a_group_rows_title_gets_the_mark_check_like_a_name():
    # a row of one text cell across the table names its group: its marks are weighed in context
    rows = (("1", "1.", "Trần Văn A", "Chiến sĩ", "Xã Phổ Thuận, huyện Đức Phổ", "1961"),
            ("3- TÍNH BÌNH THUẬN", "", "", "", "", ""),
            ("2", "1.", "Lê Văn B", "Chiến sĩ", "Xã Cổ Loa, huyện Đông Anh", "1950"),
            ("4- THÀNH PHÔ HÀ NỘI", "", "", "", "", ""))
    table = Table("d", 1, 1, ("STT", "TT", "Họ tên", "Cấp bậc", "Nguyên quán", "Ngày"), rows, source="ruled")
    repaired = repair_text_cells(table, label_marks=True)
    assert repaired.rows[1][0] == "3- TỈNH BÌNH THUẬN" and repaired.rows[3][0] == "4- THÀNH PHỐ HÀ NỘI"
    assert repaired.rows[0][2] == "Trần Văn A"  # a row of several cells is no title
    assert repair_text_cells(table).rows[1][0] == "3- TÍNH BÌNH THUẬN"  # not read by OCR: no check


def test_a_capitalised_place_name_is_not_weighed_as_the_common_words_of_its_letters():
    # 'Cộng Hiền' (a commune) stays, though 'cống hiến' is the common phrase; 'phô' is still mended
    assert fix_name_marks("Xã Cộng Hiền, huyện Vĩnh Bảo, thành phô Hải Phòng") == \
        "Xã Cộng Hiền, huyện Vĩnh Bảo, thành phố Hải Phòng"


@pytest.mark.parametrize("read", [
    "Xã Nghĩa Hùng, huyện Nghĩa Hưng, tỉnh Nam Định",  # not the district's name copied onto the commune's
    "Xã An Thạnh 2, huyện Cù Lao Dung, tỉnh Sóc Trăng",
    "Trần Văn Dé",  # a person's name alone in its cell: no context tells its marks
    "Nguyễn Văn Bail",  # read wrong, but no other name is made of it
])
def test_names_of_people_and_places_keep_their_marks(read):
    assert repair_cell(read, name_marks=True) == read
    assert repair_cell(read) == read


def test_a_name_still_gets_the_marks_the_ocr_dropped_and_an_indicator_its_context_marks():
    assert repair_cell("Xã Vĩnh Thành, huyện Vĩnh Linh, tỉnh Quảng Tri", name_marks=True) == \
        "Xã Vĩnh Thành, huyện Vĩnh Linh, tỉnh Quảng Trị"
    assert repair_cell("Tý lệ hộ nghèo", name_marks=True) == "Tỷ lệ hộ nghèo"  # a word opening the cell


def test_proper_name_spans():
    from sohoa.tables.cells import proper_name_spans

    def names(text):
        return [text[a:b] for a, b in proper_name_spans(text)]

    assert names("Xã An Đồng, huyện An Dương") == ["Xã", "An", "Đồng", "An", "Dương"]
    assert names("Tỷ lệ hộ nghèo") == [] and names("3- TỈNH BÌNH THUẬN") == []
    assert names("Thu ngân sách Nhà nước") == ["Nhà"]
