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


def test_what_a_run_reports_goes_to_stderr_through_the_sohoa_logger(tmp_path):
    (tmp_path / "bao_cao.txt").write_text("Báo cáo tình hình kinh tế - xã hội năm 2023 của tỉnh.\n", encoding="utf-8")
    (tmp_path / "trong.txt").write_bytes(b"")
    runner = CliRunner()  # stderr apart from stdout (click 8.2)
    args = ["run", str(tmp_path / "bao_cao.txt"), str(tmp_path / "trong.txt"), "-o", str(tmp_path / "out"),
            "--no-repair", "--jobs", "1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and result.stdout == ""
    assert "sohoa: trong: failed:" in result.stderr and "sohoa: 1/2 documents ok" in result.stderr
    again = runner.invoke(main, args + ["--quiet"])
    assert again.exit_code == 1 and again.stderr == ""


def test_run_passes_the_ocr_engine_on(runner, monkeypatch, tmp_path):
    import sohoa.batch as batch

    seen = []
    monkeypatch.setattr(batch, "run_batch", lambda inputs, out, options: seen.append(options) or batch.BatchSummary())
    for args, in_process in (([], False), (["--ocr-engine", "libtesseract"], True), (["--ocr-engine", "pytesseract"], False)):
        result = runner.invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out"), *args])
        assert result.exit_code == 0, result.output
        assert seen[-1].in_process_ocr is in_process and seen[-1].page_options.in_process_ocr is in_process
    tables = runner.invoke(main, ["tables", str(tmp_path), "-o", str(tmp_path / "out"), "--quiet",
                                  "--ocr-engine", "libtesseract"])
    assert tables.exit_code == 0, tables.output
    assert seen[-1].in_process_ocr is True and seen[-1].text is False
    assert runner.invoke(main, ["run", str(tmp_path), "-o", "out", "--ocr-engine", "tesserocr"]).exit_code == 2


def test_no_input_to_read_and_a_scheduler_address_dask_cannot_parse_are_usage_errors(tmp_path):
    """Exit 2 with a readable reason, not 1 (inputs that failed) nor a traceback."""
    pytest.importorskip("distributed")
    runner = CliRunner()
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["run", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no PDF, image or .txt files found" in result.output
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Nghị quyết số 12.\n", encoding="utf-8")
    result = runner.invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out2"), "--scheduler", "bogus"])
    assert result.exit_code == 2 and "not an address of a Dask scheduler" in result.output
    assert "Traceback" not in result.output
