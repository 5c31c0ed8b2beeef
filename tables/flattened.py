"""Indicator tables that old OCR flattened into lines of text.

An English-model OCR pass over a scanned table writes each table row as one line of words:
'- Ty 1¢ nguoi tham gia bao hidm y té % 955 94,77 9469 |  93.80 9515 - 9963 | 9515| 95,50 …'.
The columns are gone, names wrap over the lines above and below, rules come back as '|',
and decimal commas are often dropped ('9469' for '94,69'). Such a table is recovered here,
conservatively:

- a table starts at a header line 'TT  Chỉ tiêu  ĐVT …' (read without marks, as OCR garbles
  them); its number of value columns is the usual count of value tokens on its row lines;
- a row line is one that ends in exactly that many value tokens (numbers, ranges, '-',
  'Trên 80'); its left part holds the TT, the name and the unit; a trailing assessment word
  ('Đạt', 'Vượt') is dropped;
- lines without values are name fragments: one starting with a capital goes to the next
  row's name (names wrap above the line OCR wrote the values on), one starting in lower case
  goes on the previous row's name; a line 'NN  name' without values is a numbered row
  without figures (a parent of the '- ' sub-rows under it);
- a bare number whose row shows decimal commas, and which only fits the row's other values
  with a comma put back, gets the comma back ('9469' beside '94,77' → '94,69');
- a line with values that cannot be aligned to the columns is reported, never guessed;
- the years of the header lines ('2020 2021 2022 2023 … 2024 | 2025') are given to the value
  columns they head (`header_years`): each run of consecutive years heads as many adjacent
  columns, in order; the other labels on the year line (cut at rules and brackets) each take
  at least one column of their own; where that leaves room, the placement under which every
  year's figures run on most smoothly from the year before's, row by row, is taken.

Every cell of such a table has a low confidence (`FLATTENED_CONFIDENCE`, less where a comma
was put back) and the table's source is 'flattened-text'.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value

SOURCE = "flattened-text"
FLATTENED_CONFIDENCE = 50.0
RESTORED_CONFIDENCE = 30.0

_HEADER = re.compile(r"^\s*s?tt\.?\s+(chi|chl|chj)\s*t[il1]eu\b.*\b[pdđ]vt\b", re.IGNORECASE)
_VALUE = re.compile(r"^(?:[-–—]|\d[\d.,]*%?|\d[\d.,]*\s*[-–]\s*\d[\d.,]*)$")
_QUALIFIER_WORD = {"tren": "Trên", "duoi": "Dưới", "dudi": "Dưới", "duei": "Dưới", "khoang": "Khoảng"}
_ASSESSMENT = re.compile(r"^(dat|pat|vuot|kho)[|,.]?$")
_MISSING_GARBLE = {"-l", "-|", "–", "—"}
_TT = re.compile(r"^(\d{1,2})\s*[|.)]?$")
_SUB_MARK = re.compile(r"^[-–.,;'’]$")
# '%' as English-model OCR writes it when it stands alone in its column
_PERCENT = {"%", "%o", "%.", "%c", "o", "Yo", "%0"}
_MIN_ROWS = 3
_MAX_PROSE_CHARS = 160


def _plain(text: str) -> str:
    """Lower case without marks ('Chỉ tiêu' → 'chi tieu'; 'đ' → 'd')."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _tokens(line: str) -> list[str]:
    return [t for t in re.split(r"[\s|]+", line) if t]


def _value_tail(tokens: list[str]) -> tuple[list[str], list[str], int]:
    """(left tokens, value tokens as read, tokens dropped at the end) of one line: value tokens
    are taken from the right while they look like values; one assessment word at the very end
    is dropped first."""
    end = len(tokens)
    dropped = 0
    if end and _ASSESSMENT.match(_plain(tokens[-1])):
        end -= 1
        dropped = 1
    values: list[str] = []
    k = end
    while k > 0:
        token = tokens[k - 1]
        if _VALUE.match(token) or token in _MISSING_GARBLE:
            if k >= 2 and _plain(tokens[k - 2]) in _QUALIFIER_WORD and token[0].isdigit():
                values.insert(0, tokens[k - 2] + " " + token)
                k -= 2
                continue
            values.insert(0, token)
            k -= 1
            continue
        break
    return tokens[:k], values, dropped


def _canonical(token: str) -> str:
    """A value token as a cell: qualifier words spelt out, garbled dashes as '-'."""
    if token in _MISSING_GARBLE:
        return "-"
    if " " in token:
        word, number = token.split(" ", 1)
        return f"{_QUALIFIER_WORD.get(_plain(word), word)} {number}"
    return token


def _magnitude(cell: str) -> float | None:
    parsed = parse_value(cell)
    if parsed.qualifier == TEXT:
        return None
    number = parsed.value if parsed.value is not None else parsed.high
    return float(number) if number is not None and number > 0 else None


def _is_bare(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{3,}", cell))


def _reference(cells: list[str], skip: int | None = None) -> float | None:
    """Median of the magnitudes of `cells` that are not bare numbers (None under two)."""
    found = [m for j, c in enumerate(cells) if j != skip and not _is_bare(c) for m in [_magnitude(c)] if m]
    return statistics.median(found) if len(found) >= 2 else None


def restore_decimal_commas(cells: list[str], columns: list[float | None] | None = None
                           ) -> tuple[list[str], set[int]]:
    """Cells of one row with the decimal commas OCR dropped put back, and which were changed.

    A bare number of three or more digits is changed only when the row shows decimal marks
    (two or more values written with ',' or with a '.' and one or two decimals), the number
    as written lies far (a factor 5 or more) from the row's other values, and with a comma put
    back it lies close (within a factor 1.6) to the median of the row's other values or to
    that of its column's values written with marks (`columns`, one entry per cell).
    """
    shown = sum(1 for c in cells if re.fullmatch(r"\d+[,.]\d{1,2}", c))
    if shown < 2:
        return cells, set()
    out, changed = list(cells), set()
    for k, cell in enumerate(cells):
        if not _is_bare(cell):
            continue
        ref = _reference(cells, skip=k)
        if ref is None or abs(math.log(float(cell) / ref)) < math.log(5):
            continue
        refs = [ref] + ([columns[k]] if columns and columns[k] else [])
        best = None
        for decimals in (1, 2):
            if len(cell) - decimals < 1:
                continue
            number = float(cell[:-decimals] + "." + cell[-decimals:])
            distance = min(abs(math.log(number / r)) for r in refs)
            if distance < math.log(1.6) and (best is None or distance < best[0]):
                best = (distance, cell[:-decimals] + "," + cell[-decimals:])
        if best:
            out[k] = best[1]
            changed.add(k)
    return out, changed


@dataclass
class _Row:
    line: int
    tt: str
    name: list[str]
    unit: str
    values: list[str] = field(default_factory=list)
    sub: bool = False


@dataclass
class FlattenedTable:
    """A recovered table before it becomes a `Table` (internal)."""

    line: int
    header_text: list[str]
    n_values: int
    rows: list[_Row]
    unaligned: list[tuple[int, str]]


def _split_left(left: list[str]) -> tuple[str, bool, list[str], str]:
    """(TT, is sub-row, name words, unit) from the tokens left of the values."""
    tt, sub = "", False
    words = list(left)
    if words and _TT.match(words[0]):
        tt = _TT.match(words[0]).group(1)
        words = words[1:]
    if words and _SUB_MARK.match(words[0]):
        sub = True
        words = words[1:]
    unit = ""
    if words and (words[-1] in _PERCENT or words[-1].startswith("%")):
        unit = "%"
        words = words[:-1]
    return tt, sub, words, unit


def _is_junk(words: list[str]) -> bool:
    """A fragment line of stray marks ('W R Kho', 'V1€ h ng q'): short tokens only."""
    return not words or (len(words) >= 2 and sum(map(len, words)) / len(words) < 2.5)


def _fragment_words(words: list[str]) -> list[str]:
    """Name words without what OCR of the neighbouring columns left among them: an assessment
    word, a lone '%', lone digits."""
    return [w for w in words if w not in _PERCENT - {"o"} and any(ch.isalpha() for ch in w)]


def _without_assessment(words: list[str]) -> list[str]:
    """A line's words without the assessment ('Đạt', 'Vượt') OCR read at its end."""
    return words[:-1] if words and _ASSESSMENT.match(_plain(words[-1])) else words


_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d$")
_TEXT_COLUMN_LABEL = re.compile(r"\b(danh gia|ghi chu)\b")
"""Labels of the text columns of an indicator table (assessment, notes) read without marks:
such a column is no value column, as its words ('Đạt', 'Vượt') are not values."""


def _header_chunks(line: str) -> list[str | int]:
    """The labels of a header line in order: cut at rules and brackets ('|', '[', ']') and
    around years; a year is an int, a label its text. Scraps without two letters are dropped."""
    chunks: list[str | int] = []
    for piece in re.split(r"[|\[\]]", line):
        words: list[str] = []
        for word in piece.split():
            bare = word.strip(".,;:'’‘“”()")
            if _YEAR_TOKEN.match(bare):
                if words:
                    chunks.append(" ".join(words))
                    words = []
                chunks.append(int(bare))
            else:
                words.append(word)
        if words:
            chunks.append(" ".join(words))
    return [c for c in chunks if isinstance(c, int) or sum(ch.isalpha() for ch in c) >= 2]


def _year_runs(chunks: list[str | int]) -> tuple[list[list[int]], list[int]]:
    """(runs of consecutive years, labels before, between and after the runs): a label or a
    year that does not follow the one before ends a run."""
    runs: list[list[int]] = []
    gaps = [0]
    for chunk in chunks:
        if isinstance(chunk, int):
            if runs and gaps[-1] == 0 and runs[-1][-1] + 1 == chunk:
                runs[-1].append(chunk)
            else:
                runs.append([chunk])
                gaps.append(0)
        else:
            gaps[-1] += 1
    return runs, gaps


def _continuity_cost(columns: dict[int, int], rows: list[list[str]]) -> float:
    """How unevenly the figures run on from one year to the next, row by row: the squared log
    ratio of every pair of figures in columns of consecutive years (capped, so one odd figure
    cannot outweigh the rest; a figure beside a blank counts as the cap)."""
    cap = math.log(10) ** 2
    by_year = {year: col for col, year in columns.items()}
    cost = 0.0
    for year, col in by_year.items():
        if year + 1 not in by_year:
            continue
        nxt = by_year[year + 1]
        for row in rows:
            a, b = _magnitude(row[col]), _magnitude(row[nxt])
            if a and b:
                cost += min(cap, math.log(a / b) ** 2)
            elif (a is None) != (b is None):
                cost += cap
    return cost


def header_years(header_lines: list[str], n_values: int, rows: list[list[str]]) -> dict[int, int]:
    """The year (value) of the value columns (keys: 0-based among the value columns) that the
    years of the header lines head, empty when they cannot be placed (see the module
    docstring). `rows`: the value cells of the table's rows."""
    lines = [[c for c in _header_chunks(line) if isinstance(c, int) or not _TEXT_COLUMN_LABEL.search(_plain(c))]
             for line in header_lines]
    chunks = max(lines, key=lambda cs: sum(isinstance(c, int) for c in cs), default=[])
    runs, gaps = _year_runs(chunks)
    years = sum(len(run) for run in runs)
    if years < 2 or len(runs) > 4:
        return {}
    free = n_values - years - sum(gaps)
    if free < 0:
        return {}
    placements = []
    for extra in _spreads(free, len(gaps)):
        columns, col = {}, 0
        for k, run in enumerate(runs):
            col += gaps[k] + extra[k]
            for year in run:
                columns[col] = year
                col += 1
        placements.append((_continuity_cost(columns, rows), columns))
    placements.sort(key=lambda p: p[0])
    if len(placements) > 1 and not placements[0][0] < _CLEARLY_SMOOTHER * placements[1][0]:
        return {}  # the figures do not tell where the years go: no year is guessed
    return placements[0][1]


_CLEARLY_SMOOTHER = 0.7
"""Where the header leaves room for more than one placement of its years, the smoothest must
cost at most this share of the next one."""


def _spreads(total: int, parts: int):
    """Every way to share `total` among `parts` (non-negative, in order)."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _spreads(total - first, parts - 1):
            yield (first,) + rest


def _value_header(n_values: int, years: dict[int, int]) -> tuple[str, ...]:
    """Names of the value columns: 'Cột k' by position, and for a column a header year heads
    'Cột a-b | year', a-b the positions of its run of year columns (one measure, its period)."""
    names = []
    for k in range(n_values):
        if k not in years:
            names.append(f"Cột {4 + k}")
            continue
        first = k
        while first - 1 in years and years[first - 1] == years[first] - 1:
            first -= 1
        last = k
        while last + 1 in years and years[last + 1] == years[last] + 1:
            last += 1
        names.append(f"Cột {4 + first}-{4 + last} | {years[k]}")
    return tuple(names)


def _is_header(line: str) -> bool:
    return bool(_HEADER.match(_plain(line)))


def _value_count(line: str) -> int:
    if line.startswith("\t") or not line.strip():
        return 0
    return len(_value_tail(_tokens(line))[1])


def find_flattened_tables(lines: list[str]) -> list[FlattenedTable]:
    """Every flattened table in `lines` (see the module docstring)."""
    tables = []
    k = 0
    while k < len(lines):
        if not _is_header(lines[k]):
            k += 1
            continue
        table, k = _read_table(lines, k)
        if table is not None:
            tables.append(table)
    return tables


def _header_end(lines: list[str], start: int) -> int:
    """First line after the header lines that begin at `start` (the 'TT Chỉ tiêu' line)."""
    k = start + 1
    while k < len(lines) and k < start + 4:
        tokens = _tokens(lines[k])
        if not tokens or _TT.match(tokens[0]) or _SUB_MARK.match(tokens[0]) or _value_count(lines[k]) >= 4:
            break
        k += 1
    return k


def _read_table(lines: list[str], start: int) -> tuple[FlattenedTable | None, int]:
    above = _tokens(lines[start - 1]) if start else []
    header_text = ([lines[start - 1].strip()] if above and not any(
        _VALUE.match(t) and any(ch.isdigit() for ch in t) and not _YEAR_TOKEN.match(t) for t in above) else []) + \
        [lines[j].strip() for j in range(start, _header_end(lines, start))]
    # the table's extent: up to a long prose line or three blank lines in a row
    end, blanks = _header_end(lines, start), 0
    body = []
    while end < len(lines):
        line = lines[end]
        if not line.strip():
            blanks += 1
            if blanks >= 3:
                break
        else:
            blanks = 0
            if len(line.strip()) > _MAX_PROSE_CHARS or line.startswith("\t"):
                break
            body.append(end)
        end += 1
    counts = Counter(c for c in (_value_count(lines[j]) for j in body) if c >= 3)
    if not counts:
        return None, end
    n_values, seen = counts.most_common(1)[0]
    if seen < _MIN_ROWS or seen < 0.4 * sum(counts.values()):
        return None, end

    rows: list[_Row] = []
    unaligned: list[tuple[int, str]] = []
    pending: list[str] = []  # name fragments waiting for the row below them
    orphan = False  # the last row line could not be aligned: what continues it is lost too
    j_iter = iter(range(len(body)))
    skip_until = -1
    for idx in j_iter:
        j = body[idx]
        if j < skip_until:
            continue
        line = lines[j]
        if _is_header(line):
            # the header repeated on a new page: drop it, and a fragment that was its first line
            pending = []
            skip_until = _header_end(lines, j)
            continue
        tokens = _tokens(line)
        left, values, _ = _value_tail(tokens)
        numbers = sum(1 for t in tokens[1:] if _VALUE.match(t) and re.search(r"\d[.,:]?\d", t))
        if len(values) != n_values and (len(values) >= 3 or numbers >= 3):
            unaligned.append((j + 1, line.strip()))
            tt, _, _, _ = _split_left(tokens[:1])
            if tt:  # keep the numbered row, without its figures, as the parent of its sub-rows
                rows.append(_Row(j + 1, tt, _fragment_words(pending) if tokens[1:2] in (["-"], ["–"]) else [], ""))
            pending, orphan = [], True
            continue
        if len(values) == n_values:
            tt, sub, words, unit = _split_left(left)
            if tt and sub:
                # the TT of a parent printed beside its first sub-row: the parent's name is
                # the fragment above, or there is none
                rows.append(_Row(j + 1, tt, _fragment_words(pending), ""))
                tt, pending = "", []
            rows.append(_Row(j + 1, tt, _fragment_words(pending + words), unit,
                             [_canonical(v) for v in values], sub))
            pending, orphan = [], False
            continue
        # a line without a full set of values: a numbered row without figures, or a fragment;
        # figures on it ('2,28%') are what is left of a row that could not be aligned
        tt, sub, words, unit = _split_left(_without_assessment(tokens))
        if _is_junk(words) or any(re.search(r"\d[.,]\d|%", w) for w in words):
            continue
        if tt and words:
            rows.append(_Row(j + 1, tt, _fragment_words(pending + words), ""))
            pending, orphan = [], False
        elif words and words[0][:1].islower() and not pending:
            if rows and not orphan:
                rows[-1].name.extend(_fragment_words(words))
        elif words:
            pending.extend(words)
    if sum(1 for r in rows if r.values) < _MIN_ROWS:
        return None, end
    return FlattenedTable(start + 1, header_text, n_values, rows, unaligned), end


def parse_flattened_tables(doc_id: str, text: str, pages: list[int]) -> list[Table]:
    """The flattened tables of `text` as `Table`s (source 'flattened-text'), in reading order.
    `pages`: the page of every line. Table indices are per page, counted from 1; the caller
    renumbers them among the text's other tables."""
    lines = [line.replace("\f", "") for line in text.split("\n")]
    out = []
    for found in find_flattened_tables(lines):
        n = found.n_values
        columns = [_reference([row.values[k] for row in found.rows if row.values]) for k in range(n)]
        written = [restore_decimal_commas(row.values, columns) if row.values else ([""] * n, set())
                   for row in found.rows]
        years = header_years(found.header_text, n, [cells for (cells, _), row in zip(written, found.rows)
                                                     if row.values])
        header = ("TT", "Chỉ tiêu", "ĐVT") + _value_header(n, years)
        rows, confidences, reads, restored = [], [], [], []
        for r, (row, (cells, changed)) in enumerate(zip(found.rows, written)):
            name = " ".join(row.name).strip()
            if row.sub:
                name = "- " + name
            rows.append((row.tt, name, row.unit, *cells))
            confidences.append((FLATTENED_CONFIDENCE,) * 3 + tuple(
                RESTORED_CONFIDENCE if k in changed else FLATTENED_CONFIDENCE for k in range(n)))
            for k, value in enumerate(row.values):
                if value != cells[k] or _canonical(value) != value:
                    reads.append((r, 3 + k, value))
                if k in changed:
                    restored.append({"row": r + 1, "column": header[3 + k], "read": value,
                                     "written": cells[k], "line": row.line})
        page = pages[found.line - 1] if found.line - 1 < len(pages) else 1
        out.append(Table(
            doc_id=doc_id, page=page, index=1, header=header, rows=tuple(rows),
            confidences=tuple(confidences), pages=(page,), source=SOURCE,
            raw_cells=tuple(reads),
            notes={"line": found.line - 1, "header_text": found.header_text,
                   "restored_commas": restored,
                   "unaligned_lines": [{"line": n_line, "text": t} for n_line, t in found.unaligned]},
        ))
    return out
