"""A second reading of the doubtful words Tesseract read inside otherwise confident text rows.

Tesseract's page segmentation sometimes cuts a printed row at a word: a seal or a signature
beside the closing paragraph moves a column edge through it, and the recogniser sees only a
sliver of the word (on a real letter 'ngành,' came out as 'Ệ' at confidence 0, between 'ban,'
and 'cơ' read at 96 and 97). Read again as one short line from the confident word before it
to the confident word after it, the same engine reads the word whole.

The evidence is the engine's own: a word is read again only when its confidence is low and
both of its neighbours on the printed row are confident; the new reading is taken only when
it reproduces both neighbours exactly and is itself clearly more confident. All the strips of
a page go to the engine in one picture, so a page costs one extra call at most.
"""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np

from sohoa.ingest.layout import physical_rows
from sohoa.ingest.records import OcrWord
from sohoa.ingest.sheet import read_boxes

DOUBTFUL = 50.0  # engine confidence below which a word is worth a second reading
CONFIDENT = 80.0  # neighbours at least this sure anchor the strip
GAIN = 20.0  # the second reading must be this much surer than the first
MAX_GAP = 8.0  # text heights between the anchors: wider is a column gutter, not a few words
MAX_STRIPS = 16  # per page: a page full of doubt is a bad scan, not a cut row
PAD = 0.35  # text heights of paper kept above and below a strip


def reread_doubtful(engine, image: np.ndarray, words: list[OcrWord],
                    timeout: float | None = None) -> tuple[list[OcrWord], int]:
    """(words with the doubtful runs the engine read better a second time replaced, how many)."""
    strips = _doubtful_runs(words)[:MAX_STRIPS]
    if not strips:
        return words, 0
    boxes = []  # read_boxes clips them to the picture
    for left, run, right in strips:
        text_h = (words[left].bbox[3] - words[left].bbox[1] + words[right].bbox[3] - words[right].bbox[1]) / 2
        pad = int(round(PAD * text_h))
        boxes.append((words[left].bbox[0] - pad, min(words[left].bbox[1], words[right].bbox[1]) - pad,
                      words[right].bbox[2] + pad, max(words[left].bbox[3], words[right].bbox[3]) + pad))
    replaced: dict[int, list[OcrWord]] = {}
    dropped: set[int] = set()
    for (left, run, right), again in zip(strips, read_boxes(engine, image, boxes, timeout=timeout)):
        again.sort(key=lambda w: w.bbox[0])
        if len(again) < 3 or again[0].text != words[left].text or again[-1].text != words[right].text:
            continue
        middle = again[1:-1]
        before = statistics.mean(words[i].conf for i in run)
        after = statistics.mean(w.conf for w in middle)
        if after < max(CONFIDENT * 0.75, before + GAIN):
            continue
        first = words[run[0]]
        replaced[run[0]] = [replace(w, block=first.block, par=first.par, line=first.line, word=first.word)
                            for w in middle]
        dropped.update(run[1:])
    if not replaced:
        return words, 0
    out: list[OcrWord] = []
    for index, word in enumerate(words):
        if index in replaced:
            out.extend(replaced[index])
        elif index not in dropped:
            out.append(word)
    return out, len(replaced)


def _doubtful_runs(words: list[OcrWord]) -> list[tuple[int, list[int], int]]:
    """(left anchor, doubtful words, right anchor) index triples: runs of doubtful words on one
    printed row between two confident words of the row's text height, no wider than a few words."""
    usable = [i for i, w in enumerate(words) if w.text.strip() and w.bbox[3] > w.bbox[1]]
    rows = physical_rows(words, usable) if usable else []
    runs = []
    for row in rows:
        row.sort(key=lambda i: words[i].bbox[0])
        text_h = statistics.median(words[i].bbox[3] - words[i].bbox[1] for i in row)
        i = 0
        while i < len(row):
            if words[row[i]].conf >= DOUBTFUL or i == 0:
                i += 1
                continue
            j = i
            while j < len(row) and 0 <= words[row[j]].conf < DOUBTFUL:
                j += 1
            if j < len(row) and words[row[i - 1]].conf >= CONFIDENT and words[row[j]].conf >= CONFIDENT:
                left, right = words[row[i - 1]], words[row[j]]
                if _body_sized(left, text_h) and _body_sized(right, text_h) and \
                        right.bbox[0] - left.bbox[2] <= MAX_GAP * text_h:
                    runs.append((row[i - 1], row[i:j], row[j]))
            i = j + 1
    return runs


def _body_sized(word: OcrWord, text_h: float) -> bool:
    """A word as high as the row's text (ascenders, descenders and marks allowed for)."""
    return 0.5 * text_h <= word.bbox[3] - word.bbox[1] <= 2.0 * text_h
