"""The restorer's OCR clean-up: specks read as punctuation (`junk`, `stray`) and small slips
(`slips`), proposed only where the text shows OCR damage (`evidence`)."""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.diacritics.compose import without_overlaps
from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.damage import DamageProfiler
from sohoa.diacritics.restore.evidence import damaged_lines, on_damaged_lines
from sohoa.diacritics.restore.junk import junk_edits
from sohoa.diacritics.restore.key_lm import KeyNgrams
from sohoa.diacritics.restore.slips import slip_edits
from sohoa.diacritics.restore.stray import is_speckled, stray_punctuation_edits
from sohoa.diacritics.restore.tokens import Token, tokenize_text
from sohoa.diacritics.restore.vocabulary import Vocabulary


@dataclass(frozen=True)
class Cleanup:
    """A text's clean-up edits (sorted, non-overlapping), and whether it is speckled: whether
    it shows the specks of a noisy scan next to OCR damage."""

    edits: list[Edit]
    speckled: bool


class OcrCleaner:
    """Finds the clean-up edits of a text, the punctuation judged with the key bigram model."""

    def __init__(self, vocabulary: Vocabulary, key_lm: KeyNgrams, damage: DamageProfiler):
        self.vocabulary, self.key_lm, self.damage = vocabulary, key_lm, damage

    def stray_edits(self, text: str, *, speckled: bool = False) -> list[Edit]:
        """`stray_punctuation_edits` of `text`, weighed with the key bigram model."""
        return stray_punctuation_edits(text, lambda word: self.vocabulary.ids(word)[0], self.key_lm.logp2,
                                       speckled=speckled)

    def cleanup(self, text: str, tokens: list[Token]) -> Cleanup:
        """The clean-up of `text` (`tokens`: its `tokenize_text`). Specks and slips are kept off
        lines that show no OCR damage: there the typography is the author's ('trong Trường .',
        'tối thiểu: ___'), unless the whole text is speckled."""
        junk = junk_edits(text)
        slipped = slip_edits(text)
        damaged = damaged_lines(text, tokens, self.damage.suspicious, slipped)
        speckled = is_speckled(text, junk) and bool(damaged)
        punctuation = junk + self.stray_edits(text, speckled=speckled)
        if not speckled:
            # the author's typography stays where nothing around it shows OCR damage; a few
            # words the model does not know ('https', 'hust') make a text look garbled but prove
            # nothing
            punctuation = on_damaged_lines(text, punctuation, damaged)
        return Cleanup(without_overlaps(sorted(punctuation + slipped, key=lambda e: e.start)), speckled)

    def shows_ocr_damage(self, text: str) -> bool:
        """Whether the text carries OCR specks or slips that prove it was read from a scan:
        punctuation alone proves nothing, it may be the author's ('trong Trường .')."""
        damaged = damaged_lines(text, tokenize_text(text), self.damage.suspicious)
        return bool(slip_edits(text) or on_damaged_lines(text, junk_edits(text) + self.stray_edits(text), damaged))
