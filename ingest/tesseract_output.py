"""Tesseract's outputs read into the one word record (`OcrWord`): hOCR with the LSTM's
per-character choices, and the TSV word table.

With `lstm_choice_mode=2` Tesseract lists, for every character it emits, the other characters
it considered at that step and their confidences. Where one of them is the same letter with
another mark ('i' beside the 'ỉ' it chose), the mark itself was in doubt: that is the OCR
evidence the repair stage and the tone-mark check of indicator names (`sohoa.tables.names`)
weigh against the context. A word whose characters cannot be lined up with its steps gets no
alternatives (no evidence either way). Codes, numbers and dates also keep the other characters
the engine weighed (`character_readings`: '0]' read, '01' weighed).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET

from sohoa.ingest.records import OcrWord

_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_WCONF = re.compile(r"x_wconf (-?[\d.]+)")
_XCONF = re.compile(r"x_confs ([\d.]+)")
_LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")


def parse_hocr_words(hocr: str | bytes) -> list[OcrWord]:
    """Tesseract's hOCR (with or without LSTM choices) → words, numbered as in its TSV
    (block = ocr_carea, par = ocr_par, line, word), each with its mark alternatives."""
    return _page_words(ET.fromstring(hocr if isinstance(hocr, bytes) else hocr.encode("utf-8")))


def parse_hocr_pages(hocr: str | bytes) -> list[list[OcrWord]]:
    """hOCR of several pages (Tesseract reading a list of images) → the words of each page,
    numbered within their page as `parse_hocr_words` numbers those of a page alone."""
    root = ET.fromstring(hocr if isinstance(hocr, bytes) else hocr.encode("utf-8"))
    return [_page_words(node) for node in root.iter() if "ocr_page" in node.get("class", "").split()]


def _page_words(root) -> list[OcrWord]:
    words: list[OcrWord] = []
    counters = {"block": 0, "par": 0, "line": 0, "word": 0}

    def walk(node, block: int, par: int, line: int) -> None:
        for child in node:
            classes = child.get("class", "").split()
            if "ocr_carea" in classes:
                counters["block"] += 1
                counters["par"] = 0
                walk(child, counters["block"], 0, 0)
            elif "ocr_par" in classes:
                counters["par"] += 1
                counters["line"] = 0
                walk(child, block, counters["par"], 0)
            elif any(k in classes for k in _LINE_CLASSES):
                counters["line"] += 1
                counters["word"] = 0
                walk(child, block, par, counters["line"])
            elif "ocrx_word" in classes:
                counters["word"] += 1
                word = _hocr_word(child, block, par, line, counters["word"])
                if word is not None:
                    words.append(word)
            else:
                walk(child, block, par, line)

    walk(root, 0, 0, 0)
    return words


def _hocr_word(node, block: int, par: int, line: int, number: int) -> OcrWord | None:
    steps, text_parts = [], []
    for child in node.iter():
        classes = child.get("class", "")
        if "ocrx_cinfo" in classes and (child.get("id") or "").startswith("lstm_choices"):
            steps.append([(choice.text or "", float(m.group(1)) if (m := _XCONF.search(choice.get("title", ""))) else 0.0)
                          for choice in child])

    # the word's text: every text node not inside the LSTM choices
    def text_of(element) -> None:
        if element.text and not ("ocrx_cinfo" in element.get("class", "")):
            text_parts.append(element.text)
        for child in element:
            if "ocrx_cinfo" not in child.get("class", ""):
                text_of(child)
            if child.tail:
                text_parts.append(child.tail)
    text_of(node)
    text = "".join(text_parts).strip()
    box = _BBOX.search(node.get("title", ""))
    if not text or not box:
        return None
    wconf = _WCONF.search(node.get("title", ""))
    x0, y0, x1, y1 = (int(v) for v in box.groups())
    return OcrWord(text=text, conf=float(wconf.group(1)) if wconf else 0.0, bbox=(x0, y0, x1, y1),
                   block=block, par=par, line=line, word=number, alternatives=mark_alternatives(text, steps),
                   readings=character_readings(text, steps))


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract's TSV (image_to_data) → words; empty and whitespace-only rows dropped."""
    words: list[OcrWord] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(OcrWord(
            text=text,
            conf=float(row["conf"]),
            bbox=(left, top, left + int(row["width"]), top + int(row["height"])),
            block=int(row["block_num"]),
            par=int(row["par_num"]),
            line=int(row["line_num"]),
            word=int(row["word_num"]),
        ))
    return words


def _base(char: str) -> str:
    """The letter without its marks, lower case ('Ỉ' → 'i'); 'đ' stays a letter of its own."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _rivals(word: str, steps: list[list[tuple[str, float]]]):
    """(position, character read, another character the engine weighed there, its confidence
    relative to the one read) for every choice of the LSTM's `steps` (per emitted step, the
    (character, confidence) choices, the one read first) of the NFC `word`. Steps that read a
    blank are skipped; if the remaining first choices do not spell `word`, nothing is given."""
    steps = [s for s in steps if s and s[0][0].strip()]
    tops = [unicodedata.normalize("NFC", s[0][0]) for s in steps]
    if "".join(tops) != word or any(len(t) != 1 for t in tops):
        return
    for i, step in enumerate(steps):
        top, top_conf = tops[i], step[0][1]
        if top_conf <= 0:
            continue
        for char, conf in step[1:]:
            yield i, top, unicodedata.normalize("NFC", char), conf / top_conf


def mark_alternatives(word: str, steps: list[list[tuple[str, float]]]) -> tuple[tuple[str, float], ...]:
    """Alternative forms of `word` from the LSTM's choices (see `_rivals`): one letter with
    other marks, each with its confidence relative to the one read."""
    word = unicodedata.normalize("NFC", word)
    found: dict[str, float] = {}
    for i, top, char, share in _rivals(word, steps):
        if share <= 0 or len(char) != 1 or char.lower() == top.lower() or _base(char) != _base(top):
            continue
        form = word[:i] + (char.upper() if top.isupper() else char.lower()) + word[i + 1:]
        found[form] = max(found.get(form, 0.0), min(1.0, share))
    return tuple(sorted(found.items(), key=lambda kv: -kv[1]))


CLOSING_MARKS = ",.:;"
"""A word's closing mark read as another of these is kept as a reading whatever the word
(a list item's ';' read as ':'; `sohoa.diacritics.list_ends`)."""
READING_MIN = 0.05
"""Characters the engine weighed below this share of the one it read are not kept as readings."""
MAX_READINGS = 12


def character_readings(word: str, steps: list[list[tuple[str, float]]]) -> tuple[tuple[str, float], ...]:
    """Other readings of a code, number or date the engine weighed: forms of `word` with one
    character read as another that is no mark variant of it ('J5' → '15', '0]' → '01',
    '77g' → 'T7g'), or dropped where the engine weighed nothing there ('QH715' → 'QH15'), each
    with the confidence of that choice relative to the one read (0-1). Kept for words with a
    digit, a bracket or slash, or two capitals (document codes, numbers, dates), and for any
    word where the engine weighed a digit, and for a closing mark of any word read as another
    (`CLOSING_MARKS`); empty where the steps do not spell the word."""
    word = unicodedata.normalize("NFC", word)
    code_like = any(ch.isdigit() or ch in "[]{}|/\\" for ch in word) or sum(ch.isupper() for ch in word) >= 2
    found: dict[str, float] = {}
    for i, top, char, share in _rivals(word, steps):
        share = min(1.0, share)
        if share < READING_MIN or len(char) != 1 or char == top:
            continue
        if char.isalpha() and top.isalpha() and (char.lower() == top.lower() or _base(char) == _base(top)):
            continue  # case or marks: not another character
        closing = i == len(word) - 1 and top in CLOSING_MARKS and char in CLOSING_MARKS
        if not (code_like or char.isdigit() or closing):
            continue
        form = word[:i] + ("" if char.isspace() else char) + word[i + 1:]
        if form:
            found[form] = max(found.get(form, 0.0), share)
    return tuple(sorted(found.items(), key=lambda kv: -kv[1])[:MAX_READINGS])
