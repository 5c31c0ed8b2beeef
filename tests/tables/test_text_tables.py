from pathlib import Path

import pandas as pd
import pytest

from sohoa.tables.api import TIDY_COLUMNS, tables_from_text, tidy_frame, write_document_tables

DATA = Path(__file__).parent / "data"
SEED_003 = next((p for p in (Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "003_7be7a533fb79af28.txt",
                              Path(__file__).resolve().parents[4] / "shared" / "seeds" / "003_7be7a533fb79af28.txt")
                 if p.exists()), Path("/nonexistent"))


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_cell_dump_and_pipe_table_give_the_golden_tidy_csv(tmp_path):
    text = (DATA / "dump_small.txt").read_text(encoding="utf-8")
    tables = tables_from_text("dump_small", text, repair_text=False)
    assert [(t.page, t.index, t.n_columns, len(t.rows)) for t in tables] == [(1, 1, 6, 6), (1, 2, 5, 2)]
    write_document_tables("dump_small", tables, tmp_path)
    got = _read(tmp_path / "indicators.csv")
    assert tuple(got.columns) == TIDY_COLUMNS
    pd.testing.assert_frame_equal(got, _read(DATA / "dump_small_indicators.csv"))


def test_wide_csv_reads_back_with_header_paths(tmp_path):
    tables = tables_from_text("d", (DATA / "dump_small.txt").read_text(encoding="utf-8"), repair_text=False)
    write_document_tables("d", tables, tmp_path)
    wide = pd.read_csv(tmp_path / "tables" / "p1_t1.csv", dtype=str, keep_default_na=False)
    assert list(wide.columns) == ["TT", "Chỉ tiêu", "ĐVT", "Năm 2022", "Kế hoạch năm 2023", "Đánh giá"]
    assert wide.loc[2, "Năm 2022"] == "6.500"
    assert (tmp_path / "tables" / "p1_t2.csv").exists()


def test_sidecar_holds_text_input_confidences_beside_an_unchanged_csv(tmp_path):
    import json

    tables = tables_from_text("d", (DATA / "dump_small.txt").read_text(encoding="utf-8"), repair_text=False)
    write_document_tables("d", tables, tmp_path)
    sidecar = json.loads((tmp_path / "tables" / "p1_t1.json").read_text(encoding="utf-8"))
    wide = pd.read_csv(tmp_path / "tables" / "p1_t1.csv", dtype=str, keep_default_na=False)
    assert sidecar["columns"] == list(wide.columns) and sidecar["source"] == "text" and sidecar["bbox"] is None
    assert sidecar["confidences"] == [[100.0] * len(wide.columns)] * len(wide)
    assert tuple(_read(tmp_path / "indicators.csv").columns) == TIDY_COLUMNS


def test_sub_rows_sections_and_missing():
    tables = tables_from_text("d", (DATA / "dump_small.txt").read_text(encoding="utf-8"), repair_text=False)
    from sohoa.tables.api import tidy_frame

    frame = tidy_frame(tables)
    sub = frame[frame.indicator == "Thu ngân sách - Thu nội địa"]
    assert list(sub.qualifier) == ["", "missing"]
    assert set(frame[frame.indicator == "Tỷ lệ hộ nghèo"].section) == {"II. Xã hội"}
    # text-only columns (assessment) are no observations
    assert not (frame.raw == "Đạt").any()


def test_form_feeds_count_pages():
    text = "intro\f\n| TT | Chỉ tiêu | 2020 |\n|---|---|---|\n| 1 | A | 5 |\n"
    (table,) = tables_from_text("d", text, repair_text=False)
    assert table.page == 2
    # pdftotext opens a page's first line with the form feed
    text = "intro\n\f| TT | Chỉ tiêu | 2020 |\n|---|---|---|\n| 1 | A | 5 |\n"
    (table,) = tables_from_text("d", text, repair_text=False)
    assert table.page == 2


def test_text_without_tables_gives_none(tmp_path):
    assert tables_from_text("d", "Chỉ là một đoạn văn.\n\nKhông có bảng.") == []
    frame = write_document_tables("d", [], tmp_path)
    assert list(frame.columns) == list(TIDY_COLUMNS)
    assert _read(tmp_path / "indicators.csv").empty


@pytest.mark.skipif(not SEED_003.exists(), reason="seed documents not present")
def test_seed_003_appendix_observations(tmp_path):
    """Every numeric observation of seed 003's appendix III, checked by hand against the source."""
    doc_id = SEED_003.stem
    tables = tables_from_text(doc_id, SEED_003.read_text(encoding="utf-8"), repair_text=False)
    assert [len(t.header) for t in tables] == [4, 3, 6]
    write_document_tables(doc_id, tables, tmp_path)
    pd.testing.assert_frame_equal(_read(tmp_path / "indicators.csv"), _read(DATA / "seed003_indicators.csv"))


# Old OCR of a scanned table: words of several columns run together, with stray bars where
# rules were. Written by hand after the kind of text seed 002's appendix pages hold.
GARBLED_TABLE_TEXT = """\
Ping by | 2020 2021 2022 ;1(‘)‘2?‘1“ Nghi quyét | 2024 | 2025 | déncudi [T§1é %[Danh gia
tinh 202 3' (%) nhiém ky
11 | Thu ngin sich Nha nuéc trong cin déi Ty 6.500 4.349 4690 | 4950 |  4.420 0,54 68| 6077| 102:2 | Vuot
- tTrZ 16 huy dong tré em trong 46 tuoi dennba |, 25 9.40 1| 1470 19 ; 76 2 25 25| 100
- g;eg?;g dong tre em diing 46 toi den 16p % 95 78,50 85| 86,60 93 - 97,89 94 95 95| 100
. Ez)llsaﬁ‘ge fﬁgg hoc sinh di hoc ding do % 99.5 100,55 99.06 | 99.60 99.50 - 100 | 99,50 | 100
13 | T¥ I¢ trwomg dat chuin Quéc gia % 85 70,08 7516 | 81,13 83 - 97,65 85 85 85| 100 | Dat
"""


def test_garbled_lines_with_stray_bars_are_no_table():
    assert tables_from_text("d", GARBLED_TABLE_TEXT, repair_text=False) == []


def test_garbled_lines_of_one_width_are_still_no_table():
    # same number of bars on every line, but numbers of several columns run together in a cell
    text = (
        "Chi tieu | 2021 2022 2023 | Danh gia\n"
        "Thu ngin sich 6.500 | 4.349 4690 4950 | Vuot\n"
        "Ty le ho ngheo % 2-3 | 2,25 1,02 2,19 | Dat\n"
    )
    assert tables_from_text("d", text, repair_text=False) == []


def test_pipe_table_without_rule_but_with_a_header_row_is_read():
    text = "| TT | Chỉ tiêu | ĐVT | 2021 |\n| 1 | Tỷ lệ hộ nghèo | % | 2,25 |\n| 2 | Số bác sỹ/vạn dân | bác sỹ | 8,36 |\n"
    (table,) = tables_from_text("d", text, repair_text=False)
    assert table.header == ("TT", "Chỉ tiêu", "ĐVT", "2021")
    assert table.rows[1][3] == "8,36"


def test_numeric_first_row_without_rule_is_no_header():
    text = "| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n"
    assert tables_from_text("d", text, repair_text=False) == []


def test_a_header_printed_twice_gives_observations_with_keys_of_their_own():
    text = ("| TT | Chỉ tiêu | Đơn vị tính | Kế hoạch | Thực hiện | Kế hoạch | Thực hiện |\n"
            "|---|---|---|---|---|---|---|\n| 1 | Tỷ lệ hộ nghèo | % | 3,0 | 2,8 | 2,5 | 2,4 |\n")
    frame = tidy_frame(tables_from_text("d", text, repair_text=False))
    assert list(frame.measure) == ["Kế hoạch", "Thực hiện", "Kế hoạch (2)", "Thực hiện (2)"]  # as the wide CSV names them
    assert not frame.duplicated(["row", "indicator", "measure", "period"]).any()


def test_a_blank_line_between_two_body_rows_parts_no_pipe_table():
    text = ("| TT | Chỉ tiêu | Đơn vị tính | Năm 2023 |\n|---|---|---|---|\n| 1 | Tỷ lệ thu gom rác | % | 95,0 |\n"
            "\n| 2 | Diện tích rừng trồng mới | ha | 1.200 |\n"
            "\n| TT | Chỉ tiêu | Năm 2024 |\n|---|---|---|\n| 1 | Tỷ lệ hộ nghèo | 2,1 |\n")  # a table of its own
    first, second = tables_from_text("d", text, repair_text=False)
    assert [row[0] for row in first.rows] == ["1", "2"] and second.header == ("TT", "Chỉ tiêu", "Năm 2024")


def test_tab_separated_rows_are_a_table_and_a_tabbed_letterhead_is_none():
    text = ("BẢNG 2. CHỈ TIÊU XÃ HỘI\n\nTT\tChỉ tiêu\tĐơn vị tính\tNăm 2023\n"
            "1\tTỷ lệ lao động qua đào tạo\t%\t67,0\n2\tSố giường bệnh trên vạn dân\tgiường\t31,2\n")
    (table,) = tables_from_text("d", text, repair_text=False)
    assert table.header == ("TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2023") and table.rows[1][3] == "31,2"
    letterhead = ("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\tMẫu 01\n"
                  "TỈNH QUẢNG NGÃI\tĐộc lập - Tự do - Hạnh phúc\t2023\n"
                  "Số: 15/KH-UBND\tQuảng Ngãi, ngày 10 tháng 3 năm 2023\t\n")
    assert tables_from_text("d", letterhead, repair_text=False) == []
