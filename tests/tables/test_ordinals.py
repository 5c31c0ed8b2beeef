"""Ordinal columns mended by their own running order (sohoa.tables.ordinals)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sohoa.tables.ordinals import mend_ordinal_column, mend_ordinals
from sohoa.tables.records import Table


def test_a_number_between_neighbours_two_apart_is_the_one_between():
    column = ["3.", "4.", "5.", "6.", "1.", "8.", "9.", "10."]
    assert mend_ordinal_column(column) == {4: ("7.", "between its neighbours' numbers")}


def test_a_stop_unlike_the_columns_is_the_columns():
    assert mend_ordinal_column(["7.", "8.", "9,", "10.", "11."]) == {2: ("9.", "the column's stop")}


def test_a_number_mended_by_its_neighbours_takes_the_columns_stop():
    column = ["47", "48", "49", "50", "5.", "52", "53"]
    assert mend_ordinal_column(column) == {4: ("51", "between its neighbours' numbers; the column's stop")}


def test_numbering_restarts_after_a_group_row_and_is_mended_within_the_group():
    assert mend_ordinal_column(["5.", "6.", "", "1.", "2."]) == {}
    column = ["1.", "2.", "3.", "4.", "", "1.", "7.", "3.", "4.", "5."]
    assert mend_ordinal_column(column) == {6: ("2.", "between its neighbours' numbers")}


def test_a_number_with_no_numbered_row_above_or_below_stays():
    # the first row of a group ('1.' after a group row) is never judged by the group before it
    assert mend_ordinal_column(["4.", "5.", "6.", "Tỉnh Hải Dương", "1.", "2."]) == {}
    assert mend_ordinal_column(["9.", "10.", "11.", "12.", "14."]) == {}  # no row below the last


def test_columns_of_years_figures_or_words_are_no_ordinals():
    assert mend_ordinal_column(["1949", "1952", "1950", "1948", "1953", "1949"]) == {}
    assert mend_ordinal_column(["12", "13", "120", "14", "1.250", "7"]) == {}
    assert mend_ordinal_column(["Trần Văn A", "Lê Văn B", "1.", "2.", "Ngô C"]) == {}
    assert mend_ordinal_column(["1.", "2.", "9."]) == {}  # too few numbers to tell an order


def test_the_table_keeps_what_was_read_beside_what_it_writes():
    tts = ["4.", "5.", "6.", "1.", "8.", "9,", "10.", "11."]
    table = Table("d", 2, 1, ("STT", "TT", "Họ tên"),
                  tuple((str(k + 5), tt, name) for k, (tt, name) in enumerate(zip(tts, "ABCDEFGH"))))
    mended = mend_ordinals(table)
    assert [row[1] for row in mended.rows] == ["4.", "5.", "6.", "7.", "8.", "9.", "10.", "11."]
    assert [row[0] for row in mended.rows] == [str(k + 5) for k in range(8)]
    assert set(mended.raw_cells) == {(3, 1, "1."), (5, 1, "9,")}
    assert mended.notes["mended_cells"] == [
        {"row": 4, "column": "TT", "as_read": "1.", "written": "7.", "why": "between its neighbours' numbers"},
        {"row": 6, "column": "TT", "as_read": "9,", "written": "9.", "why": "the column's stop"}]
    assert mend_ordinals(mended) == mended  # nothing left to mend
    clean = Table("d", 1, 1, ("TT", "Tên"), (("1.", "a"), ("2.", "b"), ("3.", "c"), ("4.", "d")))
    assert mend_ordinals(clean) is clean


cells = st.lists(st.one_of(st.integers(0, 30).map(str), st.integers(0, 30).map(lambda n: f"{n}."),
                           st.integers(0, 30).map(lambda n: f"{n},"), st.sampled_from(["", "Tỉnh A", "I"])),
                 max_size=12)


@settings(max_examples=200, deadline=None)
@given(cells)
def test_mending_touches_only_numbers_and_a_stop_alone_keeps_the_number(column):
    import re

    for k, (text, why) in mend_ordinal_column(column).items():
        assert re.fullmatch(r"\d{1,4}[.,:;]?", column[k].strip()) and re.fullmatch(r"\d{1,4}[.,:;]?", text)
        assert text != column[k].strip()
        if "between" not in why:
            assert text.rstrip(".,:;") == column[k].strip().rstrip(".,:;")


def test_the_document_writes_mended_ordinals_only_with_repair_and_only_for_what_ocr_read(tmp_path):
    import json

    import pandas as pd

    from sohoa.tables.api import write_document_tables

    tts = ["4.", "5.", "6.", "1.", "8.", "9.", "10.", "11."]
    rows = tuple((tt, f"Người {k}") for k, tt in enumerate(tts))
    read = Table("d", 3, 1, ("TT", "Họ tên"), rows, source="ruled")
    write_document_tables("d", [read], tmp_path)
    written = pd.read_csv(tmp_path / "tables" / "p3_t1.csv", dtype=str)
    assert list(written["TT"]) == ["4.", "5.", "6.", "7.", "8.", "9.", "10.", "11."]
    sidecar = json.loads((tmp_path / "tables" / "p3_t1.json").read_text(encoding="utf-8"))
    assert sidecar["mended_cells"][0] == {"row": 4, "column": "TT", "as_read": "1.", "written": "7.",
                                          "why": "between its neighbours' numbers"}
    for table, repair in ((read, False), (Table("d", 3, 1, ("TT", "Họ tên"), rows, source="text"), True)):
        out = tmp_path / f"{table.source}-{repair}"
        write_document_tables("d", [table], out, repair=repair)
        assert list(pd.read_csv(out / "tables" / "p3_t1.csv", dtype=str)["TT"]) == tts


def test_what_ocr_read_stays_beside_every_cell_the_repair_changed_across_pages(tmp_path):
    """A table continued over pages keeps, for each page's rows, what OCR read of the cells the
    repair changed; the sidecar lists every such cell with what is written."""
    import json

    from sohoa.tables.api import write_document_tables
    from sohoa.tables.cells import repair_text_cells
    from sohoa.tables.join import join_continued

    header = ("TT", "Họ tên", "Nguyên quán")
    first = Table("d", 2, 1, header, tuple((f"{k}.", f"Người {k}", "Xã A, huyện B") for k in range(1, 5)),
                  source="ruled")
    second = Table("d", 3, 1, ("Cột 1", "Cột 2", "Cột 3"),
                   (("5.", "Người 5", "Xã C, huyện D,"), ("6.", "Người 6", "Xã E")), source="ruled", has_header=False)
    pages = [repair_text_cells(t, label_marks=True) for t in (first, second)]
    assert pages[1].raw_cells == ((0, 2, "Xã C, huyện D,"),) and pages[1].rows[0][2] == "Xã C, huyện D"
    (joined,) = join_continued(pages)
    assert joined.raw_cells == ((4, 2, "Xã C, huyện D,"),)  # the second page's rows come after the first's
    write_document_tables("d", pages, tmp_path)
    sidecar = json.loads((tmp_path / "tables" / "p2_t1.json").read_text(encoding="utf-8"))
    assert sidecar["repaired_cells"] == [{"row": 5, "column": "Nguyên quán", "as_read": "Xã C, huyện D,",
                                          "written": "Xã C, huyện D"}]


def test_a_number_read_as_a_sign_or_a_letter_between_its_neighbours_is_mended():
    column = ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "§.", "9.", "10.", "s8.", "12."]
    assert mend_ordinal_column(column) == {7: ("8.", "between its neighbours' numbers"),
                                           10: ("11.", "between its neighbours' numbers")}


def test_a_label_or_a_note_between_numbers_stays():
    # a group's label restarts the numbering; a longer note or a word is no misread number
    assert mend_ordinal_column(["1.", "2.", "3.", "II", "1.", "2."]) == {}
    assert mend_ordinal_column(["1.", "2.", "3.", "Ghi chú", "5.", "6."]) == {}
    assert mend_ordinal_column(["1.", "2.", "3.", "", "5.", "6."]) == {}
