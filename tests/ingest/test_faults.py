"""Fault injection: inputs, names, sizes and runs that must never crash a batch, lose a result or
mark an incomplete document 'ok'. The fast ones use the null OCR engine and tiny pages; the
ones that start real `sohoa` processes are marked integration."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from sohoa.cli import main
from sohoa.errors import OutputBusyError
from sohoa.batch import BatchOptions, OutputLock, run_batch
from sohoa.ingest.inputs import MAX_ID_BYTES, preferred_id
from sohoa.ingest.pool import WorkerPool
from sohoa.ingest.rasterize import load_page_noted
from sohoa.ingest.records import PageSource, WarningCode

from .conftest import BODY, make_born_digital_pdf, wrap

FAST = BatchOptions(jobs=1, engine="null", quiet=True)
SOHOA = [sys.executable, "-m", "sohoa.cli"]


@pytest.fixture
def runner():
    return CliRunner()


def _manifest(out: Path) -> dict[str, dict]:
    return {e["doc_id"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}


def _good(folder: Path, name: str = "good.pdf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return make_born_digital_pdf(folder / name, wrap(BODY))


def _text(path: Path, text: str = "Báo cáo tình hình kinh tế - xã hội năm 2023.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _encrypt(source: Path, target: Path, user: str, owner: str = "owner") -> Path:
    """AES-256, as qpdf encrypts by default."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-256")
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


# ------------------------------------------------------------------ encrypted PDFs
def test_a_pdf_poppler_cannot_open_is_read_from_a_repaired_copy(tmp_path):
    whole = tmp_path / "whole.pdf"
    subprocess.run(["qpdf", "--object-streams=generate", str(_good(tmp_path / "src")), str(whole)], check=True)
    raw = whole.read_bytes()
    broken = tmp_path / "in" / "broken.pdf"  # its cross-reference stream announced at a wrong offset
    broken.parent.mkdir()
    broken.write_bytes(raw[: raw.rindex(b"startxref")] + b"startxref\n99\n%%EOF\n")
    assert subprocess.run(["pdfinfo", str(broken)], capture_output=True).returncode != 0
    entry = run_batch([str(broken)], tmp_path / "out", FAST).entries[0]
    assert entry.status == "ok"
    assert (tmp_path / "out" / "broken" / "text.txt").read_text(encoding="utf-8").strip()
    assert broken.read_bytes().endswith(b"startxref\n99\n%%EOF\n")  # the input itself untouched


def test_aes256_pdf_fails_alone_and_opens_with_its_password(tmp_path, runner):
    good = _good(tmp_path / "in")
    locked = _encrypt(good, tmp_path / "in" / "aes.pdf", user="s3cr3t-pw")
    owner_only = _encrypt(good, tmp_path / "in" / "owner_only.pdf", user="")
    out = tmp_path / "out"
    summary = run_batch([str(locked), str(good), str(owner_only)], out, FAST)
    manifest = _manifest(out)
    assert not summary.all_ok
    assert manifest["aes"]["status"] == "failed" and "password" in manifest["aes"]["error"]
    assert manifest["good"]["status"] == "ok"
    assert manifest["owner_only"]["status"] == "ok"  # poppler opens it: so do we
    result = runner.invoke(main, ["run", str(locked), "-o", str(tmp_path / "o2"), "-q", "--jobs", "1",
                                  "--password", "wrong"])
    assert result.exit_code == 1 and "does not open it" in _manifest(tmp_path / "o2")["aes"]["error"]
    run_batch([str(locked)], tmp_path / "o3", BatchOptions(jobs=1, engine="null", quiet=True, password="s3cr3t-pw"))
    entry = _manifest(tmp_path / "o3")["aes"]
    assert entry["status"] == "ok" and "s3cr3t-pw" not in json.dumps(entry)  # the password is not recorded
    assert "Thực hiện Nghị quyết" in (tmp_path / "o3" / "aes" / "text.txt").read_text(encoding="utf-8")
    # the archival files read the decrypted copy too: the searchable PDF is there, and opens
    with pikepdf.open(tmp_path / "o3" / "aes" / "searchable.pdf") as written:
        assert len(written.pages) == 1


def test_sohoa_tables_opens_an_encrypted_pdf_with_the_password_its_error_names(tmp_path, runner):
    locked = _encrypt(_good(tmp_path / "in"), tmp_path / "in" / "aes.pdf", user="s3cr3t-pw")
    result = runner.invoke(main, ["tables", str(locked), "-o", str(tmp_path / "o1"), "-q", "--jobs", "1"])
    assert result.exit_code == 1 and "--password" in _manifest(tmp_path / "o1")["aes"]["error"]
    result = runner.invoke(main, ["tables", str(locked), "-o", str(tmp_path / "o2"), "-q", "--jobs", "1",
                                  "--password", "s3cr3t-pw"])
    assert result.exit_code == 0, result.output
    assert _manifest(tmp_path / "o2")["aes"]["status"] == "ok" and (tmp_path / "o2" / "aes" / "tables").is_dir()


def test_an_exception_while_opening_one_document_is_that_documents_failed_line(tmp_path, monkeypatch):
    import sohoa.batch as batch

    real = batch.probe

    def flaky(document, *args, **kwargs):
        if document.doc_id == "bad":
            raise RuntimeError("something unexpected")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(batch, "probe", flaky)
    _text(tmp_path / "in" / "bad.txt")
    _text(tmp_path / "in" / "fine.txt")
    run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    manifest = _manifest(tmp_path / "out")
    assert manifest["fine"]["status"] == "ok"
    assert manifest["bad"]["status"] == "failed" and "something unexpected" in manifest["bad"]["error"]


# ------------------------------------------------------------------ one run at a time
def test_a_second_run_on_a_busy_output_folder_stops_with_a_usage_error(tmp_path, runner):
    source = _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        with pytest.raises(OutputBusyError):
            run_batch([str(source)], out, FAST)
        result = runner.invoke(main, ["run", str(source), "-o", str(out), "-q"])
        assert result.exit_code == 2 and "in use by another sohoa run" in result.stderr
        assert "Traceback" not in result.output
    assert not (out / "manifest.jsonl").exists()
    run_batch([str(source)], out, FAST)  # the lock is released with its holder
    assert _manifest(out)["report"]["status"] == "ok"


@pytest.mark.integration
def test_two_concurrent_runs_never_lose_a_line_or_mark_an_incomplete_document_ok(tmp_path):
    for group in ("a", "b"):
        for n in range(6):
            _text(tmp_path / group / f"{group}{n}.txt", f"Báo cáo số {n} của nhóm {group}.\n")
    out = tmp_path / "out"
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    runs = [subprocess.Popen([*SOHOA, "run", str(tmp_path / g), "-o", str(out), "-q", "--jobs", "1", "--no-repair"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for g in ("a", "b")]
    codes = [run.wait(120) for run in runs]
    busy = [run.stderr.read().decode() for run, code in zip(runs, codes) if code == 2]
    assert sorted(codes) in ([0, 0], [0, 2])
    assert all("in use by another sohoa run" in message for message in busy)
    for group, code in zip(("a", "b"), codes):  # the run that went through left all its lines
        if code == 2:
            subprocess.run([*SOHOA, "run", str(tmp_path / group), "-o", str(out), "-q", "--jobs", "1", "--no-repair"],
                           env=env, check=True)
    manifest = _manifest(out)
    assert len(manifest) == 12 and len((out / "manifest.jsonl").read_text().splitlines()) == 12
    for doc_id, entry in manifest.items():
        assert entry["status"] == "ok"
        assert {"text.txt", "ocr.txt", "pages.jsonl", "indicators.csv"} <= {p.name for p in (out / doc_id).iterdir()}
    assert not list(out.glob(".partial-*"))


# ------------------------------------------------------------------ size limits
def test_huge_pdf_page_is_refused_before_rendering(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(5000, 5000)
    writer.add_blank_page(595, 842)
    writer.write(tmp_path / "poster.pdf")
    assert (tmp_path / "poster.pdf").stat().st_size < 2000
    run_batch([str(tmp_path / "poster.pdf")], tmp_path / "out",
              BatchOptions(jobs=1, engine="null", quiet=True, page_timeout=5))
    entry = _manifest(tmp_path / "out")["poster"]
    assert entry["status"] == "failed"
    assert "page 1: page too large" in entry["error"] and "434 megapixels" in entry["error"]
    assert entry["pages"] == 2 and "no text found on the other pages" in entry["error"]


def test_huge_image_limit_follows_max_megapixels_and_pillows_own_limit_stays(tmp_path):
    from PIL import Image

    before = Image.MAX_IMAGE_PIXELS
    Image.new("L", (3000, 2000), 255).save(tmp_path / "scan.png")
    run_batch([str(tmp_path / "scan.png")], tmp_path / "out",
              BatchOptions(jobs=1, engine="null", quiet=True, max_megapixels=5))
    entry = _manifest(tmp_path / "out")["scan"]
    assert entry["status"] == "failed" and "huge image" in entry["error"] and "5 megapixels" in entry["error"]
    assert Image.MAX_IMAGE_PIXELS == before


def test_a_pdf_page_larger_than_pillows_own_limit_renders_within_max_megapixels(tmp_path, monkeypatch):
    from PIL import Image

    from sohoa.ingest.rasterize import load_page_noted
    from sohoa.ingest.records import PageSource

    good = _good(tmp_path / "in")
    # Pillow's own guard below the page (as its 179 megapixels are below a map's page at 300 dpi)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    pixels, dpi, _ = load_page_noted(PageSource("good", str(good), "pdf", 1, 300), max_pixels=20_000_000)
    assert pixels.shape[0] * pixels.shape[1] > 2_000_000 and dpi == 300
    assert Image.MAX_IMAGE_PIXELS == 1_000_000  # restored


def test_a_task_that_overruns_is_killed_and_its_worker_replaced():
    with WorkerPool(1) as pool:
        first = pool.workers[0].process.pid
        pool.submit("slow", 0.5, time.sleep, 30)
        outcomes = list(pool.outcomes())
        assert [(o.key, o.error) for o in outcomes] == [("slow", "timed out after 0.5 s")]
        assert pool.workers[0].process.pid != first and pool.idle == 1
        pool.submit("next", 10, pow, 2, 10)
        assert [(o.key, o.value) for o in pool.outcomes()] == [("next", 1024)]


def test_a_worker_over_its_memory_limit_fails_its_task_only():
    with WorkerPool(1, memory_limit=1 << 30) as pool:
        pool.submit("greedy", 30, np.ones, (1 << 31,), np.uint8)  # 2 GiB
        [outcome] = list(pool.outcomes())
        assert outcome.error and "memory" in outcome.error
        pool.submit("small", 30, len, "abc")
        assert [o.value for o in pool.outcomes()] == [3]


def test_a_worker_that_dies_costs_only_its_task():
    with WorkerPool(1) as pool:
        pool.submit("dies", 30, os._exit, 3)
        [outcome] = list(pool.outcomes())
        assert "died" in outcome.error
        pool.submit("after", 30, len, "ab")
        assert [o.value for o in pool.outcomes()] == [2]


_LOADED_AFTER_START: list[str] = []


def _sleep_then_see_loaded(seconds: float) -> list[str]:
    time.sleep(seconds)
    return list(_LOADED_AFTER_START)


def test_renewed_workers_share_what_the_parent_loaded_after_they_started():
    with WorkerPool(2) as pool:
        busy, idle = (w.process.pid for w in pool.workers)
        pool.submit("running", 30, _sleep_then_see_loaded, 0.5)
        _LOADED_AFTER_START.append("model")  # the parent loads while the first task runs
        try:
            pool.renew()
            assert pool.workers[1].process.pid != idle  # an idle worker is replaced at once
            assert pool.workers[0].process.pid == busy and pool.busy == 1  # a running task is never cut short
            [outcome] = list(pool.outcomes())
            assert (outcome.key, outcome.value) == ("running", [])  # forked before the load
            assert pool.workers[0].process.pid != busy and pool.idle == 2  # replaced as its task ended
            pool.submit("next", 30, _sleep_then_see_loaded, 0)
            pool.submit("other", 30, _sleep_then_see_loaded, 0)
            seen = {}
            while pool.busy:
                seen.update({o.key: o.value for o in pool.outcomes()})
            assert seen == {"next": ["model"], "other": ["model"]}
        finally:
            _LOADED_AFTER_START.clear()


def test_a_run_s_first_pages_start_before_the_restorer_loads(tmp_path, monkeypatch):
    import sohoa.batch as batch

    events = []
    load = batch._load_before_fork
    monkeypatch.setattr(batch, "_load_before_fork",
                        lambda options, pages: (events.append("load"), load(options, pages))[1])
    renew = WorkerPool.renew

    def renew_spy(pool):
        events.append(f"renew with {pool.busy} busy")
        renew(pool)

    monkeypatch.setattr(WorkerPool, "renew", renew_spy)
    inputs = [_good(tmp_path / "in", f"good{k}.pdf") for k in range(3)]
    summary = batch.run_batch([str(p) for p in inputs], tmp_path / "out",
                              BatchOptions(jobs=2, engine="null", quiet=True))
    assert summary.all_ok and len(summary.entries) == 3
    assert events == ["load", "renew with 2 busy"]  # once, while the first two pages ran


def _stuck(source, options):
    time.sleep(60)


def test_page_timeout_covers_the_whole_page_task(tmp_path, monkeypatch):
    import sohoa.batch as batch

    monkeypatch.setattr(batch, "process_page", _stuck)
    monkeypatch.setattr(batch, "TIMEOUT_GRACE", 0.0)
    good = _good(tmp_path / "in")
    run_batch([str(good)], tmp_path / "out", BatchOptions(jobs=1, engine="null", quiet=True, page_timeout=1))
    entry = _manifest(tmp_path / "out")["good"]
    assert entry["status"] == "failed" and "page 1: timed out after 1 s" in entry["error"]


def test_a_long_single_line_text_is_repaired_in_bounded_pieces():
    from sohoa.diacritics.chunked import pieces, repair_in_chunks
    from sohoa.diacritics.records import RepairResult

    line = "hoà bình " * 5000
    spans = list(pieces(line, max_chars=1000))
    assert len(spans) > 40 and all(end - start <= 1000 for start, end in spans)
    assert "".join(line[a:b] for a, b in spans) == line
    seen = []

    def fake_repair(text):
        seen.append(len(text))
        return RepairResult(text, text.replace("hoà", "hòa"))

    result = repair_in_chunks(line, fake_repair, max_chars=1000)
    assert result.text == line.replace("hoà", "hòa") and max(seen) <= 1000


@given(st.lists(st.text(alphabet="ab \n", max_size=30), max_size=8), st.integers(1, 4), st.integers(5, 40))
def test_pieces_cover_the_text_in_order_within_their_bounds(parts, max_lines, max_chars):
    from sohoa.diacritics.chunked import pieces

    text = "".join(parts)
    spans = list(pieces(text, max_lines, max_chars))
    assert "".join(text[a:b] for a, b in spans) == text and all(a < b for a, b in spans)
    assert all(b - a <= max_chars for a, b in spans)
    assert all(text[a:b].count("\n") <= max_lines for a, b in spans)


@pytest.mark.parametrize("ending", ["", "\n"])
def test_a_text_within_the_bounds_is_one_piece_whether_or_not_it_ends_its_last_line(ending):
    """The last line of a document (OCR text has no line break after it) is repaired with its
    document, not alone: alone, an English summary closing a Vietnamese report reads as
    de-accented Vietnamese."""
    from sohoa.diacritics.chunked import pieces

    text = "Báo cáo của huyện.\nPriority will be given to public investment." + ending
    assert list(pieces(text)) == [(0, len(text))]


# ------------------------------------------------------------------ names and ids
def test_doc_ids_are_stable_whatever_else_is_in_the_run(tmp_path):
    a = _text(tmp_path / "a" / "report.txt", "Báo cáo của huyện A.\n")
    b = _text(tmp_path / "b" / "report.txt", "Báo cáo của huyện B.\n")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a"), str(tmp_path / "b")], out, FAST)
    first = _manifest(out)
    b_id = next(d for d, e in first.items() if e["source"] == str(b))
    assert first["report"]["source"] == str(a) and b_id != "report"
    run_batch([str(tmp_path / "b")], out, FAST)  # b alone: same id, a's results stay
    second = _manifest(out)
    assert set(second) == set(first)
    assert second["report"]["source"] == str(a)
    assert (out / "report" / "text.txt").read_text(encoding="utf-8") == "Báo cáo của huyện A.\n"
    assert (out / b_id / "text.txt").read_text(encoding="utf-8") == "Báo cáo của huyện B.\n"


def test_nested_files_are_named_by_their_path_below_the_input(tmp_path):
    _text(tmp_path / "in" / "2023" / "quy 1" / "report.txt")
    _text(tmp_path / "in" / "report.txt")
    run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    assert set(_manifest(tmp_path / "out")) == {"report", "2023__quy 1__report"}


def test_odd_names_give_safe_ids(tmp_path):
    folder = tmp_path / "in"
    long_name = ("bao-cao-" * 40)[:246] + ".txt"  # 250 characters: '.partial-' + it is over 255 bytes
    for name in ("...txt", "..txt", "a:b*c.txt", "tab\there.txt", long_name):
        _text(folder / name)
    summary = run_batch([str(folder)], tmp_path / "out", FAST)
    assert summary.all_ok, summary.entries
    for entry in (e.as_dict() for e in summary.entries):
        doc_id = entry["doc_id"]
        assert doc_id not in ("", ".", "..") and not doc_id.startswith(".") and "/" not in doc_id
        assert len(doc_id.encode("utf-8")) <= MAX_ID_BYTES
        assert (tmp_path / "out" / doc_id / "text.txt").exists()
    assert preferred_id(folder / long_name, folder) != preferred_id(folder / (long_name[:-5] + "x.txt"), folder)


def test_nfc_and_nfd_spellings_of_a_name_give_distinct_nfc_ids(tmp_path):
    name = "Báo cáo tổng kết"
    _text(tmp_path / "in" / (unicodedata.normalize("NFC", name) + ".txt"))
    _text(tmp_path / "in" / (unicodedata.normalize("NFD", name) + ".txt"))
    summary = run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    ids = [e.doc_id for e in summary.entries]
    assert len(set(ids)) == 2 and all(unicodedata.is_normalized("NFC", i) for i in ids)
    assert unicodedata.normalize("NFC", name) in ids


def test_folder_links_are_followed_once_and_loops_end(tmp_path):
    _text(tmp_path / "in" / "sub" / "report.txt")
    (tmp_path / "in" / "sub" / "up").symlink_to("..")
    (tmp_path / "in" / "again").symlink_to(tmp_path / "in")
    summary = run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    assert [e.doc_id for e in summary.entries] == ["sub__report"]


def test_a_file_link_to_nothing_or_to_itself_is_reported_not_skipped(tmp_path):
    """A link whose file was moved away, or two links pointing at each other, are inputs the
    user put there: each gets a failed manifest line saying what it is, and the batch goes on."""
    _text(tmp_path / "in" / "report.txt")
    (tmp_path / "in" / "moved.pdf").symlink_to(tmp_path / "nowhere" / "scan.pdf")
    (tmp_path / "in" / "loop_a.pdf").symlink_to("loop_b.pdf")
    (tmp_path / "in" / "loop_b.pdf").symlink_to("loop_a.pdf")
    summary = run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    entries = {e.doc_id: e for e in summary.entries}
    assert entries["report"].status == "ok"
    assert entries["moved"].status == "failed" and "a link to nothing" in entries["moved"].error
    assert "scan.pdf" in entries["moved"].error
    for name in ("loop_a", "loop_b"):
        assert entries[name].status == "failed" and "leads back to itself" in entries[name].error
    assert set(_manifest(tmp_path / "out")) == {"report", "moved", "loop_a", "loop_b"}


def test_an_undecodable_text_points_to_the_command_that_takes_an_encoding(tmp_path):
    """`sohoa run` has no --encoding: the reason names the command that has."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "junk.txt").write_bytes(bytes(range(128, 256)) * 20)
    summary = run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
    (entry,) = summary.entries
    assert entry.status == "failed" and "sohoa repair --encoding" in entry.error


def test_no_document_takes_the_name_of_the_run_s_own_files_or_of_what_the_user_keeps_in_out(tmp_path):
    """Inputs named 'manifest.jsonl.txt' and 'indicators.csv.txt' would become the run's own
    files; an input named like a folder the user keeps in OUT would replace it. Each gets
    another id; the user's folder and a hidden folder of theirs stay as they were."""
    for name in ("manifest.jsonl", "indicators.csv", "notes"):
        _text(tmp_path / "in" / f"{name}.txt")
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "mine.txt").write_text("the user's")
    (out / ".partial-drafts").mkdir()
    (out / ".partial-drafts" / "x.txt").write_text("the user's too")
    for _ in range(2):  # and the same ids again on a second run
        summary = run_batch([str(tmp_path / "in")], out, FAST)
        ids = sorted(e.doc_id for e in summary.entries)
        assert all(e.status == "ok" for e in summary.entries)
        assert [i.rsplit("-", 1)[0] for i in ids] == ["indicators.csv", "manifest.jsonl", "notes"]
        assert not {"indicators.csv", "manifest.jsonl", "notes"} & set(ids)
    assert (out / "manifest.jsonl").is_file() and (out / "indicators.csv").is_file()
    assert (out / "notes" / "mine.txt").read_text() == "the user's"
    assert (out / ".partial-drafts" / "x.txt").read_text() == "the user's too"
    assert set(_manifest(out)) == set(ids)
    # a document folder of an earlier run whose manifest was lost is sohoa's: taken again
    (out / "manifest.jsonl").unlink()
    again = run_batch([str(tmp_path / "in")], out, FAST)
    assert sorted(e.doc_id for e in again.entries) == ids


def test_the_output_folder_named_as_an_input_is_not_counted_among_the_files_left_out(tmp_path):
    from sohoa.ingest.inputs import input_listing

    _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, FAST)
    found, left_out = input_listing([str(tmp_path / "in"), str(out)], exclude=out)
    assert [f.path.name for f in found] == ["report.txt"] and left_out == []


def test_output_folder_inside_the_input_is_never_read(tmp_path):
    folder = tmp_path / "in"
    _text(folder / "report.txt")
    out = folder / "out"
    for _ in range(2):
        summary = run_batch([str(folder)], out, BatchOptions(jobs=1, engine="null", quiet=True, force=True))
        assert [e.doc_id for e in summary.entries] == ["report"]
    assert set(_manifest(out)) == {"report"}


def test_an_output_folder_that_is_a_link_to_nothing_is_a_usage_error_that_says_so(tmp_path, runner):
    link = tmp_path / "results"
    link.symlink_to(tmp_path / "gone", target_is_directory=True)
    result = runner.invoke(main, ["run", str(_text(tmp_path / "in" / "report.txt")), "-o", str(link)])
    assert result.exit_code == 2 and "link to nothing" in result.output


def test_an_output_folder_reached_through_a_link_is_never_read(tmp_path):
    archive = tmp_path / "archive"
    _text(archive / "report.txt")
    (archive / "results").mkdir()
    link = tmp_path / "results_link"
    link.symlink_to(archive / "results", target_is_directory=True)
    for _ in range(3):
        summary = run_batch([str(archive)], link, BatchOptions(jobs=1, engine="null", quiet=True, force=True))
        assert [e.doc_id for e in summary.entries] == ["report"]
    assert set(_manifest(link)) == {"report"}


def test_an_input_that_cannot_be_read_this_time_keeps_its_earlier_outputs(tmp_path, monkeypatch):
    import sohoa.batch as batch
    import sohoa.ingest.inputs as inputs
    from sohoa.errors import InputError

    source = _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    run_batch([str(source)], out, FAST)
    assert (out / "report" / "text.txt").exists()

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def refused(*args, **kwargs):
        raise InputError("cannot read the file (Permission denied)")

    monkeypatch.setattr(inputs, "sha256_of", unreadable)
    monkeypatch.setattr(batch, "probe", refused)
    entry = run_batch([str(source)], out, FAST).entries[0]
    assert entry.status == "failed" and "earlier run are kept" in entry.error
    assert (out / "report" / "text.txt").exists()  # the work of the earlier run is not lost


def test_a_pipe_among_the_inputs_is_reported_not_waited_on(tmp_path):
    pipe = tmp_path / "in" / "stream.txt"
    pipe.parent.mkdir()
    os.mkfifo(pipe)
    good = _text(tmp_path / "in" / "report.txt")
    summary = run_batch([str(pipe), str(good)], tmp_path / "out", FAST)
    by_id = {e.doc_id: e for e in summary.entries}
    assert by_id["report"].status == "ok"
    assert by_id["stream"].status == "failed" and "not a regular file" in by_id["stream"].error


def test_a_text_file_that_cannot_be_read_says_so_not_that_its_encoding_is_unknown(tmp_path, monkeypatch):
    from dataclasses import replace as replaced

    from sohoa.ingest.inputs import InputDocument
    from sohoa.pipeline import finish_text_document

    document = InputDocument("gone", str(tmp_path / "gone.txt"), "text", "", pages=1)
    entry = finish_text_document(document, tmp_path, replaced(FAST))
    assert entry.status == "failed" and entry.error.startswith("cannot read the file")


def test_an_archive_folder_moved_since_the_last_run_is_not_read_again(tmp_path):
    _text(tmp_path / "scans" / "report.txt")
    _text(tmp_path / "scans" / "sub" / "plan.txt", "Kế hoạch phát triển kinh tế - xã hội năm 2024.\n")
    out = tmp_path / "out"
    first = run_batch([str(tmp_path / "scans")], out, FAST)
    (tmp_path / "scans").rename(tmp_path / "scans_2024")
    _text(tmp_path / "scans_2024" / "new.txt", "Báo cáo mới.\n")
    again = run_batch([str(tmp_path / "scans_2024")], out, FAST)
    assert again.skipped == 2 and sorted(e.doc_id for e in again.entries) == ["new", "report", "sub__plan"]
    manifest = _manifest(out)
    assert sorted(manifest) == ["new", "report", "sub__plan"]  # one line each, no second copy
    assert manifest["report"]["path"] == str(tmp_path / "scans_2024" / "report.txt")
    assert {e.doc_id: e.sha256 for e in first.entries}["report"] == manifest["report"]["sha256"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) == \
        ["new", "report", "sub__plan"]


def test_a_copy_beside_its_original_is_a_document_of_its_own(tmp_path):
    # the original is still there: the copy is no move, and gets an id of its own
    source = _text(tmp_path / "a" / "report.txt")
    out = tmp_path / "out"
    run_batch([str(source)], out, FAST)
    copy = _text(tmp_path / "b" / "report.txt")
    ids = sorted(e.doc_id for e in run_batch([str(source), str(copy)], out, FAST).entries)
    assert ids[0] == "report" and ids[1].startswith("report-")


def test_a_quick_pass_without_repair_or_tables_is_done_again_by_a_run_that_wants_them(tmp_path):
    source = _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    quick = BatchOptions(jobs=1, engine="null", quiet=True, repair=False, tables=False)
    assert run_batch([str(source)], out, quick).entries[0].steps == ("pdf",)
    assert run_batch([str(source)], out, quick).skipped == 1
    full = run_batch([str(source)], out, FAST)
    assert full.skipped == 0 and full.entries[0].steps == ("repair", "tables", "pdf")
    assert _manifest(out)["report"]["steps"] == ["repair", "tables", "pdf"]
    assert run_batch([str(source)], out, FAST).skipped == 1
    assert run_batch([str(source)], out, quick).skipped == 1  # more than it asks for: kept


def test_an_archival_file_that_cannot_be_written_is_left_out_said_and_written_by_the_next_run(tmp_path, monkeypatch):
    import sohoa.ingest.archival.alto as alto

    source = _good(tmp_path / "in")
    out = tmp_path / "out"
    real = alto.alto_xml

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(alto, "alto_xml", disk_full)
    entry = run_batch([str(source)], out, FAST).entries[0]
    assert entry.status == "ok" and WarningCode.ARCHIVAL_LEFT_OUT.value in entry.warning_codes
    assert not (out / "good" / "alto.xml").exists() and not list((out / "good").glob(".*.tmp"))
    monkeypatch.setattr(alto, "alto_xml", real)
    again = run_batch([str(source)], out, FAST)
    assert again.skipped == 0 and (out / "good" / "alto.xml").exists()
    assert WarningCode.ARCHIVAL_LEFT_OUT.value not in again.entries[0].warning_codes


def test_run_files_that_cannot_be_written_end_the_run_with_a_readable_error(tmp_path, monkeypatch):
    import sohoa.batch as batch
    from sohoa.errors import SohoaError

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch, "write_manifest", disk_full)
    with pytest.raises(SohoaError, match="No space left on device"):
        run_batch([str(_text(tmp_path / "in" / "report.txt"))], tmp_path / "out", FAST)
    assert '"report"' in (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8")  # its line stands


def test_a_hidden_folder_of_the_user_s_named_like_a_replaced_document_s_stays(tmp_path):
    source = _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    run_batch([str(source)], out, FAST)
    (out / ".old-exports-2023").mkdir()
    (out / ".old-exports-2023" / "keep.txt").write_text("mine", encoding="utf-8")
    (out / ".old-report-12345").mkdir()  # an interrupted replacement of the document 'report'
    (out / ".partial-report-12345").mkdir()
    run_batch([str(source)], out, FAST)
    assert (out / ".old-exports-2023" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / ".old-report-12345").exists() and not (out / ".partial-report-12345").exists()


def test_a_document_folder_stopped_between_its_two_renames_is_put_back(tmp_path):
    source = _text(tmp_path / "in" / "report.txt")
    out = tmp_path / "out"
    run_batch([str(source)], out, FAST)
    (out / "report").rename(out / ".old-report-12345")  # the earlier folder moved aside, the new one not yet in
    assert run_batch([str(source)], out, FAST).skipped == 1
    assert (out / "report" / "text.txt").exists() and not (out / ".old-report-12345").exists()


# ------------------------------------------------------------------ pages silently emptied
def test_sixteen_bit_grey_keeps_its_picture(tmp_path):
    from PIL import Image

    values = np.full((40, 60), 65535, np.uint16)
    values[10:30, 10:50] = 0  # black text on white paper
    values[0:5, :] = 32768  # mid grey
    for name in ("grey16.png", "grey16.tif"):
        Image.fromarray(values).save(tmp_path / name, dpi=(300, 300))
        pixels, dpi, notes = load_page_noted(PageSource("g", str(tmp_path / name), "image", 1, 300))
        assert pixels.dtype == np.uint8 and dpi == 300 and notes == ()
        assert pixels[20, 20] == 0 and pixels[35, 5] == 255 and 120 <= pixels[2, 2] <= 135


def test_cmyk_float_and_transparent_images_keep_their_picture(tmp_path):
    from PIL import Image

    Image.new("CMYK", (40, 40), (0, 0, 0, 255)).save(tmp_path / "cmyk.tif")
    ink = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ink.paste((0, 0, 0, 255), (10, 10, 30, 30))
    ink.save(tmp_path / "alpha.png")
    Image.fromarray(np.full((40, 40), 0.5, np.float32), mode="F").save(tmp_path / "float.tif")
    cmyk, _, _ = load_page_noted(PageSource("c", str(tmp_path / "cmyk.tif"), "image", 1, 300))
    alpha, _, _ = load_page_noted(PageSource("a", str(tmp_path / "alpha.png"), "image", 1, 300))
    grey, _, _ = load_page_noted(PageSource("f", str(tmp_path / "float.tif"), "image", 1, 300))
    assert cmyk.mean() < 10
    assert alpha[0, 0].tolist() == [255, 255, 255] and alpha[20, 20].tolist() == [0, 0, 0]
    assert 120 <= grey.mean() <= 135


def _page_picture(width: int = 400, height: int = 560):
    from PIL import Image, ImageDraw

    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for y in range(40, height - 40, 30):  # lines of 'text' and one mark that tells up from down
        draw.rectangle((40, y, width - 60, y + 12), fill=0)
    draw.rectangle((10, 10, 30, 30), fill=0)
    return page


def test_a_camera_jpeg_with_its_preview_is_one_page(tmp_path):
    from sohoa.ingest.inputs import InputDocument, probe

    page = _page_picture().convert("RGB")
    path = tmp_path / "photo.jpg"  # a camera's JPEG with an MPF preview picture beside the photo
    page.save(path, format="MPO", save_all=True, append_images=[page.resize((100, 140))], dpi=(300, 300))
    assert probe(InputDocument("photo", str(path), "image", "")).pages == 1


def test_a_tiff_s_reduced_resolution_copy_is_no_page_and_a_cut_second_page_fails_alone(tmp_path):
    from PIL import Image, TiffImagePlugin

    from sohoa.errors import InputError
    from sohoa.ingest.inputs import InputDocument, probe

    page = _page_picture()
    path = tmp_path / "scan.tif"
    with open(path, "w+b") as handle, TiffImagePlugin.AppendingTiffWriter(handle) as tiff:
        page.save(tiff, format="TIFF", dpi=(300, 300))
        tiff.newFrame()
        page.resize((50, 70)).save(tiff, format="TIFF", tiffinfo={254: 1}, dpi=(37, 37))  # its thumbnail
        tiff.newFrame()
        page.transpose(Image.Transpose.ROTATE_180).save(tiff, format="TIFF", dpi=(300, 300))
        tiff.newFrame()
    assert probe(InputDocument("scan", str(path), "image", "")).pages == 2
    second, _, _ = load_page_noted(PageSource("s", str(path), "image", 2, 300))
    assert second.shape[:2] == (560, 400) and second[-20, -20] == 0  # the third frame, not the thumbnail

    two = tmp_path / "two.tif"
    with open(two, "w+b") as handle, TiffImagePlugin.AppendingTiffWriter(handle) as tiff:
        for _ in range(2):
            page.save(tiff, format="TIFF", dpi=(300, 300))
            tiff.newFrame()
    data = two.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: int(len(data) * 0.75)])  # a download stopped inside the second page
    assert probe(InputDocument("cut", str(cut), "image", "")).pages == 2
    first, _, _ = load_page_noted(PageSource("c", str(cut), "image", 1, 300))
    assert first[20, 20] == 0
    with pytest.raises(InputError):
        load_page_noted(PageSource("c", str(cut), "image", 2, 300))


def test_a_fax_s_tall_pixels_are_made_square(tmp_path):
    from PIL import Image

    page = _page_picture(1728, 2244)  # a letter page at 204 dpi
    fax = page.resize((1728, 1078))  # a standard fax: 204 × 98 dpi, each pixel twice as tall as wide
    fax.save(tmp_path / "fax.tif", dpi=(204, 98))
    pixels, dpi, notes = load_page_noted(PageSource("f", str(tmp_path / "fax.tif"), "image", 1, 300))
    assert pixels.shape[:2] == (2244, 1728) and dpi == 204 and notes == ()  # as tall as the page again
    # its lines where the page has them, as tall as there
    assert ((pixels[:, 400] < 128) == (np.asarray(page)[:, 400] < 128)).mean() > 0.97


def test_implausible_stored_resolution_is_replaced_with_a_note(tmp_path):
    from PIL import Image

    Image.new("L", (2480, 3508), 255).save(tmp_path / "a4.tif", dpi=(1, 1))  # an A4 scan at 300 dpi
    pixels, dpi, notes = load_page_noted(PageSource("t", str(tmp_path / "a4.tif"), "image", 1, 300))
    assert dpi == 300 and "implausible" in notes[0].message
    assert notes[0].code == WarningCode.RESOLUTION_ESTIMATED
    Image.new("L", (1240, 1754), 255).save(tmp_path / "ok.tif", dpi=(150, 150))
    assert load_page_noted(PageSource("t", str(tmp_path / "ok.tif"), "image", 1, 300))[1:] == (150, ())


def test_a_page_sized_picture_tagged_so_fine_that_it_would_be_a_stamp_takes_its_page_s_resolution():
    from sohoa.ingest.rasterize import plausible_dpi

    dpi, note = plausible_dpi(1200, 2480, 3508)  # an A4 scan at 300 dpi tagged 1200 dpi: 5 × 7 cm
    assert dpi == 300 and "implausible" in note
    assert plausible_dpi(1200, 1200, 900) == (1200, None)  # a small crop scanned finely keeps it
    assert plausible_dpi(600, 4960, 7016) == (600, None)  # an A4 page at 600 dpi
    assert plausible_dpi(1200, 9920, 14032) == (1200, None)  # an A4 page at 1200 dpi


def test_a_one_pixel_image_fails_with_a_readable_reason(tmp_path):
    from PIL import Image

    Image.new("L", (1, 1), 0).save(tmp_path / "dot.png")
    run_batch([str(tmp_path / "dot.png")], tmp_path / "out", FAST)
    entry = _manifest(tmp_path / "out")["dot"]
    assert entry["status"] == "failed" and "too small" in entry["error"] and "cv2" not in entry["error"]


# ------------------------------------------------------------------ usage errors, text hygiene, repair
@pytest.mark.parametrize("where", ["file/sub", "/proc/sohoa-out"])
def test_unwritable_output_is_a_usage_error(tmp_path, runner, where):
    source = _text(tmp_path / "report.txt")
    (tmp_path / "file").write_text("x")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = runner.invoke(main, ["run", str(source), "-o", target, "-q"])
    assert result.exit_code == 2 and "cannot write the output folder" in result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_nul_bytes_never_reach_the_text(tmp_path):
    (tmp_path / "nul.txt").write_bytes("Báo cáo\x00 tình hình\x01 năm 2023.\n".encode("utf-8"))
    run_batch([str(tmp_path / "nul.txt")], tmp_path / "out", FAST)
    text = (tmp_path / "out" / "nul" / "text.txt").read_text(encoding="utf-8")
    assert "\x00" not in text and "\x01" not in text and "tình hình" in text


def test_repair_replaces_an_invalid_byte_in_its_line_only(runner):
    data = "hoà bình\n".encode() + b"abc \xff def\n" + "đúng rồi\n".encode() * 600
    result = runner.invoke(main, ["repair", "--tone-style", "old"], input=data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[0] == "hòa bình" and lines[1] == "abc \ufffd def" and len(lines) == 603
    assert "<stdin>:2: invalid UTF-8" in result.stderr


def test_repair_streams_blocks_and_keeps_one_line_per_line_and_line_numbers(runner):
    import sohoa.diacritics.repair_command as command

    lines = [f"dòng {n}: hoà bình" for n in range(1, 700)]
    result = runner.invoke(main, ["repair", "--explain", "--tone-style", "old"], input="\n".join(lines) + "\n")
    out = result.stdout.split("\n")
    assert len(out) == 700 and out[-1] == "" and out[650] == "dòng 651: hòa bình"
    assert f"<stdin>:651:" in result.stderr and command.BLOCK_LINES < 651
    records = runner.invoke(main, ["repair", "--format", "json", "--tone-style", "old"],
                            input="\n".join(lines) + "\n").stdout.splitlines()
    assert [json.loads(r)["line"] for r in records] == list(range(1, 700))


# ------------------------------------------------------------------ processes: kill -9, Ctrl-C
def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.integration
def test_kill_9_then_resume_gives_the_outputs_of_a_clean_run_and_no_orphan_workers(tmp_path):
    for n in range(12):
        _text(tmp_path / "in" / f"doc{n}.txt", f"Bao cao so {n}: tinh hinh kinh te - xa hoi nam 2023.\n" * 40)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    command = [*SOHOA, "run", str(tmp_path / "in"), "-q", "--jobs", "2"]  # repair on: each document takes a while
    subprocess.run([*command, "-o", str(tmp_path / "clean")], env=env, check=True, timeout=300)
    run = subprocess.Popen([*command, "-o", str(tmp_path / "out")], env=env)
    manifest = tmp_path / "out" / "manifest.jsonl"
    seen: set[int] = set()

    def started_and_busy() -> bool:
        seen.update(_children(run.pid))
        return bool(seen) and manifest.exists() and manifest.read_text().count("\n") >= 2

    assert _wait_for(started_and_busy, 120)
    workers = sorted(seen)
    assert workers and run.poll() is None  # the pool's processes, while the run is still going
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() and
                                     "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
                                     for pid in workers), 10)
    subprocess.run([*command, "-o", str(tmp_path / "out")], env=env, check=True, timeout=300)
    clean, resumed = _manifest(tmp_path / "clean"), _manifest(tmp_path / "out")
    assert set(clean) == set(resumed)
    for doc_id in clean:
        assert resumed[doc_id]["status"] == "ok"
        for name in ("text.txt", "ocr.txt", "pages.jsonl", "indicators.csv"):
            assert (tmp_path / "out" / doc_id / name).read_bytes() == (tmp_path / "clean" / doc_id / name).read_bytes()
    assert not list((tmp_path / "out").glob(".partial-*"))


@pytest.mark.integration
@pytest.mark.parametrize("stop, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_or_sigterm_stops_the_run_with_its_manifest_compacted(tmp_path, stop, code):
    # far more documents than a run finishes between its first result and the signal, so that
    # the signal always lands mid-run however fast the machine is
    for n in range(150):
        _text(tmp_path / "in" / f"doc{n:03d}.txt", "Báo cáo tình hình kinh tế - xã hội năm 2023.\n" * 50)
    # as from a terminal: Ctrl-C at its default, even where this test itself runs in the
    # background (a background job's shell starts it with SIGINT ignored, and that is inherited)
    run = subprocess.Popen([*SOHOA, "run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"],
                           env=dict(os.environ, OMP_THREAD_LIMIT="1"), stderr=subprocess.PIPE,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    manifest = tmp_path / "out" / "manifest.jsonl"
    assert _wait_for(lambda: manifest.exists() and manifest.read_text(encoding="utf-8").strip(), 120)
    run.send_signal(stop)
    assert run.wait(60) == code
    assert b"Traceback" not in run.stderr.read()
    lines = [json.loads(line)["doc_id"] for line in manifest.read_text(encoding="utf-8").splitlines()]
    assert lines and len(lines) == len(set(lines))  # one line per input, as after a finished run
    assert not list((tmp_path / "out").glob(".partial-*"))


def test_page_images_a_stopped_worker_left_are_removed_and_a_running_one_s_kept(tmp_path, monkeypatch):
    """A worker stopped mid-page (Ctrl-C, a timeout) keeps no `finally`: its page image would
    stay in the RAM-backed folder. The next batch removes the files of processes that no longer
    run, and leaves a running one's."""
    from sohoa.ingest import ocr

    monkeypatch.setattr(ocr, "_MEMORY_FOLDER", str(tmp_path / "shm"))
    (tmp_path / "shm").mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    orphan = tmp_path / "shm" / f"sohoa-page-{dead}-abc.pgm"
    orphan.write_bytes(b"P5 1 1 255\n\0")
    listing = tmp_path / "shm" / f"sohoa-pages-{dead}-def.txt"
    listing.write_text("x\n")
    with ocr._scratch_file("sohoa-page-", ".pgm") as mine:
        assert Path(mine).parent == tmp_path / "shm" and f"-{os.getpid()}-" in Path(mine).name
        other = tmp_path / "shm" / "notes.txt"
        other.write_text("not ours")
        _text(tmp_path / "in" / "report.txt")
        run_batch([str(tmp_path / "in")], tmp_path / "out", FAST)
        assert Path(mine).exists() and other.exists()  # a running process's file, and no file of ours
    assert not orphan.exists() and not listing.exists()
    assert not Path(mine).exists()  # removed by its own `finally`
