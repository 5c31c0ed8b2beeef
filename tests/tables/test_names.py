"""Tone marks of OCR'd table labels checked against the restorer's context model."""

import unicodedata

import pytest

from sohoa.diacritics.restore import load_default_restorer
from sohoa.tables.cells import repair_cell
from sohoa.tables.names import fix_label_marks, label_mark_edits

pytestmark = pytest.mark.skipif(load_default_restorer() is None, reason="no restorer model shipped")


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.mark.parametrize("read, expected", [
    ("Tống thu ngân sách nhà nước", "Tổng thu ngân sách nhà nước"),
    ("Tỳ lệ che phủ rừng", "Tỷ lệ che phủ rừng"),
    ("so với tổng chỉ cân đối ngân sách địa phương", "so với tổng chi cân đối ngân sách địa phương"),
])
def test_misread_marks_take_the_context_form(read, expected):
    assert fix_label_marks(read) == expected
    (edit,) = label_mark_edits(read)
    assert edit.fixer == "tables.label_marks" and 0.8 <= edit.confidence <= 1.0


@pytest.mark.parametrize("label", [
    "Chỉ tiêu kinh tế", "Tên chỉ tiêu", "Số bác sỹ trên vạn dân", "Cơ quan chủ trì theo dõi, đánh giá",
    "Trong đó: nữ", "Tỷ lệ huy động trẻ em đi nhà trẻ", "Kế hoạch năm 2024", "Đơn vị tính",
])
def test_correct_labels_stay_as_they_are(label):
    assert label_mark_edits(label) == []


def test_only_marks_change_never_letters():
    for read in ("Tống vốn đầu tư toàn xã hội", "Tổng mức bán lẻ hàng hỏa", "Sân lượng lương thực"):
        assert _letters(fix_label_marks(read)) == _letters(read)


def test_numbers_are_no_labels():
    assert repair_cell("6.500", label_marks=True) == "6.500"
    assert repair_cell("Trên 80", label_marks=True) == "Trên 80"
