"""Aligned (OCR output, truth) token pairs from rendered pages: the data of the OCR channel model.

Clean text is rendered to scanned-looking pages (`sohoa.synth.render`), read back with real
Tesseract (`eng` reproduces legacy English-model garble, `vie` the residual errors of the
Vietnamese model), and the OCR tokens are aligned to the true tokens. Used on the train split
to learn the channel, and on the held-out split by the benchmark.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from sohoa.diacritics.syllables import strip_marks

_CHUNK_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class OcrSample:
    """One rendered page: what Tesseract read and the true text."""

    ocr: str
    truth: str
    lang: str
    level: str


def ocr_pages(paragraphs: Sequence[str], *, lang: str, level: str, seed: int, max_pages: int,
              ocr_model: str = "fast") -> list[OcrSample]:
    """Render `paragraphs` as pages and read each with the OCR engine: Tesseract `lang`
    (OMP_THREAD_LIMIT=1), `vie` pages with the model `ocr_model` (sohoa.ingest.ocr.OCR_MODELS),
    as one uniform block of text (psm 6)."""
    import numpy as np

    from sohoa.ingest.ocr import TesseractEngine
    from sohoa.synth.render import render_document

    os.environ["OMP_THREAD_LIMIT"] = "1"
    pages = render_document(list(paragraphs), level=level, seed=seed, page_numbers=False, seal="none",
                            max_pages=max_pages)
    engine = TesseractEngine(lang=lang, psm=6, model=ocr_model)
    samples = []
    for page in pages:
        text = engine.read_text(np.asarray(page.image.convert("L")))
        samples.append(OcrSample(ocr=text, truth=page.truth_text, lang=lang, level=level))
    return samples


def cached_ocr_pages(cache: Path, paragraphs: Sequence[str], **kwargs) -> list[OcrSample]:
    """`ocr_pages`, cached as JSON lines at `cache` (keyed by the arguments and text)."""
    import hashlib

    digest = hashlib.sha1(json.dumps([list(paragraphs), kwargs], ensure_ascii=False).encode()).hexdigest()[:16]
    path = Path(cache) / f"ocr_{kwargs.get('lang')}_{kwargs.get('level')}_{digest}.jsonl"
    if path.exists():
        return [OcrSample(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    samples = ocr_pages(paragraphs, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(s.__dict__, ensure_ascii=False) + "\n" for s in samples), encoding="utf-8")
    tmp.replace(path)
    return samples


def _norm(chunk: str) -> str:
    return strip_marks(chunk.lower()).strip(".,;:!?()\"'“”‘’…-–")


def align_tokens(ocr: str, truth: str) -> list[tuple[str, str]]:
    """Whitespace-token pairs (ocr chunk, truth chunk); 1:n and n:1 runs are joined with spaces."""
    ocr_tokens = _CHUNK_RE.findall(ocr)
    truth_tokens = _CHUNK_RE.findall(truth)
    matcher = difflib.SequenceMatcher(None, [_norm(t) for t in ocr_tokens], [_norm(t) for t in truth_tokens],
                                      autojunk=False)
    pairs = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            pairs.extend(zip(ocr_tokens[a0:a1], truth_tokens[b0:b1]))
        elif op == "replace" and max(a1 - a0, b1 - b0) <= 3:
            pairs.append((" ".join(ocr_tokens[a0:a1]), " ".join(truth_tokens[b0:b1])))
    return pairs


def training_paragraphs(docs: Iterable[str], *, min_chars: int = 60, limit: int = 400) -> list[str]:
    """Body-text paragraphs of some documents (long lines), deterministic."""
    out = []
    for text in docs:
        for line in text.splitlines():
            line = " ".join(line.split())
            if len(line) >= min_chars:
                out.append(line)
                if len(out) >= limit:
                    return out
    return out


CHANNEL_JOBS = (("eng", "light"), ("eng", "clean"), ("eng", "heavy"), ("vie", "heavy"), ("vie", "light"),
                ("vie", "heavy"), ("vie", "light"))
"""(language, degradation) of the pages OCR'd to learn the channels, drawn in turn; the last two
were added for the Vietnamese-model mark channel (appended, so the pages before them stay)."""
_SHARES = (0.45, 0.15, 0.1, 0.2, 0.1, 0.3, 0.15)


def channel_samples(paths: Sequence[str | Path], pages: int, work_dir: Path, *, quiet: bool = True,
                    ocr_model: str = "fast", garble_pages: int = 0) -> list[OcrSample]:
    """OCR samples of about `pages` pages of train-split text of `paths` (cached in `work_dir`);
    the `vie` pages are read with the Tesseract model `ocr_model`, the one `sohoa run` uses.

    Paragraphs are drawn round-robin from the corpora, a few per document, so the pages mix
    legal, news and report text like the documents the channel will meet.

    `garble_pages` more pages are read by the English model alone, for the garble channel, from
    the paragraphs after those the first pages may draw (per corpus): the first pages stay the
    same, so their cache stays good, and no paragraph is read twice.
    """
    import itertools

    from sohoa.synth.corpus import iter_corpus

    per_corpus, extra_per_corpus = [], []
    for path in paths:
        paragraphs: list[str] = []
        for doc in iter_corpus([path], split="train"):
            paragraphs += training_paragraphs([doc.text], limit=4)
            if len(paragraphs) >= (pages + garble_pages) * 16:
                break
        per_corpus.append(paragraphs[:pages * 16])
        extra_per_corpus.append(paragraphs[pages * 16:(pages + garble_pages) * 16])
    mixed = [p for group in itertools.zip_longest(*per_corpus) for p in group if p]
    samples = _draw_pages(mixed, pages, CHANNEL_JOBS, _SHARES, work_dir, quiet, ocr_model, first_seed=1000)
    if garble_pages:
        extra = [p for group in itertools.zip_longest(*extra_per_corpus) for p in group if p]
        samples += _draw_pages(extra, garble_pages, GARBLE_JOBS, _GARBLE_SHARES, work_dir, quiet, ocr_model,
                               first_seed=1000 + len(mixed))
    return samples


GARBLE_JOBS = CHANNEL_JOBS[:3]
_GARBLE_SHARES = tuple(share / sum(_SHARES[:3]) for share in _SHARES[:3])
"""The extra English-model pages keep the first pages' mix of degradations."""


def _draw_pages(paragraphs: list[str], pages: int, jobs, shares, work_dir: Path, quiet: bool, ocr_model: str,
                first_seed: int) -> list[OcrSample]:
    """OCR'd pages of `paragraphs` taken in order, 16 a page, each job its share of `pages`, in
    chunks of three pages (one render each, cached); fewer where the paragraphs run out."""
    import sys

    samples: list[OcrSample] = []
    cursor = 0
    for (lang, level), share in zip(jobs, shares):
        todo = max(1, round(pages * share))
        for chunk_no in range(0, todo, 3):
            n = min(3, todo - chunk_no)
            chunk = paragraphs[cursor: cursor + 16 * n]
            cursor += 16 * n
            if not chunk:
                break
            # 'fast' adds no argument, so pages cached before the model setting are found again
            model = {"ocr_model": ocr_model} if lang == "vie" and ocr_model != "fast" else {}
            samples += cached_ocr_pages(work_dir, chunk, lang=lang, level=level, seed=first_seed + cursor,
                                        max_pages=n, **model)
            if not quiet:
                print(f"restore/train: OCR'd {len(samples)} pages ({lang}, {level})", file=sys.stderr, flush=True)
    return samples
