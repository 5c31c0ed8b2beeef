"""Words of Tesseract's hOCR output, with the tone-mark alternatives its LSTM weighed.

With `lstm_choice_mode=2` Tesseract lists, for every character it emits, the other characters
it considered at that step and their confidences. Every such choice is a form of the word
with that one character changed (`character_alternatives`: '8' beside the '3' it chose, ','
beside '.'), which the table sidecar keeps for uncertain cells. Where the choice is the same
letter with another mark ('i' beside the 'ỉ' it chose), the mark itself was in doubt
(`mark_alternatives`): that is the OCR evidence the tone-mark check of indicator names
(`sohoa.tables.names`) weighs against the context. A word whose characters cannot be lined up
with its steps gets no alternatives (no evidence either way).
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
    marks, each with the confidence of that character relative to the one read (0-1);
    `alternatives`: every form that differs in one character the LSTM weighed (marks, digits,
    punctuation), likewise.
    """

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: int  # running number of the word's line on the page
    mark_alternatives: tuple[tuple[str, float], ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()


def _classes(element: ET.Element) -> str:
    return element.get("class", "")


def _base(char: str) -> str:
    """The letter without its marks, lower case ('Ỉ' → 'i'); 'đ' stays a letter of its own."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def character_alternatives(word: str, steps: list[list[tuple[str, float]]],
                           same_letter: bool = False) -> tuple[tuple[str, float], ...]:
    """Forms of `word` with one character changed to another the LSTM weighed there, each with
    that character's confidence relative to the one read (0-1), likeliest first: `steps` holds,
    per emitted step, the (character, confidence) choices, the one read first. Steps that read
    a blank are skipped; if the remaining first choices do not spell `word`, nothing is
    returned. `same_letter`: only choices of the same letter with other marks."""
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
            if conf <= 0 or len(char) != 1 or not char.strip() or char == top:
                continue
            if same_letter:
                if char.lower() == top.lower() or _base(char) != _base(top):
                    continue
                char = char.upper() if top.isupper() else char.lower()
            form = word[:i] + char + word[i + 1:]
            if form != word:
                found[form] = max(found.get(form, 0.0), min(1.0, conf / top_conf))
    return tuple(sorted(found.items(), key=lambda kv: -kv[1]))


def mark_alternatives(word: str, steps: list[list[tuple[str, float]]]) -> tuple[tuple[str, float], ...]:
    """Alternative forms of `word` that differ in one letter's marks only (the same letter in
    the case read: 'chi' beside 'chỉ'), from the LSTM's choices; see `character_alternatives`."""
    return character_alternatives(word, steps, same_letter=True)


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
                                  mark_alternatives=mark_alternatives(text, steps),
                                  alternatives=character_alternatives(text, steps)))
    return words
