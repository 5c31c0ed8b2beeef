"""sohoa, stage by stage: what happens to a page and to a document, in this order.

Per page, in a worker process (`process_page`):
    ingest.page.read_page           fetch (rasterise, or the PDF's own text layer) → clean →
                                    geometry (turn, skew, rules) → OCR → reading order
                                    [`sohoa tables`: ingest.page.read_page_image, fetch → clean → geometry]
    tables.api.find_page_tables     on a page that may hold a table: rules → grids → cells, read
                                    by the page's OCR engine (model --cell-ocr-model) within the
                                    page's time limit; a failure is a `tables-failed` warning,
                                    never the page's
Per document, once all its pages are back (`finish_page_document`; a .txt input:
`finish_text_document`, which decodes and reflows it into one page first):
    status                          from the pages' errors and warning codes
    diacritics.repair               (unless --no-repair) the document's text, told the OCR's evidence
    ingest.assemble                 ocr.txt, text.txt, pages.jsonl, edits.jsonl
    tables.api                      wide + tidy CSV (tables of a text input are found here)
    ingest.archival                 searchable.pdf, alto.xml, hocr.html (review.html)
    commit                          the document's staging folder renamed into OUT

`sohoa.batch` runs these: it schedules the page tasks on killable workers (or a Dask cluster),
finishes each document when its pages are back, and keeps the manifest. Everything a worker
gets and returns pickles: `PageSource` and `PageOptions` in, `PageResult` out.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from sohoa.errors import InputError, SohoaError
from sohoa.ingest import page as ingest_page
from sohoa.ingest.assemble import AssembledDocument, assemble
from sohoa.ingest.inputs import InputDocument
from sohoa.ingest.layout import PageLayout, TextBlock
from sohoa.ingest.ocr import DEFAULT_CELL_OCR_MODEL, DEFAULT_OCR_MODEL, OcrEngine, within
from sohoa.ingest.page import PageOptions, PageResult, ReadPage
from sohoa.ingest.rasterize import MAX_PIXELS
from sohoa.ingest.records import OcrPage, OcrWord, PageSource, PageWarning, WarningCode
from sohoa.manifest import ManifestEntry


# ------------------------------------------------------------------ a page
def process_page(source: PageSource, options: PageOptions, engine: OcrEngine | None = None) -> PageResult:
    """One page in a worker, start to finish. Never raises: what stops the page comes back as
    its `error`, so the batch goes on."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.perf_counter()
    try:
        if options.text:
            read = ingest_page.read_page(source, options, started, engine)
        else:
            read = ingest_page.read_page_image(source, options, started)
        result = _with_tables(read, source, options, started, engine) if read.wants_tables else read.result
    except SohoaError as exc:
        result = PageResult(source.doc_id, source.page, None, None, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a page must never take the batch down
        result = PageResult(source.doc_id, source.page, None, None,
                            error=f"page could not be processed: {type(exc).__name__}: {exc}")
    return replace(result, seconds=round(time.perf_counter() - started, 3))


def _with_tables(read: ReadPage, source: PageSource, options: PageOptions, started: float,
                 engine: OcrEngine | None = None) -> PageResult:
    """The page's result with its tables, their cells read by the page's engine; a failure of
    the table step is a warning, and the page's text stands."""
    from sohoa.ingest.cell_readings import with_table_readings
    from sohoa.tables.api import find_page_tables_and_cells

    try:
        image = read.image if read.image is not None else \
            ingest_page.layer_page_image(source, options, read.result.ocr.rotation if read.result.ocr else 0)
        reader = engine or ingest_page.engine_for(replace(options, ocr_model=options.cell_ocr_model))
        cells = within(reader, ingest_page.time_left(options, started))
        # the page's own OCR of this very image (not a text layer's words, drawn at another scale)
        words = read.result.ocr.words if read.image is not None and read.result.source == "ocr" else None
        # a born-digital page's own words are exact: its cells take them instead of a reading
        exact = (ingest_page.words_on_picture(read.result.ocr, image)
                 if read.result.source == "text-layer" and read.result.ocr is not None else None)
        tables, readings, rows = find_page_tables_and_cells(image, engine=cells, repair=options.repair, words=words,
                                                            exact_words=exact)
        result = read.result
        if words is not None:  # the page's text takes the cells as read on their own, and their rows
            result = with_table_readings(result, image.geometry, readings, rows)
        if exact is not None and options.text and tables and exact == list(read.result.ocr.words):
            # a born-digital page's text reads its tables row by row too, as a scan's does
            result = ingest_page.with_table_layout(result, image, rows)
        if not options.text:  # tables only: the text layer's words served the cells alone
            result = replace(result, ocr=None, source="image")
    except Exception as exc:  # noqa: BLE001 - a table problem must not lose the page's text
        failed = PageWarning(WarningCode.TABLES_FAILED, f"table extraction failed: {type(exc).__name__}: {exc}")
        return replace(read.result, warnings=read.result.warnings + (failed,))
    return replace(result, tables=tuple(tables))


# ------------------------------------------------------------------ a document
def finish_page_document(document: InputDocument, pages: list[PageResult], out: Path, options: BatchOptions,
                         seconds: float) -> ManifestEntry:
    """A document whose pages are all back: its status from theirs; unless it failed, its
    repair, text files, tables and archival files written into OUT (see the module docstring).
    Returns its manifest line, whose seconds are `seconds` (its pages') and the finishing's."""
    started = time.perf_counter()
    status, error, warnings = document_status(pages, options.text)
    if status == "failed":
        return ManifestEntry.of(document, status, len(pages), seconds, error, warnings)
    try:
        problems = _write_document(document, out, options, pages, [t for p in pages for t in p.tables])
    except Exception as exc:  # noqa: BLE001 - one document's writing problem must not stop the batch
        return ManifestEntry.of(document, "failed", len(pages), seconds + time.perf_counter() - started,
                                f"could not write the results: {_reason(exc)}", warnings)
    return ManifestEntry.of(document, status, len(pages), seconds + time.perf_counter() - started, error,
                            warnings + [(None, archival_warning(problem)) for problem in problems])


def archival_warning(problem) -> PageWarning:
    """The manifest's warning for an archival file left out or written short (`ArchivalProblem`)."""
    return PageWarning(WarningCode.NOT_PDFA if problem.written else WarningCode.ARCHIVAL_LEFT_OUT, str(problem))


def finish_text_document(document: InputDocument, out: Path, options: BatchOptions) -> ManifestEntry:
    """Legacy .txt: decode, re-join lines into paragraphs (one page of text), then the same
    writing path; its tables are found in the decoded text."""
    from sohoa.diacritics.encodings import decode_bytes
    from sohoa.ingest.legacy import reflow

    started = time.perf_counter()
    try:
        data = Path(document.path).read_bytes()
    except OSError as exc:
        return ManifestEntry.of(document, "failed", 1, time.perf_counter() - started,
                                f"cannot read the file ({exc.strerror or exc})")
    try:
        decoded = decode_bytes(data)
    except InputError as exc:
        reason = str(exc)
        if not reason.lower().startswith(("unknown", "text", "cannot")):
            reason = f"unknown text encoding: {reason}"
        return ManifestEntry.of(document, "failed", 1, time.perf_counter() - started, reason)
    # a form feed parts pages (as pdftotext writes them): each is reflowed on its own, and text.txt
    # keeps them apart as it does a scan's
    parts = _CONTROL.sub("", decoded.text).split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # the form feed that closes the last page
    page_paragraphs = [reflow(part) for part in parts] if options.text else []
    if options.text and not any(page_paragraphs):
        return ManifestEntry.of(document, "failed", 1, time.perf_counter() - started,
                                "empty document: the text file has no text")
    try:
        pages = [text_page(document.doc_id, paragraphs, n) for n, paragraphs in enumerate(page_paragraphs, 1)]
        _write_document(document, out, options, pages, [], text_for_tables=decoded.text)
    except Exception as exc:  # noqa: BLE001
        return ManifestEntry.of(document, "failed", max(1, len(page_paragraphs)), time.perf_counter() - started,
                                f"could not write the results: {_reason(exc)}")
    warnings = [] if decoded.encoding in ("utf-8", "ascii", "utf-16") else \
        [(None, PageWarning(WarningCode.LEGACY_ENCODING, f"decoded as {decoded.encoding}"))]
    if decoded.replaced_lines:
        lines = ", ".join(map(str, decoded.replaced_lines[:5])) + (" ..." if len(decoded.replaced_lines) > 5 else "")
        warnings.append((None, PageWarning(WarningCode.INVALID_BYTES,
                                           f"bytes that are not UTF-8 replaced by U+FFFD on line {lines}")))
    return ManifestEntry.of(document, "ok", max(1, len(pages)), time.perf_counter() - started, None, warnings)


def _reason(exc: BaseException) -> str:
    """A readable reason for an exception, never an empty one (a MemoryError has no message)."""
    if isinstance(exc, MemoryError):
        return ("out of memory: the document needs more memory than a worker may use "
                "(a very large text file is best split into smaller files)")
    return str(exc) or type(exc).__name__


def document_status(pages: list[PageResult], text: bool = True) -> tuple[str, str | None, list[tuple[int, PageWarning]]]:
    """(status, error, warnings with their page) of a document from its pages: failed when no
    page could be read, or (`text`) none has text or all of them read as another language;
    partial when some pages failed; else ok. Decided on errors and warning codes only."""
    errors = [f"page {p.page}: {p.error}" for p in pages if p.error]
    warnings = [(p.page, w) for p in pages for w in p.warnings]
    readable = [p for p in pages if not p.error]
    if not readable:
        return "failed", _joined(errors), warnings
    if text:
        with_text = [p for p in readable if p.layout and p.layout.blocks]
        if not with_text:
            if errors:
                return "failed", _joined(errors) + "; no text found on the other pages", warnings
            return "failed", "empty document: no text found on any page (blank or unreadable scan)", warnings
        vietnamese = [p for p in with_text if not any(w.code == WarningCode.NOT_VIETNAMESE for w in p.warnings)]
        if not vietnamese:
            return "failed", "non-Vietnamese document: the text read has almost no Vietnamese diacritics", warnings
    if errors:
        return "partial", "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""), warnings
    return "ok", None, warnings


def _joined(errors: list[str]) -> str:
    return "; ".join(errors) if len(errors) <= 3 else f"{errors[0]} (and {len(errors) - 1} more pages)"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # NUL and other controls a text file may hold; not \t \n \f \r


def text_page(doc_id: str, paragraphs: list[str], number: int = 1) -> PageResult:
    """A page of a text input as words (no boxes), so that it is written like a scanned one."""
    words: list[OcrWord] = []
    blocks = []
    for b, paragraph in enumerate(paragraphs):
        indices, spans = [], []
        for match in re.finditer(r"\S+", paragraph):
            indices.append(len(words))
            spans.append((match.start(), match.end()))
            words.append(OcrWord(match.group(), 100.0, (0, 0, 0, 0), b + 1, 1, 1, len(indices)))
        blocks.append(TextBlock("body", tuple(indices), paragraph, tuple(spans), tuple([b] * len(indices))))
    ocr = OcrPage(doc_id, number, 0, 0, 0, tuple(words), tuple(paragraphs))
    return PageResult(doc_id, number, ocr, PageLayout(tuple(blocks)), source="text")


def ocr_evidence(pages: list[PageResult], options: BatchOptions):
    """What the repair stage is told about the OCR: the engine and model that read the pages,
    and the mark alternatives of their words (None when no page was read by OCR)."""
    if options.engine != "tesseract" or not any(p.source == "ocr" and p.ocr for p in pages):
        return None
    from sohoa.diacritics.restore.ocr_evidence import OcrEvidence

    model = f"tesseract-{options.lang}-{options.ocr_model if options.lang == 'vie' else 'system'}"
    return OcrEvidence.from_words(model, (w for p in pages if p.source == "ocr" and p.ocr for w in p.ocr.words))


# ------------------------------------------------------------------ writing a document
def _write_document(document: InputDocument, out: Path, options: BatchOptions, pages: list[PageResult],
                    tables: list, text_for_tables: str | None = None) -> list:
    """Everything of a document written into a staging folder (one per run and document: two
    processes never write into the same one), then renamed into OUT/<doc_id>; a failure leaves
    nothing behind. Text off (`sohoa tables`): the tables alone. Returns the archival files'
    problems (`ArchivalProblem`: left out or written short, the document still complete)."""
    problems: list = []
    staging = _staging(out, "partial", document.doc_id)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        assembled = _write_text(staging, pages, options) if options.text else None
        if assembled is not None and options.repair:  # the cells take the document's repair of their words
            from sohoa.tables.document_words import cell_repairs, with_document_repair

            scanned = {p.page for p in pages if p.source == "ocr"}
            tables = with_document_repair(tables, cell_repairs(assembled.ocr_text, assembled.text), scanned)
        _write_tables(document, staging, options, tables, text_for_tables)
        if options.text:
            from sohoa.ingest.archival import ArchivalOptions, write_archival

            problems = write_archival(staging, document.path, document.kind,
                                      ArchivalOptions(pdf=options.pdf, review=options.html),
                                      doc_id=document.doc_id, read_from=document.readable_path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _commit(staging, out, document)
    return problems


def _write_text(staging: Path, pages: list[PageResult], options: BatchOptions) -> "AssembledDocument":
    """Repair (unless --no-repair) and the text files: ocr.txt, text.txt, pages.jsonl, edits.jsonl;
    returns the document as assembled."""
    repair = None
    if options.repair:
        from sohoa.diacritics import repair as repair_text
        from sohoa.diacritics.chunked import repair_in_chunks
        from sohoa.diacritics.unicode_fixes import dominant_tone_style

        evidence = ocr_evidence(pages, options)

        def repair(text: str):  # bounded pieces: a huge text costs time in proportion, never more
            # a piece that shows no tone placement of its own takes the document's
            return repair_in_chunks(text, repair_text, max_lines=REPAIR_CHUNK_LINES, max_chars=REPAIR_CHUNK_CHARS,
                                    min_confidence=options.min_confidence, ocr=evidence,
                                    style_hint=dominant_tone_style(text))
    assembled = assemble(pages, repair)
    (staging / "ocr.txt").write_text(assembled.ocr_text + "\n", encoding="utf-8")
    (staging / "text.txt").write_text(assembled.text + "\n", encoding="utf-8")
    (staging / "pages.jsonl").write_text(assembled.pages_jsonl, encoding="utf-8")
    if options.repair:
        (staging / "edits.jsonl").write_text(assembled.edits_jsonl, encoding="utf-8")
    return assembled


def _write_tables(document: InputDocument, doc_dir: Path, options: BatchOptions, tables: list,
                  text_for_tables: str | None) -> None:
    """tables/*.csv and their sidecars, indicators.csv (only its header with --no-tables)."""
    from sohoa.tables.api import TIDY_COLUMNS

    if not options.tables:
        (doc_dir / "indicators.csv").write_text(",".join(TIDY_COLUMNS) + "\n", encoding="utf-8")
        return
    from sohoa.tables.api import tables_from_text, write_document_tables

    if text_for_tables is not None:
        tables = list(tables) + list(tables_from_text(document.doc_id, text_for_tables, repair_text=options.repair))
    (doc_dir / "tables").mkdir(exist_ok=True)
    write_document_tables(document.doc_id, tables, doc_dir, repair=options.repair)
    if not (doc_dir / "indicators.csv").exists():
        (doc_dir / "indicators.csv").write_text(",".join(TIDY_COLUMNS) + "\n", encoding="utf-8")


STAGING = re.compile(r"^\.(partial|old)-(.+)-\d+$")
"""The name of a document's folder while this run writes it (.partial-<doc_id>-<pid>) or replaces
the earlier one (.old-<doc_id>-<pid>): what a later run may remove as an interrupted run's (an
'.old-' folder only where its <doc_id> is a document of the output folder: a hidden folder of
the user's may be named so too)."""


def _staging(out: Path, kind: str, doc_id: str) -> Path:
    return out / f".{kind}-{doc_id}-{os.getpid()}"


def _commit(staging: Path, out: Path, document: InputDocument) -> None:
    """The staging folder renamed into OUT/<doc_id>, replacing an earlier one only then."""
    final = out / document.doc_id
    if final.exists():
        trash = _staging(out, "old", document.doc_id)
        final.rename(trash)
        staging.rename(final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        staging.rename(final)


# ------------------------------------------------------------------ settings
@dataclass(frozen=True)
class BatchOptions:
    """Per-run settings (`sohoa run`, `sohoa tables`)."""

    jobs: int | None = None
    force: bool = False
    repair: bool = True
    tables: bool = True
    text: bool = True  # False (`sohoa tables`): tables only; no page OCR, no text files, no archival files
    dpi: int = 300
    page_timeout: float = 300.0
    quiet: bool = False
    engine: str = "tesseract"
    lang: str = "vie"
    ocr_model: str = DEFAULT_OCR_MODEL  # 'best' (shipped tessdata_best vie, integer weights) or 'fast' (the system's)
    cell_ocr_model: str = DEFAULT_CELL_OCR_MODEL  # the model that reads table cells
    min_confidence: float = 0.5  # repair edits below it are kept as flags, not applied
    password: str | None = field(default=None, repr=False)  # user password of encrypted PDFs
    max_megapixels: float = MAX_PIXELS / 1_000_000  # a page larger than this at --dpi is refused
    worker_memory: int | None = None  # bytes of address space per worker; None: WORKER_MEMORY_BASE + 12 bytes a pixel
    pdf: bool = True  # searchable.pdf beside the text (alto.xml and hocr.html are always written)
    html: bool = False  # review.html: each change shown on the scan
    scheduler: str | None = None  # Dask scheduler for the page tasks: 'tcp://HOST:PORT' or 'local:N'
    in_process_ocr: bool = False  # --ocr-engine libtesseract: Tesseract's library in each worker, not the command

    @property
    def max_pixels(self) -> int:
        return int(self.max_megapixels * 1_000_000)

    @property
    def memory_limit(self) -> int:
        return self.worker_memory or WORKER_MEMORY_BASE + 12 * self.max_pixels

    @property
    def page_options(self) -> PageOptions:
        """What every page worker is told."""
        return PageOptions(engine=self.engine, lang=self.lang, ocr_model=self.ocr_model,
                           cell_ocr_model=self.cell_ocr_model, tables=self.tables, text=self.text, repair=self.repair,
                           timeout=self.page_timeout, max_pixels=self.max_pixels, in_process_ocr=self.in_process_ocr)


WORKER_MEMORY_BASE = 3 << 30  # address space of a worker with its libraries, model and OCR
REPAIR_CHUNK_LINES, REPAIR_CHUNK_CHARS = 2000, 200_000  # a document's text is repaired in pieces this big
