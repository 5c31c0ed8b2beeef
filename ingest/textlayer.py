"""Born-digital PDFs: use a page's text layer when it holds the page's real text, OCR otherwise.

Words come from poppler's `pdftotext -bbox-layout` (points), scaled to page pixels at the run's
DPI, so they enter the same reading-order code as OCR words. 'Real text' means enough letters,
no undecodable glyphs (nor private-use ones in words), and - for Vietnamese - diacritics
present: an old invisible OCR layer made with an English model has none, and is worse than
OCR-ing again.

Most PDFs that ministries and provinces publish are scans with a digital-signature stamp
('Ký bởi: …', 'Cơ quan: …', 'Thời gian ký: …') drawn as real text over the page. Such a layer
is real Vietnamese but holds a few lines of a page of text, so a layer is trusted on a scanned
page (one that is mostly a raster image) only when it covers the page's ink
(`ink_coverage`); signature stamps are taken out of the layer as page annotations
(`split_stamps`) and painted out of the picture before OCR, so they never reach the body.
"""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import numpy as np

from sohoa.ingest.records import Annotation, OcrWord, enclosing_box

VIETNAMESE_MARKED = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
_NS = "{http://www.w3.org/1999/xhtml}"


def vietnamese_share(text: str) -> float:
    """Share of alphabetic words that carry a Vietnamese-only letter or tone mark (in any
    Unicode form: a decomposed 'ệ' is a letter and its marks, still one Vietnamese letter)."""
    words = [w for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text).lower())]
    if not words:
        return 0.0
    return sum(1 for w in words if VIETNAMESE_MARKED.intersection(w)) / len(words)


# A private-use character stands for a glyph the font gave no meaning (a font that maps its own
# letters there: 'Tự' reads 'T\uf0a2'). Right after a letter it is where a letter should be; a
# symbol font's bullet (U+F0B7 in text from word processors) stands apart, before the words.
_GLYPH_IN_WORD = re.compile(r"(?<=[^\W\d_])[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def is_real_text(text: str, min_words: int = 15) -> bool:
    """True when a text layer is worth using instead of OCR."""
    stripped = "".join(text.split())
    if len(text.split()) < min_words or not stripped:
        return False
    if "\ufffd" in text or "(cid:" in text or _GLYPH_IN_WORD.search(text):
        return False  # glyphs without a meaning where the words' letters should be
    # a layer drawn with a legacy font ('.VnTime', 'VNI-Times') holds the font's codes ('tØnh'
    # for 'tỉnh'): it is the page's text once decoded, as the repair decodes it
    text = legacy_decoded(text)
    stripped = "".join(text.split())
    # figures are text too: a page of a table's rows is mostly digits between its labels
    words_and_figures = sum(ch.isalnum() for ch in stripped) / len(stripped)
    return words_and_figures > 0.5 and vietnamese_share(text) > 0.25


@functools.lru_cache(maxsize=8)
def legacy_decoded(text: str) -> str:
    """`text` with the lines the repair finds in a legacy Vietnamese encoding (TCVN3, VNI,
    VISCII, VIQR) decoded, by the repair's own detection; Unicode text comes back as it is.
    Remembered for the last few texts: one page's layer is judged, compared with the OCR and
    decoded word by word from the same text, about 50 ms a legacy page each time."""
    from sohoa.diacritics.compose import apply_edits
    from sohoa.diacritics.encodings import LegacyEncodingFixer

    return apply_edits(text, LegacyEncodingFixer().find_edits(text))


def page_words(path: str, page: int, dpi: int, timeout: float | None = None) -> tuple[list[OcrWord], int, int]:
    """Words of one PDF page's text layer in pixels at `dpi`, with the page size in pixels."""
    try:
        xhtml = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", "-cropbox", path, "-"],
            capture_output=True, timeout=timeout, check=True,
        ).stdout.decode("utf-8", errors="replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return [], 0, 0
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError:
        return [], 0, 0
    scale = dpi / 72.0
    words: list[OcrWord] = []
    width = height = 0
    # poppler places the words on the page as displayed (after its /Rotate) but gives the size
    # of the page as stored: a page shown on its side is as wide as the stored page is tall
    sideways = page_rotation(path, page, timeout) in (90, 270)
    for page_el in root.iter(f"{_NS}page"):
        width = int(round(float(page_el.get("width", 0)) * scale))
        height = int(round(float(page_el.get("height", 0)) * scale))
        if sideways:
            width, height = height, width
        for b, block in enumerate(page_el.iter(f"{_NS}block"), start=1):
            for l, line in enumerate(block.iter(f"{_NS}line"), start=1):
                found = []
                for word in line.iter(f"{_NS}word"):
                    # some writers store Vietnamese decomposed (a letter, then its marks): the
                    # words are judged, compared and written composed, as every other text is
                    text = unicodedata.normalize("NFC", (word.text or "").strip())
                    if not text:
                        continue
                    bbox = tuple(int(round(float(word.get(k)) * scale)) for k in ("xMin", "yMin", "xMax", "yMax"))
                    if not (0 <= (bbox[0] + bbox[2]) / 2 <= width and 0 <= (bbox[1] + bbox[3]) / 2 <= height):
                        continue  # outside the crop box: hidden from the reader
                    found.append((text, bbox))
                words += [OcrWord(text=text, conf=100.0, bbox=bbox, block=b, par=1, line=l, word=n)
                          for n, (text, bbox) in enumerate(_whole_syllables(found), start=1)]
    return words, width, height


def page_rotation(path: str, page: int, timeout: float | None = None) -> int:
    """The page's /Rotate (degrees clockwise, as poppler reads it, inherited ones too); 0 where
    poppler cannot tell."""
    return _rotation(_page_info(path, page, timeout))


def _rotation(info: dict[str, list[str]]) -> int:
    rotate = info.get("rot", ["0"])[0]
    return int(rotate) % 360 if rotate.lstrip("-").isdigit() else 0


def _page_info(path: str, page: int, timeout: float | None = None) -> dict[str, list[str]]:
    """What `pdfinfo -box` tells of one page ('rot', 'MediaBox', 'CropBox', ...: its values)."""
    try:
        out = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), "-box", path],
                             capture_output=True, timeout=timeout, check=True).stdout.decode("utf-8", errors="replace")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError):
        return {}
    info: dict[str, list[str]] = {}
    for line in out.splitlines():
        found = re.match(rf"^Page\s+{page}\s+([A-Za-z]+):\s*(.*)$", line)
        if found:
            info[found.group(1)] = found.group(2).split()
    return info


SPLIT_GAP = 0.2
"""The widest gap (in the words' height) inside a syllable that a PDF writer's glyph placement
made pdftotext cut ('Ch ỉ tiêu', 'Đ ơ n v ị' from a browser's printed Vietnamese): a word
space is wider."""


def _whole_syllables(words: list[tuple[str, tuple[int, int, int, int]]]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """A line's words with the pieces of a syllable that pdftotext cut apart put back together:
    neighbours closer than SPLIT_GAP that spell a Vietnamese syllable together, where one of
    them is none on its own ('Ch' + 'ỉ'); two words that each are one stay apart."""
    from sohoa.diacritics.syllables import is_syllable

    out: list[tuple[str, tuple[int, int, int, int]]] = []
    for text, box in words:
        if out:
            last, last_box = out[-1]
            gap = box[0] - last_box[2]
            joined = last + text
            if (0 <= gap < SPLIT_GAP * max(1, last_box[3] - last_box[1]) and joined.isalpha()
                    and is_syllable(joined.lower())
                    and not (is_syllable(last.lower()) and is_syllable(text.lower()))):
                out[-1] = (joined, (last_box[0], min(last_box[1], box[1]), box[2], max(last_box[3], box[3])))
                continue
        out.append((text, box))
    return out


# ------------------------------------------------------------------ stamps and coverage
# Lines that only a digital-signature or publication stamp prints: the signer, the signing
# agency and time, the stamp's e-mail address, a timestamp with its zone.
_STAMP_LINE = re.compile(
    r"^(?:(?:Ký|Người ký|Signed by|Ký bởi)\b.*|Cơ quan\s*:.*|Thời gian(?: ký)?\s*:.*|Email\s*:.*|SAO Y\b.*"
    r"|\S+@\S+\.(?:gov|edu)\.vn|[+-]\d{2}:?\d{2}"
    r"|.*\b\d{1,2}[./]\d{1,2}[./]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[+-]\d{2}:?\d{2})?)$",
    re.IGNORECASE)
_STAMP_FIELDS = (
    ("signer", re.compile(r"^(?:Ký bởi|Người ký|Signed by)\s*:\s*(.+)$", re.IGNORECASE)),
    ("agency", re.compile(r"^Cơ quan\s*:\s*(.+)$", re.IGNORECASE)),
    ("time", re.compile(r"^Thời gian(?: ký)?\s*:\s*(.+)$", re.IGNORECASE)),
    ("email", re.compile(r"^(?:Email\s*:\s*)?(\S+@\S+)$", re.IGNORECASE)),
)


def _lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    lines: dict[tuple[int, int], list[OcrWord]] = {}
    for w in words:
        lines.setdefault((w.block, w.line), []).append(w)
    return list(lines.values())


def text_turn(words: list[OcrWord]) -> int:
    """Degrees clockwise that turn the displayed page so that its layer's text reads upright: 90
    for an upright page wrongly flagged /Rotate 270 (its lines run up the page), 0 for text that
    already reads left to right. poppler reads each word in the direction its characters run
    and writes a line's words in reading order, so the step from a line's first word to its last
    is the way the text runs. Only when every line of two words or more runs the same way is the
    page turned: a note printed up the margin of an upright page leaves it as it is, and so do
    lines of single words, which tell no way."""
    turns = {_line_turn(line) for line in _lines(words) if len(line) > 1}
    return turns.pop() if len(turns) == 1 else 0


def _line_turn(line: list[OcrWord]) -> int:
    """The quarter turn clockwise that makes a line's words run left to right."""
    (a0, b0, a1, b1), (c0, d0, c1, d1) = line[0].bbox, line[-1].bbox
    across, down = (c0 + c1 - a0 - a1) / 2, (d0 + d1 - b0 - b1) / 2
    if abs(across) >= abs(down):
        return 0 if across >= 0 else 180
    return 90 if down < 0 else 270


def turned_box(box: tuple[int, int, int, int], width: int, height: int, turn: int) -> tuple[int, int, int, int]:
    """A box on a page `width` × `height`, on the page turned `turn` degrees clockwise (as
    `geometry.rotate_quarter` turns its picture)."""
    x0, y0, x1, y1 = box
    if turn == 90:
        return height - y1, x0, height - y0, x1
    if turn == 180:
        return width - x1, height - y1, width - x0, height - y0
    if turn == 270:
        return y0, width - x1, y1, width - x0
    return box


def turned_size(width: int, height: int, turn: int) -> tuple[int, int]:
    """(width, height) of a page `width` × `height` turned `turn` degrees clockwise."""
    return (height, width) if turn in (90, 270) else (width, height)


# A TCVN3 (ABC) capitals-only font: '.VnTimeH', '.VnArialH', '.VnTimeH,Bold', 'ABCDEF+.VnTimeH-Bold'
# (as a PDF writer names it, its subset's tag before it, its style after it). TCVN3 has no codes
# for most capitals with a tone mark, so such a font draws capitals at the small letters' codes.
# VNI needs no such fonts: its codes spell every capital. A font embedded as a CID font may
# carry its CMap after its name ('.VnTime-Identity-H'), which is no part of the name.
CAPITALS_ONLY_FONT = re.compile(r"^(?:[A-Z]{6}\+)?[._]?Vn[A-Za-z -]*H(?:[-, ]?(?:Bold|Italic|Oblique|Regular|Normal))*$")
_CMAP_SUFFIX = re.compile(r"-Identity-[HV]$")


def capitals_font_boxes(path: str, page: int, dpi: int, words: list[OcrWord],
                        timeout: float | None = None) -> frozenset[tuple[int, int, int, int]]:
    """The boxes of the layer's `words` drawn in a capitals-only TCVN3 font (`CAPITALS_ONLY_FONT`):
    their codes stand for capitals. pdftotext names no fonts; poppler's pdftohtml gives each run
    of text with its font, placed on the page as stored from its media box's corner (a word
    lies in the run that holds its middle)."""
    info = _page_info(path, page, timeout)
    rotation = _rotation(info)
    runs = _capitals_font_runs(path, page, rotation, timeout)
    if not runs:
        return frozenset()
    try:
        mx0, _, _, my1 = (float(v) for v in info["MediaBox"])
        cx0, cy0, cx1, cy1 = (float(v) for v in info.get("CropBox", info["MediaBox"]))
    except (KeyError, ValueError):  # the boxes unknown: the crop box taken for the media box
        mx0 = my1 = cx0 = cy0 = cx1 = cy1 = 0.0
    # pdftotext places the words on the crop box as displayed, turned by the page's /Rotate
    width, height = turned_size(cx1 - cx0, cy1 - cy0, rotation)
    back = (360 - rotation) % 360
    scale = dpi / 72.0
    found = set()
    for word in words:
        middle = (word.bbox[0] + word.bbox[2]) / 2 / scale, (word.bbox[1] + word.bbox[3]) / 2 / scale
        x, y, _, _ = turned_box((*middle, *middle), width, height, back)  # on the crop box as stored
        x, y = x + cx0 - mx0, y + my1 - cy1
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in runs):
            found.add(word.bbox)
    return frozenset(found)


def _capitals_font_runs(path: str, page: int, rotation: int,
                        timeout: float | None) -> list[tuple[float, float, float, float]]:
    """Boxes (points) of the page's runs of text in a capitals-only font, as pdftohtml places
    them on the page as stored. A page flagged to show turned (`rotation`) is read from a copy
    shown as stored: on a page shown on its side pdftohtml gives its runs no width."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="sohoa-fonts-") as folder:
        if rotation:
            upright = _unturned_page(path, page, Path(folder) / "page.pdf")
            if upright is None:
                return []
            path, page = str(upright), 1
        try:
            xml = subprocess.run(
                ["pdftohtml", "-xml", "-i", "-hidden", "-noroundcoord", "-stdout", "-q", "-zoom", "1",
                 "-f", str(page), "-l", str(page), path],
                capture_output=True, timeout=timeout, check=True).stdout
            root = ET.fromstring(xml)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError, ET.ParseError):
            return []
    capitals = {spec.get("id") for spec in root.iter("fontspec")
                if CAPITALS_ONLY_FONT.match(_CMAP_SUFFIX.sub("", spec.get("family", "")))}
    runs = []
    for run in root.iter("text"):
        if run.get("font") in capitals:
            x, y, w, h = (float(run.get(k, 0)) for k in ("left", "top", "width", "height"))
            runs.append((x, y, x + w, y + h))
    return runs


def _unturned_page(path: str, page: int, target):
    """A one-page copy of a PDF page without its /Rotate, or None where the file cannot be rewritten."""
    try:
        import pikepdf

        with pikepdf.open(path) as pdf:
            copy = pikepdf.new()
            copy.pages.append(pdf.pages[page - 1])
            copy.pages[0].Rotate = 0
            copy.save(target)
        return target
    except Exception:  # noqa: BLE001 - a file pikepdf cannot rewrite: its fonts go unread
        return None


def layer_lines(words: list[OcrWord]) -> str:
    """A layer's words as text, one line of the layer a line (the repair's encoding detection
    judges line by line: a heading in another font is a line of its own)."""
    return "\n".join(" ".join(w.text for w in line) for line in _lines(words))


def decoded_words(words: list[OcrWord], capitals: frozenset = frozenset()) -> list[OcrWord]:
    """A layer's words with the lines in a legacy font's codes decoded as the repair decodes
    them, the whole layer judged at once ('tØnh' → 'tỉnh'), so that the reading order, the
    letterhead and the tables see the words themselves; each word keeps its box (a line that
    decodes into another number of words stays as it is, for the repair to decode). The words
    whose boxes are in `capitals` were drawn in a capitals-only font (`capitals_font_boxes`):
    decoded, they are written in capitals, as the page shows them ('ñy' → 'ủy' → 'ỦY')."""
    from dataclasses import replace

    lines: dict[tuple[int, int], list[int]] = {}
    for k, w in enumerate(words):
        lines.setdefault((w.block, w.line), []).append(k)
    raw = [" ".join(words[k].text for k in line) for line in lines.values()]
    texts = legacy_decoded("\n".join(raw)).split("\n")
    out = list(words)
    for line, before, text in zip(lines.values(), raw, texts):
        decoded = text.split(" ")
        if len(decoded) != len(line):
            continue
        for k, word in zip(line, decoded):
            # only a decoded word (or one of plain letters, its own decoding) is capitalised:
            # codes left for the repair keep their case, which tells their letters
            if words[k].bbox in capitals and (text != before or word.isascii()):
                word = word.upper()  # the decoded Vietnamese letters' capitals: 'ư' → 'Ư', 'ỉ' → 'Ỉ'
            if word != words[k].text:
                out[k] = replace(words[k], text=word)
    return out


def split_stamps(words: list[OcrWord]) -> tuple[list[Annotation], list[OcrWord]]:
    """(signature/publication stamps, the other words) of a text layer.

    A stamp is a text-layer block in which at least half the lines are lines only a stamp
    prints (signer, agency, signing time, the stamp's e-mail, a date with a clock time, 'SAO Y');
    the whole block is the stamp (its agency name lines too).
    """
    blocks: dict[int, list[OcrWord]] = {}
    for w in words:
        blocks.setdefault(w.block, []).append(w)
    stamps: list[Annotation] = []
    rest: list[OcrWord] = []
    for block_words in blocks.values():
        lines = [" ".join(w.text for w in line) for line in _lines(block_words)]
        stamp_lines = sum(1 for line in lines if _STAMP_LINE.match(line.strip()))
        if stamp_lines and stamp_lines * 2 >= len(lines):
            fields = []
            for line in lines:
                for name, pattern in _STAMP_FIELDS:
                    found = pattern.match(line.strip())
                    if found and name not in dict(fields):
                        fields.append((name, found.group(1).strip()))
            stamps.append(Annotation("signature-stamp", enclosing_box(w.bbox for w in block_words), "\n".join(lines),
                                     tuple(fields)))
        else:
            rest.extend(block_words)
    return stamps, rest


def scanned_share(path: str, page: int, page_width_pt: float, page_height_pt: float,
                  timeout: float | None = None) -> float:
    """Share of the page covered by raster images: each image's size in pixels over its drawn
    resolution is its size on the page. 0.0 when the page holds no images (born-digital)."""
    from sohoa.ingest.rasterize import page_images

    page_area = page_width_pt * page_height_pt / 72.0 / 72.0
    covered = sum((width / xppi) * (height / yppi) for width, height, xppi, yppi in page_images(path, page, timeout))
    return min(1.0, covered / page_area) if page_area > 0 else 0.0


def boxes_on_ink(grey: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """Share of the word boxes under which the picture holds ink (at least 2 % of the box's
    pixels clearly darker than the paper). Words of a reading of the scan lie on their printed
    letters; words of text drawn over a background picture lie on blank paper."""
    if not boxes:
        return 0.0
    paper = float(np.percentile(grey[::8, ::8], 90))
    dark = grey < paper - 80
    on_ink = 0
    for x0, y0, x1, y1 in boxes:
        area = dark[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
        if area.size and area.mean() >= 0.02:
            on_ink += 1
    return on_ink / len(boxes)


def ink_coverage(grey: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """Share of the page's text-like ink that lies under the given word boxes.

    A text layer that is the page's real text covers nearly all of it; a stamp's few lines
    over a scanned page cover a small part."""
    import cv2

    from sohoa.ingest.geometry import ink_blobs

    h, w = grey.shape[:2]
    scale = 0.5 if min(h, w) > 1500 else 1.0
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1.0 else grey
    labels, stats = ink_blobs(small)
    count = len(stats)
    if count <= 1:
        return 1.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    sizes = stats[1:, cv2.CC_STAT_AREA]
    limit = max(8.0, 6 * float(np.median(heights)))
    textlike = np.zeros(count, bool)
    textlike[1:] = (heights <= limit) & (sizes >= 3)  # glyphs, not rules, images or specks
    text_ink = textlike[labels]
    total = int(text_ink.sum())
    if total == 0:
        return 1.0
    covered = np.zeros_like(text_ink)
    for x0, y0, x1, y1 in boxes:
        pad = max(2, int(0.3 * (y1 - y0) * scale))
        covered[max(0, int(y0 * scale) - pad): int(y1 * scale) + pad,
                max(0, int(x0 * scale) - pad): int(x1 * scale) + pad] = True
    return float((text_ink & covered).sum()) / total


def reading_quality(text: str) -> float:
    """How well one reading of a page reads as Vietnamese: the repair's syllable model's
    log-likelihood per token (higher is better). Garbled words, dropped or wrong marks and a
    legacy font's codes all cost; only readings of the same page compare."""
    from sohoa.diacritics.plausibility import TOKEN, log_likelihood

    tokens = TOKEN.findall(text)
    return log_likelihood(text) / len(tokens) if tokens else float("-inf")


def layer_reads_better(layer: list[OcrWord], ocr: list[OcrWord]) -> bool:
    """Whether a page's text layer (decoded, where it is a legacy font's codes) reads as better
    Vietnamese than the OCR of the page's picture: on a poor scan a good layer wins over the
    OCR's misreadings; an old OCR layer of poorer quality or a layer without marks does not.
    Ties go to the OCR."""
    ocr_text = layer_lines(ocr)
    return bool(ocr_text.strip()) and \
        reading_quality(legacy_decoded(layer_lines(layer))) > reading_quality(ocr_text)


def legacy_layer_kept(layer: list[OcrWord], ocr: list[OcrWord], agrees: float) -> bool:
    """Whether a layer of a legacy font's codes ('tØnh' for 'tỉnh') is kept over the OCR of its
    page. The page shows either the codes (the font missing, another drawn in its place) or the
    letters they stand for (the font embedded). Showing the codes, the OCR shares more words
    with the layer as it is than decoded, and only the layer can be decoded. Showing the letters
    and read well (sharing `agrees` of the decoded words) the OCR wins: it keeps the capitals a
    capitals-only font draws from small letters' codes, which decoding gives only where the
    font's name tells (`capitals_font_boxes`). Read poorly, the better reading wins."""
    text = layer_lines(layer)
    decoded = legacy_decoded(text).split()
    read = [w.text for w in ocr]
    with_decoded = _share_in_common(decoded, read)
    if _share_in_common(text.split(), read) > with_decoded:
        return True
    return with_decoded < agrees and layer_reads_better(layer, ocr)


def words_agree(first: list[OcrWord], second: list[OcrWord]) -> float:
    """Share of words two readings of one page have in common, order aside (NFC, case kept)."""
    return _share_in_common([w.text for w in first], [w.text for w in second])


def _share_in_common(first: list[str], second: list[str]) -> float:
    from collections import Counter

    def bag(words: list[str]) -> Counter:
        return Counter(unicodedata.normalize("NFC", w) for w in words if w.strip())

    a, b = bag(first), bag(second)
    larger = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / larger if larger else 0.0
