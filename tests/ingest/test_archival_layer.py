"""The searchable PDF's text layer read back by plain pdftotext (poppler's own reading order,
no -raw): a page laid out as official letters are, with a two-column letterhead, a closing
of recipients beside the signer, and a ruled table of two-line cells, comes back in
text.txt's order, every word over its box; on a tilted scan the words of a line step with
it and the lines still come back whole and in order."""

import math
import shutil

import pytest
from hypothesis import example, given, settings, strategies as st
from PIL import Image

from sohoa.ingest.archival.check import box_agreement, page_cer, pdftotext_pages, text_words
from sohoa.ingest.archival import font, layer
from sohoa.ingest.archival.layer import (LINE_SPREAD, POOL_STEP, SEPARATION, in_grid, parted, pieces, placements, unit_sizes,
                                         units)
from sohoa.ingest.archival.searchable_pdf import searchable_pdf
from sohoa.ingest.records import enclosing_box

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
UNPARTED = tuple(layout for layout in layer.LAYOUTS if not (layout.cells or layout.rows or layout.fences or layout.columns))
"""The layouts that do not part a table's cells (nor two columns)."""

WIDTH, HEIGHT = 2480, 3508  # A4 at 300 dpi


class Page:
    """Builds a page record as the pipeline writes it: words in text order with their block
    and line, laid evenly across the span each line takes on the scan."""

    def __init__(self):
        self.words, self.roles, self.lines = [], [], 0

    def block(self, role: str, *lines: tuple[str, int, int, int, int]) -> "Page":
        """A block of text.txt: lines of (text, left, top, right, height) in pixels."""
        self.roles.append(role)
        for text, left, top, right, height in lines:
            self.lines += 1
            self._spread(text, left, top, right, height)
        return self

    def _spread(self, text: str, left: int, top: int, right: int, height: int) -> None:
        """The words of `text` on the current line, laid evenly from `left` to `right`."""
        tokens = text.split()
        gap = 0.3 * height
        unit = (right - left - gap * (len(tokens) - 1)) / sum(len(t) for t in tokens)
        x = left
        for token in tokens:
            width = unit * len(token)
            self.words.append({"text": token, "raw": token, "conf": 90.0, "line": self.lines,
                               "block": len(self.roles), "bbox": [round(x), top, round(x + width), top + height]})
            x += width + gap

    def cells(self, *cells: tuple[str, int, int, int, int]) -> "Page":
        """A table row (one text.txt line, cells joined by ' | ') of cells whose lines are
        given as (text, left, top, right, height); a cell's lines are separated by '/'."""
        self.roles.append("table")
        self.lines += 1
        for text, left, top, right, height in cells:
            for k, part in enumerate(text.split(" / ")):
                self._spread(part, left, top + k * round(1.35 * height), right, height)
        return self

    def record(self, skew: float = 0.0) -> dict:
        """The page record; `skew`: degrees the scan was turned to set its lines level (the
        words' boxes are level on the turned page, aslant on the scan)."""
        return {"page": 1, "width": WIDTH, "height": HEIGHT, "dpi": 300, "skew": skew, "rotation": 0,
                "source": "ocr", "page_label": "", "warnings": [], "block_roles": self.roles, "words": self.words}

    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


def official_letter() -> Page:
    """A letter's first page in the order the layout reads it: the letterhead's rows (agency,
    motto; number, place and date, a little lower than the number), the title, a paragraph,
    then the closing's rows (recipients beside the signer's title; the signer's name)."""
    page = Page()
    page.block("column", ("ỦY BAN NHÂN DÂN", 484, 244, 992, 52), ("TỈNH QUẢNG NGÃI", 486, 306, 990, 50))
    page.block("column", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1171, 246, 2240, 55),
               ("Độc lập - Tự do - Hạnh phúc", 1373, 315, 2037, 55))
    page.block("column", ("Số: 12", 488, 407, 664, 50))
    # the number is handwritten after signing: a wide blank before the code
    page.words.append({"text": "/CT-UBND", "raw": "/CT-UBND", "conf": 90.0, "line": page.lines,
                       "block": len(page.roles), "bbox": [733, 407, 988, 457]})
    page.block("column", ("Quảng Ngãi, ngày 20 tháng 5 năm 2021", 1244, 440, 2163, 50))
    page.block("centred", ("CHỈ THỊ", 1197, 622, 1424, 60))
    page.block("body", ("Thực hiện Nghị định số 123/2020/NĐ-CP ngày 19/10/2020 của Chính", 533, 1018, 2239, 52),
               ("phủ quy định về hóa đơn, chứng từ; theo đó, kể từ ngày 01/7/2022, các tổ chức,", 383, 1085, 2239, 52),
               ("cá nhân phải chuyển sang sử dụng hóa đơn điện tử trong giao dịch.", 385, 1152, 1900, 52))
    page.block("column", ("Nơi nhận:", 472, 1400, 685, 44), ("- Thường trực Tỉnh ủy;", 459, 1454, 1024, 44),
               ("- Thường trực HĐND tỉnh;", 459, 1507, 952, 44), ("- CT, PCT UBND tỉnh;", 458, 1560, 883, 44),
               ("- Các Sở, ban ngành tỉnh;", 457, 1613, 921, 44), ("- Lưu: VT, KT.", 453, 1666, 871, 44))
    page.block("column", ("CHỦ TỊCH", 1734, 1405, 2004, 56))
    page.block("column", ("Đặng Văn Minh", 1662, 1865, 2064, 52))
    return page


def ruled_table() -> Page:
    """A paragraph and a ruled table read row by row, cell by cell, whose cells hold two lines."""
    page = Page()
    page.block("body", ("Tiến độ thực hiện các nội dung như sau:", 330, 400, 1400, 48))
    page.cells(("TT", 390, 600, 450, 46), ("Nội dung công việc", 700, 600, 1120, 46),
               ("Thời gian", 1400, 600, 1600, 46), ("Đơn vị chủ trì", 1700, 600, 2050, 46))
    page.cells(("1", 395, 760, 410, 46), ("Ban hành kế hoạch; rà soát / danh sách sinh viên", 500, 760, 1250, 46),
               ("Trước ngày / 27/6/2026", 1400, 760, 1620, 46), ("Phòng Đào tạo; / Trung tâm QLCL", 1700, 760, 2130, 46))
    page.cells(("2", 392, 960, 410, 46), ("Chọn mẫu ngẫu nhiên, chuẩn bị / tài khoản và hướng dẫn", 500, 960, 1330, 46),
               ("Trước ngày / 30/6/2026", 1400, 960, 1620, 46), ("Trung tâm QLCL; / các khoa", 1700, 960, 2100, 46))
    page.block("body", ("Các đơn vị triển khai thực hiện kế hoạch này.", 330, 1200, 1500, 48))
    return page


def roster(rows: int = 6) -> Page:
    """A table of people as appendices to decisions list them: a header, then rows whose cells
    are read one after the other (number, name, rank of two or three lines, home town of two,
    date), the single-line cells set in the middle of their row's height."""
    page = Page()
    h = 42
    page.cells(("STT", 80, 600, 190, h), ("Họ và tên", 330, 600, 560, h), ("Cấp bậc, chức vụ, đơn vị", 800, 600, 1380, h),
               ("Nguyên quán", 1700, 600, 1980, h), ("Ngày hy sinh", 2180, 600, 2420, h))
    top = 700
    for n in range(rows):
        lines = 3 if n % 2 == 0 else 2
        middle = top + (lines * round(1.35 * h) + 30) // 2
        page.cells((f"{n + 1}.", 110, middle - h // 2, 160, h),
                   (f"Nguyễn Văn Tên{n}", 270, middle - h // 2 - 10, 600, h),
                   (" / ".join(f"Trung tá đội {n} đơn vị dòng{k} Quân khu" for k in range(lines)), 700, top + 15, 1480, h),
                   (f"Xã An{n} Sơn, huyện Phù Cừ, tỉnh / Hưng Yên{n}", 1520, middle - round(1.35 * h) // 2 - h // 2, 2100, h),
                   (f"0{n}/01/2021", 2160, middle - h // 2 + 8, 2420, h))
        top += lines * round(1.35 * h) + 30
    return page


def shifted_letterhead() -> Page:
    """A letterhead whose number is centred under the agency but whose date stands right of
    the motto's middle: no grid poppler finds, so it reads the agency's column first."""
    page = Page()
    page.block("column", ("CÔNG AN TP ĐÀ NẴNG", 239, 170, 864, 52), ("PHÒNG AN CHÍNH TRỊ NỘI BỘ", 106, 240, 979, 55))
    page.block("column", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1063, 170, 2270, 55),
               ("Độc lập - Tự do - Hạnh phúc", 1311, 248, 2037, 50))
    page.block("column", ("Số: 415 /CV-PA83", 333, 333, 754, 42))
    page.block("column", ("Đà Nẵng, ngày 26 tháng 4 năm 2018", 1429, 346, 2308, 40))
    page.block("body", ("V/v thông báo hoạt động của tổ chức", 137, 430, 954, 42), ("trên địa bàn thành phố", 300, 490, 800, 42))
    page.block("body", ("Kính gửi: Sở Giáo dục và Đào tạo thành phố Đà Nẵng;", 571, 670, 2183, 48))
    return page


def far_lined_roster(rows: int = 4, date_gap: int = 40) -> Page:
    """A roster whose home-town cells hold lines further apart than a cell's font size may
    reach (2.1 line heights, as a scan's cell of two or three lines with a wide leading), the
    rank cell close on their left and the date level with their first line on their right,
    `date_gap` pixels away."""
    page = Page()
    h, pitch, usual = 42, round(2.1 * 42), round(1.35 * 42)
    page.cells(("STT", 80, 600, 190, h), ("Họ và tên", 330, 600, 560, h), ("Cấp bậc, chức vụ, đơn vị", 800, 600, 1380, h),
               ("Nguyên quán", 1700, 600, 1980, h), ("Ngày hy sinh", 2180, 600, 2420, h))
    top = 700
    for n in range(rows):
        lines = 3 if n % 2 == 0 else 2
        height = (lines - 1) * pitch + h
        middle = top + height // 2
        start = len(page.words)
        page.cells((f"{n + 1}.", 110, middle - h // 2, 160, h), (f"Nguyễn Văn Tên{n}", 270, middle - h // 2, 600, h),
                   (f"Trung tá đội {n} đơn vị", 700, middle - h // 2, 1480, h),
                   (" / ".join(f"Xã An{n} Sơn{k}, huyện Phù Cừ" for k in range(lines)), 1520, top, 2100, h),
                   (f"0{n}/01/2021", 2100 + date_gap, top, 2420, h))
        for word in page.words[start:]:  # the home town's lines moved down to the wider pitch
            if 1520 <= word["bbox"][0] < 2100:
                shift = round((word["bbox"][1] - top) / usual) * (pitch - usual)
                word["bbox"][1] += shift
                word["bbox"][3] += shift
        top += height + 40
    return page


def spread() -> Page:
    """Two pages of a form scanned side by side, read one after the other: the left one's
    lines, then the right one's, whose heading stands higher than the left one's lower lines."""
    page = Page()
    page.block("body", *[(f"Dòng bên trái số {k} của tờ khai viết tay", 120, 300 + 70 * k, 1050, 44) for k in range(3)])
    page.block("centred", ("Ngày tháng năm 1996", 500, 560, 950, 44), ("Người làm đơn", 600, 620, 850, 44))
    page.block("body", ("XÁC NHẬN CỦA UBND PHƯỜNG NƠI CƯ TRÚ:", 120, 800, 1000, 46),
               *[(f"Ông bà đang ở tổ dân phố số {k} tại địa phương", 120, 870 + 70 * k, 1050, 44) for k in range(3)])
    page.block("body", ("XÁC NHẬN CỦA CƠ QUAN CHÍNH SÁCH", 1300, 280, 2200, 46))
    page.block("body", ("UBND HUYỆN XÉT VÀ ĐỀ NGHỊ:", 1300, 700, 2000, 46),
               *[(f"Đề nghị UBND tỉnh giao đất mục {k} cho gia đình", 1300, 770 + 70 * k, 2300, 44) for k in range(3)])
    return page


def notice() -> Page:
    """A title and two paragraphs of full-width lines."""
    lines = ["Thực hiện Nghị định số 123/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định",
             "về hóa đơn, chứng từ; theo đó, kể từ ngày 01/7/2022, các tổ chức, cá nhân phải",
             "chuyển sang sử dụng hóa đơn điện tử trong giao dịch mua bán hàng hóa, dịch vụ",
             "và thực hiện đầy đủ các quy định về kê khai, nộp thuế theo quy định hiện hành."]
    page = Page()
    page.block("centred", ("THÔNG BÁO", 1100, 300, 1400, 60))
    page.block("body", *[(text, 383, 500 + 67 * k, 2239, 52) for k, text in enumerate(lines)])
    page.block("body", *[(text, 383, 850 + 67 * k, 2239, 52) for k, text in enumerate(lines)])
    return page


def assert_read_in_order_over_boxes(pdf, page: Page, raw: bool = False) -> None:
    """pdftotext reads the page's words in text order (and in content order too, with `raw`),
    and finds every word over its box."""
    assert text_words(pdftotext_pages(pdf)[0]) == page.text().split()
    if raw:
        assert text_words(pdftotext_pages(pdf, raw=True)[0]) == page.text().split()
    good, total = box_agreement(pdf, [page.record()])
    assert good == total


def _write(tmp_path, page: Page, skew: float = 0.0):
    source = tmp_path / "scan.jpg"
    Image.new("L", (WIDTH, HEIGHT), 235).save(source, "JPEG", dpi=(300, 300), quality=60)
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [page.record(skew)]))
    return pdf


@needs_poppler
@pytest.mark.parametrize("make", [official_letter, ruled_table])
def test_plain_pdftotext_reads_the_page_in_text_order(tmp_path, make):
    page = make()
    pdf = _write(tmp_path, page)
    assert text_words(pdftotext_pages(pdf)[0]) == page.text().split()  # poppler's reading order
    assert text_words(pdftotext_pages(pdf, raw=True)[0]) == page.text().split()  # content order
    assert page_cer(pdf, page.text(), [page.record()]) == [0.0]
    good, total = box_agreement(pdf, [page.record()])
    assert good == total == len(page.words)


@needs_poppler
def test_letterhead_rows_come_out_row_by_row(tmp_path):
    text = pdftotext_pages(_write(tmp_path, official_letter()))[0]
    order = [text.index(s) for s in ("ỦY BAN", "CỘNG HÒA", "Số: 12 /CT-UBND", "Quảng Ngãi, ngày", "CHỈ THỊ")]
    assert order == sorted(order)  # agency, motto, number, date: not both left lines first
    order = [text.index(s) for s in ("- Lưu: VT, KT.", "CHỦ TỊCH", "Đặng Văn Minh")]
    assert order == sorted(order)  # the signer's title never slips in among the recipients


def close_letterhead() -> Page:
    """A letterhead whose agency and motto stand less than a line's height apart on one row
    (a photographed letter), over the number and the date."""
    page = Page()
    page.block("column", ("UBND THÀNH PHỐ ĐÀ NẴNG.", 329, 246, 1128, 58), ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", 330, 317, 1103, 60))
    page.block("column", ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1182, 248, 2221, 50),
               ("Độc lập - Tự do - Hạnh phúc", 1347, 318, 2062, 55))
    page.block("column", ("Số: 2535 /SGDĐT-CTrTT", 409, 452, 1058, 52))
    page.block("column", ("Đà Nẵng, ngày 24 tháng 5 năm 2019", 1262, 445, 2144, 50))
    page.block("body", ("Thực hiện Công văn số 2114/BGDĐT-GDCTHSSV ngày 16/5/2019 của Bộ GD&ĐT về việc", 375, 700, 2300, 50))
    return page


@needs_poppler
def test_an_agency_and_a_motto_close_on_one_row_come_out_as_two_units(tmp_path):
    # at their line heights the motto stands within a font size of the agency, and poppler
    # reads 'UBND … NẴNG. CỘNG HOÀ … NAM' as one line; the layout that lets their sizes go
    # below their line heights keeps the gap wider than a font size
    page = close_letterhead()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    agency, motto = unit_sizes(parts, groups, least=0.8)[:2]
    gap = parts[groups[1][0]].box[0] - parts[groups[0][0]].box[2]
    assert gap > max(agency, motto) and max(parts[n].height for n in groups[0]) > gap


def test_units_follow_the_blocks_and_neighbours_get_sizes_apart():
    record = official_letter().record()
    parts = pieces(record, WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    texts = [" ".join(w["text"] for n in g for w in parts[n].words) for g in groups]
    assert texts[0] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert texts[2] == "Số: 12 /CT-UBND"  # one unit, one line, the blank bridged
    recipients = next(t for t in texts if t.startswith("Nơi nhận:"))
    assert recipients.endswith("- Lưu: VT, KT.")  # one unit: beside the signer, away from the paragraph
    assert not any("Thực hiện" in t and "Nơi nhận" in t for t in texts)
    sizes = unit_sizes(parts, groups)
    agency, motto, number, date = sizes[:4]
    assert min(agency, number) * SEPARATION <= max(agency, number) + 1e-6  # one above the other
    assert min(motto, date) * SEPARATION <= max(motto, date) + 1e-6
    # a unit beside another is set large, so that the grid they form is recognised
    assert number > 1.5 * (parts[groups[2][0]].height)


def test_a_cell_of_two_lines_is_two_pieces_of_one_unit():
    record = ruled_table().record()
    parts = pieces(record, WIDTH * 72 / 300, HEIGHT * 72 / 300)
    texts = [" ".join(w["text"] for w in p.words) for p in parts]
    assert "danh sách sinh viên" in texts and "27/6/2026" in texts  # each line of a cell on its own baseline
    assert "Trước ngày" in texts and "Thời gian" in texts  # cells of one row cut apart
    cells = [" ".join(w["text"] for n in g for w in parts[n].words) for g in units(parts)]
    assert any(c.endswith("Ban hành kế hoạch; rà soát danh sách sinh viên") for c in cells)
    assert "Trước ngày 27/6/2026" in cells and "Phòng Đào tạo; Trung tâm QLCL" in cells


@needs_poppler
@pytest.mark.parametrize("skew", [-1.8, 1.8])
def test_a_tilted_page_reads_back_in_order_with_its_words_over_their_boxes(tmp_path, skew):
    # 1.8 degrees across a full line: its ends lie two thirds of a line height above and
    # below its middle on the scan; set level, the words at both ends miss their boxes
    page = notice()
    pdf = _write(tmp_path, page, skew)
    assert text_words(pdftotext_pages(pdf)[0]) == page.text().split()
    assert text_words(pdftotext_pages(pdf, raw=True)[0]) == page.text().split()
    good, total = box_agreement(pdf, [page.record(skew)])
    assert good >= 0.75 * total  # a level layer: 58 % (lines falling to the right), 62 % (rising)


@pytest.mark.parametrize("skew", [-2.6, 2.6])
def test_a_steeply_tilted_line_stays_one_piece(skew):
    # at 2.6 degrees a full line drifts by more than its height from end to end: against the
    # whole line so far its last words share too little height and would be cut off as a
    # line of their own (read after the line under it); against the words before them they
    # are still on the line
    page = notice()
    parts = pieces(page.record(skew), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    assert len(parts) == page.lines


@needs_poppler
@pytest.mark.parametrize("skew", [-2.6, 2.6])
def test_a_steeply_tilted_page_still_reads_back_in_order(tmp_path, skew):
    page = notice()
    assert text_words(pdftotext_pages(_write(tmp_path, page, skew))[0]) == page.text().split()


@needs_poppler
def test_a_level_page_keeps_every_word_over_its_box(tmp_path):
    page = notice()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)


def _placed(record: dict, first_bins: int = layer.FIRST_BINS):
    parts = pieces(record, WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    size_of = {n: size for group, size in zip(groups, unit_sizes(parts, groups)) for n in group}
    sizes = [size_of[n] for n in range(len(parts))]
    return parts, sizes, placements(parts, groups, sizes, first_bins)


def test_a_tilted_line_steps_with_the_scan_within_one_line_band():
    parts, sizes, placed = _placed(notice().record(-1.8))
    lines = [(piece, size, [y for _, y in where]) for piece, size, where in zip(parts, sizes, placed)
             if len(piece.words) > 5]
    for piece, size, baselines in lines:
        assert baselines[-1] > baselines[0]  # falling to the right, as the scan's line does
        assert max(baselines) - min(baselines) <= LINE_SPREAD * size + 1e-6  # poppler: one line
        assert baselines[0] == min(baselines)  # poppler starts the line at its first word
    for (above, size, upper), (below, _, lower) in zip(lines, lines[1:]):
        if below.box[1] > above.box[1]:
            assert min(lower) - max(upper) > 0.5 * size  # and keeps the next line apart


@pytest.mark.parametrize("first_bins", [1, layer.FIRST_BINS])
def test_a_rising_line_starts_at_its_first_word_within_the_bins_of_its_highest(first_bins):
    # poppler starts a line at the leftmost word of the first baseline bins (POOL_STEP points
    # each) from the highest down: a first word within `first_bins` bins of the highest word's
    # keeps its own baseline, and one lower is lifted only into the last of those bins, never
    # to the highest word's baseline (the layout with first_bins 1: into the highest's own bin)
    parts, sizes, placed = _placed(notice().record(1.8), first_bins)
    _, _, own = _placed(notice().record(1.8), 1000)  # every word on its own baseline, as far as the line allows
    lines = [(size, [y for _, y in where], [y for _, y in mine])
             for piece, size, where, mine in zip(parts, sizes, placed, own) if len(piece.words) > 5]
    assert lines
    for size, baselines, own_baselines in lines:
        assert baselines[-1] < baselines[0]  # rising to the right, as the scan's line does
        assert math.floor(baselines[0] / POOL_STEP) - math.floor(min(baselines) / POOL_STEP) <= first_bins - 1
        assert baselines[0] == pytest.approx(own_baselines[0]) or \
            math.floor(baselines[0] / POOL_STEP) - math.floor(min(baselines) / POOL_STEP) == first_bins - 1
        assert max(baselines) - min(baselines) <= LINE_SPREAD * size + 1e-6  # poppler: one line
    assert any(baselines[0] > min(baselines) + 0.5 for _, baselines, _ in lines)  # not all lifted to the highest
    if first_bins > 1:  # the wider window keeps more first words on their own baselines
        _, _, lifted = _placed(notice().record(1.8), 1)
        assert sum(a[0][1] != b[0][1] for a, b in zip(placed, lifted) if a) > 0


def test_a_level_page_and_a_table_stay_on_their_level_lines():
    descent = -font.DESCENT / (font.ASCENT - font.DESCENT)
    parts, _, placed = _placed(ruled_table().record(-1.8))
    for piece, where in zip(parts, placed):
        if piece.table:
            assert list(where) == list(piece.metrics)  # table rows stay level
    parts, _, placed = _placed(notice().record())
    for piece, where in zip(parts, placed):  # words of even height on a level scan: their own boxes
        for (_, top, _, bottom), (height, baseline) in zip(piece.boxes, where):
            assert height == pytest.approx(bottom - top)
            assert baseline == pytest.approx(bottom - descent * height)


def closing_title_first() -> Page:
    """A closing whose signer's title stands a little higher than the list of recipients
    beside it and is read before it (the layout reads the title on the paragraph's heels):
    the two boxes share a few pixels of height."""
    page = Page()
    page.block("body", ("Kính trình Hội đồng nhân dân tỉnh xem xét, quyết định./.", 540, 1100, 1860, 52))
    page.block("column", ("CHỦ TỊCH", 1580, 1290, 1880, 56))
    page.block("column", ("Nơi nhận:", 400, 1338, 610, 46), ("- Như trên;", 410, 1392, 600, 40),
               ("- TT Tỉnh ủy;", 410, 1446, 650, 40), ("- Lưu: VT, NC.", 410, 1500, 720, 40))
    page.block("column", ("Nguyễn Hoàng Giang", 1450, 1700, 1990, 54))
    return page


@needs_poppler
def test_a_title_read_before_the_list_beside_it_comes_out_before_it(tmp_path):
    page = closing_title_first()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)


@needs_poppler
@pytest.mark.parametrize("make", [official_letter, closing_title_first])
def test_a_dash_much_shorter_than_its_line_is_set_over_its_own_box(tmp_path, make):
    page = make()
    starts = {(w["block"], w["line"]): w for w in reversed(page.words)}.values()
    for word in starts:  # the dash that starts each line of a list: a stroke at half the letters' height
        if word["text"] == "-":
            top, bottom = word["bbox"][1], word["bbox"][3]
            word["bbox"][1] = top + round(0.55 * (bottom - top))
            word["bbox"][3] = word["bbox"][1] + 6
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page, raw=True)


@needs_poppler
def test_a_dash_starting_a_line_that_rises_stays_over_its_box(tmp_path):
    page = Page()
    page.block("body", ("- Phối hợp Sở Khoa học và Công nghệ đề xuất giải pháp", 383, 500, 2239, 52),
               ("ứng dụng trí tuệ nhân tạo trong giải quyết thủ tục hành chính.", 383, 567, 2100, 52),
               ("- Khẩn trương hoàn thiện đầy đủ các chức năng của hệ thống.", 383, 634, 2150, 52))
    for word in page.words:
        word["bbox"][3] -= 10  # letters and marks, no descender
        if word["text"] == "-":  # a stroke halfway up the small letters, close to the line's foot
            word["bbox"][1] = word["bbox"][3] - 9
            word["bbox"][3] = word["bbox"][1] + 6
        if word["text"] in ("Khoa", "năng"):  # a word read a little higher than the rest of its line
            word["bbox"][1] -= 7
            word["bbox"][3] -= 7
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page, raw=True)


def letter_with_title_close_under_the_date() -> Page:
    """A letterhead whose date has the title close under it, and under the title a subject
    line that reaches across under the number."""
    page = Page()
    page.block("column", ("ỦY BAN NHÂN DÂN", 484, 244, 992, 52), ("TỈNH QUẢNG NGÃI", 486, 306, 990, 50))
    page.block("column", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1171, 246, 2240, 55),
               ("Độc lập - Tự do - Hạnh phúc", 1373, 315, 2037, 55))
    page.block("column", ("Số: 12 /CT-UBND", 488, 420, 900, 50))
    page.block("column", ("Quảng Ngãi, ngày 20 tháng 3 năm 2018", 1244, 418, 2163, 50))
    page.block("centred", ("CHỈ THỊ", 1240, 500, 1460, 56),
               ("Về việc tăng cường công tác thi hành án dân sự", 700, 570, 2000, 50))
    page.block("body", ("Thực hiện Nghị định số 123/2020/NĐ-CP ngày 19/10/2020 của Chính", 533, 760, 2239, 52),
               ("phủ quy định về hóa đơn, chứng từ; theo đó, kể từ ngày 01/7/2022.", 383, 827, 2100, 52))
    return page


def test_a_unit_beside_another_takes_no_line_that_reaches_under_it():
    parts = pieces(letter_with_title_close_under_the_date().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = {" ".join(w["text"] for w in parts[group[0]].words): [" ".join(w["text"] for w in parts[n].words)
                                                                   for n in group] for group in units(parts)}
    date = next(t for t in groups if t.startswith("Quảng Ngãi"))
    assert groups[date] == [date, "CHỈ THỊ"]  # stacked with the title, which stays beside the number
    assert "Về việc tăng cường công tác thi hành án dân sự" in groups  # the subject starts a unit
    assert in_grid(parts, units(parts))[list(groups).index(date)]


@needs_poppler
def test_a_date_with_the_title_close_under_it_is_read_after_the_number(tmp_path):
    page = letter_with_title_close_under_the_date()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)


def _unit_spans(record: dict, placed_of) -> list[tuple[float, float]]:
    """Per unit, the (top, bottom) its words are set at by `placed_of(parts, groups, placed)`."""
    descent = -font.DESCENT / (font.ASCENT - font.DESCENT)
    parts, sizes, placed = _placed(record)
    groups = units(parts)
    placed = placed_of(parts, groups, placed)
    spans = []
    for group in groups:
        words = [layer._span(h, y, descent) for n in group for h, y in placed[n]]
        spans.append((min(t for t, _ in words), max(b for _, b in words)))
    return spans


def test_the_title_and_the_list_beside_it_are_set_apart_in_height_only_by_their_sliver():
    record = closing_title_first().record()
    before = _unit_spans(record, lambda parts, groups, placed: placed)
    after = _unit_spans(record, parted)
    title, recipients = 1, 2
    assert before[title][1] > before[recipients][0]  # the boxes share a sliver of height
    assert after[title][1] < after[recipients][0]  # set apart
    assert after[0] == before[0] and after[3] == before[3]  # the paragraph and the name stay
    # the recipients read first (poppler's own order for a list left of the title) need no parting
    page = official_letter().record()
    assert _unit_spans(page, parted) == _unit_spans(page, lambda parts, groups, placed: placed)


def test_a_title_sharing_a_whole_line_with_the_list_stays_where_it_is():
    page = closing_title_first()
    for word in page.words:  # the title level with the list's first line: no sliver, no parting
        if word["text"] in ("CHỦ", "TỊCH"):
            word["bbox"][1], word["bbox"][3] = 1336, 1386
    record = page.record()
    assert _unit_spans(record, parted) == _unit_spans(record, lambda parts, groups, placed: placed)


@needs_poppler
def test_each_page_keeps_the_layout_poppler_reads_back_as_text_txt(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import LAYOUTS, Layout

    page = official_letter()
    columns = Layout(grid=1.0)  # side-by-side units at their own size: poppler reads the letterhead by columns
    monkeypatch.setattr(writer, "LAYOUTS", (columns,))
    alone = text_words(pdftotext_pages(_write(tmp_path, page))[0])
    assert alone != page.text().split()  # the first layout alone reads the letterhead out of order
    monkeypatch.setattr(writer, "LAYOUTS", (columns, LAYOUTS[0]))
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)  # the page is laid out again
    monkeypatch.setattr(writer.shutil, "which", lambda name: None)  # no poppler: the first layout, unchecked
    assert text_words(pdftotext_pages(_write(tmp_path, page))[0]) == alone


def test_page_numbers_are_cut_into_runs_of_consecutive_pages():
    from sohoa.ingest.archival.searchable_pdf import consecutive_runs

    assert consecutive_runs([5, 1, 2]) == [[1, 2], [5]]
    assert consecutive_runs([]) == []
    for pages in ([0], [0, 1, 2, 3], [0, 2, 4], [3, 4, 9, 10, 11, 40]):
        runs = consecutive_runs(pages)
        assert [n for run in runs for n in run] == sorted(pages)
        assert all(run == list(range(run[0], run[-1] + 1)) for run in runs)
        assert all(b[0] > a[-1] + 1 for a, b in zip(runs, runs[1:]))


@needs_poppler
def test_a_layout_tried_reads_back_only_the_pages_it_is_tried_on(tmp_path, monkeypatch):
    from sohoa.ingest.archival import check
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import LAYOUTS, Layout

    page = official_letter()
    columns = Layout(grid=1.0)  # poppler reads the letterhead by columns: the page is tried again
    monkeypatch.setattr(writer, "LAYOUTS", (columns, LAYOUTS[0]))
    frames = [Image.new("L", (WIDTH, HEIGHT), 235) for _ in range(3)]
    source = tmp_path / "scan.tif"
    frames[0].save(source, save_all=True, append_images=frames[1:], dpi=(300, 300))
    texts, boxes = [], []
    real_text, real_boxes = check.pdftotext_pages, check.page_box_agreement
    monkeypatch.setattr(check, "pdftotext_pages",
                        lambda pdf, *a, **k: texts.append((k.get("first"), k.get("last"))) or real_text(pdf, *a, **k))
    monkeypatch.setattr(check, "page_box_agreement",
                        lambda pdf, records, pages=None, **k: boxes.append(list(pages)) or real_boxes(pdf, records, pages, **k))
    records = [page.record(), {"page": 2, "width": WIDTH, "height": HEIGHT, "words": []}, page.record()]
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(writer.searchable_pdf(source, "image", records))
    # the whole document once, then, for the layout tried, pages 1 and 3 each on their own:
    # never the page between
    assert texts == [(None, None), (1, 1), (3, 3)]
    assert boxes == [[0], [2], [0], [2]]
    read = pdftotext_pages(pdf)
    assert text_words(read[0]) == text_words(read[2]) == page.text().split()


@needs_poppler
def test_a_layout_that_reads_back_worse_is_not_checked_for_boxes(tmp_path, monkeypatch):
    """The -bbox pass only breaks ties: a layout whose words come back with more edits than the
    best so far cannot win, so its boxes are never counted, and the page keeps its layout."""
    from sohoa.ingest.archival import check
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import LAYOUTS, Layout

    page = official_letter()
    columns = Layout(grid=1.0)
    monkeypatch.setattr(writer, "LAYOUTS", (columns,))
    alone = _write(tmp_path, page).read_bytes()
    monkeypatch.setattr(writer, "LAYOUTS", (columns, LAYOUTS[0]))
    real_distance, real_boxes = check.word_distance, check.page_box_agreement
    reads, boxes = [], []

    def distance(got, want):  # the layout tried reads back worse than the first
        reads.append(got)
        edits, length = real_distance(got, want)
        return (edits if len(reads) == 1 else edits + length), length

    monkeypatch.setattr(check, "word_distance", distance)
    monkeypatch.setattr(check, "page_box_agreement",
                        lambda pdf, records, pages=None, **k: boxes.append(list(pages)) or real_boxes(pdf, records, pages, **k))
    laid = _write(tmp_path, page)
    assert len(reads) == 2 and boxes == [[0]]  # the first layout's boxes only
    assert text_words(pdftotext_pages(laid)[0]) == text_words(pdftotext_pages(_bytes_pdf(tmp_path, alone))[0])


@needs_poppler
def test_a_layout_that_lays_a_page_out_as_before_is_not_read_back(tmp_path, monkeypatch):
    from sohoa.ingest.archival import check
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import Layout

    page = official_letter()
    columns = Layout(grid=1.0)  # poppler reads the letterhead by columns: the page is tried again
    monkeypatch.setattr(writer, "LAYOUTS", (columns, Layout(grid=1.0)))  # the same layout twice
    reads = []
    real_text = check.pdftotext_pages
    monkeypatch.setattr(check, "pdftotext_pages", lambda pdf, *a, **k: reads.append(k.get("first")) or real_text(pdf, *a, **k))
    _write(tmp_path, page)
    assert reads == [None]  # the whole document once; the second layout's page is the first's


def _bytes_pdf(tmp_path, data: bytes):
    path = tmp_path / "alone.pdf"
    path.write_bytes(data)
    return path


def test_only_words_read_in_another_place_count_as_another_order():
    from sohoa.ingest.archival.check import misordered

    want = "Số: 04 /QĐ-BCĐ Quảng Ngãi, ngày 3 tháng 2 năm 2025 QUYẾT ĐỊNH"
    assert misordered("Quảng Ngãi, ngày 3 tháng 2 năm 2025 Số: 04 /QĐ-BCĐ QUYẾT ĐỊNH", want)
    assert not misordered(want, want)
    assert not misordered(want.replace("/QĐ-BCĐ", "/QĐBCĐ"), want)  # a hyphen joined where the line ends
    assert not misordered(want.replace("QUYẾT ĐỊNH", ""), want)  # words lost, none moved


@needs_poppler
def test_every_read_back_is_bounded_in_time(monkeypatch):
    import subprocess

    from sohoa.ingest.archival import check

    asked = []

    def hangs(args, **kwargs):
        asked.append(kwargs.get("timeout"))
        raise subprocess.TimeoutExpired(args, kwargs.get("timeout"))

    monkeypatch.setattr(check.subprocess, "run", hangs)
    for call in (lambda: check.pdftotext_pages("x.pdf"), lambda: check.page_box_agreement("x.pdf", [{}], [0])):
        try:
            call()
        except subprocess.TimeoutExpired:
            pass
    assert asked == [check.READ_BACK_TIMEOUT, check.READ_BACK_TIMEOUT]


@pytest.mark.parametrize("reader", ["pdftotext_pages", "page_box_agreement"])
@pytest.mark.parametrize("failure", ["exit", "hang"])
def test_a_read_back_that_fails_leaves_the_first_layout_and_the_pdf_written(tmp_path, monkeypatch, failure, reader):
    import subprocess

    from sohoa.ingest.archival import check
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import LAYOUTS, Layout

    page = official_letter()
    columns = Layout(grid=1.0)
    monkeypatch.setattr(writer, "LAYOUTS", (columns,))
    alone = text_words(pdftotext_pages(_write(tmp_path, page))[0])
    monkeypatch.setattr(writer, "LAYOUTS", (columns, LAYOUTS[0]))
    real_text, real = check.pdftotext_pages, getattr(check, reader)
    reads, laid = [], []

    def fails_once_laid_out_again(pdf, *args, **kwargs):  # poppler gives up on the page laid out again
        reads.append(pdf)
        laid.append(text_words(real_text(pdf)[0]))  # what the file read holds: the layout tried
        if len(reads) > 1:
            if failure == "hang":
                raise subprocess.TimeoutExpired("pdftotext", 120.0)
            raise subprocess.CalledProcessError(1, "pdftotext")
        return real(pdf, *args, **kwargs)

    monkeypatch.setattr(check, reader, fails_once_laid_out_again)
    pdf = _write(tmp_path, page)
    # one read of each kind a layout: the first layout's, then the failing one of the second
    assert len(reads) == 2
    assert laid[0] == alone and laid[1] == page.text().split()  # it failed on the page laid out again
    assert text_words(real_text(pdf)[0]) == alone  # written, in the first layout


@needs_poppler
def test_a_table_poppler_reads_column_by_column_comes_back_row_by_row(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer

    page = roster()
    monkeypatch.setattr(writer, "LAYOUTS", UNPARTED)  # the layouts that do not part a table's cells
    first = page_cer(_write(tmp_path, page), page.text(), [page.record()])[0]
    assert first > 0.1  # the name of a lower row comes before the cells right of the row above
    monkeypatch.undo()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)
    assert page_cer(pdf, page.text(), [page.record()]) == [0.0]


@needs_poppler
@pytest.mark.parametrize("layout", [layer.Layout(cells=True), layer.Layout(rows=True),
                                    layer.Layout(cells=True, rows=True)])
def test_cells_apart_or_rows_parted_each_read_the_table_row_by_row(tmp_path, monkeypatch, layout):
    from sohoa.ingest.archival import searchable_pdf as writer

    monkeypatch.setattr(writer, "LAYOUTS", (layout,))
    page = roster()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)
    marks = pdftotext_pages(pdf)[0].count(layer.ROW_MARK)
    assert marks == (len(page.roles) - 1 if layout.rows else 0)  # one mark between two rows, none else


def test_a_row_mark_is_no_word_of_the_text():
    assert text_words(f"a | b\n{layer.ROW_MARK}\nc {layer.ROW_MARK}{layer.ROW_MARK} d") == ["a", "b", "c", "d"]
    assert text_words("a\u2060b") == ["a\u2060b"]  # a joiner inside a word is part of it


def test_neighbouring_cells_get_sizes_apart_and_none_reaches_the_next_cell():
    parts = pieces(roster().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    sizes = layer.cell_sizes(parts, groups)
    assert sorted(sizes) == list(range(len(groups)))  # every unit is a cell, and each has its size
    boxes = [enclosing_box([parts[n].box for n in group]) for group in groups]
    for g, size in sizes.items():
        for k, other in sizes.items():
            if k == g:
                continue
            (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[g], boxes[k]
            gap = max(l2 - r1, l1 - r2)
            side_by_side = gap > 0 and min(b1, b2) > max(t1, t2)
            if side_by_side:
                assert gap >= layer.CELL_SPACING * size  # poppler never pulls the next cell's words in
            if side_by_side and gap <= max(size, other):
                assert max(size, other) / min(size, other) >= layer.CELL_RATIO - 1e-9


@needs_poppler
def test_a_letterhead_poppler_reads_by_columns_comes_back_row_by_row_parted_by_a_mark(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer

    page = shifted_letterhead()
    monkeypatch.setattr(writer, "LAYOUTS", UNPARTED)
    text = pdftotext_pages(_write(tmp_path, page))[0]
    assert text.index("Số: 415") < text.index("CỘNG HÒA")  # the agency's column first
    monkeypatch.undo()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)
    text = pdftotext_pages(pdf)[0]
    assert text.count(layer.ROW_MARK) == 1  # one mark, between the letterhead's two rows
    assert text.index("Hạnh phúc") < text.index(layer.ROW_MARK) < text.index("Số: 415")


@needs_poppler
def test_a_stray_block_in_the_white_between_columns_does_not_pull_a_cell_ahead(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer
    from sohoa.ingest.archival.layer import LAYOUTS

    page = roster()
    last = max(w["line"] for w in page.words)  # a rule's remnant read as a bar in the last row,
    page.words.append({"text": "|", "raw": "|", "conf": 40.0, "line": last, "block": len(page.roles),
                       "bbox": [640, 1650, 652, 1700]})  # in the white between the names and the ranks
    unfenced = [layout for layout in LAYOUTS if not (layout.fences or layout.pulled)]  # neither fenced nor drawn together
    monkeypatch.setattr(writer, "LAYOUTS", tuple(unfenced))
    assert page_cer(_write(tmp_path, page), page.text(), [page.record()])[0] > 0.01  # ranks before names
    monkeypatch.undo()
    pdf = _write(tmp_path, page)
    assert page_cer(pdf, page.text(), [page.record()]) == [0.0]
    good, total = box_agreement(pdf, [page.record()])
    assert good == total


def test_the_marks_beside_a_cell_stand_close_on_either_side_of_each_line_and_never_level():
    parts = pieces(roster().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    fences = layer.cell_fences(parts, groups)
    assert len(fences) == 2 * len(parts)  # every piece is a line of a cell
    assert all(size == layer.FENCE_SIZE for *_, size in fences)
    fences = [fence[:4] for fence in fences]
    boxes = {n: enclosing_box([parts[k].box for k in group]) for group in groups for n in group}
    for n, (left, right) in zip(range(len(parts)), zip(fences[::2], fences[1::2])):
        box = boxes[n]
        assert 0 < box[0] - left[1] < 0.1 and 0 < right[0] - box[2] < 0.1  # close beside the cell
        assert left[3] < right[2]  # the left one above the right one: no two marks level


def test_a_speck_too_close_to_a_cell_for_any_size_leaves_only_that_cell_unsized():
    page = roster()
    first_rank = next(w for w in page.words if w["text"] == "Trung")  # the first body row's rank cell
    line, block = first_rank["line"], first_rank["block"]
    speck = {"text": "'", "raw": "'", "conf": 20.0, "line": line, "block": block,  # a speck just under its first line
             "bbox": [first_rank["bbox"][0], first_rank["bbox"][3] + 2, first_rank["bbox"][0] + 6, first_rank["bbox"][3] + 8]}
    page.words.insert(page.words.index(first_rank) + 1, speck)
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    sizes = layer.cell_sizes(parts, groups)
    cells = [g for g, group in enumerate(groups) if all(parts[n].table for n in group)]
    assert 0 < len(cells) - len(sizes) <= 2  # the cell by the speck (and the speck) alone are left out


@needs_poppler
def test_two_pages_side_by_side_come_back_one_after_the_other_parted_by_a_mark(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer

    page = spread()
    monkeypatch.setattr(writer, "LAYOUTS", UNPARTED)
    assert page_cer(_write(tmp_path, page), page.text(), [page.record()])[0] > 0.01  # the right page's heading early
    monkeypatch.undo()
    pdf = _write(tmp_path, page)
    assert_read_in_order_over_boxes(pdf, page)
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    marks = layer.column_separators(parts, units(parts))
    assert len(marks) == 1
    x, top, bottom = marks[0]
    assert 1050 * 72 / 300 < x < 1300 * 72 / 300 and top <= 280 * 72 / 300 + 0.01 and bottom >= 1054 * 72 / 300 - 0.01


def test_lines_read_down_one_column_get_no_column_mark():
    parts = pieces(notice().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    assert layer.column_separators(parts, units(parts)) == []


def test_a_page_with_a_table_tries_the_table_layouts_first_and_others_keep_their_order():
    from sohoa.ingest.archival.layer import LAYOUTS
    from sohoa.ingest.archival.searchable_pdf import layouts_to_try

    assert layouts_to_try(official_letter().record()) == list(LAYOUTS)
    order = layouts_to_try(roster().record())
    assert sorted(map(repr, order)) == sorted(map(repr, LAYOUTS))  # every layout, once
    tables = [layout.cells or layout.rows or layout.fences for layout in order]
    assert tables == sorted(tables, reverse=True) and tables[0]  # the table layouts first


def test_a_dash_lower_than_its_level_line_is_set_down_over_its_own_box_inside_the_line():
    descent = -font.DESCENT / (font.ASCENT - font.DESCENT)
    dash = (92.4, 167.6, 95.2, 168.5)  # under the line's baseline, as on a tilted scan's level line
    height, baseline = layer._fitted(dash, 9.6, 166.9, 168.5 - descent * 0.9, 0.0, descent)
    top, bottom = baseline - (1 - descent) * height, baseline + descent * height
    assert layer._overlap((top, bottom), (dash[1], dash[3])) >= 0.5  # over its own box
    assert bottom <= 166.9 + descent * 9.6 + 1e-9  # never below the line's bottom: no block's edge moves
    deep = (92.4, 170.0, 95.2, 171.0)  # a speck lower than the line reaches: kept to the line's bottom
    height, baseline = layer._fitted(deep, 9.6, 166.9, 171.0 - descent * 1.0, 0.0, descent)
    assert baseline + descent * height <= 166.9 + descent * 9.6 + 1e-9


def squeezed_dots_letterhead() -> Page:
    """A letterhead whose date leaves the day and month blank, as a draft does: 'ngày...' and
    'tháng...' read by the OCR into boxes hardly wider than the words without their dots."""
    page = Page()
    page.block("column", ("HỘI ĐỒNG NHÂN DÂN", 484, 244, 992, 52), ("TỈNH QUẢNG NGÃI", 486, 306, 990, 50))
    page.block("column", ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1171, 246, 2240, 55),
               ("Độc lập - Tự do - Hạnh phúc", 1373, 315, 2037, 55))
    page.block("column", ("Số: /NQ-HĐND", 488, 407, 900, 50))
    page.block("column", ("Quảng Ngãi,", 1300, 440, 1540, 50))
    for text, left, right in (("ngày...", 1561, 1677), ("tháng...", 1783, 1918), ("năm", 2004, 2103), ("2025", 2130, 2240)):
        page.words.append({"text": text, "raw": text, "conf": 90.0, "line": page.lines, "block": len(page.roles),
                           "bbox": [left, 440, right, 490]})
    page.block("body", ("Xét Tờ trình của Ủy ban nhân dân tỉnh về việc ban hành quy định.", 383, 700, 2239, 52))
    return page


@needs_poppler
def test_a_letter_after_its_twin_is_not_dropped_from_a_squeezed_word(tmp_path):
    """Poppler drops a letter that starts within a tenth of the font size of the same letter
    before it (a fake bold's second stroke): a letterhead's large font size squeezes 'ngày...'
    into its box so far that one dot went, and pdftotext read 'ngày. .'."""
    page = squeezed_dots_letterhead()
    text = pdftotext_pages(_write(tmp_path, page))[0]
    assert "ngày..." in text.split() and "tháng..." in text.split()
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    for group, size in zip(groups, unit_sizes(parts, groups)):
        for n in group:
            for (left, right), word in zip(layer._spaced(parts[n], size), parts[n].words):
                if "..." in word["text"]:
                    assert (right - left) / len(word["text"]) >= 0.1 * size


def test_only_a_word_that_repeats_a_letter_limits_its_unit_size():
    page = Page()
    page.block("body", ("Số liệu năm 2025 của tỉnh", 300, 400, 1400, 48))
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    assert layer._twin_letters_limit(parts, [0]) == math.inf
    page = Page()
    page.block("body", ("Dự toán năm 2000 của tỉnh", 300, 400, 1400, 48))
    parts = pieces(page.record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    (left, _, right, _), = [b for b, w in zip(parts[0].boxes, parts[0].words) if w["text"] == "2000"]
    assert layer._twin_letters_limit(parts, [0]) == pytest.approx((right - left) / 4 / layer.DUPLICATE_SPACING)


def _blocks(pdf) -> list[list[str]]:
    """The words of each block poppler finds on the first page, block by block."""
    import re
    import subprocess

    layout = subprocess.run(["pdftotext", "-bbox-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    return [re.findall(r">([^<]*)</word>", block) for block in layout.split("<block")[1:]]


@needs_poppler
def test_a_cell_whose_lines_lie_further_apart_than_its_size_reaches_is_one_block_when_drawn_together(tmp_path,
                                                                                                      monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer

    page = far_lined_roster()
    home_towns = [[w["text"] for w in page.words if w["line"] == line and 1520 <= w["bbox"][0] < 2100]
                  for line in sorted({w["line"] for w in page.words})[1:]]  # each body row's home-town cell
    apart = layer.Layout(cells=True, rows=True, fences=True)
    monkeypatch.setattr(writer, "LAYOUTS", (apart,))
    blocks = _blocks(_write(tmp_path, page))
    assert not any(cell in blocks for cell in home_towns)  # every line a block of its own
    monkeypatch.setattr(writer, "LAYOUTS", (layer.Layout(cells=True, rows=True, fences=True, pulled=True),))
    pdf = _write(tmp_path, page)
    assert all(cell in _blocks(pdf) for cell in home_towns)  # each cell one block, its lines in order
    assert_read_in_order_over_boxes(pdf, page)


def test_lines_drawn_together_keep_their_baselines_inside_their_boxes_within_a_block_s_reach():
    parts = pieces(far_lined_roster().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    sizes = unit_sizes(parts, groups, cells=True, pulled=True)
    size_of = {n: size for group, size in zip(groups, sizes) for n in group}
    placed = placements(parts, groups, [size_of[n] for n in range(len(parts))])
    lifts = layer.pulls(parts, groups, sizes, placed)
    assert lifts  # some cells' lines lie further apart than their size reaches
    above = font.ASCENT / (font.ASCENT - font.DESCENT)
    for group, size in zip(groups, sizes):
        baselines = sorted(placed[n][0][1] - lifts.get(n, 0.0) for n in group)
        for upper, lower in zip(baselines, baselines[1:]):
            assert layer.APART * size - 1e-6 <= lower - upper <= layer.REACH * size + 1e-6
        for n in group:
            for height, _ in placed[n]:  # room left above and below the baseline in every word's box
                assert layer.PULL_ROOM * height - 1e-6 <= above * height - lifts.get(n, 0.0)
                assert layer.PULL_ROOM * height - 1e-6 <= (1 - above) * height + lifts.get(n, 0.0)


def test_lines_too_far_apart_to_be_drawn_together_are_left_where_they_are():
    # two lines 30 points apart, each free to move 2 points: never within 20 of each other
    assert layer._pulled([100.0, 130.0], [98.0, 128.0], [102.0, 132.0], 20.0, 5.0) is None
    assert layer._pulled([100.0, 130.0], [98.0, 118.0], [102.0, 132.0], 20.0, 5.0) == [102.0, 122.0]


def test_a_font_variant_set_higher_on_its_baseline_keeps_its_box_height():
    import pikepdf

    fonts = font.GlyphlessFonts(pikepdf.new())
    own, _ = fonts.variant(1.5)
    assert fonts.variant(1.5, font.ASCENT / (font.ASCENT - font.DESCENT))[0] == own  # the font's own share
    name, variant = fonts.variant(1.5, 0.3)
    assert name != own
    descriptor = variant.DescendantFonts[0].FontDescriptor
    assert int(descriptor.Ascent) == 450 and int(descriptor.Descent) == -1050  # 30 % of 1.5 em above the baseline
    for above in (0.05, 0.95):  # a tall box keeps both parts under the 3 em poppler ignores as broken
        descriptor = fonts.variant(font.TALLEST, above)[1].DescendantFonts[0].FontDescriptor
        assert int(descriptor.Ascent) - int(descriptor.Descent) == round(1000 * font.TALLEST)
        assert 0 < int(descriptor.Ascent) < 3000 and -3000 < int(descriptor.Descent) < 0


def test_a_one_line_cell_nearly_touching_the_cell_beside_it_is_sized_to_keep_clear_of_it():
    parts = pieces(far_lined_roster(date_gap=12).record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    dates = [g for g, group in enumerate(groups) if parts[group[0]].words[0]["text"].endswith("/01/2021")]
    gap = 12 * 72 / 300
    assert not any(g in layer.cell_sizes(parts, groups) for g in dates)  # no size of the ladder keeps clear
    sizes = layer.cell_sizes(parts, groups, pulled=True)
    for g in dates:  # poppler draws into a block the words within 0.7 of its size across
        assert parts[groups[g][0]].height / font.TALLEST <= sizes[g] and 0.7 * sizes[g] < gap



def test_tall_marks_beside_a_cell_span_half_its_line_each_never_level_and_far_smaller_than_a_cell():
    parts = pieces(roster().record(), WIDTH * 72 / 300, HEIGHT * 72 / 300)
    groups = units(parts)
    fences = layer.cell_fences(parts, groups, tall=True)
    assert len(fences) == 2 * len(parts)
    smallest = min(layer.cell_sizes(parts, groups).values())
    for piece, left, right in zip(parts, fences[::2], fences[1::2]):
        top, bottom = piece.baseline - 0.8 * piece.height, piece.baseline + 0.2 * piece.height
        middle = piece.baseline - 0.4 * piece.height
        assert top < left[2] < left[3] < middle < right[2] < right[3] < bottom  # upper half left, lower half right
        assert left[3] - left[2] > 0.3 * piece.height  # as high as the cells level with the line beside it
        for *_, size in (left, right):  # poppler joins a mark to no cell: their sizes lie far apart
            assert size < 0.4 * smallest


def holed_form_lines() -> Page:
    """Lines of a form filled in by hand: the first line's end written far to the right of its
    printed start, past a blank left empty; the line under it written across that blank."""
    page = Page()
    page.block("body", ("Căn cứ vào tình hình hiện nay", 350, 1395, 970, 44))
    page._spread("đề nghị giao đất", 1685, 1400, 2050, 44)
    page.lines += 1
    page._spread("gia đình ông bà đang ở", 360, 1460, 1100, 44)
    page._spread("tổ 12", 1247, 1465, 1435, 44)
    page.lines += 1
    page._spread("Ủy ban nhân dân thị xã nhận thấy", 355, 1530, 1460, 44)
    return page


@needs_poppler
def test_a_line_holed_by_a_wide_blank_comes_back_whole_with_a_mark_across_the_blank(tmp_path, monkeypatch):
    from sohoa.ingest.archival import searchable_pdf as writer

    page = holed_form_lines()
    monkeypatch.setattr(writer, "LAYOUTS", tuple(layout for layout in layer.LAYOUTS if not layout.gap_marks))
    assert page_cer(_write(tmp_path, page), page.text(), [page.record()])[0] > 0.01  # the line under it first
    monkeypatch.undo()
    assert_read_in_order_over_boxes(_write(tmp_path, page), page)


def plain_line_metrics(spans, descent):
    """A loop over every candidate span and every word, as the reference."""
    def cover(top, bottom):
        good, total = 0, 0.0
        for t, b in spans:
            inter = max(0.0, min(b, bottom) - max(t, top))
            union = max(b, bottom) - min(t, top)
            iou = inter / union if union > 0 else 0.0
            good += iou >= 0.5
            total += iou
        return good, total

    tops, bottoms = sorted(t for t, _ in spans), sorted(b for _, b in spans)
    spread = [int(q * (len(spans) - 1)) for q in (0.1, 0.3, 0.5, 0.7, 0.9)]
    candidates = set(spans) | {(tops[i], bottoms[j]) for i in spread for j in spread if bottoms[j] > tops[i]}
    _, top, bottom = max((cover(t, b), t, b) for t, b in candidates)
    size = max(bottom - top, 0.5)
    return size, bottom - descent * size


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), min_size=1, max_size=25),
       st.sampled_from([1, 1000, 7919]), st.floats(0.0, 0.5))
def test_line_metrics_are_the_loop_over_every_candidate(boxes, scale, descent):
    """Law: the line's height and baseline are those a plain loop finds, ties included (words
    of equal boxes, boxes in integer and fractional units)."""
    spans = [(top / scale, (top + height) / scale) for top, height in boxes]
    assert layer.line_metrics(spans, descent) == plain_line_metrics(spans, descent)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(1, 4)), min_size=1, max_size=4),
       st.lists(st.integers(0, 3), min_size=9, max_size=40), st.sampled_from([1, 7, 10, 100, 1000]))
# lines where adding the overlaps in another order (numpy's pairwise sum) picks another span
@example([(3, 2), (6, 1), (2, 4)], [0, 3, 2, 2, 0, 1, 2, 2, 2, 3, 1, 0, 3, 2, 1, 1], 100)
@example([(5, 4), (6, 4), (1, 2)], [0, 2, 1, 0, 2, 2, 1, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0, 0], 10)
def test_line_metrics_of_long_lines_of_repeated_boxes_are_the_loops(pool, picks, scale):
    """Law: long lines built from a few boxes, where totals tie and the order of the additions
    decides them, come out as the plain loop's."""
    spans = [(pool[k % len(pool)][0] / scale, sum(pool[k % len(pool)]) / scale) for k in picks]
    assert layer.line_metrics(spans, 0.2) == plain_line_metrics(spans, 0.2)
