"""Cell text clean-up shared by the text and image paths: text cells go through the repair
pipeline, numeric cells are left exactly as read."""

from __future__ import annotations

from dataclasses import replace

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value


def repair_cell(text: str, *, label_marks: bool = False) -> str:
    """Repair a text cell; cells that read as numbers, ranges or missing markers stay as they are.

    `label_marks`: also check the tone marks of the cell's words against the context model
    (`sohoa.tables.names`), for cells read by OCR.
    """
    if not text.strip() or parse_value(text).qualifier != TEXT:
        return text
    from sohoa.diacritics import repair

    try:
        text = repair(text).text
        if label_marks:
            from sohoa.tables.names import fix_label_marks

            text = fix_label_marks(text)
        return text
    except Exception:  # noqa: BLE001 - a failing repair must never lose the table
        return text


def repair_text_cells(table: Table, *, label_marks: bool = False) -> Table:
    """The table with its header and text cells repaired (`label_marks`: see `repair_cell`)."""
    return replace(
        table,
        header=tuple(repair_cell(h, label_marks=label_marks) for h in table.header),
        rows=tuple(tuple(repair_cell(c, label_marks=label_marks) for c in row) for row in table.rows),
    )
