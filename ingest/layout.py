"""Reading order and paragraphs for Vietnamese official layouts, from OCR words and geometry.

The OCR engine's own blocks are not trusted for order: Tesseract sometimes merges the two
header columns into one line or reads the signature block before 'Nơi nhận'. Instead:

1. words → lines (the engine's line ids), and each line is cut where a wide horizontal gap
   separates two columns (`segments`);
2. page numbers (a short number alone in the top/bottom margin) and speck noise are set
   aside, not spliced into sentences;
3. segments are read top to bottom; a run of segments that sits side by side in exactly two
   columns (the header: agency | national motto; the closing: 'Nơi nhận' | signer) is read
   left column first, then right, one line per paragraph; runs with three or more columns
   (tables) are read row by row, cells joined by ' | ';
4. full-width lines are joined into paragraphs, breaking at a first-line indent, a short
   previous line ending a sentence, a list marker, a larger vertical gap, or a centred line (titles); line-end hyphens inside a word are undone.

`lay_out(words, width, height)` returns `PageLayout(blocks, page_label, dropped)`.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from sohoa.ingest.geometry import Grid, broken_boxes, stamp_sized, table_grids
from sohoa.ingest.records import Annotation, OcrWord, Rules, enclosing_box

PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?$", re.IGNORECASE)
# a list item's opening: a dash (the OCR reads a printed en dash as an em dash too), a bullet, a
# number or letter
LIST_MARKER = re.compile(r"^(?:[-–—•+*]\s|[a-zđ]\)\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[IVXLC]{1,5}[.)]\s|[A-Z][.)]\s)")
WORD_GAP = 1.5  # widest gap between two words of one line, in text heights (justified lines)
SUBJECT = re.compile(r"^(?:V/v|V/V|Về việc)\b")
# the lines that open a row of the official header: the document number and the place and date
HEADER_ROW_START = re.compile(r"^(?:Số\s*[:.;]|So\s*:)|^[^\d,]{2,40},\s*ngày", re.IGNORECASE)
# the closing's list of recipients ('Nơi nhận:'; OCR may lose a mark or two, or misread the
# italic 'N' before the colon: 'Wơi nhận:', 'Xới nhận:', ':Vơi nhận:')
RECIPIENTS = re.compile(r"^(?:N[ơoó]i\s*nh[ậaâấ]n\b|\W{0,2}\w{0,2}[ơớờoóô]i\s*nh[ậaâấ]n\s*:)", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.:;!?…)”\"]$")


@dataclass(frozen=True)
class Segment:
    """Part of one OCR line between column gaps: word indices and their box."""

    words: tuple[int, ...]
    bbox: tuple[int, int, int, int]
    text: str

    @property
    def x0(self) -> int:
        return self.bbox[0]

    @property
    def x1(self) -> int:
        return self.bbox[2]

    @property
    def y0(self) -> int:
        return self.bbox[1]

    @property
    def y1(self) -> int:
        return self.bbox[3]

    @property
    def height(self) -> int:
        return self.bbox[3] - self.bbox[1]

    @property
    def centre(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2


@dataclass(frozen=True)
class TextBlock:
    """One paragraph (or header/closing line, or table row) in reading order.

    `words` are indices into the page's word list, in text order; `spans[k]` is where word k
    sits in `text` (start, end), so later stages can map changes back to words.
    """

    role: str  # 'body' | 'column' | 'table' | 'centred'
    words: tuple[int, ...]
    text: str
    spans: tuple[tuple[int, int], ...]
    lines: tuple[int, ...]  # for each word, its line number in page reading order


@dataclass(frozen=True)
class PageLayout:
    blocks: tuple[TextBlock, ...]
    page_label: str = ""  # the page number as printed, when found
    dropped: tuple[int, ...] = ()  # word indices set aside (page number, specks, stamps, marks)
    annotations: tuple[Annotation, ...] = ()  # received stamps, signature marks: not body text

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks)


# ------------------------------------------------------------------ lines and segments
def _is_speck(word: OcrWord, median_height: float) -> bool:
    """Noise read as text: tiny, unconfident, no letter or digit."""
    text = word.text
    has_alnum = any(ch.isalnum() for ch in text)
    height = word.bbox[3] - word.bbox[1]
    width = word.bbox[2] - word.bbox[0]
    if not has_alnum and text.strip("-–—") and max(width, height) < 0.35 * median_height:
        return True  # a lone dot or colon the size of a speck (dashes are real: list markers)
    if has_alnum and height < 0.25 * median_height:
        return True  # no letter or digit is this flat: a phantom read off an erased rule's edge
    small = height < 0.45 * median_height
    return (not has_alnum and word.conf < 40) or (small and word.conf < 30 and len(text) <= 2)


def segments(words: list[OcrWord], keep: list[int], gap_factor: float = 2.5) -> list[Segment]:
    """Group kept words into engine lines, then cut a line wherever the gap between two
    neighbouring words exceeds `gap_factor` times the line's height (a column gutter)."""
    by_line: dict[tuple[int, int, int], list[int]] = {}
    for i in keep:
        w = words[i]
        by_line.setdefault((w.block, w.par, w.line), []).append(i)
    result: list[Segment] = []
    for indices in (row for line in by_line.values() for row in physical_rows(words, line)):
        indices.sort(key=lambda i: words[i].bbox[0])
        heights = [words[i].bbox[3] - words[i].bbox[1] for i in indices]
        line_height = statistics.median(heights)
        current = [indices[0]]
        for prev, nxt in zip(indices, indices[1:]):
            gap = words[nxt].bbox[0] - words[prev].bbox[2]
            if gap > gap_factor * line_height:
                result.append(_segment(words, current))
                current = []
            current.append(nxt)
        result.append(_segment(words, current))
    return _split_at_motto(words, _join_split_lines(words, result))


def _split_at_motto(words: list[OcrWord], segs: list[Segment]) -> list[Segment]:
    """Cut a line where the national motto starts ('CỘNG HÒA XÃ HỘI …' opens the right column of
    every official header): a narrow header gutter can leave it one line with the agency."""
    result = []
    for seg in segs:
        texts = [words[i].text for i in seg.words]  # the motto is printed in capitals; 'nước Cộng hòa' is prose
        cut = next((k for k in range(1, len(texts) - 2)
                    if texts[k] == "CỘNG" and texts[k + 1] in ("HÒA", "HOÀ") and texts[k + 2] == "XÃ"), None)
        if cut is None:
            result.append(seg)
        else:
            result += [_segment(words, list(seg.words[:cut])), _segment(words, list(seg.words[cut:]))]
    return result


def physical_rows(words: list[OcrWord], indices: list[int]) -> list[list[int]]:
    """The words at `indices` (one engine line, or a whole page) grouped into printed rows.

    On skewed or tightly set scans Tesseract sometimes gives two printed lines one line id;
    read left to right, their words would interleave. Words whose vertical centres lie more
    than half a text height (the median word height: a tall seal scrap does not stretch it)
    apart are on different rows."""
    if len(indices) < 2:
        return [indices]
    centre = {i: (words[i].bbox[1] + words[i].bbox[3]) / 2 for i in indices}
    height = statistics.median(words[i].bbox[3] - words[i].bbox[1] for i in indices)
    ordered = sorted(indices, key=centre.__getitem__)
    rows = [[ordered[0]]]
    for prev, nxt in zip(ordered, ordered[1:]):
        if centre[nxt] - centre[prev] > 0.5 * height:
            rows.append([])
        rows[-1].append(nxt)
    return rows


def _word_height(words: list[OcrWord], seg: Segment) -> float:
    return statistics.median(words[i].bbox[3] - words[i].bbox[1] for i in seg.words)


def _join_split_lines(words: list[OcrWord], segs: list[Segment]) -> list[Segment]:
    """Join segments that the engine gave different line ids although they sit on one text row
    with no more than a word gap (`WORD_GAP` text heights; a justified line's widest) between them.

    On real scans Tesseract's page segmentation sometimes cuts a justified line in two blocks
    (a wide word gap, a seal's edge); read as two columns, the second half of a paragraph came
    before its first line. A column gutter is wider than `segments`' gap factor; anything
    narrower is a word gap, whatever the engine's line ids say. Taken from left to right, each
    segment joins the first one to its left it continues."""
    joined: list[Segment] = []
    for seg in sorted(segs, key=lambda s: (s.x0, s.y0)):
        for k, left in enumerate(joined):
            if _continues_line(words, left, seg):
                joined[k] = _segment(words, sorted(left.words + seg.words, key=lambda i: words[i].bbox[0]))
                break
        else:
            joined.append(seg)
    return joined


def _continues_line(words: list[OcrWord], left: Segment, right: Segment) -> bool:
    height = min(left.height, right.height)
    same_row = min(left.y1, right.y1) - max(left.y0, right.y0) > 0.5 * height
    gap = right.x0 - left.x1
    text_height = min(_word_height(words, left), _word_height(words, right))
    return same_row and -0.5 * height <= gap <= WORD_GAP * text_height and max(left.height, right.height) < 2.5 * height


def _segment(words: list[OcrWord], indices: list[int]) -> Segment:
    return Segment(tuple(indices), enclosing_box(words[i].bbox for i in indices),
                   " ".join(words[i].text for i in indices))


# ------------------------------------------------------------------ stamps and marks
RECEIVED_STAMP = re.compile(r"^(?:ĐẾN|Đến|ĐÊN|DEN|Giờ|Ngày|Chuyển|CÔNG\s*VĂN|Số)\b", re.IGNORECASE)


_ARRIVED = {"đến", "đên", "den"}  # the stamp's own 'ĐẾN' among RECEIVED_STAMP's words, as read


def _received_stamp_words(texts: list[str]) -> bool:
    """Whether a small box's words are a received stamp's: its 'ĐẾN', or two of its other
    words ('Số', 'Ngày', 'Giờ', 'Chuyển'); one 'Số' or 'Ngày' alone heads a small table's column
    as well."""
    found = {m.group().lower() for m in map(RECEIVED_STAMP.match, texts) if m}
    return bool(found & _ARRIVED) or len(found) >= 2


STAMP_FRAME_REACH = 0.03
"""How far apart (a share of the page's width) the printed pieces of a worn stamp's frame may
end and still outline one box."""


def _received_stamps(words: list[OcrWord], grids: list[Grid], width: int, height: int,
                     dropped: set[int], rules: Rules | None = None) -> tuple[list[Grid], list[int], list[Annotation]]:
    """(the grids that are tables, the words of received stamps, the stamps).

    A received stamp ('ĐẾN / Số: … / Ngày: … / Chuyển: …', filled in by hand) is a small ruled
    box, narrower than a third of the page and shorter than a tenth of it, in which a line
    opens with the stamp's own words. A table is wider or taller, and never opens so. A stamp
    printed faintly outlines its box with rules that do not meet (`geometry.broken_boxes`):
    such a box, outside every grid, is a stamp on the same terms, and never a table. A box of
    that size whose words the engine could not make out (`_unreadable`) is a stamp too."""
    tables, stamp_words, stamps = [], [], []

    def stamp(box: tuple[int, int, int, int]) -> bool:
        inside = [i for i, w in enumerate(words) if i not in dropped and _mostly_inside(w.bbox, box)]
        texts = [words[i].text for i in sorted(inside, key=lambda i: (words[i].bbox[1], words[i].bbox[0]))]
        if not stamp_sized(box, width, height):
            return False
        if _received_stamp_words(texts):
            kind = "received-stamp"
        elif _unreadable([words[i] for i in inside]):
            kind = "stamp"  # a stamp whose words the engine could not make out ('CỔN9 … eemnbinnni')
        else:
            return False
        stamp_words.extend(inside)
        stamps.append(Annotation(kind, box, " ".join(texts)))
        return True

    for grid in grids:
        if not stamp((grid.x0, grid.y0, grid.x1, grid.y1)):
            tables.append(grid)
    if rules is not None:
        for box in broken_boxes(rules, STAMP_FRAME_REACH * width):
            if not any(g.x0 <= box[2] and box[0] <= g.x1 and g.y0 <= box[3] and box[1] <= g.y1 for g in grids):
                stamp(box)
    return tables, stamp_words, stamps


UNREADABLE_CONF = 50
"""A small ruled box whose words the engine read with a median confidence below this is a
stamp or a logo, not a table: a table's cells are printed text the engine reads surely."""


def _unreadable(words: list[OcrWord]) -> bool:
    """Whether the words of a small ruled box are mostly ones the engine could not make out:
    two words at least, and of two, both (a stamp read as a box-wide scrap and one more, 'u
    NGA'); a box with one doubtful word is left to the table reader."""
    confs = sorted(w.conf for w in words)
    return len(confs) >= 2 and confs[len(confs) // 2] < UNREADABLE_CONF


def _mostly_inside(word: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether most of a word's box lies in `box`: a word of the text that a stamp's frame
    touches ('Trong' under its edge) is the text's, not the stamp's."""
    w = max(0, min(word[2], box[2]) - max(word[0], box[0])) * max(0, min(word[3], box[3]) - max(word[1], box[1]))
    return w > 0.5 * max(1, (word[2] - word[0]) * (word[3] - word[1]))


SEPARATOR = re.compile(r"^[-–—_=*.·\s]{3,}$")
DRAWN_RULE = re.compile(r"^[-–—_=~]{2,}$")
"""a short rule drawn under a heading, read as dashes ('—=' under 'THỦ TƯỚNG CHÍNH PHỦ')"""
_PLAIN_TOKEN = re.compile(r"^[\W_]*([^\W\d_]+)[\W_]*$")


def _legible(word: OcrWord, median_height: float) -> bool:
    """A word read surely at text size that spells a Vietnamese syllable of two letters or more."""
    from sohoa.diacritics.syllables import is_syllable

    plain = _PLAIN_TOKEN.match(word.text)
    return (word.conf >= 90 and word.bbox[3] - word.bbox[1] <= 1.5 * median_height and plain is not None
            and len(plain.group(1)) >= 2 and is_syllable(plain.group(1)))


FLAT = 0.3
"""Height, in the page's median word height, at or under which a segment that holds a letter or
only accent-like symbols is a mark: a letter of the text, a footnote's included, stands taller.
(Dots, dashes and underscores alone are judged as separators, below.)"""
ACCENT_LIKE = set("^~`´'ˆ˜")


def _is_mark(words: list[OcrWord], seg: Segment, median_height: float) -> bool:
    """A signature, a seal's ring or a scribble read as text: strokes far taller than the page's
    text, a lone scrap of punctuation, or a lone scrap of one or two characters the engine doubts
    that is no Vietnamese syllable ('SN', 'L4', '—\\LauL———') or a single letter ('À')."""
    from sohoa.diacritics.syllables import is_syllable

    heights = [words[i].bbox[3] - words[i].bbox[1] for i in seg.words]
    confs = [words[i].conf for i in seg.words]
    if max(heights) <= FLAT * median_height and (any(ch.isalpha() for ch in seg.text)
                                                 or set(seg.text.replace(" ", "")) <= ACCENT_LIKE):
        return True  # accents of a tightly set line read on their own ('_uan', '^', '~'): no letter is this flat
    if len(seg.words) <= 2 and max(heights) > 2.0 * median_height and min(confs) < 90 \
            and not any(_legible(words[i], median_height) for i in seg.words):
        return True  # (a tall box beside a word read clearly is a letter whose box ran long: 'Nơi nhận:')
    alnum = sum(ch.isalnum() for ch in seg.text)
    if alnum == 0:  # punctuation alone: a doubtful stroke, or a typed separator ('-----*-----')
        return min(confs) < 60 or bool(SEPARATOR.match(seg.text)) or bool(DRAWN_RULE.match(seg.text.replace(" ", "")))
    if len(seg.words) == 1 and alnum == 1 and seg.text.strip(".,;:-–").isalpha() \
            and (confs[0] < 90 or heights[0] < 0.7 * median_height):
        return True  # one letter alone, doubtful or undersized: a stroke of a signature ('À')
    if len(seg.words) == 1 and alnum <= 2 and any(ch.isalpha() for ch in seg.text) and confs[0] < 90:
        plain = _PLAIN_TOKEN.match(seg.text)
        too_small = heights[0] < 0.7 * median_height
        return plain is None or not is_syllable(plain.group(1)) or too_small
    return False


READ_TWICE_OVERLAP = 0.4
"""Share of a word's width over another word of the same row, at least, for the two to be one
piece of ink (with the one's letters in the other's: `_read_twice`)."""


def plain_letters(text: str) -> str:
    """A word's letters without their marks, in small letters, without the punctuation around
    them: what two readings of one piece of ink share ('“phố' and 'phố', 'Quy' and 'Quyết')."""
    from sohoa.diacritics.syllables import strip_marks

    return strip_marks(text.lower()).strip(".,;:!?()[]\"'“”„/-")


def _read_twice(words: list[OcrWord], seg: Segment, segs: list[Segment]) -> bool:
    """Whether the engine read this segment's ink a second time, as a line of its own over a
    line of the text: each of its words lies over a word of a longer segment of the same row
    (READ_TWICE_OVERLAP of its width, half its height) whose letters hold its own ('Quy' over
    'Quyết' beside a scribbled initial). Two lines of text never overlap so; the longer line is
    the text's reading."""
    others = [t for t in segs if t is not seg and len(t.words) > len(seg.words) and _overlaps_vertically(seg, t)]
    if not others:
        return False
    for i in seg.words:
        word, letters = words[i].bbox, plain_letters(words[i].text)
        if not letters:
            return False
        covered = False
        for j in (j for t in others for j in t.words):
            other = words[j].bbox
            x = min(word[2], other[2]) - max(word[0], other[0])
            y = min(word[3], other[3]) - max(word[1], other[1])
            if x >= READ_TWICE_OVERLAP * (word[2] - word[0]) and y >= 0.5 * min(word[3] - word[1], other[3] - other[1]) \
                    and letters in plain_letters(words[j].text):
                covered = True
                break
        if not covered:
            return False
    return True


# ------------------------------------------------------------------ page numbers
def find_page_number(segs: list[Segment], height: int, margin: float = 0.09) -> Segment | None:
    """A short number standing alone in the top or bottom margin band."""
    candidates = [s for s in segs
                  if (s.y1 < height * margin or s.y0 > height * (1 - margin)) and PAGE_NUMBER.match(s.text.strip())]
    if not candidates:
        return None
    # the one nearest a page edge
    return min(candidates, key=lambda s: min(s.y0, height - s.y1))


# ------------------------------------------------------------------ reading order
def _overlaps_vertically(a: Segment, b: Segment) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.3 * min(a.height, b.height)


def _side_by_side(a: Segment, b: Segment) -> bool:
    """Two segments on one text row, next to each other: their heights overlap and their
    widths do not. Consecutive lines of a paragraph overlap in width, and on a scan their
    boxes (tone marks stacked above, descenders below, a trace of skew) can overlap in height
    too: they are one above the other, never side by side."""
    x_overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return _overlaps_vertically(a, b) and x_overlap <= 0.1 * min(a.x1 - a.x0, b.x1 - b.x0)


def _column_count(segs: list[Segment], width: int) -> int:
    """How many columns the side-by-side segments of a run form (by clustering their x-starts)."""
    starts = sorted(s.x0 for s in segs)
    columns = 1
    for a, b in zip(starts, starts[1:]):
        if b - a > 0.12 * width:
            columns += 1
    return columns


def _runs(segs: list[Segment]) -> list[list[Segment]]:
    """Split segments (sorted top-down) into runs: a multi-column run is a maximal group
    where some segment has a side-by-side neighbour on the same text row."""
    rows = _mend_holed_lines(_rows(segs))
    runs: list[list[Segment]] = []
    kinds: list[bool] = []
    for row in rows:
        multi = len(row) > 1
        if runs and multi == kinds[-1]:
            runs[-1].extend(row)
        elif runs and not multi and kinds[-1] and _continues_column(row[0], runs[-1]):
            runs[-1].append(row[0])  # a column line whose neighbour row is empty (e.g. 'Số: ...')
        else:
            runs.append(list(row))
            kinds.append(multi)
    return [run for run in runs]


def _is_table(run: list[Segment]) -> bool:
    """A run of side-by-side text is a table (rows of cells joined by ' | ') only when at least
    two of its rows hold three pieces or more; a stray scrap beside a two-column header or
    closing adds a third column start on one row, never on two."""
    return sum(1 for row in _rows(run) if len(row) >= 3) >= 2


def _mend_holed_lines(rows: list[list[Segment]]) -> list[list[Segment]]:
    """One line of a paragraph with a hole in it (a seal, a blot, a scrap set aside as a mark,
    a blank left for a number or a date) is not two columns: a row of side-by-side pieces
    between two single lines that each span the gap is read as one line, and so is one next to
    a single line that spans the gap where the pieces fill that line's width (`_fills_line`):
    under it (the paragraph's short last line below), or over it as a paragraph's first line,
    indented. A header row ('Số: …', '…, ngày …') is never a line of a paragraph."""
    mended = list(rows)
    for k, row in enumerate(rows):
        if len(row) < 2:
            continue
        pieces = sorted(row, key=lambda s: s.x0)
        above = rows[k - 1][0] if k and len(rows[k - 1]) == 1 else None
        below = rows[k + 1][0] if k + 1 < len(rows) and len(rows[k + 1]) == 1 else None
        above, below = (line if line is not None and line.x0 <= pieces[0].x1 and line.x1 >= pieces[-1].x0 else None
                        for line in (above, below))
        header = HEADER_ROW_START.match(pieces[0].text) is not None
        if (above and below) or _form_row(pieces, rows[max(k - 1, 0):k] + rows[k + 1:k + 2]) or not header and (
                above and _fills_line(pieces, above) or below and _fills_line(pieces, below, FIRST_LINE_INDENT)):
            bbox = (min(s.x0 for s in pieces), min(s.y0 for s in pieces), max(s.x1 for s in pieces),
                    max(s.y1 for s in pieces))
            mended[k] = [Segment(tuple(i for s in pieces for i in s.words), bbox, " ".join(s.text for s in pieces))]
    return mended


# a form's blank after its label, as OCR reads it: dots or underscores (what was written over
# the blank leaves two of them after a word at least)
FILL_IN = re.compile(r"\w[.…_]{2,}|[.…_]{3,}")
# a form row's opening: a list marker or none, a short label and its blank, glued to the label or
# after its colon ('Sinh năm........', '2. Quê quán: ........'); a sentence's blank ('của Ủy ban
# nhân dân xã ... có') and a recipient ('- Lưu: VT, .....') open no form row
FORM_LABEL = re.compile(r"^(?:[-–—•+*]\s*|\d{1,2}[.)]\s*|[a-zđ]\)\s*)?([^\W\d_])[^.…_:;]{0,48}?(?:\w[.…_]{2,}|:\s*[.…_]{3,})")


def _form_row(pieces: list[Segment], neighbours: list[list[Segment]]) -> bool:
    """A row of a form: a label, its blank and what was written in it ('Sinh năm........ 1960'),
    and beside it the next label of that row or the rest of what was written ('Dân tộc.......',
    'khẩu'): the row opens with a label and its blank (`FORM_LABEL`), every piece between holds
    a blank, and so does a row less than a line's height above or below (a form's rows come in
    runs; a list item that ends in an ellipsis or 'v.v..' beside a column is no form, nor is a
    signature's heading set off below the form). Columns set in capitals (a letterhead's agency,
    whose unread end OCR may give as dots, and the motto beside it) are none either; the
    header's number and date rows hold blanks, and are never mended (`HEADER_ROW_START`)."""
    if any(HEADER_ROW_START.match(piece.text) or _in_capitals(piece.text) for piece in pieces) \
            or not FORM_LABEL.match(pieces[0].text) or not all(FILL_IN.search(piece.text) for piece in pieces[1:-1]):
        return False
    top, bottom, height = min(p.y0 for p in pieces), max(p.y1 for p in pieces), max(p.height for p in pieces)
    return any(FILL_IN.search(seg.text) and max(seg.y0 - bottom, top - seg.y1) < height
               for row in neighbours for seg in row)


FIRST_LINE_INDENT = 0.1
"""How far in, as a share of the line under it, a paragraph's first line may start."""


def _fills_line(pieces: list[Segment], line: Segment, indent: float = 0.0) -> bool:
    """Pieces of one row that are a full line of `line`'s paragraph with a hole in it (a blank
    left for the date: '… thông qua ngày' | 'tháng … năm 2025 và …'): they end where `line`
    ends, start no further in than it (but for `indent` of its width: a first line), and every
    hole is narrower than the pieces beside it. Two columns next to a line (the recipients and
    the signer's title, two signers) leave a hole wider than their pieces."""
    height = max(s.height for s in pieces)
    holes = [(b.x0 - a.x1, min(a.x1 - a.x0, b.x1 - b.x0)) for a, b in zip(pieces, pieces[1:])]
    return abs(pieces[-1].x1 - line.x1) <= height and pieces[0].x0 <= line.x0 + max(height, indent * (line.x1 - line.x0)) \
        and all(hole < width for hole, width in holes)


def _continues_column(seg: Segment, run: list[Segment]) -> bool:
    """A lone segment right under a two-column run that stays inside one of its columns: it
    ends before the right column starts (a list item under 'Nơi nhận' may run wider than the
    items beside the signer's title above it, past the middle of the gutter, and still be the
    list's next line), or starts past the middle of the gutter (not merely past the left
    column's end: a centred title under the header starts there). The subject under the
    number ('V/v …') is not: it is read whole, as the paragraph under the header, whatever the
    width of its lines."""
    if SUBJECT.match(seg.text):
        return False
    bottom = max(s.y1 for s in run)
    line_height = statistics.median(s.height for s in run)
    if seg.y0 - bottom > 2.5 * line_height:
        return False
    left_col, right_col = _split_columns(run)
    if not left_col or not right_col:
        return False
    right_start = min(s.x0 for s in right_col)
    return seg.x1 < right_start or seg.x0 > (max(s.x1 for s in left_col) + right_start) / 2


def _split_columns(run: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """Split a two-column run at the widest vertical gutter."""
    xs = sorted(run, key=lambda s: s.x0)
    best_gap, cut = -1.0, None
    for s in xs:
        left = [t for t in run if t.x1 <= s.x0 + 1]
        if not left:
            continue
        right = [t for t in run if t.x0 >= s.x0]
        if len(left) + len(right) != len(run):
            continue
        gap = s.x0 - max(t.x1 for t in left)
        if gap > best_gap:
            best_gap, cut = gap, s.x0
    if cut is None:
        middle = statistics.median(s.centre for s in run)
        return [s for s in run if s.centre < middle], [s for s in run if s.centre >= middle]
    return [s for s in run if s.x0 < cut], [s for s in run if s.x0 >= cut]


def _column_groups(column: list[Segment]) -> list[list[Segment]]:
    """A column's lines cut into groups at white space wider than a line's, and before the lines
    that open a header row whatever the spacing: the number ('Số: …'), the place and date
    ('Hà Nội, ngày …') and the subject ('V/v …'). The recipients ('Nơi nhận:' and the list
    under it) stay one group whatever the spacing of their lines: the signer's title beside
    them is read after the whole list, not between two of its items. Pieces of one text row
    of the column are read left to right ('Số:', a blank, '/2025/NQ-HĐND' set a little higher)."""
    column = [seg for row in _rows(column) for seg in sorted(row, key=lambda s: s.x0)]
    if not column:
        return []
    height = statistics.median(s.height for s in column)
    groups = [[column[0]]]
    for prev, seg in zip(column, column[1:]):
        recipients = RECIPIENTS.match(groups[-1][0].text) is not None
        if (seg.y0 - prev.y1 > 0.8 * height and not recipients) or SUBJECT.match(seg.text) \
                or HEADER_ROW_START.match(seg.text):
            groups.append([])
        groups[-1].append(seg)
    return groups


def _row_by_row(left: list[Segment], right: list[Segment]) -> list[list[Segment]]:
    """The groups of a two-column run in the order legal-text databases print them: row by row
    (agency, national motto; number, place and date; then the subject), left before right
    where two groups start on the same line."""
    groups = [(g, 0) for g in _column_groups(left)] + [(g, 1) for g in _column_groups(right)]
    if not groups:
        return []
    height = statistics.median(s.height for g, _ in groups for s in g)
    groups.sort(key=lambda item: (item[0][0].y0, item[1]))
    ordered: list[list[Segment]] = []
    pending = list(groups)
    while pending:
        top = min(item[0][0].y0 for item in pending)
        row = [item for item in pending if item[0][0].y0 <= top + 0.8 * height]
        row.sort(key=lambda item: item[1])
        ordered += [g for g, _ in row]
        pending = [item for item in pending if item not in row]
    return ordered


# ------------------------------------------------------------------ paragraphs
class _BlockBuilder:
    """Accumulates words into one paragraph's text, undoing line-end hyphens, with spans."""

    def __init__(self, words: list[OcrWord], role: str):
        self.words = words
        self.role = role
        self.text = ""
        self.indices: list[int] = []
        self.spans: list[tuple[int, int]] = []
        self.lines: list[int] = []

    def add_line(self, seg: Segment, line_no: int, joiner: str = " ") -> None:
        for n, i in enumerate(seg.words):
            token = self.words[i].text
            if not self.text:
                sep = ""
            elif n == 0:
                sep = joiner
                if joiner == " " and _ends_with_word_hyphen(self.text) and token[:1].islower():
                    # 'phát tri-' + 'ển' → 'phát triển': the hyphen only broke the word
                    self.text = self.text[:-1]
                    start, _ = self.spans[-1]
                    self.spans[-1] = (start, len(self.text))
                    sep = ""
                elif joiner == " " and _ends_with_word_hyphen(self.text):
                    sep = ""  # 'COVID-' + '19': keep the hyphen, no space
            else:
                sep = " "
            self.text += sep
            start = len(self.text)
            self.text += token
            self.indices.append(i)
            self.spans.append((start, len(self.text)))
            self.lines.append(line_no)

    def build(self) -> TextBlock:
        return TextBlock(self.role, tuple(self.indices), self.text, tuple(self.spans), tuple(self.lines))


def _ends_with_word_hyphen(text: str) -> bool:
    return len(text) >= 2 and text[-1] in "-­" and text[-2].isalpha()


def _in_capitals(text: str) -> bool:
    """A line in capitals: letters, at least a word's worth, none of them small."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and not any(ch.islower() for ch in letters)


def _paragraph_break(prev: Segment, seg: Segment, left: float, right: float, line_gap: float,
                     body_height: float) -> bool:
    width = right - left
    indent = seg.x0 - left
    if indent > 0.035 * width:  # first-line indent or centred line
        return True
    if prev.x0 - left > 0.15 * width and (right - prev.x1) > 0.15 * width:
        return True  # the previous line was centred (title)
    gap = seg.y0 - prev.y1
    if line_gap > 0 and gap > 1.6 * line_gap + 0.25 * body_height:
        return True
    if gap > 1.5 * body_height:  # a blank line's worth of space, whatever the usual spacing
        return True
    short_prev = right - prev.x1 > 0.08 * width
    if short_prev and SENTENCE_END.search(prev.text):
        return True
    if short_prev and _in_capitals(prev.text) and not _in_capitals(seg.text):
        return True  # a heading in capitals ends without a full stop ('II. KẾT QUẢ NĂM 2025'), its text follows
    if LIST_MARKER.match(seg.text) and (short_prev or SENTENCE_END.search(prev.text)):
        return True
    label = FORM_LABEL.match(seg.text)
    if label and label.group(1).isupper() and FORM_LABEL.match(prev.text):
        # two rows of a form, each opening with a label and its blank ('Sinh năm........',
        # '2. Quê quán: ........'); a sentence with blanks left in it ('Căn cứ Quyết định số
        # .../QĐ-UBND ngày ... tháng') has none after its first words
        return True
    return False


def lay_out(words: list[OcrWord], width: int, height: int, rules: Rules | None = None,
            grids: "tuple[Grid, ...] | None" = None) -> PageLayout:
    """Reading order and paragraphs of one page (see the module docstring).

    rules: ruled lines found on the page image; where they form a grid, the words inside are
    read as table rows (cells joined by ' | ') in their place in the page's flow. grids: those
    grids where the page's geometry holds them (`geometry.table_grids` of the rules).
    """
    if not words:
        return PageLayout(())
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words)
    median_height = heights[len(heights) // 2]
    dropped = [i for i, w in enumerate(words) if _is_speck(w, median_height)]
    dropped_set = set(dropped)
    grids = list(grids) if grids is not None else table_grids(rules) if rules is not None else []
    annotations: list[Annotation] = []
    grids, stamp_words, stamps = _received_stamps(words, grids, width, height, dropped_set, rules)
    dropped += stamp_words
    dropped_set.update(stamp_words)
    annotations += stamps
    in_grid: dict[int, int] = {}
    for i, w in enumerate(words):
        if i in dropped_set:
            continue
        cx, cy = (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2
        for g, grid in enumerate(grids):
            if grid.contains(cx, cy):
                in_grid[i] = g
                break
    keep = [i for i in range(len(words)) if i not in dropped_set and i not in in_grid]
    segs = []
    for seg in segments(words, keep):
        if all(words[i].conf < 20 for i in seg.words) or _is_mark(words, seg, median_height):
            dropped.extend(seg.words)  # scribble, seal residue: nothing legible
            annotations.append(Annotation("mark", seg.bbox, seg.text))
        else:
            segs.append(seg)
    for seg in [s for s in segs if _read_twice(words, s, segs)]:
        segs.remove(seg)
        dropped.extend(seg.words)
        annotations.append(Annotation("read-twice", seg.bbox, seg.text))
    label = ""
    number = find_page_number(segs, height)
    if number is not None:
        segs.remove(number)
        dropped.extend(number.words)
        label = re.sub(r"\D+", " ", number.text).strip().split(" ")[0]
    if not segs and not in_grid:
        return PageLayout((), label, tuple(sorted(dropped)), tuple(annotations))

    counter = [0]
    gutter = spread_gutter(segs, width, height) if not grids else None
    if gutter is None:
        blocks = _page_blocks(words, segs, grids, in_grid, width, counter)
    else:  # two pages side by side on one sheet: each read whole, the left one first
        blocks = _page_blocks(words, [s for s in segs if s.x1 <= gutter], [], {}, gutter, counter)
        blocks += _page_blocks(words, [s for s in segs if s.x0 >= gutter], [], {}, width - gutter, counter)
    return PageLayout(tuple(b for b in blocks if b.text), label, tuple(sorted(dropped)), tuple(annotations))


def _page_blocks(words: list[OcrWord], segs: list[Segment], grids: list[Grid], in_grid: dict[int, int], width: int,
                 counter: list[int]) -> list[TextBlock]:
    """The blocks of one page's text in reading order: the flow cut into bands above, between
    and below its ruled tables; `width` the page's (or, on a spread, one half's)."""
    geometry = segs or [_segment(words, list(in_grid))]
    single = [s for s in geometry if s.x1 - s.x0 > 0.5 * width] or geometry
    left = float(statistics.median(sorted(s.x0 for s in single)[: max(1, len(single) // 2)]))
    right = float(sorted(s.x1 for s in single)[int(len(single) * 0.9)])
    body_height = float(statistics.median(s.height for s in geometry))
    blocks: list[TextBlock] = []
    remaining = list(segs)
    for g, grid in sorted(enumerate(grids), key=lambda item: item[1].y0):
        above = [s for s in remaining if (s.y0 + s.y1) / 2 < grid.y0]
        remaining = [s for s in remaining if s not in above]
        blocks += _flow_blocks(words, above, width, left, right, body_height, counter)
        blocks += _grid_blocks(words, [i for i, k in in_grid.items() if k == g], grid, counter)
    blocks += _flow_blocks(words, remaining, width, left, right, body_height, counter)
    return blocks


SPREAD_MIN_LINES = 3
"""Full lines (wider than half the width of their page's text) each page of a spread must
hold: prose, which a table's cells are not."""


def spread_gutter(segs: list[Segment], width: int, height: int) -> float | None:
    """Where a landscape sheet that holds two pages side by side (an A3 spread of two A4 pages,
    a form folded in two) parts them: the middle of the widest white band in the middle
    two fifths of the sheet that no line crosses from top to bottom, when each side holds full
    lines of its own. None for any other page: a centred title, a line across the sheet or
    a table's cells with no prose lines on either side keep the sheet one page."""
    if width <= 1.2 * height or len(segs) < 2 * SPREAD_MIN_LINES:
        return None
    low, high = 0.3 * width, 0.7 * width
    covered = sorted((max(s.x0, low), min(s.x1, high)) for s in segs if s.x1 > low and s.x0 < high)
    best, gutter, cursor = 0.0, None, low
    for x0, x1 in covered + [(high, high)]:
        if x0 - cursor > best:
            best, gutter = x0 - cursor, (cursor + x0) / 2
        cursor = max(cursor, x1)
    if gutter is None or best < 0.02 * width:
        return None
    for side in ([s for s in segs if s.x1 <= gutter], [s for s in segs if s.x0 >= gutter]):
        extent = max((s.x1 for s in side), default=0) - min((s.x0 for s in side), default=0)
        if sum(1 for s in side if s.x1 - s.x0 > 0.5 * extent) < SPREAD_MIN_LINES:
            return None
    return gutter


def _flow_blocks(words: list[OcrWord], segs: list[Segment], width: int, left: float, right: float,
                 body_height: float, counter: list[int]) -> list[TextBlock]:
    blocks: list[TextBlock] = []
    if not segs:
        return blocks
    for run in _runs(segs):
        multi = any(_side_by_side(a, b) for a in run for b in run if a is not b)
        if multi and (_column_count(run, width) == 2 or not _is_table(run)):
            for group in _row_by_row(*_split_columns(run)):
                for seg in group:
                    builder = _BlockBuilder(words, "column")
                    builder.add_line(seg, counter[0])
                    counter[0] += 1
                    blocks.append(builder.build())
            continue
        if multi:
            for row in _rows(run):
                builder = _BlockBuilder(words, "table")
                for k, seg in enumerate(sorted(row, key=lambda s: s.x0)):
                    builder.add_line(seg, counter[0], joiner=" | " if k else " ")
                counter[0] += 1
                blocks.append(builder.build())
            continue
        run = sorted(run, key=lambda s: s.y0)
        gaps = [b.y0 - a.y1 for a, b in zip(run, run[1:]) if b.y0 > a.y1]
        line_gap = statistics.median(gaps) if gaps else 0.0
        builder: _BlockBuilder | None = None
        prev: Segment | None = None
        for seg in run:
            centred = seg.x0 - left > 0.15 * (right - left) and right - seg.x1 > 0.15 * (right - left)
            if builder is None or prev is None or _paragraph_break(prev, seg, left, right, line_gap, body_height):
                if builder is not None:
                    blocks.append(builder.build())
                builder = _BlockBuilder(words, "centred" if centred else "body")
            builder.add_line(seg, counter[0])
            counter[0] += 1
            prev = seg
        if builder is not None:
            blocks.append(builder.build())
    return blocks


# ------------------------------------------------------------------ ruled tables
def _grid_blocks(words: list[OcrWord], indices: list[int], grid: Grid, counter: list[int]) -> list[TextBlock]:
    """One block per table row: cells left to right (only the rules crossing that row split
    it, so merged cells stay whole), joined by ' | '; words in a cell in reading order."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i in indices:
        w = words[i]
        cells.setdefault(grid.cell_at((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2), []).append(i)
    blocks = []
    for row in sorted({r for r, _ in cells}):
        text, indices_out, spans, lines = "", [], [], []
        for column in sorted(c for r, c in cells if r == row):
            members = cells[(row, column)]
            if text:
                text += " | "
            for n, i in enumerate(_reading_sorted(words, members)):
                if n:
                    text += " "
                spans.append((len(text), len(text) + len(words[i].text)))
                text += words[i].text
                indices_out.append(i)
                lines.append(counter[0])
        counter[0] += 1
        blocks.append(TextBlock("table", tuple(indices_out), text, tuple(spans), tuple(lines)))
    return blocks


def _reading_sorted(words: list[OcrWord], indices: list[int]) -> list[int]:
    """Words of one cell: grouped into lines by vertical overlap, then left to right."""
    lines: list[list[int]] = []
    for i in sorted(indices, key=lambda i: words[i].bbox[1]):
        box = words[i].bbox
        for line in lines:
            ref = words[line[0]].bbox
            if min(box[3], ref[3]) - max(box[1], ref[1]) > 0.4 * min(box[3] - box[1], ref[3] - ref[1]):
                line.append(i)
                break
        else:
            lines.append([i])
    return [i for line in lines for i in sorted(line, key=lambda i: words[i].bbox[0])]


def _rows(run: list[Segment]) -> list[list[Segment]]:
    """Segments top down, cut into text rows: each row the segments side by side on one line."""
    rows: list[list[Segment]] = []
    for seg in sorted(run, key=lambda s: (s.y0, s.x0)):
        if rows and any(_overlaps_vertically(seg, other) for other in rows[-1]) \
                and all(_side_by_side(seg, other) for other in rows[-1]):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    return rows
