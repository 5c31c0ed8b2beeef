"""`sohoa tables INPUT... -o OUT`: tables only, from PDFs, page images and text files.

PDF and image pages go through the ingest rasteriser and page preprocessor, then
`find_page_tables`; text files through `tables_from_text`. Every document gets
OUT/<doc_id>/tables/*.csv and OUT/<doc_id>/indicators.csv; OUT/indicators.csv holds them all.
A document that cannot be read is reported and skipped; the others are complete.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.errors import InputError, UsageError


@dataclass
class TablesSummary:
    documents: int = 0
    tables: int = 0
    observations: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def _document_tables(document, dpi: int) -> list:
    from sohoa.ingest.inputs import count_pages
    from sohoa.ingest.page import prepare
    from sohoa.ingest.rasterize import load_page
    from sohoa.ingest.records import PageImage, PageSource
    from sohoa.tables.api import find_page_tables, tables_from_text

    pages = count_pages(document)
    if document.kind == "text":
        from sohoa.diacritics.encodings import decode_bytes

        return tables_from_text(document.doc_id, decode_bytes(Path(document.path).read_bytes()).text)
    tables = []
    for number in range(1, pages + 1):
        pixels, page_dpi = load_page(PageSource(document.doc_id, document.path, document.kind, number, dpi))
        grey, page_geometry = prepare(pixels)
        image = PageImage(document.doc_id, number, grey, page_dpi or dpi, page_geometry)
        try:
            tables += find_page_tables(image)
        except Exception as exc:  # noqa: BLE001 - one page's failure must not lose the others
            print(f"{document.doc_id}: page {number}: table extraction failed: {exc}", file=sys.stderr)
    return tables


def run_tables(inputs: list[str], out_dir: str | Path, dpi: int = 300, quiet: bool = False) -> TablesSummary:
    """Extract the tables of every input into out_dir; see the module docstring."""
    import pandas as pd

    from sohoa.ingest.inputs import discover, name_documents
    from sohoa.tables.api import TIDY_COLUMNS, write_document_tables

    paths = discover(inputs)
    if not paths:
        raise UsageError("no PDF, image or text file found in the inputs")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = TablesSummary()
    frames = []
    for document in name_documents(paths):
        try:
            tables = _document_tables(document, dpi)
            frame = write_document_tables(document.doc_id, tables, out / document.doc_id)
        except (InputError, OSError, ValueError) as exc:
            summary.failed.append((document.doc_id, str(exc)))
            if not quiet:
                print(f"{document.doc_id}: failed: {exc}", file=sys.stderr)
            continue
        summary.documents += 1
        summary.tables += len(list((out / document.doc_id / "tables").glob("*.csv"))) \
            if (out / document.doc_id / "tables").exists() else 0
        summary.observations += len(frame)
        frames.append(frame)
        if not quiet:
            print(f"{document.doc_id}: {len(frame)} observations", file=sys.stderr)
    run = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TIDY_COLUMNS))
    run.to_csv(out / "indicators.csv", index=False, columns=list(TIDY_COLUMNS))
    return summary
