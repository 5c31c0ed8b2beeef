"""`sohoa repair` driven through click's CliRunner."""

import json

import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.diacritics.legacy import CODECS


@pytest.fixture
def runner():
    return CliRunner()


def test_help(runner):
    result = runner.invoke(main, ["repair", "--help"])
    assert result.exit_code == 0 and "--tone-style" in result.output


def test_stdin_is_line_preserving(runner):
    lines = ["Nghá»‹ quyáº¿t", "", "hoà bình", "15/QD-TTg", "   ", "đúng rồi"]
    result = runner.invoke(main, ["repair"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout.split("\n")
    assert out[:-1] == ["Nghị quyết", "", "hoà bình", "15/QĐ-TTg", "   ", "đúng rồi"] and out[-1] == ""


@pytest.mark.parametrize("line", ["hoà bình, thuỷ lợi", "hòa bình, thủy lợi", "tích luỹ, khoá học", "Uỷ ban",
                                  "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
def test_tone_style_keep_is_the_default(runner, line):
    result = runner.invoke(main, ["repair"], input=line + "\n")
    assert result.stdout == line + "\n"


def test_tone_style_new(runner):
    result = runner.invoke(main, ["repair", "--tone-style", "new"], input="hòa bình, thủy lợi\n")
    assert result.stdout == "hoà bình, thuỷ lợi\n"


def test_explain_goes_to_stderr_and_json_has_edits(runner):
    result = runner.invoke(main, ["repair", "--explain", "--tone-style", "old"], input="hoà\n")
    assert result.stdout == "hòa\n"
    assert "tone.placement 'hoà' → 'hòa'" in result.stderr
    result = runner.invoke(main, ["repair", "--format", "json", "--tone-style", "old"], input="ok\nhoà\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["ok", "hòa"]
    assert records[1]["edits"][0]["before"] == "hoà" and records[1]["edits"][0]["start"] == 0


def test_legacy_file_to_output_file_and_html_review(runner, tmp_path):
    source = tmp_path / "old.txt"
    source.write_bytes(CODECS["tcvn3"].encode("Nghị quyết của Tỉnh ủy\nvề hoà bình\n"))
    out, page = tmp_path / "new.txt", tmp_path / "review.html"
    result = runner.invoke(main, ["repair", str(source), "-o", str(out), "--html", str(page), "--tone-style", "old"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "Nghị quyết của Tỉnh ủy\nvề hòa bình\n"
    assert "read as tcvn3" in result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'class="edit"' in html and "hoà" in html


SENTENCE = "Ông Nguyễn Văn Thủy, Phó Chủ tịch UBND tỉnh Trà Vinh, ký Tờ trình số 15.\n"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "cp1258"])
def test_naming_the_encoding_of_a_legacy_file_decodes_it_once(runner, tmp_path, encoding):
    source = tmp_path / "old.txt"
    source.write_bytes(CODECS[encoding].encode(SENTENCE))
    named = runner.invoke(main, ["repair", str(source), "--encoding", encoding])
    detected = runner.invoke(main, ["repair", str(source)])
    assert named.exit_code == 0 and named.stdout == detected.stdout == SENTENCE


def test_naming_viqr_decodes_it_once_and_keeps_its_escaped_stops(runner, tmp_path):
    source = tmp_path / "old.txt"
    source.write_bytes(b"Vie^.c ddo\\. nga`y 15\\.\nTa.i sao kho^ng ddi\\?\n")
    for extra in ([], ["--encoding", "viqr"]):
        result = runner.invoke(main, ["repair", str(source), *extra])
        assert result.stdout == "Việc đo. ngày 15.\nTại sao không đi?\n"


def test_naming_the_encoding_of_text_saved_as_utf8_mojibake_undoes_it(runner):
    mojibake = CODECS["tcvn3"].encode("Nghị quyết của Tỉnh ủy").decode("cp1252", errors="replace")
    result = runner.invoke(main, ["repair", "--encoding", "tcvn3"], input=mojibake + "\n")
    assert result.stdout == "Nghị quyết của Tỉnh ủy\n"


def test_low_confidence_changes_are_flagged_not_made(runner):
    result = runner.invoke(main, ["repair", "--format", "json", "--min-confidence", "0.99", "--tone-style", "old"],
                           input="hoà\n")
    record = json.loads(result.stdout)
    assert record["text"] == "hoà" and record["flags"][0]["after"] == "hòa"


def test_missing_file_is_an_input_error(runner, tmp_path):
    result = runner.invoke(main, ["repair", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "cannot read" in result.stderr


def test_repair_in_place_writes_the_whole_file(runner, tmp_path):
    """`-o` naming the input: the file is read whole before it is replaced, never emptied."""
    path = tmp_path / "report.txt"
    path.write_bytes("Nghá»‹ quyáº¿t sá»‘ 12\nđúng rồi\n".encode("utf-8"))
    result = runner.invoke(main, ["repair", str(path), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == "Nghị quyết số 12\nđúng rồi\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # nothing left beside it


def test_a_repair_that_fails_midway_leaves_the_old_output_whole(runner, tmp_path, monkeypatch):
    from sohoa.diacritics import repair_command

    source, output = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("dòng một\n" * 600, encoding="utf-8")  # several blocks
    output.write_text("the earlier result\n", encoding="utf-8")
    calls = []

    def failing(text, options):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk gone")
        return repair_command.RepairResult(text, text)

    monkeypatch.setattr(repair_command, "_repair_text", failing)
    result = runner.invoke(main, ["repair", str(source), "-o", str(output)])
    assert result.exit_code != 0
    assert output.read_text(encoding="utf-8") == "the earlier result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


@pytest.mark.parametrize("option", ["-o", "--html"])
def test_a_place_that_cannot_be_written_is_a_usage_error_before_any_work(runner, tmp_path, option):
    source = tmp_path / "old.txt"
    source.write_text("Tỉnh ủy\n", encoding="utf-8")
    result = runner.invoke(main, ["repair", str(source), option, str(tmp_path / "missing" / "out")])
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output


def test_repair_restores_with_the_model_it_is_given(runner, tmp_path, monkeypatch):
    from sohoa.diacritics.restore import MODEL_ENV, load_default_restorer, model_path
    from sohoa.diacritics.restore.train import train_from_corpora
    from sohoa.synth.corpus import is_heldout

    monkeypatch.setenv(MODEL_ENV, "")  # whatever --model sets is undone after the test
    name = next(f"corpus{n}.txt" for n in range(100) if not is_heldout(f"corpus{n}.txt"))
    (tmp_path / name).write_text("Mả mã mạ mà.\n" * 300, encoding="utf-8")  # readings the shipped model would not give
    model = tmp_path / "mine.npz"
    train_from_corpora([tmp_path / name], model, quiet=True)
    result = runner.invoke(main, ["repair", "--model", str(model)], input="Ma ma ma ma.\n")
    assert result.exit_code == 0, result.output
    assert model_path() == model.resolve() and load_default_restorer() is not None
    assert result.stdout == "Mả mã mạ mà.\n"
    missing = runner.invoke(main, ["repair", "--model", str(tmp_path / "none.npz")], input="x\n")
    assert missing.exit_code == 2


def test_train_reads_a_corpus_of_ones_own_whole_with_all_texts(runner, tmp_path):
    from sohoa.synth.corpus import is_heldout

    name = next(f"corpus{n}.txt" for n in range(100) if is_heldout(f"corpus{n}.txt"))  # a name the benches hold out
    (tmp_path / name).write_text("Mả mã mạ mà.\n" * 300, encoding="utf-8")
    held = runner.invoke(main, ["train", "--corpus", str(tmp_path / name), "-o", str(tmp_path / "a.npz")])
    assert held.exit_code != 0 and "held-out" in held.output
    whole = runner.invoke(main, ["train", "--corpus", str(tmp_path / name), "-o", str(tmp_path / "b.npz"), "--all-texts"])
    assert whole.exit_code == 0, whole.output
    assert (tmp_path / "b.npz").exists()


@pytest.mark.parametrize("name, data, words", [
    ("a.json", b'[{"text": "a"}]', "not an object"), ("b.jsonl", b"{not json}\n", "not a JSON object"),
    ("c.txt", b"Ngh\xe9 quy\xeat\n", "not UTF-8"),
])
def test_train_says_what_is_wrong_with_a_corpus(runner, tmp_path, name, data, words):
    (tmp_path / name).write_bytes(data)
    result = runner.invoke(main, ["train", "--corpus", str(tmp_path / name), "-o", str(tmp_path / "m.npz")])
    assert result.exit_code != 0 and words in result.output and isinstance(result.exception, SystemExit)


def test_train_into_a_folder_that_is_not_there_is_a_usage_error_before_any_work(runner, tmp_path):
    (tmp_path / "c.txt").write_text("Mả mã mạ mà.\n", encoding="utf-8")
    result = runner.invoke(main, ["train", "--corpus", str(tmp_path / "c.txt"), "-o", str(tmp_path / "none" / "m.npz")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_correct_file_comes_out_byte_for_byte(runner, tmp_path):
    """A byte order mark, CR LF line ends and a last line without a line break are the file's
    own, and a correct file repaired to a file is the same bytes."""
    source = tmp_path / "thong_bao.txt"
    source.write_bytes("\ufeffHà Nội, ngày 15 tháng 4 năm 2024\r\nKính gửi: Quý cư dân".encode("utf-8"))
    result = runner.invoke(main, ["repair", str(source), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.txt").read_bytes() == source.read_bytes()


def test_two_inputs_into_one_output_never_run_into_one_line(runner, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes("\ufeffDòng một".encode("utf-8"))
    second.write_bytes("\ufeffDòng hai\n".encode("utf-8"))
    result = runner.invoke(main, ["repair", str(first), str(second), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "\ufeffDòng một\nDòng hai\n"
    piped = runner.invoke(main, ["repair", str(first)])
    assert piped.stdout == "Dòng một\n"  # on a pipe: every line ends, and no byte order mark
