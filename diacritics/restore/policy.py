"""The change policy: when the context's choice replaces what was written.

A word changes only when the context's choice beats keeping it, weighed by the text's damage
profile: de-accented text trusts the context, text that keeps its marks changes only where the
evidence is overwhelming, and a word is never turned into a foreign one, nor, in text that keeps
its marks, a word of a foreign phrase into a Vietnamese one ('Cau Giay District', `damage.foreign_neighbourhood`).

In English-model OCR garble a word whose letters came out as digits ('1a' là, '6' ở, '16n' lớn)
is read by the garble decoder like any other, against the reading of it as a number in its
context ('Điều 10a', 'trong 6 tháng' stay). Such edits carry their own fixer name
(`DIGIT_FIXER_NAME`), so that the repair pipeline, which keeps every other fixer off numbers,
can let them through: the text's damage profile and the key model's choice are the evidence a
rule about numbers alone does not have.
"""

from __future__ import annotations

import numpy as np

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.damage import DamageProfiler, TextProfile, foreign_neighbourhood
from sohoa.diacritics.restore.keys import ocr_case_pattern
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import Token
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.syllables import apply_case, canonical, has_marks, is_syllable, is_valid_key, strip_marks


DIGIT_FIXER_NAME = "restore.ocr-digit"


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


class ChangePolicy:
    """Turns the context's choices into word edits (see the module)."""

    def __init__(self, vocabulary: Vocabulary, damage: DamageProfiler, settings: RestorerSettings, fixer: str):
        self.vocabulary, self.damage, self.settings, self.fixer = vocabulary, damage, settings, fixer

    def edits(self, tokens: list[Token], own_keys: np.ndarray, keys: np.ndarray, key_confidence: np.ndarray | None,
              best: np.ndarray, prob: np.ndarray, profile: TextProfile) -> list[Edit]:
        """One edit per word that changes: words whose key the garble reading changed take the
        chosen form of their new key; every other word changes where `change_for` says so."""
        targets = self.vocabulary.targets
        edits = []
        # a run of another language keeps its words, however the text around it was damaged
        phrases = self.damage.foreign_phrases(tokens)
        changed_key = [i for i in (np.flatnonzero(keys != own_keys).tolist() if key_confidence is not None else [])
                       if i not in phrases]
        # text the damage profile reads as English-model OCR (never text with Vietnamese letters)
        garbled = profile.garble > 0
        for i in changed_key:
            token, target = tokens[i], int(best[i])
            if target < 0:
                continue  # kept as written ('<unk>') or a key with no known toned form
            after = apply_case(ocr_case_pattern(token.text, tokens[i - 1].text), targets[target])
            if after != token.text:
                confidence = key_confidence[i] * (prob[i] if target >= 0 else 1.0)
                fixer = DIGIT_FIXER_NAME if garbled and _has_digit(token.text) else self.fixer
                edits.append(Edit(token.start, token.end, token.text, after, fixer, round(float(confidence), 4)))
        skip = set(changed_key) | phrases
        if garbled or profile.strip_rate >= 0.5:
            foreign: set[int] = set()
        else:
            # a text that keeps its marks writes a foreign phrase as it is: its words that could
            # be Vietnamese ('due', 'to', 'Giay' in 'Cau Giay District') are not unmarked syllables
            foreign = {i for i in foreign_neighbourhood(tokens) if not has_marks(tokens[i].text)}
        decided: dict[tuple[str, int, float], tuple[str, float] | None] = {}
        for i in np.flatnonzero(best >= 0).tolist():
            token = tokens[i]
            if i in skip or i in foreign or not token.text.isalpha():
                continue
            memo = (token.text, int(best[i]), float(prob[i]))
            change = decided.get(memo, False)
            if change is False:
                change = decided[memo] = self.change_for(token.text, int(own_keys[i]), memo[1], memo[2], profile)
            if change is not None:
                edits.append(Edit(token.start, token.end, token.text, change[0], self.fixer, change[1]))
        return edits

    def change_for(self, written: str, key_id: int, best: int, prob: float,
                   profile: TextProfile) -> tuple[str, float] | None:
        """(new form, confidence) for a word whose context prefers `best`, or None to keep it."""
        vocabulary, settings = self.vocabulary, self.settings
        observed = vocabulary.ids(written)[1]
        if observed == best:
            return None
        if observed < 0 and canonical(written.lower()) == vocabulary.targets[best]:
            return None
        if not vocabulary.target_is_syllable(best) and (profile.strip_rate < 0.5 or has_marks(written)):
            return None  # never turn a word into a foreign one ('lỗgần' → 'logan'); 'ND' → 'NĐ' is fine
        marked = has_marks(written)
        if marked:
            valid = is_syllable(written)
            if not valid and not self.damage.suspicious(written):
                return None  # 'đ', 'GĐ', a loanword: not a syllable to restore
        else:
            valid = observed >= 0
            if profile.strip_rate < 0.5 and not is_valid_key(strip_marks(written.lower())):
                return None  # 'x', 'GD', 'Facebook' in text that keeps its marks
        shares = vocabulary.candidate_shares(key_id)
        best_share = shares.get(best, 0.0)
        # Posterior over {the context's choice, what was written, anything else}. The mark
        # channel only opens when the text shows its marks are unreliable: marks lost
        # (strip_rate), English-model OCR (garble), impossible marks well above typo level.
        # In text that keeps its marks the unmarked words are mostly ones Vietnamese writes
        # unmarked ('thu', 'theo', 'quy'), so a strip rate below `marks_lost_floor` is no reason
        # to doubt a written mark ('Tài khoản' stays, though 'tại khoản' is likelier in law texts)
        floor = settings.marks_lost_floor
        marks_lost = max(0.0, profile.strip_rate - floor) / (1.0 - floor)
        # English-model OCR loses most marks even where it shows some ('phat trién bén'): a short
        # garbled line's strip rate says little, its garble says how far to doubt unmarked words
        if profile.garble > settings.lone_garble:  # a few unknown words ('https') prove no OCR
            marks_lost = max(marks_lost, settings.eng_mark_loss * profile.garble)
        mark_change = (0.3 * marks_lost + 0.5 * profile.garble
                       + 0.5 * max(0.0, profile.mark_noise - 0.05) + 1e-5)
        if observed >= 0 and valid:
            # Floors: a context seen n times never proves a form impossible, and a rare
            # form is still a real word (finite counts, quantised probabilities).
            share_of_rest = shares.get(observed, 0.0) / max(1e-9, 1.0 - best_share)
            p_written_ctx = max(1.0 - prob, 0.02) * max(share_of_rest, 0.1)
            change_channel = mark_change if marked else marks_lost
        elif valid:  # a well-formed marked word the corpus never had: rare, or an OCR slip
            p_written_ctx, change_channel = 0.01, mark_change
        else:  # impossible as written ('quôc', 'cac' without its tone)
            p_written_ctx, change_channel = 0.0, 1.0
        p_change = prob * change_channel
        p_other = max(0.0, 1.0 - prob - p_written_ctx) * change_channel
        if p_change <= p_written_ctx:
            return None
        confidence = p_change / (p_change + p_written_ctx + p_other)
        after = apply_case(written, vocabulary.targets[best])
        if after == written:
            return None
        return after, round(float(confidence), 4)
