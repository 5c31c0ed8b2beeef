"""Fetch one page as pixels: a PDF page through poppler (pdf2image, one page at a time, so a
long PDF never sits in memory whole), or one frame of an image file (multi-page TIFF too)."""

from __future__ import annotations

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
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    try:
        images = convert_from_path(source.path, dpi=source.dpi, first_page=source.page, last_page=source.page,
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
