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
ABOVE = ASCENT / (ASCENT - DESCENT)  # the share of a word's box above its baseline
BELOW = -DESCENT / (ASCENT - DESCENT)  # and below it
TALLEST = 3.5  # the highest box, in font sizes, a variant declares (poppler ignores an ascent or descent of 3 or more)
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


class GlyphlessFonts:
    """The glyphless font of one document in the vertical proportions its lines need.

    A text extractor sizes a word's box from the font size and the font's ascent and
    descent, but measures everything else (how far apart two words may be and still share a
    line, which lines make one block, how well blocks line up) in font sizes alone. Each
    variant declares the ascent and descent of `proportion` (box height / font size), so a
    line can be given the font size that groups it with its neighbours while its words keep
    the height of their boxes. The variants share one font program, width table and
    ToUnicode map; only the small descriptor and font dictionaries differ."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        program = font_program()
        self._program = pikepdf.Stream(pdf, program)
        self._program.Length1 = len(program)
        self._cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536), Filter=pikepdf.Name.FlateDecode)
        self._to_unicode = pikepdf.Stream(pdf, _to_unicode_cmap())
        self._variants: dict[tuple[int, int | None], tuple[str, pikepdf.Object]] = {}

    def variant(self, proportion: float, above: float | None = None) -> tuple[str, pikepdf.Object]:
        """(resource name, font object) of the variant whose box is `proportion` font sizes
        high (rounded to a per cent, kept between 0.05 and TALLEST), `above` of it above the
        baseline (rounded to a per cent, kept between 0.05 and 0.95, and so that neither part
        comes to 3 font sizes; by default the font's own share, ASCENT of ASCENT - DESCENT): a
        baseline set higher or lower inside a word's box moves where an extractor reads its
        line, not its box."""
        key = min(round(TALLEST * 100), max(5, round(proportion * 100)))
        share = None if above is None else min(95, 29900 // key, max(5, 100 - 29900 // key, round(above * 100)))
        if share == round(100 * ABOVE):
            share = None  # the font's own proportions: the same variant as without a share
        if (key, share) not in self._variants:
            if share is None:
                ascent, descent = round(ASCENT * key / 100), round(DESCENT * key / 100)
            else:
                ascent = round((ASCENT - DESCENT) * key * share / 10000)
                descent = ascent - round((ASCENT - DESCENT) * key / 100)
            descriptor = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + FONT_NAME), Flags=4,
                FontBBox=[0, descent, ADVANCE, ascent], ItalicAngle=0, Ascent=ascent, Descent=descent,
                CapHeight=ascent, StemV=80, FontFile2=self._program))
            cid_font = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/" + FONT_NAME),
                CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                FontDescriptor=descriptor, DW=ADVANCE, CIDToGIDMap=self._cid_to_gid))
            obj = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + FONT_NAME),
                Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font], ToUnicode=self._to_unicode))
            name = f"FSohoaText{key}" if share is None else f"FSohoaText{key}a{share}"
            self._variants[key, share] = (name, obj)
        return self._variants[key, share]


def encode(text: str) -> bytes:
    """Two-byte codes of `text`; characters beyond the BMP become U+FFFD."""
    return b"".join((ord(c) if ord(c) <= 0xFFFF and not 0xD800 <= ord(c) <= 0xDFFF else 0xFFFD).to_bytes(2, "big")
                    for c in text)
