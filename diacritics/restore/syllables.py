"""Vietnamese syllables: de-accented keys, tone placement, orthographic validity, case patterns.

Everything here is pure and table-driven so the decoder can call it per token type and cache it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks: the five tones and the three vowel modifiers (breve, circumflex, horn).
TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}
_ALL_MARKS = set(TONE_MARKS) | VOWEL_MARKS

VOWELS = set("aăâeêioôơuưy")
_MODIFIED_VOWELS = set("ăâêôơư")
ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)
FINALS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
STOP_FINALS = ("c", "ch", "p", "t")
# Vowel clusters (nucleus with glides) that Vietnamese spelling allows, without tone.
VOWEL_CLUSTERS = frozenset(
    "a ă â e ê i o ô ơ u ư y ai ao au âu ay ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ "
    "uy ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uôi ươi ươu uya uyê uyu uây ".split()
)

KEY_CLUSTERS = frozenset(
    "".join({"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}.get(ch, ch) for ch in cluster)
    for cluster in VOWEL_CLUSTERS
)
"""The vowel clusters once their marks are stripped ('ươ' → 'uo'): the shapes a key may take."""

WORD_RE = re.compile(r"[^\W\d_]+")
"""A run of letters: one syllable of Vietnamese (or one foreign word)."""


@lru_cache(maxsize=200_000)
def strip_marks(text: str) -> str:
    """Remove every tone and vowel mark and turn đ into d: 'Đảng' → 'Dang'."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if ch not in _ALL_MARKS)
    return unicodedata.normalize("NFC", bare).replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=200_000)
def key_of(token: str) -> str:
    """The lookup key of a token: lower case, no marks ('Nghị' → 'nghi')."""
    return strip_marks(token.lower())


def split_tone(syllable: str) -> tuple[str, str | None]:
    """('hòa') → ('hoa', 'huyen'): the syllable without its tone mark, and the tone (None: level)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = None
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


_TONE_CHAR = {name: mark for mark, name in TONE_MARKS.items()}


def parse(syllable: str, clusters: frozenset[str] = VOWEL_CLUSTERS) -> tuple[str, str, str] | None:
    """Split a toneless lower-case syllable into (onset, vowel cluster, final), or None.

    With `clusters=KEY_CLUSTERS` it parses de-accented keys ('nguoi') instead.
    """
    for onset_len in (3, 2, 1, 0):
        onset = syllable[:onset_len]
        if onset not in ONSETS:
            continue
        rest = syllable[onset_len:]
        # 'gi' and 'qu' take the glide: 'gì' = g+ì, 'quá' = qu+á.
        if onset == "gi" and (not rest or rest[0] not in VOWELS):
            onset, rest = "g", syllable[1:]
        i = 0
        while i < len(rest) and rest[i] in VOWELS:
            i += 1
        cluster, final = rest[:i], rest[i:]
        if cluster in clusters and final in FINALS and _rime_allowed(cluster, final):
            return onset, cluster, final
    return None


def _rime_allowed(cluster: str, final: str) -> bool:
    """Spelling rules of the rime: 'inh' not 'ing', 'ich' not 'ic', 'anh' but not 'onh'."""
    if final in ("nh", "ch"):
        return cluster[-1] in "aăâeêiy" and cluster not in ("ă", "â")
    if final in ("ng", "c"):
        return cluster[-1] not in "iy"
    return True


@lru_cache(maxsize=200_000)
def is_valid_key(key: str) -> bool:
    """Whether a de-accented lower-case form could be a Vietnamese syllable ('nguoi' yes, 'chirc' no)."""
    return parse(key.replace("đ", "d"), KEY_CLUSTERS) is not None


@lru_cache(maxsize=200_000)
def is_valid_syllable(token: str) -> bool:
    """Whether a token (any case) is a well-formed Vietnamese syllable, tone rules included."""
    bare, tone = split_tone(token.lower())
    parts = parse(bare)
    if parts is None:
        return False
    _, cluster, final = parts
    if final in STOP_FINALS and tone not in ("sac", "nang"):
        return False
    if final in ("ch", "nh") and cluster[-1] not in "aêiy":
        return False
    return True


def _tone_position(onset: str, cluster: str, final: str) -> int:
    """Index in `cluster` of the vowel carrying the tone, old style ('hòa', 'thủy')."""
    marked = [i for i, ch in enumerate(cluster) if ch in _MODIFIED_VOWELS]
    if marked:
        return marked[-1]
    if final or len(cluster) == 1:
        return len(cluster) - 1
    if len(cluster) == 3:
        return 1
    return 0


@lru_cache(maxsize=200_000)
def canonical(token: str) -> str:
    """The token with its tone mark placed the old way ('hoà' → 'hòa'), case kept; others as is."""
    lower = token.lower()
    bare, tone = split_tone(lower)
    if tone is None:
        return token
    parts = parse(bare)
    if parts is None:
        return token
    onset, cluster, final = parts
    pos = len(onset) + _tone_position(onset, cluster, final)
    toned = unicodedata.normalize("NFC", bare[:pos] + bare[pos] + _TONE_CHAR[tone] + bare[pos + 1:])
    return apply_case(token, toned)


def apply_case(pattern: str, word: str) -> str:
    """Give `word` the case pattern of `pattern`: 'KET' → UPPER, 'Pang' → Title, else lower.
    Only letters count: 'B6' (OCR of 'Bộ') is Title, '1A' (of 'là') lower."""
    if sum(ch.isupper() for ch in pattern) > 1 and pattern.isupper():
        return word.upper()
    if pattern[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def has_marks(token: str) -> bool:
    """Whether the token carries any Vietnamese mark (tone, vowel modifier or đ)."""
    return strip_marks(token) != token
