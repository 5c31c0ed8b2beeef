"""Embedding for the standard fonts a PDF names without embedding them.

PDF/A wants every font that draws something embedded. Scans from government portals and
born-digital letters often draw a line or two (a download watermark, a typed header) in
Helvetica, Times or Courier without embedding it, leaving the viewer to supply the font. Those
fonts, and their Arial, Times New Roman and Courier New names, have metric-compatible free
twins (Liberation Sans, Serif and Mono: the same advance widths), so embedding the twin keeps
every glyph where it was and makes the page PDF/A. Ghostscript's PDF/A conversion does the same.

Only simple fonts with a Latin encoding are replaced (Type1 or TrueType, no descriptor with a
font program, WinAnsi or Standard encoding, no Differences): their codes map to Unicode through
the encoding alone. Symbol and Dingbats fonts, composite (CID) fonts and fonts of other names
stay as they are; the writer then reports the document as not PDF/A, as before. The twin is
cut down to the Windows-1252 characters (about 50 KB) and embedded once per document and style.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pikepdf

LIBERATION_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/liberation2"))

_FAMILIES = {"helvetica": "Sans", "arial": "Sans", "times": "Serif", "timesnewroman": "Serif",
             "courier": "Mono", "couriernew": "Mono"}
_STYLES = {"": "Regular", "roman": "Regular", "regular": "Regular", "bold": "Bold", "italic": "Italic",
           "oblique": "Italic", "bolditalic": "BoldItalic", "boldoblique": "BoldItalic"}
_MAKERS_TAIL = re.compile(r"(psmt|mt|ps)$")  # Monotype's names: ArialMT, TimesNewRomanPS-BoldMT
_CODES = range(32, 256)


def twin_file(base_font: str) -> Path | None:
    """The Liberation font file metric-compatible with a standard font name ('Helvetica-Bold',
    'ABCDEF+Arial,BoldItalic', 'TimesNewRomanPSMT'), or None for any other name or where
    Liberation is not installed."""
    name = re.sub(r"^[A-Z]{6}\+", "", base_font.lstrip("/")).lower().replace(" ", "")
    family, style = (re.split(r"[-,]", name, maxsplit=1) + [""])[:2]
    twin = _FAMILIES.get(_MAKERS_TAIL.sub("", family))
    style = _STYLES.get(_MAKERS_TAIL.sub("", style))
    if twin is None or style is None:
        return None
    for folder in LIBERATION_DIRS:
        path = folder / f"Liberation{twin}-{style}.ttf"
        if path.exists():
            return path
    return None


@lru_cache(maxsize=12)
def _program(path: Path) -> tuple[bytes, dict[int, int], dict]:
    """The twin cut down to the characters the Latin encodings reach, its advance width per
    character (1/1000 em) and its descriptor's measures."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    whole = TTFont(str(path))
    cmap, metrics, units = whole.getBestCmap(), whole["hmtx"], whole["head"].unitsPerEm
    scale = 1000 / units
    reached = {ord(c) for names in (_names(True), _names(False)) for c in map(_unicode, names) if c} & set(cmap)
    widths = {u: round(metrics[cmap[u]][0] * scale) for u in reached}
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=sorted(reached))
    cut = TTFont(str(path))
    cutter.subset(cut)
    buffer = io.BytesIO()
    cut.save(buffer)
    head, os2, post = whole["head"], whole["OS/2"], whole["post"]
    measures = {
        "FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ItalicAngle": float(post.italicAngle),
        "Ascent": round(os2.sTypoAscender * scale),
        "Descent": round(os2.sTypoDescender * scale),
        "CapHeight": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
        "StemV": 120 if "Bold" in path.stem else 80,
        "FontName": whole["name"].getDebugName(6) or path.stem,
    }
    return buffer.getvalue(), widths, measures


@lru_cache(maxsize=2)
def _names(standard: bool) -> tuple[str, ...]:
    """Glyph name per code 32-255 of StandardEncoding (`standard`) or WinAnsiEncoding ('' for
    a code it leaves empty)."""
    from fontTools import agl
    from fontTools.encodings.StandardEncoding import StandardEncoding

    if standard:
        return tuple("" if StandardEncoding[code] == ".notdef" else StandardEncoding[code] for code in _CODES)
    names = []
    for code in _CODES:
        try:
            names.append(agl.UV2AGL.get(ord(bytes([code]).decode("cp1252")), ""))
        except UnicodeDecodeError:
            names.append("")
    return tuple(names)


def _unicode(name: str) -> str:
    """The one character a glyph name stands for ('' for none or for a ligature's several)."""
    from fontTools import agl

    character = agl.toUnicode(name) if name else ""
    return character if len(character) == 1 else ""


def _replaceable(font_dict) -> Path | None:
    """The twin for a simple Latin font that is not embedded, else None."""
    if font_dict.get("/Subtype") not in ("/Type1", "/TrueType", "/MMType1"):
        return None
    descriptor = font_dict.get("/FontDescriptor")
    if descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        return None
    if font_dict.get("/Encoding") not in (None, pikepdf.Name.WinAnsiEncoding, pikepdf.Name.StandardEncoding):
        return None  # Differences or another base: glyphs that may be the font's own
    return twin_file(str(font_dict.get("/BaseFont", "")))


def embed_standard_fonts(pdf: pikepdf.Pdf) -> int:
    """Embeds a metric-compatible twin for every standard Latin font the document's pages (and
    the forms they draw) use without embedding it; returns how many font dictionaries changed."""
    descriptors: dict[Path, pikepdf.Object] = {}
    done: set[tuple[int, int]] = set()
    changed = 0
    for resources in _all_resources(pdf):
        for font_dict in resources.get("/Font", {}).values():
            if font_dict.is_indirect:
                if font_dict.objgen in done:
                    continue
                done.add(font_dict.objgen)
            path = _replaceable(font_dict)
            if path is None:
                continue
            program, widths, measures = _program(path)
            if path not in descriptors:
                descriptors[path] = pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + measures["FontName"]),
                    Flags=32 | (64 if measures["ItalicAngle"] else 0), FontBBox=measures["FontBBox"],
                    ItalicAngle=measures["ItalicAngle"], Ascent=measures["Ascent"], Descent=measures["Descent"],
                    CapHeight=measures["CapHeight"], StemV=measures["StemV"],
                    FontFile2=pikepdf.Stream(pdf, program)))
            # a font without an encoding reads its codes through StandardEncoding; PDF/A wants a
            # TrueType font's based on WinAnsi, so the codes where the two differ are listed
            names = _names(font_dict.get("/Encoding") != pikepdf.Name.WinAnsiEncoding)
            differences = pikepdf.Array()
            for code, name, windows in zip(_CODES, names, _names(False)):
                if name != windows and name:
                    differences.extend([code, pikepdf.Name("/" + name)])
            font_dict.Subtype = pikepdf.Name.TrueType
            font_dict.BaseFont = pikepdf.Name("/" + measures["FontName"])
            font_dict.Encoding = (pikepdf.Dictionary(BaseEncoding=pikepdf.Name.WinAnsiEncoding, Differences=differences)
                                  if len(differences) else pikepdf.Name.WinAnsiEncoding)
            font_dict.FirstChar, font_dict.LastChar = _CODES[0], _CODES[-1]
            font_dict.Widths = pikepdf.Array([widths.get(ord(c), 0) if (c := _unicode(name)) else 0 for name in names])
            font_dict.FontDescriptor = descriptors[path]
            changed += 1
    return changed


def _all_resources(pdf: pikepdf.Pdf):
    """The resource dictionaries of every page and of every form XObject drawn from them."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources", pikepdf.Dictionary()) for page in pdf.pages]
    while stack:
        resources = stack.pop()
        yield resources
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                if "/Resources" in xobject:
                    stack.append(xobject.Resources)
