"""Tables that arrive as text.

Two shapes are read:
- cell dumps, as word processors export tables to plain text: one cell per line, each cell
  line starting with a tab (several tab-separated cells on one line also work), rows
  separated by blank lines, the first block being the header row;
- pipe / Markdown tables: '| a | b |' lines, with an optional '|---|---|' rule under the header
  (a blank line between two body rows of the same width parts nothing);
- tab-separated tables, as a spreadsheet's cells are copied: one row per line, its fields
  parted by tabs (see `_tab_tables` for what makes one).

Pages are counted by form feeds so that `page` means the same as for scanned input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sohoa.tables.records import Table

_TT_CELL = re.compile(r"^(s[ốo]\s*)?s?tt\.?$", re.IGNORECASE)
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Characters no table cell of a report holds but garbled OCR is full of (curly quotes,
# brackets, ligatures, stray symbols). Straight quotes, parentheses and '%/<>≥≤' are fine.
_GARBLE_CHARS = frozenset("‘’“”„?{}[]~^*_=@#$¥§©®¢£€\\\ufb01\ufb02\ufb00\ufb03\ufb04")
_NUMBER_TOKEN = re.compile(r"^[\d.,]+%?$")
# Rows whose width is the table's usual one, and cells that may look implausible.
_MIN_SHARE_USUAL_WIDTH = 0.8
_MAX_SHARE_IMPLAUSIBLE_CELLS = 0.1
_MAX_CELL_CHARS = 200


@dataclass
class _Draft:
    """A table while its lines are being read (internal)."""

    page: int
    line: int
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _dump_blocks(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """Split lines into ('cells', cells) blocks and ('text', [line]) paragraphs, with line no."""
    blocks: list[tuple[int, str, list[str]]] = []
    current: list[str] | None = None
    for number, line in enumerate(lines):
        if line.startswith("\t"):
            cells = [c.strip() for c in line.split("\t")[1:]]
            if current is None:
                current = []
                blocks.append((number, "cells", current))
            current.extend(cells)
            continue
        current = None
        if line.strip():
            blocks.append((number, "text", [line.strip()]))
    return blocks


def _pages(text: str) -> list[int]:
    """Page number (1-based) of every line, counting form feeds: a line that opens with one
    (as pdftotext writes a page's first line) is on the page it opens."""
    pages, page = [], 1
    for line in text.split("\n"):
        opening = len(line) - len(line.lstrip("\f"))
        pages.append(page + opening)
        page += line.count("\f")
    return pages


def _dump_tables(lines: list[str], pages: list[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    draft: _Draft | None = None
    pending_text: list[str] = []
    for number, kind, payload in _dump_blocks(lines):
        if kind == "text":
            pending_text.append(payload[0])
            continue
        cells = payload
        # a new table starts at a header row ('TT' / 'STT' first) or after a title paragraph
        starts_new = draft is None or bool(_TT_CELL.match(cells[0])) or len(pending_text) > 1
        if starts_new:
            if len(cells) < 2:
                draft = None
                pending_text = []
                continue
            draft = _Draft(page=pages[number], line=number, header=cells)
            drafts.append(draft)
        else:
            if pending_text and draft.rows:
                # a lone paragraph between rows: the last cell went on over a line break
                last = draft.rows[-1]
                last[-1] = (last[-1] + "; " if last[-1] else "") + " ".join(pending_text)
            if len(cells) > len(draft.header):
                draft.header.extend([""] * (len(cells) - len(draft.header)))
            draft.rows.append(cells)
        pending_text = []
    return [d for d in drafts if d.rows]


def _split_pipe(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _implausible_cell(cell: str) -> bool:
    """A cell no table holds: garble symbols, an overlong run, or several numbers in a row
    (columns run together, as when OCR read a table's line as one line of words)."""
    if len(cell) > _MAX_CELL_CHARS or any(ch in _GARBLE_CHARS for ch in cell):
        return True
    tokens = cell.split()
    numbers = sum(1 for token in tokens if _NUMBER_TOKEN.match(token))
    return numbers >= 3


def _header_like(cells: list[str]) -> bool:
    """A header row: mostly filled, no numeric values except years, short labels."""
    filled = [c for c in cells if c]
    if len(filled) * 2 < len(cells):
        return False
    for cell in filled:
        if len(cell) > 80:
            return False
        if _NUMBER_TOKEN.match(cell) and not re.fullmatch(r"(19|20)\d\d", cell):
            return False
    return True


def _is_pipe_table(rows: list[list[str]], has_rule: bool) -> bool:
    """Whether '|'-bearing lines form a table rather than garbled text with stray bars.

    A table has one column structure (most rows the same number of cells, at least two), a
    header-like first row or a '|---|' rule under it, and cells that look like table cells.
    """
    widths = [len(r) for r in rows]
    usual = max(set(widths), key=widths.count)
    if usual < 2 or widths.count(usual) < _MIN_SHARE_USUAL_WIDTH * len(widths):
        return False
    if not has_rule and not _header_like(rows[0]):
        return False
    cells = [c for r in rows for c in r if c]
    if not cells:
        return False
    implausible = sum(1 for c in cells if _implausible_cell(c))
    return implausible <= _MAX_SHARE_IMPLAUSIBLE_CELLS * len(cells)


def _pipe_tables(lines: list[str], pages: list[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        rows = [(n, line) for n, line in block if not _PIPE_RULE.match(line)]
        # a rule counts when it sits under the first row, as Markdown puts it
        has_rule = len(block) > 1 and bool(_PIPE_RULE.match(block[1][1]))
        cells = [_split_pipe(line) for _, line in rows]
        if len(rows) >= 2 and _is_pipe_table(cells, has_rule):
            width = max(len(c) for c in cells)
            cells = [c + [""] * (width - len(c)) for c in cells]
            drafts.append(_Draft(page=pages[rows[0][0]], line=rows[0][0], header=cells[0], rows=cells[1:]))
        block.clear()

    def is_row(line: str) -> bool:
        return line.count("|") >= 2 and not line.startswith("\t")

    for number, line in enumerate(lines):
        if is_row(line):
            block.append((number, line))
            continue
        if block and not line.strip() and _continues_after_blank(lines, number, block[-1][1], is_row):
            continue  # a blank line inside a table (between two of its body rows) parts nothing
        flush()
    flush()
    return drafts


def _continues_after_blank(lines: list[str], blank: int, last_row: str, is_row) -> bool:
    """Whether the rows after the blank lines from `blank` on go on with the table whose last
    row is `last_row`: a row of as many cells comes next, and no rule under it makes it the
    header of a table of its own."""
    following = next((k for k in range(blank, len(lines)) if lines[k].strip()), None)
    if following is None or not is_row(lines[following]) or _PIPE_RULE.match(lines[following]):
        return False
    if following + 1 < len(lines) and _PIPE_RULE.match(lines[following + 1]):
        return False
    return len(_split_pipe(lines[following])) == len(_split_pipe(last_row))


_MIN_TSV_ROWS = 2  # body rows under the header of a tab-separated table
_MIN_TSV_FIGURE_ROWS = 2  # of them, rows with a figure


def _tab_tables(lines: list[str], pages: list[int]) -> list[_Draft]:
    """Tab-separated tables (a spreadsheet's cells copied as text): consecutive lines with the
    same number of tab-parted fields, at least three, a header-like first line, and figures in
    at least two rows below it; a tab or two that aligns a letterhead's parts makes none."""
    drafts: list[_Draft] = []
    block: list[tuple[int, list[str]]] = []

    def flush() -> None:
        cells = [c for _, c in block]
        figures = sum(1 for row in cells[1:] if any(_NUMBER_TOKEN.match(c) for c in row[1:]))
        if (len(cells) > _MIN_TSV_ROWS and figures >= _MIN_TSV_FIGURE_ROWS and _header_like(cells[0])
                and _is_pipe_table(cells, has_rule=False)):
            drafts.append(_Draft(page=pages[block[0][0]], line=block[0][0], header=cells[0], rows=cells[1:]))
        block.clear()

    for number, line in enumerate(lines):
        fields = [c.strip() for c in line.rstrip().split("\t")]
        if not line.startswith("\t") and "|" not in line and len(fields) >= 3 and fields[0]:
            if block and len(fields) != len(block[0][1]):
                flush()
            block.append((number, fields))
        else:
            flush()
    flush()
    return drafts


def parse_text_tables(doc_id: str, text: str) -> list[Table]:
    """Every table in `text`, in reading order, numbered per page."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.replace("\f", "") for line in text.split("\n")]
    pages = _pages(text)
    drafts = sorted(_dump_tables(lines, pages) + _pipe_tables(lines, pages) + _tab_tables(lines, pages),
                    key=lambda d: d.line)
    found: list[tuple[int, Table]] = []
    for draft in drafts:
        width = len(draft.header)
        rows = tuple(tuple((r + [""] * width)[:width]) for r in draft.rows)
        found.append((draft.line, Table(
            doc_id=doc_id, page=draft.page, index=1,
            header=tuple(draft.header), rows=rows,
            confidences=tuple(tuple(100.0 for _ in r) for r in rows),
            pages=(draft.page,), source="text",
        )))
    from sohoa.tables.flattened import parse_flattened_tables

    found += [(t.notes.get("line", 0), t) for t in parse_flattened_tables(doc_id, text, pages)]
    tables: list[Table] = []
    per_page: dict[int, int] = {}
    for _, table in sorted(found, key=lambda item: item[0]):
        per_page[table.page] = per_page.get(table.page, 0) + 1
        tables.append(replace(table, index=per_page[table.page]))
    return tables
