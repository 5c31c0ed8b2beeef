import json

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from sohoa.cli import main
from sohoa.ingest.evaluate import normalise, score, total


def test_identical_text_scores_perfectly_whatever_the_layout():
    s = score("d", "Báo cáo\n\ntình  hình\fnăm 2023", "Báo cáo tình hình năm 2023")
    assert (s.cer, s.wer, s.syllable_accuracy) == (0.0, 0.0, 1.0)


def test_nfd_and_nfc_are_the_same_text():
    import unicodedata

    s = score("d", unicodedata.normalize("NFD", "Nghị quyết"), "Nghị quyết")
    assert s.cer == 0.0


def test_one_wrong_tone_mark():
    s = score("d", "Nghi quyết của tỉnh", "Nghị quyết của tỉnh")
    assert s.char_errors == 1 and s.chars == len("Nghị quyết của tỉnh")
    assert s.wer == pytest.approx(1 / 4)
    assert s.syllable_accuracy == pytest.approx(3 / 4)


def test_overall_is_a_total_not_a_mean():
    a = score("a", "x" * 10, "y" * 10)  # 10 errors / 10
    b = score("b", "z" * 90, "z" * 90)  # 0 / 90
    assert total([a, b]).cer == pytest.approx(0.1)


@given(st.text(max_size=40), st.text(max_size=40))
def test_cer_is_zero_only_for_equal_normalised_text(hyp, ref):
    s = score("d", hyp, ref)
    assert (s.char_errors == 0) == (normalise(hyp) == normalise(ref))


def test_eval_command_reads_a_run_folder(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "doc.txt").write_text("Nghị quyết của tỉnh", encoding="utf-8")
    (tmp_path / "gold" / "gone.txt").write_text("Không có", encoding="utf-8")
    (tmp_path / "out" / "doc").mkdir(parents=True)
    (tmp_path / "out" / "doc" / "text.txt").write_text("Nghi quyết của tỉnh\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--gold", str(tmp_path / "gold"), str(tmp_path / "out"),
                                       "--format", "json"])
    assert result.exit_code == 1  # a gold document is missing from OUT
    report = json.loads(result.stdout)
    assert report["missing"] == ["gone"]
    assert report["documents"][0]["cer"] == pytest.approx(1 / 19, abs=1e-4)
    assert report["overall"]["syllable_accuracy"] == pytest.approx(0.75)


def _run(tmp_path, gold_name: str, gold: bytes, text: str = "Nghị quyết của tỉnh\n"):
    (tmp_path / "gold").mkdir(exist_ok=True)
    (tmp_path / "gold" / gold_name).write_bytes(gold)
    (tmp_path / "out" / "báo cáo").mkdir(parents=True, exist_ok=True)
    (tmp_path / "out" / "báo cáo" / "text.txt").write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["eval", "--gold", str(tmp_path / "gold"), str(tmp_path / "out"), "--format", "json"])


@pytest.mark.parametrize("gold", ["Nghị quyết của tỉnh".encode("utf-8-sig"), "Nghị quyết của tỉnh".encode("utf-16")])
def test_gold_with_a_bom_or_in_utf16_scores_its_text_alone(tmp_path, gold):
    import unicodedata

    result = _run(tmp_path, unicodedata.normalize("NFD", "báo cáo") + ".txt", gold)  # named as a Mac names it
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.stdout)["documents"]
    assert document["cer"] == 0 and document["chars"] == 19


@pytest.mark.parametrize("gold, words", [(b"", "empty"), (b"Ngh\xe9 quy\xeat", "not UTF-8")])
def test_an_empty_or_undecodable_gold_file_is_said_not_scored(tmp_path, gold, words):
    result = _run(tmp_path, "báo cáo.txt", gold)
    assert result.exit_code == 2 and words in result.output and isinstance(result.exception, SystemExit)


def test_a_folder_of_gold_against_one_text_file_is_a_usage_error(tmp_path):
    (tmp_path / "gold").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "gold" / name).write_text("Nghị quyết", encoding="utf-8")
    (tmp_path / "one.txt").write_text("Nghị quyết", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--gold", str(tmp_path / "gold"), str(tmp_path / "one.txt")])
    assert result.exit_code == 2 and "one text file" in result.output
