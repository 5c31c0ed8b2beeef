"""Borderless tables: an indicator column and one value column, names wrapped round their figures, tables set tightly."""

import random

import numpy as np
import pytest

from sohoa.ingest.records import OcrWord
from sohoa.tables.borderless import _column_count, _figures_column, _Line

H = 30  # text height, px


def _line(*spans):
    return _Line([OcrWord("", 0.0, (x0, 100, x1, 100 + H)) for x0, x1 in spans])


def test_two_phrases_count_as_two_columns_only_across_a_wide_gutter():
    assert _column_count(_line((100, 300), (320, 500), (1800, 1900)), gap=H, height=H) == 2
    assert _column_count(_line((100, 300), (320, 500), (560, 700)), gap=H, height=H) == 1  # a wide word space
    assert _column_count(_line((100, 300), (400, 500), (900, 1000)), gap=H, height=H) == 3


def test_indicator_and_figures_make_a_table():
    rows = [["Tỷ lệ hộ nghèo", "3,5"], ["Thu nội địa", "1.234"], ["GRDP bình quân", "-"],
            ["Số bác sỹ trên vạn dân", "12,4"]]
    assert _figures_column(rows)


@pytest.mark.parametrize("rows", [
    # letterhead: agency and number on the left, motto and date on the right
    [["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["TỈNH TRÀ VINH", "Độc lập - Tự do - Hạnh phúc"],
     ["Số: 125/KH-UBND", "Trà Vinh, ngày 15 tháng 02 năm 2023"]],
    # a table of contents: page numbers never go down
    [["Chương I. Quy định chung", "3"], ["Chương II. Nhiệm vụ", "7"], ["Chương III. Tổ chức thực hiện", "12"]],
    # two figures only
    [["Tổng thu", "12"], ["Thu nội địa", "Đạt"], ["Ghi chú", "Không"], ["Nguồn", "Cục Thống kê"]],
    # numbers on the left, words on the right
    [["12", "Sở Y tế"], ["13", "Sở Tài chính"], ["14", "Cục Thống kê"]],
])
def test_two_columns_that_are_no_indicator_table(rows):
    assert not _figures_column(rows)


@pytest.mark.integration
def test_two_column_borderless_page_read_and_prose_page_left_alone():
    from sohoa.ingest.records import PageImage
    from sohoa.synth.render import Closing, OfficialHeader, render_document
    from sohoa.synth.tables_render import render_table_page
    from sohoa.tables.page import find_tables_on_page

    page = render_table_page("borderless_two", seed=1)
    tables = find_tables_on_page(PageImage("t", 1, np.asarray(page.image), 300))
    assert len(tables) == 1 and len(tables[0].header) == 2
    truth = page.tables[0].rows
    assert sum(a[0] == b[0] and a[1] == b[1] for a, b in zip(tables[0].rows, truth)) >= len(truth) - 2

    text = ("Năm 2023, tổng thu ngân sách nhà nước trên địa bàn đạt 1.234 tỷ đồng, tăng 12,5% so với cùng kỳ; "
            "tỷ lệ hộ nghèo giảm còn 3,2%. ") * 6
    prose = render_document([text, text], header=OfficialHeader.random(random.Random(3), ("BÁO CÁO",)),
                            closing=Closing(), level="clean", seed=3, max_pages=1)
    assert find_tables_on_page(PageImage("p", 1, np.asarray(prose[0].image.convert("L")), 300)) == []


def test_a_headerless_block_under_a_borderless_table_goes_on_with_it():
    from sohoa.tables.borderless import _goes_on, _joined
    from sohoa.tables.records import Table

    above = Table("d", 1, 1, ("TT", "Chỉ tiêu", "2021"), (("1", "A", "5"),), ((90.0,) * 3,),
                  bbox=(100, 100, 900, 400), source="borderless")
    below = Table("d", 1, 2, ("Cột 1", "Cột 2", "Cột 3"), (("2", "B", "6"),), ((90.0,) * 3,),
                  has_header=False, bbox=(100, 480, 900, 700), source="borderless")
    assert _goes_on(above, below, height=30)
    joined = _joined(above, below)
    assert joined.header == above.header and joined.rows == (("1", "A", "5"), ("2", "B", "6"))
    far = Table(**{**below.__dict__, "bbox": (100, 900, 900, 1000)})
    assert not _goes_on(above, far, height=30)


def _name_line(y0, y1, x0=200):
    """One line of a borderless block: a name's line at x 200, a TT line at x 100."""
    return _Line([OcrWord("", 0.0, (x0, y0, x0 + 300, y1))])


def _is_tt_line(line) -> bool:
    return line.words[0].x0 < 150  # a TT word sits left of 150


def test_a_name_line_above_its_tt_opens_the_next_row():
    from sohoa.tables.borderless import _opens_next_row

    line, tt = _name_line, _is_tt_line
    # row 9 (TT and figures), then row 10's first name line nearer its TT line than row 9
    block = [line(100, 130, 100), line(190, 220), line(232, 262, 100)]
    assert _opens_next_row(block, 1, tt, height=30)
    # a name's second line under its own TT line, as far from the next row as from its own
    block = [line(100, 130, 100), line(142, 172), line(230, 260, 100)]
    assert not _opens_next_row(block, 1, tt, height=30)


def _borderless_page(words):
    """An ink page of solid word blobs, and a reader giving each box the words inside it."""
    from sohoa.tables.cellocr import CellText

    ink = np.zeros((1400, 2400), np.uint8)
    for x0, y0, x1, _, _ in words:
        for start in range(x0, x1, 140):  # blobs the size of printed words, a word space apart
            ink[y0:y0 + 40, start:min(x1, start + 125)] = 255

    def read(boxes):
        out = []
        for bx0, by0, bx1, by1 in boxes:
            inside = sorted((y0, x0, text) for x0, y0, x1, _, text in words
                            if bx0 <= (x0 + x1) / 2 <= bx1 and by0 <= y0 + 20 <= by1)
            out.append(CellText(" ".join(t for _, _, t in inside), 90.0))
        return out
    return ink, read


def test_names_wrapped_round_their_figures_and_group_titles_stay_in_one_table():
    # as the browser maker sets a simple table: each name on two lines with its TT and figures
    # between them, group titles between rows, a note under the table
    from sohoa.tables.borderless import find_borderless_tables

    words = [(250, 100, 300, 0, "TT"), (600, 100, 760, 0, "Chỉ tiêu"), (1250, 100, 1370, 0, "Đơn vị"),
             (1560, 100, 1650, 0, "2019"), (1830, 100, 1920, 0, "2020"), (2100, 100, 2190, 0, "2021")]
    y = 190
    for group, rows in (("I", (1, 2)), ("II", (3, 4))):
        words += [(216 if group == "II" else 230, y, 255, 0, group), (350, y, 640, 0, "Chỉ tiêu nhóm " + group)]
        y += 90
        for n in rows:
            words += [(350, y, 900, 0, f"Tên chỉ tiêu số {n} phần đầu"), (258, y + 30, 285, 0, str(n)),
                      (1250, y + 30, 1370, 0, "tỷ đồng"), (1600, y + 30, 1730, 0, f"{n}1,5"),
                      (1870, y + 30, 1999, 0, f"{n}2,5"), (2140, y + 30, 2268, 0, f"{n}3,5"),
                      (350, y + 60, 800, 0, "phần cuối")]
            y += 140
    words.append((200, y + 40, 2200, 0, "Ghi chú: số liệu năm cuối là số ước thực hiện"))
    ink, read = _borderless_page(words)
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.header == ("TT", "Chỉ tiêu", "Đơn vị", "2019", "2020", "2021")
    assert [row[0] for row in table.rows] == ["I", "1", "2", "II", "3", "4"]
    assert table.rows[1][1] == "Tên chỉ tiêu số 1 phần đầu phần cuối"
    assert table.rows[5][1:] == ("Tên chỉ tiêu số 4 phần đầu phần cuối", "tỷ đồng", "41,5", "42,5", "43,5")


def test_in_a_table_without_padding_a_name_line_goes_with_the_nearer_row():
    from sohoa.tables.borderless import _opens_next_row

    line, tt = _name_line, _is_tt_line
    # no white between rows: row 6 (two name lines round its TT), row 7's first name line,
    # row 7's TT line with its second name line; the gaps tell nothing, the middles do
    block = [line(60, 160, 100), line(160, 190), line(188, 240, 100)]
    assert _opens_next_row(block, 1, tt, height=30)
    # a name set from the top of its row: its second line is as near its own TT line
    block = [line(60, 100, 100), line(100, 130), line(130, 170, 100)]
    assert not _opens_next_row(block, 1, tt, height=30)


def test_a_name_column_set_close_to_its_unit_column_stays_apart():
    # names wrapped at their column's edge end 28 px (about half a word box's height) from the units
    from sohoa.tables.borderless import find_borderless_tables

    words = [(250, 100, 300, 0, "TT"), (600, 100, 760, 0, "Chỉ tiêu"), (1250, 100, 1370, 0, "ĐVT"),
             (1560, 100, 1650, 0, "2021"), (1830, 100, 1920, 0, "2022"), (2100, 100, 2190, 0, "2023")]
    for n in range(1, 7):
        y = 110 + 60 * n
        words += [(258, y, 285, 0, str(n)), (350, y, 1222 if n % 2 else 900, 0, f"Tên chỉ tiêu {n}"),
                  (1250, y, 1420, 0, "giường bệnh"), (1600, y, 1730, 0, f"{n}1,5"),
                  (1870, y, 1999, 0, f"{n}2,5"), (2140, y, 2268, 0, f"{n}3,5")]
    ink, read = _borderless_page(words)
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.n_columns == 6 and table.rows[0][1:3] == ("Tên chỉ tiêu 1", "giường bệnh")


def test_scraps_scattered_over_narrow_columns_are_no_table():
    from sohoa.tables.borderless import _has_column_of_figures

    # what a seal and handwriting on a 1999 decision read as: a few digits in many columns
    scraps = [["b) Ông, bà: Nông", "- Dự", "1h", "Hi", "tân", "CÓ tì", "ác", "*h1", "1", "L"],
              ["LỄ... ^ ĐA", "¬", "_1_", "rà", "-", "", "-~", "LIÊN", "1", "`"],
              ["màu. công khai", "huy", "rời", "ìứ", "iếu", "có) \\", "rà", "nội", "2 tiền", "đ"],
              ["_ 1 1 ° 1!", "2.", "`", "-", "“4", "— ÁN", "ư®", "-", "", "'"]]
    assert not _has_column_of_figures(scraps)
    table = [["I", "Chỉ tiêu kinh tế", "", "", ""], ["1", "GRDP", "%", "6,5", "7"], ["2", "Thu ngân sách", "tỷ đồng", "-", "1.234"],
             ["II", "Chỉ tiêu xã hội", "", "", ""], ["3", "Hộ nghèo", "%", "2,1", "Dưới 2"]]
    assert _has_column_of_figures(table)


# a table set tightly: columns parted by little more than a word space
TIGHT_HEADER = [(250, 300, 300, 0, "TT"), (600, 300, 760, 0, "Chỉ tiêu"), (1050, 300, 1150, 0, "ĐVT"),
          (1260, 300, 1350, 0, "2021"), (1460, 300, 1550, 0, "2022")]


def _tight_page(note_under: bool = True):
    """A paragraph, then a table whose first four rows fill their columns to 16 px of each
    other (a word space: the lines read as one phrase), whose last four leave room, and a
    note set close under the last row."""
    words = [(200, 100, 2200, 0, "Năm qua, trong bối cảnh còn nhiều khó khăn, tỉnh đã tập trung"),
             (200, 170, 2200, 0, "lãnh đạo thực hiện đồng bộ các nhiệm vụ như sau:")] + TIGHT_HEADER
    for n in range(1, 9):
        y = 310 + 70 * n
        tight = n <= 4
        words += [(255, y, 280, 0, str(n)), (350, y, 1000, 0, f"Tên chỉ tiêu {n}"),
                  (1016, y, 1200, 0, "tỷ đồng") if tight else (1080, y, 1140, 0, "ha"),
                  (1216, y, 1400, 0, f"{n}11,5") if tight else (1300, y, 1400, 0, f"{n}1,5"),
                  (1416, y, 1600, 0, f"{n}22,5") if tight else (1500, y, 1600, 0, f"{n}2,5")]
    if note_under:
        words.append((300, 310 + 70 * 9 - 10, 1350, 0, "Ghi chú: số liệu năm cuối là ước"))
    return _borderless_page(words)


def test_a_tightly_set_table_is_read_whole_with_its_header():
    from sohoa.tables.borderless import find_borderless_tables

    ink, read = _tight_page()
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.header == ("TT", "Chỉ tiêu", "ĐVT", "2021", "2022")
    assert [row[0] for row in table.rows] == [str(n) for n in range(1, 9)]
    assert table.rows[0] == ("1", "Tên chỉ tiêu 1", "tỷ đồng", "111,5", "122,5")
    assert table.rows[7] == ("8", "Tên chỉ tiêu 8", "ha", "81,5", "82,5")  # the note stays out


def test_the_paragraph_above_a_tight_table_stays_out_of_its_header():
    from sohoa.tables.borderless import find_borderless_tables

    ink, read = _tight_page(note_under=False)
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert not any("Năm qua" in label or "như sau" in label for label in table.header)


def _line_at(*spans):
    return _Line([OcrWord("", 0.0, (x0, 100, x1, 130)) for x0, x1 in spans])


def test_a_gutter_is_parted_at_where_a_phrase_ends_or_starts_beside_it():
    from sohoa.tables.borderless import _parted_at

    gutter = (1001, 1015)
    # a name ending at the gutter, its unit further right: parted there
    assert _parted_at([_line_at((350, 1000), (1080, 1140))], gutter, gap=49) == 1
    # the white between a TT number and a centred label spans the gutter but ends far from it
    assert _parted_at([_line_at((250, 300), (1200, 1300))], gutter, gap=49) == 0
    # a word space at the gutter parts no phrases
    assert _parted_at([_line_at((350, 1000), (1016, 1140))], gutter, gap=49) == 0


def test_a_unit_wrapped_beside_a_name_line_does_not_end_the_table_early():
    from sohoa.tables.borderless import _inside

    def line(*spans):
        return _Line([OcrWord("", 0.0, (x0, 100, x1, 100 + H)) for x0, x1 in spans])

    figures = line((250, 280), (350, 1100), (1190, 1430), (1530, 1720), (1800, 2000), (2070, 2260))
    name_and_unit = line((350, 1030), (1230, 1390))  # 'giường / bệnh/vạn / dân' wrapped in its column
    lines = [figures, name_and_unit, figures]
    counts = [6, 2, 6]
    # the unit's last line under its column, and a name's wrapped line: inside the table
    assert _inside(line((1230, 1390)), lines, 0, 2, counts, H)
    assert _inside(line((350, 900)), lines, 0, 2, counts, H)
    # a note running to the last column is not
    assert not _inside(line((300, 2200)), lines, 0, 2, counts, H)


SPREADSHEET_FIGURES = ((1530, 1630, "{n}1,5"), (1800, 1900, "{n}2,5"), (2120, 2220, "10{n},2"))


def _indicator_rows(top: int, figures=SPREADSHEET_FIGURES) -> list:
    """Six body rows under a header ending at `top`: TT, an indicator's name, its unit and a
    figure in each of `figures`' columns ((left, right, form of the row number n))."""
    words = []
    for n in range(1, 7):
        y = top + 70 * n
        words += [(265, y, 290, 0, str(n)), (350, y, 900, 0, f"Tên chỉ tiêu {n}"), (1250, y, 1370, 0, "người")]
        words += [(x0, y, x1, 0, form.format(n=n)) for x0, x1, form in figures]
    return words


def _header_over_figures_page():
    """A table without vertical rules whose last two header labels are wider than the figures
    under them and set 20 px apart (less than the word gap that parts phrases), as a
    spreadsheet export centres 'Ước thực hiện 2025' beside 'So sánh (%)'."""
    words = [(250, 100, 330, 0, "STT"), (600, 100, 760, 0, "Chỉ tiêu"), (1200, 100, 1420, 0, "Đơn vị tính"),
             (1480, 100, 1680, 0, "Thực hiện 2024"), (1700, 100, 2000, 0, "Ước thực hiện 2025"),
             (2020, 100, 2300, 0, "So sánh (%)")]
    return _borderless_page(words + _indicator_rows(100))


def test_header_labels_that_nearly_touch_over_their_columns_stay_the_header():
    from sohoa.tables.borderless import find_borderless_tables

    ink, read = _header_over_figures_page()
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.has_header
    assert table.header == ("STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện 2024", "Ước thực hiện 2025", "So sánh (%)")
    assert table.rows[0] == ("1", "Tên chỉ tiêu 1", "người", "11,5", "12,5", "101,2")


def test_header_labels_wrapped_onto_two_lines_nearly_touching_keep_their_columns():
    # every label but the first two wraps: the upper line 'Đơn vị Thực hiện Ước thực hiện So
    # sánh' sets its labels 20 px apart, far wider than its word spaces, over the column cuts
    from sohoa.tables.borderless import find_borderless_tables

    labels = [(250, 330, "STT", ""), (600, 760, "Chỉ", "tiêu"), (1200, 1420, "Đơn vị", "tính"),
              (1480, 1680, "Thực hiện", "2024"), (1700, 2000, "Ước thực hiện", "2025"),
              (2020, 2300, "So sánh", "(%)")]
    words = []
    for x0, x1, upper, lower in labels:
        words.append((x0, 60, x1, 0, upper))
        if lower:
            words.append((x0, 110, x1, 0, lower))
    ink, read = _borderless_page(words + _indicator_rows(120))
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.header == ("STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện 2024", "Ước thực hiện 2025", "So sánh (%)")


def test_a_centred_title_over_a_borderless_table_stays_out_of_the_header():
    # the title's word spaces fall over two column cuts; they are no wider than its other
    # spaces, so the title stays one line of prose and not a label over the columns
    from sohoa.tables.borderless import find_borderless_tables

    words, x = [], 900
    for text, width in zip("Phụ lục: Một số chỉ tiêu chủ yếu".split(), (90, 110, 90, 60, 70, 90, 80, 70)):
        words.append((x, 20, x + width, 0, text))
        x += width + 15
    words += [(250, 100, 300, 0, "TT"), (600, 100, 760, 0, "Chỉ tiêu"), (1220, 100, 1400, 0, "Đơn vị tính"),
              (1600, 100, 1690, 0, "2019"), (1850, 100, 1940, 0, "2020"), (2100, 100, 2190, 0, "2021")]
    figures = ((1600, 1700, "{n}1,5"), (1850, 1950, "{n}2,5"), (2100, 2200, "{n}3,5"))
    ink, read = _borderless_page(words + _indicator_rows(100, figures))
    (table,) = find_borderless_tables("d", 1, ink, read)
    assert table.header == ("TT", "Chỉ tiêu", "Đơn vị tính", "2019", "2020", "2021")
    assert table.rows[0] == ("1", "Tên chỉ tiêu 1", "người", "11,5", "12,5", "13,5")
