"""Ways to show a repair to a person: one-line explanations and an HTML review page."""

from __future__ import annotations

import html
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from sohoa.diacritics.records import Edit, RepairResult


@dataclass(frozen=True)
class ReviewedDocument:
    """One repaired input for the review page: its name, the result, and how it was decoded."""

    name: str
    result: RepairResult
    encoding: str = "utf-8"


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` starts."""
    starts = [0]
    starts.extend(i + 1 for i, c in enumerate(text) if c == "\n")
    return starts


def explain_lines(name: str, result: RepairResult) -> list[str]:
    """'name:line:col fixer 'before' → 'after' (confidence)' for every edit and flag."""
    starts = line_starts(result.source)
    out = []
    for kind, edits in (("", result.edits), ("not applied: ", result.flags)):
        for edit in edits:
            line = bisect_right(starts, edit.start)
            column = edit.start - starts[line - 1] + 1
            out.append(f"{name}:{line}:{column} {kind}{edit.fixer} {edit.before!r} → {edit.after!r} "
                       f"({edit.confidence:.2f})")
    return out


_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>sohoa repair review</title>
<style>
body {{ font-family: "Times New Roman", "TeX Gyre Termes", serif; max-width: 60em; margin: 2em auto; line-height: 1.6; }}
h1 {{ font-size: 1.3em; }} h2 {{ font-size: 1.1em; border-bottom: 1px solid #ccc; }}
.text {{ white-space: pre-wrap; }}
.edit {{ background: #d8f5d0; border-bottom: 2px solid #3a3; position: relative; cursor: help; }}
.edit.low {{ background: #fff1c2; border-bottom-color: #c90; }}
.flag {{ border-bottom: 2px dotted #c33; cursor: help; position: relative; }}
.edit:hover::after, .flag:hover::after {{ content: attr(data-tip); position: absolute; left: 0; top: 1.6em;
  white-space: pre; background: #222; color: #fff; padding: .3em .5em; font: 13px monospace; z-index: 9; border-radius: 3px; }}
table {{ border-collapse: collapse; font-size: 90%; }} td, th {{ border: 1px solid #ccc; padding: .2em .5em; }}
del {{ color: #a00; }} ins {{ color: #070; text-decoration: none; }}
</style></head><body>
<h1>Repair review</h1>
<p>Green: changed (hover for before → after, which fixer, how sure). Yellow: changed with less
certainty. Red dotted: a change proposed but not applied (below the confidence threshold).</p>
{documents}
</body></html>
"""


def _tip(edit: Edit, applied: bool) -> str:
    state = "" if applied else "proposed, not applied\n"
    return f"{state}before: {edit.before!r}\nafter:  {edit.after!r}\n{edit.fixer} ({edit.confidence:.2f})"


def _render_text(result: RepairResult, low_confidence: float) -> str:
    """The repaired text with each edit wrapped in a highlighted span (flags marked on the source)."""
    pieces: list[str] = []
    flags = sorted(result.flags, key=lambda e: e.start)
    cursor = 0

    def plain(start: int, end: int) -> None:
        # unchanged source text, with flagged spans marked
        position = start
        for flag in flags:
            if flag.end <= position or flag.start >= end or flag.start < position:
                continue
            pieces.append(html.escape(result.source[position:flag.start]))
            pieces.append(f'<span class="flag" data-tip="{html.escape(_tip(flag, False))}">'
                          f"{html.escape(result.source[flag.start:flag.end])}</span>")
            position = flag.end
        pieces.append(html.escape(result.source[position:end]))

    for edit in result.edits:
        plain(cursor, edit.start)
        css = "edit low" if edit.confidence < low_confidence else "edit"
        shown = html.escape(edit.after) if edit.after else "<del>∅</del>"
        pieces.append(f'<span class="{css}" data-tip="{html.escape(_tip(edit, True))}" '
                      f'title="{html.escape(edit.before)} → {html.escape(edit.after)}">{shown}</span>')
        cursor = edit.end
    plain(cursor, len(result.source))
    return "".join(pieces)


def review_page(documents: Sequence[ReviewedDocument], low_confidence: float = 0.9) -> str:
    """A self-contained HTML page showing every document with each change highlighted."""
    blocks = []
    for doc in documents:
        rows = "".join(
            f"<tr><td>{e.start}</td><td><del>{html.escape(e.before)}</del></td><td><ins>{html.escape(e.after)}</ins>"
            f"</td><td>{html.escape(e.fixer)}</td><td>{e.confidence:.2f}</td></tr>" for e in doc.result.edits)
        blocks.append(
            f"<h2>{html.escape(doc.name)}</h2><p>decoded as {html.escape(doc.encoding)}; "
            f"{len(doc.result.edits)} changes, {len(doc.result.flags)} proposals left for review</p>"
            f'<div class="text">{_render_text(doc.result, low_confidence)}</div>'
            + (f"<details><summary>all changes</summary><table><tr><th>offset</th><th>before</th><th>after</th>"
               f"<th>fixer</th><th>confidence</th></tr>{rows}</table></details>" if rows else ""))
    return _PAGE.format(documents="\n".join(blocks))
