"""Make a clean rendered page look scanned: skew, blur, noise, uneven light, JPEG artefacts,
plus the red seal and the blue-ink signature that official documents carry.

Every random choice comes from the `random.Random` passed in, so a seed fixes the result.
Levels (parameters are ranges drawn per page):

| level | skew (deg) | blur sigma (px @300dpi) | noise sigma | light falloff | JPEG q | speckles |
|-------|-----------|--------------------------|-------------|---------------|--------|----------|
| clean | 0         | 0                        | 0           | 0             | none   | 0        |
| scan  | 0.2–0.8   | 0.5–0.7                  | 1.5–2.5     | 0–6 %         | 50–60  | few      |
| light | 0.2–1.0   | 0.4–0.8                  | 4–8         | 0–10 %        | 70–85  | few      |
| heavy | 1.0–2.5   | 0.9–1.4                  | 10–18       | 15–30 %       | 35–55  | many     |
| photocopy | 0.1–0.6 | 0.3–0.6                  | 2–5         | 0–5 %         | 40–70  | few      |

`photocopy` is what real published scans look like: scanned at 150–200 dpi in black and white
(greys pushed to ink or paper around a threshold drawn per page, so strokes come out thicker or
thinner and thin marks break), saved as JPEG at that resolution and enlarged back to 300 dpi
with Lanczos resampling, as `sohoa run` enlarges such scans.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Degradation:
    skew: tuple[float, float]
    blur: tuple[float, float]
    noise: tuple[float, float]
    light: tuple[float, float]
    jpeg: tuple[int, int] | None
    speckles: int
    paper: tuple[int, int]  # grey level of the paper
    scan_dpi: tuple[int, int] | None = None  # scanned at this resolution, then enlarged to 300 dpi
    threshold: tuple[float, float] | None = None  # photocopy contrast: where ink turns to paper (0-1)


LEVELS: dict[str, Degradation] = {
    "clean": Degradation((0, 0), (0, 0), (0, 0), (0, 0), None, 0, (255, 255)),
    # a decent office scanner: what the committed samples use (and it keeps them small)
    "scan": Degradation((0.2, 0.8), (0.5, 0.7), (1.5, 2.5), (0.0, 0.06), (50, 60), 60, (240, 250)),
    "light": Degradation((0.2, 1.0), (0.4, 0.8), (4, 8), (0.0, 0.10), (70, 85), 150, (238, 250)),
    "heavy": Degradation((1.0, 2.5), (0.9, 1.4), (10, 18), (0.15, 0.30), (35, 55), 1500, (215, 235)),
    "photocopy": Degradation((0.1, 0.6), (0.3, 0.6), (2, 5), (0.0, 0.05), (40, 70), 40, (235, 250),
                             scan_dpi=(150, 200), threshold=(0.35, 0.65)),
}


def degrade(image: Image.Image, level: str, rng: random.Random) -> tuple[Image.Image, float]:
    """Return the degraded RGB page and the skew (degrees, counter-clockwise) applied."""
    spec = LEVELS[level]
    if level == "clean":
        return image.convert("RGB"), 0.0
    seed = rng.getrandbits(32)
    np_rng = np.random.default_rng(seed)
    skew = rng.uniform(*spec.skew) * rng.choice((-1, 1))
    paper = rng.randint(*spec.paper)

    # Ink is never pure black on a scan and the paper never pure white.
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    ink = rng.uniform(35, 70) if level == "heavy" else rng.uniform(20, 45)
    pixels = ink + pixels * ((paper - ink) / 255.0)
    h, w = pixels.shape[:2]
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    pixels = cv2.warpAffine(pixels, rotation, (w, h), flags=cv2.INTER_CUBIC,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=(paper, paper, paper))
    blur = rng.uniform(*spec.blur)
    if blur > 0:
        pixels = cv2.GaussianBlur(pixels, (0, 0), blur)

    falloff = rng.uniform(*spec.light)
    if falloff > 0:
        # a lamp off to one side: brightness falls off linearly across the page
        angle = rng.uniform(0, 2 * math.pi)
        xs = (np.arange(w, dtype=np.float32) / w - 0.5) * math.cos(angle)
        ys = (np.arange(h, dtype=np.float32) / h - 0.5) * math.sin(angle)
        light = 1.0 - falloff * (ys[:, None] + xs[None, :] + 0.5)
        pixels *= light[..., None]
    scale = 1.0
    if spec.scan_dpi is not None:
        scale = rng.uniform(*spec.scan_dpi) / 300.0
        pixels = cv2.resize(pixels, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        h, w = pixels.shape[:2]
        if pixels.ndim == 2:
            pixels = pixels[..., None]
    if spec.threshold is not None:
        # a photocopy scanned in black and white: a steep curve around a threshold drawn per
        # page (strokes thicker or thinner, thin marks broken), at the scan's resolution
        cut = ink + rng.uniform(*spec.threshold) * (paper - ink)
        steepness = rng.uniform(0.15, 0.5)
        pixels = ink + (paper - ink) / (1.0 + np.exp(-np.clip((pixels - cut) * steepness, -50, 50)))
    sigma = rng.uniform(*spec.noise)
    if sigma > 0:
        pixels += np_rng.standard_normal(size=(h, w, 1), dtype=np.float32) * sigma
    if spec.speckles:
        count = int(spec.speckles * rng.uniform(0.5, 1.0))
        ys_ = np_rng.integers(0, h, count)
        xs_ = np_rng.integers(0, w, count)
        pixels[ys_, xs_] = np_rng.uniform(0, 90, size=(count, 1))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if spec.jpeg:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randint(*spec.jpeg))
        buffer.seek(0)
        image = Image.open(buffer).convert("RGB")
    if scale != 1.0:
        image = image.resize((round(w / scale), round(h / scale)), Image.LANCZOS)
    return image, skew


def draw_seal(image: Image.Image, centre: tuple[int, int], rng: random.Random, dpi: int = 300) -> None:
    """Stamp a round red seal (double ring, star, ring text) centred at `centre`, in place.

    The seal multiplies onto the page like ink, so text under it stays visible but turns
    dark red — as on a real stamped page.
    """
    radius = int(rng.uniform(18, 21) / 25.4 * dpi)
    size = radius * 2 + 8
    stamp = Image.new("L", (size, size), 0)  # ink coverage 0..255
    draw = ImageDraw.Draw(stamp)
    c = size // 2
    ring = max(4, radius // 22)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    inner = int(radius * 0.72)
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(2, ring // 2))
    star = [(c + int(radius * 0.28 * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
             c - int(radius * 0.28 * math.sin(math.pi / 2 + k * 4 * math.pi / 5))) for k in range(5)]
    draw.polygon(star, fill=255)
    from sohoa.synth.render import font_path  # local: render imports this module

    font = ImageFont.truetype(font_path("bold"), max(12, radius // 6))
    text = rng.choice(["ỦY BAN NHÂN DÂN * TỈNH TRÀ VINH *", "HỘI ĐỒNG NHÂN DÂN * TỈNH NGHỆ AN *",
                       "SỞ KẾ HOẠCH VÀ ĐẦU TƯ * QUẢNG NAM *"])
    text_r = (radius + inner) / 2
    for k, ch in enumerate(text):
        theta = math.pi * 0.95 - k * (2 * math.pi * 0.95 / len(text))
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size // 2, font.size // 3), ch, font=font, fill=255)
        glyph = glyph.rotate(math.degrees(theta) - 90, resample=Image.BICUBIC)
        gx = int(c + text_r * math.cos(theta) - glyph.width / 2)
        gy = int(c - text_r * math.sin(theta) - glyph.height / 2)
        stamp.paste(255, (gx, gy), glyph)
    stamp = stamp.rotate(rng.uniform(-30, 30), resample=Image.BICUBIC)
    coverage = np.asarray(stamp, dtype=np.float32) / 255.0 * rng.uniform(0.85, 1.0)
    # uneven inking: some parts of the rubber print lighter
    coverage *= np.random.default_rng(rng.getrandbits(32)).uniform(0.7, 1.0, size=coverage.shape)
    _multiply_ink(image, coverage, (205, 20, 35), (centre[0] - c, centre[1] - c))


def draw_signature(image: Image.Image, centre: tuple[int, int], rng: random.Random, dpi: int = 300) -> None:
    """A blue-ink scribble around `centre`, in place."""
    scale = dpi / 300
    w, h = int(420 * scale), int(160 * scale)
    layer = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(layer)
    points = []
    x = 20 * scale
    for _ in range(9):
        x += rng.uniform(25, 55) * scale
        points.append((x, h / 2 + rng.uniform(-60, 60) * scale))
    draw.line(points, fill=255, width=max(3, int(5 * scale)), joint="curve")
    draw.arc((w * 0.55, h * 0.1, w * 0.95, h * 0.9), rng.uniform(0, 90), rng.uniform(200, 330), fill=255,
             width=max(3, int(4 * scale)))
    coverage = np.asarray(layer, dtype=np.float32) / 255.0 * 0.9
    _multiply_ink(image, coverage, (30, 50, 170), (centre[0] - w // 2, centre[1] - h // 2))


def _multiply_ink(image: Image.Image, coverage: np.ndarray, colour: tuple[int, int, int],
                  offset: tuple[int, int]) -> None:
    """Multiply a coloured ink layer (coverage 0..1) onto `image` at `offset`, clipped to the page."""
    x0, y0 = offset
    h, w = coverage.shape
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(image.width, x0 + w), min(image.height, y0 + h)
    if px1 <= px0 or py1 <= py0:
        return
    cov = coverage[py0 - y0:py1 - y0, px0 - x0:px1 - x0, None]
    region = np.asarray(image.crop((px0, py0, px1, py1)), dtype=np.float32)
    ink = np.array(colour, dtype=np.float32) / 255.0
    region = region * (1 - cov + cov * ink)
    image.paste(Image.fromarray(np.clip(region, 0, 255).astype(np.uint8)), (px0, py0))
