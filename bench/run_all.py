"""Run every benchmark module (bench/*_bench.py) in turn; `BENCH=name,name` picks some.

Each module has `main(out_dir: Path) -> dict` that prints its figures and returns them;
the collected figures land in bench/out/results.json.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    wanted = {n for n in os.environ.get("BENCH", "").split(",") if n}
    out_dir = here / "out"
    out_dir.mkdir(exist_ok=True)
    results = {}
    for module_path in sorted(here.glob("*_bench.py")):
        name = module_path.stem.removesuffix("_bench")
        if wanted and name not in wanted:
            continue
        print(f"\n=== bench: {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{module_path.stem}")
        results[name] = module.main(out_dir / name)
        print(f"=== {name} done in {time.perf_counter() - started:.1f}s ===", flush=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
