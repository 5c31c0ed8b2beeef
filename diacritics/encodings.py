"""Which encoding is this? Bytes of legacy files, and text that was already decoded wrongly.

Bytes: every candidate reading (UTF-8, TCVN3, VNI, Windows-1258, VISCII; VIQR for text without
Vietnamese letters) is scored by how Vietnamese it reads, a syllable-bigram log-likelihood
(`plausibility`), plus the log prior of its encoding (TCVN3 most common in archives, then
VNI, Windows-1258, VISCII). Short lines decode right because 'Cơ quan' is common and 'Cụ quan'
is not, even though both are syllables.

Text already decoded wrongly: a line is decoded only when it shows characters typical of the
encoding ('B¶o', 'cÊp'), its decoding reads clearly better (well-formed, attested syllables)
and, among encodings, scores best; lines too short to tell follow their document's majority.
Only text made of characters a wrong decoding can produce is considered, so correct Unicode
(which has 'ư', 'ạ', 'đ'... outside Windows-1252) is never touched.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from sohoa.diacritics.compose import apply_edits, compose
from sohoa.diacritics.lexicon import is_attested
from sohoa.diacritics.legacy import (CODECS, cp1252_decode, cp1252_encode, tcvn3_decode, viqr_decode_text,
                                     vni_decode_text)
from sohoa.diacritics.plausibility import is_odd_character, log_likelihood
from sohoa.diacritics.records import Edit
from sohoa.diacritics.syllables import has_marks, is_syllable, place_tone
from sohoa.errors import InputError

ENCODING_NAMES = ("utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr", "utf8-mojibake")
_WORD = re.compile(r"[^\W\d_]+")
_BYTE_CANDIDATES = ("tcvn3", "vni", "viscii", "cp1258")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    confidence: float = 1.0
    replaced_lines: tuple[int, ...] = ()
    """Lines (1-based) of a UTF-8 text whose few invalid bytes were replaced by U+FFFD."""


@dataclass(frozen=True)
class Readability:
    """How Vietnamese a text reads: words with Vietnamese letters that are / are not syllables."""

    good: int
    bad: int

    @property
    def score(self) -> float:
        return (self.good - 2 * self.bad) / max(1, self.good + self.bad)


def readability(text: str) -> Readability:
    """Count the words of `text` with non-ASCII letters that parse as syllables, and those that don't.

    An abbreviation says nothing either way ('UBND'), unless clean text writes it so with 'Đ'
    (the acronym table learned with the restorer: 'HĐND', 'LĐTBXH'), which reads as a word; so
    do initials glued to a name ('PVSơn': Phạm Văn Sơn). An eth in a word is read as the 'Đ' the
    Unicode stage makes of it ('NÐ-CP')."""
    good = bad = 0
    for word in _WORD.findall(text.translate(_ETH_AS_D)):
        if word.isupper() and all(c.isascii() or c == "Đ" for c in word):
            good += "Đ" in word and _known_acronym(word)
            continue  # plain abbreviations ('UBND', 'NĐ' unknown to the table) say nothing either way
        if word.isascii() or _initials_and_name(word):
            continue
        if has_marks(word) and _spelled(word):
            good += 1
        else:
            bad += 1
    odd = sum(1 for c in text if is_odd_character(c, _COMMON_SYMBOLS)) + len(_LETTER_THEN_DOT.findall(text)) \
        + len(_QUOTE_IN_CAPITALS.findall(text))
    return Readability(good, bad + odd)


_ETH_AS_D = str.maketrans({"Ð": "Đ", "ð": "đ"})
_INITIALS = re.compile(r"([A-ZĐ]{1,4})([A-ZĐ][^\W\d_A-ZĐ]+)")
# a quote glued between two capitals ('H“I'): VISCII's 'Ộ' read as Windows-1252; no one types it
_QUOTE_IN_CAPITALS = re.compile(r"(?<=[A-ZÀ-Þ])[“”‘’](?=[A-ZÀ-Þ])")


def known_acronyms() -> frozenset[str]:
    """The acronyms clean text writes with 'Đ' (the table shipped with the restorer model)."""
    from sohoa.diacritics.restore.acronyms import default_forms  # the restorer imports this module

    return default_forms()


def _known_acronym(word: str) -> bool:
    """An acronym with 'Đ' that clean text writes, or one built on such an acronym of three
    letters or more ('TTHĐNDTP': the standing committee of the city's 'HĐND')."""
    return word in known_acronyms() or any(acronym in word for acronym in _long_acronyms())


@functools.lru_cache(maxsize=1)
def _long_acronyms() -> tuple[str, ...]:
    return tuple(a for a in known_acronyms() if len(a) >= 3)


def _initials_and_name(word: str) -> bool:
    """Initials glued to a name, as lists of recipients write a person ('PVSơn', 'NVAn')."""
    match = _INITIALS.fullmatch(word)
    return bool(match) and match.group(2)[1:].islower() and has_marks(match.group(2)) and _spelled(match.group(2))


# symbols no typesetter puts there: a middle dot or '±' glued after a letter, an opening quote
# or a dash between a letter and a space ('B“ TÀI', 'T– TRÌNH': VISCII's 'Ộ', 'Ờ'); a quote or
# dash typed against the next word ('từ“Nhà', 'Nam–Bắc') is plain text
def _spelled(word: str) -> bool:
    """A word as Vietnamese writes it: one case pattern, a syllable seen in clean text, its
    tone mark where one of the two placement styles puts it."""
    well_cased = word.islower() or word.isupper() or word.istitle()
    return well_cased and is_attested(word) and word in (place_tone(word, "old"), place_tone(word, "new"))


_LETTER_THEN_DOT = re.compile(r"(?<=[^\W\d_])(?:[·±]|[“«–—](?![^\W\d_]))")
"""A middle dot or plus-minus glued to a letter ('s·', 'S±'): what VISCII's 'ở', 'ổ' look like read
as Windows-1252; no one types it ('·' and '±' alone are common symbols)."""


# '§' and '№' are odd here (unlike in the syllable model): in a reading of legacy bytes they
# are what a wrong decoding leaves behind
_COMMON_SYMBOLS = frozenset("“”‘’–—…•°±×€%«»·\u00a0")


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


# How often each encoding carries Vietnamese legacy files, as log-odds added to a reading's
# plausibility: they settle readings that are equally good Vietnamese ('Cô quan' in TCVN3 is
# 'Cô quan', in VNI 'Cơ quan'). TCVN3 (ABC) was the national standard and dominates archives,
# VNI came second, then Windows-1258 and VISCII. Bytes that are valid UTF-8 are UTF-8 unless
# another reading is far better (VISCII text can happen to form valid UTF-8 sequences).
# For text without Vietnamese letters, VIQR against plain text: most such files are plain
# (English, unaccented) text, so a VIQR reading must be clearly more Vietnamese.
ENCODING_LOG_PRIOR = {"utf-8": 8.0, "tcvn3": 0.0, "vni": -0.7, "cp1258": -1.6, "viscii": -2.0}
VIQR_LOG_PRIOR = {"utf-8": 0.0, "viqr": -5.0}
# ASCII marks next to letters the way VIQR writes them and plain text hardly does: '^', '(',
# '+', '`', '~' after a letter, or an escape ('So^'', 'Ky`', 'chinhphu\\.vn'); and the marks
# plain text also has between letters (apostrophe, '.', '?': 'kho'a', 'Mu.c', but 'e.g',
# "don't") only when the word they spell is an attested syllable. Each counts as
# VIQR_SPELLING_WEIGHT of evidence.
_VIQR_STRONG = re.compile(r"(?<=[A-Za-z])[\^`~+]|(?<=[aeiouyAEIOUY])\((?=[A-Za-z'`?~.])|\\[.'`?~^(+\\]")
_VIQR_WEAK = re.compile(r"(?<=[aeiouyAEIOUY^(+])['.?](?=[A-Za-z])")


def viqr_evidence(text: str) -> int:
    """How many VIQR spellings `text` has (see _VIQR_STRONG / _VIQR_WEAK)."""
    from sohoa.diacritics.lexicon import is_attested

    count = 0
    for _, chunk in _chunks(text):
        strong = len(_VIQR_STRONG.findall(chunk))
        weak = len(_VIQR_WEAK.findall(chunk))
        if not strong and not weak:
            continue
        if weak:
            words = [w for w in _WORD.findall(viqr_decode_protected(chunk)) if has_marks(w)]
            if not (words and all(is_attested(w) for w in words)):
                weak = 0
        count += strong + weak
    return count


VIQR_SPELLING_WEIGHT = 8.0


def _best_reading(readings: dict[str, str], priors: dict[str, float] = ENCODING_LOG_PRIOR) -> tuple[str, float]:
    """The encoding whose reading scores best (plausibility + prior), and its margin over the next."""
    scored = sorted(((log_likelihood(text) + priors[name], name) for name, text in readings.items()),
                    reverse=True)
    margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 50.0
    return scored[0][1], margin


def _confidence(margin: float) -> float:
    """Margin in log-odds → probability that the best reading is right (two-way)."""
    return round(1 / (1 + math.exp(-min(margin, 50.0))), 3)


def viqr_decode_protected(text: str) -> str:
    """VIQR → Unicode, leaving URLs and e-mail addresses as typed (only their escapes undone)."""
    from sohoa.diacritics.tokens import PATTERNS

    spans = sorted(m.span() for kind in ("url", "email") for m in PATTERNS[kind].finditer(text))
    if not spans:
        return viqr_decode_text(text)
    pieces, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        pieces.append(viqr_decode_text(text[cursor:start]))
        pieces.append(re.sub(r"\\(.)", r"\1", text[start:end]))
        cursor = end
    pieces.append(viqr_decode_text(text[cursor:]))
    return "".join(pieces)


DETECTION_SAMPLE_LINES = 300


def _detection_sample(data: bytes) -> bytes:
    """The lines with non-ASCII bytes (evenly spread, at most DETECTION_SAMPLE_LINES): what tells
    encodings apart, so that a large file is weighed in constant time. Whole lines, so that every
    multi-byte sequence stays whole."""
    lines = [line for line in data.split(b"\n") if any(b >= 0x80 for b in line)]
    if len(lines) <= DETECTION_SAMPLE_LINES:
        return b"\n".join(lines) if lines else data
    step = len(lines) / DETECTION_SAMPLE_LINES
    return b"\n".join(lines[int(i * step)] for i in range(DETECTION_SAMPLE_LINES))


def decode_bytes(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode a legacy text file's bytes; raise InputError with a readable reason if unknown.

    encoding: force one of ENCODING_NAMES (except 'utf8-mojibake'); None detects it: every
    candidate reading is scored by how Vietnamese it reads (`plausibility.log_likelihood`)
    plus how common its encoding is (`ENCODING_LOG_PRIOR`).
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
    readings: dict[str, str] = {}
    utf8_error = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
        # legacy lines beside UTF-8 ones, or a Windows dash pasted into one line of UTF-8 text
        lines = data.split(b"\n")
        as_utf8 = _lines_as_utf8(lines)
        mended = _utf8_lines_in_legacy_text(lines, as_utf8) or _utf8_with_stray_bytes(data, as_utf8)
        if mended is not None:
            return mended
    else:
        if not any(has_marks(w) for w in _WORD.findall(text)):
            # no Vietnamese letter: plain text, or VIQR ('Nghi. quye^'t') if that reads far better
            viqr = viqr_decode_protected(text)
            if viqr != text:  # a file may be VIQR by its escapes alone ('congbao@chinhphu\\.vn')
                evidence = VIQR_SPELLING_WEIGHT * viqr_evidence(text)
                margin = log_likelihood(viqr) + evidence + VIQR_LOG_PRIOR["viqr"] - log_likelihood(text)
                if margin > 0:
                    return DecodedText(viqr, "viqr", _confidence(margin))
            if text.isascii():
                return DecodedText(text, "utf-8")
        if not any(is_odd_character(c) for c in set(text)):
            return DecodedText(text, "utf-8")  # valid UTF-8 that reads cleanly: nothing to weigh
    sample = _detection_sample(data)
    if utf8_error is None:
        readings["utf-8"] = sample.decode("utf-8")
    for name in _BYTE_CANDIDATES:
        readings[name] = CODECS[name].decode(sample)
    best, margin = _best_reading(readings)
    if best == "utf-8":
        return DecodedText(text, "utf-8")
    chosen = CODECS[best].decode(data)
    score = readability(readings[best])
    if score.bad <= score.good:  # as many broken words or odd characters as Vietnamese words at most
        return DecodedText(chosen, best, _confidence(margin))
    if utf8_error is None:
        return DecodedText(text, "utf-8")
    raise InputError(
        f"text is not UTF-8 (invalid byte at {utf8_error.start}) and does not read as TCVN3, VNI, VISCII "
        "or Windows-1258 Vietnamese",
        hint="convert it to UTF-8, or name its encoding: sohoa repair --encoding NAME")


MIN_LEGACY_WORDS = 2  # Vietnamese words of two letters or more the legacy lines must make: a stray byte makes one letter


def _lines_as_utf8(lines: list[bytes]) -> list[str | None]:
    """Each line decoded as UTF-8, or None where it is not UTF-8."""
    out: list[str | None] = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(None)
    return out


def _utf8_lines_in_legacy_text(lines: list[bytes], as_utf8: list[str | None]) -> DecodedText | None:
    """A legacy file with lines added later in UTF-8 (a TCVN3 body under a UTF-8 heading): the
    lines that are UTF-8 with Vietnamese letters, and read cleanly so, stay UTF-8; the others are
    read in the legacy encoding their own bytes read best in. None where no line is such UTF-8,
    or the other lines read as no legacy encoding. `as_utf8`: each line as UTF-8 (`_lines_as_utf8`)."""
    utf8: dict[int, str] = {}
    for k, (line, text) in enumerate(zip(lines, as_utf8)):
        if line.isascii() or text is None:
            continue
        score = readability(text)
        if score.good >= 1 and score.bad == 0 and any(has_marks(w) for w in _WORD.findall(text)):
            utf8[k] = text
    if not utf8:
        return None
    legacy = b"\n".join(line for k, line in enumerate(lines) if k not in utf8 and not line.isascii())
    if not legacy:
        return None
    readings = {name: CODECS[name].decode(legacy) for name in _BYTE_CANDIDATES}
    best, margin = _best_reading(readings)
    score = readability(readings[best])
    as_utf8 = readability(legacy.decode("utf-8", errors="replace"))
    words = sum(1 for w in _WORD.findall(readings[best]) if len(w) >= 2 and has_marks(w))
    if score.bad > score.good or score.bad >= as_utf8.bad or score.good < as_utf8.good or words < MIN_LEGACY_WORDS:
        return None  # no better than UTF-8 with a few bytes replaced (a Windows dash, a stray byte)
    text = "\n".join(utf8[k] if k in utf8 else CODECS[best].decode(line) for k, line in enumerate(lines))
    return DecodedText(text, best, _confidence(margin))


STRAY_BYTE_LINES = 0.05
"""A UTF-8 text may hold invalid bytes on at most this share of its lines (a Windows dash pasted
into one line) and still be read as UTF-8, those bytes replaced by U+FFFD."""


def _utf8_with_stray_bytes(data: bytes, as_utf8: list[str | None]) -> DecodedText | None:
    """UTF-8 text with a few invalid bytes (on at most `STRAY_BYTE_LINES` of its lines, which
    read as Vietnamese otherwise), those bytes replaced; None for anything else. `as_utf8`:
    each line as UTF-8 (`_lines_as_utf8`)."""
    bad = [number for number, text in enumerate(as_utf8, start=1) if text is None]
    if not bad or len(bad) > max(1, STRAY_BYTE_LINES * len(as_utf8)):
        return None
    text = data.decode("utf-8", errors="replace")
    score = readability(text)
    if score.good < 1 or score.bad > score.good:
        return None
    return DecodedText(text, "utf-8", replaced_lines=tuple(bad))


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
    """Edits undoing UTF-8 that was read as Windows-1252/Latin-1 ('Nghá»‹' → 'Nghị'), run by run.

    A run that does not decode as a whole is decoded sequence by sequence, each UTF-8 sequence
    that gives a plausible character on its own; so the result does not depend on where a
    run happens to end (and repairing twice changes nothing more).
    """
    return _mojibake_edits(text, name, layers_left=3)


def _mojibake_edits(text: str, name: str, layers_left: int) -> list[Edit]:
    edits = []
    for match in _LEGACY_RUN.finditer(text):
        run = match.group()
        fixed = _mojibake_fix(run)
        if fixed is not None:
            layer = [Edit(0, len(run), run, fixed, name, 0.99)]
        else:
            layer = [Edit(start, end, run[start:end], piece, name, 0.99)
                     for start, end, piece in _mojibake_sequences(run)]
        if not layer:
            continue
        # UTF-8 mis-decoded twice ('Ã\x82\xa0' → 'Â\xa0' → '\xa0') is undone in one go, so a
        # second repair finds nothing more to do
        decoded = apply_edits(run, layer)
        deeper = _mojibake_edits(decoded, name, layers_left - 1) if layers_left > 1 else []
        if deeper:
            edits.append(Edit(match.start(), match.end(), run, apply_edits(decoded, deeper), name, 0.99))
        else:
            edits.extend(Edit(match.start() + e.start, match.start() + e.end, e.before, e.after, name, 0.99)
                         for e in layer)
    return edits


def _mojibake_fix(run: str) -> str | None:
    raw = _mojibake_bytes(run)
    if raw is None:
        return None
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        fixed = _decode_utf8_prefixwise(raw)
        if fixed is None:
            return None
    if fixed == run or not all(_plausible_text_char(c) for c in fixed) or unicodedata.combining(fixed[0]):
        return None
    return fixed


def _mojibake_sequences(run: str):
    """(start, end, decoded) for each 2-4 character piece of `run` that is one plausible UTF-8 sequence."""
    i = 0
    while i < len(run) - 1:
        for length in (2, 3, 4):
            piece = run[i:i + length]
            if len(piece) < length:
                break
            raw = _mojibake_bytes(piece)
            try:
                decoded = raw.decode("utf-8") if raw is not None else None
            except UnicodeDecodeError:
                continue
            if decoded is not None and len(decoded) == 1 and _plausible_text_char(decoded) \
                    and not unicodedata.combining(decoded):
                yield i, i + length, decoded
                i += length
                break
        else:
            i += 1
            continue
        if len(piece) < length:
            i += 1


def _plausible_text_char(char: str) -> bool:
    """Latin letters, their marks, and general punctuation: what Vietnamese text is made of."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return char in "\t\r"  # controls are what a wrong decoding produces
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


def _decode_chunk(encoding: str, chunk: str, hyphens_may_be_u: bool = True) -> str:
    """`chunk` decoded; in TCVN3, a hyphen after a letter may be the 'ư' an extractor wrote as
    '-' (`_with_u_horn_for_hyphens`) unless `hyphens_may_be_u` is False."""
    if encoding == "viqr":
        return viqr_decode_protected(chunk)
    if encoding == "vni":
        return vni_decode_text(chunk)
    raw = _mojibake_bytes(chunk)
    if raw is None:
        return chunk
    if encoding == "tcvn3":
        decoded = tcvn3_decode(raw)
        return _with_u_horn_for_hyphens(decoded, raw) if hyphens_may_be_u else decoded
    return CODECS[encoding].decode(raw)


def _soft_hyphen_is_u(text: str) -> bool:
    """Whether the text keeps TCVN3's 'ư' as the soft hyphen itself (a file read byte for byte):
    then its hyphens are hyphens ('điểm C-', 'COVID-19'), never that 'ư' written as '-'."""
    return "\xad" in text


_LETTER_LABEL = re.compile(r"[a-z]-")


def _list_label(line: str, offset: int, chunk: str) -> bool:
    """Whether the piece `chunk` at `offset` of `line` is a lettered list item's label: a small
    letter and a hyphen opening the line, a capital after it ('c- Tổng hợp …', as documents of
    the TCVN3 years letter their items). Its hyphen is no TCVN3 'ư' ('cư', 'dư', 'tư' are words
    too, and inside a line the same piece is one: 'định c-' → 'định cư')."""
    if not _LETTER_LABEL.fullmatch(chunk) or line[:offset].strip():
        return False
    after = line[offset + len(chunk):].lstrip()[:1]
    raw = _mojibake_bytes(after)
    return (tcvn3_decode(raw) if raw is not None else after).isupper()


_TCVN3_U_HORN = 0xAD


def _with_u_horn_for_hyphens(decoded: str, raw: bytes) -> str:
    """A TCVN3 chunk with the hyphens that stand for 'ư' read as 'ư'. TCVN3 puts 'ư' on 0xAD,
    the soft hyphen of Latin-1, which PDF text extractors write as '-': a layer drawn with a
    .VnTime font reads 'ph-¬ng', 'ng-êi', 't-' (phương, người, tư). A hyphen right after a letter
    is that 'ư' where the word it makes is a syllable and the hyphen parts no two words ('Hà-Nội',
    'NQ-HĐND' stay)."""
    if b"-" not in raw:
        return decoded
    swapped = bytes(_TCVN3_U_HORN if b == 0x2D and k and tcvn3_decode(raw[k - 1:k]).isalpha()
                    and not raw[k + 1:k + 2].isdigit() else b  # 'B-52', 'COVID-19' stay
                    for k, b in enumerate(raw))
    candidate = tcvn3_decode(swapped)
    if len(candidate) != len(decoded):
        return decoded
    out = list(decoded)
    for run in _WORD.finditer(candidate):
        word = run.group()
        before = decoded[run.start():run.end()]
        if word == before or not is_syllable(word):
            continue
        parts = [p for p in before.split("-") if p]
        if parts and all(is_syllable(p) for p in parts) and len(parts) > 1:
            continue  # two words joined by a hyphen ('Hà-Nội')
        out[run.start():run.end()] = word
    return "".join(out)


def _decode_line(encoding: str, line: str, hyphens_may_be_u: bool | None = None) -> str:
    """`line` decoded piece by piece (`hyphens_may_be_u`: see `_decode_chunk`; by default, unless
    the line itself keeps the soft hyphen)."""
    if hyphens_may_be_u is None:
        hyphens_may_be_u = not _soft_hyphen_is_u(line)
    pieces, cursor = [], 0
    for offset, chunk in _chunks(line):
        pieces.append(line[cursor:offset])
        pieces.append(_decode_chunk(encoding, chunk, hyphens_may_be_u and not _list_label(line, offset, chunk)))
        cursor = offset + len(chunk)
    pieces.append(line[cursor:])
    return "".join(pieces)


def _could_be_misread_legacy(line: str) -> bool:
    """Only characters a Windows-1252 / Latin-1 reading of bytes can produce, some non-ASCII
    or a control character (TCVN3 and VISCII keep a few capitals there: VISCII 'U\x14' UỶ)."""
    return (not line.isascii() or bool(_C0_LETTER.search(line))) and _mojibake_bytes(line) is not None


# control characters no text holds (tab, line and page breaks aside): letters of TCVN3 and VISCII
_C0_LETTER = re.compile(r"[\x01-\x08\x0e-\x1f]")


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


# Symbols that stand for letters in TCVN3/VISCII ('x·' xã, 'th«ng' thông, 'S±' Sổ) when glued
# to a letter; '€' and '¢' are left out: OCR makes 'nhi€m' of 'nhiệm' by itself.
_GLUED_SYMBOL = re.compile(r"(?<=[^\W\d_])[·«»±“×°•¹²³]")


def _distinctive_share(line: str, encoding: str) -> float:
    """Share of the line's pieces changed by decoding that show a character typical of `encoding`."""
    decoded = [(chunk, _decode_chunk(encoding, chunk)) for _, chunk in _chunks(line)
               if not chunk.isascii() or _C0_LETTER.search(chunk)]
    pieces = [(chunk, after) for chunk, after in decoded if after != chunk]
    if not pieces:
        return 0.0
    if encoding == "vni":
        marked = sum(1 for chunk, _ in pieces if _VNI_SPELLING.search(chunk))
    else:
        marked = sum(1 for chunk, after in pieces if _shows_codes(chunk, encoding) or _respelled(chunk, after))
    return marked / len(pieces)


def _shows_codes(chunk: str, encoding: str) -> bool:
    """Whether a piece shows a character of TCVN3 or VISCII that English-model OCR of Vietnamese
    does not write: a symbol or letter outside Latin-1's marked vowels, glued to a word, a capital
    inside a word, a control character."""
    return (any(c in _DISTINCTIVE[encoding] for c in chunk) or bool(_GLUED_SYMBOL.search(chunk))
            or bool(_MIXED_CASE.search(chunk))
            or encoding in _CAPITAL_SYMBOL and bool(_CAPITAL_SYMBOL[encoding].search(chunk) or _C0_LETTER.search(chunk)))


def _codes_shown(line: str, encoding: str) -> bool:
    """Whether some piece of the line that `encoding` changes shows one of its codes (see
    `_shows_codes`); VNI's and VIQR's evidence is their own spelling of marks as letters and signs."""
    if encoding not in _CAPITAL_SYMBOL:
        return True
    return any(_shows_codes(chunk, encoding) for _, chunk in _chunks(line) if _decode_chunk(encoding, chunk) != chunk)


def spelling_only_verdicts(lines: list[str], verdicts: dict[int, str]) -> list[int]:
    """The lines given an encoding on their spelling alone that the text does not bear out.

    English-model OCR writes Latin-1's marked vowels for Vietnamese ones, and those are TCVN3
    and VISCII codes too: 'véi' (với) decodes to 'vội', 'trén' (trên) to 'trộn', each a word,
    so such a line may read better decoded. TCVN3 and VISCII text shows its other codes in
    nearly every line ('hoµ', 'x·', 'ViÖt'). A line decoded without any stands where some
    line of the text shows the encoding's codes, or where such lines are most of the lines
    the encoding could have written (a short line of a table, 'Cã trong kú'); not in a page
    of OCR where a few lines among hundreds happen to spell so."""
    shown = {encoding for i, encoding in verdicts.items() if _codes_shown(lines[i], encoding)}
    unsupported = [i for i, encoding in verdicts.items() if encoding not in shown]
    could_be_legacy = sum(1 for line in lines if _could_be_misread_legacy(line))
    return unsupported if 2 * len(unsupported) < could_be_legacy else []


def _respelled(chunk: str, decoded: str) -> bool:
    """The grammar's evidence: a word the piece spells as no Vietnamese writes it ('kú', 'Cã',
    'lôc') that the decoding spells as Vietnamese does ('kỳ', 'Có', 'lục'). OCR of Vietnamese
    with a Latin model misses marks ('quyét'), which a legacy reading seldom repairs into a
    word ('quyột'); where it does ('véi' vội), `spelling_only_verdicts` asks the text."""
    raw_words, decoded_words = _WORD.findall(chunk), _WORD.findall(decoded)
    return len(raw_words) == len(decoded_words) == 1 and not raw_words[0].isascii() \
        and not _spelled(raw_words[0]) and _spelled(decoded_words[0])


# TCVN3 and VISCII keep small letters with some tones at the code points of Latin-1 capitals: a
# capital after a small letter inside a word is their signature (TCVN3 'cÊp' cấp, 'quyÒn'
# quyền; VISCII 'PhÕm' phạm).
_MIXED_CASE = re.compile(r"[a-zà-ÿ][À-Þ]")


def _capital_symbols(encoding: str) -> str:
    """The common symbols of Windows-1252 under which `encoding` keeps capital letters (TCVN3
    '’' Ò, '—' Ộ; VISCII '€' Ạ, '“' Ộ)."""
    found = ""
    for byte in range(0x80, 0x100):
        char = cp1252_decode(bytes([byte]))
        decoded = CODECS[encoding].decode(b"A" + bytes([byte]) + b"A")  # inside a word of capitals
        if char in _COMMON_SYMBOLS and len(decoded) == 3 and decoded[1].isupper():
            found += char
    return found


# Capitals hidden under such symbols ('PH’NG', 'N—I', 'LO€I', 'B“'): a symbol glued after a
# capital and not followed by a small letter. OCR makes 'nhi€m' of 'nhiệm' by itself, and a
# quote or dash after a capital ('KT–XH', 'ABC”') decodes to no word, which the readings weigh.
_CAPITAL_SYMBOL = {name: re.compile(rf"(?<=[A-ZÀ-Þ])[{re.escape(_capital_symbols(name))}](?![a-zà-ÿ])")
                   for name in ("tcvn3", "viscii")}


# A misread line must show this share of pieces with characters typical of the encoding
# ('B¶o', 'tØnh', 'c¬'): OCR of Vietnamese with a Latin model makes 'déng', 'nhi€m' but not these.
MIN_DISTINCTIVE_SHARE = 0.25
# Readings within this many log-odds of the best are a tie the document's majority settles.
TIE_MARGIN = 3.0


def _viqr_made_letters(text: str, decoded: str) -> bool:
    """The VIQR reading differs and spells some Vietnamese letter (not just undone escapes)."""
    return decoded != text and any(has_marks(w) for w in _WORD.findall(decoded))


def viqr_margin(text: str, decoded: str) -> float:
    """Log-odds that ASCII `text` is VIQR for `decoded` rather than plain text."""
    evidence = VIQR_SPELLING_WEIGHT * viqr_evidence(text)
    return log_likelihood(decoded) + evidence + VIQR_LOG_PRIOR["viqr"] - log_likelihood(text)


# VIQR's escape: a backslash keeps a mark character after a vowel as typed ('chinhphu\\.vn');
# inside a word of letters and digits no one types a backslash otherwise
_ESCAPE_IN_WORD = re.compile(r"(?<=[^\W_])\\(?=[.?~`'(^+\-][^\W_])")


def _only_escapes_undone(line: str, decoded: str) -> bool:
    """The VIQR reading of `line` only undoes escapes, each between the letters of one word."""
    return "\\" in line and _ESCAPE_IN_WORD.sub("", line) == decoded and "\\" not in decoded


def _made_a_word(line: str, decoded: str) -> bool:
    """The decoding spells a marked word of two or more letters that the line did not have.

    A lone symbol that decodes to a one-letter word ('´' → 'Ơ' in VISCII) is no evidence of an
    encoding on its own: only the document's majority may decide such a line.
    """
    before = set(_WORD.findall(line))
    return any(len(word) >= 2 and has_marks(word) for word in set(_WORD.findall(decoded)) - before)


_TEXT_SYMBOLS = frozenset("²³¹×·½¼¾°±÷")
"""Symbols correct text writes (units, measures, products: 'm²', '× 100', '24h·0.1MPa') that a
legacy encoding would read as letters ('m²' → VISCII 'mỗ'): they are no evidence of it alone."""


def _changes_beyond_symbols(line: str, encoding: str) -> bool:
    """Whether decoding `line` as `encoding` changes more than its `_TEXT_SYMBOLS` (each read
    as a '#', which no encoding changes). A middle dot right after a letter is no symbol there:
    it is how VISCII's 'ở' reads ('s·' for 'sở'); beside a figure it is a product ('m2·24h·0.1')."""
    plain = "".join("#" if ch in _TEXT_SYMBOLS and not _letter_dot(line, k) else ch for k, ch in enumerate(line))
    return _decode_line(encoding, plain) != plain


def _letter_dot(line: str, k: int) -> bool:
    """Whether `line[k]` is a middle dot after a letter and before no figure."""
    return line[k] == "·" and k > 0 and line[k - 1].isalpha() and not line[k + 1:k + 2].isdigit()


def line_candidates(line: str) -> list[str]:
    """The legacy encodings under which `line` reads clearly better decoded, best first.

    More than one when their readings are about equally plausible (a tie for the document).
    """
    if not any(has_marks(w) for w in _WORD.findall(line)):
        decoded = viqr_decode_protected(line)
        if _viqr_made_letters(line, decoded) and viqr_margin(line, decoded) > 0:
            return ["viqr"]
        if _only_escapes_undone(line, decoded):
            return ["viqr"]
    if not _could_be_misread_legacy(line):
        return []
    before = readability(line)
    scored = []
    for encoding in ("tcvn3", "vni", "viscii"):
        if _distinctive_share(line, encoding) < MIN_DISTINCTIVE_SHARE:
            continue
        decoded = _decode_line(encoding, line)
        if not _made_a_word(line, decoded) or not _changes_beyond_symbols(line, encoding):
            continue
        after = readability(decoded)
        gain = after.score - before.score
        # reads clearly better, or every broken word and odd character of the line is mended
        # ('tài li®u' → 'tài liệu' in a line that reads well otherwise)
        mended = before.bad > 0 and after.bad == 0
        if after.good >= 1 and after.bad <= after.good // 5 and (gain >= 0.75 or mended):
            scored.append((log_likelihood(decoded) + ENCODING_LOG_PRIOR[encoding], encoding))
    if not scored:
        return []
    scored.sort(reverse=True)
    return [encoding for score, encoding in scored if score >= scored[0][0] - TIE_MARGIN]


class LegacyEncodingFixer:
    """Decode runs of text written in a legacy encoding but read as Windows-1252/Latin-1.

    Per line: a line changes only when its decoding reads clearly better (see `line_candidates`).
    Per document: once some lines are clearly in one encoding, ambiguous lines of the same
    document ('Tªn' could be a word either way) follow when their decoding reads no worse.
    """

    name = "encoding"

    def __init__(self, forced: str | None = None):
        if forced is not None and forced not in ENCODING_NAMES:
            raise ValueError(f"unknown encoding {forced!r}; use one of {', '.join(ENCODING_NAMES)}")
        self.forced = None if forced == "utf-8" else forced

    def find_edits(self, text: str) -> list[Edit]:
        if self.forced == "utf8-mojibake":
            return utf8_mojibake_edits(text)
        if self.forced is None:
            mojibake = utf8_mojibake_edits(text)
            if mojibake:
                # Legacy bytes read as Windows-1252, saved as UTF-8 and misread once more
                # ('Â®o' → '®o' → TCVN3 'đo'): the legacy layer under the mojibake is undone
                # in the same repair, so a second repair finds nothing left to do.
                undone = apply_edits(text, mojibake)
                legacy = self._legacy_edits(undone)
                return compose(text, mojibake, undone, legacy) if legacy else mojibake
        return self._legacy_edits(text)

    def _legacy_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.unicode_fixes import _HOMOGLYPHS

        # Cyrillic and Greek look-alikes ('ӏÌ') are judged as the Latin letters the homoglyph
        # stage will make of them: else a legacy spelling shows only after that stage, and
        # repairing twice would differ from repairing once
        latin = str.maketrans(_HOMOGLYPHS)
        originals = text.split("\n")
        lines = []
        offset = 0
        for line in originals:
            lines.append((offset, line.translate(latin)))
            offset += len(line) + 1
        verdicts: dict[int, tuple[str, float]] = {}
        hyphens_may_be_u = not _soft_hyphen_is_u(text)
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
            for i in spelling_only_verdicts([line for _, line in lines], {i: v[0] for i, v in verdicts.items()}):
                encoding = verdicts.pop(i)[0]
                votes[encoding] -= 1
            votes = {encoding: n for encoding, n in votes.items() if n}
            for i, candidates in ties.items():
                # equally readable either way: the encoding the rest of the document is in decides
                verdicts[i] = (max(candidates, key=lambda c: (votes.get(c, 0), -candidates.index(c))), 0.9)
            if votes:
                dominant = max(votes, key=votes.get)
                for i, (_, line) in enumerate(lines):
                    if i in verdicts:
                        continue
                    if dominant == "viqr":
                        if any(has_marks(w) for w in _WORD.findall(line)):
                            continue
                        decoded = viqr_decode_protected(line)
                        # in a VIQR document, undone escapes ('chinhphu\\.vn') count too
                        if decoded != line and readability(decoded).bad == 0 \
                                and viqr_margin(line, decoded) > VIQR_LOG_PRIOR["viqr"]:
                            verdicts[i] = (dominant, 0.8)
                        continue
                    if not _could_be_misread_legacy(line):
                        continue
                    decoded = _decode_line(dominant, line, hyphens_may_be_u)
                    if decoded != line and readability(decoded).score >= readability(line).score \
                            and readability(decoded).bad == 0:
                        verdicts[i] = (dominant, 0.8)
        edits = []
        for i, (encoding, confidence) in sorted(verdicts.items()):
            start, line = lines[i]
            for chunk_offset, chunk in _chunks(line):
                decoded = _decode_chunk(encoding, chunk, hyphens_may_be_u and not _list_label(line, chunk_offset, chunk))
                if decoded != chunk:
                    at = start + chunk_offset
                    original = originals[i][chunk_offset:chunk_offset + len(chunk)]
                    edits.append(Edit(at, at + len(chunk), original, decoded, f"encoding.{encoding}", confidence))
        return edits
