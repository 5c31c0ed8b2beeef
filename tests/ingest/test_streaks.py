"""A streak of specks down a scan, read as letters here and there: its clumps are dropped and
it is painted out, while letters, ordinals and words it runs through stay."""

import numpy as np

from sohoa.ingest.records import OcrWord
from sohoa.ingest.streaks import erased_streaks, without_streaks

WORD_H = 40
TEXT = [OcrWord(t, 95.0, (600 + 120 * k, 60, 700 + 120 * k, 60 + WORD_H)) for k, t in enumerate("Xã Vĩnh Quang huyện Linh".split())]


def _page(streak_x=300, top=150, bottom=650):
    """White paper with a dotted streak four pixels wide from `top` to `bottom` at `streak_x`."""
    page = np.full((800, 1400), 255, np.uint8)
    for y in range(top, bottom, 12):
        page[y:y + 8, streak_x:streak_x + 4] = 0
    return page


def _clump(text, y0, conf=38.0, x0=298, width=10):
    return OcrWord(text, conf, (x0, y0, x0 + width, y0 + 45))


def test_a_clump_of_a_streak_read_as_a_letter_is_dropped():
    page = _page()
    words = TEXT + [_clump("h", 250), _clump("}", 400, conf=68.0), _clump("3C.", 500, conf=18.0)]
    kept, boxes = without_streaks(page, words)
    assert boxes
    assert [w.text for w in kept] == [w.text for w in TEXT]


def test_a_confident_reading_or_a_digit_alone_finds_no_streak():
    page = _page()
    assert without_streaks(page, TEXT + [_clump("h", 250, conf=92.0)])[1] == []
    assert without_streaks(page, TEXT + [_clump("1", 250)])[1] == []  # a narrow column of ordinals is a band of ink too


def test_letters_in_a_column_of_text_are_no_streak():
    """The same band of ink, with text beside it above and below: lines of a column, not a streak."""
    page = _page()
    for y in range(150, 650, 60):
        page[y:y + 30, 340:420] = 0  # the next letters of each line
    assert without_streaks(page, TEXT + [_clump("l", 250)])[1] == []


def test_a_short_run_is_no_streak():
    page = _page(top=240, bottom=320)  # two word heights
    assert without_streaks(page, TEXT + [_clump("h", 250)])[1] == []


def test_the_streak_is_painted_out_but_for_a_word_it_runs_through():
    page = _page()
    through = OcrWord("là", 96.0, (290, 560, 345, 600))
    page[565:595, 318:340] = 0  # the word's own ink beside the streak
    words = TEXT + [_clump("h", 250), through]
    kept, boxes = without_streaks(page, words)
    assert through in kept
    erased = erased_streaks(page, boxes, kept)
    assert (erased[150:550, 296:310] < 128).sum() == 0  # the streak above the word is gone
    assert np.array_equal(erased[560:600, 290:345], page[560:600, 290:345])  # the word keeps its ink
    assert np.array_equal(erased[:, 400:], page[:, 400:])


def test_a_doubtful_word_with_a_letter_beside_the_streak_stays():
    page = _page()
    page[400:440, 240:280] = 0  # a letter's ink left of the streak, inside the word's box
    wide = _clump("ab", 400, x0=240, width=72)
    words = TEXT + [_clump("h", 250), wide]
    assert wide in without_streaks(page, words)[0]


def test_a_streak_from_the_page_s_top_edge_is_found_and_painted_out():
    page = _page(top=0)
    words = TEXT + [_clump("h", 0)]
    kept, boxes = without_streaks(page, words)
    assert boxes and all(v >= 0 for box in boxes for v in box)
    erased = erased_streaks(page, boxes, kept)
    assert (erased[:, 290:320] < 128).sum() == 0


def test_a_rule_the_page_s_rules_missed_is_no_streak():
    """A column rule left on the picture, read in part as a doubtful 'l': its ink runs unbroken
    down one column far longer than any letter's stroke."""
    page = np.full((800, 1400), 255, np.uint8)
    page[100:700, 400:403] = 0
    assert without_streaks(page, TEXT + [_clump("l", 300, x0=396, width=10)])[1] == []
