"""A glyphless TrueType font for invisible text: every character shows one empty glyph of
half an em, and the ToUnicode map gives back the character itself, so copying or searching
the text layer yields the words exactly as written (NFC Vietnamese included).

Character codes are two-byte Identity-H codes equal to the Unicode code point (BMP only);
the CIDToGIDMap sends every code to glyph 1. The same design as Tesseract's pdf.ttf."""

from __future__ import annotations

import io
import zlib
from functools import lru_cache

import pikepdf

ADVANCE = 500  # glyph advance in 1/1000 em
ASCENT, DESCENT = 800, -200  # the word's box spans ascent..descent of the font size
FONT_NAME = "SohoaGlyphless"


@lru_cache(maxsize=1)
def font_program() -> bytes:
    """The TrueType program: .notdef and one empty glyph, both ADVANCE wide."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "blank": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "blank": (ADVANCE, 0)})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


def _to_unicode_cmap() -> bytes:
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    chunks = []
    for start in range(0, len(ranges), 100):
        part = ranges[start:start + 100]
        chunks.append(f"{len(part)} beginbfrange\n" + "\n".join(part) + "\nendbfrange")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(chunks) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def add_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The Type0 font object, added to `pdf` (once per document)."""
    program = font_program()
    font_file = pikepdf.Stream(pdf, program)
    font_file.Length1 = len(program)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + FONT_NAME), Flags=4,
        FontBBox=[0, DESCENT, ADVANCE, ASCENT], ItalicAngle=0, Ascent=ASCENT, Descent=DESCENT,
        CapHeight=ASCENT, StemV=80, FontFile2=font_file))
    cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536), Filter=pikepdf.Name.FlateDecode)
    cid_font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/" + FONT_NAME),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=ADVANCE, CIDToGIDMap=cid_to_gid))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + FONT_NAME),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font],
        ToUnicode=pikepdf.Stream(pdf, _to_unicode_cmap())))


def encode(text: str) -> bytes:
    """Two-byte codes of `text`; characters beyond the BMP become U+FFFD."""
    return b"".join((ord(c) if ord(c) <= 0xFFFF and not 0xD800 <= ord(c) <= 0xDFFF else 0xFFFD).to_bytes(2, "big")
                    for c in text)
