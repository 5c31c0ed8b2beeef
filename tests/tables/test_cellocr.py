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
