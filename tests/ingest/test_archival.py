"""Archival outputs from page records (no OCR): the searchable PDF/A read back with poppler,
ALTO against the ALTO 4 schema, hOCR through an hOCR reader, the review page's content."""

import io
import json
import math
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from sohoa.cli import main
from sohoa.ingest.archival import ArchivalOptions, write_archival
from sohoa.ingest.archival.alto import alto_xml
from sohoa.ingest.archival.check import box_agreement, image_digests, page_cer, pdftotext_pages, validate_pdfa
from sohoa.ingest.archival.geometry import to_original
from sohoa.ingest.archival.hocr import hocr_html
from sohoa.ingest.archival.review import Change, load_changes, review_html, word_spans
from sohoa.ingest.archival.searchable_pdf import searchable_pdf
from sohoa.ingest.tesseract_output import parse_hocr_words

DATA = Path(__file__).parent / "data"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# (repaired, as read, confidence, bbox) on a 1240 × 1754 page (A4 at 150 dpi), two lines, a table row
LINE_1 = [("Nghị", "Nghi", 71.0, (100, 100, 190, 140)), ("quyết", "quyét", 64.5, (200, 100, 310, 140)),
          ("số", "số", 95.0, (320, 100, 370, 140)), ("12/NQ-HĐND", "12/NQ-HĐND", 90.0, (380, 100, 640, 140))]
LINE_2 = [("Ủy", "Ủy", 93.0, (100, 160, 160, 200)), ("ban", "ban", 96.0, (170, 160, 240, 200)),
          ("nhân", "nhân", 96.0, (250, 160, 350, 200)), ("dân", "dân", 92.0, (360, 160, 440, 200))]
ROW = [("Tăng", "Tăng", 88.0, (100, 300, 200, 340)), ("trưởng", "trưởng", 90.0, (210, 300, 380, 340)),
       ("7,5", "7,5", 85.0, (900, 300, 960, 340))]


def _words(line, number, block):
    return [{"text": t, "raw": r, "conf": c, "bbox": list(b), "line": number, "block": block} for t, r, c, b in line]


def record(page=1, skew=0.0, rotation=0):
    words = _words(LINE_1, 1, 1) + _words(LINE_2, 2, 1) + _words(ROW, 3, 2)
    words.append({"text": "2", "raw": "2", "conf": 90.0, "bbox": [600, 1680, 620, 1710], "line": 0, "block": 0,
                  "set_aside": True})
    return {"page": page, "width": 1240, "height": 1754, "dpi": 150, "skew": skew, "rotation": rotation,
            "source": "ocr", "page_label": "2", "warnings": [], "block_roles": ["body", "table"], "words": words}


def page_text(rec):
    blocks = {}
    for w in rec["words"]:
        if not w.get("set_aside"):
            blocks.setdefault(w["block"], []).append(w["text"])
    return "\n".join(" ".join(ws) for ws in blocks.values())


def jpeg(path: Path, size=(1240, 1754)) -> Path:
    Image.new("L", size, 235).save(path, "JPEG", dpi=(150, 150), quality=75)
    return path


def image_only_pdf(path: Path, pages: int = 2) -> Path:
    """An image-only PDF as a scanner writes it, with an earlier OCR's invisible text layer."""
    pdf = pikepdf.new()
    helvetica = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    for n in range(pages):
        pixels = np.full((1754, 1240), 230 - 10 * n, np.uint8)
        pixels[100:140, 100:640] = 20
        image = pikepdf.Stream(pdf, __import__("zlib").compress(pixels.tobytes()), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Image, Width=1240, Height=1754,
                               ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)
        content = b"q 595.2 0 0 841.92 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf 50 770 Td (Nghi quyet so cu) Tj ET"
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595.2, 841.92],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=helvetica)),
            Contents=pikepdf.Stream(pdf, content)))))
    pdf.save(path)
    return path


# ------------------------------------------------------------------ geometry
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 1.7, -2.3])
def test_boxes_map_back_through_deskew_and_quarter_turns(rotation, skew):
    import cv2

    from sohoa.ingest import geometry

    original = np.full((400, 300), 255, np.uint8)
    original[100:110, 60:80] = 0  # a word-sized blot
    turned = geometry.rotate_quarter(original, rotation)
    processed = geometry.rotate(turned, -skew) if skew else turned
    ys, xs = np.nonzero(processed < 128)
    rec = {"width": processed.shape[1], "height": processed.shape[0], "skew": skew, "rotation": rotation}
    left, top, right, bottom = to_original(rec, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    assert math.isclose((left + right) / 2 * 300, 70, abs_tol=2.0)
    assert math.isclose((top + bottom) / 2 * 400, 105, abs_tol=2.0)
    assert cv2 is not None


# ------------------------------------------------------------------ searchable PDF
@pytest.mark.parametrize("name, stored, dpi, page_size", [
    # a fax's pixels twice as tall as wide: the page is as tall as the paper, its words on their boxes
    ("fax.tif", (1240, 877), (150, 75), (595.2, 841.92)),
    # a WebP stored sideways with its orientation tag: shown upright, as it was read
    ("photo.webp", (1754, 1240), (150, 150), (595.2, 841.92)),
])
def test_an_image_s_page_has_its_paper_s_size_and_stands_as_it_was_read(tmp_path, name, stored, dpi, page_size):
    source = tmp_path / name
    picture = Image.new("L", stored, 235)
    if name.endswith(".webp"):
        exif = Image.Exif()
        exif[0x0112] = 6  # 'rotate 90 clockwise to display'
        picture.save(source, "WEBP", exif=exif, dpi=dpi, lossless=True)
    else:
        picture.save(source, "TIFF", dpi=dpi)
    rec = record()
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))
    with pikepdf.open(pdf) as document:
        assert [float(v) for v in document.pages[0].mediabox][2:] == pytest.approx(list(page_size), abs=1.0)
        (image,) = pikepdf.Page(document.pages[0]).get_images().values()
        assert (int(image.Width), int(image.Height)) == ((1240, 877) if name == "fax.tif" else (1240, 1754))
    assert box_agreement(pdf, [rec]) == (11, 11)


@needs_poppler
def test_jpeg_becomes_a_searchable_pdfa_with_the_repaired_words(tmp_path):
    source = jpeg(tmp_path / "scan.jpg")
    rec = record()
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))

    text = pdftotext_pages(pdf, raw=True)[0]
    assert text.split() == page_text(rec).split()  # repaired words, reading order, no page number
    assert "Nghị quyết" in text and unicodedata.is_normalized("NFC", text)
    assert page_cer(pdf, page_text(rec), [rec]) == [0.0]
    good, total = box_agreement(pdf, [rec])
    assert (good, total) == (11, 11)
    with pikepdf.open(pdf) as document:
        (image,) = pikepdf.Page(document.pages[0]).get_images().values()
        assert image.read_raw_bytes() == source.read_bytes()  # the JPEG as it was
        assert image.Filter == pikepdf.Name.DCTDecode
        assert [float(v) for v in document.pages[0].mediabox] == pytest.approx([0, 0, 595.2, 841.92])
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert document.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
    assert validate_pdfa(pdf).verdict == "pass"
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


def test_the_same_scan_gives_the_same_pdf_bytes_under_source_date_epoch(tmp_path, monkeypatch):
    source = jpeg(tmp_path / "scan.jpg")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    first = searchable_pdf(source, "image", [record()])
    second = searchable_pdf(source, "image", [record()])
    assert first == second  # no clock and no random file id: a checksum of the archive stays put
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(first)
    with pikepdf.open(pdf) as document:
        meta = document.open_metadata()
        assert meta["xmp:CreateDate"] == meta["xmp:MetadataDate"] == "2026-01-01T00:00:00+00:00"
    assert validate_pdfa(pdf).verdict == "pass"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pikepdf.open(io.BytesIO(searchable_pdf(source, "image", [record()]))) as document:
        assert document.open_metadata()["xmp:CreateDate"] > "2026-01-01"  # else the time it was made


def _embedded_pixels(pdf: Path) -> np.ndarray:
    with pikepdf.open(pdf) as document:
        (image,) = pikepdf.Page(document.pages[0]).get_images().values()
        return np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("L"))


def test_a_transparent_png_shows_on_white_paper_as_the_ocr_read_it(tmp_path):
    """A scan saved with a transparent background (black where it is see-through) is drawn on
    white paper, not as a black page."""
    rgba = np.zeros((1754, 1240, 4), np.uint8)  # transparent black
    rgba[100:140, 100:640] = (20, 20, 20, 255)  # an opaque line of ink
    source = tmp_path / "scan.png"
    Image.fromarray(rgba, "RGBA").save(source, dpi=(150, 150))
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [record()]))
    pixels = _embedded_pixels(pdf)
    assert pixels[1000, 1000] == 255 and pixels[120, 300] == 20


def test_a_16_bit_grey_scan_keeps_its_greys(tmp_path):
    grey = np.full((1754, 1240), 40000, np.uint16)  # light grey paper in 16 bits
    grey[100:140, 100:640] = 5000  # dark ink
    source = tmp_path / "scan.png"
    Image.fromarray(grey).save(source, dpi=(150, 150))
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [record()]))
    pixels = _embedded_pixels(pdf)
    assert pixels[1000, 1000] == round(40000 * 255 / 65535) and pixels[120, 300] == round(5000 * 255 / 65535)


def test_a_picture_without_a_resolution_is_laid_on_a_page_of_a4_size(tmp_path):
    """A phone's photo stores no resolution: the page is as large as an A4 page, not as large
    as the pixels at 300 dpi would make it."""
    source = tmp_path / "photo.png"
    Image.new("L", (1600, 2700), 235).save(source)  # no dpi stored
    rec = {**record(), "width": 1600, "height": 2700, "dpi": 300}
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))
    with pikepdf.open(pdf) as document:
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
    assert height == pytest.approx(841.9, abs=10) and width == pytest.approx(1600 / 2700 * height, rel=1e-3)


@needs_poppler
def test_a_cropped_page_gets_its_words_on_the_part_a_viewer_shows(tmp_path):
    """The crop box is the bottom half: the OCR read that half (its pixels counted from the crop
    box's top), and the layer lays each word there, where pdftotext -cropbox finds it."""
    source = image_only_pdf(tmp_path / "scan.pdf", pages=1)
    with pikepdf.open(source) as doc:
        doc.pages[0].obj.CropBox = pikepdf.Array([0, 0, 595.2, 420.96])
        doc.save(tmp_path / "cropped.pdf")
    rec = {**record(), "height": 877}
    rec["words"] = [w for w in rec["words"] if not w.get("set_aside")]
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(tmp_path / "cropped.pdf", "pdf", [rec]))
    assert box_agreement(pdf, [rec]) == (11, 11)
    assert page_cer(pdf, page_text(rec), [rec]) == [0.0]


@needs_poppler
def test_image_only_pdf_keeps_its_images_and_loses_the_old_invisible_text(tmp_path):
    source = image_only_pdf(tmp_path / "scan.pdf")
    records = [record(1), record(2, skew=0.8)]
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "pdf", records))

    assert image_digests(pdf) == image_digests(source)
    pages = pdftotext_pages(pdf, raw=True)
    assert len(pages) == 2 and all("cu" not in p.split() for p in pages)  # the earlier OCR's text is gone
    assert page_cer(pdf, "\f".join(page_text(r) for r in records), records, raw=True) == [0.0, 0.0]
    good, total = box_agreement(pdf, records)
    assert good == total == 22
    assert validate_pdfa(pdf).verdict == "pass"


@needs_poppler
def test_visible_text_drawn_over_the_scan_stays_drawn_but_is_not_extracted(tmp_path):
    """A portal's diagonal watermark ('nhanh-19/10/2023 ...') drawn as text over a scanned page,
    in the page's content and in a form it draws: pdftotext would break it into scraps among
    the body's lines. It stays on the page, silent for extractors; the layer's words alone come
    out, in both of pdftotext's modes."""
    source = image_only_pdf(tmp_path / "scan.pdf", pages=1)
    with pikepdf.open(source, allow_overwriting_input=True) as document:
        page = document.pages[0]
        mark = b"q 0.7071 0.7071 -0.7071 0.7071 300 420 cm BT 0 Tr /F1 22 Tf -230 0 Td (nhanh-19/10/2023 14:41:22) Tj ET Q"
        stamp = pikepdf.Stream(document, b"BT 0 Tr /F1 9 Tf 400 60 Td (Signed copy) Tj ET", Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=[0, 0, 595.2, 841.92],
                               Resources=pikepdf.Dictionary(Font=page.Resources.Font))
        page.Resources.XObject.Fm0 = stamp
        page.Contents.write(page.Contents.read_bytes() + b" " + mark + b" /Fm0 Do")
        document.save(source)
    before = pdftotext_pages(source)[0].split()
    assert "Signed" in before and "nh" in before and "22" in before  # the watermark read as scraps

    rec = record()
    doc = tmp_path / "doc"
    doc.mkdir()
    (doc / "pages.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    write_archival(doc, str(source), "pdf", ArchivalOptions(alto=False, hocr=False))
    pdf = doc / "searchable.pdf"
    for raw in (False, True):
        assert pdftotext_pages(pdf, raw=raw)[0].split() == page_text(rec).split()
    assert image_digests(pdf) == image_digests(source)
    with pikepdf.open(pdf) as document:
        drawn = [(str(op), [str(o) for o in operands]) for operands, op in
                 pikepdf.parse_content_stream(document.pages[0]) if str(op) in ("Tj", "Do", "Tr")]
    assert ("Tj", ["nhanh-19/10/2023 14:41:22"]) in drawn and ("Do", ["/Fm0"]) in drawn  # still drawn
    assert drawn.count(("Tr", ["3"])) == 1  # the old OCR text gone: only the layer sets render mode 3


def _letter(path: Path, font_name: str, text: str) -> Path:
    from reportlab.pdfgen import canvas

    letter = canvas.Canvas(str(path), pagesize=(595.2, 841.92))
    letter.setFont(font_name, 13)  # a standard font: named, not embedded
    letter.drawString(85, 780, text)
    letter.showPage()
    letter.save()
    return path


def _archive_born_digital(tmp_path: Path, source: Path) -> list[str]:
    rec = dict(record(), source="text-layer")
    doc = tmp_path / "doc"
    doc.mkdir()
    (doc / "pages.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return write_archival(doc, str(source), "pdf", ArchivalOptions(alto=False, hocr=False))


@needs_poppler
@pytest.mark.parametrize("font_name", ["Helvetica", "Times-BoldItalic", "Courier"])
def test_born_digital_page_keeps_its_own_text_with_its_standard_font_embedded(tmp_path, font_name):
    source = _letter(tmp_path / "letter.pdf", font_name, "Born digital text: 'quoted' café")
    assert _archive_born_digital(tmp_path, source) == []  # PDF/A: the font's metric twin embedded
    pdf = tmp_path / "doc" / "searchable.pdf"
    assert pdftotext_pages(pdf)[0].split() == pdftotext_pages(source)[0].split()  # no second layer
    assert validate_pdfa(pdf).verdict == "pass"
    with pikepdf.open(pdf) as document:
        fonts = list(document.pages[0].Resources.Font.values())
        assert fonts and all("/FontFile2" in f.FontDescriptor and str(f.BaseFont).startswith("/Liberation")
                             for f in fonts)
    from pdf2image import convert_from_path

    def ink_box(path):
        ys, xs = np.nonzero(np.asarray(convert_from_path(str(path), dpi=150, grayscale=True)[0]) < 128)
        return xs.min(), ys.min(), xs.max(), ys.max()

    assert np.abs(np.subtract(ink_box(source), ink_box(pdf))).max() <= 3  # the same advance widths: the line in place


@needs_poppler
def test_born_digital_page_read_turned_is_shown_upright_with_its_own_text(tmp_path, monkeypatch):
    """An upright page flagged /Rotate 270 is read on the page turned 90 degrees clockwise
    (`rotation` 90): the searchable PDF shows it upright, with its own text and no layer."""
    from sohoa.ingest.archival import geometry

    monkeypatch.setattr(geometry, "TURN_MIN_WORDS", 10)  # the record reads 10 words (and a page number)
    source = _letter(tmp_path / "letter.pdf", "Helvetica", "Born digital text shown on its side")
    with pikepdf.open(source, allow_overwriting_input=True) as document:
        document.pages[0].Rotate = 270
        document.save(source)
    rec = dict(record(rotation=90), source="text-layer")
    doc = tmp_path / "doc"
    doc.mkdir()
    (doc / "pages.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    write_archival(doc, str(source), "pdf", ArchivalOptions(alto=False, hocr=False))
    pdf = doc / "searchable.pdf"
    with pikepdf.open(pdf) as document:
        assert int(document.pages[0].get("/Rotate", 0)) == 0
    assert pdftotext_pages(pdf)[0].split() == "Born digital text shown on its side".split()  # no second layer


@needs_poppler
def test_born_digital_page_with_a_font_that_has_no_twin_is_written_but_reported(tmp_path):
    source = _letter(tmp_path / "letter.pdf", "Symbol", "abc")
    problems = _archive_born_digital(tmp_path, source)
    assert len(problems) == 1 and "not PDF/A-2b" in str(problems[0]) and "6.2.11.4.1" in str(problems[0])
    assert problems[0].written and (tmp_path / "doc" / "searchable.pdf").exists()  # kept: still searchable
    assert (tmp_path / "doc" / "searchable.pdf").exists()


@pytest.mark.parametrize("name, twin", [
    ("Helvetica", "LiberationSans-Regular"), ("/Helvetica-BoldOblique", "LiberationSans-BoldItalic"),
    ("ABCDEF+Arial,Bold", "LiberationSans-Bold"), ("ArialMT", "LiberationSans-Regular"),
    ("TimesNewRomanPS-BoldItalicMT", "LiberationSerif-BoldItalic"), ("Times-Roman", "LiberationSerif-Regular"),
    ("CourierNewPSMT", "LiberationMono-Regular"), ("Courier-Oblique", "LiberationMono-Italic"),
    ("Symbol", None), ("ZapfDingbats", None), ("VNI-Times", None), ("Tahoma", None), ("Arial Unicode MS", None),
    ("Helvetica-Narrow", None), ("", None),
])
def test_standard_font_names_find_their_metric_twin(name, twin):
    from sohoa.ingest.archival.standard_fonts import twin_file

    found = twin_file(name)
    if twin is not None and not any(d.exists() for d in __import__(
            "sohoa.ingest.archival.standard_fonts", fromlist=["x"]).LIBERATION_DIRS):
        pytest.skip("Liberation fonts not installed")
    assert (found.stem if found else None) == twin


@needs_poppler
def test_rotated_pdf_page_gets_its_words_on_the_displayed_page(tmp_path):
    source = image_only_pdf(tmp_path / "scan.pdf", pages=1)
    with pikepdf.open(source, allow_overwriting_input=True) as document:
        document.pages[0].Rotate = 90  # shown in landscape: the words are read on the turned page
        document.save(source)
    rec = record()
    rec["width"], rec["height"] = 1754, 1240
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "pdf", [rec]))
    assert pdftotext_pages(pdf, raw=True)[0].split() == page_text(rec).split()
    good, total = box_agreement(pdf, [rec])
    assert good == total


# ------------------------------------------------------------------ ALTO and hOCR
def test_alto_validates_against_the_alto_4_schema_and_holds_every_word():
    records = [record(1), record(2, skew=0.0)]
    document = etree.fromstring(alto_xml(records, "scan.pdf"))
    schema = etree.XMLSchema(etree.parse(str(DATA / "alto" / "alto-4-2.xsd")))
    assert schema.validate(document), schema.error_log
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    strings = document.findall(".//a:String", ns)
    assert len(strings) == sum(len(r["words"]) for r in records)
    first = strings[0]
    assert (first.get("CONTENT"), first.get("WC")) == ("Nghị", "0.71")
    assert [first.get(k) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == ["100", "100", "90", "40"]
    assert first.find("a:ALTERNATIVE", ns).text == "Nghi" and first.get("PROCESSINGREFS") == "repair"
    assert strings[2].find("a:ALTERNATIVE", ns) is None  # unchanged words carry no alternative
    tables = document.findall(".//a:ComposedBlock[@TYPE='table']", ns)
    assert len(tables) == 2 and tables[0].find(".//a:String", ns).get("CONTENT") == "Tăng"


def test_hocr_reads_back_with_every_word_box_and_confidence():
    records = [record(1), record(2)]
    words = parse_hocr_words(hocr_html(records, "scan.pdf"))
    assert len(words) == sum(len(r["words"]) for r in records)
    assert (words[0].text, words[0].conf, words[0].bbox) == ("Nghị", 71.0, (100, 100, 190, 140))
    html = etree.HTML(hocr_html(records))
    assert len(html.xpath("//*[@class='ocr_page']")) == 2
    assert html.xpath("//*[@class='ocrx_word']")[1].get("data-ocr") == "quyét"
    assert len(html.xpath("//*[@class='ocr_table']")) == 2


# ------------------------------------------------------------------ the document write
def test_archival_files_are_written_and_a_failing_writer_is_reported(tmp_path, monkeypatch):
    source = jpeg(tmp_path / "scan.jpg")
    doc = tmp_path / ".partial-scan"
    doc.mkdir()
    (doc / "pages.jsonl").write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert write_archival(doc, str(source), "image") == []
    assert {p.name for p in doc.iterdir()} == {"pages.jsonl", "searchable.pdf", "alto.xml", "hocr.html"}

    import sohoa.ingest.archival.alto as alto

    monkeypatch.setattr(alto, "alto_xml", lambda *a, **k: 1 / 0)
    (doc / "alto.xml").unlink()
    problems = write_archival(doc, str(source), "image", ArchivalOptions(pdf=False))
    assert problems and str(problems[0]).startswith("alto.xml not written: ZeroDivisionError")
    assert not problems[0].written and not (doc / "alto.xml").exists()
    assert write_archival(doc, str(tmp_path / "legacy.txt"), "text") == []


# ------------------------------------------------------------------ review page
def test_review_page_marks_each_change_in_the_text_and_on_the_scan():
    rec = record()
    ocr = "Nghi quyét số 12/NQ-HĐND\nỦy ban nhân dân\nTăng trưởng | 7,5"
    changes = [Change(0, 4, "Nghi", "Nghị", "restore", 0.93), Change(5, 10, "quyét", "quyết", "restore", 0.64),
               Change(34, 38, "nhân", "nhăn", "restore", 0.2, applied=False)]
    assert [s[:2] for s in word_spans(ocr, [rec])][:3] == [(0, 4), (5, 10), (11, 13)]
    page = review_html("scan", [rec], ocr, changes, ["review/page-1.jpg"])
    tree = etree.HTML(page)
    marks = tree.xpath("//span[contains(@class,'change')]")
    assert [m.text for m in marks] == ["Nghị", "quyết"] and "low" in marks[1].get("class")
    box = tree.xpath("//div[@id='box-change-0']")[0]
    assert "left:8.065%" in box.get("style") and "top:5.701%" in box.get("style")
    assert "'Nghi' → 'Nghị'  restore (confidence 0.93)" in box.get("title")
    proposal = tree.xpath("//div[@class='box proposal']")
    assert len(proposal) == 1 and "proposed, not made" in proposal[0].get("title")
    assert tree.xpath("//img/@src") == ["review/page-1.jpg"]


def test_changes_come_from_edits_jsonl_when_it_exists(tmp_path):
    (tmp_path / "edits.jsonl").write_text(
        json.dumps({"start": 5, "end": 10, "before": "quyét", "after": "quyết", "fixer": "restore",
                    "confidence": 0.7}) + "\n"
        + json.dumps({"start": 0, "end": 4, "before": "Nghi", "after": "Nghị", "fixer": "restore",
                      "confidence": 0.3, "applied": False}) + "\n", encoding="utf-8")
    changes = load_changes(tmp_path, "Nghi quyét")
    assert [(c.after, c.applied) for c in changes] == [("Nghị", False), ("quyết", True)]


@pytest.mark.parametrize("folder, doc_id, name", [("scan", None, "scan"), (".partial-scan-4242", "scan", "scan"),
                                                  (".partial-bao-cao-2025-17", "bao-cao-2025", "bao-cao-2025")])
def test_a_document_written_in_a_staging_folder_is_titled_with_its_id(tmp_path, folder, doc_id, name):
    """A run writes a document in a staging folder (.partial-<doc_id>-<pid>) and names the
    document; the review page's title is the document's id, never the staging folder's name."""
    source = jpeg(tmp_path / "scan.jpg")
    doc = tmp_path / "out" / folder
    doc.mkdir(parents=True)
    (doc / "pages.jsonl").write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    for text in ("ocr.txt", "text.txt"):
        (doc / text).write_text(page_text(record()) + "\n", encoding="utf-8")
    options = ArchivalOptions(pdf=False, alto=False, hocr=False, review=True)
    assert write_archival(doc, str(source), "image", options, doc_id=doc_id) == []
    assert f"<title>{name} — review</title>" in (doc / "review.html").read_text(encoding="utf-8")


def test_review_command_writes_the_page_next_to_the_document(tmp_path):
    source = jpeg(tmp_path / "scan.jpg")
    out = tmp_path / "out"
    doc = out / "scan"
    doc.mkdir(parents=True)
    (doc / "pages.jsonl").write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    (doc / "ocr.txt").write_text("Nghi quyét số 12/NQ-HĐND\nỦy ban nhân dân\nTăng trưởng | 7,5\n", encoding="utf-8")
    (doc / "text.txt").write_text("Nghị quyét số 12/NQ-HĐND\nỦy ban nhân dân\nTăng trưởng | 7,5\n", encoding="utf-8")
    (doc / "edits.jsonl").write_text(json.dumps({"start": 0, "end": 4, "before": "Nghi", "after": "Nghị",
                                                 "fixer": "restore", "confidence": 0.9}) + "\n")
    (out / "manifest.jsonl").write_text(json.dumps({"doc_id": "scan", "source": str(source), "status": "ok"}) + "\n")
    result = CliRunner().invoke(main, ["review", str(doc)])
    assert result.exit_code == 0, result.output
    assert (doc / "review.html").exists() and (doc / "review" / "page-1.jpg").exists()
    assert 'id="box-change-0"' in (doc / "review.html").read_text(encoding="utf-8")
    with Image.open(doc / "review" / "page-1.jpg") as scan:
        assert scan.size == (826, 1169)  # the 150 dpi scan shown at 100 dpi

    missing = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert missing.exit_code != 0 and "pages.jsonl" in missing.output


def test_help_of_the_new_options_and_command():
    runner = CliRunner()
    assert "--no-pdf" in runner.invoke(main, ["run", "--help"]).output
    assert "--html" in runner.invoke(main, ["run", "--help"]).output
    result = runner.invoke(main, ["review", "--help"])
    assert result.exit_code == 0 and "review.html" in result.output


def test_review_shows_no_changes_for_a_run_without_repair_and_word_changes_when_the_model_moved(tmp_path):
    from sohoa.ingest.archival.review import document_changes

    rec = record()
    ocr = "Nghi quyét số 12/NQ-HĐND\nỦy ban nhân dân\nTăng trưởng | 7,5"
    assert document_changes(tmp_path, ocr, ocr, [rec]) == []
    (tmp_path / "edits.jsonl").write_text(json.dumps({"start": 0, "end": 4, "before": "Nghi", "after": "Nghị",
                                                      "fixer": "restore", "confidence": 0.9}) + "\n")
    text = ocr.replace("Nghi quyét", "Nghị quyết")  # the run also changed 'quyét': the list is stale
    changes = document_changes(tmp_path, ocr, text, [rec])
    assert [(c.before, c.after, c.fixer) for c in changes] == [("Nghi", "Nghị", "repair"), ("quyét", "quyết", "repair")]


@needs_poppler
@pytest.mark.parametrize("rotation", [90, 270])
def test_sideways_scan_gets_text_running_along_its_lines(tmp_path, rotation):
    source = jpeg(tmp_path / "sideways.jpg", size=(1754, 1240))  # scanned on its side
    rec = dict(record(), rotation=rotation)  # the words are boxes on the page turned upright
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))
    assert pdftotext_pages(pdf, raw=True)[0].split() == page_text(rec).split()
    good, total = box_agreement(pdf, [rec])
    assert good == total == 11


@needs_poppler
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_scan_is_shown_upright_with_its_picture_untouched(tmp_path, monkeypatch, rotation):
    from sohoa.ingest.archival import geometry

    monkeypatch.setattr(geometry, "TURN_MIN_WORDS", 10)  # the test page reads 10 words (and a page number)
    upright = Image.new("L", (1240, 1754), 235)
    upright.paste(20, (60, 60, 360, 200))  # a dark mark at the upright page's top left
    source = tmp_path / "turned.jpg"
    # scanned turned: the OCR turned it `rotation` degrees clockwise to read it
    upright.rotate(rotation, expand=True).save(source, "JPEG", dpi=(150, 150), quality=90)
    rec = dict(record(), rotation=rotation)
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))
    with pikepdf.open(pdf) as document:
        assert int(document.pages[0].Rotate) == rotation
        (image,) = pikepdf.Page(document.pages[0]).get_images().values()
        assert image.read_raw_bytes() == source.read_bytes()  # the picture as it was
    shown = tmp_path / "shown"
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", "-singlefile", str(pdf), str(shown)], check=True)
    pixels = np.asarray(Image.open(f"{shown}.png").convert("L")).astype(float)
    height, width = pixels.shape
    assert height > width  # a portrait page, as it was read
    assert pixels[: height // 8, : width // 4].mean() < pixels[-height // 8:, -width // 4:].mean() - 40
    assert pdftotext_pages(pdf, raw=True)[0].split() == page_text(rec).split()
    assert box_agreement(pdf, [rec]) == (11, 11)


def _reviewable(tmp_path: Path, source: Path, relative_source: str) -> Path:
    """A document folder as `sohoa run` writes it, its manifest line naming the scan as the run
    was given it (`relative_source`) and by its absolute path and sha256."""
    from sohoa.ingest.inputs import sha256_of

    doc = tmp_path / "out" / "scan"
    doc.mkdir(parents=True)
    (doc / "pages.jsonl").write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    for name in ("ocr.txt", "text.txt"):
        (doc / name).write_text("Nghị quyết số 12/NQ-HĐND\n", encoding="utf-8")
    line = {"doc_id": "scan", "source": relative_source, "status": "ok", "sha256": sha256_of(source),
            "path": str(source.resolve())}
    (doc.parent / "manifest.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    return doc


def test_review_finds_the_scan_from_any_folder_and_refuses_one_that_changed(tmp_path, monkeypatch):
    source = jpeg(tmp_path / "scan.jpg")
    doc = _reviewable(tmp_path, source, "scan.jpg")  # the run was started in tmp_path
    monkeypatch.chdir(doc)
    result = CliRunner().invoke(main, ["review", "."])
    assert result.exit_code == 0, result.output
    assert (doc / "review.html").exists()
    Image.new("L", (1240, 1754), 100).save(source, "JPEG", dpi=(150, 150))  # another scan in its place
    changed = CliRunner().invoke(main, ["review", str(doc)])
    assert changed.exit_code != 0 and "has changed" in changed.output
    assert isinstance(changed.exception, SystemExit)  # a message, not a traceback


def test_review_of_an_incomplete_folder_or_an_unreadable_scan_says_why(tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 not really")
    doc = _reviewable(tmp_path, source, str(source))
    broken = CliRunner().invoke(main, ["review", str(doc)])
    assert broken.exit_code != 0 and "cannot show" in broken.output and isinstance(broken.exception, SystemExit)
    (doc / "ocr.txt").unlink()
    incomplete = CliRunner().invoke(main, ["review", str(doc)])
    assert incomplete.exit_code != 0 and "ocr.txt" in incomplete.output


def test_a_photo_without_a_resolution_is_not_shrunk_on_the_review_page(tmp_path):
    from sohoa.ingest.archival.review import render_scans

    photo = tmp_path / "photo.jpg"
    Image.new("L", (576, 960), 230).save(photo, "JPEG")  # a phone's picture: no dpi stored
    (name,) = render_scans(photo, "image", 1, tmp_path / "review")
    with Image.open(tmp_path / name) as shown:
        assert shown.size == (576, 960)  # an A4 page at about 80 dpi: shown as it is, not as a thumbnail


@needs_poppler
def test_a_blank_back_read_turned_is_shown_as_it_came(tmp_path):
    source = jpeg(tmp_path / "back.jpg")
    rec = dict(record(), rotation=90)
    rec["words"] = [dict(rec["words"][0], text="Hà")]  # one scrap: the turn found says nothing
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(searchable_pdf(source, "image", [rec]))
    with pikepdf.open(pdf) as document:
        assert int(document.pages[0].get("/Rotate", 0)) == 0
    assert box_agreement(pdf, [rec]) == (1, 1)
