"""Composition of edits from successive stages into input coordinates."""

from hypothesis import given, settings, strategies as st

from sohoa.diacritics.compose import apply_edits, check_edits, combine, compose, without_overlaps
from sohoa.diacritics.pipeline import Fixer, run_fixers
from sohoa.diacritics.records import Edit


class Replace:
    """A toy fixer replacing every occurrence of a string."""

    def __init__(self, old, new, name=None, confidence=1.0):
        self.old, self.new, self.name, self.confidence = old, new, name or f"{old}->{new}", confidence

    def find_edits(self, text):
        edits, start = [], text.find(self.old)
        while start >= 0 and self.old:
            edits.append(Edit(start, start + len(self.old), self.old, self.new, self.name, self.confidence))
            start = text.find(self.old, start + len(self.old))
        return edits


def test_toy_fixer_satisfies_protocol():
    assert isinstance(Replace("a", "b"), Fixer)


def test_edits_on_same_region_merge_and_keep_the_chain():
    result = run_fixers("xx ab yy", [Replace("ab", "abc", "one"), Replace("bc", "BC", "two")])
    assert result.text == "xx aBC yy"
    assert result.edits == (Edit(3, 5, "ab", "aBC", "one+two", 1.0),)


def test_separate_regions_stay_separate_in_source_coordinates():
    result = run_fixers("aa bb cc", [Replace("aa", "AAAA", "grow"), Replace("cc", "C", "shrink")])
    assert result.text == "AAAA bb C"
    assert [(e.start, e.end, e.before, e.after) for e in result.edits] == [(0, 2, "aa", "AAAA"), (6, 8, "cc", "C")]


def test_a_chain_that_restores_the_input_disappears():
    result = run_fixers("one two", [Replace("two", "2"), Replace("2", "two")])
    assert result.text == "one two" and result.edits == ()


def test_low_confidence_edits_become_flags_in_source_coordinates():
    result = run_fixers("aa bb", [Replace("aa", "A", "sure"), Replace("bb", "BB", "unsure", 0.2)], min_confidence=0.5)
    assert result.text == "A bb"
    assert result.flags == (Edit(3, 5, "bb", "BB", "unsure", 0.2),)


def test_overlapping_stage_edits_are_rejected():
    import pytest

    with pytest.raises(ValueError):
        check_edits("abc", [Edit(0, 2, "ab", "x", "f"), Edit(1, 3, "bc", "y", "f")])


_alphabet = st.sampled_from("ab c")


@st.composite
def _stage(draw, text):
    """Random non-overlapping edits on `text`."""
    edits, cursor = [], 0
    while cursor <= len(text):
        start = draw(st.integers(cursor, len(text)))
        end = draw(st.integers(start, min(len(text), start + 3)))
        after = draw(st.text(_alphabet, max_size=3))
        if draw(st.booleans()):
            edits.append(Edit(start, end, text[start:end], after, "f", 1.0))
        cursor = end + 1
        if draw(st.booleans()):
            break
    return edits


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_composition_equals_sequential_application(data):
    source = data.draw(st.text(_alphabet, max_size=12))
    edits, current = [], source
    for _ in range(3):
        stage = data.draw(_stage(current))
        edits = compose(source, edits, current, stage)
        current = apply_edits(current, stage)
        checked = check_edits(source, edits)
        assert apply_edits(source, checked) == current
        assert all(e.before != e.after for e in edits)


def test_edits_apply_in_any_order_and_overlaps_are_dropped_first_come():
    text = "mot hai ba"
    one, two = Edit(0, 3, "mot", "một", "x"), Edit(8, 10, "ba", "bà", "x")
    assert apply_edits(text, [two, one]) == apply_edits(text, [one, two]) == "một hai bà"
    wide = Edit(0, 7, "mot hai", "một hai", "y")
    assert without_overlaps([wide, one, two]) == [wide, two]


def test_combine_lets_the_earlier_layer_win_where_edits_overlap():
    text = "So GDDT va"
    cleanup = [Edit(2, 3, " ", "", "junk")]
    acronym = [Edit(3, 7, "GDDT", "GDĐT", "acronym")]
    words = [Edit(0, 2, "So", "Sở", "word"), Edit(3, 7, "GDDT", "Gddt", "word"), Edit(8, 10, "va", "và", "word")]
    combined = combine(cleanup, acronym, words)
    assert [e.fixer for e in combined] == ["word", "junk", "acronym", "word"]
    assert apply_edits(text, check_edits(text, combined)) == "SởGDĐT và"
