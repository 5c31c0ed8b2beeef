"""The body of `sohoa repair`: read inputs, repair them, write text / JSON / explanations / HTML."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from sohoa.diacritics.encodings import decode_bytes
from sohoa.diacritics.pipeline import repair
from sohoa.diacritics.records import Edit, RepairResult
from sohoa.diacritics.review import ReviewedDocument, explain_lines, line_starts, review_page
from sohoa.errors import InputError

_BYTE_ENCODINGS = ("tcvn3", "vni", "viscii", "cp1258")


@dataclass(frozen=True)
class RepairOptions:
    explain: bool = False
    fmt: str = "text"
    html_path: str | None = None
    encoding: str | None = None
    tone_style: str = "keep"
    min_confidence: float = 0.5
    restore: bool = True


def _read(path: str, encoding: str | None) -> tuple[str, str]:
    """Text of one input and the encoding it was read in."""
    if path == "-":
        data = click.open_file("-", "rb").read()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if encoding in _BYTE_ENCODINGS:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode_bytes(data, encoding)
            return decoded.text, decoded.encoding
        return text, "utf-8"  # already Unicode: the forced encoding applies to the text
    decoded = decode_bytes(data, "utf-8" if encoding == "utf-8" else None)
    return decoded.text, decoded.encoding


def _line_results(result: RepairResult) -> list[tuple[str, list[Edit], list[Edit]]]:
    """Split a whole-text result into (line, edits, flags) with offsets relative to each line."""
    source_starts = line_starts(result.source)
    lines = result.text.split("\n")
    per_line: list[tuple[list[Edit], list[Edit]]] = [([], []) for _ in source_starts]
    from bisect import bisect_right

    for index, edits in ((0, result.edits), (1, result.flags)):
        for edit in edits:
            number = bisect_right(source_starts, edit.start) - 1
            base = source_starts[number]
            per_line[number][index].append(Edit(edit.start - base, edit.end - base, edit.before, edit.after,
                                                edit.fixer, edit.confidence))
    return [(line, *per_line[i]) for i, line in enumerate(lines)]


def _repair_text(text: str, options: RepairOptions) -> RepairResult:
    kwargs = dict(tone_style=options.tone_style, min_confidence=options.min_confidence,
                  encoding=None if options.encoding in (None, "utf-8") else options.encoding, restore=options.restore)
    result = repair(text, **kwargs)
    if result.text.count("\n") != text.count("\n"):  # pragma: no cover - fixers never touch line breaks
        raise RuntimeError("repair changed the number of lines")
    return result


def run_repair(paths: list[str], output: str, options: RepairOptions) -> None:
    """Repair every input in `paths` and write the results to `output` ('-' for stdout)."""
    documents: list[ReviewedDocument] = []
    to_stdout = output == "-"
    sink = click.open_file("-", "w", encoding="utf-8") if to_stdout else open(output, "w", encoding="utf-8", newline="")
    try:
        for path in paths:
            name = "<stdin>" if path == "-" else path
            text, encoding = _read(path, options.encoding)
            if encoding != "utf-8":
                click.echo(f"{name}: read as {encoding}", err=True)
            result = _repair_text(text, options)
            documents.append(ReviewedDocument(name, result, encoding))
            if options.fmt == "json":
                for number, (line, edits, flags) in enumerate(_line_results(result), start=1):
                    if number == len(result.text.split("\n")) and line == "" and text.endswith("\n"):
                        break
                    sink.write(json.dumps({"file": name, "line": number, "text": line,
                                           "edits": [e.to_dict() for e in edits],
                                           "flags": [e.to_dict() for e in flags]}, ensure_ascii=False) + "\n")
            else:
                sink.write(result.text)
                if not result.text.endswith("\n") and result.text:
                    sink.write("\n")
            if options.explain:
                for line in explain_lines(name, result):
                    click.echo(line, err=to_stdout, file=None if to_stdout else sys.stdout)
        sink.flush()
    finally:
        if not to_stdout:
            sink.close()
    if options.html_path:
        Path(options.html_path).write_text(review_page(documents), encoding="utf-8")
        click.echo(f"review page: {options.html_path}", err=True)
