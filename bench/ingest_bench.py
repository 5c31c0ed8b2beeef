"""Ingest benchmark: accuracy, speed and memory of `sohoa run` against plain Tesseract.

    make bench BENCH=ingest          (figures printed, and in bench/out/results.json)

Accuracy: pages rendered by sohoa.synth.render from HELD-OUT corpus text (official header on
the first page of each document, page numbers on the others) at three degradation levels,
saved as 300-DPI PNGs. `sohoa run --no-repair --no-tables` (OCR + preprocessing + layout,
before repair) and the anchor, plain `tesseract PAGE stdout -l vie`, read the same PNGs;
CER is scored by sohoa.ingest.evaluate (NFC, whitespace runs collapsed, totals per level).
An ablation runs the page pipeline with binarisation / a median denoise switched on.
Speed: pages/s of `sohoa run --jobs 2` (default settings, and with --no-repair --no-tables)
on a multi-page image-only PDF, timed end to end (rasterising included), vs two plain Tesseract
processes over the same pages rasterised beforehand (not timed) to uncompressed PGM; runs alternate, best of BENCH_INGEST_SPEED_REPEATS (default 2), and the
CPU seconds per page of each are reported too, since other load on a shared CPU distorts
wall-clock figures far more than CPU time.
Memory: peak resident memory of the whole process tree of `sohoa run --jobs 2` on a 50-page
PDF vs a 5-page one.
BENCH_INGEST_ABLATION picks the ablation variants (binarise, denoise_always, denoise_never;
default binarise,denoise_never). Sizes (env): BENCH_INGEST_DOCS (documents per level, 2 pages each; default 2),
BENCH_INGEST_SPEED_PAGES (default 8), BENCH_INGEST_MEMORY_PAGES (default 50).
The CPU may be shared with other work: compare the ratios, which are measured in one run.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = next((p for p in (REPO / ".." / "shared", REPO / ".." / ".." / "shared") if p.exists()), REPO / ".." / "shared")
CORPUS = [SHARED / "corpus" / "vi_legal.jsonl.gz"]
LEVELS = ("clean", "light", "heavy")
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


# ------------------------------------------------------------------ data
def heldout_documents(count: int, skip: int = 0, split: str = "heldout"):
    """Paragraph lists from held-out legal documents (body text, past the printed header);
    `split="heldout_topics"`: from the legal topic held out of training whole."""
    from sohoa.ingest.legacy import reflow
    from sohoa.synth.corpus import iter_corpus

    docs = []
    for n, document in enumerate(iter_corpus(CORPUS, split=split)):
        if n < skip:
            continue
        lines = document.text.splitlines()
        body = "\n".join(lines[40:400])
        paragraphs = [p for p in reflow(body, blank_lines_break=False)
                      if len(p) > 40 and not re.search(r"CÔNG BÁO|^\d+$", p)]
        if len(paragraphs) >= 8:
            docs.append((document.doc_id, paragraphs))
        if len(docs) == count:
            break
    return docs


def render_pages(level: str, docs, folder: Path, seed: int) -> list[tuple[Path, str]]:
    """Each document → 2 pages as PNG; returns (png, truth) per page."""
    import random

    from sohoa.synth.render import OfficialHeader, render_document

    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for k, (_, paragraphs) in enumerate(docs):
        header = OfficialHeader.random(random.Random(seed + k), title=("QUYẾT ĐỊNH",))
        rendered = render_document(paragraphs, header=header, level=level, seed=seed + k, max_pages=2)
        for page in rendered:
            path = folder / f"{level}_{k:02d}_p{page.page}.png"
            page.image.save(path, dpi=(300, 300))
            pages.append((path, page.truth_text))
    return pages


# ------------------------------------------------------------------ runners
def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sohoa_run(inputs: list[Path], out: Path, *args: str) -> float:
    return sohoa_run_timed(inputs, out, *args)[0]


def sohoa_run_timed(inputs: list[Path], out: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree)."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sohoa.cli", "run", *map(str, inputs), "-o", str(out), "-q", "--force", *args],
                   check=False, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu


def plain_tesseract_timed(pngs: list[Path], processes: int = 2) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of plain tesseract over the pages, `processes` at a time."""
    cpu = _children_cpu()
    _, seconds = plain_tesseract(pngs, processes)
    return seconds, _children_cpu() - cpu


def plain_tesseract(pngs: list[Path], processes: int = 2) -> tuple[dict[Path, str], float]:
    def one(png: Path) -> str:
        return subprocess.run(["tesseract", str(png), "stdout", "-l", "vie"], capture_output=True, env=ENV,
                              check=False).stdout.decode("utf-8", errors="replace")

    started = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        texts = dict(zip(pngs, pool.map(one, pngs)))
    return texts, time.perf_counter() - started


def _variant_text(args) -> str:
    png, options = args
    from sohoa.pipeline import process_page
    from sohoa.ingest.records import PageSource

    result = process_page(PageSource(png.stem, str(png), "image", 1, 300), options)
    return "\n".join(result.layout.paragraphs) if result.layout else ""


# ------------------------------------------------------------------ parts
def accuracy(out_dir: Path, docs_per_level: int) -> dict:
    from sohoa.ingest.evaluate import score, total
    from sohoa.ingest.page import PageOptions

    docs = heldout_documents(docs_per_level * len(LEVELS))
    results: dict = {"pages": {}, "cer": {}}
    all_pages = {}
    for n, level in enumerate(LEVELS):
        pages = render_pages(level, docs[n * docs_per_level:(n + 1) * docs_per_level], out_dir / "pages" / level,
                             seed=100 + 10 * n)
        all_pages[level] = pages
        run_dir = out_dir / "runs" / level
        sohoa_run([p for p, _ in pages], run_dir, "--no-repair", "--no-tables", "--jobs", "2")
        plain, _ = plain_tesseract([p for p, _ in pages])
        ours = [score(p.stem, (run_dir / p.stem / "text.txt").read_text(encoding="utf-8")
                      if (run_dir / p.stem / "text.txt").exists() else "", truth) for p, truth in pages]
        anchor = [score(p.stem, plain[p], truth) for p, truth in pages]
        results["pages"][level] = len(pages)
        results["cer"][level] = {"sohoa": round(total(ours).cer, 4), "tesseract": round(total(anchor).cer, 4),
                                 "ratio": round(total(ours).cer / max(total(anchor).cer, 1e-9), 3),
                                 "sohoa_wer": round(total(ours).wer, 4), "tesseract_wer": round(total(anchor).wer, 4)}
        print(f"accuracy {level:>5}: {len(pages)} pages  CER sohoa {total(ours).cer:.4f}  "
              f"tesseract {total(anchor).cer:.4f}  (WER {total(ours).wer:.4f} vs {total(anchor).wer:.4f})", flush=True)

    all_variants = {"binarise": PageOptions(tables=False, binarise=True),
                    "denoise_always": PageOptions(tables=False, denoise=True),
                    "denoise_never": PageOptions(tables=False, denoise=False)}
    wanted = os.environ.get("BENCH_INGEST_ABLATION", "binarise,denoise_never").split(",")
    variants = {name: all_variants[name] for name in wanted if name in all_variants}
    results["ablation_cer"] = {}
    with ProcessPoolExecutor(2) as pool:
        for name, options in variants.items():
            row = {}
            for level, pages in all_pages.items():
                texts = list(pool.map(_variant_text, [(p, options) for p, _ in pages]))
                row[level] = round(total([score(p.stem, t, truth) for (p, truth), t in zip(pages, texts)]).cer, 4)
            results["ablation_cer"][name] = row
            print(f"ablation {name:>14}: " + "  ".join(f"{lv} {c:.4f}" for lv, c in row.items()), flush=True)
    return results


def speed(out_dir: Path, pages: int) -> dict:
    from sohoa.synth.render import render_document, write_image_pdf

    docs = heldout_documents(pages)
    rendered = []
    for k, (_, paragraphs) in enumerate(docs):
        rendered += render_document(paragraphs[8:], level="light", seed=500 + k, max_pages=3)
        if len(rendered) >= pages:
            break
    rendered = rendered[:pages]
    folder = out_dir / "speed"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = write_image_pdf(rendered, folder / "speed.pdf")
    # the anchor reads uncompressed PGM, the cheapest input Tesseract has; rasterising it is not timed
    for old in folder.glob("page-*.p[gn][mg]"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "300", "-gray", str(pdf), str(folder / "page")], check=True)
    pngs = sorted(folder.glob("page-*.pgm"))
    # The CPU is shared: runs alternate, the best wall time of each counts, and CPU seconds
    # (which other load barely changes) are reported beside it.
    repeats = int(os.environ.get("BENCH_INGEST_SPEED_REPEATS", "2"))
    plain, full, lean = [], [], []
    for _ in range(repeats):
        plain.append(plain_tesseract_timed(pngs, processes=2))
        full.append(sohoa_run_timed([pdf], folder / "run", "--jobs", "2"))
        lean.append(sohoa_run_timed([pdf], folder / "run_lean", "--jobs", "2", "--no-repair", "--no-tables"))
    n = len(pngs)
    best = {name: min(runs) for name, runs in (("plain", plain), ("full", full), ("lean", lean))}
    result = {"pages": n, "repeats": repeats,
              "tesseract_2proc_pages_per_s": round(n / best["plain"][0], 3),
              "sohoa_jobs2_pages_per_s": round(n / best["full"][0], 3),
              "sohoa_jobs2_no_repair_no_tables_pages_per_s": round(n / best["lean"][0], 3),
              "cpu_s_per_page": {k: round(v[1] / n, 2) for k, v in best.items()}}
    result["ratio"] = round(best["plain"][0] / best["full"][0], 3)
    result["ratio_no_repair_no_tables"] = round(best["plain"][0] / best["lean"][0], 3)
    result["cpu_ratio"] = round(best["plain"][1] / best["full"][1], 3)
    result["cpu_ratio_no_repair_no_tables"] = round(best["plain"][1] / best["lean"][1], 3)
    print(f"speed: {n} pages, best of {repeats}: sohoa --jobs 2 {result['sohoa_jobs2_pages_per_s']:.3f} p/s "
          f"(no repair/tables {result['sohoa_jobs2_no_repair_no_tables_pages_per_s']:.3f}), "
          f"2x tesseract {result['tesseract_2proc_pages_per_s']:.3f} p/s; throughput ratio {result['ratio']:.2f} "
          f"({result['ratio_no_repair_no_tables']:.2f}); CPU s/page {result['cpu_s_per_page']}, "
          f"CPU ratio {result['cpu_ratio']:.2f} ({result['cpu_ratio_no_repair_no_tables']:.2f})", flush=True)
    return result


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as handle:
                kb = next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = kb
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def peak_memory(pdf: Path, out: Path) -> tuple[float, float]:
    """(peak MB of the whole process tree, seconds) of `sohoa run --jobs 2` on one PDF."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "sohoa.cli", "run", str(pdf), "-o", str(out), "-q", "--force",
                                "--jobs", "2", "--no-repair"], env=ENV, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.1)
    return peak / 1024, time.perf_counter() - started


def memory(out_dir: Path, long_pages: int) -> dict:
    from sohoa.synth.render import render_document, write_image_pdf

    folder = out_dir / "memory"
    folder.mkdir(parents=True, exist_ok=True)
    # short text per page keeps OCR time low; the page images are full A4 at 300 DPI all the same
    paragraph = ("Ủy ban nhân dân tỉnh giao các sở, ban, ngành theo dõi, đánh giá việc thực hiện "
                 "các chỉ tiêu kinh tế - xã hội năm 2023.")
    pages = []
    for k in range(long_pages):
        pages += render_document([paragraph], level="light", seed=900 + k, page_numbers=False)
    short_pdf = write_image_pdf(pages[:5], folder / "short.pdf")
    long_pdf = write_image_pdf(pages, folder / "long.pdf")
    short_mb, short_s = peak_memory(short_pdf, folder / "run_short")
    long_mb, long_s = peak_memory(long_pdf, folder / "run_long")
    result = {"short_pages": 5, "short_peak_mb": round(short_mb, 1), "long_pages": long_pages,
              "long_peak_mb": round(long_mb, 1), "ratio": round(long_mb / max(short_mb, 1e-9), 3),
              "long_seconds": round(long_s, 1)}
    print(f"memory: peak {short_mb:.0f} MB on 5 pages, {long_mb:.0f} MB on {long_pages} pages "
          f"(ratio {result['ratio']:.2f})", flush=True)
    return result


def main(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = int(os.environ.get("BENCH_INGEST_DOCS", "2"))
    results = {
        "accuracy": accuracy(out_dir, docs),
        "speed": speed(out_dir, int(os.environ.get("BENCH_INGEST_SPEED_PAGES", "8"))),
        "memory": memory(out_dir, int(os.environ.get("BENCH_INGEST_MEMORY_PAGES", "50"))),
    }
    (out_dir / "ingest.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    print(json.dumps(main(REPO / "bench" / "out" / "ingest"), indent=2))
