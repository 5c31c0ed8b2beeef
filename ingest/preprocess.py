"""Clean a page image for OCR with OpenCV: coloured ink out, light evened, noise removed. Each
step is a small function; `sohoa.ingest.page.prepare` chains them with the page's geometry
(quarter turn and skew, measured and undone by `sohoa.ingest.geometry`).

What each step does and why:
- `remove_coloured_ink`: red seals and blue signatures cross the text; Tesseract reads them as
  garbage or loses the letters under them. Saturated red/blue pixels that are not dark turn
  into paper; dark pixels (black text under red ink stays dark) are kept.
- `flatten_background`: uneven lighting defeats Tesseract's global Otsu threshold at the dark
  edge of a page; dividing by a smooth background estimate makes the paper uniformly white.
- skew (`geometry.page_skew`, `geometry.rotate`): text lines tilted by a degree or more cost
  Tesseract words at line ends; a projection-profile search finds the angle to ±0.1°.
- `geometry.quarter_turn`: pages scanned sideways (90/270) show it in the projection profiles;
  the 180° case is left to Tesseract's OSD when OCR confidence is low (see page.py).
- `denoise` (3×3 median) only when `noise_level` says the page is grainy: on the benchmark's
  heavy pages it cut CER several-fold, on clean pages it cost a little (bench/ingest_bench.py
  measures 'always' against this automatic choice).
Binarisation is not applied by default: on our benchmark pages Tesseract's own Otsu on the
flattened grey page did as well (bench/ingest_bench.py measures it).
"""

from __future__ import annotations

import cv2
import numpy as np

from sohoa.ingest.geometry import paper_level


def to_grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def has_colour(image: np.ndarray, min_fraction: float = 0.0005) -> bool:
    """True when a noticeable share of pixels is saturated colour (seal, signature)."""
    if image.ndim == 2:
        return False
    small = image[::4, ::4]
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    saturated = (hsv[..., 1] > 80) & (hsv[..., 2] > 60)
    return saturated.mean() > min_fraction


def remove_coloured_ink(image: np.ndarray) -> np.ndarray:
    """RGB page → grey page with red/blue ink (seals, signatures) turned into paper.

    Black text under a seal is kept: a pixel is erased only if it is clearly coloured,
    and its darkest channel is light enough that no black ink lies under it.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    saturated = (sat > 60) & (val > 70)
    # Ink alone keeps its own channel bright (red ink: R high); black text under the ink
    # darkens every channel, so it fails this test and stays.
    red_ink = saturated & ((hue <= 12) | (hue >= 160)) & (image[..., 0] > 110)
    blue_ink = saturated & (hue >= 95) & (hue <= 135) & (image[..., 2] > 110)
    ink_only = (red_ink | blue_ink).astype(np.uint8)
    grey = to_grey(image).copy()
    paper = paper_level(grey)
    # widen by a pixel to take the blurred rim of the ink, but never over dark (text) pixels
    rim = cv2.dilate(ink_only, np.ones((3, 3), np.uint8)) > 0
    mask = (ink_only > 0) | (rim & (grey > 120))
    grey[mask] = paper
    return grey


def paint_out(image: np.ndarray, boxes: list[tuple[int, int, int, int]], pad: int = 4) -> np.ndarray:
    """The image with each box painted in the paper colour (things known not to be body text)."""
    if not boxes:
        return image
    paper = paper_level(to_grey(image))
    cleaned = image.copy()
    h, w = image.shape[:2]
    for x0, y0, x1, y1 in boxes:
        cleaned[max(0, y0 - pad): min(h, y1 + pad), max(0, x0 - pad): min(w, x1 + pad)] = paper
    return cleaned


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by a smooth estimate of the paper so it is uniformly white (uneven light, yellowing)."""
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    # a closing removes the text (dark, thin) and leaves the paper; then smooth it
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 6)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return flat


def binarise(grey: np.ndarray) -> np.ndarray:
    """Otsu on the (flattened) page. Off by default; kept for measurement."""
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def noise_level(grey: np.ndarray) -> float:
    """Robust estimate of pixel noise (grey levels): MAD of the residual of a 3×3 median over
    the page centre. ~0 for clean renders and good scans, 4-6 for grainy ones."""
    h, w = grey.shape[:2]
    crop = np.ascontiguousarray(grey[h // 4: 3 * h // 4, w // 4: 3 * w // 4])
    residual = crop.astype(np.int16) - cv2.medianBlur(crop, 3).astype(np.int16)
    return 1.4826 * float(np.median(np.abs(residual)))


def denoise(grey: np.ndarray) -> np.ndarray:
    """A 3×3 median: removes salt-and-pepper specks that Tesseract reads as punctuation."""
    return cv2.medianBlur(grey, 3)
