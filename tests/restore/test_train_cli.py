"""`sohoa train` builds a model file that the restorer loads."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.diacritics.restore import load_restorer
from sohoa.synth.corpus import is_heldout

TEXT = "Nghị quyết Đại hội Đảng bộ tỉnh.\nKết quả thực hiện nhiệm vụ năm 2021.\n" * 5


@pytest.fixture
def runner():
    return CliRunner()


def _train_file(tmp_path):
    name = next(f"corpus{n}.txt" for n in range(100) if not is_heldout(f"corpus{n}.txt"))
    path = tmp_path / name
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_train_writes_a_loadable_model(runner, tmp_path):
    corpus = _train_file(tmp_path)
    model = tmp_path / "model.npz"
    result = runner.invoke(main, ["train", "--corpus", str(corpus), "-o", str(model)])
    assert result.exit_code == 0, result.output
    restorer = load_restorer(model)
    after = [e.after for e in restorer.find_edits("Nghi quyet Dai hoi")]
    assert after == ["Nghị", "quyết", "Đại", "hội"]
    from sohoa.diacritics.restore.codes import default_vocabulary, read_vocabulary

    codes = read_vocabulary(tmp_path / "model.codes.tsv")  # the code table beside it
    assert codes.acronyms == {} and codes.confusions == default_vocabulary().confusions  # no OCR pages: kept
    from sohoa.diacritics.list_ends import read_table

    assert read_table(tmp_path / "model.semicolons.tsv") is not None  # what follows words, beside it


def test_train_on_an_empty_corpus_fails_clearly(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["train", "--corpus", str(empty), "-o", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert "no Vietnamese words" in result.output
