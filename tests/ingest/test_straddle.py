"""A word the page's reading took across a ruled table's erased column rule ('30.29.' for the
ordinals '30 | 29.') is read again cell by cell; a word over a speck on one side, a word
inside its cell and unsure readings are left as they were read. A bar read on an erased rule
is the rule, and is dropped."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from sohoa.ingest.records import Grid, OcrWord
from sohoa.ingest.straddle import read_straddling_words, straddling_words, without_rule_traces
from tests.ingest.conftest import drawn_words, ink_runs

FONT = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="FreeSerif missing")

# a ruled list of three rows: two narrow ordinal columns, a name column; rules already erased
ROWS = (100, 200, 300, 400)
COLUMNS = (50, 150, 250, 900)
GRID = Grid(50, 100, 900, 400, ROWS, tuple((x, 100, 400) for x in COLUMNS))


def _list(pairs=(("30", "29."), ("31", "30."), ("32", "31.")), names=("Lê Văn Tiêu", "Hứa Văn Hỏi", "Trần Cát"),
          speck_row=None):
    """(image, words as read): each row's two ordinals drawn either side of the erased rule at
    x=150 and read as one word across it; each name read as it is."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (1000, 500), 255)
    draw = ImageDraw.Draw(image)
    words = []
    for n, ((left, right), name) in enumerate(zip(pairs, names)):
        top = ROWS[n] + 30
        boxes = []
        for x, text in ((95, left), (165, right)):
            if text:
                boxes.append(draw.textbbox((x, top), text, font=font))
                draw.text((x, top), text, font=font, fill=0)
        if boxes:
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            words.append(OcrWord(left + right, 70.0, box, n + 1, 1, 1, 1))
        words += drawn_words(draw, font, name, 270, top, n + 1, first=2)
    if speck_row is not None:  # a speck left of the rule, under a word read across it
        draw.ellipse((120, ROWS[speck_row] + 60, 123, ROWS[speck_row] + 63), fill=0)
    return np.array(image), words


class SheetEngine:
    """Reads each run of ink on the sheet (crops one under another, words apart by more than
    15 pixels) as the next text given, with its confidence and its box."""

    def __init__(self, readings):
        self.readings, self.calls, self.requests = list(readings), 0, []

    def recognise(self, sheet, *, timeout=None, **request):
        self.calls += 1
        self.requests.append(request)
        words, given = [], iter(self.readings)
        for top, bottom in ink_runs(np.flatnonzero((sheet < 128).any(axis=1)), 10):
            for left, right in ink_runs(np.flatnonzero((sheet[top:bottom] < 128).any(axis=0)), 15):
                text, conf = next(given, ("?", 0.0))
                words.append(OcrWord(text, conf, (int(left), int(top), int(right), int(bottom)), 1, 1, 1, 1))
        return words


def _cell(word):
    return GRID.cell_at((word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2)


@needs_font
def test_words_across_a_rule_with_letters_on_both_sides_are_found():
    image, words = _list()
    found = straddling_words(image, words, [GRID])
    assert [words[f.index].text for f in found] == ["3029.", "3130.", "3231."]
    for item in found:
        (left, left_letters), (right, right_letters) = item.parts
        assert left_letters and right_letters
        assert left[2] < 150 < right[0]  # each part stays on its side of the rule
    assert straddling_words(image, words, []) == []  # no ruled table, nothing to part


@needs_font
def test_a_word_inside_its_cell_or_over_a_speck_is_not_parted():
    image, words = _list(pairs=(("", "29."), ("", "30."), ("", "31.")), speck_row=0)
    # the first ordinal read with its box reaching over the speck across the rule
    words[0] = OcrWord("„29.", 40.0, (115, words[0].bbox[1], words[0].bbox[2], words[0].bbox[3]), 1, 1, 1, 1)
    engine = SheetEngine([])
    assert straddling_words(image, words, [GRID]) == []
    assert read_straddling_words(engine, image, words, [GRID]) == (words, 0) and engine.calls == 0


@needs_font
def test_confident_parts_replace_the_word_in_their_cells():
    image, words = _list()
    # per part, left to right and row by row: the third row's right part read unsure
    engine = SheetEngine([("30", 95.0), ("29.", 93.0), ("31", 92.0), ("30.", 91.0), ("32", 94.0), ("31.", 40.0)])
    out, replaced = read_straddling_words(engine, image, words, [GRID])
    assert engine.calls == 1 and engine.requests[0] == {"psm": 6}  # one sheet, read as one block
    assert replaced == 2
    texts = [w.text for w in out]
    assert "3029." not in texts and "3130." not in texts and "3231." in texts  # the unsure one stays
    parted = {w.text: _cell(w) for w in out if w.text in ("30", "29.", "31", "30.")}
    assert parted == {"30": (1, 1), "29.": (1, 2), "31": (2, 1), "30.": (2, 2)}
    new_blocks = [w.block for w in out if w.text in parted]
    assert len(set(new_blocks)) == 4 and min(new_blocks) > max(w.block for w in words)
    assert [w.text for w in out if w.text.istitle()] == [w.text for w in words if w.text.istitle()]  # names kept


@needs_font
def test_a_part_that_reads_a_neighbour_already_read_adds_nothing_twice():
    image, words = _list(pairs=(("30", "29."),), names=("Lê Văn Tiêu Hứa Hỏi",))
    # the word's box reaches over the name's first word, which the page's reading has
    merged, first_name = words[0], words[1]
    words[0] = OcrWord(merged.text, merged.conf, (merged.bbox[0], merged.bbox[1], first_name.bbox[2], merged.bbox[3]),
                       1, 1, 1, 1)
    no_name_rule = Grid(50, 100, 900, 400, ROWS, tuple((x, 100, 400) for x in (50, 150, 900)))
    (found,) = straddling_words(image, words, [no_name_rule])
    assert len(found.parts) == 2
    # the right part holds '29.' and the name's first word: both read again
    engine = SheetEngine([("30", 95.0), ("29.", 93.0), ("Lê", 96.0)])
    out, replaced = read_straddling_words(engine, image, words, [no_name_rule])
    assert replaced == 1 and engine.calls == 1
    assert [w.text for w in out].count("Lê") == 1 and "29." in [w.text for w in out]


@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
def test_real_tesseract_parts_the_ordinals_of_a_ruled_list():
    from sohoa.ingest.ocr import TesseractEngine

    image, words = _list()
    out, replaced = read_straddling_words(TesseractEngine(lang="vie"), image, words, [GRID])
    found = [(w.text, _cell(w)) for w in out if _cell(w)[1] in (1, 2)]
    assert replaced >= 2
    for text, (row, column) in found:  # whatever is kept is the cell's own number
        expected = (("30", "29."), ("31", "30."), ("32", "31."))[row - 1][column - 1]
        assert text in (expected, "3029.", "3130.", "3231.") or text.rstrip(".") == expected.rstrip(".")


def _bar(x, row=1, text="|"):
    top = ROWS[row - 1] + 25
    return OcrWord(text, 85.0, (x - 1, top, x + 2, top + 50), 9, 1, 1, 1)


@needs_font
def test_a_bar_on_a_column_rule_is_the_rule_and_is_dropped():
    _, words = _list()
    bars = [_bar(150), _bar(251, row=2), _bar(52, row=3, text="¦")]
    out, dropped = without_rule_traces(words + bars, [GRID])
    assert dropped == 3 and out == words


@needs_font
def test_bars_off_the_rules_outside_tables_or_beside_letters_stay():
    _, words = _list()
    kept = [_bar(600),  # inside a cell, away from every rule
            _bar(150, text="|5"),  # a bar glued to a number: text, whatever the bar is
            _bar(150, text="l"),  # a letter on the rule is the letter's
            OcrWord("|", 85.0, (949, 130, 952, 180), 9, 1, 1, 1)]  # beside the table, not in it
    out, dropped = without_rule_traces(words + kept, [GRID])
    assert dropped == 0 and out == words + kept
    assert without_rule_traces(words + [_bar(150)], []) == (words + [_bar(150)], 0)  # no ruled table


@needs_font
def test_a_sliver_of_marks_over_a_rule_line_is_the_rule_and_a_stop_beside_it_is_not():
    _, words = _list()
    top = ROWS[0] + 25
    sliver = [OcrWord(".", 60.0, (150, top, 151, top + 22), 9, 1, 1, 1), OcrWord("'", 60.0, (249, top, 251, top + 40), 9, 1, 1, 1)]
    stops = [OcrWord(".", 80.0, (140, top + 30, 146, top + 36), 9, 1, 1, 1),  # a stop left of the rule, off its line
             OcrWord("2.", 80.0, (149, top, 152, top + 40), 9, 1, 1, 1)]  # a digit on the line is text
    out, dropped = without_rule_traces(words + sliver + stops, [GRID])
    assert dropped == 2 and out == words + stops


@needs_font
def test_a_flat_word_over_a_row_rule_is_the_rule_and_a_dash_in_a_cell_is_not():
    _, words = _list()
    traces = [OcrWord("_", 20.0, (400, 199, 520, 200), 9, 1, 1, 1), OcrWord("II", 0.0, (700, 299, 760, 301), 9, 1, 1, 1)]
    kept = [OcrWord("-", 90.0, (400, 150, 420, 154), 9, 1, 1, 1),  # a dash mid-row, off the rules
            OcrWord("mm", 30.0, (400, 160, 480, 198), 9, 1, 1, 1)]  # as tall as letters: not flat
    out, dropped = without_rule_traces(words + traces + kept, [GRID])
    assert dropped == 2 and out == words + kept
