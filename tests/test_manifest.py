"""Manifest lines are frozen records that read back as they were written."""

import json

from sohoa.ingest.inputs import InputDocument
from sohoa.ingest.records import PageWarning, WarningCode
from sohoa.manifest import ManifestEntry, append_manifest, read_manifest, write_manifest


def test_a_line_keeps_the_contracts_key_order_and_reads_back_equal(tmp_path):
    document = InputDocument("bao_cao", "in/bao_cao.pdf", "pdf", "ab" * 32)
    warning = PageWarning(WarningCode.TABLES_FAILED, "table extraction failed: ValueError: x")
    entry = ManifestEntry.of(document, "partial", 3, 12.345, "page 2: timed out", [(3, warning)])
    line = entry.as_dict()
    assert list(line) == ["doc_id", "source", "status", "pages", "seconds", "sha256", "path", "error", "warnings",
                          "warning_codes"]
    assert line["seconds"] == 12.35 and line["warnings"] == ["page 3: table extraction failed: ValueError: x"]
    append_manifest(tmp_path, entry)
    assert ManifestEntry.from_dict(read_manifest(tmp_path)["bao_cao"]) == entry
    assert not entry.ok and ManifestEntry.of(document, "ok", 3, 1.0).as_dict().keys().isdisjoint({"error", "warnings"})


def test_an_earlier_line_is_written_back_as_it_was(tmp_path):
    older = {"doc_id": "cu", "source": "cu.txt", "status": "ok", "pages": 1, "seconds": 0.5, "sha256": "00",
             "path": "/data/cu.txt", "warnings": ["decoded as tcvn3"]}
    entry = ManifestEntry.from_dict(older)
    assert entry.as_dict() == older
    write_manifest(tmp_path, [entry], {}, ["cu"])
    assert json.loads((tmp_path / "manifest.jsonl").read_text()) == older
