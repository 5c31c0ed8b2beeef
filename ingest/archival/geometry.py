"""Where a word of pages.jsonl lies on the original page.

Word boxes are in the pixels of the processed page image: the original page turned upright
by quarter turns (`rotation`, degrees clockwise) and then deskewed by rotating `skew` degrees
about the centre, keeping the size. Both are undone here, exactly for the box's centre; the
box keeps its width and height (swapped by a quarter turn), so a word stays a level box on
the original page, which is how text is laid over a scan."""

from __future__ import annotations

import math

Box = tuple[float, float, float, float]


def original_size(record: dict) -> tuple[int, int]:
    """(width, height) in pixels of the page image before it was turned upright."""
    width, height = record["width"], record["height"]
    return (height, width) if record.get("rotation", 0) % 180 == 90 else (width, height)


def point_to_original(record: dict, x: float, y: float) -> tuple[float, float]:
    """A processed-frame point as fractions (0-1) of the original page, top-down."""
    width, height = record["width"], record["height"]
    skew = math.radians(record.get("skew", 0.0) or 0.0)
    if skew:
        a, b = math.cos(skew), math.sin(skew)
        dx, dy = x - width / 2, y - height / 2
        x, y = a * dx + b * dy + width / 2, -b * dx + a * dy + height / 2
    rotation = record.get("rotation", 0) % 360
    W0, H0 = original_size(record)
    if rotation == 90:
        x, y = y, H0 - x
    elif rotation == 180:
        x, y = W0 - x, H0 - y
    elif rotation == 270:
        x, y = W0 - y, x
    return x / W0, y / H0


def to_original(record: dict, bbox) -> Box:
    """A processed-frame box as fractions (0-1) of the original page, top-down:
    (left, top, right, bottom)."""
    width, height = record["width"], record["height"]
    x0, y0, x1, y1 = bbox
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    skew = math.radians(record.get("skew", 0.0) or 0.0)
    if skew:  # undo the deskew: rotate back by `skew` about the image centre
        a, b = math.cos(skew), math.sin(skew)
        dx, dy = cx - width / 2, cy - height / 2
        cx, cy = a * dx + b * dy + width / 2, -b * dx + a * dy + height / 2
    w, h = x1 - x0, y1 - y0
    rotation = record.get("rotation", 0) % 360
    W0, H0 = original_size(record)
    if rotation == 90:
        cx, cy, w, h = cy, H0 - cx, h, w
    elif rotation == 180:
        cx, cy = W0 - cx, H0 - cy
    elif rotation == 270:
        cx, cy, w, h = W0 - cy, cx, h, w
    return ((cx - w / 2) / W0, (cy - h / 2) / H0, (cx + w / 2) / W0, (cy + h / 2) / H0)


TURN_MIN_WORDS = 20
"""Words a page must read turned before the searchable PDF shows it turned: the turn found on a
blank back of a sheet (a stamp, specks; none or one word read) says nothing of how it stands."""


def shown_turned(record: dict) -> bool:
    """Whether the searchable PDF shows the page turned by its `rotation` (upright as read)."""
    words = sum(1 for word in record.get("words", ()) if not word.get("set_aside"))
    return bool(record.get("rotation", 0) % 360) and words >= TURN_MIN_WORDS
