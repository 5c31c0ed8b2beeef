"""--no-repair leaves table cells as read, as it leaves the text."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from sohoa.cli import main

DUMP = Path(__file__).resolve().parents[1] / "tables" / "data" / "dump_small.txt"


def _names(tmp_path: Path, *args: str) -> list[str]:
    inputs = tmp_path / "in"
    inputs.mkdir(exist_ok=True)
    # the indicator names as old English-model OCR leaves them: no marks
    (inputs / "appendix.txt").write_text(DUMP.read_text(encoding="utf-8").replace("Tốc độ tăng trưởng GRDP",
                                                                                 "Toc do tang truong GRDP"),
                                         encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--force", *args])
    assert result.exit_code == 0, result.output
    return list(pd.read_csv(out / "appendix" / "indicators.csv", dtype=str, keep_default_na=False)["indicator"])


def test_no_repair_leaves_table_cells_as_read(tmp_path):
    assert "Toc do tang truong GRDP" in _names(tmp_path, "--no-repair")


def test_repair_restores_table_cells(tmp_path):
    assert "Tốc độ tăng trưởng GRDP" in _names(tmp_path)
