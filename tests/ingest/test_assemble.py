import json
import re

from hypothesis import given, strategies as st

from sohoa.diacritics.records import Edit, RepairResult
from sohoa.ingest.assemble import assemble, map_position
from sohoa.pipeline import text_page


def _apply(text, edits):
    out, last = [], 0
    for e in edits:
        out.append(text[last:e.start])
        out.append(e.after)
        last = e.end
    return "".join(out) + text[last:]


def _fake_repair(pairs):
    """A repair that replaces given substrings (first occurrence), with edits in input coordinates."""
    def repair(text):
        edits = []
        for before, after in pairs:
            start = text.find(before)
            if start >= 0:
                edits.append(Edit(start, start + len(before), before, after, "test"))
        edits.sort(key=lambda e: e.start)
        return RepairResult(text, _apply(text, edits), tuple(edits))
    return repair


def test_words_get_repaired_text_and_keep_raw():
    page = text_page("d", ["Bao cao tinh hinh", "nam 2023"])
    doc = assemble([page], _fake_repair([("Bao", "Báo"), ("cao", "cáo"), ("nam", "năm")]))
    assert doc.ocr_text == "Bao cao tinh hinh\nnam 2023"
    assert doc.text == "Báo cáo tinh hinh\nnăm 2023"
    words = json.loads(doc.pages_jsonl)["words"]
    assert [(w["raw"], w["text"]) for w in words] == [
        ("Bao", "Báo"), ("cao", "cáo"), ("tinh", "tinh"), ("hinh", "hinh"), ("nam", "năm"), ("2023", "2023")]


def test_no_repair_means_text_equals_ocr():
    page = text_page("d", ["Một đoạn văn."])
    doc = assemble([page], None)
    assert doc.text == doc.ocr_text == "Một đoạn văn."


def test_an_edit_spanning_two_words_goes_to_both():
    page = text_page("d", ["Bao cao nam"])
    doc = assemble([page], _fake_repair([("Bao cao", "Báo cáo")]))
    words = json.loads(doc.pages_jsonl)["words"]
    assert [w["text"] for w in words] == ["Báo cáo", "Báo cáo", "nam"]


def test_pages_are_separated_by_form_feed():
    doc = assemble([text_page("d", ["Trang một."]), text_page("d", ["Trang hai."])], None)
    assert doc.ocr_text == "Trang một.\fTrang hai."


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4), st.text("ăâđ", max_size=4)), max_size=5))
def test_mapped_positions_are_monotonic_and_match_the_repaired_text(raw_edits):
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    edits, last_end = [], 0
    for start, length, after in sorted(raw_edits):
        start = max(start, last_end)
        end = min(len(text), start + length)
        if start > len(text):
            break
        edits.append(Edit(start, end, text[start:end], after, "t"))
        last_end = end if end > start else start + 1
    output = _apply(text, edits)
    positions = [map_position(edits, p, "left") for p in range(len(text) + 1)]
    assert positions == sorted(positions)
    assert map_position(edits, len(text), "right") == len(output)
    # untouched characters land on themselves
    for p, ch in enumerate(text):
        if not any(e.start <= p < e.end for e in edits):
            assert output[map_position(edits, p, "left")] == ch


def _page_with(lines, page_no):
    """A PageResult from (text, y) lines laid out by the real layout code."""
    from sohoa.ingest.layout import lay_out
    from sohoa.ingest.page import PageResult
    from sohoa.ingest.records import OcrPage, OcrWord

    words = []
    for n, (text, y) in enumerate(lines, start=1):
        x = 300
        for k, token in enumerate(text.split(), start=1):
            words.append(OcrWord(token, 95.0, (x, y, x + 20 * len(token), y + 50), n, 1, 1, k))
            x += 20 * len(token) + 20
    layout = lay_out(words, 2480, 3508)
    return PageResult("d", page_no, OcrPage("d", page_no, 2480, 3508, 300, tuple(words), layout.paragraphs), layout)


def test_running_header_repeated_on_pages_is_set_aside_but_one_off_top_line_is_kept():
    pages = [_page_with([(f"CÔNG BÁO/Số {1656 + p}/Ngày 09-12-2025", 120),
                         (f"Điều {p}. Nội dung của trang {p}.", 900)], p) for p in (1, 2, 3)]
    doc = assemble(pages, None)
    assert "CÔNG BÁO" not in doc.ocr_text
    assert doc.ocr_text.split("\f") == ["Điều 1. Nội dung của trang 1.", "Điều 2. Nội dung của trang 2.",
                                        "Điều 3. Nội dung của trang 3."]
    first = json.loads(doc.pages_jsonl.splitlines()[0])
    assert [w.get("set_aside", False) for w in first["words"]][:2] == [True, True]
    single = assemble([_page_with([("QUYẾT ĐỊNH", 120), ("Nội dung.", 900)], 1)], None)
    assert single.ocr_text.startswith("QUYẾT ĐỊNH")


def test_a_letterhead_repeated_by_documents_bound_in_one_file_is_kept():
    """Two decisions of one agency in one PDF: each page opens with the agency's name beside the
    national motto. They head documents, not pages, and stay in the text."""
    from sohoa.ingest.layout import lay_out
    from sohoa.ingest.page import PageResult
    from sohoa.ingest.records import OcrPage, OcrWord

    def page(page_no):
        words, line = [], 0
        for text, x, y in [("ỦY BAN NHÂN DÂN", 300, 120), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1300, 120),
                           (f"Điều {page_no}. Nội dung của trang {page_no}.", 300, 900)]:
            line += 1
            for k, token in enumerate(text.split(), start=1):
                words.append(OcrWord(token, 95.0, (x, y, x + 20 * len(token), y + 50), line, 1, 1, k))
                x += 20 * len(token) + 20
        layout = lay_out(words, 2480, 3508)
        return PageResult("d", page_no, OcrPage("d", page_no, 2480, 3508, 300, tuple(words), layout.paragraphs), layout)

    doc = assemble([page(1), page(2)], None)
    assert doc.ocr_text.count("ỦY BAN NHÂN DÂN") == 2 and doc.ocr_text.count("CỘNG HÒA") == 2


def _speck_page(page_no, token="+", height=12):
    from sohoa.ingest.layout import lay_out
    from sohoa.ingest.page import PageResult
    from sohoa.ingest.records import OcrPage, OcrWord

    words = [OcrWord(token, 72.0, (900, 2900, 912, 2900 + height), 1, 1, 1, 1)]
    layout = lay_out(words, 2480, 3508)
    return PageResult("d", page_no, OcrPage("d", page_no, 2480, 3508, 300, tuple(words), layout.paragraphs), layout)


def test_a_back_page_holding_only_a_speck_reads_empty():
    """The back of a sheet read as '+': a word a quarter of the height of the document's print
    is set aside, and the page is empty in the text. Negative cases: a speck as tall as the
    print stays, and so does the speck of a document too short to say how tall its print is."""
    body = [(f"Điều {n}. Nội dung của điều khoản số {n} trong văn bản.", 300 + 80 * n) for n in range(1, 8)]
    doc = assemble([_page_with(body, 1), _speck_page(2)], None)
    assert doc.ocr_text.split("\f")[1] == ""
    assert all(w.get("set_aside") for w in json.loads(doc.pages_jsonl.splitlines()[1])["words"])
    tall = assemble([_page_with(body, 1), _speck_page(2, "Hết", height=50)], None)
    assert tall.ocr_text.split("\f")[1] == "Hết"
    short = assemble([_page_with(body[:1], 1), _speck_page(2)], None)
    assert short.ocr_text.split("\f")[1] == "+"


def _naive_map_position(edits, position, side):
    """Reference: scan every edit in order (the definition PositionMap must agree with)."""
    delta = 0
    for edit in edits:
        length_change = len(edit.after) - (edit.end - edit.start)
        insertion_here = edit.start == edit.end == position
        if edit.end <= position and not (side == "left" and insertion_here):
            delta += length_change
        elif edit.start < position < edit.end:
            return edit.start + delta + (len(edit.after) if side == "right" else 0)
        else:
            break
    return position + delta


from hypothesis import given, settings, strategies as st  # noqa: E402

from sohoa.diacritics.records import Edit  # noqa: E402
from sohoa.ingest.assemble import PositionMap  # noqa: E402


@st.composite
def _sorted_edits(draw):
    length = draw(st.integers(0, 40))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=12)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if edits and start < edits[-1].end:
            continue
        edits.append(Edit(start, end, "x" * (end - start), draw(st.text("ab", max_size=4)), "test"))
    return length, edits


@settings(max_examples=300, deadline=None)
@given(_sorted_edits(), st.sampled_from(["left", "right"]))
def test_position_map_agrees_with_a_scan_of_every_edit(case, side):
    length, edits = case
    mapping = PositionMap(edits)
    for position in range(length + 1):
        assert mapping(position, side) == _naive_map_position(edits, position, side)


def test_words_keep_the_marks_the_ocr_weighed():
    from dataclasses import replace

    page = text_page("d", ["triên khai"])
    words = (replace(page.ocr.words[0], alternatives=(("triển", 0.8123),)),) + page.ocr.words[1:]
    page = replace(page, ocr=replace(page.ocr, words=words))
    records = json.loads(assemble([page], None).pages_jsonl)["words"]
    assert records[0]["alternatives"] == [["triển", 0.812]]
    assert "alternatives" not in records[1]  # none weighed: the key is left out


def test_codes_keep_the_characters_the_ocr_weighed():
    from dataclasses import replace

    page = text_page("d", ["ngày 0] tháng"])
    words = page.ocr.words[:1] + (replace(page.ocr.words[1], readings=(("01", 0.6056),)),) + page.ocr.words[2:]
    page = replace(page, ocr=replace(page.ocr, words=words))
    records = json.loads(assemble([page], None).pages_jsonl)["words"]
    assert records[1]["readings"] == [["01", 0.606]]
    assert "readings" not in records[0]


def _table_page(rows: list[list[str]], prose: str) -> "PageResult":
    """A page of one prose line and table rows laid out as the layout writes them: cells joined
    by ' | ', each cell's words (an OCR'd '|' among them) words of their own."""
    from dataclasses import replace

    from sohoa.ingest.layout import PageLayout, TextBlock
    from sohoa.ingest.records import OcrPage, OcrWord

    words, blocks = [], []
    for b, (kind, cells) in enumerate([("body", [prose])] + [("table", row) for row in rows]):
        text, indices, spans = "", [], []
        for c, cell in enumerate(cells):
            if c:
                text += " | "
            for k, word in enumerate(cell.split()):
                if k:
                    text += " "
                indices.append(len(words))
                spans.append((len(text), len(text) + len(word)))
                words.append(OcrWord(word, 90.0, (0, 0, 0, 0), b + 1, 1, 1, len(indices)))
                text += word
        blocks.append(TextBlock(kind, tuple(indices), text, tuple(spans), tuple([b] * len(indices))))
    page = text_page("d", [prose])
    ocr = OcrPage("d", 1, 0, 0, 0, tuple(words), tuple(b.text for b in blocks))
    return replace(page, ocr=ocr, layout=PageLayout(tuple(blocks)), source="ocr")


def test_repair_never_removes_the_bars_between_table_cells():
    """A repair that takes every ' |' for a speck: the prose line's bar and the '|' the OCR read
    inside a cell go, the layout's cell separators stay, and text.txt is ocr.txt with the kept
    edits (edits.jsonl) applied."""
    page = _table_page([["TT", "Khoa tham gia", "Đối tượng"], ["2", "Khoa Công nghệ |", "Sinh viên"]],
                       "Phòng Đào tạo |")

    def every_bar(text):
        edits = [Edit(m.start(), m.end(), m.group(), "", "test") for m in re.finditer(r" \|", text)]
        return RepairResult(text, _apply(text, edits), tuple(edits))

    doc = assemble([page], every_bar)
    assert doc.ocr_text == "Phòng Đào tạo |\nTT | Khoa tham gia | Đối tượng\n2 | Khoa Công nghệ | | Sinh viên"
    assert doc.text == "Phòng Đào tạo\nTT | Khoa tham gia | Đối tượng\n2 | Khoa Công nghệ | Sinh viên"
    records = [json.loads(line) for line in doc.edits_jsonl.splitlines()]
    assert _apply(doc.ocr_text, [Edit(r["start"], r["end"], r["before"], r["after"], r["fixer"])
                                 for r in records if r["applied"]]) == doc.text
