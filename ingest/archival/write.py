"""The one entry point the batch calls: every archival file of a document, written into the
document's staging folder (before it is renamed into place, so atomicity holds)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from sohoa.files import write_whole


@dataclass(frozen=True)
class ArchivalOptions:
    pdf: bool = True  # searchable.pdf
    alto: bool = True  # alto.xml
    hocr: bool = True  # hocr.html
    review: bool = False  # review.html


def read_records(pages_jsonl: str) -> list[dict]:
    return [json.loads(line) for line in pages_jsonl.splitlines() if line.strip()]


def write_archival(doc_dir: Path, source: str, kind: str, options: ArchivalOptions = ArchivalOptions(),
                   doc_id: str | None = None, read_from: str | None = None) -> list["ArchivalProblem"]:
    """Write the archival files of the document in `doc_dir` (which holds pages.jsonl; `doc_id`,
    its id where the folder is a staging one of another name, else the folder's name); the
    scan is read from `read_from` where it is not `source` itself (an encrypted PDF's
    decrypted copy), and named by `source`.
    A writer that fails leaves its file out (nothing half-written: each file is written whole
    under a temporary name, then renamed) and is reported, never failing the document: the text
    and tables are the product, these are views of it. Returns the problems."""
    doc_id = doc_id or Path(doc_dir).name
    if kind not in ("pdf", "image"):
        return []  # a text input has no scan to show or lay text over
    records = read_records((doc_dir / "pages.jsonl").read_text(encoding="utf-8"))
    problems = []
    writers = []
    scan = read_from or source
    if options.pdf:
        writers.append(("searchable.pdf", lambda: _pdf(scan, kind, records, doc_dir, title=Path(source).stem)))
    if options.alto:
        writers.append(("alto.xml", lambda: _alto(records, source, doc_dir)))
    if options.hocr:
        writers.append(("hocr.html", lambda: _hocr(records, source, doc_dir)))
    if options.review:
        writers.append(("review.html", lambda: _review(doc_dir, scan, kind, doc_id)))
    for name, write in writers:
        try:
            write()
        except NotPdfAWritten as exc:  # still searchable, only not archival: kept, and said
            problems.append(ArchivalProblem(name, str(exc), written=True))
        except Exception as exc:  # noqa: BLE001 - a view of the results must not lose the results
            (doc_dir / name).unlink(missing_ok=True)
            problems.append(ArchivalProblem(name, f"not written: {type(exc).__name__}: {exc}", written=False))
        else:
            continue
        print(f"sohoa: {doc_id}: {problems[-1]}", file=sys.stderr)
    return problems


@dataclass(frozen=True)
class ArchivalProblem:
    """An archival file that could not be written (`written` False: it was left out) or was
    written short of what it should be (a searchable PDF that is not PDF/A)."""

    file: str
    reason: str
    written: bool

    def __str__(self) -> str:
        return f"{self.file} {self.reason}"


class NotPdfAWritten(RuntimeError):
    """searchable.pdf was written, but it is not PDF/A (the reason is the message)."""


def _pdf(source: str, kind: str, records: list[dict], doc_dir: Path, title: str) -> None:
    from sohoa.ingest.archival.searchable_pdf import NotPdfA, searchable_pdf

    try:
        data = searchable_pdf(source, kind, records, title=title)
    except NotPdfA as exc:  # still searchable, only not archival: keep it and say so
        write_whole(doc_dir / "searchable.pdf", exc.data)
        raise NotPdfAWritten(f"written, but it is not PDF/A-2b: {exc.reason}") from exc
    write_whole(doc_dir / "searchable.pdf", data)


def _alto(records: list[dict], source: str, doc_dir: Path) -> None:
    from sohoa.ingest.archival.alto import alto_xml

    write_whole(doc_dir / "alto.xml", alto_xml(records, source_name=Path(source).name))


def _hocr(records: list[dict], source: str, doc_dir: Path) -> None:
    from sohoa.ingest.archival.hocr import hocr_html

    write_whole(doc_dir / "hocr.html", hocr_html(records, source_name=Path(source).name))


def _review(doc_dir: Path, source: str, kind: str, doc_id: str) -> None:
    from sohoa.ingest.archival.review import write_review

    write_review(doc_dir, source=source, kind=kind, title=doc_id)
