"""Fetch one page as pixels: a PDF page through poppler (pdf2image, one page at a time, so a
long PDF never sits in memory whole), or one frame of an image file (multi-page TIFF too)."""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
from PIL import Image, ImageOps

from sohoa.errors import InputError
from sohoa.ingest.records import PageSource

MAX_PIXELS = 180_000_000  # ~ A0 at 300 DPI; beyond that a page is a mistake or a bomb


def load_page(source: PageSource, timeout: float | None = None) -> tuple[np.ndarray, int]:
    """(RGB or grey uint8 array, dpi) of one page."""
    if source.kind == "pdf":
        return _pdf_page(source, timeout), source.dpi
    if source.kind == "image":
        return _image_frame(source)
    raise ValueError(f"cannot rasterise a {source.kind!r} page")


def _pdf_page(source: PageSource, timeout: float | None) -> np.ndarray:
    """The page at `source.dpi`. A scanned page whose picture has fewer pixels than that is
    drawn at the picture's own resolution and enlarged with Lanczos resampling: poppler's own
    enlargement of a 100-200 ppi scan blurs the tone marks that Tesseract must tell apart
    (see `scan_resolution`)."""
    native = scan_resolution(source.path, source.page, timeout)
    if native and native < source.dpi * 0.95:
        pixels = _render(source, native, timeout)
        scale = source.dpi / native
        return cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
    return _render(source, source.dpi, timeout)


def scan_resolution(path: str, page: int, timeout: float | None = None) -> int | None:
    """The resolution (ppi) of the scan a PDF page is drawn from: its largest picture, when that
    holds a quarter of a megapixel at least (a page-sized scan, not a logo); None for a born-digital page.

    Measured on real 100 and 200 ppi portal scans against hand-made gold text, Tesseract read
    the picture at its own pixels enlarged with Lanczos with fewer errors than poppler's
    rendering of the same page at 300 dpi (bench/realscans_bench.py)."""
    try:
        listing = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), path],
                                 capture_output=True, timeout=timeout, check=True).stdout.decode("utf-8", "replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError):
        return None
    best, best_pixels = None, 250_000
    for line in listing.splitlines()[2:]:
        cols = line.split()
        if len(cols) < 14 or cols[2] != "image":
            continue
        try:
            pixels, ppi = int(cols[3]) * int(cols[4]), min(float(cols[12]), float(cols[13]))
        except ValueError:
            continue
        if pixels >= best_pixels and ppi > 0:
            best, best_pixels = int(round(ppi)), pixels
    return best


def _render(source: PageSource, dpi: int, timeout: float | None) -> np.ndarray:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    try:
        images = convert_from_path(source.path, dpi=dpi, first_page=source.page, last_page=source.page,
                                   thread_count=1, timeout=timeout)
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputError(f"corrupt PDF: page {source.page} cannot be rendered ({exc})") from exc
    if not images:
        raise InputError(f"corrupt PDF: page {source.page} rendered to nothing")
    return _as_array(images[0])


def _image_frame(source: PageSource) -> tuple[np.ndarray, int]:
    try:
        with Image.open(source.path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise InputError(f"huge image: {image.width}×{image.height} pixels exceeds the limit of "
                                 f"{MAX_PIXELS // 1_000_000} megapixels")
            image.seek(source.page - 1)
            dpi = image.info.get("dpi", (source.dpi, source.dpi))[0] or source.dpi
            # phone and camera pictures store their orientation as a tag, not in the pixels
            upright = ImageOps.exif_transpose(image) if image.format in ("JPEG", "MPO", "TIFF", "PNG") else image
            return _as_array(upright), int(round(float(dpi)))
    except (OSError, Image.DecompressionBombError) as exc:
        raise InputError(f"unreadable image: {exc}") from exc


def _as_array(image: Image.Image) -> np.ndarray:
    if image.mode in ("L", "RGB"):
        return np.asarray(image).copy()
    if image.mode in ("1", "I;16", "I", "F"):
        return np.asarray(image.convert("L")).copy()
    return np.asarray(image.convert("RGB")).copy()
