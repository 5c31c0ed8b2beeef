"""Real Tesseract and poppler on a few small pages (marked: `pytest -m integration`)."""

import json

import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.ingest.evaluate import score
from sohoa.synth.render import OfficialHeader, document_truth, render_document, write_image_pdf

from .conftest import PARAGRAPHS, REAL_TOOLS

pytestmark = REAL_TOOLS


def test_scanned_pdf_png_and_tiff_end_to_end(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    header = OfficialHeader.example(("KẾ HOẠCH",))
    pdf_pages = render_document(PARAGRAPHS, header=header, level="light", seed=7)
    write_image_pdf(pdf_pages, inputs / "scan.pdf")
    png_page = render_document(PARAGRAPHS[:1], level="heavy", seed=8)[0]  # with a red seal
    png_page.image.save(inputs / "photo.png", dpi=(300, 300))
    tiff_pages = render_document([" ".join(PARAGRAPHS * 22)], level="clean", seed=9, max_pages=2)
    assert len(tiff_pages) == 2
    tiff_pages[0].image.convert("L").save(inputs / "fax.tiff", save_all=True,
                                          append_images=[tiff_pages[1].image.convert("L")], dpi=(300, 300),
                                          compression="tiff_lzw")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "scan.txt").write_text(document_truth(pdf_pages), encoding="utf-8")
    (gold / "photo.txt").write_text(png_page.truth_text, encoding="utf-8")
    (gold / "fax.txt").write_text(document_truth(tiff_pages), encoding="utf-8")

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "--jobs", "2", "-q"])
    assert result.exit_code == 0, result.output
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert {e["doc_id"]: e["pages"] for e in manifest} == {"scan": 1, "photo": 1, "fax": 2}
    for doc_id, limit in (("scan", 0.03), ("photo", 0.05), ("fax", 0.03)):
        text = (out / doc_id / "text.txt").read_text(encoding="utf-8")
        truth = (gold / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert score(doc_id, text, truth).cer < limit, (doc_id, text)
    scan_text = (out / "scan" / "text.txt").read_text(encoding="utf-8").splitlines()
    assert scan_text[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH"]
    assert (out / "fax" / "text.txt").read_text(encoding="utf-8").count("\f") == 1
    page = json.loads((out / "photo" / "pages.jsonl").read_text().splitlines()[0])
    assert page["dpi"] == 300 and abs(page["skew"]) >= 0.9  # the heavy page was tilted 1-2.5 degrees

    again = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q"])
    assert again.exit_code == 0  # nothing to redo
    assert [json.loads(line)["seconds"] for line in (out / "manifest.jsonl").read_text().splitlines()] == \
        [e["seconds"] for e in manifest]


def test_blank_scanned_page_is_reported_empty(tmp_path):
    from PIL import Image

    inputs = tmp_path / "in"
    inputs.mkdir()
    Image.new("L", (1240, 1754), 250).save(inputs / "blank.pdf", resolution=150.0)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q"])
    assert result.exit_code == 1
    entry = json.loads((out / "manifest.jsonl").read_text())
    assert entry["status"] == "failed" and "no text" in entry["error"]


def test_page_timeout_is_reported_not_fatal(tmp_path):
    from sohoa.ingest.page import PageOptions
    from sohoa.pipeline import process_page
    from sohoa.ingest.records import PageSource

    page = render_document([" ".join(PARAGRAPHS * 12)], level="clean", seed=3)[0]
    page.image.save(tmp_path / "dense.png", dpi=(300, 300))
    result = process_page(PageSource("dense", str(tmp_path / "dense.png"), "image", 1, 300),
                          PageOptions(timeout=1.0, tables=False))
    assert result.ocr is None and "longer than" in result.error


def test_english_page_is_reported_as_not_vietnamese(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    english = ("The provincial committee reviewed the annual plan and asked every department to report on the "
               "progress of the main economic indicators before the end of the second quarter of the year.")
    render_document([english, english], level="clean", seed=5)[0].image.save(inputs / "english.png", dpi=(300, 300))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--no-tables"])
    assert result.exit_code == 1
    entry = json.loads((out / "manifest.jsonl").read_text())
    assert entry["status"] == "failed" and "non-Vietnamese" in entry["error"]
