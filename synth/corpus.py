"""Read the clean training corpora and split them, deterministically, into train and held-out.

Every component that trains on a corpus reads `split="train"`; every benchmark reads
`split="heldout"` (documents held out by id hash, so the split is stable across runs and
machines) or `split="heldout_topics"`. The second holds out whole topics of a corpus whose
records name one (`HELDOUT_TOPICS`): text of a kind the model never read at all, not only
documents it never read of the kinds it did. A document of a held-out topic whose id is also
held out belongs to both benchmark splits, and never to the train split.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

HELDOUT_PERCENT = 3
# Fixed before any figure on it was seen: the legal corpus' trade-union regulations (50 documents,
# 2.7 M characters, 11 % of the legal text), a whole administrative topic.
HELDOUT_TOPICS = ("cong_doan",)
SPLITS = ("train", "heldout", "heldout_topics", "all")


@dataclass(frozen=True)
class CorpusDocument:
    doc_id: str
    text: str
    source: str
    topic: str = ""


def is_heldout(doc_id: str) -> bool:
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT


def in_split(doc_id: str, topic: str, split: str) -> bool:
    if split == "all":
        return True
    if split == "heldout":
        return is_heldout(doc_id)
    if split == "heldout_topics":
        return topic in HELDOUT_TOPICS
    return not is_heldout(doc_id) and topic not in HELDOUT_TOPICS


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_corpus(paths: Iterable[str | Path], split: str = "train") -> Iterator[CorpusDocument]:
    """Yield documents of .jsonl(.gz) files (field 'text', optional 'id') or plain .txt files.

    split: one of `SPLITS`.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    for raw_path in paths:
        path = Path(raw_path)
        is_jsonl = ".jsonl" in path.name or path.suffix == ".json"
        with _open_text(path) as handle:
            if not is_jsonl:
                doc_id = f"{path.name}"
                docs = [(doc_id, "", handle.read())]
            else:
                docs = (
                    (str(rec.get("id", f"{path.name}:{n}")), str(rec.get("topic") or ""), rec.get("text", ""))
                    for n, rec in enumerate(json.loads(line) for line in handle if line.strip())
                )
            for doc_id, topic, text in docs:
                if in_split(doc_id, topic, split):
                    yield CorpusDocument(doc_id=doc_id, text=text, source=str(path), topic=topic)
