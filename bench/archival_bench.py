"""Archival outputs: what searchable.pdf, alto.xml and hocr.html add to a run, and how well the
searchable PDF reads back (pdftotext CER per page, word-box overlap, image bytes, PDF/A).

Renders PAGES pages (default 6) from held-out corpus text, runs `sohoa run --no-pdf` (the
anchor: everything but the archival files, whose ALTO/hOCR part is timed separately), then
times the writers alone on the same documents. `ARCHIVAL_OUT=OUT ARCHIVAL_SOURCES=a.pdf,b.pdf`
measures an existing run instead (writers only).
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
    from sohoa.ingest.archival.check import box_agreement, image_digests, page_cer, validate_pdfa

    records = [json.loads(line) for line in (doc_dir / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    pdf = doc_dir / "searchable.pdf"
    text = (doc_dir / "text.txt").read_text(encoding="utf-8")
    good, total = box_agreement(pdf, records)
    return {"cer": [round(c, 4) for c in page_cer(pdf, text, records)],
            "cer_raw": [round(c, 4) for c in page_cer(pdf, text, records, raw=True)],
            "iou_share": round(good / max(1, total), 4),
            "images_identical": image_digests(pdf) == image_digests(source) if source.endswith(".pdf") else None,
            "pdfa": validate_pdfa(pdf).verdict}


def main(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
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
        paragraphs = [p for _, doc in heldout_documents(pages) for p in doc]
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
