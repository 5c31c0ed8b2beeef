"""Unit cells read by OCR, put back on the units Vietnamese statistical tables use.

Units are a small closed class, and Tesseract garbles some of them in ways the repair
pipeline cannot see ('%' comes out '%c', '%ở' or 'To'; 'tỷ đồng' 'tỳ đồng'). A unit cell of an
OCR'd table is snapped to a known unit only where the reading is clearly that unit:
- a '%' followed by one stray character ('%c', '%ở'): Tesseract's usual reading of '%';
- one character away from exactly one known unit of four or more characters ('tỳ đồng');
- a token of one or two characters that is no unit, in a column whose units are mostly '%'.
Anything else stays as read: an unknown unit is kept, never forced onto the list.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

KNOWN_UNITS = (
    "%", "‰", "đồng", "nghìn đồng", "triệu đồng", "tỷ đồng", "nghìn tỷ đồng", "USD", "nghìn USD",
    "triệu USD", "tỷ USD", "USD/người", "triệu đồng/người", "triệu đồng/người/năm",
    "nghìn đồng/người/tháng", "người", "nghìn người", "triệu người", "lao động", "lượt", "lượt người",
    "lượt khách", "nghìn lượt", "nghìn lượt khách", "triệu lượt khách", "hộ", "nghìn hộ", "xã", "huyện",
    "doanh nghiệp", "hợp tác xã", "dự án", "cơ sở", "trường", "lớp", "học sinh", "giáo viên", "bác sỹ",
    "bác sĩ", "giường bệnh", "giường bệnh/vạn dân", "bác sỹ/vạn dân", "bác sĩ/vạn dân",
    "giường/vạn dân", "thuê bao", "thuê bao/100 dân", "máy/100 dân", "ha", "nghìn ha", "km", "km2",
    "m2", "m3", "triệu m3", "tấn", "nghìn tấn", "triệu tấn", "tạ/ha", "tấn/ha", "kg", "kg/người",
    "con", "nghìn con", "kWh", "triệu kWh", "tỷ kWh", "MW", "GW", "năm", "tuổi", "lần", "ngày",
    "tháng", "điểm", "xe", "chiếc", "căn", "căn hộ", "lít", "triệu lít", "sản phẩm", "tiêu chí",
    "m", "cm", "mm", "g", "l", "MWh", "GWh", "giờ",
)
"""Units of Vietnamese statistical and planning tables (closed class, written as printed)."""

_BY_KEY = {unicodedata.normalize("NFC", u).casefold(): u for u in KNOWN_UNITS}
_PERCENT_MISREAD = re.compile(r"^%\S$")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def is_known_unit(text: str) -> bool:
    return _key(text) in _BY_KEY


def snap_unit(text: str, column: Sequence[str] = ()) -> str:
    """The known unit that the OCR'd unit cell `text` clearly is, or `text` unchanged.
    `column`: the other unit cells of its column, as read."""
    key = _key(text)
    if not key or key in _BY_KEY:
        return text
    if _PERCENT_MISREAD.match(key):
        return "%"
    if len(key) >= 4:
        close = [unit for k, unit in _BY_KEY.items() if len(k) >= 4 and Levenshtein.distance(key, k) <= 1]
        if len(close) == 1:
            return close[0]
    if len(key) <= 2:
        known = [_key(v) for v in column if is_known_unit(v) or _PERCENT_MISREAD.match(_key(v))]
        known = ["%" if _PERCENT_MISREAD.match(k) else k for k in known]
        if known:
            unit, count = Counter(known).most_common(1)[0]
            if unit == "%" and count >= 0.5 * len(known) and count >= 2:
                return "%"
    return text


def snap_unit_column(values: Sequence[str]) -> list[str]:
    """Every cell of an OCR'd unit column through `snap_unit`, against the rest of the column."""
    return [snap_unit(v, values) for v in values]
