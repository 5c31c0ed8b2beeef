"""Tables continued across pages become one logical table.

A table that opens a page continues the last table of the previous page when it has the
same number of columns and either carries no header of its own (body rows straight away) or
repeats the previous header while its numbering does not restart at 1 / I.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sohoa.tables.records import Table
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
    if not table.has_header:
        return True
    if tuple(table.header) != tuple(previous.header) or not table.rows:
        return False
    roles = column_roles(table.header, table.rows)
    first_tt = table.rows[0][roles.tt].strip() if roles.tt is not None else ""
    return not _RESTART.match(first_tt)


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
            prev = joined[-1]
            prev_row_pages = prev.row_pages or tuple(prev.page for _ in prev.rows)
            offset = len(prev.rows)
            joined[-1] = replace(
                prev,
                rows=prev.rows + table.rows,
                confidences=prev.confidences + table.confidences,
                pages=prev.pages + (table.page,),
                row_pages=prev_row_pages + tuple(table.page for _ in table.rows),
                spans=prev.spans + tuple((r + offset, c, rs, cs) for r, c, rs, cs in table.spans),
            )
        else:
            joined.append(table)
    return joined
