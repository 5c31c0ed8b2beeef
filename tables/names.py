"""Tone marks of OCR'd table labels, checked against the restorer's context model.

Tesseract's Vietnamese model reads small, dense table text with the right letters but often
the wrong tone mark ('chi' → 'chỉ', 'Tổng' → 'Tống'). The repair pipeline leaves such words
alone in text that otherwise keeps its marks, as it should for prose: there a marked word is
trusted. Table labels are different: short phrases read from small crops, where the OCR mark
channel is measurably noisy. Here a word takes the context's toned form (same letters, other
marks) when the restorer's context model prefers it clearly, weighed with a fixed prior of
how often a mark is misread in cell OCR. Every change is explainable as an `Edit` with the
context's confidence.
"""

from __future__ import annotations

from dataclasses import replace

from sohoa.diacritics.records import Edit

MARK_MISREAD_RATE = 0.15
"""Prior that a marked word in a cell was read with a wrong mark (cell OCR, Tesseract `vie`)."""
MIN_CONFIDENCE = 0.8
"""A label word changes only when the context's choice is at least this sure."""
FIXER_NAME = "tables.label_marks"


def label_mark_edits(text: str) -> list[Edit]:
    """Edits putting the context's tone marks on words of a table label (letters unchanged)."""
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.decoder import TextProfile
    from sohoa.diacritics.restore.syllables import strip_marks
    from sohoa.diacritics.restore.tokens import BOUNDARY_ID, tokenize_text

    restorer = load_default_restorer()
    if restorer is None or not text.strip():
        return []
    tokens = tokenize_text(text)
    key_ids = [restorer._ids(t.text)[0] if t.text else BOUNDARY_ID for t in tokens]
    best, prob = restorer.decide(key_ids)
    # mark_noise of MARK_MISREAD_RATE + 0.05 opens the decoder's mark channel at this rate
    profile = TextProfile(strip_rate=0.0, garble=0.0, mark_noise=2 * MARK_MISREAD_RATE + 0.05)
    edits = []
    for i, token in enumerate(tokens):
        if best[i] < 0 or not token.text.isalpha():
            continue
        change = restorer._change_for(token.text, key_ids[i], int(best[i]), float(prob[i]), profile)
        if change is None or change[1] < MIN_CONFIDENCE:
            continue
        after, confidence = change
        if strip_marks(after.lower()) != strip_marks(token.text.lower()):
            continue  # only marks change here; letters are the pipeline's business
        edits.append(Edit(token.start, token.end, token.text, after, FIXER_NAME, confidence))
    return edits


def fix_label_marks(text: str) -> str:
    """`text` with `label_mark_edits` applied."""
    out, last = [], 0
    for edit in label_mark_edits(text):
        out.append(text[last:edit.start])
        out.append(edit.after)
        last = edit.end
    out.append(text[last:])
    return "".join(out)
