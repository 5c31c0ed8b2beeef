"""Vietnamese spelling, the one grammar of the project: letters and marks, syllables, tones,
tone-mark placement, de-accented keys and case.

A written syllable is

    onset + nucleus (one to three vowels) + final,  with one tone mark on one vowel of the nucleus

- onsets: b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x, or none. 'gi' and
  'qu' are onsets only when another vowel follows ('già', 'quý'; but 'gìn' is g + 'ìn').
- finals: c ch m n ng nh p t, and k, which ends syllables of place names of the Central
  Highlands after a single vowel ('Đắk Lắk', 'Krông Búk', 'Đăk Tô'), or none.
- rimes: a nucleus that ends in a glide takes no final ('tai', never 'tain'); iê yê uô ươ uyê
  oo oă uâ need one ('tiên', never 'tiê'); 'ch' and 'nh' follow only a, ê, i, y ('sách', 'ếch',
  'kinh', 'huỳnh'; never 'onh', 'ưnh', 'ăch'); 'c' and 'ng' never follow i or y ('ích', 'inh';
  never 'íc', 'ing'); 'k' follows a single vowel ('Đắk'; not 'book').
- tones: level and five marks (`TONE_MARKS`: huyền, sắc, ngã, hỏi, nặng); a syllable ending in
  the stop c, ch, p or t takes only sắc or nặng ('các', 'học'). Final k takes any tone: the
  place names are written so ('Đăk Tô', 'Đắk Lắk').

Which vowel carries the mark is a convention, the tone-placement *style*:

- a vowel with its own modifier (ă â ê ô ơ ư) takes it ('người', 'quyết'); in 'ươ' the 'ơ';
- with a final consonant, the last vowel ('hoàn', 'huỳnh');
- open 'oa', 'oe', 'uy': the first vowel in the old style ('hòa', 'thủy'), the second in the
  new style ('hoà', 'thuỷ');
- otherwise the first vowel of a pair ('hài', 'múa') and the middle one of three ('ngoài').

A *key* is what a word looks like with every mark lost: lower case, no tone, no vowel
modifier, 'đ' as 'd' ('Nghị' → 'nghi'). A key is valid when some marking of it spells a
syllable ('nguoi' is 'người'; 'chirc' is nothing).

`parse` / `Syllable.spell` take a syllable apart and put it back together; everything else
(validity, placement, keys) is read off those two.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# -- letters and marks -------------------------------------------------------------------
TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
"""The five tone marks (combining characters) and their Vietnamese names."""
TONES = ("",) + tuple(TONE_MARKS.values())
"""Tone names, '' for the level tone (no mark)."""
TONE_MARK_OF = {name: mark for mark, name in TONE_MARKS.items()}
VOWEL_MARKS = frozenset("\u0306\u0302\u031b")
"""Breve, circumflex, horn: the marks that make ă, â, ê, ô, ơ, ư."""
_ALL_MARKS = frozenset(TONE_MARKS) | VOWEL_MARKS
_VOWEL_LETTERS = "aăâeêioôơuưy"
VOWELS = frozenset(_VOWEL_LETTERS + _VOWEL_LETTERS.upper())
MODIFIED_VOWELS = frozenset("ăâêôơư")
_MARKED_LETTERS = frozenset("ăâêôơưđĂÂÊÔƠƯĐ")
_KEY_LETTER = str.maketrans({"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"})

# -- syllable structure ------------------------------------------------------------------
ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
"""Longest first: a word's onset is the first of these it starts with."""
FINALS = frozenset(("", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"))
STOP_FINALS = frozenset(("c", "ch", "k", "p", "t"))
NATIVE_STOP_FINALS = frozenset(("c", "ch", "p", "t"))
"""Stops whose syllables take only sắc or nặng; 'k' (place names) takes any tone."""
NUCLEI = frozenset((
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split())
OPEN_ONLY = frozenset("ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ưa ua iêu oai oao oay oeo uây uôi "
                      "uya uyu ươi ươu yêu".split())
"""Nuclei that end in a glide: they take no final consonant ('tai', never 'tain')."""
CLOSED_ONLY = frozenset("iê yê uô ươ uyê oo oă uâ".split())
"""Nuclei that need a final consonant ('tiên', never 'tiê')."""
MAX_LETTERS = 8


def rime_allowed(nucleus: str, final: str) -> bool:
    """Whether Vietnamese spelling lets `nucleus` take `final` (see the module's rime rules)."""
    if nucleus not in NUCLEI or final not in FINALS:
        return False
    if (final and nucleus in OPEN_ONLY) or (not final and nucleus in CLOSED_ONLY):
        return False
    if final in ("ch", "nh"):
        return nucleus[-1] in "aêiy"
    if final in ("c", "ng"):
        return nucleus[-1] not in "iy"
    if final == "k":
        return len(nucleus) == 1
    return True


def tone_allowed(final: str, tone: str) -> bool:
    """Whether a syllable ending in `final` may carry `tone` (a name of `TONES`)."""
    return final not in NATIVE_STOP_FINALS or tone in ("sac", "nang")


# -- letters ---------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def split_letter(char: str) -> tuple[str, str]:
    """('ấ') → ('â', '\\u0301'): the letter without its tone mark, and the tone mark ('' if none)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tone


@lru_cache(maxsize=4096)
def with_tone(base: str, tone_mark: str) -> str:
    """('â', '\\u0301') → 'ấ'."""
    return unicodedata.normalize("NFC", base + tone_mark)


def split_tone(word: str) -> tuple[str, str | None]:
    """('hòa') → ('hoa', 'huyen'): the word without its tone marks, and the tone (None: level;
    the last one where several are written)."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = None
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=200_000)
def strip_marks(text: str) -> str:
    """Remove every tone and vowel mark and turn đ into d: 'Đảng' → 'Dang'."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if ch not in _ALL_MARKS)
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


def has_marks(word: str) -> bool:
    """True if `word` has a Vietnamese mark: a tone mark, a vowel modifier (ă â ê ô ơ ư) or 'đ'.
    Marks no Vietnamese letter has ('î', 'ŏ', 'ğ') do not count."""
    for char in word:
        base, tone = split_letter(char)
        if tone or base in _MARKED_LETTERS:
            return True
    return False


# -- syllables ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Syllable:
    """A syllable taken apart: onset, nucleus and final (lower case, no tone mark) and its tone."""

    onset: str
    nucleus: str
    final: str
    tone: str = ""  # a name of TONES; '' for the level tone

    def tone_index(self, style: str = "old") -> int:
        """Index within the nucleus of the vowel that carries the tone mark in `style`."""
        nucleus = self.nucleus
        if len(nucleus) == 1:
            return 0
        modified = [i for i, c in enumerate(nucleus) if c in MODIFIED_VOWELS]
        if modified:
            return modified[-1]
        if self.final:
            return len(nucleus) - 1
        if nucleus in ("oa", "oe", "uy"):
            return 0 if style == "old" else 1
        if len(nucleus) == 3:
            return 1
        return 0

    def spell(self, style: str = "old") -> str:
        """The syllable written in lower case, its mark placed in `style` ('old' or 'new')."""
        if not self.tone:
            return self.onset + self.nucleus + self.final
        at = self.tone_index(style)
        nucleus = self.nucleus[:at] + with_tone(self.nucleus[at], TONE_MARK_OF[self.tone]) + self.nucleus[at + 1:]
        return self.onset + nucleus + self.final

    @property
    def key(self) -> str:
        """The syllable with every mark lost ('người' → 'nguoi')."""
        return (self.onset + self.nucleus + self.final).translate(_KEY_LETTER)


def _split_letters(plain: str) -> tuple[str, str, str]:
    """(onset, vowel run, rest) of a lower-case word without tone marks."""
    onset = ""
    for candidate in ONSETS:
        if plain.startswith(candidate):
            if candidate in ("gi", "qu") and not (len(plain) > 2 and plain[2] in VOWELS):
                continue  # 'gìn' is g + ìn; a lone 'qu' is no onset
            onset = candidate
            break
    rest = plain[len(onset):]
    cut = 0
    while cut < len(rest) and rest[cut] in VOWELS:
        cut += 1
    return onset, rest[:cut], rest[cut:]


@lru_cache(maxsize=200_000)
def parse(word: str) -> Syllable | None:
    """`word` (one syllable, any case, its mark on any vowel) taken apart, or None when it is
    no Vietnamese syllable. The same mark written on two vowels ('hóá') counts once; two
    different marks make no syllable."""
    if not word or len(word) > MAX_LETTERS:
        return None
    bases, tones = [], set()
    for char in word:
        base, tone = split_letter(char)
        if len(base) != 1 or len(tone) > 1:
            return None
        bases.append(base)
        if tone:
            tones.add(tone)
    if len(tones) > 1:
        return None
    onset, nucleus, final = _split_letters("".join(bases).lower())
    if not rime_allowed(nucleus, final):
        return None
    tone = TONE_MARKS[tones.pop()] if tones else ""
    if not tone_allowed(final, tone):
        return None
    return Syllable(onset, nucleus, final, tone)


def is_syllable(word: str) -> bool:
    """True if `word` (any case) is a well-formed Vietnamese syllable, its mark on any vowel."""
    return parse(word) is not None


# -- tone-mark placement -------------------------------------------------------------------
def place_tone(word: str, style: str = "old") -> str | None:
    """`word` with its tone mark on the vowel `style` wants, or None if it is not a syllable.

    Case is kept letter by letter. A mark repeated on several vowels ('hóá') collapses to one.
    """
    syllable = parse(word)
    if syllable is None:
        return None
    if not syllable.tone:
        return word
    letters = [split_letter(c)[0] for c in word]
    target = len(syllable.onset) + syllable.tone_index(style)
    letters[target] = with_tone(letters[target], TONE_MARK_OF[syllable.tone])
    return "".join(letters)


@lru_cache(maxsize=200_000)
def canonical(token: str) -> str:
    """The token with its tone mark placed the old way ('hoà' → 'hòa') and the case pattern of
    `apply_case`; a word without a tone mark, or no syllable, as it is. The restorer's toned
    forms are canonical, so that both styles of a word are one form."""
    syllable = parse(token)
    if syllable is None or not syllable.tone:
        return token
    return apply_case(token, syllable.spell("old"))


# -- keys --------------------------------------------------------------------------------
@lru_cache(maxsize=200_000)
def key_of(token: str) -> str:
    """The key of a token: lower case, no marks ('Nghị' → 'nghi')."""
    return strip_marks(token.lower())


KEY_RIMES = frozenset(
    (nucleus.translate(_KEY_LETTER), final) for nucleus in NUCLEI for final in FINALS if rime_allowed(nucleus, final)
)
"""(nucleus, final) pairs a key may show: the allowed rimes with their marks lost ('uo', 'ng')."""


@lru_cache(maxsize=200_000)
def is_valid_key(key: str) -> bool:
    """Whether a lower-case form without marks could be a Vietnamese syllable once marked
    ('nguoi' yes, 'chirc' no). A form that still carries a mark is no key."""
    if not key or len(key) > MAX_LETTERS:
        return False
    onset, nucleus, final = _split_letters(key.replace("đ", "d"))
    return (nucleus, final) in KEY_RIMES


# -- case --------------------------------------------------------------------------------
def apply_case(pattern: str, word: str) -> str:
    """Give `word` the case pattern of `pattern`: 'KET' → UPPER, 'Pang' → Title, else lower.
    Only letters count: 'B6' (OCR of 'Bộ') is Title, '1A' (of 'là') lower."""
    if sum(ch.isupper() for ch in pattern) > 1 and pattern.isupper():
        return word.upper()
    if pattern[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()
