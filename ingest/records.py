"""Records of the ingest stages. Each is frozen and keyed by document and page, and pickles
cleanly so a page can travel to a worker process and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class WarningCode(str, Enum):
    """What kind of thing a warning reports: the stable code beside its readable message
    (pages.jsonl, manifest.jsonl: `warning_codes`). Decisions are taken on the code, never on
    the message's wording."""

    EMPTY_PAGE = "empty-page"  # no text was found on the page
    NOT_VIETNAMESE = "not-vietnamese"  # the text read has almost no Vietnamese diacritics
    TABLES_FAILED = "tables-failed"  # the table step failed on the page; its text stands
    PAGE_ENLARGED = "page-enlarged"  # text too small for OCR: the page was enlarged first
    RESOLUTION_ESTIMATED = "resolution-estimated"  # an implausible stored resolution was replaced
    LEGACY_ENCODING = "legacy-encoding"  # a text input was decoded from a legacy encoding
    INVALID_BYTES = "invalid-bytes"  # a UTF-8 text input's few invalid bytes were replaced by U+FFFD
    PAGE_FAILED = "page-failed"  # the page could not be processed (its error)
    ARCHIVAL_LEFT_OUT = "archival-left-out"  # an archival file could not be written and was left out
    NOT_PDFA = "not-pdfa"  # searchable.pdf was written, but it is not PDF/A


@dataclass(frozen=True)
class PageWarning:
    """Something noticed on a page that did not stop it: a code and a message for people."""

    code: WarningCode
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PageSource:
    """Where one page comes from: enough for a worker to fetch it on its own."""

    doc_id: str
    path: str
    kind: str  # 'pdf' | 'image'
    page: int  # 1-based
    dpi: int = 300


@dataclass(frozen=True)
class Rules:
    """Long ruled lines on a page: table grids, underlines. Boxes are (x0, y0, x1, y1)."""

    horizontal: tuple[tuple[int, int, int, int], ...] = ()
    vertical: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Grid:
    """A grid of crossing rules (`geometry.table_grids`): its box, the row separators (y) and
    the vertical rules (x, y0, y1). The reading order reads a table's rows by it, and the table
    step reads its cells inside it."""

    x0: int
    y0: int
    x1: int
    y1: int
    rows: tuple[int, ...]
    verticals: tuple[tuple[int, int, int], ...]

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def row_band(self, row: int) -> tuple[int, int]:
        """(top, bottom) of body row `row` (0: above the first separator)."""
        top = self.rows[row - 1] if row > 0 else self.y0
        bottom = self.rows[row] if row < len(self.rows) else self.y1
        return top, bottom

    def row_edges(self, row: int) -> list[int]:
        """The x of the vertical rules that cross row `row` (a merged cell has none inside)."""
        top, bottom = self.row_band(row)
        middle = (top + bottom) / 2
        return [x for x, vy0, vy1 in self.verticals if vy0 - 6 <= middle <= vy1 + 6]

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of the cell holding the point: its row between the separators, its
        column among the rules that cross that row."""
        row = sum(1 for ry in self.rows if ry < y)
        return row, sum(1 for rx in self.row_edges(row) if rx < x)

    def cells(self) -> list[tuple[tuple[int, int], tuple[int, int, int, int]]]:
        """Every cell closed by a rule on each side, row by row, left to right: its (row,
        column) as `cell_at` names it, and its box between its rules (x0, y0, x1, y1)."""
        found = []
        for row in range(len(self.rows) + 1):
            top, bottom = self.row_band(row)
            if bottom <= top:  # the frame's own rule: no band above or below it
                continue
            edges = sorted(self.row_edges(row))
            # the cell right of the k-th rule crossing the row is column k + 1 (`cell_at` counts
            # the rules left of a point, the frame's included)
            found += [((row, k + 1), (left, top, right, bottom))
                      for k, (left, right) in enumerate(zip(edges, edges[1:])) if right > left]
        return found


@dataclass(frozen=True)
class PageGeometry:
    """Where a page's content sits, measured once by the page worker (`sohoa.ingest.geometry`)
    and carried to the layout and the table step."""

    rotation: int = 0  # degrees clockwise applied to make the page upright
    skew: float = 0.0  # degrees of skew that were corrected (the text's: the OCR reads the page so levelled)
    rules: Rules | None = None  # long ruled lines of the upright, level page; None: not looked for
    grids: tuple[Grid, ...] = ()  # the grids those rules form (`geometry.table_grids`)
    # degrees (as `geometry.rotate`) the page's table grid still tilts by after the text's
    # levelling, which the table step turns its copy of the page by (`geometry.rule_turn`);
    # None: not measured (a page without a grid: the table step measures it if it runs)
    rule_turn: float | None = None


@dataclass(frozen=True, eq=False)
class PageImage:
    """A page after preprocessing: upright, deskewed, cleaned; 8-bit grey or RGB."""

    doc_id: str
    page: int
    image: np.ndarray
    dpi: int
    geometry: PageGeometry = PageGeometry()

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])


def enclosing_box(boxes) -> tuple[float, float, float, float]:
    """The smallest (left, top, right, bottom) box holding every box of `boxes` (not empty;
    pixels or points alike)."""
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word on the fixed word-level table every reader maps to: an OCR engine's word, a
    word of a PDF's text layer, or a word-sized blob of ink whose text is not read yet (text
    '', found by the table step before its cells are read). Numbered as in Tesseract's TSV:
    block, paragraph, line within the paragraph, word within the line (0: not numbered)."""

    text: str
    conf: float
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the image read
    block: int = 0
    par: int = 0
    line: int = 0
    word: int = 0
    alternatives: tuple[tuple[str, float], ...] = ()
    """Forms of the word that differ in one character's marks which the engine's LSTM weighed
    at that character, each with its confidence relative to the one read (0-1); empty where
    the engine gave none (no evidence either way)."""
    readings: tuple[tuple[str, float], ...] = ()
    """Other readings of a code, number or date that the engine weighed, one character read as
    another ('J5' → '15', '0]' → '01'), and of a word's closing mark ('trường:' → 'trường;'),
    with relative confidence (`ingest.tesseract_output.character_readings`)."""

    @property
    def x0(self) -> int:
        return self.bbox[0]

    @property
    def y0(self) -> int:
        return self.bbox[1]

    @property
    def x1(self) -> int:
        return self.bbox[2]

    @property
    def y1(self) -> int:
        return self.bbox[3]


@dataclass(frozen=True)
class TableRows:
    """A ruled table's rows and columns as the table step found them (by its rules, or by the
    spacing of lines where one ruled row holds several): its box, the y of every cut between
    two of its rows, and its column rules as (x, y0, y1) segments, each over the rows no cell
    spans it in, on the page image the page's OCR read."""

    box: tuple[int, int, int, int]
    cuts: tuple[int, ...]
    columns: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class CellReading:
    """A ruled table cell as the table step read it from its own crop: the cell's box and its
    words, both on the page image the page's OCR read (x0, y0, x1, y1 in pixels)."""

    box: tuple[int, int, int, int]
    words: tuple["OcrWord", ...]


@dataclass(frozen=True)
class Annotation:
    """Something on a page that is not body text: a digital-signature stamp drawn over the scan,
    a received stamp, a seal, a signature. Kept as page metadata (pages.jsonl), never in text."""

    kind: str  # 'signature-stamp' | 'stamp' | 'seal' | 'signature'
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels
    text: str = ""  # what can be read of it
    fields: tuple[tuple[str, str], ...] = ()  # e.g. (('signer', ...), ('agency', ...), ('time', ...))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "bbox": list(self.bbox), "text": self.text, **dict(self.fields)}


@dataclass(frozen=True)
class OcrPage:
    """The OCR result of one page, words in reading order, paragraphs rebuilt."""

    doc_id: str
    page: int
    width: int
    height: int
    dpi: int
    words: tuple[OcrWord, ...] = ()
    paragraphs: tuple[str, ...] = ()
    skew: float = 0.0
    rotation: int = 0
    warnings: tuple[PageWarning, ...] = field(default_factory=tuple)
    annotations: tuple[Annotation, ...] = ()
