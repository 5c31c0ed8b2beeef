"""Protected tokens: what repair must leave alone, and what only looks like a number."""

import pytest

from sohoa.diacritics.tokens import protected_spans


@pytest.mark.parametrize("text, word", [("phương thức 1anh đạo", "1anh"), ("1am việc", "1am"), ("tỉnh 1an thứ XIV", "1an")])
def test_digits_english_ocr_wrote_for_letters_open_a_word_not_a_number(text, word):
    start = text.index(word)
    assert not any(s < start + len(word) and e > start for s, e in protected_spans(text))


@pytest.mark.parametrize("text, number", [("Điều 10a", "10"), ("khoản 2b", "2"), ("dài 5km", "5"),
                                          ("nặng 10kg", "10"), ("lúc 8h30", "8"), ("đạt 12,5%", "12,5%")])
def test_numbers_labels_and_units_stay_protected(text, number):
    start = text.index(number)
    assert (start, start + len(number)) in protected_spans(text)


@pytest.mark.parametrize("text", [
    "Xem https://thuvienphapluat.vn/van-ban/Nghi-dinh-15-2023-ND-CP.aspx?tab=1 hoặc www.chinhphu.vn.",
    "Tệp Quyet_dinh-1380-QD-TTg.pdf đính kèm.",
    "Mở C:\\Van ban\\bao_cao-QD-UBND.docx để xem.",
    "Gửi tới so.tai.chinh-ND-CP@quangngai.gov.vn trước ngày 15/12.",
])
def test_urls_mail_addresses_and_file_names_come_out_as_typed(text):
    from sohoa.diacritics.pipeline import repair

    result = repair(text)
    assert result.text == text, [(e.before, e.after, e.fixer) for e in result.edits]


def test_a_code_in_the_text_beside_a_url_still_gets_its_stroke():
    from sohoa.diacritics.tokens import DocumentCodeFixer

    text = "Nghị định 15/2023/ND-CP (https://vbpl.vn/Nghi-dinh-15-2023-ND-CP.aspx)"
    assert [(e.before, e.after, e.start) for e in DocumentCodeFixer().find_edits(text)] == [
        ("ND", "NĐ", text.index("ND-CP"))]


@pytest.mark.shipped_model
def test_a_url_slug_without_marks_is_no_sign_the_text_lost_its_marks():
    """The slug's words ('tai-lieu-huong-dan') are not de-accented text: the correct line beside
    it stays as written ('ngay hôm nay' is not made 'ngày', 'Tải' not 'Tại')."""
    from sohoa.diacritics.pipeline import repair

    text = "Tải tại trang web của Bộ ngay hôm nay.\nhttps://example.vn/tai-lieu-huong-dan-thuc-hien-nghi-dinh\n"
    result = repair(text)
    assert result.text == text and not result.flags, [(e.before, e.after) for e in result.edits + result.flags]


@pytest.mark.parametrize("text", [
    "Chạy lệnh python xu_ly_du_lieu.py --dau-vao du_lieu.csv để xử lý.",
    "Đặt biến THU_MUC_GOC=/home/nam/du_an trước khi chạy.",
    "Gọi GET /api/san-pham?danh_muc=dien-thoai để lấy danh sách.",
    "Theo dõi trang @hoa.hau.viet.nam và thẻ #dulichvietnam nhé.",
    "Bài viết có địa chỉ cach-nau-pho-bo-ngon trên trang của báo.",
    "Kiểm tra mã với `ruff check .`.",  # the backtick closing a span of code is no speck
    "Tạo nhánh bằng `git checkout -b sua-loi` rồi in `kq.phuong` ra màn hình.",
    # three backticks close a block of code, after its last line as alone
    '$ vn-dia-chi "Số 1 Đại Cồ Việt, Hai Bà Trưng, Hà Nội" --json {"so_nha": "1", "tinh": "Hà Nội"} ```',
])
def test_names_of_code_and_the_web_come_out_as_typed(text):
    from sohoa.diacritics.pipeline import repair

    result = repair(text)
    assert result.text == text, [(e.before, e.after, e.fixer) for e in result.edits]


@pytest.mark.parametrize("text, kind", [
    ("danh_sach_trang", "identifier"), ("/home/nam/du_an", "unix_path"), ("--dau-vao", "option"),
    ("@hoa.hau.viet.nam", "handle"), ("cach-nau-pho-bo-ngon", "slug"),
])
def test_code_and_web_names_are_verbatim(text, kind):
    from sohoa.diacritics.tokens import token_kinds, verbatim_spans

    assert (0, len(text), kind) in token_kinds(text) and verbatim_spans(text)[0] == (0, len(text))


@pytest.mark.parametrize("text", [
    "Kinh tế - xã hội", "Họ_và_tên ______", "và/hoặc", "ngày 2# tháng 01", "- Như trên;", "Đắk-Lắk", "12/3/2021",
])
def test_vietnamese_text_with_dashes_slashes_and_underscores_is_no_code(text):
    from sohoa.diacritics.tokens import verbatim_spans

    assert verbatim_spans(text) == []


def test_the_punctuation_after_a_name_kept_verbatim_is_no_speck_to_the_fixers_behind_the_guard():
    """The guard hides names of code and the web from the fixers behind it; what it leaves
    there must not turn the full stop after `ruff check .` into a speck standing alone, which
    would make a clean text look read from a noisy scan."""
    from sohoa.diacritics.pipeline import GuardedFixer
    from sohoa.diacritics.restore.junk import junk_edits

    seen = []

    class Recorder:
        name = "recorder"

        def find_edits(self, text):
            seen.append(text)
            return []

    text = "Kiểm tra định dạng với `ruff check .`.\nXem hướng dẫn tại https://example.vn/huong-dan .\n"
    GuardedFixer(Recorder(), lambda _: []).find_edits(text)
    assert len(seen[0]) == len(text) and "ruff" not in seen[0] and "example" not in seen[0]
    assert [e.before.strip() for e in junk_edits(seen[0])] == ["."]  # only the author's own ' .' after the URL
