import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.batch import BatchOptions, run_batch
from sohoa.manifest import read_manifest
from sohoa.tables.api import TIDY_COLUMNS


@pytest.fixture
def runner():
    return CliRunner()


def _manifest(out):
    return {e["doc_id"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}


def test_bad_inputs_are_reported_and_the_good_ones_complete(bad_batch, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([str(bad_batch)], out, BatchOptions(jobs=1, engine="null", quiet=True))
    assert not summary.all_ok
    manifest = _manifest(out)
    # a file in a sub-folder of an input folder is named by its path below that folder
    assert manifest["good"]["status"] == "ok" and manifest["sub__legacy"]["status"] == "ok"
    assert manifest["zero"]["status"] == "failed" and "0 bytes" in manifest["zero"]["error"]
    assert manifest["corrupt"]["status"] == "failed" and "corrupt PDF" in manifest["corrupt"]["error"]
    assert manifest["locked"]["status"] == "failed" and "encrypted PDF" in manifest["locked"]["error"]
    assert manifest["blank"]["status"] == "failed" and "no text" in manifest["blank"]["error"]
    assert manifest["latin1"]["status"] == "failed" and "encoding" in manifest["latin1"]["error"]
    for entry in manifest.values():
        assert set(entry) >= {"doc_id", "source", "status", "pages", "seconds", "sha256"}
    # the good documents are complete, the bad ones leave nothing that looks complete
    for doc_id in ("good", "sub__legacy"):
        for name in ("text.txt", "ocr.txt", "pages.jsonl", "indicators.csv"):
            assert (out / doc_id / name).exists()
    assert not (out / "corrupt").exists() and not list(out.glob(".partial-*"))
    text = (out / "good" / "text.txt").read_text(encoding="utf-8")
    assert "Thực hiện Nghị quyết của Hội đồng nhân dân tỉnh" in text
    assert text.count("\n") == 1  # one paragraph, one line
    page = json.loads((out / "good" / "pages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert page["source"] == "text-layer" and page["dpi"] == 300
    assert {"text", "raw", "conf", "bbox", "line", "block"} <= set(page["words"][0])
    run_level = pd.read_csv(out / "indicators.csv")
    assert list(run_level.columns)[: len(TIDY_COLUMNS)] == list(TIDY_COLUMNS)


def test_cli_exit_code_is_1_when_some_inputs_fail(bad_batch, tmp_path, runner):
    result = runner.invoke(main, ["run", str(bad_batch / "sub"), "-o", str(tmp_path / "o1"), "-q", "--jobs", "1"])
    assert result.exit_code == 0, result.output  # only the good legacy text
    result = runner.invoke(main, ["run", str(bad_batch / "zero.pdf"), str(bad_batch / "sub"),
                                  "-o", str(tmp_path / "o2"), "-q", "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stdout == ""  # progress and errors never go to stdout


def test_second_run_skips_complete_documents_unless_forced(bad_batch, tmp_path):
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, engine="null", quiet=True)
    run_batch([str(bad_batch / "good.pdf"), str(bad_batch / "sub")], out, options)
    first = (out / "good" / "text.txt").stat().st_mtime_ns
    again = run_batch([str(bad_batch / "good.pdf"), str(bad_batch / "sub")], out, options)
    assert again.skipped == 2 and again.all_ok
    assert (out / "good" / "text.txt").stat().st_mtime_ns == first
    forced = run_batch([str(bad_batch / "good.pdf")], out, BatchOptions(jobs=1, engine="null", quiet=True, force=True))
    assert forced.skipped == 0
    assert len(read_manifest(out)) == 2  # one line per document, not one per run
    assert len((out / "manifest.jsonl").read_text().splitlines()) == 2


def test_changed_input_is_redone(bad_batch, tmp_path):
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, engine="null", quiet=True)
    legacy = bad_batch / "sub" / "legacy.txt"
    run_batch([str(legacy)], out, options)
    legacy.write_text("Nội dung mới của báo cáo.\n", encoding="utf-8")
    again = run_batch([str(legacy)], out, options)
    assert again.skipped == 0
    assert (out / "legacy" / "text.txt").read_text(encoding="utf-8") == "Nội dung mới của báo cáo.\n"


def test_a_changed_input_that_fails_leaves_no_folder_of_its_earlier_version(bad_batch, tmp_path):
    out = tmp_path / "out"
    options = BatchOptions(jobs=1, engine="null", quiet=True)
    legacy = bad_batch / "sub" / "legacy.txt"
    run_batch([str(legacy)], out, options)
    assert (out / "legacy" / "text.txt").exists()
    legacy.write_bytes(b"")  # the input is now empty: this run fails it
    again = run_batch([str(legacy)], out, options)
    assert [entry.status for entry in again.entries] == ["failed"]
    # the old text belongs to content that is no longer there; left, it would pass for this input's
    assert not (out / "legacy").exists()


def test_the_same_input_failing_on_a_forced_rerun_keeps_its_earlier_outputs(bad_batch, tmp_path, monkeypatch):
    out = tmp_path / "out"
    legacy = bad_batch / "sub" / "legacy.txt"
    run_batch([str(legacy)], out, BatchOptions(jobs=1, engine="null", quiet=True))
    before = (out / "legacy" / "text.txt").read_bytes()

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("sohoa.batch.probe", refuse)
    again = run_batch([str(legacy)], out, BatchOptions(jobs=1, engine="null", quiet=True, force=True))
    entry = again.entries[0]
    assert entry.status == "failed" and "disk full" in entry.error and "earlier run" in entry.error
    assert (out / "legacy" / "text.txt").read_bytes() == before


def test_a_text_inputs_form_feeds_part_its_pages_as_a_scans_are(tmp_path):
    source = tmp_path / "in" / "export.txt"
    source.parent.mkdir()
    source.write_text("Trang đầu của báo cáo.\n\fTrang thứ hai của báo cáo.\n\f", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch([str(source)], out, BatchOptions(jobs=1, quiet=True, repair=False))
    assert summary.all_ok and summary.entries[0].pages == 2
    assert (out / "export" / "text.txt").read_text(encoding="utf-8") == \
        "Trang đầu của báo cáo.\fTrang thứ hai của báo cáo.\n"
    assert [json.loads(line)["page"] for line in (out / "export" / "pages.jsonl").read_text().splitlines()] == [1, 2]


def test_no_repair_keeps_text_equal_to_ocr_and_no_tables_still_writes_csv_header(bad_batch, tmp_path):
    out = tmp_path / "out"
    run_batch([str(bad_batch / "good.pdf")], out,
              BatchOptions(jobs=1, engine="null", quiet=True, repair=False, tables=False))
    assert (out / "good" / "text.txt").read_text() == (out / "good" / "ocr.txt").read_text()
    assert pd.read_csv(out / "good" / "indicators.csv").columns.tolist() == list(TIDY_COLUMNS)


def test_same_stem_in_two_folders_gets_unique_ids(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"Báo cáo {folder}.\n", encoding="utf-8")
    run_batch([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "out", BatchOptions(jobs=1, quiet=True))
    manifest = _manifest(tmp_path / "out")
    assert (tmp_path / "out" / "report" / "text.txt").read_text(encoding="utf-8") == "Báo cáo a.\n"
    second = next(doc_id for doc_id in manifest if doc_id != "report")
    assert second.startswith("report-") and manifest[second]["source"].endswith("b/report.txt")
    assert (tmp_path / "out" / second / "text.txt").read_text(encoding="utf-8") == "Báo cáo b.\n"


def test_pool_of_two_workers_gives_the_same_result(bad_batch, tmp_path):
    run_batch([str(bad_batch)], tmp_path / "one", BatchOptions(jobs=1, engine="null", quiet=True))
    run_batch([str(bad_batch)], tmp_path / "two", BatchOptions(jobs=2, engine="null", quiet=True))
    for doc in ("good", "sub__legacy"):
        assert (tmp_path / "one" / doc / "text.txt").read_text() == (tmp_path / "two" / doc / "text.txt").read_text()
    strip = lambda m: {k: {f: v for f, v in e.items() if f != "seconds"} for k, e in m.items()}  # noqa: E731
    assert strip(_manifest(tmp_path / "one")) == strip(_manifest(tmp_path / "two"))


def test_huge_image_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    folder = tmp_path / "in"
    folder.mkdir()
    Image.new("1", (16000, 12000), 1).save(folder / "poster.png")  # 192 megapixels, tiny file
    run_batch([str(folder)], tmp_path / "out", BatchOptions(jobs=1, engine="null", quiet=True))
    entry = _manifest(tmp_path / "out")["poster"]
    assert entry["status"] == "failed" and "huge image" in entry["error"]


def test_unsupported_file_named_directly_is_reported(tmp_path):
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04 not really")
    run_batch([str(odd)], tmp_path / "out", BatchOptions(jobs=1, engine="null", quiet=True))
    entry = _manifest(tmp_path / "out")["notes"]
    assert entry["status"] == "failed" and "unsupported file type" in entry["error"]


def test_interrupted_write_leaves_nothing_that_looks_complete(bad_batch, tmp_path, monkeypatch):
    import sohoa.pipeline as pipeline

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "_write_tables", broken)
    out = tmp_path / "out"
    run_batch([str(bad_batch / "good.pdf")], out, BatchOptions(jobs=1, engine="null", quiet=True))
    entry = _manifest(out)["good"]
    assert entry["status"] == "failed" and "disk full" in entry["error"]
    assert not (out / "good").exists()


PAGE_SECONDS = 2.5


def _page_taking_its_time(source, options, engine=None):
    """The real page step, its result saying it took PAGE_SECONDS (picklable by name)."""
    from dataclasses import replace

    from sohoa.pipeline import process_page

    return replace(process_page(source, options, engine), seconds=PAGE_SECONDS)


def test_a_documents_seconds_are_its_own_work_not_its_wait_in_the_batch(tmp_path, monkeypatch):
    """manifest seconds: the document's pages' own seconds in the workers plus its finishing,
    whatever the other documents took before it."""
    from tests.ingest.conftest import BODY, make_born_digital_pdf, wrap

    folder = tmp_path / "inputs"
    folder.mkdir()
    for name in ("a", "b", "c"):
        make_born_digital_pdf(folder / f"{name}.pdf", wrap(BODY))
    # the workers fork after this, with the patched batch module
    monkeypatch.setattr("sohoa.batch.process_page", _page_taking_its_time)
    out = tmp_path / "out"
    run_batch([str(folder)], out, BatchOptions(jobs=1, engine="null", quiet=True))
    manifest = _manifest(out)
    for entry in manifest.values():
        assert entry["status"] == "ok"
        # the pages' own seconds, and the finishing (well under a page's) on top: a document
        # that waited behind two others reads no more than the first
        assert entry["pages"] * PAGE_SECONDS <= entry["seconds"] < entry["pages"] * PAGE_SECONDS + PAGE_SECONDS


def test_a_utf8_text_input_with_one_stray_byte_is_read_with_a_warning(tmp_path):
    source = tmp_path / "in" / "note.txt"
    source.parent.mkdir()
    body = "".join(f"Đoạn {k}: Ủy ban nhân dân tỉnh giao các sở triển khai kế hoạch.\n\n" for k in range(30))
    source.write_bytes(body.encode("utf-8").replace(b"giao", b"giao \x96", 1))
    summary = run_batch([str(source)], tmp_path / "out", BatchOptions(jobs=1, quiet=True, repair=False))
    (entry,) = summary.entries
    assert entry.status == "ok" and entry.warning_codes == ("invalid-bytes",)
    assert "line 1" in entry.warnings[0]
    assert (tmp_path / "out" / "note" / "text.txt").read_text(encoding="utf-8").count("\ufffd") == 1


def test_a_document_that_runs_out_of_memory_says_so(tmp_path, monkeypatch):
    source = tmp_path / "in" / "huge.txt"
    source.parent.mkdir()
    source.write_text("Ủy ban nhân dân tỉnh.\n", encoding="utf-8")

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr("sohoa.pipeline._write_document", exhausted)
    summary = run_batch([str(source)], tmp_path / "out", BatchOptions(jobs=1, quiet=True))
    (entry,) = summary.entries
    assert entry.status == "failed" and "out of memory" in entry.error  # never an empty reason


def test_html_on_a_finished_run_adds_the_review_pages_without_reading_again(bad_batch, tmp_path):
    scan, out = bad_batch / "good.pdf", tmp_path / "out"
    run_batch([str(scan)], out, BatchOptions(jobs=1, engine="null", quiet=True, pdf=False))
    assert not (out / "good" / "review.html").exists()
    again = run_batch([str(scan)], out, BatchOptions(jobs=1, engine="null", quiet=True, pdf=False, html=True))
    assert again.skipped == 1 and (out / "good" / "review.html").exists()


def test_a_run_whose_stderr_is_a_log_file_gets_its_progress_as_lines(tmp_path, monkeypatch, caplog):
    import logging

    from sohoa.batch import _Progress

    monkeypatch.setattr(_Progress, "every", 0.0)  # a line at every step, not once a minute
    for n in range(3):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"doc{n}.txt").write_text("Báo cáo tình hình kinh tế - xã hội năm 2023.\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="sohoa.batch"):
        run_batch([str(tmp_path / "in")], tmp_path / "out", BatchOptions(jobs=1, engine="null"))
    lines = [r.getMessage() for r in caplog.records if "documents," in r.getMessage()]
    assert lines and lines[-1].startswith("3/3 pages, 3/3 documents, 0 failed")
