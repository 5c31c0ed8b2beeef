"""Which words are garble: English-model OCR writes digits and signs for letters and marks."""

from __future__ import annotations

import pytest

from sohoa.diacritics.restore.tokens import ocr_letters


@pytest.mark.parametrize("token, letters", [
    ("c6ng", "cong"), ("1anh", "lanh"), ("nhi€m", "nhiem"), ("t&t", "tat"), ("1¢", "le"), ("nhi¢m", "nhiem"), ("k¥", "ky"),
    # a sign right after the vowel it stands for is that vowel's mark: 'tổ' read 'to6'
    ("to6", "to"), ("ho6i", "hoi"), ("ba4o", "bao"),
    ("cong", "cong"), ("2021", "2o2l"),
])
def test_ocr_letters(token, letters):
    assert ocr_letters(token) == letters


@pytest.mark.parametrize("token", ["to6", "Co6", "ho6i", "c6ng", "chirc", "dugc", "1¢", "s¢"])
def test_garbled_tokens_are_told_from_words(token):
    from sohoa.diacritics.restore import load_default_restorer

    assert load_default_restorer().damage.suspicious(token)


@pytest.mark.parametrize("token", ["công", "COVID", "Facebook", "b", "2021", "Đắk",
                                   # foreign words the corpus rarely wrote: three vowel groups
                                   "Diploma", "Advanced", "Bentayga"])
def test_words_are_not_garble(token):
    from sohoa.diacritics.restore import load_default_restorer

    assert not load_default_restorer().damage.suspicious(token)


def test_a_correct_line_with_foreign_words_keeps_its_marks_alone():
    # rare foreign words are no sign of English-model OCR: the line's marks are its author's
    from sohoa.diacritics import repair

    line = "đẳng nâng cao (Diploma, Advanced Diploma) của Úc; Chứng chỉ kỹ năng nghề "
    assert repair(line).text == line


@pytest.mark.shipped_model
def test_an_english_model_mark_on_a_vietnamese_shape_tells_a_line_alone_is_garble():
    """'viéc' (no spelling allows 'é' there) is English-model OCR's own signature: a line read
    alone with it and one more garbled word is garble, and its digits for letters are read."""
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    line = "tai, Thu Huong dang mang thai lan 2 6 thang tht 8 nhung van lam viéc, quan ly"
    assert restorer.profile(tokenize_text(line)).garble > 0
    assert "ở tháng thứ 8" in restore_line(restorer, line)


def restore_line(restorer, text: str) -> str:
    from sohoa.diacritics.compose import apply_edits

    return apply_edits(text, restorer.find_edits(text))


@pytest.mark.shipped_model
def test_spellings_english_model_ocr_writes_more_than_clean_text_count_as_garble():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    damage = restorer.damage
    # 'sé' is the OCR's 'sẽ', 'sở' and 'số', 'mét' its 'một'; clean text writes 'có' and 'là' far more
    assert damage.english_spelling("sé") and damage.english_spelling("mét")
    assert not damage.english_spelling("có") and not damage.english_spelling("là")
    # beside other damage ('ctia' for 'của') they add to it; alone they prove nothing
    garbled = restorer.profile(tokenize_text("Toi sé di mét minh vao ngay hai ve nha ctia ong ba")).garble
    plain = restorer.profile(tokenize_text("Toi se di met minh vao ngay hai ve nha ctia ong ba")).garble
    assert garbled > plain
    assert restorer.profile(tokenize_text("Toi sé di mét minh ve nha")).garble == 0


@pytest.mark.shipped_model
@pytest.mark.parametrize("line, restored", [
    ("Trong khi do, mét cuu nghé si lai noi rang anh van thich choi nhac jazz",
     "Trong khi đó, một cựu nghệ sĩ lại nói rằng anh vẫn thích chơi nhạc jazz"),
    ("Can ct Luat Dat dai ngay 29 thang 11 nam 2013 va Nghi dinh sé 43",
     "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013 và Nghị định số 43"),
])
def test_a_line_alone_showing_marks_without_a_vietnamese_only_letter_is_garble(line, restored):
    """Too few garbled words to tell by their share ('ct', 'mét'), but the marks it shows are all
    Latin-1's on a dozen words and more, most of them lost: English-model OCR, read as such."""
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    assert restorer.profile(tokenize_text(line)).garble == 1.0
    assert restore_line(restorer, line) == restored


@pytest.mark.shipped_model
def test_garbled_words_the_english_model_is_known_to_write_count_twice():
    """'Nhiing', 'ngudi', 'dugc' are the English model's own spellings of 'những', 'người', 'được'
    (the channel saw them): they make a line garble, as impossible marks would; as many rare
    words the channel never saw may be names ('Sato', 'Tosic')."""
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    garbled = "Nhiing ngudi dan trong xa dugc chinh quyen ho tro trong nhieu nam qua"
    assert restorer.profile(tokenize_text(garbled)).garble == 1.0
    named = "Nhung nguoi dan trong xa duoc ong Sato va ba Tosic ho tro trong nhieu nam qua"
    misread = "Nhung nguoi dan trong xa duoc ong dugc va ba ngudi ho tro trong nhieu nam qua"
    assert restorer.profile(tokenize_text(named)).garble < restorer.settings.lone_garble
    assert restorer.profile(tokenize_text(misread)).garble > restorer.settings.lone_garble


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Cô bé Na là con gái út nhà ông Tám ở cuối làng",  # Latin-1 letters alone, its marks kept
    "ngân hàng thanh toán cho Ngân hàng Chúng tôi theo các thông tin sau:",
    "Cong ty cong bo ket qua kinh doanh quy ba tai Ha Noi",  # de-accented: no mark at all
])
def test_texts_without_a_vietnamese_only_letter_that_keep_their_marks_or_show_none_are_no_garble(line):
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    assert load_default_restorer().profile(tokenize_text(line)).garble == 0.0


@pytest.mark.shipped_model
def test_a_correct_line_of_latin1_letters_alone_stays():
    from sohoa.diacritics import repair

    line = "Cô bé Na là con gái út nhà ông Tám ở cuối làng"
    assert repair(line).text == line


@pytest.mark.parametrize("line", ["Dài hai mét, rộng ba mét", "Mé bé có cá", "Cô bé té ngã", "Chị Hà té ở Kon Tum"])
@pytest.mark.shipped_model
def test_correct_latin1_lines_with_english_model_spellings_stay(line):
    """'mét', 'bé', 'té' are what English-model OCR writes for other words, and words of their
    own: in a line that shows no other damage they prove nothing, and the line stays."""
    from sohoa.diacritics import repair

    assert repair(line).text == line


@pytest.mark.parametrize("word", ["District", "you", "scheduled", "Street", "and", "with"])
def test_foreign_spellings(word):
    from sohoa.diacritics.restore.damage import foreign_spelling

    assert foreign_spelling(word)


@pytest.mark.parametrize("word", ["to", "the", "due", "nguoi", "quốc", "Giấy", "UBND", "HĐND", "ii", "thuỷ"])
def test_words_a_vietnamese_spelling_allows_or_too_short_to_tell_are_no_foreign_spellings(word):
    from sohoa.diacritics.restore.damage import foreign_spelling

    assert not foreign_spelling(word)


def test_a_foreign_neighbourhood_is_two_foreign_spellings_near_a_word_in_its_line():
    from sohoa.diacritics.restore.damage import foreign_neighbourhood
    from sohoa.diacritics.restore.tokens import tokenize_text

    text = "72 Tran Duy Hung Street, Cau Giay District\nCau Giay\nStreet Cau Giay"
    tokens = tokenize_text(text)
    found = {tokens[i].text + f"@{tokens[i].start}" for i in foreign_neighbourhood(tokens)}
    # 'Giay' sees 'Street' and 'District'; 'Tran' only 'Street'; the lines below see one each at most
    assert found == {"Hung@12", "Cau@25", "Giay@29"}


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "To: Residents of Sunrise Tower, 72 Tran Duy Hung Street, Cau Giay District",
    "1. The Building Management Board would like to inform you that, due to the scheduled cleaning of the tank.",
    "Address: No. 25 Ly Thuong Kiet Street, Tran Hung Dao Ward, Hoan Kiem District, Hanoi.",
])
def test_a_foreign_phrase_in_a_text_that_keeps_its_marks_stays(line):
    """In a bilingual notice the English lines' words that could be Vietnamese syllables ('due'
    duệ, 'Giay' giấy) are words of a foreign phrase, not syllables that lost their marks."""
    from sohoa.diacritics import repair

    text = f"Kính gửi: Quý cư dân Tòa nhà, quận Cầu Giấy, thành phố Hà Nội.\n{line}\nBan Quản lý trân trọng thông báo.\n"
    assert repair(text).text == text


@pytest.mark.shipped_model
def test_a_de_accented_text_with_foreign_names_is_still_restored():
    """The guard is for text that keeps its marks: de-accented text is restored, foreign words and all."""
    from sohoa.diacritics import repair

    text = "Cong ty Samsung Electronics cong bo ket qua kinh doanh quy ba tai Ha Noi\n"
    assert "công bố kết quả kinh doanh" in repair(text).text.lower()


@pytest.mark.shipped_model
def test_a_line_mostly_of_foreign_spellings_is_another_language():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    damage = load_default_restorer().damage
    english = "We met at the cafe near the bank on a long way home"
    tokens = tokenize_text(f"{english}\nCong ty Samsung Electronics cong bo ket qua kinh doanh\n"
                           "Gmail se ngung ho tro Chrome tren Windows XP va Vista\n"
                           "she said the menu was good, tuy nhién")
    found = {tokens[i].text for i in damage.foreign_phrases(tokens)}
    assert set(english.split()) <= found
    # names in de-accented Vietnamese say nothing of its language
    assert not {"Cong", "cong", "ket", "kinh", "Gmail", "ngung", "tren"} & found
    assert "nhién" not in found and "menu" in found  # marks no Vietnamese allows are OCR's, even there
    assert damage.foreign_phrases(tokenize_text("the annual report")) == set()  # too few words to tell


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "We met at the cafe near the bank on a long way home, and she said the menu was good.\n",
    "We met at the café near the bank on a long way home, and she said the menu was très bon.\n",
    "Le résumé du projet: la vie est douce à Hanoï, mais le bruit des motos est incroyable.\n",
    'Tiếng Đức: "Guten Tag, wie geht es Ihnen?" – Tiếng Tây Ban Nha: "Hola, ¿cómo estás?"\n',
    # a number in such a line is a number, not English-model OCR's '1a' for 'là'
    "The delta is home to nearly 18 million people and grows more than half of the rice.\n",
    "We met 14 friends and 6 teachers at the cafe near the bank on a long way home.\n",
])
def test_lines_of_another_language_come_out_of_repair_as_written(text):
    """English and French are no Vietnamese that lost its marks ('We met' had become 'Ở một',
    'la vie' 'là việc')."""
    from sohoa.diacritics import repair

    assert repair(text).text == text
