"""The page's words of its table cells, taken from the table step's reading of each cell.

The page's OCR reads a table as one picture (a ruled one with its rules erased): it reads the ordinals
of two narrow columns as one word across the erased rule, drops lone digits as specks, and reads
what is left of a faint rule as words of its own ('_', '|', quotes). The table step reads every
cell from its own crop, with its checks of numbers, glyphs and ordinals (`sohoa.tables.cellocr`):
on real ruled tables its cells are far more often right where the two differ (a borderless
table's cells come too, where no other reading of the step covers them). So where a cell's
own reading gives each of its words a box, those words replace the page's words of that cell,
and text.txt, pages.jsonl, the searchable PDF and ALTO all carry them; the document's repair
then treats them as it treats the rest of the page (their confidences and doubted marks come
with them). A cell both read alike keeps the page's words; a cell whose reading gave no boxes
keeps them too, and so does a cell the page read as a number where the cell's own reading is
not one (a row's '1' read on its own as 'l' or '|': the table step's checks of numbers only
look again at cells it read as numbers, and its running-order repair mends such a cell in the
CSV alone). A reading of bars alone ('|' for a row's 'I') is never taken: it is what a rule
leaves, and text.txt parts a row's cells with it.

The page's grids take the table step's rows and column rules too (`with_table_rows`): where no
rule parts a table's body rows, or a column rule is faint or broken, the page's reading order
would run several rows, or several cells, into one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from sohoa.ingest.records import CellReading, Grid, OcrWord, PageGeometry, TableRows

if TYPE_CHECKING:  # pragma: no cover
    from sohoa.ingest.page import PageResult


def with_table_readings(result: "PageResult", geometry: PageGeometry, readings: Sequence[CellReading],
                        rows: Sequence[TableRows]) -> "PageResult":
    """An OCR'd page's `result` with the table step's cell readings and rows taken in (see the
    module), its reading order laid out again over the page's `geometry`; as it was where
    neither changes anything."""
    from sohoa.ingest.page import with_words

    taken, changed = with_cell_readings(result.ocr.words, readings)
    grids = with_table_rows(geometry.grids, rows)
    if not changed and grids == geometry.grids:
        return result
    return with_words(result, taken, replace(geometry, grids=grids))


def with_cell_readings(words: Sequence[OcrWord], readings: Sequence[CellReading]) -> tuple[list[OcrWord], int]:
    """(`words` with the words of every cell in `readings` that reads otherwise put in place of
    the page's words whose middle lies in the cell, how many cells changed). Each such cell's
    words become a block of their own (numbered after the page's blocks), one line of it per
    line the cell's reading found, so that the reading order places them by their boxes."""
    kept = list(words)
    block = max((w.block for w in kept), default=0)
    changed = 0
    for reading in readings:
        inside = [w for w in kept if _middle_inside(w, reading.box)]
        page_text, cell_text = " ".join(w.text for w in _in_lines(inside)), " ".join(w.text for w in reading.words)
        if page_text == cell_text or (_NUMBER.match(page_text) and not _NUMBER.match(cell_text)) \
                or _BARS.match(cell_text):
            continue
        block += 1
        changed += 1
        # a word of the page whose middle lies beside the cell but whose box holds one of the
        # cell's words is that ink read twice: its box reached over the rule from a speck in
        # the next cell ('“phố' from 'phố' and a speck before the rule)
        taken = set(map(id, inside))
        taken |= {id(w) for w in kept if id(w) not in taken and any(_read_again(w, c) for c in reading.words)}
        kept = [w for w in kept if id(w) not in taken] + _as_block(reading.words, block)
    return kept, changed


READ_AGAIN_SHARE = 0.8
"""Share of a cell word's box, at least, that a page word's box holds for the two to be one
piece of ink (with the cell word's letters: `_read_again`)."""


def _read_again(page_word: OcrWord, cell_word: OcrWord) -> bool:
    """Whether `page_word` is `cell_word`'s ink read a second time, with a speck beside it: its
    box holds READ_AGAIN_SHARE of the cell word's and its letters are the cell word's (a word
    read across two cells, '30.29.', holds another cell's text too and is not taken so)."""
    from sohoa.ingest.layout import plain_letters

    a, b = page_word.bbox, cell_word.bbox
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    area = (b[2] - b[0]) * (b[3] - b[1])
    if not (w > 0 and h > 0 and area > 0 and w * h >= READ_AGAIN_SHARE * area):
        return False  # the boxes first: most pairs of words lie apart, and their letters cost more
    letters = plain_letters(cell_word.text)
    return bool(letters) and letters == plain_letters(page_word.text)


_NUMBER = re.compile(r"^\d+([.,/]\d+)*[.,]?$")
"""A cell that reads as a number: digits, groups apart by separators, an ordinal's stop."""
_BARS = re.compile(r"^[|¦ ]+$")


MIN_ROW_GAP = 8
"""Pixels: a cut closer than this to a row rule the page found, or to the grid's edge, is that
rule (the two measures of one rule differ by a pixel or two, and by the turn between them)."""


def with_table_rows(grids: Sequence[Grid], rows: Sequence[TableRows]) -> tuple[Grid, ...]:
    """The page's grids with the cuts between rows and the column rules that the table step
    found in them added: a ruled row whose lines the step set apart by their spacing (a table
    ruled between columns only, or with a rule every few rows) is as many rows in the page's
    text as in the CSV, and a column rule the page found broken or faint parts its cells as in
    the CSV. A grid takes the lines of the table whose box overlaps it most (at least half of
    the smaller box): the cuts inside it and not on a rule it has, and each column rule where
    it has none of its own (a piece of its own at that place is drawn on over the rows the
    step's rule runs down, and no further)."""
    out = []
    for grid in grids:
        box = (grid.x0, grid.y0, grid.x1, grid.y1)
        best = max(rows, key=lambda r: _overlap(box, r.box), default=None)
        if best is None or _overlap(box, best.box) < 0.5:
            out.append(grid)
            continue
        known = [grid.y0, *grid.rows, grid.y1]
        cuts = [y for y in best.cuts if grid.y0 < y < grid.y1 and all(abs(y - k) >= MIN_ROW_GAP for k in known)]
        verticals = _with_columns(list(grid.verticals), best.columns)
        if cuts or verticals != list(grid.verticals):
            grid = replace(grid, rows=tuple(sorted((*grid.rows, *cuts))), verticals=tuple(verticals))
        out.append(grid)
    return tuple(out)


def _with_columns(verticals: list[tuple[int, int, int]], columns: Sequence[tuple[int, int, int]]
                  ) -> list[tuple[int, int, int]]:
    """`verticals` (x, y0, y1) with each of `columns` drawn in: nothing where a vertical at its
    x already runs its length; else one rule over it and the pieces at its x that it overlaps
    or touches, at the pieces' own x (the page's measure), the other pieces left as they are."""
    for x, top, bottom in columns:
        near = [v for v in verticals if abs(v[0] - x) < MIN_ROW_GAP]
        if any(v[1] <= top + MIN_ROW_GAP and v[2] >= bottom - MIN_ROW_GAP for v in near):
            continue
        joined = [v for v in near if v[1] <= bottom + MIN_ROW_GAP and v[2] >= top - MIN_ROW_GAP]
        verticals = [v for v in verticals if v not in joined]
        verticals.append((joined[0][0] if joined else x, min([top, *(v[1] for v in joined)]),
                          max([bottom, *(v[2] for v in joined)])))
    return sorted(verticals)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Area shared by two boxes over the smaller one's."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if w > 0 and h > 0 and smaller > 0 else 0.0


def _middle_inside(word: OcrWord, box: tuple[int, int, int, int]) -> bool:
    x, y = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _in_lines(words: list[OcrWord]) -> list[OcrWord]:
    """Words in the engine's reading order (block, paragraph, line, then left to right)."""
    return sorted(words, key=lambda w: (w.block, w.par, w.line, w.bbox[0]))


def _as_block(words: Sequence[OcrWord], block: int) -> list[OcrWord]:
    """The words (a cell's reading, in its order) numbered as block `block`, a line of it for
    each line the reading found."""
    lines: dict[tuple[int, int, int], int] = {}
    out = []
    for k, word in enumerate(words, start=1):
        line = lines.setdefault((word.block, word.par, word.line), len(lines) + 1)
        out.append(replace(word, block=block, par=1, line=line, word=k))
    return out
