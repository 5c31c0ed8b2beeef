"""Tables without vertical rules, from the layout of the ink.

Word boxes come from the page's ink itself (letters merged with their marks; `OcrWord` records
without text, read later cell by cell), not from page OCR, which drops the lone digits of a TT
column and turns scan noise into words. Boxes are
regrouped into visual lines; a table is a run of lines with three or more phrases, or with two
parted by a wide gutter when the right one holds the figures of the left (an indicator column
and one value column: `_figures_column`). Columns are
the spans between gutters: x ranges that no body line writes into (group titles and the
wrapped ends of names may cross them). A line close under the previous one without a TT of
its own continues that row (wrapped names and units). Every cell is then read like a ruled
cell; the body starts at the first row that carries a number other than a year, the lines
above it are the header, and a header phrase that covers several columns is a spanning label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Callable

import cv2
import numpy as np

from sohoa.ingest.records import OcrWord
from sohoa.tables.records import Table
from sohoa.tables.values import TEXT, parse_value

_YEAR = re.compile(r"^(19|20)\d\d$")
_TWO_COLUMN_GUTTER = 3.0  # text heights of white between an indicator and its only figure
_MIN_COLUMNS = 2
_MIN_GUTTER = 0.45
"""Text heights of white that every body line leaves at one place for it to part two columns:
a tightly set table leaves little more than half a text height between a name wrapped at its
column's edge and the unit beside it, while a word space in a name is a third of one and does
not line up from line to line."""

_LABELS_APART = 2.0
"""Times a line's own word space that the white over a column cut must exceed to part two
header labels closer together than a word gap: labels set 20 px apart among word spaces of
4 px part there, a centred title whose spaces are all alike stays whole."""

Box = tuple[int, int, int, int]


@dataclass
class _Line:
    words: list[OcrWord]

    @property
    def y0(self) -> int:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y1 for w in self.words)


def ink_words(ink: np.ndarray) -> tuple[list[OcrWord], list[Box], float]:
    """Word boxes from ink (letters and their diacritics merged), as words not read yet; the
    dashes among the ink's blobs (flat, a letter or so long: a sub-row's '-' in a TT column,
    which the words leave out with specks and rules' traces); and the typical text height."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(stats[1:, cv2.CC_STAT_AREA] >= 20) & (heights < 150)]
    if len(heights) < 20:
        return [], [], 0.0
    letter = float(np.percentile(heights, 75))
    x, y, w, h = _boxes(stats)
    dash = (h <= 0.3 * letter) & (w >= 2 * h) & (0.3 * letter <= w) & (w <= 1.5 * letter)
    dashes = [(int(a), int(b), int(a + c), int(b + d)) for a, b, c, d in zip(x[dash], y[dash], w[dash], h[dash])]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(0.3 * letter)), max(3, int(0.25 * letter))))
    merged = cv2.dilate(ink, kernel)
    _, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    x, y, w, h = _boxes(stats)
    # long thin blobs are what is left of erased rules and underlines, not words
    kept = (0.4 * letter <= h) & (h <= 3.0 * letter) & (w <= 8 * h)
    return [OcrWord("", 0.0, (int(a), int(b), int(a + c), int(b + d)))
            for a, b, c, d in zip(x[kept], y[kept], w[kept], h[kept])], dashes, letter


def _boxes(stats: np.ndarray) -> tuple[np.ndarray, ...]:
    """(left, top, width, height) arrays of connected components' stats, the background left out."""
    return tuple(stats[1:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))


def visual_lines(words: list[OcrWord]) -> list[_Line]:
    """Words grouped into lines by where they stand (a word whose middle lies within one of the
    last lines' height joins it), lines top to bottom, words left to right."""
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


def _phrases(line: _Line, gap: float, cuts: list[int] = ()) -> list[list[OcrWord]]:
    """A line's phrases: runs of words parted by no more than `gap`. A space over one of the
    column `cuts` parts them too where it is clearly wider than the line's own word spaces:
    header labels set nearly touching over their columns, while a title's or a label's
    spaces are all alike wherever the cuts fall in them."""
    words = line.words
    spaces = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
    at_cut = [any(a.x1 <= cut <= b.x0 for cut in cuts) for a, b in zip(words, words[1:])]
    own = [s for s, c in zip(spaces, at_cut) if 0 < s <= gap and not c] or [s for s in spaces if 0 < s <= gap]
    word_space = median(own) if own else 0
    phrases = [[words[0]]] if words else []
    for word, space, cut in zip(words[1:], spaces, at_cut):
        if space <= gap and not (cut and space > _LABELS_APART * word_space):
            phrases[-1].append(word)
        else:
            phrases.append([word])
    return phrases


def _column_count(line: _Line, gap: float, height: float) -> int:
    """How many columns a line prints: its phrases, where a line of two phrases counts as
    two columns only when a wide gutter parts them (an indicator and its figure), since
    prose and headings part two phrases by little more than a word space."""
    phrases = _phrases(line, gap)
    if len(phrases) == 2 and phrases[1][0].x0 - phrases[0][-1].x1 < _TWO_COLUMN_GUTTER * height:
        return 1
    return len(phrases)


def _is_number(text: str) -> bool:
    return parse_value(text).qualifier not in (TEXT, "missing") and not _YEAR.match(text.strip())


def _ink_counts(ink: np.ndarray, lines: list[_Line], x_min: int, x_max: int) -> np.ndarray:
    """For each x from x_min to x_max, how many of the lines put ink there."""
    counts = np.zeros(x_max - x_min + 1, dtype=np.int32)
    for line in lines:
        band = ink[line.y0:line.y1 + 1, x_min:x_max + 1]
        counts += (band > 0).sum(axis=0) > 1
    return counts


def _white_runs(white: np.ndarray, x_min: int, min_width: float) -> list[tuple[int, int]]:
    """Runs of white x at least `min_width` wide with ink on both sides."""
    runs, start = [], None
    for x, free in enumerate(list(white) + [False]):
        if free and start is None:
            start = x
        elif not free and start is not None:
            if x - start >= min_width and start > 0 and x < len(white):
                runs.append((start + x_min, x - 1 + x_min))
            start = None
    return runs


def _gutters(ink: np.ndarray, lines: list[_Line], x_min: int, x_max: int, min_width: float) -> list[tuple[int, int]]:
    x_max = min(x_max, ink.shape[1] - 1)
    return _white_runs(_ink_counts(ink, lines, x_min, x_max) == 0, x_min, min_width)


_NARROW_GUTTER = 0.25
"""Text heights of white that parts two columns where a body of `_NARROW_LINES` lines or more,
wrapped names included, leaves it: a table set tightly in large type leaves little more than a
word space between a name and the unit beside it, but word spaces do not line up over so many
lines, and the white beside the separators of right-aligned figures is narrower still."""
_NARROW_LINES = 8


def _columns(block: list[_Line], height: float, gap: float,
             ink: np.ndarray) -> tuple[list[int], list[tuple[int, int]]]:
    """The x edges of a block's columns (its left and right ends and a cut in the middle of each
    gutter) and the gutters.
    Wide gutters are the white that the block's later lines of figures leave (the first lines
    may be a header whose labels span several columns). Narrow ones are the white that all the
    lines of the body leave and every line of several columns above it too (the same unit
    centred in a few rows puts its word space at one place, which a wider unit or the column's
    label fills), where two lines of the body or more part two phrases there (`_parted_at`):
    names that open with the same words ('Tỷ lệ ...') line up their word spaces, no wider."""
    tabular = [line for line in block if _column_count(line, gap, height) >= _MIN_COLUMNS]
    body_like = tabular[3:] if len(tabular) >= 6 else tabular[1:] if len(tabular) >= 4 else tabular
    x_min = min(w.x0 for line in block for w in line.words)
    x_max = min(max(w.x1 for line in block for w in line.words), ink.shape[1] - 1)
    gutters = _gutters(ink, body_like, x_min, x_max, _MIN_GUTTER * height)
    body = block[block.index(body_like[0]):] if body_like else []
    if len(body) >= _NARROW_LINES:
        white = (_ink_counts(ink, body, x_min, x_max) == 0) & (_ink_counts(ink, tabular, x_min, x_max) == 0)
        gutters += [g for g in _white_runs(white, x_min, _NARROW_GUTTER * height)
                    if not any(g[0] <= w[1] and w[0] <= g[1] for w in gutters) and _parted_at(body, g, gap) >= 2]
    # rows above those measured may write a little into a gutter (a wider unit): the cut goes
    # in the white that every line of the block leaves there, where there is enough of it
    everywhere = _ink_counts(ink, block, x_min, x_max) == 0
    gutters = sorted(_narrowed(g, everywhere[g[0] - x_min:g[1] - x_min + 1], _NARROW_GUTTER * height)
                     for g in gutters)
    return [x_min - 2] + [int((g0 + g1) / 2) for g0, g1 in gutters] + [x_max + 2], gutters


def _parted_at(lines: list[_Line], gutter: tuple[int, int], gap: float) -> int:
    """How many of the lines part two phrases at the gutter: more than `gap` of white across
    it, with the phrase on one side or the other ending or starting within `gap` of it."""
    g0, g1 = gutter
    return sum(any(a.x1 <= g1 and b.x0 >= g0 and b.x0 - a.x1 > gap and (a.x1 >= g0 - gap or b.x0 <= g1 + gap)
                   for a, b in zip(line.words, line.words[1:])) for line in lines)


def _narrowed(gutter: tuple[int, int], white: np.ndarray, min_width: float) -> tuple[int, int]:
    """The longest white run of `white` (over the gutter's x) as the gutter, when it is at least
    `min_width` wide; else the gutter as it was."""
    best, start = (0, 0), None
    for x, free in enumerate(list(white) + [False]):
        if free and start is None:
            start = x
        elif not free and start is not None:
            best = max(best, (x - start, start))
            start = None
    width, start = best
    return (gutter[0] + start, gutter[0] + start + width - 1) if width >= min_width else gutter


def _crosses(line: _Line, cuts: list[int]) -> bool:
    """Whether a word of the line runs over a cut between columns (prose does; a cell's words
    stay in their column)."""
    return any(w.x0 < cut < w.x1 for w in line.words for cut in cuts)


def _longest_run(white: np.ndarray) -> int:
    best = run = 0
    for free in white:
        run = run + 1 if free else 0
        best = max(best, run)
    return best


def _reach_up(lines: list[_Line], first: int, last: int, floor: int, edges: list[int],
              gutters: list[tuple[int, int]], height: float, ink: np.ndarray) -> int:
    """The first line of a table whose lines of figures run from `first` to `last`: lines close
    above that keep its gutters white with the table's other lines (a header, the wrapped names
    of rows whose figures sit too close together to count as columns) belong to it, up to the
    highest of them that writes into two columns or more. A title or a paragraph fills the
    gutters but for a word space here and there, which does not line up with the white of the
    lines below in every gutter."""

    def white(line: _Line, g: tuple[int, int]) -> np.ndarray:
        return (ink[line.y0:line.y1 + 1, g[0]:g[1] + 1] > 0).sum(axis=0) <= 1

    kept = [np.logical_and.reduce([white(line, g) for line in lines[first:last + 1]]) for g in gutters]
    top = k = first
    while k > floor and lines[k].y0 - lines[k - 1].y1 < 2.0 * height:
        narrowed = [w & white(lines[k - 1], g) for w, g in zip(kept, gutters)]
        if not all(_longest_run(w) >= _NARROW_GUTTER * height for w in narrowed):
            break
        kept, k = narrowed, k - 1
        if len({sum(cut <= (w.x0 + w.x1) / 2 for cut in edges) for w in lines[k].words}) >= 2:
            top = k
    return top


def find_borderless_tables(doc_id: str, page: int, ink: np.ndarray,
                           read: Callable[[list[Box]], list], first_index: int = 1,
                           exclude: list[Box] = ()) -> list[Table]:
    """Borderless tables on a page whose ruled tables (boxes in `exclude`) are already found.
    `ink` is the binarised page with rules and specks removed; `read(boxes)` reads cells."""
    words, dashes, letter = ink_words(ink)
    words = [w for w in words if not any(b[0] <= (w.x0 + w.x1) / 2 <= b[2] and b[1] <= (w.y0 + w.y1) / 2 <= b[3]
                                         for b in exclude)]
    if len(words) < 12:
        return []
    height = median(w.y1 - w.y0 for w in words)
    gap = 1.0 * height
    lines = visual_lines(words)
    counts = [_column_count(line, gap, height) for line in lines]
    tables: list[Table] = []
    i = floor = 0  # floor: the first line after the last table found
    while i < len(lines):
        if counts[i] < _MIN_COLUMNS:
            i += 1
            continue
        j, last = i, i
        while j + 1 < len(lines) and lines[j + 1].y0 - lines[j].y1 < 2.0 * height:
            j += 1
            if counts[j] >= _MIN_COLUMNS:
                last = j
            elif j - last > (_MAX_INSIDE_RUN if all(_inside(lines[k], lines, i, last, counts, height)
                                                    for k in range(last + 1, j + 1)) else 2):
                break
        # the last row's name may wrap below its figures: close lines inside the table go with it
        while last + 1 < len(lines) and counts[last + 1] < _MIN_COLUMNS \
                and lines[last + 1].y0 - lines[last].y1 < 0.55 * height \
                and _inside(lines[last + 1], lines, i, last, counts, height):
            last += 1
        block = lines[i:last + 1]
        if sum(c >= _MIN_COLUMNS for c in counts[i:last + 1]) >= 3:
            edges, gutters = _columns(block, height, gap, ink)
            # a note set close under the last row runs over the gutters: not the row's wrapped name
            while last > i and counts[last] < _MIN_COLUMNS and _crosses(lines[last], edges[1:-1]):
                last -= 1
            if last < i + len(block) - 1:
                edges, gutters = _columns(lines[i:last + 1], height, gap, ink)
            block = lines[_reach_up(lines, i, last, floor, edges, gutters, height, ink):last + 1]
            table = _build(doc_id, page, first_index + len(tables), block, height, gap, ink, read, dashes)
            if table is not None and tables and _goes_on(tables[-1], table, height):
                tables[-1] = _joined(tables[-1], table)
            elif table is not None:
                tables.append(table)
            if table is not None:
                floor = last + 1
        i = last + 1
    return tables


_MAX_INSIDE_RUN = 4
"""Lines of one phrase in a row that a table may hold between two lines of figures, where they
lie inside it (`_inside`): the wrapped lines of a name set beside the middle of its figures,
above and below them, and a group title between two rows."""


def _inside(line: _Line, lines: list[_Line], first: int, last: int, counts: list[int], height: float) -> bool:
    """Whether a line of one phrase lies inside the table whose lines of figures run from
    `first` to `last`: it starts no further left than they do and ends before their last
    column, as a name's wrapped line or a group title does (its numeral may stand a little left of
    the row numbers); prose and notes run across. The last column is where the lines of three
    columns or more end theirs: a line of two phrases may be a name's wrapped line beside the
    wrapped unit (a unit set over two lines of its own column), whose end is no column of
    figures."""
    figured = [lines[k] for k in range(first, last + 1) if counts[k] >= _MIN_COLUMNS]
    left = min(l.words[0].x0 for l in figured)
    widest = [lines[k] for k in range(first, last + 1) if counts[k] > _MIN_COLUMNS] or figured
    last_column = min(l.words[-1].x0 for l in widest)
    return line.words[0].x0 >= left - 1.5 * height and line.words[-1].x1 < last_column


def _is_prose(line: _Line, x_min: int, x_max: int, gap: float, cuts: list[int] = ()) -> bool:
    """A line of running text: one phrase over more than half the table's width, or one of
    five words or more over more than a quarter of it (header labels are a few words in
    their columns; phrases part at `cuts` too)."""
    width = x_max - x_min
    return any(p[-1].x1 - p[0].x0 > 0.5 * width or (len(p) >= 5 and p[-1].x1 - p[0].x0 > 0.25 * width)
               for p in _phrases(line, gap, cuts))


def _without_prose(groups: list[list[_Line]], x_min: int, x_max: int, gap: float,
                   height: float, cuts: list[int] = ()) -> list[list[_Line]]:
    """The header's lines without a paragraph of prose set just above the table: a header
    label is short, a paragraph's lines run over most of the width, and its last line starts
    at the paragraph's left margin with at most a few phrases; the header starts below it.
    Phrases part at the column `cuts`: header labels set nearly touching read as one long
    phrase otherwise, while a paragraph's words run over the cuts and keep its lines long."""
    lines = [line for group in groups for line in group]
    last_prose, margin = -1, None
    for k, line in enumerate(lines):
        if _is_prose(line, x_min, x_max, gap, cuts):
            last_prose, margin = k, line.words[0].x0
        elif (margin is not None and last_prose == k - 1 and abs(line.words[0].x0 - margin) < 1.5 * height
              and len(_phrases(line, gap)) <= 3):
            last_prose = k  # the paragraph's short last line
    keep = {id(line) for line in lines[last_prose + 1:]}
    return [kept for kept in ([line for line in group if id(line) in keep] for group in groups) if kept]


def _opens_next_row(block: list[_Line], k: int, tt_ink, height: float) -> bool:
    """Whether line k, without a TT of its own, is the first line of the next row's name
    rather than the last of the row above: rows set their TT and figures beside the middle
    of a wrapped name, so a name's first line sits above its TT, closer to the line below it
    than to the row above (which the cell padding parts from it), or, in a table set without
    padding, nearer the middle of the next row's TT line than of the row above's."""
    if k == 0 or k + 1 >= len(block) or tt_ink(block[k]) or not tt_ink(block[k + 1]):
        return False
    above = block[k].y0 - block[k - 1].y1
    below = block[k + 1].y0 - block[k].y1
    if above > below + 0.15 * height:
        return True
    previous = next((line for line in reversed(block[:k]) if tt_ink(line)), None)
    if previous is None:
        return False

    def middle(line: _Line) -> float:
        return (line.y0 + line.y1) / 2

    return middle(block[k + 1]) - middle(block[k]) + 0.25 * height < middle(block[k]) - middle(previous)


def _goes_on(above: Table, below: Table, height: float) -> bool:
    """Whether a headerless block continues the table just above it on the page: same number
    of columns and no more than a few lines of white between (a wide gap inside a table, as
    before a group row, must not start a second table with placeholder headers)."""
    return (not below.has_header and below.n_columns == above.n_columns
            and above.bbox is not None and below.bbox is not None
            and below.bbox[1] - above.bbox[3] < 6 * height)


def _joined(above: Table, below: Table) -> Table:
    x0, y0, x1, _ = above.bbox
    return Table(doc_id=above.doc_id, page=above.page, index=above.index, header=above.header,
                 rows=above.rows + below.rows, confidences=above.confidences + below.confidences,
                 alternatives=above.alternatives_grid() + below.alternatives_grid(),
                 pages=above.pages, has_header=above.has_header,
                 bbox=(min(x0, below.bbox[0]), y0, max(x1, below.bbox[2]), below.bbox[3]), source="borderless")


def _build(doc_id: str, page: int, index: int, block: list[_Line], height: float, gap: float,
           ink: np.ndarray, read: Callable[[list[Box]], list], dashes: list[Box] = ()) -> Table | None:
    edges, _ = _columns(block, height, gap, ink)
    x_min, x_max, cuts = edges[0] + 2, edges[-1] - 2, edges[1:-1]
    n_cols = len(edges) - 1
    if n_cols < _MIN_COLUMNS:
        return None

    def tt_ink(line: _Line) -> bool:
        # a word-sized blob in the first column (scan specks are not words), or a sub-row's dash
        return any(edges[0] <= (w.x0 + w.x1) / 2 < edges[1] for w in line.words) or any(
            edges[0] <= (x0 + x1) / 2 < edges[1] and line.y0 <= (y0 + y1) / 2 <= line.y1 for x0, y0, x1, y1 in dashes)

    def figure_columns(lines: list[_Line]) -> set[int]:
        # the columns right of the first two (TT and name) where the lines have ink
        return {c for line in lines for w in line.words for c in range(2, n_cols)
                if edges[c] <= (w.x0 + w.x1) / 2 < edges[c + 1]}

    def name_ink(line: _Line) -> bool:
        return n_cols > 2 and any(edges[1] <= (w.x0 + w.x1) / 2 < edges[2] for w in line.words)

    # rows: a line starts a row after a wide gap, when it has a TT and the row has one, or when,
    # without a TT, it starts a name and sets ink in two or more figure columns the row has
    # filled already (a total row under the last numbered one: a row's figures do not wrap,
    # a header's second line starts no name)
    groups: list[list[_Line]] = []
    for k, line in enumerate(block):
        if not groups or line.y0 - groups[-1][-1].y1 > 0.55 * height or (
                tt_ink(line) and any(tt_ink(l) for l in groups[-1])) or _opens_next_row(block, k, tt_ink, height) \
                or (not tt_ink(line) and name_ink(line)
                    and len(figure_columns([line]) & figure_columns(groups[-1])) >= 2):
            groups.append([])
        groups[-1].append(line)
    boxes = []
    for group in groups:
        y0, y1 = min(l.y0 for l in group) - 3, max(l.y1 for l in group) + 3
        boxes += [(edges[c] + 1, y0, edges[c + 1] - 1, y1) for c in range(n_cols)]
    found = read(boxes)
    texts = [[found[r * n_cols + c].text for c in range(n_cols)] for r in range(len(groups))]
    confs = [[found[r * n_cols + c].conf for c in range(n_cols)] for r in range(len(groups))]
    alts = [tuple(tuple(found[r * n_cols + c].alternatives) for c in range(n_cols)) for r in range(len(groups))]
    numeric_rows = [r for r, row in enumerate(texts) if any(_is_number(t) for t in row[1:])]
    if len(numeric_rows) < 2:
        return None
    body_start = numeric_rows[0]
    if n_cols == 2 and not _figures_column(texts[body_start:]):
        return None
    if n_cols > 2 and not _has_column_of_figures(texts[body_start:]):
        return None
    # a group title right above the first row ('I  Chỉ tiêu kinh tế', no figures) opens the
    # body, under the header
    if body_start >= 2 and _is_group_title(texts[body_start - 1]):
        body_start -= 1
    # the header: the last few line groups above the body, after any paragraph of prose
    header_groups = _without_prose(groups[:body_start], x_min, x_max, gap, height, cuts)[-4:]
    header = _header_paths(header_groups, edges, cuts, gap, read) if header_groups else \
        [f"Cột {k}" for k in range(1, n_cols + 1)]
    rows = tuple(tuple(row) for row in texts[body_start:])
    y_top = min(l.y0 for g in (header_groups or groups[body_start:body_start + 1]) for l in g)
    return Table(doc_id=doc_id, page=page, index=index, header=tuple(header), rows=rows,
                 confidences=tuple(tuple(c) for c in confs[body_start:]), pages=(page,),
                 alternatives=tuple(alts[body_start:]),
                 has_header=bool(header_groups), bbox=(x_min, y_top, x_max, block[-1].y1),
                 source="borderless")


def _has_column_of_figures(rows: list[list[str]]) -> bool:
    """Whether the body has a column of figures: one column right of the first holds a number
    (or a dash) in three in five of the rows that hold anything right of their name. Scraps a
    seal, a signature or handwriting leave on a page read as a few digits scattered over many
    narrow columns."""
    filled = [row for row in rows if any(t.strip() for t in row[2:])]
    if len(filled) < 2:
        return False
    return any(sum(1 for row in filled if _is_number(row[c]) or row[c].strip() in ("-", "–")) >= 0.6 * len(filled)
               for c in range(1, len(rows[0])))


def _is_group_title(row: list[str]) -> bool:
    """A group row: a Roman numeral or capital letter first (as OCR reads them: 'H' for 'II'),
    words after it, nothing in the columns of figures."""
    from sohoa.tables.tidy import is_group_label

    return len(row) >= 3 and is_group_label(row[0]) and bool(row[1].strip()) and not any(t.strip() for t in row[2:])


def _figures_column(rows: list[list[str]]) -> bool:
    """Whether two columns are an indicator and its figures: the right column is numbers (or
    a dash) in most rows and at least three, the left one words. Two columns of a letterhead,
    a signature block fail one of these; so does a table of contents, whose right column is
    whole numbers that never go down (page numbers)."""
    figures = sum(1 for row in rows if _is_number(row[1]) or row[1].strip() in ("-", "–"))
    numbers = [row[1].strip() for row in rows if _is_number(row[1])]
    words = sum(1 for row in rows if re.search(r"[^\W\d_]{2,}", row[0]))
    if re.fullmatch(r"(\d{1,4} )*\d{1,4}", " ".join(numbers)) and \
            all(int(a) <= int(b) for a, b in zip(numbers, numbers[1:])):
        return False
    return len(numbers) >= 3 and figures >= 0.75 * len(rows) and words >= 0.75 * len(rows)


def _header_paths(groups: list[list[_Line]], edges: list[int], cuts: list[int], gap: float,
                  read: Callable[[list[Box]], list]) -> list[str]:
    """Header lines as labels over the columns they cover, top first; one path per column.
    Labels wider than the figures under them may be set closer together than a word gap,
    each still over its own column: a line's phrases part at the column cuts where its white
    there is clearly wider than its word spaces (a spanning label's spaces are all alike)."""
    n_cols = len(edges) - 1
    labels: list[tuple[int, list[int], Box]] = []  # (line order, covered columns, box)
    order = 0
    for group in groups:
        for line in group:
            for phrase in _phrases(line, gap, cuts):
                x0, x1 = phrase[0].x0, phrase[-1].x1
                covered = [c for c in range(n_cols)
                           if min(x1, edges[c + 1]) - max(x0, edges[c]) > 0.3 * min(edges[c + 1] - edges[c], x1 - x0)]
                if not covered:
                    continue
                labels.append((order, covered, (x0 - 2, line.y0 - 3, x1 + 2, line.y1 + 3)))
            order += 1
    texts = [cell.text for cell in read([box for _, _, box in labels])]
    paths: list[list[str]] = [[] for _ in range(n_cols)]
    leaves: list[list[str]] = [[] for _ in range(n_cols)]
    for (_, covered, _), text in zip(labels, texts):
        if not text:
            continue
        if len(covered) > 1:
            for c in covered:
                if leaves[c]:
                    paths[c].append(" ".join(leaves[c]))
                    leaves[c] = []
                paths[c].append(text)
        else:
            leaves[covered[0]].append(text)
    return [" | ".join(paths[c] + ([" ".join(leaves[c])] if leaves[c] else [])) for c in range(n_cols)]
