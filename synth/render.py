"""Render Vietnamese text into scanned-looking A4 pages whose true text is known.

The pages look like Vietnamese official documents (Nghị định 30/2020 layout): A4 at 300 DPI,
13–14 pt Times-like type (TeX Gyre Termes, which carries every Vietnamese glyph), justified
paragraphs with a first-line indent, an optional two-column official header block, page
numbers centred in the top margin from page 2 on, and an optional 'Nơi nhận' / signature
block. `sohoa.synth.degrade` then makes them look scanned (skew, blur, noise, uneven light,
JPEG artefacts, a red seal) with a seeded RNG, so the same seed gives the same pages.

    from sohoa.synth.render import render_document, write_image_pdf, OfficialHeader

    pages = render_document(
        ["Đoạn thứ nhất ...", "Đoạn thứ hai ..."],
        header=OfficialHeader.example(), level="light", seed=0,
    )
    pages[0].image        # PIL.Image (RGB), 2480 x 3508 at 300 DPI
    pages[0].truth_text   # reading-order text of the page, one paragraph per line
    pages[0].lines        # every printed line with its box (before degradation)
    write_image_pdf(pages, "scan.pdf")   # image-only PDF, one page per image

Truth conventions (what `sohoa run` is scored against):
- one paragraph per line; a paragraph broken by a page end appears on both pages, split;
- two-column blocks (header, 'Nơi nhận' / signature) read left column first, then right;
- page numbers are not part of the truth text (`RenderedPage.page_label` holds them);
- table rows read one row per line, cells joined by ' | '.

Any text can be rendered (corpus text, seeds); input is NFC-normalised and whitespace runs
inside a paragraph collapse to one space, exactly as the truth records it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence, Union

from PIL import Image, ImageDraw, ImageFont

from sohoa.synth.degrade import LEVELS, degrade, draw_seal, draw_signature

A4_MM = (210.0, 297.0)
FONT_DIRS = (
    "/usr/share/texmf/fonts/opentype/public/tex-gyre",
    "/usr/share/fonts/opentype/tex-gyre",
    "/usr/share/fonts/truetype/freefont",
)
FONT_FILES = {
    "regular": ("texgyretermes-regular.otf", "FreeSerif.ttf"),
    "bold": ("texgyretermes-bold.otf", "FreeSerifBold.ttf"),
    "italic": ("texgyretermes-italic.otf", "FreeSerifItalic.ttf"),
    "bolditalic": ("texgyretermes-bolditalic.otf", "FreeSerifBoldItalic.ttf"),
}


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class OfficialHeader:
    """The two-column block on top of page 1, plus the centred document title under it."""

    agency: tuple[str, ...] = ("ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH")
    number: str = "Số: 125/KH-UBND"
    place_date: str = "Trà Vinh, ngày 15 tháng 02 năm 2023"
    title: tuple[str, ...] = ()

    @classmethod
    def example(cls, title: Sequence[str] = ("KẾ HOẠCH",)) -> "OfficialHeader":
        return cls(title=tuple(title))

    @classmethod
    def random(cls, rng: random.Random, title: Sequence[str] = ()) -> "OfficialHeader":
        """A plausible header: agency, number and date drawn from small pools."""
        province = rng.choice(["TRÀ VINH", "NGHỆ AN", "QUẢNG NAM", "ĐỒNG THÁP", "HÀ TĨNH",
                               "BÌNH ĐỊNH", "THÁI BÌNH", "LÂM ĐỒNG", "SÓC TRĂNG", "YÊN BÁI"])
        body = rng.choice([("ỦY BAN NHÂN DÂN", f"TỈNH {province}", "KH-UBND"),
                           ("HỘI ĐỒNG NHÂN DÂN", f"TỈNH {province}", "NQ-HĐND"),
                           (f"UBND TỈNH {province}", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "BC-SKHĐT")])
        place = province.title().replace("Đồng Tháp", "Cao Lãnh")
        year = rng.randint(2015, 2024)
        return cls(
            agency=body[:2],
            number=f"Số: {rng.randint(1, 350)}/{body[2]}",
            place_date=f"{place}, ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12):02d} năm {year}",
            title=tuple(title),
        )

    def truth_lines(self) -> list[str]:
        """Row by row, as legal-text databases print a header: agency, national motto; number,
        place and date; then the title."""
        return [*self.agency, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                self.number, self.place_date, *self.title]


@dataclass(frozen=True)
class Closing:
    """'Nơi nhận' list on the left, the signer's block on the right, at the document end."""

    recipients: tuple[str, ...] = ("- Như trên;", "- TT. Tỉnh ủy;", "- Lưu: VT.")
    signer_role: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer_name: str = "Nguyễn Văn An"

    def truth_lines(self) -> list[str]:
        return ["Nơi nhận:", *self.recipients, *self.signer_role, self.signer_name]


@dataclass(frozen=True)
class Paragraph:
    """A block of running text. style: 'body' (justified, indented), 'heading' (bold, flush
    left), 'center' (bold, centred: titles), 'italic' (centred italic)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class TableBlock:
    """A ruled table: rows of cell texts, the first `header_rows` rows in bold."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths; equal when empty
    header_rows: int = 1


Block = Union[str, Paragraph, TableBlock]


@dataclass(frozen=True)
class RenderedLine:
    """One printed line and its box on the clean page (before skew)."""

    text: str
    bbox: tuple[int, int, int, int]
    role: str  # 'body', 'header', 'title', 'heading', 'closing', 'table', 'page_number'


@dataclass(frozen=True, eq=False)
class RenderedPage:
    """A rendered (and degraded) page with its known text."""

    image: Image.Image
    truth_text: str
    page: int  # 1-based
    page_label: str  # the printed page number ('' when none)
    level: str
    seed: int
    dpi: int
    lines: tuple[RenderedLine, ...] = field(default_factory=tuple)
    skew: float = 0.0  # degrees the degradation rotated the page by (counter-clockwise)


@dataclass(frozen=True)
class Layout:
    """Page geometry in millimetres and points (defaults follow Nghị định 30/2020)."""

    dpi: int = 300
    font_pt: float = 13.5
    line_spacing: float = 1.25
    paragraph_gap: float = 0.35  # in line heights
    margins_mm: tuple[float, float, float, float] = (30.0, 20.0, 20.0, 20.0)  # left, top, right, bottom
    indent_mm: float = 12.7

    def px(self, mm: float) -> int:
        return int(round(mm / 25.4 * self.dpi))

    def pt(self, points: float) -> int:
        return int(round(points / 72.0 * self.dpi))


# ---------------------------------------------------------------- fonts
@lru_cache(maxsize=None)
def font_path(style: str = "regular") -> str:
    """Path of the Times-like font with Vietnamese glyphs for `style`."""
    for name in FONT_FILES[style]:
        for folder in FONT_DIRS:
            candidate = Path(folder) / name
            if candidate.exists():
                return str(candidate)
    raise FileNotFoundError(
        f"no {style} font with Vietnamese glyphs found; install fonts-texgyre (TeX Gyre Termes)")


@lru_cache(maxsize=64)
def _font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(style), size_px)


def normalise(text: str) -> str:
    """NFC and single spaces: the form both the renderer and the truth use."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# ---------------------------------------------------------------- layout engine
class _PageWriter:
    """Places lines on pages top to bottom, opening a new page when one is full."""

    def __init__(self, layout: Layout, page_numbers: bool):
        self.layout = layout
        self.page_numbers = page_numbers
        self.width_px = layout.px(A4_MM[0])
        self.height_px = layout.px(A4_MM[1])
        left, top, right, bottom = layout.margins_mm
        self.left = layout.px(left)
        self.right = self.width_px - layout.px(right)
        self.top = layout.px(top)
        self.bottom = self.height_px - layout.px(bottom)
        self.size = layout.pt(layout.font_pt)
        self.line_height = int(self.size * layout.line_spacing)
        self.pages: list[dict] = []
        self._new_page()

    # pages -------------------------------------------------------------
    def _new_page(self) -> None:
        image = Image.new("L", (self.width_px, self.height_px), 255)
        number = len(self.pages) + 1
        page = {"image": image, "draw": ImageDraw.Draw(image), "truth": [], "lines": [],
                "label": "", "open_paragraph": None}
        self.pages.append(page)
        self.y = self.top
        if self.page_numbers and number > 1:
            label = str(number)
            font = _font("regular", self.layout.pt(13))
            width = font.getlength(label)
            x = (self.width_px - width) / 2
            y = self.layout.px(9)
            page["draw"].text((x, y), label, font=font, fill=0)
            page["lines"].append(RenderedLine(label, (int(x), y, int(x + width), y + font.size), "page_number"))
            page["label"] = label

    @property
    def page(self) -> dict:
        return self.pages[-1]

    def ensure_room(self, height: int) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self._close_paragraph()
            self._new_page()

    # truth -------------------------------------------------------------
    def _close_paragraph(self) -> None:
        if self.page["open_paragraph"] is not None:
            self.page["truth"].append(" ".join(self.page["open_paragraph"]))
            self.page["open_paragraph"] = None

    def add_truth_line(self, text: str) -> None:
        self._close_paragraph()
        self.page["truth"].append(text)

    # drawing -----------------------------------------------------------
    def draw_words(self, words: list[str], x0: int, width: int, style: str, align: str,
                   role: str, size: int | None = None, underline: bool | str = False) -> None:
        """Draw one line of words at self.y, aligned 'left' | 'center' | 'right' | 'justify'."""
        font = _font(style, size or self.size)
        widths = [font.getlength(word) for word in words]
        space = font.getlength(" ")
        natural = sum(widths) + space * (len(words) - 1)
        gap = space
        if align == "justify" and len(words) > 1:
            gap = (width - sum(widths)) / (len(words) - 1)
        elif align == "center":
            x0 = x0 + (width - natural) / 2
        elif align == "right":
            x0 = x0 + width - natural
        x = float(x0)
        draw = self.page["draw"]
        for word, w in zip(words, widths):
            draw.text((x, self.y), word, font=font, fill=0)
            x += w + gap
        right = x - gap
        if underline:
            line_y = self.y + int(font.size * 1.22)
            third = (right - x0) / 3 if underline == "short" else 0
            draw.line((x0 + third, line_y, right - third, line_y), fill=0, width=max(2, font.size // 18))
        self.page["lines"].append(RenderedLine(" ".join(words), (int(x0), self.y, int(right), self.y + font.size), role))

    def wrap(self, words: list[str], width: float, style: str, first_indent: float, size: int | None = None) -> list[list[str]]:
        font = _font(style, size or self.size)
        space = font.getlength(" ")
        lines: list[list[str]] = []
        current: list[str] = []
        used = 0.0
        limit = width - first_indent
        for word in words:
            w = font.getlength(word)
            if w > width:  # a word wider than the line (URL, long number run): break it by characters
                for piece in _split_long(word, font, width):
                    if current:
                        lines.append(current)
                    current, used, limit = [piece], font.getlength(piece), width
                continue
            needed = w if not current else used + space + w
            if current and needed > limit:
                lines.append(current)
                current, used, limit = [word], w, width
            else:
                current.append(word)
                used = needed
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str, style: str) -> None:
        words = text.split()
        if not words:
            return
        font_style = {"body": "regular", "heading": "bold", "center": "bold", "italic": "italic"}[style]
        indent = self.layout.px(self.layout.indent_mm) if style == "body" else 0
        width = self.right - self.left
        lines = self.wrap(words, width, font_style, indent)
        self._close_paragraph()
        for n, line in enumerate(lines):
            self.ensure_room(self.line_height)
            if self.page["open_paragraph"] is None:
                self.page["open_paragraph"] = []
            self.page["open_paragraph"].extend(line)
            last = n == len(lines) - 1
            if style == "body":
                x0 = self.left + (indent if n == 0 else 0)
                self.draw_words(line, x0, self.right - x0, font_style, "left" if last else "justify", "body")
            elif style == "heading":
                self.draw_words(line, self.left, width, font_style, "left" if last else "justify", "heading")
            else:
                self.draw_words(line, self.left, width, font_style, "center", "title")
            self.y += self.line_height
        self._close_paragraph()
        self.y += int(self.line_height * self.layout.paragraph_gap)

    def header(self, header: OfficialHeader) -> None:
        """Two columns: agency block left (about 40 %), national motto right (about 60 %)."""
        left_w = int((self.right - self.left) * 0.40)
        right_x = self.left + left_w
        right_w = self.right - right_x
        small = self.layout.pt(12.5)
        top = self.y
        for n, text in enumerate(header.agency):
            style = "bold" if n == len(header.agency) - 1 else "regular"
            self.draw_words(text.split(), self.left - self.layout.px(12), left_w + self.layout.px(12), style,
                            "center", "header", size=small, underline="short" if n == len(header.agency) - 1 else False)
            self.y += int(small * 1.2)
        self.y += int(small * 0.5)
        self.draw_words(header.number.split(), self.left - self.layout.px(12), left_w + self.layout.px(12),
                        "regular", "center", "header", size=self.layout.pt(13))
        left_bottom = self.y + int(small * 1.2)
        self.y = top
        self.draw_words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".split(), right_x, right_w, "bold", "center",
                        "header", size=small)
        self.y += int(small * 1.2)
        self.draw_words("Độc lập - Tự do - Hạnh phúc".split(), right_x, right_w, "bold", "center", "header",
                        size=self.layout.pt(13), underline=True)
        self.y += int(small * 1.7)
        self.draw_words(header.place_date.split(), right_x, right_w, "italic", "center", "header",
                        size=self.layout.pt(13))
        self.y = max(left_bottom, self.y + int(small * 1.2)) + self.line_height
        for line in header.truth_lines()[: len(header.truth_lines()) - len(header.title)]:
            self.add_truth_line(normalise(line))
        for title in header.title:
            self.paragraph(normalise(title), "center")
        if header.title:
            self.y += self.line_height // 2

    def closing(self, closing: Closing) -> list[tuple[int, int]]:
        """'Nơi nhận' left, signer right; returns where a signature / seal belongs."""
        small = self.layout.pt(11)
        needed = max(len(closing.recipients) * int(small * 1.25) + self.line_height,
                     self.line_height * (len(closing.signer_role) + 5))
        self.ensure_room(needed + self.line_height)
        self._close_paragraph()
        self.y += self.line_height // 2
        top = self.y
        left_w = int((self.right - self.left) * 0.45)
        self.draw_words(["Nơi", "nhận:"], self.left, left_w, "bolditalic", "left", "closing", size=self.layout.pt(12))
        self.y += int(small * 1.4)
        for item in closing.recipients:
            self.draw_words(item.split(), self.left, left_w, "regular", "left", "closing", size=small)
            self.y += int(small * 1.25)
        left_bottom = self.y
        self.y = top
        right_x = self.left + left_w
        right_w = self.right - right_x
        for role in closing.signer_role:
            self.draw_words(role.split(), right_x, right_w, "bold", "center", "closing")
            self.y += self.line_height
        sign_spot = (right_x + right_w // 2, self.y + self.line_height * 2)
        self.y += self.line_height * 4
        self.draw_words(closing.signer_name.split(), right_x, right_w, "bold", "center", "closing")
        self.y = max(left_bottom, self.y + self.line_height)
        for line in closing.truth_lines():
            self.add_truth_line(normalise(line))
        return [sign_spot]

    def table(self, block: TableBlock) -> None:
        size = self.layout.pt(12)
        width = self.right - self.left
        ncols = max(len(row) for row in block.rows)
        rel = list(block.widths) if len(block.widths) == ncols else [1.0] * ncols
        col_w = [int(width * r / sum(rel)) for r in rel]
        pad = self.layout.px(1.2)
        line_h = int(size * 1.2)
        self._close_paragraph()
        for r, row in enumerate(block.rows):
            cells = [normalise(c) for c in row] + [""] * (ncols - len(row))
            style = "bold" if r < block.header_rows else "regular"
            wrapped = [self.wrap(c.split(), w - 2 * pad, style, 0, size=size) if c else [] for c, w in zip(cells, col_w)]
            row_h = max(1, max(len(w) for w in wrapped)) * line_h + 2 * pad
            self.ensure_room(row_h)
            draw = self.page["draw"]
            x = self.left
            top = self.y
            for c, (lines, w) in enumerate(zip(wrapped, col_w)):
                draw.rectangle((x, top, x + w, top + row_h), outline=0, width=3)
                self.y = top + pad
                numeric = all(ch.isdigit() or ch in ".,<>-% " for ch in cells[c]) and cells[c]
                for line in lines:
                    align = "center" if (r < block.header_rows or numeric) else "left"
                    self.draw_words(line, x + pad, w - 2 * pad, style, align, "table", size=size)
                    self.y += line_h
                x += w
            self.y = top + row_h
            self.add_truth_line(" | ".join(c for c in cells if c))
        self.y += self.line_height // 2

    def result(self) -> list[dict]:
        self._close_paragraph()
        return self.pages


def _split_long(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and font.getlength(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + ([current] if current else [])


# ---------------------------------------------------------------- public API
def render_document(
    blocks: Iterable[Block],
    *,
    header: OfficialHeader | None = None,
    closing: Closing | None = None,
    level: str = "light",
    seed: int = 0,
    layout: Layout = Layout(),
    page_numbers: bool = True,
    seal: str = "auto",
    max_pages: int | None = None,
) -> list[RenderedPage]:
    """Lay out `blocks` (strings are body paragraphs) on A4 pages and degrade them.

    level: 'clean' | 'scan' | 'light' | 'heavy' (see `sohoa.synth.degrade.LEVELS`).
    seal: 'auto' (every page at 'heavy', none otherwise), 'none', 'last' (over the signature
    when there is a closing block, else over text), 'every'.
    max_pages: stop after this many pages (the truth covers exactly what is printed).
    The same arguments and seed give the same pages, pixel for pixel.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown degradation level {level!r}; choose one of {sorted(LEVELS)}")
    if seal not in ("auto", "none", "last", "every"):
        raise ValueError(f"unknown seal mode {seal!r}")
    writer = _PageWriter(layout, page_numbers)
    if header is not None:
        writer.header(header)
    for block in blocks:
        if max_pages is not None and len(writer.pages) > max_pages:
            break
        if isinstance(block, TableBlock):
            writer.table(block)
            continue
        paragraph = block if isinstance(block, Paragraph) else Paragraph(block)
        text = normalise(paragraph.text)
        if text:
            writer.paragraph(text, paragraph.style)
    sign_spots: list[tuple[int, int]] = []
    if closing is not None and (max_pages is None or len(writer.pages) <= max_pages):
        sign_spots = writer.closing(closing)
    pages = writer.result()
    if max_pages is not None:
        pages = pages[:max_pages]
        if len(pages) < len(writer.pages):
            sign_spots = []

    mode = ("every" if level == "heavy" else "none") if seal == "auto" else seal
    rendered = []
    for number, page in enumerate(pages, start=1):
        rng = random.Random(f"{seed}:{number}")
        image = page["image"].convert("RGB")
        last = number == len(pages)
        if last and sign_spots:
            draw_signature(image, sign_spots[0], rng, layout.dpi)
        if mode == "every" or (mode == "last" and last):
            body_lines = [l for l in page["lines"] if l.role in ("body", "table", "heading")]
            if last and sign_spots:
                x, y = sign_spots[0]
                spot = (x - layout.px(22), y - layout.px(8))  # over the signer's title, as stamped
            elif body_lines:
                target = rng.choice(body_lines)
                spot = (rng.randint(target.bbox[0], max(target.bbox[0], target.bbox[2] - layout.px(20))),
                        (target.bbox[1] + target.bbox[3]) // 2)
            else:
                spot = (image.width // 2, image.height // 2)
            draw_seal(image, spot, rng, layout.dpi)
        image, skew = degrade(image, level, rng)
        rendered.append(RenderedPage(
            image=image,
            truth_text="\n".join(page["truth"]),
            page=number,
            page_label=page["label"],
            level=level,
            seed=seed,
            dpi=layout.dpi,
            lines=tuple(page["lines"]),
            skew=skew,
        ))
    return rendered


def _has_colour(image: Image.Image) -> bool:
    if image.mode != "RGB":
        return False
    import numpy as np

    small = np.asarray(image.resize((image.width // 8, image.height // 8))).astype(np.int16)
    return bool((small.max(axis=2) - small.min(axis=2) > 60).mean() > 0.0005)


def document_truth(pages: Sequence[RenderedPage]) -> str:
    """The whole document's truth as `text.txt` lays it out: pages joined by form feeds."""
    return "\f".join(page.truth_text for page in pages)


def write_image_pdf(pages: Sequence[RenderedPage | Image.Image], path: str | Path, dpi: int = 300,
                    quality: int = 70, grey: bool | str = "auto") -> Path:
    """Write an image-only PDF (no text layer), one JPEG-compressed page per image.

    grey: True stores every page in 8-bit grey (smaller), False keeps RGB, 'auto' keeps RGB
    only for pages that carry colour (a seal, a signature).
    """
    images = [p.image if isinstance(p, RenderedPage) else p for p in pages]
    if not images:
        raise ValueError("no pages to write")
    if grey == "auto":
        images = [im.convert("RGB") if _has_colour(im) else im.convert("L") for im in images]
    else:
        images = [im.convert("L") if grey else im.convert("RGB") for im in images]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi),
                   quality=quality)
    return path
