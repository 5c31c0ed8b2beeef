"""Checks of a searchable PDF against the document it was made from, with poppler's
pdftotext as the independent reader: per-page CER against text.txt, word-box overlap with
pages.jsonl, and the page images' bytes against the input's. Used by the tests and by
`python -m sohoa.ingest.archival.check OUT/<doc_id> SOURCE`."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from sohoa.ingest.archival.geometry import to_original
from sohoa.ingest.archival.layer import layer_words

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def text_words(text: str) -> list[str]:
    """The words of a text, without the ' | ' cell separators text.txt puts between columns
    (they are not on the page)."""
    return [w for w in text.split() if w != "|"]


def pdftotext_pages(pdf: str | Path, raw: bool = False) -> list[str]:
    """pdftotext's text, page by page (split at its form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_cer(pdf: str | Path, text_txt: str, records: Sequence[dict], raw: bool = False) -> list[float | None]:
    """Per page, the CER of pdftotext's words against text.txt's (words joined by one space)."""
    from rapidfuzz.distance import Levenshtein

    got = pdftotext_pages(pdf, raw)
    want = text_txt.rstrip("\n").split("\f")
    rates: list[float | None] = []
    for n, record in enumerate(records):
        a = " ".join(text_words(got[n] if n < len(got) else ""))
        b = " ".join(text_words(want[n] if n < len(want) else ""))
        rates.append(Levenshtein.distance(a, b) / max(1, len(b)))
    return rates


def box_agreement(pdf: str | Path, records: Sequence[dict], threshold: float = 0.5) -> tuple[int, int]:
    """(words whose best-overlapping pdftotext -bbox word has IoU >= threshold, words laid)."""
    import pikepdf

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("<page ")[1:]
    good = total = 0
    with pikepdf.open(pdf) as document:
        for n, record in enumerate(records):
            if n >= len(pages):
                continue
            page = document.pages[n]
            box = [float(v) for v in page.mediabox]
            width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
            if int(page.obj.get("/Rotate", 0)) % 180 == 90:
                width, height = height, width
            found = [tuple(float(v) for v in m[:4]) for m in _WORD.findall(html.unescape(pages[n]))]
            for line in layer_words(record):
                for word in line:
                    l, t, r, b = to_original(record, word["bbox"])
                    mine = (l * width, t * height, r * width, b * height)
                    total += 1
                    good += max((_iou(mine, other) for other in found), default=0.0) >= threshold
    return good, total


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


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
