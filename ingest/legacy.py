"""Legacy text inputs (.txt): bytes → Unicode (sohoa.diacritics.encodings) → paragraphs.

Old OCR dumps and typed files break lines at the page width; we re-join those lines into one
paragraph per line, keeping blank lines, list items and table-like lines as breaks.
"""

from __future__ import annotations

import re
import unicodedata

from sohoa.ingest.layout import LIST_MARKER, SENTENCE_END

_TABLE_LIKE = re.compile(r"\|\s|\t|(?:\d[\d.,]*\s+){3,}")


def reflow(text: str, blank_lines_break: bool = True) -> list[str]:
    """Physical lines → paragraphs (one string each).

    A line joins the previous one unless: a blank line separates them (when
    `blank_lines_break`), the previous ended a sentence and was clearly shorter than the
    block's lines, the line starts a list item or heading, or either looks like a table row.
    """
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).replace("\f", "\n").split("\n")]
    widths = sorted(len(line) for line in lines if line)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    paragraphs: list[str] = []
    current: list[str] = []
    blank_before = False
    for line in lines:
        if not line:
            blank_before = True
            continue
        prev = current[-1] if current else ""
        starts_new = (
            not current
            or (blank_before and blank_lines_break)
            or (SENTENCE_END.search(prev) and len(prev) < 0.85 * full)
            or LIST_MARKER.match(line)
            or (line.isupper() and len(line) > 3) or (prev.isupper() and len(prev) > 3)
            or _TABLE_LIKE.search(line) or _TABLE_LIKE.search(prev)
        )
        if starts_new and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        blank_before = False
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs
