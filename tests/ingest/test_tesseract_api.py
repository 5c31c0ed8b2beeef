"""Tesseract's library in the worker (`--ocr-engine libtesseract`) reads exactly as the command
does: same hOCR (with the LSTM's choices) and TSV for the same pixels and settings, settings of
one call never leak into the next, and a deadline stops it."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from sohoa.errors import PageTimeoutError
from sohoa.ingest import tesseract_api
from sohoa.ingest.ocr import CHOICE_CONFIG, TesseractEngine, parse_hocr_words, uncompressed_file


def test_configs_are_read_as_the_command_reads_them():
    assert tesseract_api.parse_config('--tessdata-dir "/x y/best" --psm 6 -c lstm_choice_mode=2') == \
        ("/x y/best", 6, [("lstm_choice_mode", "2")])
    assert tesseract_api.parse_config("") == (None, 3, [])
    assert tesseract_api.parse_config("--psm 10 -c tessedit_char_whitelist=0123456789.,-<>%") == \
        (None, 10, [("tessedit_char_whitelist", "0123456789.,-<>%")])
    with pytest.raises(tesseract_api.Unsupported):
        tesseract_api.parse_config("--oem 0")
    with pytest.raises(tesseract_api.Unsupported):
        tesseract_api.parse_config("hocr")


needs_library = pytest.mark.skipif(shutil.which("tesseract") is None or not tesseract_api.available(),
                                   reason="tesseract and libtesseract are needed")


def _page() -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from sohoa.synth.render import font_path

    image = Image.new("L", (1400, 420), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path(), 44)
    for k, line in enumerate(["Ủy ban nhân dân tỉnh giao các sở, ban, ngành",
                              "chuyển đổi số: 42.059,6 tỷ đồng (đạt 95%)",
                              "Nghị quyết số 65/NQ-HĐND ngày 15 tháng 3"]):
        draw.text((60, 50 + 120 * k), line, font=font, fill=0)
    return np.asarray(image).copy()


def _page_div(hocr: bytes) -> bytes:
    """The page's hOCR without what only names the input file."""
    page = re.search(rb"<div class='ocr_page'.*</div>", hocr, re.S).group(0)
    return re.sub(rb"image \"[^\"]*\"; ", b"", page).strip()


@pytest.mark.integration
@needs_library
@pytest.mark.parametrize("model", ["best", "fast"])
def test_the_library_reads_as_the_command_does(model):
    import pytesseract

    page = _page()
    engine = TesseractEngine(model=model)
    config = f"{engine._config()} {CHOICE_CONFIG}"  # as the page step asks
    with uncompressed_file(page) as path:
        command = pytesseract.image_to_pdf_or_hocr(path, lang="vie", config=config, extension="hocr")
        command_tsv = pytesseract.image_to_data(path, lang="vie", config="--psm 6")
    library = tesseract_api.output(page, "hocr", "vie", config)
    assert _page_div(library) == _page_div(command)
    assert tesseract_api.output(page, "tsv", "vie", "--psm 6").strip() == command_tsv.strip()
    assert "quyết" in [w.text for w in parse_hocr_words(library)]


@pytest.mark.integration
@needs_library
def test_a_calls_settings_are_put_back_afterwards():
    page = _page()
    before = tesseract_api.output(page, "tsv", "vie", "--psm 6")
    digits = tesseract_api.output(page, "tsv", "vie", "--psm 6 -c tessedit_char_whitelist=0123456789")
    assert not re.search(r"[A-Za-zà-ỹĐđ]", "".join(line.split("\t")[-1] for line in digits.splitlines()[1:]))
    assert tesseract_api.output(page, "tsv", "vie", "--psm 6") == before  # no whitelist left behind


@pytest.mark.integration
@needs_library
def test_a_deadline_stops_the_library():
    page = np.vstack([_page()] * 6)
    with pytest.raises(PageTimeoutError):
        tesseract_api.output(page, "hocr", "vie", "--psm 3", timeout=0.001)


@pytest.mark.integration
@needs_library
def test_the_engine_uses_the_library_only_when_asked(monkeypatch):
    calls = []
    real = tesseract_api.output
    monkeypatch.setattr(tesseract_api, "output", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    page = _page()
    command_words = TesseractEngine().recognise(page)
    assert calls == []
    library = TesseractEngine(in_process=True)
    assert library.recognise(page) == command_words
    assert library.recognise(page, psm=6, whitelist="0123456789", choices=False) == \
        TesseractEngine().recognise(page, psm=6, whitelist="0123456789", choices=False)
    assert calls == ["hocr", "tsv"]


@pytest.mark.integration
@needs_library
def test_the_cells_of_a_table_are_read_by_the_page_workers_engine():
    from dataclasses import replace

    from sohoa.ingest.page import PageOptions, engine_for

    options = PageOptions(in_process_ocr=True)
    assert engine_for(options).in_process and engine_for(replace(options, ocr_model=options.cell_ocr_model)).in_process
    assert not engine_for(PageOptions()).in_process
