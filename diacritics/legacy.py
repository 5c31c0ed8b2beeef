"""Legacy Vietnamese encodings: our own codecs for TCVN3 (ABC), VNI-Windows, VISCII,
Windows-1258 and VIQR, built from the published tables (TCVN 5712:1993, RFC 1456 for VIQR
and VISCII, Microsoft's cp1258, and the VNI-Windows font layout).

Every codec has `encode(text) -> bytes` (raises UnencodableError) and `decode(data) -> str`
(never raises: bytes outside the table fall back to Windows-1252). VIQR is a text convention,
so its codec works on ASCII bytes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from sohoa.diacritics.syllables import is_syllable, split_letter, with_tone

GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"


class UnencodableError(ValueError):
    """A character has no code in the target encoding."""


# --- Windows-1252, the code page legacy bytes are usually mis-read through -----------------
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def cp1252_decode(data: bytes) -> str:
    """Windows-1252, with its five undefined bytes read as Latin-1 controls (as browsers do)."""
    return "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data) \
        if any(b in _CP1252_UNDEFINED for b in data) else data.decode("cp1252")


def cp1252_encode(text: str) -> bytes | None:
    """Bytes that `cp1252_decode` would turn into `text`, or None if some character has none."""
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x80 or (code < 0x100 and code in _CP1252_UNDEFINED):
            out.append(code)
            continue
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            return None
    return bytes(out)


# --- TCVN 5712:1993 (TCVN3 / ABC fonts) ---------------------------------------------------
VISCII_HIGH = "\u1ea0\u1eae\u1eb0\u1eb6\u1ea4\u1ea6\u1ea8\u1eac\u1ebc\u1eb8\u1ebe\u1ec0\u1ec2\u1ec4\u1ec6\u1ed0\u1ed2\u1ed4\u1ed6\u1ed8\u1ee2\u1eda\u1edc\u1ede\u1eca\u1ece\u1ecc\u1ec8\u1ee6\u0168\u1ee4\u1ef2\u00d5\u1eaf\u1eb1\u1eb7\u1ea5\u1ea7\u1ea9\u1ead\u1ebd\u1eb9\u1ebf\u1ec1\u1ec3\u1ec5\u1ec7\u1ed1\u1ed3\u1ed5\u1ed7\u1ee0\u01a0\u1ed9\u1edd\u1edf\u1ecb\u1ef0\u1ee8\u1eea\u1eec\u01a1\u1edb\u01af\u00c0\u00c1\u00c2\u00c3\u1ea2\u0102\u1eb3\u1eb5\u00c8\u00c9\u00ca\u1eba\u00cc\u00cd\u0128\u1ef3\u0110\u1ee9\u00d2\u00d3\u00d4\u1ea1\u1ef7\u1eeb\u1eed\u00d9\u00da\u1ef9\u1ef5\u00dd\u1ee1\u01b0\u00e0\u00e1\u00e2\u00e3\u1ea3\u0103\u1eef\u1eab\u00e8\u00e9\u00ea\u1ebb\u00ec\u00ed\u0129\u1ec9\u0111\u1ef1\u00f2\u00f3\u00f4\u00f5\u1ecf\u1ecd\u1ee5\u00f9\u00fa\u0169\u1ee7\u00fd\u1ee3\u1eee"
VISCII_LOW = {2: 'Ẳ', 5: 'Ẵ', 6: 'Ẫ', 20: 'Ỷ', 25: 'Ỹ', 30: 'Ỵ'}
TCVN_HIGH = "\u00a0\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
TCVN_UPPER_80 = "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"
TCVN_LOW = {1: 'Ú', 2: 'Ụ', 4: 'Ừ', 5: 'Ử', 6: 'Ữ', 17: 'Ứ', 18: 'Ự', 19: 'Ỳ', 20: 'Ỷ', 21: 'Ỹ', 22: 'Ý', 23: 'Ỵ'}


_TCVN_DECODE: dict[int, str] = {0xA0 + i: c for i, c in enumerate(TCVN_HIGH)}
_TCVN_DECODE.update(TCVN_LOW)
_TCVN_UPPER: dict[int, str] = {0x80 + i: c for i, c in enumerate(TCVN_UPPER_80)}
_TCVN_ENCODE: dict[str, int] = {c: b for b, c in {**_TCVN_UPPER, **_TCVN_DECODE}.items()}
# Bytes 0x80-0x9F hold capitals with tone marks in TCVN 5712, but ABC documents typed in
# Windows store quotes and dashes there (the .VnTime fonts draw them as punctuation). These
# are the ones common in Vietnamese documents; they are read as letters only inside a word.
_TCVN_PUNCTUATION_BYTES = frozenset((0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97))


def _is_tcvn_letter_byte(byte: int | None) -> bool:
    if byte is None:
        return False
    if byte < 0x80:
        return chr(byte).isalpha()
    return byte in _TCVN_UPPER or (byte in _TCVN_DECODE and _TCVN_DECODE[byte].isalpha())


def tcvn3_decode(data: bytes) -> str:
    """TCVN3 bytes → Unicode (NFC)."""
    out: list[str] = []
    for i, byte in enumerate(data):
        if byte in _TCVN_DECODE and byte != 0xA0:
            out.append(_TCVN_DECODE[byte])
        elif byte in _TCVN_UPPER:
            nxt = data[i + 1] if i + 1 < len(data) else None
            letter = _TCVN_UPPER[byte]
            if byte not in _TCVN_PUNCTUATION_BYTES:
                out.append(letter)
            elif nxt == byte or (bool(out) and out[-1].isalpha() and _quoted(out, byte)):
                # the same byte twice is a run of punctuation ('NĂM……'), and a word opened by a
                # quote closes with one ('“B”'): no capital letter of TCVN3 stands so
                out.append(bytes([byte]).decode("cp1252"))
            elif (bool(out) and out[-1].isalpha()) and _is_tcvn_letter_byte(nxt):
                # a capital inside a word only in a word of capitals ('THÀNH'); between small
                # letters it is an apostrophe ('M’nông', 'Vitoria’s') or an ellipsis ('An…Sau')
                upper = out[-1].isupper() and not _tcvn_char(nxt).islower()
                out.append(letter if upper else bytes([byte]).decode("cp1252"))
            elif (bool(out) and out[-1].isalpha()) and not _is_tcvn_letter_byte(nxt):
                word = _trailing_word(out) + letter
                out.append(letter if word[:1].isupper() and word.isupper() and is_syllable(word)
                           else bytes([byte]).decode("cp1252"))
            else:
                out.append(bytes([byte]).decode("cp1252"))
        else:
            out.append(cp1252_decode(bytes([byte])))
    return _toned_capitals_in_capitals(_join_split_capitals(unicodedata.normalize("NFC", "".join(out))))


_PLAIN_CAPITAL_VOWELS = "AĂÂEÊIOÔƠUƯY"
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_LETTERS = re.compile(r"[^\W\d_]+")


def _toned(char: str) -> bool:
    return any(mark in _TONE_MARKS for mark in unicodedata.normalize("NFD", char))


def _toned_capitals_in_capitals(text: str) -> str:
    """A word typed in capitals whose toned vowels came out small ('TRà', 'ñY' for 'ỦY'): TCVN3
    has no capital toned vowels, so a heading in capitals stores them as the small letters (its
    capitals font draws them large). Such a vowel is made capital where every other letter of
    its word is a capital and the word shows it is no title-case word ('Số', 'Tỉnh'): two
    capitals besides it, or a capital after it."""
    if not any(_toned(c) for c in text if c.islower()):
        return text

    def lift(match: re.Match) -> str:
        word = match.group()
        small = [k for k, c in enumerate(word) if c.islower() and _toned(c)]
        plain = [c for k, c in enumerate(word) if k not in small]
        if not small or not plain or not all(c.isupper() for c in plain):
            return word
        if len(plain) >= 2 or any(k + 1 < len(word) and word[k + 1].isupper() for k in small):
            return "".join(c.upper() if c.islower() else c for c in word)
        return word

    return _LETTERS.sub(lift, text)


def _join_split_capitals(text: str) -> str:
    """A capital with a tone that a converter wrote as the plain capital followed by the toned
    small letter ('A¹' → 'Aạ' → 'Ạ', '£Õ' → 'Êế' → 'Ế'): no Vietnamese word has a capital vowel
    followed by the same vowel toned, so the pair is one letter."""
    if not any(c in text for c in _PLAIN_CAPITAL_VOWELS):
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _PLAIN_CAPITAL_VOWELS and i + 1 < len(text):
            base, tone = split_letter(text[i + 1])
            if tone and base == char.lower():
                out.append(with_tone(char, tone))
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def tcvn3_encode_split_capitals(text: str) -> bytes:
    """Unicode → TCVN3 bytes the way some converters write capitals with a tone: the plain
    capital, then the toned small letter ('Ạ' → 'A' + the byte of 'ạ'); `tcvn3_decode` reads both."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        base, tone = split_letter(char)
        out.append(base + char.lower() if tone and char.isupper() and base in "AĂÂEÊIOÔƠUƯY" else char)
    return tcvn3_encode("".join(out))


def _tcvn_char(byte: int) -> str:
    """The character a TCVN3 byte stands for, read on its own."""
    if byte < 0x80:
        return chr(byte)
    return _TCVN_UPPER.get(byte) or _TCVN_DECODE.get(byte) or cp1252_decode(bytes([byte]))


_CLOSING_OF = {0x94: "“\"", 0x92: "‘'"}  # a closing quote byte, and the quotes that open what it closes


def _quoted(pieces: list[str], byte: int) -> bool:
    """Whether `byte` (a closing quote's) follows a word that an opening quote opens."""
    word = _trailing_word(pieces)
    if not word or len(pieces) <= len(word):
        return False
    return pieces[-len(word) - 1][-1:] in tuple(_CLOSING_OF.get(byte, ""))


def _trailing_word(pieces: list[str]) -> str:
    word = []
    for piece in reversed(pieces):
        if not piece.isalpha():
            break
        word.append(piece)
    return "".join(reversed(word))


def tcvn3_encode(text: str) -> bytes:
    """Unicode → TCVN3 bytes (TCVN 5712:1993 VN1 layout, capitals included)."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in _TCVN_ENCODE and char != "\u00a0":
            out.append(_TCVN_ENCODE[char])
            continue
        encoded = cp1252_encode(char)
        if encoded is None or not (encoded[0] < 0x80 or encoded[0] == 0xA0 or encoded[0] in _TCVN_PUNCTUATION_BYTES):
            raise UnencodableError(f"{char!r} has no TCVN3 code")
        out += encoded
    return bytes(out)


# --- VISCII (RFC 1456) -------------------------------------------------------------------
_VISCII_DECODE: dict[int, str] = {0x80 + i: c for i, c in enumerate(VISCII_HIGH)}
_VISCII_DECODE.update(VISCII_LOW)
_VISCII_ENCODE: dict[str, int] = {c: b for b, c in _VISCII_DECODE.items()}


def viscii_decode(data: bytes) -> str:
    """VISCII bytes → Unicode."""
    return "".join(_VISCII_DECODE.get(b, chr(b)) for b in data)


def viscii_encode(text: str) -> bytes:
    """Unicode → VISCII bytes."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in _VISCII_ENCODE:
            out.append(_VISCII_ENCODE[char])
        elif ord(char) < 0x80 and ord(char) not in VISCII_LOW:
            out.append(ord(char))
        else:
            raise UnencodableError(f"{char!r} has no VISCII code")
    return bytes(out)


# --- Windows-1258: precomposed where the code page has the letter, else base + tone mark --
def cp1258_decode(data: bytes) -> str:
    """Windows-1258 bytes → Unicode (NFC)."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def cp1258_encode(text: str) -> bytes:
    """Unicode → Windows-1258 bytes, tone marks as combining characters where needed."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, tone = split_letter(char)
        try:
            out += (base + tone).encode("cp1258")
        except UnicodeEncodeError:
            raise UnencodableError(f"{char!r} has no Windows-1258 code") from None
    return bytes(out)


# --- VNI-Windows: an ASCII base letter followed by a mark byte ------------------------------
# Marks as the Windows-1252 characters of their bytes (lower-case forms; capitals use the
# upper-case character of the same letter). Key: (modifier, tone).
_VNI_MARKS: dict[tuple[str, str], str] = {
    ("", GRAVE): "ø", ("", ACUTE): "ù", ("", HOOK): "û", ("", TILDE): "õ", ("", DOT): "ï",
    ("^", ""): "â", ("^", GRAVE): "à", ("^", ACUTE): "á", ("^", HOOK): "å", ("^", TILDE): "ã", ("^", DOT): "ä",
    ("(", ""): "ê", ("(", GRAVE): "è", ("(", ACUTE): "é", ("(", HOOK): "ú", ("(", TILDE): "ü", ("(", DOT): "ë",
}
_VNI_MARK_READ: dict[str, tuple[str, str]] = {}
for _key, _mark in _VNI_MARKS.items():
    _VNI_MARK_READ[_mark] = _key
    _VNI_MARK_READ[_mark.upper()] = _key
# Letters VNI writes as one byte: i with some tones, ỵ, đ, and the horned ơ/ư bases.
_VNI_SINGLE = {"ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "đ": "ñ", "ơ": "ô", "ư": "ö"}
_VNI_SINGLE.update({k.upper(): v.upper() for k, v in list(_VNI_SINGLE.items())})
_VNI_SINGLE_READ = {v: k for k, v in _VNI_SINGLE.items()}
_MODIFIER_OF = {"ă": ("a", "("), "â": ("a", "^"), "ê": ("e", "^"), "ô": ("o", "^")}
_VNI_BASES = frozenset("aeiouyAEIOUY")


def vni_encode(text: str) -> bytes:
    """Unicode → VNI-Windows bytes."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in _VNI_SINGLE:
            out.append(_VNI_SINGLE[char])
            continue
        base, tone = split_letter(char)
        lower = base.lower()
        if lower in _MODIFIER_OF or (lower in "aeiouy" and len(lower) == 1 and (tone or base != char)):
            letter, modifier = _MODIFIER_OF.get(lower, (lower, ""))
            mark = _VNI_MARKS[(modifier, tone)]
            upper = base.isupper()
            out.append((letter.upper() if upper else letter) + (mark.upper() if upper else mark))
        elif lower in ("ơ", "ư"):
            out.append(_VNI_SINGLE[base] + (_VNI_MARKS[("", tone)].upper() if base.isupper() else _VNI_MARKS[("", tone)]))
        elif ord(char) < 0x80 or (cp1252_encode(char) is not None and char not in _VNI_MARK_READ
                                   and char not in _VNI_SINGLE_READ):
            out.append(char)
        else:
            raise UnencodableError(f"{char!r} has no VNI code")
    data = cp1252_encode("".join(out))
    assert data is not None
    return data


def vni_decode_text(text: str) -> str:
    """VNI-Windows text as read through Windows-1252 ('Nghò quyeát') → Unicode."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if char in _VNI_BASES or char in "ôöÔÖ":
            horned = _VNI_SINGLE_READ.get(char) if char in "ôöÔÖ" else None
            key = _VNI_MARK_READ.get(nxt)
            if key is not None and (horned is None or key[0] == ""):
                modifier, tone = key
                base = horned or char
                if modifier:
                    if base.lower() not in ("a", "e", "o") or (modifier == "(" and base.lower() != "a"):
                        out.append(_VNI_SINGLE_READ.get(char, char))
                        i += 1
                        continue
                    base = {"^": {"a": "â", "e": "ê", "o": "ô"}, "(": {"a": "ă"}}[modifier][base.lower()]
                    base = base.upper() if char.isupper() else base
                out.append(with_tone(base, tone))
                i += 2
                continue
            out.append(horned or char)
            i += 1
            continue
        out.append(_VNI_SINGLE_READ.get(char, char))
        i += 1
    return "".join(out)


def vni_decode(data: bytes) -> str:
    """VNI-Windows bytes → Unicode."""
    return vni_decode_text(cp1252_decode(data))


# --- VIQR (RFC 1456): marks typed after the vowel -------------------------------------------
_VIQR_TONES = {"'": ACUTE, "`": GRAVE, "?": HOOK, "~": TILDE, ".": DOT}
_VIQR_TONE_CHAR = {v: k for k, v in _VIQR_TONES.items()}
_VIQR_MODIFIED = {("a", "("): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "+"): "ơ", ("u", "+"): "ư"}
_VIQR_SPELL = {v: k for k, v in _VIQR_MODIFIED.items()}
_VIQR_MARK_CHARS = frozenset("'`?~.^(+")
VIQR_PATTERN = re.compile(
    r"\\(.)|([dD][dD])|([aAeEoOuU])([\^(+])?(['`?~.])?|([iIyY])(['`?~.])?", re.DOTALL)


def viqr_decode_text(text: str) -> str:
    """VIQR ('Nghi\u0323' written 'Nghi.', 'quye^\'t') → Unicode; a backslash makes a mark literal,
    and so does the text where a tone character is punctuation (`_tone_is_punctuation`)."""
    return _viqr_decoded(text, read_punctuation=True)


def _viqr_decoded(text: str, read_punctuation: bool) -> str:
    def letter(vowel: str, modifier: str | None) -> str | None:
        """The vowel with its modifier, or None where the vowel takes no such modifier."""
        if not modifier:
            return vowel
        modified = _VIQR_MODIFIED.get((vowel.lower(), modifier))
        return None if modified is None else modified.upper() if vowel.isupper() else modified

    def replace(match: re.Match) -> str:
        escaped, dd, vowel, modifier, tone, vowel2, tone2 = match.groups()
        if escaped is not None:
            return escaped
        if dd is not None:
            return "Đ" if dd[0] == "D" else "đ"
        if vowel2 is not None:
            vowel, modifier, tone = vowel2, None, tone2
        base = letter(vowel, modifier)
        if base is None:
            # not a modifier this vowel takes: literal, and the tone (if any) stays literal too
            return vowel + modifier + (tone or "")
        if tone and read_punctuation and _tone_is_punctuation(text, match.start(), match.end()):
            return base + tone
        return with_tone(base, _VIQR_TONES[tone]) if tone else base

    return VIQR_PATTERN.sub(replace, text)


_SAME_NUCLEUS_TONED = re.compile(r"[aAeEoOuUiIyY][\^(+]?['`?~.][aAeEoOuUiIyY^(+]*$")
"""A toned vowel followed by vowels alone up to here: the same syllable's nucleus ('ho'a'), which
holds one tone; a consonant between ('chie^'mdde^?', words run together) starts another."""
_ROMAN_ONES = re.compile(r"I{1,3}")
"""'I.', 'II.', 'III.': a numeral before its stop ('Chương I.'); 'VI.' stays the 'VỊ' of 'ĐƠN VỊ'."""


def _tone_is_punctuation(text: str, start: int, end: int) -> bool:
    """Whether the tone character ending the vowel match `text[start:end]` is punctuation, as
    unescaped VIQR files write it: the syllable has its tone already ('ho'a.' is 'hóa.', not
    'hóạ'); or, for a stop or question mark, the word begins with a figure ('Điều 12a.'), is 'I',
    'II' or 'III' before a stop ('Chương I.'), or, at the word's end, is a syllable without it
    and none with it."""
    begin = start
    # back to the word's start: letters and figures, and VIQR's marks where they follow a letter
    while begin > 0:
        marks = begin
        while marks > 0 and text[marks - 1] in "^(+'`?~.":
            marks -= 1
        if marks < begin and marks > 0 and text[marks - 1].isalpha():
            begin = marks
        elif text[begin - 1].isalnum():
            begin -= 1
        else:
            break
    word = text[begin:start]
    if _SAME_NUCLEUS_TONED.search(word):
        return True  # the vowels just before carry the syllable's tone already
    tone = text[end - 1]
    if tone not in ".?":
        return False  # acute, grave and tilde are no punctuation of running text
    from sohoa.diacritics.syllables import is_syllable

    inside_word = end < len(text) and text[end].isalpha()
    if word[:1].isdigit() and tone == ".":
        return True
    if tone == "." and _ROMAN_ONES.fullmatch(word + text[start]):
        if not inside_word:
            return True
        # a numeral glued to the heading it numbers ('II.KE^'T QUA?') where the tone would make
        # no syllable of the word; 'I.t' is 'Ịt'
        rest = end
        while rest < len(text) and (text[rest].isalpha() or text[rest] in "^(+'`?~." and text[rest - 1].isalpha()):
            rest += 1
        return not is_syllable(_viqr_decoded(text[begin:rest], read_punctuation=False).lower())
    if inside_word:
        return False  # a tone inside a word ('quye^'t') is a tone
    plain = _viqr_decoded(text[begin:end - 1], read_punctuation=False)
    toned = _viqr_decoded(text[begin:end], read_punctuation=False)
    return not is_syllable(toned.lower()) and is_syllable(plain.lower())


def viqr_encode_text(text: str) -> str:
    """Unicode → VIQR, escaping literal marks that follow a vowel and a 'd' after a 'd'."""
    out: list[str] = []
    previous_vowel = previous_d = False
    for char in unicodedata.normalize("NFC", text):
        if char == "\\" or (char in _VIQR_MARK_CHARS and previous_vowel) or (char in "dD" and previous_d):
            out.append("\\" + char)
            previous_vowel = previous_d = False
            continue
        if char in "đĐ":
            if previous_d:  # 'd' + 'dd' would read back as 'đ' + 'd'
                out[-1] = "\\" + out[-1]
            out.append("dd" if char == "đ" else "DD")
            previous_vowel, previous_d = False, False
            continue
        base, tone = split_letter(char)
        lower = base.lower()
        if lower in _VIQR_SPELL or (lower in "aeiouy" and len(lower) == 1):
            letter, modifier = _VIQR_SPELL.get(lower, (lower, ""))
            out.append((letter.upper() if base.isupper() else letter) + modifier + _VIQR_TONE_CHAR.get(tone, ""))
            previous_vowel, previous_d = True, False
            continue
        if ord(char) >= 0x80 and unicodedata.category(char).startswith("L") and split_letter(char)[0] != char:
            raise UnencodableError(f"{char!r} has no VIQR spelling")
        out.append(char)
        previous_vowel, previous_d = False, char in "dD"
    return "".join(out)


@dataclass(frozen=True)
class LegacyCodec:
    """One legacy encoding: its name, our encoder, and its decoder."""

    name: str
    label: str
    encode: Callable[[str], bytes]
    decode: Callable[[bytes], str]


CODECS: dict[str, LegacyCodec] = {
    codec.name: codec for codec in (
        LegacyCodec("tcvn3", "TCVN3 (ABC)", tcvn3_encode, tcvn3_decode),
        LegacyCodec("vni", "VNI-Windows", vni_encode, vni_decode),
        LegacyCodec("viscii", "VISCII", viscii_encode, viscii_decode),
        LegacyCodec("cp1258", "Windows-1258", cp1258_encode, cp1258_decode),
        # VIQR is a spelling in ASCII; other characters keep their UTF-8 form.
        LegacyCodec("viqr", "VIQR", lambda t: viqr_encode_text(t).encode("utf-8"),
                    lambda d: viqr_decode_text(d.decode("utf-8", errors="replace"))),
    )
}
