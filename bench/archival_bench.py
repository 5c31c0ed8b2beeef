"""Archival outputs: what searchable.pdf, alto.xml and hocr.html add to a run, and how well the
searchable PDF reads back (pdftotext CER per page, word-box overlap, image bytes, PDF/A).

Renders PAGES pages (default 6) from held-out corpus text (the held-out documents, then the
held-out legal topic's), runs `sohoa run --no-pdf` (the
anchor: everything but the archival files, whose ALTO/hOCR part is timed separately), then
times the writers alone on the same documents. `ARCHIVAL_OUT=OUT ARCHIVAL_SOURCES=a.pdf,b.pdf`
measures an existing run instead (writers only).

`ARCHIVAL_REALSCANS=1` measures the real scans of ../shared/realscans instead (REALSCANS_DIR
overrides; every file of its index.jsonl that has pages): `sohoa run FILES -o OUT --force
--jobs 2` (defaults, searchable PDF on), then per page pdftotext's CER against text.txt's page
(default mode and `-raw`) and the share of the page's words whose pdftotext -bbox box overlaps
theirs (IoU >= 0.5), each judged against the acceptance (CER <= 1 %, share >= 0.95); pass counts
for the documents held out in the real-scan bench's gold (bench/realscans/pages.jsonl: every
gold page of the document in a `heldout*` split) apart from the rest (documents with a `dev`
page or no gold page), and per gold split of the page (`none`: no gold); per document image
bytes identical to the input's and the PDF/A-2b verdict. `ARCHIVAL_REALSCANS_LIMIT=N` takes the
first N files only; `ARCHIVAL_REALSCANS_OUT=DIR` reuses an earlier run's OCR in DIR (its
pages.jsonl and text.txt) and writes only the archival files again, timed, into the bench
folder (`ARCHIVAL_REALSCANS_LABEL` names that folder, default `rewrite`), so that two versions
of the writers compare on the same OCR. Figures go to bench/out/archival/realscans[-LABEL].json.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from click.testing import CliRunner


def _time_writers(doc_dir: Path, source: str) -> float:
    from sohoa.ingest.archival import write_archival

    scratch = doc_dir.parent / f".bench-{doc_dir.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for name in ("pages.jsonl", "ocr.txt", "text.txt"):
        shutil.copy(doc_dir / name, scratch / name)
    started = time.perf_counter()
    write_archival(scratch, source, "pdf" if source.lower().endswith(".pdf") else "image")
    seconds = time.perf_counter() - started
    for name in ("searchable.pdf", "alto.xml", "hocr.html"):
        if (scratch / name).exists():
            shutil.copy(scratch / name, doc_dir / name)
    shutil.rmtree(scratch)
    return seconds


def _quality(doc_dir: Path, source: str) -> dict:
    """A document's figures in the synthetic part's form (lists per page, one box share)."""
    pages, document = _page_figures(doc_dir, source)
    good, total = sum(p["words_on_box"] for p in pages), sum(p["words"] for p in pages)
    return {"cer": [p["cer"] for p in pages], "cer_raw": [p["cer_raw"] for p in pages],
            "iou_share": round(good / max(1, total), 4),
            "images_identical": document.get("images_identical"), "pdfa": document.get("pdfa")}


CER_LIMIT = 0.01
BOX_SHARE_LIMIT = 0.95


def _realscan_files(limit: int | None) -> tuple[Path, list[dict]]:
    """The scans folder and its indexed files that have pages (the gold texts beside them do not)."""
    from bench.realscans_bench import SCANS

    entries = [json.loads(line) for line in (SCANS / "index.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    entries = [e for e in entries if e.get("pages", 0) > 0 and (SCANS / e["file"]).exists()]
    return SCANS, entries[:limit] if limit else entries


def _gold_splits() -> dict[tuple[str, int], str]:
    """(file, page) → its split in the real-scan bench's gold list."""
    from bench.realscans_bench import HERE

    splits = {}
    for line in (HERE / "pages.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            splits[(entry["file"], entry["page"])] = entry["split"]
    return splits


def _page_figures(doc_dir: Path, source: str) -> tuple[list[dict], dict]:
    """Per page CER (default and -raw), box share and their verdicts; per document image
    identity and PDF/A verdict."""
    from sohoa.ingest.archival.check import image_digests, page_box_agreement, page_cer, validate_pdfa

    records = [json.loads(line) for line in (doc_dir / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    pdf = doc_dir / "searchable.pdf"
    if not pdf.exists():
        return [], {"searchable_pdf": False}
    text = (doc_dir / "text.txt").read_text(encoding="utf-8")
    cer, cer_raw = page_cer(pdf, text, records), page_cer(pdf, text, records, raw=True)
    boxes = page_box_agreement(pdf, records)
    pages = []
    for n, ((good, total), c, r) in enumerate(zip(boxes, cer, cer_raw)):
        share = good / total if total else 1.0
        pages.append({"page": n + 1, "words": total, "words_on_box": good, "cer": round(c, 4), "cer_raw": round(r, 4),
                      "iou_share": round(share, 4), "cer_pass": c <= CER_LIMIT, "iou_pass": share >= BOX_SHARE_LIMIT})
    report = validate_pdfa(pdf)
    return pages, {"searchable_pdf": True,
                   "images_identical": image_digests(pdf) == image_digests(source) if source.lower().endswith(".pdf")
                   else None,
                   "pdfa": report.verdict}


def _pass_counts(pages: list[dict]) -> dict:
    words = sum(p["words"] for p in pages)
    return {"pages": len(pages),
            "cer_pass": sum(p["cer_pass"] for p in pages),
            "iou_pass": sum(p["iou_pass"] for p in pages),
            "both_pass": sum(p["cer_pass"] and p["iou_pass"] for p in pages),
            "raw_cer_pass": sum(p["cer_raw"] <= CER_LIMIT for p in pages),
            "words": words,
            "words_on_box": sum(p["words_on_box"] for p in pages)}


def realscans(out_dir: Path) -> dict:
    """The real-scan part (see the module's docstring)."""
    import subprocess
    import sys

    limit = int(os.environ.get("ARCHIVAL_REALSCANS_LIMIT", "0")) or None
    scans, entries = _realscan_files(limit)
    if not entries:
        print(f"no real scans found in {scans}")
        return {"documents": 0}
    splits = _gold_splits()
    # a document is held out where every gold page of it is (one with a dev page was looked at)
    held_out = {f for f, _ in splits} - {f for (f, _), split in splits.items() if not split.startswith("heldout")}
    reuse = os.environ.get("ARCHIVAL_REALSCANS_OUT")
    label = os.environ.get("ARCHIVAL_REALSCANS_LABEL", "rewrite") if reuse else "run"
    out = out_dir / f"realscans-{label}"
    started = time.perf_counter()
    if reuse:
        earlier = Path(reuse)
        if earlier.resolve() == out.resolve():  # its documents' folders are rewritten from the earlier run's
            raise SystemExit(f"ARCHIVAL_REALSCANS_OUT is the folder this run writes ({out}): "
                             "give ARCHIVAL_REALSCANS_LABEL another name")
    else:
        shutil.rmtree(out, ignore_errors=True)
        cmd = [str(Path(sys.executable).parent / "sohoa"), "run", *(str(scans / e["file"]) for e in entries),
               "-o", str(out), "--force", "--jobs", "2", "-q"]
        finished = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        if finished.returncode not in (0, 1):
            print(f"sohoa run failed ({finished.returncode}): {finished.stderr[-2000:]}")
        earlier = out
    run_seconds = time.perf_counter() - started
    manifest = {}
    for line in (earlier / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        manifest[str(Path(entry.get("path") or entry["source"]).resolve())] = entry
    documents, rows = {}, []
    writer_total = 0.0
    for e in entries:
        entry = manifest.get(str((scans / e["file"]).resolve()))
        if not entry or not (earlier / entry["doc_id"] / "pages.jsonl").exists():
            documents[e["file"]] = {"status": entry["status"] if entry else "missing"}
            continue
        source = str(scans / e["file"])
        doc_dir = out / entry["doc_id"]
        if reuse:
            shutil.rmtree(doc_dir, ignore_errors=True)
            doc_dir.mkdir(parents=True)
            for name in ("pages.jsonl", "ocr.txt", "text.txt"):
                shutil.copy(earlier / entry["doc_id"] / name, doc_dir / name)
            seconds = _time_writers(doc_dir, source)
            writer_total += seconds
        pages, verdicts = _page_figures(doc_dir, source)
        for page in pages:
            page["split"] = splits.get((e["file"], page["page"]), "none")
            page["group"] = "heldout" if e["file"] in held_out else "rest"
            rows.append({"file": e["file"], **page})
        documents[e["file"]] = {"doc_id": entry["doc_id"], "status": entry["status"], "pages": len(pages),
                                "group": "heldout" if e["file"] in held_out else "rest",
                                **verdicts,
                                "failing": [p["page"] for p in pages if not (p["cer_pass"] and p["iou_pass"])]}
    summary = {group: _pass_counts([r for r in rows if group == "all" or r["group"] == group])
               for group in ("heldout", "rest", "all")}
    summary["held_out_documents"] = sorted({r["file"] for r in rows if r["group"] == "heldout"})
    summary["by_split"] = {split: _pass_counts([r for r in rows if r["split"] == split])
                           for split in sorted({r["split"] for r in rows})}
    with_pdf = [d for d in documents.values() if d.get("searchable_pdf")]
    summary["documents"] = {"files": len(entries), "with_searchable_pdf": len(with_pdf),
                            "images_identical": sum(d["images_identical"] is True for d in with_pdf),
                            "images_compared": sum(d["images_identical"] is not None for d in with_pdf),
                            "pdfa_pass": sum(d["pdfa"] == "pass" for d in with_pdf)}
    if reuse:
        summary["writer_seconds_per_page"] = round(writer_total / max(1, len(rows)), 3)
    else:
        summary["run_seconds"] = round(run_seconds, 1)
    print(f"{'file':58} {'p':>3} {'split':9} {'cer':>7} {'raw':>7} {'iou':>6}  verdict (group)")
    for r in rows:
        verdict = "ok" if r["cer_pass"] and r["iou_pass"] else \
            ",".join(k for k, ok in (("CER", r["cer_pass"]), ("IoU", r["iou_pass"])) if not ok)
        print(f"{r['file'][-58:]:58} {r['page']:3} {r['split']:9} {r['cer']:7.4f} {r['cer_raw']:7.4f} "
              f"{r['iou_share']:6.3f}  {verdict} ({r['group']})")
    for name, doc in documents.items():
        if doc.get("searchable_pdf"):
            print(f"{name[-58:]:58} images identical: {doc['images_identical']}, PDF/A-2b: {doc['pdfa']}")
        else:
            print(f"{name[-58:]:58} no searchable.pdf ({doc.get('status')})")
    for group in ("heldout", "rest", "all"):
        c = summary[group]
        print(f"[{group}] {c['pages']} pages: CER <= {CER_LIMIT:.0%} {c['cer_pass']}, "
              f"IoU share >= {BOX_SHARE_LIMIT} {c['iou_pass']}, "
              f"both {c['both_pass']}; -raw CER <= {CER_LIMIT:.0%} {c['raw_cer_pass']}; words on their box "
              f"{c['words_on_box']}/{c['words']}")
    print(json.dumps(summary["documents"]), summary.get("run_seconds"), summary.get("writer_seconds_per_page"))
    figures = {"summary": summary, "documents": documents, "pages": rows}
    name = "realscans.json" if not reuse else f"realscans-{label}.json"
    (out_dir / name).write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    return summary


def main(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("ARCHIVAL_REALSCANS", "0") not in ("", "0"):
        return realscans(out_dir)
    existing = os.environ.get("ARCHIVAL_OUT")
    if existing:
        out = Path(existing)
        sources = os.environ.get("ARCHIVAL_SOURCES", "").split(",")
        manifest = {json.loads(l)["source"]: json.loads(l) for l in (out / "manifest.jsonl").read_text().splitlines()}
        docs = [(out / manifest[s]["doc_id"], s, manifest[s]) for s in sources if s in manifest]
        run_seconds = None
    else:
        from bench.ingest_bench import heldout_documents
        from sohoa.cli import main as cli
        from sohoa.synth.render import render_document, write_image_pdf

        pages = int(os.environ.get("PAGES", "6"))
        inputs = out_dir / "in"
        shutil.rmtree(inputs, ignore_errors=True)
        # the held-out documents long enough to render (nine of them) fill about 47 pages; the
        # held-out legal topic's follow them where PAGES asks for more
        paragraphs = [p for split in ("heldout", "heldout_topics")
                      for _, doc in heldout_documents(pages, split=split) for p in doc]
        rendered = render_document(paragraphs, level="light", seed=5, max_pages=pages)
        write_image_pdf(rendered, inputs / "held_out.pdf")
        out = out_dir / "out"
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        result = CliRunner().invoke(cli, ["run", str(inputs), "-o", str(out), "--no-pdf", "-q"])
        run_seconds = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        entry = json.loads((out / "manifest.jsonl").read_text().splitlines()[0])
        docs = [(out / entry["doc_id"], str(inputs / "held_out.pdf"), entry)]
    figures = {"documents": {}}
    writer_total = 0.0
    page_total = 0
    for doc_dir, source, entry in docs:
        seconds = _time_writers(doc_dir, source)
        writer_total += seconds
        page_total += entry["pages"]
        figures["documents"][doc_dir.name] = {"pages": entry["pages"], "writer_seconds": round(seconds, 2),
                                              **_quality(doc_dir, source)}
    figures["writer_seconds_per_page"] = round(writer_total / max(1, page_total), 3)
    if run_seconds is not None:
        figures["run_seconds"] = round(run_seconds, 1)
        figures["added_share"] = round(writer_total / run_seconds, 3)
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    return figures
