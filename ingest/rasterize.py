"""Fetch one page as pixels: a PDF page through poppler (pdf2image, one page at a time, so a
long PDF never sits in memory whole), or one frame of an image file (multi-page TIFF too).

Every image mode becomes 8-bit grey or RGB without losing the picture: 16- and 32-bit grey is
scaled (not clipped) to 8 bits, transparency is laid on white paper. A stored resolution no
scanner writes (Pillow's default of 1 dpi, 72 dpi on a page-sized bitmap) is replaced by one
estimated from the page size, with a note, since sizes in the layout and tables follow it.
"""

from __future__ import annotations

import subprocess
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from sohoa.errors import InputError
from sohoa.ingest.geometry import ink_blobs, weighted_median
from sohoa.ingest.records import PageSource, PageWarning, WarningCode

MAX_PIXELS = 180_000_000  # ~ A0 at 300 DPI; beyond that a page is a mistake or a bomb
MIN_SIDE = 16  # pixels: a smaller picture cannot hold a line of text
PLAUSIBLE_DPI = (100, 1200)
A4_LONG_SIDE_INCHES = 11.69


def load_page(source: PageSource, timeout: float | None = None, max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, int]:
    """(RGB or grey uint8 array, dpi) of one page."""
    pixels, dpi, _ = load_page_noted(source, timeout, max_pixels)
    return pixels, dpi


def load_page_noted(source: PageSource, timeout: float | None = None, max_pixels: int = MAX_PIXELS,
                    picture_only: bool = False) -> tuple[np.ndarray, int, tuple[PageWarning, ...]]:
    """`load_page` plus notes for the user (a resolution that was estimated).

    `picture_only` draws a scanned PDF page without the text and signature widgets laid over its
    picture (see `picture_only_page`)."""
    if source.kind == "pdf":
        with allowing_pixels(max_pixels):  # a map's page may exceed Pillow's own limit, not the user's
            pixels, dpi, notes = _pdf_page(source, timeout, picture_only), source.dpi, ()
    elif source.kind == "image":
        pixels, dpi, notes = _image_frame(source, max_pixels)
    else:
        raise ValueError(f"cannot rasterise a {source.kind!r} page")
    scale, height = text_scale(pixels)
    if scale > 1.0 and pixels.shape[0] * pixels.shape[1] * scale * scale <= max_pixels:
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
        notes = notes + (PageWarning(WarningCode.PAGE_ENLARGED,
                                     f"text {height:.0f} px high: page enlarged {scale:.1f}x for OCR"),)
        dpi = source.dpi  # text now has the height it has at the run's resolution: so do pads and gaps
    return pixels, dpi, notes


TEXT_HEIGHT = 28  # median glyph height (pixels) of body text at 300 dpi on real scans: what Tesseract reads well
SMALL_TEXT = 0.6  # text below this share of TEXT_HEIGHT is enlarged to it (at most MAX_ENLARGE times)
MAX_ENLARGE = 4.0
MIN_ENLARGE = 1.25  # a smaller enlargement is not worth the pixels
MAX_LONG_SIDE = 4000  # pixels: an A4 page at 300 dpi is 3508 long


def text_height(pixels: np.ndarray) -> float | None:
    """Median height of the glyph-like ink blobs of a page (None when it holds too few)."""
    _, stats = ink_blobs(pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY))
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    glyph = (heights >= 4) & (heights <= 200) & (widths <= 3 * heights) & (areas >= 6)
    if glyph.sum() < 50:
        return None
    # weighted by ink, so that the many specks of a noisy scan do not pass for small text
    return weighted_median(heights[glyph], areas[glyph])


def text_scale(pixels: np.ndarray) -> tuple[float, float | None]:
    """(how much to enlarge a page whose text is too small for Tesseract, the text height measured):
    a photo or a low-resolution scan without a true resolution stored. 1.0 for text of ordinary
    size, and for a page already the size of an A4 page at 300 dpi (its small ink is print too
    small or a noisy scan's broken glyphs, which enlarging does not mend)."""
    room = MAX_LONG_SIDE / max(pixels.shape[:2])
    if room < MIN_ENLARGE:
        return 1.0, None  # a full-size page: nothing to measure (and no blob analysis on the hot path)
    height = text_height(pixels)
    if height is None or height >= SMALL_TEXT * TEXT_HEIGHT:
        return 1.0, height
    scale = min(MAX_ENLARGE, TEXT_HEIGHT / height, room)
    return (scale if scale >= MIN_ENLARGE else 1.0), height


def _pdf_page(source: PageSource, timeout: float | None, picture_only: bool = False) -> np.ndarray:
    """The page at `source.dpi`. A scanned page whose picture has fewer pixels than that is
    drawn at the picture's own resolution and enlarged with Lanczos resampling: poppler's own
    enlargement of a 100-200 ppi scan blurs the tone marks that Tesseract must tell apart
    (see `scan_resolution`)."""
    native = scan_resolution(source.path, source.page, timeout)
    if picture_only:
        with tempfile.TemporaryDirectory(prefix="sohoa-page-") as scratch:
            stripped = picture_only_page(source.path, source.page, Path(scratch) / "page.pdf")
            if stripped is not None:
                return _scaled_render(replace(source, path=str(stripped), page=1), native, timeout)
    return _scaled_render(source, native, timeout)


def _scaled_render(source: PageSource, native: int | None, timeout: float | None) -> np.ndarray:
    if native and native < source.dpi * 0.95:
        pixels = _drawn_picture(source, native)
        pixels = _render(source, native, timeout) if pixels is None else pixels
        scale = source.dpi / native
        return cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
    pixels = _drawn_picture(source, source.dpi) if native else None
    return _render(source, source.dpi, timeout) if pixels is None else pixels


_WHOLE_PAGE_OPS = {"q", "Q", "cm", "Do"}


def _drawn_picture(source: PageSource, dpi: int) -> np.ndarray | None:
    """The page's pixels straight from its JPEG, when the page is that JPEG and nothing else, drawn
    over the whole page pixel for pixel at `dpi` (the common scanner PDF): poppler would render
    exactly these pixels, decoding the same JPEG, at several times the cost. None otherwise
    (rotation, annotations, anything else drawn, a mask, a colour space other than plain grey or
    RGB, a scale that is not one to one), and the page is rendered."""
    import pikepdf

    try:
        with pikepdf.open(source.path) as pdf:
            page = pdf.pages[source.page - 1]
            if int(page.obj.get("/Rotate", 0)) % 360 or "/Annots" in page.obj:
                return None
            box = [float(v) for v in page.mediabox]
            if "/CropBox" in page.obj and [float(v) for v in page.obj.CropBox] != box:
                return None
            drawn = [(str(op), operands) for operands, op in pikepdf.parse_content_stream(page)]
            if {op for op, _ in drawn} - _WHOLE_PAGE_OPS or [op for op, _ in drawn].count("Do") != 1:
                return None
            matrices = [[float(v) for v in operands] for op, operands in drawn if op == "cm"]
            width, height = box[2] - box[0], box[3] - box[1]
            if len(matrices) != 1 or any(abs(a - b) > 1e-3 for a, b in
                                         zip(matrices[0], (width, 0, 0, height, box[0], box[1]))):
                return None
            name = next(operands[0] for op, operands in drawn if op == "Do")
            image = page.resources.get("/XObject", {}).get(name)
            if image is None or image.get("/Subtype") != "/Image" or not _plain_jpeg(image):
                return None
            # poppler draws ceil(points * dpi / 72) pixels: the picture must be exactly that, no resampling
            if any(not (pixels - 1e-3 < points * dpi / 72 <= pixels)
                   for points, pixels in ((width, int(image.Width)), (height, int(image.Height)))):
                return None
            data = image.read_raw_bytes()
    except Exception:  # noqa: BLE001 - anything unexpected: poppler renders the page as before
        return None
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.shape[:2] != (int(image.Height), int(image.Width)):
        return None
    if pixels.ndim == 3:
        if pixels.shape[2] != 3 or image.ColorSpace != "/DeviceRGB":
            return None
        return cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    return pixels if image.ColorSpace == "/DeviceGray" else None


def _plain_jpeg(image) -> bool:
    """An 8-bit grey or RGB JPEG with nothing that changes its pixels on the way to the page."""
    import pikepdf

    filters = image.get("/Filter")
    filters = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
    return (len(filters) == 1 and str(filters[0]) == "/DCTDecode" and "/DecodeParms" not in image
            and image.get("/ColorSpace") in ("/DeviceGray", "/DeviceRGB") and int(image.get("/BitsPerComponent", 0)) == 8
            and not any(key in image for key in ("/Decode", "/SMask", "/Mask", "/ImageMask", "/Alternates")))


def picture_only_page(path: str, page: int, target: Path) -> Path | None:
    """A one-page copy of a PDF page without its text objects and its widget annotations (form
    fields, the appearance of a digital signature), or None when the file cannot be rewritten
    (the caller then draws the page as it is).

    On a scan, text drawn over the picture is an invisible old OCR layer, a signature or copy
    stamp ('Ký bởi', 'SAO Y') or a download watermark running across the body: none of it is
    the scanned document, and stamps and watermarks cross printed words. Leaving them out of
    the drawing keeps every scanned pixel, where painting a stamp's box white would also erase
    the printed words under it."""
    try:
        import pikepdf

        with pikepdf.open(path) as pdf, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # widgets without /AcroForm: they are removed below
            copy = pikepdf.new()
            copy.pages.append(pdf.pages[page - 1])
            only = copy.pages[0]
            _drop_text(copy, only, set())
            if "/Annots" in only.obj:  # notes typed onto the page (FreeText) stay: the reader sees them
                kept = [a for a in only.obj.Annots if a.get("/Subtype") != "/Widget"]
                only.obj.Annots = pikepdf.Array(kept)
            copy.save(target)
        return target
    except Exception:  # noqa: BLE001 - any file pikepdf cannot rewrite is drawn as it is
        return None


def _drop_text(pdf, holder, seen: set) -> None:
    """Remove BT…ET text objects from a page's or form's content, and from the forms it draws."""
    import pikepdf

    kept, in_text = [], False
    for operands, operator in pikepdf.parse_content_stream(holder):
        name = str(operator)
        if name == "BT":
            in_text = True
        elif name == "ET":
            in_text = False
        elif not in_text:
            kept.append((operands, operator))
    data = pikepdf.unparse_content_stream(kept)
    if isinstance(holder, pikepdf.Page):
        holder.obj.Contents = pdf.make_stream(data)
        resources = holder.obj.get("/Resources", {})
    else:
        holder.write(data)
        resources = holder.get("/Resources", {})
    for xobject in dict(resources.get("/XObject", {})).values():
        key = xobject.objgen
        if xobject.get("/Subtype") == "/Form" and key not in seen:
            seen.add(key)
            _drop_text(pdf, xobject, seen)


def scan_resolution(path: str, page: int, timeout: float | None = None) -> int | None:
    """The resolution (ppi) of the scan a PDF page is drawn from: its largest picture, when that
    holds a quarter of a megapixel at least (a page-sized scan, not a logo); None for a born-digital page.

    Measured on real 100 and 200 ppi portal scans against hand-made gold text, Tesseract read
    the picture at its own pixels enlarged with Lanczos with fewer errors than poppler's
    rendering of the same page at 300 dpi (bench/realscans_bench.py)."""
    best, best_pixels = None, 250_000
    for width, height, xppi, yppi in page_images(path, page, timeout):
        if width * height >= best_pixels:
            best, best_pixels = int(round(min(xppi, yppi))), width * height
    return best


_PAGE_IMAGES: dict[tuple[str, int], tuple[tuple[int, int, float, float], ...]] = {}


def page_images(path: str, page: int, timeout: float | None = None) -> tuple[tuple[int, int, float, float], ...]:
    """(width, height, x ppi, y ppi) of every picture drawn on a PDF page, from `pdfimages -list`.

    The text-layer decision and the rasteriser both ask, once each per page: the answer is kept
    for the last pages this process looked at."""
    key = (path, page)
    if key in _PAGE_IMAGES:
        return _PAGE_IMAGES[key]
    try:
        listing = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), path],
                                 capture_output=True, timeout=timeout, check=True).stdout.decode("utf-8", "replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError):
        return ()
    images = []
    for line in listing.splitlines()[2:]:
        cols = line.split()
        if len(cols) < 14 or cols[2] != "image":
            continue
        try:
            width, height, xppi, yppi = int(cols[3]), int(cols[4]), float(cols[12]), float(cols[13])
        except ValueError:
            continue
        if xppi > 0 and yppi > 0:
            images.append((width, height, xppi, yppi))
    if len(_PAGE_IMAGES) >= 8:
        _PAGE_IMAGES.pop(next(iter(_PAGE_IMAGES)))
    _PAGE_IMAGES[key] = tuple(images)
    return _PAGE_IMAGES[key]


def _render(source: PageSource, dpi: int, timeout: float | None) -> np.ndarray:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError

    try:
        # the crop box, as viewers show the page: what lies outside it is hidden from the reader
        images = convert_from_path(source.path, dpi=dpi, first_page=source.page, last_page=source.page,
                                   thread_count=1, timeout=timeout, use_cropbox=True)
    except (PDFPageCountError, PDFSyntaxError) as exc:
        said = list(dict.fromkeys(line.strip() for line in str(exc).splitlines() if line.strip()))
        raise InputError(f"corrupt PDF: page {source.page} cannot be rendered ({'; '.join(said[:3])})") from exc
    except PDFPopplerTimeoutError as exc:
        raise InputError(f"timed out after {timeout:.0f} s while rendering") from exc
    if not images:
        raise InputError(f"corrupt PDF: page {source.page} rendered to nothing")
    return display_pixels(images[0])


@contextmanager
def allowing_pixels(max_pixels: int = MAX_PIXELS):
    """Pillow's decompression-bomb guard moved to our own limit (`--max-megapixels`) for what
    runs inside (Pillow refuses at twice its MAX_IMAGE_PIXELS, 179 megapixels, also for the
    pages poppler renders); the process-wide setting is restored."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max(previous or 0, max_pixels // 2 + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


@contextmanager
def open_image(path, max_pixels: int = MAX_PIXELS):
    """Image.open under our own pixel limit (`allowing_pixels`) for this call only."""
    with allowing_pixels(max_pixels), Image.open(path) as image:
        yield image


def page_frames(image: Image.Image) -> list[int]:
    """The frames of an opened picture that are pages of the document, in order: every frame of
    a multi-page TIFF, but its reduced-resolution copies (the thumbnail or pyramid levels some
    scanners add, NewSubfileType bit 0); one of a JPEG, whatever previews a camera stores beside
    it (MPF). In a file cut short, the first frame that cannot be read is its last page, which
    fails alone with its reason; the pages before it are read."""
    if image.format in ("JPEG", "MPO"):
        return [0]
    frames: list[int] = []
    k = 0
    while True:
        try:
            image.seek(k)
        except EOFError:  # past the last frame
            break
        except Exception:  # noqa: BLE001 - PIL raises many types for broken files
            frames.append(k)
            break
        if not (image.format == "TIFF" and int(getattr(image, "tag_v2", {}).get(254, 0) or 0) & 1):
            frames.append(k)
        k += 1
    return frames or [0]


def seek_page(image: Image.Image, page: int) -> None:
    """The picture at its `page`-th page (1-based; `page_frames`)."""
    frames = page_frames(image)
    if page > len(frames):
        raise InputError(f"page {page} is not in the picture (it has {len(frames)})")
    image.seek(frames[page - 1])


def dpi_pair(image: Image.Image) -> tuple[float, float]:
    """The stored horizontal and vertical resolutions (0 where none is stored), the picture as
    shown: a fax stores 204×98 dpi, its pixels twice as tall as wide; a picture turned by its
    orientation tag swaps them."""
    x, y = _stored_dpi(image)
    return (y, x) if _turned_sideways(image) else (x, y)


def _stored_dpi(image: Image.Image) -> tuple[float, float]:
    """The resolutions the picture stores, across and down its pixels as stored (0: none)."""
    stored = image.info.get("dpi") or (0, 0)
    try:
        return float(stored[0] or 0), float(stored[1] or 0)
    except (TypeError, ValueError, IndexError):
        return 0.0, 0.0


def _turned_sideways(image: Image.Image) -> bool:
    """Whether the picture's orientation tag turns it a quarter turn to be shown."""
    return image.format in ORIENTED_FORMATS and image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def _square(x_dpi: float, y_dpi: float) -> bool:
    """Whether two resolutions make square pixels (or one of them is not stored)."""
    return x_dpi <= 0 or y_dpi <= 0 or abs(x_dpi - y_dpi) <= 0.02 * max(x_dpi, y_dpi)


ORIENTED_FORMATS = ("JPEG", "MPO", "TIFF", "PNG", "WEBP")
"""Formats whose pictures may store their orientation as a tag (phones, cameras), not in the pixels."""


def square_pixels(pixels: np.ndarray, x_dpi: float, y_dpi: float) -> tuple[np.ndarray, float]:
    """(pixels, resolution) with square pixels: a picture whose vertical and horizontal
    resolutions differ (a fax) is stretched along its coarser side to the finer one, so that its
    letters have their shapes again."""
    if _square(x_dpi, y_dpi):
        return pixels, max(x_dpi, y_dpi)
    height, width = pixels.shape[:2]
    size = (width, round(height * x_dpi / y_dpi)) if x_dpi > y_dpi else (round(width * y_dpi / x_dpi), height)
    return cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR), max(x_dpi, y_dpi)


def _image_frame(source: PageSource, max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, int, tuple[PageWarning, ...]]:
    try:
        with open_image(source.path, max_pixels) as image:
            if image.width * image.height > max_pixels:
                raise InputError(f"huge image: {image.width}×{image.height} pixels exceeds the limit of "
                                 f"{max_pixels // 1_000_000} megapixels (--max-megapixels)")
            seek_page(image, source.page)
            if min(image.size) < MIN_SIDE:
                raise InputError(f"image too small to hold text: {image.width}×{image.height} pixels")
            x_dpi, y_dpi = dpi_pair(image)
            # phone and camera pictures store their orientation as a tag, not in the pixels
            upright = ImageOps.exif_transpose(image) if image.format in ORIENTED_FORMATS else image
            pixels, stored = square_pixels(display_pixels(upright), x_dpi, y_dpi)
    except Image.DecompressionBombError as exc:
        raise InputError(f"huge image: {exc}", hint="a larger --max-megapixels lets it through") from exc
    except (OSError, ValueError, EOFError, SyntaxError) as exc:
        raise InputError(f"unreadable image: {exc}") from exc
    dpi, note = plausible_dpi(stored, pixels.shape[1], pixels.shape[0], source.dpi)
    return pixels, dpi, (PageWarning(WarningCode.RESOLUTION_ESTIMATED, note),) if note else ()


def plausible_dpi(stored, width: int, height: int, default: int = 300) -> tuple[int, str | None]:
    """(the resolution to use, a note when the stored one was replaced). No stored resolution:
    `default`, as before. One outside PLAUSIBLE_DPI: estimated as if the picture were an A4
    page (a government report), kept within PLAUSIBLE_DPI."""
    try:
        value = float(stored or 0)
    except (TypeError, ValueError):
        value = 0.0
    if not value:
        return default, None
    if PLAUSIBLE_DPI[0] <= value <= PLAUSIBLE_DPI[1] and not _page_pictured_tiny(value, width, height):
        return int(round(value)), None
    estimate = a4_dpi(width, height)
    return estimate, (f"stored resolution {value:g} dpi is implausible for a {width}×{height} scan; "
                      f"used {estimate} dpi, estimated from the page size")


def _page_pictured_tiny(value: float, width: int, height: int) -> bool:
    """A resolution that makes a page-sized picture a stamp: above 600 dpi, a long side under
    A7's (4.1 in) for a picture of at least A4 at 150 dpi ('1200 dpi' stored on a 300 dpi A4
    scan). A small crop scanned that finely keeps its resolution: its pixels are fewer."""
    long_side = max(width, height)
    return value > 600 and long_side / value < 4.1 and long_side >= 150 * A4_LONG_SIDE_INCHES


def picture_dpi(image) -> int:
    """The resolution a picture is shown at (searchable PDF, review page): the one it stores
    where plausible; a picture that stores none (a phone's photo), or an implausible one, is
    taken for an A4 page."""
    stored = image.info.get("dpi", (0, 0))[0]
    return plausible_dpi(stored, image.width, image.height)[0] if stored else a4_dpi(image.width, image.height)


def picture_dpis(image) -> tuple[float, float]:
    """(horizontal, vertical) resolution a picture is shown at, upright: `picture_dpi` across its
    stored pixels, and down them in the proportion the picture stores (a fax's pixels are
    taller than wide), swapped where its orientation tag turns it a quarter turn."""
    across = float(picture_dpi(image))
    x, y = _stored_dpi(image)
    pair = (across, across) if _square(x, y) else (across, across * y / x)
    return pair[::-1] if _turned_sideways(image) else pair


def a4_dpi(width: int, height: int) -> int:
    """The resolution at which a picture of `width`×`height` pixels is an A4 page (a government
    report), kept within PLAUSIBLE_DPI."""
    return min(max(int(round(max(width, height) / A4_LONG_SIDE_INCHES)), PLAUSIBLE_DPI[0]), PLAUSIBLE_DPI[1])


def display_pixels(image: Image.Image) -> np.ndarray:
    """8-bit grey or RGB pixels of any Pillow mode, as a viewer shows the picture: transparency
    on white paper, 16- and 32-bit grey scaled (the OCR's page and the searchable PDF's image)."""
    mode = image.mode
    if mode in ("L", "RGB"):
        return np.asarray(image).copy()
    if mode == "1":
        return np.asarray(image.convert("L")).copy()
    if mode.startswith("I") or mode == "F":
        return _scaled_grey(np.asarray(image), mode)
    if mode in ("LA", "PA", "RGBA", "La", "RGBa") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(paper, rgba).convert("RGB")).copy()
    return np.asarray(image.convert("RGB")).copy()


def _scaled_grey(values: np.ndarray, mode: str) -> np.ndarray:
    """16/32-bit integer or float grey → 8 bits, by the range the mode can hold (16-bit data is
    stored in Pillow's 'I' mode too), so mid-grey stays mid-grey and white stays white."""
    values = values.astype(np.float64)
    if mode == "F":
        top = 1.0 if values.size and values.max() <= 1.0 else 255.0
        low = 0.0
    else:
        top = float(values.max()) if values.size else 255.0
        low = 0.0
        top = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
    scaled = np.clip((values - low) * (255.0 / top), 0, 255)
    return np.round(scaled).astype(np.uint8)
