"""The `sohoa` command line: one click group, one function per sub-command.

Heavy imports live inside each command body so that `sohoa --help` stays instant.
Errors from the library arrive as `SohoaError` and are translated here, in one place; what the
library reports as it goes (logger `sohoa`) goes to stderr from here too, prefixed 'sohoa: '.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import click

from sohoa import __version__
from sohoa.errors import SohoaError


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


def _configure_logging() -> None:
    """The `sohoa` logger's records, INFO and above, on stderr (never stdout: output may be piped)."""
    logger = logging.getLogger("sohoa")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("sohoa: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO)


class _Group(click.Group):
    """Translates library errors into click errors with the right exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SohoaError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            click.echo("\nsohoa: interrupted (a new run resumes where this one stopped)", err=True)
            ctx.exit(128 + signal.SIGTERM if isinstance(exc, Terminated) else 130)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, a batch scheduler, `timeout`): stops the run as Ctrl-C does,
    so that it cleans up after itself the same way (workers stopped, scratch files and the
    decrypted copies of encrypted PDFs removed, the manifest compacted)."""


def _terminate(signum, frame) -> None:
    raise Terminated()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sohoa")
def main() -> None:
    """sohoa: scanned Vietnamese reports to clean text and tidy indicator tables."""
    _configure_logging()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _use_model(ctx, param, value) -> None:
    if value:
        from sohoa.diacritics.restore import MODEL_ENV

        os.environ[MODEL_ENV] = str(Path(value).resolve())  # the workers this run starts inherit it


_model_option = click.option(
    "--model", type=click.Path(exists=True, dir_okay=False), default=None, expose_value=False, callback=_use_model,
    help="Restore with this model (written by `sohoa train`; the tables written beside it come with it) instead "
         "of the shipped one; or set SOHOA_MODEL.")
_max_megapixels_option = click.option(
    "--max-megapixels", type=click.FloatRange(min=1), default=180.0, show_default=True,
    help="Largest page accepted, in millions of pixels at --dpi; larger pages are refused before they are rendered.")
_password_option = click.option("--password", default=None, envvar="SOHOA_PDF_PASSWORD",
                                help="User password of encrypted PDFs (or set SOHOA_PDF_PASSWORD).")
_ocr_engine_option = click.option(
    "--ocr-engine", type=click.Choice(["pytesseract", "libtesseract"]), default="pytesseract", show_default=True,
    help="How Tesseract is run: 'pytesseract' starts the tesseract command for every page and table read; "
         "'libtesseract' calls the same library inside each worker, which loads each model once (the same "
         "readings, less CPU: table pages make many small reads).")


@main.command("run")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder (created if missing).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for pages (default: all cores).")
@click.option("--force", is_flag=True, help="Re-process documents already complete in OUT.")
@click.option("--no-repair", is_flag=True, help="Skip Vietnamese text repair (text.txt = ocr.txt).")
@click.option("--no-tables", is_flag=True, help="Skip indicator-table extraction.")
@click.option("--dpi", type=click.IntRange(72, 1200), default=300, show_default=True,
              help="Rasterisation resolution for PDFs.")
@click.option("--page-timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds allowed for one page before it is recorded as failed.")
@_max_megapixels_option
@_password_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
@click.option("--no-pdf", is_flag=True, help="Skip searchable.pdf (the scan with the repaired text as a PDF/A).")
@click.option("--html", is_flag=True, help="Also write review.html: every change shown beside the scan.")
@click.option("--ocr-model", type=click.Choice(["best", "fast"]), default="best", show_default=True,
              help="Tesseract's Vietnamese model for pages: 'best' (tessdata_best, shipped with sohoa; more "
                   "accurate, slower) or 'fast' (the system's tesseract-ocr-vie).")
@click.option("--cell-ocr-model", type=click.Choice(["best", "fast"]), default="fast", show_default=True,
              help="Tesseract's Vietnamese model for the cells of tables (the table step is measured with 'fast').")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Repair edits below this confidence are not applied (kept as review flags).")
@_ocr_engine_option
@_model_option
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT | local:N",
              help="Send the page tasks to a Dask distributed cluster (pip install 'sohoa[dask]'); documents are "
                   "still finished and written here. local:N starts a cluster of N workers on this machine.")
def run_command(inputs, out_dir, jobs, force, no_repair, no_tables, dpi, page_timeout, max_megapixels, password,
                quiet, no_pdf, html, ocr_model, cell_ocr_model, min_confidence, ocr_engine, scheduler):
    """Batch job: every PDF / image / legacy text file under INPUTS → OUT."""
    from sohoa.batch import BatchOptions, run_batch

    options = BatchOptions(
        jobs=jobs, force=force, repair=not no_repair, tables=not no_tables,
        dpi=dpi, page_timeout=page_timeout, quiet=quiet, max_megapixels=max_megapixels, password=password,
        pdf=not no_pdf, html=html, ocr_model=ocr_model, cell_ocr_model=cell_ocr_model, min_confidence=min_confidence,
        scheduler=scheduler, in_process_ocr=ocr_engine == "libtesseract",
    )
    summary = run_batch(list(inputs), out_dir, options)
    sys.exit(0 if summary.all_ok else 1)


@main.command("repair")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", "output", type=click.Path(allow_dash=True), default="-",
              help="Output file (default stdout).")
@click.option("--explain", is_flag=True, help="Print every edit (to stderr when text goes to stdout).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per input line with the text and its edits.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Also write an HTML review page with every change highlighted.")
@click.option("--encoding", type=click.Choice(["utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr", "utf8-mojibake"]),
              default=None, help="Force the legacy encoding instead of detecting it.")
@click.option("--tone-style", type=click.Choice(["keep", "old", "new"]), default="keep", show_default=True,
              help="Tone-mark placement: keep the text's own, or rewrite all as old 'hòa, thủy' or new 'hoà, thuỷ'.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Changes less certain than this are only reported (--explain, --html, json), not made.")
@click.option("--no-restore", is_flag=True, help="Skip the statistical diacritic restorer.")
@_model_option
def repair_command(files, output, explain, fmt, html_path, encoding, tone_style, min_confidence, no_restore):
    """Repair Vietnamese text: encodings, Unicode, diacritics, OCR garble.

    Reads FILES (or stdin when none or '-') and writes one output line per input line.
    """
    from sohoa.diacritics.repair_command import RepairOptions, run_repair

    options = RepairOptions(explain=explain, fmt=fmt, html_path=html_path, encoding=encoding,
                            tone_style=tone_style, min_confidence=min_confidence, restore=not no_restore)
    run_repair(list(files) or ["-"], output, options)


@main.command("review")
@click.argument("doc_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--source", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The scanned input (default: the source recorded in OUT/manifest.jsonl).")
def review_command(doc_dir, source):
    """Write OUT/<doc_id>/review.html: each page's scan beside its text, every change outlined."""
    from sohoa.ingest.archival.review import review_document

    path = review_document(doc_dir, source=source)
    click.echo(f"review page written to {path}", err=True)


@main.command("tables")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for pages (default: all cores).")
@click.option("--force", is_flag=True, help="Re-process documents already complete in OUT.")
@click.option("--dpi", type=click.IntRange(72, 1200), default=300, show_default=True,
              help="Rasterisation resolution for PDFs.")
@click.option("--page-timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds allowed for one page before it is recorded as failed.")
@click.option("--cell-ocr-model", type=click.Choice(["best", "fast"]), default="fast", show_default=True,
              help="Tesseract's Vietnamese model for the cells of tables (the table step is measured with 'fast').")
@_ocr_engine_option
@_max_megapixels_option
@_password_option
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def tables_command(inputs, out_dir, jobs, force, dpi, page_timeout, cell_ocr_model, ocr_engine, max_megapixels,
                   password, quiet):
    """Tables only: wide + tidy CSV for every table found (the batch job of `sohoa run` without
    its text files: same manifest, same resume)."""
    from sohoa.batch import BatchOptions, run_batch

    options = BatchOptions(jobs=jobs, force=force, text=False, dpi=dpi, page_timeout=page_timeout, quiet=quiet,
                           cell_ocr_model=cell_ocr_model, in_process_ocr=ocr_engine == "libtesseract",
                           max_megapixels=max_megapixels, password=password)
    summary = run_batch(list(inputs), out_dir, options)
    if not quiet:
        import csv
        from pathlib import Path

        done = [e for e in summary.entries if e.status != "failed"]
        tables = sum(len(list((Path(out_dir) / e.doc_id / "tables").glob("*.csv"))) for e in done)
        with open(Path(out_dir) / "indicators.csv", encoding="utf-8", newline="") as handle:
            observations = max(0, sum(1 for _ in csv.reader(handle)) - 1)
        click.echo(f"{len(done)} documents, {tables} tables, {observations} observations → {out_dir}", err=True)
    sys.exit(0 if summary.all_ok else 1)


@main.command("train")
@click.option("--corpus", "corpora", multiple=True, required=True, type=click.Path(exists=True),
              help="Clean corpus: .txt, .jsonl or .jsonl.gz with a 'text' field. Repeatable.")
@click.option("-o", "--output", "model_path", required=True, type=click.Path(dir_okay=False))
@click.option("--max-tokens", type=click.IntRange(min=1000), default=None,
              help="Read at most about this many tokens of each corpus (subsample a large one).")
@click.option("--ocr-pages", type=click.IntRange(min=0), default=0, show_default=True,
              help="Render this many pages of the corpus and OCR them with Tesseract to learn the "
                   "OCR confusion channel, plus 45% more read by the Vietnamese model for the mark "
                   "channel, and as many of its codes and dates as photocopied scans for the code "
                   "confusions (0: keep the channels of the shipped model).")
@click.option("--garble-pages", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --ocr-pages: this many more pages read by the English model alone, for the "
                   "garble channel (English-model OCR of Vietnamese), from text the other pages do not use.")
@click.option("--work-dir", type=click.Path(file_okay=False), default=None,
              help="Cache for the rendered/OCR'd pages (default: next to the output).")
@click.option("--ocr-model", type=click.Choice(["best", "fast"]), default="best", show_default=True,
              help="Tesseract Vietnamese model that reads the rendered pages of the mark channel: the one "
                   "`sohoa run --ocr-model` will use.")
@click.option("--all-texts", is_flag=True,
              help="Train on every text of the corpora, also those the benchmarks hold out (for a corpus of "
                   "your own; by default its held-out split, some files and news categories, is never read).")
def train_command(corpora, model_path, max_tokens, ocr_pages, garble_pages, work_dir, ocr_model, all_texts):
    """Rebuild the repair model from a clean corpus (its train split; held-out docs are never read).
    Restore with it by `sohoa repair --model` or `sohoa run --model`."""
    from sohoa.diacritics.repair_command import check_writable
    from sohoa.diacritics.restore.train import train_from_corpora

    check_writable(Path(model_path), "-o")
    train_from_corpora(list(corpora), model_path, max_tokens_per_corpus=max_tokens, ocr_pages=ocr_pages,
                       work_dir=work_dir, ocr_model=ocr_model, garble_pages=garble_pages,
                       split="all" if all_texts else "train")
    click.echo(f"model written to {model_path}", err=True)


@main.command("eval")
@click.option("--gold", "gold", required=True, type=click.Path(exists=True),
              help="Ground-truth text: a file, or a folder of <doc_id>.txt files.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.argument("out", type=click.Path(exists=True))
def eval_command(gold, out, fmt):
    """Score OUT against ground-truth text (CER, WER, syllable accuracy)."""
    import json

    from sohoa.ingest.evaluate import evaluate, format_table, total

    scores, missing = evaluate(gold, out)
    if not scores and not missing:
        raise click.UsageError("no gold .txt files found")
    if fmt == "json":
        click.echo(json.dumps({"documents": [s.as_dict() for s in scores],
                               "overall": total(scores).as_dict() if scores else None,
                               "missing": missing}, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(scores))
    for doc_id in missing:
        click.echo(f"missing in {out}: {doc_id}/text.txt", err=True)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
