"""Repair benchmark on held-out corpus text (never trained on, never committed).

Figures:
- untouched: share of correct held-out lines that `repair` returns byte-identical (anchor: 1.0),
  for the deterministic stages and, when a restorer model is shipped, the full pipeline;
- detection false positives: share of correct lines on which the encoding stage proposes any
  edit, and whether it fires on the correct lines joined into one document;
- correct text from sources the model never read (`bench.heldout_sources`: real-scan gold
  transcriptions, another register with the author's own typography), per source: share of lines
  `repair` with default options returns byte-identical, each line alone and in its document;
  and the same texts as `.txt` inputs of `sohoa run` (paragraphs repair changed);
- round trip per legacy encoding, with our own encoders (TCVN3 also as some converters write its
  capitals with a tone: the plain capital, then the toned small letter):
  * bytes, per line: each held-out line its own file → `decode_bytes` → exact match;
  * bytes, per document: each held-out document one file → exact match of the document and of
    its lines;
  * misread text (the bytes shown through Windows-1252, or VIQR as typed) → `repair`, per line
    (each line alone) and per document (lines in their document), compared with what `repair`
    makes of the true text without the restorer, and, per line, with default options (restorer
    on) compared with the true text itself;
  Typographic quotes and dashes an encoding lacks are typed plain ('"', '-') as its users did;
- lines/s of `repair` on correct text.

Run: `make bench BENCH=repair` (or `python -m bench.repair_bench`). REPAIR_BENCH_LINES caps the
number of lines (default 5000), REPAIR_BENCH_DOCS the number of documents (default 150).
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from pathlib import Path

from bench.heldout_sources import correct_sources, shared_dir

CORPUS_DIR = shared_dir() / "corpus"
ENCODINGS = ("tcvn3", "tcvn3-split-capitals", "vni", "viscii", "cp1258", "viqr")


def _codec(name: str):
    """Our codec for `name`; 'tcvn3-split-capitals' is TCVN3 as some converters write capitals
    with a tone (the plain capital, then the toned small letter: 'A¹' for 'Ạ')."""
    from sohoa.diacritics.legacy import CODECS, LegacyCodec, tcvn3_decode, tcvn3_encode_split_capitals

    if name == "tcvn3-split-capitals":
        return LegacyCodec(name, "TCVN3, capitals split", tcvn3_encode_split_capitals, tcvn3_decode)
    return CODECS[name]


def _corpus_paths() -> list[Path]:
    return [p for p in (CORPUS_DIR / "vi_legal.jsonl.gz", CORPUS_DIR / "vi_news.jsonl.gz") if p.exists()]


def _clean_lines(text: str) -> list[str]:
    return [line for line in (unicodedata.normalize("NFC", raw.strip()) for raw in text.split("\n")) if line]


def heldout_lines(limit: int) -> list[str]:
    """Non-empty NFC lines of held-out documents, legal corpus first, capped at `limit`."""
    from sohoa.synth.corpus import iter_corpus

    lines: list[str] = []
    for doc in iter_corpus(_corpus_paths(), split="heldout"):
        lines.extend(_clean_lines(doc.text))
        if len(lines) >= limit:
            return lines[:limit]
    return lines


def heldout_documents(limit: int, max_lines: int = 400) -> list[list[str]]:
    """Held-out documents as lists of clean lines (at most `max_lines` each), legal first."""
    from sohoa.synth.corpus import iter_corpus

    documents = []
    for doc in iter_corpus(_corpus_paths(), split="heldout"):
        lines = _clean_lines(doc.text)[:max_lines]
        if lines:
            documents.append(lines)
        if len(documents) >= limit:
            break
    return documents


def _misread(name: str, data: bytes) -> str:
    from sohoa.diacritics.legacy import cp1252_decode

    return data.decode("utf-8") if name == "viqr" else cp1252_decode(data)


# Typographic characters some legacy encodings lack, written the way their users typed them.
_PLAIN_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...",
                                    "\u00a0": " "})


def _encodable(codec, text: str) -> tuple[str, bytes] | None:
    """(text as the legacy file holds it, its bytes): typographic punctuation made plain if needed."""
    from sohoa.diacritics.legacy import UnencodableError

    for candidate in (text, text.translate(_PLAIN_PUNCTUATION)):
        try:
            return candidate, codec.encode(candidate)
        except UnencodableError:
            continue
    return None


def _expected(text: str) -> str:
    """What repair should make of correct `text`: itself, in the pipeline's tone style."""
    from sohoa.diacritics.pipeline import repair

    return repair(text, restore=False).text


def _decoded_or_none(data: bytes) -> str | None:
    from sohoa.diacritics.encodings import decode_bytes
    from sohoa.errors import InputError

    try:
        return decode_bytes(data).text
    except InputError:  # too little text to tell: counts as a miss
        return None


def _untouched(lines: list[str], restore: bool) -> tuple[float, float, list[dict]]:
    from sohoa.diacritics.pipeline import repair

    started = time.perf_counter()
    changed = []
    for line in lines:
        result = repair(line, restore=restore)
        if result.text != line:
            changed.append({"line": line, "out": result.text, "edits": [e.to_dict() for e in result.edits]})
    elapsed = time.perf_counter() - started
    return 1 - len(changed) / len(lines), len(lines) / elapsed, changed


def negative_sources(sources: dict[str, list[list[str]]] | None = None) -> dict:
    """Per source of correct text the model never read: share of lines `repair` (default options,
    restorer on) returns byte-identical, each line alone and each document as one text; and the
    same without the restorer. The changed lines are listed for the eye."""
    from sohoa.diacritics.pipeline import repair

    figures = {}
    for name, documents in (correct_sources() if sources is None else sources).items():
        lines = [line for doc in documents for line in doc]
        entry: dict = {"documents": len(documents), "lines": len(lines)}
        for label, restore in (("", True), ("_no_restore", False)):
            alone = [line for line in lines if repair(line, restore=restore).text != line]
            in_doc = 0
            for doc in documents:
                out = repair("\n".join(doc), restore=restore).text.split("\n")
                in_doc += sum(a != b for a, b in zip(out, doc))
            entry[f"unchanged_line_alone{label}"] = 1 - len(alone) / max(1, len(lines))
            entry[f"unchanged_in_document{label}"] = 1 - in_doc / max(1, len(lines))
            if restore:
                entry["changed_examples"] = [[line, repair(line).text] for line in alone[:8]]
        figures[name] = entry
    return figures


def run_txt_sources(sources: dict[str, list[list[str]]] | None = None) -> dict:
    """Correct text from other sources as `.txt` inputs of `sohoa run` (default options): per source,
    the paragraphs `repair` changed (text.txt against ocr.txt, which `run` writes before repair)
    and the documents whose words differ from the input. (`run` joins a text file's lines into
    paragraphs: that is ingest's layout, not repair's doing, so paragraphs are compared.)"""
    import tempfile

    from click.testing import CliRunner

    from sohoa.cli import main as cli

    figures = {}
    for name, documents in (correct_sources() if sources is None else sources).items():
        with tempfile.TemporaryDirectory() as tmp:
            inputs, out = Path(tmp) / "in", Path(tmp) / "out"
            inputs.mkdir()
            for n, lines in enumerate(documents):
                (inputs / f"d{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            CliRunner().invoke(cli, ["run", str(inputs), "-o", str(out), "--jobs", "1", "--no-tables"])
            paragraphs = changed = words_differ = 0
            for n, lines in enumerate(documents):
                folder = out / f"d{n}"
                if not (folder / "text.txt").exists():
                    words_differ += 1
                    continue
                before = (folder / "ocr.txt").read_text(encoding="utf-8").split("\n")
                after = (folder / "text.txt").read_text(encoding="utf-8").split("\n")
                paragraphs += sum(1 for line in before if line.strip())
                changed += sum(a != b for a, b in zip(before, after))
                words_differ += " ".join(lines).split() != " ".join(after).split()
        figures[name] = {"documents": len(documents), "paragraphs": paragraphs,
                         "unchanged_paragraphs": 1 - changed / max(1, paragraphs),
                         "documents_whose_words_differ": words_differ}
    return figures


def round_trip_lines(lines: list[str], with_restorer: bool = False) -> dict:
    """Per encoding: each line its own file (bytes) and each line alone as misread text."""
    from sohoa.diacritics.pipeline import repair

    figures = {}
    for name in ENCODINGS:
        pairs = [found for line in lines if (found := _encodable(_codec(name), line)) is not None]
        bytes_ok = sum(1 for line, data in pairs if _decoded_or_none(data) == line)
        entry = {"lines": len(pairs), "unencodable": len(lines) - len(pairs),
                 "bytes_line_exact": bytes_ok / max(1, len(pairs))}
        if name != "cp1258":  # Windows-1258 read as Windows-1252 differs only in a few letters
            text_ok = sum(1 for line, data in pairs
                          if repair(_misread(name, data), restore=False).text == _expected(line))
            entry["text_line_exact"] = text_ok / max(1, len(pairs))
            if with_restorer:  # default options: the text must come back as the author wrote it
                entry["text_line_exact_with_restorer"] = sum(
                    1 for line, data in pairs if repair(_misread(name, data)).text == line) / max(1, len(pairs))
        figures[name] = entry
    # negative: correct UTF-8 files must come back as they are (no legacy or VIQR reading)
    figures["utf-8"] = {"lines": len(lines),
                        "bytes_line_exact": sum(_decoded_or_none(line.encode("utf-8")) == line for line in lines)
                        / len(lines)}
    for label, misread in (("utf8-as-latin1", lambda b: b.decode("latin-1")), ("utf8-as-cp1252", None)):
        from sohoa.diacritics.legacy import cp1252_decode

        read = misread or cp1252_decode
        ok = sum(1 for line in lines if repair(read(line.encode("utf-8")), restore=False).text == _expected(line))
        figures[label] = {"lines": len(lines), "text_line_exact": ok / len(lines)}
    return figures


def round_trip_documents(documents: list[list[str]]) -> dict:
    """Per encoding: each document one file (bytes) and one misread text."""
    from sohoa.diacritics.pipeline import repair

    figures = {}
    for name in ENCODINGS:
        docs = bytes_docs = bytes_lines = text_docs = text_lines = total_lines = 0
        for original in documents:
            found = _encodable(_codec(name), "\n".join(original))
            if found is None:
                continue
            text, data = found
            lines = text.split("\n")
            docs += 1
            total_lines += len(lines)
            decoded = _decoded_or_none(data)
            bytes_docs += decoded == text
            bytes_lines += sum(a == b for a, b in zip(lines, (decoded or "").split("\n")))
            if name != "cp1258":
                repaired = repair(_misread(name, data), restore=False).text
                expected = _expected(text)
                text_docs += repaired == expected
                text_lines += sum(a == b for a, b in zip(expected.split("\n"), repaired.split("\n")))
        entry = {"documents": docs, "skipped_unencodable": len(documents) - docs,
                 "bytes_document_exact": bytes_docs / max(1, docs),
                 "bytes_line_exact_in_documents": bytes_lines / max(1, total_lines)}
        if name != "cp1258":
            entry["text_document_exact"] = text_docs / max(1, docs)
            entry["text_line_exact_in_documents"] = text_lines / max(1, total_lines)
        figures[name] = entry
    return figures


def main(out_dir: Path) -> dict:
    from sohoa.diacritics.encodings import LegacyEncodingFixer
    from sohoa.diacritics.pipeline import _default_restorer

    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    lines = heldout_lines(int(os.environ.get("REPAIR_BENCH_LINES", "5000")))
    documents = heldout_documents(int(os.environ.get("REPAIR_BENCH_DOCS", "150")))
    if not lines:
        print("no held-out corpus found next to the repository (../shared/corpus); nothing to measure")
        return {}
    results: dict = {"lines": len(lines), "documents": len(documents),
                     "document_lines": sum(len(d) for d in documents)}

    untouched, speed, changed = _untouched(lines, restore=False)
    results["untouched_share_deterministic"] = untouched
    results["lines_per_s_deterministic"] = speed
    if _default_restorer() is not None:
        full_untouched, full_speed, full_changed = _untouched(lines, restore=True)
        results["untouched_share_full"] = full_untouched
        results["lines_per_s_full"] = full_speed
        changed += [dict(c, restore=True) for c in full_changed]
    by_fixer: dict[str, int] = {}
    for item in changed:
        for edit in item["edits"]:
            by_fixer[edit["fixer"]] = by_fixer.get(edit["fixer"], 0) + 1
    results["edits_on_correct_text_by_fixer"] = by_fixer

    detector = LegacyEncodingFixer()
    false_positives = sum(1 for line in lines if detector.find_edits(line))
    results["detection_false_positive_rate"] = false_positives / len(lines)
    results["detection_fires_on_whole_text"] = bool(detector.find_edits("\n".join(lines)))

    results["round_trip_lines"] = round_trip_lines(lines, with_restorer=_default_restorer() is not None)
    source_lines = [line for docs in correct_sources().values() for doc in docs for line in doc]
    if source_lines:
        results["round_trip_lines_other_sources"] = round_trip_lines(source_lines, with_restorer=True)
    results["negative_sources"] = negative_sources()
    results["negative_sources_sohoa_run"] = run_txt_sources()
    results["round_trip_documents"] = round_trip_documents(documents)
    results["seconds"] = time.perf_counter() - started

    (out_dir / "changed_correct_lines.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in changed), encoding="utf-8")
    _print(results)
    return results


def _print(results: dict) -> None:
    print(f"held-out lines: {results['lines']}; held-out documents: {results['documents']} "
          f"({results['document_lines']} lines)")
    print(f"untouched by repair (deterministic stages): {results['untouched_share_deterministic']:.4%} "
          f"(anchor 100%) at {results['lines_per_s_deterministic']:.0f} lines/s")
    if "untouched_share_full" in results:
        print(f"untouched by repair (with restorer): {results['untouched_share_full']:.4%} "
              f"at {results['lines_per_s_full']:.0f} lines/s")
    else:
        print("untouched by repair (with restorer): no restorer model shipped, not measured")
    print(f"edits on correct lines by fixer: {results['edits_on_correct_text_by_fixer']}")
    print(f"encoding detection false positives on correct lines: {results['detection_false_positive_rate']:.4%}; "
          f"fires on all lines as one text: {results['detection_fires_on_whole_text']}")
    print("round trip, each line alone (bar: >= 99.9% bytes_line_exact):")
    for name, figures in results["round_trip_lines"].items():
        print(f"  {name:15s} " + "  ".join(
            f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    if "round_trip_lines_other_sources" in results:
        print("round trip of lines from sources the model never read, each line alone:")
        for name, figures in results["round_trip_lines_other_sources"].items():
            print(f"  {name:15s} " + "  ".join(
                f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    print("correct text from sources the model never read, unchanged by repair (bar: >= 99.9%):")
    for name, figures in results.get("negative_sources", {}).items():
        print(f"  {name:30s} " + "  ".join(
            f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
            if k != "changed_examples"))
        for line, out in figures.get("changed_examples", []):
            print(f"      {line!r}\n   -> {out!r}")
    print("the same through `sohoa run` as .txt inputs (paragraphs repair changed):")
    for name, figures in results.get("negative_sources_sohoa_run", {}).items():
        print(f"  {name:30s} " + "  ".join(
            f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    print("round trip, each document one file / one text:")
    for name, figures in results["round_trip_documents"].items():
        print(f"  {name:15s} " + "  ".join(
            f"{k}={v:.4%}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    print(f"bench time: {results['seconds']:.0f}s")


if __name__ == "__main__":
    main(Path(__file__).resolve().parent / "out" / "repair")
