import pytest

from sohoa.ingest.legacy import reflow


def test_wrapped_lines_rejoin_and_blank_lines_separate():
    text = "Nam 2021, dien ra nhieu su kien chinh tri quan trong cua dat nuoc, cua tinh,\n" \
           "Dai hoi dai bieu toan quoc lan thu XIII cua Dang.\n\nA. KET QUA THUC HIEN\n"
    assert reflow(text) == ["Nam 2021, dien ra nhieu su kien chinh tri quan trong cua dat nuoc, cua tinh, "
                            "Dai hoi dai bieu toan quoc lan thu XIII cua Dang.", "A. KET QUA THUC HIEN"]


def test_list_items_and_headings_stay_on_their_own_lines():
    text = "I- KET QUA DAT DUOC\n- Tap trung quan triet nghi quyet;\n- Ban hanh ke hoach thuc hien.\n"
    assert reflow(text) == ["I- KET QUA DAT DUOC", "- Tap trung quan triet nghi quyet;",
                            "- Ban hanh ke hoach thuc hien."]


def test_table_like_lines_are_never_joined():
    text = "17 | Giam ty le ho ngheo | % 2-3 2,25 1,02\nTrong do, ho ngheo Khmer % 3-4 2.54 0.33 3,01\n"
    assert len(reflow(text)) == 2


def test_text_already_one_paragraph_per_line_is_unchanged():
    paragraphs = ["Một đoạn văn hoàn chỉnh kết thúc bằng dấu chấm.", "Đoạn thứ hai."]
    assert reflow("\n\n".join(paragraphs)) == paragraphs


def test_empty_text_has_no_paragraphs():
    assert reflow("\n \n\f\n") == []


def test_a_short_line_ends_its_paragraph_though_it_ends_no_sentence():
    text = ("Số: 15/KH-UBND\nQuảng Ngãi, ngày 10 tháng 3 năm 2023\n"
            "Thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023 của tỉnh, Ủy ban nhân dân tỉnh ban\n"
            "hành kế hoạch hành động với các nhiệm vụ, giải pháp chủ yếu sau đây để triển khai thực hiện\n"
            "trong năm\nKết quả đạt được như sau.\n")
    assert reflow(text) == [
        "Số: 15/KH-UBND", "Quảng Ngãi, ngày 10 tháng 3 năm 2023",
        "Thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023 của tỉnh, Ủy ban nhân dân tỉnh ban hành kế "
        "hoạch hành động với các nhiệm vụ, giải pháp chủ yếu sau đây để triển khai thực hiện trong năm",
        "Kết quả đạt được như sau."]


def test_table_rows_typed_with_tabs_or_box_characters_stay_rows():
    text = ("TT\tChỉ tiêu\tĐơn vị\tNăm 2023\n1\tTỷ lệ hộ nghèo\t%\t2,1\n"
            "┌────┬──────────┐\n│ 1  │ Dân số   │\n└────┴──────────┘\n")
    assert reflow(text) == ["TT | Chỉ tiêu | Đơn vị | Năm 2023", "1 | Tỷ lệ hộ nghèo | % | 2,1",
                            "┌────┬──────────┐", "│ 1 │ Dân số │", "└────┴──────────┘"]
    assert reflow("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n") == [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]  # a tab that aligns two parts: no row


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_every_kind_of_line_end_parts_lines(end):
    text = end.join(["Điều 1. Phạm vi điều chỉnh.", "", "Điều 2. Đối tượng áp dụng.", ""])
    assert reflow(text) == ["Điều 1. Phạm vi điều chỉnh.", "Điều 2. Đối tượng áp dụng."]
