"""A second reading of doubtful words that sit between confident words of one printed row."""

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sohoa.ingest.records import OcrWord
from sohoa.ingest.layout import physical_rows
from sohoa.ingest.reread import _doubtful_runs, reread_doubtful

FONT = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")


def _row(texts_confs, y=100, x=50, block=1, line=1):
    words = []
    for n, (text, conf) in enumerate(texts_confs, start=1):
        words.append(OcrWord(text, conf, (x, y, x + 18 * len(text), y + 30), block, 1, line, n))
        x += 18 * len(text) + 12
    return words


class CountingEngine:
    second_reading = True

    def __init__(self, answer=()):
        self.calls = 0
        self.answer = list(answer)

    def recognise(self, image, *, timeout=None):
        self.calls += 1
        return self.answer


def test_a_doubtful_word_between_confident_words_is_a_run():
    words = _row([("ban,", 96), ("Ệ", 0), ("cơ", 97), ("quan,", 93)])
    assert [(l, r, rr) for l, r, rr in _doubtful_runs(words)] == [(0, [1], 2)]


@pytest.mark.parametrize("confs", [
    [("Ệ", 0), ("cơ", 97), ("quan", 95)],  # no confident word before it
    [("ban,", 60), ("Ệ", 0), ("cơ", 97)],  # the word before it is not sure either
    [("ban,", 96), ("Ệ", 0)],  # nothing after it
    [("ban,", 96), ("ngành,", 70), ("cơ", 97)],  # not doubtful enough
])
def test_no_run_without_confident_words_on_both_sides(confs):
    assert _doubtful_runs(_row(confs)) == []


def test_a_gutter_is_not_bridged():
    left = _row([("DÂN", 95), ("Ệ", 0)], x=50)
    right = _row([("VIỆT", 96)], x=50 + 30 * 40)  # forty text heights away: another column
    assert _doubtful_runs(left + right) == []


def test_rows_keep_apart_lines_a_tall_scrap_touches():
    upper = _row([("một", 95), ("hai", 95)], y=100)
    scrap = [OcrWord("|", 10, (300, 95, 310, 200), 1, 1, 1, 9)]
    lower = _row([("ba", 95), ("bốn", 95)], y=160)
    rows = physical_rows(upper + scrap + lower, list(range(len(upper + scrap + lower))))
    texts = sorted(sorted(w for w in [(upper + scrap + lower)[i].text for i in row]) for row in rows)
    assert ["ba", "bốn"] in texts and any("một" in row for row in texts)


def test_the_engine_is_not_called_when_nothing_is_doubtful():
    engine = CountingEngine()
    words = _row([("Ủy", 95), ("ban", 96), ("nhân", 97)])
    out, count = reread_doubtful(engine, np.full((300, 800), 255, np.uint8), words)
    assert engine.calls == 0 and out == words and count == 0


def test_a_second_reading_that_changes_an_anchor_is_refused():
    words = _row([("ban,", 96), ("Ệ", 0), ("cơ", 97)])
    engine = CountingEngine([OcrWord("bàn,", 95, (20, 40, 90, 80), 1, 1, 1, 1),
                             OcrWord("ngành,", 97, (100, 40, 200, 80), 1, 1, 1, 2),
                             OcrWord("cơ", 97, (210, 40, 260, 80), 1, 1, 1, 3)])
    out, count = reread_doubtful(engine, np.full((300, 800), 255, np.uint8), words)
    assert engine.calls == 1 and count == 0 and out == words


def _line_image(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 42)
    image = Image.new("L", (1600, 200), 255)
    ImageDraw.Draw(image).text((40, 60), text, font=font, fill=0)
    return np.array(image)


@pytest.mark.skipif(shutil.which("tesseract") is None or not FONT.exists(), reason="tesseract or font missing")
def test_a_word_cut_to_a_sliver_is_read_whole_the_second_time():
    from sohoa.ingest.ocr import TesseractEngine

    engine = TesseractEngine()
    image = _line_image("các sở, ban, ngành, cơ quan, đơn vị")
    words = engine.recognise(image)
    texts = [w.text for w in words]
    assert "ngành," in texts, texts
    cut = texts.index("ngành,")
    sliver = words[cut]
    # what the page reading gave on a real letter: a sliver of the word, read as a capital at 0
    words[cut] = replace(sliver, text="Ệ", conf=0.0, bbox=(sliver.bbox[0], sliver.bbox[1] + 10,
                                                           sliver.bbox[0] + 26, sliver.bbox[3] - 10))
    out, count = reread_doubtful(engine, image, words)
    assert count == 1
    assert [w.text for w in out] == texts
    whole = out[cut]
    assert abs(whole.bbox[0] - sliver.bbox[0]) <= 6 and abs(whole.bbox[2] - sliver.bbox[2]) <= 6
    assert abs(whole.bbox[1] - sliver.bbox[1]) <= 8
