"""Page geometry: where the ink is, how the page is turned and tilted, where its ruled lines run.

Every building block once, for the page worker and the table step alike:

- ink: `paper_level`, `otsu_ink` (one global threshold), `adaptive_ink` (a local threshold that
  keeps faint rules under uneven light), `ink_blobs` (8-connected blobs of ink and their boxes,
  which tell the height of a page's text and how much of its ink a text layer covers);
- turn and tilt: `level_angle`, the projection-profile search (rows of ink are sharpest when
  level), which measures the skew of a page's text (`page_skew`, `text_skew`) and whether it
  lies on its side (`quarter_turn`), each trial turn of one mask measured once (`TurnSharpness`,
  shared by `quarter_turn` and `page_skew` through `quarter_profiles`); `rule_skew` measures
  the tilt of long rules (each rule's own direction, `rule_directions`);
- `weighted_median` (a rule's tilt by its length, a glyph's height by its ink);
- `rotate`, `rotate_quarter`, `straighten`;
- ruled lines: `find_rules` (the long rules, longer than any text stroke: erased before OCR,
  read by the layout as table rows), `table_grids` (the grids they form), `rule_turn` (the turn
  a table's grid still asks for on a text-levelled page); for the table step, `rule_runs` (the
  local threshold's runs as long as a rule, faint and short ones too) and `with_dotted_rules`
  (healed, with dotted and dashed rules rebuilt from specks), `rule_masks` both at once.

What costs less here gives exactly what the plain computation gives (tests/ingest/
test_geometry_exact.py holds each against it): row sums by OpenCV, a trial turn looked up
where it was measured, morphology by a line worked only on the rows (columns) holding ink,
specks told by their outlines.

The page worker measures a page's `PageGeometry` once (quarter turn, skew by its text, long
rules, their grids and the turn the grid still asks for) and carries it on the page's records
to the layout and the table step. The table step turns its copy of the page by that turn and
finds the rules of its cells there (`rule_runs`), once; it measures the turn itself only where
no page step did (a page without a grid, the picture under a text layer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from sohoa.ingest.records import Grid, Rules


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


def blob_stats(mask: np.ndarray) -> np.ndarray:
    """The x, y, width, height and area (cv2.CC_STAT_*) of each 8-connected blob of `mask`,
    as cv2.connectedComponentsWithStats gives them without the background's row, in its order.

    OpenCV's statistics pass costs as much on an empty page as on a full one (about 0.05 s a
    page at 300 dpi, more than its labelling); a mask that is mostly paper (what is left once
    the words read are taken out, the rules of a page of prose) holds its ink in a few bands of
    rows. No blob crosses an empty row, so each band is labelled alone; bands start on an even
    row because OpenCV labels rows two at a time, which keeps its order of the blobs."""
    mask = np.ascontiguousarray(mask)
    inked = np.flatnonzero(cv2.reduce(mask, 1, cv2.REDUCE_MAX).ravel())
    if not len(inked):
        return np.zeros((0, 5), np.int32)
    breaks = np.flatnonzero(np.diff(inked) > 1)
    starts, ends = inked[np.r_[0, breaks + 1]] // 2 * 2, inked[np.r_[breaks, len(inked) - 1]] + 1
    if (ends - starts).sum() > mask.shape[0] // 2:  # ink on most rows: one pass is cheaper
        return cv2.connectedComponentsWithStats(mask, connectivity=8)[2][1:]
    parts = []
    for top, bottom in zip(starts.tolist(), ends.tolist()):
        stats = cv2.connectedComponentsWithStats(mask[top:bottom], connectivity=8)[2][1:]
        stats[:, cv2.CC_STAT_TOP] += top
        parts.append(stats)
    return np.concatenate(parts)


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
    # each row's sum is an integer (at most 255 times the width), which OpenCV's integer sum and
    # numpy's float sum both give exactly; OpenCV's costs a fraction of numpy's on a byte image
    profile = cv2.reduce(rotated, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
    return float(np.square(np.diff(profile)).sum())


class TurnSharpness:
    """The row sharpness (`_row_sharpness`) of one ink mask at trial turns, each turn measured
    once: the fine search of `level_angle` meets turns the coarse one tried, and a page's
    quarter turn (`quarter_turn`) tries the very turns that its skew search (`page_skew`) starts
    with. A turn is the same turn only as the same float, so what is looked up is what would be
    measured again."""

    def __init__(self, mask: np.ndarray):
        self.mask = mask
        self._measured: dict[float, float] = {}

    def sharpness(self, angle: float) -> float:
        key = float(angle)
        if key not in self._measured:
            self._measured[key] = _row_sharpness(self.mask, key)
        return self._measured[key]


def level_angle(ink: np.ndarray | TurnSharpness, max_angle: float, step: float, fine_step: float):
    """The turn (degrees counter-clockwise, as cv2 rotates) that levels the rows of `ink` (a
    mask, or the `TurnSharpness` of one): searched in `step`s within ±max_angle, then in
    `fine_step`s around the best."""
    profiles = ink if isinstance(ink, TurnSharpness) else TurnSharpness(ink)
    coarse = np.arange(-max_angle, max_angle + 1e-6, step)
    best = max(coarse, key=profiles.sharpness)
    fine = np.arange(best - step, best + step + 1e-6, fine_step)
    return max(fine, key=profiles.sharpness)


def quarter_profiles(grey: np.ndarray) -> TurnSharpness:
    """The row profiles of the quarter-size page's Otsu ink, which `quarter_turn` and
    `page_skew` both search: measured once for both where the page is not turned between."""
    return TurnSharpness(otsu_ink(cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)))


SKEW_SEARCH = 5.0, 0.5
"""±degrees and step of the turns at which `quarter_turn` compares rows and columns: the
coarse search of `page_skew`, whose turns it measures for it."""


def page_skew(grey: np.ndarray, max_angle: float = SKEW_SEARCH[0],
              profiles: TurnSharpness | None = None) -> float:
    """Degrees (counter-clockwise) the page content is rotated by; rotate by the negative to fix.

    Projection-profile search on a quarter-size page: 0.5° steps, then 0.1° around the best.
    `profiles`: the page's `quarter_profiles`, where `quarter_turn` has measured them."""
    profiles = quarter_profiles(grey) if profiles is None else profiles
    if profiles.mask.mean() < 0.5:  # almost no ink: nothing to level
        return 0.0
    return -float(round(level_angle(profiles, max_angle, SKEW_SEARCH[1], 0.1), 2))


def quarter_turn(grey: np.ndarray, profiles: TurnSharpness | None = None) -> int:
    """0 or 90: whether text lines run vertically (page scanned sideways).

    Level text lines give a sharp row profile at some small angle; if the columns are much
    sharper than the rows (each compared at its best angle, so skew does not bias it), the
    page lies on its side. Which side (90 vs 270) is settled afterwards by OSD/confidence.
    `profiles`: the page's `quarter_profiles` (kept for `page_skew` where the page stays).
    """
    profiles = quarter_profiles(grey) if profiles is None else profiles
    mask = profiles.mask
    if mask.mean() < 0.5:
        return 0
    reach, step = SKEW_SEARCH
    angles = np.arange(-reach, reach + 1e-6, step)
    rows = max(profiles.sharpness(a) for a in angles) / mask.shape[1]
    columns = TurnSharpness(np.ascontiguousarray(mask.T))
    cols = max(columns.sharpness(a) for a in angles) / mask.shape[0]
    return 90 if cols > 2.0 * rows else 0


def half_ink(grey: np.ndarray) -> np.ndarray:
    """The local-threshold ink (`adaptive_ink`) of the half-size page, on which `rule_skew`
    looks for long rules and `text_skew` levels lines of text."""
    return adaptive_ink(cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))


def text_skew(grey: np.ndarray, max_angle: float = 3.0, half: np.ndarray | None = None) -> float:
    """Skew in degrees (as `rule_skew`) of a page without long rules, from its lines of text:
    the projection-profile search on the half-size page's local-threshold ink, 0.25° steps,
    then 0.05°. A borderless table is told apart from its neighbour rows by a few pixels of
    white, which a degree of tilt across the page closes. `half`: the page's `half_ink`, where
    it is at hand."""
    ink = ((half_ink(grey) if half is None else half) > 0).astype(np.uint8)
    if cv2.countNonZero(ink) < 500:
        return 0.0
    return round(float(level_angle(ink, max_angle, 0.25, 0.05)), 2)


RULE_GAP = 12
"""Pixels (half size) of a break in a rule still read as one rule: a scan's dropout, a crossing."""

RULE_BOW = 2.0
"""Pixels (half size): how far a rule's pixels may stray, as a standard deviation, from a straight
band of the rule's own thickness (a scan's slight bow: the 170 lines 600 px long or more on the
real scans stray 1.3 px at most). A stroke that touches a rule (a signature, a hand-drawn line)
spreads its pixels 8-12 px across it and would bend its direction, so such a shape measures
nothing."""

MAX_RULE_SKEW = 5.0
"""Degrees: the most a long rule may be tilted and still measure the page's tilt."""


def rule_skew(grey: np.ndarray, dpi: int = 300) -> float:
    """Skew in degrees (counter-clockwise positive, as cv2 rotates) from the long rules of the
    half-size page: each rule's own direction (`rule_directions`), the median weighted by
    length; a page without them: `text_skew`."""
    ink = half_ink(grey)
    # a kernel short enough that a rule tilted by a few degrees still fills it
    lines_mask = _line_open(ink, max(15, int(25 * dpi / 300)), across=True)
    found = rule_directions(lines_mask, min_length=ink.shape[1] // 6)
    if not found:
        return text_skew(grey, half=ink)
    angles, lengths = zip(*found)
    return weighted_median(angles, lengths)


def weighted_median(values, weights) -> float:
    """The value at which the weights of the values below it first reach half the total."""
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def rule_directions(lines_mask: np.ndarray, min_length: int) -> list[tuple[float, int]]:
    """(degrees, length in pixels) of every rule at least `min_length` long in a mask of the
    long horizontal runs of ink: the principal axis of the rule's pixels (its second moments),
    a least-squares line through all of them, so its precision is not a Hough transform's
    angle step. Breaks of up to RULE_GAP pixels are bridged. A blob that is no line (its pixels
    spread across it more than a tenth as far as along it), a rule with a stroke run into it
    (its pixels stray from a straight band of its thickness by more than RULE_BOW) and a rule
    tilted more than MAX_RULE_SKEW give nothing."""
    bridged = cv2.morphologyEx(lines_mask, cv2.MORPH_CLOSE, np.ones((1, RULE_GAP + 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bridged, connectivity=8)
    found = []
    for k in range(1, count):
        x, y, width, height = (int(v) for v in stats[k, :4])
        if width < min_length:
            continue
        pixels = ((labels[y:y + height, x:x + width] == k) & (lines_mask[y:y + height, x:x + width] > 0))
        m = cv2.moments(pixels.astype(np.uint8), binaryImage=True)  # the closing only joins ink: m00 > 0
        mu20, mu02, mu11 = m["mu20"] / m["m00"], m["mu02"] / m["m00"], m["mu11"] / m["m00"]
        spread = math.hypot(mu20 - mu02, 2 * mu11)  # the two axes' variances are (mu20 + mu02 ± spread) / 2
        along, across = (mu20 + mu02 + spread) / 2, (mu20 + mu02 - spread) / 2
        if across > 0.01 * along:  # a spread across over a tenth of that along: no line
            continue
        thickness = m["m00"] / width  # pixels per column
        if across > thickness ** 2 / 12 + RULE_BOW ** 2:  # a band that thick spreads thickness²/12
            continue
        angle = 0.5 * math.degrees(math.atan2(2 * mu11, mu20 - mu02))
        if abs(angle) <= MAX_RULE_SKEW:
            found.append((angle, width))
    return found


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
def _line_kernel(length: int, across: bool) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if across else (1, length))


def _on_lines_with_ink(mask: np.ndarray, op: int, length: int, across: bool) -> np.ndarray:
    """`op` (cv2.MORPH_*: an erosion, dilation, opening or closing) of `mask` by a line `length`
    long across (or down) the page, worked only on the rows (or columns) that hold ink: with a
    kernel one row high each row's result is its own, and a row without ink stays without
    (the image's ends, where the kernel overhangs, are the same ends on the rows taken out). A
    page's rules lie on few rows, so the work on them costs little of the page-sized work."""
    lines = np.flatnonzero(mask.max(axis=1 if across else 0))
    out = np.zeros_like(mask)
    if lines.size:
        kernel = _line_kernel(length, across)
        if across:
            out[lines] = cv2.morphologyEx(np.ascontiguousarray(mask[lines]), op, kernel)
        else:
            out[:, lines] = cv2.morphologyEx(mask.take(lines, axis=1), op, kernel)
    return out


def _line_open(mask: np.ndarray, length: int, across: bool) -> np.ndarray:
    """The opening of `mask` by a line `length` long across (or down) the page (the runs of ink
    that long): the erosion over the page, the dilation back (an opening's second half, with
    the same kernel and anchor) only on the rows (columns) where runs that long are left."""
    return _on_lines_with_ink(cv2.erode(mask, _line_kernel(length, across)), cv2.MORPH_DILATE, length, across)


def find_rules(grey: np.ndarray) -> tuple[Rules, np.ndarray]:
    """Ruled lines (longer than any text stroke) and their pixel mask.

    Tesseract reads table rules as 'I', '|', 'L' or '_' and they break its line finding, so
    the OCR image gets them erased (`erase_rules`); their positions let the reading order
    rebuild table rows and the table step find its tables (their grids: `table_grids`).
    Morphological opening of the half-size page's global-threshold ink with long thin kernels
    keeps only lines. (The table step reads its cells' rules from `rule_runs` instead, the
    local threshold at full size, which keeps faint and short rules; erased from the OCR image
    that threshold's mask takes the rules' grey edges too, and on QĐ 1380's ruled list Tesseract
    then dropped the narrow columns of ordinals and years as noise: measured, not done.)"""
    h, w = grey.shape[:2]
    scale = 2 if min(h, w) > 1500 else 1  # half resolution is plenty to find lines, and 4x cheaper
    small = cv2.resize(grey, (w // scale, h // scale), interpolation=cv2.INTER_AREA) if scale > 1 else grey
    sh, sw = small.shape[:2]
    ink = otsu_ink(small)
    horizontal = _line_open(ink, max(60 // scale, sw // 20), across=True)
    vertical = _line_open(ink, max(60 // scale, sh // 40), across=False)
    boxes = []
    for mask in (horizontal, vertical):
        boxes.append(tuple((int(x * scale), int(y * scale), int((x + bw) * scale), int((y + bh) * scale))
                           for x, y, bw, bh, _ in blob_stats(mask)))
    mask = cv2.bitwise_or(horizontal, vertical)
    if scale > 1:
        mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)
    return Rules(boxes[0], boxes[1]), mask


MAX_RULE_TURN = 0.5
"""Degrees: the most a table's rules may turn a page its text levelled. The text's level is
searched in steps of this size before it is refined, so a table printed with the text lies
within it; rules further off are no table's (a stamp's frame, a hand-drawn line, a signature),
and turning the text by them would cost the OCR."""


def rule_turn(grey: np.ndarray, grids, dpi: int = 300) -> float:
    """Degrees (as `rotate`) to turn a page its text levelled so that its table grid is level:
    0.0 where it has no grid (`table_grids`), where the rules measure (`rule_skew`) less than
    MIN_TURN off, or more than MAX_RULE_TURN off (no table's rules: a stamp's frame, a
    hand-drawn line, a signature)."""
    if not grids:
        return 0.0
    return turn_after_levelling(rule_skew(grey, dpi))


def turn_after_levelling(angle: float) -> float:
    """A tilt measured (`rule_skew`) on a page its text levelled, as the turn to make: 0.0 under
    MIN_TURN, and over MAX_RULE_TURN, where the long lines measured are no table's (a
    signature's stroke, a stamp's frame, a hand-drawn line) and the text's level stands."""
    return 0.0 if abs(angle) < MIN_TURN or abs(angle) > MAX_RULE_TURN else angle


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
    """Binary masks (uint8 0/255, page size) of the horizontal and vertical rules, and the
    page's ink (local threshold) they were found in."""

    horizontal: np.ndarray
    vertical: np.ndarray
    ink: np.ndarray


SPECKS_BY_LABELS = 25_000
"""Outlines on a page beyond which its specks are told by labelling its blobs: the outlines'
cost grows with their count, the labelling's hardly at all (a grainy page). Either way gives the
same mask."""


def _speck_mask(ink: np.ndarray, max_size: int) -> np.ndarray:
    """Only the small connected components (8-connected, at most `max_size` wide and
    max_size // 2 + 2 high) of `ink`, a 0/255 mask: the dots and dashes of dotted rules (and
    specks).

    Told by their outlines, which cost a fraction of labelling the page: each component has one
    outer outline, which bounds it as its blob does; drawn filled it covers the component and
    its holes, and held to the ink it is the component and what lies in its holes, which is
    smaller and so a speck too. A filled drawing fills by parity, leaving out what lies within
    two of its outlines: the outlines of components without holes, which hold nothing, are drawn
    together, each of the few with holes alone."""
    outlines, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    mask = np.zeros_like(ink)
    if not outlines:
        return mask
    links = hierarchy[0]  # next, previous, first child (a hole), parent: -1 for an outer outline
    outer = np.flatnonzero(links[:, 3] < 0)
    if outer.size > SPECKS_BY_LABELS:
        return _speck_mask_by_labels(ink, max_size)
    boxes = np.array([cv2.boundingRect(outlines[k]) for k in outer]).reshape(-1, 4)
    small = outer[(boxes[:, 2] <= max_size) & (boxes[:, 3] <= max_size // 2 + 2)]
    holed = links[small, 2] >= 0
    cv2.drawContours(mask, [outlines[k] for k in small[~holed]], -1, 255, thickness=cv2.FILLED)
    for k in small[holed]:
        cv2.drawContours(mask, outlines, int(k), 255, thickness=cv2.FILLED)
    return cv2.bitwise_and(mask, ink)


def _speck_mask_by_labels(ink: np.ndarray, max_size: int) -> np.ndarray:
    """`_speck_mask` by labelling the page's blobs."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = (stats[:, cv2.CC_STAT_WIDTH] <= max_size) & (stats[:, cv2.CC_STAT_HEIGHT] <= max_size // 2 + 2)
    small[0] = False
    # a look-up of each label's byte: a page-sized mask at once, not a page of 64-bit integers
    return np.where(small, 255, 0).astype(np.uint8)[labels]


def _rule_length(dpi: int) -> int:
    """The shortest horizontal run of ink that is a rule (a narrow column's header rule)."""
    return max(20, int(70 * dpi / 300.0))


def _heal(mask: np.ndarray, dpi: int, across: bool) -> np.ndarray:
    """Small breaks of a rule closed along its own direction."""
    return _on_lines_with_ink(mask, cv2.MORPH_CLOSE, int(31 * dpi / 300.0), across=across)


def with_dotted_rules(runs: RuleMasks, dpi: int = 300) -> RuleMasks:
    """The table step's masks from a page's rule runs (`rule_runs`): the solid rules and
    the dotted and dashed ones, rebuilt from the small specks they are made of (closing only
    those specks, never the text, so that words do not turn into lines), broken rules healed
    by closing each mask along its own direction."""
    scale = dpi / 300.0
    specks = _speck_mask(runs.ink, max(6, int(14 * scale)))
    dotted = _on_lines_with_ink(specks, cv2.MORPH_CLOSE, int(15 * scale) + 1, across=True)
    dotted = _line_open(dotted, _rule_length(dpi) * 2, across=True)
    return RuleMasks(horizontal=_heal(cv2.bitwise_or(runs.horizontal, dotted), dpi, across=True),
                     vertical=_heal(runs.vertical, dpi, across=False), ink=runs.ink)


def rule_masks(grey: np.ndarray, dpi: int = 300, outside: np.ndarray | None = None) -> RuleMasks:
    """The table step's masks of a page (`rule_runs`, healed, with the dotted rules:
    `with_dotted_rules`)."""
    return with_dotted_rules(rule_runs(grey, dpi, outside), dpi)


def rule_runs(grey: np.ndarray, dpi: int = 300, outside: np.ndarray | None = None) -> RuleMasks:
    """The runs of ink as long as the shortest rule, across and down, unhealed, and the ink
    (local threshold) they were found in. `outside` (`uncovered`): pixels that are no part of
    the page, which hold no ink: the edge between a rotation's filled corners and the paper
    would otherwise print a line along the page's sides, in pieces that look like words or
    rules depending on the grey the corners were filled with."""
    ink = adaptive_ink(grey)
    if outside is not None:
        # (a page-sized boolean index costs more than keeping the ink where `outside` is 0)
        ink = cv2.bitwise_and(ink, cv2.compare(outside, 0, cv2.CMP_EQ))
    return RuleMasks(horizontal=_line_open(ink, _rule_length(dpi), across=True),
                     vertical=_line_open(ink, max(15, int(60 * dpi / 300.0)), across=False), ink=ink)


# ------------------------------------------------------------------ grids of crossing rules
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
        rows = _row_separators(h_lines, x1 - x0, tolerance)
        verticals = tuple(sorted(((b[0] + b[2]) // 2, b[1], b[3]) for b in v_lines))
        if len(rows) >= 2:
            grids.append(Grid(x0, y0, x1, y1, rows, verticals))
    return grids


def _row_separators(h_lines: list[tuple[int, int, int, int]], width: int, tolerance: int) -> tuple[int, ...]:
    """The y of the rules that run across at least half the table, top to bottom (partial ones
    split header cells). A rule a faint scan breaks into pieces further apart than mending
    joins (QĐ 1380's: three pieces with gaps of 50 and 76 pixels where text crosses it, none
    half the table) counts by the pieces lying on its line together, without their overlaps."""
    groups: list[list[tuple[int, int, int, int]]] = []
    for box in sorted(h_lines, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if groups and middle - (groups[-1][0][1] + groups[-1][0][3]) / 2 <= tolerance:
            groups[-1].append(box)
        else:
            groups.append([box])
    ys = []
    for pieces in groups:
        covered, end = 0, None
        for x0, _, x1, _ in sorted(pieces):
            start = x0 if end is None else max(x0, end)
            covered += max(0, x1 - start)
            end = x1 if end is None else max(end, x1)
        if covered >= 0.5 * width:
            ys.append(int(sorted((b[1] + b[3]) // 2 for b in pieces)[len(pieces) // 2]))
    return tuple(y for k, y in enumerate(ys) if k == 0 or y - ys[k - 1] > tolerance)


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
