"""Read the clean training corpora and split them, deterministically, into train and held-out.

Every component that trains on a corpus reads `split="train"`; every benchmark reads
`split="heldout"`. The split is by document id hash, so it is stable across runs and machines.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

HELDOUT_PERCENT = 3


@dataclass(frozen=True)
class CorpusDocument:
    doc_id: str
    text: str
    source: str


def is_heldout(doc_id: str) -> bool:
    digest = hashlib.sha1(doc_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_corpus(paths: Iterable[str | Path], split: str = "train") -> Iterator[CorpusDocument]:
    """Yield documents of .jsonl(.gz) files (field 'text', optional 'id') or plain .txt files.

    split: 'train', 'heldout' or 'all'.
    """
    if split not in ("train", "heldout", "all"):
        raise ValueError(f"unknown split {split!r}")
    for raw_path in paths:
        path = Path(raw_path)
        is_jsonl = ".jsonl" in path.name or path.suffix == ".json"
        with _open_text(path) as handle:
            if not is_jsonl:
                doc_id = f"{path.name}"
                docs = [(doc_id, handle.read())]
            else:
                docs = (
                    (str(rec.get("id", f"{path.name}:{n}")), rec.get("text", ""))
                    for n, rec in enumerate(json.loads(line) for line in handle if line.strip())
                )
            for doc_id, text in docs:
                if split != "all" and is_heldout(doc_id) != (split == "heldout"):
                    continue
                yield CorpusDocument(doc_id=doc_id, text=text, source=str(path))
