"""Cell text clean-up shared by the text and image paths: text cells go through the repair
pipeline, numeric cells are left exactly as read; OCR'd indicator names also get the
tone-mark check of `sohoa.tables.names`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value


_SPACE_IN_BRACKETS = re.compile(r"(?<=[(\[])\s+|\s+(?=[)\]])")


def tidy_brackets(text: str) -> str:
    """No white space just inside round or square brackets ('(% )' → '(%)'): Vietnamese print
    never sets one there, OCR of a degraded crop does."""
    return _SPACE_IN_BRACKETS.sub("", text)


def undouble_letters(text: str) -> str:
    """'ChỉỈ tiêu' → 'Chỉ tiêu': Tesseract sometimes writes a marked vowel twice, the second
    time as a capital; no Vietnamese word has a marked vowel followed by its own capital. A
    plain letter before its capital is two words run together ('VănNam'), and stays."""
    out = []
    for k, ch in enumerate(text):
        if (k and ch.isupper() and out and out[-1].islower() and out[-1].upper() == ch
                and len(unicodedata.normalize("NFD", ch)) > 1):
            continue
        out.append(ch)
    return "".join(out)


def repair_cell(text: str, *, name_marks: bool = False, header_marks: bool = False,
                alternatives: Iterable = (), style_hint: str | None = None) -> str:
    """Repair a text cell; cells that read as numbers, ranges or missing markers stay as they are.

    `name_marks`: the cell is an OCR'd indicator name; also check its words' tone marks
    (`sohoa.tables.names`), with `alternatives` the marks the OCR itself doubted.
    `header_marks`: the cell is an OCR'd header label; its words' marks change only where
    `alternatives` show the OCR scored the other form a close second (no prior).
    `style_hint`: the tone placement of the table around the cell, for the words the repair
    restores where the cell itself shows none.
    """
    if not text.strip() or parse_value(text).qualifier != TEXT:
        return text
    if all(any(ch.isdigit() for ch in token) for token in text.split()):
        # 'A4.', 's8.': an ordinal or figure read with a letter for a digit, which the running
        # order of its column mends (`sohoa.tables.ordinals`); read as a word it would lose its digit
        return text
    text = without_specks(undouble_letters(tidy_brackets(text)))
    from sohoa.diacritics import repair
    from sohoa.diacritics.compose import apply_edits

    try:
        text = apply_edits(text, sparing_names(text, repair(text, style_hint=style_hint).edits))
        if name_marks:
            from sohoa.tables.names import name_mark_edits

            text = spaced_year_span(sentence_case_start(text))
            text = apply_edits(text, sparing_names(text, name_mark_edits(text, alternatives, style=style_hint)))
        elif header_marks and alternatives:
            from sohoa.tables.names import fix_name_marks

            text = fix_name_marks(text, close_rivals(alternatives), prior=0.0, rare_below=HEADER_RARE_SHARE,
                                  style=style_hint)
        return text
    except Exception:  # noqa: BLE001 - a failing repair must never lose the table
        return text


_WORD = re.compile(r"[^\W\d_]+")
_SPECK_SIGNS = set("|}{›‹‡†§¿¡~^`´¨¬¦»«")
"""Signs a speck, a seal's edge or a rule's stub comes out as beside a cell's words, which no
cell of a report puts there ('%', '-', '*', '(', '…' are left: they mean something)."""


def _foreign_letter(ch: str) -> bool:
    """A letter no Vietnamese word has: one with a mark Vietnamese does not use ('Ä', 'Š', 'ñ')."""
    if not ch.isalpha() or ch.isascii() or ch in "đĐ":
        return False
    from sohoa.diacritics.syllables import TONE_MARKS, VOWEL_MARKS

    base, *marks = unicodedata.normalize("NFD", ch)
    return not base.isascii() or any(mark not in TONE_MARKS and mark not in VOWEL_MARKS for mark in marks)


def without_specks(text: str) -> str:
    """A cell's text without the specks OCR read beside its words: a token of those signs alone
    at either end ('Công dân }', '| |'), and a token anywhere that mixes a letter Vietnamese
    does not have with signs or stands as one or two such letters ('Họ tên Äằ&›', 'Quân khu Š');
    a foreign name ('Müller') and a token with a digit ('4Š,', a number with a digit misread)
    stay."""
    tokens = text.split()

    def speck(token: str) -> bool:
        if any(ch in "0123456789" for ch in token):  # a number with a digit misread ('4Š,' for '45,'): keep what was read
            return False
        letters = [ch for ch in token if ch.isalpha()]
        foreign = any(_foreign_letter(ch) for ch in letters)
        return foreign and (len(letters) <= 2 or any(not ch.isalnum() for ch in token))

    def edge_speck(token: str) -> bool:
        return all(ch in _SPECK_SIGNS for ch in token)

    kept = [t for t in tokens if not speck(t)]
    while kept and edge_speck(kept[-1]):
        kept.pop()
    while kept and edge_speck(kept[0]):
        kept.pop(0)
    if not kept:
        return text  # a cell of nothing else is what was read there ('|' for a group's 'I')
    return " ".join(kept) if len(kept) != len(tokens) else text


def proper_name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words of `text` that are parts of proper names: a capitalised word
    ('Hiền', 'Đồng', 'Dé') in text that is not all capitals, unless it only opens the text
    before a word in small letters ('Tỷ lệ hộ nghèo'). A cell of a list of people or places
    ('Xã An Đồng, huyện An Dương', 'Trần Văn Dé') is short: its context cannot tell one
    name's marks from another's ('Hiền Thành' or 'Hiện Thành'), and a name is not written
    wrong more often than a word."""
    words = list(_WORD.finditer(text))
    if not any(ch.islower() for ch in text):
        return []  # all capitals (a group's title: '3- TÍNH BÌNH THUẬN'), no name told apart
    spans = []
    for k, word in enumerate(words):
        letters = word.group()
        if not (letters[0].isupper() and letters[1:].islower() or len(letters) == 1 and letters.isupper()):
            continue
        opening = k == 0 and text[:word.start()].strip(" -–.()0123456789") == ""
        if opening and (k + 1 == len(words) or not words[k + 1].group()[0].isupper()):
            continue
        spans.append(word.span())
    return spans


def sparing_names(text: str, edits) -> list:
    """`edits` but those that change the letters or marks of a proper name's word in `text`
    (`proper_name_spans`) other than by adding the marks the OCR dropped ('Quảng Tri' →
    'Trị', 'Hà Nôi' → 'Nội', its commonest slip); a space or a stop beside one may change."""
    from sohoa.diacritics.restore.ocr_evidence import adds_marks_only

    names = proper_name_spans(text)
    return [e for e in edits
            if not (any(start < e.end and e.start < end for start, end in names)
                    and any(ch.isalpha() for ch in e.before) and any(ch.isalpha() for ch in e.after)
                    and not adds_marks_only(e.before, e.after))]


HEADER_RIVAL_ODDS = 0.5
"""A header label's word takes another mark only where the OCR scored that form at least this
share of the one it read (a close second, as for digits in `sohoa.tables.cellocr`): a label is
too short for the context to outweigh a clear OCR preference ('Chỉ tiêu tỉnh' read with
'tính' at 0.07 stays, though the context prefers 'tính')."""


HEADER_RARE_SHARE = 0.05
"""... and only a word whose form as read the language gives under this share of its letters
('uốc' 0.1 % beside 'ước'; 'tỉnh' at 30 % beside 'tình' and 'tính' stays whatever the OCR
weighed): a short label's context cannot tell two forms the language both uses."""


def close_rivals(alternatives: Iterable) -> tuple:
    """Per word as read, only the other forms the OCR scored at least `HEADER_RIVAL_ODDS` of it."""
    out = []
    for word, forms in alternatives:
        close = tuple((form, odds) for form, odds in forms if odds >= HEADER_RIVAL_ODDS)
        if close:
            out.append((word, close))
    return tuple(out)


# A capital with a tone mark read in place of the small letter: 'TỶ lệ' for 'Tỷ lệ'. Vietnamese
# acronyms (GRDP, USD, THCS) carry no marks, so a marked capital after the first letter of a
# word followed by lower-case words is the OCR's case error.
_SHOUTED_WORD = re.compile(r"^([A-ZĐ])([A-ZĐÀ-Ỹ]*[À-ỸĐ][A-ZĐÀ-Ỹ]*)(?=\s+[a-zđà-ỹ])")


def sentence_case_start(text: str) -> str:
    """'TỶ lệ hộ nghèo' → 'Tỷ lệ hộ nghèo'; names in capitals and acronyms stay as read."""
    match = _SHOUTED_WORD.match(text)
    if not match or not any(ch.islower() for ch in text[match.end():]):
        return text
    return match.group(1) + match.group(2).lower() + text[match.end():]


_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")


def spaced_year_span(text: str) -> str:
    """'giai đoạn 2021-2025' → 'giai đoạn 2021 - 2025': OCR drops the spaces around the dash
    of a period in a name, which reports print spaced; one form keeps one indicator one name."""
    return _YEAR_SPAN.sub(r"\1 - \2", text)


_TRAILING_COMMA = re.compile(r"(?<=[^\W\d_])\s*,\s*$")
_STOP_BEFORE_LOWER = re.compile(r"(?<=[^\W\d_]{2})\.(?= [^\W\d_])")


def mend_separators(text: str) -> str:
    """An OCR'd text cell's separators mended by the cell itself: a comma after its last word
    goes (a cell never ends joined to what follows; a speck by the cell's rule reads as one),
    and in a cell whose parts are parted by commas ('Xã A, huyện B, tỉnh C'), a stop between
    two words where the next one goes on in lower case is a comma ('Duyên Hải. tỉnh Trà Vinh':
    no sentence starts in lower case). A stop that ends the cell, colons and semicolons stay."""
    text = _TRAILING_COMMA.sub("", text)
    if "," not in text:
        return text
    return _STOP_BEFORE_LOWER.sub(lambda m: "," if text[m.end() + 1].islower() else ".", text)


_ONE_MISREAD = frozenset({"l", "I", "|", "i", "!", "]", "[", "l.", "I.", "|."})


def fix_ordinal_one(cells: list[str]) -> list[str]:
    """A TT column with its '1' put back where OCR read a bar or a letter ('l', '|', 'I'):
    only in a column of numbered rows, and only where the next numbered row below is 2, so a
    group row's Roman 'I' (followed by '1') stays as read."""
    digits = [c for c in cells if re.fullmatch(r"\d{1,3}\.?", c.strip())]
    if len(digits) < 2:
        return cells
    out = list(cells)
    for k, cell in enumerate(cells):
        if cell.strip() not in _ONE_MISREAD:
            continue
        below = next((c.strip().rstrip(".") for c in cells[k + 1:] if c.strip()), "")
        if below == "2":
            out[k] = "1" + ("." if cell.strip().endswith(".") else "")
    return out


def repair_text_cells(table: Table, *, label_marks: bool = False) -> Table:
    """The table with its header and text cells repaired. `label_marks`: the table was read by
    OCR; its body text cells get their separators mended (`mend_separators`), the body cells
    of its indicator-name column and the titles of its group rows (a row of one text cell:
    '3- TÍNH BÌNH THUẬN') the tone-mark check, its header labels the same check on the OCR's
    doubts alone (other columns never), and its unit cells are snapped to known units
    (`sohoa.tables.units`)."""
    name_col = unit_col = None
    titles: set[tuple[int, int]] = set()  # (row, column) of group rows' titles
    rows = table.rows
    if label_marks:
        from sohoa.tables.tidy import column_roles
        from sohoa.tables.units import snap_unit_column

        roles = column_roles(table.header, table.rows)
        name_col, unit_col = roles.name, roles.unit
        if roles.tt is not None:
            tts = fix_ordinal_one([row[roles.tt] if roles.tt < len(row) else "" for row in rows])
            rows = tuple(row[:roles.tt] + (tts[r],) + row[roles.tt + 1:] if roles.tt < len(row) else row
                         for r, row in enumerate(rows))
        if table.n_columns >= 3:  # a group row names its group as an indicator row names its figures
            for r, row in enumerate(rows):
                filled = [c for c, v in enumerate(row) if v.strip()]
                if len(filled) == 1 and parse_value(row[filled[0]]).qualifier == TEXT and \
                        sum(ch.isalpha() for ch in row[filled[0]]) >= 4:
                    titles.add((r, filled[0]))
        # separators read by OCR, mended by the cell's own (text cells only; numbers keep theirs)
        rows = tuple(tuple(mend_separators(v) if parse_value(v).qualifier == TEXT and v.strip() else v for v in row)
                     for row in rows)
        if unit_col is not None:
            units = snap_unit_column([row[unit_col] if unit_col < len(row) else "" for row in rows])
            rows = tuple(row[:unit_col] + (units[r],) + row[unit_col + 1:] if unit_col < len(row) else row
                         for r, row in enumerate(rows))
    from sohoa.diacritics.unicode_fixes import dominant_tone_style
    from sohoa.tables.tidy import slashed_years

    doubts = {(r, c): alts for r, c, alts in table.mark_alternatives}
    header_doubts = dict(table.header_mark_alternatives) if label_marks else {}
    # a cell is too short to show a placement of its own: the table's (its 'Thuỷ', 'uỷ', 'Hoá')
    style = dominant_tone_style(" ".join(list(table.header) + [v for row in rows for v in row]))
    repaired = tuple(tuple(v if c == unit_col and v != table.rows[r][c] else
                           repair_cell(v, name_marks=c == name_col or (r, c) in titles,
                                       alternatives=doubts.get((r, c), ()), style_hint=style)
                           for c, v in enumerate(row)) for r, row in enumerate(rows))
    # what OCR read of every body cell the repair changed, kept beside it (the sidecar lists them)
    return replace(
        table.rewritten(repaired) if label_marks else replace(table, rows=repaired),
        header=tuple(repair_cell(slashed_years(h), header_marks=c in header_doubts,
                                 alternatives=header_doubts.get(c, ()), style_hint=style)
                     for c, h in enumerate(table.header)),
        mark_alternatives=(),
        header_mark_alternatives=(),
    )


def with_mark_alternatives(table: Table, reads: Iterable) -> Table:
    """`table` carrying the OCR's mark doubts of its body cells and header labels, matched to
    the cells that were read (`sohoa.tables.cellocr.CellText`) by their text (a header path
    by each of its ' | '-joined labels)."""
    by_text = {read.text: read.mark_alternatives for read in reads if read.mark_alternatives}
    found = tuple((r, c, by_text[v]) for r, row in enumerate(table.rows) for c, v in enumerate(row) if v in by_text)
    header = tuple((c, tuple(word for label in path.split(" | ") for word in by_text.get(label, ())))
                   for c, path in enumerate(table.header))
    return replace(table, mark_alternatives=found, header_mark_alternatives=tuple((c, w) for c, w in header if w))
