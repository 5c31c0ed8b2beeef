"""Signed scans: a digital-signature stamp drawn as real text over a scanned page is page
metadata, never the page's text layer; the body under it is OCR'd."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.ingest.evaluate import score
from sohoa.ingest.records import OcrWord
from sohoa.ingest.textlayer import ink_coverage, split_stamps

FONT = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")


def _line(texts, block, line, y, x=100):
    words = []
    for n, text in enumerate(texts.split(), start=1):
        words.append(OcrWord(text, 100.0, (x, y, x + 20 * len(text), y + 30), block, 1, line, n))
        x += 20 * len(text) + 12
    return words


def test_signature_stamp_block_becomes_an_annotation_with_its_fields():
    words = (_line("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", 1, 1, 20, 2000)
             + _line("Cơ quan: Tỉnh Quảng Ngãi", 1, 2, 55, 2000)
             + _line("Thời gian ký: 24/01/2025 14:23:43", 1, 3, 90, 2000)
             + _line("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành triển khai thực hiện.", 2, 1, 400))
    stamps, rest = split_stamps(words)
    assert len(stamps) == 1
    stamp = stamps[0].as_dict()
    assert stamp["kind"] == "signature-stamp"
    assert stamp["signer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert stamp["agency"] == "Tỉnh Quảng Ngãi"
    assert stamp["time"] == "24/01/2025 14:23:43"
    assert [w.text for w in rest][0] == "Ủy" and all(w.block == 2 for w in rest)


def test_copy_stamp_line_with_a_clock_time_is_a_stamp():
    stamps, rest = split_stamps(_line("SAO Y; VĂN PHÒNG ỦY BAN NHÂN DÂN; 25/07/2025 10:25:14 +07:00", 1, 1, 20))
    assert len(stamps) == 1 and not rest


@pytest.mark.parametrize("text", [
    "Thực hiện Công văn số 5633/VPCP-KSTT ngày 25/7/2023 của Văn phòng Chính phủ về việc báo cáo.",
    "Cơ quan chủ trì: Sở Nội vụ; cơ quan phối hợp: các sở, ban, ngành và địa phương liên quan.",
])
def test_body_text_is_no_stamp(text):
    stamps, rest = split_stamps(_line(text, 1, 1, 400) + _line("Các cơ quan, đơn vị tổ chức thực hiện.", 1, 2, 440))
    assert not stamps and rest


def _page_with_lines(rows: int) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    page = np.full((1200, 1000), 255, np.uint8)
    boxes = []
    for r in range(rows):
        y = 100 + 60 * r
        for x in range(100, 900, 40):
            page[y:y + 24, x:x + 22] = 0 if (x // 40) % 3 else 255  # glyph-sized ink blobs
        boxes.append((100, y, 900, y + 24))
    return page, boxes


def test_ink_coverage_tells_a_complete_layer_from_a_stamp():
    page, boxes = _page_with_lines(15)
    assert ink_coverage(page, boxes) > 0.95
    assert ink_coverage(page, boxes[:2]) < 0.2


BODY = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả "
        "các nhiệm vụ, giải pháp đã đề ra; tăng cường kỷ luật, kỷ cương hành chính trong năm 2025.")
PAGE_SIZE = (595.0, 842.0)  # A4 in points


def _scan_pdf(tmp_path: Path, name: str, page, draw_over) -> Path:
    """A one-page PDF of the rendered `page` drawn as a picture over the whole page, with
    `draw_over(pdf, page)` drawing real text on top of it; returns the folder holding it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.png"
    page.image.convert("L").save(scan)
    inputs = tmp_path / "in"
    inputs.mkdir()
    pdfmetrics.registerFont(TTFont("OverSerif", str(FONT)))
    pdf = canvas.Canvas(str(inputs / f"{name}.pdf"), pagesize=PAGE_SIZE)
    pdf.drawImage(ImageReader(str(scan)), 0, 0, *PAGE_SIZE)
    draw_over(pdf, page)
    pdf.showPage()
    pdf.save()
    return inputs


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
def test_signed_scan_keeps_its_body_and_the_stamp_goes_to_pages_jsonl(tmp_path):
    from sohoa.synth.render import render_document

    def stamp(pdf, page):
        pdf.setFont("OverSerif", 7)
        for n, line in enumerate(("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
                                  "Thời gian ký: 24/01/2025 14:23:43")):
            pdf.drawString(430, PAGE_SIZE[1] - 12 - 8 * n, line)

    (page,) = render_document([BODY], level="light", seed=3)
    inputs = _scan_pdf(tmp_path, "signed", page, stamp)

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--no-tables"])
    assert result.exit_code == 0, result.output
    text = (out / "signed" / "text.txt").read_text(encoding="utf-8")
    assert "Ký bởi" not in text and "Thời gian ký" not in text
    assert score("signed", text, page.truth_text).cer < 0.05, text
    record = json.loads((out / "signed" / "pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["source"] == "ocr"
    assert [a["signer"] for a in record["annotations"]] == ["Ủy ban nhân dân tỉnh Quảng Ngãi"]


def test_words_agree_counts_shared_words_order_aside():
    from sohoa.ingest.textlayer import words_agree

    a = _line("Ủy ban nhân dân tỉnh", 1, 1, 10)
    assert words_agree(a, list(reversed(a))) == 1.0
    assert words_agree(a, _line("Uy bän nhan dän tinh", 1, 1, 10)) == 0.0
    assert words_agree(a, []) == 0.0


def _scan_with_invisible_layer(tmp_path: Path, garble) -> tuple[Path, str]:
    """An image-only page with an invisible text layer over its printed lines, as an earlier
    OCR leaves it; `garble` turns each printed line into the layer's text."""
    from reportlab.pdfbase import pdfmetrics

    from sohoa.synth.render import render_document

    def invisible_layer(pdf, page):
        scale = PAGE_SIZE[0] / page.image.width
        for line in page.lines:
            x0, y0, x1, y1 = line.bbox
            text = pdf.beginText()
            text.setTextRenderMode(3)
            size = (y1 - y0) * scale * 0.8
            text.setFont("OverSerif", size)
            layer_text = garble(line.text)
            natural = pdfmetrics.stringWidth(layer_text, "OverSerif", size)
            text.setHorizScale(100.0 * (x1 - x0) * scale / max(natural, 1.0))
            text.setTextOrigin(x0 * scale, PAGE_SIZE[1] - y1 * scale + 0.2 * size)
            text.textOut(layer_text)
            pdf.drawText(text)

    (page,) = render_document([BODY, BODY], level="clean", seed=5)
    return _scan_pdf(tmp_path, "layered", page, invisible_layer), page.truth_text


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
@pytest.mark.parametrize("garble, source", [
    (lambda text: text, "text-layer"),  # a good earlier OCR: kept as it is
    (lambda text: " ".join(word[::-1] for word in text.split()), "ocr"),  # garbage with marks: read again
])
def test_scan_under_a_complete_layer_keeps_it_only_when_it_reads_like_the_page(tmp_path, garble, source):
    inputs, truth = _scan_with_invisible_layer(tmp_path, garble)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--no-tables", "--no-repair"])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "layered" / "pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["source"] == source
    text = (out / "layered" / "text.txt").read_text(encoding="utf-8")
    assert score("layered", text, truth).cer < 0.05, text


def _first_text_row_pt(page) -> float:
    """PDF y (points from the bottom) of the middle of the page's first printed row."""
    grey = np.asarray(page.image.convert("L"))
    rows = np.where((grey < 128).sum(axis=1) > 20)[0]
    top = rows[0]
    bottom = top
    while bottom + 1 < len(grey) and (grey[bottom + 1] < 128).sum() > 20:
        bottom += 1
    return PAGE_SIZE[1] * (1 - (top + bottom) / 2 / grey.shape[0])


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
def test_a_stamp_drawn_across_printed_words_leaves_them_readable(tmp_path):
    """The stamp is left out of the picture by drawing the scan without it, not by painting
    its box white: the printed words under it are part of the document."""
    from sohoa.synth.render import render_document

    (page,) = render_document([BODY], level="clean", seed=4)
    row_y = _first_text_row_pt(page)

    def stamp(pdf, page):
        pdf.setFont("OverSerif", 9)
        for n, line in enumerate(("SAO Y", "Thời gian ký: 24/01/2025 14:23:43 +07:00")):
            pdf.drawString(150, row_y + 4 - 10 * n, line)

    inputs = _scan_pdf(tmp_path, "stamped", page, stamp)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--no-tables", "--no-pdf"])
    assert result.exit_code == 0, result.output
    text = (out / "stamped" / "text.txt").read_text(encoding="utf-8")
    assert "Thời gian ký" not in text
    assert score("stamped", text, page.truth_text).cer < 0.03, text


@pytest.mark.integration
@pytest.mark.skipif(not FONT.exists(), reason="font missing")
def test_text_drawn_over_a_background_picture_is_the_pages_text(tmp_path):
    """A born-digital page laid over a full-page picture (a tinted paper, a letterhead without
    words) keeps its own text: its words lie on blank parts of the picture."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from PIL import Image

    paper = tmp_path / "paper.png"
    Image.new("RGB", (1240, 1754), (246, 240, 222)).save(paper)
    inputs = tmp_path / "in"
    inputs.mkdir()
    pdfmetrics.registerFont(TTFont("OverSerif", str(FONT)))
    pdf = canvas.Canvas(str(inputs / "drawn.pdf"), pagesize=PAGE_SIZE)
    pdf.drawImage(ImageReader(str(paper)), 0, 0, *PAGE_SIZE)
    pdf.setFont("OverSerif", 12)
    lines = ["Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai",
             "thực hiện có hiệu quả các nhiệm vụ, giải pháp đã đề ra trong năm 2025."] * 6
    for n, line in enumerate(lines):
        pdf.drawString(72, 760 - 18 * n, line)
    pdf.showPage()
    pdf.save()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--no-tables", "--no-pdf"])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "drawn" / "pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["source"] == "text-layer"
    assert "triển khai" in (out / "drawn" / "text.txt").read_text(encoding="utf-8")


@pytest.mark.filterwarnings("ignore:.*form widget")  # the test page has no /AcroForm, as real ones may lack
def test_the_picture_only_copy_keeps_the_picture_and_typed_notes(tmp_path):
    """Text objects and signature widgets leave the copy drawn for OCR; the picture and a note
    typed onto the page (FreeText, which the reader sees as part of the page) stay."""
    import pikepdf
    from PIL import Image

    from sohoa.ingest.rasterize import picture_only_page

    pdf = pikepdf.new()
    picture = tmp_path / "scan.png"
    Image.new("L", (200, 280), 200).save(picture)
    pdf.add_blank_page(page_size=(200, 280))
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, b"\x80" * (20 * 28), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=20, Height=28, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image),
                                            Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"q 200 0 0 280 0 0 cm /Im0 Do Q BT /F1 9 Tf 10 10 Td (SAO Y) Tj ET")
    widget = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=[0, 0, 50, 20])
    note = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[0, 200, 100, 220],
                              Contents=pikepdf.String("1. Gửi các đơn vị"))
    page.obj.Annots = pikepdf.Array([pdf.make_indirect(widget), pdf.make_indirect(note)])
    source = tmp_path / "signed.pdf"
    pdf.save(source)

    copy = picture_only_page(str(source), 1, tmp_path / "copy.pdf")
    with pikepdf.open(copy) as result:
        only = result.pages[0]
        operators = [str(op) for _, op in pikepdf.parse_content_stream(only)]
        assert "Do" in operators and "BT" not in operators and "Tj" not in operators
        assert [str(a.Subtype) for a in only.obj.Annots] == ["/FreeText"]
