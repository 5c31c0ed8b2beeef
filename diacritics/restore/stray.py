"""Punctuation that OCR invents inside a line: specks read as marks, commas read as full stops.

Degraded scans come out of Tesseract with stray chunks of punctuation between words
('các hoạt - động', 'tiếp “ tục', 'khi `... người dùng') and with the comma's tail lost
('được sửa đổi. bổ sung'). Both are judged from the text alone:

- a chunk of punctuation standing alone between two words is dropped when the key language
  model finds the two words far likelier side by side than around the chunk — real dashes
  and quotes sit where the model has seen them ('kinh tế - xã hội', 'nói: “ Tôi');
- a full stop between two lower-case Vietnamese syllables becomes a comma: a sentence never
  starts in lower case, and abbreviations ('v.v.', 'TP.', 'var.') are not syllables.

How much evidence a drop needs depends on the text as a whole. Clean text, or a clean scan,
keeps its dashes, quotes and ellipses unless the model is all but sure. A *speckled* text, one
that shows the sure specks of a noisy scan (lone chunks at line edges, symbols that are never
text), has specks between words too, a few in every hundred gaps: there any chunk shape may be
one ('chuyên .... gia', 'Hàn - Quốc', 'vận chuyển “ hàng'), and a smaller likelihood ratio
decides.
"""

from __future__ import annotations

import re
from typing import Callable

from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore.junk import in_bar_row, junk_edits
from sohoa.diacritics.syllables import is_syllable
from sohoa.diacritics.restore.tokens import UNKNOWN_ID

FIXER_NAME = "restore.ocr-punct"
STRAY_LOG_RATIO = 9.0
"""How much likelier (natural log: e^9 ≈ 8,000×) the key model must find two words side by side
than around a punctuation chunk before the chunk is dropped as a speck."""

_WORD = r"[^\W\d_]+"
_INLINE_SPECKS = ".,:;_`ˆ˜„¦´¨"
"""What specks and smudges come out as inside a line. Brackets, operators and signs ('(%)',
'+', '=', '*') are left alone: formulas and table headings put them between words on purpose."""
_LINE_END_SPECKS = _INLINE_SPECKS + "-–—|~'\"“”"
"""At a line's end a dash, bar or quote standing alone is a speck too; inside a line it is text
('an ninh - quốc phòng', 'Arsenal | Để', 'chiếc " xe điên "')."""
_NEVER_TEXT = "`ˆ˜„¦´¨"
SPECKLED_LOG_RATIO = 5.0
"""The likelihood ratio that drops a chunk in a speckled text: about 1 / (the share of gaps with
a speck × the share of specks of one shape). On the Vietnamese-model pages of the train split
(the pages `sohoa train` renders), CER after repair was 3.55% with 9, 3.54% with 1 to 7."""
_SPECKLED_SPECKS = _INLINE_SPECKS + "'\"“”|!…"
"""What a speck may come out as between words of a speckled text. Not dashes: a dash between
words is as often the author's ('CSGT - Công an', 'Quy hoạch - Kiến trúc') as a speck on the
train-split pages, and the key model cannot tell the two apart."""
SPECKLED_MIN = 3
SPECKLED_SHARE = 0.004
"""A text is speckled with at least SPECKLED_MIN sure specks and one per 1/SPECKLED_SHARE words
(degraded renders show 0.4–3.4 per hundred words; the clean held-out lines none)."""
_STANDALONE = re.compile(
    rf"(?<![^\W_])({_WORD})((?:[ \t]+[{re.escape(_LINE_END_SPECKS + _SPECKLED_SPECKS)}]{{1,6}})+)"
    rf"(?=(?:[ \t]*\n)?[ \t]*(?<=\s)({_WORD})(?![^\W_]))")
"""A word, chunks of punctuation standing alone, and the next word (on this line or the next)."""
_STOP_BEFORE_LOWER = re.compile(rf"(?<![\w.])({_WORD})\.(?= ({_WORD})(?![^\W_]))")


def stray_punctuation_edits(text: str, key_id: Callable[[str], int],
                            bigram_logp: Callable[[int, int], float], *, speckled: bool = False) -> list[Edit]:
    """Edits dropping stray mid-line punctuation chunks and turning lost commas back (see module)."""
    edits = []
    for m in _STANDALONE.finditer(text):
        left, chunk, right = m.group(1), "".join(m.group(2).split()), m.group(3)
        if "|" in chunk and in_bar_row(text, m.start(2)):
            continue  # a table's row typed as text: its bars part cells
        a, b = key_id(left.lower()), key_id(right.lower())
        # a word the model does not know lends the odds no support: the clean-text bar
        if speckled and UNKNOWN_ID not in (a, b) and all(ch in _SPECKLED_SPECKS for ch in chunk):
            bar = SPECKLED_LOG_RATIO
        elif _may_be_speck(m.group(2).split(), at_line_end=text[m.end(2):].lstrip(" \t")[:1] == "\n"):
            bar = STRAY_LOG_RATIO
        else:
            continue
        direct = bigram_logp(a, b)
        around, prev = 0.0, a
        for ch in chunk:
            k = key_id(ch)
            around += bigram_logp(prev, k)
            prev = k
        around += bigram_logp(prev, b)
        never_text = all(any(ch in _NEVER_TEXT for ch in part) for part in m.group(2).split())
        if never_text or direct - around >= bar:
            edits.append(Edit(m.start(2), m.end(2), m.group(2), "", FIXER_NAME, 0.7))
    for m in _STOP_BEFORE_LOWER.finditer(text):
        left, right = m.group(1), m.group(2)
        if left.islower() and right.islower() and len(left) > 1 and is_syllable(left) \
                and is_syllable(right):
            edits.append(Edit(m.end(1), m.end(1) + 1, ".", ",", FIXER_NAME, 0.7))
    edits.sort(key=lambda e: e.start)
    return edits


def is_speckled(text: str, junk: list[Edit] | None = None) -> bool:
    """Whether a text shows the specks of a noisy scan: lone chunks at line edges, symbols
    that are never text standing alone. `junk`: the text's `junk_edits`, where the caller has them."""
    sure = len(junk_edits(text) if junk is None else junk) + len(_NEVER_TEXT_CHUNK.findall(text))
    words = len(re.findall(_WORD, text))
    return sure >= SPECKLED_MIN and sure >= SPECKLED_SHARE * words


_NEVER_TEXT_CHUNK = re.compile(rf"(?<=\S)[ \t]+[^\w\s]*[{re.escape(_NEVER_TEXT)}][^\w\s]*(?=[ \t]+\S)")


def _may_be_speck(parts: list[str], *, at_line_end: bool) -> bool:
    """Whether standalone punctuation chunks could be specks rather than text, in a text
    that is not speckled."""
    allowed = _LINE_END_SPECKS if at_line_end else _INLINE_SPECKS
    for part in parts:
        if len(part) > 4:
            return False
        if any(ch not in allowed for ch in part):
            return False
        if any(ch in _NEVER_TEXT for ch in part):
            continue
        if "..." in part or part.count("_") >= 3:
            return False  # an ellipsis or a form's blank ('ngày ... tháng', 'khoản ___ Điều')
        if len(part) > 1 and any(q in part for q in "'\"“”"):
            return False  # '“,' opens a quoted phrase that starts with a comma ('cụm từ “, cung ứng”')
    return True
