"""The HTML review page, parsed back: every edit and proposal is on it with its before and after."""

from html.parser import HTMLParser

from click.testing import CliRunner

from sohoa.cli import main
from sohoa.diacritics.legacy import CODECS
from sohoa.diacritics.pipeline import repair
from sohoa.diacritics.review import ReviewedDocument, review_page

OCR_TEXT = ("chat tha\u0309i ra\u0306\u0301n va ðồng bào; Сông tác <b>quan trọng</b> & \"đúng\"\n"
            "\n"
            "dat 90,36% so véi chi ti€u K& hoach, cham soc sirc khoé nhdn din;\n"
            "Nghá»‹ quyáº¿t cá»§a Tá»‰nh á»§y, 15/QD-TTg, hoà bình\n")


class _Page(HTMLParser):
    """Collects, per change span (id d<doc>e<n> or d<doc>f<n>): its tip, and its del / ins / own text;
    per document: the text lines as shown with the changes made, and as they were before."""

    def __init__(self):
        super().__init__()
        self.spans: dict[str, dict] = {}
        self.rows: list[list[str]] = []
        self.lines_after: list[list[str]] = []   # per document, per line: text with changes made
        self.lines_before: list[list[str]] = []  # ... with the original text instead
        self._stack: list[tuple[str, dict]] = []
        self._span: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._stack.append((tag, attrs))
        if tag == "ol" and "text" in attrs.get("class", ""):
            self.lines_after.append([])
            self.lines_before.append([])
        if tag == "li" and self._inside("ol"):
            self.lines_after[-1].append("")
            self.lines_before[-1].append("")
        if tag == "span" and attrs.get("id"):
            self._span = attrs["id"]
            self.spans[self._span] = {"class": attrs.get("class", ""), "tip": attrs.get("data-tip", ""),
                                      "del": "", "ins": "", "own": ""}
        if tag == "tr":
            self._row = []
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "span":
            self._span = None
        if tag == "td" and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None

    def _inside(self, tag):
        return any(t == tag for t, _ in self._stack)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._span is not None:
            part = "del" if self._inside("del") else "ins" if self._inside("ins") else "own"
            self.spans[self._span][part] += data
        if self._inside("li") and self._inside("ol"):
            flag = self._span is not None and "flag" in self.spans[self._span]["class"]
            in_del, in_ins = self._inside("del"), self._inside("ins")
            if not in_del and not (flag and in_ins):
                self.lines_after[-1][-1] += data
            if not in_ins:
                self.lines_before[-1][-1] += data


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_every_edit_and_proposal_appears_with_before_and_after():
    result = repair(OCR_TEXT, restore=False)
    assert result.edits and result.flags
    page = _parse(review_page([ReviewedDocument("ocr.txt", result)]))
    for number, edit in enumerate(result.edits):
        span = page.spans[f"d0e{number}"]
        assert (span["del"], span["ins"].replace("∅", "")) == (edit.before, edit.after)
        assert repr(edit.before) in span["tip"] and repr(edit.after) in span["tip"] and edit.fixer in span["tip"]
    for number, flag in enumerate(result.flags):
        span = page.spans[f"d0f{number}"]
        assert "flag" in span["class"] and (span["own"], span["ins"]) == (flag.before, flag.after)
        assert "proposed, not made" in span["tip"]
    table = {(row[1], row[2], row[5]) for row in page.rows}
    assert {(e.before, e.after, "made") for e in result.edits} <= table
    assert {(f.before, f.after, "proposed") for f in result.flags} <= table


def test_page_text_reads_as_the_output_and_as_the_input():
    result = repair(OCR_TEXT, restore=False)
    page = _parse(review_page([ReviewedDocument("ocr.txt", result)]))
    assert page.lines_after[0] == result.text.split("\n")[:-1]
    assert page.lines_before[0] == OCR_TEXT.split("\n")[:-1]


def test_markup_in_the_text_is_shown_not_interpreted():
    page = review_page([ReviewedDocument("a<b>.txt", repair("<script>alert(1)</script> hoà", restore=False))])
    assert "<script>" not in page and "&lt;script&gt;" in page and "a&lt;b&gt;.txt" in page


def test_cli_page_for_a_legacy_file_names_its_encoding(tmp_path):
    source = tmp_path / "abc.txt"
    source.write_bytes(CODECS["tcvn3"].encode("Cộng hoà xã hội\n"))
    page_path = tmp_path / "review.html"
    result = CliRunner().invoke(main, ["repair", str(source), "-o", str(tmp_path / "out.txt"), "--html", str(page_path),
                                       "--tone-style", "old"])
    assert result.exit_code == 0, result.output
    page = _parse(page_path.read_text(encoding="utf-8"))
    assert page.lines_after == [["Cộng hòa xã hội"]] and page.spans["d0e0"]["del"] == "hoà"
    assert "read as TCVN3 (ABC)" in page_path.read_text(encoding="utf-8")
