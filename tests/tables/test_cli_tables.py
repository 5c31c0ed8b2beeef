import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.tables.api import TIDY_COLUMNS

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner():
    return CliRunner()


def test_tables_help(runner):
    result = runner.invoke(main, ["tables", "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_tables_from_a_text_file(runner, tmp_path):
    result = runner.invoke(main, ["tables", str(DATA / "dump_small.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    run = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype=str, keep_default_na=False)
    assert tuple(run.columns) == TIDY_COLUMNS
    assert len(run) == 12
    assert (tmp_path / "out" / "dump_small" / "tables" / "p1_t1.csv").exists()
    assert (tmp_path / "out" / "dump_small" / "indicators.csv").exists()


def test_tables_only_is_the_batch_job_without_text_files(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["tables", str(DATA / "dump_small.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (entry,) = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entry["doc_id"] == "dump_small" and entry["status"] == "ok"
    assert sorted(p.name for p in (out / "dump_small").iterdir()) == ["indicators.csv", "tables"]
    again = runner.invoke(main, ["tables", str(DATA / "dump_small.txt"), "-o", str(out)])
    assert again.exit_code == 0 and "already complete" in again.output  # the same resume as `sohoa run`
    # a complete tables-only document is not a complete `sohoa run` document: that one is done again
    run = runner.invoke(main, ["run", str(DATA / "dump_small.txt"), "-o", str(out), "--no-repair"])
    assert run.exit_code == 0 and "already complete" not in run.output
    assert (out / "dump_small" / "text.txt").exists()


def test_unreadable_input_is_reported_and_the_rest_completes(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text((DATA / "dump_small.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(main, ["tables", str(empty), str(good), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (tmp_path / "out" / "good" / "indicators.csv").exists()
    run = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype=str, keep_default_na=False)
    assert set(run.doc_id) == {"good"}


@pytest.mark.integration
def test_tables_from_a_scanned_page(runner, tmp_path):
    """A generated ruled table page through the real rasteriser, preprocessor and Tesseract."""
    from sohoa.synth.tables_render import render_table_page

    page = render_table_page("groups", seed=3)
    path = tmp_path / "bang.png"
    page.image.save(path, dpi=(300, 300))
    result = runner.invoke(main, ["tables", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    wide = pd.read_csv(tmp_path / "out" / "bang" / "tables" / "p1_t1.csv", dtype=str, keep_default_na=False)
    assert list(wide.columns) == page.tables[0].header
    tidy = pd.read_csv(tmp_path / "out" / "bang" / "indicators.csv", dtype=str, keep_default_na=False)
    # names are compared loosely (Tesseract reads this font's 'chi' as 'chỉ'); values exactly
    truth = {(o.measure, o.period, o.value, o.value_min, o.qualifier) for o in page.tables[0].observations}
    got = {(r.measure, r.period, r.value, r.value_min, r.qualifier) for r in tidy.itertuples()}
    assert len(truth & got) >= 0.8 * len(truth)
    names = {o.indicator for o in page.tables[0].observations}
    assert len(names & set(tidy.indicator)) >= 0.5 * len(names)
    assert set(tidy.section) - {""} <= {"I. Chỉ tiêu kinh tế", "II. Chỉ tiêu xã hội"}


@pytest.mark.integration
def test_a_page_of_prose_yields_no_table():
    """Negative case: an official text page (no table) must not turn into a borderless table."""
    import numpy as np

    from sohoa.ingest.records import PageImage
    from sohoa.synth.render import Paragraph, render_document
    from sohoa.tables.api import find_page_tables

    text = ("Ủy ban nhân dân tỉnh giao các sở, ban, ngành tổ chức thực hiện kế hoạch; định kỳ "
            "hằng quý báo cáo kết quả về Sở Kế hoạch và Đầu tư để tổng hợp, báo cáo theo quy định. ") * 6
    pages = render_document([Paragraph(text)] * 3, level="clean", seed=1)
    image = np.asarray(pages[0].image.convert("L"))
    assert find_page_tables(PageImage("prose", 1, image, 300)) == []


@pytest.mark.integration
def test_a_table_continued_on_the_next_page_of_a_pdf_is_joined(runner, tmp_path):
    """Two-page PDF, the second page going on with body rows and no repeated header: one
    logical table, one wide CSV, observations from both pages under the first page's header."""
    from sohoa.synth.tables_render import render_continued_pages

    first, second = render_continued_pages(seed=1, repeat_header=False)
    truth = first.tables[0]
    path = tmp_path / "phu_luc.pdf"
    first.image.convert("RGB").save(path, save_all=True, append_images=[second.image.convert("RGB")],
                                    resolution=300)
    result = runner.invoke(main, ["tables", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    tables_dir = tmp_path / "out" / "phu_luc" / "tables"
    assert sorted(p.name for p in tables_dir.iterdir()) == ["p1_t1.csv", "p1_t1.json"]
    wide = pd.read_csv(tables_dir / "p1_t1.csv", dtype=str, keep_default_na=False)
    assert list(wide.columns) == truth.header
    assert len(wide) == len(truth.rows)
    sidecar = json.loads((tables_dir / "p1_t1.json").read_text(encoding="utf-8"))
    assert sidecar["columns"] == list(wide.columns) and sidecar["pages"] == [1, 2]
    assert sidecar["source"] == "ruled" and sidecar["row_pages"][0] == 1 and sidecar["row_pages"][-1] == 2
    confidences = sidecar["confidences"]
    assert len(confidences) == len(wide) and all(len(row) == len(wide.columns) for row in confidences)
    assert all(0 <= c <= 100 for row in confidences for c in row)
    tidy = pd.read_csv(tmp_path / "out" / "phu_luc" / "indicators.csv", dtype=str, keep_default_na=False)
    assert set(tidy.page) == {"1", "2"} and set(tidy.table) == {"1"}
    expected = {(o.measure, o.period, o.value, o.value_min, o.qualifier) for o in truth.observations}
    got = {(r.measure, r.period, r.value, r.value_min, r.qualifier) for r in tidy.itertuples()}
    assert len(expected & got) >= 0.8 * len(expected)
