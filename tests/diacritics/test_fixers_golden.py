"""Golden cases per fixer (tests/diacritics/data/golden.json): input → expected output, with negatives."""

import json
from pathlib import Path

import pytest

from sohoa.diacritics.encodings import LegacyEncodingFixer
from sohoa.diacritics.pipeline import run_fixers
from sohoa.diacritics.tokens import DocumentCodeFixer
from sohoa.diacritics.unicode_fixes import (DoubledMarkFixer, HomoglyphFixer, NfcFixer, StraySpaceFixer,
                                            TonePlacementFixer)

FIXERS = {
    "encoding": LegacyEncodingFixer,
    "nfc": NfcFixer,
    "marks.doubled": DoubledMarkFixer,
    "homoglyph": HomoglyphFixer,
    "space.in-syllable": StraySpaceFixer,
    "tone.placement": TonePlacementFixer,
    "code.d-stroke": DocumentCodeFixer,
}
GOLDEN = json.loads((Path(__file__).parent / "data" / "golden.json").read_text(encoding="utf-8"))
CASES = [(name, *case) for name, cases in GOLDEN.items() for case in cases]


@pytest.mark.parametrize("fixer_name, text, expected, note", CASES, ids=[f"{c[0]}:{c[3] or c[1][:20]}" for c in CASES])
def test_golden(fixer_name, text, expected, note):
    fixer = FIXERS[fixer_name]()
    result = run_fixers(text, [fixer], min_confidence=0.0)
    assert result.text == expected
    for edit in result.edits:
        assert text[edit.start:edit.end] == edit.before
        assert edit.fixer.startswith(fixer_name.split(".")[0])


def test_every_fixer_has_golden_cases_with_a_negative():
    assert set(GOLDEN) == set(FIXERS)
    for name, cases in GOLDEN.items():
        assert any(text == expected for text, expected, _ in cases), name
