"""From a read cell grid to a `Table`: header rows told apart from body rows, the header tree
flattened to one path per column, body cells in the top-left slot of their span."""

from __future__ import annotations

import re
from typing import Sequence

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value

_BODY_ORDINAL = re.compile(r"^\d{1,3}[.)]?$")
_YEARISH = re.compile(r"^(19|20)\d\d(\s*[-–/]\s*(19|20)\d\d)?$")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(19|20)\d\d\b|\b\d{1,2}/(19|20)\d\d\b")


def _is_body_row(texts: list[str]) -> bool:
    """A row of data: an ordinal first and at least one number that is not a year, a date, or
    a second ordinal (a list of people or projects numbered overall and within a group, whose
    other cells are words: the continuation of such a list on a page without its header)."""
    if not texts:
        return False
    rest = [t.strip() for t in texts[1:] if t.strip()]
    numbers = [t for t in rest if parse_value(t).qualifier not in (TEXT, "missing") and not _YEARISH.match(t)]
    if not _BODY_ORDINAL.match(texts[0].strip()):
        # a row number misread ('8' as '§', '7' as 'Vú'): before a number within the group and
        # a date, or before two figures (no header label row holds two figures besides years)
        misread = len(texts[0].strip()) <= 2
        return misread and bool(rest) and (
            (bool(re.fullmatch(r"\d{1,3}[.,)]", rest[0])) and any(_DATE.search(t) for t in rest))
            or len(numbers) >= 2)
    dates = [t for t in rest if _DATE.search(t)]
    second_ordinal = bool(rest) and bool(re.fullmatch(r"\d{1,3}[.,)]?", rest[0]))
    return bool(numbers or dates) or (second_ordinal and len(rest) >= 2)


def header_row_count(n_rows: int, cells: list[tuple[int, int, int, int, str]]) -> int:
    """Rows that form the header. `cells`: (row, col, rowspan, colspan, text)."""
    first_row = {c: t for r, c, rs, cs, t in cells if r == 0}
    n_cols = max((c + cs for _, c, _, cs, _ in cells), default=0)
    if _is_body_row([first_row.get(c, "") for c in range(n_cols)]):
        return 0
    end = 1
    changed = True
    while changed and end < n_rows:
        changed = False
        for r, c, rs, cs, t in cells:
            if r < end and r + rs > end:
                end = r + rs
                changed = True
        # a spanning label over several columns announces a level of labels below it
        if not changed and end < n_rows:
            labels_above = [(c, cs) for r, c, rs, cs, t in cells if r == end - 1 and cs > 1 and t.strip()]
            below = {c: t for r, c, rs, cs, t in cells if r == end}
            row_below = [below.get(c, "") for c in range(n_cols)]
            spans_all = any(cs >= n_cols - 1 for _, cs in labels_above)
            if labels_above and not spans_all and not _is_body_row(row_below):
                end += 1
                changed = True
    return min(end, n_rows)


def flatten_header(n_cols: int, header_cells: list[tuple[int, int, int, int, str]]) -> list[str]:
    """One path per column: the labels of every header cell over it, top first, ' | '-joined."""
    paths: list[list[str]] = [[] for _ in range(n_cols)]
    for r, c, rs, cs, text in sorted(header_cells):
        label = re.sub(r"\s+", " ", text).strip()
        if not label:
            continue
        for col in range(c, min(c + cs, n_cols)):
            if not paths[col] or paths[col][-1] != label:
                paths[col].append(label)
    return [" | ".join(p) for p in paths]


def table_from_cells(doc_id: str, page: int, index: int, n_rows: int, n_cols: int,
                     cells: list[tuple],
                     bbox: tuple[int, int, int, int] | None, source: str) -> Table:
    """Assemble a Table from read cells: (row, col, rowspan, colspan, text, conf) and, where
    the OCR weighed other readings of the cell, a seventh entry with them ((form, odds), ...)."""
    plain = [(r, c, rs, cs, t) for r, c, rs, cs, t, *_ in cells]
    n_header = header_row_count(n_rows, plain)
    header_cells = [x for x in plain if x[0] < n_header]
    header = flatten_header(n_cols, header_cells) if n_header else [f"Cột {k}" for k in range(1, n_cols + 1)]
    body_rows = n_rows - n_header
    texts = [["" for _ in range(n_cols)] for _ in range(body_rows)]
    confs = [[100.0 for _ in range(n_cols)] for _ in range(body_rows)]
    alts: list[list[tuple]] = [[() for _ in range(n_cols)] for _ in range(body_rows)]
    spans = []
    for r, c, rs, cs, text, conf, *rest in cells:
        if r < n_header:
            continue
        br = r - n_header
        texts[br][c] = text
        confs[br][c] = conf
        alts[br][c] = tuple(rest[0]) if rest else ()
        if rs > 1 or cs > 1:
            spans.append((br, c, rs, cs))
    texts, confs, alts, spans = _without_split_lines(texts, confs, alts, spans)
    header, texts, confs, spans = _without_stray_columns(header, texts, confs, spans, n_header > 0, alts)
    return Table(
        doc_id=doc_id, page=page, index=index, header=tuple(header),
        rows=tuple(tuple(row) for row in texts), confidences=tuple(tuple(row) for row in confs),
        alternatives=tuple(tuple(row) for row in alts) if any(a for row in alts for a in row) else (),
        pages=(page,), has_header=n_header > 0, spans=tuple(spans), bbox=bbox, source=source,
    )


def _without_split_lines(texts: list[list[str]], confs: list[list[float]], alts: list[list[tuple]],
                         spans: list[tuple[int, int, int, int]]):
    """The body without lattice rows that only carry on the lines of the row above: a row that
    a cell of the row above reaches into (the line under it is missing in that column), with no
    TT of its own and no figure, is the wrapped end of the row above cut off by a stray line
    across it (a dashed guide a copier drew under a line of print), not a row of its own; its
    words are appended to the cells above them (scraps without a letter or digit, bits of the
    stray line, are dropped). A lower row with figures (an indicator's second unit under one
    TT) or a TT stays a row."""
    k = 1
    while k < len(texts):
        covered = {c + j for r, c, rs, cs in spans if r < k < r + rs for j in range(cs)}
        own = [c for c in range(len(texts[k])) if c not in covered and texts[k][c].strip()]
        if not covered or not carries_on_lines(texts[k], own):
            k += 1
            continue
        append_to_row_above(texts, confs, alts, k, own)
        spans = [(r - (r > k), c, rs - (r < k < r + rs), cs) for r, c, rs, cs in spans if r != k]
    return texts, confs, alts, [s for s in spans if s[2] > 1 or s[3] > 1]


def carries_on_lines(row: Sequence[str], columns: Sequence[int]) -> bool:
    """Whether a body row whose words lie in `columns` may be the wrapped end of the row above
    rather than a row of its own: no TT (its first column) and no figure among them."""
    return 0 not in columns and not any(parse_value(row[c]).qualifier not in (TEXT, "missing") for c in columns)


def append_to_row_above(texts: list[list[str]], confs: list[list[float]], alts: list[list[tuple]], k: int,
                        columns: Sequence[int]) -> None:
    """Body row `k` put back into the row above: the words of its cells `columns` appended to
    the cells above them (scraps without a letter or digit, bits of a stray line, dropped),
    each joined cell at the lower confidence of its parts; row `k` removed."""
    for c in columns:
        if any(ch.isalnum() for ch in texts[k][c]):
            texts[k - 1][c] = (texts[k - 1][c] + " " + texts[k][c]).strip()
            confs[k - 1][c] = min(confs[k - 1][c], confs[k][c])
            alts[k - 1][c] = ()  # readings of one line are no readings of the joined cell
    del texts[k], confs[k], alts[k]


def _without_stray_columns(header: list[str], texts: list[list[str]], confs: list[list[float]],
                           spans: list, has_header: bool, alts: list[list[tuple]] | None = None):
    """The grid without the columns a stray vertical stroke (a pen mark, a scan streak) cut
    out of a real one: a column empty in most body rows whose header is no label of its own
    (none, or the same as its left neighbour's, as a cell cut in two reads) is put back into
    the column on its left (a joined cell keeps the left part's alternatives, in `alts`). A
    sparse column with its own header ('Ghi chú') stays."""
    alts = alts if alts is not None else [[() for _ in row] for row in texts]
    c = 1
    while c < len(header) and texts:
        empty = sum(1 for row in texts if not row[c].strip())
        own_label = has_header and header[c].strip() and header[c].strip() != header[c - 1].strip()
        if empty >= 0.8 * len(texts) and not own_label:
            for row, conf, alt in zip(texts, confs, alts):
                if row[c].strip():
                    if not row[c - 1].strip():
                        alt[c - 1] = alt[c]
                    elif row[c].strip() != row[c - 1].strip():
                        alt[c - 1] = ()  # readings of one part are no readings of the joined cell
                    row[c - 1] = (row[c - 1] + " " + row[c]).strip() if row[c].strip() != row[c - 1].strip() else row[c - 1]
                    conf[c - 1] = min(conf[c - 1], conf[c])
                del row[c]
                del conf[c]
                del alt[c]
            del header[c]
            # a span over the stray column loses it; spans right of it move left
            spans = [(r, sc - (sc > c), rs, cs - (sc < c < sc + cs)) for r, sc, rs, cs in spans]
            continue
        c += 1
    return header, texts, confs, spans
