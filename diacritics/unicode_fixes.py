"""Unicode hygiene fixers: normal form, stray and doubled combining marks, look-alikes."""

from __future__ import annotations

import re
import unicodedata

from sohoa.diacritics.records import Edit

# A base character with the combining marks that follow it: the unit NFC works on.
_CLUSTER = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.DOTALL)


class NfcFixer:
    """Compose decomposed text (NFD fragments, Windows-1258 style marks) into NFC, per character."""

    name = "nfc"

    def find_edits(self, text: str) -> list[Edit]:
        if unicodedata.is_normalized("NFC", text):
            return []
        edits = []
        for match in _CLUSTER.finditer(text):
            piece = match.group()
            fixed = unicodedata.normalize("NFC", piece)
            if fixed != piece:
                edits.append(Edit(match.start(), match.end(), piece, fixed, self.name, 1.0))
        return edits


_MARKED_CLUSTER = re.compile(r"(\w)([\u0300-\u036f]+)")
_TONE_MARK_SET = frozenset("\u0300\u0301\u0303\u0309\u0323")


class DoubledMarkFixer:
    """Drop a combining mark repeated on one letter ('á' + U+0301 → 'á').

    Two different tone marks on one letter cannot both be right; dropping the later one is a
    guess, so it is proposed with low confidence (a review flag by default).
    """

    name = "marks.doubled"

    def find_edits(self, text: str) -> list[Edit]:
        edits = []
        for match in _MARKED_CLUSTER.finditer(text):
            decomposed = unicodedata.normalize("NFD", match.group())
            kept, seen_tone, confidence = [], False, 0.99
            for char in decomposed:
                if unicodedata.combining(char):
                    if char in kept:
                        continue
                    if char in _TONE_MARK_SET:
                        if seen_tone:
                            confidence = 0.3
                            continue
                        seen_tone = True
                kept.append(char)
            fixed = unicodedata.normalize("NFC", "".join(kept))
            if fixed != match.group():
                edits.append(Edit(match.start(), match.end(), match.group(), fixed, self.name, confidence))
        return edits


# Letters of other scripts that old fonts and OCR put in Vietnamese words in place of Latin ones.
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
}
_ETH = {"ð": "đ", "Ð": "Đ"}
_WORD_WITH_SYMBOLS = re.compile(r"[\w€¢ðÐ]+")


class HomoglyphFixer:
    """Replace look-alike characters inside Latin words.

    Cyrillic/Greek letters only in words that also have Latin letters (a word wholly in
    Cyrillic is Russian, not a glitch); 'ð'/'Ð' (eth) for 'đ'/'Đ'; and '€' / '¢', which OCR of
    old fonts reads where 'ệ' was, when the result is a Vietnamese syllable ('nghi€p').
    """

    name = "homoglyph"

    def find_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.syllables import is_syllable

        edits = []
        for match in _WORD_WITH_SYMBOLS.finditer(text):
            word = match.group()
            if word.isascii():
                continue
            has_latin = any(c.isascii() and c.isalpha() or "\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff"
                            for c in word)
            if not has_latin:
                continue
            fixed = "".join(_HOMOGLYPHS.get(c, _ETH.get(c, c)) for c in word)
            confidence = 0.95
            if "€" in fixed or "¢" in fixed:
                guess = fixed.replace("€", "ệ").replace("¢", "ệ")
                letters = guess.strip("0123456789")
                if letters and letters[0].isalpha() and is_syllable(letters):
                    fixed, confidence = guess, (0.7 if "€" in word else 0.55)
            if fixed != word:
                edits.append(Edit(match.start(), match.end(), word, fixed, self.name, confidence))
        return edits


_SPLIT_SYLLABLE = re.compile(r"(?<![\w])(ngh|ng|nh|ch|gh|kh|ph|th|tr|đ|Đ|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)"
                             r" (\w+)", re.IGNORECASE)


class StraySpaceFixer:
    """Join a lone initial consonant to the rest of its syllable ('đ ồng' → 'đồng').

    Only when the consonant cannot stand alone, the rest starts with a vowel that carries a
    Vietnamese mark (OCR splits at the accented letter), the rest is no word by itself and
    together they form an attested syllable ('b ở' stays: 'ở' is a word).
    """

    name = "space.in-syllable"

    def find_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.lexicon import is_attested
        from sohoa.diacritics.syllables import VOWELS, has_vietnamese_marks, is_syllable, split_letter

        edits = []
        for match in _SPLIT_SYLLABLE.finditer(text):
            head, tail = match.group(1), match.group(2)
            first_base = split_letter(tail[0])[0]
            if first_base not in VOWELS or not has_vietnamese_marks(tail[0]):
                continue
            if head.isupper() != tail.isupper() and not (head.isupper() and len(head) == 1):
                continue
            if is_syllable(head + tail) and is_attested(head + tail) and not is_attested(tail):
                edits.append(Edit(match.start(), match.end(), match.group(), head + tail, self.name, 0.8))
        return edits


class TonePlacementFixer:
    """Put each syllable's tone mark on the vowel the chosen style wants ('hoà' → 'hòa' in 'old')."""

    def __init__(self, style: str = "old", name: str = "tone.placement"):
        self.style = style
        self.name = name

    def find_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.syllables import place_tone

        edits = []
        for match in re.finditer(r"[^\W\d_]+", text):
            word = match.group()
            if word.isascii():
                continue
            fixed = place_tone(word, self.style)
            if fixed is not None and fixed != word:
                edits.append(Edit(match.start(), match.end(), word, fixed, self.name, 0.95))
        return edits
