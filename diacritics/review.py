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


def explain_lines(name: str, result: RepairResult, first_line: int = 1) -> list[str]:
    """'name:line:col fixer 'before' → 'after' (confidence)' for every edit and flag; `first_line`:
    the number of the result's first line in its file."""
    starts = line_starts(result.source)
    out = []
    for kind, edits in (("", result.edits), ("not applied: ", result.flags)):
        for edit in edits:
            line = bisect_right(starts, edit.start)
            column = edit.start - starts[line - 1] + 1
            out.append(f"{name}:{line + first_line - 1}:{column} {kind}{edit.fixer} {edit.before!r} → {edit.after!r} "
                       f"({edit.confidence:.2f})")
    return out


_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>sohoa repair review</title>
<style>
body {{ font-family: "Times New Roman", "TeX Gyre Termes", "Noto Serif", serif; max-width: 64em; margin: 1.5em auto;
  padding: 0 1em; line-height: 1.7; color: #111; }}
h1 {{ font-size: 1.3em; margin-bottom: .2em; }} h2 {{ font-size: 1.1em; border-bottom: 1px solid #ccc; margin-top: 2em; }}
.legend {{ font-size: 92%; color: #333; }}
.legend span {{ padding: 0 .3em; }}
.summary {{ font-size: 92%; color: #333; margin: .3em 0 .8em; }}
.controls {{ position: sticky; top: 0; background: #fff; padding: .4em 0; border-bottom: 1px solid #eee; z-index: 10;
  font: 14px sans-serif; }}
ol.text {{ margin: 0; padding-left: 3.5em; white-space: pre-wrap; }}
ol.text li::marker {{ color: #999; font: 12px monospace; }}
ol.text li:empty::after {{ content: "\\200b"; }}
.edit {{ background: #d8f5d0; border-bottom: 2px solid #3a3; position: relative; cursor: help; padding: 0 1px; }}
.edit.low {{ background: #fff1c2; border-bottom-color: #c90; }}
.flag {{ background: #fde8e8; border-bottom: 2px dotted #c33; cursor: help; position: relative; padding: 0 1px; }}
.edit del, .flag ins, .edit .marks {{ display: none; }}
#show-before:checked ~ .doc .edit del {{ display: inline; color: #a00; margin-right: .15em; }}
#show-before:checked ~ .doc .flag ins {{ display: inline; color: #555; margin-left: .15em; }}
#show-before:checked ~ .doc .flag ins::before {{ content: "→ "; }}
.edit ins, .flag ins {{ text-decoration: none; }}
.edit:hover::after, .flag:hover::after, .edit:focus::after, .flag:focus::after {{ content: attr(data-tip);
  position: absolute; left: 0; top: 1.7em; white-space: pre; background: #222; color: #fff; padding: .3em .5em;
  font: 13px/1.4 monospace; z-index: 20; border-radius: 3px; }}
:target {{ outline: 3px solid #36c; }}
table {{ border-collapse: collapse; font-size: 90%; margin-top: .5em; }}
td, th {{ border: 1px solid #ccc; padding: .15em .5em; vertical-align: top; }}
th {{ background: #f4f4f4; text-align: left; }}
td.before {{ color: #a00; }} td.after {{ color: #070; }} td.code {{ font: 12px monospace; color: #555; }}
tr.proposed td {{ background: #fdf3f3; }}
</style></head><body>
<h1>Repair review</h1>
<p class="legend"><span class="edit">green</span> changed, <span class="edit low">yellow</span> changed with less
certainty, <span class="flag">red dotted</span> a change proposed but not made (below the confidence threshold).
Hover or focus a change for its before → after, the fixer and how sure it is; the table under each
document lists every change by line and column.</p>
<input type="checkbox" id="show-before"><label for="show-before" class="controls"> show the original text beside each
change</label>
{documents}
</body></html>
"""

_ENCODING_LABELS = {
    "utf-8": "UTF-8", "tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows", "viscii": "VISCII", "cp1258": "Windows-1258",
    "viqr": "VIQR", "utf-16": "UTF-16",
}


def _visible(text: str) -> str:
    """`text` for a table cell: '∅' when empty, whitespace shown."""
    if not text:
        return "∅"
    return text.replace(" ", "␣") if text.strip() != text or not text.strip() else text


_LOOK_ALIKE_FIXERS = frozenset(("nfc", "homoglyph", "marks.doubled"))


def _code_points(edit: Edit) -> str:
    """Code points of before and after when they look alike ('ả' decomposed vs composed)."""
    import unicodedata

    look_alike = unicodedata.normalize("NFC", edit.before) == unicodedata.normalize("NFC", edit.after) \
        or any(name in _LOOK_ALIKE_FIXERS for name in edit.fixer.split("+")) \
        or not all(c.isprintable() for c in edit.before + edit.after)
    if not look_alike:
        return ""
    if len(edit.before) == len(edit.after):  # only the characters that differ
        pairs = [(a, b) for a, b in zip(edit.before, edit.after) if a != b]
        return ", ".join(f"U+{ord(a):04X} → U+{ord(b):04X}" for a, b in pairs)
    def points(text: str) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in text)
    return f"{points(edit.before)} → {points(edit.after)}"


def _tip(edit: Edit, applied: bool) -> str:
    state = "" if applied else "proposed, not made\n"
    points = _code_points(edit)
    return (f"{state}before: {edit.before!r}\nafter:  {edit.after!r}\n"
            + (f"{points}\n" if points else "") + f"{edit.fixer} (confidence {edit.confidence:.2f})")


def _render_text(result: RepairResult, doc: int, low_confidence: float) -> str:
    """The repaired text, each edit a highlighted span (flags marked on the unchanged text)."""
    pieces: list[str] = []
    flags = sorted(enumerate(result.flags), key=lambda item: item[1].start)
    cursor = 0

    def plain(start: int, end: int) -> None:
        # unchanged source text, with flagged spans marked
        position = start
        for number, flag in flags:
            if flag.end <= position or flag.start >= end or flag.start < position or flag.end > end:
                continue
            pieces.append(html.escape(result.source[position:flag.start]))
            pieces.append(f'<span class="flag" id="d{doc}f{number}" tabindex="0" '
                          f'data-tip="{html.escape(_tip(flag, False))}">'
                          f"{html.escape(result.source[flag.start:flag.end])}<ins>{html.escape(flag.after)}</ins>"
                          "</span>")
            position = flag.end
        pieces.append(html.escape(result.source[position:end]))

    for number, edit in enumerate(result.edits):
        plain(cursor, edit.start)
        css = "edit low" if edit.confidence < low_confidence else "edit"
        shown = html.escape(edit.after) if edit.after else "∅"
        pieces.append(f'<span class="{css}" id="d{doc}e{number}" tabindex="0" data-tip="{html.escape(_tip(edit, True))}">'
                      f"<del>{html.escape(edit.before)}</del><ins>{shown}</ins></span>")
        cursor = edit.end
    plain(cursor, len(result.source))
    rendered = "".join(pieces)
    if any("\n" in e.before or "\n" in e.after for e in (*result.edits, *result.flags)):
        return f'<ol class="text"><li>{rendered}</li></ol>'  # pragma: no cover - fixers keep line breaks
    lines = rendered.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()  # the file's final line break
    return '<ol class="text">' + "".join(f"<li>{line}</li>" for line in lines) + "</ol>"


def _change_rows(result: RepairResult, doc: int) -> str:
    starts = line_starts(result.source)
    rows = []
    entries = [(e.start, "e", n, e) for n, e in enumerate(result.edits)] + \
              [(f.start, "f", n, f) for n, f in enumerate(result.flags)]
    for _, kind, number, edit in sorted(entries, key=lambda item: (item[0], item[1])):
        line = bisect_right(starts, edit.start)
        column = edit.start - starts[line - 1] + 1
        status = "made" if kind == "e" else "proposed"
        rows.append(
            f'<tr class="{status}"><td><a href="#d{doc}{kind}{number}">{line}:{column}</a></td>'
            f'<td class="before">{html.escape(_visible(edit.before))}</td>'
            f'<td class="after">{html.escape(_visible(edit.after))}</td>'
            f"<td>{html.escape(edit.fixer)}</td><td>{edit.confidence:.2f}</td><td>{status}</td>"
            f'<td class="code">{html.escape(_code_points(edit))}</td></tr>')
    return "".join(rows)


def _summary(result: RepairResult) -> str:
    by_fixer: dict[str, int] = {}
    for edit in result.edits:
        by_fixer[edit.fixer] = by_fixer.get(edit.fixer, 0) + 1
    parts = ", ".join(f"{html.escape(name)} {count}" for name, count in sorted(by_fixer.items(), key=lambda i: -i[1]))
    return (f"{len(result.edits)} changes made" + (f" ({parts})" if parts else "")
            + f"; {len(result.flags)} proposed for review, not made")


def review_page(documents: Sequence[ReviewedDocument], low_confidence: float = 0.9) -> str:
    """A self-contained HTML page showing every document with each change highlighted and listed."""
    blocks = []
    for doc, reviewed in enumerate(documents):
        result = reviewed.result
        label = _ENCODING_LABELS.get(reviewed.encoding, reviewed.encoding)
        read_as = (f"read as {html.escape(label)}" if reviewed.encoding in ("utf-8", "ascii") else
                   f"<strong>read as {html.escape(label)}</strong>: the whole file was converted to Unicode "
                   "before the changes below")
        rows = _change_rows(result, doc)
        many = len(result.edits) + len(result.flags) > 200
        table = (f"<details{'' if many else ' open'}><summary>every change, by line:column</summary><table>"
                 "<tr><th>line:col</th><th>before</th><th>after</th><th>fixer</th><th>confidence</th><th>status</th>"
                 f"<th>code points (look-alikes)</th></tr>{rows}</table></details>" if rows else
                 "<p>No changes.</p>")
        blocks.append(
            f'<section class="doc"><h2>{html.escape(reviewed.name)}</h2>'
            f'<p class="summary">{read_as}; {_summary(result)}</p>'
            f"{_render_text(result, doc, low_confidence)}{table}</section>")
    # sections follow the checkbox so that its CSS (#show-before:checked ~ .doc) reaches them
    return _PAGE.format(documents="\n".join(blocks))
