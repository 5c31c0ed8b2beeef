from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from sohoa.ingest.layout import lay_out
from sohoa.ingest.ocr import ReplayEngine, parse_tsv
from sohoa.ingest.records import OcrWord

DATA = Path(__file__).parent / "data"


def _fixture(name):
    words = parse_tsv((DATA / f"{name}.tsv").read_text(encoding="utf-8"))
    truth = (DATA / f"{name}.truth.txt").read_text(encoding="utf-8").strip()
    return words, truth


def _cer(a: str, b: str) -> float:
    return Levenshtein.distance(a, b) / max(1, len(b))


@pytest.mark.parametrize("name", ["header_page", "closing_page"])
def test_recorded_pages_read_back_in_truth_order(name):
    words, truth = _fixture(name)
    layout = lay_out(words, 2480, 3508)
    text = "\n".join(layout.paragraphs)
    assert text.count("\n") == truth.count("\n")  # one paragraph per line, none spliced or split
    assert _cer(text, truth) < 0.02


def test_header_read_row_by_row():
    words, _ = _fixture("header_page")
    paragraphs = lay_out(words, 2480, 3508).paragraphs
    assert paragraphs[:5] == ("ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                              "Độc lập - Tự do - Hạnh phúc", "Số: 125/KH-UBND")
    assert paragraphs[5].endswith("ngày 15 tháng 02 năm 2023")  # place and date: the header's second row


def test_page_number_is_set_aside_not_spliced():
    words, truth = _fixture("closing_page")
    layout = lay_out(words, 2480, 3508)
    assert layout.page_label == "2"
    assert not layout.paragraphs[0].startswith("2 ")
    assert any(words[i].text == "2" for i in layout.dropped)


def test_closing_block_reads_recipients_then_signer():
    words, _ = _fixture("closing_page")
    paragraphs = lay_out(words, 2480, 3508).paragraphs
    assert paragraphs[-7:] == ("Nơi nhận:", "- Như trên;", "- TT. Tỉnh ủy;", "- Lưu: VT.",
                               "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An")


def _line(words, y, x=300, block=1, line=1, height=50, gap=20, conf=95.0):
    """Words laid side by side on one line, as an OCR engine would report them."""
    result = []
    for n, text in enumerate(words.split(), start=1):
        width = 22 * len(text)
        result.append(OcrWord(text, conf, (x, y, x + width, y + height), block, 1, line, n))
        x += int(width + gap)
    return result


def _justified(texts, top=400, left=300, indent_first=True, block=1):
    """Lines of a justified paragraph: every line but the last spread to the right margin."""
    words, y = [], top
    starts = [left + (150 if (k == 0 and indent_first) else 0) for k in range(len(texts))]
    right = max(x0 + sum(22 * len(t) for t in text.split()) + 30 * (len(text.split()) - 1)
                for x0, text in zip(starts, texts))
    for k, text in enumerate(texts):
        x0 = starts[k]
        tokens = text.split()
        natural = sum(22 * len(t) for t in tokens)
        gap = 20 if k == len(texts) - 1 or len(tokens) < 2 else (right - x0 - natural) / (len(tokens) - 1)
        words += _line(text, y, x=x0, line=k + 1, block=block, gap=gap)
        y += 70
    return words


def test_wrapped_lines_join_into_one_paragraph_and_hyphens_inside_words_are_undone():
    words = _justified(["Kế hoạch phát triển kinh tế - xã hội của tỉnh năm 2023 phát tri-",
                        "ển kinh tế - xã hội của tỉnh năm 2023 và những năm tiếp", "theo."])
    layout = lay_out(words, 2480, 3508)
    assert layout.paragraphs == ("Kế hoạch phát triển kinh tế - xã hội của tỉnh năm 2023 phát triển kinh tế - "
                                 "xã hội của tỉnh năm 2023 và những năm tiếp theo.",)


def test_spaced_dash_at_line_end_is_kept_as_a_word():
    words = _justified(["Phát triển kinh tế của tỉnh và phát triển kinh tế -", "xã hội bền vững."])
    assert lay_out(words, 2480, 3508).paragraphs == ("Phát triển kinh tế của tỉnh và phát triển kinh tế - xã hội bền vững.",)


def test_hyphen_before_a_capital_or_digit_is_kept_without_space():
    words = _justified(["Tình hình dịch bệnh trên địa bàn tỉnh do COVID-", "19 kéo dài."])
    assert lay_out(words, 2480, 3508).paragraphs == ("Tình hình dịch bệnh trên địa bàn tỉnh do COVID-19 kéo dài.",)


def test_indent_starts_a_new_paragraph():
    first = _justified(["Đoạn thứ nhất có nhiều chữ để kéo dài dòng", "kết thúc ở đây."])
    second = _justified(["Đoạn thứ hai cũng bắt đầu bằng thụt lề", "và kết thúc."], top=400 + 2 * 70, block=2)
    layout = lay_out(first + second, 2480, 3508)
    assert layout.paragraphs == ("Đoạn thứ nhất có nhiều chữ để kéo dài dòng kết thúc ở đây.",
                                 "Đoạn thứ hai cũng bắt đầu bằng thụt lề và kết thúc.")


def test_a_heading_in_capitals_ends_its_paragraph_without_a_full_stop():
    heading = _justified(["II. KẾT QUẢ THỰC HIỆN NĂM 2025"], indent_first=False)
    body = _justified(["Năm 2025, trong bối cảnh nhiều khó khăn, kinh tế của tỉnh vẫn tăng trưởng khá",
                       "và ổn định."], top=400 + 70, indent_first=False, block=2)
    assert lay_out(heading + body, 2480, 3508).paragraphs == (
        "II. KẾT QUẢ THỰC HIỆN NĂM 2025", "Năm 2025, trong bối cảnh nhiều khó khăn, kinh tế của tỉnh vẫn tăng trưởng khá và ổn định.")
    # a title in capitals over two lines stays one paragraph
    title = _justified(["KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI CỦA TỈNH", "NĂM 2025"], indent_first=False)
    assert lay_out(title, 2480, 3508).paragraphs == ("KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI CỦA TỈNH NĂM 2025",)


def test_three_columns_read_row_by_row():
    words = []
    for r, row in enumerate([("TT", "Chỉ tiêu", "Đơn vị"), ("1", "Tỷ lệ nợ xấu", "%")]):
        for c, cell in enumerate(row):
            words += _line(cell, 400 + 80 * r, x=300 + 700 * c, block=c + 1, line=r + 1)
    layout = lay_out(words, 2480, 3508)
    assert layout.paragraphs == ("TT | Chỉ tiêu | Đơn vị", "1 | Tỷ lệ nợ xấu | %")


def test_empty_page_has_no_blocks():
    assert lay_out([], 2480, 3508).blocks == ()


def test_spans_point_at_each_word():
    words, _ = _fixture("header_page")
    for block in lay_out(words, 2480, 3508).blocks:
        for index, (start, end) in zip(block.words, block.spans):
            text = block.text[start:end]
            assert text == words[index].text or words[index].text.startswith(text)


def test_replay_engine_cycles_recorded_pages():
    engine = ReplayEngine([DATA / "header_page.tsv", DATA / "closing_page.tsv"])
    first = engine.recognise(None)
    second = engine.recognise(None)
    assert first[0].text == "ỦY" and second != first
    assert all(w.bbox[0] <= w.bbox[2] and w.bbox[1] <= w.bbox[3] for w in first)


def test_ruled_grid_is_read_row_by_row_with_merged_cells_whole():
    from sohoa.ingest.records import Rules

    # 3 columns (x 300 | 700 | 1500 | 1900), rows at y 400 | 500 | 600; in the second row the
    # rule at x=1500 stops, so 'Một số chỉ tiêu kinh tế' spans two columns
    rules = Rules(horizontal=((300, 398, 1900, 402), (300, 498, 1900, 502), (300, 598, 1900, 602)),
                  vertical=((298, 400, 302, 600), (698, 400, 702, 600), (1498, 400, 1502, 500),
                            (1898, 400, 1902, 600)))
    words = (_line("TT", 420, x=320) + _line("Chỉ tiêu", 420, x=720, block=2) + _line("Đơn vị", 420, x=1520, block=3)
             + _line("I", 520, x=320, block=4) + _line("Một số chỉ tiêu kinh tế", 520, x=720, block=5)
             + _line("Văn bản sau bảng kết thúc ở đây.", 700, x=300, block=6))
    layout = lay_out(words, 2480, 3508, rules)
    assert layout.paragraphs == ("TT | Chỉ tiêu | Đơn vị", "I | Một số chỉ tiêu kinh tế",
                                 "Văn bản sau bảng kết thúc ở đây.")


def test_underline_alone_is_not_a_table():
    from sohoa.ingest.records import Rules

    rules = Rules(horizontal=((1300, 380, 1900, 383),), vertical=())
    words = _justified(["Độc lập - Tự do - Hạnh phúc"], indent_first=False)
    assert lay_out(words, 2480, 3508, rules).paragraphs == ("Độc lập - Tự do - Hạnh phúc",)


_LEFT_PAGE = ["Tôi xin cam đoan những lời khai trên đây là đúng", "thực, nếu sai tôi xin chịu trách nhiệm",
              "XÁC NHẬN CỦA UBND PHƯỜNG NƠI CƯ TRÚ", ("Xác nhận ông bà", "đang ở nhà riêng"),
              ("ở tổ dân phố", "có hộ khẩu thường trú"), ("tại địa phương", "từ năm một nghìn")]
_RIGHT_PAGE = ["XÁC NHẬN CỦA CƠ QUAN CHÍNH SÁCH NẾU CÓ", "UBND HUYỆN THỊ XÃ NƠI XIN ĐẤT XÉT VÀ",
               "Xác nhận gia đình ông bà có nhu cầu", "Qua Hội đồng xem xét UBND huyện thị xã",
               "Đề nghị UBND tỉnh giao đất cho ông bà", "Chủ tịch UBND huyện thị xã ký tên"]


def _two_pages(title: str | None = None):
    """A landscape sheet holding two pages side by side whose lines fall on the same rows; on
    the left page, a form's labels with what was filled in far to their right."""
    words = []
    for k, (left, right) in enumerate(zip(_LEFT_PAGE, _RIGHT_PAGE)):
        if isinstance(left, tuple):
            words += _line(left[0], 400 + 90 * k, x=200, block=1, line=k + 1)
            words += _line(left[1], 400 + 90 * k, x=1100, block=1, line=k + 1)
        else:
            words += _line(left, 400 + 90 * k, x=200, block=1, line=k + 1)
        words += _line(right, 400 + 90 * k, x=2100, block=2, line=k + 1)
    if title:
        words += _line(title, 250, x=900, block=3)
    return words


def test_two_pages_side_by_side_on_a_landscape_sheet_are_read_one_after_the_other():
    layout = lay_out(_two_pages(), 3936, 2740)
    text = "\n".join(layout.paragraphs)
    assert " | " not in text
    assert text.index("từ năm một nghìn") < text.index("XÁC NHẬN CỦA CƠ QUAN CHÍNH SÁCH")
    assert all(line in text for line in _RIGHT_PAGE)


def test_a_line_across_the_sheet_or_an_upright_page_keeps_its_rows_together():
    # without a spread, the rows of three pieces are a table's: a title across the middle makes
    # the sheet one page, and so does an upright sheet
    across = lay_out(_two_pages("BẢNG TỔNG HỢP CHỈ TIÊU KINH TẾ XÃ HỘI CỦA TỈNH NĂM 2023 VÀ KẾ HOẠCH"), 3936, 2740)
    upright = lay_out(_two_pages(), 3936, 4000)
    for layout in (across, upright):
        assert "Xác nhận ông bà | đang ở nhà riêng | Qua Hội đồng xem xét UBND huyện thị xã" in layout.paragraphs


def test_table_cells_with_a_white_column_in_the_middle_are_no_spread():
    words = []
    for r in range(6):
        for c, cell in enumerate((str(r + 1), f"Chỉ tiêu {r + 1}", "tỷ đồng", f"{r + 1}1,5", f"{r + 1}2,5")):
            words += _line(cell, 400 + 80 * r, x=200 + 800 * c, block=c + 1, line=r + 1)
    assert lay_out(words, 4200, 2740).paragraphs[0] == "1 | Chỉ tiêu 1 | tỷ đồng | 11,5 | 12,5"


def test_the_place_and_date_opens_its_header_row_when_a_hand_filled_day_is_glued_to_ngay():
    # signed documents leave the day blank for the hand; the OCR glues what is written there to
    # 'ngày' ('ngày0Đ'): the line is still the place and date, read after the number beside it
    # even where it follows the motto closely
    words = (_line("UBND TỈNH QUẢNG NGÃI", 235, x=400, block=1) + _line("BAN CHỈ ĐẠO 138", 300, x=500, block=1)
             + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 238, x=1107, block=2, gap=12)
             + _line("Độc lập - Tự do - Hạnh phúc", 309, x=1300, block=2)
             + _line("Số: 04 /QĐ-BCĐ138", 385, x=488, block=3)
             + _line("Quảng Ngãi, ngày0Đ tháng 02 năm 2025", 395, x=1218, block=4, gap=12))
    paragraphs = lay_out(words, 2480, 3508).paragraphs
    assert paragraphs.index("Số: 04 /QĐ-BCĐ138") + 1 == paragraphs.index("Quảng Ngãi, ngày0Đ tháng 02 năm 2025")
