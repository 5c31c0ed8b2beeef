"""Small input files made on the fly: born-digital and image-only PDFs, bad inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REAL_TOOLS = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tesseract") is None or shutil.which("pdftoppm") is None,
                       reason="tesseract / poppler not installed"),
]
"""`pytestmark` of the test modules that run real Tesseract and poppler (`pytest -m integration`)."""

PARAGRAPHS = [
    "Năm 2023, tình hình kinh tế - xã hội của tỉnh tiếp tục phục hồi; tốc độ tăng trưởng kinh tế đạt 7,5%, "
    "thu ngân sách nhà nước trên địa bàn vượt dự toán được giao.",
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành tập trung triển khai thực hiện có hiệu quả các nhiệm vụ, "
    "giải pháp đã đề ra.",
]
"""Two paragraphs of report prose for the scanned pages the integration tests render."""

BODY = ("Thực hiện Nghị quyết của Hội đồng nhân dân tỉnh về nhiệm vụ phát triển kinh tế - xã hội năm 2023, "
        "Ủy ban nhân dân tỉnh ban hành kế hoạch hành động với các nhiệm vụ, giải pháp chủ yếu sau đây.")


def make_born_digital_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF with a real Vietnamese text layer (what a word processor exports)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from sohoa.synth.render import font_path

    try:
        pdfmetrics.getFont("SohoaSerif")
    except KeyError:
        pdfmetrics.registerFont(TTFont("SohoaSerif", "/usr/share/fonts/truetype/freefont/FreeSerif.ttf"
                                       if Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf").exists()
                                       else font_path("regular")))
    pdf = canvas.Canvas(str(path), pagesize=(595.3, 841.9))
    pdf.setFont("SohoaSerif", 13)
    y = 780
    for line in lines:
        pdf.drawString(85, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return path


def wrap(text: str, width: int = 80) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + [current]


@pytest.fixture
def bad_batch(tmp_path) -> Path:
    """A folder with good inputs and every kind of bad one the batch must survive."""
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path / "inputs"
    (folder / "sub").mkdir(parents=True)
    good = make_born_digital_pdf(folder / "good.pdf", wrap(BODY))
    (folder / "sub" / "legacy.txt").write_text("Báo cáo tình hình\nkinh tế - xã hội năm 2023.\n", encoding="utf-8")
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(good.read_bytes()[:400])
    writer = PdfWriter()
    for page in PdfReader(good).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "locked.pdf", "wb") as handle:
        writer.write(handle)
    Image.new("L", (620, 877), 255).save(folder / "blank.pdf", resolution=75.0)
    (folder / "latin1.txt").write_bytes("Báo cáo".encode("utf-16-le"))  # no BOM: no encoding we know
    return folder


def ink_runs(positions, gap: int) -> list[tuple[int, int]]:
    """(start, end) of each run of `positions` (sorted pixel indices, as numpy's flatnonzero
    gives the inked rows or columns of a picture) whose neighbours lie at most `gap` apart: the
    crops stacked on a sheet, or the words of one crop, as a fake engine finds them."""
    runs, start = [], None
    for k, p in enumerate(positions):
        start = p if start is None else start
        if k + 1 == len(positions) or positions[k + 1] > p + gap:
            runs.append((start, p + 1))
            start = None
    return runs


def drawn_words(draw, font, text: str, x: int, top: int, block: int, first: int = 1) -> list:
    """The words of `text` drawn left to right from (`x`, `top`) with PIL's `draw`, as the page
    OCR reads them: each with its drawn box, confidence 95, numbered `block`, word `first` on."""
    from sohoa.ingest.records import OcrWord

    words = []
    for k, word in enumerate(text.split(), start=first):
        box = draw.textbbox((x, top), word, font=font)
        draw.text((x, top), word, font=font, fill=0)
        words.append(OcrWord(word, 95.0, tuple(int(v) for v in box), block, 1, 1, k))
        x = box[2] + 14
    return words
