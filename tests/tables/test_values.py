from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sohoa.tables.values import (
    format_decimal, format_vietnamese, parse_number, parse_value,
)


@pytest.mark.parametrize("raw, expected", [
    ("6.500", "6500"), ("0,54", "0.54"), ("1.234,5", "1234.5"), ("1.990.000", "1990000"),
    ("12,616", "12.616"), ("98,70", "98.7"), ("3.5", "3.5"), ("1,234.5", "1234.5"),
    ("-5", "-5"), ("1 234 567", "1234567"), ("0", "0"), ("100", "100"),
    # a minus typed as the minus sign, an en dash or a hyphen apart
    ("−2,5", "-2.5"), ("–3,4", "-3.4"), ("- 1,2", "-1.2"),
    ("12 345,6", "12345.6"),  # spaces between thousands before a decimal comma
    ("0.540", "0.54"), ("0.5", "0.5"),  # a zero leads no group of thousands
])
def test_vietnamese_numbers(raw, expected):
    assert format_decimal(parse_number(raw)) == expected


@pytest.mark.parametrize("raw", ["", "Đạt", "1.2.3", "12,34,5", "1.23.456", "abc 12", "2-3", "1 23",
                                 "66,1 110", "0 123",
                                 "(1)", "(1.234)"])  # a column's number in a table's numbering row, not a figure
def test_not_a_single_number(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw, qualifier, value, low, high", [
    ("Trên 80", ">", "80", "", ""), ("Dưới 1,5", "<", "1.5", "", ""), ("< 3", "<", "3", "", ""),
    ("≥ 95", ">=", "95", "", ""), ("≤95%", "<=", "95", "", ""), ("Khoảng 34", "~", "34", "", ""),
    ("Tối thiểu 60", ">=", "60", "", ""), ("2-3", "range", "", "2", "3"),
    ("8,7-10", "range", "", "8.7", "10"), ("289,9 - 294,3", "range", "", "289.9", "294.3"),
    ("Khoảng 31,5-32", "range", "", "31.5", "32"), ("41,3%", "", "41.3", "", ""),
    ("-", "missing", "", "", ""), ("", "missing", "", "", ""), ("  ", "missing", "", "", ""), ("−", "missing", "", "", ""),
    ("−2,5%", "", "-2.5", "", ""), ("3,5 – 4", "range", "", "3.5", "4"),
    ("Đạt", "text", "", "", ""), ("Sở Y tế", "text", "", "", ""), ("5-2", "text", "", "", ""),
])
def test_cell_values(raw, qualifier, value, low, high):
    parsed = parse_value(raw)
    assert (parsed.qualifier, format_decimal(parsed.value), format_decimal(parsed.low),
            format_decimal(parsed.high)) == (qualifier, value, low, high)


def test_words_are_not_mistaken_for_comparators():
    # 'Trên' must be a whole word: 'Trênx 5' is text, not '> 5'
    assert parse_value("Trênx 5").qualifier == "text"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3,
                   allow_nan=False, allow_infinity=False))
def test_vietnamese_format_round_trips(number):
    assert parse_number(format_vietnamese(number)) == number


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1e12"), places=3,
                   allow_nan=False, allow_infinity=False), st.sampled_from(["-", "−", "–", "- "]))
def test_every_way_of_writing_a_minus_gives_the_negative(number, minus):
    assert parse_number(minus + format_vietnamese(number)) == -number


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=4))
def test_round_trip_with_fixed_decimals(integer, decimals):
    number = Decimal(integer).scaleb(-decimals)
    text = format_vietnamese(number, decimals)
    assert parse_number(text) == number
    assert parse_value(text).value == number
