"""The repair pipeline: small fixers applied in order, each change recorded as an Edit.

Reads as its list of stages (see `default_fixers`):

    legacy encoding → Unicode hygiene (NFC, stray/doubled marks, look-alikes, split syllables)
    → tone placement (only impossible placements with 'keep', the default; else the chosen
    style) → document codes → statistical restorer → tone style

Text read by OCR also has its codes, numbers and dates mended from the engine's own readings
right after Unicode normalisation (`restore.codes`), and the marks the engine doubted
re-chosen after the restorer (`restore.ocr_evidence`).

Every stage is a `Fixer`: it looks at its input and reports edits on that input. The pipeline
applies the edits that are confident enough, keeps the others as review flags, and composes
every stage's edits back into coordinates of the original input (`sohoa.diacritics.compose`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import Callable, Protocol, Sequence, runtime_checkable

from sohoa.diacritics.compose import apply_edits, check_edits, compose
from sohoa.diacritics.records import Edit, RepairResult

TONE_STYLES = ("keep", "old", "new")
DEFAULT_MIN_CONFIDENCE = 0.5


@runtime_checkable
class Fixer(Protocol):
    """One stage of the repair pipeline.

    `find_edits` looks at `text` and returns the changes it proposes, as `Edit`s on `text`
    itself (start/end index `text`, `before == text[start:end]`), non-overlapping, each with a
    `confidence` in [0, 1] and `fixer` set to a short stable name ('nfc', 'restore.ngram').
    It must not mutate anything shared and must be safe to call from several processes.
    Edits below the run's `min_confidence` are not applied but reported for review.
    """

    name: str

    def find_edits(self, text: str) -> list[Edit]: ...


VERBATIM_BLANK = "\u00a0"


@dataclass(frozen=True)
class GuardedFixer:
    """Runs `inner` but drops its edits that overlap tokens to keep verbatim (URLs, codes...).

    The statistical restorer and the look-alike fixer see whole lines; this keeps them off
    'UBND', '127/NQ-HĐND', e-mail addresses and numbers without each having to know about them.
    """

    inner: Fixer
    protected_spans: Callable[[str], Sequence[tuple[int, int]]]
    abbreviation_fixers: frozenset[str] = frozenset()
    """Fixers whose edits may change an abbreviation itself ('restore.acronym': 'GDDT' → 'GDĐT'),
    inside a document code too ('1250/QĐ-DHBK'); they are still kept off URLs, numbers and the rest."""
    number_fixers: frozenset[str] = frozenset()
    """Fixers whose edits may change a number's digits, one word at a time ('restore.ocr-digit':
    '1a' → 'là', '1€' → 'lệ' in English-model OCR garble); they are still kept off dates, codes,
    URLs and the rest, and off numbers written with other signs ('6/2')."""

    @property
    def name(self) -> str:
        return self.inner.name

    def find_edits(self, text: str) -> list[Edit]:
        from sohoa.diacritics.tokens import verbatim_spans

        # URLs, e-mail addresses and file names are no text to read the rest by: the inner
        # fixer sees blanks there (offsets kept), and no edit of it may touch them. The blanks
        # are no-break spaces: no word for the context, and no gap either that would leave the
        # punctuation after a name ('chạy `ruff check .`.') standing alone like an OCR speck
        verbatim = verbatim_spans(text)
        seen = text
        for start, end in verbatim:
            seen = seen[:start] + VERBATIM_BLANK * (end - start) + seen[end:]
        edits = self.inner.find_edits(seen)
        if verbatim:
            edits = [replace(e, before=text[e.start:e.end]) for e in edits]
        if not edits:
            return edits
        spans = self.protected_spans(text)
        if not spans:
            return edits
        guard = _SpanIndex(spans)
        freed = {fixer: kind for fixers, kind in ((self.abbreviation_fixers, "abbreviation"),
                                                  (self.number_fixers, "number")) for fixer in fixers}
        if not any(e.fixer in freed for e in edits):
            return [e for e in edits if not guard.touches(e)]
        from sohoa.diacritics.tokens import token_kinds

        kinds = token_kinds(text)
        # an abbreviation inside a document code may be mended as one ('761/OD-UBND' →
        # '761/QĐ-UBND'): the code's numbers keep their own spans
        within = {"abbreviation": {"abbreviation", "code"}, "number": {"number"}}
        loose = {kind: _SpanIndex([(a, b) for a, b, k in kinds if k not in within[kind]] or [(-1, -1)])
                 for kind in set(freed.values())}
        return [e for e in edits if not (loose[kind] if (kind := self._freed_kind(e, freed)) else guard).touches(e)]

    def _freed_kind(self, edit: Edit, freed: dict[str, str]) -> str | None:
        """The kind of protected token `edit` may touch: an abbreviation for the abbreviation
        fixers; a number for the number fixers, and only as one word of its own ('1a', not '6/2')."""
        kind = freed.get(edit.fixer)
        return None if kind == "number" and not _one_ocr_word(edit.before) else kind


def _one_ocr_word(text: str) -> bool:
    """Letters, digits and the signs English-model OCR writes for letters ('1€' lệ, 'v&i' với)."""
    from sohoa.diacritics.restore.tokens import OCR_LETTERS

    return bool(text) and all(ch.isalnum() or ch in OCR_LETTERS for ch in text)


class PagePlacements:
    """The tone-mark placement of each page of a text (its pieces between form feeds: a file of
    documents typed by several hands places marks page by page), worked out once, on the text
    as the first stage that puts marks in sees it, and kept for the stages after it: their own
    input holds the marks that stage put in, which could tip a text's count the other way. A
    page that shows no placement of its own takes the text's, and a text that shows none
    `style_hint`, the placement of the document around it (a table cell, a short piece)."""

    def __init__(self, style_hint: str = "old"):
        self.style_hint = style_hint
        self._styles: list[str] | None = None

    def of_pages(self, text: str) -> list[str]:
        """One placement per page of `text` (worked out again only where the number of pages
        differs from the text first seen)."""
        from sohoa.diacritics.unicode_fixes import dominant_tone_style

        pages = text.split("\f")
        if self._styles is None or len(self._styles) != len(pages):
            style = dominant_tone_style(text, self.style_hint)
            self._styles = [dominant_tone_style(page, style) for page in pages] if len(pages) > 1 else [style]
        return self._styles


@dataclass(frozen=True)
class TextStyleRestorer:
    """Runs a restorer `inner` (the statistical one, or the one weighing the OCR's doubts) and
    writes the words it changes with the tone-mark placement of their page of the text
    (`PagePlacements`: 'thuỷ lợi' on a page that writes 'hoà'), so that `tone_style='keep'`
    needs no pass over the author's own words. The stages of one repair share `placements`;
    without it each call works the placements out afresh from `style_hint`."""

    inner: Fixer
    style_hint: str = "old"
    placements: PagePlacements | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.inner.name

    def find_edits(self, text: str) -> list[Edit]:
        import re

        from sohoa.diacritics.syllables import place_tone

        edits = self.inner.find_edits(text)
        if not edits:
            return edits
        page_styles = (self.placements or PagePlacements(self.style_hint)).of_pages(text)
        starts = [0] + [m.start() + 1 for m in re.finditer("\f", text)]

        def styled(edit: Edit) -> Edit:
            if not edit.after:
                return edit
            page_style = page_styles[bisect_right(starts, edit.start) - 1]
            after = re.sub(r"[^\W\d_]+", lambda m: place_tone(m.group(), page_style) or m.group(), edit.after)
            return Edit(edit.start, edit.end, edit.before, after, edit.fixer, edit.confidence)

        return [e for e in map(styled, edits) if e.after != e.before]


def run_fixers(text: str, fixers: Sequence[Fixer], *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> RepairResult:
    """Run `fixers` in order over `text`, composing their edits into input coordinates."""
    current = text
    edits: list[Edit] = []
    flags: list[Edit] = []
    for fixer in fixers:
        proposed = check_edits(current, fixer.find_edits(current))
        if not proposed:
            continue
        accepted = [e for e in proposed if e.confidence >= min_confidence]
        for flag in (e for e in proposed if e.confidence < min_confidence):
            flags.append(_flag_in_source(text, edits, current, flag))
        if not accepted:
            continue
        edits = compose(text, edits, current, accepted)
        current = apply_edits(current, accepted)
    # a proposal whose region a later stage changed anyway is moot ('ti€u' flagged by the
    # look-alike fixer, then restored by the statistical stage): the edit explains the region
    if flags and edits:
        applied = _SpanIndex([(e.start, e.end) for e in edits])
        flags = [f for f in flags if not applied.overlaps(f)]
    return RepairResult(source=text, text=current, edits=tuple(edits), flags=tuple(flags))


class _SpanIndex:
    """Sorted spans with binary-search overlap tests, so checking every edit of a long
    document against every protected token (or applied edit) stays O(n log n)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]
        # running maximum of ends: the furthest any span starting at or before i reaches
        self._reach: list[int] = []
        for _, t in self._spans:
            self._reach.append(max(t, self._reach[-1]) if self._reach else t)
        self._exact = set(self._spans)

    def _reaches_past(self, limit_start: int, position: int, *, strict_start: bool) -> bool:
        """Does a span with start < limit_start (<= when not strict) end after `position`?"""
        k = bisect_left(self._starts, limit_start) if strict_start else bisect_right(self._starts, limit_start)
        return k > 0 and self._reach[k - 1] > position

    def touches(self, edit: Edit) -> bool:
        """A span overlaps the edit, or strictly contains an insertion point."""
        if edit.start == edit.end:
            return self._reaches_past(edit.start, edit.start, strict_start=True)
        return self._reaches_past(edit.end, edit.start, strict_start=True)

    def overlaps(self, edit: Edit) -> bool:
        """A span overlaps the edit, or has exactly its start and end."""
        if (edit.start, edit.end) in self._exact:
            return True
        return self._reaches_past(edit.end, edit.start, strict_start=True)


def _flag_in_source(source: str, edits: list[Edit], current: str, flag: Edit) -> Edit:
    """A proposed-but-unapplied edit, expressed on the source as the region it would change."""
    known = set(edits)
    for edit in compose(source, edits, current, [flag]):
        if edit not in known:
            return Edit(edit.start, edit.end, edit.before, edit.after, flag.fixer, flag.confidence)
    return flag  # pragma: no cover - only when the flag changes nothing


def _default_restorer() -> Fixer | None:
    """The statistical restorer of the model in use (`restore.model_path`: the shipped one
    unless `--model` or SOHOA_MODEL names another), loaded once per process and model (None
    when there is none)."""
    from sohoa.diacritics.restore import load_default_restorer

    return load_default_restorer()


def default_fixers(*, tone_style: str = "keep", encoding: str | None = None, restore: bool = True,
                   ocr=None, style_hint: str | None = None) -> list[Fixer]:
    """The stages of `repair`, in order (`ocr`, `style_hint`: see `repair`)."""
    if tone_style not in TONE_STYLES:
        raise ValueError(f"tone_style must be one of {TONE_STYLES}, not {tone_style!r}")
    from sohoa.diacritics.encodings import LegacyEncodingFixer
    from sohoa.diacritics.tokens import DocumentCodeFixer, protected_spans
    from sohoa.diacritics.unicode_fixes import (DoubledMarkFixer, HomoglyphFixer, NfcFixer, StraySpaceFixer,
                                                TonePlacementFixer)

    from sohoa.diacritics.formulae import RecipientsHeadingFixer

    fixers: list[Fixer] = [
        LegacyEncodingFixer(encoding),
        NfcFixer(),
        DoubledMarkFixer(),
        HomoglyphFixer(),
        RecipientsHeadingFixer(),
        GuardedFixer(StraySpaceFixer(), protected_spans),
        TonePlacementFixer(tone_style),
        DocumentCodeFixer(),
    ]
    if ocr is not None:  # codes, numbers and dates the OCR misread (before look-alikes change them)
        from sohoa.diacritics.restore.codes import code_fixer

        codes = code_fixer(ocr)
        if codes is not None:
            fixers.insert(2, codes)
        if getattr(ocr, "readings", None):  # list items' closing ';' read as ':' where the engine weighed ';'
            from sohoa.diacritics.list_ends import ListEndFixer, default_table

            fixers.append(ListEndFixer(ocr.readings, default_table()))
    restorer = _default_restorer() if restore else None
    if restorer is not None:
        from sohoa.diacritics.restore.acronyms import FIXER_NAME as ACRONYM_FIXER
        from sohoa.diacritics.restore.policy import DIGIT_FIXER_NAME

        acronyms, digits = frozenset({ACRONYM_FIXER}), frozenset({DIGIT_FIXER_NAME})
        placements = PagePlacements(style_hint or "old")  # one reading of the pages' placement for both stages
        if tone_style == "keep":
            # restored words follow the placement the text itself uses; the author's stay
            fixers.append(GuardedFixer(TextStyleRestorer(restorer, style_hint or "old", placements), protected_spans,
                                       acronyms, digits))
        else:
            fixers.append(GuardedFixer(restorer, protected_spans, acronyms, digits))
        if ocr is not None and ocr.is_vietnamese_tesseract:
            from sohoa.diacritics.restore.ocr_evidence import OcrMarkFixer

            marks = OcrMarkFixer(restorer, ocr)
            if tone_style == "keep":  # a mark it puts in is placed as the rest of the text places them
                marks = TextStyleRestorer(marks, style_hint or "old", placements)
            fixers.append(GuardedFixer(marks, protected_spans))
        if tone_style != "keep":
            # the restorer may place marks its own way: settle them in the chosen style
            fixers.append(TonePlacementFixer(tone_style, name="tone.style"))
    return fixers


def repair(text: str, *, tone_style: str = "keep", min_confidence: float = DEFAULT_MIN_CONFIDENCE,
           encoding: str | None = None, restore: bool = True, ocr=None, style_hint: str | None = None) -> RepairResult:
    """Repair Vietnamese text; every change is explained in `RepairResult.edits`.

    tone_style: 'keep' (default: the author's placement stays, both are correct Vietnamese;
        words the restorer changes take the placement the text mostly uses), or 'old'
        ('hòa', 'thủy') / 'new' ('hoà', 'thuỷ') to rewrite every word in one placement.
    min_confidence: edits below it are not applied but returned in `RepairResult.flags`.
    encoding: force a legacy encoding for text that was decoded wrongly ('tcvn3', 'vni',
        'viqr', 'viscii', 'cp1258', 'utf8-mojibake'); None detects it per run of text.
    restore: run the statistical diacritic restorer when a model is available.
    ocr: an `OcrEvidence` (sohoa.diacritics.restore.ocr_evidence) when the text was read by an
        OCR engine: which one, and the marks it weighed for each word; Tesseract `vie` text then
        has the marks the engine doubted re-chosen in context.
    style_hint: with 'keep', the placement ('old' or 'new') of the document this text is part
        of, for the marks the repair puts in where the text itself shows none (default 'old');
        each page of the text (between form feeds) that shows a placement of its own keeps it.
    """
    fixers = default_fixers(tone_style=tone_style, encoding=encoding, restore=restore, ocr=ocr,
                            style_hint=style_hint)
    return run_fixers(text, fixers, min_confidence=min_confidence)
