"""Ruling lines on a page image: binarise, straighten, and find horizontal and vertical rules.

Solid rules come from a morphological opening with a long thin kernel; dotted and dashed rules
are first rebuilt from the small specks they are made of (closing only those specks, never the
text, so that words do not turn into lines); broken rules are healed afterwards by closing the
line masks along their own direction. Residual skew is measured on the long rules and removed
before anything else, so rules stay inside the thin kernels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class RuleMasks:
    """Binary masks (uint8 0/255, page size) of the horizontal and vertical rules."""

    horizontal: np.ndarray
    vertical: np.ndarray
    ink: np.ndarray  # the binarised page (text and rules)


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0; local threshold so that faint rules and uneven light survive."""
    smooth = cv2.GaussianBlur(grey, (3, 3), 0)
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 35, 18)


def _speck_mask(ink: np.ndarray, max_size: int) -> np.ndarray:
    """Only the small connected components: the dots and dashes of dotted rules (and specks)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= max_size) & (stats[:, cv2.CC_STAT_HEIGHT] <= max_size // 2 + 2)
    small[0] = False
    return np.where(small[labels], 255, 0).astype(np.uint8)


def rule_masks(grey: np.ndarray, dpi: int = 300) -> RuleMasks:
    ink = binarise(grey)
    scale = dpi / 300.0
    h_len = max(20, int(70 * scale))
    v_len = max(15, int(60 * scale))
    specks = _speck_mask(ink, max(6, int(14 * scale)))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    dotted = cv2.morphologyEx(specks, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (int(15 * scale) + 1, 1)))
    dotted = cv2.morphologyEx(dotted, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len * 2, 1)))
    horizontal = cv2.bitwise_or(horizontal, dotted)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    # heal small breaks along each rule's own direction
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (int(31 * scale), 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(31 * scale))))
    return RuleMasks(horizontal=horizontal, vertical=vertical, ink=ink)


def estimate_skew(grey: np.ndarray, dpi: int = 300) -> float:
    """Skew in degrees (counter-clockwise positive, as cv2 rotates) from the long rules; 0 if none."""
    small_scale = 0.5
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    ink = binarise(small)
    # a kernel short enough that a rule tilted by a few degrees still fills it
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, int(25 * dpi / 300)), 1))
    lines_mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    width = small.shape[1]
    segments = cv2.HoughLinesP(lines_mask, 1, math.pi / 1800, threshold=80,
                               minLineLength=width // 6, maxLineGap=12)
    if segments is None:
        return text_skew(grey)
    angles, weights = [], []
    for x0, y0, x1, y1 in segments.reshape(-1, 4):
        if x1 == x0:
            continue
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        if abs(angle) <= 5:
            angles.append(angle)
            weights.append(math.hypot(x1 - x0, y1 - y0))
    if not angles:
        return text_skew(grey)
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return median


def text_skew(grey: np.ndarray, max_angle: float = 3.0) -> float:
    """Skew in degrees (as `estimate_skew`) of a page without long rules, from its lines of
    text: the angle that, undone, makes the edges of the rows of ink sharpest (the projection
    profile whose steps have the largest sum of squares), searched coarse then fine. A
    borderless table is told apart from its neighbour rows by a few pixels of white, which a
    degree of tilt across the page closes."""
    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = (binarise(small) > 0).astype(np.float32)
    if ink.sum() < 500:
        return 0.0
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        rotation = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rows = cv2.warpAffine(ink, rotation, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float((np.diff(rows) ** 2).sum())

    best = max(np.arange(-max_angle, max_angle + 0.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness)
    return round(float(best), 2)


def straighten(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees (the measured skew) so rules become level; paper-coloured fill."""
    if abs(angle) < 0.05:
        return image
    h, w = image.shape[:2]
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    fill = int(np.median(image)) if image.ndim == 2 else tuple(int(v) for v in np.median(image.reshape(-1, 3), axis=0))
    return cv2.warpAffine(image, rotation, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
