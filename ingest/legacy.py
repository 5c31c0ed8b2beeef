"""Legacy text inputs (.txt): bytes → Unicode (sohoa.diacritics.encodings) → paragraphs.

Old OCR dumps and typed files break lines at the page width; we re-join those lines into one
paragraph per line, keeping blank lines, list items and table-like lines as breaks.
"""

from __future__ import annotations

import re
import unicodedata

from sohoa.ingest.layout import LIST_MARKER, SENTENCE_END

_TABLE_LIKE = re.compile(r"\|\s|\t|[\u2500-\u257f]|(?:\d[\d.,]*\s+){3,}")
"""A table's row typed as text: bars or tabs between cells, box-drawing characters, or three
figures in a row."""
SHORT_LINE = 0.6
"""A line shorter than this share of a block's full lines (of MIN_WRAP characters or more) is the
last line of its paragraph or a line of its own (a heading, a number and date), never one that
wrapped."""
MIN_WRAP = 40


def reflow(text: str, blank_lines_break: bool = True) -> list[str]:
    """Physical lines → paragraphs (one string each).

    A line joins the previous one unless: a blank line separates them (when
    `blank_lines_break`), the previous ended a sentence and was clearly shorter than the
    block's lines, or was far shorter than them (`SHORT_LINE`), the line starts a list item or
    heading, or either looks like a table row (`_TABLE_LIKE`; such a row stays one line, its
    tab-parted cells apart by ' | '). Line ends may be LF, CRLF or CR alone (old Macintosh files).
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    raw_lines = text.split("\n")
    lines = [_one_line(line) for line in raw_lines]
    widths = sorted(len(line) for line in lines if line)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    paragraphs: list[str] = []
    current: list[str] = []
    blank_before = False
    prev_table = False
    for raw, line in zip(raw_lines, lines):
        if not line:
            blank_before = True
            continue
        prev = current[-1] if current else ""
        table = bool(_TABLE_LIKE.search(raw))
        starts_new = (
            not current
            or (blank_before and blank_lines_break)
            or (SENTENCE_END.search(prev) and len(prev) < 0.85 * full)
            or (full >= MIN_WRAP and len(prev) < SHORT_LINE * full)
            or LIST_MARKER.match(line)
            or (line.isupper() and len(line) > 3) or (prev.isupper() and len(prev) > 3)
            or table or prev_table
        )
        if starts_new and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        blank_before = False
        prev_table = table
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


TAB_ROW_FIELDS = 3  # tab-parted fields that make a table's row (fewer: tabs that align a letterhead)


def _one_line(line: str) -> str:
    """A physical line with its spaces collapsed; tab-parted fields of a table's row (at least
    TAB_ROW_FIELDS) apart by ' | ', as text.txt parts a table's cells."""
    fields = [" ".join(field.split()) for field in line.split("\t")]
    fields = [field for field in fields if field]
    if len(fields) >= TAB_ROW_FIELDS:
        return " | ".join(fields)
    return " ".join(line.split())
