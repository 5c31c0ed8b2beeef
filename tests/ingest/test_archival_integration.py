"""The archival outputs of a real run (Tesseract, poppler) and the review page in headless
Chromium (marked: `pytest -m integration`; `make setup` installs chromium)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from sohoa.cli import main
from sohoa.ingest.archival.check import box_agreement, image_digests, page_cer, validate_pdfa
from sohoa.synth.render import render_document, write_image_pdf
from sohoa.ingest.tesseract_output import parse_hocr_words

from .conftest import REAL_TOOLS

pytestmark = REAL_TOOLS

DATA = Path(__file__).parent / "data"
PARAGRAPHS = [
    "Thực hiện Nghị quyết của Hội đồng nhân dân tỉnh về nhiệm vụ phát triển kinh tế - xã hội năm 2023, "
    "Ủy ban nhân dân tỉnh ban hành kế hoạch hành động với các nhiệm vụ, giải pháp chủ yếu sau đây.",
    "Các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả các nhiệm vụ đã đề ra; tốc độ tăng trưởng "
    "kinh tế đạt 7,5%, thu ngân sách nhà nước trên địa bàn vượt dự toán được giao.",
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MAGENTA = np.array([255, 0, 255])


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archival")
    inputs = folder / "in"
    pages = render_document(PARAGRAPHS * 3, level="light", seed=11, max_pages=2)
    write_image_pdf(pages, inputs / "scan.pdf")
    out = folder / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "--jobs", "2", "-q", "--html"])
    assert result.exit_code == 0, result.output
    return inputs / "scan.pdf", out / "scan"


def test_searchable_pdf_reads_back_as_text_txt(run_out):
    source, doc = run_out
    records = [json.loads(line) for line in (doc / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    text = (doc / "text.txt").read_text(encoding="utf-8")
    pdf = doc / "searchable.pdf"
    assert all(cer <= 0.01 for cer in page_cer(pdf, text, records)), page_cer(pdf, text, records)
    assert all(cer <= 0.01 for cer in page_cer(pdf, text, records, raw=True))
    good, total = box_agreement(pdf, records)
    assert total > 50 and good >= 0.95 * total
    assert image_digests(pdf) == image_digests(source)  # the scan's JPEGs, byte for byte
    assert validate_pdfa(pdf).verdict == "pass"
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


def test_alto_and_hocr_hold_every_word(run_out):
    _, doc = run_out
    records = [json.loads(line) for line in (doc / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    words = sum(len(r["words"]) for r in records)
    schema = etree.XMLSchema(etree.parse(str(DATA / "alto" / "alto-4-2.xsd")))
    alto = etree.parse(str(doc / "alto.xml"))
    assert schema.validate(alto), schema.error_log
    strings = alto.findall(".//{http://www.loc.gov/standards/alto/ns-v4#}String")
    assert len(strings) == words and all(s.get("WC") and s.get("WIDTH") for s in strings)
    assert len(parse_hocr_words((doc / "hocr.html").read_bytes())) == words
    assert (doc / "review.html").exists()  # --html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by `make setup`")
def test_review_page_in_headless_chromium_outlines_the_clicked_change(run_out, tmp_path):
    source, run_doc = run_out
    doc = tmp_path / "scan"
    shutil.copytree(run_doc, doc)
    ocr = (doc / "ocr.txt").read_text(encoding="utf-8")
    first = ocr.split()[0]
    (doc / "edits.jsonl").write_text(json.dumps({"start": 0, "end": len(first), "before": first,
                                                 "after": first.upper(), "fixer": "test", "confidence": 0.9}) + "\n")
    (doc / "text.txt").write_text(first.upper() + ocr[len(first):], encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(doc), "--source", str(source)])
    assert result.exit_code == 0, result.output
    url = (doc / "review.html").as_uri() + "#change-0"  # opening it clicks change 0 (the page's own handler)
    chrome = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--window-size=1400,1000",
              "--force-device-scale-factor=1"]
    shot = tmp_path / "review.png"
    subprocess.run(chrome + [f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)
    dom = subprocess.run(chrome + ["--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    assert etree.HTML(dom).find("body").get("data-active") == "change-0"  # the click was handled

    # where the box must be: its place on the scan (percentages) inside the scan's picture
    style = etree.HTML((doc / "review.html").read_text(encoding="utf-8")).xpath("//div[@id='box-change-0']/@style")[0]
    place = {k: float(v) / 100 for k, v in re.findall(r"(left|top|width|height):([\d.]+)%", style)}
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    below_header = 40
    left_column = pixels[below_header:-5, :660]  # the scan is the left column (48 % of the width)
    paper = np.nonzero(np.all(left_column < 250, axis=2))  # the scanned page is grey, the page white
    img_left, img_top = paper[1].min(), paper[0].min() + below_header
    paper = (paper[0] + below_header, paper[1])
    img_width = paper[1].max() + 1 - img_left
    with Image.open(doc / "review" / "page-1.jpg") as scan:  # the picture may run below the window
        img_height = img_width * scan.height / scan.width
    expected = (img_left + place["left"] * img_width, img_top + place["top"] * img_height,
                img_left + (place["left"] + place["width"]) * img_width,
                img_top + (place["top"] + place["height"]) * img_height)

    magenta = np.all(np.abs(pixels - MAGENTA) <= 40, axis=2)
    ys, xs = np.nonzero(magenta[:, :660])
    assert len(xs) > 50, "no outlined box on the scan"
    found = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert all(abs(f - e) <= 6 for f, e in zip(found, expected)), (found, expected)
    assert magenta[:, 660:].sum() > 20  # and the change is marked in the text beside it
    assert (np.asarray(Image.open(shot).convert("L"))[:, :660] < 100).sum() > 2000  # the scan's text shows
