"""Clean a page image for OCR with OpenCV: coloured ink out, light evened, skew and
quarter-turn orientation corrected. Each step is a small function; `preprocess` chains them.

What each step does and why:
- `remove_coloured_ink`: red seals and blue signatures cross the text; Tesseract reads them as
  garbage or loses the letters under them. Saturated red/blue pixels that are not dark turn
  into paper; dark pixels (black text under red ink stays dark) are kept.
- `flatten_background`: uneven lighting defeats Tesseract's global Otsu threshold at the dark
  edge of a page; dividing by a smooth background estimate makes the paper uniformly white.
- `estimate_skew` / `rotate`: text lines tilted by a degree or more cost Tesseract words at
  line ends; a projection-profile search finds the angle to ±0.1°.
- `quarter_turn`: pages scanned sideways (90/270) show it in the projection profiles; the
  180° case is left to Tesseract's OSD when OCR confidence is low (see page.py).
- `denoise` (3×3 median) only when `noise_level` says the page is grainy: on the benchmark's
  heavy pages it cut CER several-fold, on clean pages it cost a little (bench/ingest_bench.py
  measures 'always' against this automatic choice).
Binarisation is not applied by default: on our benchmark pages Tesseract's own Otsu on the
flattened grey page did as well (bench/ingest_bench.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


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
    paper = int(np.percentile(grey[::8, ::8], 90))
    # widen by a pixel to take the blurred rim of the ink, but never over dark (text) pixels
    rim = cv2.dilate(ink_only, np.ones((3, 3), np.uint8)) > 0
    mask = (ink_only > 0) | (rim & (grey > 120))
    grey[mask] = paper
    return grey


def paint_out(image: np.ndarray, boxes: list[tuple[int, int, int, int]], pad: int = 4) -> np.ndarray:
    """The image with each box painted in the paper colour (things known not to be body text)."""
    if not boxes:
        return image
    grey = to_grey(image)
    paper = int(np.percentile(grey[::8, ::8], 90))
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


def _text_mask(grey: np.ndarray, scale: float) -> np.ndarray:
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def _profile_score(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def estimate_skew(grey: np.ndarray, max_angle: float = 5.0) -> float:
    """Degrees (counter-clockwise) the page content is rotated by; rotate by the negative to fix.

    Projection-profile search: the row profile of ink is sharpest when text lines are level.
    Coarse 0.5° steps on a quarter-size page, then 0.1° steps around the best.
    """
    mask = _text_mask(grey, 0.25)
    if mask.mean() < 0.5:  # almost no ink: nothing to level
        return 0.0
    coarse = np.arange(-max_angle, max_angle + 1e-6, 0.5)
    best = max(coarse, key=lambda a: _profile_score(mask, a))
    fine = np.arange(best - 0.5, best + 0.5 + 1e-6, 0.1)
    best = max(fine, key=lambda a: _profile_score(mask, a))
    return -float(round(best, 2))


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees counter-clockwise about the centre, filling with paper."""
    h, w = grey.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    paper = int(np.percentile(grey[::8, ::8], 90))
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=paper)


def _best_profile(mask: np.ndarray, max_angle: float = 5.0) -> float:
    return max(_profile_score(mask, a) for a in np.arange(-max_angle, max_angle + 1e-6, 0.5))


def quarter_turn(grey: np.ndarray) -> int:
    """0 or 90: whether text lines run vertically (page scanned sideways).

    Level text lines give a sharp row profile at some small angle; if the columns are much
    sharper than the rows (each compared at its best angle, so skew does not bias it), the
    page lies on its side. Which side (90 vs 270) is settled afterwards by OSD/confidence.
    """
    mask = _text_mask(grey, 0.25)
    if mask.mean() < 0.5:
        return 0
    rows = _best_profile(mask) / mask.shape[1]
    cols = _best_profile(np.ascontiguousarray(mask.T)) / mask.shape[0]
    return 90 if cols > 2.0 * rows else 0


def rotate_quarter(image: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if degrees_clockwise % 360 == 0 else cv2.rotate(image, codes[degrees_clockwise % 360])


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


@dataclass(frozen=True)
class Rules:
    """Long ruled lines on a page: table grids, underlines. Boxes are (x0, y0, x1, y1)."""

    horizontal: tuple[tuple[int, int, int, int], ...] = ()
    vertical: tuple[tuple[int, int, int, int], ...] = ()


def find_rules(grey: np.ndarray) -> tuple[Rules, np.ndarray]:
    """Ruled lines (longer than any text stroke) and their pixel mask.

    Tesseract reads table rules as 'I', '|', 'L' or '_' and they break its line finding, so
    the OCR image gets them erased (`erase_rules`); their positions let the reading order
    rebuild table rows. Morphological opening with long thin kernels keeps only lines.
    """
    h, w = grey.shape[:2]
    scale = 2 if min(h, w) > 1500 else 1  # half resolution is plenty to find lines, and 4x cheaper
    small = cv2.resize(grey, (w // scale, h // scale), interpolation=cv2.INTER_AREA) if scale > 1 else grey
    sh, sw = small.shape[:2]
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (max(60 // scale, sw // 20), 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(60 // scale, sh // 40))))
    boxes = []
    for mask in (horizontal, vertical):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        boxes.append(tuple((int(x * scale), int(y * scale), int((x + bw) * scale), int((y + bh) * scale))
                           for x, y, bw, bh, _ in stats[1:count]))
    mask = cv2.bitwise_or(horizontal, vertical)
    if scale > 1:
        mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)
    return Rules(boxes[0], boxes[1]), mask


def erase_rules(grey: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Paint ruled lines (a pixel wider, for their blurred edges) in the paper colour."""
    if not mask.any():
        return grey
    paper = int(np.percentile(grey[::8, ::8], 90))
    widened = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    cleaned = grey.copy()
    cleaned[widened > 0] = paper
    return cleaned
