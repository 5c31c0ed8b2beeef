"""Public result of table extraction (internal working objects live beside the detector)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """One logical table: a grid of cell texts with flattened header paths.

    `header` holds one flattened path per column ('Năm thực hiện | 2021'); `rows` the body
    cells as read (strings), `confidences` the per-cell OCR confidence 0-100 (100 for text
    input; same shape as `rows`). A table with `has_header=False` starts with body rows
    (typically the continuation of a table from the previous page) and its `header` holds
    placeholders ('Cột 1', ...). `spans` lists the body cells that were merged over several
    grid cells as (row, col, rowspan, colspan); their text sits in the top-left cell.
    """

    doc_id: str
    page: int  # first page the table is on, 1-based
    index: int  # 1-based within its page
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    confidences: tuple[tuple[float, ...], ...] = field(default_factory=tuple)
    pages: tuple[int, ...] = ()  # every page a continued table spans
    has_header: bool = True
    spans: tuple[tuple[int, int, int, int], ...] = ()
    bbox: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 on the page image
    source: str = "text"  # 'ruled' | 'borderless' | 'text' | 'flattened-text'
    row_pages: tuple[int, ...] = ()  # page of every body row (set when tables are joined)
    mark_alternatives: tuple[tuple[int, int, tuple], ...] = ()
    """OCR'd tables before repair: (body row, column, words whose tone marks the OCR doubted,
    as `sohoa.tables.cellocr.CellText.mark_alternatives`); used and emptied by the repair of
    text cells (`sohoa.tables.cells`)."""
    header_mark_alternatives: tuple[tuple[int, tuple], ...] = ()
    """OCR'd tables before repair: (column, words of its header labels whose tone marks the OCR
    doubted, as `mark_alternatives`); used and emptied by the repair of text cells."""
    raw_cells: tuple[tuple[int, int, str], ...] = ()
    """(body row, column, text as read) of cells whose CSV text differs from what was read
    (a decimal comma put back in a flattened text table); the tidy `raw` keeps what was read."""
    alternatives: tuple[tuple[tuple[tuple[str, float], ...], ...], ...] = ()
    """Per body cell (same shape as `rows`, or empty when there are none, as for text input):
    the other readings the OCR weighed for it, (form, confidence relative to the reading kept,
    0-1), likeliest first (`sohoa.tables.cellocr.CellText.alternatives`)."""
    notes: dict = field(default_factory=dict, compare=False, hash=False)
    """Extra sidecar entries (for flattened text tables: header lines, restored commas, lines
    that could not be aligned)."""

    @property
    def n_columns(self) -> int:
        return len(self.header)

    @property
    def read_from_image(self) -> bool:
        """Read by OCR from a page image (ruled or borderless), not a text input's own cells."""
        return self.source in ("ruled", "borderless")

    def rewritten(self, rows) -> "Table":
        """The table with body `rows` in place of its own, what was read of every cell they
        change kept in `raw_cells` (its first reading, where it holds one already)."""
        as_read = {(r, c): text for r, c, text in self.raw_cells}
        for r, (before, after) in enumerate(zip(self.rows, rows)):
            for c, (read, written) in enumerate(zip(before, after)):
                if read != written:
                    as_read.setdefault((r, c), read)
        return replace(self, rows=tuple(tuple(row) for row in rows),
                       raw_cells=tuple((r, c, text) for (r, c), text in sorted(as_read.items())))

    def alternatives_grid(self) -> tuple[tuple[tuple, ...], ...]:
        """`alternatives` with one entry for every body cell (empty where there are none)."""
        if self.alternatives:
            return self.alternatives
        return tuple(tuple(() for _ in row) for row in self.rows)

    @property
    def df(self) -> "pd.DataFrame":
        """The wide grid as a DataFrame whose columns are the flattened header paths."""
        import pandas as pd

        return pd.DataFrame([list(r) for r in self.rows], columns=unique_names(self.header))


def unique_names(names: tuple[str, ...] | list[str]) -> list[str]:
    """Column names made unique and non-empty, so that `pandas.read_csv` keeps them as they are."""
    seen: dict[str, int] = {}
    out = []
    for k, name in enumerate(names, start=1):
        name = name.strip() or f"Cột {k}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out
