"""Reading order on the geometry of real scans: what Tesseract's page segmentation does to them
(two printed rows under one line id, one line cut in two blocks), official headers whose rows
sit close together, received stamps, signatures and phantom words."""

import pytest

from sohoa.ingest.geometry import table_grids
from sohoa.ingest.layout import lay_out
from sohoa.ingest.records import Rules
from sohoa.ingest.records import OcrWord

WIDTH, HEIGHT = 2480, 3508
H = 44  # text height in pixels at 300 dpi


def _words(text: str, x: int, y: int, block: int, line: int, conf: float = 95.0, height: int = H,
           char: int = 22, gap: int = 18) -> list[OcrWord]:
    words = []
    for n, token in enumerate(text.split(), start=1):
        width = char * len(token)
        words.append(OcrWord(token, conf, (x, y, x + width, y + height), block, 1, line, n))
        x += width + gap
    return words


PARAGRAPH = ("Ủy ban nhân dân tỉnh yêu cầu các sở ban ngành tập trung triển khai thực hiện",
             "có hiệu quả các nhiệm vụ giải pháp đã đề ra trong kế hoạch năm 2025 của tỉnh",
             "và báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 năm 2025.")


def _paragraph_lines(first_y: int, block: int, lines: tuple[str, ...] | list[str] = PARAGRAPH) -> list[OcrWord]:
    """`lines` set one under the other from `first_y`, left-aligned, as one block."""
    words = []
    for k, text in enumerate(lines):
        words += _words(text, 300, first_y + k * 70, block, k + 1)
    return words


def test_an_engine_line_holding_two_printed_rows_is_read_as_two_lines():
    words = _paragraph_lines(1000, 1)
    # the engine gave the second and third printed rows one line id
    merged = [OcrWord(w.text, w.conf, w.bbox, w.block, w.par, 2 if w.line == 3 else w.line, w.word) for w in words]
    text = "\n".join(lay_out(merged, WIDTH, HEIGHT).paragraphs)
    assert text == " ".join(w.text for w in words)  # one paragraph, in printed order, no ' | '


def test_a_line_the_engine_cut_into_two_blocks_is_joined_again():
    words = _paragraph_lines(1000, 1)
    second_row = [w for w in words if w.line == 2]
    half = len(second_row) // 2
    cut = [OcrWord(w.text, w.conf, w.bbox, 7, 1, 1, n) for n, w in enumerate(second_row[half:], start=1)]
    words = [w for w in words if w.line != 2] + second_row[:half] + cut
    layout = lay_out(words, WIDTH, HEIGHT)
    assert len(layout.paragraphs) == 1 and " | " not in layout.paragraphs[0]
    assert "năm 2025 của tỉnh và báo cáo" in layout.paragraphs[0]


def test_consecutive_lines_whose_boxes_overlap_in_height_are_not_side_by_side():
    words = []
    for k, text in enumerate(["Thực hiện nội dung Công văn số 5633 của Văn phòng Chính phủ về việc báo cáo",
                              "tháng công tác cải cách thủ tục hành chính, Ủy ban nhân dân tỉnh báo cáo kết"]):
        # tall boxes: tone marks stacked above and descenders below overlap the next line
        words += _words(text, 300, 1000 + k * 52, 1, k + 1, height=66)
    layout = lay_out(words, WIDTH, HEIGHT)
    assert [b.role for b in layout.blocks] == ["body"]
    assert " | " not in layout.paragraphs[0]


def _header(row_gap: int) -> list[OcrWord]:
    words = _words("ỦY BAN NHÂN DÂN", 420, 200, 1, 1)
    words += _words("TỈNH QUẢNG NGÃI", 430, 200 + 66, 1, 2)
    words += _words("Số: 22/BC-UBND", 440, 200 + 132 + row_gap, 1, 3)
    words += _words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 200, 2, 1)
    words += _words("Độc lập - Tự do - Hạnh phúc", 1300, 200 + 66, 2, 2)
    words += _words("Quảng Ngãi, ngày 23 tháng 01 năm 2025", 1200, 200 + 132 + row_gap, 2, 3)
    words += _words("V/v báo cáo kết quả cải cách", 400, 200 + 200 + row_gap, 1, 4)
    words += _words("thủ tục hành chính tháng 01", 410, 200 + 266 + row_gap, 1, 5)
    return words


def test_header_is_read_row_by_row_even_when_its_rows_sit_close():
    expected = ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc", "Số: 22/BC-UBND", "Quảng Ngãi, ngày 23 tháng 01 năm 2025",
                "V/v báo cáo kết quả cải cách thủ tục hành chính tháng 01")  # the subject whole
    for row_gap in (0, 60):
        assert lay_out(_header(row_gap), WIDTH, HEIGHT).paragraphs == expected


def test_motto_run_together_with_the_agency_opens_its_own_column():
    words = _words("THỦ TƯỚNG CHÍNH PHỦ", 390, 250, 1, 1) + _words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 840, 250, 1, 1)
    words = [OcrWord(w.text, w.conf, w.bbox, 1, 1, 1, n) for n, w in enumerate(words, start=1)]
    words += _words("Độc lập - Tự do - Hạnh phúc", 1100, 320, 1, 2)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[:3] == ("THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _stamp_box(x0: int, y0: int, x1: int, y1: int) -> Rules:
    # a photocopied box: its top and bottom rules broken in two pieces each
    mid = (x0 + x1) // 2
    horizontal = ((x0 + 8, y0, mid, y0 + 4), (mid + 10, y0 + 2, x1, y0 + 6),
                  (x0, y1 - 4, mid - 6, y1), (mid + 4, y1 - 4, x1, y1), (x0 + 60, (y0 + y1) // 2, x1, (y0 + y1) // 2 + 4))
    vertical = ((x0, y0 + 4, x0 + 6, y1), (x1 - 6, y0 + 4, x1, y1))
    return Rules(horizontal, vertical)


def test_broken_rules_of_a_box_are_mended_into_a_grid():
    assert len(table_grids(_stamp_box(200, 580, 770, 810))) == 1


def test_received_stamp_box_is_an_annotation_not_text():
    rules = _stamp_box(200, 580, 770, 810)
    words = _words("CÔNG THÔNG TIN ĐIỆN TỬ", 230, 600, 1, 1, height=30, char=16)
    words += _words("ĐẾN Giờ: ..... Ngày: 27/6/2025", 230, 700, 1, 2, conf=60, char=14, gap=10)
    words += _paragraph_lines(1000, 2)
    layout = lay_out(words, WIDTH, HEIGHT, rules)
    text = "\n".join(layout.paragraphs)
    assert "ĐẾN" not in text and "THÔNG TIN" not in text and text.startswith("Ủy ban nhân dân")
    assert [a.kind for a in layout.annotations] == ["received-stamp"]


def test_a_ruled_table_is_no_received_stamp():
    rules = Rules(((200, 1000, 2200, 1004), (200, 1100, 2200, 1104), (200, 1200, 2200, 1204)),
                  ((200, 1000, 204, 1204), (1000, 1000, 1004, 1204), (2196, 1000, 2200, 1204)))
    words = _words("Số hộ nghèo", 230, 1030, 1, 1) + _words("1.250", 1030, 1030, 1, 1)
    words += _words("Số hộ cận nghèo", 230, 1130, 1, 2) + _words("980", 1030, 1130, 1, 2)
    layout = lay_out(words, WIDTH, HEIGHT, rules)
    assert not layout.annotations
    assert any(" | " in p for p in layout.paragraphs)


def test_a_small_box_whose_words_the_engine_could_not_make_out_is_a_stamp_not_a_table():
    # a portal's received stamp, read as 'CỔN9 THÔNG eemnbinnni / la ấ Nu, - KT 20.25.'
    rules = _stamp_box(200, 580, 770, 810)
    words = _words("CỔN9", 230, 600, 1, 1, conf=0) + _words("THÔNG", 330, 600, 1, 1, conf=90)
    words += _words("eemnbinnni", 430, 600, 1, 1, conf=0)
    words += _words("la ấ Nu,", 230, 700, 1, 2, conf=19) + _words("KT 20.25.", 450, 700, 1, 2, conf=45)
    words += _paragraph_lines(1000, 2)
    layout = lay_out(words, WIDTH, HEIGHT, rules)
    text = "\n".join(layout.paragraphs)
    assert "eemnbinnni" not in text and "|" not in text and text.startswith("Ủy ban nhân dân")
    assert [a.kind for a in layout.annotations] == ["stamp"]


def test_a_small_box_read_as_two_scraps_is_a_stamp():
    # a portal's received stamp read as one scrap the size of the box and one more ('u NGA':
    # vietlexibot QĐ 1380 p1), its other words too small to count
    rules = _stamp_box(200, 580, 770, 810)
    words = [OcrWord("u", 0.0, (221, 600, 754, 800), 1, 1, 1, 1), OcrWord("NGA", 30.0, (460, 740, 510, 768), 1, 1, 2, 1)]
    layout = lay_out(words + _paragraph_lines(1000, 2), WIDTH, HEIGHT, rules)
    assert "\n".join(layout.paragraphs).startswith("Ủy ban nhân dân") and "NGA" not in "\n".join(layout.paragraphs)
    assert [a.kind for a in layout.annotations] == ["stamp"]


def test_a_small_box_with_one_doubtful_word_of_two_stays_a_table():
    rules = _stamp_box(200, 580, 770, 810)
    words = _words("Tổng", 230, 600, 1, 1, conf=30) + _words("1.250", 560, 600, 1, 1)
    layout = lay_out(words + _paragraph_lines(1000, 2), WIDTH, HEIGHT, rules)
    assert not layout.annotations and "1.250" in "\n".join(layout.paragraphs)


def test_a_small_box_read_surely_stays_a_table():
    rules = _stamp_box(200, 580, 770, 810)
    words = _words("Số hộ nghèo", 230, 600, 1, 1) + _words("1.250", 560, 600, 1, 1)
    words += _words("Số hộ cận nghèo", 230, 700, 1, 2) + _words("980", 560, 700, 1, 2)
    layout = lay_out(words + _paragraph_lines(1000, 2), WIDTH, HEIGHT, rules)
    assert not layout.annotations and "Số hộ nghèo" in "\n".join(layout.paragraphs)


def test_signature_strokes_and_doubtful_scraps_in_the_signer_block_are_marks():
    words = _words("KT. CHỦ TỊCH", 1600, 3000, 1, 1)
    words += _words("—\\LauL————", 1500, 3070, 1, 2, conf=50, height=100)  # a signature read as text
    words += _words("L4", 1930, 3180, 1, 3, conf=81, char=10)
    words += _words("Trần Hoàng Tuấn", 1530, 3260, 1, 4)
    words += _paragraph_lines(1000, 2)
    layout = lay_out(words, WIDTH, HEIGHT)
    text = "\n".join(layout.paragraphs)
    assert "LauL" not in text and "L4" not in text
    assert text.endswith("KT. CHỦ TỊCH\nTrần Hoàng Tuấn")
    assert {a.kind for a in layout.annotations} == {"mark"}


def test_short_words_that_are_text_stay():
    words = _paragraph_lines(1000, 1) + _words("a)", 300, 1300, 2, 1) + _words("Về việc tổ chức", 360, 1300, 2, 1)
    words += _words("Điều 5.", 300, 1400, 3, 1)
    text = "\n".join(lay_out(words, WIDTH, HEIGHT).paragraphs)
    assert "a) Về việc tổ chức" in text and "Điều 5." in text


def test_a_short_rule_under_a_heading_read_as_dashes_is_a_mark_and_a_lone_dash_stays():
    words = _words("THỦ TƯỚNG CHÍNH PHỦ", 400, 250, 1, 1) + _words("—=", 730, 325, 2, 1, conf=72)
    words += _paragraph_lines(1000, 3) + _words("-", 300, 1300, 4, 1, conf=80)
    text = "\n".join(lay_out(words, WIDTH, HEIGHT).paragraphs)
    assert "—=" not in text and text.startswith("THỦ TƯỚNG CHÍNH PHỦ\nỦy ban")
    assert text.endswith("\n-")


def test_a_flat_phantom_word_on_an_erased_rule_is_set_aside():
    words = _paragraph_lines(1000, 1) + [OcrWord("6", 95.6, (1841, 1240, 1874, 1241), 5, 1, 1, 1)]
    layout = lay_out(words, WIDTH, HEIGHT)
    assert "6" not in "\n".join(layout.paragraphs).split() and len(layout.paragraphs) == 1


def test_the_country_named_in_a_sentence_is_no_motto():
    words = _words("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam đã được sửa đổi bổ sung", 300, 1000, 1, 1)
    words += _words("một số điều theo Nghị quyết số 203/2025/QH15 của Quốc hội khóa XV", 300, 1070, 1, 2)
    assert len(lay_out(words, WIDTH, HEIGHT).paragraphs) == 1


def test_a_line_with_a_hole_in_it_stays_one_line_of_its_paragraph():
    words = _paragraph_lines(1000, 1)
    middle = [w for w in words if w.line == 2]
    # a seal took three words out of the middle line: a gap far wider than a column gutter
    holed = [w for w in middle if not 900 < w.bbox[0] < 1500]
    words = [w for w in words if w.line != 2] + holed
    layout = lay_out(words, WIDTH, HEIGHT)
    assert len(layout.paragraphs) == 1 and " | " not in layout.paragraphs[0]
    assert layout.paragraphs[0].startswith("Ủy ban nhân dân") and layout.paragraphs[0].endswith("năm 2025.")


def test_closing_with_stroke_scraps_beside_it_reads_recipients_then_signer():
    words = _paragraph_lines(1000, 9)
    small = dict(height=34, char=14, gap=12)  # the list is printed smaller than the body
    words += _words("Nơi nhận:", 300, 2900, 1, 1, **small)
    words += _words("- Các sở, ngành, đơn vị trực thuộc tỉnh;", 300, 2960, 1, 2, **small)
    words += _words("- Kho bạc Nhà nước Quảng Ngãi;", 300, 3020, 1, 3, **small)
    words += _words("- Lưu: VT, KT.", 300, 3080, 1, 4, **small)
    words += _words("CHỦ TỊCH", 1700, 2900, 2, 1)
    words += _words(".", 2090, 2955, 3, 1, conf=47, height=90, char=16)  # a stroke of the seal
    words += _words("À", 1650, 3025, 4, 1, conf=91, height=23, char=18)  # a piece of the signature
    words += _words("Trần Ngọc Căng", 1600, 3080, 5, 1)
    words += _words("-----*-----", 800, 850, 6, 1)  # a typed separator under the title
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert not any(" | " in p for p in paragraphs)
    assert paragraphs[-6:] == ("Nơi nhận:", "- Các sở, ngành, đơn vị trực thuộc tỉnh;", "- Kho bạc Nhà nước Quảng Ngãi;",
                               "- Lưu: VT, KT.", "CHỦ TỊCH", "Trần Ngọc Căng")
    assert "-----*-----" not in paragraphs


def test_a_scrap_beside_one_header_row_does_not_make_the_header_a_table():
    words = _header(0)
    words += _words("67", 2250, 200, 9, 1, conf=95)  # a number written by hand beside the motto
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert not any(" | " in p for p in paragraphs)
    assert paragraphs[:2] == ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI")


def _worn_stamp_frame(x0: int, y0: int, x1: int, y1: int) -> Rules:
    # a faint received stamp: its frame printed in pieces that end short of each other (as on
    # a 2018 Quảng Ngãi directive), so no rule crosses another and no grid forms
    horizontal = ((x0 + 12, y0, x0 + 450, y0 + 6), (x0 + 10, y0 + 40, x0 + 230, y0 + 42),
                  (x0 + 300, y0 + 40, x1, y0 + 42), (x0 + 95, y1 - 6, x1, y1))
    vertical = ((x0, y0 + 44, x0 + 6, y1), (x0 + 165, y0 + 100, x0 + 169, y1), (x1 - 4, y0 - 6, x1, y0 + 128))
    return Rules(horizontal, vertical)


def test_a_worn_stamp_frame_that_forms_no_grid_is_still_a_received_stamp():
    rules = _worn_stamp_frame(32, 600, 700, 824)
    assert table_grids(rules) == []
    words = _words("TRUNG TÂM CÔNG BÁO", 60, 610, 1, 1, height=28, char=14, conf=30)
    words += _words("ĐẾN Chuyển: 21.3.18", 60, 760, 1, 2, height=40, char=16, conf=60)
    words += _words("Trong thời gian qua, công tác triển khai", 690, 760, 2, 1)  # touches the frame
    words += _paragraph_lines(1000, 3)
    layout = lay_out(words, WIDTH, HEIGHT, rules)
    text = "\n".join(layout.paragraphs)
    assert "ĐẾN" not in text and "TRUNG TÂM" not in text and "Trong thời gian qua" in text
    assert [a.kind for a in layout.annotations] == ["received-stamp"]


def test_pieces_of_rules_far_apart_or_without_stamp_words_are_left_alone():
    # the same frame round the text's own words is no stamp; rules far apart outline nothing
    rules = _worn_stamp_frame(32, 600, 700, 824)
    words = _words("Căn cứ Luật Tổ chức", 60, 760, 1, 1, height=40, char=16)
    words += _paragraph_lines(1000, 3)
    assert "Căn cứ Luật Tổ chức" in "\n".join(lay_out(words, WIDTH, HEIGHT, rules).paragraphs)
    apart = Rules(((100, 600, 600, 604), (100, 1400, 600, 1404)), ((100, 900, 104, 1100), (1900, 900, 1904, 1100)))
    from sohoa.ingest.geometry import broken_boxes

    assert broken_boxes(apart, 0.03 * WIDTH) == []


def test_a_heading_whose_first_word_box_ran_long_is_text_not_a_mark():
    # on a real closing block Tesseract gave the italic 'Nơi' a box reaching into the next line
    # (115 px high, confidence 25) beside 'nhận:' read clearly
    words = _paragraph_lines(1000, 1)
    words += [OcrWord("Nơi", 25.0, (329, 1701, 410, 1816), 2, 1, 1, 1),
              OcrWord("nhận:", 96.0, (418, 1724, 539, 1769), 2, 1, 1, 2)]
    words += _words("- Như trên;", 332, 1790, 3, 1)
    layout = lay_out(words, WIDTH, HEIGHT)
    text = "\n".join(layout.paragraphs)
    assert "Nơi nhận:" in text and not layout.annotations


def test_a_tall_doubtful_scrap_beside_a_doubtful_one_is_still_a_mark():
    words = _paragraph_lines(1000, 1)
    words += [OcrWord("zo", 25.0, (1500, 1701, 1600, 1816), 2, 1, 1, 1),
              OcrWord("pgẾ", 40.0, (1610, 1724, 1700, 1769), 2, 1, 1, 2)]
    layout = lay_out(words, WIDTH, HEIGHT)
    assert "pgẾ" not in "\n".join(layout.paragraphs) and {a.kind for a in layout.annotations} == {"mark"}


def test_a_recipient_wider_than_those_beside_the_signer_still_continues_the_list():
    # the signer's title sits beside the first items only; a later item runs past the middle of
    # the gutter (a real closing: quangngai 22_TTR p1)
    words = _paragraph_lines(2200, 1)
    words += _words("Nơi nhận:", 377, 2486, 2, 1)
    items = ["- Thường trực Tỉnh ủy;", "- Thường trực HĐND tỉnh;", "- CT, PCT UBND tỉnh;",
             "- Văn phòng Đoàn ĐBQH và HĐND tỉnh Quảng Ngãi;", "- Đại biểu HĐND tỉnh;", "- Lưu: VT."]
    for k, item in enumerate(items):
        words += _words(item, 380, 2545 + 54 * k, 3 + k, 1)
    words += _words("TM. ỦY BAN NHÂN DÂN", 1371, 2476, 20, 1)
    words += _words("CHỦ TỊCH", 1548, 2538, 21, 1)
    words += _words("Nguyễn Văn An", 1417, 2952, 22, 1)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[1:] == ("Nơi nhận:", *items, "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An")


@pytest.mark.parametrize("heading", ["Nơi nhận:", "Wơi nhận:", ":Vơi nhận:"])  # as read, the italic N misread
def test_the_recipients_list_is_read_whole_before_the_signer_beside_it(heading):
    # 'Nơi nhận:' set apart from its items by more than a line's white, the signer's title a
    # little higher beside it (a real closing: quangngai 09_TTR p3)
    words = _paragraph_lines(2000, 1)
    words += _words(heading, 392, 2416, 2, 1)
    items = ["- Thường trực Tỉnh ủy;", "- CT, PCT UBND tỉnh;", "- Lưu: VT, KGVX."]
    for k, item in enumerate(items):
        words += _words(item, 394, 2531 + 53 * k, 3 + k, 1)
    title = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    for k, line in enumerate(title):
        words += _words(line, 1508, 2396 + 62 * k, 10 + k, 1)
    words += _words("Trần Hoàng Tuấn", 1592, 2960, 20, 1)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[1:] == (heading, *items, *title, "Trần Hoàng Tuấn")



def _line(text: str, x0: int, x1: int, y: int, block: int) -> list[OcrWord]:
    """A printed line set across x0..x1 (justified), its words' widths by their lengths."""
    tokens = text.split()
    gap = 18
    scale = (x1 - x0 - gap * (len(tokens) - 1)) / sum(len(t) for t in tokens)
    words, x = [], float(x0)
    for n, token in enumerate(tokens, start=1):
        width = scale * len(token)
        words.append(OcrWord(token, 95.0, (round(x), y, round(x + width), y + H), block, 1, 1, n))
        x += width + gap
    return words


def test_a_line_with_a_blank_for_the_date_is_one_line_and_the_recipients_stay_whole():
    # a resolution's draft leaves the date blank: '… Kỳ họp thứ 31 thông qua ngày' and 'tháng năm
    # 2025 và …' stand apart on one line that the lines above fill, the paragraph's short last
    # line under them; then the recipients beside the signer's title (a real page: quangngai
    # 22_TTR p3, which was read as two columns, the signer's title between two recipients)
    words = _line("Điều 3. Hiệu lực thi hành", 515, 1138, 2614, 1)
    words += _line("Nghị quyết này đã được Hội đồng nhân dân tỉnh Quảng Ngãi Khóa XII", 515, 2267, 2712, 2)
    words += _line("Kỳ họp thứ 31 thông qua ngày", 369, 1091, 2798, 3)
    words += _line("tháng năm 2025 và có hiệu lực thi hành từ", 1207, 2271, 2794, 4)
    words += _line("ngày thông qua./", 369, 757, 2870, 5)
    words += _line("Nơi nhận:", 389, 598, 3000, 6)
    words += _line("CHỦ TỊCH", 1766, 2055, 2984, 7)
    items = [("- UBTV Quốc hội, Chính phủ;", 948), ("- Bộ Tài chính;", 664), ("- Vụ Pháp chế của Bộ Tài chính;", 988),
             ("- Cục Kiểm tra văn bản QPPL, - Bộ Tư pháp;", 1210)]
    for k, (item, x1) in enumerate(items):
        words += _line(item, 391, x1, 3059 + 56 * k, 8 + k)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[0].endswith("Quảng Ngãi Khóa XII Kỳ họp thứ 31 thông qua ngày tháng năm 2025 và có hiệu lực thi "
                                  "hành từ ngày thông qua./")
    assert paragraphs[1:] == ("Nơi nhận:", *(item for item, _ in items), "CHỦ TỊCH")


def test_two_columns_under_a_full_line_are_not_one_line_with_a_hole():
    # the recipients and the signer's title right under the last full line of the body: the
    # white between them is wider than either, so they stay two columns
    words = _line("và báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 năm 2025 theo quy định.", 369, 2267,
                  2400, 1)
    words += _line("Nơi nhận:", 389, 598, 2480, 2)
    words += _line("TM. ỦY BAN NHÂN DÂN", 1500, 2250, 2476, 3)
    words += _line("- Như trên;", 391, 640, 2540, 4)
    words += _line("CHỦ TỊCH", 1720, 2010, 2540, 5)
    words += _line("- Lưu: VT.", 391, 610, 2596, 6)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[1:] == ("Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_ink_the_engine_read_twice_as_a_line_of_its_own_is_set_aside():
    # beside a scribbled initial the engine read 'Quy' again, a line of its own over 'Quyết'
    # (a real page: quangngai H14 p2, where it came out after the paragraph)
    words = _paragraph_lines(1800, 1)
    words += _line("thi hành Quyết định này./", 364, 926, 2035, 2)
    words.append(OcrWord("Quy", 96.0, (537, 2035, 609, 2080), 3, 1, 1, 1))
    layout = lay_out(words, WIDTH, HEIGHT)
    assert layout.paragraphs[-1].endswith("thi hành Quyết định này./")
    assert [(a.kind, a.text) for a in layout.annotations] == [("read-twice", "Quy")]


def test_a_word_over_a_line_with_other_letters_stays():
    # words overlapping a line that are not its letters (a seal's words over a signer's title)
    # are another reading, not the same ink twice
    words = _paragraph_lines(1800, 1)
    words += _line("thi hành Quyết định này./", 364, 926, 2035, 2)
    words.append(OcrWord("Thành", 96.0, (537, 2035, 660, 2080), 3, 1, 1, 1))
    layout = lay_out(words, WIDTH, HEIGHT)
    assert "Thành" in "\n".join(layout.paragraphs) and not layout.annotations


def test_an_item_opened_by_a_dash_the_engine_read_as_an_em_dash_starts_a_paragraph():
    # a heading, then items each opened by a printed en dash the engine read as '—' (a real
    # page: the huit plan p3, '5.1. Trung tâm Quản lý chất lượng' and its items)
    words = _line("5.1. Trung tâm Quản lý chất lượng", 327, 1000, 724, 1)
    words += _line("— Là đơn vị đầu mối tham mưu ban hành kế hoạch và tổ chức triển khai khảo sát theo", 380, 2180,
                   806, 2)
    words += _line("hướng dẫn của Bộ Giáo dục và Đào tạo.", 300, 1100, 870, 3)
    words += _line("— Phối hợp với Phòng Đào tạo và 05 khoa liên quan chuẩn bị dữ liệu sinh viên, thực hiện", 380,
                   2180, 931, 4)
    words += _line("chọn mẫu ngẫu nhiên, hướng dẫn triển khai khảo sát trực tuyến.", 300, 1500, 995, 5)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs == (
        "5.1. Trung tâm Quản lý chất lượng",
        "— Là đơn vị đầu mối tham mưu ban hành kế hoạch và tổ chức triển khai khảo sát theo hướng dẫn của Bộ Giáo "
        "dục và Đào tạo.",
        "— Phối hợp với Phòng Đào tạo và 05 khoa liên quan chuẩn bị dữ liệu sinh viên, thực hiện chọn mẫu ngẫu "
        "nhiên, hướng dẫn triển khai khảo sát trực tuyến.")


def test_a_first_line_with_a_blank_for_the_number_is_one_line_of_its_paragraph():
    # 'Xét Tờ trình số' | '/TTr-UBND ngày tháng năm 2025 của Ủy ban' over the paragraph's
    # next line, which spans the blank (a real page: quangngai 09_TTR p4, read as two columns
    # and the paragraph cut in three)
    words = _line("2020 của Chính phủ;", 387, 875, 2243, 1)
    words += _line("Xét Tờ trình số", 529, 894, 2325, 2)
    words += _line("/TTr-UBND ngày tháng năm 2025 của Ủy ban", 1034, 2276, 2327, 3)
    words += _line("nhân dân tỉnh về việc đề nghị ban hành Nghị quyết bãi bỏ các nghị quyết của Hội", 387, 2277,
                   2393, 4)
    words += _line("đồng nhân dân tỉnh Quảng Ngãi.", 386, 1100, 2460, 5)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[-1] == ("Xét Tờ trình số /TTr-UBND ngày tháng năm 2025 của Ủy ban nhân dân tỉnh về việc đề nghị "
                              "ban hành Nghị quyết bãi bỏ các nghị quyết của Hội đồng nhân dân tỉnh Quảng Ngãi.")


def test_a_header_row_over_a_full_line_stays_two_columns():
    # the number and the date right over the body's first line, the date ending where that
    # line ends: a header row, never a line of the paragraph
    words = _line("Số: 1234/UBND-KTTH", 420, 1000, 470, 1)
    words += _line("Quảng Ngãi, ngày 5 tháng 3 năm 2025", 1250, 2276, 470, 2)
    words += _line("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả",
                   387, 2277, 560, 3)
    words += _line("các nhiệm vụ đã đề ra.", 387, 900, 625, 4)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[:2] == ("Số: 1234/UBND-KTTH", "Quảng Ngãi, ngày 5 tháng 3 năm 2025")


def test_the_number_is_read_before_the_code_set_a_little_higher_beside_it():
    # 'Số:', a blank for the number, '/2025/NQ-HĐND' set three pixels higher (a real page:
    # quangngai 09_TTR p4, read code first)
    words = _line("HỘI ĐỒNG NHÂN DÂN", 422, 1052, 274, 1) + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1130, 2261, 274, 2)
    words += _line("TỈNH QUẢNG NGÃI", 464, 1010, 338, 3) + _line("Độc lập - Tự do - Hạnh phúc", 1333, 2048, 345, 4)
    words += _line("/2025/NQ-HĐND", 636, 1056, 467, 5) + _line("Số:", 416, 487, 470, 6)
    words += _line("Quảng Ngãi, ngày tháng năm 2025", 1302, 2260, 482, 7)
    paragraphs = lay_out(words + _paragraph_lines(1000, 8), WIDTH, HEIGHT).paragraphs
    assert paragraphs.index("Số:") + 1 == paragraphs.index("/2025/NQ-HĐND")


def test_accents_read_on_their_own_are_marks_and_leave_no_columns():
    # the accents of a tightly set subject read as scraps a quarter of a word high ('_uan', '^',
    # '~') beside its lines made the whole page a two-column run, every line a paragraph of its
    # own (a real page: quangngai 90_QD_CT p1)
    words = _line("Về việc bổ nhiệm vào ngạch Thanh tra viên và xếp lương", 583, 1983, 533, 1)
    words.append(OcrWord("_uan", 41.0, (916, 578, 952, 590), 2, 1, 1, 1))
    words += _line("đối với ông Võ Văn Dương", 954, 1607, 603, 3)
    words += [OcrWord("^", 69.0, (1140, 590, 1158, 602), 4, 1, 1, 1), OcrWord("~", 87.0, (1620, 605, 1639, 614), 5, 1, 1, 1)]
    words += _paragraph_lines(800, 6)
    layout = lay_out(words, WIDTH, HEIGHT)
    assert layout.paragraphs[-1].startswith("Ủy ban nhân dân tỉnh yêu cầu") and len(layout.paragraphs) == 3
    assert sorted(a.text for a in layout.annotations) == ["^", "_uan", "~"]


def _form(second_label: str) -> list[OcrWord]:
    # an application form: labels with dotted blanks, the blanks filled in by hand; one row
    # holds two labels, the second far right of the first's blank
    words = _words("Họ và tên:.................... Nguyễn Văn An", 300, 1000, 1, 1)
    words += _words("Sinh năm:........ 1960", 300, 1070, 1, 2)
    words += _words(second_label, 1500, 1072, 2, 1)
    words += _words("Quê quán:........ Quảng Ngãi", 300, 1140, 1, 3)
    words += _words("Nghề nghiệp:........ làm ruộng", 300, 1210, 1, 4)
    return words


def test_a_form_row_is_read_across_before_the_row_under_it():
    text = "\n".join(lay_out(_form("Dân tộc:........ Kinh"), WIDTH, HEIGHT).paragraphs)
    assert " | " not in text
    assert "Sinh năm:........ 1960 Dân tộc:........ Kinh" in text.splitlines()  # the row one line of its own
    assert text.index("Họ và tên") < text.index("Sinh năm") < text.index("Quê quán") < text.index("Nghề nghiệp")


def test_a_list_item_ending_in_dots_beside_the_signer_stays_in_its_list():
    # 'v.v..' holds two dots after a word, as a filled-in blank does; no row next to it holds one
    words = _words("Nơi nhận:", 300, 2900, 1, 1)
    words += _words("- Các phòng ban, v.v..", 300, 2960, 1, 2)
    words += _words("- Lưu: VT.", 300, 3020, 1, 3)
    words += _words("Nguyễn Văn An", 1700, 2962, 2, 1)
    paragraphs = lay_out(_paragraph_lines(1000, 3) + words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[-4:] == ("Nơi nhận:", "- Các phòng ban, v.v..", "- Lưu: VT.", "Nguyễn Văn An")


def test_a_line_of_a_column_ending_in_an_ellipsis_stays_in_its_column():
    left = ["Các sở ngành chủ động rà soát", "các nhiệm vụ về tài chính, đất đai...", "và báo cáo kết quả thực hiện"]
    right = ["kịp thời xử lý các vấn đề", "phát sinh trong quá trình triển khai", "theo đúng quy định hiện hành"]
    words = []
    for k, (a, b) in enumerate(zip(left, right)):
        words += _words(a, 300, 1000 + 70 * k, 1, k + 1)
        words += _words(b, 1400, 1002 + 70 * k, 2, k + 1)
    text = "\n".join(lay_out(words, WIDTH, HEIGHT).paragraphs)
    assert text.index(left[2]) < text.index(right[0])  # the left column whole, then the right


def test_the_header_rows_with_blank_number_and_date_are_still_read_row_by_row():
    words = _words("ỦY BAN NHÂN DÂN", 420, 200, 1, 1)
    words += _words("Số:......./UB", 440, 266, 1, 2)
    words += _words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 200, 2, 1)
    words += _words("Quảng Ngãi, ngày..... tháng..... năm 1999", 1200, 268, 2, 2)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs == ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số:......./UB",
                          "Quảng Ngãi, ngày..... tháng..... năm 1999")


def test_an_agency_whose_unread_end_is_dots_stays_beside_the_motto():
    words = _words("UỶ BAN NHÂN DÂN...", 420, 200, 1, 1)
    words += _words("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 202, 2, 1)
    words += _words("HUYỆN SƠN TỊNH", 440, 266, 1, 2)
    words += _words("Độc lập - Tự do - Hạnh phúc", 1300, 268, 2, 2)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs == ("UỶ BAN NHÂN DÂN...", "HUYỆN SƠN TỊNH", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                          "Độc lập - Tự do - Hạnh phúc")


def test_a_sentence_with_blanks_left_in_it_stays_one_paragraph():
    lines = ["Nghị quyết này đã được Hội đồng nhân dân tỉnh thông qua tại Kỳ họp thứ ... ngày",
             "... tháng ... năm 2025 và có hiệu lực từ ngày ... tháng ... năm 2025 theo quy",
             "định của pháp luật về ban hành văn bản quy phạm pháp luật."]
    assert lay_out(_paragraph_lines(1000, 1, lines), WIDTH, HEIGHT).paragraphs == (" ".join(lines),)


def test_a_paragraph_with_blanks_and_lines_opening_with_capitals_stays_one_paragraph():
    lines = ["Căn cứ Quyết định số .../QĐ-UBND ngày ... tháng ... năm 2025 của Chủ tịch",
             "Ủy ban nhân dân tỉnh về việc phê duyệt Kế hoạch số .../KH-UBND ngày ... tháng",
             "... năm 2025 của Ủy ban nhân dân tỉnh về thực hiện nhiệm vụ năm 2025;"]
    assert lay_out(_paragraph_lines(1000, 1, lines), WIDTH, HEIGHT).paragraphs == (" ".join(lines),)


def test_recipients_with_blanks_beside_the_signer_stay_a_list_and_the_name_under_the_titles():
    words = _paragraph_lines(1000, 3)
    items = ["Nơi nhận:", "- Như Điều 3;", "- Các sở, ban, ngành ...;", "- UBND các xã ...;", "- Lưu: VT, ....."]
    for k, text in enumerate(items):
        words += _words(text, 300, 2900 + 60 * k, 1, k + 1)
    for k, (text, row) in enumerate([("TM. ỦY BAN NHÂN DÂN", 0), ("KT. CHỦ TỊCH", 1), ("PHÓ CHỦ TỊCH", 2),
                                      ("Nguyễn Văn An", 4)]):
        words += _words(text, 1600, 2902 + 60 * row, 2, k + 1)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[-9:] == tuple(items) + ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An")


def test_numbered_form_rows_are_lines_of_their_own():
    rows = ["1. Họ và tên:........ Nguyễn Văn An", "2. Sinh năm:........ 1960", "3. Quê quán:........ Quảng Ngãi"]
    assert lay_out(_paragraph_lines(1000, 1, rows), WIDTH, HEIGHT).paragraphs == tuple(rows)


def test_the_signature_headings_under_a_form_stay_two_columns():
    words = _form("Dân tộc:........ Kinh")
    words += _words("Xác nhận của UBND xã..........", 300, 1400, 3, 1)
    words += _words("Người làm đơn", 1500, 1402, 4, 1)
    words += _words("(Ký tên, đóng dấu)", 300, 1470, 3, 2)
    words += _words("(Ký, ghi rõ họ tên)", 1500, 1472, 4, 2)
    paragraphs = lay_out(words, WIDTH, HEIGHT).paragraphs
    assert paragraphs[-4:] == ("Xác nhận của UBND xã..........", "(Ký tên, đóng dấu)", "Người làm đơn", "(Ký, ghi rõ họ tên)")
