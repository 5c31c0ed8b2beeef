"""The repair pipeline: small fixers applied in order, each change recorded as an Edit.

Placeholder until the fixers land: returns the text unchanged.
"""

from __future__ import annotations

from sohoa.diacritics.records import RepairResult


def repair(text: str) -> RepairResult:
    """Repair Vietnamese text; every change is explained in `RepairResult.edits`."""
    return RepairResult(source=text, text=text, edits=())
