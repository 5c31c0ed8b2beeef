"""hOCR words with the tone-mark alternatives of Tesseract's LSTM (recorded output, no OCR)."""

from pathlib import Path

from sohoa.ingest.tesseract_output import character_readings, mark_alternatives, parse_hocr_words

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


def test_codes_and_numbers_get_the_other_characters_weighed():
    # a day read 'J5': the engine weighed '1' and 'l' for the 'J'
    steps = [[("J", 76.7), ("1", 61.3), ("l", 66.2), ("}", 1.0)], [("5", 95.0), ("S", 0.0)]]
    assert character_readings("J5", steps) == (("l5", 66.2 / 76.7), ("15", 61.3 / 76.7))
    # a code: another letter, and a character weighed as nothing ('QH715' → 'QH15')
    steps = [[("Q", 90.0)], [("H", 90.0)], [("7", 80.0), (" ", 40.0)], [("1", 90.0)], [("5", 90.0)]]
    assert character_readings("QH715", steps) == (("QH15", 0.5),)
    # marks and case are the mark alternatives' business, not readings
    assert character_readings("TỔ", [[("T", 90.0), ("t", 80.0)], [("Ổ", 90.0), ("Ố", 80.0)]]) == ()


def test_plain_words_get_readings_only_for_a_digit():
    steps = [[("c", 90.0), ("e", 60.0)], [("ó", 90.0), ("6", 50.0)]]
    assert character_readings("có", steps) == (("c6", 50.0 / 90.0),)
    assert character_readings("có:", steps) == ()  # the steps do not spell the word


def test_a_closing_mark_read_as_another_is_a_reading_of_any_word():
    steps = [[("t", 90.0)], [("ế", 90.0)], [(":", 89.7), (";", 75.8), (".", 0.0)]]
    assert character_readings("tế:", steps) == (("tế;", 75.8 / 89.7),)
    inside = [[("a", 90.0)], [(":", 90.0), (";", 80.0)], [("b", 90.0)]]
    assert character_readings("a:b", inside) == ()  # only the word's closing mark
