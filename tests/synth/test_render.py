import shutil
import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader

from sohoa.synth.render import (
    Closing, Layout, OfficialHeader, Paragraph, TableBlock, document_truth, normalise,
    render_document, write_image_pdf,
)

FAST = Layout(dpi=100)  # same geometry, fewer pixels: enough for layout/truth laws
PARAGRAPH = ("Triển khai thực hiện Nghị quyết năm 2019 của Tỉnh ủy có những thuận lợi cơ bản. "
             "Tuy nhiên, thời tiết, dịch bệnh, biến đổi khí hậu diễn biến phức tạp, khó lường.")


def test_page_is_a4_at_300_dpi():
    (page,) = render_document([PARAGRAPH], level="clean")
    assert page.image.size == (2480, 3508)
    assert page.dpi == 300
    assert page.image.mode == "RGB"


def test_truth_is_one_paragraph_per_line_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Nghị  quyết\n của Tỉnh ủy")
    (page,) = render_document([decomposed, PARAGRAPH], level="clean", layout=FAST)
    assert page.truth_text.split("\n") == ["Nghị quyết của Tỉnh ủy", PARAGRAPH]


def test_header_truth_is_row_by_row_then_title():
    header = OfficialHeader.example(title=("KẾ HOẠCH", "Phát triển kinh tế - xã hội năm 2023"))
    (page,) = render_document([PARAGRAPH], header=header, level="clean", layout=FAST)
    assert page.truth_text.split("\n") == [
        "ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/KH-UBND", "Trà Vinh, ngày 15 tháng 02 năm 2023",
        "KẾ HOẠCH", "Phát triển kinh tế - xã hội năm 2023", PARAGRAPH,
    ]


def test_paragraph_broken_by_a_page_end_is_split_between_pages():
    long_paragraph = " ".join([PARAGRAPH] * 40)
    pages = render_document([long_paragraph, "Đoạn cuối."], level="clean", layout=FAST)
    assert len(pages) >= 2
    pieces = [p.truth_text.split("\n") for p in pages]
    assert " ".join([pieces[0][0]] + [piece[0] for piece in pieces[1:-1]] + [pieces[-1][0]]) == long_paragraph
    assert pieces[-1][-1] == "Đoạn cuối."
    assert document_truth(pages).count("\f") == len(pages) - 1


def test_page_numbers_are_printed_from_page_two_but_not_in_the_truth():
    pages = render_document([" ".join([PARAGRAPH] * 60)], level="clean", layout=FAST)
    assert [p.page_label for p in pages] == [""] + [str(n) for n in range(2, len(pages) + 1)]
    assert all(not p.truth_text.startswith(p.page_label + " ") for p in pages[1:])
    assert any(line.role == "page_number" for line in pages[1].lines)


def test_closing_block_and_table_truth():
    table = TableBlock(rows=(("TT", "Chỉ tiêu", "Đơn vị", "Năm 2023"), ("1", "Tỷ lệ nợ xấu", "%", "< 3")))
    (page,) = render_document([Paragraph("Phụ lục III", "center"), table], closing=Closing(),
                              level="clean", layout=FAST)
    lines = page.truth_text.split("\n")
    assert lines[:3] == ["Phụ lục III", "TT | Chỉ tiêu | Đơn vị | Năm 2023", "1 | Tỷ lệ nợ xấu | % | < 3"]
    assert lines[3:] == ["Nơi nhận:", "- Như trên;", "- TT. Tỉnh ủy;", "- Lưu: VT.",
                         "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]


def test_same_seed_same_pixels_other_seed_other_pixels():
    a = render_document([PARAGRAPH], level="light", seed=3, layout=FAST)[0]
    b = render_document([PARAGRAPH], level="light", seed=3, layout=FAST)[0]
    c = render_document([PARAGRAPH], level="light", seed=4, layout=FAST)[0]
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert not np.array_equal(np.asarray(a.image), np.asarray(c.image))


def test_photocopy_is_scanned_small_in_black_and_white_and_enlarged_back():
    (page,) = render_document([PARAGRAPH], level="photocopy", seed=1, layout=FAST, seal="none")
    (clean,) = render_document([PARAGRAPH], level="clean", seed=1, layout=FAST, seal="none")
    assert abs(page.image.width - clean.image.width) <= 2 and abs(page.image.height - clean.image.height) <= 2
    grey = np.asarray(page.image.convert("L"))
    between = ((grey > 90) & (grey < 180)).mean()  # a photocopy has little grey besides edges
    assert between < ((np.asarray(clean.image.convert("L")) > 90) & (np.asarray(clean.image.convert("L")) < 180)).mean() * 3
    again = render_document([PARAGRAPH], level="photocopy", seed=1, layout=FAST, seal="none")[0]
    assert np.array_equal(np.asarray(page.image), np.asarray(again.image))


@pytest.mark.parametrize("level,skew_range", [("clean", (0, 0)), ("light", (0.2, 1.0)), ("heavy", (1.0, 2.5)),
                                              ("photocopy", (0.1, 0.6))])
def test_levels_skew_within_their_range(level, skew_range):
    (page,) = render_document([PARAGRAPH], level=level, seed=1, layout=FAST, seal="none")
    assert skew_range[0] <= abs(page.skew) <= skew_range[1]


def _red_pixels(image) -> int:
    rgb = np.asarray(image).astype(int)
    return int(((rgb[..., 0] - rgb[..., 1] > 50) & (rgb[..., 0] - rgb[..., 2] > 50)).sum())


def test_seal_is_red_and_only_where_asked():
    pages = render_document([" ".join([PARAGRAPH] * 40)], level="light", layout=FAST, seal="last", seed=2)
    assert _red_pixels(pages[-1].image) > 500
    assert all(_red_pixels(p.image) == 0 for p in pages[:-1])
    heavy = render_document([PARAGRAPH], level="heavy", layout=FAST, seed=2)
    assert _red_pixels(heavy[0].image) > 200  # 'auto' seals every heavy page


def test_max_pages_limits_pages_and_truth():
    pages = render_document([" ".join([PARAGRAPH] * 80)], level="clean", layout=FAST, max_pages=1)
    assert len(pages) == 1
    assert pages[0].truth_text in " ".join([PARAGRAPH] * 80)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError):
        render_document([PARAGRAPH], level="medium")
    with pytest.raises(ValueError):
        render_document([PARAGRAPH], seal="sometimes")


def test_image_pdf_has_pages_and_no_text_layer(tmp_path):
    pages = render_document([" ".join([PARAGRAPH] * 40)], level="light", layout=FAST)
    path = write_image_pdf(pages, tmp_path / "scan.pdf", dpi=FAST.dpi)
    reader = PdfReader(path)
    assert len(reader.pages) == len(pages)
    assert all(not (page.extract_text() or "").strip() for page in reader.pages)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points


vietnamese_words = st.lists(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
                     "AĂÂĐÊÔƠƯ0123456789,.;:%()-/", min_size=1, max_size=12),
    min_size=1, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vietnamese_words)
def test_any_text_that_fits_one_page_is_its_own_truth(words):
    text = " ".join(words)
    (page,) = render_document([text], level="clean", layout=FAST)
    assert page.truth_text == normalise(text)


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_a_clean_render(tmp_path):
    import pytesseract
    from rapidfuzz.distance import Levenshtein

    (page,) = render_document([PARAGRAPH], level="clean")
    crop = page.image.crop((0, 0, page.image.width, 700))
    text = pytesseract.image_to_string(crop, lang="vie", config="--psm 6")
    read = " ".join(text.split())
    cer = Levenshtein.distance(read, PARAGRAPH) / len(PARAGRAPH)
    assert cer < 0.03, read
