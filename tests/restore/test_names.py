"""How a syllable written with a capital inside a sentence is toned: the name table and its use."""

from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from sohoa.diacritics.restore.names import (NameCounts, build_table, inside_sentence_capitals, read_table,
                                            readings_by_id, table_path, write_table)
from sohoa.diacritics.restore.tokens import tokenize_text


def _marked(text: str) -> list[str]:
    tokens = tokenize_text(text)
    return [t.text for t, mark in zip(tokens, inside_sentence_capitals(tokens)) if mark]


def test_capitals_inside_a_sentence_are_those_after_a_word_or_a_comma():
    assert _marked("Ca sĩ Lâm Chấn Khang hát. Nhưng Thắng ở Huế, Đà Nẵng") == ["Lâm", "Chấn", "Khang", "Thắng", "Huế",
                                                                              "Đà", "Nẵng"]


@pytest.mark.parametrize("text", [
    "Lâm sàng",                      # a line's first word
    "hết. Làm việc",                 # a sentence's first word
    "họ nói: Làm sao",               # after a colon
    "gọi là “Thắng” thôi",           # after a quote
    "Sở GDĐT và UBND tỉnh",          # capitals all through: acronyms
])
def test_no_capital_inside_a_sentence(text):
    assert _marked(text) == []


def test_the_table_counts_forms_often_enough_written_and_reads_back(tmp_path):
    texts = ["Doanh nghiệp của anh Khắc Lâm phát triển, anh Lâm nói."] * 2 + ["Họ làm việc với ông Lâm và bà Lam"]
    table = build_table(texts)
    assert table["lam"] == {"lâm": 5}        # 'Lam' once: below the form count; 'làm' never a capital
    assert "khac" not in table               # 'Khắc' twice: a key needs three
    assert NameCounts().table() == {}
    path = table_path(tmp_path / "model.npz")
    assert path.name == "model.names.tsv"
    write_table(table, path)
    assert read_table(path) == table
    assert read_table(tmp_path / "missing.tsv") == {}


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("Doanh nghiep cua anh Khac Lam da phat trien", "Doanh nghiệp của anh Khắc Lâm đã phát triển"),
    ("Cau thu The Nhat dam thang mat doi thu", "Cầu thủ Thế Nhật đâm thẳng mặt đối thủ"),
    # a sentence's first word is no name: 'Làm', as before
    ("Ho noi: Lam sao bay gio?", "Họ nói: Làm sao bây giờ?"),
    ("Lam viec cham chi", "Làm việc chăm chỉ"),
])
def test_a_capital_inside_a_sentence_is_toned_as_a_name(text, expected):
    from sohoa.diacritics.compose import apply_edits
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    assert apply_edits(text, restorer.find_edits(text)) == expected


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊÔƠƯáàảãạấầẩẫậéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ0123456789.,-Ŏ ", max_size=12))
@settings(max_examples=400, deadline=None)
def test_a_token_s_key_alone_is_the_key_the_vocabulary_always_gave_it(token):
    """The name table's keys are turned into ids by their key alone (no parse of a target): the
    key is the one `key_and_target` gave before it was split off."""
    from sohoa.diacritics.restore.tokens import NUMBER, UNKNOWN, context_key, key_and_target
    from sohoa.diacritics.syllables import strip_marks

    if token.isalpha():
        before = strip_marks(token.lower())
    elif token.isdigit():
        before = NUMBER
    elif token.isalnum():
        before = UNKNOWN
    else:
        before = token
    assert context_key(token) == key_and_target(token)[0] == before


@pytest.mark.shipped_model
def test_the_name_table_in_ids_takes_each_key_s_own_id():
    from sohoa.diacritics.restore import load_default_restorer

    vocabulary = load_default_restorer().vocabulary
    key = next(k for k in vocabulary.keys if vocabulary.n_cands[vocabulary.key_ids[k]] >= 2 and k.isalpha())
    forms = [vocabulary.targets[t] for t, _ in vocabulary.model.candidates(vocabulary.key_ids[key])][:2]
    readings = readings_by_id({key: {forms[0]: 5, forms[1]: 2}, "zzqx": {"zzqx": 3}}, vocabulary)
    assert readings == {vocabulary.ids(key)[0]: Counter({vocabulary.target_ids[forms[0]]: 5,
                                                          vocabulary.target_ids[forms[1]]: 2})}
