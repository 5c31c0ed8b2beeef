"""Public result of table extraction (internal working objects live beside the detector)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """One logical table: a grid of cell texts with flattened header paths.

    `header` holds one flattened path per column ('Năm thực hiện | 2021'); `rows` the body
    cells as read (strings), `confidences` the per-cell OCR confidence (or 100 for text input).
    """

    doc_id: str
    page: int  # first page the table is on, 1-based
    index: int  # 1-based within its page
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    confidences: tuple[tuple[float, ...], ...] = field(default_factory=tuple)
    pages: tuple[int, ...] = ()  # every page a continued table spans
