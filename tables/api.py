"""What the batch runner calls: tables on a page image, tables in text, and the writer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.tables.records import Table

if TYPE_CHECKING:  # pragma: no cover
    from typing import Sequence

    import pandas as pd

    from sohoa.ingest.ocr import OcrEngine
    from sohoa.ingest.records import CellReading, OcrWord, PageImage, TableRows

TIDY_COLUMNS = (
    "doc_id", "page", "table", "row", "section", "indicator", "unit", "measure", "period",
    "value", "value_min", "value_max", "qualifier", "raw",
    # extension: how the observation was read ('ruled', 'borderless', 'text', 'flattened-text')
    # and the confidence 0-100 of its cell
    "source", "confidence",
)


def find_page_tables(page: "PageImage", *, engine: "OcrEngine | None" = None, repair: bool = True,
                     words: "Sequence[OcrWord] | None" = None) -> list[Table]:
    """Tables on one preprocessed page image (runs in the page worker).

    Ruled tables come from the page's lines; borderless tables from the layout of the ink
    outside them. Cells are read with `engine` (the page's OCR engine, bounded by the page's
    time limit; see `sohoa.tables.page` for the default). `repair`: False leaves every cell as
    read (`sohoa run --no-repair`). `words`: the page's own OCR of this image, where the page
    was OCR'd (the second opinion on the cells' tone marks where it read them alike).
    """
    from sohoa.tables.page import find_tables_on_page

    return find_tables_on_page(page, engine=engine, repair=repair, words=words)


def find_page_tables_and_cells(page: "PageImage", *, engine: "OcrEngine | None" = None, repair: bool = True,
                               words: "Sequence[OcrWord] | None" = None,
                               exact_words: "Sequence[OcrWord] | None" = None
                               ) -> tuple[list[Table], list["CellReading"], list["TableRows"]]:
    """`find_page_tables`, the cells as read from their own crops with their words on the page
    image (`sohoa.ingest.records.CellReading`) and the ruled tables' rows as the step found
    them (`TableRows`), for the page's text. `exact_words`: a born-digital page's own words in
    the picture's pixels, which the cells take instead of an OCR reading."""
    from sohoa.tables.page import find_tables_and_cells

    return find_tables_and_cells(page, engine=engine, repair=repair, words=words, exact_words=exact_words)


def tables_from_text(doc_id: str, text: str, *, repair_text: bool = True) -> list[Table]:
    """Tables that arrive as text (one cell per line dumps, pipe/Markdown tables)."""
    from sohoa.tables.cells import repair_text_cells
    from sohoa.tables.text import parse_text_tables

    tables = parse_text_tables(doc_id, text)
    return [repair_text_cells(t) for t in tables] if repair_text else tables


def tidy_frame(tables: list[Table]) -> "pd.DataFrame":
    """Tidy observations of already joined tables, exactly the columns TIDY_COLUMNS."""
    import pandas as pd

    from sohoa.tables.tidy import tidy_rows

    records = [obs for table in tables for obs in tidy_rows(table)]
    frame = pd.DataFrame(records, columns=list(TIDY_COLUMNS))
    for column in ("page", "table", "row"):
        frame[column] = frame[column].astype("int64")
    return frame


UNCERTAIN_BELOW = 80.0
"""A body cell read with less confidence than this (0-100), or one the OCR weighed other
readings for, is listed among the sidecar's `uncertain_cells`."""


def uncertain_cells(table: Table) -> list[dict]:
    """Every body cell the OCR was unsure of: read from a page image with confidence under
    `UNCERTAIN_BELOW`, or with other readings weighed. Row (1-based, as in the CSV), column name, the cell as written,
    its confidence (0-100) and its alternatives ([form, confidence relative to the written
    reading 0-1], likeliest first; a cell's text is as read, before the repair of text cells)."""
    from sohoa.tables.records import unique_names

    names = unique_names(table.header)
    grid = table.alternatives_grid()
    read_from_image = table.read_from_image  # text input has no OCR confidence to doubt
    out = []
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            conf = table.confidences[r][c] if r < len(table.confidences) and c < len(table.confidences[r]) else 100.0
            alternatives = grid[r][c] if r < len(grid) and c < len(grid[r]) else ()
            if not alternatives and (conf >= UNCERTAIN_BELOW or not read_from_image):
                continue
            out.append({"row": r + 1, "column": names[c] if c < len(names) else f"Cột {c + 1}", "text": text,
                        "confidence": round(float(conf), 1),
                        "alternatives": [[form, round(float(odds), 3)] for form, odds in alternatives]})
    return out


def table_sidecar(table: Table) -> dict:
    """What the wide CSV cannot hold, for `tables/p<page>_t<k>.json` beside it: where the table
    was found, the OCR confidence (0-100) of every body cell, rows and columns as in the CSV
    (100 for cells of text input and for cells without ink), and the cells the OCR was unsure
    of with the other readings it weighed (`uncertain_cells`)."""
    from sohoa.tables.records import unique_names

    n_cols = len(table.header)
    confidences = table.confidences or tuple((100.0,) * n_cols for _ in table.rows)
    return {
        "doc_id": table.doc_id,
        "page": table.page,
        "table": table.index,
        "pages": list(table.pages or (table.page,)),
        "source": table.source,
        "bbox": [int(v) for v in table.bbox] if table.bbox else None,
        "columns": unique_names(table.header),
        "row_pages": list(table.row_pages) if table.row_pages else [table.page] * len(table.rows),
        "confidences": [[round(float(c), 1) for c in row] for row in confidences],
        "uncertain_cells": uncertain_cells(table),
        **({"repaired_cells": repaired_cells(table)} if table.read_from_image else {}),
        **{key: value for key, value in table.notes.items() if key != "line"},
    }


def repaired_cells(table: Table) -> list[dict]:
    """Every body cell of a table read from a page image whose CSV text is not what OCR read
    (the repair of text cells, ordinals mended by their order): row (1-based, as in the CSV),
    column, as_read, written; so that a reviewer sees each change beside what was read."""
    from sohoa.tables.records import unique_names

    names = unique_names(table.header)
    return [{"row": r + 1, "column": names[c], "as_read": read, "written": table.rows[r][c]}
            for r, c, read in table.raw_cells
            if r < len(table.rows) and c < len(table.rows[r]) and c < len(names) and table.rows[r][c] != read]


def write_document_tables(doc_id: str, tables: list[Table], doc_dir: Path, repair: bool = True) -> "pd.DataFrame":
    """Join continued tables, write `tables/p<page>_t<k>.csv` (with its `.json` sidecar, see
    `table_sidecar`) and `indicators.csv` in doc_dir, and return the document's tidy
    observations (columns TIDY_COLUMNS). `repair`: the ordinal columns of tables read from
    images are mended by their running order once joined (`sohoa.tables.ordinals`: a table
    continued over pages is where a first row's number has its neighbour above)."""
    import json

    from sohoa.tables.join import join_continued
    from sohoa.tables.ordinals import mend_ordinals

    doc_dir = Path(doc_dir)
    joined = join_continued(tables)
    if repair:  # a text input's own numbers are the author's: only what OCR read is mended
        joined = [mend_ordinals(t) if t.read_from_image else t for t in joined]
    if joined:
        (doc_dir / "tables").mkdir(parents=True, exist_ok=True)
    for table in joined:
        stem = doc_dir / "tables" / f"p{table.page}_t{table.index}"
        table.df.to_csv(stem.with_suffix(".csv"), index=False)
        stem.with_suffix(".json").write_text(json.dumps(table_sidecar(table), ensure_ascii=False), encoding="utf-8")
    frame = tidy_frame(joined)
    doc_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(doc_dir / "indicators.csv", index=False)
    return frame
