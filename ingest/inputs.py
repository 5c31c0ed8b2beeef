"""Find the documents under the user's inputs and check each one before any page work starts.

Every problem found here is a readable reason that ends up in manifest.jsonl; the batch goes on
with the other documents.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from sohoa.errors import InputError

PDF_SUFFIXES = {".pdf"}
# what archives and scanners write: JPEG 2000 (digitised collections), PNM (scanning tools), GIF, WebP
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".jp2", ".j2k", ".jpf", ".jpx",
                  ".pbm", ".pgm", ".ppm", ".pnm", ".gif", ".webp"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED = PDF_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES
READ_TYPES = "use PDF, an image (PNG, JPEG, TIFF, JPEG 2000, BMP, GIF, WebP, PNM) or .txt"


@dataclass(frozen=True)
class InputDocument:
    """One input file, named and fingerprinted; `pages` is 0 until probed.

    `page_sizes`: each PDF page's (width, height) in points, when known; `password`: the PDF's
    user password given with --password (never written anywhere)."""

    doc_id: str
    path: str
    kind: str  # 'pdf' | 'image' | 'text' | 'unsupported'
    sha256: str
    pages: int = 0
    page_sizes: tuple[tuple[float, float], ...] = ()
    password: str | None = field(default=None, repr=False)
    read_from: str | None = None  # a decrypted copy of `path`, when one was needed

    @property
    def readable_path(self) -> str:
        return self.read_from or self.path


@dataclass(frozen=True)
class FoundFile:
    """A file to process and the input (file or folder) it was found under."""

    path: Path
    root: Path  # the folder given by the user, or the file itself when given directly


def discover(inputs: list[str], exclude: Path | None = None) -> list[Path]:
    """Files named directly, plus supported files under folders (recursive, sorted, hidden skipped)."""
    return [found.path for found in discover_files(inputs, exclude)]


def discover_files(inputs: list[str], exclude: Path | None = None) -> list[FoundFile]:
    """Like `discover`, keeping the input each file came from. Nothing at or under `exclude`
    (the output folder) is ever taken, so a run's own outputs never become inputs."""
    return input_listing(inputs, exclude)[0]


def left_out_files(inputs: list[str], exclude: Path | None = None) -> list[Path]:
    """Files inside the input folders that `discover_files` leaves out for their type (hidden
    files and folders aside): a batch says how many, so that a folder's .docx or .xls is not
    missed unnoticed."""
    return input_listing(inputs, exclude)[1]


def input_listing(inputs: list[str], exclude: Path | None = None) -> tuple[list[FoundFile], list[Path]]:
    """(`discover_files`, `left_out_files`) of the same inputs, each folder walked once."""
    found: list[FoundFile] = []
    left_out: list[Path] = []
    seen: set[Path] = set()
    fence = _fence(exclude) if exclude is not None else None
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            candidates = []
            for p in _visible_files(path, fence):
                if _inside(p, fence):
                    continue  # an input folder that is the output folder: the run's own files
                (candidates if p.suffix.lower() in SUPPORTED else left_out).append(p)
        else:
            candidates = [] if _inside(path, fence) else [path]
        for candidate in candidates:
            resolved = _resolved(candidate)
            if resolved not in seen and not _inside(resolved, fence):
                seen.add(resolved)
                found.append(FoundFile(candidate, path))
    return found, left_out


def _visible_files(folder: Path, fence: tuple[Path, ...] | None) -> list[Path]:
    """The files under `folder` (`_walk`), sorted, but those in or under a hidden name."""
    return sorted(p for p in _walk(folder, fence) if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: the file is reported as unreadable later
        return Path(os.path.abspath(path))


def _fence(out: Path) -> tuple[Path, ...]:
    """The output folder as written and as it resolves: given through a link, its files are
    reached by either path, and never one of them is an input."""
    return tuple(dict.fromkeys((Path(os.path.abspath(out)), _resolved(Path(out)))))


def _inside(path: Path, fence: tuple[Path, ...] | None) -> bool:
    if fence is None:
        return False
    absolute = Path(os.path.abspath(path))
    return any(absolute == folder or folder in absolute.parents for folder in fence)


def _walk(folder: Path, fence: tuple[Path, ...] | None):
    """Regular files under `folder`, following folder links but entering each real folder once
    (a link loop cannot make the walk endless), never descending into `fence`."""
    visited: set[tuple[int, int]] = set()
    for current, dirs, files in os.walk(folder, onerror=lambda exc: None, followlinks=True):
        here = Path(current)
        try:
            stat = here.stat()
        except OSError:
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in visited:
            dirs[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirs[:] = [d for d in dirs if not _inside(here / d, fence) and not _inside(_resolved(here / d), fence)]
        for name in files:
            candidate = here / name
            # a link to nothing (or to itself) is yielded too: the batch reports it as unreadable
            if candidate.is_file() or candidate.is_symlink():
                yield candidate


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "unsupported"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ doc_ids
SEPARATOR = "__"  # joins the folders of a nested file: 'sub/report.pdf' → 'sub__report'
MAX_ID_BYTES = 120  # longer ids are cut and end in a hash of the whole name (file names stop at 255 bytes)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def source_key(path: str | Path) -> str:
    """The identity of an input across runs: its absolute path (as stored: an NFC and an NFD
    spelling are two files)."""
    return os.path.abspath(path)


def _clean_part(part: str) -> str:
    part = _UNSAFE.sub("_", unicodedata.normalize("NFC", part)).strip(" .")
    return part


def preferred_id(path: Path, root: Path) -> str:
    """The doc_id a file asks for: its stem when it is the input itself or directly inside the
    input folder, else its path below that folder joined with SEPARATOR; NFC, without path
    separators or control characters, no leading dot, at most MAX_ID_BYTES bytes."""
    if path == root:
        parts = [path.stem]
    else:
        relative = path.relative_to(root)
        parts = [*relative.parts[:-1], relative.stem] if relative.parts else [path.stem]
    cleaned = [c for c in (_clean_part(p) for p in parts) if c]
    doc_id = SEPARATOR.join(cleaned) or "document"
    return _capped(doc_id, doc_id)


def _capped(doc_id: str, whole: str) -> str:
    if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
        return doc_id
    head = doc_id.encode("utf-8")[: MAX_ID_BYTES - 9].decode("utf-8", errors="ignore").rstrip(" .")
    return f"{head}-{_short_hash(whole)}"


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def name_documents(paths: list[Path] | list[FoundFile], known: dict[str, str] | None = None,
                   password: str | None = None, occupied: set[str] | frozenset[str] = frozenset(),
                   gone: dict[str, list[str]] | None = None) -> list[InputDocument]:
    """Name every input: `preferred_id`, unless another source already holds that id (in
    `known`, source_key → doc_id from earlier runs into the same output folder, or earlier in
    this run) or a name in the output folder that is no document of it holds it (`occupied`:
    the run's own files, 'manifest.jsonl', and whatever else the user keeps there): then the id
    ends in a hash of the source's path ('report-1a2b3c4d'). A source named in an earlier run
    keeps its id, whatever else is in the run. A source that moved (`gone`: sha256 → doc_ids
    of earlier runs' inputs no longer where they were) keeps the id it had where its content
    and its preferred id are the same: an archive folder moved or reached by another path is
    not read again, nor are its documents written twice."""
    known = dict(known or {})
    gone = {digest: list(ids) for digest, ids in (gone or {}).items()}
    taken: dict[str, str] = {doc_id.lower(): key for key, doc_id in known.items()}
    for name in occupied:
        taken.setdefault(name.lower(), "")  # no source's: every source gets another id
    documents = []
    for item in paths:
        found = item if isinstance(item, FoundFile) else FoundFile(Path(item), Path(item))
        key = source_key(found.path)
        try:
            # a pipe or device would block the read or never end: probe says what it is
            digest = sha256_of(found.path) if found.path.is_file() else ""
        except OSError:
            digest = ""
        doc_id = known.get(key)
        if doc_id is None:
            doc_id = preferred_id(found.path, found.root)
            moved = [d for d in gone.get(digest, ()) if d == doc_id or d.startswith(f"{doc_id}-")]
            if digest and moved:
                doc_id = moved[0]
                gone[digest].remove(doc_id)
            elif taken.get(doc_id.lower(), key) != key:
                doc_id = _capped(f"{doc_id}-{_short_hash(key)}", key)
            known[key] = doc_id
            taken[doc_id.lower()] = key
        documents.append(InputDocument(doc_id, str(found.path), kind_of(found.path), digest, password=password))
    return documents


def count_pages(document: InputDocument) -> int:
    """Open the document just enough to count its pages; InputError with the reason if it cannot."""
    return probe(document).pages


def probe(document: InputDocument, work_dir: Path | None = None, max_pixels: int | None = None) -> InputDocument:
    """The document with its pages counted (and a PDF's page sizes); InputError with the reason if
    it cannot be opened. A PDF that opens only with the user's --password is copied decrypted
    into `work_dir` (a private folder of the run), where the page workers read it."""
    path = Path(document.path)
    try:
        status = path.stat()
        size = status.st_size
    except OSError as exc:
        if path.is_symlink():
            target = os.readlink(path)
            what = "a link that leads back to itself" if exc.errno == errno.ELOOP else "a link to nothing"
            raise InputError(f"{what} ({path.name} → {target}); no document to read",
                             hint="point the link at the document, or remove it") from exc
        raise InputError(f"cannot read the file ({exc.strerror})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise InputError("not a regular file (a pipe, socket or device); no document to read")
    if size == 0:
        raise InputError("empty file (0 bytes)")
    if document.kind == "unsupported":
        raise InputError(f"unsupported file type '{path.suffix}' ({READ_TYPES})")
    if document.kind == "text":
        return replace(document, pages=1)
    if document.kind == "pdf":
        return _probe_pdf(document, path, work_dir)
    return replace(document, pages=_image_frames(path, max_pixels))


def _probe_pdf(document: InputDocument, path: Path, work_dir: Path | None) -> InputDocument:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair chatter is not for users

    with open(path, "rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise InputError("corrupt PDF: no PDF header (the file is not a PDF or is damaged)")
    read_from = None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            read_from = _open_encrypted(reader, document, work_dir)
        pages = len(reader.pages)
        sizes = tuple(_page_size(page) for page in reader.pages)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for damaged files
        raise InputError(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    if pages == 0:
        raise InputError("corrupt PDF: it has no pages")
    if read_from is None and work_dir is not None and not _poppler_opens(path):
        read_from = _repaired_copy(path, document, work_dir)
    return replace(document, pages=pages, page_sizes=sizes, read_from=read_from)


def _poppler_opens(path: Path) -> bool:
    """Whether poppler, which draws the pages, can open the PDF at all (pypdf, which counted
    them, mends more kinds of damage: a cross-reference table at the wrong offset)."""
    import subprocess

    try:
        return subprocess.run(["pdfinfo", str(path)], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return True  # no verdict: the pages are drawn from the file itself, as before


def _repaired_copy(path: Path, document: InputDocument, work_dir: Path) -> str | None:
    """A copy of a damaged PDF rewritten by qpdf (pikepdf), which rebuilds its cross-reference
    table, in the run's private `work_dir`; None where qpdf cannot read it either (poppler's
    own error then says why its pages cannot be drawn)."""
    import pikepdf

    copy = Path(work_dir) / f"{hashlib.sha1(document.path.encode('utf-8')).hexdigest()}-repaired.pdf"
    try:
        with pikepdf.open(path) as pdf:
            pdf.save(copy)
    except Exception:  # noqa: BLE001 - qpdf raises many types for damaged files
        copy.unlink(missing_ok=True)
        return None
    return str(copy) if _poppler_opens(copy) else None


def _open_encrypted(reader, document: InputDocument, work_dir: Path | None) -> str | None:
    """Decrypt as poppler does: an empty user password opens a PDF that has only an owner
    password (nothing to copy); else the user's --password, and a decrypted copy is made."""
    from pypdf import PdfWriter
    from pypdf.errors import DependencyError

    hint = "give it with --password, or decrypt it first: qpdf --decrypt --password=… in.pdf out.pdf"
    try:
        if reader.decrypt(""):
            return None
        if document.password is None:
            raise InputError("encrypted PDF: a password is needed to open it", hint=hint)
        if not reader.decrypt(document.password):
            raise InputError("encrypted PDF: the password given with --password does not open it", hint=hint)
    except DependencyError as exc:
        raise InputError(f"encrypted PDF: its encryption is not supported here ({exc})") from exc
    except NotImplementedError as exc:
        raise InputError(f"encrypted PDF: unsupported encryption ({exc})") from exc
    if work_dir is None:
        raise InputError("encrypted PDF: a password is needed to open it", hint=hint)
    writer = PdfWriter(clone_from=reader)
    copy = Path(work_dir) / f"{hashlib.sha1(document.path.encode('utf-8')).hexdigest()}.pdf"
    with open(copy, "wb") as handle:
        writer.write(handle)
    return str(copy)


def _page_size(page) -> tuple[float, float]:
    """A page's (width, height) in points, as poppler renders it (crop box, user unit)."""
    box = page.cropbox
    unit = float(page.get("/UserUnit", 1) or 1)
    return abs(float(box.width)) * unit, abs(float(box.height)) * unit


def page_pixels(size: tuple[float, float], dpi: int) -> tuple[int, int]:
    """The pixels a page of `size` points becomes at `dpi`."""
    return int(round(size[0] * dpi / 72)), int(round(size[1] * dpi / 72))


def _image_frames(path: Path, max_pixels: int | None = None) -> int:
    from PIL import Image

    from sohoa.ingest.rasterize import MAX_PIXELS, open_image, page_frames

    limit = max_pixels or MAX_PIXELS
    try:
        with open_image(path, limit) as image:
            if image.width * image.height > limit:
                raise InputError(f"huge image: {image.width}×{image.height} pixels exceeds the limit of "
                                 f"{limit / 1_000_000:g} megapixels (--max-megapixels)")
            return len(page_frames(image))
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        raise InputError(f"huge image: {exc}", hint="a larger --max-megapixels lets it through") from exc
    except Exception as exc:  # noqa: BLE001 - PIL raises many types for broken files
        raise InputError(f"unreadable image: {exc}") from exc
