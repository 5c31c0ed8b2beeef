"""OCR garble from seeds 000/002: the deterministic stages must not guess a lost tone confidently.

'€' and '¢' stand for a marked vowel whose tone the OCR lost ('ti€u' was 'tiêu', 'kinh t€' was
'kinh tế'); a mark on an unaccented line may be a misread ('suc khoé' was 'sức khỏe'). At the
default threshold these lines come out unchanged, with the guesses as review flags.
"""

import json
from pathlib import Path

import pytest

from sohoa.diacritics.pipeline import repair

CASES = json.loads((Path(__file__).parent / "data" / "seed_garble.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['seed']}:{c['word']}:{i}" for i, c in enumerate(CASES)])
def test_garbled_word_is_flagged_not_changed(case):
    result = repair(case["text"], restore=False, tone_style="old")
    assert case["word"] in result.text  # not changed at the default threshold
    assert not [e for e in result.edits if case["word"] in e.before]
    flags = [f for f in result.flags if f.before == case["word"]]
    assert len(flags) == 1 and flags[0].confidence < 0.5


@pytest.mark.parametrize("case", [c for c in CASES if "€" in c["word"] or "¢" in c["word"]],
                         ids=lambda c: c["word"])
def test_symbol_guess_uses_its_neighbours(case):
    """The proposal for review is the likeliest syllable in context: 'chi ti€u' → 'tiêu', not 'tiệu'."""
    flags = [f for f in repair(case["text"], restore=False, tone_style="old").flags if f.before == case["word"]]
    assert flags[0].after == case["truth"]


def test_tone_fixer_never_spells_an_unattested_syllable():
    # 'moé', 'phoé': moving the mark would give 'móe', 'phóe', which no Vietnamese text has
    result = repair("nhiéu moé hinh nuoi, pho bién vé (rng phoé vai", restore=False, min_confidence=0.0)
    assert "moé" in result.text and "phoé" in result.text


def test_tone_fixer_still_normalises_marked_text():
    assert repair("Sức khoẻ và hoà bình", restore=False, tone_style="old").text == "Sức khỏe và hòa bình"
    assert repair("Sức khoẻ và hoà bình", restore=False).text == "Sức khoẻ và hoà bình"  # 'keep', the default
    assert repair("mùa muà", restore=False).text == "mùa mùa"  # a mark neither placement puts there
