"""Page geometry's CPU cost per page, as the pipeline computes it.

    make bench BENCH=geometry        (figures printed, and in bench/out/results.json)

Two steps, each timed by `time.process_time` (this process, OpenCV's threads included), the
least of REPEATS runs per page:
- the page step: `quarter_profiles`, `quarter_turn`, `page_skew`, the levelling turn,
  `find_rules`, `table_grids`, on a page with a grid `rule_turn`, `erase_rules`
  (`ingest.page.prepare`, `with_rules` and `read_page`);
- the table step: the turn measured by the page step made (`straighten`), `uncovered`,
  `rule_masks` (`rule_runs`, `with_dotted_rules`; `tables.page`); the turn measured here (`rule_skew`) on a
  page without a grid, as the table step does where it runs on one.

Pages: the synthetic table pages (every style of `synth.tables_render`, two seeds, each tilted
by a degree or so) and, where ../shared/realscans is there (REALSCANS_DIR overrides), the first
GEOMETRY_BENCH_REAL pages (default 12) of its PDFs (index.jsonl) in name order, rasterised by
sohoa at 300 dpi.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from sohoa.ingest import geometry, preprocess
from sohoa.ingest.page import upright_and_level

from bench.realscans_bench import SCANS

REPO = Path(__file__).resolve().parents[1]
REPEATS = 3


def page_geometry(grey: np.ndarray) -> tuple[np.ndarray, float, float | None]:
    """The page step's geometry (`ingest.page.upright_and_level`, then its rules, their grids and
    the turn a grid asks for; the long rules erased)."""
    grey, _, skew = upright_and_level(grey)
    rules, mask = geometry.find_rules(grey)
    grids = geometry.table_grids(rules)
    turn = geometry.rule_turn(grey, grids, 300) if grids else None
    geometry.erase_rules(grey, mask)
    return grey, skew, turn


def table_step(grey: np.ndarray, skew: float, turn: float | None) -> None:
    angle = geometry.rule_skew(grey, 300) if turn is None else turn
    level = geometry.straighten(grey, angle)
    geometry.rule_masks(level, 300, outside=geometry.uncovered(level.shape, -skew, angle))


def least_cpu(work, *args):
    best, result = float("inf"), None
    for _ in range(REPEATS):
        started = time.process_time()
        result = work(*args)
        best = min(best, time.process_time() - started)
    return best, result


def synthetic_pages():
    from sohoa.synth.tables_render import STYLES, render_table_page

    for k, style in enumerate(STYLES):
        for seed in (1, 2):
            image = np.asarray(render_table_page(style, seed).image)
            yield f"synth:{style}:{seed}", geometry.straighten(image, 0.4 * (k + seed) - 1.6)


def real_pages(count: int):
    import json

    from sohoa.ingest.rasterize import load_page
    from sohoa.ingest.records import PageSource

    index = SCANS / "index.jsonl"
    if count <= 0 or not index.is_file():
        return
    entries = [json.loads(line) for line in index.read_text().splitlines() if line.strip()]
    sources = [PageSource(Path(e["file"]).stem, str(SCANS / e["file"]), "pdf", page, 300)
               for e in sorted(entries, key=lambda e: e["file"]) if e["file"].endswith(".pdf")
               for page in range(1, e.get("pages", 0) + 1)]
    for source in sources[:count]:
        yield f"{source.path}:{source.page}", load_page(source)[0]


def measure(pages) -> dict:
    page_ms, table_ms = [], []
    for _, pixels in pages:
        grey = preprocess.remove_coloured_ink(pixels) if preprocess.has_colour(pixels) else preprocess.to_grey(pixels)
        grey = preprocess.flatten_background(grey)
        seconds, (level, skew, turn) = least_cpu(page_geometry, grey)
        page_ms.append(1000 * seconds)
        table_ms.append(1000 * least_cpu(table_step, level, skew, turn)[0])
    if not page_ms:
        return {}
    return {"pages": len(page_ms), "page_step_ms": round(float(np.mean(page_ms)), 1),
            "table_step_ms": round(float(np.mean(table_ms)), 1)}


def main(out_dir: Path) -> dict:
    results = {"synthetic": measure(synthetic_pages()),
               "realscans": measure(real_pages(int(os.environ.get("GEOMETRY_BENCH_REAL", "12"))))}
    for name, figures in results.items():
        if figures:
            print(f"{name}: {figures['pages']} pages, CPU ms/page: page step {figures['page_step_ms']}, "
                  f"table step {figures['table_step_ms']}")
        else:
            print(f"{name}: no pages")
    return results


if __name__ == "__main__":
    main(REPO / "bench" / "out" / "geometry")
