from pathlib import Path

import pytest

from sohoa.synth.samples import appendix_table, handout_blocks, markdown_blocks

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
DUMP = """Phụ lục III

MỘT SỐ CHỈ TIÊU

(Kèm theo Kế hoạch

của Chính phủ)

\tTT
\tCHỈ TIÊU
\tĐơn vị

\t1
\tTỷ lệ nợ xấu
\t%

\t2
\tTỷ trọng chi
\t%
"""


def test_appendix_dump_becomes_title_and_table():
    titles, table = appendix_table(DUMP, max_rows=5)
    assert [p.text for p in titles] == ["Phụ lục III", "MỘT SỐ CHỈ TIÊU", "(Kèm theo Kế hoạch của Chính phủ)"]
    assert table.rows == (("TT", "CHỈ TIÊU", "Đơn vị"), ("1", "Tỷ lệ nợ xấu", "%"), ("2", "Tỷ trọng chi", "%"))


def test_markdown_bold_lines_become_headings_and_marks_go():
    blocks = markdown_blocks("**CHỈ THỊ**  \n**Về việc**\n\nĐoạn *một* văn bản.\n\n## 2. Mục hai\n")
    assert [(b.text, b.style) for b in blocks] == [("CHỈ THỊ Về việc", "heading"), ("Đoạn một văn bản.", "body"),
                                                   ("2. Mục hai", "heading")]


def test_handout_lines_rejoin_into_paragraphs():
    text = "Triển khai thực hiện Nghị quyết có những thuận lợi cơ \n\nbản. Tuy nhiên, thời tiết diễn biến \n\nphức tạp.\n\nA. KẾT QUẢ\n"
    assert [b.text for b in handout_blocks(text)] == [
        "Triển khai thực hiện Nghị quyết có những thuận lợi cơ bản. Tuy nhiên, thời tiết diễn biến phức tạp.",
        "A. KẾT QUẢ"]


@pytest.mark.skipif(not SEEDS.exists(), reason="seed documents not available")
def test_real_appendix_seed_parses_to_six_columns():
    seed = sorted(SEEDS.glob("003_*.txt"))[0].read_text(encoding="utf-8")
    _, table = appendix_table(seed)
    assert len(table.rows[0]) == 6 and table.rows[0][0] == "TT"
    assert all(len(row) == 6 for row in table.rows)
