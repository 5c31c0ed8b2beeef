"""Indicator tables that old English-model OCR flattened into lines of text (seed 002's tail)."""

from pathlib import Path

import pytest

from sohoa.tables.api import TIDY_COLUMNS, table_sidecar, tables_from_text, tidy_frame
from sohoa.tables.flattened import SOURCE, header_years, restore_decimal_commas
from sohoa.tables.values import parse_value

_HERE = Path(__file__).resolve()
SEED_002 = next((p for base in (_HERE.parents[2] / ".." / "shared", _HERE.parents[4] / "shared")
                 for p in sorted((base / "seeds").glob("002_*.txt"))), None)

# The eleven figures of every row of seed 002's table that is printed on one line, read by
# hand from the OCR text with the row's own arithmetic as a check (the comparison columns
# are the 2023 or 2025 figure over the resolution's target): '9469' beside '94,77' is 94,69,
# '10066' beside 99 and 99,65 is 100,66 (99,65 / 99). One figure could not be settled by hand:
# row 20's comparison reads '30,63' where 48.155 / 53.400 gives 90,18; it is written here as
# the arithmetic says, so the reader's '30,63' counts as wrong.
HAND_READ = [
    "95 78,50 85 86,60 93 - 97,89 94 95 95 100",
    "99,5 100,55 99,06 99,60 99,50 - 100 99,50 99,50 99,50 100",
    "98,5 97,50 98,50 98,10 98,10 - 99,59 98,30 98,50 98,50 100",
    "75 67 68 75,50 71 - 94,67 73 75 75 100",
    "85 70,08 75,16 81,13 83 - 97,65 85 85 85 100",
    "100 100 100 100 100 - 100 100 100 100 100",
    "95,5 94,77 94,69 93,80 95,15 - 99,63 95,15 95,50 95,50 100",
    "45 12,44 31,14 32,57 35,15 - 78,11 36,78 38,40 38,40 85,33",
    "65 60,38 61 62,31 63 - 96,92 64 65 65 100",
    "30 27,47 28,11 28,65 29 - 96,67 29,50 30 30 100",
    "85 64,34 80,72 83,25 83,75 - 98,53 84,20 85 85 100",
    "2-3 2,25 1,02 2,19 2 - 100 2 2 2 100",
    "3-4 2,54 0,33 3,01 3 - 100 3 3 3 100",
    "93 88 89 90 90,50 - 97,31 92 93 93 100",
    "99 99 99,65 99,65 99,65 - 100,66 99,65 99,65 99,65 100,66",
    "95 90 91 92 93,35 - 98,26 94 95 95 100",
    "65 60,93 61,82 62,30 63 - 96,92 64 65 65 100",
    "53.400 45.839 46.804 48.011 48.155 - 90,18 - - - -",
    "Dưới 1,5 - 0,15 0,15 - - - - - - -",
    "Trên 80 92,03 82,75 83,36 - - - - - - -",
    "Dưới 1,5 0,64 0,42 0,43 - - - - - - -",
]


def _cells(line: str) -> list[str]:
    words, cells = line.split(), []
    for word in words:
        if cells and cells[-1] in ("Dưới", "Trên"):
            cells[-1] += " " + word
        else:
            cells.append(word)
    return cells


def _key(cell: str) -> tuple:
    parsed = parse_value(cell)
    return parsed.qualifier, parsed.value, parsed.low, parsed.high


@pytest.mark.skipif(SEED_002 is None, reason="seed documents not present")
def test_seed_002_flattened_table_against_the_hand_reading():
    (table,) = tables_from_text("002", SEED_002.read_text(encoding="utf-8"), repair_text=False)
    assert table.source == SOURCE and table.n_columns == 14
    rows = [row for row in table.rows if any(row[3:])]
    assert len(rows) == len(HAND_READ)
    right = sum(_key(got) == _key(want) for row, line in zip(rows, HAND_READ)
                for got, want in zip(row[3:], _cells(line)))
    # of 231, two are wrong: 100,6 for 100,66 ('1006', its last digit on the next line) and
    # row 20's '30,63'
    assert right == 229
    # the header lines, read by hand: 'Nghị quyết Đại hội Đảng bộ tỉnh', 'Năm thực hiện' over
    # 2020-2023, two columns of the half term, 'Lộ trình thực hiện' over 2024 and 2025,
    # 'Dự báo đến cuối nhiệm kỳ', 'So sánh kết quả (Tỷ lệ %)' (and 'Đánh giá', text)
    assert table.header[3:] == ("Cột 4", "Cột 5-8 | 2020", "Cột 5-8 | 2021", "Cột 5-8 | 2022", "Cột 5-8 | 2023",
                                "Cột 9", "Cột 10", "Cột 11-12 | 2024", "Cột 11-12 | 2025", "Cột 13", "Cột 14")
    frame = tidy_frame([table])
    assert tuple(frame.columns) == TIDY_COLUMNS and len(frame) == 231
    assert sorted(set(frame["period"])) == ["", "2020", "2021", "2022", "2023", "2024", "2025"]
    assert (frame["measure"] == "Cột 5-8").sum() == 4 * len(HAND_READ)
    assert set(frame["source"]) == {SOURCE} and frame["confidence"].max() <= 50
    sidecar = table_sidecar(table)
    # the rows whose figures could not be put in columns are reported with their line
    assert [u["line"] for u in sidecar["unaligned_lines"]] == [1313, 1317, 1326, 1329, 1361, 1367]
    assert {"read": "9469", "written": "94,69"}.items() <= next(
        r for r in sidecar["restored_commas"] if r["read"] == "9469").items()


def test_recovered_rows_keep_the_figures_as_read_in_raw():
    text = "\n".join([
        "TT Chỉ tiêu ĐVT Nghị quyết 2021 2022 2023 Tỷ lệ",
        "1 | Tỷ lệ hộ nghèo % 955 94,77 9469 | 95,15 99,63",
        "2 Tỷ lệ trẻ em đi học % 98,5 97,50 98,10 98,30 99,80",
        "3 Số bác sỹ/vạn dân bác sỹ 10 8,36 8,30 9,08 90,80",
        "- Tỷ lệ lao động qua đào tạo % 65 60,38 61 62,31 96,92",
    ])
    (table,) = tables_from_text("d", text, repair_text=False)
    assert table.rows[0][:4] == ("1", "Tỷ lệ hộ nghèo", "%", "95,5")
    assert table.rows[0][5] == "94,69"
    frame = tidy_frame([table])
    first = frame[frame["row"] == 1]
    assert list(first["raw"]) == ["955", "94,77", "9469", "95,15", "99,63"]
    assert list(first["value"]) == ["95.5", "94.77", "94.69", "95.15", "99.63"]
    assert list(first["confidence"]) == [30.0, 50.0, 30.0, 50.0, 50.0]


def test_prose_with_numbers_is_no_table():
    prose = "\n".join([
        "Năm 2023 thu ngân sách đạt 4.420 tỷ đồng, bằng 68 % dự toán, tăng 2,28 % so với 2022;",
        "tỷ lệ hộ nghèo còn 2,19 %, giảm 1,02 % so với năm 2021; 95,15 % dân số tham gia",
        "bảo hiểm y tế, 35,15 % lực lượng lao động tham gia bảo hiểm xã hội 12 13 14 15 16.",
        "Số bác sỹ đạt 9,08 bác sỹ/vạn dân; 32,55 giường bệnh/vạn dân 100 100 100 100 100.",
    ])
    assert tables_from_text("d", prose, repair_text=False) == []
    # a header line alone does not make the prose under it a table
    assert tables_from_text("d", "TT Chỉ tiêu ĐVT 2021 2022\n" + prose, repair_text=False) == []


def test_bare_numbers_keep_their_reading_without_decimal_marks_in_the_row():
    assert restore_decimal_commas(["6500", "4349", "4690", "4950"]) == (["6500", "4349", "4690", "4950"], set())
    cells, changed = restore_decimal_commas(["4.349", "4690", "4,5", "3,2"])
    assert cells[1] == "4690" and not changed


def test_header_years_go_to_the_columns_the_labels_leave_them():
    # a label before the years, one between the runs, two after: eleven columns, one way
    header = ["TT Chỉ tiêu ĐVT Nghị quyết | 2020 2021 2022 2023 | Tăng Nghị quyết | 2024 | 2025 | "
              "Dự báo [Tỷ lệ % [Đánh giá"]
    rows = [["85", "70", "75", "81", "83", "-", "97", "85", "85", "85", "100"]] * 3
    assert header_years(header, 11, rows) == {1: 2020, 2: 2021, 3: 2022, 4: 2023, 7: 2024, 8: 2025}
    # no year, or more years than columns: nothing placed
    assert header_years(["TT Chỉ tiêu ĐVT Kế hoạch Thực hiện"], 2, [["1", "2"]]) == {}
    assert header_years(["2020 2021 2022"], 2, [["1", "2"]]) == {}


def test_header_years_placed_by_the_figures_only_where_they_decide():
    header = ["Kế hoạch | 2021 2022 2023"]  # one label before three years: four or five columns
    # five columns: the years after one label, or two; the figures run on only in the first
    smooth = [["500", "40", "42", "44", "9,5"], ["700", "61", "63", "66", "4,1"]]
    assert header_years(header, 5, smooth) == {1: 2021, 2: 2022, 3: 2023}
    # figures that fit either way: no year is guessed
    even = [["40", "40", "40", "40", "40"], ["61", "61", "61", "61", "61"]]
    assert header_years(header, 5, even) == {}
