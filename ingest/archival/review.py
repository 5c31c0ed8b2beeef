"""review.html: one page per document for a person who must trust each automatic change.

Each page of the scan stands beside its text. Every change the repair made is highlighted in
the text and outlined on the scan with its before, after, fixer and confidence; clicking one
marks its box on the scan (and the other way round). Changes proposed with too little
confidence to be made are listed apart and outlined dashed. The page works offline: the
scans are JPEGs in review/ next to it.

Changes come from edits.jsonl in the document folder when it exists (one JSON object a line:
start, end (in ocr.txt), before, after, fixer, confidence, and `applied`: false for a
proposal not made), else from repairing ocr.txt again, which gives the same edits as the run.
"""

from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from sohoa.errors import InputError, UsageError
from sohoa.files import write_whole
from sohoa.ingest.archival.geometry import to_original
from sohoa.ingest.archival.write import read_records
from sohoa.ingest.inputs import sha256_of
from sohoa.ingest.records import enclosing_box

REVIEW_DPI = 100  # scan resolution in the review page: enough to read, small enough to load fast
PAGE_SEPARATOR = "\f"


@dataclass(frozen=True)
class Change:
    start: int  # in ocr.txt
    end: int
    before: str
    after: str
    fixer: str
    confidence: float
    applied: bool = True


def apply_changes(ocr_text: str, changes: Sequence[Change]) -> str:
    """ocr.txt with the changes that were made: text.txt, when they are the run's changes."""
    out, cursor = [], 0
    for change in sorted((c for c in changes if c.applied), key=lambda c: c.start):
        if change.start < cursor:
            continue
        out += [ocr_text[cursor:change.start], change.after]
        cursor = change.end
    return "".join(out) + ocr_text[cursor:]


def word_changes(ocr_text: str, records: Sequence[dict]) -> list[Change]:
    """Changes read off the words (raw → text) when the repair's own list is not at hand."""
    return [Change(start, end, word["raw"], word["text"], "repair", float("nan"))
            for start, end, _, word in word_spans(ocr_text, records) if word["text"] != word["raw"]]


def document_changes(doc_dir: Path, ocr_text: str, text: str, records: Sequence[dict]) -> list[Change]:
    """The changes to show: edits.jsonl or a fresh repair of ocr.txt when they give text.txt
    back; none for a run without repair; else (another model since the run) each changed word."""
    if ocr_text == text and not (doc_dir / "edits.jsonl").exists():
        return []  # --no-repair, or nothing to repair
    changes = load_changes(doc_dir, ocr_text)
    if apply_changes(ocr_text, changes) == text:
        return changes
    return word_changes(ocr_text, records)


def load_changes(doc_dir: Path, ocr_text: str) -> list[Change]:
    """The document's changes, made and proposed, in text order."""
    path = doc_dir / "edits.jsonl"
    changes = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = json.loads(line)
                changes.append(Change(int(e["start"]), int(e["end"]), e.get("before", ""), e.get("after", ""),
                                      e.get("fixer", ""), float(e.get("confidence", 1.0)), bool(e.get("applied", True))))
    else:
        from sohoa.diacritics import repair

        result = repair(ocr_text)
        changes = [Change(e.start, e.end, e.before, e.after, e.fixer, e.confidence) for e in result.edits]
        changes += [Change(e.start, e.end, e.before, e.after, e.fixer, e.confidence, False) for e in result.flags]
    return sorted(changes, key=lambda c: (c.start, c.end, not c.applied))


def word_spans(ocr_text: str, records: Sequence[dict]) -> list[tuple[int, int, int, dict]]:
    """(start, end, page index, word) of each word of the text in ocr.txt, found in order
    within its own page (a word not found there is left out rather than misplaced)."""
    spans = []
    page_start = 0
    for p, record in enumerate(records):
        page_end = ocr_text.find(PAGE_SEPARATOR, page_start)
        page_end = len(ocr_text) if page_end < 0 else page_end
        cursor = page_start
        for word in record.get("words", ()):
            if word.get("set_aside") or not word.get("raw"):
                continue
            start = ocr_text.find(word["raw"], cursor, page_end)
            if start < 0:
                continue
            spans.append((start, start + len(word["raw"]), p, word))
            cursor = start + len(word["raw"])
        page_start = page_end + 1
    return spans


def change_boxes(change: Change, spans, records) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page index, box as fractions of the original page) of the words a change touches."""
    hits = [(p, word) for start, end, p, word in spans
            if start < change.end and end > change.start or (change.start == change.end and start <= change.start <= end)]
    if not hits:
        return None
    page = hits[0][0]
    boxes = [to_original(records[page], word["bbox"]) for p, word in hits if p == page]
    return page, enclosing_box(boxes)


def render_scans(source: str | Path, kind: str, count: int, folder: Path) -> list[str]:
    """JPEGs of the original pages (as scanned, before any straightening) in `folder`."""
    import numpy as np
    from PIL import Image, ImageOps

    from sohoa.ingest.rasterize import ORIENTED_FORMATS, dpi_pair, open_image, picture_dpi, seek_page, square_pixels

    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(1, count + 1):
        if kind == "pdf":
            from pdf2image import convert_from_path

            image = convert_from_path(str(source), dpi=REVIEW_DPI, first_page=n, last_page=n, thread_count=1,
                                      use_cropbox=True)[0]
        else:
            with open_image(source, max_pixels=sys.maxsize) as frame:
                seek_page(frame, n)
                upright = ImageOps.exif_transpose(frame) if frame.format in ORIENTED_FORMATS else frame
                # square pixels, as the page was read (a fax's are taller than wide)
                image = Image.fromarray(square_pixels(np.asarray(upright.convert("RGB")), *dpi_pair(frame))[0])
                # shown at REVIEW_DPI, never smaller than that: a photo that stores no resolution
                # is an A4 page, not a 300 dpi scan (which would shrink it to a thumbnail)
                scale = min(1.0, REVIEW_DPI / float(picture_dpi(frame)))
                image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
        name = f"page-{n}.jpg"
        image.convert("RGB").save(folder / name, quality=80)
        names.append(f"{folder.name}/{name}")
    return names


_STYLE = """
body { font-family: "Noto Serif", "TeX Gyre Termes", serif; margin: 0; color: #111; }
header { padding: .6em 1em; border-bottom: 1px solid #ccc; font: 14px sans-serif;
  background: #fff; }
section.page { display: flex; gap: 1.5em; padding: 1em; border-bottom: 2px solid #ddd; align-items: flex-start; }
.scan { position: relative; flex: 0 0 48%; }
.scan img { width: 100%; display: block; border: 1px solid #bbb; }
.box { position: absolute; border: 2px solid rgba(30, 160, 30, .9); box-sizing: border-box; cursor: pointer; }
.box.proposal { border: 2px dashed rgba(200, 40, 40, .9); }
.box.active, .box.proposal.active { border: 4px solid #ff00ff; background: rgba(255, 0, 255, .12); }
.text { flex: 1; white-space: pre-wrap; line-height: 1.7; font-size: 16px; }
.change { background: #d8f5d0; border-bottom: 2px solid #3a3; cursor: pointer; }
.change.low { background: #fff1c2; }
.change.active { outline: 3px solid #ff00ff; }
.proposals { font: 13px sans-serif; margin-top: 1em; }
.proposals li { cursor: pointer; } .proposals li.active { outline: 2px solid #ff00ff; }
.detail { font: 13px monospace; color: #333; }
"""

_SCRIPT = """
function activate(id) {
  document.querySelectorAll('.active').forEach(e => e.classList.remove('active'));
  const mark = document.getElementById(id), box = document.getElementById('box-' + id);
  if (mark) mark.classList.add('active');
  if (box) {
    box.classList.add('active');
    let r = box.getBoundingClientRect();
    if (r.top < 0 || r.bottom > innerHeight) { box.scrollIntoView({block: 'center'}); r = box.getBoundingClientRect(); }
    document.body.dataset.activeBox = [r.left, r.top, r.right, r.bottom].map(Math.round).join(',');
  }
  document.body.dataset.active = id;
}
document.addEventListener('click', ev => {
  const el = ev.target.closest('[data-change]');
  if (el) activate(el.dataset.change);
});
window.addEventListener('load', () => {
  if (location.hash.length > 1) { const el = document.getElementById(location.hash.slice(1)); if (el) el.click(); }
});
"""


def _tip(change: Change) -> str:
    state = "" if change.applied else "proposed, not made — "
    confidence = "n/a" if change.confidence != change.confidence else f"{change.confidence:.2f}"
    return f"{state}{change.before!r} → {change.after!r}  {change.fixer} (confidence {confidence})"


def review_html(title: str, records: Sequence[dict], ocr_text: str, changes: Sequence[Change],
                scans: Sequence[str]) -> str:
    """The review page: per page the scan with boxes and the repaired text with marks."""
    spans = word_spans(ocr_text, records)
    located = {k: change_boxes(c, spans, records) for k, c in enumerate(changes)}
    pages_text = ocr_text.split(PAGE_SEPARATOR)
    offsets = [0]
    for part in pages_text[:-1]:
        offsets.append(offsets[-1] + len(part) + 1)
    applied = [(k, c) for k, c in enumerate(changes) if c.applied and PAGE_SEPARATOR not in c.before + c.after]
    sections = []
    for p, record in enumerate(records):
        start, end = offsets[p] if p < len(offsets) else len(ocr_text), \
            (offsets[p] + len(pages_text[p])) if p < len(pages_text) else len(ocr_text)
        pieces, cursor = [], start
        for k, change in applied:
            if change.start < cursor or change.end > end or change.start < start:
                continue
            pieces.append(html.escape(ocr_text[cursor:change.start]))
            low = " low" if change.confidence < 0.8 else ""  # (NaN, unknown, is not low)
            pieces.append(f'<span class="change{low}" id="change-{k}" data-change="change-{k}" '
                          f'title="{html.escape(_tip(change))}">{html.escape(change.after) or "∅"}</span>')
            cursor = change.end
        pieces.append(html.escape(ocr_text[cursor:end]))
        boxes, proposals = [], []
        for k, change in enumerate(changes):
            where = located.get(k)
            if not change.applied and where and where[0] == p:
                proposals.append(f'<li id="change-{k}" data-change="change-{k}">{html.escape(_tip(change))}</li>')
            if not where or where[0] != p:
                continue
            left, top, right, bottom = where[1]
            kind = "" if change.applied else " proposal"
            boxes.append(f'<div class="box{kind}" id="box-change-{k}" data-change="change-{k}" '
                         f'title="{html.escape(_tip(change))}" style="left:{100 * left:.3f}%;top:{100 * top:.3f}%;'
                         f'width:{100 * (right - left):.3f}%;height:{100 * (bottom - top):.3f}%"></div>')
        proposal_list = (f'<div class="proposals"><b>Proposed, not made (confidence too low):</b><ul>'
                         f'{"".join(proposals)}</ul></div>') if proposals else ""
        scan = f'<img src="{html.escape(scans[p])}" alt="scan of page {p + 1}">' if p < len(scans) else ""
        sections.append(f'<section class="page" id="page-{p + 1}"><div class="scan">{scan}{"".join(boxes)}</div>'
                        f'<div class="text"><div class="detail">page {p + 1}</div>{"".join(pieces)}'
                        f'{proposal_list}</div></section>')
    made = sum(1 for c in changes if c.applied)
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)} — review'
            f'</title><style>{_STYLE}</style></head><body><header><b>{html.escape(title)}</b>: {made} changes made, '
            f'{len(changes) - made} proposed but not made. Green: a change (yellow: less certain); red dashed: '
            f'proposed, not made. Click a change to mark it on the scan; hover for before → after, fixer and '
            f'confidence.</header>\n' + "\n".join(sections) + f"\n<script>{_SCRIPT}</script></body></html>\n")


def write_review(doc_dir: Path, source: str | Path, kind: str, title: str | None = None) -> Path:
    """Write review.html and its scans (review/) into the document folder; `title`, the
    document's id (the folder's name by default)."""
    doc_dir = Path(doc_dir)
    records = read_records((doc_dir / "pages.jsonl").read_text(encoding="utf-8"))
    ocr_text = (doc_dir / "ocr.txt").read_text(encoding="utf-8").removesuffix("\n")
    text = (doc_dir / "text.txt").read_text(encoding="utf-8").removesuffix("\n")
    changes = document_changes(doc_dir, ocr_text, text, records)
    scans = render_scans(source, kind, len(records), doc_dir / "review")
    title = title or doc_dir.name
    path = doc_dir / "review.html"
    write_whole(path, review_html(title, records, ocr_text, changes, scans))
    return path


def review_document(doc_dir: str | Path, source: str | Path | None = None) -> Path:
    """`sohoa review OUT/<doc_id>`: the source comes from OUT/manifest.jsonl unless given (its
    absolute `path`, so that the review works from any folder), and must still be the file
    that was processed (its sha256)."""
    doc_dir = Path(doc_dir).resolve()
    for needed in ("pages.jsonl", "text.txt", "ocr.txt"):
        if not (doc_dir / needed).exists():
            raise UsageError(f"{doc_dir} is not a complete document folder of `sohoa run` (no {needed})")
    entry = None
    if source is None:
        from sohoa.manifest import read_manifest

        entry = read_manifest(doc_dir.parent).get(doc_dir.name)
        if entry is None:
            raise UsageError(f"no manifest entry for {doc_dir.name}: give the scan with --source")
        source = entry.get("path") or entry["source"]
    source = Path(source)
    if not source.exists():
        raise InputError(f"the scan {source} is not there any more: give it with --source")
    if entry is not None and entry.get("sha256") and sha256_of(source) != entry["sha256"]:
        raise InputError(f"the scan {source} has changed since it was processed (another sha256): "
                         "run it again, or give the scan that was processed with --source")
    if source.suffix.lower() == ".txt":
        raise UsageError("a text input has no scan to review")
    kind = "pdf" if source.suffix.lower() == ".pdf" else "image"
    try:
        return write_review(doc_dir, source, kind)
    except Exception as exc:  # noqa: BLE001 - a scan that cannot be drawn is the user's input problem, said plainly
        raise InputError(f"cannot show {source} beside {doc_dir.name}: {type(exc).__name__}: {exc}") from exc

