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
