"""Checks of a searchable PDF against the document it was made from, with poppler's
pdftotext as the independent reader: per-page CER against text.txt, word-box overlap with
pages.jsonl, and the page images' bytes against the input's. Used by the tests and by
`python -m sohoa.ingest.archival.check OUT/<doc_id> SOURCE`."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from sohoa.ingest.archival.geometry import shown_turned, to_original
from sohoa.ingest.archival.layer import layer_words, upright_box

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def text_words(text: str) -> list[str]:
    """The words of a text, without the ' | ' cell separators text.txt puts between columns
    and the word joiners the text layer may set between rows, beside cells and between
    columns (`layer.ROW_MARK`): neither is on the page. A token of format characters alone (Unicode's Cf) is no word."""
    return [w for w in text.split() if w != "|" and not all(unicodedata.category(ch) == "Cf" for ch in w)]


READ_BACK_TIMEOUT = 120.0
"""Seconds one pdftotext call may take (a document reads back in well under a second a page):
a poppler that hangs raises `subprocess.TimeoutExpired`, and the writer keeps its first layout."""


def pdftotext_pages(pdf: str | Path, raw: bool = False, first: int = 1, last: int | None = None) -> list[str]:
    """pdftotext's text, page by page (split at its form feeds), of pages `first`..`last`
    (counted from 1; all by default)."""
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    args = ["pdftotext", "-enc", "UTF-8", "-cropbox"] + (["-raw"] if raw else []) + pages + [str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True, timeout=READ_BACK_TIMEOUT).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_cer(pdf: str | Path, text_txt: str, records: Sequence[dict], raw: bool = False) -> list[float | None]:
    """Per page, the CER of pdftotext's words against text.txt's (words joined by one space)."""
    got = pdftotext_pages(pdf, raw)
    want = text_txt.rstrip("\n").split("\f")
    rates: list[float | None] = []
    for n, record in enumerate(records):
        distance, length = word_distance(got[n] if n < len(got) else "", want[n] if n < len(want) else "")
        rates.append(distance / max(1, length))
    return rates


def word_distance(got: str, want: str) -> tuple[int, int]:
    """(edit distance between the words of `got` and of `want`, each joined by one space; the
    length of `want`'s)."""
    from rapidfuzz.distance import Levenshtein

    a, b = " ".join(text_words(got)), " ".join(text_words(want))
    return Levenshtein.distance(a, b), len(b)


def misordered(got: str, want: str) -> bool:
    """Whether `got` has some of `want`'s words in another place: a word left out in one
    place of the word-by-word alignment and put in at another (words only changed where
    they stand, a hyphen joined at a line's end, are not)."""
    import difflib
    from collections import Counter

    a, b = text_words(want), text_words(got)
    left_out, put_in = Counter(), Counter()
    for op, i, j, k, m in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            left_out.update(a[i:j])
            put_in.update(b[k:m])
    return bool(left_out & put_in)


def box_agreement(pdf: str | Path, records: Sequence[dict], threshold: float = 0.5) -> tuple[int, int]:
    """(words whose best-overlapping pdftotext -bbox word has IoU >= threshold, words laid)."""
    good = total = 0
    for page_good, page_total in page_box_agreement(pdf, records, threshold=threshold):
        good += page_good
        total += page_total
    return good, total


def page_box_agreement(pdf: str | Path, records: Sequence[dict], pages: Sequence[int] | None = None,
                       threshold: float = 0.5) -> list[tuple[int, int]]:
    """Per page (those numbered in `pages`, from 0; all by default), (words whose
    best-overlapping pdftotext -bbox word has IoU >= threshold, words laid)."""
    import pikepdf

    pages = list(range(len(records))) if pages is None else list(pages)
    if not pages:
        return []
    first, last = min(pages), max(pages)
    out = subprocess.run(["pdftotext", "-bbox", "-cropbox", "-f", str(first + 1), "-l", str(last + 1), str(pdf), "-"],
                         capture_output=True, text=True, check=True, timeout=READ_BACK_TIMEOUT).stdout
    found_pages = [None] * first + out.split("<page ")[1:]
    result = []
    with pikepdf.open(pdf) as document:
        for n in pages:
            good = total = 0
            if n < len(found_pages):
                page = document.pages[n]
                box = [float(v) for v in page.cropbox]  # what a viewer shows, as pdftotext -cropbox reads
                width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
                if int(page.obj.get("/Rotate", 0)) % 180 == 90:
                    width, height = height, width
                found = np.array([[float(v) for v in m[:4]] for m in _WORD.findall(html.unescape(found_pages[n]))]
                                 ).reshape(-1, 4)
                # a page shown turned as it was read has its words on the upright page
                rotation = records[n].get("rotation", 0) % 360 if shown_turned(records[n]) else 0
                for line in layer_words(records[n]):
                    for word in line:
                        l, t, r, b = upright_box(to_original(records[n], word["bbox"]), rotation)
                        total += 1
                        good += bool(len(found)) and _best_iou((l * width, t * height, r * width, b * height),
                                                               found) >= threshold
            result.append((good, total))
    return result


def _best_iou(box, found) -> float:
    """The largest IoU of `box` with any of the boxes in the array `found` (one per row)."""
    ix = np.clip(np.minimum(found[:, 2], box[2]) - np.maximum(found[:, 0], box[0]), 0, None)
    iy = np.clip(np.minimum(found[:, 3], box[3]) - np.maximum(found[:, 1], box[1]), 0, None)
    inter = ix * iy
    union = (box[2] - box[0]) * (box[3] - box[1]) + (found[:, 2] - found[:, 0]) * (found[:, 3] - found[:, 1]) - inter
    return float(np.max(np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)))


def image_digests(pdf: str | Path) -> list[list[str]]:
    """Per page, the sha256 of each image XObject's stored (still encoded) bytes."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return [sorted(hashlib.sha256(image.read_raw_bytes()).hexdigest()
                       for image in pikepdf.Page(page).get_images().values()) for page in document.pages]


def validate_pdfa(pdf: str | Path):
    """pikepdf's PDF/A-2b validator (the veraPDF rule set) on the written file: its report."""
    from pikepdf import pdfa

    return pdfa.validate_written(Path(pdf), "2b")


def main(argv: Sequence[str]) -> None:  # pragma: no cover - a report for people
    doc_dir, source = Path(argv[0]), argv[1]
    records = [json.loads(line) for line in (doc_dir / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    pdf = doc_dir / "searchable.pdf"
    text = (doc_dir / "text.txt").read_text(encoding="utf-8")
    print("CER per page (pdftotext):     ", [None if c is None else round(c, 4) for c in page_cer(pdf, text, records)])
    print("CER per page (pdftotext -raw):", [None if c is None else round(c, 4) for c in page_cer(pdf, text, records, True)])
    good, total = box_agreement(pdf, records)
    print(f"word boxes IoU >= 0.5: {good}/{total} = {good / max(1, total):.3f}")
    if source.lower().endswith(".pdf"):
        print("page images byte-identical:", image_digests(pdf) == image_digests(source))
    report = validate_pdfa(pdf)
    print("PDF/A-2b (pikepdf.pdfa):", report.verdict, [str(f) for f in report.findings][:5])


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
