"""Pages whose text is too small for Tesseract (a low-resolution photo without a stored
resolution) are enlarged by their measured text height; ordinary pages are left as they are."""

import numpy as np
from PIL import Image

from sohoa.ingest.rasterize import TEXT_HEIGHT, load_page_noted, text_height, text_scale
from sohoa.ingest.records import PageSource, WarningCode


def _page(glyph: int, width: int = 1200, height: int = 1600) -> np.ndarray:
    page = np.full((height, width), 255, np.uint8)
    for y in range(glyph * 2, height - glyph * 2, glyph * 2):
        for x in range(glyph, width - glyph, glyph):
            page[y:y + glyph, x:x + max(2, glyph * 2 // 3)] = 0  # a row of glyph-sized blobs
    return page


def test_text_height_is_the_median_glyph_height():
    assert abs(text_height(_page(10)) - 10) <= 1
    assert text_height(np.full((400, 400), 255, np.uint8)) is None  # no text: nothing to measure


def test_small_text_is_enlarged_to_the_height_tesseract_reads_well():
    assert abs(text_scale(_page(8, 600, 900))[0] - TEXT_HEIGHT / 8) < 0.5
    assert text_scale(_page(5, 600, 900))[0] == 4.0  # never more than four times
    assert text_scale(_page(5, 1600, 2400))[0] == 4000 / 2400  # never beyond an A4 page at 300 dpi


def test_ordinary_text_and_full_size_pages_are_left_alone():
    assert text_scale(_page(TEXT_HEIGHT))[0] == 1.0
    assert text_scale(_page(20))[0] == 1.0  # a 200-dpi scan reads well as it is
    assert text_scale(_page(8, 2480, 3508))[0] == 1.0  # tiny print on a full page: read as it is


def test_a_small_photo_without_a_stored_resolution_is_enlarged_with_a_note(tmp_path):
    path = tmp_path / "photo.png"
    Image.fromarray(_page(8, 600, 900)).save(path)
    pixels, dpi, notes = load_page_noted(PageSource("photo", str(path), "image", 1, 300))
    assert pixels.shape[0] > 3000 and dpi == 300
    assert notes and "enlarged" in notes[-1].message and notes[-1].code == WarningCode.PAGE_ENLARGED
