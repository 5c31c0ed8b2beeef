"""Acronyms that lost their 'Đ': the learned table and the acronyms a document spells out."""

import pytest

from sohoa.diacritics.restore.acronyms import build_table, read_table, spelled_out, table_path, write_table


def test_table_keeps_forms_clean_text_writes_with_d_stroke(tmp_path):
    texts = ["Sở GDĐT và HĐND tỉnh"] * 6 + ["giá 100 VNĐ", "giá 100 VND", "DA Dự án", "ĐA"] * 3
    table = build_table(texts)
    assert table["GDDT"][0] == "GDĐT" and table["HDND"][0] == "HĐND"
    assert "VND" not in table  # written both ways: no rule
    assert "DA" not in table  # a syllable's key
    path = table_path(tmp_path / "model.npz")
    write_table(table, path)
    assert read_table(path) == {"GDDT": "GDĐT", "HDND": "HĐND"}


@pytest.mark.parametrize("words, acronym, expected", [
    (["chương", "trình", "đào", "tạo"], "CTDT", "CTĐT"),
    (["Quy", "chế", "chương", "trình", "đào", "tạo"], "CTĐT", "CTĐT"),
    (["trình", "đào", "tạo"], "CTDT", None),
    (["kế", "hoạch", "đầu", "tư"], "CTDT", None),
])
def test_spelled_out(words, acronym, expected):
    assert spelled_out(words, acronym) == expected


@pytest.mark.shipped_model
def test_a_document_settles_its_own_acronyms():
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    text = "Theo chuong trinh dao tao (CTDT) moi, cac CTDT duoc ra soat hang nam"
    after = {e.before: e.after for e in restorer.find_edits(text) if e.before.isupper()}
    assert after == {"CTDT": "CTĐT"}


@pytest.mark.shipped_model
def test_acronyms_of_the_table_are_restored_in_text_without_marks():
    from sohoa.diacritics.pipeline import repair

    assert repair("So GDDT va BGDDT, ve DBSCL").text == "Sở GDĐT và BGDĐT, về ĐBSCL"


def test_acronyms_joined_by_an_ampersand_are_restored_part_by_part():
    from sohoa.diacritics.restore.acronyms import acronym_edits
    from sohoa.diacritics.restore.tokens import tokenize

    text = "Bo GD&DT va So KH&DT, R&D"
    tokens = tokenize(text)
    edits = acronym_edits(tokens, [t.text for t in tokens], {"DT": "ĐT"})
    assert [(text[e.start:e.end], e.after) for e in edits] == [("DT", "ĐT"), ("DT", "ĐT")]
    assert [e.start for e in edits] == [text.index("GD&DT") + 3, text.index("KH&DT") + 3]


@pytest.mark.shipped_model
def test_an_ampersand_acronym_is_restored_in_text_without_marks():
    from sohoa.diacritics.pipeline import repair

    assert "GD&ĐT" in repair("Kinh gui Truong phong GD&DT cac quan huyen").text


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", ["Giá gói thầu 100 triệu VND", "đề án GDDT của trường", "(CTĐT)",
                                  "chương trình đào tạo (CTĐT)", "Sở KH&DT tỉnh Quảng Ngãi"])
def test_acronyms_in_text_that_keeps_its_marks_stay(text):
    from sohoa.diacritics.pipeline import repair

    assert repair(text).text == text


def test_a_capital_slip_is_put_back_only_in_a_code_type_the_table_does_not_know():
    from sohoa.diacritics.restore.acronyms import CAPITAL_SLIPS, acronym_edits
    from sohoa.diacritics.restore.tokens import tokenize

    text = "Quyet dinh 761/OD-UBND va 12/2024/OD-TTg; OD-UBND, 5/OD va 7/DO-OD"
    tokens = tokenize(text)
    table = {"QD": "QĐ"}
    edits = acronym_edits(tokens, [t.text for t in tokens], table, CAPITAL_SLIPS)
    assert [(e.start, e.after) for e in edits] == [(text.index("OD-UBND"), "QĐ"), (text.index("OD-TTg"), "QĐ")]
    assert acronym_edits(tokens, [t.text for t in tokens], table) == []  # no slips: English-model OCR only
    known = acronym_edits(tokens, [t.text for t in tokens], {"QD": "QĐ", "OD": "OĐ"}, CAPITAL_SLIPS)
    assert {e.after for e in known} == {"OĐ"}  # the table's own reading wins


@pytest.mark.shipped_model
def test_english_model_garble_gets_its_codes_and_quyet_back_and_correct_text_keeps_them():
    from sohoa.diacritics.pipeline import repair

    garble = "Can cu Ouyét dinh s6 761/OD-UBND ngay 12/3/2024 cua UBND tinh vé viéc ban hanh quy ché"
    assert repair(garble).text.startswith("Căn cứ Quyết định số 761/QĐ-UBND ngày 12/3/2024 của UBND tỉnh")
    written = "Căn cứ Quyết định số 761/OD-UBND ngày 12/3/2024 của UBND tỉnh"
    assert repair(written).text == written
