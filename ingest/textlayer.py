"""Born-digital PDFs: use a page's text layer when it holds real text, OCR otherwise.

Words come from poppler's `pdftotext -bbox-layout` (points), scaled to page pixels at the run's
DPI, so they enter the same reading-order code as OCR words. 'Real text' means enough letters,
no undecodable glyphs, and - for Vietnamese - diacritics present: an old invisible OCR layer
made with an English model has none, and is worse than OCR-ing again.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

from sohoa.ingest.records import OcrWord

VIETNAMESE_MARKED = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
_NS = "{http://www.w3.org/1999/xhtml}"


def vietnamese_share(text: str) -> float:
    """Share of alphabetic words that carry a Vietnamese-only letter or tone mark."""
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower())]
    if not words:
        return 0.0
    return sum(1 for w in words if VIETNAMESE_MARKED.intersection(w)) / len(words)


def is_real_text(text: str, min_words: int = 15) -> bool:
    """True when a text layer is worth using instead of OCR."""
    stripped = "".join(text.split())
    if len(text.split()) < min_words or not stripped:
        return False
    if "\ufffd" in text or "(cid:" in text:
        return False
    letters = sum(ch.isalpha() for ch in stripped) / len(stripped)
    return letters > 0.5 and vietnamese_share(text) > 0.25


def page_words(path: str, page: int, dpi: int, timeout: float | None = None) -> tuple[list[OcrWord], int, int]:
    """Words of one PDF page's text layer in pixels at `dpi`, with the page size in pixels."""
    try:
        xhtml = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", path, "-"],
            capture_output=True, timeout=timeout, check=True,
        ).stdout.decode("utf-8", errors="replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return [], 0, 0
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError:
        return [], 0, 0
    scale = dpi / 72.0
    words: list[OcrWord] = []
    width = height = 0
    for page_el in root.iter(f"{_NS}page"):
        width = int(round(float(page_el.get("width", 0)) * scale))
        height = int(round(float(page_el.get("height", 0)) * scale))
        for b, block in enumerate(page_el.iter(f"{_NS}block"), start=1):
            for l, line in enumerate(block.iter(f"{_NS}line"), start=1):
                for n, word in enumerate(line.iter(f"{_NS}word"), start=1):
                    text = (word.text or "").strip()
                    if not text:
                        continue
                    bbox = tuple(int(round(float(word.get(k)) * scale)) for k in ("xMin", "yMin", "xMax", "yMax"))
                    words.append(OcrWord(text=text, conf=100.0, bbox=bbox, block=b, par=1, line=l, word=n))
    return words, width, height
