"""Archival outputs of a document: a searchable PDF/A of the original scan with the repaired
text as an invisible layer, ALTO XML and hOCR with every word's box and confidence, and an
HTML review page with each change shown on the scan. Each writer is a pure function of the
document's page records (pages.jsonl) and its source file."""

from sohoa.ingest.archival.write import ArchivalOptions, write_archival

__all__ = ["ArchivalOptions", "write_archival"]
