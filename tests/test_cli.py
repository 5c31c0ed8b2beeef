import pytest
from click.testing import CliRunner

from sohoa.cli import main


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["run"], ["repair"], ["tables"], ["train"], ["eval"]])
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, command + ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_unknown_command_is_a_usage_error(runner):
    result = runner.invoke(main, ["frobnicate"])
    assert result.exit_code == 2


def test_run_offers_the_ocr_model_and_min_confidence(runner):
    result = runner.invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    assert "--ocr-model [best|fast]" in result.output and "--min-confidence" in result.output
    bad = runner.invoke(main, ["run", ".", "-o", "out", "--ocr-model", "tiny"])
    assert bad.exit_code == 2


def test_run_passes_the_ocr_engine_on(runner, monkeypatch, tmp_path):
    import sohoa.ingest.batch as batch

    seen = []
    monkeypatch.setattr(batch, "run_batch", lambda inputs, out, options: seen.append(options) or batch.BatchSummary())
    for args, in_process in (([], False), (["--ocr-engine", "libtesseract"], True), (["--ocr-engine", "pytesseract"], False)):
        result = runner.invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out"), *args])
        assert result.exit_code == 0, result.output
        assert seen[-1].in_process_ocr is in_process
    assert runner.invoke(main, ["run", str(tmp_path), "-o", "out", "--ocr-engine", "tesserocr"]).exit_code == 2
