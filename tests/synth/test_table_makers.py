"""The held-out variation of the table bench: typefaces of the PIL maker and the PDF maker."""

import numpy as np
import pytest

from sohoa.synth.tables_render import FONTS, font_files, render_table_page


def test_same_seed_same_table_in_every_font():
    pages = {font: render_table_page("two_level", seed=3, font=font) for font in ("termes", "freesans")}
    termes, sans = pages["termes"], pages["freesans"]
    assert [t.rows for t in termes.tables] == [t.rows for t in sans.tables]
    assert [t.observations for t in termes.tables] == [t.observations for t in sans.tables]
    assert not np.array_equal(np.asarray(termes.image), np.asarray(sans.image))


def test_default_font_is_termes():
    default = render_table_page("groups", seed=1)
    termes = render_table_page("groups", seed=1, font="termes")
    assert np.array_equal(np.asarray(default.image), np.asarray(termes.image))


def test_unknown_font_is_refused():
    with pytest.raises(ValueError):
        font_files("liberationsans")  # no Vietnamese glyphs: never offered


@pytest.mark.parametrize("font", [f for f in FONTS if f != "termes"])
def test_held_out_fonts_draw_vietnamese_marks(font):
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font_files(font)[0], 40)

    def ink(text):
        image = Image.new("L", (120, 90), 255)
        ImageDraw.Draw(image).text((10, 10), text, font=face, fill=0)
        return image.tobytes()

    missing = ink("\ue000")  # a private-use code point draws the font's missing-glyph box
    assert all(ink(ch) != missing for ch in "ơưđặễỵỷẩ")


@pytest.mark.integration
def test_pdf_maker_page_and_truth():
    from sohoa.synth.tables_pdf import render_pdf_continued_pages, render_pdf_table_page

    page = render_pdf_table_page("groups", seed=0, font="notosans")
    assert sorted(page.image.size) == [2481, 3508] and page.image.mode == "L"
    table = page.tables[0]
    assert table.header[:2] == ["TT", "Chỉ tiêu"]
    values = sum(1 for row in table.rows if row[0] not in ("I", "II") for _ in range(2))
    assert len(table.observations) == values  # two value columns per indicator row
    ink = np.asarray(page.image) < 128
    assert ink.mean() > 0.005  # drawn, not blank
    first, second = render_pdf_continued_pages(1, repeat_header=False, font="freesans")
    assert first.tables and not second.tables and len(first.tables[0].rows) >= 10


def test_table_without_unit_column_has_no_unit_in_its_truth():
    page = render_table_page("borderless_two", seed=0)
    assert page.tables[0].header[0] == "Chỉ tiêu" and len(page.tables[0].header) == 2
    assert {o.unit for o in page.tables[0].observations} == {""}
    assert all(o.unit for o in render_table_page("groups", seed=0).tables[0].observations)
