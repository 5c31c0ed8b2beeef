"""Cell text clean-up and the comma / full stop shape test, on rendered crops (no OCR)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.synth.render import font_path
from sohoa.tables.cellocr import clean_cell_text, fix_separators


def _crop(text: str, size: int) -> np.ndarray:
    font = ImageFont.truetype(font_path("regular"), size)
    image = Image.new("L", (int(font.getlength(text)) + 20, size * 2), 255)
    ImageDraw.Draw(image).text((10, size // 3), text, font=font, fill=20)
    return np.asarray(image)


@pytest.mark.parametrize("printed", ["818.658,5", "48,17", "1.990.000", "Dưới 13,1", "8,7-10", "4.894,8"])
@pytest.mark.parametrize("size", [34, 42])
def test_separators_are_read_from_their_shape(printed, size):
    misread = printed.translate(str.maketrans(".,", ",."))
    assert fix_separators(misread, _crop(printed, size)) == printed


def test_text_without_separators_is_untouched():
    assert fix_separators("Sở Y tế", _crop("Sở Y tế", 40)) == "Sở Y tế"


@pytest.mark.parametrize("raw, clean", [
    ("947.251, 8", "947.251,8"), ("3l", "31"), ("Dưới 3l", "Dưới 31"), ("8.I-9", "8.1-9"), ("§.5-11", "8.5-11"),
    ("(%c)", "(%)"), ("Tỷ lệ hộ nghèo", "Tỷ lệ hộ nghèo"), ("Sở Lao động", "Sở Lao động"),
])
def test_clean_cell_text(raw, clean):
    assert clean_cell_text(raw) == clean


def _whitened(text: str, size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(font_path("regular"), size)
    image = Image.new("L", (int(font.getlength(text)) + 24, size * 2), 255)
    ImageDraw.Draw(image).text((12, size // 3), text, font=font, fill=20)
    return np.asarray(image)


def test_sure_words_are_not_read_again(monkeypatch):
    from sohoa.tables import cellocr

    monkeypatch.setattr(cellocr, "_read_stack_words", lambda *a, **k: pytest.fail("read again"))
    words = [[cellocr._Word("Tổng", 91.0, (12, 10, 100, 50))], [cellocr._Word("1.234", 20.0, (12, 10, 90, 50))]]
    cellocr._reread_doubtful_words([_whitened("Tổng"), _whitened("1.234")], words, 40)  # a number is no text word
    assert words[0][0].text == "Tổng" and words[1][0].text == "1.234"


@pytest.mark.integration
def test_a_doubtful_word_is_read_again_alone():
    from sohoa.tables import cellocr

    crop = _whitened("Tổng thu")
    found = cellocr._read_stack_words([crop], "--psm 6", 40)[0]
    assert [w.text for w in found] == ["Tổng", "thu"]
    # as if the block reader had garbled the first word with little confidence
    words = [[cellocr._Word("Tcng", 12.0, found[0].box), found[1]]]
    cellocr._reread_doubtful_words([crop], words, 40)
    assert [w.text for w in words[0]] == ["Tổng", "thu"] and words[0][0].conf > 50
