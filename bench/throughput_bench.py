"""Throughput benchmark: `sohoa run` against Tesseract alone, the physical limit of the pipeline.

    make bench BENCH=throughput          (figures printed, and in bench/out/throughput/throughput.json)

Anchor: two plain `tesseract PAGE stdout -l vie` processes (OMP_THREAD_LIMIT=1) on the pages
rasterised beforehand (untimed) to uncompressed 300-dpi PGM, the cheapest input Tesseract has,
with the OCR model `sohoa run` uses by default (`--tessdata-dir` of the shipped 'best' model;
BENCH_THROUGHPUT_MODEL=fast compares with the system's model and passes `--ocr-model fast`).
Beside it, `tesseract_choices`: the same processes writing hOCR with per-character choices
(`-c tessedit_create_hocr=1` and `sohoa.ingest.ocr.CHOICE_CONFIG`), what the page step asks of the engine for
the repair's evidence: the floor of sohoa's own engine configuration.
sohoa is timed end to end on the same image-only PDFs, rasterising included:
  full   `sohoa run --jobs 2` (OCR, layout, repair, tables, searchable PDF: the defaults)
  lean   `sohoa run --jobs 2 --no-repair --no-tables`
  library  `sohoa run --jobs 2 --ocr-engine libtesseract` (full, Tesseract in the workers)
  dask   `sohoa run --scheduler local:2` (a LocalCluster of 2 single-threaded workers, started
         by the run and counted in its time), against `full`: the best runs', and each round's
         (the two run one after the other)
on two page sets: prose (held-out legal text, no tables) and table pages (synthetic ruled and
borderless tables). Runs alternate; the best wall time of BENCH_THROUGHPUT_REPEATS (default 2)
counts, and the CPU seconds per page of the whole process tree are given beside it, since
other load on a shared CPU distorts wall time far more than CPU time. Compare the ratios,
measured in one run. Peak memory of 5 and 50 pages comes from the ingest bench's measure.
Sizes (env): BENCH_THROUGHPUT_PROSE (pages, default 10), BENCH_THROUGHPUT_TABLES (default 5),
BENCH_THROUGHPUT_MEMORY_PAGES (default 50; 0 skips the memory part).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import ingest_bench
from bench.ingest_bench import ENV, REPO, heldout_documents
from sohoa.ingest.ocr import CHOICE_CONFIG

RUNS = {
    "full": ("--jobs", "2"),
    "dask": ("--scheduler", "local:2"),  # right after `full`: their ratio is read round by round too
    "lean": ("--jobs", "2", "--no-repair", "--no-tables"),
    "library": ("--jobs", "2", "--ocr-engine", "libtesseract"),
}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prose_pdfs(folder: Path, pages: int) -> list[Path]:
    """Image-only PDFs of two prose pages each (held-out legal text, no tables)."""
    from sohoa.synth.render import render_document, write_image_pdf

    pdfs = []
    for k, (_, paragraphs) in enumerate(heldout_documents((pages + 1) // 2)):
        rendered = render_document(paragraphs[8:], level="light", seed=500 + k, max_pages=2)[:2]
        pdfs.append(write_image_pdf(rendered, folder / f"prose_{k:02d}.pdf"))
        if len(pdfs) * 2 >= pages:  # the PDFs made here: a folder may hold those of an earlier run
            break
    return pdfs


def table_pdfs(folder: Path, pages: int) -> list[Path]:
    """One image-only PDF per synthetic table page, over the table styles in turn."""
    from sohoa.synth.render import write_image_pdf
    from sohoa.synth.tables_render import STYLES, render_table_page

    return [write_image_pdf([render_table_page(STYLES[k % len(STYLES)], 40 + k).image], folder / f"table_{k:02d}.pdf")
            for k in range(pages)]


def rasterise_pgm(pdfs: list[Path], folder: Path) -> list[Path]:
    """Every page as an uncompressed 8-bit grey PGM at 300 dpi (not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", str(pdf), str(folder / pdf.stem)], check=True)
    return sorted(folder.glob("*.pgm"))


def model_args(model: str) -> list[str]:
    """The tesseract arguments that select `model`, as `sohoa run --ocr-model` does."""
    from sohoa.ingest.ocr import tessdata_dir

    folder = tessdata_dir(model)
    return ["--tessdata-dir", str(folder)] if folder else []


CHOICES = ("-c", "tessedit_create_hocr=1", *CHOICE_CONFIG.split())
"""What the page step asks of Tesseract beyond plain text: hOCR with each character's choices."""


def tesseract_timed(pages: list[Path], processes: int = 2, model: str = "best",
                    choices: bool = False) -> tuple[float, float]:
    """(wall, CPU seconds) of plain tesseract with `model` over the pages, `processes` at a time
    (`choices`: writing hOCR with per-character choices, as the page step reads)."""
    extra = model_args(model) + (list(CHOICES) if choices else [])

    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), "stdout", "-l", "vie", *extra], capture_output=True, env=ENV,
                       check=True)

    cpu, started = _children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started, _children_cpu() - cpu


def sohoa_timed(pdfs: list[Path], out: Path, args: tuple[str, ...]) -> tuple[float, float]:
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sohoa.cli", "run", *map(str, pdfs), "-o", str(out), "-q", "--force", *args],
                   check=False, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu


def measure(name: str, pdfs: list[Path], folder: Path, repeats: int, runs: dict, model: str = "best") -> dict:
    pgms = rasterise_pgm(pdfs, folder / "pgm")
    n = len(pgms)
    timings: dict[str, list[tuple[float, float]]] = {"tesseract": [], "tesseract_choices": [], **{k: [] for k in runs}}
    for _ in range(repeats):  # alternate, so slow spells of a shared CPU fall on every side
        timings["tesseract"].append(tesseract_timed(pgms, model=model))
        timings["tesseract_choices"].append(tesseract_timed(pgms, model=model, choices=True))
        for run, args in runs.items():
            timings[run].append(sohoa_timed(pdfs, folder / f"run_{run}", (*args, "--ocr-model", model)))
    best = {k: min(v) for k, v in timings.items()}
    result = {"pages": n, "repeats": repeats, "model": model, "load_average": round(os.getloadavg()[0], 1),
              "pages_per_s": {k: round(n / v[0], 3) for k, v in best.items()},
              "cpu_s_per_page": {k: round(v[1] / n, 2) for k, v in best.items()}}
    result["ratio_to_tesseract"] = {k: round(best["tesseract"][0] / best[k][0], 3) for k in runs}
    result["cpu_ratio_to_tesseract"] = {k: round(best["tesseract"][1] / max(best[k][1], 1e-9), 3) for k in runs}
    # the floor of the page step's own engine configuration, beside plain Tesseract's
    result["cpu_ratio_to_tesseract_choices"] = {k: round(best["tesseract_choices"][1] / max(best[k][1], 1e-9), 3)
                                                for k in runs}
    if "dask" in runs and "full" in runs:
        result["dask_vs_jobs2"] = round(best["full"][0] / best["dask"][0], 3)
        # each round's two runs one after the other: a shared machine's speed drifts less
        # between them than between the best runs of different rounds
        result["dask_vs_jobs2_each_round"] = [round(f[0] / d[0], 3) for f, d in zip(timings["full"], timings["dask"])]
    print(f"{name}: {n} pages, model {model}, best of {repeats}; pages/s " +
          ", ".join(f"{k} {v:.3f}" for k, v in result["pages_per_s"].items()) +
          "; ratio to 2x tesseract " + ", ".join(f"{k} {v:.2f}" for k, v in result["ratio_to_tesseract"].items()) +
          "; CPU s/page " + ", ".join(f"{k} {v:.2f}" for k, v in result["cpu_s_per_page"].items()) +
          (f"; dask local:2 vs --jobs 2 {result['dask_vs_jobs2']:.2f} (each round: "
           + ", ".join(f"{r:.2f}" for r in result["dask_vs_jobs2_each_round"]) + ")"
           if "dask_vs_jobs2" in result else ""),
          flush=True)
    return result


def main(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    repeats = int(os.environ.get("BENCH_THROUGHPUT_REPEATS", "2"))
    model = os.environ.get("BENCH_THROUGHPUT_MODEL", "best")
    prose_dir, table_dir = out_dir / "prose", out_dir / "tables"
    for folder in (prose_dir, table_dir):
        folder.mkdir(parents=True, exist_ok=True)
    results = {
        "prose": measure("prose", prose_pdfs(prose_dir, int(os.environ.get("BENCH_THROUGHPUT_PROSE", "10"))),
                         prose_dir, repeats, RUNS, model),
        "tables": measure("tables", table_pdfs(table_dir, int(os.environ.get("BENCH_THROUGHPUT_TABLES", "5"))),
                          table_dir, repeats, {k: v for k, v in RUNS.items() if k != "dask"}, model),
    }
    memory_pages = int(os.environ.get("BENCH_THROUGHPUT_MEMORY_PAGES", "50"))
    if memory_pages:
        results["memory"] = ingest_bench.memory(out_dir, memory_pages)
    (out_dir / "throughput.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    print(json.dumps(main(REPO / "bench" / "out" / "throughput"), indent=2))
