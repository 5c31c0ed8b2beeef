"""Vietnamese text repair: encodings, Unicode, tone marks, diacritics, OCR garble.

Entry point: `repair(text) -> RepairResult`, every change recorded as an `Edit`.
"""

from sohoa.diacritics.records import Edit, RepairResult
from sohoa.diacritics.pipeline import repair

__all__ = ["Edit", "RepairResult", "repair"]
