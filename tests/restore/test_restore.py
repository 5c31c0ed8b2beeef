"""The diacritic restorer: a small model trained on the fly, plus golden cases on the shipped model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sohoa.diacritics.compose import apply_edits, check_edits
from sohoa.diacritics.records import Edit
from sohoa.diacritics.restore import load_restorer
from sohoa.diacritics.restore.channel import learn_channel
from sohoa.diacritics.restore.decoder import Restorer
from sohoa.diacritics.restore.model import RestorerModel
from sohoa.diacritics.syllables import apply_case, canonical, is_syllable, key_of, strip_marks
from sohoa.diacritics.restore.train import build_model

TRAINING_TEXT = """\
Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XIV, nhiệm kỳ 2020 - 2025.
Tỉnh ủy tập trung lãnh đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh.
Kết quả thực hiện nhiệm vụ năm 2021 của Đảng bộ tỉnh đạt nhiều kết quả quan trọng.
Công tác xây dựng Đảng, xây dựng hệ thống chính trị được tăng cường.
Tình hình kinh tế - xã hội tiếp tục có bước phục hồi sau dịch bệnh.
Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện nghị quyết của Hội đồng nhân dân tỉnh.
Tăng cường công tác tuyên truyền, quán triệt nghị quyết đến cán bộ, đảng viên và Nhân dân.
Tổ chức thành công Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.
Thực hiện có hiệu quả các giải pháp phòng, chống dịch bệnh; bảo đảm an sinh xã hội.
Năm 2022, tỉnh phấn đấu tốc độ tăng trưởng kinh tế đạt trên 7%.
Các cấp ủy, chính quyền tập trung chỉ đạo hoàn thành các chỉ tiêu kinh tế - xã hội.
"""


def _apply(text: str, edits: list[Edit]) -> str:
    """`edits` applied to `text`, after checking they fit it and do not overlap."""
    return apply_edits(text, check_edits(text, edits))


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> RestorerModel:
    model = build_model([TRAINING_TEXT] * 3, min_count=2, min_gain=1)
    model.channel = learn_channel(
        [("ciia", "của"), ("dugc", "được"), ("Pang", "Đảng"), ("t6", "tổ"), ("chirc", "chức")] * 3
    ).to_json()
    path = tmp_path_factory.mktemp("model") / "small.npz"
    model.save(path)
    return RestorerModel.load(path)


@pytest.fixture(scope="module")
def restorer(small_model) -> Restorer:
    return Restorer(small_model)


def restore(restorer: Restorer, text: str) -> str:
    return _apply(text, restorer.find_edits(text))


# -- syllables -----------------------------------------------------------
@pytest.mark.parametrize("word, key", [("Đảng", "dang"), ("NGHỊ", "nghi"), ("người", "nguoi"), ("abc", "abc")])
def test_key_strips_every_mark(word, key):
    assert key_of(word) == key


@pytest.mark.parametrize("word, canon", [("hoà", "hòa"), ("thuỷ", "thủy"), ("HOÀ", "HÒA"), ("quốc", "quốc"),
                                         ("người", "người"), ("khoẻ", "khỏe")])
def test_tone_placement_is_canonical_old_style(word, canon):
    assert canonical(word) == canon


@pytest.mark.parametrize("word", ["quyết", "người", "Đảng", "khuỷu", "gì", "nghiêng"])
def test_valid_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["quôc", "véi", "chirc", "c6", "nhitng", "tàc"])
def test_invalid_syllables(word):
    assert not is_syllable(word)


@pytest.mark.parametrize("pattern, word, expected", [("KET", "kết", "KẾT"), ("Pang", "đảng", "Đảng"),
                                                     ("nam", "năm", "năm"), ("A", "á", "Á"),
                                                     ("B6", "bộ", "Bộ"), ("1A", "là", "là"), ("T6NG", "tổng", "TỔNG")])
def test_case_pattern_is_kept(pattern, word, expected):
    assert apply_case(pattern, word) == expected


# -- restoring de-accented text ----------------------------------------------
def test_restores_trained_phrases(restorer):
    assert restore(restorer, "Nghi quyet Dai hoi dai bieu Dang bo tinh") == "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh"


def test_keeps_upper_case(restorer):
    assert restore(restorer, "KET QUA THUC HIEN NHIEM VU") == "KẾT QUẢ THỰC HIỆN NHIỆM VỤ"


def test_edits_are_single_words_with_confidence(restorer):
    text = "Tang cuong cong tac tuyen truyen"
    edits = restorer.find_edits(text)
    assert edits
    for e in edits:
        assert text[e.start:e.end] == e.before and " " not in e.before
        assert 0.0 < e.confidence <= 1.0
        assert e.fixer == restorer.name


# -- negative cases: correct text stays as it is --------------------------------
@pytest.mark.parametrize("line", [
    "Tỉnh ủy tập trung lãnh đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh.",
    "Năm 2022, tỉnh phấn đấu tốc độ tăng trưởng kinh tế đạt trên 7%.",
    "Công tác xây dựng Đảng được tăng cường; UBND tỉnh, COVID-19, www.example.vn",
    "hoà bình và thuỷ lợi",  # new-style tone placement is correct too
    "",
    "12/2021/NQ-HĐND 45.000 tỷ đồng",
])
def test_correct_text_is_unchanged(restorer, line):
    assert restorer.find_edits(line) == []


def test_unknown_words_are_left_alone(restorer):
    assert restorer.find_edits("Microsoft Teams và Zoom") == []


# -- OCR garble ------------------------------------------------------------------
def test_garbled_english_ocr_is_repaired(restorer):
    garbled = "Cong tac xay dung Pang, t6 chirc Dai hoi dugc tang cuong ciia tinh."
    out = restore(restorer, garbled)
    assert "Đảng" in out and "tổ chức" in out and "được" in out and "của" in out


# -- laws ---------------------------------------------------------------------------
# words and numbers: a lone punctuation chunk at a line end is OCR junk and is removed on purpose
words = st.sampled_from([w.strip(".,;%") for w in TRAINING_TEXT.split() if w.strip(".,;%-")]
                        + ["abc", "Zoom", "2021", "X", "tỉnh,", "(GRDP)"])


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=14))
def test_restoring_keeps_the_deaccented_form(restorer, tokens):
    """Restoring stripped text and stripping again gives the input back (nothing but marks change)."""
    text = strip_marks(" ".join(tokens))
    assert strip_marks(restore(restorer, text)) == text


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=14))
def test_restoring_is_idempotent(restorer, tokens):
    once = restore(restorer, strip_marks(" ".join(tokens)))
    assert restore(restorer, once) == once


# -- persistence -------------------------------------------------------------------
def test_model_round_trips(tmp_path, small_model):
    path = tmp_path / "m.npz"
    small_model.save(path)
    again = RestorerModel.load(path)
    assert again.keys == small_model.keys and again.targets == small_model.targets
    assert again.channel == small_model.channel


def test_corrupt_model_is_a_model_error(tmp_path):
    from sohoa.errors import ModelError

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError):
        load_restorer(bad)


# -- the shipped model ---------------------------------------------------------------


@pytest.mark.shipped_model
@pytest.mark.parametrize("source, expected", [
    ("Nghi quyet Dai hoi", "Nghị quyết Đại hội"),
    ("KET QUA THUC HIEN NHIEM VU NAM 2021", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2021"),
    ("Cong tac xay dung Pang, xay dung he thong chinh tri", "Công tác xây dựng Đảng, xây dựng hệ thống chính trị"),
    ("Uy ban nhan dan tinh", "Ủy ban nhân dân tỉnh"),
])
def test_shipped_model_golden(source, expected):
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    assert restore(restorer, source) == expected


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Thành phố Hồ Chí Minh là trung tâm kinh tế lớn của cả nước.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Tổng sản phẩm trên địa bàn tỉnh (GRDP) tăng 6,5% so với cùng kỳ.",
])
def test_shipped_model_leaves_correct_text(line):
    from sohoa.diacritics.restore import load_default_restorer

    assert load_default_restorer().find_edits(line) == []


NAMES_AS_THEIR_BEARERS_WRITE_THEM = """\
Danh sách khách mời của hội thảo quốc tế năm nay gồm nhiều chuyên gia.
Ông Tran Van Binh, bà Le Thi Hoa, ông Pham Quoc Dung và bà Vu Thu Ha đến từ Hoa Kỳ.
Trên thẻ tên, các vị ghi TRAN VAN BINH, LE THI HOA, PHAM QUOC DUNG, VU THU HA.
Khách sạn Ha Long Bay Resort và nhà hàng Pho Viet Kitchen nằm gần Hoan Kiem Lake."""
QUOTED_FOREIGN_PASSAGES = """\
Trích thư của một du khách:
Nous sommes arrivés à Huế le matin. La pluie était légère, le café très fort et les gens très \
gentils. Après la visite de la citadelle, nous avons mangé une soupe délicieuse près du marché. Le \
soir, nous avons pris le train de nuit pour Hà Nội, où il faisait déjà froid. C'était un voyage \
inoubliable, et nous espérons revenir l'été prochain avec nos enfants.
We met a tour guide at the station. He was a tall man with a thin hat, and he took us to the old \
quarter on a long walk. The food was good and the beer was cold. On the last day we bought a silk \
dress for my mother and a lacquer box for my son.
Bản tin du lịch tỉnh Thừa Thiên Huế."""


@pytest.mark.shipped_model
@pytest.mark.parametrize("document", [NAMES_AS_THEIR_BEARERS_WRITE_THEM, QUOTED_FOREIGN_PASSAGES])
def test_a_marked_document_keeps_its_unmarked_names_and_its_foreign_passages(document):
    """Unmarked capitals in a text whose running words keep their marks are names as their
    bearers write them, and a passage in another language says nothing of the Vietnamese text's
    damage: neither makes the text look de-accented ('thẻ' → 'thế', 'thư' → 'thủ' came of it)."""
    from sohoa.diacritics.pipeline import repair

    assert repair(document).text == document


@pytest.mark.shipped_model
def test_unmarked_capitals_are_restored_where_the_running_words_lost_their_marks_too():
    from sohoa.diacritics.pipeline import repair

    assert repair("Chu tich UBND tinh Nguyen Van An ky quyet dinh phe duyet ke hoach.").text == \
        "Chủ tịch UBND tỉnh Nguyễn Văn An ký quyết định phê duyệt kế hoạch."


# -- OCR junk ------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("về Hội .\nnghị", "về Hội\nnghị"),
    ("Lắk. _", "Lắk."),
    ("| Tổ chức", "Tổ chức"),
    ("đã ˆ ˆ Theo đó", "đã Theo đó"),
    ("thay\n. đổi chính sách", "thay\nđổi chính sách"),      # no sentence starts in lower case
    ("tài\n .. khoản", "tài\nkhoản"),
    ("về Hội —\nnghị", "về Hội\nnghị"),                  # a dash alone at a line's end
    ("điều tra độc\n— lập cho thấy", "điều tra độc\nlập cho thấy"),  # a line that goes on a sentence
    ("tấn công\n—_ thành công ở giải", "tấn công\nthành công ở giải"),
])
def test_stray_ocr_punctuation_is_removed(text, expected):
    from sohoa.diacritics.restore.junk import junk_edits

    assert _apply(text, junk_edits(text)) == expected


@pytest.mark.parametrize("text", ["như sau:", "kinh tế -", "hướng ...", "+ Tăng 5%", "nhiệt độ 30 ° C", "“Đoàn kết”",
                                  "Chính phủ sửa\n. Theo điều tra",   # a full stop wrapped to the next line
                                  "đoạn trích\n... và các khoản",
                                  "— Ghi nhận ý kiến", "— các khoa được chọn",  # list marks
                                  "1. Mục đích\n— Triển khai thực hiện\n— Ghi nhận ý kiến",
                                  "gồm các nội dung sau:\n— Danh sách sinh viên",
                                  "quy định.\n\n— Cung cấp dữ liệu",
                                  "Kiểm tra mã với `ruff check .`.", "`ls` và `ls .`"])  # spans of code
def test_real_punctuation_stays(text):
    from sohoa.diacritics.restore.junk import junk_edits

    assert junk_edits(text) == []


def test_list_dashes_do_not_make_a_page_look_speckled(restorer):
    """Three list items read with '—' are not three specks: the page keeps its dashes and its
    form blank ('ngày ... tháng') beside the OCR slips the restorer mends."""
    text = ("Thành phố Hồ Chí Minh, ngày ... tháng 6 năm 2026\n"
            "— Ghi nhận ý kiến đánh giá của sinh viên về chất lượng cung cấp dịch vụ giáo dục công.\n"
            "— Cung cấp dữ liệu phục vụ công tác quản lý, cải tiền chất lượng đào tạo.\n"
            "— Danh sách sinh viên tham gia khảo sát được lựa chọn ngẫu nhiên.\n"
            "sự hài lòng của người dân đồi với dịch vụ giáo dục công")
    out = _apply(text, restorer.find_edits(text))
    assert out.count("— ") == 3 and "ngày ... tháng" in out


# -- how damaged a text looks ---------------------------------------------------------
def test_profile_tells_deaccented_from_clean(restorer):
    from sohoa.diacritics.restore.tokens import tokenize_text

    clean = TRAINING_TEXT
    assert restorer.profile(tokenize_text(clean)).strip_rate < 0.1
    assert restorer.profile(tokenize_text(strip_marks(clean))).strip_rate > 0.7


def test_profile_sees_english_model_garble(restorer):
    from sohoa.diacritics.restore.tokens import tokenize_text

    garbled = "Cong tac xay dung Pang, t6 chirc Dai hoi dugc tang cuong ciia tinh, nhiém vu c6 két qua."
    assert restorer.profile(tokenize_text(garbled)).garble > 0.5
    assert restorer.profile(tokenize_text(TRAINING_TEXT)).garble == 0.0


@pytest.mark.shipped_model
@pytest.mark.parametrize("garbled", [
    "Mau dién thoai thé hé mdi cua LG ciing sé dugc ban t4i Viét Nam tir thang sau.",
    "Nhiéu mau mdi ciia LG ciing sé dugc ban ra trong nim nay.",
])
def test_garbled_word_after_unknown_word_is_not_kept_as_unknown(garbled):
    """After a word the key model knows mostly before unknown tokens ('LG G6'), a garbled word
    ('ciing') must not hide in the <unk> class: one token is a small share of that class."""
    from sohoa.diacritics.restore import load_default_restorer

    out = restore(load_default_restorer(), garbled)
    assert "LG cũng sẽ" in out


@pytest.mark.shipped_model
def test_a_garbled_word_that_shows_a_mark_gets_a_marked_form():
    """English-model OCR drops marks but does not invent them: where 'ché' was decoded to the
    key 'cho', the word is 'chở' or 'chờ', never 'cho', though 'cho' is likeliest there."""
    import numpy as np

    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.syllables import has_marks

    restorer = load_default_restorer()
    words = ["mỗi", "xe", "sẽ", "cho", "nhiều", "cán", "bộ"]
    keys = np.array([0] + [restorer.vocabulary.ids(w)[0] for w in words] + [0], dtype=np.int32)
    shows = np.zeros(len(keys), dtype=bool)
    plain, _ = restorer.decide(keys, None, shows)
    assert restorer.vocabulary.targets[plain[4]] == "cho"
    shows[4] = True
    marked, _ = restorer.decide(keys, None, shows)
    assert has_marks(restorer.vocabulary.targets[marked[4]])
    assert [restorer.vocabulary.targets[t] for t in marked[1:4]] == words[:3]  # the neighbours stay


@pytest.mark.shipped_model
def test_a_sign_read_for_a_letter_makes_a_word():
    """'€' is what English-model OCR writes for 'ệ': '1€' is a garbled word, not a symbol."""
    from sohoa.diacritics.restore import load_default_restorer

    out = restore(load_default_restorer(), "Muc do 3: 619 dich vu, ty 1€ 33,32%; muc do 4: 944 dich vu, ty 1€ 50,81%")
    assert out.count("tỷ lệ") == 2


@pytest.mark.shipped_model
def test_an_unmarked_garbled_spelling_may_stay_unmarked():
    from sohoa.diacritics.restore import load_default_restorer

    out = restore(load_default_restorer(), "Mdi ban nganh déu cé xe cho can b6 di cong tac.")
    assert "xe cho cán bộ" in out or "xe chở cán bộ" in out


@pytest.mark.shipped_model
def test_a_capital_i_read_for_l_mid_sentence_is_lower_case():
    from sohoa.diacritics.restore import load_default_restorer

    out = restore(load_default_restorer(), "Ngan hang bao vé quyén Idi cua khach hang va tinh Iai hang thang.")
    assert "quyền lợi" in out and "Lợi" not in out


@pytest.mark.shipped_model
def test_shipped_model_confidence_is_low_where_context_is_thin():
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    sure = {e.before: e.confidence for e in restorer.find_edits("Nghi quyet Dai hoi dai bieu Dang bo tinh")}
    assert min(sure.values()) > 0.5
    thin = restorer.find_edits("ban")  # 'bán', 'bạn', 'bàn', 'ban'... nothing to go on
    assert all(e.confidence < 0.8 for e in thin)


# -- small OCR slips -------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("các cơ sỞ công nghiệp", "các cơ sở công nghiệp"),
    ("ngày 14 tháng l1 năm2008", "ngày 14 tháng 11 năm 2008"),
])
def test_ocr_slips_are_fixed(text, expected):
    from sohoa.diacritics.restore.slips import slip_edits

    assert _apply(text, slip_edits(text)) == expected


@pytest.mark.parametrize("text", ["iPhone McLaren eBay", "Luật số 51/2024/QH15", "khóa XIII", "H5N1 COVID19",
                                  "Điều I. Phạm vi", "DAng cOng"])
def test_ocr_slips_leave_real_text(text):
    from sohoa.diacritics.restore.slips import slip_edits

    assert slip_edits(text) == []


# -- punctuation OCR invents inside a line ------------------------------------------------
@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("thúc đẩy các hoạt -\nđộng xúc tiến", "thúc đẩy các hoạt\nđộng xúc tiến"),
    ("Chưa hết, người - —\nđẹp còn", "Chưa hết, người\nđẹp còn"),
    ("cảnh báo khi `... người dùng", "cảnh báo khi người dùng"),
    ("được sửa đổi. bổ sung một số điều", "được sửa đổi, bổ sung một số điều"),
])
def test_stray_punctuation_inside_lines_is_fixed(text, expected):
    from sohoa.diacritics.restore import load_default_restorer

    # the line before shows OCR damage ('sỞ'): the punctuation next to it may be specks
    damaged = "các cơ sỞ công nghiệp\n"
    assert restore(load_default_restorer(), damaged + text) == "các cơ sở công nghiệp\n" + expected


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "Tình hình kinh tế - xã hội ổn định",            # a real dash inside a line
    "bảo đảm an ninh - quốc phòng.",                 # a dash the key model rarely saw
    "Tổng công ty Bia – Rượu – Nước giải khát",
    "Bổ sung cụm từ “, cung ứng” sau cụm từ",        # a quote opening on a comma
    "ngày ... tháng ... năm 2024",                   # a form's dotted blanks
    "tại khoản ___ Điều ____ Nghị định",
    "Arsenal | Để Eden Hazard qua người",
    "Allium sativum L. họ Hành",                     # abbreviations are no lost commas
    "v.v. và các khoản khác",
    "tại TP. Hồ Chí Minh",
])
def test_real_punctuation_inside_lines_stays(text):
    from sohoa.diacritics.restore import load_default_restorer

    assert load_default_restorer().cleaner.stray_edits(text) == []


# -- words OCR glued together -------------------------------------------------------------
@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("để giữ antoàncho con trai", "để giữ an toàn cho con trai"),
    ("doanh nghiệp trongnước đang", "doanh nghiệp trong nước đang"),
    ("xem nhữngtấmhình này", "xem những tấm hình này"),
    ("cấu hìnhphần cứng", "cấu hình phần cứng"),  # the neighbours are judged after the split
])
def test_glued_words_are_split_in_text_read_from_a_scan(text, expected):
    from sohoa.diacritics.restore import load_default_restorer

    # a speck no author types at a line end: the text came from OCR; ordinary words around it
    page = ("Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện nghị quyết của Hội đồng nhân dân "
            "tỉnh về phát triển kinh tế - xã hội năm 2024 |\n")
    assert restore(load_default_restorer(), page + text) == page.replace(" |", "") + expected


@pytest.mark.shipped_model
def test_glued_word_in_clean_text_is_the_authors_own():
    from sohoa.diacritics.restore import load_default_restorer

    assert load_default_restorer().find_edits("Trong quý IV, OGC lỗgần 259 tỷ đồng.") == []


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "Samsung Facebook WatchSye",          # unmarked: a foreign word for all we know
    "thành phố Tucumán và điệu boléro",   # names and loanwords cut into rare syllable pairs
    "tiếng Việt ở Đắk Lắk",
])
def test_words_that_only_look_glued_stay(text):
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    assert load_default_restorer().word_mender.split_edits(tokenize_text(text)) == []


SPECKLED_PAGE = ("Ủy ban nhân dân tỉnh ban hành kế hoạch .\n_ thực hiện nghị quyết của Hội đồng nhân dân :\n"
                 "tỉnh về phát triển kinh tế ˆ xã hội năm 2024 .\n")
"""A page with the sure specks of a noisy scan at its line ends and a symbol that is never text."""


def test_a_page_with_specks_at_its_edges_is_speckled_and_clean_text_is_not():
    from sohoa.diacritics.restore.stray import is_speckled

    assert is_speckled(SPECKLED_PAGE)
    clean = SPECKLED_PAGE.replace(" .", ".").replace("_ ", "").replace(" :", ":").replace(" ˆ", " -")
    assert not is_speckled(clean)
    assert not is_speckled("Hội nghị .\n")  # one speck is no pattern


@pytest.mark.shipped_model
@pytest.mark.parametrize("line, expected", [
    ("các cơ quan chức năng thay .... đổi chính sách", "các cơ quan chức năng thay đổi chính sách"),
    ("nên nhiều chuyên .... gia dự đoán giá", "nên nhiều chuyên gia dự đoán giá"),
    ("hàng hóa trên đường vận chuyển “ hàng tới Úc", "hàng hóa trên đường vận chuyển hàng tới Úc"),
])
def test_specks_between_words_go_in_a_speckled_text_only(line, expected):
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    assert _apply(line, restorer.cleaner.stray_edits(line, speckled=True)) == expected
    assert restorer.cleaner.stray_edits(line) == []  # clean text: the chunk might be the author's
    assert restore(restorer, SPECKLED_PAGE + line).endswith(expected)


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Tình hình kinh tế - xã hội ổn định",
    "doanh thu từ 8 - 10 tỉ đồng",
    "hai nhà cung cấp – Samsung SDI và Amperex",
    "doanh nghiệp Hàn - Quốc cũng sẽ mở",  # a speck, maybe; a dash is as often the author's
])
def test_real_dashes_stay_in_a_speckled_text(line):
    from sohoa.diacritics.restore import load_default_restorer

    assert restore(load_default_restorer(), SPECKLED_PAGE + line).endswith(line)


# -- marks a Vietnamese OCR model swapped for other real marks ------------------------------
def _mark_restorer():
    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    if not restorer.marks:
        pytest.skip("shipped model without a mark channel")
    return restorer


@pytest.mark.shipped_model
@pytest.mark.parametrize("line, expected", [
    ("Chính phủ ban hành quy định chỉ tiết về chỉ phí đầu tư.", "Chính phủ ban hành quy định chi tiết về chi phí đầu tư."),
    ("Ủy ban nhân dân Thành phó Hồ Chí Minh ban hành kế hoạch.", "Ủy ban nhân dân Thành phố Hồ Chí Minh ban hành kế hoạch."),
    ("Luật sửa đối, bố sung một số điều của Luật Đất đai.", "Luật sửa đổi, bổ sung một số điều của Luật Đất đai."),
])
def test_swapped_marks_are_mended_in_text_from_a_noisy_scan(line, expected):
    restorer = _mark_restorer()
    assert restore(restorer, SPECKLED_PAGE + line) == restore(restorer, SPECKLED_PAGE) + expected
    edits = [e for e in restorer.find_edits(SPECKLED_PAGE + line) if e.start >= len(SPECKLED_PAGE)]
    assert all(e.fixer == "restore.ocr-marks" and 0.5 < e.confidence <= 1 for e in edits)


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Chính phủ ban hành quy định chỉ tiết về chỉ phí đầu tư.",  # clean text: marks as written are trusted
    "Ủy ban nhân dân Thành phó Hồ Chí Minh ban hành kế hoạch.",
])
def test_clean_text_keeps_its_marks(line):
    assert _mark_restorer().find_edits(line) == []


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Thượng tướng Tô Lâm phát biểu tại hội nghị.",        # a name: capitalised words stay
    "Hà Nội chỉ tiêu tăng trưởng năm nay đạt 7%.",        # 'chỉ tiêu' is right
    "Ông ấy chỉ nói rằng sẽ đổi mới chính sách.",
])
def test_right_marks_in_a_noisy_scan_stay(line):
    restorer = _mark_restorer()
    assert [e for e in restorer.find_edits(SPECKLED_PAGE + line) if e.start >= len(SPECKLED_PAGE)] == []


@pytest.mark.shipped_model
def test_punctuation_that_is_never_text_is_dropped_between_any_words():
    from sohoa.diacritics.restore import load_default_restorer

    text = "Samsung ` Gear"  # the key model knows neither word: no odds to weigh
    assert _apply(text, load_default_restorer().cleaner.stray_edits(text)) == "Samsung Gear"


@pytest.mark.shipped_model
def test_one_syllable_with_wrong_marks_is_not_split():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    # English-model OCR of 'chiếm', 'nghiệm': one syllable, not 'chi ém'
    assert load_default_restorer().word_mender.split_edits(tokenize_text("chiém 40% kinh nghiém")) == []


# -- a capital OCR cut off its word ---------------------------------------------------------
@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("thí sinh 'N gười đẹp Kinh Bắc'", "thí sinh 'Người đẹp Kinh Bắc'"),
    ("quan hệ Việt - N ga trong năm", "quan hệ Việt - Nga trong năm"),
    ("thi sinh 'N gudi dep Kinh Bac' nam nay", "thí sinh 'Người đẹp Kinh Bắc' năm nay"),
])
def test_capital_cut_off_its_word_is_joined_back(text, expected):
    from sohoa.diacritics.restore import load_default_restorer

    assert restore(load_default_restorer(), text) == expected


@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "phương án B gồm ba bước",       # a label before a word
    "tại điểm C trước khi",
    "trưởng nhóm H.O.T huyền thoại",  # the tail of an abbreviation
    "Bộ GD-ĐT ra công văn",
    "Nguyễn Văn A và ông T nói",
])
def test_lone_capitals_that_are_labels_stay(text):
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    assert load_default_restorer().word_mender.join_edits(tokenize_text(text)) == []


@pytest.mark.shipped_model
def test_garbled_word_in_english_model_ocr_is_not_split():
    from sohoa.diacritics.restore import load_default_restorer

    # seed 002: 'véan hod' is 'văn hóa' read by an English model, not 'về an'
    text = "- Hoat dong véan hod, van nghé co nhiéu tién b0, tré thanh nép sinh hoat ."
    assert "về an" not in restore(load_default_restorer(), text)


# -- correct text from elsewhere comes through byte for byte ---------------------------------
@pytest.mark.shipped_model
@pytest.mark.parametrize("text", [
    "kiểm tra và đánh giá kết quả học tập trong Trường .",      # a space before the full stop
    "Số tín chỉ tối thiểu: ___",                                 # a form's blank
    "Mã số sinh viên: ____________ Lớp: ____________",
    "tổ chức tại cơ sở phối hợp đào tạo , .",                    # ' , .' as typed
    "các từ ngữ dưới đây được hiểu như sau :",
    "Lưu: VT, KHTC .",
    "Ngày ..... tháng ..... năm 20.....",
    "quy định \" Quy chế công tác sinh viên \" của Trường.",
    "tích luỹ được, tính từ đầu khoá học",                       # the author's tone placement
    "Hoà giải viên lao động, ông Hòa cho biết",
    "chương trình đào tạo (CTĐT), kinh phí giáo dục và đào tạo (GDĐT)",
    "Hội đồng thi đua - khen thưởng cấp khoa xét và đề nghị lên Hội đồng cấp trường .\n"
    "Kết quả học tập được công bố trên cổng thông tin ( https://daotao.hust.edu.vn ) .",
])
def test_correct_text_comes_out_unchanged(text):
    from sohoa.diacritics.pipeline import repair

    assert repair(text).text == text


# -- short lines of English-model garble, each repaired on its own ---------------------------
@pytest.mark.shipped_model
@pytest.mark.parametrize("line, expected", [
    ("Day 1a mot van dé quan trong", "Đây là một vấn đề quan trọng"),
    ("t6 chirc 14 co quan", "tổ chức là cơ quan"),
    ("gia tang 1én 5%", "gia tăng lên 5%"),
    ("ban 4n cua toa", "bản án của tòa"),
    ("sb lieu thong ké", "số liệu thống kê"),
    ("mot khoan 16n", "một khoản lớn"),
    ("chudi cung tmg bi dut gay", "chuỗi cung ứng bị đứt gãy"),
    ("phat trién bén vimg", "phát triển bền vững"),
])
def test_short_garbled_lines_are_decoded_alone(line, expected):
    from sohoa.diacritics.restore import load_default_restorer

    assert restore(load_default_restorer(), line) == expected


# -- a line taken alone, cut off from the lines around it ----------------------------------
@pytest.mark.parametrize("text, cut", [
    ("cac nuoc lon ngay cang gay", (True, True)),
    ("tăng trưởng kinh tế năm 2025,", (True, True)),
    ("cac nuoc lon ngay cang gay\n", (True, True)),
    ("\r\ncac nuoc lon ngay cang gay\r\n\n", (True, True)),
    ("thi hành Quyết định này./.", (True, False)),
    ("gắt, xung đột giữa các bên;", (True, False)),
    ("Nghị quyết có hiệu lực từ ngày ký.", (False, False)),
    ("Điều 5. Trách nhiệm thi hành", (False, False)),
    ("CONG HOA XA HOI CHU NGHIA VIET NAM", (False, False)),
    ("a) Tổ chức thực hiện", (False, False)),
    ("(Kèm theo Quyết định số 12)", (False, False)),
    ("2025 la nam", (False, False)),
    ("cac nuoc lon\nngay cang gay", (False, False)),
    (",", (False, False)),
    ("", (False, False)),
])
def test_a_line_alone_is_cut_off_where_it_opens_as_a_wrapped_line_goes_on(text, cut):
    from sohoa.diacritics.restore.tokens import cut_ends, tokenize_text

    assert cut_ends(tokenize_text(text)) == cut


@pytest.mark.shipped_model
@pytest.mark.parametrize("line, expected", [
    # with a boundary after it, a capital ending a line reads as a name ('Nhung'); a line that
    # ends no sentence was cut off, and the word opens the next sentence
    ("hoat dong cua cac co quan, don vi; Nhung", "hoạt động của các cơ quan, đơn vị; Những"),
    ("kinh doanh lon... Nhung", "kinh doanh lớn... Nhưng"),
    ("hoat dong cia cac co quan, don vi; Nhiing", "hoạt động của các cơ quan, đơn vị; Những"),
    ("hoat dong cua cac co quan, don vi; Nhung\n", "hoạt động của các cơ quan, đơn vị; Những\n"),
])
def test_a_line_cut_off_mid_sentence_reads_its_edge_without_a_boundary(line, expected):
    from sohoa.diacritics.restore import load_default_restorer

    assert restore(load_default_restorer(), line) == expected


# -- a document's own sure readings ----------------------------------------------------------
@pytest.mark.shipped_model
def test_a_document_reads_a_key_only_where_the_context_is_sure():
    import numpy as np

    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    key = restorer.vocabulary.ids("bang")[0]
    bang, bang2 = restorer.vocabulary.target_ids["bảng"], restorer.vocabulary.target_ids["bằng"]
    keys = np.array([key] * 4, np.int32)
    readings = restorer.decisions.document_readings(keys, np.array([bang, bang, bang2, bang2]),
                                                    np.array([0.99, 0.99, 0.6, 0.5]))
    assert readings == {key: {bang: 2}}


@pytest.mark.shipped_model
def test_the_document_makes_its_own_readings_likelier_than_the_corpus_does():
    from collections import Counter

    import numpy as np

    from sohoa.diacritics.restore import load_default_restorer

    restorer = load_default_restorer()
    vocabulary, rescorer = restorer.vocabulary, restorer.decisions.rescorer
    key = vocabulary.ids("bang")[0]
    bang, bang2 = vocabulary.target_ids["bảng"], vocabulary.target_ids["bằng"]
    other = vocabulary.ids("lai")[0]
    cands = np.array([[bang, bang2, -1], [bang, bang2, -1]])
    pseudo = restorer.settings.doc_pseudo_readings
    few = rescorer.reading_odds(np.array([key, other]), cands, {key: Counter({bang: 2})}, pseudo)
    many = rescorer.reading_odds(np.array([key, other]), cands, {key: Counter({bang: 20})}, pseudo)
    assert few[0, 0] > 0 > few[0, 1]            # 'bảng' likelier, 'bằng' less likely than the corpus says
    assert many[0, 0] > few[0, 0] and many[0, 1] < few[0, 1]  # more readings, more weight
    assert (few[1] == 0).all() and few[0, 2] == 0  # a key the document never read surely, a padding column
    shares = vocabulary.candidate_shares(key)
    mixed = rescorer.reading_odds(np.array([key]), cands[:1], {key: Counter({bang: 7, bang2: 3})}, pseudo)
    expected = np.log((7 + pseudo * shares[bang]) / (10 + pseudo) / shares[bang])
    assert mixed[0, 0] == pytest.approx(expected)


@pytest.mark.shipped_model
@pytest.mark.parametrize("line", [
    "Pep từng ví Jesus như một quả dưa hấu, bổ ra mới biết ngon hay không.",
    "Robin van Persie đã thực hiện pha ăn vạ khiến hậu vệ Dusko Tosic của Besiktas dính thẻ đỏ trong trận derby "
    "Istanbul.",
    # one letter outside Latin-1 in a short line ('ạ', 'ộ', 'ư', 'ớ') is proof enough
    "Chạy lệnh: python xu_ly_du_lieu.py --dau-vao du_lieu_tho",
    "Class NguoiDung có các thuộc tính hoTen, ngaySinh, diaChi.",
    "Protein, lipit, gluxit, vitamin và khoáng chất là các nhóm dinh dưỡng chính.",
    "Cíu, cíu! Ai cíu tui với!!!",
])
def test_names_and_foreign_words_in_correct_text_are_no_garble(line):
    # letters outside Latin-1 ('ư', 'ộ', 'đ') are no English-model OCR: the unknown words beside
    # them are names, not garble to read again ('Pep' is no 'Đẹp', 'ăn vạ' stays)
    from sohoa.diacritics.pipeline import repair
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    profile = load_default_restorer().profile(tokenize_text(line))
    assert profile.vietnamese_letters and profile.garble == 0.0
    assert repair(line).text == line


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, expected", [
    ("Ong Nguyen Van Nam la chu tich xa Tan Phu.", "Ông Nguyễn Văn Nam là chủ tịch xã Tân Phú."),
    ("Danh sach van dong vien: Nguyen Van Toan, Tran Minh Duc.",
     "Danh sách vận động viên: Nguyễn Văn Toàn, Trần Minh Đức."),
    # one word typed with its marks ('Ủy', 'Đêm') proves no English-model OCR, and the rest,
    # names and a heading's capitals with it, is still restored
    ("Ủy Ban Nhan Dan Tinh Quang Nam", "Ủy Ban Nhân Dân Tỉnh Quảng Nam"),
    ("Trường Dai Hoc Bach Khoa Ha Noi", "Trường Đại Học Bách Khoa Hà Nội"),
    ("Đêm nay Ha Noi co mua", "Đêm nay Hà Nội có mưa"),
])
def test_names_in_de_accented_text_are_restored_with_it(text, expected):
    from sohoa.diacritics.pipeline import repair

    assert repair(text).text == expected


@pytest.mark.shipped_model
def test_english_model_garble_writes_no_vietnamese_only_letter():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    garbled = "Cong tac xay dung Pang, t6 chirc Dai hoi dugc tang cuong ciia tinh, nhiém vu c6 két qua."
    profile = load_default_restorer().profile(tokenize_text(garbled))
    assert not profile.vietnamese_letters and profile.garble > 0.5
    # a word typed over it with a letter English-model OCR never writes leaves it garble
    profile = load_default_restorer().profile(tokenize_text(garbled.replace("Pang", "Đảng")))
    assert not profile.vietnamese_letters and profile.garble > 0.5
    # and so does a short line beside the English model's own spellings ('m6t', 't6', 'chtic'),
    # whose one Vietnamese letter a stage before may have put in (a legacy encoding's 'cộng')
    profile = load_default_restorer().profile(tokenize_text("AV (m6t t6 chtic bao mat) vita cộng bé danh sdch"))
    assert not profile.vietnamese_letters


@pytest.mark.shipped_model
def test_a_garbled_line_a_legacy_encoding_reads_in_part_is_restored_as_garble():
    from sohoa.diacritics.pipeline import repair

    assert repair("AV (m6t t6 chtic bao mat) vita céng bé danh sdch").text == \
        "AV (một tổ chức bảo mật) vừa công bố danh sách"


@pytest.mark.shipped_model
def test_the_marks_english_model_ocr_kept_weigh_in():
    """'bing' may be 'bằng' or 'băng'; the English model writes 'bing' for 'bằng' (its 'ằ' comes out
    as an 'i') and seldom for 'băng', so after 'chưa thể' the spelling tips it. Without the
    channel's forms the same model reads 'băng'."""
    from sohoa.diacritics.restore import DEFAULT_MODEL_PATH, acronyms, names

    line = "tudi cia 2 guong mat nay van chua thé bing... tudi Martin Scorsese hay Steven"

    def restorer_with(forms: bool) -> Restorer:
        model = RestorerModel.load(DEFAULT_MODEL_PATH)
        if not forms:
            model.channel = {**model.channel, "forms": {}, "form_totals": {}}
        return Restorer(model, acronyms.read_table(acronyms.table_path(DEFAULT_MODEL_PATH)),
                        names=names.read_table(names.table_path(DEFAULT_MODEL_PATH)))

    assert "chưa thể bằng..." in restore(restorer_with(True), line)
    assert "chưa thể băng..." in restore(restorer_with(False), line)


@pytest.mark.shipped_model
def test_the_toned_context_may_read_a_garbled_word_as_another_key(monkeypatch):
    """The key trigrams read 'xdc dinh chi s6' as 'xác định chủ sở' ('định chủ sở' is the commoner
    trigram, from 'chủ sở hữu'); the other key's forms are weighed with the toned context, which
    knows 'chỉ số hài lòng'. Without them the same restorer reads 'chủ sở'."""
    import sohoa.diacritics.restore.keys as keys
    from sohoa.diacritics.restore import load_default_restorer

    line = "xdc dinh chi s6 hai long ctia ngudi dan déi véi dich vu giao duc céng nam 2026 nhu sau:"
    restorer = load_default_restorer()
    assert restore(restorer, line).startswith("xác định chỉ số hài lòng của người dân")
    monkeypatch.setattr(keys, "OTHER_KEYS", 0)
    assert restore(restorer, line).startswith("xác định chủ sở hài lòng")


@pytest.mark.parametrize("line", ["| STT | Chỉ tiêu | Đơn vị | Năm 2022 | Kế hoạch 2023 |",
                                  "| 1 | Tốc độ tăng trưởng GRDP | % | 6,8 | 7,5 |",
                                  "1 | Tốc độ tăng trưởng | 6,8 |", "| Chỉ tiêu | Năm 2023"])
def test_the_bars_of_a_table_typed_as_text_stay(line):
    from sohoa.diacritics import repair

    text = line + "\n" + line + "\n"
    assert repair(text).text == text


def test_a_lone_bar_at_a_lines_edge_is_still_a_speck():
    from sohoa.diacritics.restore.junk import junk_edits

    assert [e.before for e in junk_edits("về Hội |\n| Tổ chức thực hiện\n")] == [" |", "| "]


@pytest.mark.parametrize("line", ["Mẫu số 01 Phụ lục I11 ban hành kèm theo Thông tư này",
                                  "Phụ lục I18 kèm theo Quyết định", "theo điểm a khoản I2 Điều 5"])
def test_a_code_opened_by_a_capital_i_is_no_misread_number(line):
    from sohoa.diacritics import repair

    assert repair(line).text == line


def test_a_one_read_as_a_small_l_or_opening_a_codes_number_is_still_mended():
    from sohoa.diacritics import repair

    assert repair("ngày l5 tháng 3 năm 2023").text == "ngày 15 tháng 3 năm 2023"
    # a real scan's 'số 13/UB-TP': a code's number opens with a figure
    assert repair("tại phiếu trình số I3/UB-TP, ngày 18 tháng 01 năm 1999.").text == \
        "tại phiếu trình số 13/UB-TP, ngày 18 tháng 01 năm 1999."


# -- a paragraph wrapped over lines --------------------------------------------
def test_a_line_break_inside_a_sentence_is_no_boundary_to_the_context():
    from sohoa.diacritics.restore.tokens import tokenize_text, without_soft_wraps

    def boundaries(text: str) -> int:
        return sum(not t.text for t in without_soft_wraps(tokenize_text(text)))

    assert boundaries("nghi can da bo\ntron khoi noi o") == 2  # the text's own two ends only
    assert boundaries("doi thu cua minh,\nnhung anh") == 2
    # a sentence's end, a capital, a list label or an empty line between them: a break
    for text in ("da bo tron.\nnguoi dan", "quy dinh sau:\na) Ho so", "Dieu 1\nPham vi", "noi o\n\ncua minh",
                 "can cu\nb. Luat"):
        assert boundaries(text) > 2, text


@pytest.mark.shipped_model
@pytest.mark.parametrize("text, restored", [
    ("Cong an tinh da vao cuoc, nhung khi den noi thi nghi can da bo\ntron",
     "Công an tỉnh đã vào cuộc, nhưng khi đến nơi thì nghi can đã bỏ\ntrốn"),
    ("Tuy\nnhien, do la nhung hinh anh chua duoc cong bo", "Tuy\nnhiên, đó là những hình ảnh chưa được công bố"),
    ("Ong ay noi rang se khong bao gio quen cai ngay ma doi\nbong gianh chuc vo dich",
     "Ông ấy nói rằng sẽ không bao giờ quên cái ngày mà đội\nbóng giành chức vô địch"),
])
def test_a_word_wrapped_onto_the_next_line_is_read_with_the_words_before_it(text, restored):
    from sohoa.diacritics.restore import load_default_restorer

    assert restore(load_default_restorer(), text) == restored


@pytest.mark.shipped_model
def test_correct_text_wrapped_over_lines_stays():
    from sohoa.diacritics import repair

    text = ("Ông ấy nói rằng sẽ không bao giờ quên cái ngày mà đội\nbóng giành chức vô địch, khi cả\n"
            "thành phố đổ ra đường.\nngười dân vui mừng")
    assert repair(text).text == text


@pytest.mark.shipped_model
def test_impossible_marks_make_a_text_s_marks_noisy_and_right_ones_do_not():
    from sohoa.diacritics.restore import load_default_restorer
    from sohoa.diacritics.restore.tokens import tokenize_text

    restorer = load_default_restorer()
    noisy = restorer.profile(tokenize_text("Báo cáo viéc thực hiện quyét định của tỉnh về công tác trién khai"))
    clean = restorer.profile(tokenize_text("Báo cáo việc thực hiện quyết định của tỉnh về công tác triển khai"))
    assert noisy.mark_noise > 0 and clean.mark_noise == 0
