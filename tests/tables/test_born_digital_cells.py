"""A born-digital page's table cells take the page's own words: exact, never read from its
picture (a small figure of a word processor's table read '13' for '51,3')."""

from pathlib import Path

import pandas as pd
import pytest

from sohoa.batch import BatchOptions, run_batch
from sohoa.ingest.records import OcrWord
from sohoa.tables.cellocr import cells_from_exact_words

ROWS = [["TT", "Chỉ tiêu", "Đơn vị", "Năm 2021", "Năm 2022"],
        ["1", "Tốc độ tăng trưởng GRDP", "%", "7,5", "8,12"],
        ["2", "Thu nhập bình quân đầu người", "triệu đồng", "45,9", "51,3"],
        ["3", "Tỷ lệ hộ nghèo", "%", "3,18", "2,07"],
        ["4", "Tổng vốn đầu tư toàn xã hội", "tỷ đồng", "31.567", "36.912"],
        # the author's words, never weighed as an OCR reading ('vạn' is no misread 'vẫn')
        ["5", "Số bác sỹ trên vạn dân được thu gom và xử lý đạt tiêu chuẩn", "người", "9,1", "9,8"]]


def _table_pdf(path: Path, size: float = 6.0) -> Path:
    """A word processor's ruled table in a small type, as exported to PDF (text layer, no scan)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from sohoa.synth.render import font_path

    freeserif = Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf")
    if "SohoaTableSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("SohoaTableSerif", str(freeserif) if freeserif.exists() else font_path("regular")))
    style = ParagraphStyle("cell", fontName="SohoaTableSerif", fontSize=size, leading=size * 1.2)
    table = Table([[Paragraph(cell, style) for cell in row] for row in ROWS], colWidths=[30, 200, 70, 70, 70])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    title = Paragraph("Bảng 1. Một số chỉ tiêu chủ yếu của tỉnh giai đoạn 2021 - 2022 theo báo cáo của "
                      "Ủy ban nhân dân tỉnh", style)
    SimpleDocTemplate(str(path), pagesize=A4).build([title, table])
    return path


@pytest.mark.parametrize("text", [True, False], ids=["run", "tables"])
def test_a_born_digital_tables_cells_are_its_own_words(tmp_path, text):
    (tmp_path / "in").mkdir()
    source = _table_pdf(tmp_path / "in" / "appendix.pdf")
    out = tmp_path / "out"
    # an engine that reads nothing: every figure in the CSV must come from the page's own text
    summary = run_batch([str(source)], out, BatchOptions(jobs=1, engine="null", quiet=True, text=text, pdf=False))
    assert summary.all_ok, summary.entries
    (csv,) = sorted((out / "appendix" / "tables").glob("*.csv"))
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert [list(frame.columns)] + frame.values.tolist() == ROWS
    tidy = pd.read_csv(out / "appendix" / "indicators.csv")
    assert set(tidy["source"]) == {"ruled"} and (tidy["confidence"] == 100).all()
    if text:  # the page's text reads the table row by row, as a scan's does
        lines = (out / "appendix" / "text.txt").read_text(encoding="utf-8").splitlines()
        assert [" | ".join(row) for row in ROWS] == lines[1:]


def _word(text: str, box: tuple[int, int, int, int]) -> OcrWord:
    return OcrWord(text, 96.0, box, alternatives=(("x", 0.5),))


def test_a_cell_holds_the_words_whose_middle_lies_in_it_line_by_line():
    words = [_word("người", (60, 40, 110, 60)), _word("đầu", (10, 40, 50, 60)),
             _word("Thu", (10, 10, 40, 30)), _word("nhập", (45, 10, 90, 30)),
             _word("51,3", (205, 12, 250, 30)),
             _word("tràn", (180, 70, 230, 90))]  # mostly in the next cell: it belongs there
    left, right = cells_from_exact_words([(0, 0, 190, 100), (190, 0, 300, 100)], words)
    assert left.text == "Thu nhập đầu người" and left.conf == 100.0
    assert right.text == "51,3 tràn"
    assert [w.text for w in left.words] == left.text.split() and not left.words[0].alternatives


def test_an_empty_cell_is_empty_and_sure():
    (cell,) = cells_from_exact_words([(0, 0, 50, 50)], [_word("xa", (100, 100, 120, 120))])
    assert cell.text == "" and cell.conf == 100.0


BORDERLESS = [["TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Ước năm"],
              ["I", "Chỉ tiêu kinh tế", "", "", "", ""],
              ["1", "Tốc độ tăng trưởng tổng sản phẩm trên địa bàn tỉnh", "%", "6,5", "7,1", "7,0"],
              ["2", "Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều", "%", "3,2", "3,0", "2,4"],
              ["-", "Trong đó: tỷ lệ hộ cận nghèo trên địa bàn", "%", "4,1", "4,0", "3,8"],
              ["II", "Chỉ tiêu xã hội", "", "", "", ""],
              ["3", "Tỷ lệ lao động qua đào tạo có văn bằng chứng chỉ", "%", "65", "66,1", "68,0"],
              ["", "Tổng cộng", "tỷ đồng", "100", "110", "130"]]


def test_a_borderless_tables_total_row_and_sub_row_keep_their_own_rows(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    _table_pdf(tmp_path / "unused.pdf")  # registers the font
    style = ParagraphStyle("cell", fontName="SohoaTableSerif", fontSize=11, leading=13)
    table = Table([[Paragraph(cell, style) for cell in row] for row in BORDERLESS],
                  colWidths=[30, 170, 70, 60, 60, 60])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))  # no rules at all, names wrapped
    (tmp_path / "in").mkdir()
    source = tmp_path / "in" / "borderless.pdf"
    SimpleDocTemplate(str(source), pagesize=A4).build([table])
    out = tmp_path / "out"
    assert run_batch([str(source)], out, BatchOptions(jobs=1, engine="null", quiet=True, text=False)).all_ok
    (csv,) = sorted((out / "borderless" / "tables").glob("*.csv"))
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert [list(frame.columns)] + frame.values.tolist() == BORDERLESS
