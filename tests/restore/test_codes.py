"""Codes, numbers and dates the OCR misread: mended only where the grammar and the engine's own
readings (or its known confusions) agree; everything else stays as read."""

from types import SimpleNamespace

import pytest

from sohoa.diacritics import repair
from sohoa.diacritics.restore.codes import (
    CodeReadingFixer, CodeVocabulary, build_vocabulary, default_vocabulary, learn_confusions, read_vocabulary,
    table_path, write_vocabulary,
)
from sohoa.diacritics.restore.ocr_evidence import OcrEvidence

VOCABULARY = CodeVocabulary(
    types={"QĐ": 50, "TTr": 20, "NQ": 40, "QH15": 30, "KH": 10},
    issuers={"UBND": 60, "HĐND": 20, "TTg": 40, "CP": 90, "TW": 10},
    acronyms={"UBND": 500, "HĐND": 200, "TTHC": 40, "QĐ": 300},
    confusions={"]": {"1": 0.01}, "l": {"1": 0.005}, "O": {"0": 0.02}, "J": {"1": 0.004}},
)


def fixer(**readings) -> CodeReadingFixer:
    return CodeReadingFixer(VOCABULARY, {word: tuple(forms) for word, forms in readings.items()})


def mended(text: str, **readings) -> str:
    edits = fixer(**readings).find_edits(text)
    out = text
    for e in sorted(edits, key=lambda e: -e.start):
        out = out[:e.start] + e.after + out[e.end:]
    return out


def test_a_code_type_the_engine_doubted_is_read_as_the_grammar_wants():
    assert mended("Số: 10/TTY-HĐND", **{"10/TTY-HĐND": [("10/TT!-HĐND", 0.8), ("10/TTr-HĐND", 0.7)]}) \
        == "Số: 10/TTr-HĐND"


def test_a_doubled_d_read_twice_is_one_letter():
    # 'Đ' read at two steps, once as the look-alike eth: no reading needed
    assert mended("Quyết định số 15/QĐÐ-UBND ngày") == "Quyết định số 15/QĐ-UBND ngày"
    assert mended("theo QĐÐ của") == "theo QĐ của"


def test_day_month_and_numbers_of_a_date():
    assert mended("ngày 3] tháng 12 năm 2024") == "ngày 31 tháng 12 năm 2024"  # known confusion ']' for '1'
    assert mended("ngày l6 tháng 5") == "ngày 16 tháng 5"
    assert mended("hạn đến 3]/12/2024 để") == "hạn đến 31/12/2024 để"
    assert mended("Luật số 12/2024/QH715", **{"12/2024/QH715": [("12/2024/QH15", 0.3)]}) \
        == "Luật số 12/2024/QH15"


def test_a_day_read_as_letters_is_a_number_only_where_the_engine_weighed_digits():
    assert mended("ngày lổ tháng 02 năm 2025", **{"lổ": [("1ổ", 0.69), ("l8", 0.63)]}) == "ngày 18 tháng 02 năm 2025"
    assert mended("ngày lổ tháng 02 năm 2025") == "ngày lổ tháng 02 năm 2025"


def test_an_item_number_at_the_start_of_a_line():
    assert mended("Mở đầu\n]. Rà soát, kiện toàn tổ chức") == "Mở đầu\n1. Rà soát, kiện toàn tổ chức"


def test_an_acronym_the_engine_doubted_becomes_the_one_the_text_uses():
    text = "hoàn thành TIHC nội bộ; công bố TTHC mới"
    assert mended(text, TIHC=[("TTHC", 0.56), ("TJHC", 0.25)]) == "hoàn thành TTHC nội bộ; công bố TTHC mới"


def test_an_acronym_clean_text_mostly_writes_with_d_stroke_takes_it_where_the_engine_weighed_it():
    vocabulary = CodeVocabulary(types=VOCABULARY.types, issuers=VOCABULARY.issuers,
                                acronyms={**VOCABULARY.acronyms, "PGD": 3, "PGĐ": 28, "DN": 90})
    assert not vocabulary.writes_as_is("PGD") and vocabulary.writes_as_is("PGĐ") and vocabulary.writes_as_is("DN")
    text = "- Giám đốc, PGD Sở;"
    edits = CodeReadingFixer(vocabulary, {"PGD": (("PGĐ", 0.64),)}).find_edits(text)
    assert [(e.before, e.after) for e in edits] == [("PGD", "PGĐ")]
    assert CodeReadingFixer(vocabulary, {}).find_edits(text) == []  # the engine never weighed it


def test_two_readings_that_fit_make_a_proposal_not_a_change():
    (edit,) = fixer(**{"1Z": [("15", 0.6), ("16", 0.6)]}).find_edits("ngày 1Z tháng 5 năm 2025")
    assert edit.after in ("15", "16") and edit.confidence < 0.5  # left for review at the default threshold


def test_the_engine_and_its_known_confusion_agreeing_settle_it():
    # the engine weighed '1' and '7' for ']' about alike; ']' is how it writes a '1', never a '7'
    (edit,) = fixer(**{"0]": [("01", 0.66), ("07", 0.6)]}).find_edits("ngày 15 tháng 0] năm 2025")
    assert edit.after == "01" and edit.confidence > 0.9


GOOD = [
    "Số: 10/TTr-HĐND ngày 12 tháng 5 năm 2025",
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;",
    "Công văn số 5633/VPCP-KSTT ngày 25/7/2023",  # an issuer the vocabulary does not know
    "1. Rà soát; a) điểm a; II. Nhiệm vụ",
    "Điều 10a. Khoản 2b; mục I",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM; XA HỌI CHU",
    "Tài liệu tham khảo [3] và [12].",
    "Ký hiệu NC(Vi16); mã ABCX; mẫu C46-P12",
]


@pytest.mark.parametrize("line", GOOD)
def test_correct_tokens_stay(line):
    assert fixer().find_edits(line) == []


def test_an_unknown_code_stays_even_when_doubted():
    text = "Công văn số 85/VP-TTXH ngày 08/01/2025"
    assert mended(text, **{"85/VP-TTXH": [("85/VP-TTXB", 0.9)]}) == text


def test_a_known_part_is_never_read_otherwise():
    text = "Quyết định số 1648/QĐ-UBND"
    assert mended(text, **{"1648/QĐ-UBND": [("1648/QĐ-UBNO", 0.9), ("1648/NQ-UBND", 0.9)]}) == text


def test_vocabulary_is_learned_from_text_and_read_back(tmp_path):
    texts = ["Căn cứ Nghị định số 15/2020/NĐ-CP và Quyết định 12/QĐ-TTg; Nghị quyết số 57-NQ/TW của UBND."] * 3
    vocabulary = build_vocabulary(texts)
    assert vocabulary.is_type("NĐ") and vocabulary.is_type("QĐ") and vocabulary.is_type("NQ")
    assert vocabulary.is_issuer("CP") and vocabulary.is_issuer("TTg") and vocabulary.is_issuer("TW")
    assert vocabulary.acronyms["UBND"] == 3 and not vocabulary.is_type("CP")
    confusions = learn_confusions([("3]", "31"), ("3]/12", "31/12"), ("SVÐĐ", "SVĐ"), ("SVÐĐ", "SVĐ"), ("ok", "ok")])
    assert confusions["]"]["1"] > 0 and confusions["Ð"][""] > 0
    vocabulary = CodeVocabulary(vocabulary.types, vocabulary.issuers, vocabulary.acronyms, confusions)
    path = tmp_path / "m.codes.tsv"
    write_vocabulary(vocabulary, path)
    assert read_vocabulary(path) == vocabulary
    assert table_path(tmp_path / "m.npz") == path


def test_shipped_vocabulary_knows_the_common_codes():
    vocabulary = default_vocabulary()
    assert vocabulary.code_is_known("15/2020/NĐ-CP") and vocabulary.code_is_known("12/2024/QH15")
    assert vocabulary.code_is_known("10/TTr-HĐND") and vocabulary.code_is_known("45/KH-UBND")
    assert not vocabulary.code_is_known("10/711Y-HĐND")


def test_the_pipeline_mends_codes_of_ocr_text_only():
    words = [SimpleNamespace(text="0]", alternatives=(), readings=(("01", 0.7), ("0J", 0.8))),
             SimpleNamespace(text="10/TTY-HĐND", alternatives=(), readings=(("10/TTr-HĐND", 0.7),))]
    evidence = OcrEvidence.from_words("tesseract-vie-best", words)
    text = "Số: 10/TTY-HĐND\nngày 15 tháng 0] năm 2025"
    result = repair(text, ocr=evidence)
    assert result.text == "Số: 10/TTr-HĐND\nngày 15 tháng 01 năm 2025"
    assert {e.fixer for e in result.edits} == {"code.ocr-reading"}
    assert repair(text).text == text  # not read by OCR: nothing to go on
    assert repair(text, ocr=evidence, min_confidence=0.99).text == text  # --min-confidence holds
