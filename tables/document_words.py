"""A table read from a scan takes the document's repair of its cells' words.

text.txt carries each row of a table read from a scan as one line, its cells parted by ' | ',
with the very words the table step read for each cell (`sohoa.ingest.cell_readings`). The
document's repair mends those words with what a cell alone does not have: the engine's doubts
gathered over the whole document, and the words around ('Bô đôi Biên phòng' → 'Bộ đội',
'kháng chiên' → 'kháng chiến'); the repair of text cells (`sohoa.tables.cells`) sees one cell
at a time. So a cell whose text as read is a cell of its page's rows as read (ocr.txt) takes the
words the document's repair gave that cell (text.txt) where its own repair left a word as read
or wrote it with other marks; the cell's own clean-up of specks and letters stands. The CSV and
text.txt then read alike.

A text that was read once on a page but repaired two ways there (its words read in two
contexts) is left to the cell's own repair.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence

from sohoa.tables.records import Table

CELL_SEPARATOR = " | "
"""What text.txt (and ocr.txt) put between the cells of a table row."""


def cell_repairs(ocr_text: str, text: str) -> dict[int, dict[str, str]]:
    """Per page (1-based), each cell text as read (ocr.txt) → as the document's repair wrote it
    (text.txt), changed or not: the cells of lines with cells, taken where the page and the
    line have as many lines and cells in both texts; none where the texts' pages differ in number."""
    found: dict[int, dict[str, str | None]] = {}
    if ocr_text.count("\f") != text.count("\f"):
        return {}  # pages that do not pair up: no cell could be told from another page's
    for page, (read_page, written_page) in enumerate(zip(ocr_text.split("\f"), text.split("\f")), start=1):
        read_lines, written_lines = read_page.splitlines(), written_page.splitlines()
        if len(read_lines) != len(written_lines):
            continue
        cells = found.setdefault(page, {})
        for read, written in zip(read_lines, written_lines):
            if CELL_SEPARATOR not in read:
                continue
            read_cells, written_cells = read.split(CELL_SEPARATOR), written.split(CELL_SEPARATOR)
            if len(read_cells) != len(written_cells):
                continue
            for before, after in zip(read_cells, written_cells):
                before, after = before.strip(), after.strip()
                if before in cells and cells[before] != after:
                    cells[before] = None  # repaired two ways on the page: no one answer
                else:
                    cells.setdefault(before, after)
    return {page: {k: v for k, v in cells.items() if v is not None} for page, cells in found.items() if cells}


def with_document_repair(tables: Sequence[Table], repairs: dict[int, dict[str, str]],
                         scanned: Collection[int]) -> list[Table]:
    """`tables` with each body cell of a table read from a page image of one of the `scanned`
    pages (read by OCR, not a born-digital page's exact words) given the document repair's
    words (see the module); tables as they are where nothing changes."""
    out = []
    for table in tables:
        page = repairs.get(table.page)
        if not page or not table.read_from_image or table.page not in scanned:
            out.append(table)
            continue
        as_read = {(r, c): text for r, c, text in table.raw_cells}
        rows = [[_with_words(cell, as_read.get((r, c), cell), page) for c, cell in enumerate(row)]
                for r, row in enumerate(table.rows)]
        out.append(table if rows == [list(row) for row in table.rows] else table.rewritten(rows))
    return out


def _with_words(written: str, read: str, page: dict[str, str]) -> str:
    """The cell `written` (its own repair's text of `read`) with the document repair's words of
    `read` where the two differ: a word its own repair kept as read takes the document's, and
    so does a word the two wrote with the same letters and other marks (the document's repair
    weighed the engine's doubts over the whole document and the words around; the cell's, one
    cell). A word whose letters its own repair changed otherwise keeps them."""
    from sohoa.diacritics.compose import apply_edits
    from sohoa.diacritics.records import Edit
    from sohoa.diacritics.syllables import strip_marks

    repaired = page.get(read.strip())
    if repaired is None:
        return written
    read_words, repaired_words = read.split(), repaired.split()
    if len(read_words) != len(repaired_words):
        return written
    spans = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", written)]  # its words and where they lie
    edits = []
    matcher = difflib.SequenceMatcher(a=[strip_marks(w.lower()) for w in read_words],
                                      b=[strip_marks(w.lower()) for w, _, _ in spans], autojunk=False)
    for op, i1, i2, j1, _ in matcher.get_opcodes():
        if op != "equal":
            continue
        for k in range(i2 - i1):
            own, start, end = spans[j1 + k]
            theirs = repaired_words[i1 + k]
            if theirs != own and (own == read_words[i1 + k] or strip_marks(theirs) == strip_marks(own)):
                edits.append(Edit(start, end, own, theirs, FIXER_NAME))
    return apply_edits(written, edits) if edits else written


FIXER_NAME = "tables.document-repair"
