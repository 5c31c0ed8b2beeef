"""Tesseract's own doubt as evidence for a word's marks.

Tesseract's `vie` network reads a syllable one character at a time and, with
`lstm_choice_mode=2`, lists the other characters it weighed at each step. Where one of them is
the same letter with another mark ('chuyên' read, 'chuyển' weighed at 0.53 of its score), the
page's pixels allowed the other reading: the mark itself was in doubt. On real scans that is
where the engine's slips are ('triên khai', 'chuyên đồi số', 'phô cập'), and they are real
syllables, so no spelling rule can see them.

`OcrEvidence` carries those alternatives from the OCR words to the repair stage, keyed by the
word as read (a document's text is repaired as text, not as word records), together with the
engine and model that read it. `OcrMarkFixer` gives each word the candidates that its spelling
and its alternatives allow (scored by the engine's own confidence in them and the mark
channel's odds of the slip, `marks`) and, where the engine had no doubt, the forms that only
add a mark it may have dropped ('sô' → 'số', 'HỌI' → 'HỘI', 'khân' → 'khẩn'; the mark
channel's odds, scaled down because it was learned on rendered pages, cleaner than real scans)
and, in a text that shows the scan drops marks, the forms that swap one ('Đảo tạo' → 'Đào
tạo'). A run of neighbouring words is decided jointly by an exact search under the toned trigram model, so
that two slips side by side ('chuyên đồi số') are judged in each other's mended context; a
change is kept only where undoing it alone costs the best reading at least `MARGIN` nats
(`SLIP_MARGIN` for a form the engine did not weigh). The thresholds were chosen on the dev
pages of the real-scan bench and on correct train-split lines.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from sohoa.diacritics.records import Edit
from sohoa.diacritics.syllables import apply_case, is_syllable, strip_marks
from sohoa.diacritics.restore.rescore import PADDING, best_joint_choice
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, tokenize_text

FIXER_NAME = "restore.ocr-evidence"
MARGIN = 3.0
"""log-odds the context must give an alternative over the word as read (after the engine's
and the channel's terms) before it is taken."""
ENGINE_WEIGHT = 1.0
"""weight of log(relative confidence) of the alternative, as the engine scored it"""
CHANNEL_WEIGHT = 0.25
"""weight of the mark channel's log odds of the slip (written | alternative) against (written | written).
The channel was learned on rendered pages, where the engine confuses a hook with a grave far
less than on real scans: at 0.5 it outweighed the engine's own doubt ('trên địa bản tỉnh' kept
with 'bàn' weighed at 0.72 of the reading)."""
MIN_ALTERNATIVE = 0.05
"""alternatives the engine scored below this share of the reading are not considered"""
SLIP_WEIGHT = 0.3
"""weight of the mark channel's log odds for a form the engine did not weigh (a slip it made
with no doubt: 'sô' for 'số'); the channel, learned on rendered pages, is far surer of the
engine than real scans allow, hence a weight below one"""
SLIP_PENALTY = -1.0
SLIP_MARGIN = 8.0
"""the margin for a form the engine did not weigh"""
SLIP_CANDIDATES = 4
LOSSY_EVIDENCE = 2
LOSSY_SLIP_MARGIN = 4.0
"""A text where the engine dropped marks beyond doubt at least LOSSY_EVIDENCE times (a form
clean text all but never writes, 'sô', 'thây', 'câp', beside a common form of its letters with
the marks added: `lost_mark_forms`) is one this scan makes it drop marks in: there a dropped mark
the engine did not weigh needs LOSSY_SLIP_MARGIN rather than SLIP_MARGIN. Correct text shows no
such forms and keeps the higher margin."""
RARE_SHARE = 0.002
COMMON_SHARE = 0.05
SWAP_MARGIN = 8.0
"""Slips the engine did not doubt are mostly marks it dropped ('sô' for 'số', 'thuê' for
'thuế', 'HỌI' for 'HỘI'), the commonest on real scans. A mark it put in place of another with
no doubt ('Đảo tạo' for 'Đào tạo', 'bồ sung' for 'bổ sung') is weighed only in a text that
shows this scan drops marks (`LOSSY_EVIDENCE`), and needs SWAP_MARGIN: on correct text such
swaps find contexts that prefer them by far more than any margin ('sổ' → 'số', 'thấm' →
'thẩm'), so clean text never gets them."""
SLIP_CASED = True
EVIDENCE_ORDER = 3
"""The n-grams the joint search and the margins weigh: trigrams, for which the margins were
chosen. With the model's four-grams and the same margins, the dev pages of the real-scan bench
changed by a dozen words both ways ('Đơn vi' → 'vị' right, 'mức chi tối thiểu' → 'chỉ' wrong)
and read no better."""
MAX_PER_WORD = 6
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
    readings: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    """word exactly as read (NFC) → the other readings of its characters the engine weighed in
    codes, numbers and dates ('0]' → (('01', 0.61), ...)) and in a word's closing mark ('tế:' →
    (('tế;', 0.85),)); `OcrWord.readings`), for `codes` and `list_ends`."""

    @classmethod
    def from_words(cls, model: str, words: Iterable) -> "OcrEvidence":
        """Collect the alternatives of OCR words (anything with `.text` and `.alternatives`)."""
        found: dict[str, dict[str, float]] = {}
        readings: dict[str, dict[str, float]] = {}
        for word in words:
            for form, conf in getattr(word, "readings", ()) or ():
                forms = readings.setdefault(unicodedata.normalize("NFC", word.text), {})
                forms[form] = max(forms.get(form, 0.0), float(conf))
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
        return cls(model, {k: tuple(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in found.items() if v},
                   {k: tuple(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in readings.items()})

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
        self.slip_margin = SLIP_MARGIN

    def find_edits(self, text: str) -> list[Edit]:
        restorer, lm = self.restorer, self.restorer.model.toned_lm
        if lm is None:
            return []
        tokens = tokenize_text(text)
        vocabulary = restorer.vocabulary
        n_targets = len(vocabulary.targets)
        ids = [vocabulary.ids(t.text) if t.text else (BOUNDARY_ID, -1) for t in tokens]
        stream = np.array([tid if tid >= 0 else n_targets + kid for kid, tid in ids], dtype=np.int64)
        lossy = self.lost_mark_forms(tokens) >= LOSSY_EVIDENCE
        slip_margin = LOSSY_SLIP_MARGIN if lossy else self.slip_margin
        sites = []  # (token index, [(target id, form, prior, 'engine' | 'slip' | 'swap')])
        for i, token in enumerate(tokens):
            if not token.text.isalpha() or len(token.text) < 2:
                continue
            written = token.text.lower()
            cands = {int(stream[i]): (written, 0.0)}
            engine_forms: set[int] = set()
            for form, conf in self.evidence.forms(token.text):
                lower = form.lower()
                if conf < MIN_ALTERNATIVE or strip_marks(lower) != strip_marks(written) or not is_syllable(lower):
                    continue
                tid = vocabulary.ids(lower)[1]
                if tid < 0 or tid in cands:
                    continue
                engine_forms.add(tid)
                cands[tid] = (lower, ENGINE_WEIGHT * math.log(min(conf, 1.0)) + CHANNEL_WEIGHT * self._channel(written, tid))
            swaps: set[int] = set()
            # a syllable clean text never writes ('khân') has its key's forms as slips too
            if SLIP_WEIGHT > 0 and (SLIP_CASED or token.text.islower()) and ids[i][0] >= 0 \
                    and is_syllable(written):
                for tid, _count in restorer.model.candidates(ids[i][0])[:SLIP_CANDIDATES]:
                    tid = int(tid)
                    if tid in cands or not vocabulary.target_is_syllable(tid):
                        continue
                    if not adds_marks_only(written, vocabulary.targets[tid]):
                        if not lossy:
                            continue
                        swaps.add(tid)
                    cands[tid] = (vocabulary.targets[tid], SLIP_PENALTY + SLIP_WEIGHT * self._channel(written, tid))
            if len(cands) > 1:
                kinds = {tid: "engine" if tid in engine_forms else "swap" if tid in swaps else "slip" for tid in cands}
                sites.append((i, [(tid, form, prior, kinds[tid]) for tid, (form, prior) in cands.items()]))
        if not sites:
            return []
        boundary = np.full(PADDING, n_targets + BOUNDARY_ID, np.int64)
        padded = np.concatenate([boundary, stream, boundary])
        edits = []
        for run in _runs(sites):
            edits += self._decide_run(run, tokens, padded, lm, slip_margin)
        return edits

    def lost_mark_forms(self, tokens) -> int:
        """How many words of the text are forms clean text all but never writes (at most
        RARE_SHARE of their letters' writings) beside a common form (COMMON_SHARE) that only adds
        marks: 'sô' beside 'số', 'thây' beside 'thấy'."""
        restorer = self.restorer
        found = 0
        for token in tokens:
            word = token.text.lower()
            if not token.text.isalpha() or len(word) < 2 or not is_syllable(word):
                continue
            kid, tid = restorer.vocabulary.ids(word)
            shares = restorer.candidate_shares(kid)
            if shares.get(tid, 0.0) > RARE_SHARE:
                continue
            if any(share >= COMMON_SHARE and adds_marks_only(word, restorer.vocabulary.targets[t]) for t, share in shares.items()):
                found += 1
        return found

    def _decide_run(self, run, tokens, padded, lm, slip_margin: float | None = None) -> list[Edit]:
        """Choose jointly for a run of neighbouring words ('chuyên đồi số'): an exact Viterbi
        search over their candidates under the toned trigram model (`rescore.best_joint_choice`),
        then each change is kept only if undoing it alone costs the path at least the margin."""
        context = EVIDENCE_ORDER - 1
        first = run[0][0] + PADDING - context
        window = padded[first:run[-1][0] + PADDING + context + 1].copy()  # the run and its n-grams' reach
        at = np.array([i + PADDING - first for i, _ in run], np.int64)
        options = [cands[:MAX_PER_WORD] for _, cands in run]
        ids = np.full((len(options), max(map(len, options))), -1, np.int64)
        prior = np.full(ids.shape, -np.inf)
        for k, cands in enumerate(options):
            ids[k, :len(cands)] = [c[0] for c in cands]
            prior[k, :len(cands)] = [c[2] for c in cands]
        chosen = window.copy()
        best_joint_choice(lm, 1.0, chosen, at, ids, prior, EVIDENCE_ORDER)
        best_path = tuple(int(np.flatnonzero(ids[k] == chosen[p])[0]) for k, p in enumerate(at))
        if not any(best_path):
            return []
        best_score = self._path_score(best_path, options, window, at, lm)
        edits = []
        for k, pick in enumerate(best_path):
            if not pick:
                continue
            undone = best_path[:k] + (0,) + best_path[k + 1:]
            gap = best_score - self._path_score(undone, options, window, at, lm)
            margins = {"engine": self.margin, "swap": SWAP_MARGIN, "slip": slip_margin or self.slip_margin}
            if gap < margins[options[k][pick][3]]:
                continue
            token = tokens[run[k][0]]
            form = options[k][pick][1].lower()
            after = form if token.text.islower() else apply_case(token.text, form)
            if after != token.text:
                confidence = min(1.0 / (1.0 + math.exp(-gap)), 0.99)
                edits.append(Edit(token.start, token.end, token.text, after, self.name, round(confidence, 4)))
        return edits

    @staticmethod
    def _path_score(path, options, window, at, lm) -> float:
        """log P of every n-gram of `window` with the run's words as `path` picks them, plus their priors."""
        seq = window.copy()
        prior = 0.0
        for k, pick in enumerate(path):
            seq[at[k]] = options[k][pick][0]
            prior += options[k][pick][2]
        n = EVIDENCE_ORDER
        return float(lm.logp(*(seq[j:len(seq) - n + 1 + j] for j in range(n))).sum()) + prior

    def _channel(self, written: str, target: int) -> float:
        """The mark channel's log odds of reading `written` for the target against for itself."""
        restorer = self.restorer
        if not restorer.marks:
            return 0.0
        own = restorer.vocabulary.ids(written)[1]
        slip = restorer.mark_odds.log_prob(written, target)
        stay = restorer.marks.log_prob(written, written) if own < 0 else restorer.mark_odds.log_prob(written, own)
        return slip - stay


def adds_marks_only(written: str, form: str) -> bool:
    """`form` is `written` with marks added and none taken away: a tone ('sô' → 'số'), a
    circumflex, breve or horn ('họi' → 'hội'), the stroke of 'đ' ('dộng' → 'động')."""
    if len(written) != len(form) or written == form:
        return False
    for w, f in zip(unicodedata.normalize("NFC", written), unicodedata.normalize("NFC", form)):
        if w == f or (w == "d" and f == "đ"):
            continue
        w_parts, f_parts = unicodedata.normalize("NFD", w), unicodedata.normalize("NFD", f)
        if w_parts[0] != f_parts[0] or not _is_subsequence(w_parts[1:], f_parts[1:]):
            return False
    return True


def _is_subsequence(small: str, large: str) -> bool:
    rest = iter(large)
    return all(ch in rest for ch in small)


def _runs(sites: list) -> list[list]:
    """Sites grouped into runs of words next to each other (token indices one apart)."""
    runs: list[list] = []
    for site in sites:
        if runs and site[0] == runs[-1][-1][0] + 1:
            runs[-1].append(site)
        else:
            runs.append([site])
    return runs
