"""Repair a text of any size in bounded pieces: runs of whole lines (a few hundred lines, at
most CHUNK_CHARS characters), and a line longer than that cut between words. Each piece is
repaired on its own, so memory and time per piece stay bounded while the fixers still see a
paragraph's worth of context; edits come back in the coordinates of the whole text.
"""

from __future__ import annotations

from typing import Callable, Iterator

from sohoa.diacritics.records import Edit, RepairResult

CHUNK_LINES = 256
CHUNK_CHARS = 64_000


def pieces(text: str, max_lines: int = CHUNK_LINES, max_chars: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) spans covering `text` in order: whole lines where possible; a line longer
    than `max_chars` is cut just before a space (or hard, when it has none)."""
    start, length = 0, len(text)
    while start < length:
        end, lines = start, 0
        while end < length and lines < max_lines:
            newline = text.find("\n", end, start + max_chars)
            if newline < 0:
                if length - start <= max_chars:
                    end = length  # the last line, without a line break of its own, fits: it stays with its text
                break
            end, lines = newline + 1, lines + 1
        if end == start:  # one line longer than max_chars, or the last line
            if length - start <= max_chars:
                end = length
            else:
                cut = text.rfind(" ", start + 1, start + max_chars)
                end = cut if cut > start else start + max_chars
        yield start, end
        start = end


def repair_in_chunks(text: str, repair: Callable[..., RepairResult], max_lines: int = CHUNK_LINES,
                     max_chars: int = CHUNK_CHARS, **kwargs) -> RepairResult:
    """`repair(text, **kwargs)`, done piece by piece (see `pieces`) and put back together."""
    spans = list(pieces(text, max_lines, max_chars))
    if len(spans) <= 1:
        return repair(text, **kwargs)
    texts: list[str] = []
    edits: list[Edit] = []
    flags: list[Edit] = []
    for start, end in spans:
        result = repair(text[start:end], **kwargs)
        texts.append(result.text)
        edits.extend(shifted(result.edits, start))
        flags.extend(shifted(result.flags, start))
    return RepairResult(text, "".join(texts), tuple(edits), tuple(flags))


def shifted(edits, offset: int) -> list[Edit]:
    """Edits moved `offset` characters to the right."""
    return [Edit(e.start + offset, e.end + offset, e.before, e.after, e.fixer, e.confidence) for e in edits]


def joined(results: list[RepairResult]) -> RepairResult:
    """Results of consecutive pieces as the result of their concatenation."""
    offset, edits, flags = 0, [], []
    for result in results:
        edits.extend(shifted(result.edits, offset))
        flags.extend(shifted(result.flags, offset))
        offset += len(result.source)
    return RepairResult("".join(r.source for r in results), "".join(r.text for r in results), tuple(edits), tuple(flags))
