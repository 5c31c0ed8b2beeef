"""hocr.html: hOCR 1.2 (XHTML), one ocr_page per page; ocr_carea / ocr_par / ocr_line /
ocrx_word with bbox and x_wconf; table rows inside an ocr_table. A word's text is the
repaired word; `data-ocr` keeps the OCR's reading where the repair changed it. Coordinates
are pixels of the original page image at the page's dpi."""

from __future__ import annotations

import html
from typing import Sequence

from sohoa import __version__
from sohoa.ingest.archival.structure import Region, page_structure


def _title(box, extra: str = "") -> str:
    return f"bbox {box[0]} {box[1]} {box[2]} {box[3]}" + (f"; {extra}" if extra else "")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _block(out: list[str], region: Region, ident: str) -> None:
    out.append(f'<div class="ocr_carea" id="{ident}" title="{_title(region.box)}">'
               f'<p class="ocr_par" id="{ident}_par" title="{_title(region.box)}">')
    for l, line in enumerate(region.children, start=1):
        words = []
        for w, word in enumerate(line.children, start=1):
            conf = int(round(max(0.0, min(100.0, word.conf))))
            raw = f' data-ocr="{_attr(word.raw)}"' if word.raw != word.text else ""
            words.append(f'<span class="ocrx_word" id="{ident}_l{l}_w{w}" '
                         f'title="{_title(word.box, f"x_wconf {conf}")}"{raw}>{html.escape(word.text)}</span>')
        out.append(f'<span class="ocr_line" id="{ident}_l{l}" title="{_title(line.box)}">' + " ".join(words)
                   + "</span>")
    out.append("</p></div>")


def hocr_html(records: Sequence[dict], source_name: str = "") -> bytes:
    """The hOCR document of a document's page records (pages.jsonl)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">',
           "<head>", f"<title>{html.escape(source_name)}</title>",
           '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
           f'<meta name="ocr-system" content="sohoa {__version__} (Tesseract)"/>',
           '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocr_table"/>',
           "</head>", "<body>"]
    image = f'image "{source_name}"; ' if source_name else ""
    for record in records:
        page = page_structure(record)
        p = f"page_{page.number}"
        res = f"; scan_res {page.dpi} {page.dpi}" if page.dpi else ""
        title = f"{image}{_title((0, 0, page.width, page.height))}; ppageno {page.number - 1}{res}"
        out.append(f'<div class="ocr_page" id="{p}" title="{_attr(title)}">')
        for r, region in enumerate(page.regions, start=1):
            if region.kind == "table":
                out.append(f'<div class="ocr_table" id="{p}_t{r}" title="{_title(region.box)}">')
                for b, row in enumerate(region.children, start=1):
                    _block(out, row, f"{p}_t{r}_b{b}")
                out.append("</div>")
            else:
                _block(out, region, f"{p}_b{r}")
        out.append("</div>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")
