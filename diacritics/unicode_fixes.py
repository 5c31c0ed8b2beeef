"""Unicode hygiene fixers: normal form, stray and doubled combining marks, look-alikes."""

from __future__ import annotations

import re
import unicodedata

from sohoa.diacritics.compose import apply_edits
from sohoa.diacritics.records import Edit



class NfcFixer:
    """Compose decomposed text (NFD fragments, Windows-1258 style marks) into NFC, per character."""

    name = "nfc"

    def find_edits(self, text: str) -> list[Edit]:
        if unicodedata.is_normalized("NFC", text):
            return []
        edits = []
        for start, end in _clusters(text):
            piece = text[start:end]
            fixed = unicodedata.normalize("NFC", piece)
            if fixed != piece:
                edits.append(Edit(start, end, piece, fixed, self.name, 1.0))
        if apply_edits(text, edits) != unicodedata.normalize("NFC", text):
            # compositions across starters (Hangul jamo...): one edit per line that changes
            edits, offset = [], 0
            for line in text.split("\n"):
                fixed = unicodedata.normalize("NFC", line)
                if fixed != line:
                    edits.append(Edit(offset, offset + len(line), line, fixed, self.name, 1.0))
                offset += len(line) + 1
        return edits


def _clusters(text: str):
    """(start, end) of each starter with the combining characters (any script) that follow it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            yield start, i
            start = i


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
# What English-model OCR writes for a marked vowel, and the letters it may stand for: '€' for
# any 'ê' ('kinh t€' tế, 'ti€u' tiêu, 'hi€n' hiện), '¢' for 'ê' or 'ơ' ('h¢' hệ, 'co s¢' cơ sở).
_OCR_SYMBOL_LETTERS = {
    "€": ("ê", "ế", "ề", "ể", "ễ", "ệ"),
    "¢": ("ê", "ế", "ề", "ể", "ễ", "ệ", "ơ", "ớ", "ờ", "ở", "ỡ", "ợ"),
}
# The tone is lost with the symbol, so any guess is a proposal for review, never applied at
# the default threshold: the statistical restorer (with context) makes the change if it can.
OCR_SYMBOL_CONFIDENCE = 0.3


class HomoglyphFixer:
    """Replace look-alike characters inside Latin words.

    Cyrillic/Greek letters only in words that also have Latin letters (a word wholly in
    Cyrillic is Russian, not a glitch) and 'ð'/'Ð' (eth) for 'đ'/'Đ': confident. '€' / '¢',
    which OCR of old fonts reads where a marked vowel was ('nghi€p'), only as a low-confidence
    proposal: the most likely syllable given its neighbours, flagged for review.
    """

    name = "homoglyph"

    def find_edits(self, text: str) -> list[Edit]:
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
                guess = _guess_ocr_symbol(text, match.start(), match.end(), fixed)
                if guess is None:
                    fixed = word if fixed.replace("€", "").replace("¢", "") == word.replace("€", "").replace("¢", "") \
                        else fixed
                else:
                    fixed, confidence = guess, OCR_SYMBOL_CONFIDENCE
            if fixed != word:
                edits.append(Edit(match.start(), match.end(), word, fixed, self.name, confidence))
        return edits


def _guess_ocr_symbol(text: str, start: int, end: int, word: str) -> str | None:
    """The attested syllable `word` most likely was, one '€'/'¢' read as a marked vowel, or None."""
    from sohoa.diacritics.lexicon import is_attested
    from sohoa.diacritics.plausibility import syllable_model

    symbols = [i for i, c in enumerate(word) if c in _OCR_SYMBOL_LETTERS]
    if len(symbols) != 1 or not word.replace("€", "").replace("¢", "").isalpha():
        return None
    at = symbols[0]
    model = syllable_model()
    before = re.findall(r"[^\W\d_]+", text[max(0, start - 30):start])
    after = re.findall(r"[^\W\d_]+", text[end:end + 30])
    previous = before[-1].lower() if before and text[start - 1:start].isspace() else None
    following = after[0].lower() if after and text[end:end + 1].isspace() else None
    best, best_score = None, None
    for letter in _OCR_SYMBOL_LETTERS[word[at]]:
        rest = word[:at] + word[at + 1:]
        if rest.isupper() and len(rest) > 1:  # 'NGH€' → 'NGHỆ', but 'S¢' → 'Sở'
            letter = letter.upper()
        candidate = word[:at] + letter + word[at + 1:]
        if not is_attested(candidate):
            continue
        lower = candidate.lower()
        score = model.logp2(previous, lower)
        if following:
            score += model.logp2(lower, following)
        if best_score is None or score > best_score:
            best, best_score = candidate, score
    return best


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
        from sohoa.diacritics.syllables import VOWELS, has_marks, is_syllable, split_letter

        edits = []
        for match in _SPLIT_SYLLABLE.finditer(text):
            head, tail = match.group(1), match.group(2)
            first_base = split_letter(tail[0])[0]
            if first_base not in VOWELS or not has_marks(tail[0]):
                continue
            if head.isupper() != tail.isupper() and not (head.isupper() and len(head) == 1):
                continue
            if is_syllable(head + tail) and is_attested(head + tail) and not is_attested(tail):
                edits.append(Edit(match.start(), match.end(), match.group(), head + tail, self.name, 0.8))
        return edits


class TonePlacementFixer:
    """Put each syllable's tone mark on the vowel the chosen style wants ('hoà' → 'hòa' in 'old').

    It only moves a mark within a well-formed syllable and only to spell an attested one: it never
    adds, drops or changes a tone. In a line where few words carry marks (unaccented text, or
    OCR that lost them: 'suc khoé'), a mark is as likely a misread as a style, so the move is
    proposed for review instead of made.
    """

    def __init__(self, style: str = "old", name: str = "tone.placement"):
        self.style = style
        self.name = name

    def find_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.lexicon import attested_syllables, is_attested
        from sohoa.diacritics.syllables import has_marks, place_tone, split_letter

        edits = []
        check_attested = bool(attested_syllables())
        # 'keep': both placements are correct Vietnamese, so a mark moves only from where
        # neither puts it ('muà' → 'mùa'), to where the text's own style does
        style = dominant_tone_style(text) if self.style == "keep" else self.style
        for line in re.finditer(r"[^\n]+", text):
            words = list(re.finditer(r"[^\W\d_]+", line.group()))
            moves = []
            for match in words:
                word = match.group()
                if word.isascii():
                    continue
                fixed = place_tone(word, style)
                if fixed is None or fixed == word:
                    continue
                if self.style == "keep" and word == place_tone(word, "new" if style == "old" else "old"):
                    continue
                if [split_letter(c)[0] for c in fixed] != [split_letter(c)[0] for c in word]:
                    continue  # pragma: no cover - place_tone only moves marks
                if check_attested and not is_attested(fixed):
                    continue
                moves.append((match, fixed))
            if not moves:
                continue
            marked = sum(1 for m in words if has_marks(m.group()))
            confidence = 0.95 if marked >= 0.5 * len(words) else 0.4
            for match, fixed in moves:
                start = line.start() + match.start()
                edits.append(Edit(start, start + len(match.group()), match.group(), fixed, self.name, confidence))
        return edits


def dominant_tone_style(text: str, default: str = "old") -> str:
    """'new' when the text places more of its marks the new way ('hoà', 'thuỷ') than the old way
    ('hòa', 'thủy'), 'old' when fewer; counted over the words whose placement differs between
    the two. `default` where they are as many (a short text often has none)."""
    from sohoa.diacritics.syllables import place_tone

    counts = {"old": 0, "new": 0}
    for word in set(re.findall(r"[^\W\d_]+", text)):
        if word.isascii():
            continue
        old, new = place_tone(word, "old"), place_tone(word, "new")
        if old is None or old == new:
            continue
        if word == old:
            counts["old"] += 1
        elif word == new:
            counts["new"] += 1
    if counts["new"] == counts["old"]:
        return default
    return "new" if counts["new"] > counts["old"] else "old"
