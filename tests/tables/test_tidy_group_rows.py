"""Group rows whose Roman numeral OCR misread ('|' for 'I', 'H' for 'II') still set the section."""

from sohoa.tables.records import Table
from sohoa.tables.tidy import tidy_rows

HEADER = ("TT", "Chỉ tiêu", "Đơn vị", "Năm 2023")


def _table(rows):
    return Table(doc_id="d", page=1, index=1, header=HEADER, rows=tuple(tuple(r) for r in rows))


def test_misread_roman_numerals_open_sections():
    rows = [
        ("|", "Một số chỉ tiêu kinh tế vĩ mô", "", ""),
        ("1", "Tỷ lệ nợ xấu nội bảng", "%", "< 3"),
        ("H", "Một số chỉ tiêu về hạ tầng", "", ""),
        ("2", "Tỷ lệ người sử dụng Internet", "%", "76"),
    ]
    observations = tidy_rows(_table(rows))
    assert [(o["section"], o["indicator"]) for o in observations] == [
        ("I. Một số chỉ tiêu kinh tế vĩ mô", "Tỷ lệ nợ xấu nội bảng"),
        ("II. Một số chỉ tiêu về hạ tầng", "Tỷ lệ người sử dụng Internet"),
    ]


def test_a_numeral_with_an_h_takes_its_place_in_the_groups_running_order():
    rows = [
        ("I", "Kinh tế", "", ""),
        ("1", "Tốc độ tăng trưởng", "%", "7"),
        ("II", "Môi trường", "", ""),
        ("2", "Tỷ lệ che phủ rừng", "%", "38"),
        ("IH", "Kết cấu hạ tầng", "", ""),  # 'III' as the sample's appendix reads it
        ("3", "Tổng điện năng sản xuất", "triệu kWh", "120"),
    ]
    assert [o["section"] for o in tidy_rows(_table(rows))] == ["I. Kinh tế", "II. Môi trường", "III. Kết cấu hạ tầng"]
    # after 'I' the same reading is the second group
    assert tidy_rows(_table(rows[:2] + rows[4:]))[-1]["section"] == "II. Kết cấu hạ tầng"


def test_a_numbered_row_without_figures_is_not_a_section():
    rows = [
        ("I", "Kinh tế", "", ""),
        ("1", "Chỉ tiêu chưa có số liệu", "", ""),
        ("2", "Tỷ lệ đô thị hóa", "%", "31,1"),
    ]
    observations = tidy_rows(_table(rows))
    assert [(o["section"], o["indicator"], o["value"]) for o in observations] == [
        ("I. Kinh tế", "Tỷ lệ đô thị hóa", "31.1"),
    ]


def test_a_group_numeral_that_repeats_the_one_before_is_the_next():
    from sohoa.tables.tidy import _next_in_sequence, split_period

    assert _next_in_sequence("I", "I") == "II"
    assert _next_in_sequence("III", "II") == "III"
    assert _next_in_sequence("I", "") == "I"
    assert split_period("Chỉ tiêu cả nước năm 20235") == ("Chỉ tiêu cả nước", "2023")
    assert split_period("Kế hoạch 12345") == ("Kế hoạch 12345", "")


def test_two_years_whose_slash_read_as_a_stroke_are_a_period():
    from sohoa.tables.tidy import split_period

    assert split_period("So sánh 202212021 (%)") == ("So sánh (%)", "2022/2021")
    assert split_period("Ước thực hiện | So sánh 2025l2020") == ("Ước thực hiện | So sánh", "2025/2020")
    # a figure, years too far apart, or a year run into more digits: left alone
    assert split_period("Tổng 201912099") == ("Tổng 201912099", "")
    assert split_period("Mã số 202112000") == ("Mã số 202112000", "")
    assert split_period("Kế hoạch 2022120215") == ("Kế hoạch 2022120215", "")


def test_a_header_label_gets_the_slash_of_its_period_back():
    from sohoa.tables.cells import repair_text_cells
    from sohoa.tables.records import Table

    table = Table("d", 1, 1, ("TT", "Chỉ tiêu", "So sánh 202212021 (%)"), (("1", "GRDP", "105,2"),))
    assert repair_text_cells(table).header[2] == "So sánh 2022/2021 (%)"


def test_a_tt_column_whose_header_and_group_numerals_were_misread_is_still_tt():
    from sohoa.tables.tidy import column_roles

    header = ("1", "Chỉ tiêu", "Đơn vị tính", "Năm 2023")
    rows = (("|", "Chỉ tiêu kinh tế", "", ""), ("1", "A", "%", "5"), ("2", "B", "%", "6"),
            ("lI", "Chỉ tiêu xã hội", "", ""), ("3", "C", "%", "7"))
    roles = column_roles(header, rows)
    assert roles.tt == 0 and roles.values == (3,)
