"""`sohoa run` over legacy .txt files: decoded, repaired into text.txt, decoded-only in ocr.txt."""

import json

from click.testing import CliRunner

from sohoa.cli import main
from sohoa.diacritics.legacy import CODECS

# One paragraph per line in the outputs (blank lines between them in the file), with what repair
# changes: a document code that lost its 'Đ' ('QD-TTg'); the author's tone placement ('hoà', 'khoẻ') stays.
TRUE_TEXT = ("Nghị quyết của Tỉnh ủy về phát triển kinh tế - xã hội năm 2021.\n"
             "Thực hiện Quyết định số 15/QD-TTg, tăng cường hoà giải và chăm sóc sức khoẻ nhân dân.\n"
             "Tốc độ tăng trưởng GRDP đạt 6,5%.\n")
REPAIRED = ("Nghị quyết của Tỉnh ủy về phát triển kinh tế - xã hội năm 2021.\n"
            "Thực hiện Quyết định số 15/QĐ-TTg, tăng cường hoà giải và chăm sóc sức khoẻ nhân dân.\n"
            "Tốc độ tăng trưởng GRDP đạt 6,5%.\n")


def test_tcvn3_and_vni_text_files_are_decoded_and_repaired(tmp_path):
    inputs = tmp_path / "legacy"
    inputs.mkdir()
    legacy_file = TRUE_TEXT.replace("\n", "\r\n\r\n")
    (inputs / "bao_cao_abc.txt").write_bytes(CODECS["tcvn3"].encode(legacy_file))
    (inputs / "bao_cao_vni.txt").write_bytes(CODECS["vni"].encode(legacy_file))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    manifest = {e["doc_id"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert set(manifest) == {"bao_cao_abc", "bao_cao_vni"}
    for doc_id, encoding in (("bao_cao_abc", "tcvn3"), ("bao_cao_vni", "vni")):
        assert manifest[doc_id]["status"] == "ok", manifest[doc_id]
        assert f"decoded as {encoding}" in manifest[doc_id]["warnings"]
        assert (out / doc_id / "ocr.txt").read_text(encoding="utf-8") == TRUE_TEXT  # decoded, not repaired
        assert (out / doc_id / "text.txt").read_text(encoding="utf-8") == REPAIRED
        words = [w for page in (out / doc_id / "pages.jsonl").read_text(encoding="utf-8").splitlines()
                 for w in json.loads(page)["words"]]
        changed = {(w["raw"], w["text"]) for w in words if w["raw"] != w["text"]}
        assert changed == {("15/QD-TTg,", "15/QĐ-TTg,")}
