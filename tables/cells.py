"""Cell text clean-up shared by the text and image paths: text cells go through the repair
pipeline, numeric cells are left exactly as read."""

from __future__ import annotations

from dataclasses import replace

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value


def repair_cell(text: str) -> str:
    """Repair a text cell; cells that read as numbers, ranges or missing markers stay as they are."""
    if not text.strip() or parse_value(text).qualifier != TEXT:
        return text
    from sohoa.diacritics import repair

    try:
        return repair(text).text
    except Exception:  # noqa: BLE001 - a failing repair must never lose the table
        return text


def repair_text_cells(table: Table) -> Table:
    """The table with its header and text cells repaired."""
    return replace(
        table,
        header=tuple(repair_cell(h) for h in table.header),
        rows=tuple(tuple(repair_cell(c) for c in row) for row in table.rows),
    )
