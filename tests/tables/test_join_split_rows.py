"""A row that a page break splits in two is one row of the joined table."""

from sohoa.tables.join import join_continued
from sohoa.tables.records import Table
from sohoa.tables.tidy import tidy_rows

HEADER = ("TT", "Chỉ tiêu", "ĐVT", "Năm 2025", "Năm 2026")


def _piece(page: int, rows, confidences=None, spans=()) -> Table:
    confidences = confidences or tuple((90.0,) * len(HEADER) for _ in rows)
    return Table("d", page, 1, HEADER, tuple(rows), confidences, spans=spans, source="ruled")


def test_the_rest_of_a_name_at_the_top_of_the_next_page_joins_the_last_row():
    first = _piece(1, [("13", "Số bác sĩ/vạn dân", "bác sĩ", "97,4", "100,3"),
                       ("14", "Số giường bệnh/vạn", "giường", "64,6", "66,5")])
    second = _piece(2, [("", "dân (nhóm 2)", "", "", ""),
                        ("15", "Tỷ lệ trạm y tế xã có bác sĩ", "%", "10,4", "10,7")],
                    confidences=((100.0, 70.0, 100.0, 100.0, 100.0), (90.0,) * 5))
    (joined,) = join_continued([first, second])
    assert [row[:2] for row in joined.rows] == [("13", "Số bác sĩ/vạn dân"),
                                               ("14", "Số giường bệnh/vạn dân (nhóm 2)"),
                                               ("15", "Tỷ lệ trạm y tế xã có bác sĩ")]
    assert joined.row_pages == (1, 1, 2) and len(joined.confidences) == 3
    assert joined.confidences[1][1] == 70.0
    observations = [(o["indicator"], o["value"], o["page"]) for o in tidy_rows(joined)]
    assert ("Số giường bệnh/vạn dân (nhóm 2)", "64.6", 1) in observations


def test_a_row_of_its_own_at_the_top_of_the_next_page_stays_a_row():
    first = _piece(1, [("1", "Tổng sản phẩm", "tỷ đồng", "100", "110")])
    numbered = _piece(2, [("2", "Thu ngân sách", "", "", ""), ("3", "Chi ngân sách", "tỷ đồng", "5", "6")])
    with_figures = _piece(2, [("", "Nông nghiệp", "tỷ đồng", "40", "44")])
    sub_row = _piece(2, [("", "- Trong đó: nông nghiệp", "", "", "")])
    heading = _piece(2, [("", "Chia ra:", "", "", "")])
    # a heading of the rows below, at the top of the page, opens with a capital
    group = _piece(2, [("", "Phân theo giới tính", "", "", ""), ("", "Nam", "%", "51", "52")])
    district = _piece(2, [("", "HUYỆN BÌNH SƠN", "", "", ""), ("1", "Xã Bình Thạnh", "người", "10", "11")])
    for second in (numbered, with_figures, sub_row, heading, group, district):
        (joined,) = join_continued([first, second])
        assert len(joined.rows) == 1 + len(second.rows)
        assert joined.rows[0] == first.rows[0]
