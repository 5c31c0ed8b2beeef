"""A table read from a scan takes the document repair's words for its cells, as text.txt has
them; the cell's own clean-up stands, and a table of a text input is left alone."""

from sohoa.tables.document_words import cell_repairs, with_document_repair
from sohoa.tables.records import Table

READ = ("1. | Nông Văn Tẳng | Binh nhất, Bô đôi Biên phòng | Xã Xuân Vân, huyện Yên Sơn\n"
        "Danh sách kèm theo\f"
        "2. | Lê Văn Tám | Chiến sĩ | Xã Kếnh Giang")
WRITTEN = ("1. | Nông Văn Tẳng | Binh nhất, Bộ đội Biên phòng | Xã Xuân Vân, huyện Yên Sơn\n"
           "Danh sách kèm theo\f"
           "2. | Lê Văn Tám | Chiến sĩ | Xã Kênh Giang")


SCANNED = {1, 2}  # the pages read by OCR


def _table(rows, raw_cells=(), source="ruled", page=1):
    return Table("d", page, 1, ("TT", "Họ tên", "Cấp bậc", "Quê quán"), tuple(map(tuple, rows)),
                 source=source, raw_cells=tuple(raw_cells))


def test_the_cells_of_each_page_as_read_map_to_the_document_s_repair():
    repairs = cell_repairs(READ, WRITTEN)
    assert repairs[1]["Binh nhất, Bô đôi Biên phòng"] == "Binh nhất, Bộ đội Biên phòng"
    assert repairs[1]["Xã Xuân Vân, huyện Yên Sơn"] == "Xã Xuân Vân, huyện Yên Sơn"  # kept as read
    assert repairs[2]["Xã Kếnh Giang"] == "Xã Kênh Giang"
    assert "Danh sách kèm theo" not in repairs[1]  # a line without cells


def test_a_page_whose_lines_do_not_line_up_or_a_cell_repaired_two_ways_gives_nothing():
    assert 1 not in cell_repairs("a | b\nc", "a | b")
    repairs = cell_repairs("Bô đôi | x\nBô đôi | y", "Bộ đội | x\nBô đôi | y")
    assert "Bô đôi" not in repairs[1] and repairs[1]["x"] == "x"


def test_a_cell_takes_the_document_s_words_where_its_own_repair_kept_them_or_chose_other_marks():
    own = [["1.", "Nông Văn Tẳng", "Binh nhất, Bô đôi Biên phòng", "Xã Xuân Vần, huyện Yên Sơn"]]
    table = _table(own, raw_cells=[(0, 3, "Xã Xuân Vân, huyện Yên Sơn")])
    [mended] = with_document_repair([table], cell_repairs(READ, WRITTEN), SCANNED)
    assert mended.rows[0][2] == "Binh nhất, Bộ đội Biên phòng"
    assert mended.rows[0][3] == "Xã Xuân Vân, huyện Yên Sơn"  # the document kept 'Vân' as read
    assert dict(((r, c), t) for r, c, t in mended.raw_cells)[(0, 2)] == "Binh nhất, Bô đôi Biên phòng"
    [second] = with_document_repair([_table([["2.", "Lê Văn Tám", "Chiến sĩ", "Xã Kếnh Giang"]], page=2)],
                                    cell_repairs(READ, WRITTEN), SCANNED)
    assert second.rows[0][3] == "Xã Kênh Giang"


def test_the_cell_s_own_clean_up_of_letters_and_specks_stands():
    read = "1. | Lê Văn Tám }"
    written = "1. | Lê Văn Tám }"
    table = _table([["1.", "Lê Văn Tám", "", ""]], raw_cells=[(0, 1, "Lê Văn Tám }")])
    [same] = with_document_repair([table], cell_repairs(read, written), SCANNED)
    assert same.rows[0][1] == "Lê Văn Tám"


def test_a_text_input_s_table_and_a_cell_not_in_the_text_are_left_alone():
    own = [["1.", "Nông Văn Tẳng", "Binh nhất, Bô đôi Biên phòng", "Xã Xuân Vân, huyện Yên Sơn"]]
    text_table = _table(own, source="text")
    assert with_document_repair([text_table], cell_repairs(READ, WRITTEN), SCANNED) == [text_table]
    other = _table([["9.", "Trần Văn Ba", "Bô đôi", "Xã Vân"]])
    assert with_document_repair([other], cell_repairs(READ, WRITTEN), SCANNED) == [other]


def test_a_born_digital_page_s_table_keeps_its_exact_words():
    own = [["1.", "Nông Văn Tẳng", "Binh nhất, Bô đôi Biên phòng", "Xã Xuân Vân, huyện Yên Sơn"]]
    table = _table(own)
    assert with_document_repair([table], cell_repairs(READ, WRITTEN), scanned={2}) == [table]


def test_texts_whose_pages_do_not_pair_up_give_no_cell():
    assert cell_repairs(READ, WRITTEN.replace("\f", "\n", 1)) == {}
