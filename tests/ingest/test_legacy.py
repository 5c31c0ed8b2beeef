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
