"""A third, independent maker of table pages: HTML/CSS tables laid out and printed to PDF by a
headless Chromium, rasterised by poppler at 300 dpi.

It shares only the content model with `sohoa.synth.tables_render` (columns, body rows and
observations, so the truth format and the scorer are the same); the look is the browser's:
CSS table layout and line breaking, typefaces the table code was never developed on
(Liberation Serif / Sans, DejaVu Serif / Sans), 9–13 pt, cell padding 1–5 pt, 'simple' tables
with no rules at all or only a rule under the header, ruled tables with hairlines or 1 pt
rules, a title and a paragraph of prose above the table and a note below it, and one style of
its own: `wide`, a landscape mid-term review table of 12–13 columns with two header rows
('Năm thực hiện' over four years, 'Lộ trình' over two).

`render_html_table_page(style, seed, font)` and `render_html_continued_pages(seed,
repeat_header, font)` mirror `render_table_page` and `render_continued_pages`. Needs the
`chromium` binary (Debian package `chromium`).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pdf2image import convert_from_path

from sohoa.synth.tables_render import TablePage, TruthTable, _body, _Column, _columns

HTML_FONTS = {
    "liberationserif": "Liberation Serif", "liberationsans": "Liberation Sans",
    "dejavuserif": "DejaVu Serif", "dejavusans": "DejaVu Sans",
}
HTML_STYLES = ("two_level", "groups", "wrapped", "borderless", "two_tables", "wide")
DPI = 300
_TITLES = ("KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU CHỦ YẾU", "PHỤ LỤC: CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU",
           "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT")
_PROSE = (
    "Năm qua, trong bối cảnh còn nhiều khó khăn, thách thức, tỉnh đã tập trung lãnh đạo, chỉ đạo "
    "thực hiện đồng bộ các nhiệm vụ, giải pháp; kinh tế tiếp tục phát triển, đời sống nhân dân được "
    "cải thiện. Kết quả thực hiện một số chỉ tiêu chủ yếu như sau:",
    "Căn cứ số liệu của các sở, ngành và ước thực hiện đến cuối năm, Ủy ban nhân dân tỉnh tổng hợp "
    "kết quả thực hiện các chỉ tiêu theo Nghị quyết của Hội đồng nhân dân tỉnh tại biểu dưới đây.",
)
_NOTES = ("Ghi chú: số liệu năm cuối là số ước thực hiện, sẽ được cập nhật khi có số liệu chính thức.",
          "Nguồn: Cục Thống kê tỉnh; báo cáo của các sở, ngành.")


@dataclass(frozen=True)
class _HtmlLook:
    family: str
    size: float  # pt
    pad: float  # pt
    line: float  # line-height
    rule: str  # CSS border of ruled tables
    simple: str  # borderless: 'none' (no rules) or 'header' (rules above and below the header)
    landscape: bool


def _look(style: str, rng: random.Random, font: str) -> _HtmlLook:
    return _HtmlLook(
        family=HTML_FONTS.get(font, "Liberation Serif"), size=rng.choice((9, 10, 11, 12, 13)),
        pad=rng.choice((1, 2, 3, 5)), line=rng.choice((1.15, 1.25, 1.4)),
        rule=rng.choice(("0.5pt solid #000", "1px solid #222", "1pt solid #000")),
        simple=rng.choice(("none", "header")), landscape=style == "wide" or rng.random() < 0.2,
    )


def _wide_columns(rng: random.Random) -> list[_Column]:
    """A mid-term review table: target, four years done, two years planned, forecast, ratio."""
    first = rng.choice((2020, 2021))
    done = [first + k for k in range(4)]
    plan = [done[-1] + 1, done[-1] + 2]
    cols = [_Column(("TT",), 0.45, "tt"), _Column(("Chỉ tiêu",), 3.0, "name"), _Column(("ĐVT",), 0.9, "unit"),
            _Column(("Nghị quyết Đại hội",), 1.0, "value", "Nghị quyết Đại hội", "")]
    cols += [_Column(("Năm thực hiện", str(y)), 0.9, "value", "Năm thực hiện", str(y)) for y in done]
    cols += [_Column(("Lộ trình thực hiện", str(y)), 0.9, "value", "Lộ trình thực hiện", str(y)) for y in plan]
    cols += [_Column(("Dự báo đến cuối nhiệm kỳ",), 1.0, "value", "Dự báo đến cuối nhiệm kỳ", ""),
             _Column(("So sánh với Nghị quyết (%)",), 1.0, "value", "So sánh với Nghị quyết (%)", "")]
    if rng.random() < 0.5:
        cols.append(_Column(("Đánh giá",), 0.8, "text"))
    return cols


def _css(look: _HtmlLook) -> str:
    size = "A4 landscape" if look.landscape else "A4"
    return f"""
@page {{ size: {size}; margin: 16mm 15mm; }}
body {{ font-family: '{look.family}'; font-size: {look.size}pt; line-height: {look.line}; color: #111; }}
h1 {{ font-size: {look.size + 2}pt; text-align: center; margin: 0 0 6pt 0; }}
p {{ text-align: justify; margin: 4pt 0 8pt 0; text-indent: 2em; }}
table {{ border-collapse: collapse; width: 100%; margin: 6pt 0; page-break-inside: auto; }}
th, td {{ padding: {look.pad}pt {look.pad + 1}pt; vertical-align: middle; }}
th {{ font-weight: bold; text-align: center; }}
td.name, td.text {{ text-align: left; }}
td.tt, td.unit {{ text-align: center; }}
td.value {{ text-align: right; white-space: nowrap; }}
tr.group td {{ font-weight: bold; text-align: left; }}
table.ruled th, table.ruled td {{ border: {look.rule}; }}
table.simple-header thead tr:first-child th {{ border-top: {look.rule}; }}
table.simple-header thead tr:last-child th {{ border-bottom: {look.rule}; }}
.break {{ page-break-before: always; }}
"""


def _table_html(cols: list[_Column], rows: list[list[str]], spans: list[tuple[int, int]], kind: str,
                with_header: bool = True) -> str:
    levels = max(len(c.path) for c in cols)
    total = sum(c.weight for c in cols)
    out = [f'<table class="{kind}"><colgroup>'
           + "".join(f'<col style="width:{100 * c.weight / total:.1f}%">' for c in cols) + "</colgroup>"]
    if with_header:
        out.append("<thead>")
        for level in range(levels):
            cells, c = [], 0
            while c < len(cols):
                col = cols[c]
                if len(col.path) == 1:
                    if level == 0:
                        cells.append(f'<th rowspan="{levels}">{escape(col.path[0])}</th>')
                    c += 1
                    continue
                if level == 0:
                    end = c
                    while end + 1 < len(cols) and len(cols[end + 1].path) > 1 and cols[end + 1].path[0] == col.path[0]:
                        end += 1
                    cells.append(f'<th colspan="{end - c + 1}">{escape(col.path[0])}</th>')
                    c = end + 1
                    continue
                cells.append(f"<th>{escape(col.path[level])}</th>")
                c += 1
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    span_rows = {r for r, _ in spans}
    for r, row in enumerate(rows):
        if r in span_rows:
            out.append(f'<tr class="group"><td class="tt">{escape(row[0])}</td>'
                       f'<td colspan="{len(cols) - 1}">{escape(row[1])}</td></tr>')
            continue
        out.append("<tr>" + "".join(f'<td class="{c.role}">{escape(text)}</td>' for c, text in zip(cols, row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise FileNotFoundError("the HTML page maker needs Chromium: apt-get install chromium")


def _print(html: str) -> list:
    """The HTML printed to PDF by headless Chromium and rasterised at 300 dpi (grey pages)."""
    with tempfile.TemporaryDirectory(prefix="sohoa-html-") as tmp:
        page, pdf = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             page.as_uri()],
            check=True, capture_output=True, timeout=120)
        return [image.convert("L") for image in convert_from_path(str(pdf), dpi=DPI)]


def _document(look: _HtmlLook, rng: random.Random, body: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{_css(look)}</style></head>'
            f"<body><h1>{escape(rng.choice(_TITLES))}</h1><p>{escape(rng.choice(_PROSE))}</p>{body}"
            f"<p>{escape(rng.choice(_NOTES))}</p></body></html>")


def render_html_table_page(style: str, seed: int, font: str = "liberationserif") -> TablePage:
    """One page of `style` (a `tables_render` style, or `wide`) laid out by Chromium in `font`
    (a key of `HTML_FONTS`) and rasterised at 300 dpi."""
    rng = random.Random(f"html:{style}:{seed}")
    look = _look(style, rng, font)
    kind = ("simple-header" if look.simple == "header" else "simple") if style.startswith("borderless") else "ruled"
    tables, parts = [], []
    count = 2 if style == "two_tables" else 1
    for t in range(count):
        cols = _wide_columns(rng) if style == "wide" else _columns(style, rng)
        n_rows = rng.randint(4, 6) if count == 2 else rng.randint(6, 8) if look.landscape else rng.randint(8, 12)
        # simple borderless tables carry bold group rows and long names, as the reports print them
        content_style = "wrapped" if style == "borderless" else "groups" if style == "wide" else style
        rows, obs, spans = _body(content_style, cols, rng, n_rows)
        parts.append(_table_html(cols, rows, spans, kind))
        tables.append(TruthTable(header=[" | ".join(c.path) for c in cols], rows=rows, observations=obs))
        if t == 0 and count == 2:
            parts.append(f"<p>{escape(rng.choice(_PROSE))}</p>")
    images = _print(_document(look, rng, "".join(parts)))
    if len(images) != 1:
        raise RuntimeError(f"html page {style}:{seed} ran over {len(images)} pages")
    return TablePage(style=style, image=images[0], tables=tables)


def render_html_continued_pages(seed: int, repeat_header: bool, font: str = "liberationserif"
                                ) -> tuple[TablePage, TablePage]:
    """One `two_level` table over two Chromium pages, the header printed again on the second or
    not; the truth (on the first page) is the whole logical table."""
    from sohoa.synth.tables_render import continued_table

    rng = random.Random(f"html:continued:{seed}:{repeat_header}")
    look = _look("two_level", rng, font)
    cols, rows, obs, split = continued_table(rng)
    body = (_table_html(cols, rows[:split], [], "ruled") + '<div class="break"></div>'
            + _table_html(cols, rows[split:], [], "ruled", with_header=repeat_header))
    images = _print(_document(look, rng, body))
    if len(images) != 2:
        raise RuntimeError(f"continued html table {seed} took {len(images)} pages, not 2")
    truth = TruthTable(header=[" | ".join(c.path) for c in cols], rows=rows, observations=obs)
    return (TablePage(style="continued", image=images[0], tables=[truth]),
            TablePage(style="continued", image=images[1], tables=[]))
