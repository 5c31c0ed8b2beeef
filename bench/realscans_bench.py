"""Real-scan benchmark: `sohoa run` against plain Tesseract on real scanned state documents.

    make bench BENCH=realscans        (figures printed, and in bench/out/results.json)

Pages: every page listed in bench/realscans/pages.jsonl whose gold text exists (transcribed by
hand, see bench/realscans/GOLD.md; `vietadmin/4_*` carry the scan's own independent gold).
The scans are read from ../shared/realscans (REALSCANS_DIR overrides); they are never copied
into the project. Pages of the `heldout*` splits are reported apart: no rule or threshold was
chosen by looking at them.

Each gold page is cut out of its PDF as a one-page PDF with qpdf (so a signed page keeps its
signature text layer, as a user's file does), and both sides read that page:
- sohoa: `sohoa run PAGES -o OUT` (defaults; `--no-repair` as a second run) → text.txt
- anchor: `pdftoppm -r 300 -gray` then `tesseract PAGE stdout -l vie` (OMP_THREAD_LIMIT=1);
  an image input goes to tesseract as it is.
The words the repair changed (the run against its --no-repair twin, one for one) are judged by
the gold word aligned to them: right, wrong, or unaligned (reported apart, not in the precision).
Scores (sohoa.ingest.evaluate): CER (NFC, whitespace runs collapsed, so line breaks and
paragraph joins do not count, order does) and an order-free word error (bag of words: the
larger of missing and extra words over the gold's words), per page and totals per split;
the share of pages where sohoa's CER is worse than Tesseract's, and by more than 1 point.
BENCH_REALSCANS_SPLITS (default 'dev,heldout2,heldout3,heldout4') picks splits;
BENCH_REALSCANS_NO_REPAIR=0 skips the --no-repair run.

`sohoa_document` reads the gold pages as a user's batch does: each source file whole (`sohoa
run` on the files, defaults), the gold page's text cut out of text.txt at its form feeds. What a
page gets from its document (running headers set aside, the document's tone placement, whether
the document as a whole looks speckled) shows there and not in the one-page runs.
BENCH_REALSCANS_DOCUMENTS=0 skips it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "bench" / "realscans"
SCANS = Path(os.environ.get("REALSCANS_DIR", REPO / ".." / "shared" / "realscans"))
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
DEFAULT_SPLITS = "dev,heldout2,heldout3,heldout4"


def gold_pages(splits: set[str]) -> list[dict]:
    """The listed pages whose scan and gold text are both present."""
    pages = []
    for line in (HERE / "pages.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry["split"] not in splits:
            continue
        scan = SCANS / entry["file"]
        gold = (REPO / entry["gold"]) if "gold" in entry else \
            HERE / "gold" / Path(entry["file"]).parent / f"{Path(entry['file']).stem}.p{entry['page']}.txt"
        if scan.exists() and gold.exists():
            pages.append({**entry, "scan": scan, "gold_path": gold, "id": page_id(entry)})
    return pages


def page_id(entry: dict) -> str:
    stem = Path(entry["file"]).stem.replace(".", "_")
    return f"{Path(entry['file']).parent.name}__{stem}__p{entry['page']}"


def cut_pages(pages: list[dict], folder: Path) -> None:
    """One input file per gold page: a one-page PDF (qpdf keeps the page as it is) or the image."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in pages:
        if entry["scan"].suffix.lower() == ".pdf":
            target = folder / f"{entry['id']}.pdf"
            if not target.exists():
                subprocess.run(["qpdf", str(entry["scan"]), "--pages", str(entry["scan"]), str(entry["page"]), "--",
                                str(target)], check=True, capture_output=True)
        else:
            target = folder / f"{entry['id']}{entry['scan'].suffix.lower()}"
            if not target.exists():
                target.write_bytes(entry["scan"].read_bytes())
        entry["input"] = target


def tesseract_text(entry: dict, work: Path) -> str:
    source = entry["input"]
    if source.suffix == ".pdf":
        prefix = work / entry["id"]
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-singlefile", str(source), str(prefix)], check=True)
        source = prefix.with_suffix(".pgm")
    return subprocess.run(["tesseract", str(source), "stdout", "-l", "vie"], env=ENV, capture_output=True,
                          check=True).stdout.decode("utf-8")


def run_sohoa(inputs: Path, out: Path, *extra: str) -> None:
    """`sohoa run INPUTS -o OUT` as the bench runs it (2 jobs, `extra` options); a failed run is
    reported, and its pages score as empty."""
    cmd = [str(Path(sys.executable).parent / "sohoa"), "run", str(inputs), "-o", str(out), "--force", "--jobs", "2",
           *extra]
    finished = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if finished.returncode not in (0, 1):
        print(f"sohoa run failed ({finished.returncode}): {finished.stderr[-2000:]}")


def sohoa_texts(pages: list[dict], inputs: Path, out: Path, *extra: str) -> dict[str, str]:
    run_sohoa(inputs, out, *extra)
    texts = {}
    for entry in pages:
        path = out / entry["id"] / "text.txt"
        texts[entry["id"]] = path.read_text(encoding="utf-8") if path.exists() else ""
    return texts


def document_texts(pages: list[dict], folder: Path, out: Path) -> dict[str, str]:
    """Each gold page's text as `sohoa run` writes it for its whole source file: the files are
    linked into `folder` (under their source's name: two sources may hold the same file name),
    run together, and text.txt is cut at its form feeds."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for entry in pages:
        name = f"{Path(entry['file']).parent.name}__{entry['scan'].name}"
        target = folder / name
        if not target.exists():
            target.symlink_to(entry["scan"].resolve())
        names[entry["id"]] = name
    run_sohoa(folder, out)
    doc_ids = {}
    manifest = out / "manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else ():
        record = json.loads(line)
        doc_ids[Path(record["source"]).name] = record["doc_id"]
    texts = {}
    for entry in pages:
        path = out / doc_ids.get(names[entry["id"]], "?") / "text.txt"
        document = path.read_text(encoding="utf-8").rstrip("\n").split("\f") if path.exists() else []
        texts[entry["id"]] = document[entry["page"] - 1] if entry["page"] <= len(document) else ""
    return texts


def bag_errors(hypothesis: str, reference: str) -> tuple[int, int]:
    """(order-free word errors, reference words): the larger of missing and extra words."""
    from sohoa.ingest.evaluate import normalise

    hyp, ref = Counter(normalise(hypothesis).split()), Counter(normalise(reference).split())
    missing, extra = sum((ref - hyp).values()), sum((hyp - ref).values())
    return max(missing, extra), sum(ref.values())


_PUNCT = ".,;:!?()[]{}\"'“”‘’«»…-–—/"


def _words(text: str) -> list[str]:
    from sohoa.ingest.evaluate import normalise

    return [w.strip(_PUNCT) for w in normalise(text).split()]


def repair_edits(before: str, after: str, gold: str) -> tuple[int, int, int]:
    """(right, wrong, unaligned) words the repair changed: the words of `before` (the run with
    --no-repair) that `after` replaced one for one, each judged by the gold word aligned to it
    (both alignments by letters without marks, case-blind; a run of words between aligned ones
    that the gold has as many of is aligned word for word). Right: the new word is the gold's."""
    import difflib

    from sohoa.diacritics.syllables import strip_marks

    def keys(words):
        return [strip_marks(w.lower()) for w in words]

    b, a, g = _words(before), _words(after), _words(gold)
    to_gold = {}
    for op, x1, x2, y1, y2 in difflib.SequenceMatcher(None, keys(b), keys(g), autojunk=False).get_opcodes():
        # the same letters, or a run of as many words read otherwise ('J5' where the gold has '15')
        if op == "equal" or (op == "replace" and x2 - x1 == y2 - y1):
            to_gold.update({x1 + k: y1 + k for k in range(x2 - x1)})
    right = wrong = unaligned = 0
    for op, b1, b2, a1, a2 in difflib.SequenceMatcher(None, b, a, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or b2 - b1 != a2 - a1:
            unaligned += max(b2 - b1, a2 - a1)
            continue
        for k in range(b2 - b1):
            if b1 + k not in to_gold:
                unaligned += 1
            elif a[a1 + k] == g[to_gold[b1 + k]]:
                right += 1
            else:
                wrong += 1
    return right, wrong, unaligned


def main(out_dir: Path) -> dict:
    from sohoa.ingest.evaluate import score

    out_dir.mkdir(parents=True, exist_ok=True)
    splits = set(os.environ.get("BENCH_REALSCANS_SPLITS", DEFAULT_SPLITS).split(","))
    pages = gold_pages(splits)
    if not pages:
        print("no gold pages found (is ../shared/realscans there?)")
        return {"pages": 0}
    inputs = out_dir / "inputs"
    cut_pages(pages, inputs)
    work = out_dir / "work"
    work.mkdir(exist_ok=True)

    started = time.perf_counter()
    anchor = {entry["id"]: tesseract_text(entry, work) for entry in pages}
    anchor_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sohoa = sohoa_texts(pages, inputs, out_dir / "sohoa")
    sohoa_seconds = time.perf_counter() - started
    variants = {"tesseract": anchor, "sohoa": sohoa}
    if os.environ.get("BENCH_REALSCANS_NO_REPAIR", "1") != "0":
        variants["sohoa_no_repair"] = sohoa_texts(pages, inputs, out_dir / "sohoa_no_repair", "--no-repair")
    if os.environ.get("BENCH_REALSCANS_DOCUMENTS", "1") != "0":
        variants["sohoa_document"] = document_texts(pages, out_dir / "documents", out_dir / "sohoa_document")

    rows = []
    for entry in pages:
        gold = entry["gold_path"].read_text(encoding="utf-8")
        row = {"page": entry["id"], "split": entry["split"]}
        for name, texts in variants.items():
            s = score(entry["id"], texts[entry["id"]], gold)
            bag, words = bag_errors(texts[entry["id"]], gold)
            row[name] = {"char_errors": s.char_errors, "chars": s.chars, "cer": round(s.cer, 4),
                         "bag_errors": bag, "words": words, "bag_wer": round(bag / max(words, 1), 4)}
        if "sohoa_no_repair" in variants:
            row["edits"] = dict(zip(("right", "wrong", "unaligned"),
                                    repair_edits(variants["sohoa_no_repair"][entry["id"]], sohoa[entry["id"]], gold)))
        rows.append(row)
        (out_dir / "work" / f"{entry['id']}.sohoa.txt").write_text(sohoa[entry["id"]], encoding="utf-8")
        (out_dir / "work" / f"{entry['id']}.tesseract.txt").write_text(anchor[entry["id"]], encoding="utf-8")

    names = list(variants)
    print(f"{'page':62} {'split':8} " + " ".join(f"{n[:16]:>16}" for n in names) + "   (CER / bag WER)")
    for row in rows:
        print(f"{row['page'][:62]:62} {row['split']:8} "
              + " ".join(f"{row[n]['cer']:7.4f}/{row[n]['bag_wer']:.4f}".rjust(16) for n in names))
    summary = {"pages": len(rows), "seconds": {"tesseract": round(anchor_seconds, 1),
                                               "sohoa": round(sohoa_seconds, 1)}}
    for split in sorted({r["split"] for r in rows}) + ["all"]:
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        figures, errors = {}, {}
        for name in names:
            errors[name] = sum(r[name]["char_errors"] for r in chosen)  # ratios from counts, not rounded CERs
            chars = sum(r[name]["chars"] for r in chosen)
            words = sum(r[name]["words"] for r in chosen)
            figures[name] = {"cer": round(errors[name] / chars, 4),
                             "bag_wer": round(sum(r[name]["bag_errors"] for r in chosen) / words, 4)}
        worse = [r["page"] for r in chosen if r["sohoa"]["cer"] > r["tesseract"]["cer"]]
        much_worse = [r["page"] for r in chosen if r["sohoa"]["cer"] > r["tesseract"]["cer"] + 0.01]
        ratio = errors["sohoa"] / errors["tesseract"] if errors["tesseract"] else 0.0
        summary[split] = {"pages": len(chosen), **figures, "cer_ratio_vs_tesseract": round(ratio, 3),
                          "pages_worse": len(worse), "pages_worse_by_1pt": much_worse}
        if "sohoa_no_repair" in figures:
            edits = {k: sum(r["edits"][k] for r in chosen) for k in ("right", "wrong", "unaligned")}
            base = figures["sohoa_no_repair"]["cer"]
            summary[split]["repair"] = {
                **edits, "precision": round(edits["right"] / max(1, edits["right"] + edits["wrong"]), 4),
                "cer_reduction_vs_no_repair": round(1 - errors["sohoa"] / errors["sohoa_no_repair"], 4)
                if errors["sohoa_no_repair"] else None}
            print(f"[{split}] repair: CER {base:.4f} → {figures['sohoa']['cer']:.4f} "
                  f"({summary[split]['repair']['cer_reduction_vs_no_repair']:+.1%} relative, as a reduction); "
                  f"words changed right {edits['right']}, wrong {edits['wrong']} (precision "
                  f"{summary[split]['repair']['precision']:.1%}), unaligned {edits['unaligned']}")
        print(f"\n[{split}] {len(chosen)} pages: " + ", ".join(
            f"{n} CER {figures[n]['cer']:.4f} bag WER {figures[n]['bag_wer']:.4f}" for n in names))
        print(f"[{split}] sohoa/tesseract CER ratio {ratio:.3f}; pages worse: {len(worse)}/{len(chosen)}; "
              f"worse by > 1 pt: {much_worse or 'none'}")
    print(f"\ntime: tesseract {anchor_seconds:.1f}s, sohoa run {sohoa_seconds:.1f}s for {len(rows)} pages")
    (out_dir / "pages.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return summary


if __name__ == "__main__":
    main(REPO / "bench" / "out" / "realscans")
