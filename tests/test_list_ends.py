"""A list item's closing ';' read as ':' is mended where the engine weighed ';' and the run of
items closes with ';'; nothing else is touched."""

from hypothesis import given, settings, strategies as st

from sohoa.diacritics.list_ends import ListEndFixer
from sohoa.diacritics.compose import apply_edits

RECIPIENTS = "Nơi nhận:\n- Như trên;\n- Thành Đoàn Đà Nẵng:\n- Đại học Đà Nẵng;\n- Sở Tài chính;\n- Lưu: VT."


def _fixed(text, readings, min_confidence=0.5):
    edits = ListEndFixer(readings).find_edits(text)
    return apply_edits(text, [e for e in edits if e.confidence >= min_confidence]), edits


def test_a_colon_the_engine_doubted_inside_a_run_of_semicolons_becomes_one():
    text, edits = _fixed(RECIPIENTS, {"Nẵng:": (("Nẵng;", 0.8),)})
    assert text == RECIPIENTS.replace("Đà Nẵng:", "Đà Nẵng;")
    assert [(e.before, e.after, e.fixer) for e in edits] == [(":", ";", "punctuation.list-end")]


def test_without_the_engine_weighing_a_semicolon_nothing_changes():
    assert _fixed(RECIPIENTS, {})[1] == []
    assert _fixed(RECIPIENTS, {"Nẵng:": (("Nẵng.", 0.8),)})[1] == []


def test_a_faint_doubt_is_only_proposed():
    text, edits = _fixed(RECIPIENTS, {"Nẵng:": (("Nẵng;", 0.06),)})
    assert text == RECIPIENTS and len(edits) == 1 and edits[0].confidence < 0.5


def test_a_colon_that_opens_other_items_stays():
    text = ("- Các sở, ngành;\n- Các đơn vị sau:\na) Sở Y tế;\nb) Sở Nội vụ;\n- Lưu: VT.")
    assert _fixed(text, {"sau:": (("sau;", 0.9),)})[1] == []


def test_the_last_item_and_prose_stay():
    prose = "Căn cứ tình hình thực tế, Ủy ban nhân dân tỉnh yêu cầu:\nCác sở thực hiện:\nBáo cáo kết quả."
    assert _fixed(prose, {"cầu:": (("cầu;", 0.9),), "hiện:": (("hiện;", 0.9),)})[1] == []
    items = "- Sở Tài chính;\n- Sở Nội vụ;\n- Sở Y tế:"
    assert _fixed(items, {"tế:": (("tế;", 0.9),)})[1] == []  # nothing after it: its run has ended


def test_a_run_that_closes_with_commas_is_left_alone():
    text = "- ngày 1,\n- ngày 2:\n- ngày 3,\n- ngày 4,\n- ngày 5."
    assert _fixed(text, {"2:": (("2;", 0.9),)})[1] == []


def test_the_grounds_of_a_decision_are_a_run():
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Nghị định số 30/2020/NĐ-CP,\n"
            "Căn cứ Quyết định số 12/QĐ-UBND;\nCăn cứ Kế hoạch số 5/KH-UBND;\nTheo đề nghị của Sở Nội vụ.")
    fixed, _ = _fixed(text, {"30/2020/NĐ-CP,": (("30/2020/NĐ-CP;", 0.7),)})
    assert "30/2020/NĐ-CP;" in fixed


def test_decomposed_text_is_mended_as_its_composed_form_is():
    import unicodedata

    text, edits = _fixed(unicodedata.normalize("NFD", RECIPIENTS), {"Nẵng:": (("Nẵng;", 0.8),)})
    assert unicodedata.normalize("NFC", text) == RECIPIENTS.replace("Đà Nẵng:", "Đà Nẵng;")
    assert [(e.before, e.after) for e in edits] == [(":", ";")]


def test_windows_line_ends_keep_the_mark_in_place():
    crlf = RECIPIENTS.replace("\n", "\r\n")
    text, _ = _fixed(crlf, {"Nẵng:": (("Nẵng;", 0.8),)})
    assert text == crlf.replace("Đà Nẵng:", "Đà Nẵng;")


def test_a_page_break_ends_a_line():
    # pages are joined by a form feed alone: the first item of a page is a line of its own
    paged = RECIPIENTS.replace("Như trên;\n", "Như trên;\f")
    text, edits = _fixed(paged, {"Nẵng:": (("Nẵng;", 0.8),)})
    assert text == paged.replace("Đà Nẵng:", "Đà Nẵng;") and len(edits) == 1
    after_prose = "Kính gửi các cơ quan sau.\f" + RECIPIENTS.split("\n", 1)[1]
    assert _fixed(after_prose, {"Nẵng:": (("Nẵng;", 0.8),)})[0] == after_prose.replace("Đà Nẵng:", "Đà Nẵng;")
    # the last item of a page is left as read
    ends_page = RECIPIENTS.replace("Đà Nẵng:\n", "Đà Nẵng:\f")
    assert _fixed(ends_page, {"Nẵng:": (("Nẵng;", 0.8),)})[1] == []


def test_a_run_that_closes_as_often_with_the_mark_read_is_left_alone():
    text = "- Sở Tài chính;\n- Sở Nội vụ:\n- Sở Y tế:\n- Lưu: VT."
    assert _fixed(text, {"vụ:": (("vụ;", 0.9),)})[1] == []
    more = "- Sở Tài chính;\n- Sở Nội vụ:\n- Sở Y tế:\n- Sở Xây dựng;\n- Lưu: VT."
    assert _fixed(more, {"vụ:": (("vụ;", 0.9),)})[0] == more.replace("vụ:", "vụ;")


_LINES = st.lists(st.sampled_from(["- Sở Tài chính;", "- Sở Nội vụ:", "a) Sở Y tế,", "Căn cứ Luật;", "1. Nẵng:",
                                   "Nơi nhận:", "Báo cáo.", "", "  "]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_LINES, st.lists(st.sampled_from(["\n", "\r\n", "\f"]), min_size=12, max_size=12))
def test_only_a_line_s_closing_mark_ever_becomes_a_semicolon(lines, breaks):
    text = "".join(line + end for line, end in zip(lines, breaks))
    readings = {token: ((token[:-1] + ";", 0.9),) for token in ("chính;", "vụ:", "tế,", "Luật;", "Nẵng:")}
    for edit in ListEndFixer(readings).find_edits(text):
        assert edit.before in ":," and edit.after == ";" and text[edit.start:edit.end] == edit.before
        assert text[edit.end:].split("\n")[0].split("\f")[0].strip() == ""  # at the end of its line
        assert not text[edit.end:].lstrip(" \r").startswith("\f")  # not the last line of a page
    assert ListEndFixer({}).find_edits(text) == []  # no reading of ';': nothing


# ------------------------------------------------------------------ colons inside a text
from sohoa.diacritics.list_ends import SemicolonTable, count_semicolons, read_table, write_table  # noqa: E402

CLEAN = ["Các sở, ban, ngành;\nđịa phương; bố trí cán bộ.\nKết quả như sau:\n- Một;\n- Hai.",
         "Tại ngân hàng; nghiên cứu giải pháp.\nNội dung gồm: hai phần; ngày 10:30 họp."]


def test_the_table_counts_what_clean_text_writes_after_each_word():
    table = count_semicolons(CLEAN * 5)
    assert table.words["ngành"] == (0, 5, 0, 0)  # ';' at a line's end
    assert table.words["sau"] == (5, 0, 0, 0)
    assert table.words["hàng"] == (0, 0, 0, 5)  # ';' inside a line
    assert "10" not in table.words  # a time says nothing of words
    assert table.odds("ngành", at_line_end=True) > 1 > table.odds("sau", at_line_end=True)


def test_the_table_file_round_trips(tmp_path):
    table = count_semicolons(CLEAN * 5)
    write_table(table, tmp_path / "t.tsv")
    assert read_table(tmp_path / "t.tsv") == table
    assert read_table(tmp_path / "missing.tsv") is None


TABLE = count_semicolons(CLEAN * 5)


def _clause_fixed(text, readings):
    edits = ListEndFixer(readings, TABLE).find_edits(text)
    return apply_edits(text, [e for e in edits if e.confidence >= 0.5]), edits


def test_a_colon_inside_a_sentence_becomes_a_semicolon_where_the_engine_and_clean_text_agree():
    line = "Tư vấn mở tài khoản tại ngân hàng: nghiên cứu triển khai các giải pháp."
    assert _clause_fixed(line, {"hàng:": (("hàng;", 0.6),)})[0] == line.replace("hàng:", "hàng;")
    assert _clause_fixed(line, {})[0] == line  # the engine never weighed ';' there
    assert _clause_fixed(line, {"hàng:": (("hàng.", 0.6),)})[0] == line


def test_a_colon_that_opens_what_follows_stays_even_when_the_engine_weighed_a_semicolon():
    text = "Kết quả như sau:\n1. Tổng số hồ sơ."
    assert _clause_fixed(text, {"sau:": (("sau;", 0.9),)})[0] == text


def test_without_a_table_only_list_items_are_looked_at():
    line = "Tư vấn mở tài khoản tại ngân hàng: nghiên cứu triển khai."
    assert ListEndFixer({"hàng:": (("hàng;", 0.9),)}).find_edits(line) == []


def test_a_colon_over_items_of_another_kind_introduces_them_and_stays():
    text = "- Các sở, ban, ngành:\na) Sở Tài chính;\nb) Sở Xây dựng."
    assert _clause_fixed(text, {"ngành:": (("ngành;", 0.9),)})[0] == text
    same_kind = "- Các sở, ban, ngành:\n- Thành Đoàn;\n- Sở Xây dựng."
    assert _clause_fixed(same_kind, {"ngành:": (("ngành;", 0.9),)})[0] == same_kind.replace("ngành:", "ngành;")


def test_the_table_alone_is_rebuilt_from_the_train_split_of_a_corpus(tmp_path, capsys):
    from sohoa.diacritics.list_ends import main
    from sohoa.synth.corpus import is_heldout

    name = next(f"corpus{n}.txt" for n in range(100) if not is_heldout(f"corpus{n}.txt"))
    (tmp_path / name).write_text("\n".join(CLEAN * 5), encoding="utf-8")
    assert main(["--corpus", str(tmp_path / name), "-o", str(tmp_path / "t.tsv")]) == 0
    assert read_table(tmp_path / "t.tsv") == count_semicolons(["\n".join(CLEAN * 5)])
    assert "words →" in capsys.readouterr().out
