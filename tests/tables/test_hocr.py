"""hOCR words with the tone-mark alternatives of Tesseract's LSTM (recorded output, no OCR)."""

from pathlib import Path

from sohoa.tables.hocr import character_alternatives, mark_alternatives, parse_hocr

DATA = Path(__file__).parent / "data"


def test_recorded_hocr_gives_words_with_their_doubted_marks():
    # Tesseract 5.3 `vie`, --psm 6 -c lstm_choice_mode=2, on a crop printed 'tổng chi cân'
    words = parse_hocr((DATA / "name_choices.hocr").read_bytes())
    assert [w.text for w in words] == ["tổng", "chỉ", "cân"]
    assert words[0].mark_alternatives == ()  # no rival mark weighed: the OCR was sure
    (form, odds), = words[1].mark_alternatives
    assert form == "chi" and 0.4 < odds < 0.5
    assert words[1].conf == 96.0 and (words[1].left, words[1].top, words[1].width) == (596, 17, 41)
    assert {w.line for w in words} == {1}


def test_alternatives_keep_letters_and_case():
    steps = [[("T", 90.0), ("t", 50.0)], [("ố", 80.0), ("ổ", 40.0), ("o", 30.0), ("á", 70.0)],
             [("n", 95.0)], [("g", 95.0), ("q", 60.0)]]
    assert mark_alternatives("Tống", steps) == (("Tổng", 0.5), ("Tong", 0.375))


def test_blank_steps_are_skipped_and_misaligned_words_get_nothing():
    steps = [[(" ", 97.0)], [("c", 90.0)], [("h", 90.0)], [("ỉ", 95.0), ("i", 43.0)]]
    assert mark_alternatives("chỉ", steps) == (("chi", 43.0 / 95.0),)
    assert mark_alternatives("chỉ:", steps) == ()  # the steps do not spell the word
    assert mark_alternatives("chỉ", [[("c", 90.0)], [("h", 90.0)], [("ỉ", 95.0), ("i", 0.0)]]) == ()


def test_character_alternatives_take_every_rival_the_network_weighed():
    steps = [[("1", 90.0)], [("5", 80.0), ("8", 40.0), ("6", 0.0)], [(".", 95.0), (",", 19.0)], [("3", 90.0)]]
    assert character_alternatives("15.3", steps) == (("18.3", 0.5), ("15,3", 0.2))
    # the mark-only rivals are the subset of the same letter with other marks
    steps = [[("T", 90.0), ("t", 50.0)], [("ố", 80.0), ("ổ", 40.0), ("o", 30.0), ("á", 70.0)],
             [("n", 95.0)], [("g", 95.0), ("q", 60.0)]]
    assert dict(character_alternatives("Tống", steps)) == {
        "tống": 50.0 / 90.0, "Tổng": 0.5, "Tong": 0.375, "Táng": 0.875, "Tốnq": 60.0 / 95.0}
    assert mark_alternatives("Tống", steps) == (("Tổng", 0.5), ("Tong", 0.375))


def test_recorded_hocr_words_carry_all_their_alternatives():
    words = parse_hocr((DATA / "name_choices.hocr").read_bytes())
    assert set(words[1].mark_alternatives) <= set(words[1].alternatives)
