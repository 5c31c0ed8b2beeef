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
    from sohoa.tables.cellocr import _read_singles, _read_stack_words

    engine = Recording([OcrWord("12,5", 91.7, (20, 20, 30, 30)), OcrWord("%", 88.0, (32, 20, 40, 30))])
    (words,) = _read_stack_words(engine, [np.zeros((12, 24), np.uint8)], 20)
    assert [w.conf for w in words] == [91.0, 88.0]
    assert _read_singles(engine, [np.zeros((4, 4), np.uint8)], psm=10)[0].conf == 89.5  # the mean of 91 and 88


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


def test_a_tsv_of_several_pages_is_split_by_page_number():
    from sohoa.ingest.ocr import _tsv_pages
    from sohoa.ingest.tesseract_output import parse_tsv

    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = ["1\t1\t0\t0\t0\t0\t0\t0\t60\t60\t-1\t", "5\t1\t1\t1\t1\t1\t14\t21\t19\t24\t96.5\t5",
            "1\t2\t0\t0\t0\t0\t0\t0\t60\t60\t-1\t", "1\t3\t0\t0\t0\t0\t0\t0\t60\t60\t-1\t",
            "5\t3\t1\t1\t1\t1\t15\t21\t17\t24\t91.0\t7", ""]
    pages = [parse_tsv(page) for page in _tsv_pages("\n".join([header, *rows]), 3)]
    assert [[w.text for w in page] for page in pages] == [["5"], [], ["7"]]  # a blank page reads nothing


def test_images_read_with_one_request_go_one_by_one_to_an_engine_without_a_batch_call():
    from sohoa.ingest.ocr import recognise_each

    engine = Recording([OcrWord("7", 90.0, (0, 0, 4, 4))])
    images = [np.zeros((4, 4), np.uint8)] * 3
    assert recognise_each(engine, images, psm=10) == [[OcrWord("7", 90.0, (0, 0, 4, 4))]] * 3
    assert [call["psm"] for call in engine.calls] == [10, 10, 10]
    assert recognise_each(engine, [], psm=10) == []
    bounded = within(engine, 30.0)  # a bounded engine gives the batch what is left of its time
    bounded.recognise_many(images[:1], psm=8)
    assert engine.calls[-1]["psm"] == 8 and 25.0 < engine.calls[-1]["timeout"] <= 30.0


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_crops_read_in_one_tesseract_process_read_as_they_do_alone():
    from PIL import Image, ImageDraw, ImageFont

    from sohoa.synth.render import font_path

    def drawn(text: str) -> np.ndarray:
        image = Image.new("L", (40 + 30 * len(text), 80), 255)
        if text:
            ImageDraw.Draw(image).text((20, 15), text, fill=0, font=ImageFont.truetype(font_path("regular"), 40))
        return np.asarray(image)

    crops = [drawn("7"), drawn(""), drawn("151.513"), drawn("%"), drawn("42,5")]
    engine = TesseractEngine(model="fast")
    for psm, whitelist in ((10, None), (13, "0123456789.,-<>%"), (8, "0123456789.,-<>%")):
        alone = [engine.recognise(crop, psm=psm, whitelist=whitelist, choices=False) for crop in crops]
        assert engine.recognise_many(crops, psm=psm, whitelist=whitelist, choices=False) == alone
    assert any(words for words in alone)
    labels = [drawn("Tổng số"), drawn("Tỷ lệ (%)")]  # with the marks weighed: hOCR of several pages
    alone = [engine.recognise(crop, psm=6, choices=True) for crop in labels]
    assert engine.recognise_many(labels, psm=6, choices=True) == alone and all(alone)
