"""The ingest stage of one page, in a worker process: fetch → clean → geometry → OCR →
reading order (`read_page`). What it hands on (`ReadPage`) holds the page's result so far and,
on a page that may hold a table, the page image the table step reads (`sohoa.pipeline` runs
that step and turns any failure into the page's `PageResult.error`).

    rasterize.load_page → prepare (preprocess, turn and skew) → with_rules (rules, grids) → engine.recognise → layout.lay_out
    (or, for a born-digital PDF page with real text: textlayer.page_words → layout.lay_out)
    (or, tables only, `read_page_image`: rasterize.load_page → prepare → with_rules)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from sohoa.ingest import geometry, preprocess
from sohoa.ingest.layout import PageLayout, lay_out
from sohoa.ingest.ocr import DEFAULT_CELL_OCR_MODEL, DEFAULT_OCR_MODEL, OcrEngine, make_engine
from sohoa.ingest.records import (Annotation, OcrPage, OcrWord, PageGeometry, PageImage, PageSource, PageWarning, Rules,
                                  TableRows, WarningCode)
from sohoa.ingest.reread import reread_doubtful
from sohoa.ingest.straddle import read_straddling_words, without_rule_traces
from sohoa.ingest.streaks import erased_streaks, without_streaks
from sohoa.ingest.unread import read_unread_cells, read_unread_rows
from sohoa.ingest.textlayer import (boxes_on_ink, capitals_font_boxes, decoded_words, ink_coverage, is_real_text,
                                   layer_lines,
                                   layer_reads_better,
                                   legacy_decoded, legacy_layer_kept, page_words, scanned_share, split_stamps,
                                   text_turn, turned_box, turned_size, vietnamese_share, words_agree)

LOW_CONFIDENCE = 55.0  # mean word confidence below which the page may be upside down
NOISY = 2.5  # noise_level (grey levels) above which a median denoise helps Tesseract
# the models whose reading of a grainy page a median denoise improves: on the ingest bench's heavy
# pages it halved the fast model's CER (0.0096 → 0.0052) but doubled the best model's (0.0043 →
# 0.0088, bench/ingest_bench.py ablation 'denoise_never', same runs); real scans measured none
DENOISED_MODELS = ("fast",)
SCANNED_PAGE = 0.5  # share of a PDF page covered by raster images that makes it a scan
LAYER_ON_INK = 0.5  # share of a layer's words with ink under them in the picture: below, the words are drawn
LAYER_COVERS_PAGE = 0.9  # share of a scan's text ink a text layer must cover to be used instead of OCR
# share of words a scan's text layer and the OCR of its picture must share for the layer to be
# trusted without more: an old invisible OCR layer of poor quality (wrong model, garbled marks)
# reads differently from the page, and is replaced by OCR unless it reads better than the OCR
LAYER_AGREES = 0.8


@dataclass(frozen=True)
class PageOptions:
    """Per-run settings every page worker needs (pickles with the task)."""

    engine: str = "tesseract"
    lang: str = "vie"
    ocr_model: str = DEFAULT_OCR_MODEL  # Tesseract model for `lang`: 'best' (shipped) or 'fast' (the system's)
    cell_ocr_model: str = DEFAULT_CELL_OCR_MODEL  # the model of the engine that reads table cells
    tables: bool = True
    text: bool = True  # False (`sohoa tables`): no text layer, no page OCR, the table step on every page
    repair: bool = True  # False (--no-repair): table cells are left as read, like the text
    timeout: float = 300.0
    max_pixels: int = 180_000_000  # a page bigger than this is refused before it is decoded
    text_layer: bool = True
    flatten: bool = True
    deskew: bool = True
    remove_colour: bool = True
    denoise: bool | str = "auto"  # 'auto': only grainy pages (noise_level above NOISY)
    binarise: bool = False
    in_process_ocr: bool = False  # Tesseract through its library in this worker (models loaded once), not the command


@dataclass(frozen=True)
class PageResult:
    """What comes back from a worker for one page."""

    doc_id: str
    page: int
    ocr: OcrPage | None
    layout: PageLayout | None
    tables: tuple = ()  # sohoa.tables.records.Table of the page
    source: str = "ocr"  # 'ocr' | 'text-layer' | 'image' (tables only) | 'text' (a text input)
    error: str | None = None
    warnings: tuple[PageWarning, ...] = field(default_factory=tuple)
    seconds: float = 0.0


@dataclass(frozen=True, eq=False)
class ReadPage:
    """What the ingest stage hands on inside the worker: the page's result so far, and whether
    it may hold a table with the page image the table step reads (None on a text-layer page:
    `layer_page_image` draws it when the step runs)."""

    result: PageResult
    wants_tables: bool = False
    image: PageImage | None = None


_ENGINES: dict[tuple[str, str, str, bool], OcrEngine] = {}


def engine_for(options: PageOptions) -> OcrEngine:
    """The page's OCR engine (one per worker process and setting); the engine of its table
    cells is `engine_for(replace(options, ocr_model=options.cell_ocr_model))`."""
    key = (options.engine, options.lang, options.ocr_model, options.in_process_ocr)
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(options.engine, lang=options.lang, model=options.ocr_model,
                                    in_process=options.in_process_ocr) \
            if options.engine == "tesseract" else make_engine(options.engine)
    return _ENGINES[key]


def time_left(options: PageOptions, started: float) -> float:
    """Seconds of the page's --page-timeout left (a second at least: each call gets a chance)."""
    return max(1.0, options.timeout - (time.perf_counter() - started))


def read_page(source: PageSource, options: PageOptions, started: float, engine: OcrEngine | None = None) -> ReadPage:
    """The page's text: its PDF text layer where that is the page's real text, else OCR of its
    cleaned, levelled picture; then the reading order. Raises on what stops the page."""
    engine = engine or engine_for(options)
    stamps: list[Annotation] = []
    layer: list[OcrWord] = []
    drawn: list[OcrWord] = []  # every word of the PDF's text layer
    scanned = 0.0
    if source.kind == "pdf" and options.text_layer:
        found = _text_layer(source, options, started)
        drawn, stamps, width, height, scanned = found.drawn, found.stamps, found.width, found.height, found.scanned
        layer = found.words if found.real else []
        if found.born_digital and not found.legacy:  # the layer is the page's text
            return _layer_page(source, options, found, layer, width, height, source.dpi)

    from sohoa.ingest.rasterize import load_page_noted

    # a scan is drawn without what lies over its picture (stamps, watermarks, an old layer):
    # those cross the printed words, and painting them out would erase the words under them; a
    # scan with no text over it is drawn as it is (no copy of the page to make)
    picture_only = scanned >= SCANNED_PAGE and bool(drawn)
    pixels, dpi, notes = load_page_noted(source, timeout=time_left(options, started), max_pixels=options.max_pixels,
                                         picture_only=picture_only)
    # what the layer is held against, at the layer's own scale (a page of small print comes
    # enlarged for the OCR)
    page_grey = _at_size(preprocess.to_grey(pixels), width, height) if layer else None
    if layer and picture_only and boxes_on_ink(page_grey, [w.bbox for w in layer]) < LAYER_ON_INK:
        # the layer's words lie on blank parts of the picture: text drawn over a background
        # image, not a reading of a scan, so the layer is the page's text
        return _layer_page(source, options, found, _layer_words(layer, found), width, height, source.dpi)
    if layer and ink_coverage(page_grey, [w.bbox for w in layer]) < LAYER_COVERS_PAGE:
        layer = []  # a few lines of text over a scan: not the page's text
    if stamps and not picture_only:  # drawn over the scan as text: read from the layer, so keep them out
        pixels = preprocess.paint_out(pixels, [a.bbox for a in stamps])
    grey, page_geometry = prepare(pixels, options)
    page_geometry, rule_mask = with_rules(grey, page_geometry, dpi)
    ocr_image = geometry.erase_rules(grey, rule_mask)
    words = engine.recognise(ocr_image, timeout=time_left(options, started))
    if _looks_wrong_way_up(words):
        turn, confidence = engine.orientation(grey, timeout=time_left(options, started))
        if turn and confidence >= 1.5:
            turned = geometry.rotate_quarter(grey, turn)
            turned_geometry, turned_mask = with_rules(
                turned, replace(page_geometry, rotation=(page_geometry.rotation + turn) % 360), dpi)
            turned_image = geometry.erase_rules(turned, turned_mask)
            turned_words = engine.recognise(turned_image, timeout=time_left(options, started))
            if _mean_conf(turned_words) > _mean_conf(words):
                grey, words, ocr_image, page_geometry = turned, turned_words, turned_image, turned_geometry
    words, _ = without_rule_traces(words, page_geometry.grids)  # an erased rule's trace read as '|', '_'
    words, streaks = without_streaks(ocr_image, words)  # a streak down the scan read as 'h', '}'
    if streaks:
        ocr_image, grey = erased_streaks(ocr_image, streaks, words), erased_streaks(grey, streaks, words)
    if getattr(engine, "second_reading", False):
        words, _ = reread_doubtful(engine, ocr_image, words, timeout=time_left(options, started))
        words, _ = read_unread_rows(engine, ocr_image, words, timeout=time_left(options, started))
        words, _ = read_unread_cells(engine, ocr_image, words, page_geometry.grids,
                                     timeout=time_left(options, started))
        words, _ = read_straddling_words(engine, ocr_image, words, page_geometry.grids,
                                         timeout=time_left(options, started))
    if layer and _layer_kept(layer, words, found.legacy):  # on the page its words were placed on
        return _layer_page(source, options, found, _layer_words(layer, found), width, height, source.dpi)
    height, width = grey.shape[:2]
    read = _finish(source, options, words, width, height, dpi, page_geometry, grey, "ocr", annotations=stamps)
    if not notes:
        return read
    return replace(read, result=replace(read.result, warnings=tuple(notes) + read.result.warnings))


def _at_size(grey: np.ndarray, width: int, height: int) -> np.ndarray:
    """`grey` drawn `width` × `height` pixels, where it is another size."""
    if grey.shape[:2] == (height, width) or not width or not height:
        return grey
    import cv2

    return cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)


def _layer_words(layer: list[OcrWord], found: "_TextLayer") -> list[OcrWord]:
    """The words of a kept layer as the page's text: a legacy font's codes decoded into the
    words they stand for, so that the reading order, the letterhead and the tables see them."""
    return decoded_words(layer, found.capitals) if found.legacy else layer


def _layer_page(source: PageSource, options: PageOptions, found: "_TextLayer", words: list[OcrWord], width: int,
                height: int, dpi: int) -> ReadPage:
    """A page whose text is its text layer's `words` (on the displayed page `width` × `height`),
    read as its text runs: on a page whose text runs up, down or upside down as displayed (an
    upright page flagged /Rotate 270) the words and stamps are laid out on the page turned
    upright, and its `rotation` is that turn, as a scan read turned."""
    words, stamps, width, height = _upright(found, words, width, height)
    return _finish(source, options, words, width, height, dpi, PageGeometry(rotation=found.turn), None, "text-layer",
                   annotations=stamps)


def _upright(found: "_TextLayer", words: list[OcrWord], width: int, height: int
             ) -> tuple[list[OcrWord], list[Annotation], int, int]:
    """(words, the layer's stamps, width, height) on the displayed page turned by `found.turn`."""
    turn = found.turn
    return ([replace(w, bbox=turned_box(w.bbox, width, height, turn)) for w in words],
            [replace(a, bbox=turned_box(a.bbox, width, height, turn)) for a in found.stamps],
            *turned_size(width, height, turn))


def _layer_kept(layer: list[OcrWord], ocr: list[OcrWord], legacy: bool) -> bool:
    """Whether a complete text layer is kept over the OCR of the page's picture: one that reads
    as our OCR does (born-digital text over a background picture, an earlier good OCR) or
    better (a good layer over a poor scan), its exact text kept; a legacy font's codes as
    `legacy_layer_kept` tells."""
    if legacy:
        return legacy_layer_kept(layer, ocr, LAYER_AGREES)
    return words_agree(layer, ocr) >= LAYER_AGREES or layer_reads_better(layer, ocr)


@dataclass(frozen=True)
class _TextLayer:
    """What a PDF page's text layer holds: every word drawn, its words without the stamps laid
    over a scan, the stamps, the page's size in pixels, and the share of the page a picture covers."""

    drawn: list[OcrWord]
    words: list[OcrWord]
    stamps: list[Annotation]
    width: int
    height: int
    scanned: float
    source: PageSource | None = None  # where the words were read: their fonts are looked up there
    timeout: float | None = None

    @cached_property
    def real(self) -> bool:
        """Whether the words read as real text (not a broken font's codes)."""
        return bool(self.words) and is_real_text(layer_lines(self.words))

    @cached_property
    def legacy(self) -> bool:
        """Whether the words are a legacy font's codes ('tØnh' for 'tỉnh', TCVN3 or VNI): the
        page's picture may show the letters they stand for or, where the font is missing, the
        codes themselves; the OCR of the picture tells which."""
        text = layer_lines(self.words)
        return legacy_decoded(text) != text

    @cached_property
    def capitals(self) -> frozenset[tuple[int, int, int, int]]:
        """The boxes of the words of a legacy font's codes drawn in a capitals-only font ('.VnTimeH'):
        decoded, they are capitals. Looked up only on a layer of such codes."""
        if not self.legacy or self.source is None:
            return frozenset()
        return capitals_font_boxes(self.source.path, self.source.page, self.source.dpi, self.words, self.timeout)

    @cached_property
    def turn(self) -> int:
        """Degrees clockwise that turn the displayed page so that the layer's text reads upright."""
        return text_turn(self.words)

    @property
    def born_digital(self) -> bool:
        """Real text on a page no scan covers: the layer is the page's text."""
        return self.real and self.scanned < SCANNED_PAGE


def _text_layer(source: PageSource, options: PageOptions, started: float) -> _TextLayer:
    drawn, width, height = page_words(source.path, source.page, source.dpi, timeout=time_left(options, started))
    stamps, words = split_stamps(drawn)
    # how much of the page a picture covers tells only about text drawn on it: a page without
    # any (a plain scan) is spared the look at its images
    scanned = scanned_share(source.path, source.page, width * 72.0 / source.dpi, height * 72.0 / source.dpi,
                            timeout=time_left(options, started)) if drawn else 0.0
    return _TextLayer(drawn, words, stamps, width, height, scanned, source, time_left(options, started))


def read_page_image(source: PageSource, options: PageOptions, started: float) -> ReadPage:
    """Tables only (`sohoa tables`): the page's cleaned, levelled picture for the table step,
    without OCR; a born-digital page (its text layer is its text, no scan under it) is drawn
    as it is, and its own words go with it (`words_on_picture`), for its cells."""
    from sohoa.ingest.rasterize import load_page_noted

    if source.kind == "pdf" and options.text_layer:
        found = _text_layer(source, options, started)
        if found.born_digital:  # a legacy font's codes decoded, as `read_page` gives a kept layer
            words, _, width, height = _upright(found, _layer_words(found.words, found), found.width, found.height)
            ocr = OcrPage(source.doc_id, source.page, width, height, source.dpi, tuple(words), rotation=found.turn)
            return ReadPage(PageResult(source.doc_id, source.page, ocr, None, source="text-layer"), True, None)
    pixels, dpi, notes = load_page_noted(source, timeout=time_left(options, started), max_pixels=options.max_pixels)
    grey, page_geometry = prepare(pixels, options)
    page_geometry, _ = with_rules(grey, page_geometry, dpi)
    result = PageResult(source.doc_id, source.page, None, None, source="image", warnings=tuple(notes))
    return ReadPage(result, True, PageImage(source.doc_id, source.page, grey, dpi, page_geometry))


def prepare(pixels: np.ndarray, options: PageOptions = PageOptions()) -> tuple[np.ndarray, PageGeometry]:
    """Preprocess a page: (grey upright deskewed image, the rotation and skew undone; its rules
    are not looked for yet)."""
    if options.remove_colour and preprocess.has_colour(pixels):
        grey = preprocess.remove_coloured_ink(pixels)
    else:
        grey = preprocess.to_grey(pixels)
    if options.flatten:
        grey = preprocess.flatten_background(grey)
    grey, rotation, skew = upright_and_level(grey, options.deskew)
    if options.denoise is True or (options.denoise == "auto" and options.ocr_model in DENOISED_MODELS
                                   and preprocess.noise_level(grey) > NOISY):
        grey = preprocess.denoise(grey)
    if options.binarise:
        grey = preprocess.binarise(grey)
    return grey, PageGeometry(rotation, skew)


def with_rules(grey: np.ndarray, page_geometry: PageGeometry, dpi: int) -> tuple[PageGeometry, np.ndarray]:
    """A prepared page's geometry with its long rules, their grids and, on a page with a grid,
    the turn the grid still asks for (`PageGeometry.rule_turn`; the table step makes it on its
    copy of the page, the OCR reads the page as its text levelled it); and the rules' pixels,
    for `geometry.erase_rules`."""
    rules, mask = geometry.find_rules(grey)
    grids = tuple(geometry.table_grids(rules))
    turn = geometry.rule_turn(grey, grids, dpi) if grids else None
    return replace(page_geometry, rules=rules, grids=grids, rule_turn=turn), mask


MIN_LEVELLING = 0.1
"""Degrees: a page tilted less than this is not turned (its skew is recorded as 0)."""


def upright_and_level(grey: np.ndarray, deskew: bool = True) -> tuple[np.ndarray, int, float]:
    """(the page turned upright and levelled by its text, the quarter turn made, the skew
    undone): a page lying on its side is turned, then turned by its text's tilt."""
    rotation = 0
    profiles = geometry.quarter_profiles(grey)  # the skew search starts with the turns measured here
    if geometry.quarter_turn(grey, profiles) == 90:
        grey = geometry.rotate_quarter(grey, 90)
        rotation = 90
        profiles = None  # a page turned on its side is measured afresh
    skew = 0.0
    if deskew:
        skew = geometry.page_skew(grey, profiles=profiles)
        if abs(skew) >= MIN_LEVELLING:
            grey = geometry.rotate(grey, -skew)
        else:
            skew = 0.0  # the skew recorded is the turn made (the table step masks its corners)
    return grey, rotation, skew


def _mean_conf(words: list[OcrWord]) -> float:
    confs = [w.conf for w in words if w.conf >= 0]
    return float(np.mean(confs)) if confs else 0.0


def _looks_wrong_way_up(words: list[OcrWord]) -> bool:
    return len(words) < 5 or _mean_conf(words) < LOW_CONFIDENCE


def with_words(result: PageResult, words: list[OcrWord], page_geometry: PageGeometry) -> PageResult:
    """`result` (an OCR'd page) with `words` in place of its words: its reading order laid out
    again over the same page (the page's own notes, stamps and warnings kept)."""
    ocr, before = result.ocr, result.layout
    layout = lay_out(words, ocr.width, ocr.height, page_geometry.rules, page_geometry.grids)
    own = tuple(a for a in ocr.annotations if before is None or a not in before.annotations)
    ocr = replace(ocr, words=tuple(words), paragraphs=layout.paragraphs, annotations=own + layout.annotations)
    return replace(result, ocr=ocr, layout=layout)


def _finish(source: PageSource, options: PageOptions, words: list[OcrWord], width: int, height: int, dpi: int,
            page_geometry: PageGeometry, grey: np.ndarray | None, origin: str,
            annotations: list[Annotation] = ()) -> ReadPage:
    layout = lay_out(words, width, height, page_geometry.rules, page_geometry.grids)
    warnings = []
    text = " ".join(layout.paragraphs)
    if not text.strip():
        warnings.append(PageWarning(WarningCode.EMPTY_PAGE, "empty page: no text found"))
    elif len(text.split()) >= 30 and vietnamese_share(text) < 0.08:
        warnings.append(PageWarning(WarningCode.NOT_VIETNAMESE,
                                    "non-Vietnamese page: almost no Vietnamese diacritics were read"))
    ocr = OcrPage(
        doc_id=source.doc_id, page=source.page, width=width, height=height, dpi=dpi,
        words=tuple(words), paragraphs=layout.paragraphs, skew=page_geometry.skew, rotation=page_geometry.rotation,
        warnings=tuple(warnings), annotations=tuple(annotations) + layout.annotations,
    )
    result = PageResult(source.doc_id, source.page, ocr, layout, source=origin, warnings=tuple(warnings))
    wants_tables = bool(options.tables and layout.blocks and may_hold_table(words, page_geometry.rules))
    image = PageImage(source.doc_id, source.page, grey, dpi, page_geometry) if wants_tables and grey is not None else None
    return ReadPage(result, wants_tables, image)


TABLE_GAP = 0.8  # a gap between words this many word heights wide may part two table columns
TABLE_LINES = 3  # lines with such a gap a borderless table has at least ...
TABLE_FIGURE_LINES = 2  # ... and lines with a figure past the gap (the table step asks for two rows of numbers)


def may_hold_table(words: list[OcrWord], rules: Rules | None) -> bool:
    """Whether a page is worth the table step (geometry of rules and words only, no OCR): a
    vertical rule or three horizontal ones (a ruled grid), or TABLE_LINES lines of words with a
    column-wide gap in them, TABLE_FIGURE_LINES of them with a figure just right of a gap (a
    borderless table; the table step itself asks for a wider gap). Prose, and the two columns
    of an official letterhead, have neither, and are spared the table step's image analysis and
    cell OCR. Without rules (a text-layer page) the table step always runs."""
    if rules is None or rules.vertical or len(rules.horizontal) >= 3:
        return True
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words)
    if not heights:
        return False
    gap = TABLE_GAP * heights[len(heights) // 2]
    lines: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        middle = (word.bbox[1] + word.bbox[3]) / 2
        if lines and abs(middle - (lines[-1][0].bbox[1] + lines[-1][0].bbox[3]) / 2) <= gap:
            lines[-1].append(word)
        else:
            lines.append([word])
    gapped = figures = 0
    for line in lines:
        line.sort(key=lambda w: w.bbox[0])
        after_gaps = [b.text for a, b in zip(line, line[1:]) if b.bbox[0] - a.bbox[2] >= gap]
        if not after_gaps:
            continue
        gapped += 1
        figures += any(any(ch.isdigit() for ch in text) for text in after_gaps)
        if gapped >= TABLE_LINES and figures >= TABLE_FIGURE_LINES:
            return True
    return False


def with_table_layout(result: PageResult, picture: PageImage, rows: "list[TableRows]") -> PageResult:
    """A text-layer page's result laid out again with the rules of its picture (drawn at the
    layer's scale) and the rows the table step found in them: its tables' rows read across,
    their cells apart, as on a scan."""
    from sohoa.ingest.cell_readings import with_table_rows

    rules, _ = geometry.find_rules(picture.image)
    grids = with_table_rows(tuple(geometry.table_grids(rules)), rows)
    if not grids:
        return result
    return with_words(result, list(result.ocr.words), PageGeometry(rules=rules, grids=grids))


def words_on_picture(ocr: OcrPage, picture: PageImage) -> list[OcrWord]:
    """A text-layer page's words (pixels at the run's resolution) in the pixels of its picture
    from `layer_page_image`, which enlarges a page of very small text."""
    scale = picture.image.shape[1] / ocr.width if ocr.width else 1.0
    if abs(scale - 1.0) < 1e-3:
        return list(ocr.words)
    return [replace(w, bbox=tuple(int(round(v * scale)) for v in w.bbox)) for w in ocr.words]


def layer_page_image(source: PageSource, options: PageOptions, rotation: int = 0) -> PageImage:
    """The picture of a page whose text came from its text layer, for the table step: drawn as
    it is, turned by the `rotation` its words were turned to read upright (the layer's boxes are
    in its coordinates)."""
    from sohoa.ingest.rasterize import load_page

    pixels, dpi = load_page(PageSource(source.doc_id, source.path, "pdf", source.page, source.dpi),
                            max_pixels=options.max_pixels)
    return PageImage(source.doc_id, source.page, geometry.rotate_quarter(preprocess.to_grey(pixels), rotation), dpi)
