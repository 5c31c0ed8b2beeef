"""Pages → one document: ocr.txt, the repaired text.txt, and pages.jsonl with each word's
`raw` (as read) and `text` (after repair), found by mapping repair edits back onto word spans.

The ' | ' between a table row's cells is the layout's, not the page's: repair sees it as text
and may take it for a speck of a ruled scan ('Thông tin | Sinh viên'), so no repair edit that
touches one of these bars is kept (and text.txt is the kept edits applied to ocr.txt).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Sequence

from sohoa.diacritics.compose import apply_edits
from sohoa.ingest.page import PageResult
from sohoa.ingest.records import WarningCode, enclosing_box

PAGE_SEPARATOR = "\f"


@dataclass(frozen=True)
class AssembledDocument:
    ocr_text: str
    text: str
    pages_jsonl: str
    edits: int
    edits_jsonl: str = ""  # every change of the repair, made or only proposed (see `edit_records`)


MARGIN_BAND = 0.08  # top/bottom share of the page where running headers and footers sit


def _marginal_key(text: str) -> str:
    """Running headers differ only by numbers across pages ('CÔNG BÁO/Số 1657 ... 2')."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def running_headers(pages: Sequence[PageResult]) -> set[tuple[int, int]]:
    """(page index, block index) of lines repeated in the top or bottom margin band of several
    pages: running headers and footers, set aside like page numbers. A running line stands
    alone across its page: a block with another beside it (an agency's name beside the
    national motto) heads a document, and a file of several documents repeats it."""
    candidates: dict[str, list[tuple[int, int]]] = {}
    for p, page in enumerate(pages):
        if not page.layout or not page.ocr or not page.ocr.height:
            continue
        blocks = page.layout.blocks
        extents = [enclosing_box(page.ocr.words[i].bbox for i in block.words) for block in blocks]
        for b in {0, len(blocks) - 1} if blocks else set():
            left, top, right, bottom = extents[b]
            height = page.ocr.height
            if not (bottom < height * MARGIN_BAND or top > height * (1 - MARGIN_BAND)):
                continue
            if any(_side_by_side(extents[b], other) for k, other in enumerate(extents) if k != b):
                continue  # a letterhead's agency beside its motto: the head of a document, not of its pages
            candidates.setdefault(_marginal_key(blocks[b].text), []).append((p, b))
    needed = max(2, int(0.3 * len(pages)))
    return {spot for spots in candidates.values() if len({p for p, _ in spots}) >= needed for spot in spots}


def _side_by_side(one: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    """Whether two blocks share their lines' height (by half the lower one) and not their width."""
    shared = min(one[3], other[3]) - max(one[1], other[1])
    apart = one[2] <= other[0] or other[2] <= one[0]
    return apart and shared > 0.5 * min(one[3] - one[1], other[3] - other[1])


SPECK_HEIGHT = 0.5
"""A word less than half as tall as the document's median word is no print of that document."""
SPECK_WORDS = 2
MIN_DOCUMENT_WORDS = 50
"""Words the document must hold before its median height says what size its print is."""


def blank_page_specks(pages: Sequence[PageResult]) -> set[tuple[int, int]]:
    """(page index, block index) of the pages that hold nothing but specks: at most
    `SPECK_WORDS` words, each less than `SPECK_HEIGHT` of the document's median word height (the
    back of a sheet, where the scanner caught a dot, a seal's trace or a stroke showing through:
    '+', '5', 'DA'). The page alone cannot tell a speck from a word, having no print to compare
    it with; the document's other pages can. Set aside like page numbers."""
    heights = sorted(page.ocr.words[i].bbox[3] - page.ocr.words[i].bbox[1]
                     for page in pages if page.layout and page.ocr
                     for block in page.layout.blocks for i in block.words)
    if len(heights) < MIN_DOCUMENT_WORDS:
        return set()
    median = heights[len(heights) // 2]
    blank = set()
    for p, page in enumerate(pages):
        if not page.layout or not page.ocr or not page.layout.blocks:
            continue
        words = [i for block in page.layout.blocks for i in block.words]
        if len(words) <= SPECK_WORDS and all(
                page.ocr.words[i].bbox[3] - page.ocr.words[i].bbox[1] < SPECK_HEIGHT * median for i in words):
            blank.update((p, b) for b in range(len(page.layout.blocks)))
    return blank


def document_text(pages: Sequence[PageResult], skip: set[tuple[int, int]] = frozenset()
                  ) -> tuple[str, list[list[tuple[int, int] | None]], list[int]]:
    """The document's text (paragraphs one per line, pages split by form feed); per page, each
    word's (start, end) in that text (None for words set aside: page numbers, running headers,
    i.e. the blocks in `skip`); and the positions in the text of the bars that part table cells
    (the '|' of each ' | ' the layout put between two cells of a row, not a '|' the OCR read)."""
    parts: list[str] = []
    spans_by_page: list[list[tuple[int, int] | None]] = []
    separators: list[int] = []
    offset = 0
    for n, page in enumerate(pages):
        if n:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        words = page.ocr.words if page.ocr else ()
        spans: list[tuple[int, int] | None] = [None] * len(words)
        if page.layout:
            kept = [block for b, block in enumerate(page.layout.blocks) if (n, b) not in skip]
            for k, block in enumerate(kept):
                if k:
                    parts.append("\n")
                    offset += 1
                for index, (start, end) in zip(block.words, block.spans):
                    spans[index] = (offset + start, offset + end)
                if block.role == "table":
                    separators.extend(offset + at for at in _cell_bars(block.text, block.spans))
                parts.append(block.text)
                offset += len(block.text)
        spans_by_page.append(spans)
    return "".join(parts), spans_by_page, separators


def _cell_bars(text: str, word_spans: Sequence[tuple[int, int]]) -> list[int]:
    """Positions in a table row's text of the bars between its words: the cell separators."""
    bars, cursor = [], 0
    for start, end in sorted(word_spans):
        bars.extend(cursor + k for k, ch in enumerate(text[cursor:start]) if ch == "|")
        cursor = max(cursor, end)
    return bars


def _keeping_bars(edits: Sequence, bars: Sequence[int]) -> list:
    """The edits that leave every cell separator in `bars` (sorted positions) as it is."""
    return [e for e in edits if bisect_left(bars, e.start) == bisect_left(bars, e.end)]


class PositionMap:
    """Maps input positions to repaired-text positions through sorted, non-overlapping edits.

    Built once per document: each lookup is a binary search, so mapping every word of a long
    document costs O(words · log edits) rather than a scan of all edits per word.
    """

    def __init__(self, edits: Sequence) -> None:
        self._edits = list(edits)
        self._ends = [edit.end for edit in self._edits]
        self._delta_before = [0]
        for edit in self._edits:
            self._delta_before.append(self._delta_before[-1] + len(edit.after) - (edit.end - edit.start))

    @property
    def has_edits(self) -> bool:
        return bool(self._edits)

    def __call__(self, position: int, side: str) -> int:
        """Where input `position` lands in the repaired text. An edit straddling the position
        takes it to the edit's start ('left') or end ('right'); insertions at a word's edge
        belong to the word."""
        if side == "right":
            k = bisect_right(self._ends, position)
        else:
            # edits ending at `position` count, except an insertion exactly there
            k = bisect_left(self._ends, position)
            while k < len(self._edits) and self._ends[k] == position and self._edits[k].start < position:
                k += 1
        delta = self._delta_before[k]
        if k < len(self._edits):
            edit = self._edits[k]
            if edit.start < position < edit.end:
                return edit.start + delta + (len(edit.after) if side == "right" else 0)
        return position + delta


def map_position(edits, position: int, side: str) -> int:
    """Where input `position` lands in the repaired text (see PositionMap)."""
    return PositionMap(edits)(position, side)


def assemble(pages: Sequence[PageResult], repair: Callable[[str], object] | None) -> AssembledDocument:
    """Build the document texts and pages.jsonl; `repair` is None for --no-repair."""
    ocr_text, spans_by_page, bars = document_text(pages, running_headers(pages) | blank_page_specks(pages))
    flags: list = []
    if repair is not None:
        result = repair(ocr_text)
        text, edits = result.text, sorted(result.edits, key=lambda e: (e.start, e.end))
        flags = list(getattr(result, "flags", ()))
        if bars:
            kept = _keeping_bars(edits, bars)
            if len(kept) < len(edits):
                text, edits = apply_edits(ocr_text, kept), kept
            flags = _keeping_bars(flags, bars)
    else:
        text, edits = ocr_text, []
    position_map = PositionMap(edits)
    lines = [page_line(page, spans, text, position_map) for page, spans in zip(pages, spans_by_page)]
    records = edit_records(ocr_text, edits, flags)
    return AssembledDocument(ocr_text, text, "\n".join(lines) + ("\n" if lines else ""), len(edits),
                             "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def edit_records(ocr_text: str, edits: Sequence, flags: Sequence = ()) -> list[dict]:
    """edits.jsonl: one record per change of the repair, in text order, so that an archivist can
    check each one: `page` (1-based), `start`/`end` in ocr.txt and `before` (= ocr.txt[start:end]),
    `after`, `fixer`, `confidence`, and `applied` (false: proposed below --min-confidence, not made).
    Replacing the applied records' spans of ocr.txt by their `after` gives text.txt."""
    records = []
    for edit, applied in [(e, True) for e in edits] + [(e, False) for e in flags]:
        records.append({"page": ocr_text.count(PAGE_SEPARATOR, 0, edit.start) + 1, "start": edit.start,
                        "end": edit.end, "before": edit.before, "after": edit.after, "fixer": edit.fixer,
                        "confidence": round(float(edit.confidence), 4), "applied": applied})
    return sorted(records, key=lambda r: (r["start"], r["end"], not r["applied"]))


def page_line(page: PageResult, spans, text: str, position_map: PositionMap) -> str:
    """`page_record` as its pages.jsonl line, each word serialised as it is made: a page of a
    large text file holds hundreds of thousands of words, whose records would all be held at
    once, and their JSON pieces again, before the line is joined."""
    header = json.dumps(_page_header(page), ensure_ascii=False)
    assert header.endswith('"words": []}')  # the words are the record's last key
    words = ", ".join(json.dumps(entry, ensure_ascii=False) for entry in _word_entries(page, spans, text, position_map))
    return f"{header[:-3]}[{words}]}}"


def page_record(page: PageResult, spans, text: str, position_map: PositionMap) -> dict:
    """A page's record in pages.jsonl (docs/CONTRACT.md): its header and its words in reading order."""
    return {**_page_header(page), "words": list(_word_entries(page, spans, text, position_map))}


def _page_header(page: PageResult) -> dict:
    ocr = page.ocr
    return {
        "page": page.page,
        "width": ocr.width if ocr else 0,
        "height": ocr.height if ocr else 0,
        "dpi": ocr.dpi if ocr else 0,
        "skew": round(ocr.skew, 2) if ocr else 0.0,
        "rotation": ocr.rotation if ocr else 0,
        "source": page.source,
        "page_label": page.layout.page_label if page.layout else "",
        "warnings": [w.message for w in page.warnings] + ([page.error] if page.error else []),
        # (extension) the code of each warning, in the same order
        "warning_codes": [w.code.value for w in page.warnings] + ([WarningCode.PAGE_FAILED.value] if page.error else []),
        "annotations": [a.as_dict() for a in ocr.annotations] if ocr else [],
        "block_roles": [block.role for block in page.layout.blocks] if page.layout else [],
        "words": [],
    }


def _word_entries(page: PageResult, spans, text: str, position_map: PositionMap):
    ocr = page.ocr
    if not ocr:
        return
    line_of: dict[int, tuple[int, int]] = {}
    if page.layout:
        for b, block in enumerate(page.layout.blocks, start=1):
            for index, line in zip(block.words, block.lines):
                line_of[index] = (line + 1, b)
    order = [i for block in (page.layout.blocks if page.layout else ()) for i in block.words]
    order += [i for i in range(len(ocr.words)) if i not in line_of]
    for i in order:
        word = ocr.words[i]
        span = spans[i]
        if span is not None and position_map.has_edits:
            repaired = text[position_map(span[0], "left"):position_map(span[1], "right")]
        else:
            repaired = word.text
        line, block = line_of.get(i, (0, 0))
        entry = {"text": repaired, "raw": word.text, "conf": round(word.conf, 2), "bbox": list(word.bbox),
                 "line": line, "block": block}
        if word.alternatives:  # the other marks the OCR weighed (extension; absent when none)
            entry["alternatives"] = [[form, round(conf, 3)] for form, conf in word.alternatives]
        if word.readings:  # other characters the OCR weighed in a code, number or date (extension)
            entry["readings"] = [[form, round(conf, 3)] for form, conf in word.readings]
        if span is None:
            entry["set_aside"] = True  # page number or speck: not part of the text
        yield entry
