"""Vietnamese syllables: letters split into base + tone, syllable structure, tone-mark placement.

A written syllable is  initial consonant + vowel nucleus + final consonant, with one tone mark
on one vowel of the nucleus. Which vowel carries the mark is a spelling convention:

- a vowel with its own modifier (â ă ê ô ơ ư) takes it ('người', 'quyết'); in 'ươ' the 'ơ';
- with a final consonant, the last vowel ('hoàn', 'huỳnh');
- open 'oa', 'oe', 'uy': the first vowel in the old style ('hòa', 'thủy'), the second in the
  new style ('hoà', 'thuỷ');
- otherwise the first vowel of a pair ('hài', 'múa') and the middle of a triple ('ngoài').

'qu' and 'gi' count as initials when another vowel follows ('quý', 'già', but 'gìn').
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TONE_MARKS = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
_VOWEL_BASES = "aăâeêioôơuưy"
VOWELS = frozenset(_VOWEL_BASES + _VOWEL_BASES.upper())
INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
            "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x")
# 'k' ends syllables of place names of the Central Highlands ('Đắk Lắk', 'Krông Búk')
FINALS = frozenset(("", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"))
NUCLEI = frozenset((
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split())
_STOP_FINALS = frozenset(("c", "ch", "k", "p", "t"))
# Nuclei that end in a glide take no final consonant; these need one ('tiên', not 'tiê').
_OPEN_ONLY = frozenset("ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ưa ua iêu oai oao oay oeo uây uôi uya uyu ươi ươu yêu".split())
_CLOSED_ONLY = frozenset("iê yê uô ươ uyê oo oă uâ".split())


@lru_cache(maxsize=4096)
def split_letter(char: str) -> tuple[str, str]:
    """('ấ') → ('â', '\\u0301'): the letter without its tone mark, and the tone mark ('' if none)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tone


@lru_cache(maxsize=4096)
def with_tone(base: str, tone: str) -> str:
    """('â', '\\u0301') → 'ấ'."""
    return unicodedata.normalize("NFC", base + tone)


@dataclass(frozen=True)
class Syllable:
    """A parsed syllable: the word without tone marks split in three, and its tone."""

    initial: str
    nucleus: str
    final: str
    tone: str  # one of TONE_MARKS or ''
    tone_count: int  # how many vowels carried a mark (1 when well formed, 0 for level tone)


def parse(word: str) -> Syllable | None:
    """Parse `word` (one syllable, NFC) into its parts, or None if it is not Vietnamese."""
    if not word or len(word) > 8:
        return None
    bases, tones = [], []
    for char in word:
        base, tone = split_letter(char)
        if len(base) != 1 or len(tone) > 1:
            return None
        bases.append(base)
        if tone:
            tones.append(tone)
    plain = "".join(bases).lower()
    initial = ""
    for candidate in INITIALS:
        if plain.startswith(candidate):
            rest = plain[len(candidate):]
            if candidate in ("gi", "qu") and not (rest and rest[0] in VOWELS):
                continue
            initial = candidate
            break
    rest = plain[len(initial):]
    cut = 0
    while cut < len(rest) and rest[cut] in VOWELS:
        cut += 1
    nucleus, final = rest[:cut], rest[cut:]
    if initial == "gi" and not nucleus:  # 'gì', 'gìn'
        initial, nucleus = "g", "i" + nucleus
    if nucleus not in NUCLEI or final not in FINALS:
        return None
    if (final and nucleus in _OPEN_ONLY) or (not final and nucleus in _CLOSED_ONLY):
        return None
    if initial == "q":
        return None
    tone = tones[0] if tones else ""
    if len(set(tones)) > 1:
        return None
    if final in _STOP_FINALS and tone not in ("\u0301", "\u0323"):
        return None
    return Syllable(initial, nucleus, final, tone, len(tones))


def tone_position(syllable: Syllable, style: str = "old") -> int:
    """Index within the nucleus of the vowel that carries the tone mark."""
    nucleus = syllable.nucleus
    if len(nucleus) == 1:
        return 0
    modified = [i for i, c in enumerate(nucleus) if c in "ăâêôơư"]
    if modified:
        return modified[-1]
    if syllable.final:
        return len(nucleus) - 1
    if nucleus in ("oa", "oe", "uy"):
        return 0 if style == "old" else 1
    if len(nucleus) == 3:
        return 1
    return 0


def place_tone(word: str, style: str = "old") -> str | None:
    """`word` with its tone mark on the right vowel for `style`, or None if it is not a syllable.

    Case is kept letter by letter. A mark repeated on several vowels ('hóá') collapses to one.
    """
    syllable = parse(word)
    if syllable is None:
        return None
    if not syllable.tone:
        return word
    letters = [split_letter(c)[0] for c in word]
    start = len(syllable.initial)
    target = start + tone_position(syllable, style)
    letters[target] = with_tone(letters[target], syllable.tone)
    return "".join(letters)


def is_syllable(word: str) -> bool:
    """True if `word` is a well-formed Vietnamese syllable (tone on any vowel)."""
    return parse(word) is not None


def has_vietnamese_marks(word: str) -> bool:
    """True if `word` has a tone mark, a vowel modifier or 'đ'."""
    for char in word:
        base, tone = split_letter(char)
        if tone or base in "ăâêôơưđĂÂÊÔƠƯĐ":
            return True
    return False
