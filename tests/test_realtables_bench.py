"""The real-scan table bench's scoring and its list of gold pages (no scans needed)."""

import csv
import json
import sys
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.realtables_bench import HERE, kinds, line_up, score_page, totals  # noqa: E402

GOLD = [
    ["66", "65.", "Vũ Văn Phổ", "Chiến sĩ c43 tỉnh đội Hà Đông", "Xã Phúc Tiến, huyện Phú Xuyên", "02/1953"],
    ["3 - TỈNH BÌNH THUẬN", "", "", "", "", ""],
    ["71", "1.", "Nguyễn Cửu Kinh", "Bí thư xã uỷ Tân Thắng", "Xã Phổ Thuận, huyện Đức Phổ", "1961"],
    ["72", "1.", "Hoàng Minh Then", "Thương binh hạng 1/4", "Xã Cổ Loa, huyện Đông Anh", "25/8/2023"],
]


def test_a_perfect_reading_scores_every_cell():
    score = score_page(GOLD, [row[:] for row in GOLD])
    assert (score["rows"], score["rows_found"], score["cells"], score["cells_exact"]) == (3, 3, 18, 18)
    assert score["cer_sum"] == 0 and (score["sections"], score["sections_exact"]) == (1, 1)


def test_rows_are_found_in_any_order_and_a_missing_row_costs_all_its_cells():
    predicted = [GOLD[3], GOLD[0]]  # the section and one body row not read, the rest in another order
    score = score_page(GOLD, predicted)
    assert (score["rows_found"], score["cells_exact"]) == (2, 12)
    assert score["cer_sum"] == 6.0  # each cell of the row not found counts 1
    assert score["sections_exact"] == 0


def test_columns_merged_cost_only_the_cells_they_touch():
    merged = ["66 65.", "Vũ Văn Phổ", "Chiến sĩ c43 tỉnh đội Hà Đông", "Xã Phúc Tiến, huyện Phú Xuyên", "02/1953"]
    score = score_page(GOLD[:1], [merged])
    assert score["rows_found"] == 1 and score["cells_exact"] == 4  # STT and TT wrong, the rest in place
    assert score["exact_by_column"] == [0, 0, 1, 1, 1, 1]


def test_a_wrong_mark_is_a_wrong_cell_with_a_small_error():
    misread = [GOLD[0][:2] + ["Vũ Văn Phố"] + GOLD[0][3:]]
    score = score_page(GOLD[:1], misread)
    assert score["cells_exact"] == 5 and 0 < score["cer_sum"] < 0.2


def test_rows_of_another_table_are_not_taken_for_gold_rows():
    score = score_page(GOLD, [["Tổng cộng", "", "1.234", "", "", ""], ["a", "b", "c", "d", "e", "f"]])
    assert score["rows_found"] == 0 and score["cells_exact"] == 0


def test_totals_give_columns_only_for_pages_of_one_tables_columns():
    six = score_page(GOLD, [row[:] for row in GOLD])
    three = score_page([["1", "Khoa A", "Sinh viên"], ["2", "Khoa B", ""]], [["1", "Khoa A", "Sinh viên"]])
    assert totals([six, six])["column_accuracy"] == [1.0] * 6
    mixed = totals([six, three])
    assert mixed["column_accuracy"] == [] and mixed["cells"] == 24 and mixed["rows_found"] == 4


def test_header_section_and_body_rows_are_told_apart():
    assert kinds([["STT", "TT", "Họ tên"], ["1- BỘ CÔNG AN", "", ""], ["1", "1.", "Trần Ngọc Sơn"]]) == \
        ["header", "section", "body"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcđê 1.", max_size=6), min_size=1, max_size=6),
       st.lists(st.text(alphabet="abcđê 1.", max_size=6), max_size=7))
def test_line_up_gives_one_cell_per_gold_cell_taken_in_order_from_the_reading(gold, got):
    lined = line_up(gold, got)
    assert len(lined) == len(gold)
    assert line_up(gold, gold) == gold
    taken = [cell for cell in lined if cell]
    position = 0
    for cell in taken:  # a subsequence of the reading
        position = got.index(cell, position) + 1


def test_every_listed_table_page_has_its_gold_csv_in_the_convention():
    entries = [json.loads(line) for line in (HERE / "tables.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries and {e["split"] for e in entries} == {"dev", "heldout"}
    for entry in entries:
        path = HERE / entry["gold"]
        text = path.read_text(encoding="utf-8")
        assert text == unicodedata.normalize("NFC", text)
        rows = list(csv.reader(text.splitlines()))
        assert rows and all(len(row) == len(rows[0]) for row in rows)
        assert all(cell == cell.strip() and "  " not in cell for row in rows for cell in row)
