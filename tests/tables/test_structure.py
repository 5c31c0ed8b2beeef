"""Geometry and structure without OCR: rules → grid with spans, header rows → paths, joins."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.tables.grid import Grid, GridCell, build_grid, find_regions, header_band_rows
from sohoa.tables.join import join_continued
from sohoa.ingest.geometry import find_rules, rule_masks, rule_skew, straighten, table_grids
from sohoa.tables.records import Table
from sohoa.tables.structure import flatten_header, header_row_count, table_from_cells
from sohoa.tables.tidy import split_period, tidy_rows


def _ruled_page(dotted_inner: bool = False, skew: float = 0.0) -> np.ndarray:
    """A two-level header (TT, Chỉ tiêu, 'Năm' over 2 years) and 3 body rows; no text needed."""
    image = Image.new("L", (1400, 900), 255)
    draw = ImageDraw.Draw(image)
    xs = [100, 200, 700, 950, 1200]
    ys = [100, 170, 240, 320, 400, 480]
    for y in (ys[0], ys[2], ys[5]):
        draw.rectangle([xs[0], y, xs[-1], y + 2], fill=0)
    draw.rectangle([xs[2], ys[1], xs[-1], ys[1] + 2], fill=0)  # the shorter header rule
    for y in ys[3:5]:
        if dotted_inner:
            for x in range(xs[0], xs[-1], 9):
                draw.rectangle([x, y, x + 3, y + 2], fill=0)
        else:
            draw.rectangle([xs[0], y, xs[-1], y + 2], fill=0)
    for x in xs:
        top = ys[1] if x == xs[3] else ys[0]
        draw.rectangle([x, top, x + 2, ys[5]], fill=0)
    if skew:
        image = image.rotate(skew, resample=Image.BILINEAR, fillcolor=255)
    return np.asarray(image)


def _regions(page: np.ndarray):
    """The page's table regions as the table step finds them: the grids of its long rules,
    read in its rule masks."""
    masks = rule_masks(page, dpi=300)
    return masks, find_regions(masks, table_grids(find_rules(page)[0]), dpi=300)


@pytest.mark.parametrize("dotted", [False, True])
def test_grid_with_spans_and_a_shorter_header_rule(dotted):
    masks, (region,) = _regions(_ruled_page(dotted))
    grid = build_grid(masks, region, dpi=300)
    assert (grid.n_rows, grid.n_cols) == (5, 4)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans[(0, 0)] == (2, 1)  # TT spans both header rows
    assert spans[(0, 2)] == (1, 2)  # 'Năm' spans the two year columns
    assert spans[(1, 2)] == (1, 1) and spans[(1, 3)] == (1, 1)
    assert len(grid.cells) == 4 * 3 + 2 + 1 + 2


def test_header_band_covers_a_two_level_header():
    masks, regions = _regions(_ruled_page())
    grid = build_grid(masks, regions[0], dpi=300)
    assert header_band_rows(grid) == 2  # TT spans two rows; the years sit under 'Năm'


def _plain_grid(n_rows: int, n_cols: int, spans: dict) -> Grid:
    cells = []
    covered = set()
    for (r, c), (rs, cs) in spans.items():
        covered |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
        cells.append(GridCell(r, c, rs, cs, (0, 0, 1, 1)))
    cells += [GridCell(r, c, 1, 1, (0, 0, 1, 1)) for r in range(n_rows) for c in range(n_cols) if (r, c) not in covered]
    return Grid(tuple(range(n_cols + 1)), tuple(range(n_rows + 1)), tuple(cells))


def test_header_band_is_one_row_without_spans_and_ignores_group_rows():
    assert header_band_rows(_plain_grid(6, 5, {})) == 1
    # a group title spanning the table under the header announces no level of labels
    assert header_band_rows(_plain_grid(6, 5, {(1, 1): (1, 4)})) == 1
    # a label over two of five columns does
    assert header_band_rows(_plain_grid(6, 5, {(0, 2): (1, 2)})) == 2


def test_skew_is_measured_and_removed():
    page = _ruled_page(skew=1.5)
    angle = rule_skew(page)
    assert abs(abs(angle) - 1.5) < 0.3
    masks, regions = _regions(straighten(page, angle))
    grid = build_grid(masks, regions[0], dpi=300)
    assert (grid.n_rows, grid.n_cols) == (5, 4)


def test_rules_of_a_warped_scan_that_stray_from_their_mean_position_still_part_cells():
    # a photocopied list (as QĐ 1380's landscape pages): the first inner rule leans 24 px over
    # the table and a row rule sags 24 px across it, so each strays up to 12 px from its mean
    # position at its ends; every lattice cell stays one cell
    image = Image.new("L", (1600, 1000), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = [100, 250, 400, 1000, 1500], [100, 230, 360, 490, 620, 750, 880]
    for y in ys:
        sag = 24 if y == ys[2] else 0
        draw.line([(xs[0], y), (xs[-1], y + sag)], fill=0, width=5)
    for x in xs:
        lean = 24 if x == xs[1] else 0
        draw.line([(x + lean, ys[0]), (x, ys[-1])], fill=0, width=5)
    masks, (region,) = _regions(np.asarray(image))
    grid = build_grid(masks, region, dpi=300)
    assert (grid.n_rows, grid.n_cols) == (6, 4)
    assert all(c.rowspan == c.colspan == 1 for c in grid.cells)


def test_blank_page_has_no_regions():
    assert _regions(np.full((800, 800), 255, np.uint8))[1] == []


def test_a_stamp_sized_box_and_a_lone_frame_are_no_table_region():
    image = Image.new("L", (1600, 1000), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle([100, 100, 400, 200], outline=0, width=4)  # an inch wide: a received stamp's box
    draw.rectangle([100, 400, 1500, 800], outline=0, width=4)  # a frame with no rule inside
    masks, regions = _regions(np.asarray(image))
    assert len(table_grids(find_rules(np.asarray(image))[0])) == 2 and regions == []


def _cells():
    return [
        (0, 0, 2, 1, "TT"), (0, 1, 2, 1, "Chỉ tiêu"), (0, 2, 1, 2, "Năm thực hiện"),
        (1, 2, 1, 1, "2021"), (1, 3, 1, 1, "2022"),
        (2, 0, 1, 1, "1"), (2, 1, 1, 1, "GRDP"), (2, 2, 1, 1, "6,5"), (2, 3, 1, 1, "7"),
    ]


def test_header_rows_and_paths():
    cells = _cells()
    assert header_row_count(3, cells) == 2
    header = flatten_header(4, [c for c in cells if c[0] < 2])
    assert header == ["TT", "Chỉ tiêu", "Năm thực hiện | 2021", "Năm thực hiện | 2022"]


def test_a_table_starting_with_body_rows_has_no_header():
    cells = [(0, 0, 1, 1, "7"), (0, 1, 1, 1, "Thu"), (0, 2, 1, 1, "6.500"), (1, 0, 1, 1, "8"),
             (1, 1, 1, 1, "Chi"), (1, 2, 1, 1, "12")]
    table = table_from_cells("d", 2, 1, 2, 3, [c + (90.0,) for c in cells], None, "ruled")
    assert not table.has_header and len(table.rows) == 2


def test_group_title_spanning_the_table_is_a_section_even_if_ocr_reads_I_as_1():
    table = Table("d", 1, 1, ("TT", "Chỉ tiêu", "ĐVT", "2023"),
                  (("1", "Kinh tế", "", ""), ("1", "GRDP", "%", "6,5")), spans=((0, 1, 1, 3),))
    (obs,) = tidy_rows(table)
    assert obs["section"] == "I. Kinh tế" and obs["indicator"] == "GRDP" and obs["value"] == "6.5"


@pytest.mark.parametrize("path, expected", [
    ("Năm thực hiện | 2021", ("Năm thực hiện", "2021")),
    ("Chỉ tiêu tỉnh năm 2023", ("Chỉ tiêu tỉnh", "2023")),
    ("Kế hoạch 2021-2025", ("Kế hoạch", "2021-2025")),
    ("Đánh giá", ("Đánh giá", "")),
    ("Năm 2022", ("", "2022")),
    ("Số 12.2023 khác", ("Số 12.2023 khác", "")),
])
def test_period_split(path, expected):
    assert split_period(path) == expected


def _piece(page, header, rows, has_header=True, index=1):
    return Table("d", page, index, header, rows, has_header=has_header, source="ruled")


def test_continued_tables_are_joined():
    header = ("TT", "Chỉ tiêu", "2023")
    first = _piece(1, header, (("1", "A", "1"), ("2", "B", "2")))
    without_header = _piece(2, ("Cột 1", "Cột 2", "Cột 3"), (("3", "C", "3"),), has_header=False)
    repeated = _piece(3, header, (("4", "D", "4"),))
    (joined,) = join_continued([repeated, without_header, first])
    assert joined.pages == (1, 2, 3) and len(joined.rows) == 4
    assert [o["page"] for o in tidy_rows(joined)] == [1, 1, 2, 3]


def test_a_new_table_on_the_next_page_is_not_joined():
    header = ("TT", "Chỉ tiêu", "2023")
    first = _piece(1, header, (("1", "A", "1"),))
    restart = _piece(2, header, (("1", "X", "9"),))
    other_shape = _piece(3, ("TT", "Tên"), (("5", "Y"),), has_header=False)
    assert len(join_continued([first, restart, other_shape])) == 3


def test_a_continued_list_of_people_starts_with_body_rows():
    from sohoa.tables.structure import header_row_count

    # a page of a list continued without its header: overall number, number in group, words
    cells = [(0, 0, 1, 1, "88"), (0, 1, 1, 1, "9,"), (0, 2, 1, 1, "Đào Văn Song"),
             (0, 3, 1, 1, "Đội viên Du kích"), (1, 0, 1, 1, "89"), (1, 1, 1, 1, "10."),
             (1, 2, 1, 1, "Đàm Văn Tuyển"), (1, 3, 1, 1, "Đội viên Du kích")]
    assert header_row_count(2, cells) == 0
    dated = [(0, 0, 1, 1, "19"), (0, 1, 1, 1, "Nguyễn Anh Sô"), (0, 2, 1, 1, "07/9/1980"),
             (1, 0, 1, 1, "20"), (1, 1, 1, 1, "Đinh Khiêm"), (1, 2, 1, 1, "06/3/1951")]
    assert header_row_count(2, dated) == 0


def test_a_column_cut_by_a_stray_stroke_is_put_back():
    from sohoa.tables.structure import table_from_cells

    cells = [(0, 0, 1, 1, "STT", 90.0), (0, 1, 1, 2, "Nguyên quán", 90.0), (0, 3, 1, 1, "Ngày", 90.0),
             (0, 4, 1, 1, "Ghi chú", 90.0)]
    for r in range(1, 6):
        cells += [(r, 0, 1, 1, str(r), 90.0), (r, 1, 1, 1, f"Xã {r}", 90.0), (r, 2, 1, 1, "", 100.0),
                  (r, 3, 1, 1, f"0{r}/5/1950", 90.0), (r, 4, 1, 1, "x" if r == 1 else "", 90.0)]
    table = table_from_cells("d", 1, 1, 6, 5, cells, None, "ruled")
    assert table.header == ("STT", "Nguyên quán", "Ngày", "Ghi chú")
    assert table.rows[0] == ("1", "Xã 1", "01/5/1950", "x")


def test_a_continuation_page_whose_first_rows_were_taken_for_a_header_is_joined():
    from sohoa.tables.join import join_continued
    from sohoa.tables.records import Table

    first = Table("d", 1, 1, ("STT", "TT", "Họ tên"), (("1", "1.", "A"), ("2", "2.", "B")), ((90.0,) * 3,) * 2, source="ruled")
    second = Table("d", 2, 1, ("76 4. | 77 5.", "4. | 5.", "C | D"), (("78", "6.", "E"),), ((90.0,) * 3,), source="ruled")
    (joined,) = join_continued([first, second])
    assert joined.pages == (1, 2)
    assert joined.rows[2:] == (("76 4.", "4.", "C"), ("77 5.", "5.", "D"), ("78", "6.", "E"))
    assert len(joined.confidences) == len(joined.rows)


def test_cell_alternatives_follow_their_cells_through_stray_columns_and_joins():
    from sohoa.tables.api import table_sidecar

    # (row, col, rowspan, colspan, text, conf, alternatives); column 3 is a stray cut of column 2
    cells = [(0, 0, 1, 1, "TT", 95.0), (0, 1, 1, 1, "Chỉ tiêu", 95.0), (0, 2, 1, 2, "Năm 2023", 95.0),
             (1, 0, 1, 1, "1", 95.0), (1, 1, 1, 1, "GRDP", 96.0, (("GRDB", 0.2),)),
             (1, 2, 1, 1, "151.513", 85.0, (("181.513", 0.33),)), (1, 3, 1, 1, "", 100.0),
             (2, 0, 1, 1, "2", 60.0), (2, 1, 1, 1, "Thu ngân sách", 97.0), (2, 2, 1, 1, "4,5", 96.0)]
    table = table_from_cells("d", 1, 1, 3, 4, cells, (0, 0, 10, 10), "ruled")
    assert table.header == ("TT", "Chỉ tiêu", "Năm 2023")
    assert table.alternatives == (((), (("GRDB", 0.2),), (("181.513", 0.33),)), ((), (), ()))
    second = table_from_cells("d", 2, 1, 1, 3, [(0, 0, 1, 1, "3", 90.0), (0, 1, 1, 1, "Xuất khẩu", 92.0),
                                               (0, 2, 1, 1, "7,1", 70.0, (("7,7", 0.6),))], None, "ruled")
    (joined,) = join_continued([table, second])
    assert len(joined.alternatives) == len(joined.rows) == 3
    assert joined.alternatives[2][2] == (("7,7", 0.6),)
    sidecar = table_sidecar(joined)
    assert [(u["row"], u["column"], u["text"]) for u in sidecar["uncertain_cells"]] == [
        (1, "Chỉ tiêu", "GRDP"), (1, "Năm 2023", "151.513"), (2, "TT", "2"), (3, "Năm 2023", "7,1")]
    assert sidecar["uncertain_cells"][1]["alternatives"] == [["181.513", 0.33]]
    assert sidecar["uncertain_cells"][2] == {"row": 2, "column": "TT", "text": "2", "confidence": 60.0,
                                             "alternatives": []}
    # text input: no OCR, nothing uncertain
    text_table = Table("d", 1, 1, ("Chỉ tiêu", "2023"), (("GRDP", "6,5"),), ((50.0, 50.0),), source="text")
    assert table_sidecar(text_table)["uncertain_cells"] == []


def test_a_row_cut_by_a_stray_line_under_its_first_line_is_put_back_together():
    # QĐ 1380 p. 7: a dashed line under the first line of row 56 was taken for a rule in the
    # columns where it is dense; below it only the wrapped end of the place ('Quảng Nam')
    header = [(0, c, 1, 1, t, 95.0) for c, t in enumerate(["STT", "TT", "Họ tên", "Đơn vị", "Quê quán", "Ngày"])]
    body = [(1, 0, 2, 1, "56", 90.0), (1, 1, 2, 1, "55.", 90.0), (1, 2, 2, 1, "Trần Ái", 90.0),
            (1, 3, 1, 1, "Chiến sĩ huyện đội Hoà Vang", 90.0), (1, 4, 1, 1, "Xã Điện Thọ, huyện Điện Bàn, tỉnh", 90.0),
            (1, 5, 2, 1, "26/02/1966", 90.0), (2, 3, 1, 1, "", 100.0), (2, 4, 1, 1, "Quảng Nam", 80.0),
            (3, 0, 1, 1, "57", 90.0), (3, 1, 1, 1, "56.", 90.0), (3, 2, 1, 1, "Võ Ngọc Tuyên", 90.0),
            (3, 3, 1, 1, "Tổ trưởng trinh sát", 90.0), (3, 4, 1, 1, "Xã Cẩm Kim", 90.0), (3, 5, 1, 1, "1950", 90.0)]
    table = table_from_cells("d", 7, 1, 4, 6, header + body, None, "ruled")
    assert [row[0] for row in table.rows] == ["56", "57"]
    assert table.rows[0][4] == "Xã Điện Thọ, huyện Điện Bàn, tỉnh Quảng Nam"
    assert table.confidences[0][4] == 80.0 and table.spans == ()
    # the line also crossed the TT column (p. 9): an empty TT cell of its own, the same
    body[6:8] = [(2, 0, 1, 1, "", 100.0), (2, 3, 1, 1, "| -", 40.0), (2, 4, 1, 1, "Quảng Nam", 80.0)]
    body[0] = (1, 0, 1, 1, "56", 90.0)
    table = table_from_cells("d", 7, 1, 4, 6, header + body, None, "ruled")
    assert [row[0] for row in table.rows] == ["56", "57"] and table.rows[0][3] == "Chiến sĩ huyện đội Hoà Vang"


def test_a_second_unit_row_under_one_tt_stays_a_row():
    header = [(0, c, 1, 1, t, 95.0) for c, t in enumerate(["TT", "Chỉ tiêu", "ĐVT", "2023"])]
    body = [(1, 0, 2, 1, "1", 90.0), (1, 1, 2, 1, "Hộ nghèo", 90.0), (1, 2, 1, 1, "%", 90.0), (1, 3, 1, 1, "2,5", 90.0),
            (2, 2, 1, 1, "hộ", 90.0), (2, 3, 1, 1, "12.000", 90.0)]
    table = table_from_cells("d", 1, 1, 3, 4, header + body, None, "ruled")
    assert table.rows == (("1", "Hộ nghèo", "%", "2,5"), ("", "", "hộ", "12.000"))


def test_a_stamp_sized_ruled_box_is_no_table():
    from sohoa.ingest.records import PageImage
    from sohoa.tables.page import find_tables_on_page

    # a received stamp: a 2 x 3 ruled box of 2.2 by 0.8 inches in the top corner of an A4 page
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for y in (600, 680, 760, 840):
        draw.rectangle([60, y, 720, y + 3], fill=0)
    for x in (60, 300, 720):
        draw.rectangle([x, 600, x + 3, 843], fill=0)
    assert find_tables_on_page(PageImage("d", 1, np.asarray(image), 300)) == []


def test_a_continuation_page_whose_first_row_number_is_misread_starts_with_body_rows():
    # the second page of a continued table without its header: row 7's TT read as 'Vú'
    cells = [(0, 0, 1, 1, "Vú"), (0, 1, 1, 1, "Tỷ lệ huy động trẻ em đi nhà trẻ"), (0, 2, 1, 1, "ha"),
             (0, 3, 1, 1, "883.457"), (0, 4, 1, 1, ">21"), (1, 0, 1, 1, "8"), (1, 1, 1, 1, "Thu nội địa"),
             (1, 2, 1, 1, "tỷ đồng"), (1, 3, 1, 1, "12,5"), (1, 4, 1, 1, "13")]
    assert header_row_count(2, cells) == 0
    # a header row of labels and year spans stays a header
    header = [(0, 0, 1, 1, "TT"), (0, 1, 1, 1, "Chỉ tiêu"), (0, 2, 1, 1, "ĐVT"), (0, 3, 1, 1, "2021-2025"),
              (0, 4, 1, 1, "2026"), (1, 0, 1, 1, "1"), (1, 1, 1, 1, "GRDP"), (1, 2, 1, 1, "%"), (1, 3, 1, 1, "6,5"),
              (1, 4, 1, 1, "7")]
    assert header_row_count(2, header) == 1


@pytest.mark.parametrize("angle", [0.0, 0.03, 0.4, -1.2, 2.5])
def test_page_words_move_with_the_straightened_page(angle):
    import cv2

    from sohoa.ingest.geometry import straighten
    from sohoa.ingest.records import OcrWord
    from sohoa.tables.page import turned_words

    page = np.full((400, 600), 255, np.uint8)
    cv2.rectangle(page, (100, 280), (140, 300), 0, -1)  # a word's ink
    moved = turned_words([OcrWord("chữ", 90.0, (100, 280, 141, 301))], page.shape, angle)[0]
    ys, xs = np.nonzero(straighten(page, angle) < 128)
    assert abs((moved.x0 + moved.x1) / 2 - (xs.min() + xs.max() + 1) / 2) <= 1.5
    assert abs((moved.y0 + moved.y1) / 2 - (ys.min() + ys.max() + 1) / 2) <= 1.5
    assert (moved.x1 - moved.x0, moved.y1 - moved.y0) == (41, 21)


def test_a_grid_inside_a_table_s_frame_is_the_same_table():
    # a worn scan broke the middle rows' rules where they cross the columns: the reading order
    # sees a grid inside the frame's grid; the table step reads one table
    from sohoa.ingest.records import Grid as RuleGrid

    image = Image.new("L", (1600, 1000), 255)
    draw = ImageDraw.Draw(image)
    for y in (100, 200, 800):
        draw.line([(100, y), (1500, y)], fill=0, width=4)
    for x in (100, 400, 1000, 1500):
        draw.line([(x, 100), (x, 800)], fill=0, width=4)
    masks = rule_masks(np.asarray(image), dpi=300)
    frame = RuleGrid(98, 98, 1502, 802, (100, 200, 800), ((100, 100, 800), (400, 100, 800), (1500, 100, 800)))
    inner = RuleGrid(398, 300, 1002, 600, (300, 600), ((400, 300, 600), (1000, 300, 600)))
    (region,) = find_regions(masks, [frame, inner], dpi=300)
    # bounded by the rules' own pixels (lines 4 pixels wide about x, y = 100 and 1500, 800), 4 pixels of page beyond
    assert (region.x0, region.y0, region.x1, region.y1) == (94, 94, 1509, 809)
