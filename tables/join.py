"""Tables continued across pages become one logical table.

A table that opens a page continues the last table of the previous page when it has the
same number of columns and either carries no header of its own (body rows straight away) or
repeats the previous header while its numbering does not restart at 1 / I. A row that the
page break split in two (the rest of its name at the top of the next page) is one row again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sohoa.tables.records import Table
from sohoa.tables.structure import append_to_row_above, carries_on_lines
from sohoa.tables.tidy import column_roles

_RESTART = re.compile(r"^(1|I|A|a)[.)]?$")


def _continues(previous: Table, table: Table, last_index_on_page: dict[int, int]) -> bool:
    if table.index != 1 or table.page != previous.pages[-1] + 1:
        return False
    last_piece_index = previous.index if len(previous.pages) == 1 else 1
    if last_piece_index != last_index_on_page.get(previous.pages[-1], last_piece_index):
        return False  # only the bottom table of a page runs on
    if table.n_columns != previous.n_columns or table.source == "text":
        return False
    if not table.has_header or _header_is_body(table):
        return True
    if tuple(table.header) != tuple(previous.header) or not table.rows:
        return False
    roles = column_roles(table.header, table.rows)
    first_tt = table.rows[0][roles.tt].strip() if roles.tt is not None else ""
    return not _RESTART.match(first_tt)


_NUMBERED = re.compile(r"^\W{0,2}(\d{1,4})\S{0,2}\s+\d{1,3}\s*[.,)]")


def _header_is_body(table: Table) -> bool:
    """A continuation page whose first rows were taken for a header: its first 'label' starts
    with two numbers, a row number and a number within a group ('76 4.'), as no header does."""
    first = table.header[0].strip() if table.header else ""
    return bool(_NUMBERED.match(first)) and int(_NUMBERED.match(first).group(1)) > 1


def _header_rows(table: Table) -> tuple[tuple[str, ...], ...]:
    """The header paths of `table` put back as the body rows they were read from."""
    levels = [path.split(" | ") for path in table.header]
    depth = max(len(lv) for lv in levels)
    rows = []
    for k in range(depth):
        row = [lv[k] if k < len(lv) else "" for lv in levels]
        # a cell spanning several columns is written once, in its first column
        rows.append(tuple("" if c and v == row[c - 1] else v for c, v in enumerate(row)))
    return tuple(rows)


_ROW_OF_ITS_OWN = re.compile(r"^(?:[-–+•*]|\(?[0-9a-zđA-Z]{1,3}[.)]\s)|:$")
"""A name that opens with a list mark or a label ('- Trong đó', 'a) Nông nghiệp') or announces
rows below it ('Chia ra:') starts a row of its own, even without a TT or a figure."""


def _with_split_row_joined(table: Table, k: int) -> Table:
    """The joined `table` with body row `k`, the first of a continuation page, put back into
    the row above when a page break split that row: row `k` has no row number and no figure
    and words only in the name (and unit) column, and goes on in small letters: the rest of a
    name that wrapped onto the next page ('Số giường bệnh/vạn' | 'dân (nhóm 2)'); the same wrapped end that a stray line
    cuts off within a page (`sohoa.tables.structure.append_to_row_above`)."""
    if not 0 < k < len(table.rows) or any(r <= k < r + rs for r, _, rs, _ in table.spans):
        return table
    row = table.rows[k]
    own = [c for c, text in enumerate(row) if text.strip()]
    roles = column_roles(table.header, table.rows)
    words = {roles.name, roles.unit} - {None}
    if roles.name not in own or not set(own) <= words or not carries_on_lines(row, own) \
            or _ROW_OF_ITS_OWN.search(row[roles.name].strip()) or row[roles.name].strip()[:1].isupper():
        return table  # a capital opens a heading of the rows below ('Phân theo giới tính', 'HUYỆN BÌNH SƠN')
    texts = [list(r) for r in table.rows]
    confs = [list(r) for r in table.confidences] if len(table.confidences) == len(table.rows) else \
        [[100.0] * len(r) for r in table.rows]
    alts = [list(r) for r in table.alternatives_grid()]
    as_read = {(r, c): text for r, c, text in table.raw_cells}
    for c in own:  # what was read of a joined cell is what was read of its two parts
        if (k - 1, c) in as_read or (k, c) in as_read:
            as_read[(k - 1, c)] = f"{as_read.get((k - 1, c), texts[k - 1][c])} {as_read.get((k, c), row[c])}".strip()
    append_to_row_above(texts, confs, alts, k, own)
    row_pages = table.row_pages[:k] + table.row_pages[k + 1:]
    return replace(
        table, rows=tuple(map(tuple, texts)), confidences=tuple(map(tuple, confs)),
        alternatives=tuple(map(tuple, alts)) if table.alternatives else (), row_pages=row_pages,
        spans=tuple((r - (r > k), c, rs, cs) for r, c, rs, cs in table.spans),
        raw_cells=tuple((r - (r > k), c, text) for (r, c), text in sorted(as_read.items()) if r != k))


def join_continued(tables: list[Table]) -> list[Table]:
    """Join every run of continued tables; order by page, then index within the page."""
    ordered = sorted(tables, key=lambda t: (t.page, t.index))
    last_index: dict[int, int] = {}
    for t in ordered:
        last_index[t.page] = max(last_index.get(t.page, 0), t.index)
    joined: list[Table] = []
    for table in ordered:
        table = table if table.pages else replace(table, pages=(table.page,))
        if joined and _continues(joined[-1], table, last_index):
            if table.has_header and _header_is_body(table):
                extra = _header_rows(table)
                table = replace(table, rows=extra + table.rows,
                                confidences=tuple((50.0,) * table.n_columns for _ in extra) + table.confidences,
                                alternatives=tuple(((),) * table.n_columns for _ in extra) + table.alternatives_grid(),
                                spans=tuple((r + len(extra), c, rs, cs) for r, c, rs, cs in table.spans),
                                raw_cells=tuple((r + len(extra), c, text) for r, c, text in table.raw_cells))
            prev = joined[-1]
            prev_row_pages = prev.row_pages or tuple(prev.page for _ in prev.rows)
            offset = len(prev.rows)
            joined[-1] = replace(
                prev,
                rows=prev.rows + table.rows,
                confidences=prev.confidences + table.confidences,
                alternatives=(prev.alternatives_grid() + table.alternatives_grid()
                              if prev.alternatives or table.alternatives else ()),
                pages=prev.pages + (table.page,),
                row_pages=prev_row_pages + tuple(table.page for _ in table.rows),
                spans=prev.spans + tuple((r + offset, c, rs, cs) for r, c, rs, cs in table.spans),
                raw_cells=prev.raw_cells + tuple((r + offset, c, text) for r, c, text in table.raw_cells),
            )
            joined[-1] = _with_split_row_joined(joined[-1], offset)
        else:
            joined.append(table)
    return joined
