"""Edit algebra: apply edits to a text, combine the edits of proposers that look at the same
text, and compose the edits of successive stages.

Each fixer reports edits on *its own input*. To explain the final output in terms of the
original input (so the batch runner can map repaired text back onto OCR words and the review
page can highlight each change), the pipeline composes every stage's edits onto the edits of
the stages before it. Edits that touch the same region merge into one, keeping the chain of
fixer names ('encoding.tcvn3+tone.old') and the lowest confidence of the chain.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Sequence

from sohoa.diacritics.records import Edit

FIXER_CHAIN_SEPARATOR = "+"


def check_edits(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """Return `edits` sorted by position after checking they fit `text` and do not overlap.

    Raises ValueError naming the offending edit: a fixer that reports a wrong `before` or
    overlapping spans has a bug, and silently applying it would corrupt the text.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    previous_end = 0
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise ValueError(f"edit out of range: {edit}")
        if text[edit.start:edit.end] != edit.before:
            raise ValueError(f"edit 'before' does not match the text: {edit} vs {text[edit.start:edit.end]!r}")
        if edit.start < previous_end:
            raise ValueError(f"overlapping edits at {edit.start}: {edit}")
        previous_end = edit.end
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replace every edit's span of `text` by its `after` (edits non-overlapping, in any order)."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.start):
        pieces.append(text[cursor:edit.start])
        pieces.append(edit.after)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def without_overlaps(edits: Iterable[Edit]) -> list[Edit]:
    """`edits` (sorted by start) less each one that overlaps an edit kept before it."""
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit.start >= kept[-1].end:
            kept.append(edit)
    return kept


def combine(*layers: Iterable[Edit]) -> list[Edit]:
    """The edits of several proposers as one list, sorted and non-overlapping: where edits of
    two layers overlap, the earlier layer's wins (each layer's own edits must not overlap)."""
    kept: list[Edit] = []
    for layer in layers:
        taken = sorted((e.start, e.end) for e in kept)
        starts = [a for a, _ in taken]
        for edit in layer:
            # kept spans do not overlap, so the last one starting before this edit's end
            # reaches furthest: it alone can overlap it
            k = bisect_left(starts, edit.end)
            if k and taken[k - 1][1] > edit.start:
                continue
            kept.append(edit)
    return sorted(kept, key=lambda e: e.start)


@dataclass
class _Region:
    """A changed region seen from the current text: where it is now and where it came from."""

    cur_start: int
    cur_end: int
    orig_start: int | None = None  # None for a new stage edit (its origin is computed)
    orig_end: int | None = None
    fixers: tuple[str, ...] = ()
    confidence: float = 1.0
    after: str | None = None  # the stage edit's replacement; None for an earlier edit


def _touches(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Overlapping spans, or an empty span (an insertion) at the edge of the other."""
    if a_start < b_end and b_start < a_end:
        return True
    if a_start == a_end or b_start == b_end:
        return a_start <= b_end and b_start <= a_end
    return False


def compose(source: str, earlier: Sequence[Edit], current: str, stage: Sequence[Edit]) -> list[Edit]:
    """Compose `stage` edits (on `current`) with `earlier` edits (on `source`, giving `current`).

    Returns edits on `source` whose application gives the stage's output. Regions touched by
    both merge; a chain of edits that restores the original text disappears.
    """
    regions: list[_Region] = []
    shift = 0
    for edit in earlier:
        cur_start = edit.start + shift
        cur_end = cur_start + len(edit.after)
        regions.append(_Region(cur_start, cur_end, edit.start, edit.end,
                               tuple(edit.fixer.split(FIXER_CHAIN_SEPARATOR)), edit.confidence))
        shift += len(edit.after) - len(edit.before)
    for edit in stage:
        regions.append(_Region(edit.start, edit.end, fixers=(edit.fixer,),
                               confidence=edit.confidence, after=edit.after))
    # Earlier regions first at equal positions, so a cluster's chain lists fixers in run order.
    regions.sort(key=lambda r: (r.cur_start, r.cur_end, r.after is not None))

    clusters: list[list[_Region]] = []
    for region in regions:
        if clusters:
            last = clusters[-1]
            lo = min(r.cur_start for r in last)
            hi = max(r.cur_end for r in last)
            if _touches(lo, hi, region.cur_start, region.cur_end):
                last.append(region)
                continue
        clusters.append([region])

    # Offsets from current to source coordinates outside earlier regions: shift before a point.
    earlier_regions = [r for r in regions if r.after is None]
    earlier_ends = [r.cur_end for r in earlier_regions]

    def to_source(position: int) -> int:
        index = bisect_right(earlier_ends, position)
        if index == 0:
            return position
        last = earlier_regions[index - 1]
        return position + last.orig_end - last.cur_end

    result: list[Edit] = []
    for cluster in clusters:
        lo = min(r.cur_start for r in cluster)
        hi = max(r.cur_end for r in cluster)
        olds = [r for r in cluster if r.after is None]
        news = sorted((r for r in cluster if r.after is not None), key=lambda r: r.cur_start)
        orig_lo = min([r.orig_start for r in olds if r.cur_start == lo] or [to_source(lo)])
        orig_hi = max([r.orig_end for r in olds if r.cur_end == hi] or [to_source(hi)])
        if not news:
            for old in olds:
                result.append(Edit(old.orig_start, old.orig_end, source[old.orig_start:old.orig_end],
                                   current[old.cur_start:old.cur_end],
                                   FIXER_CHAIN_SEPARATOR.join(old.fixers), old.confidence))
            continue
        pieces, cursor = [], lo
        for r in news:
            pieces.append(current[cursor:r.cur_start])
            pieces.append(r.after)
            cursor = r.cur_end
        pieces.append(current[cursor:hi])
        after = "".join(pieces)
        before = source[orig_lo:orig_hi]
        if after == before:
            continue
        fixers: list[str] = []
        for r in sorted(cluster, key=lambda r: r.after is not None):
            for name in r.fixers:
                if name not in fixers:
                    fixers.append(name)
        result.append(Edit(orig_lo, orig_hi, before, after, FIXER_CHAIN_SEPARATOR.join(fixers),
                           min(r.confidence for r in cluster)))
    return result
