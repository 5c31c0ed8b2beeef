"""The cheap paths around OCR: the table-step gate, the uncompressed hand-over to Tesseract,
and the Dask pieces that run without a cluster."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sohoa.ingest.ocr import uncompressed_file
from sohoa.ingest.page import may_hold_table
from sohoa.ingest.records import Rules
from sohoa.ingest.records import OcrWord, PageSource

HEIGHT = 40


def _line(y: int, phrases: list[list[str]], column_gap: int = 120) -> list[OcrWord]:
    """Words of one line: phrases set apart by `column_gap` pixels, words by a space."""
    words, x = [], 100
    for phrase in phrases:
        for text in phrase:
            width = 22 * len(text)
            words.append(OcrWord(text, 90.0, (x, y, x + width, y + HEIGHT), 1, 1, y, len(words) + 1))
            x += width + 14
        x += column_gap
    return words


PROSE = [w for k in range(20) for w in _line(200 + 60 * k, [["Ủy", "ban", "nhân", "dân", "tỉnh", "năm", "2023", "giao"]])]
LETTERHEAD = (_line(100, [["ỦY", "BAN", "NHÂN", "DÂN"], ["CỘNG", "HÒA", "XÃ", "HỘI"]])
              + _line(160, [["TỈNH", "ĐỒNG", "THÁP"], ["Độc", "lập"]])
              + _line(220, [["Số:", "65/NQ-HĐND"], ["Cao", "Lãnh,", "ngày", "15", "tháng", "3"]]))
BORDERLESS = [w for k in range(5) for w in _line(1500 + 60 * k, [["Tổng", "sản", "phẩm"], ["7,5"], ["8,1"]])]


def test_prose_and_letterheads_skip_the_table_step():
    assert not may_hold_table(PROSE, Rules())
    assert not may_hold_table(PROSE + LETTERHEAD, Rules())
    assert not may_hold_table([], Rules())


def test_rules_or_a_borderless_grid_of_figures_keep_the_table_step():
    assert may_hold_table(PROSE + BORDERLESS, Rules())
    assert may_hold_table(PROSE, Rules(vertical=((500, 100, 503, 900),)))
    assert may_hold_table(PROSE, Rules(horizontal=tuple((100, y, 2000, y + 3) for y in (300, 400, 500))))
    assert not may_hold_table(PROSE, Rules(horizontal=((100, 300, 600, 303), (900, 300, 1400, 303))))  # underlines
    assert may_hold_table(PROSE, None)  # text-layer pages: no rules known, the step always runs


def test_tesseract_gets_an_uncompressed_copy_that_is_removed_afterwards():
    import cv2

    grey = np.tile(np.arange(256, dtype=np.uint8), (4, 1))
    colour = np.dstack([grey, np.zeros_like(grey), 255 - grey])
    for image, suffix in ((grey, ".pgm"), (colour, ".ppm")):
        with uncompressed_file(image) as path:
            assert path.endswith(suffix)
            back = cv2.imread(path, cv2.IMREAD_UNCHANGED)
            assert np.array_equal(back, image)
        assert not Path(path).exists()


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_the_uncompressed_hand_over_reads_the_same_words_as_a_png():
    import pytesseract

    from sohoa.ingest.ocr import TesseractEngine
    from sohoa.ingest.tesseract_output import parse_tsv
    from sohoa.synth.render import render_document

    page = render_document(["Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện các chỉ tiêu kinh tế - xã hội "
                            "năm 2023 với tốc độ tăng trưởng đạt 7,5%."], level="light", seed=3)[0]
    grey = np.asarray(page.image.convert("L"))
    engine = TesseractEngine()
    through_png = pytesseract.image_to_data(grey, lang=engine.lang, config=engine._config())
    assert parse_tsv(engine.tsv(grey)) == parse_tsv(through_png)


def test_an_input_sent_as_bytes_is_cached_by_its_sha256(tmp_path, monkeypatch):
    import hashlib

    from sohoa.ingest import dask_scheduler

    monkeypatch.setattr(dask_scheduler, "_CACHE", tmp_path / "cache")
    seen = []

    def process_page(source, options):
        seen.append(source)
        return "done"

    data = b"%PDF-1.4 not really"
    sha = hashlib.sha256(data).hexdigest()
    source = PageSource("doc", "/elsewhere/doc.pdf", "pdf", 2)
    assert dask_scheduler.process_sent_page(process_page, source, None, data, sha, ".pdf") == "done"
    assert dask_scheduler.process_sent_page(process_page, replace(source, page=3), None, data, sha, ".pdf") == "done"
    cached = tmp_path / "cache" / f"{sha}.pdf"
    assert cached.read_bytes() == data
    assert [(s.path, s.page) for s in seen] == [(str(cached), 2), (str(cached), 3)]


def test_scheduler_option_is_offered_by_sohoa_run():
    from click.testing import CliRunner

    from sohoa.cli import main

    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0 and "--scheduler" in result.output


def test_the_restorer_and_page_modules_are_loaded_once_before_the_workers_fork():
    import gc
    import sys

    from sohoa.diacritics.restore import _restorer_of as load_default_restorer  # its cache: the model loaded
    from sohoa.batch import BatchOptions, _load_before_fork

    load_default_restorer.cache_clear()
    try:
        _load_before_fork(BatchOptions(repair=True), pages=True)
        assert load_default_restorer.cache_info().currsize == 1  # the forked workers find it loaded
        assert {"sohoa.tables.page", "sohoa.ingest.archival.searchable_pdf", "pytesseract"} <= set(sys.modules)
        load_default_restorer.cache_clear()
        _load_before_fork(BatchOptions(repair=False), pages=True)
        assert load_default_restorer.cache_info().currsize == 0  # --no-repair never reads the model
    finally:
        gc.unfreeze()
