"""Cell text clean-up and the comma / full stop shape test, on rendered crops (no OCR)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.ingest.ocr import NullEngine, TesseractEngine
from sohoa.ingest.records import OcrWord
from sohoa.synth.render import font_path
from sohoa.tables.cellocr import _digits_fit, _read_band_words, clean_cell_text, fix_separators
from sohoa.tables import cellocr


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


@pytest.mark.parametrize("printed", ["-1,2", "-3.456", "−2,5", "–3,4", "-12,0", "-0,5"])
@pytest.mark.parametrize("size", [34, 42])
def test_a_negative_figure_keeps_its_minus(printed, size):
    assert fix_separators(printed, _crop(printed, size)) == printed
    misread = printed.translate(str.maketrans(".,", ",."))
    assert fix_separators(misread, _crop(printed, size)) == printed


def test_text_without_separators_is_untouched():
    assert fix_separators("Sở Y tế", _crop("Sở Y tế", 40)) == "Sở Y tế"


@pytest.mark.parametrize("raw, clean", [
    ("947.251, 8", "947.251,8"), ("3l", "31"), ("Dưới 3l", "Dưới 31"), ("8.I-9", "8.1-9"), ("§.5-11", "8.5-11"),
    ("(%c)", "(%)"), ("Tỷ lệ hộ nghèo", "Tỷ lệ hộ nghèo"), ("Sở Lao động", "Sở Lao động"),
    ("8,5-II", "8,5-11"), ("169.46]", "169.461"), ("Tỷ lệ hộ dân dùng nước sạch -", "Tỷ lệ hộ dân dùng nước sạch"),
    ("-", "-"), ("- Cấp tỉnh", "- Cấp tỉnh"), ("Sở II", "Sở II"),
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
    words = [[OcrWord("Tổng", 91.0, (12, 10, 100, 50))], [OcrWord("1.234", 20.0, (12, 10, 90, 50))]]
    cellocr._reread_doubtful_words(NullEngine(), [_whitened("Tổng"), _whitened("1.234")], words, 40)  # a number is no text word
    assert words[0][0].text == "Tổng" and words[1][0].text == "1.234"


@pytest.mark.integration
def test_a_doubtful_word_is_read_again_alone():
    from sohoa.tables import cellocr

    engine = TesseractEngine(model="fast")
    crop = _whitened("Tổng thu")
    found = cellocr._read_stack_words(engine, [crop], 40)[0]
    assert [w.text for w in found] == ["Tổng", "thu"]
    # as if the block reader had garbled the first word with little confidence
    words = [[OcrWord("Tcng", 12.0, found[0].bbox), found[1]]]
    cellocr._reread_doubtful_words(engine, [crop], words, 40)
    assert [w.text for w in words[0]] == ["Tổng", "thu"] and words[0][0].conf > 50


@pytest.mark.parametrize("read, printed", [
    ("42.0596", "42.059,6"),  # a dropped decimal comma is put back where the crop shows it
    ("5652", "565,2"),
    ("23", "2-3"),  # a range's dropped dash
    ("8,710", "8,7-10"),
])
@pytest.mark.parametrize("size", [34, 42])
def test_bare_numbers_take_their_marks_from_the_crop(read, printed, size):
    assert fix_separators(read, _crop(printed, size)) == printed


@pytest.mark.parametrize("read, printed", [
    ("48,17", "4817"),  # a separator the crop does not show stays as read
    ("4817", "4817"),
    ("35.363", "35.363"),
])
def test_numbers_without_visible_marks_keep_their_reading(read, printed):
    assert fix_separators(read, _crop(printed, 40)) == read


def test_flat_bits_of_broken_digits_are_no_separators():
    crop = _crop("35.363", 40).copy()
    ink_columns = np.flatnonzero((crop < 128).any(axis=0))
    gaps = [x for x in range(ink_columns.min(), ink_columns.max()) if x not in set(ink_columns)]
    last_gap = [x for x in gaps if x > gaps[-1] - 12]  # the white columns before the last digit
    bottom = np.flatnonzero((crop < 128).any(axis=1)).max()
    # a flat speck there, hanging a little below the line like a comma's tail would
    crop[bottom + 2: bottom + 5, last_gap[0] - 3: last_gap[-1] + 3] = 20
    assert fix_separators("35,363", crop) == "35.363"


def test_digit_count_of_the_crop_arbitrates_between_readings():
    crop = _crop("47,64", 40)
    assert _digits_fit("47,64", crop)
    assert not _digits_fit("47,604", crop)
    assert not _digits_fit("Dưới 47", crop)


def test_bands_are_read_apart(monkeypatch):
    calls = []
    monkeypatch.setattr(cellocr, "_read_stacks_words", lambda engine, stacks, gap, **k: calls.append(
        [len(crops) for crops in stacks]) or [[[f"c{len(calls)}-{n}"]] * len(crops) for n, crops in enumerate(stacks)])
    crops = [np.zeros((5, 5), np.uint8)] * 5
    # the header and the body are pictures of their own, read with one call
    assert _read_band_words(NullEngine(), crops, [0, 0, 1, 1, 1], 30) == [["c1-0"]] * 2 + [["c1-1"]] * 3
    assert calls == [[2, 3]]
    assert _read_band_words(NullEngine(), crops, None, 30) == [["c2-0"]] * 5


def _fake_words(*texts):
    return [OcrWord(t, 90.0, (10 * i, 0, 10 * i + 8, 10)) for i, t in enumerate(texts)]


def test_second_reading_adds_its_marks_as_alternatives_only(monkeypatch):
    from sohoa.tables import cellocr

    second = [_fake_words("tổng", "chi", "cân)"), _fake_words("Tỷ", "lệ")]
    second[0][2] = OcrWord("cân)", 90.0, (20, 0, 28, 10), alternatives=(("cần)", 0.3),))
    monkeypatch.setattr(cellocr, "_read_stack_words", lambda engine, crops, *a, **k: second[: len(crops)])
    crop = np.full((20, 60), 255, np.uint8)
    words = [_fake_words("tổng", "chỉ", "cân)"), _fake_words("12,5")]
    cellocr._second_opinion_on_marks(NullEngine(), [crop, crop], words, 40)
    assert [w.text for w in words[0]] == ["tổng", "chỉ", "cân)"]  # the text stays the first reading's
    assert words[0][0].alternatives == ()
    assert words[0][1].alternatives == (("chi", 1.0),)
    assert words[0][2].alternatives == (("cần)", 0.3),)
    assert words[1][0].alternatives == ()  # a number is no text cell: not read again


def test_second_reading_with_other_letters_is_no_vote(monkeypatch):
    from sohoa.tables import cellocr

    monkeypatch.setattr(cellocr, "_read_stack_words", lambda engine, crops, *a, **k: [_fake_words("tổng", "ch", "cần")])
    words = [_fake_words("tổng", "chỉ", "cân")]
    cellocr._second_opinion_on_marks(NullEngine(), [np.full((20, 60), 255, np.uint8)], words, 40)
    assert words[0][1].alternatives == ()  # 'ch' is not the same letters as 'chỉ'
    assert words[0][2].alternatives == (("cần", 1.0),)


def test_a_tt_cell_read_as_a_bar_or_a_word_is_not_read_again():
    import numpy as np

    from sohoa.tables.cellocr import _reread_ordinals

    crop = np.full((60, 40), 255, np.uint8)
    texts = {0: ("|", 80.0), 1: ("TT", 90.0), 2: ("12", 95.0), 3: ("ñ", 60.0)}
    wide = np.full((60, 400), 255, np.uint8)
    _reread_ordinals(NullEngine(), [crop, crop, crop, wide], texts, [True, True, True, True])
    assert texts == {0: ("|", 80.0), 1: ("TT", 90.0), 2: ("12", 95.0), 3: ("ñ", 60.0)}


def test_cell_alternatives_are_whole_cells_cleaned_as_the_kept_reading():
    crop = _crop("151.513", 40)
    words = [OcrWord("151.513", 85.0, (10, 13, 150, 50), readings=(("181.513", 0.33), ("151,513", 0.2)))]
    readings = [("15l.5l3", 40.0), ("151513", 70.0), ("157.513", 90.0)]
    alternatives = cellocr._cell_alternatives("151.513", 85.0, words, readings, crop)
    # the comma rival, the reading without its stop and 'l' read for '1' are the kept number
    # once cleaned and their separators read from the crop; a reading surer than the kept one
    # counts as 1
    assert alternatives == (("157.513", 1.0), ("181.513", 0.33))
    words = [OcrWord("Tỷ", 96.0, (0, 0, 1, 1)), OcrWord("lệ", 90.0, (0, 0, 1, 1), readings=(("lê", 0.4),))]
    assert cellocr._cell_alternatives("Tỷ lệ", 93.0, words, [], None) == (("Tỷ lê", 0.4),)


def test_a_tt_cell_is_not_read_again_into_fewer_glyphs_than_it_shows(monkeypatch):
    crop = _whitened("80", 44)
    monkeypatch.setattr(cellocr, "_read_singles", lambda engine, crops, **k: [cellocr.CellText("0", 0.0)] * len(crops))
    texts = {0: ("S0", 64.0), 1: ("ñ", 40.0)}
    cellocr._reread_ordinals(NullEngine(), [crop, crop], texts, [True, True])
    # 'S0' is a number once cleaned: not read again; 'ñ' is, but '0' is one glyph of two
    assert texts == {0: ("S0", 64.0), 1: ("ñ", 40.0)}
    monkeypatch.setattr(cellocr, "_read_singles", lambda engine, crops, **k: [cellocr.CellText("80", 70.0)] * len(crops))
    cellocr._reread_ordinals(NullEngine(), [crop, crop], texts, [True, True])
    assert texts[1] == ("80", 60.0)


def _glyphs(parts: list[tuple[str, int]], size: int = 40) -> np.ndarray:
    """Glyphs drawn one by one, each moved by its offset in pixels (negative: into the one before)."""
    font = ImageFont.truetype(font_path("regular"), size)
    image = Image.new("L", (size * 8, size * 2), 255)
    draw = ImageDraw.Draw(image)
    x = 10
    for text, offset in parts:
        x += offset
        draw.text((x, size // 3), text, font=font, fill=20)
        x += int(font.getlength(text))
    return np.asarray(image)


def test_touching_digits_are_counted_by_their_width():
    from sohoa.tables.cellocr import _digits_disagree, digit_marks

    apart = _glyphs([("4", 0), ("7", 2), (",", 2), ("6", 2), ("4", 2)])
    touching = _glyphs([("4", 0), ("7", 2), (",", 2), ("6", 2), ("4", -3)])
    assert digit_marks(apart) == 4 and digit_marks(touching) == 4
    assert _digits_disagree("47,604", touching) and not _digits_disagree("47,64", touching)
    # without two lone digits beside them, touching digits cannot be measured
    assert digit_marks(_glyphs([("6", 0), ("4", -3)])) is None


def test_a_figure_written_unlike_its_column_is_off_format():
    from sohoa.tables.cellocr import _column_decimals, _off_format

    texts = ["78,50", "85,00", "7850", "93,10", "Tỷ lệ", "1.234", "97,65"]
    columns = [5, 5, 5, 5, 1, 9, 5]
    found = _off_format(texts, _column_decimals(texts, columns))
    assert set(found) == {2} and found[2]("78,50") and not found[2]("785,0")
    # a column of mixed figures has no format to keep
    mixed = ["85", "78,5", "6.500", "0,54", "12"]
    assert _off_format(mixed, _column_decimals(mixed, [3] * 5)) == {}


@pytest.mark.integration
def test_a_number_whose_reading_miscounts_its_digits_is_read_again_whole():
    # a cell of a generated page (browser maker, Liberation Sans, light degradation): the
    # block reader gives '51513' at confidence 37, the digits-only pass no better; the crop
    # shows six digits one by one, and a reading as a raw line gets them all
    from pathlib import Path

    from sohoa.ingest.geometry import adaptive_ink as binarise

    region = np.asarray(Image.open(Path(__file__).parent / "data" / "number_151513.png").convert("L"))
    page = np.full((region.shape[0] + 80, region.shape[1] + 80), 255, np.uint8)
    page[40:40 + region.shape[0], 40:40 + region.shape[1]] = region
    (cell,) = cellocr.read_cells(TesseractEngine(model="fast"), page, binarise(page), [(10, 10, page.shape[1] - 10, page.shape[0] - 10)])
    assert cell.text == "151.513"


def test_digit_rivals_are_the_network_s_close_second_digits():
    crop = _crop("546.890", 40)
    words = [OcrWord("346.890", 81.0, (10, 13, 150, 50),
                           readings=(("546.890", 0.85), ("346.590", 0.23), ("346,890", 0.9), ("3A6.890", 0.7)))]
    # a letter or a separator is no digit rival, nor a digit scored far below the one read
    assert cellocr._digit_rivals(words, crop) == {"546.890"}
    assert cellocr._digit_rivals([OcrWord("Tỷ lệ", 90.0, (0, 0, 1, 1), readings=(("Tỷ lê", 0.9),))], None) == set()


@pytest.mark.integration
def test_a_digit_the_network_nearly_read_otherwise_is_settled_by_a_raw_reading(monkeypatch):
    # the block reader takes '5' for '3' with '5' its close second; a raw-line reading of the
    # crop gives '5': the rival stands. Where the raw reading agrees with the first, it stays.
    crop = _whitened("546.890", 40)
    page = np.full((crop.shape[0] + 80, crop.shape[1] + 80), 255, np.uint8)
    page[40:40 + crop.shape[0], 40:40 + crop.shape[1]] = crop
    from sohoa.ingest.geometry import adaptive_ink as binarise

    first = [[OcrWord("346.890", 81.0, (12, 13, 150, 50), readings=(("546.890", 0.85),))]]
    monkeypatch.setattr(cellocr, "_read_band_words", lambda *a, **k: [list(w) for w in first])
    box = [(10, 10, page.shape[1] - 10, page.shape[0] - 10)]
    (cell,) = cellocr.read_cells(TesseractEngine(model="fast"), page, binarise(page), box)
    assert cell.text == "546.890" and ("346.890", 1.0) in cell.alternatives
    monkeypatch.setattr(cellocr, "_read_singles", lambda engine, crops, **k: [cellocr.CellText("346.890", 90.0)] * len(crops))
    (cell,) = cellocr.read_cells(TesseractEngine(model="fast"), page, binarise(page), box)
    assert cell.text == "346.890"


def test_two_letters_read_from_one_glyph_of_a_tt_cell_are_read_again(monkeypatch):
    monkeypatch.setattr(cellocr, "_read_singles", lambda engine, crops, **k: [cellocr.CellText("7", 80.0)] * len(crops))
    one, two = _whitened("7", 44), _whitened("TT", 44)
    texts = {0: ("Vú", 50.0), 1: ("TT", 90.0)}
    cellocr._reread_ordinals(NullEngine(), [one, two], texts, [True, True])
    assert texts == {0: ("7", 60.0), 1: ("TT", 90.0)}


def _lines_page(lines: list[str], size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(font_path("regular"), size)
    width = int(max(font.getlength(t) for t in lines)) + 24
    image = Image.new("L", (width + 80, len(lines) * int(size * 1.4) + 100), 255)
    for k, text in enumerate(lines):
        ImageDraw.Draw(image).text((52, 50 + k * int(size * 1.4)), text, font=font, fill=20)
    return np.asarray(image)


def _read_one_cell(monkeypatch, page: np.ndarray, first: list[OcrWord], single: cellocr.CellText) -> cellocr.CellText:
    from sohoa.ingest.geometry import adaptive_ink as binarise

    monkeypatch.setattr(cellocr, "_read_band_words", lambda *a, **k: [list(first)])
    monkeypatch.setattr(cellocr, "_read_singles", lambda engine, crops, *a, **k: [single] * len(crops))
    (cell,) = cellocr.read_cells(NullEngine(), page, binarise(page), [(10, 10, page.shape[1] - 10, page.shape[0] - 10)])
    return cell


def test_a_wrapped_label_is_not_read_again_as_one_glyph(monkeypatch):
    # a narrow header cell wrapped over three lines: read as one character it came back as
    # its last lines only ('hiện năm', surer than the whole); its first reading stands
    page = _lines_page(["Ước thực", "hiện năm", "2023"])
    first = [OcrWord(t, 88.0, (12, 12 + 56 * line, 90, 50 + 56 * line), block=1, par=1, line=line + 1)
             for line, texts in enumerate((("Ước", "thực"), ("hiện", "năm"), ("2023",))) for t in texts]
    assert page.shape[1] < 1.6 * page.shape[0]
    cell = _read_one_cell(monkeypatch, page, first, cellocr.CellText("hiện năm", 96.0))
    assert cell.text == "Ước thực hiện năm 2023"


def test_a_lone_glyph_on_one_line_is_still_read_again_as_one(monkeypatch):
    page = _lines_page(["%"])
    first = [OcrWord("°%", 40.0, (12, 12, 40, 50), block=1, par=1, line=1)]
    assert _read_one_cell(monkeypatch, page, first, cellocr.CellText("%", 90.0)).text == "%"


def test_lines_read_counts_the_ocr_s_lines():
    assert cellocr.lines_read([]) == 0
    assert cellocr.lines_read(_fake_words("Tổng", "thu")) == 1
    assert cellocr.lines_read([OcrWord("a", 90.0, (0, 0, 5, 5), line=1), OcrWord("b", 90.0, (0, 9, 5, 14), line=2)]) == 2


# the first two lines of a wrapped name as Tesseract read them (DejaVu Serif, 300 dpi): the hook
# of 'tuổi' reaches up into the gap between the lines and came back as a word of the line above
_DUNG = OcrWord("dụng", 93.0, (449, 18, 583, 71), block=1, par=1, line=1)
_NUOC = OcrWord("nước", 96.0, (14, 75, 141, 119), block=1, par=1, line=2)
_TUOI = OcrWord("tuổi", 89.0, (557, 78, 661, 119), block=1, par=1, line=2)


@pytest.mark.parametrize("stray", [
    OcrWord("-", 35.0, (632, 69, 643, 82), block=1, par=1, line=1),
    OcrWord("ộ", 0.0, (621, 68, 644, 84), block=1, par=1, line=1),
])
def test_a_tone_mark_read_as_a_word_of_the_line_above_is_dropped(stray):
    assert cellocr.without_stray_marks([_DUNG, stray, _NUOC, _TUOI]) == [_DUNG, _NUOC, _TUOI]


@pytest.mark.parametrize("kept", [
    OcrWord("-", 91.0, (632, 40, 650, 46), block=1, par=1, line=1),  # a dash read with confidence
    OcrWord("-", 35.0, (600, 40, 612, 46), block=1, par=1, line=1),  # doubtful, but over no word below
    OcrWord("ở", 30.0, (600, 80, 630, 119), block=1, par=1, line=2),  # on the line of the word it overlaps
    OcrWord("mới", 30.0, (560, 20, 660, 90), block=1, par=1, line=1),  # as tall as a line: a word
])
def test_words_that_are_no_stray_marks_stay(kept):
    words = [_DUNG, kept, _NUOC, _TUOI]
    assert cellocr.without_stray_marks(words) == words


def test_the_page_s_reading_with_the_same_letters_is_the_second_opinion(monkeypatch):
    asked = []
    monkeypatch.setattr(cellocr, "_read_stack_words", lambda engine, crops, *a, **k: asked.append(len(crops)) or [
        _fake_words("giá", "trị") for _ in crops])
    crop = np.full((20, 60), 255, np.uint8)
    words = [_fake_words("tổng", "chỉ"), _fake_words("giá", "tri")]
    page = [_fake_words("tổng", "chi"), _fake_words("gia", "tà")]  # the second: other letters, no opinion
    page[0][1] = OcrWord("chi", 90.0, (10, 0, 18, 10), alternatives=(("chí", 0.4),))
    cellocr._second_opinion_on_marks(NullEngine(), [crop, crop], words, 40, page)
    assert asked == [1]  # only the cell the page read otherwise is read again
    assert words[0][1].alternatives == (("chi", 1.0), ("chí", 0.4))
    assert words[1][1].alternatives == (("trị", 1.0),)


def test_without_the_page_s_reading_every_text_cell_is_read_again(monkeypatch):
    asked = []
    monkeypatch.setattr(cellocr, "_read_stack_words", lambda engine, crops, *a, **k: asked.append(len(crops)) or [
        _fake_words("tổng", "chi") for _ in crops])
    crop = np.full((20, 60), 255, np.uint8)
    words = [_fake_words("tổng", "chỉ"), _fake_words("tổng", "chỉ")]
    cellocr._second_opinion_on_marks(NullEngine(), [crop, crop], words, 40, [[], None])
    assert asked == [2]
    assert words[0][1].alternatives == words[1][1].alternatives == (("chi", 1.0),)


def test_words_over_a_cell_are_those_wholly_inside_it_in_reading_order():
    def word(text, box, line):
        return OcrWord(text, 90.0, box, block=1, par=1, line=line)

    words = [word("b", (60, 10, 90, 30), 1), word("a", (10, 10, 50, 30), 1), word("c", (10, 40, 50, 60), 2),
             word("across", (90, 10, 130, 30), 1), word("d", (110, 40, 190, 60), 2)]
    assert [[w.text for w in cell] for cell in cellocr.words_over([(0, 0, 100, 70), (100, 0, 200, 70)], words)] == \
        [["a", "b", "c"], ["d"]]
    assert cellocr.words_over([(0, 0, 100, 70)], []) == [[]]


def test_a_decimal_comma_read_as_a_stroke_is_taken_back_where_column_and_engine_agree():
    from sohoa.tables.cellocr import _column_decimals, _separators_read_as_strokes

    column = ["523,8", "212,7", "714,7", "321,1", "812/7", "12/2023", "5/7"]
    words = [[OcrWord(t, 91.0, (0, 0, 10, 10))] for t in column]
    words[4] = [OcrWord("812/7", 91.0, (0, 0, 10, 10), readings=(("812,7", 0.47),))]
    words[6] = [OcrWord("5/7", 91.0, (0, 0, 10, 10))]  # a share, with no separator weighed
    texts = {k: (t, 91.0) for k, t in enumerate(column)}
    decimals = _column_decimals(column, [0] * len(column))
    others = [[] for _ in column]
    _separators_read_as_strokes(texts, words, decimals, others)
    assert [texts[k][0] for k in range(len(column))] == ["523,8", "212,7", "714,7", "321,1", "812,7", "12/2023", "5/7"]
    assert others[4] == [("812/7", 91.0)]
    # the same choice in a column with no one format stays a stroke
    texts = {0: ("812/7", 91.0)}
    _separators_read_as_strokes(texts, [words[4]], _column_decimals(["812/7", "1", "22,5"], [0, 0, 0]), [[]])
    assert texts[0][0] == "812/7"
