"""Score OCR'd text against ground truth: CER, WER and syllable accuracy (`sohoa eval`).

Both sides are NFC-normalised and every whitespace run (spaces, line breaks, form feeds)
becomes one space, so layout differences do not count — only the characters read.
- CER: character edit distance / reference characters.
- WER: edit distance over whitespace-separated words / reference words.
- syllable accuracy: share of reference syllables (Vietnamese words are written syllable by
  syllable; punctuation stripped) that the alignment keeps exactly, i.e. 1 - (S + D) / N.
Overall figures are totals over all documents (edits summed / lengths summed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from sohoa.errors import UsageError

SYLLABLE = re.compile(r"\w+")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Score:
    doc_id: str
    char_errors: int
    chars: int
    word_errors: int
    words: int
    syllables_wrong: int
    syllables: int

    @property
    def cer(self) -> float:
        return self.char_errors / self.chars if self.chars else float(self.char_errors > 0)

    @property
    def wer(self) -> float:
        return self.word_errors / self.words if self.words else float(self.word_errors > 0)

    @property
    def syllable_accuracy(self) -> float:
        return 1 - self.syllables_wrong / self.syllables if self.syllables else 1.0

    def as_dict(self) -> dict:
        return {"doc_id": self.doc_id, "cer": round(self.cer, 5), "wer": round(self.wer, 5),
                "syllable_accuracy": round(self.syllable_accuracy, 5), "chars": self.chars,
                "words": self.words, "syllables": self.syllables}


def score(doc_id: str, hypothesis: str, reference: str) -> Score:
    hyp, ref = normalise(hypothesis), normalise(reference)
    hyp_words, ref_words = hyp.split(), ref.split()
    hyp_syl, ref_syl = SYLLABLE.findall(hyp), SYLLABLE.findall(ref)
    wrong = sum(1 for op in Levenshtein.editops(ref_syl, hyp_syl) if op.tag in ("replace", "delete"))
    return Score(doc_id, Levenshtein.distance(hyp, ref), len(ref), Levenshtein.distance(hyp_words, ref_words),
                 len(ref_words), wrong, len(ref_syl))


def total(scores: list[Score]) -> Score:
    return Score("ALL", sum(s.char_errors for s in scores), sum(s.chars for s in scores),
                 sum(s.word_errors for s in scores), sum(s.words for s in scores),
                 sum(s.syllables_wrong for s in scores), sum(s.syllables for s in scores))


def gold_files(gold: Path) -> dict[str, Path]:
    """Gold texts by doc_id: the file stem, in NFC as doc_ids are (a file copied from a Mac is
    named in NFD)."""
    if gold.is_dir():
        return {unicodedata.normalize("NFC", p.stem): p for p in sorted(gold.glob("*.txt"))}
    return {unicodedata.normalize("NFC", gold.stem): gold}


def read_text_file(path: Path) -> str:
    """A gold or output text: UTF-8 (a BOM is no character of it) or UTF-16 with its BOM; a
    usage error for anything else (the files to score are the command's arguments)."""
    data = path.read_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         hint="convert it to UTF-8") from exc


def evaluate(gold: str | Path, out: str | Path) -> tuple[list[Score], list[str]]:
    """Scores of every gold document found in OUT, and the doc_ids missing from OUT.

    OUT is a `sohoa run` output folder (OUT/<doc_id>/text.txt) or, for a single gold file,
    a text file. An empty gold file scores nothing and is an error, as is a folder of gold
    scored against one text file."""
    gold, out = Path(gold), Path(out)
    golds = gold_files(gold)
    if out.is_file() and len(golds) > 1:
        raise UsageError(f"{out} is one text file: give one gold file with it, or the output folder of a run")
    scores, missing = [], []
    for doc_id, path in golds.items():
        candidate = out if out.is_file() else out / doc_id / "text.txt"
        if not candidate.exists():
            missing.append(doc_id)
            continue
        reference = read_text_file(path)
        if not reference.strip():
            raise UsageError(f"the gold file {path} is empty: a transcription is needed to score against")
        scores.append(score(doc_id, read_text_file(candidate), reference))
    return scores, missing


def format_table(scores: list[Score]) -> str:
    rows = [f"{'doc_id':<32} {'CER':>8} {'WER':>8} {'syll.acc':>9} {'chars':>8}"]
    for s in scores + ([total(scores)] if scores else []):
        rows.append(f"{s.doc_id[:32]:<32} {s.cer:>8.4f} {s.wer:>8.4f} {s.syllable_accuracy:>9.4f} {s.chars:>8}")
    return "\n".join(rows)
