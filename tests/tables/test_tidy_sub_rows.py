"""Sub-rows of a numbered indicator, marked in its name or in the STT column."""

import pytest

from sohoa.tables.records import Table
from sohoa.tables.tidy import column_roles, tidy_rows

HEADER = ("STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2023")


def _table(rows, header=HEADER):
    return Table(doc_id="d", page=1, index=1, header=header, rows=tuple(tuple(r) for r in rows))


@pytest.mark.parametrize("mark", ["-", "–", "+", "*", " - "])
def test_a_list_mark_alone_in_the_stt_column_marks_a_sub_row(mark):
    rows = [
        ("1", "Tổng sản phẩm trên địa bàn (giá so sánh 2010)", "tỷ đồng", "124.532"),
        (mark, "Nông, lâm nghiệp và thủy sản", "tỷ đồng", "18.456"),
        (mark, "Dịch vụ", "tỷ đồng", "43.766"),
        ("2", "Thu ngân sách", "tỷ đồng", "9.876"),
    ]
    assert [o["indicator"] for o in tidy_rows(_table(rows))] == [
        "Tổng sản phẩm trên địa bàn (giá so sánh 2010)",
        "Tổng sản phẩm trên địa bàn (giá so sánh 2010) - Nông, lâm nghiệp và thủy sản",
        "Tổng sản phẩm trên địa bàn (giá so sánh 2010) - Dịch vụ",
        "Thu ngân sách",
    ]


def test_the_stt_column_of_a_page_without_its_header_keeps_its_role_among_list_marks():
    rows = [("4", "Tổng sản phẩm", "tỷ đồng", "124.532"), ("-", "Nông nghiệp", "tỷ đồng", "18.456"),
            ("-", "Công nghiệp", "tỷ đồng", "52.310"), ("-", "Dịch vụ", "tỷ đồng", "43.766"),
            ("5", "Thu ngân sách", "tỷ đồng", "9.876")]
    roles = column_roles(("Cột 1", "Cột 2", "Cột 3", "Cột 4"), tuple(rows))
    assert (roles.tt, roles.name) == (0, 1)
