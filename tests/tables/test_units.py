"""Unit cells of OCR'd tables snapped to known units only where the reading clearly is one."""

import pytest

from sohoa.tables.cells import repair_text_cells
from sohoa.tables.records import Table
from sohoa.tables.units import KNOWN_UNITS, snap_unit, snap_unit_column


@pytest.mark.parametrize("read, unit", [
    ("%c", "%"), ("%ở", "%"), ("%o", "%"),  # Tesseract's readings of '%'
    ("tỳ đồng", "tỷ đồng"), ("ngưởi", "người"), ("Giường bệnh/vạn dăn", "giường bệnh/vạn dân"),
])
def test_clear_misreadings_snap(read, unit):
    assert snap_unit(read) == unit


@pytest.mark.parametrize("read", [
    "tỷ đồng", "Tỷ kWh", "MW", "Thuê bao", "%",  # known units stay exactly as printed
    "héc-ta mặt nước",  # an unknown unit is kept, never forced onto the list
    "ha", "To", "W kWh",  # too short or too far to tell alone
])
def test_other_readings_stay(read):
    assert snap_unit(read) == read


def test_a_short_garble_in_a_percent_column_is_percent():
    assert snap_unit_column(["%", "To", "%", "%c", "Tỷ kWh", "MW"]) == ["%", "%", "%", "%", "Tỷ kWh", "MW"]
    # no '%' majority: nothing to go by
    assert snap_unit_column(["ha", "To", "tấn", "%"]) == ["ha", "To", "tấn", "%"]


def test_known_units_are_fixed_points():
    for unit in KNOWN_UNITS:
        assert snap_unit(unit, KNOWN_UNITS) == unit


def test_only_ocr_tables_unit_column_is_snapped():
    table = Table(doc_id="d", page=1, index=1, header=("TT", "Chỉ tiêu", "Đơn vị", "Năm 2023"),
                  rows=(("1", "Tỷ lệ nợ xấu", "%", "3"), ("2", "Tỷ trọng chi", "To", "63"),
                        ("3", "Tỷ lệ hộ nghèo", "%", "2,1"), ("4", "Tổng vốn", "tỳ đồng", "To")),
                  source="ruled")
    fixed = repair_text_cells(table, label_marks=True)
    assert [row[2] for row in fixed.rows] == ["%", "%", "%", "tỷ đồng"]
    assert fixed.rows[3][3] == "To"  # a value column is no unit column
    assert [row[2] for row in repair_text_cells(table).rows] == ["%", "To", "%", "tỳ đồng"]  # text tables
