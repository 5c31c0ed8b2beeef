"""The invisible text layer of one page: where each word of text.txt goes, and in which font
size, so that text extractors read the words back in text.txt's order.

A viewer's copy follows the order the text is written in, which is text.txt's. Poppler's
pdftotext (without -raw) works out an order of its own: it cuts the page into blocks of nearby
words of one font size (lines less than 1.5 font sizes apart whose sizes differ by less than
5 %, and every word of a similar size inside a block's box), orders the blocks by geometry (a
block before the blocks under it that it overlaps, a column before the column to its right, the
cells of a grid of aligned blocks row by row) and reads each block's lines top down. Where each
word goes is fixed by its box; the font size is the layer's to choose, so it is chosen to make
that analysis find text.txt's blocks:

- each line of the page is set as one line (a table cell's lines, cell by cell), every word
  over its box, words apart by a space an extractor sees: a word sits on the baseline of its
  own box as far as poppler still reads the line as one (its words' baselines within half a
  font size of the first word's) and keeps it apart from the lines around it, so the words
  of a line on a tilted scan follow it; a line that drifts further is held to that band, and
  a table's lines, a line with another beside it and the units of a grid stay level;
- the lines text.txt reads one under the other (a paragraph, a header column, a list of
  recipients, a table cell) form a unit with one font size, so poppler keeps them in one block
  even where their letters differ in height (a list cut into blocks lets the signer's title
  slip in between its lines), as long as the unit's box takes in no other words;
- units near each other get font sizes at least 12 % apart, so poppler never merges them: a
  letterhead's agency, motto, number and date stay four blocks;
- units that stand beside others get larger sizes, so that poppler tolerates the small
  misalignments of the grid they form and reads it row by row (agency, motto, number, date),
  as text.txt does; a line's inner gap (the blank left for a document's number) is bridged
  the same way. Sizes stay small enough to keep every other line out of a unit's reach.

A word's box keeps its own height whatever the font size: the font variant declares how high a
box is in font sizes (font.GlyphlessFonts), and how much of it lies above the baseline, so a
line's baseline may also move inside its words' boxes: the lines of a unit whose size cannot
reach their pitch are drawn together that way (`pulls`).

Where poppler's rules still give another order (text.txt reads a letterhead's rows otherwise
than its grid, or a signer's title set beside the recipients before them), LAYOUTS holds
other choices the writer tries page by page (see searchable_pdf._choose_layouts), and
`parted` sets a title read before the list to its left clear of the list's height.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import numpy as np

from sohoa.ingest.archival import font
from sohoa.ingest.archival.geometry import to_original
from sohoa.ingest.records import enclosing_box

Box = tuple[float, float, float, float]  # left, top, right, bottom on the upright page, top-down

DUPLICATE_SPACING = 0.12  # least advance, in font sizes, of a letter after the same letter (poppler drops one
# that starts within 0.1 font sizes of its twin as the second stroke of a fake bold: 'ngày...' read 'ngày. .')
MIN_GAP = 0.25  # least gap between two words, in box heights, that extractors read as a space
SEPARATION = 1.12  # least ratio of font sizes between neighbouring units (poppler joins below 1.05)
FACTORS = (1.0, SEPARATION, 1 / SEPARATION, SEPARATION ** 2, SEPARATION ** -2, SEPARATION ** 3)
STACK_GAP = 1.2  # widest white space, in line heights, between two pieces of one unit
LAST_WORDS = 3  # words before the next one that tell where a line runs (see _cuts)
CELL_GAP = 1.5  # gap, in word heights, wider than any space of a justified line: the next cell
GRID = 2.5  # font size, in line heights, wanted for units that sit beside others
REACH = 1.4  # largest distance between baselines, in font sizes, that keeps lines in one block (1.5)
BAND = 1.7  # largest font size, in baselines' distance, that keeps two lines apart (poppler: 2)
BRIDGE = 0.65  # widest gap inside a line, in font sizes, that poppler keeps in one block (0.7)
RAW_SPACE = 0.17  # least gap between two words, in font sizes, that poppler -raw reads as a space (0.15)
LINE_SPREAD = 0.45  # widest spread of a line's baselines, in font sizes, that poppler keeps on one line (0.5)
APART = 0.55  # least distance, in font sizes, between baselines of two lines that poppler keeps apart (0.5)
PARTED_GAP = 1.5  # white, in points, left between units set apart (boxes that touch still overlap; sizes round)
PARTED_KEEP = 0.55  # least overlap (IoU) with its box a word keeps when units are set apart (check: 0.5)
ACROSS = 1.5  # gap across, in font sizes, beyond which a line beside another never joins it (0.7 and 1)
POOL_STEP = 4.0  # points: poppler sorts words into bins of baselines this high (textPoolStep)
CELL_RATIO = 1.3  # ratio of font sizes between neighbouring table cells (poppler joins words beside a block within 20 %)
CELL_SIZES = (1.0, CELL_RATIO, CELL_RATIO ** 2)  # a table's cells' font sizes, in its smallest
CELL_STEPS = (-2, 3)  # the lowest and highest power of CELL_RATIO, times the line height, of a table's smallest size
CELL_SPACING = 0.75  # least gap between two cells, in font sizes (poppler pulls into a block the words on its lines within 0.7)
ROW_MARK = "\u2060"  # WORD JOINER: an invisible character, no word: the marks between rows, beside cells, between columns, across a line's gaps
GAP_MARK_SPACE = 0.3  # font sizes: the space either side of a mark across a line's gap (a word break to poppler, within BRIDGE)
ROW_MARK_SIZE = 0.25  # its font size, in the table's line heights: too far from any cell's for poppler to join them
FENCE_GAP = 0.05  # points between a cell and the mark beside it
FENCE_MARGIN = 0.5  # points between a tall mark's end and its line's middle, top or bottom
FENCE_WIDTH = 0.2  # points: the width of a mark beside a cell or down between two columns
FENCE_SIZE = 0.5  # points: a mark's font size beside a cell, its box three times as high (poppler finds a
# table's corner where blocks line up within half the smallest font size of four, which such marks never do)
BIN_MARGIN = 0.3  # points kept from a bin's edge, for rounding
PULL_ROOM = 0.1  # least share of a word's box kept above and below its baseline where the line is drawn to another
FIRST_BINS = 3  # bins from a line's highest word's in which its first word keeps its own baseline (see _strayed)


@dataclass(frozen=True)
class Layout:
    """The choices the layer makes to steer poppler's analysis. The first of LAYOUTS is the
    one laid out above; poppler's grid and column rules do not always give text.txt's order
    (a letterhead whose rows text.txt reads otherwise), so the searchable PDF writer reads
    each page back and keeps whichever of LAYOUTS poppler reads closest to text.txt."""

    stacked: bool = True  # lines read one under the other share a unit (else each piece is one)
    grid: float = GRID  # font size, in line heights, of units beside others (1: no larger)
    least: float = 1.0  # least font size, in line heights, where a larger one reaches a neighbour (see unit_sizes)
    cells: bool = False  # a table's cells sized apart from their neighbours, each one block (see cell_sizes)
    rows: bool = False  # a word joiner across the table between its rows (see row_separators)
    fences: bool = False  # a word joiner close beside each of a table's cells (see cell_fences)
    columns: bool = False  # a word joiner down the white between two columns read one after the other
    first_bins: int = FIRST_BINS  # bins of baselines, from a line's highest word's, where its first word keeps its own (see _strayed)
    pulled: bool = False  # a unit's lines further apart than its size reaches drawn together inside their boxes (see pulls)
    tall_fences: bool = False  # the marks beside a cell's line each as high as half the line (see cell_fences)
    gap_marks: bool = False  # a mark across each gap between a piece's words wider than BRIDGE font sizes


# the layout above; a rising line's first word lifted into its highest word's bin (where the
# rest of the page's bins start the line at its second word otherwise); every piece a block of
# its own (poppler orders lines by geometry alone);
# side-by-side units at their own size (poppler reads them column by column); units allowed
# below their line height where a neighbour stands within a font size (a letterhead's agency
# and motto close on one row, read by poppler as one line); a table's cells each a block of
# their own with its rows parted (poppler reads a cell of a lower row, further left, before
# the cells to the right of the row above it), and also with each cell fenced in (a stray
# block between two columns widens a cell's reach over its neighbour); the
# rows parted and the cells fenced in at the sizes of the first layout (a cell sized apart
# from its neighbours may read worse, where a speck beside it leaves it no size); two columns
# read one after the other parted by a mark down the white between them; the cells fenced in and
# the columns parted again with each unit's lines drawn together inside their boxes where its
# size does not reach their pitch (a cell of lines far apart beside a neighbour too close for a
# larger size: its lines one block), the fences as high as half their line (a short one level
# with nothing reaches across the table and holds a lower cell back behind a higher one);
# every gap between a piece's words wider than poppler keeps in one block filled by a mark of
# the piece's size (a form's line written on past a wide blank: poppler parts such a line into
# two blocks, joins the lines under its first part into that part's block and reads them before
# the second part)
LAYOUTS = (Layout(), Layout(first_bins=1), Layout(stacked=False), Layout(grid=1.0), Layout(least=0.8),
           Layout(cells=True, rows=True), Layout(cells=True, rows=True, fences=True), Layout(rows=True, fences=True),
           Layout(columns=True), Layout(cells=True, rows=True, fences=True, pulled=True, tall_fences=True),
           Layout(columns=True, pulled=True), Layout(gap_marks=True))


def layer_words(record: dict) -> list[list[dict]]:
    """The words of text.txt on this page, in reading order, grouped into lines."""
    lines: list[list[dict]] = []
    last = None
    for word in record.get("words", ()):
        if word.get("set_aside") or not word.get("text", "").strip() or word["bbox"][2] <= word["bbox"][0]:
            continue
        key = (word.get("block"), word.get("line"))
        if key != last or not lines:
            lines.append([])
            last = key
        lines[-1].append(word)
    return lines


@dataclass(frozen=True)
class Piece:
    """The words of one text.txt line that sit on one line of the page (a line of a table
    cell, a whole line elsewhere), as the layer sets them: each word's box, per word the
    height and baseline of the run of the piece it belongs to (the level line that fits
    most of the run's boxes), its runs, and whether it is a line of a table's cell."""

    words: tuple[dict, ...]
    boxes: tuple[Box, ...]
    metrics: tuple[tuple[float, float], ...]  # (box height, baseline)
    runs: tuple[tuple[int, int], ...] = ()  # (start, end) of the piece's runs (see _runs)
    table: bool = False  # a piece of a table row (a cell's line)

    # the measures below are kept once made: sizing a unit reads those of every other piece

    @cached_property
    def box(self) -> Box:
        return enclosing_box(self.boxes)

    @cached_property
    def height(self) -> float:
        return _median([h for h, _ in self.metrics])

    @cached_property
    def baseline(self) -> float:
        return _median([y for _, y in self.metrics])

    @cached_property
    def widest_gap(self) -> float:
        return max((self.boxes[k + 1][0] - self.boxes[k][2] for k in range(len(self.boxes) - 1)), default=0.0)


def pieces(record: dict, width: float, height: float) -> list[Piece]:
    """The page's lines cut into pieces, in text order, with their words' boxes on the upright
    page (`width` × `height`). A line is cut where its next word sits on another line of the
    page (the lines of a table cell, read cell by cell) and, in a table row, where a gap of
    more than CELL_GAP word heights opens (the next cell)."""
    rotation = record.get("rotation", 0) % 360
    roles = record.get("block_roles") or []
    descent = font.BELOW
    result = []
    for line in layer_words(record):
        boxes = [upright_box(to_original(record, word["bbox"]), rotation) for word in line]
        boxes = [(l * width, t * height, r * width, b * height) for l, t, r, b in boxes]
        block = line[0].get("block")
        table = isinstance(block, int) and 0 < block <= len(roles) and roles[block - 1] == "table"
        for start, end in _cuts(boxes, table):
            part = boxes[start:end]
            metrics = []  # one size and baseline per run of words, repeated for each of its words
            runs = _runs(part)
            for a, b in runs:
                metrics += [line_metrics([(box[1], box[3]) for box in part[a:b]], descent)] * (b - a)
            result.append(Piece(tuple(line[start:end]), tuple(part), tuple(metrics), tuple(runs), table))
    return result


def _cuts(boxes: list[Box], table: bool) -> list[tuple[int, int]]:
    """(start, end) of the pieces of one line's words (see `pieces`): a word that shares less
    than a third of its height (or of theirs) both with the piece so far and with its last
    few words starts another. The last few words as well as the whole piece: a line of a
    tilted scan drifts by a line's height or more from end to end, a step of a few points
    from word to word, while the next line of a table cell starts a whole line lower at once."""
    def span(part: list[Box]) -> tuple[float, float]:
        return _median([b[1] for b in part]), _median([b[3] for b in part])

    def apart(part: list[Box], box: Box) -> bool:
        top, bottom = span(part)
        return min(bottom, box[3]) - max(top, box[1]) < min(bottom - top, box[3] - box[1]) / 3

    cuts, start = [], 0
    for k in range(1, len(boxes)):
        part = boxes[start:k]
        top, bottom = span(part)
        if (apart(part, boxes[k]) and apart(part[-LAST_WORDS:], boxes[k])) or \
                (table and boxes[k][0] - boxes[k - 1][2] > CELL_GAP * (bottom - top)):
            cuts.append((start, k))
            start = k
    return cuts + [(start, len(boxes))] if boxes else []


def units(parts: list[Piece], stacked: bool = True) -> list[list[int]]:
    """The pieces (indices) grouped into the units an extractor should see as blocks: runs of
    consecutive pieces each of which starts right under the one before and overlaps it across
    (the lines of a paragraph and the paragraphs after it, a header column, a list of
    recipients, the lines of a table cell), as long as the unit's box takes in no other
    piece and reaches under no piece that stands beside it (see `_beside`). An extractor
    draws into a block every word of a similar size lying within the block's box: a unit of the last paragraph and the list of recipients under it would
    swallow the signer's title set beside the list. Not `stacked`: each piece a unit."""
    if not stacked:
        return [[n] for n in range(len(parts))]
    result: list[list[int]] = []
    for n, piece in enumerate(parts):
        if result and _under(parts[result[-1][-1]], piece):
            now = enclosing_box([parts[k].box for k in result[-1]])
            box = enclosing_box([now, piece.box])
            members = set(result[-1]) | {n}
            step = _median([parts[k].height for k in result[-1]])
            others = [q.box for m, q in enumerate(parts) if m not in members]
            # nor would it reach under a piece beside it: a letterhead's date stacked with the
            # title under it stands no longer beside the number, and poppler reads the
            # letterhead column by column
            if not any(_inside(q, box) or (_beside(q, now, step) and not _beside(q, box, step)) for q in others):
                result[-1].append(n)
                continue
        result.append([n])
    return result


def _under(above: Piece, piece: Piece) -> bool:
    """Whether `piece` is the next line under `above`: overlapping it across, its baseline
    lower by half a line or more, and less than STACK_GAP lines of white space between."""
    l, t, r, _ = piece.box
    return (min(r, above.box[2]) - max(l, above.box[0]) > 0
            and piece.baseline - above.baseline > 0.5 * min(above.height, piece.height)
            and t - above.box[3] <= STACK_GAP * max(above.height, piece.height))


def _inside(a: Box, b: Box) -> bool:
    """Whether the centre of box a lies inside box b."""
    x, y = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] < x < b[2] and b[1] < y < b[3]


def unit_sizes(parts: list[Piece], groups: list[list[int]], grid: float = GRID, least: float = 1.0,
               cells: bool = False, pulled: bool = False) -> list[float]:
    """One font size per unit, taken in text order.

    It starts from the unit's line height and is raised (as far as `_largest_size` allows) to
    bridge the widest gap inside its lines (an extractor keeps a line's words in one block
    only when they are less than BRIDGE font sizes apart: 'Số: 12 /CT-UBND' leaves a gap for
    the number), and for a unit with another beside it, to `grid` line heights, so that an
    extractor tolerates the small misalignments of the grid such units form (it reads a grid
    row by row only where the blocks line up within half a font size). Last, a unit near one
    already sized gets a size at least SEPARATION apart from it.

    A size stays at least the line height, so that the unit's lines keep their own height;
    where `_largest_size` allows less, `least` (< 1) lets it go down to that share of the line
    height (never below what keeps the unit's lines one block): an extractor draws into a
    block the words beside it within one font size. `cells`: a table's cells take the sizes
    of `cell_sizes` (`pulled`: as the lines are to be drawn together, see `pulls`)."""
    boxes = [enclosing_box([parts[n].box for n in group]) for group in groups]
    fixed = cell_sizes(parts, groups, pulled) if cells else {}
    sizes: list[float] = []
    for k, (group, beside) in enumerate(zip(groups, in_grid(parts, groups))):
        if k in fixed:
            sizes.append(fixed[k])
            continue
        base = _median([parts[n].height for n in group])
        baselines = [parts[n].baseline for n in group]
        pitch = max((b - a for a, b in zip(baselines, baselines[1:])), default=0.0)
        target = max(base, max(parts[n].widest_gap for n in group) / BRIDGE, grid * base if beside else base,
                     pitch / REACH)
        limit = max(base if least >= 1 else max(pitch / REACH, least * base), _largest_size(parts, group, target))
        limit = min(limit, _twin_letters_limit(parts, group))
        size = min(target, limit)
        near = [sizes[j] for j in range(k) if _near(boxes[j], boxes[k], 2.0 * max(sizes[j], size))]

        def clearance(candidate: float) -> float:
            return min((max(candidate, other) / min(candidate, other) for other in near), default=SEPARATION)

        candidates = [size * f for f in FACTORS if size * f <= limit * 1.001] or [size]
        sizes.append(next((c for c in candidates if clearance(c) >= SEPARATION - 1e-9),
                          max(candidates, key=clearance)))
    return sizes


def cell_sizes(parts: list[Piece], groups: list[list[int]], pulled: bool = False) -> dict[int, float]:
    """Font sizes (unit → size) of the units of table rows that let poppler find the table
    and read it as text.txt does, row by row and cell by cell.

    Poppler takes four blocks for a table's corner where a block, the nearest block to its
    right, the nearest under it and the one under and right of it line up (left or right
    edges or centres within 0.3 font sizes across, tops, bottoms or centres within 0.5 font
    sizes in height), and reads a table's blocks row by row: a block before those to its right
    that share its height and before all below it. So each cell must be one block of its own.
    Every cell's size is one of CELL_SIZES times a base (the table's line height times a power
    of a fourth of CELL_RATIO, from the ladder's top down), and no two cells within poppler's
    reach of each other share a size (poppler joins a word beside a block within a fifth of its
    size, and a line under it within a twentieth): each cell, in text order, takes the first
    size no neighbour took among those its geometry allows: no cell beside it comes within
    CELL_SPACING font sizes across, its lines stay APART font sizes from each other and from
    the lines above and below it (and within REACH of the next where it can). The base is the
    largest that sizes every cell (the widest tolerance of misaligned cells); where none does,
    the one that sizes the most, and the cells it leaves without a size are left to
    `unit_sizes`' own. Where the lines are to be `pulled` together inside their boxes, a
    cell's least size is the least at which they can be (see `least_reach`), as long as each
    line stays one line (its widest gap within BRIDGE), and the sizes go one step further up
    (CELL_RATIO cubed): a cell drawn together between two neighbours sized apart may need a
    size above both. There, too, a cell of one line set closer to a neighbour than CELL_SPACING
    of the ladder's smallest size (a date nearly touching the home town beside it) takes a size
    just under what that gap allows, down to a box font.TALLEST font sizes high: poppler draws
    a word into a block only within 0.7 of the block's size across, and only where their sizes
    differ by less than 60 % of it, which the neighbour's ladder size mostly leaves."""
    cells = [g for g, group in enumerate(groups) if all(parts[n].table for n in group)]
    if not cells:
        return {}
    boxes = {g: enclosing_box([parts[n].box for n in groups[g]]) for g in cells}
    lines = {g: sorted(parts[n].baseline for n in groups[g]) for g in cells}
    unit = _median([_median([parts[n].height for n in groups[g]]) for g in cells])
    ladder = [unit * CELL_RATIO ** (k / 4) for k in range(4 * CELL_STEPS[1], 4 * CELL_STEPS[0] - 1, -1)]
    factors = CELL_SIZES + (CELL_RATIO ** 3,) if pulled else CELL_SIZES
    reach = ladder[0] * factors[-1]  # the largest size any cell takes

    def bounds(g: int) -> tuple[float, float]:
        baselines, box = lines[g], boxes[g]
        steps = [b - a for a, b in zip(baselines, baselines[1:])]
        low = max(steps, default=0.0) / REACH
        if pulled:  # as far as its lines can be drawn together, each line still one block
            low = max(least_reach(parts, groups[g]) / REACH, max(parts[n].widest_gap for n in groups[g]) / BRIDGE)
        high = min(min(steps, default=math.inf) / APART, reach, _twin_letters_limit(parts, groups[g]))
        for m, q in enumerate(parts):
            if m in groups[g]:
                continue
            gap = max(q.box[0] - box[2], box[0] - q.box[2])
            if gap <= 0 and not baselines[0] <= q.baseline <= baselines[-1]:  # above or below it
                high = min(high, min(abs(q.baseline - baselines[0]), abs(q.baseline - baselines[-1])) / APART)
            elif gap > 0 and baselines[0] - 0.5 * high < q.baseline < baselines[-1] + 0.5 * high:  # beside it
                high = min(high, gap / CELL_SPACING)
        return low, high

    def apart(g: int, k: int) -> tuple[float, float, float]:
        """How far apart two cells lie: the gap across, the nearest two of their lines' baselines,
        the overlap in height (negative: the white between them)."""
        (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[g], boxes[k]
        return max(l2 - r1, l1 - r2), min(abs(a - b) for a in lines[g] for b in lines[k]), min(b1, b2) - max(t1, t2)

    def neighbours(gap: float, distance: float, overlap: float, size: float) -> bool:
        """Could poppler join two cells so far apart (`apart`), the larger of them set at `size`?"""
        if gap <= CELL_SPACING * size:  # one above the other: within reach of a block's lines
            return distance <= 1.6 * size
        return gap <= 1.1 * size and overlap > -0.5 * size  # side by side

    # the cells before each (sizes are given in text order) that the largest size could join to it
    earlier = {g: [(k, *between) for k in cells[:i] if (between := apart(g, k))[0] <= 1.1 * reach
                   and (between[1] <= 1.6 * reach or between[2] > -0.5 * reach)]
               for i, g in enumerate(cells)}
    limits = {g: bounds(g) for g in cells}
    heights = {g: max(parts[n].height for n in groups[g]) for g in cells}
    best: dict[int, float] = {}
    for base in ladder:  # the largest smallest size every cell allows, else the one most cells allow
        sizes: dict[int, float] = {}
        for g in cells:
            low, high = limits[g]
            fits = [size for size in (base * f for f in factors) if size <= high
                    and not any(sizes.get(k) == size and neighbours(gap, distance, overlap, size)
                                for k, gap, distance, overlap in earlier[g])]
            # a piece read too close to a cell for any size left (a speck, a word cut in two)
            # leaves that cell to `unit_sizes`, not the whole table; a cell whose lines lie
            # further apart than any size it allows keeps the largest: its lines fall into
            # blocks of their own, the rest of the table is still found
            if fits:
                sizes[g] = next((size for size in fits if size >= low), fits[-1])
            elif pulled and len(groups[g]) == 1 and high >= heights[g] / font.TALLEST and high < base:
                sizes[g] = 0.97 * high
        if len(sizes) == len(cells):
            return sizes
        if len(sizes) > len(best):
            best = sizes
    return best


def in_grid(parts: list[Piece], groups: list[list[int]]) -> list[bool]:
    """Per unit, whether another stands beside it (see `_beside`): the units of a grid that
    poppler reads row by row where their blocks' edges line up (a letterhead's agency,
    motto, number and date)."""
    boxes = [enclosing_box([parts[n].box for n in group]) for group in groups]
    heights = [_median([parts[n].height for n in group]) for group in groups]
    return [any(j != k and _beside(boxes[j], boxes[k], heights[k]) for j in range(len(groups)))
            for k in range(len(groups))]


def _beside(other: Box, box: Box, step: float) -> bool:
    """Whether `other` sits beside `box` on the page: apart across, and in height overlapping
    it or less than half a line away (the number and the date under a letterhead's two
    columns are seldom level)."""
    return min(other[3], box[3]) - max(other[1], box[1]) > -0.5 * step and (other[0] >= box[2] or other[2] <= box[0])


def _twin_letters_limit(parts: list[Piece], group: list[int]) -> float:
    """The largest font size at which every letter of the unit that repeats the letter before
    it ('...', '2000', 'll') still starts DUPLICATE_SPACING font sizes after it: a word is set
    across its box, so a large size squeezes its letters, and poppler drops a letter that
    starts too close to its twin (infinite where no word repeats a letter)."""
    limit = math.inf
    for n in group:
        for (left, right), word in zip(_spaced(parts[n], 0.0), parts[n].words):
            text = word["text"]
            if any(a == b for a, b in zip(text, text[1:])):
                limit = min(limit, (right - left) / len(text) / DUPLICATE_SPACING)
    return limit


def _largest_size(parts: list[Piece], group: list[int], target: float) -> float:
    """The largest font size (up to `target`) at which an extractor still reads the unit as
    the lines it is. Poppler puts on one line the words less than half a font size apart in
    height, so the unit's lines must lie further apart than that; and it draws into a block
    every word of a similar size whose baseline lies within the block's baselines (half a
    font size beyond) and which comes within 0.7 font sizes of it across (one font size
    beside a line), so every other piece must lie beyond that reach."""
    members = set(group)
    baselines = sorted(parts[n].baseline for n in group)
    limit = min((BAND * (b - a) for a, b in zip(baselines, baselines[1:]) if b - a > 0.3 * parts[group[0]].height),
                default=float("inf"))
    box = enclosing_box([parts[n].box for n in group])
    low, high = baselines[0], baselines[-1]
    for m, q in enumerate(parts):
        if m in members:
            continue
        across = max(q.box[0] - box[2], box[0] - q.box[2])
        if q.baseline < low:
            height = (low - q.baseline) * BAND
        elif q.baseline > high:
            height = (q.baseline - high) * BAND
        else:
            height = 0.0
        if height >= target or across >= target:
            continue
        limit = min(limit, max(height, across / 1.05))
    return limit


def _near(a: Box, b: Box, reach: float) -> bool:
    """Whether poppler could join two units one above the other: they overlap across and come
    within `reach` of each other in height. (Units side by side are kept apart by the gap
    between them, see `_largest_size`.)"""
    return min(a[2], b[2]) > max(a[0], b[0]) and a[1] - reach < b[3] and b[1] - reach < a[3]


def row_separators(parts: list[Piece], groups: list[list[int]]) -> tuple[list[tuple[float, float, float]], float]:
    """Where the marks that part rows read across go: per pair of consecutive rows, (left,
    right, middle) of the band between them, as wide as the two rows; and the marks' font size.

    Poppler reads a block left of another first (Breuel's second rule) unless a third block
    lies under the right one and over the left one, overlapping both across; so wherever it
    does not find the rows as a table, it reads the first cell of a lower row before the cells
    right of it in the row above, column by column. A mark across the band between two rows is
    that third block: every unit of the row above comes before it (it lies under them,
    overlapping them across), every unit of the row below after it. The rows are a table's
    (text.txt's lines of a table) and those of a grid of units side by side read row by row (a
    letterhead's agency and motto, then its number and date; `in_grid`). A band that holds
    a piece of no table gets no mark, nor do grid rows that overlap (a table's rows may: a
    tall cell, a tilted scan; their mark goes in the middle). The mark is ROW_MARK, a
    character that is no word and shows nothing; check.text_words leaves it out."""
    table: dict[tuple, list[Box]] = {}
    for piece in parts:
        if piece.table:
            first = piece.words[0]
            table.setdefault((first.get("block"), first.get("line")), []).append(piece.box)
    grid_rows: list[list[Box]] = []
    for group, beside in zip(groups, in_grid(parts, groups)):
        if parts[group[0]].table or not beside:
            continue
        box = enclosing_box([parts[n].box for n in group])
        last = grid_rows[-1][-1] if grid_rows else None
        if last is not None and box[0] >= last[2] and _beside(box, last, parts[group[0]].height):
            grid_rows[-1].append(box)
        else:
            grid_rows.append([box])
    heights = [piece.height for piece in parts if piece.table] or [piece.height for piece in parts]
    size = ROW_MARK_SIZE * _median(heights) if heights else 0.0
    marks = []
    for kind in (list(table.values()), grid_rows):
        for upper, lower in zip(kind, kind[1:]):
            if kind is grid_rows and len(upper) < 2 and len(lower) < 2:
                continue
            above, below = enclosing_box(upper), enclosing_box(lower)
            left, right, top, bottom = min(above[0], below[0]), max(above[2], below[2]), above[3], below[1]
            if kind is grid_rows and bottom <= top:
                continue  # a table's rows may overlap a little (a tall cell, a tilted scan): the mark goes between
            if any(q.box[0] < right and q.box[2] > left and q.box[1] < max(top, bottom) and q.box[3] > min(top, bottom)
                   and not q.table for q in parts):
                continue
            marks.append((left, right, (top + bottom) / 2))
    return marks, size


def column_separators(parts: list[Piece], groups: list[list[int]]) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of the marks that part two columns text.txt reads one after the other
    (two pages scanned side by side, a form's two halves): a run of units, then a run that
    starts higher up again and lies wholly to the right of the first, with white between them
    from the top of the two runs to their bottom that no piece crosses.

    Poppler reads a block left of another first (Breuel's second rule) unless a third block
    lies under the right one and over the left one; a line of the right column above the
    left column's lower lines is read before them wherever the two columns' blocks line up so.
    A mark down the white between the columns is a block every block of the left column lies
    left of, and every block of the right column right of: poppler reads the whole left column
    first. The mark is ROW_MARK, as tall as the columns (its font size a third of that, so
    large that poppler joins it to nothing), as thin as FENCE_WIDTH."""
    groups = [group for group in groups if not any(parts[n].table for n in group)]  # a table's rows are no columns
    boxes = [enclosing_box([parts[n].box for n in group]) for group in groups]
    marks = []
    for k in range(1, len(groups)):
        right = boxes[k]
        if right[1] >= boxes[k - 1][1]:
            continue  # the next unit does not go back up: no second column starts here
        left_run = []
        for j in range(k - 1, -1, -1):  # the units before it that lie wholly to its left
            if boxes[j][2] >= right[0]:
                break
            left_run.append(j)
        if not left_run:
            continue
        gutter_left = max(boxes[j][2] for j in left_run)
        right_run = []
        for j in range(k, len(groups)):  # the units from it on that lie wholly right of those
            if boxes[j][0] <= gutter_left:
                break
            right_run.append(j)
        top = min(boxes[j][1] for j in left_run + right_run)
        bottom = max(boxes[j][3] for j in left_run + right_run)
        gutter_right = min(boxes[j][0] for j in right_run)
        x = (gutter_left + gutter_right) / 2
        if boxes[left_run[-1]][1] > right[3] or bottom - top <= 0:
            continue  # the columns share no height: poppler reads them in order as they are
        if any(q.box[0] < x < q.box[2] and q.box[1] < bottom and q.box[3] > top for q in parts):
            continue
        marks.append((x - FENCE_WIDTH / 2, top, bottom))
    return marks


def cell_fences(parts: list[Piece], groups: list[list[int]], tall: bool = False
                ) -> list[tuple[float, float, float, float, float]]:
    """(left, right, top, bottom, font size) of the marks close beside each table cell, one on
    either side of each of its lines.

    Poppler widens a block's reach across (its extended box) to take in any block below it
    that starts or ends in the white between it and its neighbours on the same line (the
    first block to its left or right that shares some of its height), even far down the
    page: a stray bar or a row's title in the white between two columns makes a cell reach
    the one beside it, and where their reaches overlap the higher of the two is read first
    (Breuel's first rule), whatever their order across. A mark right beside each cell is such
    a neighbour, and leaves no white for the widening. The marks are ROW_MARK in a font size
    of FENCE_SIZE, so small that poppler joins them to no cell nor to each other, nor lines
    them up with cells for a table's corner.

    A mark is a block too, and widens its own reach over every block below it up to its own
    neighbours: a short mark beside a line, level with nothing else, reaches across the whole
    table, and a block of the row above it that it overlaps then keeps a lower cell of its row
    from being read before a higher one to its right (a date read before the row's low speck
    cells, a row's number after its name). `tall` marks each span half the line, the left one
    its upper half, the right one its lower half (still never level with each other), so that
    the cells of the row beside the line are their neighbours; their font size is what makes
    their box that high (font.TALLEST font sizes at most), still far below a cell's."""
    descent = font.BELOW
    fences = []
    for group in (group for group in groups if all(parts[n].table for n in group)):
        box = enclosing_box([parts[n].box for n in group])
        for n in group:  # beside each line: a cell whose lines lie far apart is a block a line
            middle = parts[n].baseline - 0.4 * parts[n].height
            # the left mark above the line's middle, the right one below it: two marks level
            # with each other would line up with the next line's as a table's corner
            if tall:
                top = parts[n].baseline - (1 - descent) * parts[n].height
                bottom = parts[n].baseline + descent * parts[n].height
                spans = [(top + FENCE_MARGIN, middle - FENCE_MARGIN), (middle + FENCE_MARGIN, bottom - FENCE_MARGIN)]
            else:
                spans = [(middle - 3 * FENCE_SIZE - 0.5, middle - 0.5), (middle + 0.5, middle + 3 * FENCE_SIZE + 0.5)]
            for (left, right), (high, low) in zip([(box[0] - FENCE_GAP - FENCE_WIDTH, box[0] - FENCE_GAP),
                                                   (box[2] + FENCE_GAP, box[2] + FENCE_GAP + FENCE_WIDTH)], spans):
                # a tall mark's box a little under the tallest a variant declares, for rounding
                fences.append((left, right, high, low, max(FENCE_SIZE, (low - high) / (font.TALLEST - 0.1))))
    return fences


def layer_ops(record: dict, width: float, height: float, point: Callable[[float, float], tuple[float, float]],
              fonts: font.GlyphlessFonts, layout: Layout = Layout()) -> tuple[list[str], dict[str, object]]:
    """The content-stream operators that write the page's words invisibly over their boxes,
    and the fonts (resource name → font object) they use. `point` maps a point of the upright
    page (top-down) to user space."""
    ox, oy = point(0, 0)
    ax, ay = point(1, 0)
    bx, by = point(0, 1)
    a, b, c, d = ax - ox, ay - oy, ox - bx, oy - by
    half = font.ADVANCE / 1000
    parts = pieces(record, width, height)
    groups = units(parts, layout.stacked)
    sizes = unit_sizes(parts, groups, layout.grid, layout.least, layout.cells, layout.pulled)
    size_of = {n: size for group, size in zip(groups, sizes) for n in group}
    placed = parted(parts, groups, placements(parts, groups, [size_of[n] for n in range(len(parts))], layout.first_bins))
    lifts = pulls(parts, groups, sizes, placed) if layout.pulled else {}
    above = font.ABOVE
    used: dict[str, object] = {}
    ops = ["BT", "3 Tr"]
    for group, size in zip(groups, sizes):
        for n, line in ((n, parts[n]) for n in group):
            spans = _spaced(line, size)
            for k, word in enumerate(line.words):
                (u0, u1), (box_height, baseline) = spans[k], placed[n][k]
                lift = lifts.get(n, 0.0)
                if lift:  # the baseline moved inside the box, the box where it was
                    name, obj = fonts.variant(box_height / size, (above * box_height - lift) / box_height)
                    baseline -= lift
                else:
                    name, obj = fonts.variant(box_height / size)
                used[name] = obj
                text = word["text"]
                x, y = point(u0, baseline)
                ops.append(f"/{name} {size:.2f} Tf {a:g} {b:g} {c:g} {d:g} {x:.2f} {y:.2f} Tm")
                ops.append(f"{100 * (u1 - u0) / (len(text) * half * size):.2f} Tz <{font.encode(text).hex()}> Tj")
                if k + 1 < len(spans):  # a space stretched over the gap to the next word
                    gap = max(spans[k + 1][0] - u1, 0.05 * size)
                    if layout.gap_marks and gap > BRIDGE * size:
                        space = GAP_MARK_SPACE * size
                        spacer = f"{100 * space / (half * size):.2f} Tz <0020> Tj"
                        ops += [spacer, f"{100 * (gap - 2 * space) / (half * size):.2f} Tz "
                                        f"<{font.encode(ROW_MARK).hex()}> Tj", spacer]
                    else:
                        ops.append(f"{100 * gap / (half * size):.2f} Tz <0020> Tj")
    def mark(left: float, right: float, top: float, bottom: float, size: float, scale: str = ".2f") -> None:
        """A ROW_MARK over the box left..right, top..bottom, in font size `size`."""
        name, obj = fonts.variant((bottom - top) / size)
        used[name] = obj
        x, y = point(left, bottom - font.BELOW * (bottom - top))
        ops.append(f"/{name} {size:.2f} Tf {a:g} {b:g} {c:g} {d:g} {x:.2f} {y:.2f} Tm")
        ops.append(f"{100 * (right - left) / (half * size):{scale}} Tz <{font.encode(ROW_MARK).hex()}> Tj")

    if layout.rows:
        separators, size = row_separators(parts, groups)
        for left, right, middle in separators:
            mark(left, right, middle - size / 2, middle + size / 2, size)
    if layout.columns:
        for x0, top, bottom in column_separators(parts, groups):
            # a font variant's box is at most 3 font sizes high; so large a size needs a finer scale
            mark(x0, x0 + FENCE_WIDTH, top, bottom, (bottom - top) / 3, ".4f")
    if layout.fences:
        for left, right, top, bottom, size in cell_fences(parts, groups, layout.tall_fences):
            mark(left, right, top, bottom, size)
    ops.append("ET")
    return ops, used


def pulls(parts: list[Piece], groups: list[list[int]], sizes: list[float], placed: list[list[tuple[float, float]]]
          ) -> dict[int, float]:
    """Per piece, how far (points, upwards) its baseline is moved inside its words' boxes so
    that its unit's lines lie within REACH font sizes of each other, and no nearer than APART.

    Poppler joins a line to a block only where its baseline lies within 1.5 font sizes of the
    block's, and it reads a block's lines one after the other; where a unit's size may not
    reach its line pitch (a table cell of two or three lines with a cell beside it closer
    than its pitch allows), its lines fall into blocks of their own and a neighbour's block
    is read between them. A word's box is its font's ascent above the baseline and descent
    below it (font.GlyphlessFonts.variant), so the baseline may sit anywhere inside the box:
    the first line's lower, the last line's higher, as far as PULL_ROOM of every word's box
    stays on either side of it. Only the pieces of units that need it move, each by as
    little as the unit allows (none where no setting fits)."""
    above = font.ABOVE
    result: dict[int, float] = {}
    for group, size in zip(groups, sizes):
        order = sorted(group, key=lambda n: _median([y for _, y in placed[n]]))
        levels = [_median([y for _, y in placed[n]]) for n in order]
        reach, apart = REACH * size, APART * size
        if all(b - a <= reach for a, b in zip(levels, levels[1:])):
            continue
        # how far each line's baseline may go up (a negative low) and down, in top-down points
        lows = [level - min((above - PULL_ROOM) * h for h, _ in placed[n]) for n, level in zip(order, levels)]
        highs = [level + min((1 - above - PULL_ROOM) * h for h, _ in placed[n]) for n, level in zip(order, levels)]
        settings = _pulled(levels, lows, highs, reach, apart)
        if settings is not None:
            result |= {n: level - setting for n, level, setting in zip(order, levels, settings) if setting != level}
    return result


def least_reach(parts: list[Piece], group: list[int]) -> float:
    """The least distance between baselines within which the unit's lines can be drawn
    together inside their boxes (see `pulls`): its largest line pitch where they need not be."""
    above = font.ABOVE
    order = sorted(group, key=lambda n: parts[n].baseline)
    levels = [parts[n].baseline for n in order]
    most = max((b - a for a, b in zip(levels, levels[1:])), default=0.0)
    lows = [parts[n].baseline - (above - PULL_ROOM) * min(h for h, _ in parts[n].metrics) for n in order]
    highs = [parts[n].baseline + (1 - above - PULL_ROOM) * min(h for h, _ in parts[n].metrics) for n in order]
    low, high = 0.0, most
    for _ in range(20):  # halving: feasible at high, not below low
        middle = (low + high) / 2
        if _pulled(levels, lows, highs, middle, APART / REACH * middle) is None:
            low = middle
        else:
            high = middle
    return high


def _pulled(levels: list[float], lows: list[float], highs: list[float], reach: float, apart: float
            ) -> list[float] | None:
    """Baselines, one per line top down, each within its lows..highs, each the next one's
    within reach and no nearer than apart, each as near its level as that allows (None where
    none fits): the window each line may take given the lines above it, then from the last
    line up the setting nearest its level within its window and the line under it's reach."""
    windows = [(lows[0], highs[0])]
    for low, high in zip(lows[1:], highs[1:]):
        first, last = windows[-1]
        window = (max(low, first + apart), min(high, last + reach))
        if window[0] > window[1]:
            return None
        windows.append(window)
    settings: list[float] = []
    for k in range(len(levels) - 1, -1, -1):
        low, high = windows[k]
        if settings:
            low, high = max(low, settings[-1] - reach), min(high, settings[-1] - apart)
            if low > high:
                return None
        settings.append(min(max(levels[k], low), high))
    return settings[::-1]


def placements(parts: list[Piece], groups: list[list[int]], sizes: list[float], first_bins: int = FIRST_BINS
               ) -> list[list[tuple[float, float]]]:
    """Per piece and word, the (box height, baseline) it is set with, given each piece's font
    size (`sizes`) and the units (`groups`): each word over its own box, as far as poppler
    still reads the line as one line and the lines around it as theirs (the words of a line
    on a tilted scan drift from one baseline to the next; accents and descenders make a
    word's box a little higher or lower); the rest of the way held to that band.

    Poppler builds a line from one of its words, taking in the words whose baselines lie
    within half a font size of that word's, so a run's baselines may stray from their middle
    (the median of the words' own baselines) by at most half of LINE_SPREAD font sizes
    either way; a word of another run strays as far, so two runs whose middles are d apart
    may each stray by half of what d leaves over APART font sizes (the larger of their two),
    unless they stand more than ACROSS font sizes apart across in different units, where
    poppler never joins them. A run that may not stray at all stays on its level baseline
    (`Piece.metrics`), as do a table's lines and the units of a grid (`in_grid`): poppler
    reads a grid row by row only where its blocks' edges line up, and words set off their
    line would move those edges. A run keeps its level line, too, where that fits its words'
    boxes better. On a level line only a word the line's height does not cover (a list's
    dash) is set otherwise: a box inside the line's span over its own box (`_fitted`), the
    run's first word also a little higher, as far as `_rises` allows, so no block's edges
    move."""
    descent = font.BELOW
    own = [[(max(b - t, 0.01 * size), b - descent * max(b - t, 0.01 * size)) for _, t, _, b in piece.boxes]
           for piece, size in zip(parts, sizes)]
    runs = [(n, a, b) for n, piece in enumerate(parts) for a, b in piece.runs]
    middles = [_median([y for _, y in own[n][a:b]]) for n, a, b in runs]
    levels = [parts[n].metrics[a][1] for n, a, _ in runs]
    unit_of = {n: g for g, group in enumerate(groups) for n in group}
    grid = in_grid(parts, groups)
    fixed = [parts[n].table or grid[unit_of[n]] for n, _, _ in runs]
    # a run that may not stray stays on its level baseline, which moves the others' limits:
    # keep such runs level until none is left (each round keeps one more level, or ends)
    while True:
        centres = [level if keep else middle for middle, level, keep in zip(middles, levels, fixed)]
        allowed = _strays(parts, runs, centres, sizes, unit_of)
        newly = [k for k, stray in enumerate(allowed) if stray <= 0 and not fixed[k]]
        if not newly:
            break
        for k in newly:
            fixed[k] = True
    result = [list(piece.metrics) for piece in parts]
    rises = _rises(parts, runs, centres, allowed, fixed, sizes, unit_of)
    for (n, a, b), centre, stray, keep, rise in zip(runs, centres, allowed, fixed, rises):
        if not keep:
            result[n][a:b] = _strayed(parts[n], a, b, own[n][a:b], centre, stray, descent, first_bins)
        else:  # level, but a word its line's height does not cover is fitted inside that height
            for k in range(a, b):
                result[n][k] = _fitted(parts[n].boxes[k], *result[n][k], own[n][k][1], rise if k == a else 0.0,
                                       descent)
    return result


def _rises(parts: list[Piece], runs: list[tuple[int, int, int]], centres: list[float], strays: list[float],
           fixed: list[bool], sizes: list[float], unit_of: dict[int, int]) -> list[float]:
    """Per run, how far its first word may be set above the run's centre (see `_fitted`; 0 for
    a run that strays, whose words are set by `_strayed`): poppler still reads the run as one
    line while the rest of it stays within LINE_SPREAD font sizes, and keeps it apart from each
    run above within reach (`_within_reach`) while the word stays APART font sizes from that
    run's lowest baseline (its centre, or as far below as it may stray)."""
    boxes = [enclosing_box(parts[n].boxes[a:b]) for n, a, b in runs]
    result = []
    for k, (n, _, _) in enumerate(runs):
        if not fixed[k]:
            result.append(0.0)
            continue
        rise = LINE_SPREAD * sizes[n]
        for j, (m, _, _) in enumerate(runs):
            if centres[j] <= centres[k] and _within_reach(boxes, runs, sizes, unit_of, k, j):
                lowest = centres[j] + (0.0 if fixed[j] else max(strays[j], 0.0))
                rise = min(rise, centres[k] - lowest - APART * max(sizes[n], sizes[m]))
        result.append(max(rise, 0.0))
    return result


def _fitted(box: Box, height: float, baseline: float, own: float, rise: float, descent: float
            ) -> tuple[float, float]:
    """(box height, baseline) of a word of a level line (set at `height` on `baseline`) whose
    box is so much shorter than the line that the line's height does not cover it (a list's
    dash, a full stop standing alone): the height that covers it best inside the line's span,
    on the line's baseline or, for a line's first word, up to `rise` higher towards the
    word's `own` baseline (poppler starts a line at its leftmost word among the highest, so
    only the first may be set higher); a word lower than its line (a dash under a level
    line's baseline on a tilted scan) down to its own baseline, as far as its box stays
    above the line's bottom (poppler keeps a word on a line within half a font size of the
    first's baseline, and starts a line among its highest four bins). Inside the span, so that
    no block's edges move."""
    top, bottom = box[1], box[3]
    now = _overlap(_span(height, baseline, descent), (top, bottom))
    if now >= 0.5:
        return height, baseline
    raised = max(baseline - rise, min(baseline, own))
    floor = baseline + descent * height  # the line's bottom
    if own > baseline:
        raised = max(baseline, min(own, floor - descent * (bottom - top)))
    ceiling = baseline - (1 - descent) * height  # the line's top
    tallest = min(height, (raised - ceiling) / (1 - descent), (floor - raised) / descent if descent > 0 else height)
    fitted = min(_best_height(top, bottom, raised, descent, min(bottom - top, tallest), tallest), tallest)
    if _overlap(_span(fitted, raised, descent), (top, bottom)) > now:
        return fitted, raised
    return height, baseline


def parted(parts: list[Piece], groups: list[list[int]], placed: list[list[tuple[float, float]]]
           ) -> list[list[tuple[float, float]]]:
    """The placements (`placements`) with a unit set apart in height from the units to its
    left that it overlaps by a sliver, where text.txt reads it before one of them.

    Poppler reads a block to the left of another first (Breuel's second rule) unless the
    right one lies above and overlaps it across; a block's reach across (its extended box)
    takes in every block under it, but only where no block to its left shares any of its
    height. A signer's title set a little higher than the list of recipients beside it
    ('CHỦ TỊCH' over 'Nơi nhận:') is read after the whole list while their boxes share a
    few points of height, and before it once they share none. So where a unit is read
    before a unit to its left that starts lower, every unit to its left sharing its height
    gives way: the two part somewhere in the band they share, PARTED_GAP apart, each word
    that covered its box keeping at least PARTED_KEEP of it (see `_parting`); where one
    cannot, nothing moves."""
    descent = font.BELOW
    spans = [[_span(h, y, descent) for h, y in where] for where in placed]
    boxes = []  # per unit: left, top, right, bottom as set
    for group in groups:
        boxes.append((min(parts[n].box[0] for n in group), min(t for n in group for t, _ in spans[n]),
                      max(parts[n].box[2] for n in group), max(b for n in group for _, b in spans[n])))
    result = [list(where) for where in placed]
    for u, (left, top, _, bottom) in enumerate(boxes):
        beside = [v for v, other in enumerate(boxes)
                  if v != u and other[2] < left and other[1] < bottom and other[3] > top]
        if not any(v > u and boxes[v][1] > top for v in beside):
            continue
        moves = {}
        for v in beside:
            if boxes[v][1] <= top:  # the unit to the left starts as high: no sliver to take away
                break
            trimmed = _parting(parts, groups[u], groups[v], spans, boxes[v][1], bottom)
            if trimmed is None:
                break
            moves.update(trimmed)
        else:
            for (n, k), (t, b) in moves.items():
                result[n][k] = (b - t, b - descent * (b - t))
                spans[n][k] = (t, b)
    return result


def _parting(parts: list[Piece], upper: list[int], lower: list[int], spans, top: float, bottom: float):
    """The spans of the words of two units (`upper`, `lower`) cut PARTED_GAP apart somewhere in
    the band `top`..`bottom` they share, where each word that covered its box (an overlap of at
    least a half) keeps PARTED_KEEP of it, the cut that keeps the most; None where none can."""
    def kept(cut: dict) -> float:
        worst = 1.0
        for (n, k), span in cut.items():
            box = (parts[n].boxes[k][1], parts[n].boxes[k][3])
            if _overlap(spans[n][k], box) >= 0.5:
                worst = min(worst, _overlap(span, box))
        return worst

    best, best_kept = None, PARTED_KEEP
    for step in range(11):
        middle = top + (bottom - top) * step / 10
        cut = _trimmed(parts, upper, spans, middle - PARTED_GAP / 2, above=True)
        cut.update(_trimmed(parts, lower, spans, middle + PARTED_GAP / 2, above=False))
        if all(b - t > 0 for t, b in cut.values()) and (keeps := kept(cut)) >= best_kept:
            best, best_kept = cut, keeps
    return best


def _trimmed(parts: list[Piece], group: list[int], spans, middle: float, above: bool) -> dict:
    """The spans of a unit's words cut at `middle`: below it for the unit above (`above`),
    above it for the unit below; words that do not reach past it are left out."""
    cut = {}
    for n in group:
        for k, (t, b) in enumerate(spans[n]):
            if above and b > middle:
                cut[(n, k)] = (t, middle)
            elif not above and t < middle:
                cut[(n, k)] = (middle, b)
    return cut


def _within_reach(boxes: list[Box], runs: list[tuple[int, int, int]], sizes: list[float],
                  unit_of: dict[int, int], k: int, j: int) -> bool:
    """Whether run j can pull run k's words into one line with its own, or they its: runs of
    one unit, or runs less than ACROSS font sizes (the larger) apart across (see `placements`)."""
    n, m = runs[k][0], runs[j][0]
    larger = max(sizes[n], sizes[m])
    return j != k and (unit_of[n] == unit_of[m]
                       or max(boxes[j][0] - boxes[k][2], boxes[k][0] - boxes[j][2]) < ACROSS * larger)


def _strays(parts: list[Piece], runs: list[tuple[int, int, int]], centres: list[float], sizes: list[float],
            unit_of: dict[int, int]) -> list[float]:
    """Per run (piece, start, end), how far its words' baselines may stray from its centre
    (see `placements`)."""
    boxes = [enclosing_box(parts[n].boxes[a:b]) for n, a, b in runs]
    result = []
    for k, (n, _, _) in enumerate(runs):
        stray = LINE_SPREAD * sizes[n] / 2
        for j, (m, _, _) in enumerate(runs):
            if _within_reach(boxes, runs, sizes, unit_of, k, j):
                stray = min(stray, (abs(centres[j] - centres[k]) - APART * max(sizes[n], sizes[m])) / 2)
        result.append(stray)
    return result


def _strayed(piece: Piece, a: int, b: int, own: list[tuple[float, float]], centre: float, stray: float,
             descent: float, first_bins: int = FIRST_BINS) -> list[tuple[float, float]]:
    """(box height, baseline) of the words a..b of a piece, each on its own baseline (`own`)
    held within `stray` of `centre`, with the box height that fits it best there; or the
    run's level line where that fits the words' boxes better."""
    boxes = piece.boxes[a:b]
    level = piece.metrics[a]
    placed = []
    for (_, top, _, bottom), (height, baseline) in zip(boxes, own):
        baseline = centre + max(-stray, min(stray, baseline - centre))
        placed.append((_best_height(top, bottom, baseline, descent, height, level[0]), baseline))
    if abs(level[1] - centre) <= stray and _cover([level] * (b - a), boxes, descent) > _cover(placed, boxes, descent):
        return [level] * (b - a)
    # poppler sorts the words it has left into bins of baselines POOL_STEP high and starts a
    # line (or a block) at the leftmost word of the first few bins from the highest down,
    # taking in the words within half a font size of that word's baseline (the run's band,
    # LINE_SPREAD, lies inside). Which bins it looks at depends on the rest of the page; a
    # first word in the same bin as the run's highest word is in every such window that holds
    # any word of the run, so it starts the line: there each word keeps its own baseline. A
    # first word a bin or two lower is in most such windows (poppler looks at the first four
    # bins from the highest word left on the page), so it keeps its own baseline within
    # `first_bins` bins too; where the page's other lines make poppler start the line at its
    # second word, the writer reads that back and lays the page out with first_bins 1
    first = placed[0][1]
    highest = min(y for _, y in placed)
    shared = POOL_STEP * (math.floor(highest / POOL_STEP) + first_bins) - BIN_MARGIN  # lowest baseline kept
    if first <= shared:
        return placed
    # otherwise a word set higher would start the line without the words to its left, so
    # the first word goes into the highest's bin, or (where that covers the boxes better: a
    # list's dash, far shorter than the words, lifted off its box) no word goes higher than
    # the first
    raised = [(placed[0][0], shared)] + placed[1:]
    held = placed[:1] + [(height, baseline) if baseline >= first else
                         (_best_height(top, bottom, first, descent, bottom - top, level[0]), first)
                         for (_, top, _, bottom), (height, baseline) in zip(boxes[1:], placed[1:])]
    return held if _cover(held, boxes, descent) > _cover(raised, boxes, descent) else raised


def _span(height: float, baseline: float, descent: float) -> tuple[float, float]:
    """(top, bottom) of a word's box as set: `height` high, `descent` of it below `baseline`."""
    return baseline - (1 - descent) * height, baseline + descent * height


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Intersection over union of two spans."""
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _best_height(top: float, bottom: float, baseline: float, descent: float, own: float, tallest: float) -> float:
    """The box height that, set on `baseline`, overlaps the word's box (`top`..`bottom`) the
    most: its own height where the baseline is its own, else one reaching up or down to the
    box's far edge (a taller box still holds the word when the line is held off it), no
    taller than `tallest` (the run's level height: taller boxes would move the blocks poppler
    orders) unless the word's own box is."""
    reach_up = (baseline - top) / (1 - descent)
    reach_down = (bottom - baseline) / descent
    candidates = [own] + [min(h, max(own, tallest)) for h in (reach_up, reach_down) if h > 0]
    return max(candidates, key=lambda h: (_overlap(_span(h, baseline, descent), (top, bottom)), -h))


def _cover(placed: list[tuple[float, float]], boxes, descent: float) -> tuple[int, float]:
    """How well words set at `placed` (height, baseline) cover their boxes: the count with
    an overlap of at least a half, and the total overlap."""
    overlaps = [_overlap(_span(h, y, descent), (box[1], box[3])) for (h, y), box in zip(placed, boxes)]
    return sum(o >= 0.5 for o in overlaps), sum(overlaps)


def _spaced(piece: Piece, size: float) -> list[tuple[float, float]]:
    """Each word's (left, right) as set: its box's, except where two words touch or stand
    closer than extractors need to see a space between them (MIN_GAP box heights; RAW_SPACE
    font sizes for poppler's -raw): both give up an equal share, each at most a quarter of its
    width, so a word keeps at least half its box."""
    spans = [[box[0], box[2]] for box in piece.boxes]
    for k in range(len(spans) - 1):
        need = max(MIN_GAP * piece.metrics[k][0], RAW_SPACE * size) - (spans[k + 1][0] - spans[k][1])
        if need > 0:
            left = min(need / 2, (piece.boxes[k][2] - piece.boxes[k][0]) / 4)
            right = min(need - left, (piece.boxes[k + 1][2] - piece.boxes[k + 1][0]) / 4)
            spans[k][1] -= left
            spans[k + 1][0] += right
    return [(left, right) for left, right in spans]


def _runs(boxes: list[Box], gap: float = 2.0) -> list[tuple[int, int]]:
    """(start, end) of the runs of a line's words separated by more than `gap` word heights:
    the two columns of a letterhead set on one line, each at its own height."""
    height = _median([b[3] - b[1] for b in boxes]) if boxes else 0.0
    runs, start = [], 0
    for k in range(1, len(boxes)):
        if boxes[k][0] - boxes[k - 1][2] > gap * height:
            runs.append((start, k))
            start = k
    return runs + [(start, len(boxes))] if boxes else []


def line_metrics(spans: list[tuple[float, float]], descent: float) -> tuple[float, float]:
    """One box height and baseline for a whole line, as (height, baseline), from the words'
    (top, bottom) spans; `descent` is the share of the box below the baseline.

    Text extractors keep words on one line only when they share size and baseline; words of
    different sizes are split into separate lines and read out of order. Of the spans the
    words suggest (each word's own, and tops and bottoms taken from the line's spread), the
    one that covers the most words' boxes well (intersection over union >= 0.5, ties to the
    larger total overlap) is taken."""
    # a word alone (a table cell's) has its own span as the only candidate
    top, bottom = spans[0] if len(spans) == 1 else _best_covering_span(spans)
    size = max(bottom - top, 0.5)
    return size, bottom - descent * size


def _best_covering_span(spans: list[tuple[float, float]]) -> tuple[float, float]:
    """`line_metrics`' choice of (top, bottom) among the spans the words suggest, compared in
    float64 (the layer's boxes are Python floats, fractions of the page)."""
    tops = sorted(t for t, _ in spans)
    bottoms = sorted(b for _, b in spans)
    spread = [int(q * (len(spans) - 1)) for q in (0.1, 0.3, 0.5, 0.7, 0.9)]
    candidates = sorted(set(spans) | {(tops[i], bottoms[j]) for i in spread for j in spread if bottoms[j] > tops[i]})
    # every candidate against every word at once (a line of 20 words has 45 candidates); the
    # running sum adds each word's overlap in the words' order, as a loop over them would
    word_tops, word_bottoms = (np.array(v, dtype=np.float64)[None, :] for v in zip(*spans))
    cand_tops, cand_bottoms = (np.array(v, dtype=np.float64)[:, None] for v in zip(*candidates))
    inter = np.maximum(0.0, np.minimum(word_bottoms, cand_bottoms) - np.maximum(word_tops, cand_tops))
    union = np.maximum(word_bottoms, cand_bottoms) - np.minimum(word_tops, cand_tops)
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    good = (iou >= 0.5).sum(axis=1).tolist()
    total = np.cumsum(iou, axis=1)[:, -1].tolist()
    _, top, bottom = max(((good[k], total[k]), t, b) for k, (t, b) in enumerate(candidates))
    return top, bottom


def upright_box(box: Box, rotation: int) -> Box:
    """A box in fractions of the original page, turned as the page was turned upright."""
    left, top, right, bottom = box
    if rotation == 90:
        return 1 - bottom, left, 1 - top, right
    if rotation == 180:
        return 1 - right, 1 - bottom, 1 - left, 1 - top
    if rotation == 270:
        return top, 1 - right, bottom, 1 - left
    return box


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0
