"""Short numbers in a ruled table's narrow cells, which the page segmentation drops as specks,
are found by their ink and read on their own; letters, blots and cells already read are not."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from sohoa.ingest.records import Grid, OcrWord
from sohoa.ingest.unread import read_unread_cells, unread_cells
from tests.ingest.conftest import drawn_words, ink_runs

FONT = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="FreeSerif missing")

# a ruled table of three rows: a narrow ordinal column, a name column; rules already erased
ROWS = (100, 200, 300, 400)
COLUMNS = (50, 170, 900)
GRID = Grid(50, 100, 900, 400, ROWS, tuple((x, 100, 400) for x in COLUMNS))


def _table(ordinals=("7.", "8.", "9."), names=("Lê Văn Tiêu", "Hứa Văn Hỏi", "Trần Văn Cát"), blot_in=None):
    """(image, the name words as read): each row's name read, its ordinal drawn but not read."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (1000, 500), 255)
    draw = ImageDraw.Draw(image)
    words = []
    for n, (ordinal, name) in enumerate(zip(ordinals, names)):
        top = ROWS[n] + 30
        if ordinal:
            draw.text((80, top), ordinal, font=font, fill=0)
        words += drawn_words(draw, font, name, 200, top, n + 1)
    if blot_in is not None:  # a speck, far smaller than a letter
        draw.ellipse((100, ROWS[blot_in] + 45, 104, ROWS[blot_in] + 49), fill=0)
    return np.array(image), words


class SheetEngine:
    """Reads each crop of the sheet as the text given for it, in order; one list of readings
    per call (the first pass, then the digits-only one)."""

    second_reading = True

    def __init__(self, *calls):
        self.calls, self.answers, self.requests = 0, list(calls), []

    def recognise(self, sheet, *, timeout=None, **request):
        from sohoa.ingest.sheet import MARGIN

        self.requests.append(request)
        readings = self.answers[self.calls] if self.calls < len(self.answers) else []
        self.calls += 1
        # the crops lie one under another; find them by their ink rows
        bands = ink_runs(np.flatnonzero((sheet < 128).any(axis=1)), 10)
        return [OcrWord(text, conf, (MARGIN, top, MARGIN + 30, bottom), 1, 1, 1, 1)
                for (top, bottom), (text, conf) in zip(bands, readings)]


def _cell(word):
    return GRID.cell_at((word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2)


def test_a_grid_names_its_cells():
    assert GRID.cell_at(100, 150) == (1, 1) and GRID.cell_at(500, 350) == (3, 2)  # the frame counts as a rule
    cells = GRID.cells()
    assert all(GRID.cell_at((x0 + x1) / 2, (y0 + y1) / 2) == at for at, (x0, y0, x1, y1) in cells)
    boxes = [box for _, box in cells]
    assert (50, 100, 170, 200) in boxes and (170, 300, 900, 400) in boxes
    assert all(x1 > x0 for x0, _, x1, _ in boxes)


@needs_font
def test_the_narrow_cells_no_word_covers_are_found():
    image, words = _table()
    cells = unread_cells(image, words, [GRID])
    assert len(cells) == 3 and {(c.grid, c.column) for c in cells} == {(0, 1)}
    for (x0, y0, x1, y1), top in zip((c.bbox for c in cells), ROWS):
        assert 70 <= x0 and x1 <= 170 and top < y0 < y1 < top + 100  # the ordinal, stop included


@needs_font
def test_cells_read_empty_or_speckled_ask_the_engine_nothing():
    image, words = _table(ordinals=("", "", ""), blot_in=1)
    engine = SheetEngine()
    assert unread_cells(image, words, [GRID]) == []
    assert read_unread_cells(engine, image, words, [GRID]) == (words, 0) and engine.calls == 0
    assert unread_cells(image, words, []) == []  # no ruled table, no cells


@needs_font
def test_numbers_read_with_confidence_are_kept_in_their_cells():
    image, words = _table()
    engine = SheetEngine([("7.", 95.0), ("ồ", 91.0), ("9.", 60.0)])
    out, added = read_unread_cells(engine, image, words, [GRID])
    assert engine.calls == 1 and engine.requests[0] == {"psm": 6}  # one sheet, read as one block
    assert added == 1  # 'ồ' is a letter where a digit stands; '9.' read with little confidence
    (new,) = out[len(words):]
    assert new.text == "7." and _cell(new) == (1, 1)  # the frame counts as a rule
    assert new.block > max(w.block for w in words)


@needs_font
def test_a_column_of_numbers_reads_its_other_cells_with_digits_alone():
    image, words = _table()
    engine = SheetEngine([("7.", 95.0), ("ồ", 91.0), ("9.", 96.0)], [("8.", 93.0)])
    out, added = read_unread_cells(engine, image, words, [GRID])
    assert engine.calls == 2 and engine.requests[1] == {"psm": 6, "whitelist": "0123456789.,/-"}
    assert added == 3 and {_cell(w)[0]: w.text for w in out[len(words):]} == {1: "7.", 2: "8.", 3: "9."}


@needs_font
def test_one_number_in_a_column_is_no_evidence_for_the_rest():
    image, words = _table()
    engine = SheetEngine([("7.", 95.0), ("ồ", 91.0), ("ló.", 92.0)], [("8.", 93.0), ("16.", 93.0)])
    out, added = read_unread_cells(engine, image, words, [GRID])
    assert engine.calls == 1 and added == 1 and [w.text for w in out[len(words):]] == ["7."]


@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
def test_real_tesseract_reads_the_ordinals_of_a_ruled_list():
    from sohoa.ingest.ocr import TesseractEngine

    image, words = _table()
    out, added = read_unread_cells(TesseractEngine(lang="vie"), image, words, [GRID])
    found = {_cell(w)[0]: w.text for w in out[len(words):]}
    assert added == len(found) == 3
    # every reading kept has the cell's digits (read with digits alone, a stop may be lost)
    assert all(found[row].rstrip(".") == ("7", "8", "9")[row - 1] for row in found)


@needs_font
def test_a_less_sure_ordinal_that_continues_its_column_is_kept():
    image, words = _table()
    engine = SheetEngine([("7.", 95.0), ("8.", 75.0), ("9.", 96.0)], [("8.", 72.0)])
    out, added = read_unread_cells(engine, image, words, [GRID])
    assert engine.calls == 2 and added == 3
    assert {_cell(w)[0]: w.text for w in out[len(words):]} == {1: "7.", 2: "8.", 3: "9."}


@needs_font
def test_a_less_sure_reading_out_of_order_or_unsure_stays_out():
    image, words = _table()
    out_of_order = SheetEngine([("7.", 95.0), ("5.", 75.0), ("9.", 96.0)], [("5.", 72.0)])
    out, added = read_unread_cells(out_of_order, image, words, [GRID])
    assert added == 2 and "5." not in [w.text for w in out]
    unsure = SheetEngine([("7.", 95.0), ("8.", 40.0), ("9.", 96.0)], [("8.", 30.0)])
    out, added = read_unread_cells(unsure, image, words, [GRID])
    assert added == 2 and "8." not in [w.text for w in out]
