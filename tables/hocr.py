"""Words of Tesseract's hOCR output, with the tone-mark alternatives its LSTM weighed.

With `lstm_choice_mode=2` Tesseract lists, for every character it emits, the other characters
it considered at that step and their confidences. Where one of them is the same letter with
another mark ('i' beside the 'ỉ' it chose), the mark itself was in doubt: that is the OCR
evidence the tone-mark check of indicator names (`sohoa.tables.names`) weighs against the
context. A word whose characters cannot be lined up with its steps gets no alternatives
(no evidence either way).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

HOCR_CONFIG = "-c lstm_choice_mode=2"
"""Tesseract option that adds the per-character alternatives to hOCR output."""

_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_XCONF = re.compile(r"x_confs ([\d.]+)")


@dataclass(frozen=True)
class HocrWord:
    """One word read by Tesseract.

    `mark_alternatives`: forms of the word that differ from `text` only in one character's
    marks, each with the confidence of that character relative to the one read (0-1).
    """

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: int  # running number of the word's line on the page
    mark_alternatives: tuple[tuple[str, float], ...] = ()


def _classes(element: ET.Element) -> str:
    return element.get("class", "")


def _base(char: str) -> str:
    """The letter without its marks, lower case ('Ỉ' → 'i'); 'đ' stays a letter of its own."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def mark_alternatives(word: str, steps: list[list[tuple[str, float]]]) -> tuple[tuple[str, float], ...]:
    """Alternative forms of `word` from the LSTM's choices: `steps` holds, per emitted step,
    the (character, confidence) choices, the one read first. Steps that read a blank are
    skipped; if the remaining first choices do not spell `word`, nothing is returned."""
    steps = [s for s in steps if s and s[0][0].strip()]
    word = unicodedata.normalize("NFC", word)
    tops = [unicodedata.normalize("NFC", s[0][0]) for s in steps]
    if "".join(tops) != word or any(len(t) != 1 for t in tops):
        return ()
    found: dict[str, float] = {}
    for i, step in enumerate(steps):
        top, top_conf = tops[i], step[0][1]
        if top_conf <= 0:
            continue
        for char, conf in step[1:]:
            char = unicodedata.normalize("NFC", char)
            if conf <= 0 or len(char) != 1 or char.lower() == top.lower() or _base(char) != _base(top):
                continue
            form = word[:i] + (char.upper() if top.isupper() else char.lower()) + word[i + 1:]
            found[form] = max(found.get(form, 0.0), min(1.0, conf / top_conf))
    return tuple(sorted(found.items(), key=lambda kv: -kv[1]))


READING_MIN = 0.05
"""Characters the engine weighed below this share of the one it read are not kept as readings."""
MAX_READINGS = 12


def character_readings(word: str, steps: list[list[tuple[str, float]]]) -> tuple[tuple[str, float], ...]:
    """Other readings of a code, number or date the engine weighed: forms of `word` with one
    character read as another that is no mark variant of it ('J5' → '15', '0]' → '01',
    '77g' → 'T7g'), or dropped where the engine weighed nothing there ('QH715' → 'QH15'), each
    with the confidence of that choice relative to the one read (0-1). Kept for words with a
    digit, a bracket or slash, or two capitals (document codes, numbers, dates), and for any
    word where the engine weighed a digit; empty where the steps do not spell the word."""
    steps = [s for s in steps if s and s[0][0].strip()]
    word = unicodedata.normalize("NFC", word)
    tops = [unicodedata.normalize("NFC", s[0][0]) for s in steps]
    if "".join(tops) != word or any(len(t) != 1 for t in tops):
        return ()
    code_like = any(ch.isdigit() or ch in "[]{}|/\\" for ch in word) or sum(ch.isupper() for ch in word) >= 2
    found: dict[str, float] = {}
    for i, step in enumerate(steps):
        top, top_conf = tops[i], step[0][1]
        if top_conf <= 0:
            continue
        for char, conf in step[1:]:
            char = unicodedata.normalize("NFC", char)
            share = min(1.0, conf / top_conf)
            if share < READING_MIN or len(char) != 1 or char == top:
                continue
            if char.isalpha() and top.isalpha() and (char.lower() == top.lower() or _base(char) == _base(top)):
                continue  # case or marks: not another character
            if not (code_like or char.isdigit()):
                continue
            form = word[:i] + ("" if char.isspace() else char) + word[i + 1:]
            if form:
                found[form] = max(found.get(form, 0.0), share)
    return tuple(sorted(found.items(), key=lambda kv: -kv[1])[:MAX_READINGS])


def parse_hocr(hocr: str | bytes) -> list[HocrWord]:
    """The words of an hOCR page in document order."""
    root = ET.fromstring(hocr if isinstance(hocr, bytes) else hocr.encode("utf-8"))
    words: list[HocrWord] = []
    line_no = 0
    for line in root.iter():
        if not any(k in _classes(line).split() for k in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")):
            continue
        line_no += 1
        for node in line:
            if _classes(node) != "ocrx_word":
                continue
            text = "".join(node.itertext()) if not len(node) else (node.text or "")
            text = text.strip()
            if not text:
                continue
            box = _BBOX.search(node.get("title", ""))
            wconf = _WCONF.search(node.get("title", ""))
            if not box:
                continue
            x0, y0, x1, y1 = (int(v) for v in box.groups())
            steps = []
            for step in node:
                if "ocrx_cinfo" not in _classes(step) or not (step.get("id") or "").startswith("lstm_choices"):
                    continue
                choices = []
                for choice in step:
                    conf = _XCONF.search(choice.get("title", ""))
                    choices.append((choice.text or "", float(conf.group(1)) if conf else 0.0))
                steps.append(choices)
            words.append(HocrWord(text=text, conf=float(wconf.group(1)) if wconf else 0.0,
                                  left=x0, top=y0, width=x1 - x0, height=y1 - y0, line=line_no,
                                  mark_alternatives=mark_alternatives(text, steps)))
    return words
