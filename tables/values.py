"""Cell values as printed in Vietnamese reports → numbers, ranges, comparators, missing.

Vietnamese writes '.' between thousands and ',' before decimals: '6.500' is 6500, '0,54' is
0.54, '1.234,5' is 1234.5. Numbers are kept as `Decimal` so that the CSV shows exactly the
digits that were printed ('0,30' → 0.30 → '0.3', never '0.30000000000000004').
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: qualifier of a cell whose text is not a number at all ('Đạt', 'Sở Y tế'): not an observation
TEXT = "text"
MISSING = "missing"
RANGE = "range"

# Words in front of a number, longest first so 'không dưới' wins over 'dưới'.
_PREFIX_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("không vượt quá", "<="), ("không quá", "<="), ("tối đa", "<="), ("không dưới", ">="),
    ("tối thiểu", ">="), ("ít nhất", ">="), ("trên", ">"), ("dưới", "<"), ("hơn", ">"),
    ("khoảng", "~"), ("xấp xỉ", "~"), ("gần", "<"), ("≥", ">="), ("≤", "<="), (">=", ">="),
    ("<=", "<="), ("=>", ">="), ("=<", "<="), (">", ">"), ("<", "<"), ("~", "~"), ("≈", "~"),
)
_SUFFIX_QUALIFIERS: tuple[tuple[str, str], ...] = (("trở lên", ">="), ("trở xuống", "<="))
_MISSING_TEXTS = {"", "-", "–", "—", "−", "--", "...", "…", "x", "X", "n/a", "N/A", "k/c"}
_UNIT_SUFFIX = re.compile(r"\s*(%|‰|lần)\s*$")
_NUMBER = r"[+\-−–]?\s?\d[\d.,\s]*"
_NUMBER_ONLY = re.compile(rf"^{_NUMBER}$")
_RANGE = re.compile(rf"^(?:từ\s+)?({_NUMBER}?)\s*(?:-|–|—|÷|~|đến)\s*({_NUMBER})$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedValue:
    """One cell read as a value. `value` is set for exact and comparator cells; ranges fill
    `low`/`high`; `qualifier` is '', '>', '<', '>=', '<=', '~', 'range', 'missing' or 'text'."""

    raw: str
    qualifier: str
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def is_observation(self) -> bool:
        """Numbers, ranges and missing markers are observations; free text is not."""
        return self.qualifier != TEXT


def parse_number(text: str) -> Decimal | None:
    """A Vietnamese-formatted number → Decimal, or None if `text` is not one number.

    '6.500' → 6500, '0,54' → 0.54, '1.234,5' → 1234.5, '1.990.000' → 1990000, '3.5' → 3.5
    (a dot followed by other than three digits can only be a decimal point), '1 234' → 1234.
    """
    s = text.strip().replace("\u00a0", " ")
    if not s or not _NUMBER_ONLY.match(s):
        return None
    sign = ""
    if s[0] in _SIGNS:  # a minus may be typed as a hyphen, an en dash or the minus sign itself
        sign, s = ("" if s[0] == "+" else "-"), s[1:].strip()
    if " " in s:  # spaces only as thousands separators: '1 234 567', '12 345,6'
        if not _SPACED_THOUSANDS.fullmatch(s):
            return None
        s = s.replace(" ", "")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        if s.rfind(",") > s.rfind("."):  # 1.234,5 (Vietnamese)
            integer, _, frac = s.rpartition(",")
            if commas > 1 or not _thousands_ok(integer, "."):
                return None
            s = integer.replace(".", "") + "." + frac
        else:  # 1,234.5 (English)
            integer, _, frac = s.rpartition(".")
            if dots > 1 or not _thousands_ok(integer, ","):
                return None
            s = integer.replace(",", "") + "." + frac
    elif commas:
        if commas == 1:
            s = s.replace(",", ".")
        elif _thousands_ok(s, ","):
            s = s.replace(",", "")
        else:
            return None
    elif dots:
        if _thousands_ok(s, "."):
            s = s.replace(".", "")
        elif dots > 1:
            # '740.439.7': the last dot can only be a decimal comma misprinted or misread
            integer, _, frac = s.rpartition(".")
            if not (_thousands_ok(integer, ".") and 1 <= len(frac) <= 2):
                return None
            s = integer.replace(".", "") + "." + frac
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        return None
    try:
        return Decimal(sign + s)
    except InvalidOperation:  # pragma: no cover - the regex above rules it out
        return None


_SIGNS = "+-−–"
_SPACED_THOUSANDS = re.compile(r"[1-9]\d{0,2}( \d{3})+([.,]\d+)?")


def _thousands_ok(integer: str, sep: str) -> bool:
    """'1.234.567' with sep '.': every group after the first has exactly three digits, and the
    first is no zero-led group ('0.540' is no five hundred and forty)."""
    groups = integer.split(sep)
    return (
        len(groups) > 1 and 1 <= len(groups[0]) <= 3 and groups[0].isdigit() and groups[0][0] != "0"
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )


def parse_value(raw: str) -> ParsedValue:
    """Read one table cell: number, range, comparator + number, missing marker, or text."""
    text = unicodedata.normalize("NFC", raw).strip().replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text)
    if text in _MISSING_TEXTS:
        return ParsedValue(raw, MISSING)
    body = _UNIT_SUFFIX.sub("", text)
    qualifier = ""
    lowered = body.lower()
    for word, symbol in _PREFIX_QUALIFIERS:
        if lowered.startswith(word) and (not word[0].isalpha() or len(lowered) == len(word)
                                         or not lowered[len(word)].isalpha()):
            qualifier, body = symbol, body[len(word):].strip()
            break
    lowered = body.lower()
    for word, symbol in _SUFFIX_QUALIFIERS:
        if lowered.endswith(word) and not qualifier:
            qualifier, body = symbol, body[: -len(word)].strip()
            break
    body = _UNIT_SUFFIX.sub("", body)
    number = parse_number(body)
    if number is not None:
        return ParsedValue(raw, qualifier, value=number)
    match = _RANGE.match(body)
    if match and match.group(1):
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if low is not None and high is not None and low <= high:
            return ParsedValue(raw, RANGE, low=low, high=high)
    return ParsedValue(raw, TEXT)


def format_decimal(number: Decimal | None) -> str:
    """A plain decimal for the CSV: no exponent, no trailing zeros ('6500', '0.54')."""
    if number is None:
        return ""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_vietnamese(number: Decimal, decimals: int | None = None) -> str:
    """Print a number the Vietnamese way: '.' between thousands, ',' before decimals.

    The inverse of `parse_number` (used by the table generator and the round-trip tests).
    """
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals))
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    integer, _, frac = text.partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return sign + ".".join(groups) + ("," + frac if frac else "")
