"""Tone marks of OCR'd indicator names: the OCR's own doubt weighed against the context.

Tesseract's Vietnamese model reads table text with the right letters but sometimes the wrong
tone mark, and it does so even on clean print: it prefers the frequent word ('tổng chi cân
đối' comes out 'tổng chỉ cân đối'; measured on the bench, upscaling the crop makes it worse,
not better). The repair pipeline rightly trusts written marks in text that keeps its marks,
so it leaves such words alone.

This check changes a word of an indicator name only when both sides agree:
- the OCR evidence for its mark is weak: at that very character the LSTM weighed the other
  form, or another tone on the same vowel (`sohoa.ingest.tesseract_output`); that rival's confidence
  relative to the read character is the OCR's odds against its mark. A character without
  such a doubt keeps a small prior, `MARK_MISREAD_PRIOR`;
- the restorer's context model prefers the other form, same letters, other marks.
The two combine as a posterior (context odds times OCR odds); the word changes when that
posterior reaches `MIN_CONFIDENCE`. The body cells of the indicator-name column
are checked this way (`sohoa.tables.cells`). Header labels are checked without the prior
(`prior=0`) and on the OCR's close rivals only (`sohoa.tables.cells.close_rivals`): a word
there changes only where the OCR itself scored the other form nearly as high ('Uốc thực
hiện' read with 'Ước' beside it at the same odds) and the form read is one the language hardly
writes ('uốc': 0.1 % of the words spelt u-o-c), so that a label such as 'Chỉ tiêu' (indicator)
is never taken for the likelier 'Chi tiêu' (spending), nor 'Chỉ tiêu tỉnh' for 'Chỉ tiêu
tính' where the OCR weighed 'tính' close behind. Every
change is an `Edit` carrying the posterior.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from sohoa.diacritics.records import Edit

MARK_MISREAD_PRIOR = 0.03
"""OCR odds for another mark where the LSTM did not weigh one: on the bench's name cells
about 0.4% of the words read without an alternative had a wrong mark; kept generous."""
MIN_CONFIDENCE = 0.7
"""A name word changes only when the combined posterior of the other form reaches this."""
CONTEXT_FLOOR = 0.02
"""A context seen n times never proves the written form impossible (as in the restorer)."""
FIXER_NAME = "tables.name_marks"

Alternatives = Iterable[tuple[str, Iterable[tuple[str, float]]]]


def _letters_only(word: str) -> str:
    return re.sub(r"^[^\w]+|[^\w]+$", "", word)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _toneless(char: str) -> str:
    """The letter with its vowel marks but without its tone ('ổ' → 'ô', 'ạ' → 'a')."""
    decomposed = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))


Doubts = dict[int, dict[str, float]]
"""Per character position: the odds the OCR gave each rival character there, and under the
key '' the best odds of any rival that differs only in its tone."""


def _doubts(alternatives: Alternatives | Mapping) -> dict[str, Doubts]:
    """Per word as read (lower case, without punctuation around it), the OCR's doubts."""
    items = alternatives.items() if isinstance(alternatives, Mapping) else alternatives
    table: dict[str, Doubts] = {}
    for word, forms in items:
        word = unicodedata.normalize("NFC", _letters_only(word)).lower()
        forms = forms.items() if isinstance(forms, Mapping) else forms
        entry = table.setdefault(word, {})
        for form, odds in forms:
            form = unicodedata.normalize("NFC", _letters_only(form)).lower()
            if len(form) != len(word):
                continue
            for i, (a, b) in enumerate(zip(word, form)):
                if a != b:
                    rivals = entry.setdefault(i, {})
                    rivals[b] = max(rivals.get(b, 0.0), float(odds))
                    if _toneless(a) == _toneless(b):
                        rivals[""] = max(rivals.get("", 0.0), float(odds))
    return table


def ocr_odds(word: str, after: str, doubts: Doubts, prior: float = MARK_MISREAD_PRIOR) -> float:
    """The OCR's odds for `after` against `word` as read (same letters, other marks), per
    character that differs: the odds the OCR gave that very rival; for another tone on the
    same vowel also the best odds it gave any rival tone there (its short lists name one or
    two rivals, not all); at least `prior`."""
    odds = 1.0
    for i, (a, b) in enumerate(zip(word.lower(), after.lower())):
        if a == b:
            continue
        rivals = doubts.get(i, {})
        seen = max(rivals.get(b, 0.0), rivals.get("", 0.0) if _toneless(a) == _toneless(b) else 0.0)
        odds *= min(1.0, max(seen, prior))
    return odds


def name_mark_edits(text: str, alternatives: Alternatives | Mapping = (),
                    prior: float = MARK_MISREAD_PRIOR, rare_below: float | None = None,
                    style: str | None = None) -> list[Edit]:
    """Edits giving words of an OCR'd indicator name the context's marks where the OCR doubted
    its own (`alternatives`: per word as read, the other forms the OCR weighed and their odds
    relative to the read form; `prior`: the odds a mark the OCR did not doubt is wrong, 0 for
    header labels; `rare_below`: only a word whose form as read the language gives less than
    this share of its letters may change, for header labels; `style`: 'old' or 'new', the tone
    placement of the table, which a changed word takes). Letters never change."""
    import numpy as np

    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.model import capitalised
    from sohoa.diacritics.syllables import apply_case, is_syllable, place_tone, strip_marks
    from sohoa.diacritics.restore.tokens import BOUNDARY_ID, tokenize_text

    restorer = load_default_restorer()
    if restorer is None or not text.strip():
        return []
    doubts = _doubts(alternatives)
    tokens = tokenize_text(text)
    key_ids = [restorer.vocabulary.ids(t.text)[0] if t.text else BOUNDARY_ID for t in tokens]
    # the context read with each word's capital, as the restorer reads text: a place name
    # ('Xã Cộng Hiền') is not weighed as the common words of its letters ('cống hiến')
    best, prob = restorer.decide(key_ids, np.array([capitalised(t.text) for t in tokens], dtype=bool))
    edits = []
    for i, token in enumerate(tokens):
        word = token.text
        if best[i] < 0 or not word.isalpha():
            continue
        after = apply_case(word, restorer.model.targets[int(best[i])])
        if after == word or strip_marks(after.lower()) != strip_marks(word.lower()):
            continue  # nothing to change, or letters would change: the pipeline's business
        if not is_syllable(after):
            continue
        p_best = float(prob[i])
        shares = restorer.candidate_shares(key_ids[i])
        written = restorer.vocabulary.ids(word)[1]
        if rare_below is not None and shares.get(written, 0.0) >= rare_below:
            continue  # a form the language uses: a label's few words cannot outweigh it
        share_of_rest = shares.get(written, 0.0) / max(1e-9, 1.0 - shares.get(int(best[i]), 0.0))
        p_written = max(1.0 - p_best, CONTEXT_FLOOR) * max(share_of_rest, 0.1)
        odds = ocr_odds(word, after, doubts.get(unicodedata.normalize("NFC", word).lower(), {}), prior)
        posterior = p_best * odds / (p_best * odds + p_written)
        if style is not None:
            after = place_tone(after, style) or after
        if posterior >= MIN_CONFIDENCE and after != word:
            edits.append(Edit(token.start, token.end, word, after, FIXER_NAME, round(posterior, 4)))
    return edits


def fix_name_marks(text: str, alternatives: Alternatives | Mapping = (), prior: float = MARK_MISREAD_PRIOR,
                   rare_below: float | None = None, style: str | None = None) -> str:
    """`text` with `name_mark_edits` applied."""
    from sohoa.diacritics.compose import apply_edits

    return apply_edits(text, name_mark_edits(text, alternatives, prior, rare_below, style))
