"""The dot of an 'i' told from a tone mark in its place, on rendered crops (no OCR)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.ingest.records import OcrWord
from sohoa.synth.render import font_path
from sohoa.tables.tittles import _plain_dots, _toned_i, marks_above, with_dot_alternatives

SIZE = 40


def _cell(printed: str, read: str) -> tuple[np.ndarray, OcrWord]:
    """A crop of one printed word and the word as the OCR read it, boxed as Tesseract boxes it."""
    font = ImageFont.truetype(font_path("regular"), SIZE)
    image = Image.new("L", (int(font.getlength(printed)) + 24, SIZE * 2), 255)
    ImageDraw.Draw(image).text((12, SIZE // 3), printed, font=font, fill=20)
    crop = np.asarray(image)
    ys, xs = np.nonzero(crop < 128)
    return crop, OcrWord(read, 95.0, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))


def _read(pairs):
    cells = [_cell(printed, read) for printed, read in pairs]
    return [c for c, _ in cells], [[w] for _, w in cells]


REFERENCE = [("kinh", "kinh"), ("địa", "địa"), ("giai", "giai"), ("tin", "tin")]


def test_a_tone_read_over_the_dot_of_an_i_gets_the_plain_form_as_alternative():
    crops, words = _read(REFERENCE + [("chi", "chỉ"), ("chi)", "chí)")])
    out = with_dot_alternatives(crops, words)
    assert out[-2][0].alternatives[0] == ("chi", 1.0)
    assert out[-1][0].alternatives[0] == ("chi)", 1.0)
    assert [w[0] for w in out[:-2]] == [w[0] for w in words[:-2]]  # plain words untouched


@pytest.mark.parametrize("printed", ["chỉ", "chí", "chì", "chĩ"])
def test_a_printed_tone_mark_is_no_dot(printed):
    crops, words = _read(REFERENCE + [(printed, printed)])
    assert with_dot_alternatives(crops, words)[-1][0].alternatives == ()


def test_without_enough_dots_to_compare_nothing_is_added():
    crops, words = _read([("kinh", "kinh"), ("chi", "chỉ")])
    assert with_dot_alternatives(crops, words) == words


def test_marks_above_are_counted_per_word():
    crop, word = _cell("giai", "giai")
    assert len(marks_above(crop, word.bbox)) == 2
    crop, word = _cell("tiền", "tiền")
    assert len(marks_above(crop, word.bbox)) >= 2  # the dot and the vowel's marks
    blank = np.full((60, 80), 255, np.uint8)
    assert marks_above(blank, (5, 5, 70, 50)) is None


@pytest.mark.parametrize("word, plain", [
    ("chỉ", "chi"), ("Chí)", "Chi)"), ("nghĩa", "nghia"), ("tỉnh", "tinh"),
    ("tiền", None),  # a mark on another vowel
    ("cải", None),  # the tone is on the 'a': the i keeps its dot
    ("thị", None),  # a dot below leaves the dot above
    ("chi", None), ("giỉ", None),
])
def test_toned_i(word, plain):
    assert _toned_i(word) == plain


def test_plain_dots():
    assert _plain_dots("giai") == 2 and _plain_dots("kinh") == 1 and _plain_dots("thu") == 0
    assert _plain_dots("chỉ") is None and _plain_dots("tiền") is None
