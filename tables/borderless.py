"""Tables without vertical rules, from the positions of OCR'd words.

Words are regrouped into visual lines by their vertical extent (Tesseract often reads table
columns as separate blocks). A table is a run of lines with three or more phrases; its body
starts at the first line that opens with an ordinal and carries a number. Columns are the
spans between gutters: x ranges that (nearly) no body line writes into. Header phrases that
cover several columns become spanning labels; a body line without a TT of its own that sits
close under the previous one continues that row (wrapped names, wrapped units).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Callable

import numpy as np

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value

_ORDINAL = re.compile(r"^(\d{1,3}|[IVX]{1,4}|[a-zđ])[.)]?$")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Word:
    text: str
    conf: float
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass
class _Line:
    words: list[Word]

    @property
    def y0(self) -> int:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y1 for w in self.words)


def _visual_lines(words: list[Word]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        cy = (word.y0 + word.y1) / 2
        for line in reversed(lines[-3:]):
            if line.y0 <= cy <= line.y1:
                line.words.append(word)
                break
        else:
            lines.append(_Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda line: line.y0)
    return lines


def _phrases(line: _Line, gap: float, gutters: list[tuple[int, int]] = ()) -> list[list[Word]]:
    phrases: list[list[Word]] = []
    for word in line.words:
        if phrases:
            prev = phrases[-1][-1]
            space = word.x0 - prev.x1
            crosses = any(prev.x1 <= (g0 + g1) / 2 <= word.x0 for g0, g1 in gutters)
            if space <= gap and not crosses:
                phrases[-1].append(word)
                continue
        phrases.append([word])
    return phrases


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _is_number(text: str) -> bool:
    parsed = parse_value(text)
    return parsed.qualifier not in (TEXT, "missing") and not _YEAR.match(text.strip())


def _is_body_start(phrases: list[list[Word]]) -> bool:
    """Three or more phrases, one of them a number that is not a year (page OCR often drops
    the lone digits of the TT column, so an ordinal in front is not required)."""
    return len(phrases) >= 3 and any(_is_number(_text(p)) for p in phrases[1:])


def _gutters(lines: list[_Line], x_min: int, x_max: int, min_width: float) -> list[tuple[int, int]]:
    width = x_max - x_min + 1
    counts = [0] * width
    for line in lines:
        for w in line.words:
            for x in range(max(w.x0, x_min) - x_min, min(w.x1, x_max) - x_min + 1):
                counts[x] += 1
    allowed = max(0, int(0.15 * len(lines)))
    gutters, start = [], None
    for x, n in enumerate(counts + [10**9]):
        if n <= allowed and start is None:
            start = x
        elif n > allowed and start is not None:
            if x - start >= min_width and start > 0 and x < width:
                gutters.append((start + x_min, x - 1 + x_min))
            start = None
    return gutters


def find_borderless_tables(doc_id: str, page: int, words: list[Word], first_index: int = 1,
                           regions: list[tuple[int, int, int, int]] = (), ink: np.ndarray | None = None,
                           read: Callable[[list[tuple[int, int, int, int]]], list] | None = None) -> list[Table]:
    """Tables found in `words` (page pixels). `regions` (x0, y0, x1, y1) are areas framed by
    horizontal rules only, where a table is expected; elsewhere tables are found from text."""
    words = [w for w in words if w.text.strip() and w.conf >= 0]
    if len(words) < 12:
        return []
    height = median(w.y1 - w.y0 for w in words)
    # noise read as 'words' on a poor scan: boxes far taller than text, or nothing legible
    words = [w for w in words if w.y1 - w.y0 <= 2.5 * height and (w.conf >= 30 or any(ch.isalnum() for ch in w.text))]
    gap = 0.9 * height
    lines = _visual_lines(words)
    phrase_counts = [len(_phrases(line, gap)) for line in lines]
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if not _is_body_start(_phrases(lines[i], gap)):
            i += 1
            continue
        # the body: from here while lines stay tabular (short runs of 1-2 phrase lines allowed)
        j, last_tabular = i, i
        while j + 1 < len(lines) and lines[j + 1].y0 - lines[j].y1 < 2.5 * height:
            j += 1
            if phrase_counts[j] >= 3:
                last_tabular = j
            elif j - last_tabular > 2:
                break
        body = lines[i:last_tabular + 1]
        if sum(phrase_counts[k] >= 3 for k in range(i, last_tabular + 1)) < 3:
            i = last_tabular + 1
            continue
        # the header: up to four lines right above the body
        h_start = i
        while h_start > 0 and i - h_start < 4 and lines[h_start].y0 - lines[h_start - 1].y1 < 1.5 * height \
                and phrase_counts[h_start - 1] >= 1 and not _is_body_start(_phrases(lines[h_start - 1], gap)):
            h_start -= 1
        header_lines = lines[h_start:i]
        table = _build(doc_id, page, first_index + len(tables), header_lines, body, height, gap, ink, read)
        if table is not None:
            tables.append(table)
        i = last_tabular + 1
    return tables


def _ink_gutters(ink: np.ndarray, lines: list[_Line], x_min: int, x_max: int, min_width: float) -> list[tuple[int, int]]:
    """Gutters from the page's ink rather than from words: lone digits and dashes, which page
    OCR tends to drop, still keep their column open."""
    x_max = min(x_max, ink.shape[1] - 1)
    counts = np.zeros(x_max - x_min + 1, dtype=np.int32)
    for line in lines:
        if len(line.words) <= 3 and not any(_is_number(w.text) for w in line.words):
            continue  # a group title or the wrapped end of a name: it may cross gutters
        band = ink[line.y0:line.y1 + 1, x_min:x_max + 1]
        counts += (band > 0).sum(axis=0) > 1
    allowed = 0
    gutters, start = [], None
    for x, n in enumerate(list(counts) + [10**9]):
        if n <= allowed and start is None:
            start = x
        elif n > allowed and start is not None:
            if x - start >= min_width and start > 0 and x < len(counts):
                gutters.append((start + x_min, x - 1 + x_min))
            start = None
    return gutters


def _ink_extent(ink: np.ndarray, lines: list[_Line], x_min: int, x_max: int, reach: int) -> tuple[int, int]:
    """Widen [x_min, x_max] to the ink of the body lines just beyond the words."""
    y0, y1 = min(line.y0 for line in lines), max(line.y1 for line in lines)
    lo, hi = max(0, x_min - reach), min(ink.shape[1] - 1, x_max + reach)
    columns = np.flatnonzero((ink[y0:y1 + 1, lo:hi + 1] > 0).sum(axis=0) > 2)
    if columns.size == 0:
        return x_min, x_max
    return int(lo + columns[0]), int(lo + columns[-1])


def _build(doc_id: str, page: int, index: int, header_lines: list[_Line], body: list[_Line],
           height: float, gap: float, ink: np.ndarray | None = None,
           read: Callable[[list[tuple[int, int, int, int]]], list] | None = None) -> Table | None:
    x_min = min(w.x0 for line in body for w in line.words)
    x_max = max(w.x1 for line in body + header_lines for w in line.words)
    if ink is not None:
        x_min, x_max = _ink_extent(ink, body, x_min, x_max, int(4 * height))
        gutters = _ink_gutters(ink, body, x_min, x_max, 0.5 * height)
    else:
        gutters = _gutters(body, x_min, x_max, 0.5 * height)
    edges = [x_min] + [int((g0 + g1) / 2) for g0, g1 in gutters] + [x_max + 1]
    n_cols = len(edges) - 1
    if n_cols < 3:
        return None

    def column_of(x: float) -> int:
        for c in range(n_cols):
            if x < edges[c + 1]:
                return c
        return n_cols - 1

    # header paths
    paths: list[list[str]] = [[] for _ in range(n_cols)]
    leaves: list[list[str]] = [[] for _ in range(n_cols)]
    for line in header_lines:
        for phrase in _phrases(line, gap, gutters):
            x0, x1 = phrase[0].x0, phrase[-1].x1
            covered = [c for c in range(n_cols)
                       if min(x1, edges[c + 1]) - max(x0, edges[c]) > 0.3 * min(edges[c + 1] - edges[c], x1 - x0)]
            covered = covered or [column_of((x0 + x1) / 2)]
            text = _text(phrase)
            if len(covered) > 1:
                for c in covered:
                    if leaves[c]:
                        paths[c].append(" ".join(leaves[c]))
                        leaves[c] = []
                    paths[c].append(text)
            else:
                leaves[covered[0]].append(text)
    header = []
    for c in range(n_cols):
        parts = paths[c] + ([" ".join(leaves[c])] if leaves[c] else [])
        header.append(" | ".join(parts))

    def has_tt(line: _Line, cells: dict[int, list[Word]]) -> bool:
        if ink is None:
            return 0 in cells
        band = ink[line.y0:line.y1 + 1, edges[0]:edges[1]]
        return int((band > 0).sum()) > 0.5 * height

    # body rows: groups of lines
    groups: list[list[tuple[_Line, dict[int, list[Word]]]]] = []
    previous: _Line | None = None
    for line in body:
        cells: dict[int, list[Word]] = {}
        for phrase in _phrases(line, gap, gutters):
            cells.setdefault(column_of(phrase[0].x0 + 1), []).extend(phrase)
        name_col = 1 if n_cols > 1 else 0
        tt_here = has_tt(line, cells)
        starts_row = (
            not groups or previous is None
            or line.y0 - previous.y1 > 0.55 * height
            or (tt_here and any(has_tt(l, c) for l, c in groups[-1]))
            or _text(cells.get(name_col, [])).startswith(("-", "+", "–"))
        )
        if starts_row:
            groups.append([])
        groups[-1].append((line, cells))
        previous = line
    if read is not None:
        boxes = []
        for group in groups:
            y0 = min(line.y0 for line, _ in group) - 2
            y1 = max(line.y1 for line, _ in group) + 2
            boxes += [(edges[c] + 1, y0, edges[c + 1] - 1, y1) for c in range(n_cols)]
        found = read(boxes)
        texts = tuple(tuple(found[r * n_cols + c].text for c in range(n_cols)) for r in range(len(groups)))
        confs = tuple(tuple(found[r * n_cols + c].conf for c in range(n_cols)) for r in range(len(groups)))
    else:
        rows = []
        for group in groups:
            row: list[list[Word]] = [[] for _ in range(n_cols)]
            for _, cells in group:
                for c, ws in cells.items():
                    row[c].extend(ws)
            rows.append(row)
        texts = tuple(tuple(_text(cell) for cell in row) for row in rows)
        confs = tuple(tuple(float(sum(w.conf for w in cell) / len(cell)) if cell else 100.0 for cell in row)
                      for row in rows)
    box = (x_min, min(line.y0 for line in header_lines + body), x_max, max(line.y1 for line in body))
    return Table(doc_id=doc_id, page=page, index=index, header=tuple(header), rows=texts,
                 confidences=confs, pages=(page,), has_header=bool(header_lines), bbox=box,
                 source="borderless")
