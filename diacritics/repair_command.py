"""The body of `sohoa repair`: read inputs, repair them, write text / JSON / explanations / HTML."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import click

from sohoa.diacritics.chunked import joined, repair_in_chunks
from sohoa.diacritics.encodings import decode_bytes
from sohoa.diacritics.pipeline import repair
from sohoa.diacritics.records import Edit, RepairResult
from sohoa.diacritics.review import ReviewedDocument, explain_lines, line_starts, review_page
from sohoa.errors import InputError, UsageError

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


BLOCK_LINES = 256  # lines repaired together: context for the fixers, bounded memory and output as it goes
BLOCK_BYTES = 256 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


def _open(path: str):
    if path == "-":
        return click.open_file("-", "rb")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def _blocks(handle) -> Iterator[bytes]:
    """The input as blocks of whole lines (at most BLOCK_LINES lines or about BLOCK_BYTES bytes;
    a longer line is a block of its own). A UTF-16 input (it has a BOM) is one block: its line
    breaks are not single bytes."""
    first = handle.readline()
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield first + handle.read()
        return
    block, size = [first] if first else [], len(first)
    for line in iter(handle.readline, b""):
        if block and (len(block) >= BLOCK_LINES or size + len(line) > BLOCK_BYTES):
            yield b"".join(block)
            block, size = [], 0
        block.append(line)
        size += len(line)
    if block:
        yield b"".join(block)


class _Decoder:
    """Bytes → text, block by block. The encoding is detected on the first block with non-ASCII
    bytes and kept for the rest; in UTF-8 input, undecodable bytes are replaced (U+FFFD) in
    their line only, with a warning on stderr."""

    def __init__(self, name: str, forced: str | None):
        self.name, self.forced = name, forced
        self.encoding: str | None = "utf-8" if forced == "utf-8" else None
        self.first = True
        self.from_legacy_bytes = False  # the last block was decoded from a legacy encoding's bytes
        self.bom = False  # a UTF-8 input that opens with a byte order mark

    def decode(self, data: bytes, first_line: int) -> str:
        text = self._decode(data, first_line)
        self.from_legacy_bytes = self.encoding not in (None, "utf-8", "utf8-mojibake")
        return text

    def _decode(self, data: bytes, first_line: int) -> str:
        if self.first:
            self.first = False
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.encoding = "utf-16"
                return self._said(decode_bytes(data).text)
            if data.startswith(UTF8_BOM):
                data = data[len(UTF8_BOM):]
                self.bom = True
        if self.forced in _BYTE_ENCODINGS:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return self._said(decode_bytes(data, self.forced).text, self.forced)
            self.encoding = None  # valid UTF-8: the legacy text in it is mojibake, for the fixers to undo
            return text
        if self.encoding is None:
            if data.isascii():
                decoded = decode_bytes(data)
                if decoded.encoding == "utf-8":
                    return decoded.text  # nothing to tell encodings apart yet
                self.encoding = decoded.encoding
                return self._said(decoded.text)
            try:
                decoded = decode_bytes(data)
            except InputError:
                self.encoding = "utf-8"  # neither UTF-8 nor a legacy encoding: keep what reads
            else:
                self.encoding = decoded.encoding
                if decoded.replaced_lines:  # UTF-8 with a few stray bytes: said line by line
                    return self._utf8(data, first_line)
                return self._said(decoded.text)
        if self.encoding in ("utf-8", "utf8-mojibake"):
            return self._utf8(data, first_line)
        if self.encoding == "viqr":
            return decode_bytes(self._utf8(data, first_line).encode("utf-8"), "viqr").text
        return decode_bytes(data, self.encoding).text

    def _utf8(self, data: bytes, first_line: int) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        lines = data.split(b"\n")
        for number, line in enumerate(lines, start=first_line):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                click.echo(f"{self.name}:{number}: invalid UTF-8 byte(s) at column {exc.start + 1} "
                           "replaced by U+FFFD", err=True)
        return data.decode("utf-8", errors="replace")

    def _said(self, text: str, encoding: str | None = None) -> str:
        if encoding:
            self.encoding = encoding
        if self.encoding not in (None, "utf-8"):
            click.echo(f"{self.name}: read as {self.encoding}", err=True)
        return text


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


def _repair_text(text: str, options: RepairOptions, decoded: bool = False) -> RepairResult:
    """`decoded`: the text was decoded from the legacy encoding's bytes already; a forced
    encoding is then not applied to it a second time."""
    forced = None if decoded or options.encoding in (None, "utf-8") else options.encoding
    kwargs = dict(tone_style=options.tone_style, min_confidence=options.min_confidence,
                  encoding=forced, restore=options.restore)
    result = repair_in_chunks(text, repair, **kwargs)
    if result.text.count("\n") != text.count("\n"):  # pragma: no cover - fixers never touch line breaks
        raise RuntimeError("repair changed the number of lines")
    return result


def run_repair(paths: list[str], output: str, options: RepairOptions) -> None:
    """Repair every input in `paths` and write the results to `output` ('-' for stdout).

    Streams: each input is read, repaired and written a block of lines at a time, so memory
    stays bounded however long the input (except with --html, whose page shows whole texts)."""
    documents: list[ReviewedDocument] = []
    to_stdout = output == "-"
    # a place that cannot be written is said before any work, not after it
    for target, option in ((None if to_stdout else output, "-o"), (options.html_path, "--html")):
        if target is not None:
            check_writable(Path(target), option)
    # a file is written beside its place and moved there once whole: the output may be one of
    # the inputs (repair in place), and an interrupted run leaves the old file, not half a new one
    partial = None if to_stdout else _partial_beside(Path(output))
    sink = click.open_file("-", "w", encoding="utf-8") if to_stdout else open(partial, "w", encoding="utf-8", newline="")
    finished = False
    output_state = _TextOutput(sink, to_stdout)
    try:
        for path in paths:
            name = "<stdin>" if path == "-" else path
            handle = _open(path)
            decoder = _Decoder(name, options.encoding)
            kept: list[RepairResult] = []
            first_line = 1
            try:
                for block in _blocks(handle):
                    text = decoder.decode(block, first_line)
                    result = _repair_text(text, options, decoded=decoder.from_legacy_bytes)
                    if options.fmt == "json":
                        _write_json(sink, name, result, first_line)
                    else:
                        output_state.write(result.text, bom=decoder.bom)
                    if options.explain:
                        for line in explain_lines(name, result, first_line):
                            click.echo(line, err=to_stdout, file=None if to_stdout else sys.stdout)
                    sink.flush()
                    if options.html_path:
                        kept.append(result)
                    first_line += text.count("\n")
            finally:
                if path != "-":
                    handle.close()
            if options.html_path:
                documents.append(ReviewedDocument(name, joined(kept) if kept else RepairResult("", ""),
                                                  decoder.encoding or "utf-8"))
        output_state.close()
        sink.flush()
        finished = True
    finally:
        if not to_stdout:
            sink.close()
            if finished:
                os.replace(partial, output)
            else:
                partial.unlink(missing_ok=True)
    if options.html_path:
        Path(options.html_path).write_text(review_page(documents), encoding="utf-8")
        click.echo(f"review page: {options.html_path}", err=True)


def check_writable(target: Path, option: str) -> None:
    """A UsageError where `target`'s folder does not exist or cannot be written."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option} {target}: the folder {folder} does not exist", hint="create it, or choose another path")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(f"{option} {target}: cannot be written", hint="choose a path you can write")


def _partial_beside(output: Path) -> Path:
    """A new, empty file in `output`'s folder to write it in, readable as a file the user
    creates is (mkstemp's are the owner's alone)."""
    descriptor, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    os.close(descriptor)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)


def _write_json(sink, name: str, result: RepairResult, first_line: int) -> None:
    lines = _line_results(result)
    if result.source.endswith("\n"):
        lines = lines[:-1]  # the empty rest after the last line break
    for number, (line, edits, flags) in enumerate(lines, start=first_line):
        sink.write(json.dumps({"file": name, "line": number, "text": line,
                               "edits": [e.to_dict() for e in edits],
                               "flags": [e.to_dict() for e in flags]}, ensure_ascii=False) + "\n")


class _TextOutput:
    """The repaired text as written, byte for byte where nothing was repaired: a UTF-8 byte order
    mark opening the output's first input opens the output (an output file, not a pipe), and a
    last line without a line break stays so; only when another text follows it does it get one,
    so that two inputs never run into one line."""

    def __init__(self, sink, to_stdout: bool):
        self.sink, self.to_stdout = sink, to_stdout
        self.started = False
        self.line_open = False

    def write(self, text: str, *, bom: bool = False) -> None:
        if not text:
            return
        if not self.started and bom and not self.to_stdout:
            self.sink.write(UTF8_BOM.decode("utf-8"))
        if self.line_open:
            self.sink.write("\n")
        self.sink.write(text)
        self.started = True
        self.line_open = not text.endswith("\n")

    def close(self) -> None:
        """On a pipe every line ends with a line break, as line tools expect."""
        if self.line_open and self.to_stdout:
            self.sink.write("\n")
            self.line_open = False
