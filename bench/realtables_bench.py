"""Real-scan table benchmark: the CSVs `sohoa run` writes for real scanned table pages, cell by
cell against a hand transcription, beside img2table on the same pages in the same run.

    make bench BENCH=realtables       (figures printed, and in bench/out/realtables/realtables.json)

Pages: every page listed in bench/realscans/tables.jsonl (its gold CSV transcribed from the scan
by eye, see bench/realscans/GOLD.md); the scans are read from ../shared/realscans
(REALSCANS_DIR overrides) and never copied into the project. Pages of a `heldout` split are
reported apart: nothing of the table step was chosen by looking at them.

- sohoa: `sohoa run FILE -o OUT --no-pdf --jobs 2` (defaults otherwise), the CSVs read back
  with pandas; the body rows of a page are those its table's JSON gives that page
  (`row_pages`: a table continued over pages is one CSV);
- sohoa's text.txt of the same run: each line of the page cut into cells at the ' | ' that
  text.txt writes between a table row's cells (what a search or a reader of the page text
  gets of the table), scored as the CSVs are;
- anchor: img2table (`TesseractOCR(lang='vie')`, borderless tables on) on the page rasterised
  by `pdftoppm -r 300`, every row of every table it finds.

Scoring (the same for both): the gold's body rows (section rows, whose one field spans the
table, and the header row are counted apart) are paired one to one with the predicted rows
of their page, likeliest pairs first (rapidfuzz ratio of the rows' joined text, at least
MIN_ROW_SIMILARITY); within a pair the cells are lined up in order, a predicted column split
or merged costing only the cells it touches. Figures: rows found, cells exact (NFC,
whitespace runs collapsed), mean cell CER (capped at 1; a cell of a row not found counts 1),
per page, per split, per document (with its columns apart) and for all pages.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
import time
from pathlib import Path

from bench.realscans_bench import HERE, SCANS, run_sohoa  # the scans, the gold beside them, the run
from bench.tables_bench import img2table_grid, normalised, once_per_span  # img2table's tables read as there; cells compared alike

SYSTEMS = ("sohoa", "sohoa_text", "img2table")
"""sohoa's CSVs; sohoa's text.txt, its table rows cut at ' | ' (the page text a search or a
reader of text.txt gets, scored alike); img2table."""
MIN_ROW_SIMILARITY = 60.0  # rapidfuzz ratio (0-100) below which a predicted row is no reading of a gold row


# ------------------------------------------------------------------ gold
def gold_pages() -> list[dict]:
    """The listed pages whose scan and gold CSV exist: file, page, split, gold (rows of fields)."""
    pages = []
    for line in (HERE / "tables.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        gold, scan = HERE / entry["gold"], SCANS / entry["file"]
        if gold.exists() and scan.exists():
            with gold.open(encoding="utf-8", newline="") as handle:
                entry["rows"] = [[normalised(v) for v in row] for row in csv.reader(handle)]
            pages.append(entry)
    return pages


def kinds(rows: list[list[str]]) -> list[str]:
    """'body', 'section' (one field filled: a row spanning the table) or 'header' per gold row."""
    out = []
    for k, row in enumerate(rows):
        filled = [v for v in row if v]
        if k == 0 and filled and filled[0].upper() in ("STT", "TT"):
            out.append("header")
        else:
            out.append("section" if len(filled) <= 1 else "body")
    return out


# ------------------------------------------------------------------ scoring
def line_up(gold: list[str], got: list[str]) -> list[str]:
    """The predicted cell set against each gold cell ('' where none): an alignment in order
    that maximises the summed similarity, so a column split or merged costs only its cells."""
    from rapidfuzz import fuzz

    n, m = len(gold), len(got)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], fuzz.ratio(gold[i], got[j]) + best[i + 1][j + 1])
    out, i, j = [], 0, 0
    while i < n:
        if j < m and best[i][j] == fuzz.ratio(gold[i], got[j]) + best[i + 1][j + 1]:
            out.append(got[j])
            i, j = i + 1, j + 1
        elif j < m and best[i][j] == best[i][j + 1]:
            j += 1
        else:
            out.append("")
            i += 1
    return out


def score_page(gold_rows: list[list[str]], predicted: list[list[str]]) -> dict:
    """Rows found, cells exact and cell CER of one page's predicted rows against its gold."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    labels = kinds(gold_rows)
    body = [row for row, kind in zip(gold_rows, labels) if kind == "body"]
    sections = [row for row, kind in zip(gold_rows, labels) if kind == "section"]
    joined = [" | ".join(v for v in row if v) for row in predicted]
    pairs = sorted(((fuzz.ratio(" | ".join(v for v in g if v), p), gi, pi)
                    for gi, g in enumerate(body) for pi, p in enumerate(joined)), reverse=True)
    match: dict[int, int] = {}
    taken: set[int] = set()
    for similarity, gi, pi in pairs:
        if similarity < MIN_ROW_SIMILARITY:
            break
        if gi not in match and pi not in taken:
            match[gi] = pi
            taken.add(pi)
    columns = len(body[0]) if body else 0
    exact_by_column = [0] * columns
    cells = exact = 0
    cer_sum = 0.0
    for gi, row in enumerate(body):
        got = line_up(row, [normalised(v) for v in predicted[match[gi]]]) if gi in match else [""] * len(row)
        for c, (want, have) in enumerate(zip(row, got)):
            cells += 1
            same = want == have
            exact += same
            if c < columns:
                exact_by_column[c] += same
            cer_sum += 1.0 if gi not in match else min(1.0, Levenshtein.distance(have, want) / max(1, len(want)))
    section_texts = {normalised(" ".join(v for v in row if v)) for row in predicted}
    # a section row against the predicted row it reads most like (a row not read counts 1)
    section_cer = sum(min((Levenshtein.distance(text, normalised(r[0])) / max(1, len(normalised(r[0]))) for text in section_texts),
                          default=1.0) for r in sections)
    return {"rows": len(body), "rows_found": len(match), "cells": cells, "cells_exact": exact,
            "cer_sum": round(cer_sum, 4), "exact_by_column": exact_by_column,
            "sections": len(sections), "sections_exact": sum(normalised(r[0]) in section_texts for r in sections),
            "sections_cer_sum": round(min(section_cer, len(sections)), 4)}


def totals(scores: list[dict]) -> dict:
    total = {key: sum(s[key] for s in scores) for key in ("rows", "rows_found", "cells", "cells_exact",
                                                        "sections", "sections_exact")}
    cer_sum = sum(s["cer_sum"] for s in scores)
    section_cer = sum(s.get("sections_cer_sum", 0.0) for s in scores)
    widths = {len(s["exact_by_column"]) for s in scores}
    # per column only where every page is of one table's columns (the same width)
    by_column = [sum(s["exact_by_column"][c] for s in scores) for c in range(widths.pop())] if len(widths) == 1 else []
    return total | {"cell_accuracy": round(total["cells_exact"] / max(1, total["cells"]), 4),
                    "cell_cer": round(cer_sum / max(1, total["cells"]), 4),
                    "row_recall": round(total["rows_found"] / max(1, total["rows"]), 4),
                    "section_cer": round(section_cer / max(1, total["sections"]), 4),
                    "column_accuracy": [round(v / max(1, total["rows"]), 4) for v in by_column]}


# ------------------------------------------------------------------ the two readers
def sohoa_rows(file: Path, out: Path) -> dict[int, list[list[str]]]:
    """Body rows per page of every table `sohoa run` writes for `file` (CSV read by pandas)."""
    import pandas as pd

    run_sohoa(file, out, "--no-pdf", "-q")
    doc = next((d for d in out.iterdir() if d.is_dir() and (d / "tables").is_dir()), None)
    pages: dict[int, list[list[str]]] = {}
    for described in sorted(doc.glob("tables/*.json")) if doc else ():
        table = json.loads(described.read_text(encoding="utf-8"))
        frame = pd.read_csv(described.with_suffix(".csv"), dtype=str, keep_default_na=False)
        row_pages = table.get("row_pages") or [table["page"]] * len(frame)
        for page, row in zip(row_pages, frame.itertuples(index=False)):
            pages.setdefault(int(page), []).append([normalised(v) for v in row])
    return pages


def text_rows(out: Path) -> dict[int, list[list[str]]]:
    """Per page, the lines of the text.txt of the run `sohoa_rows` made, each cut into cells at
    its ' | ' (a table row as text.txt writes it; any other line reads as no gold row)."""
    doc = next((d for d in out.iterdir() if d.is_dir() and (d / "text.txt").exists()), None)
    if doc is None:
        return {}
    pages = (doc / "text.txt").read_text(encoding="utf-8").split("\f")
    return {n: [[normalised(v) for v in line.split(" | ")] for line in text.splitlines() if line.strip()]
            for n, text in enumerate(pages, start=1)}


def img2table_rows(file: Path, page: int, ocr) -> list[list[str]]:
    """Every row of every table img2table finds on the page rasterised at 300 dpi."""
    from img2table.document import Image as I2TImage

    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(file), str(stem)], check=True, capture_output=True)
        extracted = I2TImage(src=str(stem.with_suffix(".png"))).extract_tables(
            ocr=ocr, borderless_tables=True, implicit_rows=False)
    return [once_per_span(row) for table in extracted for row in img2table_grid(table)]


# ------------------------------------------------------------------ the run
def main(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = gold_pages()
    if not pages:
        print("no gold table pages with their scans (bench/realscans/tables.jsonl, REALSCANS_DIR)")
        return {}
    from img2table.ocr import TesseractOCR

    ocr = TesseractOCR(lang="vie")
    results: dict = {"pages": {}}
    seconds = {"sohoa": 0.0, "img2table": 0.0}
    read: dict[str, dict[int, list[list[str]]]] = {}
    texts: dict[str, dict[int, list[list[str]]]] = {}
    for entry in pages:
        file = SCANS / entry["file"]
        if entry["file"] not in read:
            started = time.perf_counter()
            read[entry["file"]] = sohoa_rows(file, out_dir / "sohoa" / file.stem)
            seconds["sohoa"] += time.perf_counter() - started
            texts[entry["file"]] = text_rows(out_dir / "sohoa" / file.stem)
        started = time.perf_counter()
        anchor = img2table_rows(file, entry["page"], ocr)
        seconds["img2table"] += time.perf_counter() - started
        name = f"{entry['file']}#p{entry['page']}"
        results["pages"][name] = {"split": entry["split"],
                                  "sohoa": score_page(entry["rows"], read[entry["file"]].get(entry["page"], [])),
                                  "sohoa_text": score_page(entry["rows"], texts[entry["file"]].get(entry["page"], [])),
                                  "img2table": score_page(entry["rows"], anchor)}
        s, a = results["pages"][name]["sohoa"], results["pages"][name]["img2table"]
        print(f"{name:48} {entry['split']:8} sohoa cells {s['cells_exact']}/{s['cells']} rows {s['rows_found']}/"
              f"{s['rows']}  img2table cells {a['cells_exact']}/{a['cells']} rows {a['rows_found']}/{a['rows']}",
              flush=True)
    # figures per split, per document (its table's columns read alike) and for all pages
    groups: dict[str, list[dict]] = {}
    for name, page in results["pages"].items():
        for group in (page["split"], f"file:{name.split('#')[0]}", "all"):
            groups.setdefault(group, []).append(page)
    for group in sorted(groups, key=lambda g: (g == "all", g.startswith("file:"), g)):
        results[group] = {system: totals([p[system] for p in groups[group]]) for system in SYSTEMS}
        for system in SYSTEMS:
            t = results[group][system]
            print(f"[{group}] {system:10} {len(groups[group])} pages: cells exact {t['cell_accuracy']:.4f} "
                  f"({t['cells_exact']}/{t['cells']}), cell CER {t['cell_cer']:.4f}, rows found "
                  f"{t['row_recall']:.4f}, sections {t['sections_exact']}/{t['sections']} (CER {t['section_cer']:.4f}), by column "
                  f"{t['column_accuracy']}", flush=True)
    results["seconds"] = {k: round(v, 1) for k, v in seconds.items()}
    print(f"time: sohoa run {seconds['sohoa']:.1f}s (whole documents), img2table {seconds['img2table']:.1f}s "
          f"(gold pages only)")
    (out_dir / "realtables.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return results
