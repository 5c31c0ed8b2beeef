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


def test_a_hook_read_for_a_grave_the_engine_doubted_is_mended_in_a_common_phrase():
    # real scans confuse a hook and a grave far more often than the rendered pages the mark
    # channel was learned on: the engine's own doubt ('bàn' at 0.72 of 'bản') decides
    ev = evidence(**{"bản": (("bàn", 0.717),)})
    assert repair("trên địa bản tỉnh Quảng Ngãi", ocr=ev).text == "trên địa bàn tỉnh Quảng Ngãi"
    assert repair("ban hành văn bản tỉnh Quảng Ngãi", ocr=ev).text == "ban hành văn bản tỉnh Quảng Ngãi"


def test_case_is_kept():
    ev = evidence(**{"TRIÊN": (("TRIỂN", 0.9),)})
    assert repair("KẾ HOẠCH TRIÊN KHAI", ocr=ev).text == "KẾ HOẠCH TRIỂN KHAI"


def test_correct_words_stay_even_when_doubted():
    ev = evidence(**{"triển": (("triên", 0.9),), "số": (("sô", 0.9), ("sổ", 0.9)), "đổi": (("đồi", 0.9),)})
    text = "Các xã triển khai chuyển đổi số trên địa bàn."
    assert repair(text, ocr=ev).text == text


CORRECT_LINES = [
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả các nhiệm vụ.",
    "Đẩy mạnh chuyển đổi số, phát triển hạ tầng số và phổ cập kỹ năng số cho người dân.",
    "Tổ chức kiểm tra, đánh giá việc thực hiện và bổ sung kinh phí để bảo đảm đầy đủ, kịp thời.",
    "Giao Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan tham mưu đề xuất giải pháp.",
    "Cổng thông tin điện tử tỉnh đăng tải đầy đủ các văn bản quy phạm pháp luật.",
    "Thủ tướng Chính phủ phê duyệt Đề án phát triển thanh toán không dùng tiền mặt.",
]


@pytest.mark.parametrize("line", CORRECT_LINES)
def test_correct_ocr_text_stays(line):
    """Correct text read by Tesseract, with or without the engine's doubts, comes back as it was."""
    assert repair(line, ocr=evidence()).text == repair(line).text == line
    doubted = evidence(**{"triển": (("triên", 0.9),), "số": (("sô", 0.9), ("sổ", 0.5)), "đổi": (("đồi", 0.9),),
                          "kiểm": (("kiếm", 0.9),), "đầy": (("đây", 0.9),), "Cổng": (("Cộng", 0.9),),
                          "bổ": (("bồ", 0.9),), "để": (("đề", 0.9),), "Đề": (("Để", 0.9),)})
    assert repair(line, ocr=doubted).text == line


def test_slip_the_engine_did_not_doubt_is_mended_by_the_mark_channel():
    """'sô' for 'số' with no alternative: the learned mark channel proposes the slip, the context decides."""
    result = repair("Đẩy mạnh chuyển đổi sô trong cơ quan nhà nước.", ocr=evidence())
    assert result.text == "Đẩy mạnh chuyển đổi số trong cơ quan nhà nước."


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


def test_train_reads_the_mark_channel_pages_with_the_model_asked(tmp_path, monkeypatch):
    """`sohoa train --ocr-model` reaches the Tesseract call of the Vietnamese pages only."""
    import sohoa.diacritics.restore.ocrpairs as ocrpairs

    calls = []

    def fake_ocr_pages(paragraphs, **kwargs):
        calls.append(kwargs)
        return []

    monkeypatch.setattr(ocrpairs, "ocr_pages", fake_ocr_pages)
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(["Ủy ban nhân dân tỉnh triển khai chuyển đổi số trên địa bàn toàn tỉnh năm nay."] * 400),
                      encoding="utf-8")
    ocrpairs.channel_samples([corpus], 6, tmp_path / "work", ocr_model="best")
    assert calls and all(c.get("ocr_model") == "best" for c in calls if c["lang"] == "vie")
    assert all("ocr_model" not in c for c in calls if c["lang"] == "eng")


def test_a_scan_that_drops_marks_gets_its_undoubted_slips_mended():
    """'thây' is a word too, so the engine's undoubted slip needs a wide margin; but a text with
    other forms clean text all but never writes ('khiêu', 'sô') shows that this scan drops marks."""
    lossy = ("Chủ tịch UBND tỉnh Quảng Ngãi nhận thây khiêu nại của bà Huỳnh Thị Gái đủ điều kiện thụ lý.\n"
             "Tổng sô TTHC kiến nghị phương án đơn giản hóa của tỉnh là 14 TTHC.")
    assert repair(lossy, ocr=evidence()).text.startswith("Chủ tịch UBND tỉnh Quảng Ngãi nhận thấy khiếu nại")
    one_slip = lossy.replace("Tổng sô", "Tổng số")
    assert repair(one_slip, ocr=evidence()).text.startswith("Chủ tịch UBND tỉnh Quảng Ngãi nhận thây khiếu nại")


def test_correct_text_shows_no_dropped_marks():
    from sohoa.diacritics.restore.tokens import tokenize_text

    assert all(fixer(evidence()).lost_mark_forms(tokenize_text(line)) == 0 for line in CORRECT_LINES)


def test_a_syllable_clean_text_never_writes_gets_its_dropped_marks_back():
    """'khân' is a syllable but no clean text writes it: its key's forms are still candidates."""
    line = "Đề nghị các đơn vị, trường học khân trương triển khai thực hiện."
    assert repair(line, ocr=evidence()).text == line.replace("khân", "khẩn")


def test_a_swapped_mark_is_mended_only_in_a_text_that_shows_the_scan_drops_marks():
    swapped = "Sở Giáo dục và Đảo tạo tổ chức lắp đặt bồ sung thiết bị."
    lossy = "Tổng sô TTHC kiến nghị nhận thây khiêu nại.\n" + swapped
    assert repair(lossy, ocr=evidence()).text.endswith("Sở Giáo dục và Đào tạo tổ chức lắp đặt bổ sung thiết bị.")
    assert repair(swapped, ocr=evidence()).text == swapped


def test_garble_pages_are_english_model_pages_of_text_the_other_pages_leave(monkeypatch, tmp_path):
    """The extra garble pages leave the first pages as they were (same text, same seeds: their
    cache stays good) and read only paragraphs none of them reads, with the English model."""
    import sohoa.diacritics.restore.ocrpairs as ocrpairs

    def record(calls):
        def fake_ocr_pages(paragraphs, **kwargs):
            calls.append((tuple(paragraphs), kwargs))
            return [ocrpairs.OcrSample(ocr="", truth="", lang=kwargs["lang"], level=kwargs["level"])]
        return fake_ocr_pages

    import json

    corpus = tmp_path / "c.jsonl"  # documents of four paragraphs (the pages draw a few a document)
    corpus.write_text("".join(json.dumps({"text": "\n".join(
        f"Đoạn văn {n}.{k} của tài liệu huấn luyện, đủ dài để thành một đoạn văn bản." for k in range(4))},
        ensure_ascii=False) + "\n" for n in range(1000)), encoding="utf-8")
    plain, extended = [], []
    monkeypatch.setattr(ocrpairs, "ocr_pages", record(plain))
    ocrpairs.channel_samples([corpus], 6, tmp_path / "a")
    monkeypatch.setattr(ocrpairs, "ocr_pages", record(extended))
    samples = ocrpairs.channel_samples([corpus], 6, tmp_path / "b", garble_pages=9)
    assert extended[:len(plain)] == plain
    extra = extended[len(plain):]
    assert extra and all(kwargs["lang"] == "eng" for _, kwargs in extra)
    assert {kwargs["level"] for _, kwargs in extra} == {"light", "clean", "heavy"}
    first_text = {p for paragraphs, _ in plain for p in paragraphs}
    extra_text = [p for paragraphs, _ in extra for p in paragraphs]
    assert not first_text & set(extra_text) and len(set(extra_text)) == len(extra_text)
    assert len(samples) == len(extended)
