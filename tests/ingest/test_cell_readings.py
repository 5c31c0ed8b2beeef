"""A ruled table's cells as the table step read them on their own take the place of the page's
words for those cells: only where the two readings differ, never a number for a non-number, each
cell a block of its own with its reading's lines, and words boxed on the page."""

import shutil

import numpy as np
import pytest

from sohoa.ingest.cell_readings import with_cell_readings
from sohoa.ingest.records import CellReading, OcrWord
from sohoa.tables.cellocr import placed_words

NAME_CELL = (200, 100, 900, 200)
ORDINAL_CELL = (50, 100, 200, 200)


def _word(text, x0, block=1, line=1, conf=90.0, y0=130):
    return OcrWord(text, conf, (x0, y0, x0 + 20 * len(text), y0 + 40), block, 1, line, 1)


PAGE = [_word("7.", 80), _word("Lê", 220), _word("Văn", 300), _word("Tiêu", 400),
        _word("Ký", 220, block=2, y0=600)]  # a word outside the table


def test_a_cell_read_otherwise_takes_its_own_reading():
    reading = CellReading(NAME_CELL, (_word("Lê", 221, block=5), _word("Văn", 301, block=5),
                                      _word("Tiểu", 401, block=5, conf=60.0)))
    words, changed = with_cell_readings(PAGE, [reading])
    assert changed == 1
    assert [w.text for w in words if w.block == 3] == ["Lê", "Văn", "Tiểu"]  # after the page's two blocks
    assert {w.line for w in words if w.block == 3} == {1}
    assert [w.text for w in words if w.block in (1, 2)] == ["7.", "Ký"]  # the other cell and the rest stay
    assert next(w for w in words if w.text == "Tiểu").conf == 60.0


def test_a_cell_read_alike_keeps_the_page_words():
    reading = CellReading(NAME_CELL, (_word("Lê", 221), _word("Văn", 301), _word("Tiêu", 401)))
    words, changed = with_cell_readings(PAGE, [reading])
    assert changed == 0 and words == PAGE


def test_a_number_the_page_read_is_not_given_up_for_letters():
    kept, changed = with_cell_readings(PAGE, [CellReading(ORDINAL_CELL, (_word("l.", 81),))])
    assert changed == 0 and kept == PAGE
    # a number read otherwise, or a non-number the page read, does take the cell's reading
    words, changed = with_cell_readings(PAGE, [CellReading(ORDINAL_CELL, (_word("17.", 81),))])
    assert changed == 1 and "17." in [w.text for w in words] and "7." not in [w.text for w in words]
    speck = [_word("_", 80)] + PAGE[1:]
    words, changed = with_cell_readings(speck, [CellReading(ORDINAL_CELL, (_word("7.", 81),))])
    assert changed == 1 and [w.text for w in words if w.bbox[0] < 200] == ["7."]


def test_a_word_read_over_the_rule_from_a_speck_goes_with_the_cell_reading_its_ink():
    """'“phố' began at a speck before the rule, so its middle lies in the cell to the left; the
    next cell's own reading has 'phố' on the same ink: the page word is that ink read twice."""
    address = (900, 100, 1500, 200)
    over = OcrWord("“phố", 6.0, (800, 130, 985, 170), 1, 1, 1, 1)
    page = PAGE[:4] + [over, _word("Hải", 1000), PAGE[4]]
    reading = CellReading(address, (_word("phố", 930, block=5), _word("Hải", 1001, block=5)))
    words, changed = with_cell_readings(page, [reading])
    assert changed == 1 and [w.text for w in words].count("phố") == 1 and "“phố" not in [w.text for w in words]
    assert [w.text for w in words if w.block == 1] == ["7.", "Lê", "Văn", "Tiêu"]  # the name cell keeps its words


def test_a_word_holding_two_cells_text_is_not_taken_for_one_of_them():
    over = OcrWord("Tiêu.phố", 80.0, (400, 130, 980, 170), 1, 1, 1, 1)  # its middle in the name cell
    page = PAGE[:3] + [over, PAGE[4]]
    reading = CellReading((900, 100, 1500, 200), (_word("phố", 930, block=5),))
    words, _ = with_cell_readings(page, [reading])
    assert "Tiêu.phố" in [w.text for w in words]


def test_bars_are_never_taken_for_a_cell():
    """'|' is what an erased rule leaves, and what text.txt parts a row's cells with."""
    page = [_word("I", 80)] + PAGE[1:]
    for bars in ("|", "| |"):
        reading = CellReading(ORDINAL_CELL, tuple(_word(b, 81 + 10 * k) for k, b in enumerate(bars.split())))
        assert with_cell_readings(page, [reading]) == (page, 0)
    assert with_cell_readings(PAGE[1:], [CellReading(ORDINAL_CELL, (_word("|", 81),))]) == (PAGE[1:], 0)


def test_a_cell_of_two_lines_keeps_them_apart():
    reading = CellReading(NAME_CELL, (_word("Lê", 221, block=1, line=1), _word("Văn", 301, block=1, line=1),
                                      _word("Tiêu", 221, block=1, line=2, y0=160)))
    page = PAGE[:1] + [_word("Lê", 220), _word("Văn", 300), _word("Tiêu.", 220, line=2, y0=160)]
    words, changed = with_cell_readings(page, [reading])
    assert changed == 1
    assert [(w.text, w.line, w.word) for w in words if w.block == 2] == [("Lê", 1, 1), ("Văn", 1, 2), ("Tiêu", 2, 3)]


def test_placed_words_put_the_reading_on_the_page():
    read = [OcrWord("12", 91.0, (10, 8, 40, 30), alternatives=(("1Z", 0.2),)), OcrWord("ha", 88.0, (50, 8, 80, 30))]
    placed = placed_words("12 ha", 90.0, read, (1000, 500), True)
    assert [w.bbox for w in placed] == [(1010, 508, 1040, 530), (1050, 508, 1080, 530)]
    assert placed[0].alternatives == (("1Z", 0.2),) and placed[0].conf == 91.0
    # a word the final text writes otherwise keeps its box, with the cell's confidence and no doubted marks
    changed = placed_words("12 há", 70.0, read, (0, 0), True)
    assert changed[1].text == "há" and changed[1].conf == 70.0 and changed[1].bbox == (50, 8, 80, 30)
    assert placed_words("12", 90.0, read, (0, 0), True) == ()  # not one box a word: no words
    assert placed_words("", 100.0, [], (0, 0), True) == ()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_a_ruled_table_page_reads_its_cells_on_their_own(tmp_path):
    """Real Tesseract on a rendered ruled table: the page's text of every body row holds, cell
    by cell, what the table step read of it where that gave every word a box: the page's text
    holds more of the table's true cells than its own reading alone gave."""
    from sohoa.batch import BatchOptions
    from sohoa.ingest.records import PageSource
    from sohoa.pipeline import process_page
    from sohoa.synth.tables_render import render_table_page

    page = render_table_page("two_level", 3)
    path = tmp_path / "table.png"
    page.image.save(path, dpi=(300, 300))
    source = PageSource("t", str(path), "image", 1)
    options = BatchOptions(repair=False).page_options
    with_cells = process_page(source, options)
    alone = process_page(source, options.__class__(**{**options.__dict__, "tables": False}))
    assert with_cells.error is None and with_cells.tables

    truth = {" ".join(cell.split()) for table in page.tables for row in table.rows for cell in row if cell.strip()}

    def true_cells(result):
        cells = [c.strip() for p in result.layout.paragraphs for line in p.splitlines() for c in line.split(" | ")]
        return sum(c in truth for c in cells)

    assert true_cells(with_cells) > true_cells(alone) > 0


def test_borderless_cells_count_only_in_kept_tables_and_where_no_other_reading_covers_them():
    from sohoa.tables.cellocr import CellText
    from sohoa.tables.page import _cells_of

    row = [((0, 0, 100, 50), CellText("1", 90.0)), ((100, 0, 300, 50), CellText("Tỷ lệ", 90.0))]
    header = [((0, -60, 300, -10), CellText("Chỉ tiêu", 90.0))]
    label = [((110, 5, 200, 45), CellText("lệ", 90.0))]  # a phrase read again over a cell of its row
    given_up = [((0, 500, 100, 550), CellText("7", 90.0))]  # a grid tried on ink that made no table
    kept = [(0, -60, 300, 60)]
    assert _cells_of(row + header + given_up, kept) == row + header
    assert _cells_of(row + label, kept) == [row[0]]
    assert _cells_of(row, []) == []


def test_a_grid_takes_the_cuts_between_rows_the_table_step_found():
    from sohoa.ingest.cell_readings import with_table_rows
    from sohoa.ingest.records import Grid, TableRows

    grid = Grid(100, 100, 900, 700, (200,), ((100, 100, 700), (400, 100, 700), (900, 100, 700)))
    rows = TableRows((102, 101, 899, 699), (201, 300, 450, 600, 699))
    (taken,) = with_table_rows([grid], [rows])
    # a cut on a rule the page found, or on the grid's edge, adds nothing
    assert taken.rows == (200, 300, 450, 600)
    assert taken.cell_at(250, 500) == (3, 1) and taken.cell_at(250, 650) == (4, 1)
    # column rules: a broken one the page found is drawn on, a missing one drawn in
    broken = Grid(100, 100, 900, 700, (), ((100, 100, 700), (400, 100, 350), (900, 100, 700)))
    columns = TableRows((100, 100, 900, 700), (), ((402, 101, 699), (650, 101, 699), (898, 100, 700)))
    (drawn,) = with_table_rows([broken], [columns])
    assert drawn.verticals == ((100, 100, 700), (400, 100, 699), (650, 101, 699), (900, 100, 700))
    assert drawn.cell_at(500, 600) == (0, 2) and drawn.cell_at(700, 600) == (0, 3)
    whole = Grid(100, 100, 900, 700, (), ((100, 100, 700), (400, 100, 700), (900, 100, 700)))
    assert with_table_rows([whole], [TableRows((100, 100, 900, 700), (), ((401, 100, 700),))]) == (whole,)
    elsewhere = TableRows((1000, 100, 1800, 700), (300,))  # another table's rows
    assert with_table_rows([grid], [elsewhere]) == (grid,)
    assert with_table_rows([grid], []) == (grid,)


def test_the_table_step_s_cuts_run_across_the_table_and_follow_its_turn():
    from sohoa.tables.grid import Grid as StepGrid
    from sohoa.tables.grid import GridCell
    from sohoa.tables.page import _page_rows

    # a header whose left label spans two rows over a partial rule, then two body rows
    cells = (GridCell(0, 0, 2, 1, (0, 0, 100, 100)), GridCell(0, 1, 1, 1, (100, 0, 300, 50)),
             GridCell(1, 1, 1, 1, (100, 50, 300, 100)), GridCell(2, 0, 1, 1, (0, 100, 100, 150)),
             GridCell(2, 1, 1, 1, (100, 100, 300, 150)), GridCell(3, 0, 1, 1, (0, 150, 100, 200)),
             GridCell(3, 1, 1, 1, (100, 150, 300, 200)))
    grid = StepGrid((0, 100, 300), (0, 50, 100, 150, 200), cells)
    assert _page_rows(grid, (1000, 1000), 0.0).cuts == (100, 150)  # not the header's partial rule
    assert _page_rows(grid, (1000, 1000), 0.0).columns == ((100, 0, 200),)
    # a label spanning both columns in the second row: the column rule stops at it and starts again
    merged = tuple(c for c in cells if c.row != 2) + (GridCell(2, 0, 1, 2, (0, 100, 300, 150)),)
    assert _page_rows(StepGrid(grid.xs, grid.ys, merged), (1000, 1000), 0.0).columns == ((100, 0, 100), (100, 150, 200))
    turned = _page_rows(grid, (1000, 1000), 1.0).cuts
    assert len(turned) == 2 and all(abs(a - b) <= 10 for a, b in zip(turned, (100, 150))) and turned != (100, 150)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract missing")
def test_a_table_ruled_between_columns_only_reads_row_by_row(tmp_path):
    """Real Tesseract on a reportlab table whose body rows no rule parts: the page's text has a
    line for each of the table's rows, as its CSV has, not one line of every row's cells run
    together."""
    from dataclasses import replace

    from sohoa.batch import BatchOptions
    from sohoa.ingest.records import PageSource
    from sohoa.pipeline import process_page
    from sohoa.synth.tables_pdf import render_pdf_table_page

    page = render_pdf_table_page("two_level", seed=0, font="freeserif")
    path = tmp_path / "table.png"
    page.image.save(path, dpi=(300, 300))
    source = PageSource("t", str(path), "image", 1)
    options = BatchOptions(repair=False).page_options
    lines = [line for p in process_page(source, options).layout.paragraphs for line in p.splitlines()]
    alone = [line for p in process_page(source, replace(options, tables=False)).layout.paragraphs
             for line in p.splitlines()]
    names = {row[1] for row in page.tables[0].rows}
    with_name = [line for line in lines if any(f"| {name} |" in f"| {line} |" for name in names)]
    assert len(with_name) >= len(names) - 2  # each row its own line (a name misread may miss one)
    assert all(sum(f"| {name} |" in f"| {line} |" for name in names) == 1 for line in with_name)
    assert sum(any(f"| {name} |" in f"| {line} |" for name in names) for line in alone) < len(names) / 2
