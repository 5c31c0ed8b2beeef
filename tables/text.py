"""Tables that arrive as text.

Two shapes are read:
- cell dumps, as word processors export tables to plain text: one cell per line, each cell
  line starting with a tab (several tab-separated cells on one line also work), rows
  separated by blank lines, the first block being the header row;
- pipe / Markdown tables: '| a | b |' lines, with an optional '|---|---|' rule under the header.

Pages are counted by form feeds so that `page` means the same as for scanned input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sohoa.tables.records import Table

_TT_CELL = re.compile(r"^(s[ốo]\s*)?s?tt\.?$", re.IGNORECASE)
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


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
    """Page number (1-based) of every line, counting form feeds."""
    pages, page = [], 1
    for line in text.split("\n"):
        pages.append(page)
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


def _pipe_tables(lines: list[str], pages: list[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        rows = [(n, line) for n, line in block if not _PIPE_RULE.match(line)]
        if len(rows) >= 2:
            cells = [_split_pipe(line) for _, line in rows]
            width = max(len(c) for c in cells)
            cells = [c + [""] * (width - len(c)) for c in cells]
            drafts.append(_Draft(page=pages[rows[0][0]], line=rows[0][0], header=cells[0], rows=cells[1:]))
        block.clear()

    for number, line in enumerate(lines):
        if line.count("|") >= 2 and not line.startswith("\t"):
            block.append((number, line))
        else:
            flush()
    flush()
    return drafts


def parse_text_tables(doc_id: str, text: str) -> list[Table]:
    """Every table in `text`, in reading order, numbered per page."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.replace("\f", "") for line in text.split("\n")]
    pages = _pages(text)
    drafts = sorted(_dump_tables(lines, pages) + _pipe_tables(lines, pages), key=lambda d: d.line)
    tables: list[Table] = []
    per_page: dict[int, int] = {}
    for draft in drafts:
        per_page[draft.page] = per_page.get(draft.page, 0) + 1
        width = len(draft.header)
        rows = tuple(tuple((r + [""] * width)[:width]) for r in draft.rows)
        tables.append(Table(
            doc_id=doc_id, page=draft.page, index=per_page[draft.page],
            header=tuple(draft.header), rows=rows,
            confidences=tuple(tuple(100.0 for _ in r) for r in rows),
            pages=(draft.page,), source="text",
        ))
    return tables
