"""The recipients' heading of an administrative document's closing, mended where OCR misread it."""

import pytest

from sohoa.diacritics.formulae import RecipientsHeadingFixer
from sohoa.diacritics.pipeline import repair


@pytest.mark.parametrize("read", ["Wơi nhận:", "Xơi nhận:", "Xới nhận:", ":Vơi nhận:", "Näơi nhận:", "Vơi nhận :"])
def test_the_slanted_n_of_the_heading_read_as_another_capital_is_mended(read):
    text = f"{read}\n- Như trên;\n- Lưu: VT."
    result = repair(text)
    assert result.text.startswith("Nơi nhận") and result.text.endswith("- Như trên;\n- Lưu: VT.")
    assert [e.fixer for e in result.edits] == ["formula.recipients"]


@pytest.mark.parametrize("text", ["Nơi nhận:", "Mới nhận: 5 hồ sơ", "Tới nhận: ngày 5", "Người nhận: ông A",
                                  "Cơ quan Xơi nhận:", "Wơi nhận hồ sơ"])
def test_words_and_other_places_stay(text):
    assert RecipientsHeadingFixer().find_edits(text) == []
