"""OCR of table cells: each cell crop (rules erased, trimmed to its ink, padded) is read by the
OCR engine it is given (`sohoa.ingest.ocr`). To keep one call per table rather than one per
cell, the crops are stacked one under the other with wide white gaps and read in a single pass
(`--psm 6`, a uniform block); every word goes back to the crop it lies in. That pass asks for hOCR with the
LSTM's per-character choices, which tell where a tone mark itself was in doubt (kept per cell
for the mark check of indicator names); text cells are read once more, enlarged by half, for a
second opinion on their marks only, and words read with little confidence are read again
alone; a tone read over an 'i' where the crop shows the table's own i-dot adds the plain form
(`sohoa.tables.tittles`), and a tone mark of a wrapped line read as a word of the line above
is dropped (`without_stray_marks`). Cells that read as numbers but look doubtful are read again alone as a single line
with a digits-only whitelist.

Crops read alone with one request (a mode, a whitelist), and the header and body stacks of a
table, go to the engine together (`sohoa.ingest.ocr.recognise_each`): one Tesseract process
reads them all from a list of files, each as a page of its own and as it would be read alone,
so the model is loaded once a pass rather than once a crop (loading it was most of the cost of
a retry).

Confidences are whole numbers (0-100) from every reading, as Tesseract's hOCR gives them: the
word table's decimals are dropped, so the thresholds below mean the same for both.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Callable

import cv2
import numpy as np

from sohoa.ingest.ocr import OcrEngine, recognise_each
from sohoa.ingest.records import OcrWord
from sohoa.ingest.sheet import crop_words, sheet_runs, stack
from sohoa.tables.borderless import visual_lines
from sohoa.tables.tittles import with_dot_alternatives
from sohoa.tables.values import TEXT, parse_value

_NUMERIC_CHARS = "0123456789.,-<>%"
_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", "]": "1", "S": "5", "B": "8", "§": "8"})


MarkAlternatives = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
"""Per word whose tone marks the OCR doubted: (word as read, ((other form, relative confidence), ...))."""


@dataclass(frozen=True)
class CellText:
    text: str
    conf: float  # 0-100; 100 for a cell without ink (certainly empty)
    mark_alternatives: MarkAlternatives = ()
    alternatives: tuple[tuple[str, float], ...] = ()
    """Other readings of the whole cell the OCR weighed, each with its confidence relative to
    the reading kept (0-1), likeliest first: a character the LSTM weighed beside the one it
    read, or what another pass over the crop read (`_cell_alternatives`)."""
    words: tuple[OcrWord, ...] = ()
    """`text` as words with their boxes on the page read (the grey picture `read_cells` was
    given), one per word of `text`, with the confidence and doubted marks each was read with;
    empty where the reading's words do not give every word of `text` a box of its own (a
    digits-only pass that joined two, a separator put back)."""


def _whole(words: list[OcrWord]) -> list[OcrWord]:
    """The words with their confidences cut to whole numbers, as hOCR gives them."""
    return [w if w.conf == int(w.conf) else replace(w, conf=float(int(w.conf))) for w in words]


def ink_box(crop_ink: np.ndarray, min_pixels: int) -> tuple[int, int, int, int] | None:
    """Bounding box of the ink of a cell, ignoring stray specks; None when the cell is empty."""
    if crop_ink.size == 0:
        return None
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop_ink, connectivity=8)
    keep = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 6]
    if not keep or sum(stats[i, cv2.CC_STAT_AREA] for i in keep) < min_pixels:
        return None
    xs0 = min(stats[i, cv2.CC_STAT_LEFT] for i in keep)
    ys0 = min(stats[i, cv2.CC_STAT_TOP] for i in keep)
    xs1 = max(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in keep)
    ys1 = max(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in keep)
    return int(xs0), int(ys0), int(xs1), int(ys1)


def read_cells(engine: OcrEngine, grey: np.ndarray, ink: np.ndarray, boxes: list[tuple[int, int, int, int]],
               dpi: int = 300, bands: list[int] | None = None,
               ordinals: list[bool] | None = None, page_words: list[OcrWord] | None = None) -> list[CellText]:
    """Read every cell box of the (rule-erased) grey page with `engine`; one pass for all of
    them, or one per band when `bands` gives each box a band number (a table's header apart
    from its body: bold header labels read in one block with body text come back worse).
    `page_words`: what the page's own OCR read, in the coordinates of `grey`, the second
    opinion on the marks of the cells it read alike (`_second_opinion_on_marks`)."""
    pad = max(8, dpi // 25)
    gap = max(30, dpi // 8)
    min_pixels = max(12, (dpi // 100) ** 2 * 4)
    crops: list[np.ndarray | None] = []
    sharp: list[np.ndarray | None] = []  # unsmoothed, for the shapes of separators
    origins: list[tuple[int, int]] = []  # where each crop's top left corner lies on the page
    height, width = ink.shape[:2]
    for x0, y0, x1, y1 in boxes:
        # a box may reach past the page (a column guessed beyond the last word): read what is on it
        x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
        y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
        if x1 - x0 < 4 or y1 - y0 < 4:
            crops.append(None)
            sharp.append(None)
            origins.append((0, 0))
            continue
        box = ink_box(ink[y0:y1, x0:x1], min_pixels)
        if box is None:
            crops.append(None)
            sharp.append(None)
            origins.append((0, 0))
            continue
        bx0, by0, bx1, by1 = box
        region = grey[y0 + by0: y0 + by1, x0 + bx0: x0 + bx1]
        origins.append((x0 + bx0 - pad, y0 + by0 - pad))
        crops.append(cv2.copyMakeBorder(_whiten(region), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255))
        sharp.append(_whiten(region, smooth=False))
    first_words = [without_stray_marks(words) for words in _read_band_words(engine, crops, bands, gap)]
    other_readings: list[list[tuple[str, float]]] = [[] for _ in crops]  # what other passes read
    _reread_doubtful_words(engine, crops, first_words, gap)
    _second_opinion_on_marks(engine, crops, first_words, gap,
                             words_over(boxes, page_words) if page_words is not None else None)
    first_words = with_dot_alternatives(crops, first_words)  # 'chỉ' read where the crop shows the dot of 'chi'
    first = [_joined(words) if crops[k] is not None else ("", 100.0) for k, words in enumerate(first_words)]
    alternatives = [tuple((w.text, w.alternatives) for w in words if w.alternatives) for words in first_words]
    # numbers that read doubtfully get a second, digits-only pass (again one call for all):
    # read with little confidence, not a number, with other than as many digits as the crop
    # shows, or written unlike the other figures of their column (`off_format`)
    cleaned = [clean_cell_text(text) for text, _ in first]
    decimals = _column_decimals(cleaned, [b[0] for b in boxes])  # also for strokes read for separators, below
    off_format = _off_format(cleaned, decimals)
    numeric = [k for k, (text, conf) in enumerate(first)
               if crops[k] is not None and _PLAIN_NUMBER.match(text) and (
                   conf < 90 or parse_value(text).qualifier == TEXT or k in off_format
                   or _digits_disagree(clean_cell_text(text), sharp[k]))]
    second = _read_stack(engine, [crops[k] for k in numeric], gap, whitelist=_NUMERIC_CHARS)
    texts = {k: t for k, t in enumerate(first)}
    for k, (text, conf) in zip(numeric, second):
        old_text, old_conf = texts[k]
        other_readings[k] += [(text, conf), (old_text, old_conf)]
        # only a fallback: the digits-only reader drops what it cannot place, so a first
        # reading that already makes a number stands
        if parse_value(text).qualifier != TEXT and parse_value(clean_cell_text(old_text)).qualifier == TEXT:
            texts[k] = (text, conf)
        elif _digits_fit(clean_cell_text(text), sharp[k]) and not _digits_fit(clean_cell_text(old_text), sharp[k]):
            texts[k] = (text, conf)  # the two readings differ in digits: the crop counts them
        elif k in off_format and off_format[k](clean_cell_text(text)) and not _digits_disagree(
                clean_cell_text(text), sharp[k]) and _digits_fit(clean_cell_text(text), sharp[k]) == _digits_fit(
                clean_cell_text(old_text), sharp[k]):
            texts[k] = (text, conf)  # written as its column is, and no worse by the crop's count
    # a number still at odds with its crop's digit count: read again alone without the page
    # layout analysis, as a raw line, then as one word (Tesseract's line finding drops or
    # doubles digits of some crops that these read whole: '51513' and '1515513' for '151.513')
    stubborn = [k for k in numeric if _digits_disagree(clean_cell_text(texts[k][0]), sharp[k])][:_MAX_NUMBER_RETRIES]
    lines = dict(zip(stubborn, _read_singles(engine, [crops[k] for k in stubborn], psm=13, whitelist=_NUMERIC_CHARS)))
    unfit = []
    for k in stubborn:
        other_readings[k].append((lines[k].text, lines[k].conf))
        if _digits_fit(clean_cell_text(lines[k].text), sharp[k]):
            texts[k] = (lines[k].text, lines[k].conf)
        else:
            unfit.append(k)
    for k, retry in zip(unfit, _read_singles(engine, [crops[k] for k in unfit], psm=8, whitelist=_NUMERIC_CHARS)):
        other_readings[k].append((retry.text, retry.conf))
        if _digits_fit(clean_cell_text(retry.text), sharp[k]):
            texts[k] = (retry.text, retry.conf)
    # a digit the network nearly read otherwise ('3' with '5' at 0.8 of its score): the crop is
    # read once more as a raw line (the same reading as above where it was read so already),
    # and the rival is taken where that reading gives it
    rivals = {k: _digit_rivals(first_words[k], sharp[k]) for k in range(len(crops))
              if crops[k] is not None and texts[k] == first[k] and _BARE_NUMBER.match(clean_cell_text(texts[k][0]))}
    rivalled = [k for k, found in rivals.items() if found][:_MAX_NUMBER_RETRIES]
    unread = [k for k in rivalled if k not in lines]
    lines.update(zip(unread, _read_singles(engine, [crops[k] for k in unread], psm=13, whitelist=_NUMERIC_CHARS)))
    for k in rivalled:
        raw = lines[k].text.strip(".,")  # a speck read as a stop after the number
        other_readings[k].append((raw, lines[k].conf))
        if fix_separators(clean_cell_text(raw), sharp[k]) in rivals[k]:
            texts[k] = (raw, lines[k].conf)
    _separators_read_as_strokes(texts, first_words, decimals, other_readings)
    # lone glyphs (a TT digit, '%', 'I'): the block reader guesses badly; ask for one character.
    # A narrow crop whose first reading runs over several lines is a wrapped label ('Ước thực /
    # hiện năm / 2023'), not a glyph: read as one character it loses its first lines
    glyphs = [k for _, k in sorted((texts[k][1], k) for k, crop in enumerate(crops)
                                   if crop is not None and crop.shape[1] < 1.6 * crop.shape[0]
                                   and lines_read(first_words[k]) <= 1
                                   and (texts[k][1] < 80 or not texts[k][0].isalnum()))][:_MAX_GLYPH_RETRIES]
    for k, retry in zip(glyphs, _read_singles(engine, [crops[k] for k in glyphs], psm=10)):
        other_readings[k] += [(retry.text, retry.conf), texts[k]]
        if retry.text and retry.conf > texts[k][1]:
            texts[k] = (retry.text, retry.conf)
    if ordinals:
        before = dict(texts)
        _reread_ordinals(engine, crops, texts, ordinals)
        for k in texts:
            if texts[k] != before[k]:
                other_readings[k].append(before[k])
    results = []
    for k, crop in enumerate(crops):
        if crop is None:
            results.append(CellText("", 100.0))
            continue
        text, conf = texts[k]
        if not text and _is_dash(crop):
            results.append(CellText("-", 50.0))
            continue
        final = fix_separators(clean_cell_text(text), sharp[k])
        results.append(CellText(final, conf, alternatives[k] if texts[k] == first[k] else (),
                                _cell_alternatives(final, conf, first_words[k] if texts[k] == first[k] else [],
                                                   other_readings[k], sharp[k]),
                                placed_words(final, conf, first_words[k], origins[k], texts[k] == first[k])))
    return results


def cells_from_exact_words(boxes: list[tuple[int, int, int, int]], words: list[OcrWord]) -> list[CellText]:
    """The cells of a page whose words are known exactly (a born-digital page's own text): each
    cell holds the words whose centre lies in its box, lines top to bottom, words left to
    right, with full confidence. Nothing is read from the picture, so no figure is misread."""
    centres = np.array([((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2) for w in words],
                       dtype=np.float64).reshape(-1, 2)
    cells = []
    for x0, y0, x1, y1 in boxes:
        inside = ((centres[:, 0] >= x0) & (centres[:, 0] < x1) & (centres[:, 1] >= y0) & (centres[:, 1] < y1))
        held = [replace(words[i], conf=100.0, alternatives=(), readings=()) for i in np.flatnonzero(inside)]
        ordered = [w for line in visual_lines(held) for w in line.words]
        cells.append(CellText(" ".join(w.text for w in ordered), 100.0, words=tuple(ordered)))
    return cells


def placed_words(text: str, conf: float, read: list[OcrWord], origin: tuple[int, int], first: bool
                 ) -> tuple[OcrWord, ...]:
    """`text`'s words on the page (see `CellText.words`): the cell's first reading `read`
    (boxes within its crop, whose top left corner lies at `origin`) gives each word its box
    where it holds as many words as `text`; a word the final text writes otherwise than that
    reading (a separator put back, another pass's digits) keeps the box and takes the cell's
    confidence, without the first reading's doubted marks."""
    tokens = text.split()
    if not tokens or len(tokens) != len(read):
        return ()
    dx, dy = origin
    words = []
    for token, word in zip(tokens, read):
        x0, y0, x1, y1 = word.bbox
        moved = replace(word, bbox=(x0 + dx, y0 + dy, x1 + dx, y1 + dy))
        words.append(moved if first and token == word.text else
                     replace(moved, text=token, conf=conf, alternatives=(), readings=()))
    return tuple(words)


_MAX_CELL_ALTERNATIVES = 5


def _cell_alternatives(final: str, conf: float, words: list[OcrWord], readings: list[tuple[str, float]],
                       sharp: np.ndarray | None) -> tuple[tuple[str, float], ...]:
    """Other readings of a cell, each cleaned as the kept one was, with its confidence relative
    to it (0-1): the cell with one word changed to a form the LSTM weighed for it (`words`: the
    words of the kept reading, when it is the first pass's), and what the other passes read
    (`readings`, (text, confidence 0-100))."""
    found: dict[str, float] = {}

    def add(text: str, odds: float) -> None:
        text = fix_separators(clean_cell_text(text), sharp) if sharp is not None else clean_cell_text(text)
        if text and text != final and odds > 0:
            found[text] = max(found.get(text, 0.0), round(min(1.0, odds), 3))

    for j, word in enumerate(words):
        for form, odds in _word_choices(word):
            add(" ".join(form if i == j else w.text for i, w in enumerate(words)), odds)
    for text, other_conf in readings:
        add(text, max(other_conf, 0.0) / max(conf, 1.0))
    return tuple(sorted(found.items(), key=lambda kv: -kv[1])[:_MAX_CELL_ALTERNATIVES])


_ORDINAL = re.compile(r"^(?:\d{1,3}|[IVX]{1,5})[.)]?$")
_ORDINAL_CHARS = "0123456789IVX.)"


def _reread_ordinals(engine: OcrEngine, crops: list[np.ndarray | None], texts: dict, ordinals: list[bool]) -> None:
    """Cells of a TT column that did not read as a number or a Roman numeral ('|' for '1',
    'ñ' for '2', 'H' for 'II') are read again with only digits and Roman numerals allowed;
    the new reading is kept when it is an ordinal. Words ('TT', 'STT') are left alone."""
    asked = []
    for k, crop in enumerate(crops):
        if crop is None or not ordinals[k]:
            continue
        text = texts[k][0].strip()
        if not text or _ORDINAL.match(text) or _ORDINAL.match(clean_cell_text(text)) or len(text) > 2 or (
                len(text) == 2 and text.isalpha() and not re.fullmatch(r"[HIl]{2}", text)
                and digit_marks(crop) != 1):
            continue  # a number once cleaned ('S0'), or a word ('TT'); but 'HH' is how a bold 'II'
            # often reads, and two letters read from one glyph ('Vú' for '7') are no word
        if text in ("|", "l", "I", "1", "!", "i"):
            continue  # a bar: '1' or a group's 'I', which only the numbering around it tells
        if crop.shape[1] > 3 * crop.shape[0]:
            continue  # a wide cell: a title, not a number
        asked.append(k)
    for k, retry in zip(asked, _read_singles(engine, [crops[k] for k in asked], psm=8, whitelist=_ORDINAL_CHARS)):
        marks = digit_marks(crops[k])  # a reading with fewer or more glyphs than the crop shows is no reading of it
        if _ORDINAL.match(retry.text.strip()) and (marks is None or sum(ch.isalnum() for ch in retry.text) == marks):
            texts[k] = (retry.text.strip(), min(retry.conf, 60.0))


_MAX_NUMBER_RETRIES = 8
"""Numbers read again one by one, at most, on one table (each is a Tesseract call of its own)."""
_PLAIN_NUMBER = re.compile(r"^[\d.,\s\-–<>%IlO|\]S§]*\d[\d.,\s\-–<>%IlO|\]S§]*$")
_MAX_GLYPH_RETRIES = 12


def _read_stack_words(engine: OcrEngine, crops: list[np.ndarray | None], gap: int, whitelist: str | None = None,
                      choices: bool = False) -> list[list[OcrWord]]:
    """Read the crops stacked one under another in one call (`--psm 6`, a uniform block); the
    words of each crop in reading order, boxes within the crop (with `choices`, each with its
    doubted marks)."""
    return _read_stacks_words(engine, [crops], gap, whitelist=whitelist, choices=choices)[0]


def _read_stacks_words(engine: OcrEngine, stacks: list[list[np.ndarray | None]], gap: int,
                       whitelist: str | None = None, choices: bool = False) -> list[list[list[OcrWord]]]:
    """`_read_stack_words` of each list of crops, every stack a picture of its own (the crops
    one under another on white, `gap` apart and `gap` from the sides: `sohoa.ingest.sheet`),
    all read with one request in one call of the engine where it can (`recognise_each`)."""
    # a long stack (the many cells of a big table) goes on several sheets, each one the engine reads
    parts = [[[crops[k] for k in run] for run in sheet_runs(crops, gap)] for crops in stacks]
    sheets = [stack(part, gap, margin=gap) for stack_parts in parts for part in stack_parts]
    read = iter(recognise_each(engine, [sheet for sheet, _ in sheets if sheet is not None], psm=6,
                               whitelist=whitelist, choices=choices))
    laid = iter(sheets)
    out = []
    for stack_parts in parts:
        words: list[list[OcrWord]] = []
        for part in stack_parts:
            sheet, tops = next(laid)
            words += crop_words(_whole(next(read)), part, tops, gap, margin=gap) if sheet is not None \
                else [[] for _ in part]
        out.append([_in_reading_order(cell) for cell in words])
    return out


def _read_band_words(engine: OcrEngine, crops: list[np.ndarray | None], bands: list[int] | None,
                     gap: int) -> list[list[OcrWord]]:
    """`_read_stack_words` (with choices) once per band of crops, all in one band when `bands`
    is None: a table's header read apart from its body, since bold header labels read in one
    block with body text come back worse ('So sánh (%)' as '(tế)'). The bands are pictures of
    their own, read in one call of the engine."""
    if bands is None or len(set(bands)) < 2:
        return _read_stack_words(engine, crops, gap, choices=True)
    out: list[list[OcrWord]] = [[] for _ in crops]
    members = [[k for k, b in enumerate(bands) if b == band] for band in sorted(set(bands))]
    for band, read in zip(members, _read_stacks_words(engine, [[crops[k] for k in band] for band in members], gap,
                                                       choices=True)):
        for k, words in zip(band, read):
            out[k] = words
    return out


def without_stray_marks(words: list[OcrWord]) -> list[OcrWord]:
    """A cell's words less those that are a tone mark of a word on the next or previous line
    read as a word of its own: in a wrapped name the hook of 'tuổi' sticks up into the gap
    between lines and comes back as '-' or 'ộ' at the end of the line above. Such a 'word' is
    read with little confidence, is much shorter than a line of text, and its box lies over
    that word of another line, overlapping its box."""
    def stray(w: OcrWord) -> bool:
        if w.conf >= _REREAD_BELOW:
            return False
        cx = (w.x0 + w.x1) / 2
        return any((o.block, o.par, o.line) != (w.block, w.par, w.line) and o.conf >= _REREAD_BELOW
                   and o.x0 <= cx <= o.x1 and w.y0 < o.y1 and o.y0 < w.y1
                   and (w.y1 - w.y0) < 0.5 * (o.y1 - o.y0) for o in words)

    return [w for w in words if not stray(w)]


def lines_read(words: list[OcrWord]) -> int:
    """How many text lines the OCR found among a crop's words (0 for none)."""
    return len({(w.block, w.par, w.line) for w in words})


def _joined(words: list[OcrWord]) -> tuple[str, float]:
    text = " ".join(w.text for w in words)
    conf = float(np.mean([max(w.conf, 0.0) for w in words])) if words else 0.0
    return text, conf


def _read_stack(engine: OcrEngine, crops: list[np.ndarray | None], gap: int,
                whitelist: str | None = None) -> list[tuple[str, float]]:
    """Read the crops stacked one under another in one call; (text, conf) per crop."""
    if not any(c is not None for c in crops):
        return [("", 100.0) for _ in crops]
    return [_joined(words) for words in _read_stack_words(engine, crops, gap, whitelist)]


def _reread_doubtful_words(engine: OcrEngine, crops: list[np.ndarray | None], words: list[list[OcrWord]],
                           gap: int) -> None:
    """Words of text cells that Tesseract read with little confidence (a bold '(%)' read as
    '(te)') are read again alone, enlarged twice, in one call for all; the new reading replaces
    the old one when it is clearly surer. `words` is updated in place."""
    doubtful = sorted((w.conf, k, j) for k, cell in enumerate(words) if crops[k] is not None
                      and not _PLAIN_NUMBER.match(_joined(cell)[0])
                      for j, w in enumerate(cell) if w.conf < _REREAD_BELOW)[:_MAX_WORD_RETRIES]
    if not doubtful:
        return
    pieces = []
    for _, k, j in doubtful:
        crop, (x0, y0, x1, y1) = crops[k], words[k][j].bbox
        margin = max(2, (y1 - y0) // 6)
        piece = crop[max(0, y0 - margin): y1 + margin, max(0, x0 - margin): x1 + margin]
        piece = cv2.resize(piece, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) if piece.size else None
        pieces.append(cv2.copyMakeBorder(piece, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
                      if piece is not None else None)
    again = _read_stack_words(engine, pieces, 2 * gap)
    for (_, k, j), new in zip(doubtful, again):
        old = words[k][j]
        text, conf = _joined(new)
        if text and conf >= old.conf + _REREAD_MARGIN:
            # the word keeps its place (box and line) and drops the marks doubted in its old reading
            words[k][j] = replace(old, text=text, conf=conf, alternatives=(),
                                  readings=((old.text, max(old.conf, 0.0) / max(conf, 1.0)),))


_REREAD_BELOW = 50.0
"""A word read with less confidence than this (0-100) is read again on its own."""
_REREAD_MARGIN = 15.0
"""The second reading must be this much surer to replace the first."""
_MAX_WORD_RETRIES = 24


def _mark_key(word: str) -> str:
    from sohoa.diacritics.syllables import strip_marks

    return strip_marks(re.sub(r"^\W+|\W+$", "", word)).lower()


def _second_opinion_on_marks(engine: OcrEngine, crops: list[np.ndarray | None], words: list[list[OcrWord]],
                             gap: int, seen: list[list[OcrWord]] | None = None) -> None:
    """A second opinion on the tone marks of text cells: the LSTM's doubts about a mark come
    and go with the scale and the model (it weighs 'chi' beside the 'chỉ' it reads at one size
    and not at another). Where the page's own OCR (`seen`: its words over each cell, another
    model reading the page at another scale) read the cell's words with the same letters, that
    reading is the second opinion; the other text cells are read once more, enlarged by half.
    Words of both readings with the same letters are paired; a second reading with other
    marks, and every mark it doubted, joins the word's alternatives (its own reading at odds
    1). The text stays the first reading's. `words` is updated in place."""
    cells = [k for k, cell in enumerate(words) if crops[k] is not None
             and sum(any(ch.isalpha() for ch in w.text) for w in cell) >= 2]
    if not cells:
        return
    given = {k: seen[k] for k in cells if seen is not None and seen[k] and _same_letters(words[k], seen[k])}
    asked = [k for k in cells if k not in given]
    scaled = [cv2.resize(crops[k], None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC) for k in asked]
    again = dict(zip(asked, _read_stack_words(engine, scaled, gap, choices=True))) if asked else {}
    for k in cells:
        second = given[k] if k in given else again[k]
        first = words[k]
        matcher = difflib.SequenceMatcher(a=[_mark_key(w.text) for w in first],
                                          b=[_mark_key(w.text) for w in second], autojunk=False)
        for block in matcher.get_matching_blocks():
            for i in range(block.size):
                old, new = first[block.a + i], second[block.b + i]
                if not _mark_key(old.text):
                    continue
                found = dict(old.alternatives)
                votes = ([(new.text, 1.0)] if new.text != old.text else []) + list(new.alternatives)
                for form, odds in votes:
                    if form != old.text and len(form) == len(old.text):
                        found[form] = max(found.get(form, 0.0), odds)
                if found != dict(old.alternatives):
                    first[block.a + i] = replace(old, alternatives=tuple(sorted(found.items(), key=lambda kv: -kv[1])))


def _same_letters(first: list[OcrWord], second: list[OcrWord]) -> bool:
    """Whether two readings of a cell have the same words letter for letter, marks aside."""
    def letters(words: list[OcrWord]) -> list[str]:
        return [key for key in (_mark_key(w.text) for w in words) if key]

    return letters(first) == letters(second)


def words_over(boxes: list[tuple[int, int, int, int]], words: list[OcrWord]) -> list[list[OcrWord]]:
    """The words whose box lies inside each box, in reading order: what a reading of the whole
    page read over each cell (a word across a rule belongs to no cell)."""
    if not words:
        return [[] for _ in boxes]
    spans = np.array([w.bbox for w in words], dtype=np.float64)
    out = []
    for x0, y0, x1, y1 in boxes:
        inside = (spans[:, 0] >= x0) & (spans[:, 1] >= y0) & (spans[:, 2] <= x1) & (spans[:, 3] <= y1)
        out.append(_in_reading_order([words[i] for i in np.flatnonzero(inside)]))
    return out


_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")


def _separator_by_grammar(text: str, position: int) -> str:
    """The separator a Vietnamese number needs here, where its digits alone decide: a group of
    three digits followed by another separator is thousands ('.'); a last group of one, two or
    more than three digits is decimals (','). Only a last group of exactly three is open."""
    after = re.match(r"\d+", text[position + 1:])
    digits = after.group(0) if after else ""
    follows = text[position + 1 + len(digits): position + 2 + len(digits)]
    if follows in (".", ",") and text[position + 2 + len(digits): position + 3 + len(digits)].isdigit():
        return "." if len(digits) == 3 else ""
    if len(digits) != 3:
        return ","
    return ""


def _ink_boxes(crop: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of every blob of ink in a cell crop, specks under 8 pixels left out."""
    soft = cv2.GaussianBlur(crop, (0, 0), 0.9)  # averages scan noise away, keeps a comma's tail grey
    _, ink = cv2.threshold(soft, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 8]


def fix_separators(text: str, crop: np.ndarray) -> str:
    """Tell '.' from ',' in numbers by their shape, which OCR often gets wrong: a comma reaches
    below the baseline and is taller than wide; a full stop sits on the baseline. The rightmost
    small marks near the baseline of the crop are the number's separators, in order.

    A cell that is a bare number whose digits the crop shows one by one (as many tall marks as
    the text has digits) takes its separators from the crop instead: OCR also drops a comma
    ('42.059,6' → '42.0596') or reads one that is not there."""
    seps = [m.start() for m in _SEPARATOR.finditer(text)]
    if not seps and not _BARE_NUMBER.match(text):
        return text
    boxes = _ink_boxes(crop)
    if not boxes:
        return text
    tall_h = max(h for _, _, _, h in boxes)
    tall = [(x, y, w, h) for x, y, w, h in boxes if h >= 0.6 * tall_h]
    baseline = float(np.median([y + h for _, y, _, h in tall]))

    def between_digits(x: int, w: int) -> bool:
        # a separator has a digit close on either side; specks beyond the number do not
        reach = 0.6 * tall_h
        return any(0 <= x - (tx + tw) <= reach for tx, _, tw, _ in tall) and \
            any(0 <= tx - (x + w) <= reach for tx, _, _, _ in tall)

    def inside_digit(x: int, w: int) -> bool:
        # a broken stroke or serif of a digit lies under that digit, a separator between two
        return any(min(x + w, tx + tw) - max(x, tx) > 0.3 * w for tx, _, tw, _ in tall)

    small = sorted(
        (x, y, w, h) for x, y, w, h in boxes
        if h < 0.45 * tall_h and w < 0.35 * tall_h and (y + h / 2) > baseline - 0.25 * tall_h
        and h >= 0.7 * w  # a dot is round, a comma tall; flat bits are broken strokes
        and between_digits(x, w) and not inside_digit(x, w)
    )

    def is_comma(x: int, y: int, w: int, h: int) -> bool:
        # the baseline of the digits right beside the mark (robust to a slight residual tilt)
        near = [ty + th for tx, ty, tw, th in tall if abs((tx + tw / 2) - (x + w / 2)) < 1.5 * tall_h]
        local = float(np.median(near)) if near else baseline
        below = (y + h) - local
        # a full stop sits on the line (a blurred one may reach a pixel or two below it);
        # a comma reaches further down, or is clearly taller than wide. Heights over common
        # fonts: a full stop is 0.14-0.27 of a digit, a comma 0.23-0.5, so a mark past 0.3 is
        # a comma and one under 0.21 is not, wherever the (noisy) baseline puts it
        return (below >= 0.1 * tall_h or (below >= 0.07 * tall_h and h > w)
                or (below >= 0.035 * tall_h and h >= 1.4 * w)) and h >= 0.21 * tall_h or h >= 0.3 * tall_h

    # a range's dash: a flat stroke at mid height between two digits (OCR drops it: '2-3' → '23')
    dashes = [(x, y, w, h) for x, y, w, h in boxes
              if w >= 1.5 * h and h < 0.3 * tall_h and w < 0.9 * tall_h
              and baseline - 0.75 * tall_h < y + h / 2 < baseline - 0.2 * tall_h
              and between_digits(x, w) and not inside_digit(x, w)]
    rebuilt = _rebuild_number(text, tall, small, dashes, is_comma, tall_h)
    if rebuilt is not None:
        return rebuilt
    chars = list(text)
    marks = small[-len(seps):] if seps and len(small) >= len(seps) else [None] * len(seps)
    for position, mark in zip(seps, marks):
        # where the digits decide, the grammar does, with or without a visible mark
        grammar = _separator_by_grammar(text, position)
        if grammar or mark is not None:
            chars[position] = grammar or ("," if is_comma(*mark) else ".")
    return "".join(chars)


_BARE_NUMBER = re.compile(r"^\d[\d.,]*\d$|^\d$")
_LEADING_SIGN = re.compile(r"^[-−–]\s?(?=\d)")


def digit_marks(crop: np.ndarray) -> int | None:
    """How many digits a crop of a bare number shows: its tall marks, one digit each, and a
    mark as wide as several digits (digits that touch) as many as its width holds lone digits
    of the crop ('64' touching beside a lone '4' and '7'). None when the crop is empty, or when
    touching digits cannot be measured (fewer than two lone digits of full width beside them,
    or a width that is no whole number of digits)."""
    boxes = _ink_boxes(crop)
    if not boxes:
        return None
    tall_h = max(h for _, _, _, h in boxes)
    tall = [(x, w) for x, _, w, h in boxes if h >= 0.6 * tall_h]
    # lone digits of full width ('1' is narrow): the measure of a digit in this crop
    lone = sorted(w for _, w in tall if 0.45 * tall_h <= w <= 0.9 * tall_h)
    # pieces of one broken digit overlap in x; count columns of ink, not pieces
    tall.sort()
    columns = 0
    right = -1
    for x, w in tall:
        if x >= right - 0.3 * w:
            if w > 0.9 * tall_h:
                if len(lone) < 2:
                    return None
                digit = lone[len(lone) // 2]
                space = 0.1 * tall_h  # the usual white between two digits
                many = (w + space) / (digit + space)
                if abs(many - round(many)) > 0.3:
                    return None
                columns += max(1, round(many))
            else:
                columns += 1
        right = max(right, x + w)
    return columns


_RIVAL_ODDS = 0.5
"""A digit's rival that the network scored at least this share of the digit it read is worth
a second reading of the crop."""


def _digit_rivals(words: list[OcrWord], sharp: np.ndarray | None) -> set[str]:
    """The cell's number with one digit changed to a rival the LSTM scored close to it (at least
    `_RIVAL_ODDS` of the read digit), cleaned as the cell is."""
    found = set()
    for j, word in enumerate(words):
        for form, odds in _word_choices(word):
            changed = [i for i, (a, b) in enumerate(zip(word.text, form)) if a != b]
            if odds < _RIVAL_ODDS or len(form) != len(word.text) or len(changed) != 1 \
                    or not (word.text[changed[0]].isdigit() and form[changed[0]].isdigit()):
                continue
            text = " ".join(form if i == j else w.text for i, w in enumerate(words))
            found.add(fix_separators(clean_cell_text(text), sharp) if sharp is not None else clean_cell_text(text))
    return found


def _digits_disagree(text: str, crop: np.ndarray | None) -> bool:
    """Whether `text` is a bare number whose digits the crop, which shows its digits one by
    one, counts otherwise (False where the crop cannot count them: touching digits)."""
    if crop is None or not _BARE_NUMBER.match(text):
        return False
    marks = digit_marks(crop)
    return marks is not None and marks != sum(ch.isdigit() for ch in text)


_DECIMALS = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,(\d+))?$|^\d+(?:,(\d+))?$")


def _decimals(text: str) -> int | None:
    """Decimals of a plain Vietnamese number ('78,50' → 2, '6.500' → 0), None for anything else."""
    match = _DECIMALS.match(text)
    if not match:
        return None
    digits = match.group(1) or match.group(2) or ""
    return len(digits)


def _column_decimals(texts: list[str], columns: list[int]) -> dict[int, int]:
    """Cell index → the number of decimals its column writes, where at least four of the
    column's plain numbers and three in four of them have one number of decimals (a column of
    percentages to two places)."""
    by_column: dict[int, list[int]] = {}
    for k, column in enumerate(columns):
        by_column.setdefault(column, []).append(k)
    out = {}
    for members in by_column.values():
        known = [d for d in (_decimals(texts[k]) for k in members) if d is not None]
        if len(known) < 4:
            continue
        usual, count = max(((d, known.count(d)) for d in set(known)), key=lambda dc: dc[1])
        if count >= 0.75 * len(known):
            out.update((k, usual) for k in members)
    return out


def _off_format(texts: list[str], decimals: dict[int, int]) -> dict[int, Callable[[str], bool]]:
    """Cells written unlike the other figures of their column (`decimals`, `_column_decimals`):
    a plain number with another number of decimals ('7850' or '78,5' among '78,50') is off its
    column's format. Cell index → the test a reading of it must pass to fit."""
    out = {}
    for k, usual in decimals.items():
        d = _decimals(texts[k])
        if d is not None and d != usual:
            out[k] = lambda text, usual=usual: _decimals(text) == usual
    return out


_STROKE_FOR_SEPARATOR = re.compile(r"(\d[\d.]*)/(\d+)")


def _separators_read_as_strokes(texts: dict, words: list[list[OcrWord]], decimals: dict[int, int],
                                other_readings: list[list[tuple[str, float]]]) -> None:
    """A decimal comma read as a stroke ('812/7' among a column's 'ddd,d'): where the column's
    figures have as many decimals as follow the stroke, and the LSTM itself weighed a separator
    there, the separator is taken (a date or a share, '12/2023' or '5/7', has no such column or
    no such choice)."""
    for k, (text, conf) in list(texts.items()):
        match = _STROKE_FOR_SEPARATOR.fullmatch(clean_cell_text(text))
        if not match or decimals.get(k) != len(match.group(2)):
            continue
        weighed = {clean_cell_text(form) for word in words[k] for form, _ in _word_choices(word)}
        for separator in ",.":
            candidate = f"{match.group(1)}{separator}{match.group(2)}"
            if candidate in weighed:
                other_readings[k].append((text, conf))
                texts[k] = (candidate, conf)
                break


def _word_choices(word: OcrWord) -> tuple[tuple[str, float], ...]:
    """Forms of a word with one character changed that the engine weighed (its marks, and the
    other characters of a number or code), or an earlier reading it replaced."""
    return word.alternatives + word.readings


def _digits_fit(text: str, crop: np.ndarray | None) -> bool:
    """Whether `text` is a bare number with as many digits as the crop shows."""
    if crop is None or not _BARE_NUMBER.match(text):
        return False
    return digit_marks(crop) == sum(ch.isdigit() for ch in text)


def _rebuild_number(text: str, tall: list, small: list, dashes: list, is_comma, tall_h: int) -> str | None:
    """A bare number (or range) as the crop shows it: its digits in order, one per tall mark, a
    separator at every small mark and a dash at every mid-height stroke between two digits.
    None when the crop does not show the digits one by one (touching or broken digits) or the
    marks make no number."""
    sign = _LEADING_SIGN.match(text)
    if sign:  # a negative figure's minus stands before its first digit, outside the rebuilt number
        rebuilt = _rebuild_number(text[sign.end():], tall, small, dashes, is_comma, tall_h)
        return None if rebuilt is None or rebuilt.startswith("-") else sign.group(0) + rebuilt
    if not _BARE_NUMBER.match(text.replace("-", "", 1)) or len(small) < len(_SEPARATOR.findall(text)):
        return None  # a separator the crop does not show (too faint, or a digit's speck) stays
    digits = [ch for ch in text if ch.isdigit()]
    if len(tall) != len(digits) or len(dashes) > 1 or any(w > 0.9 * tall_h for _, _, w, _ in tall):
        return None  # not one mark per digit
    marks = sorted([(x, "digit", None) for x, _, _, _ in tall] + [(m[0], "mark", m) for m in small]
                   + [(m[0], "dash", m) for m in dashes], key=lambda item: item[0])
    out: list[str] = []
    k = 0
    for _, kind, mark in marks:
        if kind == "digit":
            out.append(digits[k])
            k += 1
        elif not out or not out[-1].isdigit():
            return None
        else:
            out.append("-" if kind == "dash" else "," if is_comma(*mark) else ".")
    parts = []
    for part in "".join(out).split("-"):
        chars = list(part)
        for m in _SEPARATOR.finditer(part):
            chars[m.start()] = _separator_by_grammar(part, m.start()) or chars[m.start()]
        part = "".join(chars)
        if not _BARE_NUMBER.match(part) or part.count(",") > 1 or ("," in part and "." in part.split(",", 1)[1]):
            return None  # a decimal comma is the last separator of a number
        parts.append(part)
    return "-".join(parts)


def _whiten(crop: np.ndarray, smooth: bool = True) -> np.ndarray:
    """Paper to pure white and ink to dark, so that the stacked crops share one background
    (Tesseract binarises the whole canvas at once; grey paper next to white gaps would turn black)."""
    if smooth:
        crop = cv2.medianBlur(crop, 3)
    paper = float(np.percentile(crop, 90))
    ink = float(np.percentile(crop, 2))
    if paper - ink < 20:
        return np.full_like(crop, 255)
    scaled = (crop.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _is_dash(crop: np.ndarray) -> bool:
    """A lone short flat stroke: the '-' that marks a missing value (OCR tends to drop it)."""
    ink = crop < 128
    ys, xs = np.nonzero(ink)
    if xs.size == 0:
        return False
    w, h = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    return w >= 2 * h and h <= 12 and w <= 80


def _in_reading_order(words: list[OcrWord]) -> list[OcrWord]:
    """Lines top to bottom (by their first word's top), words left to right within a line."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    ordered = sorted(lines.values(), key=lambda ws: min(w.y0 for w in ws))
    return [w for line in ordered for w in sorted(line, key=lambda w: w.x0)]


def _read_singles(engine: OcrEngine, crops: list[np.ndarray], psm: int, whitelist: str | None = None) -> list[CellText]:
    """Each crop read alone in `psm` (a mode for one line, word or glyph), all in one call of
    the engine where it can (`recognise_each`: one Tesseract process, its model loaded once,
    not once a crop); (text, confidence) per crop, confidences whole numbers."""
    out = []
    for words in recognise_each(engine, crops, psm=psm, whitelist=whitelist, choices=False):
        words = _whole(words)
        out.append(CellText(" ".join(w.text for w in words), float(np.mean([max(w.conf, 0.0) for w in words])))
                   if words else CellText("", 0.0))
    return out


def _looks_numeric(text: str) -> bool:
    compact = text.replace(" ", "")
    if not compact:
        return False
    digits = sum(ch.isdigit() for ch in compact)
    return digits / len(compact) >= 0.5


def clean_cell_text(text: str) -> str:
    """Undo what OCR does to numbers: letters read for digits, spaces inside digit groups."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"%c(?![a-zà-ỹ])", "%", text)  # Tesseract's usual reading of '%'
    if not _looks_numeric(text):
        # a lone dash or stop after the words is a speck of a rule, not text ('nước sạch -')
        text = re.sub(r"(?<=\w)\s+[-–_.,]$", "", text)
        return " ".join(_digit_token(t) for t in text.split(" "))
    # 947.251, 8 → 947.251,8 ; 1 234 → kept (a Vietnamese thousands gap is legal)
    text = re.sub(r"(?<=\d)\s*([.,])\s+(?=\d)", r"\1", text)
    text = re.sub(r"(?<=\d)\s+([.,])(?=\d)", r"\1", text)
    return " ".join(_digit_token(t) for t in text.split(" "))


def _digit_token(token: str) -> str:
    """'3l' → '31', '1O0' → '100', '8.I-9' → '8.1-9': letters misread for digits in a number."""
    if sum(ch.isdigit() for ch in token) >= max(1, (len(token) + 1) // 2):
        return token.translate(_DIGIT_LIKE)
    bound = re.match(r"^(\d[\d.,]*[-–])([OolI|\]SB§\d.,]+)$", token)
    if bound:  # the upper bound of a range: '8,5-II' → '8,5-11'
        return bound.group(1) + bound.group(2).translate(_DIGIT_LIKE)
    return re.sub(r"(?<=[\d.,])[OolI|](?=[\d.,-]|$)|(?<=[\d][.,])[OolI|]",
                  lambda m: m.group(0).translate(_DIGIT_LIKE), token)
