"""The batch job behind `sohoa run`: inputs → pages in a process pool → documents in OUT.

Read as a list of stages:
    lock OUT (one run at a time)                 (OutputLock)
    discover + name + fingerprint inputs         (inputs.py; OUT itself is never an input)
    skip documents already complete (sha256)     (manifest.jsonl)
    open, count and size pages; bad inputs and   (inputs.probe)
      oversized pages become 'failed'
    pages → killable workers with time limits    (pool.py, page.process_page)
    finished document → repair, tables, files    (assemble.py, tables.api) written atomically
    run-level indicators.csv and a compacted manifest

Atomic writes: a document is written into OUT/.partial-<doc_id>-<pid>/ and renamed into place;
its manifest line is appended only after that, so an interrupted run never leaves a document
that looks complete. A document whose manifest line is missing or not 'ok' is done again next
time, and the next run removes the staging folders an interrupted one left.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.errors import InputError, OutputBusyError, SohoaError, UsageError
from sohoa.ingest.assemble import assemble
from sohoa.ingest.inputs import InputDocument, discover_files, name_documents, page_pixels, probe, source_key
from sohoa.ingest.layout import PageLayout, TextBlock
from sohoa.ingest.page import PageOptions, PageResult, process_page
from sohoa.ingest.pool import TaskNotSent, WorkerPool
from sohoa.ingest.rasterize import MAX_PIXELS
from sohoa.ingest.records import OcrPage, OcrWord, PageSource

MANIFEST = "manifest.jsonl"
LOCK = ".sohoa.lock"


@dataclass(frozen=True)
class BatchOptions:
    jobs: int | None = None
    force: bool = False
    repair: bool = True
    tables: bool = True
    dpi: int = 300
    page_timeout: float = 300.0
    quiet: bool = False
    engine: str = "tesseract"
    lang: str = "vie"
    ocr_model: str = "best"  # 'best' (shipped tessdata_best vie, integer weights) or 'fast' (the system's)
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


WORKER_MEMORY_BASE = 3 << 30  # address space of a worker with its libraries, model and OCR
TIMEOUT_GRACE = 5.0  # seconds past --page-timeout before a page's worker is killed (its own limits come first)
REPAIR_CHUNK_LINES, REPAIR_CHUNK_CHARS = 2000, 200_000  # a document's text is repaired in pieces this big
TEXT_PAGE_CHARS = 64_000  # a text input counts one page (of --page-timeout) per this many characters


@dataclass
class BatchSummary:
    entries: list[dict] = field(default_factory=list)
    skipped: int = 0

    @property
    def all_ok(self) -> bool:
        return all(entry["status"] == "ok" for entry in self.entries)

    @property
    def failed(self) -> list[dict]:
        return [entry for entry in self.entries if entry["status"] != "ok"]


# ------------------------------------------------------------------ the job
def run_batch(inputs: list[str], out_dir: str | Path, options: BatchOptions = BatchOptions()) -> BatchSummary:
    """Process every input into `out_dir`; bad inputs are recorded, never fatal."""
    out = Path(out_dir)
    _make_output_folder(out)
    with OutputLock(out), tempfile.TemporaryDirectory(prefix="sohoa-") as work:
        return _run_locked(inputs, out, options, Path(work))


def _make_output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe_file = out / f".write-test-{os.getpid()}"
        probe_file.write_bytes(b"")
        probe_file.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write the output folder {out}: {exc.strerror or exc}",
                         hint="choose a folder you can write with -o") from exc


def _run_locked(inputs: list[str], out: Path, options: BatchOptions, work: Path) -> BatchSummary:
    _remove_leftovers(out)
    previous = read_manifest(out)
    known = {entry.get("path") or source_key(entry.get("source", "")): doc_id for doc_id, entry in previous.items()}
    documents = name_documents(discover_files(inputs, exclude=out), known, options.password)
    if not documents:
        raise InputError("no PDF, image or .txt files found in the inputs (the output folder is never read)")
    summary = BatchSummary()
    progress = _Progress(options.quiet)
    results: dict[str, dict] = {}

    todo: list[InputDocument] = []
    for document in documents:
        done = previous.get(document.doc_id)
        if (not options.force and done and done.get("status") == "ok" and done.get("sha256") == document.sha256
                and (out / document.doc_id / "text.txt").exists()):
            results[document.doc_id] = done
            summary.skipped += 1
            continue
        try:
            todo.append(probe(document, work, options.max_pixels))
        except Exception as exc:  # noqa: BLE001 - one document's problem is its own 'failed' line
            reason = str(exc) if isinstance(exc, SohoaError) else f"cannot open the file: {type(exc).__name__}: {exc}"
            results[document.doc_id] = _entry(document, "failed", 0, 0.0, reason)
            _append_manifest(out, results[document.doc_id])
            progress.rejected(results[document.doc_id])

    page_docs = [d for d in todo if d.kind in ("pdf", "image")]
    if page_docs and options.engine == "tesseract":
        from sohoa.ingest.ocr import TesseractEngine

        TesseractEngine.check_installed(options.lang, options.ocr_model)
    progress.start(sum(d.pages for d in todo), len(documents), summary.skipped)
    text_docs = [d for d in todo if d.kind == "text"]
    _run_tasks(page_docs, text_docs, out, options, results, progress)

    summary.entries = [results[d.doc_id] for d in documents if d.doc_id in results]
    write_manifest(out, summary.entries, read_manifest(out), [d.doc_id for d in documents])
    write_run_indicators(out, summary.entries)
    progress.finish(summary)
    return summary


def _remove_leftovers(out: Path) -> None:
    """Staging folders of an interrupted run (only this run can write here now: it holds the lock)."""
    for pattern in (".partial-*", ".old-*"):
        for leftover in out.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


class OutputLock:
    """One run at a time per output folder: a second run stops at once with a clear message
    instead of mixing its documents and manifest lines with the first one's."""

    def __init__(self, out: Path):
        self.path = out / LOCK
        self.handle = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        self.handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise OutputBusyError(f"the output folder {self.path.parent} is in use by another sohoa run ({holder})",
                                  hint="wait for it to finish, or choose another folder with -o")
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _run_tasks(page_docs: list[InputDocument], text_docs: list[InputDocument], out: Path, options: BatchOptions,
               results: dict, progress: "_Progress") -> None:
    """Every unit of work goes through one pool of killable workers: pages, then finishing a
    document whose pages are all back (repair, tables, writing) ahead of further pages, and
    legacy text files last. Every task has a time limit; a worker that overruns it is killed
    and replaced, and the task's page or document records why. The main process only
    schedules and appends manifest lines (the single writer)."""
    if not page_docs and not text_docs:
        return
    page_options = PageOptions(engine=options.engine, lang=options.lang, ocr_model=options.ocr_model,
                               tables=options.tables, repair=options.repair,
                               timeout=options.page_timeout, max_pixels=options.max_pixels,
                               in_process_ocr=options.in_process_ocr)
    pending_pages: dict[str, dict[int, PageResult]] = {d.doc_id: {} for d in page_docs}
    started = {d.doc_id: time.perf_counter() for d in page_docs}
    by_id = {d.doc_id: d for d in page_docs + text_docs}
    queue: deque[tuple] = deque()
    for document in page_docs:
        for number in range(1, document.pages + 1):
            refused = _too_large(document, number, options)
            if refused:
                queue.append(("refused", PageResult(document.doc_id, number, None, None, error=refused)))
            else:
                queue.append(("page", PageSource(document.doc_id, document.readable_path, document.kind, number,
                                                 options.dpi)))
    queue.extend(("text", d) for d in text_docs)

    def failed(task: tuple, reason: str):
        if task[0] == "page":
            return PageResult(task[1].doc_id, task[1].page, None, None, error=reason)
        return _entry(task[1], "failed", task[1].pages, 0.0, reason)

    def collect(task: tuple, result) -> None:
        if task[0] in ("page", "refused"):
            pages = pending_pages[result.doc_id]
            pages[result.page] = result
            progress.page_done()
            document = by_id[result.doc_id]
            if len(pages) == document.pages:
                ordered = [pages[n] for n in range(1, document.pages + 1)]
                del pending_pages[result.doc_id]
                queue.appendleft(("finish", document, ordered, time.perf_counter() - started[document.doc_id]))
            return
        results[task[1].doc_id] = result
        _append_manifest(out, result)
        progress.document_done(result, pages=1 if task[0] == "text" else 0)

    jobs = options.jobs or os.cpu_count() or 1
    _load_before_fork(options, bool(page_docs))
    if options.scheduler:
        from sohoa.ingest import dask_scheduler

        client = dask_scheduler.connect(options.scheduler)
        try:
            pages = dask_scheduler.DaskPages(client)
            shared = pages.shared_paths(sorted({d.readable_path for d in page_docs}))
            # documents are finished on this machine, one at a time beside the cluster
            with WorkerPool(options.jobs or 1, options.memory_limit) as local:
                _schedule(queue, collect, failed, out, options, page_options, local, pages, shared)
            pages.close()
        finally:
            dask_scheduler.close(client)
        return
    with WorkerPool(jobs, options.memory_limit) as pool:
        _schedule(queue, collect, failed, out, options, page_options, pool)


def _load_before_fork(options: BatchOptions, pages: bool) -> None:
    """Load in this process what every worker would otherwise load for itself: the workers are
    forked from it and share what it holds (copy on write). The restorer model alone costs a
    worker about 1.5 s of CPU to read, and the OCR and table modules a few tenths more."""
    import importlib

    modules = ["sohoa.ingest.assemble"]
    if pages:
        modules += ["pytesseract", "pdf2image", "sohoa.tables.api", "sohoa.tables.page",
                    "sohoa.ingest.archival.searchable_pdf", "sohoa.ingest.archival.alto", "sohoa.ingest.archival.hocr"]
    for name in modules:
        importlib.import_module(name)
    if options.repair:
        from sohoa.diacritics.restore import load_default_restorer

        load_default_restorer()  # kept for the process (lru_cache): the text repair and the table names use it
    import gc

    gc.freeze()  # what is loaded so far stays out of the workers' garbage collections, which would copy its pages


def _schedule(queue: deque, collect, failed, out: Path, options: BatchOptions, page_options: PageOptions, pool: WorkerPool,
              page_pool=None, shared: set[str] | None = None) -> None:
    """Hand out tasks until the queue is empty and every task has ended. Page tasks go to
    `page_pool` when there is one (a Dask cluster), everything else to `pool`."""
    page_pool = page_pool or pool
    running: dict[int, tuple] = {}
    serial = 0

    def submit(task: tuple) -> None:
        if task[0] == "page":
            source, limit = task[1], options.page_timeout + TIMEOUT_GRACE
            if page_pool is pool or source.path in shared:
                page_pool.submit(serial, limit, process_page, source, page_options)
            else:
                from sohoa.ingest.dask_scheduler import process_sent_page

                page_pool.submit(serial, limit, process_sent_page, source, page_options, *page_pool.payload(source.path))
        elif task[0] == "finish":
            pool.submit(serial, options.page_timeout * max(1, len(task[2])) + TIMEOUT_GRACE,
                        _finish_page_document, task[1], task[2], out, options, task[3])
        else:
            pool.submit(serial, options.page_timeout * _text_pages(task[1]) + TIMEOUT_GRACE,
                        _finish_text_document, task[1], out, options)

    while queue or running:
        blocked = []
        while queue:
            task = queue.popleft()
            if task[0] == "refused":
                collect(task, task[1])
                continue
            target = page_pool if task[0] == "page" else pool
            if not target.idle:
                blocked.append(task)
                if page_pool is pool or not (page_pool.idle or pool.idle):
                    break
                continue  # the other pool may take a later task
            serial += 1
            try:
                submit(task)
            except TaskNotSent as exc:
                collect(task, failed(task, str(exc)))
                continue
            running[serial] = task
        queue.extendleft(reversed(blocked))
        both = page_pool is not pool and page_pool.busy and pool.busy
        for source in ((page_pool, pool) if page_pool is not pool else (pool,)):
            if not source.busy:
                continue
            for outcome in source.outcomes(0.05) if both else source.outcomes():
                task = running.pop(outcome.key)
                if outcome.error is None:
                    collect(task, outcome.value)
                elif outcome.error.startswith("timed out"):
                    what = "page" if task[0] == "page" else "document"
                    collect(task, failed(task, f"{outcome.error} (the {what} was stopped; --page-timeout)"))
                else:
                    collect(task, failed(task, outcome.error))


def _too_large(document: InputDocument, page: int, options: BatchOptions) -> str | None:
    """Why a PDF page is refused before rendering: its size at --dpi is over --max-megapixels."""
    if document.kind != "pdf" or len(document.page_sizes) < page:
        return None
    size = document.page_sizes[page - 1]
    width, height = page_pixels(size, options.dpi)
    if width * height <= options.max_pixels:
        return None
    return (f"page too large: {size[0]:.0f}×{size[1]:.0f} pt at {options.dpi} dpi would be {width}×{height} pixels "
            f"({width * height / 1e6:.0f} megapixels), over the limit of {options.max_megapixels:g} "
            "(lower --dpi or raise --max-megapixels)")


def _text_pages(document: InputDocument) -> int:
    try:
        size = Path(document.readable_path).stat().st_size
    except OSError:
        size = 0
    return max(1, -(-size // TEXT_PAGE_CHARS))


# ------------------------------------------------------------------ documents
def _entry(document: InputDocument, status: str, pages: int, seconds: float, error: str | None = None,
           warnings: list[str] | None = None) -> dict:
    entry = {"doc_id": document.doc_id, "source": document.path, "status": status, "pages": pages,
             "seconds": round(seconds, 2), "sha256": document.sha256, "path": source_key(document.path)}
    if error:
        entry["error"] = error
    if warnings:
        entry["warnings"] = warnings
    return entry


def _document_status(pages: list[PageResult]) -> tuple[str, str | None, list[str]]:
    errors = [f"page {p.page}: {p.error}" for p in pages if p.error]
    warnings = [f"page {p.page}: {w}" for p in pages for w in p.warnings]
    readable = [p for p in pages if not p.error]
    if not readable:
        return "failed", _joined(errors), warnings
    with_text = [p for p in readable if p.layout and p.layout.blocks]
    if not with_text:
        if errors:
            return "failed", _joined(errors) + "; no text found on the other pages", warnings
        return "failed", "empty document: no text found on any page (blank or unreadable scan)", warnings
    vietnamese = [p for p in with_text if not any(w.startswith("non-Vietnamese") for w in p.warnings)]
    if not vietnamese:
        return "failed", "non-Vietnamese document: the text read has almost no Vietnamese diacritics", warnings
    if errors:
        return "partial", "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""), warnings
    return "ok", None, warnings


def _joined(errors: list[str]) -> str:
    return "; ".join(errors) if len(errors) <= 3 else f"{errors[0]} (and {len(errors) - 1} more pages)"


def _finish_page_document(document: InputDocument, pages: list[PageResult], out: Path, options: BatchOptions,
                          seconds: float) -> dict:
    status, error, warnings = _document_status(pages)
    if status == "failed":
        return _entry(document, status, len(pages), seconds, error, warnings)
    try:
        tables = [t for p in pages for t in p.tables]
        _write_document(document, pages, out, options, tables, text_for_tables=None)
    except Exception as exc:  # noqa: BLE001 - one document's writing problem must not stop the batch
        return _entry(document, "failed", len(pages), seconds, f"could not write the results: {exc}", warnings)
    return _entry(document, status, len(pages), seconds, error, warnings)


def _finish_text_document(document: InputDocument, out: Path, options: BatchOptions) -> dict:
    """Legacy .txt: decode, re-join lines into paragraphs, then the same writing path."""
    from sohoa.diacritics.encodings import decode_bytes
    from sohoa.ingest.legacy import reflow

    started = time.perf_counter()
    try:
        decoded = decode_bytes(Path(document.path).read_bytes())
    except (InputError, OSError) as exc:
        reason = str(exc)
        if not reason.lower().startswith(("unknown", "text", "cannot")):
            reason = f"unknown text encoding: {reason}"
        return _entry(document, "failed", 1, time.perf_counter() - started, reason)
    paragraphs = reflow(_CONTROL.sub("", decoded.text))
    if not paragraphs:
        return _entry(document, "failed", 1, time.perf_counter() - started, "empty document: the text file has no text")
    page = text_page(document.doc_id, paragraphs)
    try:
        _write_document(document, [page], out, options, [], text_for_tables=decoded.text)
    except Exception as exc:  # noqa: BLE001
        return _entry(document, "failed", 1, time.perf_counter() - started, f"could not write the results: {exc}")
    warnings = [] if decoded.encoding in ("utf-8", "ascii") else [f"decoded as {decoded.encoding}"]
    return _entry(document, "ok", 1, time.perf_counter() - started, None, warnings)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # NUL and other controls a text file may hold; not \t \n \f \r


def text_page(doc_id: str, paragraphs: list[str]) -> PageResult:
    """A text input as one page of words (no boxes), so it is written like a scanned one."""
    words: list[OcrWord] = []
    blocks = []
    for b, paragraph in enumerate(paragraphs):
        indices, spans = [], []
        for match in re.finditer(r"\S+", paragraph):
            indices.append(len(words))
            spans.append((match.start(), match.end()))
            words.append(OcrWord(match.group(), 100.0, (0, 0, 0, 0), b + 1, 1, 1, len(indices)))
        blocks.append(TextBlock("body", tuple(indices), paragraph, tuple(spans), tuple([b] * len(indices))))
    ocr = OcrPage(doc_id, 1, 0, 0, 0, tuple(words), tuple(paragraphs))
    return PageResult(doc_id, 1, ocr, PageLayout(tuple(blocks)), source="text")


def ocr_evidence(pages: list[PageResult], options: BatchOptions):
    """What the repair stage is told about the OCR: the engine and model that read the pages,
    and the mark alternatives of their words (None when no page was read by OCR)."""
    if options.engine != "tesseract" or not any(p.source == "ocr" and p.ocr for p in pages):
        return None
    from sohoa.diacritics.restore.ocr_evidence import OcrEvidence

    model = f"tesseract-{options.lang}-{options.ocr_model if options.lang == 'vie' else 'system'}"
    return OcrEvidence.from_words(model, (w for p in pages if p.source == "ocr" and p.ocr for w in p.ocr.words))


def _write_document(document: InputDocument, pages: list[PageResult], out: Path, options: BatchOptions,
                    tables: list, text_for_tables: str | None) -> None:
    repair = None
    if options.repair:
        from sohoa.diacritics import repair as repair_text
        from sohoa.diacritics.chunked import repair_in_chunks

        evidence = ocr_evidence(pages, options)

        def repair(text: str):  # bounded pieces: a huge text costs time in proportion, never more
            return repair_in_chunks(text, repair_text, max_lines=REPAIR_CHUNK_LINES, max_chars=REPAIR_CHUNK_CHARS,
                                    min_confidence=options.min_confidence, ocr=evidence)
    assembled = assemble(pages, repair)
    # one staging folder per run and document: two processes never write into the same one
    staging = out / f".partial-{document.doc_id}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / "ocr.txt").write_text(assembled.ocr_text + "\n", encoding="utf-8")
    (staging / "text.txt").write_text(assembled.text + "\n", encoding="utf-8")
    (staging / "pages.jsonl").write_text(assembled.pages_jsonl, encoding="utf-8")
    if options.repair:
        (staging / "edits.jsonl").write_text(assembled.edits_jsonl, encoding="utf-8")
    _write_tables(document, staging, options, tables, text_for_tables, assembled.text)
    from sohoa.ingest.archival import ArchivalOptions, write_archival

    write_archival(staging, document.path, document.kind, ArchivalOptions(pdf=options.pdf, review=options.html))
    final = out / document.doc_id
    if final.exists():
        trash = out / f".old-{document.doc_id}-{os.getpid()}"
        final.rename(trash)
        staging.rename(final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        staging.rename(final)


def _write_tables(document: InputDocument, doc_dir: Path, options: BatchOptions, tables: list,
                  text_for_tables: str | None, repaired_text: str) -> None:
    from sohoa.tables.api import TIDY_COLUMNS

    if not options.tables:
        (doc_dir / "indicators.csv").write_text(",".join(TIDY_COLUMNS) + "\n", encoding="utf-8")
        return
    from sohoa.tables.api import tables_from_text, write_document_tables

    if text_for_tables is not None:
        tables = list(tables) + list(tables_from_text(document.doc_id, text_for_tables, repair_text=options.repair))
    (doc_dir / "tables").mkdir(exist_ok=True)
    write_document_tables(document.doc_id, tables, doc_dir)
    if not (doc_dir / "indicators.csv").exists():
        (doc_dir / "indicators.csv").write_text(",".join(TIDY_COLUMNS) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ manifest and run files
def read_manifest(out: Path) -> dict[str, dict]:
    """doc_id → its last manifest entry (a torn last line from a crash is ignored)."""
    entries: dict[str, dict] = {}
    path = out / MANIFEST
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "doc_id" in entry:
            entries[entry["doc_id"]] = entry
    return entries


def _append_manifest(out: Path, entry: dict) -> None:
    with open(out / MANIFEST, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_manifest(out: Path, entries: list[dict], previous: dict[str, dict], order: list[str]) -> None:
    """One line per document: this run's entries, plus earlier documents not in this run."""
    current = {e["doc_id"]: e for e in entries}
    kept = [e for doc_id, e in previous.items() if doc_id not in current]
    lines = [json.dumps(e, ensure_ascii=False) for e in kept + [current[d] for d in order if d in current]]
    _atomic_write(out / MANIFEST, "\n".join(lines) + "\n")


def write_run_indicators(out: Path, entries: list[dict]) -> None:
    """OUT/indicators.csv: every written document's tidy observations, in manifest order."""
    import pandas as pd

    from sohoa.tables.api import TIDY_COLUMNS

    frames = []
    for entry in read_manifest(out).values():
        path = out / entry["doc_id"] / "indicators.csv"
        if entry.get("status") in ("ok", "partial") and path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if len(frame):
                frames.append(frame)
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TIDY_COLUMNS))
    for column in TIDY_COLUMNS:
        if column not in combined.columns:
            combined[column] = ""
    tmp = out / ".indicators.csv.tmp"
    combined[list(TIDY_COLUMNS) + [c for c in combined.columns if c not in TIDY_COLUMNS]].to_csv(tmp, index=False)
    os.replace(tmp, out / "indicators.csv")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ------------------------------------------------------------------ progress
class _Progress:
    """A one-line progress bar on stderr (never stdout)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.total = self.done = 0
        self.docs_total = self.docs_done = self.failed = 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def start(self, pages: int, documents: int, skipped: int) -> None:
        self.total, self.docs_total = pages, documents
        self.docs_done = skipped + self.failed
        if skipped and not self.quiet:
            print(f"sohoa: {skipped} document(s) already complete, skipped (use --force to redo)", file=sys.stderr)
        self._show()

    def page_done(self) -> None:
        self.done += 1
        self._show()

    def document_done(self, entry: dict, pages: int = 0) -> None:
        self.done += pages
        self.docs_done += 1
        if entry["status"] != "ok":
            self.failed += 1
            if not self.quiet:
                self._clear()
                print(f"sohoa: {entry['doc_id']}: {entry['status']}: {entry.get('error', '')}", file=sys.stderr)
        self._show()

    def rejected(self, entry: dict) -> None:
        self.failed += 1
        if not self.quiet:
            print(f"sohoa: {entry['doc_id']}: failed: {entry['error']}", file=sys.stderr)

    def _clear(self) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr)

    def _show(self) -> None:
        if self.quiet or not self.tty:
            return
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        rate = self.done / max(1e-6, time.perf_counter() - self.started)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} pages, "
              f"{self.docs_done}/{self.docs_total} documents, {self.failed} failed, {rate:.2f} pages/s",
              end="", file=sys.stderr, flush=True)

    def finish(self, summary: BatchSummary) -> None:
        if self.quiet:
            return
        self._clear()
        ok = sum(1 for e in summary.entries if e["status"] == "ok")
        seconds = time.perf_counter() - self.started
        print(f"sohoa: {ok}/{len(summary.entries)} documents ok, {self.done} pages in "
              f"{seconds:.1f} s ({self.done / max(seconds, 1e-6):.2f} pages/s)", file=sys.stderr)
