"""Word boundaries OCR got wrong: a capital cut off its word ('N gudi' → 'Ngudi'), words glued
together ('antoàncho' → 'an toàn cho'). They are mended before anything else, so that the
neighbours are restored in the right context (`restore_mended`)."""

from __future__ import annotations

import math
from typing import Callable

from sohoa.diacritics.compose import apply_edits
from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.damage import DamageProfiler
from sohoa.diacritics.restore.key_lm import KeyNgrams
from sohoa.diacritics.restore.keys import KeyDecoder
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import BOUNDARY_ID, Token
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.syllables import has_marks, is_syllable, is_valid_key, strip_marks

JOIN_FIXER = "restore.ocr-join"
SPLIT_FIXER = "restore.ocr-split"
SPLIT_CONFIDENCE = 0.8
LONE_CAPITALS = frozenset("BCDĐGHKLMNPQRSTVX")
"""Capital consonants: alone they are no Vietnamese word, so a lone one may be a word's cut-off head."""
CLUSTERS = frozenset({"ng", "nh", "th", "tr", "ch", "kh", "ph", "gh", "gi", "qu"})
"""Consonant clusters a cut-off capital may head ('N g', 'T h')."""


class WordMender:
    """Proposes the joins and splits of words (see the module)."""

    def __init__(self, vocabulary: Vocabulary, key_lm: KeyNgrams, key_decoder: KeyDecoder, damage: DamageProfiler,
                 settings: RestorerSettings):
        self.vocabulary, self.key_lm, self.key_decoder = vocabulary, key_lm, key_decoder
        self.damage, self.settings = damage, settings

    def _key(self, token: Token) -> int:
        return int(self.vocabulary.ids(token.text)[0]) if token.text else BOUNDARY_ID

    def join_edits(self, tokens: list[Token]) -> list[Edit]:
        """Join a capital consonant standing alone to the word after it ('N gudi', 'N ga' → 'Nga')
        where the key bigram model finds the joined word likelier than the two pieces.

        No Vietnamese word is a lone consonant. The join must make the letter the head of a
        consonant cluster ('N g', 'T h') or of a word the rest alone is not ('V iệt'): a label
        before a word ('phương án B gồm', 'điểm C trước') stays.
        """
        bigram, ids = self.key_lm.logp2, self.vocabulary.ids
        edits = []
        for i in range(1, len(tokens) - 2):
            letter, rest = tokens[i], tokens[i + 1]
            if len(letter.text) != 1 or letter.text not in LONE_CAPITALS or rest.start != letter.end + 1:
                continue
            if not rest.text[:1].isalpha() or not rest.text[:1].islower() or not rest.text.isalnum():
                continue
            before = tokens[i - 1]
            if before.text and before.end == letter.start and before.text not in "'\"“‘([":
                continue  # the tail of an abbreviation or code ('H.O.T huyền thoại', 'GD-ĐT ra')
            head = strip_marks(letter.text.lower())
            first = strip_marks(rest.text[0])
            rest_kid = int(ids(rest.text)[0])
            if not (head + first in CLUSTERS or (first in "aeiouy" and not self.damage.is_common(rest_kid))):
                continue  # 'B có', 'C trước': a label before a word, not a word cut in two
            joined = letter.text + rest.text
            key = self.key_decoder.best_known_key(joined)
            if key is None or not self.vocabulary.keys[key[0]].startswith(head):
                continue
            left, right = self._key(tokens[i - 1]), self._key(tokens[i + 2])
            kid, channel = key
            together = channel + bigram(left, kid) + bigram(kid, right)
            a, b = int(ids(letter.text)[0]), int(ids(rest.text)[0])
            apart = bigram(left, a) + bigram(a, b) + bigram(b, right)
            if together > apart:
                edits.append(Edit(letter.start, rest.end, f"{letter.text} {rest.text}", joined,
                                  JOIN_FIXER, round(1.0 / (1.0 + math.exp(apart - together)), 4)))
        return edits

    def split_edits(self, tokens: list[Token]) -> list[Edit]:
        """Split words OCR glued together ('antoàncho' → 'an toàn cho', 'trongnước' → 'trong nước').

        Only a marked word that is no syllable and no word the corpus knows is split, into two
        or three syllables the corpus has with exactly the marks written and has seen side by
        side, choosing the split the key bigram model likes best. Unmarked runs ('Samsung',
        'Facebook') are left alone: their letters alone cannot tell a foreign word from glued
        syllables.
        """
        bigram, ids = self.key_lm.logp2, self.vocabulary.ids
        edits = []
        for i, token in enumerate(tokens):
            word = token.text
            if len(word) < 4 or not word.isalpha() or not has_marks(word) or not word[1:].islower():
                continue
            if is_syllable(word) or ids(word)[1] >= 0 or is_valid_key(strip_marks(word.lower())):
                continue  # a syllable, a known word, or one syllable with wrong marks ('chiém')
            left, right = self._key(tokens[i - 1]), self._key(tokens[i + 1])
            best, best_score = None, -math.inf
            for parts in splits(word, max_parts=3):
                part_ids = [ids(part) for part in parts]
                if any(tid < 0 or not is_syllable(part) for part, (_, tid) in zip(parts, part_ids)):
                    continue
                inner = [kid for kid, _ in part_ids]
                if not all(self.key_lm.count2(a, b) >= self.settings.glued_pair_count for a, b in zip(inner, inner[1:])):
                    continue  # pieces the corpus never wrote side by side: a name ('Tucumán', 'Kuăng')
                chain = [left] + inner + [right]
                score = sum(bigram(a, b) for a, b in zip(chain, chain[1:]))
                if score > best_score:
                    best, best_score = parts, score
            if best is not None:
                edits.append(Edit(token.start, token.end, word, " ".join(best), SPLIT_FIXER, SPLIT_CONFIDENCE))
        return edits


def splits(word: str, max_parts: int):
    """Every way to cut `word` into 2..`max_parts` pieces of at least two letters ('toàncho' → 'toàn cho')."""
    for cut in range(2, len(word) - 1):
        head, tail = word[:cut], word[cut:]
        yield [head, tail]
        if max_parts > 2:
            for rest in splits(tail, max_parts - 1):
                if len(rest) == 2:  # exactly one more cut: at most `max_parts` pieces
                    yield [head] + rest


def restore_mended(text: str, mending: list[Edit], restore: Callable[[str], list[Edit]]) -> list[Edit]:
    """The edits of `restore` run on `text` with the `mending` edits (sorted, non-overlapping)
    applied, in coordinates of `text`: an edit inside a mended word is folded into the mending
    edit, one reaching across a mended word is dropped (the mending stays alone)."""
    mended = apply_edits(text, mending)
    regions, shift = [], 0  # (start in the mended text, end there, the mending edit)
    for edit in mending:
        start = edit.start + shift
        regions.append((start, start + len(edit.after), edit))
        shift += len(edit.after) - (edit.end - edit.start)
    inside: dict[int, list[Edit]] = {}
    edits = []
    for edit in restore(mended):
        region = next((n for n, (a, b, _) in enumerate(regions) if a <= edit.start and edit.end <= b), None)
        if region is not None:
            inside.setdefault(region, []).append(edit)
            continue
        if any(a < edit.end and edit.start < b for a, b, _ in regions):
            continue  # a change reaching across a split word: keep the split alone
        offset = sum(len(e.after) - (e.end - e.start) for a, _, e in regions if a < edit.start)
        edits.append(Edit(edit.start - offset, edit.end - offset, edit.before, edit.after, edit.fixer,
                          edit.confidence))
    for n, (a, _, mend) in enumerate(regions):
        after = mend.after
        for inner in sorted(inside.get(n, []), key=lambda e: -e.start):
            after = after[:inner.start - a] + inner.after + after[inner.end - a:]
        edits.append(Edit(mend.start, mend.end, mend.before, after, mend.fixer, mend.confidence))
    edits.sort(key=lambda e: e.start)
    return edits
