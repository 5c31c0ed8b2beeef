"""Repair benchmark on held-out corpus lines (never trained on, never committed).

Figures:
- untouched: share of correct held-out lines that `repair` returns byte-identical (anchor: 1.0);
- detection false positives: share of correct lines on which the encoding stage proposes any edit;
- round trip per legacy encoding: encode each line with our encoder, then (a) `decode_bytes`
  detects and decodes the bytes, (b) for the byte encodings, the same bytes read as
  Windows-1252 go through `repair` (text-level detection); exact-match share of each;
- lines/s of `repair` on correct text.

Run: `make bench BENCH=repair` (or `python -m bench.repair_bench`). REPAIR_BENCH_LINES caps the
number of lines (default 5000).
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def heldout_lines(limit: int) -> list[str]:
    """Non-empty NFC lines of held-out documents, legal corpus first, capped at `limit`."""
    from sohoa.synth.corpus import iter_corpus

    paths = [CORPUS_DIR / "vi_legal.jsonl.gz", CORPUS_DIR / "vi_news.jsonl.gz"]
    lines: list[str] = []
    for doc in iter_corpus([p for p in paths if p.exists()], split="heldout"):
        for line in doc.text.split("\n"):
            line = unicodedata.normalize("NFC", line.strip())
            if line:
                lines.append(line)
                if len(lines) >= limit:
                    return lines
    return lines


def main(out_dir: Path) -> dict:
    from sohoa.diacritics.encodings import LegacyEncodingFixer, decode_bytes
    from sohoa.diacritics.legacy import CODECS, UnencodableError, cp1252_decode
    from sohoa.diacritics.pipeline import repair
    from sohoa.errors import InputError

    out_dir.mkdir(parents=True, exist_ok=True)
    lines = heldout_lines(int(os.environ.get("REPAIR_BENCH_LINES", "5000")))
    if not lines:
        print("no held-out corpus found next to the repository (../shared/corpus); nothing to measure")
        return {}
    results: dict = {"lines": len(lines)}

    started = time.perf_counter()
    changed = []
    for line in lines:
        result = repair(line, restore=False)
        if result.text != line:
            changed.append({"line": line, "edits": [e.to_dict() for e in result.edits]})
    elapsed = time.perf_counter() - started
    results["untouched_share"] = 1 - len(changed) / len(lines)
    results["lines_per_s"] = len(lines) / elapsed
    by_fixer: dict[str, int] = {}
    for item in changed:
        for edit in item["edits"]:
            by_fixer[edit["fixer"]] = by_fixer.get(edit["fixer"], 0) + 1
    results["edits_on_correct_text_by_fixer"] = by_fixer

    detector = LegacyEncodingFixer()
    false_positives = sum(1 for line in lines if detector.find_edits(line))
    results["detection_false_positive_rate"] = false_positives / len(lines)
    # Whole text at once too: document-level voting must not fire either.
    results["detection_fires_on_whole_text"] = bool(detector.find_edits("\n".join(lines[:2000])))

    round_trip = {}
    for name, codec in CODECS.items():
        encoded, skipped = [], 0
        for line in lines:
            try:
                encoded.append((line, codec.encode(line)))
            except UnencodableError:
                skipped += 1
        detected_ok = 0
        for line, data in encoded:
            try:
                detected_ok += decode_bytes(data).text == line
            except InputError:  # too little text to tell: counts as a miss
                pass
        figures = {"lines": len(encoded), "unencodable_skipped": skipped,
                   "bytes_exact": detected_ok / max(1, len(encoded))}
        if name != "cp1258":
            misread = [(line, data.decode("utf-8") if name == "viqr" else cp1252_decode(data)) for line, data in encoded]
            text_ok = sum(1 for line, text in misread if repair(text, restore=False).text == line)
            # whole document at once: per-document voting settles ambiguous lines
            document = "\n".join(text for _, text in misread[:2000])
            repaired = repair(document, restore=False).text.split("\n")
            doc_ok = sum(1 for (line, _), out in zip(misread[:2000], repaired) if out == line)
            figures["text_line_exact"] = text_ok / max(1, len(misread))
            figures["text_document_exact"] = doc_ok / max(1, min(2000, len(misread)))
        round_trip[name] = figures
    # UTF-8 read as Windows-1252 / Latin-1 ('Nghá»‹')
    for label, misread in (("utf8-as-latin1", lambda b: b.decode("latin-1")), ("utf8-as-cp1252", cp1252_decode)):
        pairs = [(line, misread(line.encode("utf-8"))) for line in lines]
        ok = sum(1 for line, text in pairs if repair(text, restore=False).text == line)
        round_trip[label] = {"lines": len(pairs), "text_line_exact": ok / len(pairs)}
    results["round_trip"] = round_trip

    (out_dir / "changed_correct_lines.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in changed), encoding="utf-8")
    print(f"held-out lines: {len(lines)}")
    print(f"untouched by repair: {results['untouched_share']:.4%} (anchor 100%)  "
          f"[{len(changed)} changed: {by_fixer}]")
    print(f"encoding detection false positives on correct lines: {results['detection_false_positive_rate']:.4%}; "
          f"fires on whole text: {results['detection_fires_on_whole_text']}")
    print(f"repair speed: {results['lines_per_s']:.0f} lines/s")
    for name, figures in round_trip.items():
        print(f"round trip {name:15s} " + "  ".join(
            f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    return results


if __name__ == "__main__":
    main(Path(__file__).resolve().parent / "out" / "repair")
