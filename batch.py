"""The batch runner behind `sohoa run` and `sohoa tables`: inputs → pages in a process pool →
documents in OUT. What happens to a page and to a document is `sohoa.pipeline`; this module
schedules it and keeps the manifest.

Read as a list of steps:
    lock OUT (one run at a time)                 (OutputLock)
    discover + name + fingerprint inputs         (ingest/inputs.py; OUT itself is never an input)
    skip documents already complete (sha256)     (manifest.jsonl)
    open, count and size pages; bad inputs and   (inputs.probe)
      oversized pages become 'failed'
    pages → killable workers with time limits    (ingest/pool.py, pipeline.process_page)
    finished document → repair, tables, files    (pipeline.finish_page_document) written atomically
    run-level indicators.csv and a compacted manifest

Atomic writes: a document is written into OUT/.partial-<doc_id>-<pid>/ and renamed into place;
its manifest line is appended only after that, so an interrupted run never leaves a document
that looks complete. A document whose manifest line is missing or not 'ok' is done again next
time, and the next run removes the staging folders an interrupted one left.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from sohoa.errors import OutputBusyError, SohoaError, UsageError
from sohoa.files import write_whole
from sohoa.ingest.inputs import (InputDocument, input_listing, name_documents, page_pixels, probe,
                                 source_key)
from sohoa.ingest.page import PageOptions, PageResult
from sohoa.ingest.pool import TaskNotSent, WorkerPool
from sohoa.ingest.records import PageSource, WarningCode
from sohoa.manifest import MANIFEST, ManifestEntry, append_manifest, input_path, read_manifest, write_manifest
from sohoa.pipeline import STAGING, BatchOptions, finish_page_document, finish_text_document, process_page

LOCK = ".sohoa.lock"
_COMPLETE = {True: "text.txt", False: "tables"}  # what a complete document has, text on and off (`sohoa tables`)
log = logging.getLogger(__name__)

TIMEOUT_GRACE = 5.0  # seconds past --page-timeout before a page's worker is killed (its own limits come first)
TEXT_PAGE_CHARS = 64_000  # a text input counts one page (of --page-timeout) per this many characters


@dataclass
class BatchSummary:
    entries: list[ManifestEntry] = field(default_factory=list)
    skipped: int = 0

    @property
    def all_ok(self) -> bool:
        return all(entry.ok for entry in self.entries)

    @property
    def failed(self) -> list[ManifestEntry]:
        return [entry for entry in self.entries if not entry.ok]


# ------------------------------------------------------------------ tasks
@dataclass(frozen=True)
class PageTask:
    """A page for a worker (`pipeline.process_page`)."""

    source: PageSource


@dataclass(frozen=True)
class RefusedPage:
    """A page refused before it was rendered (too large): its result says why."""

    result: PageResult


@dataclass(frozen=True)
class DocumentTask:
    """A document whose pages are all back, to finish (`pipeline.finish_page_document`)."""

    document: InputDocument
    pages: tuple[PageResult, ...]
    seconds: float


@dataclass(frozen=True)
class TextTask:
    """A text input, read and finished in one task (`pipeline.finish_text_document`)."""

    document: InputDocument


Task = PageTask | RefusedPage | DocumentTask | TextTask


# ------------------------------------------------------------------ the job
def run_batch(inputs: list[str], out_dir: str | Path, options: BatchOptions = BatchOptions()) -> BatchSummary:
    """Process every input into `out_dir`; bad inputs are recorded, never fatal."""
    out = Path(out_dir)
    _make_output_folder(out)
    from sohoa.ingest.ocr import remove_orphaned_scratch

    with OutputLock(out), tempfile.TemporaryDirectory(prefix="sohoa-") as work:
        remove_orphaned_scratch()  # page images an interrupted run's workers left in memory
        try:
            return _run_locked(inputs, out, options, Path(work))
        finally:
            remove_orphaned_scratch()  # this run's own, where Ctrl-C or a timeout stopped a worker mid-page


def _make_output_folder(out: Path) -> None:
    if out.is_symlink() and not out.exists():
        raise UsageError(f"the output folder {out} is a link to nothing ({os.readlink(out)})",
                         hint="create the folder it points to, or choose another with -o")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe_file = out / f".write-test-{os.getpid()}"
        probe_file.write_bytes(b"")
        probe_file.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write the output folder {out}: {exc.strerror or exc}",
                         hint="choose a folder you can write with -o") from exc


def _run_locked(inputs: list[str], out: Path, options: BatchOptions, work: Path) -> BatchSummary:
    previous = read_manifest(out)
    _remove_leftovers(out, set(previous))
    known = {input_path(entry): doc_id for doc_id, entry in previous.items()}
    found, left_out = input_listing(inputs, exclude=out)
    documents = name_documents(found, known, options.password, occupied=_occupied_names(out, previous),
                               gone=_moved_away(previous))
    if not documents:
        raise UsageError("no PDF, image or .txt files found in the inputs (the output folder is never read)")
    summary = BatchSummary()
    progress = _Progress(options.quiet)
    progress.left_out(left_out)
    results: dict[str, ManifestEntry] = {}

    todo: list[InputDocument] = []
    for document in documents:
        done = previous.get(document.doc_id)
        if (not options.force and done and done.get("status") == "ok" and done.get("sha256") == document.sha256
                and (out / document.doc_id / _COMPLETE[options.text]).exists() and _holds_steps(done, options)):
            # the same document, where it is now (an archive folder moved since)
            results[document.doc_id] = replace(ManifestEntry.from_dict(done), source=document.path,
                                               path=source_key(document.path))
            summary.skipped += 1
            if options.html and options.text:
                _add_review_page(out / document.doc_id, document)
            continue
        try:
            todo.append(probe(document, work, options.max_pixels))
        except Exception as exc:  # noqa: BLE001 - one document's problem is its own 'failed' line
            reason = str(exc) if isinstance(exc, SohoaError) else f"cannot open the file: {type(exc).__name__}: {exc}"
            results[document.doc_id] = _settle_failed(out, ManifestEntry.of(document, "failed", 0, 0.0, reason),
                                                      previous)
            append_manifest(out, results[document.doc_id])
            progress.rejected(results[document.doc_id])

    page_docs = [d for d in todo if d.kind in ("pdf", "image")]
    if page_docs and options.engine == "tesseract":
        from sohoa.ingest.ocr import TesseractEngine

        TesseractEngine.check_installed(options.lang, options.ocr_model)
    progress.start(sum(d.pages for d in todo), len(documents), summary.skipped)
    text_docs = [d for d in todo if d.kind == "text"]
    finished = False
    try:
        _run_tasks(page_docs, text_docs, out, options, results, progress, previous)
        finished = True
    finally:
        # an interrupted run leaves its manifest compacted too (one line per input), and no
        # staging folder of its stopped workers
        summary.entries = [results[d.doc_id] for d in documents if d.doc_id in results]
        _write_run_files(out, summary.entries, [d.doc_id for d in documents], finished)
        if not finished:
            _remove_leftovers(out, set(previous) | set(results))
    progress.finish(summary)
    return summary


def _write_run_files(out: Path, entries: list[ManifestEntry], order: list[str], finished: bool) -> None:
    """manifest.jsonl compacted and OUT/indicators.csv, each written whole. Where they cannot be
    (a full disk), the documents' lines appended during the run still stand and the next run
    compacts them: a finished run says so as its error, an interrupted one in a line."""
    try:
        write_manifest(out, entries, read_manifest(out), order)
        write_run_indicators(out, entries)
    except OSError as exc:
        message = (f"could not write the run's files in {out} ({exc.strerror or exc}); every finished "
                   f"document's line is in {MANIFEST}, and the next run writes them")
        if finished:
            raise SohoaError(message, hint="free some space in the output folder and run again") from exc
        log.warning("%s", message)


RUN_FILES = (MANIFEST, "indicators.csv", LOCK)
"""The run's own files in OUT, beside the document folders: no document may take their names."""


def _occupied_names(out: Path, previous: dict) -> set[str]:
    """Names in OUT no document of this run may take: the run's own files, and whatever is
    there that is no document folder of sohoa (named by a manifest line, or holding what a
    complete document has, `_COMPLETE`, where the manifest was lost): a folder the user keeps in
    OUT is never replaced by a document's."""
    documents = {doc_id.lower() for doc_id in previous}

    def ours(path: Path) -> bool:
        return path.name.lower() in documents or (
            path.is_dir() and any((path / name).exists() for name in _COMPLETE.values()))

    there = [path for path in out.iterdir() if not path.name.startswith(".")] if out.is_dir() else []
    return set(RUN_FILES) | {path.name for path in there if not ours(path)}


def _add_review_page(folder: Path, document: InputDocument) -> None:
    """--html on a document an earlier run completed without it: its review page is written
    from what that run wrote (no OCR again); one that cannot be is said, and the run goes on."""
    if document.kind not in ("pdf", "image") or (folder / "review.html").exists():
        return
    from sohoa.ingest.archival.review import write_review

    try:
        write_review(folder, document.path, document.kind, title=document.doc_id)
    except Exception as exc:  # noqa: BLE001 - a view of finished results must not stop the run
        log.warning("%s: review.html not written: %s (try `sohoa review %s`)", document.doc_id,
                    f"{type(exc).__name__}: {exc}", folder)


def _moved_away(previous: dict) -> dict[str, list[str]]:
    """sha256 → doc_ids of the earlier runs' inputs that are no longer where they were read
    (`name_documents`' `gone`)."""
    gone: dict[str, list[str]] = {}
    for doc_id, entry in previous.items():
        where = input_path(entry)
        if entry.get("sha256") and where and not os.path.lexists(where):
            gone.setdefault(entry["sha256"], []).append(doc_id)
    return gone


def run_steps(options: BatchOptions) -> tuple[str, ...]:
    """The optional steps whose outputs this run writes for a document (manifest `steps`)."""
    return tuple(name for name, on in (("repair", options.text and options.repair), ("tables", options.tables),
                                       ("pdf", options.text and options.pdf)) if on)


def _holds_steps(done: dict, options: BatchOptions) -> bool:
    """Whether an earlier run's outputs of a document hold what this run asks for: a quick pass
    with --no-tables or --no-repair (or --no-pdf) is done again by a run that wants them, and so
    is a document whose archival files could not be written. A line that records no steps (an
    older run's) counts as holding them."""
    if WarningCode.ARCHIVAL_LEFT_OUT.value in (done.get("warning_codes") or ()):
        return False
    steps = done.get("steps")
    return not isinstance(steps, list) or set(run_steps(options)) <= set(steps)


def _settle_failed(out: Path, entry: ManifestEntry, previous: dict) -> ManifestEntry:
    """A document that failed this time may have a folder from an earlier run. Made from another
    version of the input (another sha256), it describes text that is no longer there and would be
    taken for this input's: it is removed. Made from this very input (a run with --force, or a
    retry after a timeout), it is still right, so it is kept, and the manifest line says so. An
    input that could not be read this time (no sha256) may well be the same: its folder is kept
    too, and the next run that reads it compares again."""
    folder = out / entry.doc_id
    if not folder.is_dir():
        return entry
    earlier = previous.get(entry.doc_id) or {}
    if earlier.get("sha256") and earlier.get("sha256") == entry.sha256 and earlier.get("status") in ("ok", "partial"):
        return replace(entry, error=f"{entry.error}; the outputs of an earlier run of this same input are kept")
    if not entry.sha256 and earlier.get("status") in ("ok", "partial"):
        return replace(entry, error=f"{entry.error}; the outputs of an earlier run are kept (the input could not be "
                                    "read to tell whether it changed)")
    shutil.rmtree(folder, ignore_errors=True)
    return entry


def _remove_leftovers(out: Path, documents: set[str]) -> None:
    """Staging folders of an interrupted run (only this run can write here now: it holds the
    lock): every '.partial-' one, and an '.old-' one of a document in `documents` (the doc_ids
    of the manifest); a hidden folder of another name is the user's and stays."""
    for leftover in sorted(out.iterdir()):
        match = STAGING.match(leftover.name)
        if not (match and (match.group(1) == "partial" or match.group(2) in documents) and leftover.is_dir()):
            continue
        if match.group(1) == "old" and not (out / match.group(2)).exists():
            leftover.rename(out / match.group(2))  # stopped between the two renames: the only copy
        else:
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
               results: dict, progress: "_Progress", previous: dict) -> None:
    """Every unit of work goes through one pool of killable workers: pages, then finishing a
    document whose pages are all back (repair, tables, writing) ahead of further pages, and
    legacy text files last. Every task has a time limit; a worker that overruns it is killed
    and replaced, and the task's page or document records why. The main process only
    schedules and appends manifest lines (the single writer)."""
    if not page_docs and not text_docs:
        return
    page_options = options.page_options
    pending_pages: dict[str, dict[int, PageResult]] = {d.doc_id: {} for d in page_docs}
    by_id = {d.doc_id: d for d in page_docs + text_docs}
    queue: deque[Task] = deque()
    for document in page_docs:
        for number in range(1, document.pages + 1):
            refused = _too_large(document, number, options)
            if refused:
                queue.append(RefusedPage(PageResult(document.doc_id, number, None, None, error=refused)))
            else:
                queue.append(PageTask(PageSource(document.doc_id, document.readable_path, document.kind, number,
                                                 options.dpi)))
    queue.extend(TextTask(d) for d in text_docs)

    def failed(task: Task, reason: str) -> PageResult | ManifestEntry:
        if isinstance(task, PageTask):
            return PageResult(task.source.doc_id, task.source.page, None, None, error=reason)
        return ManifestEntry.of(task.document, "failed", task.document.pages, 0.0, reason)

    def collect(task: Task, result: PageResult | ManifestEntry) -> None:
        if isinstance(task, (PageTask, RefusedPage)):
            pages = pending_pages[result.doc_id]
            pages[result.page] = result
            progress.page_done()
            document = by_id[result.doc_id]
            if len(pages) == document.pages:
                ordered = tuple(pages[n] for n in range(1, document.pages + 1))
                del pending_pages[result.doc_id]
                # the document's cost: its pages' own seconds in the workers, not how long
                # it waited behind other documents
                queue.appendleft(DocumentTask(document, ordered, sum(p.seconds for p in ordered)))
            return
        if result.status == "failed":
            result = _settle_failed(out, result, previous)
        else:
            result = replace(result, steps=run_steps(options))
        results[task.document.doc_id] = result
        append_manifest(out, result)
        progress.document_done(result, pages=1 if isinstance(task, TextTask) else 0)

    jobs = options.jobs or os.cpu_count() or 1
    if options.scheduler:
        from sohoa.ingest import dask_scheduler

        # the cluster starts (a local one: its worker processes start and import their modules)
        # while this process loads what the local finishing pool shares
        client = dask_scheduler.connect_while(options.scheduler, lambda: _load_before_fork(options, bool(page_docs)))
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
    if not page_docs:
        _load_before_fork(options, pages=False)
        with WorkerPool(jobs, options.memory_limit) as pool:
            _schedule(queue, collect, failed, out, options, page_options, pool)
        return
    # The first pages do not wait for the restorer's model and the archival writers: they load
    # here while the pages' OCR runs, and the workers are then forked again, each as its first
    # task ends, to share them (a first page that holds a table reads the model for its cells).
    _import(_PAGE_MODULES)
    with WorkerPool(jobs, options.memory_limit) as pool:
        def load_the_rest() -> None:
            _load_before_fork(options, pages=True)
            pool.renew()

        _schedule(queue, collect, failed, out, options, page_options, pool, started=load_the_rest)


_PAGE_MODULES = (
    "pytesseract", "pdf2image", "sohoa.tables.api", "sohoa.tables.page", "sohoa.tables.tidy", "sohoa.tables.units",
    "sohoa.tables.names", "sohoa.tables.join", "sohoa.tables.ordinals", "sohoa.tables.document_words",
    "sohoa.ingest.cell_readings", "sohoa.diacritics.pipeline", "sohoa.diacritics.encodings",
    "sohoa.diacritics.tokens", "sohoa.diacritics.unicode_fixes", "sohoa.diacritics.formulae",
)
"""What a worker's page tasks import: imported once here rather than once a worker."""
_DOCUMENT_MODULES = (
    "sohoa.ingest.assemble", "sohoa.diacritics.pipeline", "sohoa.diacritics.encodings", "sohoa.diacritics.tokens",
    "sohoa.diacritics.unicode_fixes", "sohoa.diacritics.formulae", "sohoa.diacritics.chunked",
    "sohoa.diacritics.list_ends", "sohoa.diacritics.restore.ocr_evidence", "sohoa.diacritics.restore.codes",
)
"""What a worker's document tasks import, text files' included."""
_ARCHIVAL_MODULES = (
    "sohoa.ingest.archival.searchable_pdf", "sohoa.ingest.archival.alto", "sohoa.ingest.archival.hocr",
    "sohoa.ingest.archival.check", "fontTools.fontBuilder",
    "pikepdf.pdfa",  # the PDF/A check of every searchable.pdf (0.1 s to import)
)
"""What finishing a scanned document imports besides: its archival files."""


def _load_before_fork(options: BatchOptions, pages: bool) -> None:
    """Load in this process what every worker would otherwise load for itself: the workers are
    forked from it and share what it holds (copy on write). The restorer model alone costs a
    worker about 1.5 s of CPU to read, and the OCR and table modules a few tenths more."""
    _import(_DOCUMENT_MODULES + ((_PAGE_MODULES + _ARCHIVAL_MODULES) if pages else ()))
    if options.repair:
        from sohoa.diacritics.restore import load_default_restorer

        load_default_restorer()  # kept for the process (lru_cache): the text repair and the table names use it
    import gc

    gc.freeze()  # what is loaded so far stays out of the workers' garbage collections, which would copy its pages


def _import(modules: tuple[str, ...]) -> None:
    import gc
    import importlib

    for name in modules:
        importlib.import_module(name)
    gc.freeze()


def _schedule(queue: deque, collect, failed, out: Path, options: BatchOptions, page_options: PageOptions, pool: WorkerPool,
              page_pool=None, shared: set[str] | None = None, started: Callable[[], None] | None = None) -> None:
    """Hand out tasks until the queue is empty and every task has ended. Page tasks go to
    `page_pool` when there is one (a Dask cluster), everything else to `pool`. `started` is
    called once, when the first tasks are out (work for this process while they run)."""
    page_pool = page_pool or pool
    running: dict[int, Task] = {}
    serial = 0

    def submit(task: Task) -> None:
        if isinstance(task, PageTask):
            source, limit = task.source, options.page_timeout + TIMEOUT_GRACE
            if page_pool is pool or source.path in shared:
                page_pool.submit(serial, limit, process_page, source, page_options)
            else:
                from sohoa.ingest.dask_scheduler import process_sent_page

                page_pool.submit(serial, limit, process_sent_page, process_page, source, page_options,
                                 *page_pool.payload(source.path))
        elif isinstance(task, DocumentTask):
            pool.submit(serial, options.page_timeout * max(1, len(task.pages)) + TIMEOUT_GRACE,
                        finish_page_document, task.document, list(task.pages), out, options, task.seconds)
        else:
            pool.submit(serial, options.page_timeout * _text_pages(task.document) + TIMEOUT_GRACE,
                        finish_text_document, task.document, out, options)

    while queue or running:
        blocked = []
        while queue:
            task = queue.popleft()
            if isinstance(task, RefusedPage):
                collect(task, task.result)
                continue
            target = page_pool if isinstance(task, PageTask) else pool
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
        if started is not None:
            started()
            started = None
        both = page_pool is not pool and page_pool.busy and pool.busy
        for source in ((page_pool, pool) if page_pool is not pool else (pool,)):
            if not source.busy:
                continue
            for outcome in source.outcomes(0.05) if both else source.outcomes():
                task = running.pop(outcome.key)
                if outcome.error is None:
                    collect(task, outcome.value)
                elif outcome.error.startswith("timed out"):
                    what = "page" if isinstance(task, PageTask) else "document"
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


# ------------------------------------------------------------------ run files
def write_run_indicators(out: Path, entries: list[ManifestEntry]) -> None:
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
    columns = list(TIDY_COLUMNS) + [c for c in combined.columns if c not in TIDY_COLUMNS]
    write_whole(out / "indicators.csv", combined[columns].to_csv(index=False))


# ------------------------------------------------------------------ progress
class _Progress:
    """A one-line progress bar on stderr (never stdout), on a terminal; elsewhere (a log file of a
    run under nohup, cron or a batch scheduler) the same figures as a line every `every` seconds.
    What happens to documents is logged (logger `sohoa.batch`; the CLI shows it on stderr)."""

    every = 60.0

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.total = self.done = 0
        self.docs_total = self.docs_done = self.failed = 0
        self.started = self.last_line = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def start(self, pages: int, documents: int, skipped: int) -> None:
        self.total, self.docs_total = pages, documents
        self.docs_done = skipped + self.failed
        if skipped and not self.quiet:
            log.info("%d document(s) already complete, skipped (use --force to redo)", skipped)
        self._show()

    def left_out(self, files: list[Path]) -> None:
        """Says which files of the input folders are of no type sohoa reads (none is an error)."""
        if not files or self.quiet:
            return
        types = Counter(p.suffix.lower() or "(no suffix)" for p in files)
        log.warning("%d file(s) in the input folders left out, of types sohoa does not read: %s (name one to "
                    "see why)", len(files), ", ".join(f"{suffix} ×{n}" if n > 1 else suffix
                                                      for suffix, n in types.most_common()))

    def page_done(self) -> None:
        self.done += 1
        self._show()

    def document_done(self, entry: ManifestEntry, pages: int = 0) -> None:
        self.done += pages
        self.docs_done += 1
        if not entry.ok:
            self.failed += 1
            if not self.quiet:
                self._clear()
                log.warning("%s: %s: %s", entry.doc_id, entry.status, entry.error or "")
        self._show()

    def rejected(self, entry: ManifestEntry) -> None:
        self.failed += 1
        if not self.quiet:
            log.warning("%s: failed: %s", entry.doc_id, entry.error)

    def _clear(self) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr)

    def _show(self) -> None:
        if self.quiet:
            return
        now = time.perf_counter()
        rate = self.done / max(1e-6, now - self.started)
        figures = (f"{self.done}/{self.total} pages, {self.docs_done}/{self.docs_total} documents, "
                   f"{self.failed} failed, {rate:.2f} pages/s")
        if not self.tty:
            if now - self.last_line >= self.every:
                self.last_line = now
                log.info("%s", figures)
            return
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {figures}", end="", file=sys.stderr, flush=True)

    def finish(self, summary: BatchSummary) -> None:
        if self.quiet:
            return
        self._clear()
        ok = sum(1 for e in summary.entries if e.ok)
        seconds = time.perf_counter() - self.started
        log.info("%d/%d documents ok, %d pages in %.1f s (%.2f pages/s)", ok, len(summary.entries), self.done,
                 seconds, self.done / max(seconds, 1e-6))
