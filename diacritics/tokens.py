"""Tokens repair must leave alone: numbers, dates, document codes, abbreviations, URLs, e-mails,
file names, and the names of code and the web (identifiers, paths, options, handles, spans of
code in backticks, slugs).

`protected_spans(text)` lists them; the pipeline keeps look-alike and statistical fixers off
these spans. `DocumentCodeFixer` makes the one kind of change inside them that is certain:
the 'D' of 'QĐ' (quyết định), 'NĐ' (nghị định) and 'HĐND' that lost its stroke.
"""

from __future__ import annotations

import re

from sohoa.diacritics.records import Edit

_UPPER = "A-ZĐÀ-ỸẠ-Ỹ"
PATTERNS: dict[str, re.Pattern] = {
    "url": re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]", re.IGNORECASE),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    # a file's name or path: 'Quyet_dinh-1380-QD-TTg.pdf', 'C:\\Van ban\\bao_cao.docx' (its last part)
    "path": re.compile(r"(?<![\w./\\-])[\w./\\-]*[\w-]\.(?:pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|txt|csv|xml|json"
                       r"|html?|aspx?|php|jpe?g|png|tiff?|gif|zip|rar|7z)\b", re.IGNORECASE),
    # a name in code: 'xu_ly_du_lieu.py', 'THU_MUC_GOC', 'danh_sach' (no Vietnamese word has '_')
    "identifier": re.compile(r"(?<![\w@#])[A-Za-z0-9]*[A-Za-z](?:[A-Za-z0-9]*_[A-Za-z0-9]*)+[A-Za-z0-9](?:\.[A-Za-z0-9]+)*"),
    # a path or a web address without its host: '/home/nam/du_an', '/api/san-pham?danh_muc=dien-thoai', '~/tai-lieu'
    "unix_path": re.compile(r"(?<![\w/.])(?:~|\.{1,2})?/[A-Za-z0-9_.~-]+(?:/[A-Za-z0-9_.~-]*)*(?:[?#][^\s<>\"]*)?"
                            r"(?<![.,;:!?)])"),
    # a command line's option, a social network's handle or tag: '--dau-vao', '@hoa.hau.viet.nam', '#dulich'
    "option": re.compile(r"(?<![\w-])--[A-Za-z0-9][A-Za-z0-9_-]*(?:=[^\s]+)?"),
    "handle": re.compile(r"(?<![\w@#])[@#][^\W_][\w.-]*[^\W_]"),
    # a span of code set in backticks, as Markdown writes it: '`git checkout -b sua-loi`'
    "code_span": re.compile(r"`[^`\n]+`"),
    # a web page's slug: 'cach-nau-pho-bo-ngon' (lower-case letters without marks, three or more parts)
    "slug": re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+){2,}(?![\w-])"),
    # 01/01/2021, 1-1-2021, 2021-01-31
    "date": re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"),
    # 127/NQ-HĐND, 05-ĐA/TU, 64/2003/QĐ-TTg, QD-TTg
    "code": re.compile(r"\b(?:\d+[/-])*(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:[/-][A-ZĐ0-9][A-Za-zĐđ0-9]*)+\b"
                       r"|\b\d+[/-][A-ZĐ][A-Za-zĐđ]*\b"),
    # 1.234,5  -12,5%  2021
    "number": re.compile(r"(?<![\w.,])[-+]?\d+(?:[.,]\d+)*%?"),
    # UBND, HĐND, GRDP, OCOP, PCI, TP.HCM
    "abbreviation": re.compile(rf"\b[{_UPPER}]{{2,}}[0-9]*\b(?:\.[{_UPPER}]{{2,}}\b)?"),
}


VERBATIM = ("url", "email", "path", "identifier", "unix_path", "option", "handle", "code_span", "slug")
"""Kinds of token that are no Vietnamese text at all: kept as typed, and kept out of the context
the restorer reads (a URL's de-accented slug, 'tai-lieu-huong-dan', or a program's
'so_luong', is no sign that the text around it lost its marks)."""


def verbatim_spans(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of the URLs, e-mail addresses and file names in `text`."""
    return sorted(m.span() for kind in VERBATIM for m in PATTERNS[kind].finditer(text))


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of `text` that fixers other than the certain ones must not change."""
    return [(start, end) for start, end, _ in token_kinds(text)]


def token_kinds(text: str) -> list[tuple[int, int, str]]:
    """Every protected token with its kind ('url', 'email', 'path', 'identifier', 'unix_path',
    'option', 'handle', 'code_span', 'slug', 'date', 'code', 'number', 'abbreviation')."""
    from sohoa.diacritics.syllables import is_syllable, is_valid_key

    found = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            # an all-capital word that is a syllable ('TRUYEN', 'ĐẢNG') is a word in a heading;
            # de-accented ones ('KET', 'HIEN') are too, though without their marks they break
            # the tone and vowel rules
            word = m.group()
            if kind == "abbreviation" and "." not in word and (is_syllable(word) or is_valid_key(word.lower())):
                continue
            if kind == "number" and _is_misread_word(text, m.start(), m.end(), is_valid_key):
                continue
            found.append((m.start(), m.end(), kind))
    return sorted(found)


_WORD_TAIL = re.compile(r"[^\W_]*")


def _is_misread_word(text: str, start: int, end: int, is_valid_key) -> bool:
    """The digits at text[start:end] open a word that reads as a Vietnamese syllable once OCR's
    digit-for-letter slips are undone ('1anh', '1am'): a word for the restorer, not a number.

    A label with one letter ('Điều 10a', 'khoản 2b') and units ('5km') stay numbers.
    """
    word = text[start:end] + _WORD_TAIL.match(text, end).group()
    letters = sum(ch.isalpha() for ch in word)
    if letters < 2 or not word[0].isdigit():
        return False
    from sohoa.diacritics.restore.tokens import ocr_letters

    mapped = ocr_letters(word.lower())
    return mapped.isalpha() and is_valid_key(mapped)


# Code parts whose 'D' can only be 'Đ': (part, what follows it or None, fixed, confidence).
_CODE_PARTS = (
    (re.compile(r"(?<=[/\s-])QD(?=-)|^QD(?=-)"), "QĐ", 1.0),
    (re.compile(r"(?<=[/-])HDND\b"), "HĐND", 0.99),
    (re.compile(r"(?<=[/-])ND(?=-CP\b)"), "NĐ", 0.99),
)


class DocumentCodeFixer:
    """Restore 'Đ' in document codes: '15/QD-TTg' → '15/QĐ-TTg', '127/NQ-HDND' → '127/NQ-HĐND'."""

    name = "code.d-stroke"

    def find_edits(self, text: str) -> list[Edit]:
        edits = []
        verbatim = verbatim_spans(text)
        for match in PATTERNS["code"].finditer(text):
            if any(start < match.end() and match.start() < end for start, end in verbatim):
                continue  # 'Nghi-dinh-15-2023-ND-CP.aspx' in a URL, 'Quyet_dinh-1380-QD-TTg.pdf': as typed
            code = match.group()
            for pattern, fixed, confidence in _CODE_PARTS:
                for part in pattern.finditer(code):
                    start = match.start() + part.start()
                    edits.append(Edit(start, start + len(part.group()), part.group(), fixed, self.name, confidence))
        return sorted(edits, key=lambda e: e.start)
