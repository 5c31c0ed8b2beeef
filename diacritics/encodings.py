"""Which encoding is this? Bytes of legacy files, and text that was already decoded wrongly.

Detection decodes the candidates and asks which one reads as Vietnamese: the share of words
with Vietnamese letters that are well-formed syllables ('Nghị' is, 'NghÞ' and 'Nghò' are not).
Text-level detection only ever considers text made of characters a wrong decoding can
produce, so correct Unicode (which has 'ư', 'ạ', 'đ'... outside Windows-1252) is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sohoa.diacritics.lexicon import is_attested
from sohoa.diacritics.legacy import (CODECS, cp1252_decode, cp1252_encode, tcvn3_decode, viqr_decode_text,
                                     vni_decode_text)
from sohoa.diacritics.records import Edit
from sohoa.diacritics.syllables import has_vietnamese_marks, is_syllable, place_tone, split_letter
from sohoa.errors import InputError

ENCODING_NAMES = ("utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr", "utf8-mojibake")
_WORD = re.compile(r"[^\W\d_]+")
_BYTE_CANDIDATES = ("tcvn3", "vni", "viscii", "cp1258")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    confidence: float = 1.0


@dataclass(frozen=True)
class Readability:
    """How Vietnamese a text reads: words with Vietnamese letters that are / are not syllables."""

    good: int
    bad: int

    @property
    def score(self) -> float:
        return (self.good - 2 * self.bad) / max(1, self.good + self.bad)


def readability(text: str) -> Readability:
    """Count the words of `text` with non-ASCII letters that parse as syllables, and those that don't."""
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        well_cased = word.islower() or word.isupper() or word.istitle()
        if well_cased and has_vietnamese_marks(word) and is_attested(word) \
                and word in (place_tone(word, "old"), place_tone(word, "new")):
            good += 1
        else:
            bad += 1
    return Readability(good, bad + sum(1 for c in text if _is_odd(c)))


_VIETNAMESE_BASES = frozenset("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_COMMON_SYMBOLS = frozenset("“”‘’–—…•°±×€%«»·\u00a0")


def _is_odd(char: str) -> bool:
    """A character unlikely in Vietnamese text: what a wrong decoding leaves behind ('§', 'Þ')."""
    if char.isascii():
        return char < " " and char not in "\t\n\r\f"
    if char in _COMMON_SYMBOLS:
        return False
    if char.isalpha():
        return split_letter(char)[0].lower() not in _VIETNAMESE_BASES
    return True


def _viqr_readability(text: str) -> tuple[int, int, int]:
    """(words VIQR turns into marked syllables, words it turns into non-syllables, ASCII words)."""
    converted = bad = 0
    chunks = text.split()
    for chunk in chunks:
        decoded = viqr_decode_text(chunk)
        if decoded == chunk:
            continue
        words = _WORD.findall(decoded)
        if words and all(is_syllable(w) for w in words if not w.isascii()):
            converted += 1
        else:
            bad += 1
    return converted, bad, len(chunks)


_VIQR_ONLY = re.compile(r"[aAeEoO]\^|[aA]\(|[oOuU]\+|[a-zA-Z][`~]|\b[dD][dD][aeiouy]")


def looks_like_viqr(text: str) -> bool:
    """True when enough words of ASCII `text` are VIQR spellings of syllables and none is broken."""
    converted, bad, total = _viqr_readability(text)
    if converted == 1 and bad == 0 and 2 * converted >= total:
        # one word is little evidence: only a spelling plain text never has ('Chu+o+ng', 'So^'')
        return bool(_VIQR_ONLY.search(text))
    return converted >= 2 and bad <= converted // 10 and converted >= 0.25 * total


def decode_bytes(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode a legacy text file's bytes; raise InputError with a readable reason if unknown.

    encoding: force one of ENCODING_NAMES (except 'utf8-mojibake'); None detects it.
    """
    if encoding is not None:
        if encoding == "utf-8":
            return DecodedText(data.decode("utf-8-sig", errors="replace"), "utf-8")
        if encoding not in CODECS:
            raise InputError(f"unknown encoding {encoding!r}", hint=f"use one of {', '.join(ENCODING_NAMES[:-1])}")
        return DecodedText(CODECS[encoding].decode(data), encoding)
    for bom, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return DecodedText(data.decode(name), "utf-8" if name == "utf-8-sig" else name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if not any(has_vietnamese_marks(w) for w in _WORD.findall(text)) and looks_like_viqr(text):
            return DecodedText(viqr_decode_text(text), "viqr", 0.9)
        return DecodedText(text, "utf-8")
    best_name, best_text, best = "", "", Readability(0, 1)
    for name in _BYTE_CANDIDATES:
        candidate = CODECS[name].decode(data)
        score = readability(candidate)
        if score.score > best.score or (score.score == best.score and score.good > best.good):
            best_name, best_text, best = name, candidate, score
    if best.good >= 1 and best.score >= 0.5:
        return DecodedText(best_text, best_name, round(max(0.0, best.score), 3))
    raise InputError(
        f"text is not UTF-8 (invalid byte at {utf8_error.start}) and does not read as TCVN3, VNI, VISCII "
        "or Windows-1258 Vietnamese",
        hint="convert it to UTF-8, or name its encoding with --encoding")


# --- text already decoded wrongly ---------------------------------------------------------

_LEGACY_RUN = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                         r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}")


def _mojibake_bytes(text: str) -> bytes | None:
    """The bytes that, read as Windows-1252 or Latin-1, gave `text`."""
    out = bytearray()
    for char in text:
        if 0x80 <= ord(char) < 0xA0:
            out.append(ord(char))
            continue
        encoded = cp1252_encode(char)
        if encoded is None:
            return None
        out += encoded
    return bytes(out)


def utf8_mojibake_edits(text: str, name: str = "encoding.utf8-mojibake") -> list[Edit]:
    """Edits undoing UTF-8 that was read as Windows-1252/Latin-1 ('Nghá»‹' → 'Nghị'), run by run."""
    edits = []
    for match in _LEGACY_RUN.finditer(text):
        raw = _mojibake_bytes(match.group())
        if raw is None:
            continue
        try:
            fixed = raw.decode("utf-8")
        except UnicodeDecodeError:
            fixed = _decode_utf8_prefixwise(raw)
            if fixed is None:
                continue
        if fixed == match.group() or not all(_plausible_text_char(c) for c in fixed):
            continue
        edits.append(Edit(match.start(), match.end(), match.group(), fixed, name, 0.99))
    return edits


def _plausible_text_char(char: str) -> bool:
    """Latin letters, their marks, and general punctuation: what Vietnamese text is made of."""
    code = ord(char)
    return code < 0x250 or 0x300 <= code < 0x370 or 0x1E00 <= code < 0x1F00 or 0x2000 <= code < 0x20D0


def _decode_utf8_prefixwise(raw: bytes) -> str | None:
    """Decode when the run is whole UTF-8 sequences except trailing Latin-1 letters ('áº¿t')."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start == 0:
            return None
        head = raw[:exc.start].decode("utf-8")
        rest = raw[exc.start:].decode("cp1252", errors="strict") if all(b >= 0xA0 for b in raw[exc.start:]) else None
        return None if rest is None else head + rest


def _chunks(line: str):
    """Whitespace-separated pieces of `line` with their offsets."""
    for match in re.finditer(r"\S+", line):
        yield match.start(), match.group()


def _decode_chunk(encoding: str, chunk: str) -> str:
    if encoding == "viqr":
        return viqr_decode_text(chunk)
    if encoding == "vni":
        return vni_decode_text(chunk)
    raw = _mojibake_bytes(chunk)
    if raw is None:
        return chunk
    if encoding == "tcvn3":
        return tcvn3_decode(raw)
    return CODECS[encoding].decode(raw)


def _decode_line(encoding: str, line: str) -> str:
    pieces, cursor = [], 0
    for offset, chunk in _chunks(line):
        pieces.append(line[cursor:offset])
        pieces.append(_decode_chunk(encoding, chunk))
        cursor = offset + len(chunk)
    pieces.append(line[cursor:])
    return "".join(pieces)


def _could_be_misread_legacy(line: str) -> bool:
    """Only characters a Windows-1252 / Latin-1 reading of bytes can produce, some non-ASCII."""
    return not line.isascii() and _mojibake_bytes(line) is not None


def _distinctive_marks() -> dict[str, frozenset[str]]:
    """Per encoding, the characters its misread text shows that OCR of plain Latin text does not.

    OCR with a non-Vietnamese model turns 'ộ' into 'é' or 'ô': Latin-1 letters that are also
    TCVN3/VNI codes. Symbols ('¸', '©', 'µ') and VNI's mark letters ('ø', 'û', 'ï') are the
    evidence that the bytes really are a legacy encoding.
    """
    marks: dict[str, set[str]] = {"tcvn3": set(), "viscii": set(), "vni": set("øûïñöëäåüæîØÛÏÑÖËÄÅÜÆÎ")}
    for byte in range(0x80, 0x100):
        char = cp1252_decode(bytes([byte]))
        if char in _VIETNAMESE_LATIN1 or char in _COMMON_SYMBOLS:
            continue
        for name in ("tcvn3", "viscii"):
            if CODECS[name].decode(bytes([byte])).isalpha():
                marks[name].add(char)
    return {name: frozenset(chars) for name, chars in marks.items()}


_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_DISTINCTIVE = _distinctive_marks()


# VNI writes a mark as a second letter after the vowel ('aâ', 'eá', 'oä'), or a letter OCR never makes
_VNI_SPELLING = re.compile(r"[aeiouyAEIOUY][øùûõïâàáåãäêèéúüëØÙÛÕÏÂÀÁÅÃÄÊÈÉÚÜË]|[øûïñöëäåüæîØÛÏÑÖËÄÅÜÆÎ]")


def _mostly_distinctive(line: str, encoding: str) -> bool:
    """At least 40% of the line's non-ASCII pieces show a character typical of `encoding`."""
    pieces = [chunk for _, chunk in _chunks(line) if not chunk.isascii()]
    if encoding == "vni":
        marked = sum(1 for chunk in pieces if _VNI_SPELLING.search(chunk))
    else:
        marked = sum(1 for chunk in pieces if any(c in _DISTINCTIVE[encoding] for c in chunk))
    return bool(pieces) and marked >= 0.4 * len(pieces)


def line_candidates(line: str) -> list[str]:
    """The legacy encodings under which `line` reads clearly better decoded, best first."""
    if not any(has_vietnamese_marks(w) for w in _WORD.findall(line)) and looks_like_viqr(line):
        return ["viqr"]
    if not _could_be_misread_legacy(line):
        return []
    before = readability(line)
    scored = []
    for encoding in ("tcvn3", "vni", "viscii"):
        if not _mostly_distinctive(line, encoding):
            continue
        after = readability(_decode_line(encoding, line))
        gain = after.score - before.score
        if after.good >= 1 and after.bad <= after.good // 5 and gain >= 0.75:
            scored.append((gain, after.good, encoding))
    if not scored:
        return []
    top = max(score[:2] for score in scored)
    # ties keep the order of how common the encodings are in Vietnamese archives
    return [encoding for gain, good, encoding in scored if (gain, good) == top]


class LegacyEncodingFixer:
    """Decode runs of text written in a legacy encoding but read as Windows-1252/Latin-1.

    Per line: a line changes only when its decoding reads clearly better (see `line_verdict`).
    Per document: once some lines are clearly in one encoding, ambiguous lines of the same
    document ('Tªn' could be a word either way) follow when their decoding reads no worse.
    """

    name = "encoding"

    def __init__(self, forced: str | None = None):
        if forced is not None and forced not in ENCODING_NAMES:
            raise ValueError(f"unknown encoding {forced!r}; use one of {', '.join(ENCODING_NAMES)}")
        self.forced = None if forced == "utf-8" else forced

    def find_edits(self, text: str) -> list[Edit]:
        if self.forced == "utf8-mojibake" or self.forced is None:
            mojibake = utf8_mojibake_edits(text)
            if mojibake or self.forced:
                return mojibake
        lines = []
        offset = 0
        for line in text.split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1
        verdicts: dict[int, tuple[str, float]] = {}
        if self.forced:
            verdicts = {i: (self.forced, 1.0) for i, (_, line) in enumerate(lines) if line.strip()}
        else:
            votes: dict[str, int] = {}
            ties: dict[int, list[str]] = {}
            for i, (_, line) in enumerate(lines):
                candidates = line_candidates(line)
                if len(candidates) == 1:
                    verdicts[i] = (candidates[0], 0.95)
                    votes[candidates[0]] = votes.get(candidates[0], 0) + 1
                elif candidates:
                    ties[i] = candidates
            for i, candidates in ties.items():
                # equally readable either way: the encoding the rest of the document is in decides
                verdicts[i] = (max(candidates, key=lambda c: (votes.get(c, 0), -candidates.index(c))), 0.9)
            if votes:
                dominant = max(votes, key=votes.get)
                for i, (_, line) in enumerate(lines):
                    if i in verdicts:
                        continue
                    if dominant == "viqr":
                        if any(has_vietnamese_marks(w) for w in _WORD.findall(line)):
                            continue
                        converted, bad, _ = _viqr_readability(line)
                        if converted and not bad:
                            verdicts[i] = (dominant, 0.8)
                        continue
                    if not _could_be_misread_legacy(line):
                        continue
                    decoded = _decode_line(dominant, line)
                    if decoded != line and readability(decoded).score >= readability(line).score \
                            and readability(decoded).bad == 0:
                        verdicts[i] = (dominant, 0.8)
        edits = []
        for i, (encoding, confidence) in sorted(verdicts.items()):
            start, line = lines[i]
            for chunk_offset, chunk in _chunks(line):
                decoded = _decode_chunk(encoding, chunk)
                if decoded != chunk:
                    at = start + chunk_offset
                    edits.append(Edit(at, at + len(chunk), chunk, decoded, f"encoding.{encoding}", confidence))
        return edits
