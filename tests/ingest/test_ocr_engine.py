"""The one OCR interface: every call names its page segmentation mode, whitelist, choices and
time limit; `within` bounds all calls of an engine by one deadline; table cells are read
through the engine they are given."""

import shutil
import time

import numpy as np
import pytest

from sohoa.errors import PageTimeoutError
from sohoa.ingest.ocr import NullEngine, TesseractEngine, within
from sohoa.ingest.records import OcrWord


class Recording(NullEngine):
    """Reads nothing, and remembers what it was asked."""

    def __init__(self, words=()):
        self.calls = []
        self.words = list(words)

    def recognise(self, image, **request):
        self.calls.append(request)
        return list(self.words)


def test_a_bounded_engine_gives_each_call_what_is_left_and_then_refuses():
    engine = Recording()
    bounded = within(engine, 30.0)
    bounded.recognise(np.zeros((4, 4), np.uint8), psm=6)
    bounded.recognise(np.zeros((4, 4), np.uint8), psm=10, timeout=5.0)
    assert engine.calls[0]["psm"] == 6 and 25.0 < engine.calls[0]["timeout"] <= 30.0
    assert engine.calls[1]["timeout"] == 5.0  # a call's own, shorter limit stands
    spent = within(engine, 0.01)
    time.sleep(0.02)
    with pytest.raises(PageTimeoutError):
        spent.recognise(np.zeros((4, 4), np.uint8))


def test_the_request_becomes_tesseract_options():
    engine = TesseractEngine(model="fast")
    assert engine._config() == "--psm 3"
    assert engine._config(psm=6, whitelist="0123456789.,") == "--psm 6 -c tessedit_char_whitelist=0123456789.,"
    assert TesseractEngine(model="best")._config(psm=8).startswith('--tessdata-dir "')


def test_cell_confidences_are_whole_numbers_from_either_reading():
    from sohoa.tables.cellocr import _words

    engine = Recording([OcrWord("12,5", 91.7, (0, 0, 10, 10)), OcrWord("%", 88.0, (12, 0, 20, 10))])
    assert [w.conf for w in _words(engine, np.zeros((4, 4), np.uint8), 6)] == [91.0, 88.0]


@pytest.mark.integration
def test_table_cells_are_read_through_the_engine_given():
    from sohoa.ingest.records import PageImage
    from sohoa.synth.tables_render import render_table_page
    from sohoa.tables.page import find_tables_on_page

    page = render_table_page("groups", seed=1)
    engine = Recording()
    tables = find_tables_on_page(PageImage("t", 1, np.asarray(page.image.convert("L")), 300), engine=engine)
    assert engine.calls and {call["psm"] for call in engine.calls} >= {6}
    assert engine.calls[0]["choices"] is True  # the first reading asks for the marks weighed
    # nothing was read: no cell holds more than the dash a crop's shape alone tells
    assert {cell.strip() for t in tables for row in t.rows for cell in row} <= {"", "-"}


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_plain_text_of_a_page():
    from sohoa.synth.render import render_document

    page = render_document(["Ủy ban nhân dân tỉnh ban hành kế hoạch."], level="clean", seed=3)[0]
    text = TesseractEngine(psm=6, model="fast").read_text(np.asarray(page.image.convert("L")))
    assert "Ủy ban nhân dân" in text
