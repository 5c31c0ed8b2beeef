"""Document codes, numbers and dates that OCR misread, mended where their grammar and the
engine's own readings agree.

Official texts are full of tokens with a grammar: document codes ('10/TTr-HĐND',
'64/2003/QĐ-TTg', the party's '57-NQ/TW', laws' '12/2024/QH15'), dates ('ngày 12 tháng 5 năm
2025', '12/5/2025') and numbered items ('1.'). On real scans Tesseract slips inside them: '0]'
for '01', 'J5' for '15', 'TTY' for 'TTr', 'QĐÐ' for 'QĐ' (one 'Đ' read twice, once as the
look-alike eth). The language model cannot help there, but the grammar can: a day is 1-31, a
month 1-12, a code is a number, perhaps a year, a type and issuers from a known vocabulary.

`CodeReadingFixer` changes a token only where
1. the token as read breaks the grammar of its slot (a code, a date, the day after 'ngày' or
   before 'tháng', the month after 'tháng', the year after 'năm', an item's number at the start
   of a line, the number after 'Điều' or 'khoản', an acronym neither known nor used again in the
   text, `CodeVocabulary.writes_as_is`: 'PGD' is mostly 'PGĐ' with its stroke lost);
2. another reading that the engine itself weighed for its characters (`OcrWord.readings`,
   carried by `OcrEvidence.readings`; up to `MAX_CHANGES` characters at once), or where a digit
   must be a confusion this engine is known to make (`learn_confusions`: ']' for '1'), or a
   'Đ' read twice ('QĐÐ', once as the look-alike eth), fits the grammar; and
3. that reading changes only the pieces that were broken: a number part that is not a number,
   a code part that is neither in the vocabulary nor an acronym clean text writes.
Unknown codes (no reading makes every part known) stay as read. A character's weight is the
engine's share for it times P(what was read | it) from the confusions (each a small floor where
it says nothing); a reading's weight is the product over its changed characters, and the
confidence of a change its weight against all the readings that fit, scaled by
`MAX_CONFIDENCE`: two readings that fit equally ('15' or '16') give 0.475 and stay a proposal.

The table beside the model, `<model>.codes.tsv` (`CodeVocabulary`: the first parts of codes
(types: 'QĐ', 'TTr', 'QH15'), their later parts (issuers: 'UBND', 'TTg', 'CP') and the
capital-letter acronyms of clean text, counted on the train split; and the confusions, counted
on train-split codes and dates rendered as photocopied scans and read by Tesseract) is written
by `sohoa train`; `python -m sohoa.diacritics.restore.codes --corpus ... [--ocr-pages N] -o PATH`
rebuilds only it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore import table_beside

FIXER_NAME = "code.ocr-reading"
MIN_COUNT = 3
"""A code part (or an acronym) is known when the train split wrote it at least this often."""
MAX_CHANGES = 3
"""At most this many characters of one token are read otherwise."""
MAX_OPTIONS = 4
"""At most this many of the engine's readings per character, its likeliest first (the known
confusions come on top)."""
MAX_CONFIDENCE = 0.95
READING_FLOOR = 0.025
"""The engine's share for a character it did not list (half of `ingest.tesseract_output.READING_MIN`)."""
CONFUSION_FLOOR = 1e-4
"""P(read | true) for a confusion the photocopied pages never showed (two in some 6,500
characters, the rarest kept, is 3e-4)."""

_PART = r"[A-ZĐ][A-Za-zĐđ0-9]*"
_YEAR = r"(?:19|20)\d\d"
CODE = re.compile(rf"(\d{{1,5}})(?:/({_YEAR}))?/({_PART}(?:-{_PART})*)"   # 127/2025/NQ-HĐND, 12/2024/QH15
                  rf"|(\d{{1,5}})-({_PART})/({_PART}(?:-{_PART})*)")       # 57-NQ/TW
"""The grammar of a document code: number, optional year, type, issuers (state style), or
number-type/issuers (party style)."""
_CODE_IN_TEXT = re.compile(rf"(?<![\w/.-])(?:{CODE.pattern})(?![\w/])")
_ACRONYM = re.compile(r"(?<![^\W\d_])[A-ZĐ]{2,8}[0-9]{0,2}(?![^\W\d_])")
_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_NUMBER = re.compile(r"\d{1,3}")
_LABEL = re.compile(r"\d{1,3}[a-zđ]?|[IVXLC]{1,6}|[a-zđA-ZĐ]")
"""What may stand before '.' or ')' at the start of an item: a number ('10', '2a'), a Roman
numeral, a letter."""
_SEPARATORS = "/-."
_EDGE_OPEN = "(“\"'‘«"
_EDGE_CLOSE = ",;:.”\"'’»"
_DAY_WORDS = frozenset({"ngày"})
_MONTH_WORDS = frozenset({"tháng"})
_YEAR_WORDS = frozenset({"năm"})
_UNIT_WORDS = frozenset({"điều", "khoản", "chương", "mục"})
_BROKEN_NUMBER_SIGNS = frozenset("[]{}|")
_CAPITALS = re.compile(r"[A-ZĐÐ]{2,8}")
_CAPITALS_IN_TEXT = re.compile(r"(?<![^\W\d_])[A-ZĐÐ]{2,8}(?![^\W\d_])")
_STUTTER = {("Đ", "Ð"), ("đ", "ð")}
"""The same glyph read twice at two steps of the network, once as the look-alike eth."""


@dataclass(frozen=True)
class CodeVocabulary:
    """Counts of code types, code issuers and capital-letter acronyms in clean text."""

    types: Mapping[str, int] = field(default_factory=dict)
    issuers: Mapping[str, int] = field(default_factory=dict)
    acronyms: Mapping[str, int] = field(default_factory=dict)
    confusions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """character read → {true character ('' for one read where there was none): P(read | true)},
    the slips of the engine inside codes and numbers (`learn_confusions`)"""

    def __bool__(self) -> bool:
        return bool(self.types)

    def is_type(self, part: str) -> bool:
        return self.types.get(part, 0) >= MIN_COUNT

    def is_issuer(self, part: str) -> bool:
        return self.issuers.get(part, 0) >= MIN_COUNT

    def is_word(self, part: str) -> bool:
        """A part clean text writes: a known type or issuer, or an acronym ('TTHC', 'KSTT')."""
        return self.is_type(part) or self.is_issuer(part) or self.acronyms.get(part, 0) >= MIN_COUNT

    def writes_as_is(self, acronym: str) -> bool:
        """A known acronym that clean text writes as it is, not mostly with 'Đ' where it has a
        'D' ('PGD' is written 3 times, 'PGĐ' 28: 'PGD' is a lost 'Đ' more often than not)."""
        count = self.acronyms.get(acronym, 0)
        if count < MIN_COUNT:
            return False
        if "D" not in acronym:
            return True
        same_letters = self._by_letters.get(acronym.replace("Đ", "D"), {})
        return count >= sum(n for form, n in same_letters.items() if form != acronym and "Đ" in form)

    @cached_property
    def _by_letters(self) -> dict[str, dict[str, int]]:
        """Acronyms grouped by their letters with 'Đ' read as 'D'."""
        groups: dict[str, dict[str, int]] = {}
        for form, n in self.acronyms.items():
            groups.setdefault(form.replace("Đ", "D"), {})[form] = n
        return groups

    def code_is_known(self, code: str) -> bool:
        """`code` is a whole document code whose type and issuers are all known."""
        m = CODE.fullmatch(code)
        if m is None:
            return False
        if m.group(3):
            first, *rest = m.group(3).split("-")
        else:
            first, rest = m.group(5), m.group(6).split("-")
        return self.is_type(first) and all(self.is_issuer(p) for p in rest)


class VocabularyCounts:
    """Code types, issuers (parts of codes) and acronyms, counted text by text (`add`), so that
    `sohoa train` counts them in its one pass over the corpus."""

    def __init__(self) -> None:
        self.types: Counter = Counter()
        self.issuers: Counter = Counter()
        self.acronyms: Counter = Counter()

    def add(self, text: str) -> None:
        for m in _CODE_IN_TEXT.finditer(text):
            code = CODE.fullmatch(m.group())
            if code.group(3):
                first, *rest = code.group(3).split("-")
            else:
                first, rest = code.group(5), code.group(6).split("-")
            self.types[first] += 1
            self.issuers.update(rest)
        self.acronyms.update(m.group() for m in _ACRONYM.finditer(text))

    def vocabulary(self, *, min_count: int = MIN_COUNT) -> CodeVocabulary:
        """The parts seen at least `min_count` times."""

        def kept(counts: Counter) -> dict[str, int]:
            return {k: n for k, n in counts.items() if n >= min_count}

        return CodeVocabulary(kept(self.types), kept(self.issuers), kept(self.acronyms))


def build_vocabulary(texts: Iterable[str], *, min_count: int = MIN_COUNT) -> CodeVocabulary:
    """Count code types and issuers (parts of codes in `texts`) and acronyms; keep those seen
    at least `min_count` times."""
    counts = VocabularyCounts()
    for text in texts:
        counts.add(text)
    return counts.vocabulary(min_count=min_count)


CONFUSION_MIN = 2
"""A confusion enters the table once the pages showed it at least this often."""
CODE_PARAGRAPH = re.compile(r"\d+/\S*[A-ZĐ]|\d{1,2}/\d{1,2}/\d{4}|ngày \d{1,2} tháng \d{1,2}")


def _code_like(token: str) -> bool:
    return any(ch.isdigit() for ch in token) or sum(ch.isupper() for ch in token) >= 2


def learn_confusions(pairs: Iterable[tuple[str, str]], *, min_count: int = CONFUSION_MIN) -> dict[str, dict[str, float]]:
    """P(read | true) of the characters of codes and numbers, from aligned (OCR token, true
    token) pairs whose true token has a digit or two capitals. The characters are lined up by
    difflib: a replaced run of the same length gives a pair per character ('3]' for '31':
    (']', '1')), a character read where there was none gives (read, '') ('SVÐĐ' for 'SVĐ')."""
    import difflib

    true_counts: Counter = Counter()
    pair_counts: Counter = Counter()
    for observed, truth in pairs:
        if " " in observed or " " in truth or not _code_like(truth):
            continue
        true_counts.update(truth)
        true_counts[""] += len(truth)
        for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, observed, truth, autojunk=False).get_opcodes():
            if op == "replace" and a1 - a0 == b1 - b0:
                pair_counts.update(zip(observed[a0:a1], truth[b0:b1]))
            elif op == "delete":
                pair_counts.update((x, "") for x in observed[a0:a1])
    table: dict[str, dict[str, float]] = {}
    for (read, true), n in pair_counts.items():
        if n >= min_count and read != true:
            table.setdefault(read, {})[true] = round(n / true_counts[true], 6)
    return table


def confusion_samples(paths, pages: int, work_dir: Path, *, quiet: bool = True, ocr_model: str = "best"):
    """`pages` pages of train-split paragraphs full of codes, dates and numbers, rendered as
    photocopied scans (`synth.degrade`, level 'photocopy') and read by Tesseract `vie`
    (`ocr_model`), cached in `work_dir`."""
    import sys

    from sohoa.diacritics.restore.ocrpairs import cached_ocr_pages, training_paragraphs
    from sohoa.synth.corpus import iter_corpus

    paragraphs: list[str] = []
    for doc in iter_corpus(list(paths), split="train"):
        paragraphs += [p for p in training_paragraphs([doc.text], limit=40) if CODE_PARAGRAPH.search(p)][:6]
        if len(paragraphs) >= pages * 14:
            break
    samples = []
    for start in range(0, pages, 3):
        n = min(3, pages - start)
        chunk = paragraphs[start * 14:(start + n) * 14]
        if not chunk:
            break
        samples += cached_ocr_pages(work_dir, chunk, lang="vie", level="photocopy", seed=7000 + start, max_pages=n,
                                    ocr_model=ocr_model)
        if not quiet:
            print(f"restore/codes: OCR'd {len(samples)} photocopied pages", file=sys.stderr, flush=True)
    return samples


def build_table(paths, output: str | Path, *, ocr_pages: int = 0, work_dir: str | Path | None = None,
                quiet: bool = True, ocr_model: str = "best", vocabulary: CodeVocabulary | None = None) -> CodeVocabulary:
    """Count the vocabulary on the train split of `paths` (or take `vocabulary`, counted there already)
    and, with `ocr_pages`, learn the confusions from that many photocopied pages (else keep
    those of the table at `output`, or of the shipped one); write the table to `output`."""
    from sohoa.diacritics.restore.ocrpairs import align_tokens
    from sohoa.synth.corpus import iter_corpus

    if vocabulary is None:
        vocabulary = build_vocabulary(doc.text for doc in iter_corpus(list(paths), split="train"))
    if ocr_pages > 0:
        samples = confusion_samples(paths, ocr_pages, Path(work_dir or Path(output).parent / "ocr_work"),
                                    quiet=quiet, ocr_model=ocr_model)
        confusions = learn_confusions(pair for sample in samples for pair in align_tokens(sample.ocr, sample.truth))
        provenance = f"learned from {len(samples)} photocopied train-split pages read by Tesseract vie '{ocr_model}'"
    else:
        from sohoa.diacritics.restore import model_path

        old = read_vocabulary(output) if Path(output).exists() else read_vocabulary(table_path(model_path()))
        confusions, provenance = dict(old.confusions), "kept from the table before"
    vocabulary = CodeVocabulary(vocabulary.types, vocabulary.issuers, vocabulary.acronyms, confusions)
    write_vocabulary(vocabulary, output, provenance)
    return vocabulary


def write_vocabulary(vocabulary: CodeVocabulary, path: str | Path, provenance: str = "") -> None:
    lines = ["# kind\tpart\tcount (built by sohoa train from the train split; see restore.codes)",
             "# confusion\tread\ttrue\tP(read | true)" + (f" ({provenance})" if provenance else "")]
    for kind, counts in (("type", vocabulary.types), ("issuer", vocabulary.issuers),
                         ("acronym", vocabulary.acronyms)):
        lines += [f"{kind}\t{part}\t{n}" for part, n in sorted(counts.items())]
    lines += [f"confusion\t{read}\t{true}\t{p:.6f}" for read, trues in sorted(vocabulary.confusions.items())
              for true, p in sorted(trues.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_vocabulary(path: str | Path) -> CodeVocabulary:
    """The vocabulary in a table file; empty when there is none."""
    path = Path(path)
    if not path.exists():
        return CodeVocabulary()
    tables: dict[str, dict[str, int]] = {"type": {}, "issuer": {}, "acronym": {}}
    confusions: dict[str, dict[str, float]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, *fields = line.split("\t")
            if kind == "confusion":
                confusions.setdefault(fields[0], {})[fields[1]] = float(fields[2])
            else:
                tables[kind][fields[0]] = int(fields[1])
    return CodeVocabulary(tables["type"], tables["issuer"], tables["acronym"], confusions)


def table_path(model_path: str | Path) -> Path:
    """Where the code vocabulary of a model file lives: beside it."""
    return table_beside(model_path, "codes")


@lru_cache(maxsize=1)
def default_vocabulary() -> CodeVocabulary:
    from sohoa.diacritics.restore import model_path

    return read_vocabulary(table_path(model_path()))


# -- the fixer -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """What grammar a token must follow, and which of its characters may be read otherwise."""

    kind: str  # 'code' | 'date' | 'day' | 'month' | 'year' | 'item' | 'unit'
    start: int  # the token's core in the chunk
    end: int


class CodeReadingFixer:
    """A repair stage: mends codes, numbers and dates where the grammar and the engine's
    readings agree (see the module docstring)."""

    name = FIXER_NAME

    def __init__(self, vocabulary: CodeVocabulary, readings: Mapping[str, tuple[tuple[str, float], ...]]):
        self.vocabulary = vocabulary
        self.readings = readings

    def find_edits(self, text: str) -> list[Edit]:
        edits = []
        chunks = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
        capitals = Counter(m.group() for m in _CAPITALS_IN_TEXT.finditer(text))  # acronyms the text uses
        for n, (offset, chunk) in enumerate(chunks):
            line_start = offset == 0 or text[offset - 1] == "\n"
            before = chunks[n - 1][1] if n and not line_start else ""
            after = chunks[n + 1][1] if n + 1 < len(chunks) and "\n" not in text[offset:chunks[n + 1][0]] else ""
            slot = self._slot(chunk, before, after, line_start, capitals)
            if slot is None:
                continue
            edit = self._mend(chunk, slot, capitals)
            if edit is not None:
                core_before, core_after, confidence = edit
                edits.append(Edit(offset + slot.start, offset + slot.end, core_before, core_after, self.name,
                                  round(confidence, 4)))
        return edits

    # -- which grammar ---------------------------------------------------------------------
    def _slot(self, chunk: str, before: str, after: str, line_start: bool, capitals: Counter) -> _Slot | None:
        start, end = 0, len(chunk)
        while start < end and chunk[start] in _EDGE_OPEN:
            start += 1
        while end > start and chunk[end - 1] in _EDGE_CLOSE:
            end -= 1
        if end > start and chunk[end - 1] == ")" and "(" in chunk[start:end - 1]:
            pass  # '(3)': the bracket is the token's own
        elif end > start and chunk[end - 1] == ")" and chunk[:start].count("(") == 1:
            end -= 1
        core = chunk[start:end]
        if not core:
            return None
        colon = core.rfind(":")
        if colon >= 0 and "/" in core[colon:]:  # 'Số:10/TTr-HĐND'
            start, core = start + colon + 1, core[colon + 1:]
        has_digit = any(ch.isdigit() for ch in core)
        if "/" in core and any(ch.isupper() for ch in core.split("/", 1)[1]) and \
                any(ch.isdigit() for ch in re.split(r"[/-]", core)[0]):
            return _Slot("code", start, start + len(core))
        if "-" in core and "/" in core and has_digit:
            return _Slot("code", start, start + len(core))
        if re.fullmatch(r"[^\s/.-]{1,3}([/.-])[^\s/.-]{1,3}\1[^\s/.-]{4}", core) and \
                sum(ch.isdigit() for ch in core) >= 4:
            return _Slot("date", start, start + len(core))
        if _CAPITALS.fullmatch(core) and not self._stands("acronym", core, capitals):
            return _Slot("acronym", start, start + len(core))
        prev, nxt = _word(before), _word(after)
        broken = has_digit or any(ch in _BROKEN_NUMBER_SIGNS for ch in core)
        if not broken and len(core) <= 2 and (prev in _DAY_WORDS | _MONTH_WORDS or nxt in _MONTH_WORDS):
            # a day or month read as letters ('lổ' for '18'): only where the engine weighed digits
            broken = any(any(ch.isdigit() for ch in form) for form, _ in self.readings.get(chunk, ()))
        if not broken or len(core) > 4:
            return None
        if line_start and chunk[end:end + 1] in (".", ")") and len(core) <= 3:
            return _Slot("item", start, start + len(core))
        if prev in _MONTH_WORDS and len(core) <= 3:
            return _Slot("month", start, start + len(core))
        if (prev in _DAY_WORDS or nxt in _MONTH_WORDS) and len(core) <= 3:
            return _Slot("day", start, start + len(core))
        if prev in _YEAR_WORDS and len(core) == 4:
            return _Slot("year", start, start + len(core))
        if prev in _UNIT_WORDS and len(core) <= 4:
            return _Slot("unit", start, start + len(core))
        return None

    def _fits(self, kind: str, token: str, capitals: Counter) -> bool:
        if kind == "code":
            return self.vocabulary.code_is_known(token)
        if kind == "date":
            m = _DATE.fullmatch(token)
            return bool(m) and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(3)) <= 12 \
                and 1900 <= int(m.group(4)) <= 2100
        if kind == "day":
            return bool(_NUMBER.fullmatch(token)) and len(token) <= 2 and 1 <= int(token) <= 31
        if kind == "month":
            return bool(_NUMBER.fullmatch(token)) and len(token) <= 2 and 1 <= int(token) <= 12
        if kind == "year":
            return bool(re.fullmatch(_YEAR, token))
        if kind == "item":
            return bool(_NUMBER.fullmatch(token))
        if kind == "unit":
            return bool(re.fullmatch(r"\d{1,3}[a-zđ]?", token))
        if kind == "acronym":
            return self.vocabulary.acronyms.get(token, 0) >= MIN_COUNT or capitals.get(token, 0) >= 1
        return False

    def _stands(self, kind: str, token: str, capitals: Counter) -> bool:
        """Whether the token as read is a fine token of its slot (or of another: a label 'a)',
        a Roman 'II.', a code of a kind the vocabulary does not know but spelled as one)."""
        if kind != "acronym" and self._fits(kind, token, capitals):
            return True
        if kind == "item":
            return bool(_LABEL.fullmatch(token))
        if kind == "acronym":  # a word in capitals, an acronym clean text writes or used again in the text
            return self.vocabulary.writes_as_is(token) or capitals.get(token, 0) >= 2 or _is_capital_word(token)
        return False

    # -- which characters may change --------------------------------------------------------
    def _broken_positions(self, kind: str, core: str) -> tuple[set[int], set[int]]:
        """(positions in `core` whose piece breaks the grammar: only they may be read otherwise,
        those of them where the grammar wants a digit)."""
        if kind == "acronym":
            return set(range(len(core))), set()
        if kind != "code":
            return set(range(len(core))), set(range(len(core)))
        broken: set[int] = set()
        digits: set[int] = set()
        pos = 0
        pieces = re.split(r"([/-])", core)
        for k, piece in enumerate(pieces):
            if k % 2 == 0:
                index = k // 2
                number = index == 0 or (index == 1 and len(piece) == 4 and sum(ch.isdigit() for ch in piece) >= 2)
                if number and not piece.isdigit():
                    broken.update(range(pos, pos + len(piece)))
                    digits.update(range(pos, pos + len(piece)))
                elif not number and not self.vocabulary.is_word(piece):
                    broken.update(range(pos, pos + len(piece)))
            pos += len(piece)
        return broken, digits

    def _options(self, chunk: str, slot: _Slot) -> dict[int, list[tuple[str, float]]]:
        """Per position of the chunk (inside the slot's broken pieces): the engine's other
        readings of that character ('' for one it weighed as nothing), likeliest first."""
        core = chunk[slot.start:slot.end]
        broken, digits = self._broken_positions(slot.kind, core)
        allowed = {slot.start + i for i in broken}
        numeric = {slot.start + i for i in digits}
        readings: dict[int, dict[str, float]] = {}
        for form, share in self.readings.get(chunk, ()):
            change = _single_change(chunk, form)
            if change is None or change[0] not in allowed:
                continue
            position, char = change
            if (char and char in _SEPARATORS) or chunk[position] in _SEPARATORS:
                continue  # the code's own shape is not the engine's doubt to settle
            if position in numeric and char and not char.isdigit():
                continue  # where a digit must be, only a digit (or nothing) helps
            found = readings.setdefault(position, {})
            found[char] = max(found.get(char, 0.0), share)
        readings = {p: dict(sorted(found.items(), key=lambda kv: -kv[1])[:MAX_OPTIONS]) for p, found in readings.items()}
        confusions: dict[int, dict[str, float]] = {}
        for i in sorted(numeric):  # where a digit must be: the slips this engine is known to make
            if chunk[i] in _SEPARATORS + ",%":
                continue
            known = {true: p for true, p in self.vocabulary.confusions.get(chunk[i], {}).items() if true.isdigit()}
            if known:
                confusions[i] = known
        # a character's weight: the engine's own share for it times how often this engine
        # writes what it read for it (each a small floor where it says nothing)
        options: dict[int, dict[str, float]] = {}
        for i in set(readings) | set(confusions):
            for char in set(readings.get(i, {})) | set(confusions.get(i, {})):
                options.setdefault(i, {})[char] = readings.get(i, {}).get(char, READING_FLOOR) \
                    * confusions.get(i, {}).get(char, CONFUSION_FLOOR)
        for i in range(1, len(chunk)):
            if (chunk[i - 1], chunk[i]) in _STUTTER and i in allowed:
                options.setdefault(i, {})[""] = 1.0
        return {p: sorted(found.items(), key=lambda kv: -kv[1]) for p, found in options.items()}

    def _mend(self, chunk: str, slot: _Slot, capitals: Counter) -> tuple[str, str, float] | None:
        core = chunk[slot.start:slot.end]
        if self._stands(slot.kind, core, capitals):
            return None
        options = self._options(chunk, slot)
        if not options:
            return None
        fitting: dict[str, float] = {}
        positions = sorted(options)
        for n in range(1, min(MAX_CHANGES, len(positions)) + 1):
            for chosen in itertools.combinations(positions, n):
                for picks in itertools.product(*(options[p] for p in chosen)):
                    chars = list(chunk)
                    weight = 1.0
                    for p, (char, share) in zip(chosen, picks):
                        chars[p] = char
                        weight *= share
                    token = "".join(chars[slot.start:slot.end])
                    if self._fits(slot.kind, token, capitals):
                        fitting[token] = max(fitting.get(token, 0.0), weight)
        if not fitting:
            return None
        best = max(fitting, key=fitting.get)
        confidence = MAX_CONFIDENCE * fitting[best] / sum(fitting.values())
        return core, best, confidence


def _is_capital_word(token: str) -> bool:
    """A Vietnamese word in capitals ('HOA', 'CHU'), marks lost or not: a heading's, not an acronym."""
    from sohoa.diacritics.syllables import is_valid_key, strip_marks

    return is_valid_key(strip_marks(token.lower().replace("ð", "đ")))


def _word(chunk: str) -> str:
    return chunk.strip(_EDGE_OPEN + _EDGE_CLOSE + "()").lower()


def _single_change(word: str, form: str) -> tuple[int, str] | None:
    """(position, new character or '') when `form` is `word` with one character replaced or
    dropped; None otherwise."""
    if len(form) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(word, form)) if a != b]
        return (diffs[0], form[diffs[0]]) if len(diffs) == 1 else None
    if len(form) == len(word) - 1:
        for i in range(len(word)):
            if word[:i] + word[i + 1:] == form:
                return i, ""
    return None


def code_fixer(evidence) -> CodeReadingFixer | None:
    """The stage for text read by OCR (`evidence`: an `OcrEvidence`), or None when no code table
    is shipped. Without readings it still knows the engine's confusions and the doubled 'Đ'."""
    vocabulary = default_vocabulary()
    if not vocabulary:
        return None
    return CodeReadingFixer(vocabulary, getattr(evidence, "readings", None) or {})


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Rebuild only the code table of a restorer model.")
    parser.add_argument("--corpus", action="append", required=True)
    parser.add_argument("-o", "--output", required=True, help="the table file (e.g. restorer.codes.tsv)")
    parser.add_argument("--ocr-pages", type=int, default=0,
                        help="photocopied pages to learn the confusions from (0: keep those of the table)")
    parser.add_argument("--work-dir", default=None, help="cache of the OCR'd pages")
    parser.add_argument("--ocr-model", default="best", choices=("best", "fast"))
    args = parser.parse_args(argv)
    vocabulary = build_table(args.corpus, args.output, ocr_pages=args.ocr_pages, work_dir=args.work_dir,
                             quiet=False, ocr_model=args.ocr_model)
    print(f"{len(vocabulary.types)} types, {len(vocabulary.issuers)} issuers, {len(vocabulary.acronyms)} acronyms, "
          f"{sum(map(len, vocabulary.confusions.values()))} confusions → {args.output}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
