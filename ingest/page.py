"""One page, start to finish, in a worker process: fetch → preprocess → OCR → reading order
→ tables. Everything in and out pickles, and a page never raises: a failure comes back as
`PageResult.error` with a readable reason, so the batch can go on.

    rasterize.load_page  →  preprocess.*  →  engine.recognise  →  layout.lay_out  →  tables
    (or, for a born-digital PDF page with real text: textlayer.page_words → layout.lay_out)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace

import numpy as np

from sohoa.errors import SohoaError
from sohoa.ingest import preprocess, tesseract_api
from sohoa.ingest.layout import PageLayout, lay_out
from sohoa.ingest.ocr import OcrEngine, make_engine
from sohoa.ingest.records import Annotation, OcrPage, OcrWord, PageImage, PageSource
from sohoa.ingest.textlayer import (ink_coverage, is_real_text, page_words, scanned_share, split_stamps,
                                   vietnamese_share, words_agree)

LOW_CONFIDENCE = 55.0  # mean word confidence below which the page may be upside down
NOISY = 2.5  # noise_level (grey levels) above which a median denoise helps Tesseract
# the models whose reading of a grainy page a median denoise improves: on the ingest bench's heavy
# pages it halved the fast model's CER (0.0096 → 0.0052) but doubled the best model's (0.0043 →
# 0.0088, bench/ingest_bench.py ablation 'denoise_never', same runs); real scans measured none
DENOISED_MODELS = ("fast",)
SCANNED_PAGE = 0.5  # share of a PDF page covered by raster images that makes it a scan
LAYER_COVERS_PAGE = 0.9  # share of a scan's text ink a text layer must cover to be used instead of OCR
# share of words a scan's text layer and the OCR of its picture must share for the layer to be
# trusted: an old invisible OCR layer of poor quality (wrong model, garbled marks) reads
# differently from the page, and is replaced by OCR
LAYER_AGREES = 0.8


@dataclass(frozen=True)
class PageOptions:
    """Per-run settings every page worker needs (pickles with the task)."""

    engine: str = "tesseract"
    lang: str = "vie"
    ocr_model: str = "best"  # Tesseract model for `lang`: 'best' (shipped) or 'fast' (the system's)
    tables: bool = True
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
    tables: tuple = ()
    source: str = "ocr"  # 'ocr' | 'text-layer'
    error: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0


_ENGINES: dict[tuple[str, str, str], OcrEngine] = {}


def _engine(options: PageOptions) -> OcrEngine:
    key = (options.engine, options.lang, options.ocr_model)
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(options.engine, lang=options.lang, model=options.ocr_model) \
            if options.engine == "tesseract" else make_engine(options.engine)
    return _ENGINES[key]


def process_page(source: PageSource, options: PageOptions, engine: OcrEngine | None = None) -> PageResult:
    """Run one page; never raises."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    tesseract_api.use(options.in_process_ocr)  # the page's OCR and its table cells' alike
    started = time.perf_counter()
    try:
        result = _process(source, options, engine or _engine(options), started)
    except SohoaError as exc:
        result = PageResult(source.doc_id, source.page, None, None, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a page must never take the batch down
        result = PageResult(source.doc_id, source.page, None, None,
                            error=f"page could not be processed: {type(exc).__name__}: {exc}")
    return _with_seconds(result, time.perf_counter() - started)


def _with_seconds(result: PageResult, seconds: float) -> PageResult:
    return replace(result, seconds=round(seconds, 3))


def _remaining(options: PageOptions, started: float) -> float:
    return max(1.0, options.timeout - (time.perf_counter() - started))


def _process(source: PageSource, options: PageOptions, engine: OcrEngine, started: float) -> PageResult:
    stamps: list[Annotation] = []
    layer: list[OcrWord] = []
    if source.kind == "pdf" and options.text_layer:
        words, width, height = page_words(source.path, source.page, source.dpi, timeout=_remaining(options, started))
        stamps, layer = split_stamps(words)
        if layer and is_real_text(" ".join(w.text for w in layer)):
            scanned = scanned_share(source.path, source.page, width * 72.0 / source.dpi,
                                       height * 72.0 / source.dpi, timeout=_remaining(options, started))
            if scanned < SCANNED_PAGE:  # born-digital: the layer is the page's text
                return _finish(source, options, layer, width, height, source.dpi, 0, 0.0, None, "text-layer",
                               annotations=stamps)
        else:
            layer = []

    from sohoa.ingest.rasterize import load_page_noted

    pixels, dpi, notes = load_page_noted(source, timeout=_remaining(options, started), max_pixels=options.max_pixels)
    if layer and ink_coverage(preprocess.to_grey(pixels), [w.bbox for w in layer]) < LAYER_COVERS_PAGE:
        layer = []  # a few lines of text over a scan: not the page's text
    if stamps:  # drawn over the scan as text: read from the layer, so keep them out of the picture
        pixels = preprocess.paint_out(pixels, [a.bbox for a in stamps])
    grey, rotation, skew = prepare(pixels, options)
    rules, rule_mask = preprocess.find_rules(grey)
    ocr_image = preprocess.erase_rules(grey, rule_mask)
    words = engine.recognise(ocr_image, timeout=_remaining(options, started))
    if _looks_wrong_way_up(words):
        turn, confidence = engine.orientation(grey, timeout=_remaining(options, started))
        if turn and confidence >= 1.5:
            turned = preprocess.rotate_quarter(grey, turn)
            turned_rules, turned_mask = preprocess.find_rules(turned)
            turned_words = engine.recognise(preprocess.erase_rules(turned, turned_mask),
                                            timeout=_remaining(options, started))
            if _mean_conf(turned_words) > _mean_conf(words):
                grey, words, rotation, rules = turned, turned_words, (rotation + turn) % 360, turned_rules
    if layer and words_agree(layer, words) >= LAYER_AGREES:
        # a scan under a complete text layer that reads as our OCR does (born-digital text over
        # a background picture, or an earlier good OCR): the layer's exact text is kept
        height, width = pixels.shape[:2]
        return _finish(source, options, layer, width, height, dpi, 0, 0.0, None, "text-layer", annotations=stamps)
    height, width = grey.shape[:2]
    result = _finish(source, options, words, width, height, dpi, rotation, skew, grey, "ocr", rules,
                     annotations=stamps)
    return replace(result, warnings=tuple(notes) + result.warnings) if notes else result


def prepare(pixels: np.ndarray, options: PageOptions = PageOptions()) -> tuple[np.ndarray, int, float]:
    """Preprocess a page: (grey upright deskewed image, rotation applied, skew corrected)."""
    if options.remove_colour and preprocess.has_colour(pixels):
        grey = preprocess.remove_coloured_ink(pixels)
    else:
        grey = preprocess.to_grey(pixels)
    if options.flatten:
        grey = preprocess.flatten_background(grey)
    rotation = 0
    if preprocess.quarter_turn(grey) == 90:
        grey = preprocess.rotate_quarter(grey, 90)
        rotation = 90
    skew = 0.0
    if options.deskew:
        skew = preprocess.estimate_skew(grey)
        if abs(skew) >= 0.1:
            grey = preprocess.rotate(grey, -skew)
    if options.denoise is True or (options.denoise == "auto" and options.ocr_model in DENOISED_MODELS
                                   and preprocess.noise_level(grey) > NOISY):
        grey = preprocess.denoise(grey)
    if options.binarise:
        grey = preprocess.binarise(grey)
    return grey, rotation, skew


def _mean_conf(words: list[OcrWord]) -> float:
    confs = [w.conf for w in words if w.conf >= 0]
    return float(np.mean(confs)) if confs else 0.0


def _looks_wrong_way_up(words: list[OcrWord]) -> bool:
    return len(words) < 5 or _mean_conf(words) < LOW_CONFIDENCE


def _finish(source: PageSource, options: PageOptions, words: list[OcrWord], width: int, height: int, dpi: int,
            rotation: int, skew: float, grey: np.ndarray | None, origin: str,
            rules: preprocess.Rules | None = None, annotations: list[Annotation] = ()) -> PageResult:
    layout = lay_out(words, width, height, rules)
    warnings = []
    text = " ".join(layout.paragraphs)
    if not text.strip():
        warnings.append("empty page: no text found")
    elif len(text.split()) >= 30 and vietnamese_share(text) < 0.08:
        warnings.append("non-Vietnamese page: almost no Vietnamese diacritics were read")
    ocr = OcrPage(
        doc_id=source.doc_id, page=source.page, width=width, height=height, dpi=dpi,
        words=tuple(words), paragraphs=layout.paragraphs, skew=skew, rotation=rotation,
        warnings=tuple(warnings), annotations=tuple(annotations) + layout.annotations,
    )
    tables: tuple = ()
    if options.tables and layout.blocks and may_hold_table(words, rules):
        try:
            tables = _find_tables(source, options, ocr, grey, dpi, rotation, skew)
        except Exception as exc:  # noqa: BLE001 - a table problem must not lose the page's text
            warnings.append(f"table extraction failed: {type(exc).__name__}: {exc}")
    return PageResult(source.doc_id, source.page, ocr, layout, tables=tables, source=origin,
                      warnings=tuple(warnings))  # warnings may have grown after `ocr` was made


TABLE_GAP = 0.8  # a gap between words this many word heights wide may part two table columns
TABLE_LINES = 3  # lines with such a gap a borderless table has at least ...
TABLE_FIGURE_LINES = 2  # ... and lines with a figure past the gap (the table step asks for two rows of numbers)


def may_hold_table(words: list[OcrWord], rules: preprocess.Rules | None) -> bool:
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


def _find_tables(source: PageSource, options: PageOptions, ocr: OcrPage, grey: np.ndarray | None, dpi: int,
                 rotation: int, skew: float) -> tuple:
    from sohoa.tables.api import find_page_tables

    if grey is None:  # text-layer page: tables still need the picture of the page
        from sohoa.ingest.rasterize import load_page

        pixels, dpi = load_page(PageSource(source.doc_id, source.path, "pdf", source.page, source.dpi),
                                max_pixels=options.max_pixels)
        grey = preprocess.to_grey(pixels)
    image = PageImage(doc_id=source.doc_id, page=source.page, image=grey, dpi=dpi, rotation=rotation, skew=skew)
    return tuple(find_page_tables(image, ocr, repair=options.repair))
