"""Benchmark of the diacritic restorer on held-out text (never read by `sohoa train`).

Sets, all built deterministically from the held-out split of ../shared/corpus:
1. de-accented lines of legal/administrative text and of news (case kept), and of the topics
   held out of training whole (`synth.corpus.HELDOUT_TOPICS`: a legal topic, the news' sport);
2. synthetic legacy OCR: held-out paragraphs rendered ('light' scans) and read with `tesseract -l eng`
   (the restorer alone, and `repair` with its default options as `sohoa repair` runs it, whose
   confidence threshold leaves the restorer's unsure choices as proposals; pages and lines alone);
3. `tesseract -l vie` on 'heavy' (degraded) renders;
4. correct text: held-out lines that must come out unchanged;
5. text from sources the model never read (`bench.heldout_sources`), per source: de-accented
   (each document, and each line alone) and as written (must come out unchanged);
6. real English-model garble: the real-scan gold pages (`bench/realscans`) read by plain
   `tesseract -l eng`, as scans were digitised before Vietnamese models, scored against their
   gold text, per split of the gold (the `heldout*` splits reported apart).
RESTORE_BENCH_SETS=1,4,5 runs some sets only (default: 1-6); RESTORE_BENCH_MODEL=path measures
another model file than the shipped one. RESTORE_BENCH_SETS=dev measures the held-out news
documents that come after set 1's (up to 200k syllables in all) and 8 pages of held-out text
read by the English model that set 2 does not read: where the restorer's settings are chosen,
so that sets 1 and 2 stay measurements; they are no benchmark figures.
Anchor: pyvi's `ViUtils.add_accents` on sets 1-2, in the same run. OCR output is cached under
bench/work/restore/. Figures: syllable accuracy (case-insensitive and exact), CER before/after,
lines exact, syllables per second of CPU time of this process (one core; model load excluded —
wall-clock rates on a machine shared with other jobs say more about the neighbours).

    make bench BENCH=restore            # or: .venv/bin/python -m bench.run_all with BENCH=restore
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from sohoa.diacritics.compose import apply_edits
from sohoa.diacritics.syllables import canonical, strip_marks

ROOT = Path(__file__).resolve().parent.parent
from bench.heldout_sources import correct_sources, shared_dir  # noqa: E402

CORPUS = shared_dir() / "corpus"
SEEDS = shared_dir() / "seeds"
WORK = ROOT / "bench" / "work" / "restore"
LEGAL, NEWS = CORPUS / "vi_legal.jsonl.gz", CORPUS / "vi_news.jsonl.gz"
SET1_SYLLABLES = {"legal": 150_000, "news": 60_000,  # legal: every held-out legal document
                  "legal_unseen_topic": 150_000, "news_unseen_category": 60_000}
SET4_LINES = 4_000
OCR_PAGES = 12                # per OCR set
_WORD = re.compile(r"[^\W_]+")
_EDGE = ".,;:!?()[]\"'“”‘’…-–*"


# ------------------------------------------------------------------ data
def heldout_lines(path: Path, max_syllables: int, *, min_words: int = 4,
                  split: str = "heldout") -> list[list[str]]:
    """Held-out documents as lists of lines (whitespace-normalised), up to `max_syllables` words."""
    from sohoa.synth.corpus import iter_corpus

    docs, total = [], 0
    for doc in iter_corpus([path], split=split):
        lines = [" ".join(line.split()) for line in doc.text.splitlines()]
        lines = [line for line in lines if len(_WORD.findall(line)) >= min_words]
        if not lines:
            continue
        docs.append(lines)
        total += sum(len(_WORD.findall(line)) for line in lines)
        if total >= max_syllables:
            break
    return docs


def heldout_paragraphs(path: Path, count: int, *, skip_docs: int = 0, split: str = "heldout") -> list[str]:
    from sohoa.diacritics.restore.ocrpairs import training_paragraphs
    from sohoa.synth.corpus import iter_corpus

    out: list[str] = []
    for n, doc in enumerate(iter_corpus([path], split=split)):
        if n < skip_docs:
            continue
        out += training_paragraphs([doc.text], limit=6)
        if len(out) >= count:
            break
    return out[:count]


def ocr_set(lang: str, level: str, seed: int) -> list[tuple[str, str]]:
    """(ocr text, truth text) per page of held-out paragraphs (legal and news, interleaved)."""
    from sohoa.diacritics.restore.ocrpairs import cached_ocr_pages

    legal = heldout_paragraphs(LEGAL, 16 * OCR_PAGES)
    news = heldout_paragraphs(NEWS, 16 * OCR_PAGES, skip_docs=50)
    mixed = [p for pair in zip(legal, news) for p in pair]
    samples = cached_ocr_pages(WORK, mixed, lang=lang, level=level, seed=seed, max_pages=OCR_PAGES)
    return [(s.ocr, s.truth) for s in samples]


def realscan_eng_pages() -> dict[str, list[tuple[str, str]]]:
    """Split → (English-model OCR text, gold text) of the real-scan gold pages: each page drawn
    at 300 dpi by poppler (an image scan as it is) and read by the system's `tesseract -l eng`
    (one thread), cached under bench/work/restore/."""
    import subprocess
    import tempfile

    from bench.realscans_bench import DEFAULT_SPLITS, gold_pages

    out: dict[str, list[tuple[str, str]]] = {}
    for page in gold_pages(set(DEFAULT_SPLITS.split(","))):
        cache = WORK / "realscans_eng" / f"{page['id']}.txt"
        if not cache.exists():
            with tempfile.TemporaryDirectory() as tmp:
                image = page["scan"]
                if image.suffix.lower() == ".pdf":
                    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", str(page["page"]), "-l",
                                    str(page["page"]), "-singlefile", str(image), f"{tmp}/page"], check=True)
                    image = Path(tmp) / "page.png"
                text = subprocess.run(["tesseract", str(image), "stdout", "-l", "eng"], capture_output=True, text=True,
                                      check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(text, encoding="utf-8")
        gold = page["gold_path"].read_text(encoding="utf-8")
        out.setdefault(page["split"], []).append((cache.read_text(encoding="utf-8"), gold))
    return out


def dev_garble_pages() -> list[tuple[str, str]]:
    """(ocr text, truth text) of 8 pages read by the English model, of held-out text set 2 does
    not read (the held-out legal topic after its first 20 documents, held-out news after the
    first 120), for choosing settings; no benchmark figure."""
    from sohoa.diacritics.restore.ocrpairs import cached_ocr_pages

    legal = heldout_paragraphs(LEGAL, 16 * 8, skip_docs=20, split="heldout_topics")
    news = heldout_paragraphs(NEWS, 16 * 8, skip_docs=120)
    mixed = [p for pair in zip(legal, news) for p in pair]
    samples = cached_ocr_pages(WORK, mixed, lang="eng", level="light", seed=23, max_pages=8)
    return [(s.ocr, s.truth) for s in samples]


# ------------------------------------------------------------------ metrics
def _tokens(text: str) -> list[str]:
    return [t for t in (c.strip(_EDGE) for c in text.split()) if t]


def syllable_scores(output: str, truth: str) -> tuple[int, int, int]:
    """(truth syllables, matched case-insensitively, matched exactly) after token alignment: the
    longest common subsequence of the tokens (an optimal alignment; difflib's matcher is a
    heuristic whose blocks can shift when one token of a page changes)."""
    from rapidfuzz.distance import LCSseq

    truth_tokens = [canonical(t) for t in _tokens(truth)]
    out_tokens = [canonical(t) for t in _tokens(output)]
    exact = insensitive = 0
    for op in LCSseq.opcodes([t.lower() for t in out_tokens], [t.lower() for t in truth_tokens]):
        if op.tag == "equal":
            for k in range(op.src_end - op.src_start):
                insensitive += 1
                exact += out_tokens[op.src_start + k] == truth_tokens[op.dest_start + k]
    return len(truth_tokens), insensitive, exact


def cer(output: str, truth: str) -> float:
    a, b = " ".join(output.split()), " ".join(truth.split())
    return Levenshtein.distance(a, b) / max(1, len(b))


class Scores:
    def __init__(self) -> None:
        self.n = self.insensitive = self.exact = 0
        self.lines = self.lines_exact = 0
        self.cer_num = self.cer_den = 0.0
        self.seconds = 0.0

    def add(self, output: str, truth: str) -> None:
        n, ins, ex = syllable_scores(output, truth)
        self.n += n
        self.insensitive += ins
        self.exact += ex
        out_lines, truth_lines = output.splitlines(), truth.splitlines()
        self.lines += len(truth_lines)
        self.lines_exact += sum(" ".join(a.split()) == " ".join(b.split()) for a, b in zip(out_lines, truth_lines))
        b = " ".join(truth.split())
        self.cer_num += Levenshtein.distance(" ".join(output.split()), b)
        self.cer_den += len(b)

    def figures(self) -> dict:
        return {
            "syllables": self.n,
            "syllable_accuracy": round(self.insensitive / max(1, self.n), 4),
            "syllable_accuracy_exact_case": round(self.exact / max(1, self.n), 4),
            "cer": round(self.cer_num / max(1, self.cer_den), 4),
            "lines_exact": round(self.lines_exact / max(1, self.lines), 4),
            "syllables_per_s": round(self.n / self.seconds) if self.seconds else None,
        }


# ------------------------------------------------------------------ systems
def run_restorer(restorer, text: str) -> tuple[str, float]:
    started = time.process_time()
    edits = restorer.find_edits(text)
    return apply_edits(text, edits), time.process_time() - started


PYVI_FAILURES = {"lines": 0}


def run_pyvi(text: str) -> tuple[str, float]:
    """pyvi's ViUtils.add_accents line by line; a line it crashes on (KeyError on rare
    letter sequences) is left as it was and counted in PYVI_FAILURES."""
    from pyvi import ViUtils

    def one(line: str) -> str:
        if not line.strip():
            return line
        try:
            return ViUtils.add_accents(line)
        except Exception:  # noqa: BLE001 - the anchor's own bug, counted and reported
            PYVI_FAILURES["lines"] += 1
            return line

    started = time.process_time()
    out = "\n".join(one(line) for line in text.split("\n"))
    return out, time.process_time() - started


def lines_left_as_written(restorer, documents: list[list[str]]) -> dict:
    """How many lines of correct `documents` (each a list of lines) the restorer, reading each
    document whole, leaves exactly as written."""
    unchanged = total = 0
    for lines in documents:
        output, _ = run_restorer(restorer, "\n".join(lines))
        unchanged += sum(a == b for a, b in zip(output.split("\n"), lines))
        total += len(lines)
    return {"lines": total, "lines_unchanged": round(unchanged / max(1, total), 5)}


def each_line(system):
    """`system` run on each line of a text on its own, as a line-by-line pipe sees it."""
    def run(text: str) -> tuple[str, float]:
        outputs, seconds = [], 0.0
        for line in text.split("\n"):
            out, spent = system(line)
            outputs.append(out)
            seconds += spent
        return "\n".join(outputs), seconds

    return run


def run_lines_alone(restorer, text: str) -> tuple[str, float]:
    """The restorer on each line of `text` on its own (`each_line`)."""
    return each_line(lambda line: run_restorer(restorer, line))(text)


def set4_as_vie_ocr(restorer, documents: list[list[str]]) -> dict:
    """Set 4's correct lines (`documents`) as if Tesseract `vie` had read them without a doubt: the share of
    lines the OCR-evidence stage (sohoa.diacritics.restore.ocr_evidence: the mark channel's
    slips, decided in context) and the code stage (sohoa.diacritics.restore.codes: the engine's
    known confusions inside codes, numbers and dates) leave as they are. sohoa run puts every
    OCR'd page through both."""
    from sohoa.diacritics.pipeline import DEFAULT_MIN_CONFIDENCE
    from sohoa.diacritics.restore.codes import code_fixer
    from sohoa.diacritics.restore.ocr_evidence import OcrEvidence, OcrMarkFixer

    evidence = OcrEvidence("tesseract-vie-best")
    fixers = [OcrMarkFixer(restorer, evidence)] + [f for f in [code_fixer(evidence)] if f is not None]
    unchanged = total = 0
    examples = []
    for lines in documents:
        text = "\n".join(lines)
        edits = [e for f in fixers for e in f.find_edits(text) if e.confidence >= DEFAULT_MIN_CONFIDENCE]
        touched = {text.count("\n", 0, e.start) for e in edits}
        total += len(lines)
        unchanged += len(lines) - len(touched)
        examples += [f"{e.before}→{e.after}" for e in edits][: max(0, 20 - len(examples))]
    return {"lines": total, "lines_unchanged": round(unchanged / max(1, total), 5), "examples": examples}


def run_pipeline(text: str) -> tuple[str, float]:
    from sohoa.diacritics import repair

    started = time.process_time()
    out = repair(text).text
    return out, time.process_time() - started


def calibration(restorer, pairs: list[tuple[str, str]], threshold: float = 0.8) -> dict:
    """Are confidences meaningful? Share of proposed word edits that are right, above and
    below `threshold` (set 1 only: de-accenting keeps offsets, so the true word is at the span)."""
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for source, truth in pairs:
        for edit in restorer.find_edits(source):
            if not edit.after:
                continue
            sure = edit.confidence >= threshold
            total[sure] += 1
            right[sure] += canonical(edit.after) == canonical(truth[edit.start:edit.end])
    return {f"edits_conf_ge_{threshold}": total[True],
            f"correct_conf_ge_{threshold}": round(right[True] / max(1, total[True]), 4),
            f"edits_conf_lt_{threshold}": total[False],
            f"correct_conf_lt_{threshold}": round(right[False] / max(1, total[False]), 4)}


def _score(pairs: list[tuple[str, str]], system) -> dict:
    scores = Scores()
    for source, truth in pairs:
        output, seconds = system(source)
        scores.seconds += seconds
        scores.add(output, truth)
    return scores.figures()


def _before(pairs: list[tuple[str, str]]) -> dict:
    return _score(pairs, lambda text: (text, 0.0)) | {"syllables_per_s": None}


# ------------------------------------------------------------------ main
def main(out_dir: Path) -> dict:
    from sohoa.diacritics.restore import DEFAULT_MODEL_PATH, load_restorer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    model_path = Path(os.environ.get("RESTORE_BENCH_MODEL") or DEFAULT_MODEL_PATH).resolve()
    restorer = load_restorer(model_path)
    load_seconds = time.perf_counter() - started
    results: dict = {"model": str(model_path), "model_load_s": round(load_seconds, 2),
                     "model_mb": round(model_path.stat().st_size / 2**20, 1)}
    restore = lambda text: run_restorer(restorer, text)  # noqa: E731
    wanted = set(os.environ.get("RESTORE_BENCH_SETS", "1,2,3,4,5,6").split(","))

    # set 1: de-accented held-out lines, one document at a time
    set1 = (("set1_legal", LEGAL, "heldout"), ("set1_news", NEWS, "heldout"),
            ("set1_legal_unseen_topic", LEGAL, "heldout_topics"),
            ("set1_news_unseen_category", NEWS, "heldout_topics"))
    for name, path, split in set1 if "1" in wanted else ():
        docs = heldout_lines(path, SET1_SYLLABLES[name.removeprefix("set1_")], split=split)
        pairs = [(strip_marks("\n".join(lines)), "\n".join(lines)) for lines in docs]
        results[name] = {"input": _before(pairs), "sohoa": _score(pairs, restore), "pyvi": _score(pairs, run_pyvi),
                         "confidence": calibration(restorer, pairs)}
        _print(name, results[name])

    # dev: held-out news after set 1's documents, and English-model OCR of held-out text set 2
    # does not read, for choosing settings
    if "dev" in wanted:
        docs = heldout_lines(NEWS, 200_000)[len(heldout_lines(NEWS, SET1_SYLLABLES["news"])):]
        pairs = [(strip_marks("\n".join(lines)), "\n".join(lines)) for lines in docs]
        results["dev_news"] = {"input": _before(pairs), "sohoa": _score(pairs, restore)}
        _print("dev_news", results["dev_news"])
        pages = dev_garble_pages()
        results["dev_eng_ocr"] = {"input": _before(pages), "sohoa": _score(pages, restore),
                                  "sohoa_lines_alone": _score(pages, lambda t: run_lines_alone(restorer, t))}
        _print("dev_eng_ocr", results["dev_eng_ocr"])

    # set 2: English-model OCR of held-out renders (pages, and each line alone)
    pages = ocr_set("eng", "light", seed=7) if "2" in wanted else []
    if pages:
        results["set2_eng_ocr"] = {"input": _before([(o, t) for o, t in pages]),
                                   "sohoa": _score(pages, restore),
                                   "sohoa_lines_alone": _score(pages, lambda t: run_lines_alone(restorer, t)),
                                   "sohoa_pipeline": _score(pages, run_pipeline),
                                   "sohoa_pipeline_lines_alone": _score(pages, each_line(run_pipeline)),
                                   "pyvi": _score(pages, run_pyvi)}
        _print("set2_eng_ocr", results["set2_eng_ocr"])

    # set 6: real English-model garble: the real-scan gold pages read by `tesseract -l eng`
    for split, pages in sorted(realscan_eng_pages().items()) if "6" in wanted else ():
        results[f"set6_realscans_eng_{split}"] = {
            "input": _before(pages), "sohoa": _score(pages, restore),
            "sohoa_lines_alone": _score(pages, lambda t: run_lines_alone(restorer, t)),
            "sohoa_pipeline": _score(pages, run_pipeline), "pyvi": _score(pages, run_pyvi)}
        _print(f"set6_realscans_eng_{split}", results[f"set6_realscans_eng_{split}"])

    # set 3: Vietnamese-model OCR of degraded held-out renders
    pages = ocr_set("vie", "heavy", seed=11) if "3" in wanted else []
    if pages:
        results["set3_vie_ocr"] = {"input": _before(pages), "sohoa": _score(pages, restore),
                                   "sohoa_pipeline": _score(pages, run_pipeline)}
        before, after = results["set3_vie_ocr"]["input"]["cer"], results["set3_vie_ocr"]["sohoa"]["cer"]
        results["set3_vie_ocr"]["cer_reduction"] = round(1 - after / before, 4) if before else None
        _print("set3_vie_ocr", results["set3_vie_ocr"])

    # set 5: text from sources the model never read (bench.heldout_sources): de-accented, and as written
    if "5" in wanted:
        for source, documents in correct_sources().items():
            pairs = [(strip_marks("\n".join(lines)), "\n".join(lines)) for lines in documents]
            results[f"set5_{source}"] = {
                "input": _before(pairs), "sohoa": _score(pairs, restore),
                "sohoa_lines_alone": _score(pairs, lambda t: run_lines_alone(restorer, t)),
                "pyvi": _score(pairs, run_pyvi),
                "correct_text": lines_left_as_written(restorer, documents)}
            _print(f"set5_{source}", results[f"set5_{source}"])

    # set 4: correct text must stay as it is
    if "4" in wanted:
        documents = [lines for path in (LEGAL, NEWS) for lines in heldout_lines(path, SET4_LINES * 6)[:200]]
        results["set4_correct"] = lines_left_as_written(restorer, documents)
        _print("set4_correct", results["set4_correct"])
        topic = heldout_lines(LEGAL, SET4_LINES * 6, split="heldout_topics")[:200]
        results["set4_correct_unseen_topic"] = lines_left_as_written(restorer, topic)
        _print("set4_correct_unseen_topic", results["set4_correct_unseen_topic"])
        category = heldout_lines(NEWS, SET4_LINES * 6, split="heldout_topics")[:200]
        results["set4_correct_unseen_category"] = lines_left_as_written(restorer, category)
        _print("set4_correct_unseen_category", results["set4_correct_unseen_category"])
        results["set4_correct_as_vie_ocr"] = set4_as_vie_ocr(restorer, documents)
        _print("set4_correct_as_vie_ocr", results["set4_correct_as_vie_ocr"])

    # seeds 000 and 002: no truth; a few lines before/after for the eye
    examples = []
    for seed_file in sorted(SEEDS.glob("00[02]_*.txt")):
        text = seed_file.read_text(encoding="utf-8")
        output, _ = run_restorer(restorer, text)  # the whole document, as `sohoa run` sees it
        pairs = [(a, b) for a, b in zip(text.splitlines(), output.splitlines()) if len(a) > 50][5:9]
        examples += [{"seed": seed_file.name[:3], "before": a, "after": b} for a, b in pairs]
    results["seed_examples"] = examples
    for ex in examples:
        print(f"  {ex['seed']} before: {ex['before']}\n      after:  {ex['after']}")
    results["pyvi_lines_failed"] = PYVI_FAILURES["lines"]
    (out_dir / "restore.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return results


def _print(name: str, figures: dict) -> None:
    print(f"{name}:")
    for system, values in figures.items():
        print(f"  {system:15s} {values}")


if __name__ == "__main__":  # pragma: no cover
    main(ROOT / "bench" / "out" / "restore")
