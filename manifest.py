"""OUT/manifest.jsonl: one line per input, how it ended (`ManifestEntry`), appended as each
document ends and compacted at the end of a run. The runner (`sohoa.batch`) is its only writer."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.files import write_whole
from sohoa.ingest.inputs import source_key

if TYPE_CHECKING:  # pragma: no cover
    from sohoa.ingest.inputs import InputDocument
    from sohoa.ingest.records import PageWarning

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class ManifestEntry:
    """One line of the manifest (docs/CONTRACT.md): the document, how it ended ('ok', 'partial',
    'failed'), its pages and seconds, the input's sha256 and absolute path; the error when not
    ok; warnings with their codes, in the same order."""

    doc_id: str
    source: str
    status: str
    pages: int
    seconds: float
    sha256: str
    path: str
    error: str | None = None
    warnings: tuple[str, ...] = ()
    warning_codes: tuple[str, ...] = ()
    steps: tuple[str, ...] | None = None  # the optional steps its outputs hold; None: not recorded

    @classmethod
    def of(cls, document: "InputDocument", status: str, pages: int, seconds: float, error: str | None = None,
           warnings: "list[tuple[int | None, PageWarning]] | None" = None) -> "ManifestEntry":
        """The line of `document`; `warnings` as (page number, or None for the whole document, warning)."""
        warnings = warnings or []
        return cls(document.doc_id, document.path, status, pages, round(seconds, 2), document.sha256,
                   source_key(document.path), error or None,
                   tuple(f"page {page}: {w.message}" if page else w.message for page, w in warnings),
                   tuple(w.code.value for _, w in warnings))

    @classmethod
    def from_dict(cls, entry: dict) -> "ManifestEntry":
        """A line read back (an older line without `path` gets its input's key)."""
        return cls(entry["doc_id"], entry.get("source", ""), entry.get("status", "failed"), int(entry.get("pages", 0)),
                   float(entry.get("seconds", 0.0)), entry.get("sha256", ""),
                   input_path(entry), entry.get("error"),
                   tuple(entry.get("warnings", ())), tuple(entry.get("warning_codes", ())),
                   tuple(entry["steps"]) if isinstance(entry.get("steps"), list) else None)

    def as_dict(self) -> dict:
        """The JSON object of the line, keys in the contract's order; error and warnings only when set."""
        entry = {"doc_id": self.doc_id, "source": self.source, "status": self.status, "pages": self.pages,
                 "seconds": self.seconds, "sha256": self.sha256, "path": self.path}
        if self.error:
            entry["error"] = self.error
        if self.warnings:
            entry["warnings"] = list(self.warnings)
        if self.warning_codes:
            entry["warning_codes"] = list(self.warning_codes)
        if self.steps is not None:
            entry["steps"] = list(self.steps)
        return entry

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def input_path(entry: dict) -> str:
    """The absolute path of a manifest line's input (an older line without `path`: its source's)."""
    return entry.get("path") or (source_key(entry["source"]) if entry.get("source") else "")


def read_manifest(out: Path) -> dict[str, dict]:
    """doc_id → its last manifest entry (a torn last line from a crash is ignored)."""
    entries: dict[str, dict] = {}
    path = out / MANIFEST
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "doc_id" in entry:
            entries[entry["doc_id"]] = entry
    return entries


def append_manifest(out: Path, entry: ManifestEntry) -> None:
    """One more line, on disk before this returns (a crash never loses a finished document's line)."""
    with open(out / MANIFEST, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry.as_dict(), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_manifest(out: Path, entries: list[ManifestEntry], previous: dict[str, dict], order: list[str]) -> None:
    """One line per document: this run's entries, plus earlier documents not in this run (as
    they were written)."""
    current = {e.doc_id: e.as_dict() for e in entries}
    kept = [e for doc_id, e in previous.items() if doc_id not in current]
    lines = [json.dumps(e, ensure_ascii=False) for e in kept + [current[d] for d in order if d in current]]
    write_whole(out / MANIFEST, "\n".join(lines) + "\n")


