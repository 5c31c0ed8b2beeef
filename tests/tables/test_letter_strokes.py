"""A letter's stroke as long as the shortest rule, inside a ruled table's cell, is read with its
letter: only the grid's own lines are erased before the cells are read."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from sohoa.ingest.records import PageImage
from sohoa.synth.render import font_path
from sohoa.tables.page import find_tables_on_page

HEADER = ["Chỉ tiêu", "Đơn vị tính", "Kế hoạch 2025", "Thực hiện 2025"]
BODY = [["1", "Tổng sản phẩm", "tỷ đồng", "12.500", "12.830"], ["2", "Tỷ lệ hộ nghèo", "%", "2,1", "1,8"]]


def _bold_tt(page: Image.Image, left: int, top: int) -> None:
    """A bold 12-point 'TT' whose top bars meet, as they do on a scan whose blur closes the
    hairline between the two letters: one horizontal stroke of 72 px, longer than the shortest
    rule. (The letters drawn a little wider than the test font's, as Times New Roman's are.)"""
    font = ImageFont.truetype(font_path("bold"), 50)
    letters = Image.new("L", (300, 120), 255)
    draw = ImageDraw.Draw(letters)
    first = draw.textbbox((10, 10), "T", font=font)
    draw.text((10, 10), "T", font=font, fill=0)
    draw.text((10 + first[2] - first[0] - 3, 10), "T", font=font, fill=0)
    letters = letters.resize((345, 120))
    page.paste(0, (left - 10, top - 10), mask=ImageOps.invert(letters))


def _ruled_page() -> np.ndarray:
    image = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    xs = [350, 530, 1300, 1600, 1920, 2250]
    ys = [300, 430, 520, 610]
    for y in ys:
        draw.rectangle([xs[0], y, xs[-1], y + 3], fill=0)
    for x in xs:
        draw.rectangle([x, ys[0], x + 3, ys[-1] + 3], fill=0)
    _bold_tt(image, xs[0] + 50, ys[0] + 10)
    font = ImageFont.truetype(font_path("bold"), 42)
    for x, text in zip(xs[1:], HEADER):
        draw.text((x + 25, ys[0] + 35), text, font=font, fill=0)
    font = ImageFont.truetype(font_path("regular"), 42)
    for y, row in zip(ys[1:], BODY):
        for x, text in zip(xs, row):
            draw.text((x + 25, y + 18), text, font=font, fill=0)
    return np.asarray(image)


def test_a_bold_tt_whose_bars_join_reads_tt():
    # the joined bars make a 72 px stroke (at 300 dpi), in the rule mask with the rules; the grid
    # takes it for no row line, and erasing it with the rules left the cell's 'TT' an 'r'
    (table,) = find_tables_on_page(PageImage("d", 1, _ruled_page(), 300))
    assert table.header == ("TT", *HEADER)
