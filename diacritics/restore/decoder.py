"""The restorer: restore the toned form of every word from the de-accented keys around it.

`Restorer.find_edits` reads as its list of jobs, each in its own module and each returning
edits (or the choices edits are made of) that `compose.combine` puts together, as the repair
pipeline does one level up:

1. word boundaries OCR got wrong are mended first (`words`: 'N gudi' → 'Ngudi', 'antoàncho'
   → 'an toàn cho'), and the rest is restored on the mended text;
2. the text's damage is profiled (`damage`): has it lost its marks, is it English-model OCR
   garble ('t6 chirc', 'dugc'), are its marks impossible?
3. garbled text gets its keys read first (`keys`: the OCR channel and the key n-gram model);
4. the decision lists choose every word's toned form from the keys around it (`decisions`),
   the toned four-gram model re-weighing the unsure ones (`rescore`);
5. the change policy turns choices into word edits (`policy`): de-accented text trusts the
   context, text that keeps its marks changes only where the evidence is overwhelming;
6. acronyms that lost their 'Đ' (`acronyms`), marks a Vietnamese-model OCR swapped in a
   speckled scan (`mark_slips`), and specks and slips (`cleanup`) give their own edits.

Where edits overlap, clean-up wins over acronyms, acronyms over word edits, word edits over
mark slips. Each edit carries the posterior of its choice as confidence. The tuned constants
are in `settings`, the n-gram models behind one interface in `ngrams`.
"""

from __future__ import annotations

import numpy as np

from sohoa.diacritics.compose import combine, without_overlaps
from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.acronyms import CAPITAL_SLIPS, acronym_edits
from sohoa.diacritics.restore.channel import Channel, core
from sohoa.diacritics.restore.cleanup import OcrCleaner
from sohoa.diacritics.restore.damage import DamageProfiler, TextProfile, shows_mark
from sohoa.diacritics.restore.decisions import DecisionLists
from sohoa.diacritics.restore.keys import KeyDecoder
from sohoa.diacritics.restore.mark_slips import MarkOdds, mark_slip_edits
from sohoa.diacritics.restore.marks import MarkChannel
from sohoa.diacritics.restore.model import RestorerModel, capitalised
from sohoa.diacritics.restore.names import inside_sentence_capitals, readings_by_id
from sohoa.diacritics.restore.policy import ChangePolicy
from sohoa.diacritics.restore.settings import SETTINGS, RestorerSettings
from sohoa.diacritics.restore.tokens import (BOUNDARY_ID, Token, cut_ends, outer_boundaries_once, tokenize_text,
                                             without_soft_wraps)
from sohoa.diacritics.restore.topics import DocumentTopics, TopicTable
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.restore.words import WordMender, restore_mended

FIXER_NAME = "restore.context"

__all__ = ["FIXER_NAME", "Restorer", "TextProfile"]


class Restorer:
    """Restores diacritics with a `RestorerModel`; a `Fixer` of the repair pipeline."""

    name = FIXER_NAME

    def __init__(self, model: RestorerModel, acronyms: dict[str, str] | None = None,
                 settings: RestorerSettings = SETTINGS, names: dict[str, dict[str, int]] | None = None,
                 topics: TopicTable | None = None):
        """names: key → {toned form: count} of the syllables the corpus writes with a capital
        inside a sentence (`names.read_table`); topics: the corpus' topics and how each writes the
        forms of ambiguous keys (`topics.read_table`)."""
        self.model, self.settings = model, settings
        self.acronyms = acronyms or {}
        """key → form of the acronyms clean text writes with 'Đ' (`acronyms.read_table`)."""
        self.vocabulary = vocabulary = Vocabulary(model)
        self.channel = Channel.from_json(model.channel)
        self.marks = MarkChannel.from_json(model.channel.get("marks"))
        self.mark_odds = MarkOdds(self.marks, model.targets)
        self.damage = DamageProfiler(vocabulary, model.key_lm, settings, self.channel.forms)
        document_topics = DocumentTopics(topics, vocabulary, temperature=settings.topic_temperature,
                                         pseudo_readings=settings.topic_pseudo_readings,
                                         min_words=settings.topic_min_words,
                                         share=settings.topic_share) if topics is not None else None
        self.decisions = DecisionLists(model, vocabulary, settings, readings_by_id(names or {}, vocabulary), self.channel,
                                       document_topics)
        self.key_decoder = KeyDecoder(vocabulary, model.key_lm, self.channel, self.damage, settings)
        self.word_mender = WordMender(vocabulary, model.key_lm, self.key_decoder, self.damage, settings)
        self.policy = ChangePolicy(vocabulary, self.damage, settings, FIXER_NAME)
        self.cleaner = OcrCleaner(vocabulary, model.key_lm, self.damage)

    # -- the parts other stages ask for -------------------------------------------------------
    def decide(self, key_ids: np.ndarray, capitals: np.ndarray | None = None,
               shows_mark: np.ndarray | None = None, inside_capitals: np.ndarray | None = None,
               observed: list[str] | None = None,
               other_keys: dict[int, list[tuple[int, float]]] | None = None,
               cut: tuple[bool, bool] = (False, False)) -> tuple[np.ndarray, np.ndarray]:
        """The context's toned form (target id, -1 for none) and its probability per key (`decisions`)."""
        return self.decisions.decide(key_ids, capitals, shows_mark, inside_capitals, observed, other_keys, cut)

    def profile(self, tokens: list[Token]) -> TextProfile:
        """How the text of `tokens` was damaged (`damage`)."""
        return self.damage.profile(tokens)

    def candidate_shares(self, key_id: int) -> dict[int, float]:
        """P(toned form | key) from corpus counts."""
        return self.vocabulary.candidate_shares(key_id)

    # -- the Fixer interface ------------------------------------------------------------------
    def find_edits(self, text: str) -> list[Edit]:
        """Edits restoring `text`: one word each, with the decoder's confidence.

        Word boundaries OCR got wrong are mended first, so that the neighbours are restored in
        the right context: a capital OCR cut off its word is joined back ('N gudi' → 'Ngudi',
        then 'Người'), and words OCR glued together are split ('antoàncho' → 'an toàn cho').
        An edit inside a mended word is folded into the mending edit. Glued words are split
        only in text that shows other OCR damage (specks, slips): in clean text a glued word
        is the author's own ('lỗgần') and not ours to change; and never in English-model
        garble, where a marked non-syllable is one garbled word ('véan hod' is 'văn hóa').
        """
        tokens = tokenize_text(text)
        mending = self.word_mender.join_edits(tokens)
        glued = self.word_mender.split_edits(tokens)
        if glued and self.cleaner.shows_ocr_damage(text) and self.profile(tokens).garble == 0:
            mending = without_overlaps(sorted(mending + glued, key=lambda e: e.start))
        if not mending:
            return self._restore_edits(text)
        return restore_mended(text, mending, self._restore_edits)

    def _restore_edits(self, text: str) -> list[Edit]:
        """`find_edits` on text whose words are already mended; a paragraph wrapped over lines is
        read whole (`without_soft_wraps`), its lines' clean-up judged line by line."""
        lines = tokenize_text(text)
        tokens = outer_boundaries_once(without_soft_wraps(lines))
        ids = self.vocabulary.ids
        own_keys = np.array([ids(t.text)[0] if t.text else BOUNDARY_ID for t in tokens], dtype=np.int32)
        profile = self.profile(tokens)
        garbled = profile.garble > 0 and bool(self.channel.tokens)
        cut = cut_ends(tokens)
        other_keys = None
        if garbled:
            keys, key_confidence, other_keys = self.key_decoder.decode(text, tokens, own_keys, profile, cut)
        elif profile.vietnamese_letters:
            keys, key_confidence = own_keys, None  # no English-model OCR: an unknown word is a name
        else:
            keys, key_confidence = self.key_decoder.fix_lone_garble(tokens, own_keys)
        marks_shown = np.array([shows_mark(t.text) for t in tokens], dtype=bool) if garbled else None
        spelled = [core(t.text).lower() for t in tokens] if garbled else None
        best, prob = self.decide(keys, np.array([capitalised(t.text) for t in tokens], dtype=bool), marks_shown,
                                 inside_sentence_capitals(tokens), spelled, other_keys, cut)
        if other_keys:  # the toned context read a garbled word as another key: its form says which
            for at in other_keys:
                key = self.vocabulary.ids(self.vocabulary.targets[int(best[at])])[0] if best[at] >= 0 else keys[at]
                if key != keys[at]:
                    keys[at], key_confidence[at] = key, 1.0  # `prob` is the joint choice's
        words = self.policy.edits(tokens, own_keys, keys, key_confidence, best, prob, profile)
        acronyms: list[Edit] = []
        if profile.strip_rate >= 0.5 or garbled or (text.isascii() and len(tokens) > 4):
            # marks lost ('So GDDT va' has too few words to tell by the strip rate, but no
            # mark at all): an acronym lost its 'Đ' too
            targets = self.vocabulary.targets
            restored = [targets[int(b)] if b >= 0 else t.text for t, b in zip(tokens, best.tolist())]
            acronyms = acronym_edits(tokens, restored, self.acronyms, CAPITAL_SLIPS if garbled else None)
        cleanup = self.cleaner.cleanup(text, lines)
        mark_slips: list[Edit] = []
        if cleanup.speckled and not garbled and profile.strip_rate < 0.5:
            mark_slips = mark_slip_edits(tokens, self.vocabulary, self.model.toned_lm, self.mark_odds,
                                         self.settings.lm_candidates, best)
        return combine(cleanup.edits, acronyms, words, mark_slips)
