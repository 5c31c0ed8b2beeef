"""What the batch runner calls. Placeholder until table extraction lands: finds no tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.tables.records import Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sohoa.ingest.records import OcrPage, PageImage

TIDY_COLUMNS = (
    "doc_id", "page", "table", "row", "section", "indicator", "unit", "measure", "period",
    "value", "value_min", "value_max", "qualifier", "raw",
)


def find_page_tables(page: "PageImage", ocr: "OcrPage") -> list[Table]:
    """Tables on one preprocessed page image (runs in the page worker)."""
    return []


def tables_from_text(doc_id: str, text: str) -> list[Table]:
    """Tables that arrive as text (one cell per line dumps, pipe/Markdown tables)."""
    return []


def write_document_tables(doc_id: str, tables: list[Table], doc_dir: Path) -> "pd.DataFrame":
    """Join continued tables, write `tables/p<page>_t<k>.csv` and `indicators.csv` in doc_dir,
    and return the document's tidy observations (columns TIDY_COLUMNS)."""
    import pandas as pd

    frame = pd.DataFrame(columns=list(TIDY_COLUMNS))
    frame.to_csv(Path(doc_dir) / "indicators.csv", index=False)
    return frame
