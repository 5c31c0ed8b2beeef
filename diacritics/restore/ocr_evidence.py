"""Tesseract's own doubt as evidence for a word's marks.

Tesseract's `vie` network reads a syllable one character at a time and, with
`lstm_choice_mode=2`, lists the other characters it weighed at each step. Where one of them is
the same letter with another mark ('chuyên' read, 'chuyển' weighed at 0.53 of its score), the
page's pixels allowed the other reading: the mark itself was in doubt. On real scans that is
where the engine's slips are ('triên khai', 'chuyên đồi số', 'phô cập'), and they are real
syllables, so no spelling rule can see them.

`OcrEvidence` carries those alternatives from the OCR words to the repair stage, keyed by the
word as read (a document's text is repaired as text, not as word records). `OcrMarkFixer`
gives every word with alternatives the candidates its spelling and its alternatives allow, and
picks among them with the toned trigram model over its neighbours (re-chosen twice, so that two
slips side by side — 'chuyên đồi số' — are judged in each other's mended context), plus the
alternative's own score from the engine and the learned mark channel's odds of that slip
(`marks`). A word changes only when the pixels allowed the other reading *and* the context
prefers it by a clear margin (`MARGIN`, chosen on the dev pages of the real-scan bench).
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.syllables import apply_case, is_valid_syllable, strip_marks
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, tokenize_text

FIXER_NAME = "restore.ocr-evidence"
MARGIN = 3.0
"""log-odds the context must give an alternative over the word as read (after the engine's
and the channel's terms) before it is taken."""
ENGINE_WEIGHT = 1.0
"""weight of log(relative confidence) of the alternative, as the engine scored it"""
CHANNEL_WEIGHT = 0.5
"""weight of the mark channel's log odds of the slip (written | alternative) against (written | written)"""
MIN_ALTERNATIVE = 0.05
"""alternatives the engine scored below this share of the reading are not considered"""
MAX_PER_WORD = 5
MAX_COMBINATIONS = 400
_PUNCT = ".,;:!?()[]{}\"'“”‘’«»…-–—/"


def _bare(word: str) -> str:
    return unicodedata.normalize("NFC", word.strip(_PUNCT))


@dataclass(frozen=True)
class OcrEvidence:
    """What read the text, and the engine's mark alternatives per word as read.

    `model`: e.g. 'tesseract-vie-best'; `alternatives`: word (surrounding punctuation stripped,
    NFC) → ((other form, confidence relative to the reading), ...), the best confidence seen
    for that form anywhere in the document.
    """

    model: str
    alternatives: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @classmethod
    def from_words(cls, model: str, words: Iterable) -> "OcrEvidence":
        """Collect the alternatives of OCR words (anything with `.text` and `.alternatives`)."""
        found: dict[str, dict[str, float]] = {}
        for word in words:
            alternatives = getattr(word, "alternatives", ()) or ()
            if not alternatives:
                continue
            key = _bare(word.text)
            if not key.isalpha():
                continue
            forms = found.setdefault(key, {})
            for form, conf in alternatives:
                form = _bare(form)
                if form.isalpha() and form != key and len(form) == len(key):
                    forms[form] = max(forms.get(form, 0.0), float(conf))
        return cls(model, {k: tuple(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in found.items() if v})

    def forms(self, word: str) -> tuple[tuple[str, float], ...]:
        return self.alternatives.get(unicodedata.normalize("NFC", word), ())

    @property
    def is_vietnamese_tesseract(self) -> bool:
        return self.model.startswith("tesseract-vie")


class OcrMarkFixer:
    """A repair stage: mends marks the OCR doubted where the context prefers another reading."""

    name = FIXER_NAME

    def __init__(self, restorer, evidence: OcrEvidence, *, margin: float | None = None):
        self.restorer = restorer
        self.evidence = evidence
        self.margin = MARGIN if margin is None else margin

    def find_edits(self, text: str) -> list[Edit]:
        restorer, lm = self.restorer, self.restorer.model.lm
        if lm is None or not self.evidence.alternatives:
            return []
        tokens = tokenize_text(text)
        n_targets = len(restorer._targets)
        ids = [restorer._ids(t.text) if t.text else (BOUNDARY_ID, -1) for t in tokens]
        stream = np.array([tid if tid >= 0 else n_targets + kid for kid, tid in ids], dtype=np.int64)
        sites = []  # (token index, [(target id, form, prior)])
        for i, token in enumerate(tokens):
            if not token.text.isalpha() or len(token.text) < 2:
                continue
            forms = self.evidence.forms(token.text)
            if not forms:
                continue
            written = token.text.lower()
            cands = [(int(stream[i]), written, 0.0)]
            for form, conf in forms:
                lower = form.lower()
                if conf < MIN_ALTERNATIVE or strip_marks(lower) != strip_marks(written) or not is_valid_syllable(lower):
                    continue
                tid = restorer._ids(lower)[1]
                if tid < 0 or tid == cands[0][0]:
                    continue
                prior = ENGINE_WEIGHT * math.log(min(conf, 1.0)) + CHANNEL_WEIGHT * self._channel(written, tid)
                cands.append((tid, form, prior))
            if len(cands) > 1:
                sites.append((i, cands))
        if not sites:
            return []
        padded = np.concatenate([np.full(2, n_targets + BOUNDARY_ID, np.int64), stream,
                                 np.full(2, n_targets + BOUNDARY_ID, np.int64)])
        edits = []
        for run in _runs(sites):
            edits += self._decide_run(run, tokens, padded, lm)
        return edits

    def _decide_run(self, run, tokens, padded, lm) -> list[Edit]:
        """Choose jointly for a run of neighbouring doubted words ('chuyên đồi số'): every
        combination of their candidates is scored by the trigrams it touches plus its priors."""
        first, last = run[0][0], run[-1][0]
        options = [cands[:MAX_PER_WORD] for _, cands in run]
        combos = list(itertools.islice(itertools.product(*[range(len(o)) for o in options]), MAX_COMBINATIONS))
        window = padded[first:last + 5].copy()  # two before the run, the run, two after
        table = np.tile(window, (len(combos), 1))
        priors = np.zeros(len(combos))
        for row, combo in enumerate(combos):
            for (i, _), cands, pick in zip(run, options, combo):
                table[row, i - first + 2] = cands[pick][0]
                priors[row] += cands[pick][2]
        fit = np.zeros(len(combos))
        for k in range(2, table.shape[1]):
            fit += lm.logp3(table[:, k - 2], table[:, k - 1], table[:, k])
        score = fit + priors
        best = int(score.argmax())
        if best == 0 or score[best] - score[0] < self.margin:
            return []
        share = 1.0 / float(np.exp(score - score[best]).sum())
        edits = []
        for (i, _), cands, pick in zip(run, options, combos[best]):
            if not pick:
                continue
            token = tokens[i]
            form = cands[pick][1].lower()
            after = form if token.text.islower() else apply_case(token.text, form)
            if after != token.text:
                edits.append(Edit(token.start, token.end, token.text, after, self.name, round(min(share, 0.99), 4)))
        return edits

    def _channel(self, written: str, target: int) -> float:
        """The mark channel's log odds of reading `written` for the target against for itself."""
        restorer = self.restorer
        if not restorer.marks:
            return 0.0
        own = restorer._ids(written)[1]
        slip = restorer._mark_log_prob(written, target)
        stay = restorer.marks.log_prob(written, written) if own < 0 else restorer._mark_log_prob(written, own)
        return slip - stay


def _runs(sites: list) -> list[list]:
    """Sites grouped into runs of words next to each other (token indices one apart)."""
    runs: list[list] = []
    for site in sites:
        if runs and site[0] == runs[-1][-1][0] + 1:
            runs[-1].append(site)
        else:
            runs.append([site])
    return runs
