"""searchable.pdf: the original scan, untouched, with the repaired words laid over it as
invisible text (render mode 3), saved as PDF/A-2b.

A PDF input keeps its page objects as they are (the image streams are copied byte for byte;
the page's own content runs first, wrapped in q/Q, then the text layer); a page that already
had real text (born-digital) gets no second layer. An image input becomes one page per frame
at its resolution: a JPEG is embedded as it is (DCTDecode), other images losslessly (Flate).
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import pikepdf

from sohoa.ingest.archival import font
from sohoa.ingest.archival.geometry import shown_turned
from sohoa.ingest.archival.layer import LAYOUTS, Layout, layer_ops, layer_words
from sohoa.ingest.archival.standard_fonts import embed_standard_fonts

class _Frame:
    """Maps top-down points on the displayed page (its crop box, after /Rotate) to the page's
    user space."""

    def __init__(self, page: pikepdf.Page):
        box = [float(v) for v in page.cropbox]  # the crop box where there is one: what viewers show
        self.x0, self.y0 = min(box[0], box[2]), min(box[1], box[3])
        self.x1, self.y1 = max(box[0], box[2]), max(box[1], box[3])
        self.rotate = int(page.obj.get("/Rotate", 0)) % 360
        mw, mh = self.x1 - self.x0, self.y1 - self.y0
        self.width, self.height = (mh, mw) if self.rotate in (90, 270) else (mw, mh)

    def point(self, u: float, v: float) -> tuple[float, float]:
        if self.rotate == 90:
            return self.x0 + v, self.y0 + u
        if self.rotate == 180:
            return self.x1 - u, self.y0 + v
        if self.rotate == 270:
            return self.x1 - v, self.y1 - u
        return self.x0 + u, self.y1 - v

    def axes(self) -> tuple[float, float, float, float]:
        """The text matrix's a b c d: text runs left to right on the displayed page."""
        ox, oy = self.point(0, 0)
        ux, uy = self.point(1, 0)
        vx, vy = self.point(0, 1)
        return ux - ox, uy - oy, ox - vx, oy - vy


def text_layer(record: dict, frame: _Frame, fonts: font.GlyphlessFonts, layout: Layout = LAYOUTS[0]
               ) -> tuple[bytes, dict]:
    """The content stream that writes the page's words invisibly over their boxes (see
    layer.py), and the fonts it uses.

    Text runs level on the upright page: a page shown turned upright (`turn_upright`) has it
    level as displayed, and a sideways page shown as it came has it running along its lines;
    each word lies at the place its box has on the original scan, and on a tilted scan the
    words of a line step up or down with it, within what extractors still read as one line."""
    rotation = 0 if shown_turned(record) else record.get("rotation", 0) % 360
    width, height = (frame.height, frame.width) if rotation in (90, 270) else (frame.width, frame.height)
    displayed = _upright_to_displayed(rotation, frame.width, frame.height)
    ops, used = layer_ops(record, width, height, lambda u, v: frame.point(*displayed(u, v)), fonts, layout)
    return ("\n".join(ops) + "\n").encode("ascii"), used


def _upright_to_displayed(rotation: int, width: float, height: float):
    """Upright-page points (top-down) → displayed-page points, for a page turned `rotation`
    degrees clockwise to be upright; `width`, `height` are the displayed page's."""
    if rotation == 90:
        return lambda u, v: (v, height - u)
    if rotation == 180:
        return lambda u, v: (width - u, height - v)
    if rotation == 270:
        return lambda u, v: (width - v, u)
    return lambda u, v: (u, v)


def turn_upright(page: pikepdf.Page, record: dict) -> None:
    """Show a page that was read turned (`rotation`: degrees clockwise that made it upright: a
    scan the OCR read turned, a born-digital page whose text runs up its displayed page) the
    way it was read, where its text shows the turn (`shown_turned`): the page's /Rotate takes
    the turn, its picture and its own text stay as they were."""
    rotation = record.get("rotation", 0) % 360
    if rotation and shown_turned(record):
        page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + rotation) % 360


def _add_layer(pdf: pikepdf.Pdf, page: pikepdf.Page, record: dict, fonts: font.GlyphlessFonts) -> pikepdf.Stream:
    """Lays the text layer (the page's first layout, `layouts_to_try`) after the page's own
    content; returns the layer's stream, which `_relay` rewrites in another layout."""
    layer = pikepdf.Stream(pdf, b"")
    _relay(page, layer, record, fonts, layouts_to_try(record)[0])
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(layer, prepend=False)
    return layer


def _relay(page: pikepdf.Page, layer: pikepdf.Stream, record: dict, fonts: font.GlyphlessFonts,
           layout: Layout) -> None:
    """Writes the page's text layer in `layout` into its stream `layer`."""
    content, used = text_layer(record, _Frame(page), fonts, layout)
    for name, font_obj in used.items():
        page.add_resource(font_obj, pikepdf.Name.Font, pikepdf.Name("/" + name), replace_existing=True)
    layer.write(b"\nQ\n" + content)


_SHOW = {"Tj", "TJ", "'", '"'}


_SILENT = [pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(""))]


def quiet_own_text(pdf: pikepdf.Pdf, page: pikepdf.Page) -> bool:
    """Make the page's own text silent for extractors, so that search and copy find text.txt's
    words and no others: text objects that only show invisible text (render mode 3: an
    earlier OCR's layer, which would be found and copied beside the repaired one) are dropped;
    visible text (a portal's diagonal watermark drawn over the scan, which pdftotext breaks
    into two-letter scraps among the body's lines) stays drawn as it was, wrapped as a span
    whose ActualText is empty, and so does a form the page draws that shows text. The page's
    text.txt already holds whatever of it the OCR read on the scan. Returns whether anything
    changed."""
    instructions = pikepdf.parse_content_stream(page)
    xobjects = page.resources.get("/XObject", {})
    kept, block, render, saved = [], None, 0, []
    invisible_only = True
    changed = False

    def silenced(run: list) -> list:
        return [(_SILENT, pikepdf.Operator("BDC"))] + run + [([], pikepdf.Operator("EMC"))]

    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            saved.append(render)
        elif op == "Q" and saved:
            render = saved.pop()
        elif op == "Tr" and operands:
            render = int(operands[0])
        if op == "BT":
            block, invisible_only = [], True
        if block is not None:
            block.append((operands, operator))
            if op in _SHOW and render != 3:
                invisible_only = False
            if op == "ET":
                if any(str(o) in _SHOW for _, o in block):
                    kept.extend([] if invisible_only else silenced(block))
                    changed = True
                else:
                    kept.extend(block)
                block = None
            continue
        if op == "Do" and operands and _form_shows_text(xobjects.get(operands[0])):
            kept.extend(silenced([(operands, operator)]))
            changed = True
            continue
        kept.append((operands, operator))
    if block:
        kept.extend(block)
    if changed:
        page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(kept))
        page.remove_unreferenced_resources()
    return changed


def _form_shows_text(xobject) -> bool:
    """Whether an XObject is a form that shows text (itself or through forms it draws)."""
    return xobject is not None and xobject.get("/Subtype") == "/Form" and _shows_text(xobject, set())


def shows_text(page: pikepdf.Page) -> bool:
    """Whether the page's content (or a form it draws) shows any text."""
    return _shows_text(page, set())


def _shows_text(owner, seen: set) -> bool:
    xobjects = owner.resources.get("/XObject", {}) if isinstance(owner, pikepdf.Page) \
        else owner.get("/Resources", {}).get("/XObject", {})
    for operands, operator in pikepdf.parse_content_stream(owner):
        if str(operator) in _SHOW:
            return True
        if str(operator) == "Do" and operands:
            form = xobjects.get(operands[0])
            if form is not None and form.get("/Subtype") == "/Form" and form.objgen not in seen:
                seen.add(form.objgen)
                if _shows_text(form, seen):
                    return True
    return False


def _pdf_pages(pdf: pikepdf.Pdf, source: Path, records: Sequence[dict], fonts: font.GlyphlessFonts,
               layers: dict) -> list:
    original = pikepdf.open(source)
    for n, source_page in enumerate(original.pages):
        pdf.pages.append(source_page)
        page = pdf.pages[-1]
        for key in ("/Annots", "/AA", "/Trans"):  # form fields, signatures, slide-show effects stay behind
            if key in page.obj:
                del page.obj[key]
        record = records[n] if n < len(records) else None
        if record:
            turn_upright(page, record)
        if not record or not record.get("words"):
            continue
        if record.get("source") == "text-layer":
            # born digital: its own text stays and gets no second layer, unless that text was
            # only in the annotations just left out (a signature stamp on a scanned page)
            if not shows_text(page):
                layers[n] = _add_layer(pdf, page, record, fonts)
            continue
        quiet_own_text(pdf, page)
        layers[n] = _add_layer(pdf, page, record, fonts)
    return [original]


def _image_xobject(pdf: pikepdf.Pdf, source: Path, page: int):
    from PIL import ImageOps

    from sohoa.ingest.rasterize import ORIENTED_FORMATS, display_pixels, open_image, picture_dpis, seek_page

    # the run has accepted the picture's size already (--max-megapixels): no second limit here
    with open_image(source, max_pixels=sys.maxsize) as image:
        seek_page(image, page)
        x_dpi, y_dpi = picture_dpis(image)  # the page's size on screen and paper, upright
        orientation = image.getexif().get(0x0112, 1) if image.format in ORIENTED_FORMATS else 1
        if image.format == "JPEG" and orientation == 1 and image.mode in ("L", "RGB"):
            data = source.read_bytes()
            space = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
            xobject = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                     Width=image.width, Height=image.height, ColorSpace=space,
                                     BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
            return xobject, image.width, image.height, x_dpi, y_dpi
        upright = ImageOps.exif_transpose(image) if orientation != 1 else image
        if upright.mode == "1":
            # PDF's 1-bit grey has 0 = black like PIL; rows are padded to whole bytes in both
            raw, bits, space = upright.tobytes(), 1, pikepdf.Name.DeviceGray
        else:  # as the OCR read it: transparency on white paper, 16-bit grey scaled, not clipped
            pixels = display_pixels(upright)
            raw, bits = pixels.tobytes(), 8
            space = pikepdf.Name.DeviceGray if pixels.ndim == 2 else pikepdf.Name.DeviceRGB
        xobject = pikepdf.Stream(pdf, zlib.compress(raw, 6), Type=pikepdf.Name.XObject,
                                 Subtype=pikepdf.Name.Image, Width=upright.width, Height=upright.height,
                                 ColorSpace=space, BitsPerComponent=bits, Filter=pikepdf.Name.FlateDecode)
        return xobject, upright.width, upright.height, x_dpi, y_dpi


def _image_pages(pdf: pikepdf.Pdf, source: Path, records: Sequence[dict], fonts: font.GlyphlessFonts,
                 layers: dict) -> None:
    for n, record in enumerate(records):
        xobject, width, height, x_dpi, y_dpi = _image_xobject(pdf, source, n + 1)
        w, h = width * 72 / x_dpi, height * 72 / y_dpi
        content = f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im0 Do Q\n".encode("ascii")
        page = pikepdf.Page(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, round(w, 4), round(h, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
            Contents=pikepdf.Stream(pdf, content))))
        pdf.pages.append(page)
        turn_upright(pdf.pages[-1], record)
        if record.get("words"):
            layers[n] = _add_layer(pdf, pdf.pages[-1], record, fonts)


def _choose_layouts(pdf: pikepdf.Pdf, records: Sequence[dict], fonts: font.GlyphlessFonts,
                    layers: dict[int, pikepdf.Stream]) -> None:
    """Reads the layered pages back with poppler's pdftotext and lays each page whose words
    (default mode, poppler's own reading order) come in another order than text.txt's out
    again in each other of LAYOUTS, leaving it in the one it reads back best: fewest edits
    between its words and text.txt's, then most words over their boxes (see layer.py for why one layout
    cannot suit every page). Only pages where poppler reads some of text.txt's words in
    another place are tried (a hyphen joined at a line's end is no matter of layout). Each
    layout tried costs one save, and one pdftotext pass for each run of consecutive pages it
    is tried on; the -bbox pass that counts words off their boxes only where the edits leave
    the layout in the running (as few as the best so far). A page the layout lays out as a
    layout tried before (the same layer, byte for byte) is not read back: it would read the
    same, and a tie never replaces the layout kept."""
    from sohoa.ingest.archival.check import misordered, page_box_agreement, pdftotext_pages, word_distance

    want = {n: " ".join(w["text"] for line in layer_words(records[n]) for w in line) for n in layers}

    def scores(trial: Path, pages: list[int], texts: list[str] | None = None,
               beat: dict[int, tuple[tuple[int, float], Layout]] | None = None) -> dict[int, tuple[int, float]]:
        """(edits, words off their boxes) of each of `pages` in `trial`: one pdftotext pass
        over each run of consecutive pages among them, so that the pages between two
        far-apart ones are not read again (`texts`, when given, are all of the document's
        pages read already), and one -bbox pass over each run of those whose edits are no more
        than `beat`'s (the best so far; the others cannot win, and count as off their boxes
        altogether)."""
        edits: dict[int, int] = {}
        for run in consecutive_runs(pages):
            first, last = run[0], run[-1]
            read = texts if texts is not None else [""] * first + pdftotext_pages(trial, first=first + 1, last=last + 1)
            edits |= {n: word_distance(read[n] if n < len(read) else "", want[n])[0] for n in run}
        running = [n for n in pages if beat is None or edits[n] <= beat[n][0][0]]
        found: dict[int, tuple[int, float]] = {n: (edits[n], math.inf) for n in pages}
        for run in consecutive_runs(running):
            found |= {n: (edits[n], total - good) for n, (good, total) in zip(run, page_box_agreement(trial, records, run))}
        return found

    best: dict[int, tuple[tuple[int, float], Layout]] = {}
    current: dict[int, Layout] = {}
    order: dict[int, list[Layout]] = {}  # per page, the layouts in the order it tries them
    try:
        with tempfile.TemporaryDirectory() as scratch:
            trial = Path(scratch) / "trial.pdf"
            pdf.save(trial)
            texts = pdftotext_pages(trial)
            pending = [n for n in sorted(layers) if misordered(texts[n] if n < len(texts) else "", want[n])]
            order = {n: layouts_to_try(records[n]) for n in pending}
            current = {n: order[n][0] for n in pending}
            laid = {n: {layers[n].read_bytes()} for n in pending}  # the layers each page was read back in
            if pending:
                best = {n: (tried, order[n][0]) for n, tried in scores(trial, pending, texts).items()}
            for step in range(1, len(LAYOUTS)):
                pending = [n for n in pending if best[n][0][0] > 0]
                if not pending:
                    break
                fresh = []  # a layout that lays a page out as one tried before reads back the same
                for n in pending:
                    _relay(pdf.pages[n], layers[n], records[n], fonts, order[n][step])
                    current[n] = order[n][step]
                    if (data := layers[n].read_bytes()) not in laid[n]:
                        laid[n].add(data)
                        fresh.append(n)
                if not fresh:
                    continue
                pdf.save(trial)
                for n, tried in scores(trial, fresh, beat=best).items():
                    if tried < best[n][0]:
                        best[n] = (tried, order[n][step])
    except (OSError, subprocess.SubprocessError):
        # poppler could not read the PDF back: the choice is only a refinement, so every page
        # keeps the first layout rather than the whole PDF being lost
        best = {n: ((0, 0), order[n][0]) for n in current}
    for n, (_, layout) in best.items():
        if current[n] != layout:
            _relay(pdf.pages[n], layers[n], records[n], fonts, layout)
        if current[n] != order[n][0]:
            pdf.pages[n].remove_unreferenced_resources()  # the fonts of the layouts left


def layouts_to_try(record: dict) -> list[Layout]:
    """LAYOUTS in the order the writer lays a page out in them: a page with a table starts with
    the layouts for tables (cells sized apart, rows and cells marked), which read a table back
    row by row where the others read it by columns, so that such a page mostly reads back
    whole at once and is not laid out again; every other page in their own order."""
    if "table" not in (record.get("block_roles") or ()):
        return list(LAYOUTS)
    tables = [layout for layout in LAYOUTS if layout.cells or layout.rows or layout.fences]
    return tables + [layout for layout in LAYOUTS if layout not in tables]


def consecutive_runs(pages: Sequence[int]) -> list[list[int]]:
    """`pages` (page numbers) cut into runs of consecutive numbers, in order: [1, 2, 5] → [[1, 2], [5]]."""
    runs: list[list[int]] = []
    for n in sorted(pages):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


class NotPdfA(Exception):
    """The searchable PDF was written but does not pass PDF/A-2b (e.g. a born-digital input
    whose own fonts are not embedded); `data` holds it, `reason` says why."""

    def __init__(self, data: bytes, reason: str):
        super().__init__(reason)
        self.data, self.reason = data, reason


def made_at() -> str:
    """The PDF's dates (ISO 8601, UTC, whole seconds): SOURCE_DATE_EPOCH's time where the
    environment sets it (the reproducible-builds convention), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit()
            else datetime.now(timezone.utc))
    return when.replace(microsecond=0).isoformat()


def searchable_pdf(source: str | Path, kind: str, records: Sequence[dict], title: str = "") -> bytes:
    """The PDF/A-2b bytes of the searchable scan. `records` are the pages.jsonl records.
    Validated as it is written (pikepdf.pdfa, which implements the veraPDF rules); a
    document that cannot pass raises NotPdfA carrying the plain PDF."""
    from pikepdf import pdfa

    source = Path(source)
    pdf = pikepdf.new()
    fonts = font.GlyphlessFonts(pdf)
    opened = []
    layers: dict[int, pikepdf.Stream] = {}
    try:
        if kind == "pdf":
            opened = _pdf_pages(pdf, source, records, fonts, layers)
        else:
            _image_pages(pdf, source, records, fonts, layers)
        if layers and shutil.which("pdftotext"):
            _choose_layouts(pdf, records, fonts, layers)
        embed_standard_fonts(pdf)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title or source.stem
            meta["xmp:CreatorTool"] = "sohoa"
            meta["pdf:Producer"] = "sohoa (pikepdf)"
        pdfa.prepare(pdf, "2b")
        stamp = made_at()
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            # prepare() stamps the metadata date with the clock; one date for all three, from
            # SOURCE_DATE_EPOCH when it is set, makes the same input give the same bytes
            for name in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                meta[name] = stamp
        buffer = io.BytesIO()
        try:
            pdfa.save(pdf, buffer, "2b", repair=False, deterministic_id=True)
        except pdfa.PdfaError as exc:
            plain = io.BytesIO()
            pdf.save(plain, deterministic_id=True)
            findings = sorted(exc.report.findings, key=lambda f: f.kind != "violation")
            reason = (f"{findings[0].rule} at {findings[0].where}: {findings[0].message}" if findings
                      else str(exc).splitlines()[0])
            raise NotPdfA(plain.getvalue(), reason) from exc
        return buffer.getvalue()
    finally:
        for handle in opened:
            handle.close()
