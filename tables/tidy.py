"""From a wide table to tidy observations: roles of columns and rows, sections, sub-rows,
units, measures and periods.

Column roles: the TT column (ordinals), the indicator-name column, the unit column (ĐVT /
Đơn vị / Đơn vị tính), value columns (mostly numbers) and text columns (assessment, agency),
which are not observations. Row roles: group rows ('I', 'II' + title) set the section; rows
whose name starts with '- ' / '+ ', whose TT is such a mark alone ('-', '+', '*'), or that
carry values under a numbered row without a TT of their own, are sub-rows of that numbered row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sohoa.tables.records import Table, unique_names
from sohoa.tables.values import TEXT, format_decimal, parse_value

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_GROUP_ORDINAL = re.compile(rf"^(?:{_ROMAN}|[A-Z])\.?$")
_GROUP_TEXT = re.compile(rf"^((?:{_ROMAN}|[A-Z])[.)]?)\s+(\S.*)$")
_ORDINAL = re.compile(rf"^(?:\d{{1,3}}(?:\.\d{{1,2}})*|{_ROMAN}|[a-zđ]|[A-Z])[.)]?$")
_TT_HEADER = re.compile(r"^(s[ốo]\s*)?s?tt\.?$|^số\s*thứ\s*tự$", re.IGNORECASE)
_UNIT_HEADER = re.compile(r"^(đvt|đơn\s*vị(\s*tính)?|dvt|don vi( tinh)?)$", re.IGNORECASE)
_NAME_HEADER = re.compile(r"chỉ\s*tiêu|nội\s*dung|tên|danh\s*mục|hạng\s*mục|chi\s*tieu",
                          re.IGNORECASE)
_SUBROW = re.compile(r"^\s*[-–+•]\s*(.*)$", re.DOTALL)
_SUBROW_MARK = re.compile(r"^[-–+*•]$")
"""A list mark alone in the TT column: the row is a sub-row of the numbered row above, as a
'- ' before its name says ('1' | 'Tổng sản phẩm', '-' | 'Dịch vụ')."""
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)\d\d)?)(?![\d.,])")
_RUN_TOGETHER_YEARS = re.compile(r"(?<![\d.,])((?:19|20)\d\d)[1lI|]((?:19|20)\d\d)(?![\d.,])")
_CLOSE_YEARS = 10
"""Years apart, at most, that two years of one period label lie ('2021-2025', '2022/2021')."""
_YEAR_WORDS = re.compile(r"\s*\b(năm|giai đoạn|gđ)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnRoles:
    tt: int | None
    name: int | None
    unit: int | None
    values: tuple[int, ...]


def slashed_years(label: str) -> str:
    """A header label with two years whose slash read as a stroke given their slash back
    ('So sánh 202212021 (%)' → 'So sánh 2022/2021 (%)'): a header prints no such number, and
    the two years of a period lie close together."""

    def slashed(match: re.Match) -> str:
        first, second = match.group(1), match.group(2)
        return f"{first}/{second}" if abs(int(first) - int(second)) <= _CLOSE_YEARS else match.group(0)

    return _RUN_TOGETHER_YEARS.sub(slashed, label)


def split_period(path: str) -> tuple[str, str]:
    """'Năm thực hiện | 2021' → ('Năm thực hiện', '2021'); 'Chỉ tiêu tỉnh năm 2023' →
    ('Chỉ tiêu tỉnh', '2023'); a path without a year → (path, '')."""
    parts = [slashed_years(p.strip()) for p in path.split(" | ")]
    period = ""
    kept = []
    for part in parts:
        match = _YEAR.search(part) if not period else None
        if match:
            period = re.sub(r"\s+", "", match.group(1)).replace("–", "-")
            rest = _YEAR_WORDS.sub("", part[: match.start()]).strip() + " " + part[match.end():].strip()
            rest = rest.strip(" ,:-")
            if rest:
                kept.append(rest)
        elif part:
            kept.append(part)
    if not period:
        # a year with a footnote mark read as a digit after it ('năm 20235')
        for k, part in enumerate(kept):
            match = re.search(r"(?<![\d.,])((?:19|20)\d\d)\d$", part)
            if match:
                period = match.group(1)
                rest = _YEAR_WORDS.sub("", part[: match.start()]).strip(" ,:-")
                kept[k] = rest
                kept = [p for p in kept if p]
                break
    return " | ".join(kept), period


# An 'H' is two strokes read as one letter: one 'I' or two, which the label alone cannot tell
# ('IH' is 'II' or 'III'). Such a label maps to the smaller numeral, and `_next_in_sequence` moves
# it on where the groups' running order asks for the next one.
_ROMAN_MISREAD = {"1": "I", "l": "I", "|": "I", "11": "II", "H": "II", "HH": "II", "lH": "II", "Hl": "II", "Il": "II", "lI": "II",
                  "IH": "II", "HI": "II", "1H": "II", "H1": "II", "|H": "II", "H|": "II",
                  "111": "III", "IlI": "III", "lV": "IV", "1V": "IV", "Vl": "VI", "V1": "VI"}


def roman_label(tt: str) -> str:
    """The group label as printed, undoing OCR's usual misreadings of Roman numerals."""
    tt = tt.strip().rstrip(".")
    return _ROMAN_MISREAD.get(tt, tt)


def is_group_label(tt: str) -> bool:
    """Whether a TT cell is a group's Roman numeral or letter ('II', 'B.', and 'H' or '|' as OCR
    misreads them), not a row number."""
    label = roman_label(tt)
    return bool(label) and not label[0].isdigit() and bool(_GROUP_ORDINAL.match(label))


_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _next_in_sequence(label: str, last: str) -> str:
    """A group's Roman numeral that repeats or goes back from the one before it ('I' read for
    'II' after 'I') is the next one: groups are numbered in order."""
    if label in _ROMANS and last in _ROMANS and _ROMANS.index(label) <= _ROMANS.index(last) \
            and _ROMANS.index(last) + 1 < len(_ROMANS):
        return _ROMANS[_ROMANS.index(last) + 1]
    return label


def column_roles(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> ColumnRoles:
    """Decide which column is TT, name, unit, and which hold values."""
    n = len(header)
    columns = [[r[c].strip() for r in rows if c < len(r)] for c in range(n)]
    filled = [[v for v in col if v] for col in columns]
    tt = next((c for c in range(n) if _TT_HEADER.match(header[c].strip())), None)
    # a first column of ordinals is the TT column whatever its header reads ('1' for 'TT'),
    # counting a group's Roman numeral in its usual misreadings ('|', 'lI'); a sub-row's list
    # mark there is neither a row number nor a name, and does not count
    numbers = [v for v in filled[0] if not _SUBROW_MARK.match(v)] if n else []
    if tt is None and numbers and sum(bool(_ORDINAL.match(roman_label(v))) for v in numbers) >= 0.8 * len(numbers):
        tt = 0
    unit = next((c for c in range(n) if _UNIT_HEADER.match(header[c].split(" | ")[-1].strip())), None)
    numeric_share = []
    for c in range(n):
        vals = filled[c]
        good = sum(parse_value(v).qualifier != TEXT for v in vals)
        numeric_share.append(good / len(vals) if vals else 0.0)
    name = next((c for c in range(n) if c not in (tt, unit) and _NAME_HEADER.search(header[c])
                 and numeric_share[c] < 0.5), None)
    if name is None:
        candidates = [c for c in range(n) if c not in (tt, unit) and numeric_share[c] < 0.5]
        if candidates:
            name = max(candidates, key=lambda c: sum(len(v) for v in filled[c]))
    values = tuple(
        c for c in range(n)
        if c not in (tt, name, unit) and filled[c] and numeric_share[c] >= 0.5
    )
    return ColumnRoles(tt=tt, name=name, unit=unit, values=values)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _measures_and_periods(header: tuple[str, ...], values: tuple[int, ...]) -> dict[int, tuple[str, str]]:
    """(measure, period) of each value column from its header; two columns that would share
    both (a header printed twice, its years lost) take the names the wide CSV gives them
    ('Kế hoạch', 'Kế hoạch (2)'), so that no two observations of a row share their keys."""
    keys = {c: split_period(header[c]) for c in values}
    shared = Counter(keys.values())
    names = unique_names(header)
    return {c: split_period(names[c]) if shared[key] > 1 else key for c, key in keys.items()}


def tidy_rows(table: Table) -> list[dict]:
    """The table's observations as dicts with the contract's columns (strings and ints)."""
    roles = column_roles(table.header, table.rows)
    section = ""
    last_label = ""  # the Roman numeral of the last group row
    parent = ""  # name of the last numbered (or plain) indicator row, for sub-rows
    out: list[dict] = []

    def cell(row: tuple[str, ...], c: int | None) -> str:
        return _clean(row[c]) if c is not None and c < len(row) else ""

    n_cols = len(table.header)
    as_read = {(r, c): text for r, c, text in table.raw_cells}
    keys = _measures_and_periods(table.header, roles.values)
    # an empty TT marks a sub-row only where numbered rows do carry their TT (OCR may lose it)
    tt_cells = [row[roles.tt].strip() for row in table.rows if roles.tt is not None and roles.tt < len(row)]
    tt_reliable = bool(tt_cells) and sum(bool(v) for v in tt_cells) >= 0.6 * len(tt_cells)
    # a cell that runs from the name (or TT) column to the right edge is a group title
    title_rows = {r + 1 for r, c, rs, cs in table.spans
                  if rs == 1 and c + cs >= n_cols and c <= (roles.name if roles.name is not None else 1)}
    for r, row in enumerate(table.rows, start=1):
        tt, name, unit = cell(row, roles.tt), cell(row, roles.name), cell(row, roles.unit)
        values = [(c, row[c].strip() if c < len(row) else "") for c in roles.values]
        has_values = any(v for _, v in values)
        nonempty = [_clean(v) for v in row if v.strip()]
        if r in title_rows and not has_values and nonempty:
            label = _next_in_sequence(roman_label(tt), last_label)
            last_label = label or last_label
            title = name or " ".join(nonempty[1:] if tt else nonempty)
            section = f"{label}. {title}" if label else title
            parent = ""
            continue
        if not has_values and not unit:
            # an untitled-cell group row: 'I' may come back as '|' or 'l', 'II' as 'H'; a digit
            # TT stays a numbered indicator (one without figures yet)
            label = tt if tt[:1].isdigit() else roman_label(tt)
            if label and _GROUP_ORDINAL.match(label) and not label[0].isdigit() and (name or len(nonempty) == 1):
                label = _next_in_sequence(label, last_label)
                last_label = label
                section = f"{label.rstrip('.')}. {name}".strip() if name else label
                parent = ""
                continue
            if len(nonempty) == 1 and _GROUP_TEXT.match(nonempty[0]) and not tt:
                label, title = _GROUP_TEXT.match(nonempty[0]).groups()
                if not label[0].isdigit() and (_GROUP_ORDINAL.match(label)):
                    section = f"{label.rstrip('.)')}. {title}"
                    parent = ""
                    continue
        sub = _SUBROW.match(name)
        if sub or _SUBROW_MARK.match(tt):
            sub_name = _clean(sub.group(1)) if sub else name
            indicator = f"{parent} - {sub_name}" if parent else sub_name
        elif tt_reliable and not tt and parent and has_values:
            indicator = f"{parent} - {name}" if name else parent
        else:
            indicator = name
            parent = name
        if not indicator:
            continue
        for c, raw in values:
            if not has_values:
                break
            parsed = parse_value(raw)
            confidence = (table.confidences[r - 1][c] if r - 1 < len(table.confidences)
                          and c < len(table.confidences[r - 1]) else 100.0)
            if parsed.qualifier == TEXT:
                continue
            measure, period = keys[c]
            out.append({
                "doc_id": table.doc_id,
                "page": table.row_pages[r - 1] if table.row_pages else table.page,
                "table": table.index,
                "row": r,
                "section": section,
                "indicator": indicator,
                "unit": unit,
                "measure": measure,
                "period": period,
                "value": format_decimal(parsed.value),
                "value_min": format_decimal(parsed.low),
                "value_max": format_decimal(parsed.high),
                "qualifier": parsed.qualifier,
                "raw": as_read.get((r - 1, c), raw),
                "source": table.source,
                "confidence": round(float(confidence), 1),
            })
    return out
