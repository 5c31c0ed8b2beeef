"""The Vietnamese grammar (`sohoa.diacritics.syllables`): golden and negative cases, and the laws
that tie parsing, spelling, tone placement and keys together."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from sohoa.diacritics.syllables import (
    FINALS, NUCLEI, ONSETS, TONES, Syllable, apply_case, canonical, has_marks, is_syllable, is_valid_key,
    key_of, parse, place_tone, rime_allowed, split_tone, strip_marks, tone_allowed,
)

ATTESTED = Path(__file__).resolve().parents[2] / "diacritics" / "data" / "syllables.txt"


@pytest.mark.parametrize("word", [
    "người", "quyết", "nghiêng", "khuyếch", "giữ", "gìn", "già", "quý", "khuya", "khuỷu", "hoặc", "thuở",
    "xoong", "huỳnh", "ếch", "kinh", "sách", "oanh", "hoạch", "uống", "ươn", "yêu", "ĐẢNG", "Nghị",
    # final k: place names of the Central Highlands, with any tone
    "Đắk", "Lắk", "Búk", "Buk", "Đăk", "ĐẮK",
    # k before any vowel in names: 'Kon Tum', 'Kon Plông'
    "Kon", "Tum",
])
def test_syllables_of_vietnamese_spelling_are_accepted(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word, why", [
    ("tiê", "iê needs a final"), ("tain", "a nucleus ending in a glide takes no final"),
    ("Rain", "the same, an English word"), ("onh", "nh follows a, ê, i, y only"), ("ưnh", "the same"),
    ("ăch", "the same"), ("Penh", "the same: 'e' + 'nh' is no Vietnamese rime"),
    ("ing", "ng never follows i"), ("King", "the same"), ("íc", "c never follows i"),
    ("càc", "a stop final takes only sắc or nặng"), ("hỏp", "the same"),
    ("hóà", "two different tone marks"), ("book", "k follows a single vowel"),
    ("Krông", "'kr' is no onset"), ("q", "no vowel"), ("qa", "'q' only in 'qu'"), ("xyz", "no vowel run"),
    ("", "empty"), ("Nîmes", "î is no Vietnamese letter"),
])
def test_non_syllables_are_rejected(word, why):
    assert not is_syllable(word), why


def test_the_same_mark_on_two_vowels_counts_once():
    assert parse("hóá") == parse("hóa")
    assert place_tone("hóá", "old") == "hóa"


@pytest.mark.parametrize("word, old, new", [
    ("hoà", "hòa", "hoà"), ("thủy", "thủy", "thuỷ"), ("khoẻ", "khỏe", "khoẻ"), ("HOÀ", "HÒA", "HOÀ"),
    ("quý", "quý", "quý"), ("người", "người", "người"), ("hoàn", "hoàn", "hoàn"), ("ngoài", "ngoài", "ngoài"),
    ("Đắk", "Đắk", "Đắk"),
])
def test_tone_placement_styles(word, old, new):
    assert place_tone(word, "old") == old
    assert place_tone(word, "new") == new


def test_canonical_is_the_old_placement_in_the_tokens_case():
    assert canonical("hoà") == "hòa"
    assert canonical("Thuỷ") == "Thủy"
    assert canonical("KHOẺ") == "KHỎE"
    assert canonical("hoa") == "hoa" and canonical("iPhone") == "iPhone"


@pytest.mark.parametrize("key, valid", [
    ("nguoi", True), ("dak", True), ("lak", True), ("kenh", True), ("thuo", True), ("gi", True),
    ("chirc", False), ("dugc", False), ("tie", False), ("main", False), ("ing", False), ("book", False),
    ("làm", False), ("GDDT".lower(), False),
])
def test_keys(key, valid):
    assert is_valid_key(key) is valid


def test_keys_and_marks():
    assert key_of("Nghị") == "nghi" and strip_marks("Đảng") == "Dang"
    assert split_tone("hòa") == ("hoa", "huyen") and split_tone("hoa") == ("hoa", None)
    assert has_marks("đi") and has_marks("ưu") and has_marks("é") and not has_marks("Nîmes") and not has_marks("ban")
    assert apply_case("KET", "kết") == "KẾT" and apply_case("Pang", "đảng") == "Đảng" and apply_case("1A", "là") == "là"


def test_every_attested_syllable_is_accepted():
    """The syllables of the training corpus (diacritics/data/syllables.txt) are Vietnamese, but
    for foreign words and names the corpus writes, which break the rime rules on purpose."""
    foreign = {"bing", "ching", "ing", "king", "ling", "ming", "ning", "phing", "ping", "ring", "sing", "thing",
               "ting", "xing",  # 'ng' after 'i': English and Chinese names ('King', 'Ming')
               "penh", "kenh",  # 'e' + 'nh': 'Phnom Penh'; 'kenh' is 'kênh' typed without its circumflex
               "xunh",  # 'u' + 'nh': a typo
               "níc"}   # 'c' after 'i': a personal name ('Dương Văn Níc')
    words = [w for w in ATTESTED.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")]
    assert len(words) > 5000
    assert sorted(w for w in words if not is_syllable(w)) == sorted(foreign)
    assert all(is_valid_key(strip_marks(w)) for w in words if w not in foreign)


# -- laws ------------------------------------------------------------------------------------
def _syllables():
    """Every well-formed (onset, nucleus, final, tone) the tables allow."""
    onsets = st.sampled_from(("",) + ONSETS)
    rimes = st.sampled_from(sorted((n, f) for n in NUCLEI for f in FINALS if rime_allowed(n, f)))
    return st.builds(lambda o, r, t: Syllable(o, r[0], r[1], t), onsets, rimes, st.sampled_from(TONES)).filter(
        lambda s: tone_allowed(s.final, s.tone)
        # 'gi'/'qu' + a vowel is read as the onset: 'g' + 'ia' is spelled as 'gi' + 'a'
        and not (s.onset == "g" and s.nucleus.startswith("i") and len(s.nucleus) > 1))


@settings(max_examples=400, deadline=None)
@given(_syllables(), st.sampled_from(("old", "new")))
def test_spelling_and_parsing_round_trip(syllable, style):
    word = syllable.spell(style)
    assert parse(word) == syllable
    assert parse(word.upper()) == syllable
    assert is_valid_key(syllable.key) and strip_marks(word) == syllable.key == key_of(word.upper())


@settings(max_examples=400, deadline=None)
@given(_syllables(), st.sampled_from(("old", "new")), st.sampled_from(("old", "new")))
def test_placement_moves_the_mark_only(syllable, written, wanted):
    word = syllable.spell(written)
    placed = place_tone(word, wanted)
    assert placed == syllable.spell(wanted)
    assert place_tone(placed, wanted) == placed  # idempotent
    assert split_tone(placed)[0] == split_tone(word)[0] and split_tone(placed)[1] == (syllable.tone or None)
    assert canonical(word) == syllable.spell("old")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳ", min_size=1, max_size=8))
def test_laws_on_any_string(word):
    syllable = parse(word)
    assert (syllable is not None) == is_syllable(word)
    if syllable is not None:
        assert is_valid_key(key_of(word))
        assert place_tone(word, "old").lower() == syllable.spell("old")
    assert has_marks(word) == (strip_marks(word) != word)
    assert strip_marks(strip_marks(word)) == strip_marks(word)
    assert apply_case(word.upper(), word).lower() == word.lower()
