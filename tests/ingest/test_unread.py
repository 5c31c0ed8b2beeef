"""Printed lines the page segmentation left out are found by their ink and read on their own."""

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sohoa.ingest.records import OcrWord
from sohoa.ingest.unread import read_unread_rows, unread_rows

FONT = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
LINES = ["Nơi nhận:", "- Như trên;", "- CT, PCT UBND tỉnh;", "- VPUB: CVP, TTHC;", "- Lưu: VT, TTHC."]


def _page(lines=LINES, scribble=False):
    """(image, the words of every line as boxes of their ink, one list per line)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (1400, 120 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    per_line = []
    for n, line in enumerate(lines):
        x, y = 60, 60 + 70 * n
        words = []
        for k, text in enumerate(line.split(), start=1):
            box = draw.textbbox((x, y), text, font=font)
            draw.text((x, y), text, font=font, fill=0)
            words.append(OcrWord(text, 95.0, tuple(int(v) for v in box), n + 1, 1, 1, k))
            x = box[2] + 14
        per_line.append(words)
    if scribble:  # a signature's stroke: one tall blob, no letters
        draw.line([(900, 60), (1000, 260), (1100, 80), (1250, 240)], fill=0, width=9)
    return np.array(image), per_line


def _last_line_unread():
    """(image, words per line, the words read): every line read but the last ('- Lưu: …')."""
    image, per_line = _page()
    return image, per_line, [w for words in per_line[:-1] for w in words]


class FakeEngine:
    second_reading = True

    def __init__(self, answer=()):
        self.calls, self.answer = 0, list(answer)

    def recognise(self, image, *, timeout=None):
        self.calls += 1
        return self.answer


needs_font = pytest.mark.skipif(not FONT.exists(), reason="FreeSerif missing")


@needs_font
def test_the_line_no_word_covers_is_found():
    image, per_line, read = _last_line_unread()
    rows = unread_rows(image, read)
    assert len(rows) == 1
    x0, y0, x1, y1 = rows[0].bbox
    last = per_line[4]
    assert y0 <= min(w.bbox[1] for w in last) + 6 and y1 >= max(w.bbox[3] for w in last) - 6
    assert x1 >= max(w.bbox[2] for w in last) - 20  # all but the full stop, too small to be a letter


@needs_font
def test_a_page_read_whole_asks_the_engine_nothing():
    image, per_line = _page(scribble=True)
    words = [w for line in per_line for w in line]
    engine = FakeEngine()
    assert unread_rows(image, words) == []  # the signature stroke is no line of text
    out, added = read_unread_rows(engine, image, words)
    assert engine.calls == 0 and added == 0 and out == words


@needs_font
def test_a_doubtful_reading_of_the_row_adds_nothing():
    image, per_line, read = _last_line_unread()
    engine = FakeEngine([OcrWord("~v", 31.0, (20, 40, 200, 80)), OcrWord("TT", 70.0, (210, 40, 300, 80))])
    out, added = read_unread_rows(engine, image, read)
    assert engine.calls == 1 and added == 0 and out == read


@needs_font
def test_a_confident_reading_is_added_in_page_coordinates_as_a_block_of_its_own():
    image, per_line, read = _last_line_unread()
    engine = FakeEngine([OcrWord("Lưu:", 93.0, (40, 30, 140, 70), 1, 1, 1, 1),
                         OcrWord("VT,", 92.0, (150, 30, 210, 70), 1, 1, 1, 2)])
    out, added = read_unread_rows(engine, image, read)
    assert added == 1 and out[:len(read)] == read
    new = out[len(read):]
    assert [w.text for w in new] == ["Lưu:", "VT,"]
    assert all(w.block > max(r.block for r in read) for w in new)
    row_top = min(w.bbox[1] for w in per_line[4])
    assert all(abs(w.bbox[1] - row_top) < 60 for w in new)  # on the page, near the row it came from


@needs_font
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_tesseract_reads_the_left_out_line():
    from sohoa.ingest.ocr import TesseractEngine

    image, per_line, read = _last_line_unread()
    out, added = read_unread_rows(TesseractEngine(), image, read)
    assert added == 1
    assert " ".join(w.text for w in out[len(read):]) == "- Lưu: VT, TTHC."


def test_a_list_dash_read_glued_to_its_word_is_set_apart():
    from sohoa.ingest.unread import _marker_apart

    dash, word = _marker_apart(OcrWord("-Lưu:", 90.0, (100, 10, 200, 40)))
    assert (dash.text, word.text) == ("-", "Lưu:") and dash.bbox[2] == word.bbox[0]
    for text in ("-5", "-ng", "Lưu:", "-"):
        assert [w.text for w in _marker_apart(OcrWord(text, 90.0, (0, 0, 50, 20)))] == [text]


@needs_font
def test_a_word_boxed_outside_the_picture_hides_no_ink():
    # a box left of and above the picture must not wrap round to the far side of it
    image, per_line, read = _last_line_unread()
    read = read + [OcrWord("x", 90.0, (-80, -80, -30, -30))]
    assert len(unread_rows(image, read)) == 1


@needs_font
def test_a_colour_picture_with_alpha_gives_the_rows_its_grey_does():
    import cv2

    image, per_line, read = _last_line_unread()
    rgba = cv2.cvtColor(image, cv2.COLOR_GRAY2RGBA)
    assert unread_rows(rgba, read) == unread_rows(image, read) != []
    engine = FakeEngine([OcrWord("Lưu:", 93.0, (40, 30, 140, 70)), OcrWord("VT,", 92.0, (150, 30, 210, 70))])
    assert read_unread_rows(engine, rgba, read)[1] == 1


def test_a_blank_page_or_one_without_words_asks_nothing():
    engine = FakeEngine()
    blank = np.full((400, 600), 255, dtype=np.uint8)
    assert unread_rows(blank, []) == [] and read_unread_rows(engine, blank, []) == ([], 0)
    empty = [OcrWord("", 0.0, (10, 10, 40, 40)) for _ in range(8)]
    assert read_unread_rows(engine, np.zeros((0, 0), dtype=np.uint8), empty) == (empty, 0)
    assert engine.calls == 0


def _ink_extent(image, box):
    """(first, last + 1) inked column of `image` inside `box`."""
    columns = np.flatnonzero((image[box[1]:box[3], box[0]:box[2]] < 128).any(axis=0))
    return box[0] + int(columns[0]), box[0] + int(columns[-1]) + 1


def _read_as(monkeypatch, words):
    """Makes the row reading answer `words` (page coordinates) for the one row left unread."""
    import sohoa.ingest.unread as unread

    monkeypatch.setattr(unread, "read_boxes", lambda engine, image, boxes, timeout=None: [list(words)])


@needs_font
def test_a_glued_dash_and_boxes_reaching_over_a_neighbour_are_cut_on_the_ink(monkeypatch):
    # a row read alone came back as '-Lưu:' boxed over the 'VT,' beside it, and 'VT,' boxed
    # from the middle of its 'V': the dash ends where its stroke does, and the boxes part at
    # the white between 'Lưu:' and 'VT,', each still holding all of its word's ink
    image, per_line, read = _last_line_unread()
    dash, luu, vt, tthc = per_line[4]
    glued = OcrWord("-Lưu:", 90.0, (dash.bbox[0], luu.bbox[1], vt.bbox[0] + 25, luu.bbox[3]))
    late = OcrWord("VT,", 92.0, (vt.bbox[0] + 12, vt.bbox[1], vt.bbox[2], vt.bbox[3]))
    _read_as(monkeypatch, [glued, late, tthc])
    out, added = read_unread_rows(FakeEngine(), image, read)
    new = out[len(read):]
    assert added == 1 and [w.text for w in new] == ["-", "Lưu:", "VT,", "TTHC."]
    for got, drawn in zip(new, per_line[4]):
        first, last = _ink_extent(image, drawn.bbox)
        assert got.bbox[0] <= first and got.bbox[2] >= last  # all of the word's ink
        if got.text != "TTHC.":  # the words cut on the ink hold little else (the last kept its box)
            assert got.bbox[2] - got.bbox[0] <= last - first + 2
    assert new[-1].bbox == tthc.bbox
    assert all(a.bbox[2] < b.bbox[0] for a, b in zip(new, new[1:]))  # a space between every two


@needs_font
def test_a_row_read_with_boxes_apart_keeps_the_engines_boxes(monkeypatch):
    image, per_line, read = _last_line_unread()
    _read_as(monkeypatch, per_line[4])
    out, added = read_unread_rows(FakeEngine(), image, read)
    assert added == 1 and out[len(read):] == [replace(w, block=max(r.block for r in read) + 1, par=1, line=1, word=k)
                                              for k, w in enumerate(per_line[4], start=1)]


def test_overlapping_boxes_over_fewer_pieces_of_ink_than_words_are_left_as_read():
    from sohoa.ingest.unread import _on_ink

    columns = np.zeros(300, dtype=bool)
    columns[20:140] = True  # one unbroken stroke under both words
    words = [OcrWord("ab", 90.0, (10, 0, 100, 20)), OcrWord("cd", 90.0, (90, 0, 150, 20))]
    assert _on_ink(words, columns) == words
    columns[78:84] = False  # white between them, nearer the middle than the letters' share
    cut = _on_ink(words, columns)
    assert [w.bbox[0] for w in cut] == [20, 84] and [w.bbox[2] for w in cut] == [78, 140]
