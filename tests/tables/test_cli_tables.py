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
    truth = {(o.indicator, o.measure, o.period) for o in page.tables[0].observations}
    got = {(r.indicator, r.measure, r.period) for r in tidy.itertuples()}
    assert len(truth & got) >= 0.8 * len(truth)
    assert set(tidy.section) - {""} <= {"I. Chỉ tiêu kinh tế", "II. Chỉ tiêu xã hội"}
