"""Benchmark of table extraction on generated scanned table pages with known grids.

For every style of `sohoa.synth.tables_render` and every degradation level (clean, light,
heavy of `sohoa.synth.degrade`) a few pages are rendered; sohoa's `find_page_tables` and the
anchor img2table (`TesseractOCR(lang='vie')`, borderless tables on, default settings, plus a
small adapter that flattens its header rows into paths) read the same pages in the same run.
Both go through the same tidy step, so the comparison is about detection, structure and OCR.

Figures: tidy observation precision / recall / F1 (an observation matches when indicator,
measure, period and value agree), wide-grid cell accuracy (body cells and header paths of
each truth table against the best-matching predicted table), seconds per page; diagnostics:
`f1_names_without_marks` (F1 with indicator names compared without tone and vowel marks) and
`unit_accuracy` (share of the matched observations whose unit agrees too).
Page text (with the page's own OCR words, the default): `text_cells`, the share of the truth's
filled body cells that the page's text (text.txt's table rows, each line cut at ' | ') holds
exactly, with the cells the table step read on its own and the rows it found taken in as
`sohoa run` does (`sohoa.ingest.cell_readings`), beside `text_cells_page_words`, the page's own
words alone.

The `continued` style is one table running over two pages (the header repeated on the second
page for even page numbers, not for odd ones): both pages are read and the tables joined, so
its figures show whether the table is put back together; its seconds are per image.

Ablation: `f1_without_label_marks` (and `unit_accuracy_without_label_marks`) is sohoa's F1
with the checks of OCR'd cells in `sohoa.tables.cells.repair_text_cells` (tone marks of
indicator names, `sohoa.tables.names`; unit snapping, `sohoa.tables.units`) toggled from
`sohoa.tables.page.LABEL_MARKS` (the name says which way when it is on), on the same OCR of
the same pages.

Held-out variation: `TABLES_BENCH_FONTS=termes,freeserif,freesans,notoserif,notosans` renders
the same tables in other typefaces (default `termes` only, the one the table code was
developed on); `TABLES_BENCH_MAKERS=pil,pdf` adds the second page maker
(`sohoa.synth.tables_pdf`: reportlab tables with other rule widths and paddings, portrait and
landscape, written as PDF and rasterised by poppler at 300 dpi; default `pil` only; it takes
the TrueType fonts of the list, FreeSerif where there is none); `pdf-text` gives the same
reportlab PDFs as born-digital inputs (clean level only): sohoa finds the tables on the page's
picture and fills the cells with the page's own words (`exact_words`, no OCR; beside it,
`f1_cells_read_by_ocr`, the same tables with their cells OCR'd from the same picture), img2table
reads the PDF with its text extraction (`PDF(..., pdf_text_extraction=True)`, no OCR); `html` adds the third
(`sohoa.synth.tables_html`: HTML/CSS tables printed by headless Chromium, in typefaces of its
own, Liberation Serif and DejaVu Sans unless the font list names others of `HTML_FONTS`,
with prose above and below the tables and a landscape 12–13-column `wide` style that runs
for this maker only; never tuned on). Each
(maker, font) pair is a variant; with more than one, results are keyed
`variant/style/level` and the overall block has `variant:…` entries.

`PAGES=n` (default 2) pages per style and level, seeds `TABLES_BENCH_FIRST_PAGE` (default 0)
onwards: a later first page gives pages no one has looked at (held out); a browser page whose
table runs over one sheet is left out and counted (`pages_left_out`); `TABLES_BENCH_ANCHOR=0` skips img2table;
`TABLES_BENCH_STYLES=a,b` runs only those styles (`borderless_two`, an indicator column and
one value column without rules, runs only when named here); `TABLES_BENCH_LEVELS=light,heavy`
only those levels. The table step gets what `sohoa run`'s page step gives it (`page_step`, not
timed: the page step pays for it): the page cleaned and levelled, its own OCR words, and no
table step at all on a page the page step finds no table candidate on; `TABLES_BENCH_PAGE_WORDS=0`
reads the tables as `sohoa tables` does (the cleaned, levelled page, no page OCR).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402

from sohoa.tables.records import Table  # noqa: E402

LEVELS = ("clean", "light", "heavy")


def normalised(text: str) -> str:
    """A cell's or name's text compared as read: NFC, whitespace runs made one space, trimmed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


def _key(indicator, measure, period, value, low, high, qualifier) -> tuple:
    if qualifier == "range" or (low and high):
        shown = f"{low}..{high}"
    elif qualifier == "missing" or not value:
        shown = "missing"
    else:
        shown = value
    return (normalised(indicator).lower(), normalised(measure).lower(), normalised(period), shown)


def _fold(key: tuple) -> tuple:
    """The key with the indicator stripped of tone and vowel marks: a diagnostic that separates
    name OCR (e.g. Tesseract's 'chi' → 'chỉ') from structure and numbers."""
    name = "".join(ch for ch in unicodedata.normalize("NFD", key[0]) if not unicodedata.combining(ch))
    return (name.replace("đ", "d"),) + key[1:]


def truth_keys(page, with_unit: bool = False) -> Counter:
    return Counter(_key(o.indicator, o.measure, o.period, o.value, o.value_min, o.value_max, o.qualifier)
                   + ((normalised(o.unit),) if with_unit else ())
                   for t in page.tables for o in t.observations)


def predicted_keys(tables: list[Table], with_unit: bool = False) -> Counter:
    from sohoa.tables.api import tidy_frame
    from sohoa.tables.join import join_continued

    frame = tidy_frame(join_continued(tables))
    return Counter(_key(r.indicator, r.measure, r.period, r.value, r.value_min, r.value_max, r.qualifier)
                   + ((normalised(r.unit),) if with_unit else ())
                   for r in frame.itertuples())


def cell_accuracy(truth_tables, tables: list[Table]) -> tuple[int, int]:
    """(correct, total) over truth body cells and header paths, each truth table against the
    predicted table that agrees with it most."""
    correct = total = 0
    for truth in truth_tables:
        cells = [(r, c, normalised(v)) for r, row in enumerate(truth.rows) for c, v in enumerate(row)]
        best = 0
        for table in tables:
            got = sum(
                1 for r, c, v in cells
                if r < len(table.rows) and c < len(table.rows[r]) and normalised(table.rows[r][c]) == v
            ) + sum(1 for c, h in enumerate(truth.header)
                    if c < len(table.header) and normalised(table.header[c]) == normalised(h))
            best = max(best, got)
        correct += best
        total += len(cells) + len(truth.header)
    return correct, total


# ------------------------------------------------------------------ img2table anchor
def _has_number(row: list[str]) -> bool:
    from sohoa.tables.values import TEXT, parse_value

    return any(v and parse_value(v).qualifier not in (TEXT, "missing") and not re.fullmatch(r"(19|20)\d\d", v)
               for v in row)


def img2table_grid(extracted) -> list[list[str]]:
    """The cells of a table img2table extracted, as whitespace-normalised NFC text ('' where none)."""
    return [["" if v is None or (isinstance(v, float) and np.isnan(v)) else normalised(v) for v in row]
            for row in extracted.df.astype(object).values.tolist()]


def once_per_span(row: list[str]) -> list[str]:
    """An img2table row with a spanning cell's text, which it repeats in every column the cell
    covers, kept once (in the first)."""
    return [v if c == 0 or v != row[c - 1] else "" for c, v in enumerate(row)]


def _img2table_tables(png: bytes, ocr) -> list[Table]:
    from img2table.document import Image as I2TImage

    extracted = I2TImage(src=png).extract_tables(ocr=ocr, borderless_tables=True, implicit_rows=False)
    return _adapted(extracted, 1)


def _adapted(extracted, page: int) -> list[Table]:
    """img2table's tables as sohoa's, header rows flattened into paths."""
    tables = []
    for k, ext in enumerate(extracted, start=1):
        grid = img2table_grid(ext)
        if not grid:
            continue
        n_cols = len(grid[0])
        n_header = 0  # header rows: the leading rows without a number other than a year
        while n_header < min(3, len(grid) - 1) and not _has_number(grid[n_header]):
            n_header += 1
        header = []
        for c in range(n_cols):  # the adapter: repeated labels of spanning cells → one path
            parts: list[str] = []
            for r in range(n_header):
                label = grid[r][c]
                if label and (not parts or parts[-1] != label):
                    parts.append(label)
            header.append(" | ".join(parts))
        rows = tuple(tuple(once_per_span(row)) for row in grid[n_header:])
        tables.append(Table(doc_id="bench", page=page, index=k, header=tuple(header), rows=rows,
                            has_header=n_header > 0, source="img2table"))
    return tables


# ------------------------------------------------------------------ the run
def _score(matched: int, predicted: int, truth: int) -> dict:
    precision = matched / predicted if predicted else 0.0
    recall = matched / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _pages_of(style: str, n: int, font: str = "termes", maker: str = "pil"):
    """(truth page, images' pages): one page, or the two pages of a continued table."""
    from sohoa.synth.tables_render import render_continued_pages, render_table_page

    if maker == "html":
        from sohoa.synth.tables_html import render_html_continued_pages, render_html_table_page

        if style == "continued":
            first, second = render_html_continued_pages(n, repeat_header=n % 2 == 0, font=font)
            return first, [first, second]
        page = render_html_table_page(style, seed=n, font=font)
        return page, [page]
    if maker in ("pdf", "pdf-text"):
        from sohoa.synth.tables_pdf import render_pdf_continued_pages, render_pdf_table_page

        if style == "continued":
            first, second = render_pdf_continued_pages(n, repeat_header=n % 2 == 0, font=font)
            return first, [first, second]
        page = render_pdf_table_page(style, seed=n, font=font)
        return page, [page]
    if style == "continued":
        first, second = render_continued_pages(n, repeat_header=n % 2 == 0, font=font)
        return first, [first, second]
    page = render_table_page(style, seed=n, font=font)
    return page, [page]


def variants() -> list[tuple[str, str, str]]:
    """(name, maker, font) of each page variant the run covers, from the environment."""
    fonts = os.environ.get("TABLES_BENCH_FONTS", "termes").split(",")
    makers = os.environ.get("TABLES_BENCH_MAKERS", "pil").split(",")
    runs = []
    for maker in makers:
        if maker == "pil":
            from sohoa.synth.tables_render import FONTS

            runs += [(font, maker, font) for font in [f for f in fonts if f in FONTS] or ["termes"]]
        elif maker == "html":  # the browser maker's own typefaces, never used in development
            from sohoa.synth.tables_html import HTML_FONTS

            faces = [f for f in fonts if f in HTML_FONTS] or ["liberationserif", "dejavusans"]
            runs += [(f"html-{font}", maker, font) for font in faces]
        else:  # the PDF maker embeds TrueType faces only: `termes` stands for FreeSerif there
            from sohoa.synth.tables_pdf import PDF_FONTS

            ttf = [f for f in fonts if f in PDF_FONTS] or ["freeserif"]
            runs += [(f"{maker}-{font}", maker, font) for font in ttf]
    return runs


def page_step(image, name: str, number: int, with_words: bool = True):
    """(page image, OCR words, the page's result) that `sohoa run` hands its table step for this
    page: the page step of an image input (`sohoa.ingest.page.read_page`: cleaned, levelled, its
    rules erased, read by Tesseract with its second reading), or (None, None, None) where that
    step would not call the table step (`may_hold_table`). `with_words` False: the image
    `sohoa tables` reads (`read_page_image`, no OCR), no words and no result."""
    import tempfile
    from dataclasses import replace

    from sohoa.ingest.page import PageOptions, read_page, read_page_image
    from sohoa.ingest.records import PageSource

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        image.save(path, dpi=(300, 300))
        source = PageSource(name, str(path), "image", 1)
        if not with_words:
            read = read_page_image(source, PageOptions(text=False), time.perf_counter())
            return replace(read.image, page=number), None, None
        read = read_page(source, PageOptions(), time.perf_counter())
    if not read.wants_tables or read.image is None:
        return None, None, None
    return replace(read.image, page=number), list(read.result.ocr.words), read.result


def born_digital_step(sheet, name: str, number: int, with_words: bool = True):
    """(page picture, the page's own words on it) that `sohoa run` (or, `with_words` False,
    `sohoa tables`) hands its table step for a born-digital PDF page: the words of its text
    layer, which the cells take instead of an OCR reading; None where sohoa would not take
    the layer (and OCRs the page)."""
    import tempfile
    from dataclasses import replace

    from sohoa.ingest.page import PageOptions, layer_page_image, read_page, read_page_image, words_on_picture
    from sohoa.ingest.records import PageSource

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.pdf"
        path.write_bytes(sheet.pdf)
        source = PageSource(name, str(path), "pdf", sheet.pdf_page, 300)
        options = PageOptions(text=with_words)
        read = (read_page if with_words else read_page_image)(source, options, time.perf_counter())
        if read.result.source != "text-layer":
            return None  # sohoa OCRs a page whose layer it does not take: the caller reads the picture
        image = layer_page_image(source, options)
        return replace(image, page=number), words_on_picture(read.result.ocr, image)


def _img2table_pdf_tables(sheet, number: int) -> list[Table]:
    """img2table on the born-digital page itself, reading its text layer (no OCR)."""
    from img2table.document import PDF

    extracted = PDF(src=sheet.pdf, pages=[sheet.pdf_page - 1], pdf_text_extraction=True).extract_tables(
        borderless_tables=True, implicit_rows=False)
    return _adapted(extracted.get(sheet.pdf_page - 1, []), number)


def page_text_cells(result, image, readings, rows) -> tuple[list[str], list[str]]:
    """The cells of the page's text as `sohoa run` writes its table rows (each line of the
    reading order cut at ' | '), from the page's own words alone and with the cells the table
    step read on its own taken in (`sohoa.ingest.cell_readings`)."""
    from sohoa.ingest.cell_readings import with_table_readings

    def cells(paragraphs) -> list[str]:
        return [normalised(c) for p in paragraphs for line in p.splitlines() for c in line.split(" | ") if c.strip()]

    laid = with_table_readings(result, image.geometry, readings, rows)
    return cells(result.layout.paragraphs), cells(laid.layout.paragraphs)


def text_cells_found(truth_tables, cells: list[str]) -> int:
    """How many of the truth tables' filled body cells (each as often as it occurs) the page
    text holds as a cell of its own, exactly."""
    truth = Counter(normalised(c) for t in truth_tables for row in t.rows for c in row if c.strip())
    return sum((truth & Counter(cells)).values())


def main(out_dir: Path) -> dict:
    from sohoa.synth.degrade import degrade
    from sohoa.synth.tables_render import STYLES
    from sohoa.tables.cells import repair_text_cells
    from sohoa.tables.join import join_continued
    from sohoa.tables.page import LABEL_MARKS, find_tables_and_cells

    STYLES = STYLES + ("continued",)
    runs = variants()
    if any(maker == "html" for _, maker, _ in runs):
        STYLES = STYLES + ("wide",)  # the browser maker's landscape mid-term review table
    if os.environ.get("TABLES_BENCH_STYLES"):
        STYLES = tuple(os.environ["TABLES_BENCH_STYLES"].split(","))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages_per = int(os.environ.get("PAGES", "2"))
    first_page = int(os.environ.get("TABLES_BENCH_FIRST_PAGE", "0"))
    left_out = []
    with_anchor = os.environ.get("TABLES_BENCH_ANCHOR", "1") != "0"
    with_page_words = os.environ.get("TABLES_BENCH_PAGE_WORDS", "1") != "0"
    anchor_ocr = None
    if with_anchor:
        from img2table.ocr import TesseractOCR

        anchor_ocr = TesseractOCR(lang="vie", n_threads=1)
    methods = ["sohoa"] + (["img2table"] if with_anchor else [])
    tally: dict[tuple[str, str, str, str], Counter] = {}
    born_digital_pages: Counter = Counter()  # pdf-text pages, and those whose cells took the page's words
    details = []
    levels = tuple(os.environ.get("TABLES_BENCH_LEVELS", ",".join(LEVELS)).split(","))
    for (variant, maker, font), style, level, n in (
            (v, s, lv, n) for v in runs for s in STYLES for lv in levels
            for n in range(first_page, first_page + pages_per) if s != "wide" or v[1] == "html"
            if lv == "clean" or v[1] != "pdf-text"):  # a born-digital page has no scan to degrade
        try:
            page, sheets = _pages_of(style, n, font, maker)
        except RuntimeError as error:  # the browser maker's table ran over its sheet: no page
            print(f"  {variant:10s} {style:10s} {level:5s} #{n}: left out ({error})")
            left_out.append(f"{variant}/{style}/{level}/{n}")
            continue
        images = []
        for k, sheet in enumerate(sheets):
            suffix = "" if k == 0 else f":{k + 1}"
            image, _ = degrade(sheet.image, level, random.Random(f"degrade:{style}:{level}:{n}{suffix}"))
            images.append(image)
        truth = truth_keys(page)
        for method in methods:
            started = time.perf_counter()
            tables, unmarked, ocr_read = [], [], []
            any_digital = False  # a page of this set whose cells took its own words
            text_alone: list[str] = []
            text_taken: list[str] = []
            for number, image in enumerate(images, start=1):
                digital = None
                if method == "sohoa" and maker == "pdf-text":
                    lap = time.perf_counter()
                    digital = born_digital_step(sheets[number - 1], f"{variant}-{style}-{n}", number,
                                                with_page_words)  # paid by the page step, not timed
                    started += time.perf_counter() - lap
                    born_digital_pages.update(taken=digital is not None, pages=1)
                if digital is not None:
                    any_digital = True
                    read = find_tables_and_cells(digital[0], repair=False, exact_words=digital[1])[0]
                    # as sohoa does: cells of the page's own words get no OCR mark check, either way
                    tables += [repair_text_cells(t, label_marks=False) for t in read]
                    unmarked += [repair_text_cells(t, label_marks=False) for t in read]
                    # ablation, not timed: the same picture's cells OCR'd, as before the page's words were taken
                    lap = time.perf_counter()
                    ocr_read += [repair_text_cells(t, label_marks=LABEL_MARKS)
                                 for t in find_tables_and_cells(digital[0], repair=False)[0]]
                    started += time.perf_counter() - lap
                elif method == "sohoa":
                    lap = time.perf_counter()
                    page_image, words, result = page_step(image.convert("L"), f"{variant}-{style}-{level}-{n}",
                                                          number, with_page_words)  # paid by the page step, not timed
                    started += time.perf_counter() - lap
                    read, readings, rows = ([], [], []) if page_image is None else \
                        find_tables_and_cells(page_image, repair=False, words=words)
                    if result is not None:  # the page text's table cells (diagnostic, not timed)
                        lap = time.perf_counter()
                        alone, taken = page_text_cells(result, page_image, readings, rows)
                        text_alone += alone
                        text_taken += taken
                        started += time.perf_counter() - lap
                    tables += [repair_text_cells(t, label_marks=LABEL_MARKS) for t in read]
                    lap = time.perf_counter()
                    unmarked += [repair_text_cells(t, label_marks=not LABEL_MARKS) for t in read]  # ablation, not timed
                    started += time.perf_counter() - lap
                elif maker == "pdf-text":
                    tables += _img2table_pdf_tables(sheets[number - 1], number)
                else:
                    # img2table gets the page at 150 dpi: at 300 dpi with OCR it finds no
                    # table on these pages at all (its detection works there only without OCR)
                    buffer = io.BytesIO()
                    image.convert("RGB").resize((image.width // 2, image.height // 2)).save(buffer, "PNG")
                    try:
                        found = _img2table_tables(buffer.getvalue(), anchor_ocr)
                    except Exception as error:  # noqa: BLE001 — the anchor failing on a page reads nothing there
                        print(f"  img2table failed on {variant} {style} {level} #{n}: {type(error).__name__}: {error}")
                        found = []
                    tables += [Table(**{**t.__dict__, "page": number, "pages": (number,)}) for t in found]
            seconds = time.perf_counter() - started
            got = predicted_keys(tables)
            unmarked_matched = sum((predicted_keys(unmarked) & truth).values()) if unmarked else 0
            unmarked_unit_matched = sum((predicted_keys(unmarked, True) & truth_keys(page, True)).values()) \
                if unmarked else 0
            matched = sum((got & truth).values())
            # diagnostic: of the matched observations, how many also carry the right unit
            unit_matched = sum((predicted_keys(tables, True) & truth_keys(page, True)).values())
            folded = sum((Counter(map(_fold, got.elements())) & Counter(map(_fold, truth.elements()))).values())
            correct, cells = cell_accuracy(page.tables, join_continued(tables))
            t = tally.setdefault((method, variant, style, level), Counter())
            t.update(matched=matched, unit_matched=unit_matched, folded=folded, predicted=sum(got.values()), truth=sum(truth.values()),
                     cells_ok=correct, cells=cells, pages=len(images), unmarked_matched=unmarked_matched,
                     unmarked_unit_matched=unmarked_unit_matched,
                     unmarked_predicted=sum(predicted_keys(unmarked).values()) if unmarked else 0)
            if any_digital:
                t.update(ocr_cells_matched=sum((predicted_keys(ocr_read) & truth).values()),
                         ocr_cells_predicted=sum(predicted_keys(ocr_read).values()), ocr_cells_truth=sum(truth.values()))
            if method == "sohoa" and with_page_words and maker != "pdf-text":
                t.update(text_truth=sum(1 for tt in page.tables for row in tt.rows for c in row if c.strip()),
                         text_alone=text_cells_found(page.tables, text_alone),
                         text_taken=text_cells_found(page.tables, text_taken))
            t["seconds"] += seconds
            details.append({"method": method, "variant": variant, "style": style, "level": level, "page": n,
                            "matched": matched, "predicted": sum(got.values()),
                            "truth": sum(truth.values()), "seconds": round(seconds, 2),
                            "missed": sorted(map(list, (truth - got).keys()))[:8],
                            "spurious": sorted(map(list, (got - truth).keys()))[:8]})
        print(f"  {variant:10s} {style:10s} {level:5s} #{n}: " + "  ".join(
            f"{m} {d['matched']}/{d['truth']} ({d['predicted']} predicted, {d['seconds']}s)"
            for m, d in ((d["method"], d) for d in details[-len(methods):])), flush=True)

    results: dict = {"pages_per_style_and_level": pages_per, "first_page": first_page, "pages_left_out": left_out,
                     "by_style_level": {}, "overall": {}}
    if born_digital_pages:
        results["born_digital_pages"] = {"pages": born_digital_pages["pages"],
                                         "cells_from_own_words": born_digital_pages["taken"]}

    def summarise(keys) -> dict:
        total = Counter()
        for k in keys:
            total.update(tally[k])
        s = _score(total["matched"], total["predicted"], total["truth"])
        s["f1_names_without_marks"] = _score(total["folded"], total["predicted"], total["truth"])["f1"]
        if total["unmarked_predicted"]:
            s["f1_without_label_marks"] = _score(total["unmarked_matched"], total["unmarked_predicted"], total["truth"])["f1"]
            s["unit_accuracy_without_label_marks"] = round(
                total["unmarked_unit_matched"] / total["unmarked_matched"], 4) if total["unmarked_matched"] else 0.0
        if total["ocr_cells_predicted"]:  # born-digital pages: their cells OCR'd instead of taken
            s["f1_cells_read_by_ocr"] = _score(total["ocr_cells_matched"], total["ocr_cells_predicted"],
                                               total["ocr_cells_truth"])["f1"]
        s["cell_accuracy"] = round(total["cells_ok"] / total["cells"], 4) if total["cells"] else 0.0
        s["unit_accuracy"] = round(total["unit_matched"] / total["matched"], 4) if total["matched"] else 0.0
        s["seconds_per_page"] = round(total["seconds"] / total["pages"], 2) if total["pages"] else 0.0
        s["observations"] = total["truth"]
        if total["text_truth"]:  # the page text's table cells, alone and with the cells' own readings
            s["text_cells_page_words"] = round(total["text_alone"] / total["text_truth"], 4)
            s["text_cells"] = round(total["text_taken"] / total["text_truth"], 4)
        return s

    print(f"\n{'variant':13s} {'style':11s} {'level':6s} "
          + " ".join(f"{m + ' F1':>14s} {'cells':>6s} {'s/page':>6s}" for m in methods))
    for variant, _, _ in runs:
        for style in STYLES:
            for level in levels:
                if ("sohoa", variant, style, level) not in tally:
                    continue
                row = {m: summarise([(m, variant, style, level)]) for m in methods}
                key = f"{style}/{level}" if len(runs) == 1 else f"{variant}/{style}/{level}"
                results["by_style_level"][key] = row
                print(f"{variant:13s} {style:11s} {level:6s} " + " ".join(
                    f"{row[m]['f1']:14.3f} {row[m]['cell_accuracy']:6.3f} {row[m]['seconds_per_page']:6.2f}"
                    for m in methods))
    for m in methods:
        results["overall"][m] = {
            "all": summarise([k for k in tally if k[0] == m]),
            "degraded": summarise([k for k in tally if k[0] == m and k[3] != "clean"]),
            **({f"variant:{v}": summarise([k for k in tally if k[0] == m and k[1] == v]) for v, _, _ in runs}
               if len(runs) > 1 else {}),
            **({f"variant:{v}/degraded": summarise([k for k in tally if k[0] == m and k[1] == v and k[3] != "clean"])
                for v, _, _ in runs} if len(runs) > 1 else {}),
            **{f"style:{s}": summarise([k for k in tally if k[0] == m and k[2] == s]) for s in STYLES},
            **({f"{v}/style:{s}": summarise([k for k in tally if k[0] == m and k[1] == v and k[2] == s])
                for v, _, _ in runs for s in STYLES if (m, v, s, levels[0]) in tally} if len(runs) > 1 else {}),
            **{f"level:{lv}": summarise([k for k in tally if k[0] == m and k[3] == lv]) for lv in levels},
        }
    print("\noverall (P / R / F1, cell accuracy, s/page):")
    for m in methods:
        for name, s in results["overall"][m].items():
            print(f"  {m:9s} {name:18s} {s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}  "
                  f"cells {s['cell_accuracy']:.3f}  units {s['unit_accuracy']:.3f}  {s['seconds_per_page']:.2f}s  "
                  f"(F1 with names compared without marks {s['f1_names_without_marks']:.3f}"
                  + (f", label mark check toggled {s['f1_without_label_marks']:.3f}"
                     f" (units {s['unit_accuracy_without_label_marks']:.3f})" if "f1_without_label_marks" in s else "")
                  + ")" + (f"  cells OCR'd instead {s['f1_cells_read_by_ocr']:.3f}" if "f1_cells_read_by_ocr" in s
                           else "") + (f"  page text cells {s['text_cells']:.3f} (page words alone {s['text_cells_page_words']:.3f})"
                           if "text_cells" in s else ""))
    if born_digital_pages:
        print(f"born-digital pages whose cells took the page's own words: {born_digital_pages['taken']} of "
              f"{born_digital_pages['pages']} (the others sohoa OCRs)")
    if left_out:
        print(f"pages left out (the browser maker's table ran over its sheet): {', '.join(left_out)}")
    (out_dir / "details.json").write_text(json.dumps(details, ensure_ascii=False, indent=1))
    (out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return results


if __name__ == "__main__":  # pragma: no cover
    import sys

    here = Path(__file__).resolve().parent
    main(here / "out" / "tables")
    sys.exit(0)
