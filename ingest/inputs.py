"""Find the documents under the user's inputs and check each one before any page work starts.

Every problem found here is a readable reason that ends up in manifest.jsonl; the batch goes on
with the other documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import InputError

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED = PDF_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES


@dataclass(frozen=True)
class InputDocument:
    """One input file, named and fingerprinted; `pages` is 0 until probed."""

    doc_id: str
    path: str
    kind: str  # 'pdf' | 'image' | 'text' | 'unsupported'
    sha256: str
    pages: int = 0


def discover(inputs: list[str]) -> list[Path]:
    """Files named directly, plus supported files under folders (recursive, sorted, hidden skipped)."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in SUPPORTED
                                and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            candidates = [path]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(candidate)
    return found


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


def name_documents(paths: list[Path]) -> list[InputDocument]:
    """doc_id = file stem, made unique within the run ('report', 'report-2', ...)."""
    used: set[str] = set()
    documents = []
    for path in paths:
        stem = path.stem or "document"
        doc_id, n = stem, 1
        while doc_id.lower() in used:
            n += 1
            doc_id = f"{stem}-{n}"
        used.add(doc_id.lower())
        try:
            digest = sha256_of(path)
        except OSError:
            digest = ""
        documents.append(InputDocument(doc_id, str(path), kind_of(path), digest))
    return documents


def count_pages(document: InputDocument) -> int:
    """Open the document just enough to count its pages; InputError with the reason if it cannot."""
    path = Path(document.path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})") from exc
    if size == 0:
        raise InputError("empty file (0 bytes)")
    if document.kind == "unsupported":
        raise InputError(f"unsupported file type '{path.suffix}' (use PDF, PNG, JPEG, TIFF or .txt)")
    if document.kind == "text":
        return 1
    if document.kind == "pdf":
        return _pdf_pages(path)
    return _image_frames(path)


def _pdf_pages(path: Path) -> int:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair chatter is not for users

    with open(path, "rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise InputError("corrupt PDF: no PDF header (the file is not a PDF or is damaged)")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported crypto
                opened = 0
            if not opened:
                raise InputError("encrypted PDF: a password is needed to open it",
                                 hint="decrypt it first, e.g. qpdf --decrypt --password=… in.pdf out.pdf")
        pages = len(reader.pages)
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise InputError(f"corrupt PDF: {exc}") from exc
    if pages == 0:
        raise InputError("corrupt PDF: it has no pages")
    return pages


def _image_frames(path: Path) -> int:
    from PIL import Image

    from sohoa.ingest.rasterize import MAX_PIXELS

    Image.MAX_IMAGE_PIXELS = None  # we apply our own, clearer limit below
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise InputError(f"huge image: {image.width}×{image.height} pixels exceeds the limit of "
                                 f"{MAX_PIXELS // 1_000_000} megapixels")
            return int(getattr(image, "n_frames", 1))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - PIL raises many types for broken files
        raise InputError(f"unreadable image: {exc}") from exc
