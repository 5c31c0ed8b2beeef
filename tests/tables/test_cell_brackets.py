"""White space OCR puts just inside brackets of header and text cells, and separators it misreads."""

import pytest

from sohoa.tables.cells import mend_separators, repair_cell, tidy_brackets
from sohoa.tables.tidy import split_period


def test_space_inside_brackets_is_dropped():
    assert tidy_brackets("So sánh 2024/2023 (% )") == "So sánh 2024/2023 (%)"
    assert tidy_brackets("Tổng chi ( không bao gồm chi trả nợ )") == "Tổng chi (không bao gồm chi trả nợ)"
    assert tidy_brackets("[ a ]") == "[a]"


def test_header_measure_agrees_after_repair():
    assert split_period(repair_cell("So sánh 2024/2023 (% )")) == ("So sánh (%)", "2024/2023")


def test_other_spacing_and_numbers_are_left_alone():
    assert tidy_brackets("Tỷ lệ (%) năm 2023") == "Tỷ lệ (%) năm 2023"
    assert tidy_brackets("a (b) c") == "a (b) c"
    assert repair_cell("( 12 )") == "(12)"  # a bracketed figure is text, not a number
    assert repair_cell("1.234,5") == "1.234,5"


def test_a_tt_of_one_read_as_a_bar_or_letter_is_put_back():
    from sohoa.tables.cells import fix_ordinal_one

    assert fix_ordinal_one(["l", "2", "3"]) == ["1", "2", "3"]
    assert fix_ordinal_one(["|", "", "2", "3"]) == ["1", "", "2", "3"]
    # a group row's Roman 'I' above a '1' stays
    assert fix_ordinal_one(["I", "1", "2", "II", "1"]) == ["I", "1", "2", "II", "1"]
    assert fix_ordinal_one(["l", "x"]) == ["l", "x"]


def test_a_marked_capital_read_for_a_small_letter_is_lowered():
    from sohoa.tables.cells import sentence_case_start

    assert sentence_case_start("TỶ lệ hộ nghèo") == "Tỷ lệ hộ nghèo"
    assert sentence_case_start("- TỶ lệ") == "- TỶ lệ"  # only the start of a name
    for kept in ("GRDP bình quân", "TỔNG THU NGÂN SÁCH", "Tỷ lệ", "USD"):
        assert sentence_case_start(kept) == kept


def test_a_period_in_a_name_is_written_with_a_spaced_dash():
    from sohoa.tables.cells import spaced_year_span

    assert spaced_year_span("giai đoạn 2021-2025") == "giai đoạn 2021 - 2025"
    assert spaced_year_span("giai đoạn 2021 – 2025") == "giai đoạn 2021 - 2025"
    assert spaced_year_span("mã 12-34") == "mã 12-34"


def test_a_marked_vowel_written_twice_as_a_capital_is_kept_once():
    from sohoa.tables.cells import undouble_letters

    assert undouble_letters("ChỉỈ tiêu cả nước") == "Chỉ tiêu cả nước"
    for kept in ("Chỉ tiêu", "TT", "GRDP", "aA"[:1]):
        assert undouble_letters(kept) == kept


@pytest.mark.parametrize("read, mended", [
    # a speck by the cell's right rule read as a comma after its last word
    ("Xã Tiến Dũng, huyện Yên Dũng, tỉnh Bắc Giang,", "Xã Tiến Dũng, huyện Yên Dũng, tỉnh Bắc Giang"),
    ("thành phố Hải Phòng ,", "thành phố Hải Phòng"),
    # a comma read as a stop in a cell whose parts are parted by commas
    ("xã Dân Thành, thị xã Duyên Hải. tỉnh Trà Vinh)", "xã Dân Thành, thị xã Duyên Hải, tỉnh Trà Vinh)"),
])
def test_an_ocr_cells_separators_are_mended_by_the_cell(read, mended):
    assert mend_separators(read) == mended


@pytest.mark.parametrize("text", [
    "Trong đó:", "- Nhiệm vụ chi thường xuyên;", "tỉnh Bình Thuận.", "TP. Hồ Chí Minh, quận 1",
    "v.v. và các nội dung khác, nếu có", "Tổng số 1.250, tăng 2,5%", "Nội dung. Cụ thể, như sau",
    "Quân khu 8. nay là Lữ đoàn 962",  # no comma in the cell: nothing tells the stop is one
    "12,5", "1.250,",
])
def test_separators_the_cell_does_not_contradict_stay(text):
    assert mend_separators(text) == text


def test_a_marked_vowel_read_twice_is_read_once_but_two_run_together_names_keep_their_letters():
    from sohoa.tables.cells import undouble_letters

    assert undouble_letters("ChỉỈ tiêu") == "Chỉ tiêu"
    assert undouble_letters("Trần VănNam") == "Trần VănNam"  # 'n' + 'N': two words, not a letter twice
    assert undouble_letters("HoaAn") == "HoaAn"


@pytest.mark.parametrize("cell", ["A4.", "s8.", "4l.", "1O"])
def test_an_ordinal_read_with_a_letter_for_a_digit_is_left_to_its_columns_running_order(cell):
    assert repair_cell(cell) == cell


@pytest.mark.parametrize("read, expected", [
    ("Họ tên Äằ&›", "Họ tên"),  # a seal's edge over the header
    ("Công dân }", "Công dân"),
    ("Công dân | |", "Công dân"),
    ("Trung đoàn 108, Quân khu Š", "Trung đoàn 108, Quân khu"),
    ("Trung đoàn 108, Quân khu Š¹", "Trung đoàn 108, Quân khu"),  # a superscript is no digit of a number
])
def test_specks_beside_a_cells_words_are_dropped(read, expected):
    from sohoa.tables.cells import without_specks

    assert without_specks(read) == expected


@pytest.mark.parametrize("text", ["Ông Müller", "Tỷ lệ (%)", "Tổng số *", "12,5 - 13", "Đắk Lắk", "- Trong đó: nữ",
                                  "Nguyễn Thị Ánh Tuyết", "…", "|", "Lữ đoàn 4Š, Binh chủng Pháo binh"])
def test_cells_without_specks_stay(text):
    from sohoa.tables.cells import without_specks

    assert without_specks(text) == text
