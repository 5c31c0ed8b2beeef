"""Scanned-looking pages of Vietnamese indicator tables with known grids and observations.

Styles (each a way real appendices are printed):
- `two_level`: TT | Chỉ tiêu | ĐVT | 'Năm thực hiện' over three years | 'Kế hoạch năm …' | Đánh giá,
  the header rule under 'Năm thực hiện' shorter than the body rules;
- `groups`: like seed 003's appendix III: group rows 'I', 'II' + title spanning the table,
  '- ' sub-rows, a responsible-agency text column;
- `wrapped`: long indicator names wrapped over several lines, header text wrapped too,
  values vertically centred, dotted or faint inner rules;
- `borderless`: no vertical rules and no body rules, only rules above and below the header;
- `two_tables`: two smaller ruled tables on one page;
- `borderless_two` (in `EXTRA_STYLES`, not run by default): a borderless table of an indicator
  column and one value column only.

`render_table_page(style, seed)` returns the page image and its truth: the wide grid (header
paths + body rows as printed) and the observations (section, indicator, unit, measure,
period, value, bounds, qualifier) computed from the generator's own model, not by parsing.

`font` picks the typeface (`FONTS`): `termes` (TeX Gyre Termes, the default the table code
was developed on) or one held out from that work — `freeserif`, `freesans`, `notoserif`,
`notosans` (all with Vietnamese glyphs; Liberation lacks them). The same seed gives the same
table in every font, so a font's figures differ from the default's by the typeface alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

from pathlib import Path

from sohoa.synth.render import font_path
from sohoa.tables.values import format_decimal, format_vietnamese

STYLES = ("two_level", "groups", "wrapped", "borderless", "two_tables")
EXTRA_STYLES = ("borderless_two",)  # rendered on request (bench: TABLES_BENCH_STYLES), not by default
DPI = 300
PAGE_W, PAGE_H = 2480, 3508

_INDICATORS = (
    "Tốc độ tăng trưởng kinh tế (GRDP)", "GRDP bình quân đầu người", "Tổng thu ngân sách nhà nước",
    "Thu nội địa", "Tổng vốn đầu tư toàn xã hội", "Kim ngạch xuất khẩu", "Tỷ lệ hộ nghèo",
    "Tỷ lệ lao động qua đào tạo", "Số giường bệnh trên vạn dân", "Số bác sỹ trên vạn dân",
    "Tỷ lệ người tham gia bảo hiểm y tế", "Tỷ lệ trường đạt chuẩn quốc gia",
    "Tỷ lệ xã đạt chuẩn nông thôn mới", "Tỷ lệ che phủ rừng", "Sản lượng lương thực",
    "Tỷ lệ dân số đô thị", "Tỷ lệ hộ dân sử dụng nước sạch", "Số doanh nghiệp thành lập mới",
    "Tổng mức bán lẻ hàng hóa", "Tỷ lệ chất thải rắn được thu gom", "Diện tích lúa cả năm",
    "Tỷ lệ đô thị hóa", "Giá trị sản xuất công nghiệp", "Số lượt khách du lịch",
    "Tỷ lệ huy động trẻ em đi nhà trẻ", "Tuổi thọ trung bình", "Tỷ lệ thất nghiệp khu vực thành thị",
)
_LONG_TAILS = (
    " so với tổng chi cân đối ngân sách địa phương", " (không bao gồm chi cải cách tiền lương)",
    " trên địa bàn tỉnh theo tiêu chí mới giai đoạn 2021 - 2025", " được thu gom và xử lý đạt tiêu chuẩn",
    " trong độ tuổi lao động tham gia bảo hiểm thất nghiệp",
)
_SUBS = ("Khu vực thành thị", "Khu vực nông thôn", "Trong đó: nữ", "Cấp tỉnh", "Cấp huyện", "Người dân tộc thiểu số")
_UNITS = ("%", "tỷ đồng", "triệu đồng", "giường bệnh/vạn dân", "người", "ha", "nghìn tấn", "triệu USD", "lượt khách", "doanh nghiệp")
_SECTIONS = ("Chỉ tiêu kinh tế", "Chỉ tiêu xã hội", "Chỉ tiêu môi trường", "Chỉ tiêu về quốc phòng, an ninh")
_AGENCIES = ("Sở Tài chính", "Cục Thống kê", "Sở Y tế", "Sở Công Thương", "Sở Giáo dục và Đào tạo", "Sở Xây dựng")
_ASSESS = ("Đạt", "Vượt", "Không đạt")
_ROMAN = ("I", "II", "III", "IV", "V", "VI")

_FREEFONT = "/usr/share/fonts/truetype/freefont"
_NOTO = "/usr/share/fonts/truetype/noto"
# typeface name → (regular, bold) font files; `termes` resolves through synth.render
FONTS: dict[str, tuple[str, str]] = {
    "termes": ("", ""),
    "freeserif": (f"{_FREEFONT}/FreeSerif.ttf", f"{_FREEFONT}/FreeSerifBold.ttf"),
    "freesans": (f"{_FREEFONT}/FreeSans.ttf", f"{_FREEFONT}/FreeSansBold.ttf"),
    "notoserif": (f"{_NOTO}/NotoSerif-Regular.ttf", f"{_NOTO}/NotoSerif-Bold.ttf"),
    "notosans": (f"{_NOTO}/NotoSans-Regular.ttf", f"{_NOTO}/NotoSans-Bold.ttf"),
}


def font_files(font: str = "termes") -> tuple[str, str]:
    """(regular, bold) font files of the typeface `font` (a key of `FONTS`)."""
    if font not in FONTS:
        raise ValueError(f"unknown font {font!r}; one of {', '.join(FONTS)}")
    if font == "termes":
        return font_path("regular"), font_path("bold") if _has_bold() else font_path("regular")
    regular, bold = FONTS[font]
    for path in (regular, bold):
        if not Path(path).exists():
            raise FileNotFoundError(f"font file {path} missing; install fonts-freefont-ttf and fonts-noto-core")
    return regular, bold


@dataclass(frozen=True)
class TruthObservation:
    section: str
    indicator: str
    unit: str
    measure: str
    period: str
    value: str
    value_min: str
    value_max: str
    qualifier: str
    raw: str


@dataclass
class TruthTable:
    header: list[str]
    rows: list[list[str]]
    observations: list[TruthObservation] = field(default_factory=list)


@dataclass
class TablePage:
    style: str
    image: Image.Image
    tables: list[TruthTable]
    pdf: bytes | None = None  # the PDF the image was rasterised from, where a PDF maker made it
    pdf_page: int = 1  # its page that the image shows


@dataclass
class _Column:
    path: tuple[str, ...]  # header levels, top first
    weight: float
    role: str  # tt | name | unit | value | text
    measure: str = ""
    period: str = ""


def _value(rng: random.Random, unit: str) -> tuple[str, TruthObservationParts]:
    roll = rng.random()
    big = unit not in ("%", "giường bệnh/vạn dân")
    if roll < 0.06:
        return "-", ("", "", "", "missing")
    if roll < 0.12:
        low = Decimal(rng.randint(1, 9))
        high = low + rng.randint(1, 3)
        if rng.random() < 0.5:
            low += Decimal(rng.randint(1, 9)) / 10
        return f"{format_vietnamese(low)}-{format_vietnamese(high)}", ("", format_decimal(low), format_decimal(high), "range")
    if roll < 0.2:
        word, symbol = rng.choice((("Trên", ">"), ("Dưới", "<"), ("≥", ">="), ("<", "<"), ("Khoảng", "~")))
        number = Decimal(rng.randint(1, 99)) + (Decimal(rng.randint(1, 9)) / 10 if rng.random() < 0.4 else 0)
        return f"{word} {format_vietnamese(number)}", (format_decimal(number), "", "", symbol)
    if big:
        number = Decimal(rng.randint(100, 999_999))
        if rng.random() < 0.3:
            number += Decimal(rng.randint(1, 9)) / 10
    else:
        number = Decimal(rng.randint(0, 9999)) / 100
    return format_vietnamese(number), (format_decimal(number), "", "", "")


TruthObservationParts = tuple  # (value, value_min, value_max, qualifier)


def _columns(style: str, rng: random.Random) -> list[_Column]:
    years = rng.choice(((2020, 2021, 2022), (2021, 2022, 2023), (2019, 2020, 2021)))
    plan = years[-1] + 1
    unit_label = rng.choice(("ĐVT", "Đơn vị", "Đơn vị tính"))
    if style == "two_level" or style == "two_tables":
        cols = [_Column(("TT",), 0.5, "tt"), _Column(("Chỉ tiêu",), 3.2, "name"),
                _Column((unit_label,), 1.2, "unit")]
        cols += [_Column(("Năm thực hiện", str(y)), 1.0, "value", "Năm thực hiện", str(y)) for y in years]
        cols.append(_Column((f"Kế hoạch năm {plan}",), 1.2, "value", "Kế hoạch", str(plan)))
        if style == "two_level":
            cols.append(_Column(("Đánh giá",), 0.9, "text"))
        return cols
    if style == "groups":
        return [_Column(("TT",), 0.5, "tt"), _Column(("Chỉ tiêu",), 3.4, "name"),
                _Column((unit_label,), 1.1, "unit"),
                _Column((f"Chỉ tiêu cả nước năm {plan}",), 1.3, "value", "Chỉ tiêu cả nước", str(plan)),
                _Column((f"Chỉ tiêu tỉnh năm {plan}",), 1.3, "value", "Chỉ tiêu tỉnh", str(plan)),
                _Column(("Cơ quan chủ trì theo dõi, đánh giá",), 1.8, "text")]
    if style == "wrapped":
        return [_Column(("STT",), 0.55, "tt"), _Column(("Tên chỉ tiêu",), 3.6, "name"),
                _Column((unit_label,), 1.1, "unit"),
                _Column((f"Ước thực hiện năm {years[-1]}",), 1.3, "value", "Ước thực hiện", str(years[-1])),
                _Column((f"Kế hoạch năm {plan}",), 1.3, "value", "Kế hoạch", str(plan)),
                _Column((f"So sánh {plan}/{years[-1]} (%)",), 1.2, "value", "So sánh (%)", f"{plan}/{years[-1]}")]
    if style == "borderless_two":  # an indicator column and one value column, nothing else
        return [_Column(("Chỉ tiêu",), 3.0, "name"), _Column((f"Năm {years[-1]}",), 1.0, "value", "", str(years[-1]))]
    if style == "borderless":
        return [_Column(("TT",), 0.5, "tt"), _Column(("Chỉ tiêu",), 3.0, "name"),
                _Column((unit_label,), 1.2, "unit")]+ [
                _Column((str(y),), 1.0, "value", "", str(y)) for y in years]
    raise ValueError(f"unknown style {style!r}")


def _body(style: str, cols: list[_Column], rng: random.Random, n_rows: int) -> tuple[list[list[str]], list[TruthObservation], list[tuple[int, int]]]:
    """Body rows as printed, their observations, and (row, first col) of full-width group cells."""
    rows: list[list[str]] = []
    obs: list[TruthObservation] = []
    spans: list[tuple[int, int]] = []
    names = list(_INDICATORS)
    rng.shuffle(names)
    section = ""
    number = 0
    groups = style == "groups" or (style == "wrapped" and rng.random() < 0.5)
    section_at = {0, n_rows // 2} if groups else set()
    subs_left = 0
    parent = ""
    k = 0
    while len(rows) < n_rows:
        if len(rows) in section_at:
            roman = _ROMAN[len([s for s in spans])]
            title = _SECTIONS[len(spans) % len(_SECTIONS)]
            row = [""] * len(cols)
            row[0] = roman
            row[1] = title
            spans.append((len(rows), 1))
            rows.append(row)
            section = f"{roman}. {title}"
            section_at.discard(len(rows) - 1)
            subs_left = 0  # a sub-row never opens a section
            continue
        is_sub = subs_left > 0
        if is_sub:
            name = "- " + _SUBS[(k + subs_left) % len(_SUBS)]
            indicator = f"{parent} - {name[2:]}"
            subs_left -= 1
            tt = ""
        else:
            number += 1
            base = names[k % len(names)]
            k += 1
            if style == "wrapped" or (style == "groups" and rng.random() < 0.3):
                base += rng.choice(_LONG_TAILS)
            name = indicator = parent = base
            tt = str(number)
            if style in ("groups", "two_level") and rng.random() < 0.2:
                subs_left = rng.randint(1, 2)
        unit = rng.choice(_UNITS)
        row = []
        for col in cols:
            if col.role == "tt":
                row.append(tt)
            elif col.role == "name":
                row.append(name)
            elif col.role == "unit":
                row.append(unit)
            elif col.role == "text":
                row.append(rng.choice(_AGENCIES) if "Cơ quan" in col.path[0] else rng.choice(_ASSESS))
            else:
                raw, (value, low, high, qualifier) = _value(rng, unit)
                row.append(raw)
                printed_unit = unit if any(c.role == "unit" for c in cols) else ""  # no unit column, no unit
                obs.append(TruthObservation(section, indicator, printed_unit, col.measure, col.period,
                                            value, low, high, qualifier, raw))
        rows.append(row)
    return rows, obs, spans


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass
class _Look:
    rule: int
    rule_grey: int
    inner: str  # solid | dotted | broken | faint
    valign: str
    font: ImageFont.FreeTypeFont
    bold: ImageFont.FreeTypeFont
    line_h: int
    pad: int


def _hline(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, look: _Look, kind: str, rng: random.Random) -> None:
    grey = look.rule_grey if kind != "faint" else 150
    if kind == "dotted":
        for x in range(x0, x1, 9):
            draw.rectangle([x, y, x + 3, y + look.rule - 1], fill=grey)
        return
    if kind == "broken":
        x = x0
        while x < x1:
            run = rng.randint(60, 260)
            draw.rectangle([x, y, min(x + run, x1), y + look.rule - 1], fill=grey)
            x += run + rng.randint(4, 14)
        return
    draw.rectangle([x0, y, x1, y + look.rule - 1], fill=grey)


def _vline(draw: ImageDraw.ImageDraw, x: int, y0: int, y1: int, look: _Look) -> None:
    draw.rectangle([x, y0, x + look.rule - 1, y1], fill=look.rule_grey)


def _draw_table(image: Image.Image, style: str, cols: list[_Column], rows: list[list[str]],
                spans: list[tuple[int, int]], top: int, look: _Look, rng: random.Random,
                draw_header: bool = True) -> int:
    """Draw the table from y=top; return its bottom y. Without `draw_header` the body starts
    at `top` (a table continued from the previous page that does not repeat its header)."""
    draw = ImageDraw.Draw(image)
    left, width = 190, PAGE_W - 380
    total = sum(c.weight for c in cols)
    xs = [left]
    for c in cols:
        xs.append(xs[-1] + int(width * c.weight / total))
    levels = max(len(c.path) for c in cols) if draw_header else 0
    ruled = not style.startswith("borderless")
    pad = look.pad

    # header: level by level; a cell spans the columns that share its label at that level
    header_heights = []
    for level in range(levels):
        h = 0
        for c_index, col in enumerate(cols):
            if len(col.path) > level:
                span_w = xs[c_index + 1] - xs[c_index] - 2 * pad
                h = max(h, len(_wrap(col.path[level], look.bold, span_w)))
        header_heights.append(h * look.line_h + 2 * pad)
    y = top
    if ruled or style.startswith("borderless"):
        _hline(draw, xs[0], xs[-1], y, look, "solid", rng)
    level_tops = [y]
    for h in header_heights:
        level_tops.append(level_tops[-1] + h)
    header_bottom = level_tops[-1]
    c_index = 0 if draw_header else len(cols)
    while c_index < len(cols):
        col = cols[c_index]
        if len(col.path) == 1:  # spans every level
            _text_block(draw, col.path[0], xs[c_index], xs[c_index + 1], level_tops[0], header_bottom,
                        look.bold, look, "center", "middle")
            c_index += 1
            continue
        end = c_index
        while end + 1 < len(cols) and len(cols[end + 1].path) > 1 and cols[end + 1].path[0] == col.path[0]:
            end += 1
        _text_block(draw, col.path[0], xs[c_index], xs[end + 1], level_tops[0], level_tops[1], look.bold, look, "center", "middle")
        if ruled:
            _hline(draw, xs[c_index], xs[end + 1], level_tops[1], look, "solid", rng)  # the shorter header rule
        for j in range(c_index, end + 1):
            _text_block(draw, cols[j].path[1], xs[j], xs[j + 1], level_tops[1], header_bottom, look.bold, look, "center", "middle")
            if ruled and j > c_index:
                _vline(draw, xs[j], level_tops[1], header_bottom, look)
        c_index = end + 1
    if draw_header:
        _hline(draw, xs[0], xs[-1], header_bottom, look, "solid", rng)

    y = header_bottom
    span_rows = {r for r, _ in spans}
    row_tops = []
    for r, row in enumerate(rows):
        n_lines = 1
        for c, text in enumerate(row):
            if r in span_rows and c >= 1:
                cell_w = xs[-1] - xs[1] - 2 * pad
                n_lines = max(n_lines, len(_wrap(row[1], look.bold, cell_w)))
                break
            n_lines = max(n_lines, len(_wrap(text, look.font, xs[c + 1] - xs[c] - 2 * pad)))
        h = n_lines * look.line_h + 2 * pad
        row_tops.append(y)
        for c, text in enumerate(row):
            if r in span_rows and c >= 1:
                _text_block(draw, row[1], xs[1], xs[-1], y, y + h, look.bold, look, "left", look.valign)
                break
            role = cols[c].role
            align = "left" if role in ("name", "text") else ("center" if role in ("tt", "unit") else "right")
            _text_block(draw, text, xs[c], xs[c + 1], y, y + h, look.font, look, align, look.valign)
        y += h
        if ruled and r < len(rows) - 1:
            _hline(draw, xs[0], xs[-1], y, look, look.inner, rng)
    bottom = y
    _hline(draw, xs[0], xs[-1], bottom, look, "solid", rng)
    if ruled:
        for c, x in enumerate(xs):
            inner_header = 0 < c < len(cols) and len(cols[c].path) > 1 and len(cols[c - 1].path) > 1 \
                and cols[c].path[0] == cols[c - 1].path[0]
            if draw_header:
                y_from = level_tops[1] if inner_header else top
                _vline(draw, x, y_from, header_bottom, look)
            for r, y_row in enumerate(row_tops):
                y_next = row_tops[r + 1] if r + 1 < len(row_tops) else bottom
                if r in span_rows and 1 < c < len(cols):
                    continue  # the group title's cell spans these columns
                _vline(draw, x, y_row, y_next, look)
    return bottom


def _text_block(draw, text, x0, x1, y0, y1, font, look: _Look, align: str, valign: str) -> None:
    pad = look.pad
    lines = _wrap(text, font, x1 - x0 - 2 * pad)
    block_h = len(lines) * look.line_h
    y = y0 + pad if valign == "top" else y0 + (y1 - y0 - block_h) // 2
    for line in lines:
        w = font.getlength(line)
        x = x0 + pad if align == "left" else (x1 - pad - w if align == "right" else (x0 + x1 - w) / 2)
        draw.text((x, y + look.line_h * 0.12), line, font=font, fill=20)
        y += look.line_h


def _look(style: str, rng: random.Random, font: str = "termes") -> _Look:
    size = rng.choice((36, 38, 40, 42))
    regular, bold = font_files(font)
    return _Look(
        rule=rng.choice((2, 3, 3, 4)), rule_grey=rng.choice((0, 30, 60)),
        inner=rng.choice(("solid", "solid", "dotted", "broken", "faint")) if style == "wrapped" else
        rng.choice(("solid", "solid", "solid", "broken")),
        valign="middle" if style == "wrapped" else rng.choice(("top", "middle")),
        font=ImageFont.truetype(regular, size),
        bold=ImageFont.truetype(bold, size),
        line_h=int(size * 1.25), pad=int(size * 0.35),
    )


def _page_with_title(font: str = "termes") -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.truetype(font_files(font)[1], 46)
    title = "PHỤ LỤC: MỘT SỐ CHỈ TIÊU CHỦ YẾU"
    draw.text(((PAGE_W - title_font.getlength(title)) / 2, 200), title, font=title_font, fill=20)
    return image, draw


def render_table_page(style: str, seed: int, font: str = "termes") -> TablePage:
    """One clean page of `style` in the typeface `font`, reproducible from `seed`."""
    rng = random.Random(f"{style}:{seed}")
    look = _look(style, rng, font)
    image, draw = _page_with_title(font)
    tables: list[TruthTable] = []
    top = 340
    count = 2 if style == "two_tables" else 1
    for t in range(count):
        cols = _columns(style, rng)
        n_rows = rng.randint(5, 8) if count == 2 else rng.randint(9, 14)
        rows, obs, spans = _body(style, cols, rng, n_rows)
        bottom = _draw_table(image, style, cols, rows, spans, top, look, rng)
        header = [" | ".join(c.path) for c in cols]
        tables.append(TruthTable(header=header, rows=rows, observations=obs))
        top = bottom + 200
        if t == 0 and count == 2:
            draw.text((190, bottom + 70), "Ghi chú: số liệu sơ bộ.", font=look.font, fill=20)
    return TablePage(style=style, image=image, tables=tables)


def continued_table(rng: random.Random) -> tuple[list[_Column], list[list[str]], list[TruthObservation], int]:
    """The `two_level` table of a continued pair: its columns, rows and truth, and the row its
    second page starts with (half way, a sub-row staying on the page of its parent)."""
    cols = _columns("two_level", rng)
    rows, obs, _ = _body("two_level", cols, rng, rng.randint(10, 14))
    split = len(rows) // 2
    while split < len(rows) - 1 and not rows[split][0]:
        split += 1
    return cols, rows, obs, split


def render_continued_pages(seed: int, repeat_header: bool, font: str = "termes") -> tuple[TablePage, TablePage]:
    """One `two_level` table running over two clean pages: the first page holds the header and
    the first rows, the second page the rest (numbering goes on), with the header printed
    again or not. The truth (on the first page) is the whole logical table; the second page
    carries no truth table of its own."""
    style = "two_level"
    rng = random.Random(f"continued:{seed}:{repeat_header}")
    look = _look(style, rng, font)
    cols, rows, obs, split = continued_table(rng)
    first_image, _ = _page_with_title(font)
    _draw_table(first_image, style, cols, rows[:split], [], 340, look, rng)
    second_image = Image.new("L", (PAGE_W, PAGE_H), 255)
    _draw_table(second_image, style, cols, rows[split:], [], 200, look, rng, draw_header=repeat_header)
    header = [" | ".join(c.path) for c in cols]
    truth = TruthTable(header=header, rows=rows, observations=obs)
    return (TablePage(style="continued", image=first_image, tables=[truth]),
            TablePage(style="continued", image=second_image, tables=[]))


def _has_bold() -> bool:
    try:
        font_path("bold")
        return True
    except (KeyError, FileNotFoundError):
        return False
