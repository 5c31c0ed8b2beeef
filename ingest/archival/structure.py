"""The page records as nested regions for the layout formats (ALTO, hOCR): blocks of lines of
words, table rows gathered into tables, with boxes on the original page image."""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.ingest.archival.geometry import original_size, to_original
from sohoa.ingest.records import enclosing_box

Box = tuple[int, int, int, int]  # left, top, right, bottom in original page pixels


@dataclass(frozen=True)
class Word:
    text: str  # as repaired (the text of text.txt)
    raw: str  # as the OCR read it
    conf: float  # 0-100; negative when unknown
    box: Box
    set_aside: bool = False


@dataclass(frozen=True)
class Region:
    """A block, a line or a table: its box and its children (regions, or words for a line)."""

    kind: str  # 'table' | 'block' | 'aside' | 'line'
    box: Box
    children: tuple


@dataclass(frozen=True)
class Page:
    number: int
    width: int
    height: int
    dpi: int
    regions: tuple[Region, ...]


def word_box(record: dict, bbox) -> Box:
    width, height = original_size(record)
    left, top, right, bottom = to_original(record, bbox)
    clamp = lambda v, hi: int(round(min(max(v, 0), hi)))  # noqa: E731
    return (clamp(left * width, width), clamp(top * height, height),
            clamp(right * width, width), clamp(bottom * height, height))


def page_structure(record: dict) -> Page:
    """Blocks in reading order (consecutive table rows gathered into one table), then the
    words set aside from the text (page numbers, running headers) as a block of their own."""
    width, height = original_size(record)
    roles = record.get("block_roles") or []
    blocks: dict[int, dict[int, list[Word]]] = {}
    aside: list[Word] = []
    for entry in record.get("words", ()):
        word = Word(entry.get("text", ""), entry.get("raw", ""), float(entry.get("conf", -1)),
                    word_box(record, entry["bbox"]), bool(entry.get("set_aside")))
        if entry.get("block", 0) <= 0:
            aside.append(word)
        else:
            blocks.setdefault(entry["block"], {}).setdefault(entry.get("line", 0), []).append(word)
    regions: list[Region] = []
    table: list[Region] = []
    for number, lines in blocks.items():  # dicts keep the reading order of pages.jsonl
        line_regions = tuple(Region("line", enclosing_box(w.box for w in words), tuple(words))
                             for words in lines.values())
        block = Region("block", enclosing_box(r.box for r in line_regions), line_regions)
        if 0 < number <= len(roles) and roles[number - 1] == "table":
            table.append(block)
            continue
        if table:
            regions.append(Region("table", enclosing_box(b.box for b in table), tuple(table)))
            table = []
        regions.append(block)
    if table:
        regions.append(Region("table", enclosing_box(b.box for b in table), tuple(table)))
    if aside:
        lines = tuple(Region("line", w.box, (w,)) for w in aside)
        regions.append(Region("aside", enclosing_box(w.box for w in aside), lines))
    return Page(record["page"], width, height, record.get("dpi", 0) or 0, tuple(regions))
