"""A second, independent maker of table pages: reportlab tables written as PDF and rasterised
by poppler at 300 dpi, as a PDF writer's output reaches a scanner-less pipeline.

It shares only the content model with `sohoa.synth.tables_render` (columns, body rows and
observations, so the truth format and the scorer are the same); everything about the look is
its own: reportlab's table layout and line drawing, point-sized fonts (9–12 pt), rule widths
from hairline (0.25 pt, one pixel) to 1.5 pt, outer box heavier than inner rules or not, cell
padding from 1.5 to 7 pt, portrait or landscape A4, some tables with column rules but no rules
between body rows, and poppler's anti-aliased rendering.

`render_pdf_table_page(style, seed, font)` and `render_pdf_continued_pages(seed,
repeat_header, font)` mirror `render_table_page` and `render_continued_pages`. Fonts are the
TrueType ones of `FONTS` (reportlab does not embed the CFF `termes`).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

from pdf2image import convert_from_bytes
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sohoa.synth.tables_render import (
    FONTS, TablePage, TruthTable, _body, _Column, _columns, continued_table, font_files,
)

PDF_FONTS = tuple(f for f in FONTS if f != "termes")
DPI = 300


@dataclass(frozen=True)
class _PdfLook:
    font: str  # registered regular face
    bold: str
    size: float  # points
    rule: float  # inner rule width, points
    box: float  # outer rule width, points
    pad: float  # cell padding, points
    valign: str  # TOP | MIDDLE
    body_rules: bool  # rules between body rows
    landscape: bool


def _register(font: str) -> tuple[str, str]:
    regular, bold = font_files(font)
    names = (f"sohoa-{font}", f"sohoa-{font}-bold")
    for name, path in zip(names, (regular, bold)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    return names


def _look(style: str, rng: random.Random, font: str) -> _PdfLook:
    regular, bold = _register(font)
    rule = rng.choice((0.25, 0.5, 0.5, 0.75, 1.0))
    return _PdfLook(
        font=regular, bold=bold, size=rng.choice((9, 10, 11, 12)), rule=rule,
        box=rng.choice((rule, rule, 1.5)), pad=rng.choice((1.5, 3.0, 4.0, 7.0)),
        valign=rng.choice(("TOP", "MIDDLE")),
        body_rules=style.startswith("borderless") or rng.random() > 0.3,
        landscape=rng.random() < 0.4,
    )


def _fitting(look: _PdfLook, cols: list[_Column], rows: list[list[str]], width: float) -> _PdfLook:
    """The look with padding (down to 3 pt), then font size, then padding lowered until every word fits its column, as an
    author would do: a PDF writer lets an unbreakable word run over the rule."""
    total = sum(c.weight for c in cols)
    widths = [width * c.weight / total for c in cols]

    def fits(look: _PdfLook) -> bool:
        for c, col in enumerate(cols):
            words = [(w, look.bold) for label in col.path for w in label.split()]
            words += [(w, look.font) for row in rows for w in row[c].split()] if c != 1 else []
            widest = max((pdfmetrics.stringWidth(w, face, look.size) for w, face in words), default=0)
            if widest + 2 * look.pad > widths[c] - 1:
                return False
        return True

    while not fits(look) and look.pad > 3:
        look = replace(look, pad=look.pad - 1)
    while not fits(look) and look.size > 7:
        look = replace(look, size=look.size - 0.5)
    while not fits(look) and look.pad > 1:
        look = replace(look, pad=look.pad - 1)
    return look


def _paragraph(text: str, look: _PdfLook, bold: bool, align: int) -> Paragraph:
    style = ParagraphStyle("cell", fontName=look.bold if bold else look.font, fontSize=look.size,
                           leading=look.size * 1.2, alignment=align, splitLongWords=0)
    return Paragraph(escape(text), style)


def _table(style: str, cols: list[_Column], rows: list[list[str]], spans: list[tuple[int, int]],
           look: _PdfLook, width: float, with_header: bool = True) -> Table:
    levels = max(len(c.path) for c in cols) if with_header else 0
    data: list[list] = []
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), look.valign),
        ("LEFTPADDING", (0, 0), (-1, -1), look.pad), ("RIGHTPADDING", (0, 0), (-1, -1), look.pad),
        ("TOPPADDING", (0, 0), (-1, -1), look.pad), ("BOTTOMPADDING", (0, 0), (-1, -1), look.pad),
    ]
    for level in range(levels):
        row = []
        for c, col in enumerate(cols):
            if len(col.path) == 1:
                row.append(_paragraph(col.path[0], look, True, TA_CENTER) if level == 0 else "")
            elif level == 0 and c > 0 and len(cols[c - 1].path) > 1 and cols[c - 1].path[0] == col.path[0]:
                row.append("")  # covered by the spanning label on its left
            else:
                row.append(_paragraph(col.path[level], look, True, TA_CENTER))
        data.append(row)
    if levels > 1:
        for c, col in enumerate(cols):
            if len(col.path) == 1:
                commands.append(("SPAN", (c, 0), (c, levels - 1)))
        c = 0
        while c < len(cols):
            end = c
            while (len(cols[c].path) > 1 and end + 1 < len(cols) and len(cols[end + 1].path) > 1
                   and cols[end + 1].path[0] == cols[c].path[0]):
                end += 1
            if end > c:
                commands.append(("SPAN", (c, 0), (end, 0)))
            c = end + 1
    if levels:
        commands.append(("VALIGN", (0, 0), (-1, levels - 1), "MIDDLE"))
    span_rows = {r for r, _ in spans}
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row):
            if r in span_rows and c >= 1:
                cells += [_paragraph(row[1], look, True, TA_LEFT)] + [""] * (len(cols) - 2)
                commands.append(("SPAN", (1, levels + r), (-1, levels + r)))
                break
            role = cols[c].role
            align = TA_LEFT if role in ("name", "text") else (TA_CENTER if role in ("tt", "unit") else TA_RIGHT)
            cells.append(_paragraph(text, look, r in span_rows, align))
        data.append(cells)
    last = len(data) - 1
    if style.startswith("borderless"):
        commands += [("LINEABOVE", (0, 0), (-1, 0), look.box, colors.black),
                     ("LINEBELOW", (0, max(levels - 1, 0)), (-1, max(levels - 1, 0)), look.rule, colors.black),
                     ("LINEBELOW", (0, last), (-1, last), look.box, colors.black)]
    elif look.body_rules:
        commands += [("INNERGRID", (0, 0), (-1, -1), look.rule, colors.black),
                     ("BOX", (0, 0), (-1, -1), look.box, colors.black)]
    else:  # column rules, header rules, no rules between body rows
        commands += [("BOX", (0, 0), (-1, -1), look.box, colors.black)]
        for c in range(1, len(cols)):
            commands.append(("LINEBEFORE", (c, 0), (c, last), look.rule, colors.black))
        if levels:
            commands.append(("INNERGRID", (0, 0), (-1, levels - 1), look.rule, colors.black))
            commands.append(("LINEBELOW", (0, levels - 1), (-1, levels - 1), look.rule, colors.black))
        for r in span_rows:  # a group row is closed off from the rows around it
            commands.append(("LINEABOVE", (0, levels + r), (-1, levels + r), look.rule, colors.black))
            commands.append(("LINEBELOW", (0, levels + r), (-1, levels + r), look.rule, colors.black))
    total = sum(c.weight for c in cols)
    return Table(data, colWidths=[width * c.weight / total for c in cols], style=TableStyle(commands),
                 repeatRows=0)


def _rasterise(story: list, look: _PdfLook) -> tuple[list, bytes]:
    """(the pages as 300-dpi grey images, the PDF's bytes)."""
    buffer = io.BytesIO()
    size = landscape(A4) if look.landscape else A4
    margin = 18 * mm
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin)
    doc.build(story)
    return [page.convert("L") for page in convert_from_bytes(buffer.getvalue(), dpi=DPI)], buffer.getvalue()


def _title(look: _PdfLook) -> list:
    style = ParagraphStyle("title", fontName=look.bold, fontSize=look.size + 3, leading=(look.size + 3) * 1.3,
                           alignment=TA_CENTER, spaceAfter=12)
    return [Paragraph("PHỤ LỤC: MỘT SỐ CHỈ TIÊU CHỦ YẾU", style)]


def _width(look: _PdfLook) -> float:
    return (landscape(A4) if look.landscape else A4)[0] - 36 * mm


def render_pdf_table_page(style: str, seed: int, font: str = "freeserif") -> TablePage:
    """One page of `style` made by reportlab in `font` and rasterised by poppler at 300 dpi."""
    rng = random.Random(f"pdf:{style}:{seed}")
    look = _look(style, rng, font)
    story = _title(look)
    tables: list[TruthTable] = []
    count = 2 if style == "two_tables" else 1
    for t in range(count):
        cols = _columns(style, rng)
        # a landscape page holds fewer rows
        n_rows = rng.randint(4, 6) if count == 2 else rng.randint(6, 9) if look.landscape else rng.randint(9, 13)
        rows, obs, spans = _body(style, cols, rng, n_rows)
        look = _fitting(look, cols, rows, _width(look))
        story.append(_table(style, cols, rows, spans, look, _width(look)))
        tables.append(TruthTable(header=[" | ".join(c.path) for c in cols], rows=rows, observations=obs))
        if t == 0 and count == 2:
            story += [Spacer(1, 8), _paragraph("Ghi chú: số liệu sơ bộ.", look, False, TA_LEFT), Spacer(1, 18)]
    images, pdf = _rasterise(story, look)
    if len(images) != 1:
        raise RuntimeError(f"pdf page {style}:{seed} ran over {len(images)} pages")
    return TablePage(style=style, image=images[0], tables=tables, pdf=pdf)


def render_pdf_continued_pages(seed: int, repeat_header: bool, font: str = "freeserif") -> tuple[TablePage, TablePage]:
    """One `two_level` table over two PDF pages, the header printed again on the second or not;
    the truth (on the first page) is the whole logical table."""
    style = "two_level"
    rng = random.Random(f"pdf:continued:{seed}:{repeat_header}")
    look = _look(style, rng, font)
    cols, rows, obs, split = continued_table(rng)
    look = _fitting(look, cols, rows, _width(look))
    story = _title(look) + [_table(style, cols, rows[:split], [], look, _width(look)), PageBreak(),
                            _table(style, cols, rows[split:], [], look, _width(look), with_header=repeat_header)]
    images, pdf = _rasterise(story, look)
    if len(images) != 2:
        raise RuntimeError(f"continued pdf table {seed} took {len(images)} pages, not 2")
    truth = TruthTable(header=[" | ".join(c.path) for c in cols], rows=rows, observations=obs)
    return (TablePage(style="continued", image=images[0], tables=[truth], pdf=pdf, pdf_page=1),
            TablePage(style="continued", image=images[1], tables=[], pdf=pdf, pdf_page=2))
