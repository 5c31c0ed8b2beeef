"""The OCR-evidence stage: a mark the engine doubted is re-chosen in context, nothing else moves."""

from types import SimpleNamespace

import pytest

from sohoa.diacritics import repair
from sohoa.diacritics.restore import load_default_restorer
from sohoa.diacritics.restore.ocr_evidence import OcrEvidence, OcrMarkFixer

pytestmark = pytest.mark.skipif(load_default_restorer() is None, reason="no shipped restorer model")


def evidence(**forms) -> OcrEvidence:
    words = [SimpleNamespace(text=word, alternatives=alts) for word, alts in forms.items()]
    return OcrEvidence.from_words("tesseract-vie-best", words)


def fixer(ev: OcrEvidence) -> OcrMarkFixer:
    return OcrMarkFixer(load_default_restorer(), ev)


def test_doubted_marks_are_rechosen_in_context():
    ev = OcrEvidence.from_words("tesseract-vie-best", [
        SimpleNamespace(text="triên", alternatives=(("triền", 0.99), ("triển", 0.98))),
        SimpleNamespace(text="chuyên", alternatives=(("chuyền", 0.6), ("chuyển", 0.5))),
        SimpleNamespace(text="đồi", alternatives=(("đôi", 0.85), ("đổi", 0.83))),
    ])
    result = repair("Các xã triên khai chuyên đồi số trên địa bàn.", ocr=ev)
    assert result.text == "Các xã triển khai chuyển đổi số trên địa bàn."
    assert {e.fixer for e in result.edits} == {"restore.ocr-evidence"}


def test_case_is_kept():
    ev = evidence(**{"TRIÊN": (("TRIỂN", 0.9),)})
    assert repair("KẾ HOẠCH TRIÊN KHAI", ocr=ev).text == "KẾ HOẠCH TRIỂN KHAI"


def test_correct_words_stay_even_when_doubted():
    ev = evidence(**{"triển": (("triên", 0.9),), "số": (("sô", 0.9), ("sổ", 0.9)), "đổi": (("đồi", 0.9),)})
    text = "Các xã triển khai chuyển đổi số trên địa bàn."
    assert repair(text, ocr=ev).text == text


def test_no_alternative_no_change():
    """The pixels must allow the other reading: a slip the engine did not doubt stays."""
    text = "Các xã triên khai nhiệm vụ."
    assert repair(text, ocr=evidence()).text == repair(text).text


def test_only_for_vietnamese_tesseract():
    ev = OcrEvidence.from_words("tesseract-eng-system", [SimpleNamespace(text="triên", alternatives=(("triển", 0.9),))])
    assert repair("Các xã triên khai nhiệm vụ.", ocr=ev).text == repair("Các xã triên khai nhiệm vụ.").text


def test_min_confidence_respected():
    ev = evidence(**{"triên": (("triển", 0.9),)})
    result = repair("Các xã triên khai nhiệm vụ.", ocr=ev, min_confidence=1.0)
    assert "triên" in result.text
    assert any(f.fixer == "restore.ocr-evidence" for f in result.flags)


def test_evidence_keys_strip_punctuation():
    ev = evidence(**{"số;": (("sô;", 0.4), ("sổ;", 0.1))})
    assert ev.forms("số") == (("sô", 0.4), ("sổ", 0.1))
