"""Ordinal columns (STT, TT) put right by their own running order.

A column of row numbers ('1.', '2.', … or 1, 2, …) says what each of its cells should read:
the numbering runs on by one from row to row and restarts only after a row without a number
(a group row). Across a table joined over pages, it is the one place where a cell's neighbours
tell what OCR misread in it:

- a number between two neighbours that run on by two ('6.', '1.', '8.' read for '6.', '7.',
  '8.') is the one between them: its rows above and below, both numbered, are the evidence;
  so is a short cell read as no number at all ('§.', '%4.', 's8.': a digit read as a sign or
  a letter), with no more than one letter in it;
- the stop after a number ('9,' read for '9.') is the one most of the column's numbers carry
  (and so is that of a number mended by its neighbours: '5.' read for '51' is '51').

Nothing else changes: a column whose cells are not mostly numbers, a number with no numbered
row right above and below it, a group row's label. Every change is kept, with what was read,
in the table's `raw_cells` and `notes['mended_cells']`, so the CSV's sidecar shows it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sohoa.tables.records import Table

_NUMBER = re.compile(r"^(\d{1,4})([.,:;]?)$")
MIN_NUMBERED = 4  # numbered cells a column needs before its order counts as evidence
NUMBERED_SHARE = 0.8  # share of a column's filled cells that must be numbers
STOP_SHARE = 0.75  # share of the numbers that must end with one stop for it to be the column's
RUNNING_SHARE = 0.6  # share of a column's numbered neighbours that must run on by one


def mend_ordinal_column(cells: list[str]) -> dict[int, tuple[str, str]]:
    """{row: (new text, why)} for the cells of one column (top to bottom) its order mends."""
    stripped = [c.strip() for c in cells]
    filled = [c for c in stripped if c]
    numbered = {k: _NUMBER.match(c) for k, c in enumerate(stripped)}
    numbered = {k: m for k, m in numbered.items() if m}
    if len(numbered) < MIN_NUMBERED or len(numbered) < NUMBERED_SHARE * len(filled):
        return {}
    # a running order, not a column of figures or years that happen to be whole numbers
    steps = [int(numbered[k + 1].group(1)) - int(m.group(1)) for k, m in numbered.items() if k + 1 in numbered]
    if not steps or steps.count(1) < RUNNING_SHARE * len(steps):
        return {}
    stops = [m.group(2) for m in numbered.values()]
    usual = max(set(stops), key=stops.count)
    usual = usual if stops.count(usual) >= STOP_SHARE * len(stops) else None
    mended: dict[int, tuple[str, str]] = {}
    for k, match in numbered.items():
        value, stop = int(match.group(1)), match.group(2)
        reasons = []
        above, below = numbered.get(k - 1), numbered.get(k + 1)
        if above and below and int(below.group(1)) == int(above.group(1)) + 2 and value != int(above.group(1)) + 1:
            value = int(above.group(1)) + 1
            reasons.append("between its neighbours' numbers")
        if usual is not None and stop != usual and (stop in ",:;" or reasons):
            stop = usual  # a misread number's stop is read no better than its digits ('5.' for '51')
            reasons.append("the column's stop")
        if reasons:
            mended[k] = (f"{value}{stop}", "; ".join(reasons))
    # a cell read as no number at all ('§.', '%4.', 's8.') between two that run on by two
    for k, cell in enumerate(stripped):
        above, below = numbered.get(k - 1), numbered.get(k + 1)
        if (k in numbered or not cell or len(cell) > MAX_MISREAD_LENGTH or sum(ch.isalpha() for ch in cell) > 1
                or not above or not below or int(below.group(1)) != int(above.group(1)) + 2):
            continue
        mended[k] = (f"{int(above.group(1)) + 1}{usual if usual is not None else below.group(2)}",
                     "between its neighbours' numbers")
    return mended


MAX_MISREAD_LENGTH = 5
"""A cell longer than this is no misread row number, whatever its neighbours (a note, a label)."""


def mend_ordinals(table: Table) -> Table:
    """`table` with its ordinal columns mended (see the module); the same table where nothing is."""
    from sohoa.tables.records import unique_names

    names = unique_names(table.header)
    changes = []
    rows = [list(row) for row in table.rows]
    for c in range(table.n_columns):
        column = [row[c] if c < len(row) else "" for row in rows]
        for r, (text, why) in sorted(mend_ordinal_column(column).items()):
            changes.append({"row": r + 1, "column": names[c], "as_read": rows[r][c], "written": text, "why": why})
            rows[r][c] = text
    if not changes:
        return table
    notes = dict(table.notes)
    notes["mended_cells"] = list(notes.get("mended_cells", [])) + changes
    return replace(table.rewritten(rows), notes=notes)
