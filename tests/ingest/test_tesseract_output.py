"""hOCR words with the tone-mark alternatives of Tesseract's LSTM (recorded output, no OCR)."""

from pathlib import Path

from sohoa.ingest.tesseract_output import mark_alternatives, parse_hocr_words

DATA = Path(__file__).parents[1] / "tables" / "data"


def test_recorded_hocr_gives_words_with_their_doubted_marks():
    # Tesseract 5.3 `vie`, --psm 6 -c lstm_choice_mode=2, on a crop printed 'tổng chi cân'
    words = parse_hocr_words((DATA / "name_choices.hocr").read_bytes())
    assert [w.text for w in words] == ["tổng", "chỉ", "cân"]
    assert words[0].alternatives == ()  # no rival mark weighed: the OCR was sure
    (form, odds), = words[1].alternatives
    assert form == "chi" and 0.4 < odds < 0.5
    assert words[1].conf == 96.0 and words[1].bbox[:3] == (596, 17, 637)
    assert {(w.block, w.par, w.line) for w in words} == {(1, 1, 1)}


def test_alternatives_keep_letters_and_case():
    steps = [[("T", 90.0), ("t", 50.0)], [("ố", 80.0), ("ổ", 40.0), ("o", 30.0), ("á", 70.0)],
             [("n", 95.0)], [("g", 95.0), ("q", 60.0)]]
    assert mark_alternatives("Tống", steps) == (("Tổng", 0.5), ("Tong", 0.375))


def test_blank_steps_are_skipped_and_misaligned_words_get_nothing():
    steps = [[(" ", 97.0)], [("c", 90.0)], [("h", 90.0)], [("ỉ", 95.0), ("i", 43.0)]]
    assert mark_alternatives("chỉ", steps) == (("chi", 43.0 / 95.0),)
    assert mark_alternatives("chỉ:", steps) == ()  # the steps do not spell the word
    assert mark_alternatives("chỉ", [[("c", 90.0)], [("h", 90.0)], [("ỉ", 95.0), ("i", 0.0)]]) == ()
