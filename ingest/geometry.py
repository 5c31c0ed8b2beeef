"""Page geometry: where the ink is, how the page is turned and tilted, where its ruled lines run.

Every building block once, for the page worker and the table step alike:

- ink: `paper_level`, `otsu_ink` (one global threshold), `adaptive_ink` (a local threshold that
  keeps faint rules under uneven light), `ink_blobs` (8-connected blobs of ink and their boxes,
  which tell the height of a page's text and how much of its ink a text layer covers);
- turn and tilt: `level_angle`, the projection-profile search (rows of ink are sharpest when
  level), which measures the skew of a page's text (`page_skew`, `text_skew`) and whether it
  lies on its side (`quarter_turn`); `rule_skew` measures the tilt of long rules (Hough);
- `rotate`, `rotate_quarter`, `straighten`;
- ruled lines: `find_rules` (lines longer than any text stroke, erased before OCR and read by
  the layout as table rows), `rule_masks` (the table step's masks, which also rebuild dotted and
  broken rules), `table_grids` (grids of crossing rules, for the reading order).

The page worker measures a page's `PageGeometry` (quarter turn, skew, rules) once and carries it
on the page's records to the layout and the table step. The table step refines it on the
deskewed page: the residual tilt of its rules (`rule_skew`) and its own rule masks, once per
page. What is still measured twice, and why, is in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from sohoa.ingest.records import Rules


# ------------------------------------------------------------------ ink
def paper_level(grey: np.ndarray) -> int:
    """The grey level of the paper: the 90th percentile of a sample of the page."""
    return int(np.percentile(grey[::8, ::8], 90))


def otsu_ink(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 by one global (Otsu) threshold."""
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def adaptive_ink(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0; local threshold so that faint rules and uneven light survive."""
    smooth = cv2.GaussianBlur(grey, (3, 3), 0)
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 35, 18)


def ink_blobs(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, stats) of the blobs of Otsu ink of a page, 8-connected; row 0 of stats is the
    paper, the others x, y, width, height, area of each blob (cv2.CC_STAT_*)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(otsu_ink(grey), connectivity=8)
    return labels, stats


# ------------------------------------------------------------------ turn and tilt
def _row_sharpness(mask: np.ndarray, angle: float) -> float:
    """How sharp the row profile of `mask` is once turned by `angle`: the sum of squares of its
    steps (level lines of ink start and stop abruptly)."""
    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
    rotated = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def level_angle(mask: np.ndarray, max_angle: float, step: float, fine_step: float):
    """The turn (degrees counter-clockwise, as cv2 rotates) that levels the rows of ink of
    `mask`: searched in `step`s within ±max_angle, then in `fine_step`s around the best."""
    coarse = np.arange(-max_angle, max_angle + 1e-6, step)
    best = max(coarse, key=lambda a: _row_sharpness(mask, a))
    fine = np.arange(best - step, best + step + 1e-6, fine_step)
    return max(fine, key=lambda a: _row_sharpness(mask, a))


def _quarter_mask(grey: np.ndarray) -> np.ndarray:
    return otsu_ink(cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA))


def page_skew(grey: np.ndarray, max_angle: float = 5.0) -> float:
    """Degrees (counter-clockwise) the page content is rotated by; rotate by the negative to fix.

    Projection-profile search on a quarter-size page: 0.5° steps, then 0.1° around the best."""
    mask = _quarter_mask(grey)
    if mask.mean() < 0.5:  # almost no ink: nothing to level
        return 0.0
    return -float(round(level_angle(mask, max_angle, 0.5, 0.1), 2))


def quarter_turn(grey: np.ndarray) -> int:
    """0 or 90: whether text lines run vertically (page scanned sideways).

    Level text lines give a sharp row profile at some small angle; if the columns are much
    sharper than the rows (each compared at its best angle, so skew does not bias it), the
    page lies on its side. Which side (90 vs 270) is settled afterwards by OSD/confidence.
    """
    mask = _quarter_mask(grey)
    if mask.mean() < 0.5:
        return 0

    def best(m: np.ndarray) -> float:
        return max(_row_sharpness(m, a) for a in np.arange(-5.0, 5.0 + 1e-6, 0.5))

    rows = best(mask) / mask.shape[1]
    cols = best(np.ascontiguousarray(mask.T)) / mask.shape[0]
    return 90 if cols > 2.0 * rows else 0


def text_skew(grey: np.ndarray, max_angle: float = 3.0) -> float:
    """Skew in degrees (as `rule_skew`) of a page without long rules, from its lines of text:
    the projection-profile search on the half-size page's local-threshold ink, 0.25° steps,
    then 0.05°. A borderless table is told apart from its neighbour rows by a few pixels of
    white, which a degree of tilt across the page closes."""
    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = (adaptive_ink(small) > 0).astype(np.uint8)
    if ink.sum() < 500:
        return 0.0
    return round(float(level_angle(ink, max_angle, 0.25, 0.05)), 2)


def rule_skew(grey: np.ndarray, dpi: int = 300) -> float:
    """Skew in degrees (counter-clockwise positive, as cv2 rotates) from the long rules, found
    with a Hough transform on the half-size page; a page without them: `text_skew`."""
    small_scale = 0.5
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    ink = adaptive_ink(small)
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
    return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def rotate(image: np.ndarray, angle: float, fill: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Rotate by `angle` degrees counter-clockwise about the centre; the corners it uncovers
    take `fill` (default: the paper's grey level)."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=paper_level(image) if fill is None else fill)


MIN_TURN = 0.05
"""Degrees: a measured skew under this is no turn worth making (`straighten` leaves the image)."""


def straighten(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees (a measured skew) so rules become level, filling with the
    image's median; a turn under MIN_TURN is left alone."""
    if abs(angle) < MIN_TURN:
        return image
    fill = int(np.median(image)) if image.ndim == 2 else tuple(int(v) for v in np.median(image.reshape(-1, 3), axis=0))
    return rotate(image, angle, fill)


UNCOVERED_MARGIN = 20
"""Pixels of paper beside a rotation's uncovered corners that count as uncovered too: the local
threshold of `adaptive_ink` (a 35-pixel mean) turns the step between the corners' fill and the
paper into ink that far from it, whichever grey the corners were filled with."""


def uncovered(shape: tuple[int, ...], *angles: float, margin: int = UNCOVERED_MARGIN) -> np.ndarray | None:
    """Mask (uint8 0/255) of the pixels of an image of `shape` turned by each of `angles` in
    turn (degrees, as `rotate`) that the turns did not fill from the image, widened by `margin`
    pixels; None where no turn reaches MIN_TURN."""
    turns = [a for a in angles if abs(a) >= MIN_TURN]
    if not turns:
        return None
    h, w = shape[:2]
    covered = np.full((h, w), 255, np.uint8)
    for angle in turns:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        covered = cv2.warpAffine(covered, matrix, (w, h), flags=cv2.INTER_NEAREST,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    outside = cv2.bitwise_not(covered)
    if margin > 0:
        outside = cv2.dilate(outside, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * margin + 1, 2 * margin + 1)))
    return outside


def rotate_quarter(image: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if degrees_clockwise % 360 == 0 else cv2.rotate(image, codes[degrees_clockwise % 360])


# ------------------------------------------------------------------ ruled lines
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
    ink = otsu_ink(small)
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
    paper = paper_level(grey)
    widened = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    cleaned = grey.copy()
    cleaned[widened > 0] = paper
    return cleaned


@dataclass(frozen=True)
class RuleMasks:
    """Binary masks (uint8 0/255, page size) of the horizontal and vertical rules."""

    horizontal: np.ndarray
    vertical: np.ndarray
    ink: np.ndarray  # the binarised page (text and rules)


def _speck_mask(ink: np.ndarray, max_size: int) -> np.ndarray:
    """Only the small connected components: the dots and dashes of dotted rules (and specks)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= max_size) & (stats[:, cv2.CC_STAT_HEIGHT] <= max_size // 2 + 2)
    small[0] = False
    # a look-up of each label's byte: a page-sized mask at once, not a page of 64-bit integers
    return np.where(small, 255, 0).astype(np.uint8)[labels]


def rule_masks(grey: np.ndarray, dpi: int = 300, outside: np.ndarray | None = None) -> RuleMasks:
    """The table step's rules: solid rules by an opening with a long thin kernel; dotted and
    dashed rules first rebuilt from the small specks they are made of (closing only those
    specks, never the text, so that words do not turn into lines); broken rules healed by
    closing each mask along its own direction. `outside` (`uncovered`): pixels that are no
    part of the page, which hold no ink: the edge between a rotation's filled corners and the
    paper would otherwise print a line along the page's sides, in pieces that look like
    words or rules depending on the grey the corners were filled with."""
    ink = adaptive_ink(grey)
    if outside is not None:
        ink[outside > 0] = 0
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


# ------------------------------------------------------------------ grids of crossing rules
@dataclass(frozen=True)
class Grid:
    """A ruled table: its box, the row separators (y) and the vertical rules (x, y0, y1)."""

    x0: int
    y0: int
    x1: int
    y1: int
    rows: tuple[int, ...]
    verticals: tuple[tuple[int, int, int], ...]

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


def _mend_broken_rules(boxes: list[tuple[int, int, int, int]], axis: int, tolerance: int,
                       max_gap: int = 24) -> list[tuple[int, int, int, int]]:
    """Pieces of one rule, broken by a photocopy or a faint scan, joined again: boxes on one line
    (within `tolerance` across it) whose ends overlap or lie `max_gap` pixels apart at most.
    axis 0: horizontal rules, 1: vertical."""
    along0, across0, along1, across1 = (0, 1, 2, 3) if axis == 0 else (1, 0, 3, 2)
    mended: list[list[int]] = []
    for box in sorted(boxes, key=lambda b: (b[across0], b[along0])):
        for other in mended:
            same_line = abs((other[across0] + other[across1]) / 2 - (box[across0] + box[across1]) / 2) <= tolerance
            if same_line and box[along0] <= other[along1] + max_gap and box[along1] >= other[along0] - max_gap:
                other[along0], other[along1] = min(other[along0], box[along0]), max(other[along1], box[along1])
                other[across0], other[across1] = min(other[across0], box[across0]), max(other[across1], box[across1])
                break
        else:
            mended.append(list(box))
    return [tuple(b) for b in mended]


def _linked(count: int, pairs) -> list[int]:
    """For each of `count` items, the one item standing for its group, where `pairs` (i, j) are
    linked and links chain (union-find)."""
    parent = list(range(count))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in pairs:
        parent[find(i)] = find(j)
    return [find(i) for i in range(count)]


def table_grids(rules: Rules, tolerance: int = 6) -> list[Grid]:
    """Grids formed by horizontal and vertical rules that cross each other (>= 2 of each)."""
    hs = _mend_broken_rules(list(rules.horizontal), axis=0, tolerance=tolerance)
    vs = _mend_broken_rules(list(rules.vertical), axis=1, tolerance=tolerance)
    crossing = ((i, len(hs) + j) for i, (hx0, hy0, hx1, hy1) in enumerate(hs)
                for j, (vx0, vy0, vx1, vy1) in enumerate(vs)
                if hx0 - tolerance <= (vx0 + vx1) / 2 <= hx1 + tolerance
                and vy0 - tolerance <= (hy0 + hy1) / 2 <= vy1 + tolerance)
    roots = _linked(len(hs) + len(vs), crossing)
    groups: dict[int, tuple[list, list]] = {}
    for i in range(len(hs)):
        groups.setdefault(roots[i], ([], []))[0].append(hs[i])
    for j in range(len(vs)):
        groups.setdefault(roots[len(hs) + j], ([], []))[1].append(vs[j])
    grids = []
    for h_lines, v_lines in groups.values():
        if len(h_lines) < 2 or len(v_lines) < 2:
            continue
        boxes = h_lines + v_lines
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        # row separators: rules across at least half the table (partial ones split header cells)
        ys = sorted((b[1] + b[3]) // 2 for b in h_lines if b[2] - b[0] >= 0.5 * (x1 - x0))
        rows = tuple(y for k, y in enumerate(ys) if k == 0 or y - ys[k - 1] > tolerance)
        verticals = tuple(sorted(((b[0] + b[2]) // 2, b[1], b[3]) for b in v_lines))
        if len(rows) >= 2:
            grids.append(Grid(x0, y0, x1, y1, rows, verticals))
    return grids


def stamp_sized(box: tuple[int, int, int, int], width: int, height: int) -> bool:
    """Whether a ruled box is the size of a stamp (a received stamp 'ĐẾN / Số / Ngày', a
    publisher's box), not of a table: narrower than a third of the page and shorter than a
    tenth of it."""
    x0, y0, x1, y1 = box
    return x1 - x0 < width / 3 and y1 - y0 < height / 10


def broken_boxes(rules: Rules, reach: float) -> list[tuple[int, int, int, int]]:
    """Boxes outlined by rules that do not meet: a faint or worn stamp's frame prints in pieces
    that end short of each other, so they form no grid. Rules whose boxes come within `reach`
    of each other are one outline; an outline with two rules or more each way is a box, given
    by the rules' extent."""
    boxes = [(b, 0) for b in rules.horizontal] + [(b, 1) for b in rules.vertical]
    near = ((i, j) for i, ((ax0, ay0, ax1, ay1), _) in enumerate(boxes) for j in range(i + 1, len(boxes))
            if ax0 - reach <= boxes[j][0][2] and boxes[j][0][0] <= ax1 + reach
            and ay0 - reach <= boxes[j][0][3] and boxes[j][0][1] <= ay1 + reach)
    roots = _linked(len(boxes), near)
    groups: dict[int, list[tuple[tuple[int, int, int, int], int]]] = {}
    for i, box in enumerate(boxes):
        groups.setdefault(roots[i], []).append(box)
    outlines = []
    for members in groups.values():
        if sum(1 for _, axis in members if axis == 0) < 2 or sum(1 for _, axis in members if axis == 1) < 2:
            continue
        outlines.append((min(b[0] for b, _ in members), min(b[1] for b, _ in members),
                         max(b[2] for b, _ in members), max(b[3] for b, _ in members)))
    return outlines
