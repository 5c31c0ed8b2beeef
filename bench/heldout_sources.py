"""Correct Vietnamese text from sources the restorer model never read, for the repair and
restore benchmarks: text must come through `repair` byte for byte, and its de-accented form is
restored without the benefit of the training corpus' own documents.

Sources (each skipped when absent):
- `vietadmin_gt`: the two ground-truth transcriptions of Đà Nẵng education-department letters
  in ../shared/realscans/vietadmin (never in the corpus);
- `realscans_gold/<source>`: gold transcriptions of real government scans, read from
  $SOHOA_REALSCANS_GOLD or bench/realscans/gold (one folder per source, one file per page);
  `pages.jsonl` beside it tells dev pages from held-out ones, reported apart;
- `corpus_topic/<topic>`: documents of the topics held out of training whole
  (`sohoa.synth.corpus.HELDOUT_TOPICS`: a legal topic and the news corpus' sport), the first
  `TOPIC_DOCUMENTS` of each, at most `TOPIC_LINES` lines each, lines as the corpus has them;
- `register`: bench/data/register_clean.txt, sentences of another register (university
  regulations, procurement circulars, plans) written for this benchmark, with the typography
  authors really use: a space before a full stop, form blanks, '..', quotes, 'hoà'/'hòa'.

Nothing here is normalised beyond NFC-free reading: the lines are compared as the author wrote them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


TOPIC_DOCUMENTS, TOPIC_LINES = 12, 150


def shared_dir() -> Path:
    """../shared beside the repository (or beside the folder of its worktrees); $SOHOA_SHARED wins."""
    if os.environ.get("SOHOA_SHARED"):
        return Path(os.environ["SOHOA_SHARED"])
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared"


def gold_dir() -> Path:
    return Path(os.environ.get("SOHOA_REALSCANS_GOLD") or ROOT / "bench" / "realscans" / "gold")


def _lines(path: Path) -> list[str]:
    return _text_lines(path.read_text(encoding="utf-8"))


def _text_lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def _gold_splits(gold: Path) -> dict[str, str]:
    """'<source>/<stem>.p<page>' → 'dev' | 'heldout' from pages.jsonl beside the gold folder."""
    splits: dict[str, str] = {}
    listing = gold.parent / "pages.jsonl"
    if not listing.exists():
        return splits
    for raw in listing.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError:
            continue
        stem = str(entry.get("file", "")).removesuffix(".pdf")
        splits[f"{stem}.p{entry.get('page')}"] = entry.get("split", "dev")
    return splits


def correct_sources() -> dict[str, list[list[str]]]:
    """Source name → its documents, each a list of non-empty lines exactly as written."""
    sources: dict[str, list[list[str]]] = {}
    vietadmin = shared_dir() / "realscans" / "vietadmin"
    docs = [_lines(p) for p in sorted(vietadmin.glob("4_*_gt.txt"))]
    if docs:
        sources["vietadmin_gt"] = docs
    gold = gold_dir()
    if gold.is_dir():
        splits = _gold_splits(gold)
        for folder in sorted(p for p in gold.iterdir() if p.is_dir()):
            for page in sorted(folder.glob("*.txt")):
                split = splits.get(f"{folder.name}/{page.stem}", "dev")
                lines = _lines(page)
                if lines:
                    sources.setdefault(f"realscans_gold/{folder.name}/{split}", []).append(lines)
    from sohoa.synth.corpus import HELDOUT_TOPICS, iter_corpus

    for corpus in (shared_dir() / "corpus" / "vi_legal.jsonl.gz", shared_dir() / "corpus" / "vi_news.jsonl.gz"):
        if not corpus.exists():
            continue
        for doc in iter_corpus([corpus], split="heldout_topics"):
            documents = sources.setdefault(f"corpus_topic/{doc.topic}", [])
            lines = _text_lines(doc.text)[:TOPIC_LINES]
            if lines and len(documents) < TOPIC_DOCUMENTS:
                documents.append(lines)
            if all(len(sources.get(f"corpus_topic/{t}", ())) >= TOPIC_DOCUMENTS for t in HELDOUT_TOPICS):
                break  # every topic has its documents: the rest of the corpus need not be read
    register = ROOT / "bench" / "data" / "register_clean.txt"
    if register.exists():
        sources["register"] = [_lines(register)]
    for split in ("dev", "heldout"):  # MIXED_REGISTERS: a byte order mark is the file's, not its text's
        folder = MIXED_REGISTERS / split
        documents = [_text_lines(p.read_text(encoding="utf-8-sig")) for p in sorted(folder.glob("*.txt"))]
        if documents:
            sources[f"mixed_registers/{split}"] = documents
    return sources


MIXED_REGISTERS = ROOT / "bench" / "data" / "mixed_registers"
"""Correct text written for this benchmark in registers and habits far from reports: news,
recipes, poems, dialogue, science with formulas and units, software guides with commands,
paths and identifiers, Markdown, social posts with hashtags and teen code, bilingual notices,
foreign and ethnic-minority names, old and new tone placement. `dev/` was looked at while the
repair was changed; `heldout/` was written afterwards by another author, and its failures are
reported apart (one of its files, the README, was looked at after its first measurement)."""
