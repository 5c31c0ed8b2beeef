"""OUT/<doc_id>/edits.jsonl: every change of the repair, read back and replayed."""

import json

from click.testing import CliRunner

from sohoa.cli import main

GARBLED = ("Nghi quyet Dai hoi Dang bo tinh lan thu XIV da de ra cac muc tieu phat trien kinh te xa hoi.\n\n"
           "Uy ban nhan dan tinh yeu cau cac so, ban, nganh to chuc thuc hien nghiem tuc.\n")


def _run(tmp_path, *args):
    inputs = tmp_path / "in"
    inputs.mkdir(exist_ok=True)
    (inputs / "old.txt").write_text(GARBLED, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-q", "--force", *args])
    assert result.exit_code == 0, result.output
    return out / "old"


def _replay(ocr_text: str, records: list[dict]) -> str:
    text, cursor = [], 0
    for r in (r for r in records if r["applied"]):
        text += [ocr_text[cursor:r["start"]], r["after"]]
        cursor = r["end"]
    return "".join(text) + ocr_text[cursor:]


def test_edits_jsonl_replays_ocr_txt_into_text_txt(tmp_path):
    doc = _run(tmp_path)
    ocr_text = (doc / "ocr.txt").read_text(encoding="utf-8").removesuffix("\n")
    text = (doc / "text.txt").read_text(encoding="utf-8").removesuffix("\n")
    records = [json.loads(line) for line in (doc / "edits.jsonl").read_text(encoding="utf-8").splitlines()]
    assert text != ocr_text and records
    assert all(ocr_text[r["start"]:r["end"]] == r["before"] for r in records)
    assert all({"page", "fixer", "confidence", "applied"} <= set(r) for r in records)
    assert _replay(ocr_text, records) == text
    assert "Nghị quyết" in text


def test_no_repair_writes_no_edits(tmp_path):
    doc = _run(tmp_path, "--no-repair")
    assert not (doc / "edits.jsonl").exists()
    assert (doc / "text.txt").read_text(encoding="utf-8") == (doc / "ocr.txt").read_text(encoding="utf-8")
