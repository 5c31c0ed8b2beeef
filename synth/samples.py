"""Build the sample inputs in data/raw/ from the seed documents (`make samples`).

    python -m sohoa.synth.samples --seeds ../shared/seeds -o data/raw [--gold data/gold]

- 001 (a resolution-review handout) and 004 (a directive): the first pages as image-only PDFs
  with an official header, 'scan' degradation (slight skew, blur, noise); 004 ends with a
  'Nơi nhận' / signature block under a red seal;
- 003: the first page of appendix 'Phụ lục III' (an indicator table) as an image-only PDF;
- 000 and 002 (old OCR text with destroyed diacritics): copied as legacy .txt inputs.
The true text of each rendered PDF goes to the gold folder (outside data/raw, so `sohoa run
data/raw` does not take it as input): `sohoa eval --gold data/gold data/clean` scores a run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from sohoa.synth.render import (
    Closing, OfficialHeader, Paragraph, TableBlock, document_truth, render_document, write_image_pdf,
)

SEED_PREFIXES = ("000", "001", "002", "003", "004")


def find_seed(seeds: Path, prefix: str) -> Path:
    matches = sorted(seeds.glob(f"{prefix}_*.txt"))
    if not matches:
        raise FileNotFoundError(f"no seed {prefix}_*.txt in {seeds}")
    return matches[0]


def _strip_markdown(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text)
    return text.replace("**", "").replace("*", "").strip()


def markdown_blocks(text: str) -> list[Paragraph]:
    """Paragraphs of a lightly marked-down seed: bold lines become headings/titles."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines or set("".join(lines)) <= set("-*_ "):
            continue
        bold = all(line.startswith("**") or line.startswith("#") for line in lines)
        joined = " ".join(_strip_markdown(line) for line in lines)
        if not joined:
            continue
        blocks.append(Paragraph(joined, "heading" if bold else "body"))
    return blocks


def handout_blocks(text: str) -> list[Paragraph]:
    """Seed 001: one printed line per text line, blank lines between; re-joined into paragraphs."""
    from sohoa.ingest.legacy import reflow

    paragraphs = []
    for paragraph in reflow(text, blank_lines_break=False):
        if set(paragraph) <= set("-_ "):
            continue
        style = "heading" if (paragraph.isupper() or re.match(r"^[A-Z]\.\s|^[IVX]+\.\s", paragraph)) else "body"
        paragraphs.append(Paragraph(paragraph, style))
    return paragraphs


def appendix_table(text: str, title: str = "Phụ lục III", max_rows: int = 14) -> tuple[list[Paragraph], TableBlock]:
    """Seed 003's appendix: title lines, then rows dumped one cell per tab-indented line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    titles, rows, current = [], [], []
    for line in lines[start:]:
        if line.startswith("\t"):
            current.append(line.strip())
        elif not line.strip():
            if current:
                rows.append(tuple(current))
                current = []
        elif not rows and not current:
            titles.append(line.strip())
        else:
            break
        if len(rows) >= max_rows + 1:
            break
    if current and len(rows) < max_rows + 1:
        rows.append(tuple(current))
    width = len(rows[0])
    rows = [tuple(list(r[:width]) + [""] * (width - len(r))) for r in rows if any(r)]
    heading = [Paragraph(titles[0], "center")] + [Paragraph(t, "center" if k == 0 else "italic")
                                                   for k, t in enumerate(titles[1:])]
    merged = []
    for paragraph in heading[1:]:  # '(Kèm theo ...' wraps over two dumped lines
        if merged and merged[-1].style == "italic" and not merged[-1].text.endswith(")"):
            merged[-1] = Paragraph(merged[-1].text + " " + paragraph.text, "italic")
        else:
            merged.append(paragraph)
    return [heading[0]] + merged, TableBlock(tuple(rows), widths=(0.6, 4.2, 1.1, 1.6, 1.6, 2.6))


def build(seeds: Path, out: Path, gold: Path | None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    text_001 = find_seed(seeds, "001").read_text(encoding="utf-8")
    pages = render_document(
        handout_blocks(text_001),
        header=OfficialHeader(agency=("TỈNH ỦY TRÀ VINH", "BAN TUYÊN GIÁO"), number="Số: 47-HD/BTGTU",
                              place_date="Trà Vinh, ngày 10 tháng 01 năm 2020",
                              title=("TÀI LIỆU TUYÊN TRUYỀN", "Kết quả thực hiện Nghị quyết năm 2019")),
        level="scan", seed=1, max_pages=2, seal="none",
    )
    written.append(_save(pages, out / "001_ket_qua_nghi_quyet_2019.pdf", gold))

    text_004 = find_seed(seeds, "004").read_text(encoding="utf-8")
    blocks = markdown_blocks(text_004)
    title_end = next(i for i, b in enumerate(blocks) if b.style == "body")
    title = tuple(b.text for b in blocks[:title_end])
    body = blocks[title_end:title_end + 7]
    pages = render_document(
        body,
        header=OfficialHeader(agency=("ỦY BAN NHÂN DÂN", "TỈNH TRÀ VINH"), number="Số: 08/CT-UBND",
                              place_date="Trà Vinh, ngày 29 tháng 5 năm 2020", title=title or ("CHỈ THỊ",)),
        closing=Closing(recipients=("- Bộ Kế hoạch và Đầu tư;", "- TT. Tỉnh ủy, TT. HĐND tỉnh;",
                                    "- Các sở, ban, ngành tỉnh;", "- Lưu: VT, KT."),
                        signer_role=("CHỦ TỊCH",), signer_name="Đồng Văn Lâm"),
        level="scan", seed=4, seal="last", max_pages=2,
    )
    written.append(_save(pages, out / "004_chi_thi_ke_hoach_2021_2025.pdf", gold))

    text_003 = find_seed(seeds, "003").read_text(encoding="utf-8")
    titles, table = appendix_table(text_003)
    pages = render_document([*titles, table], level="scan", seed=3, max_pages=1, seal="none")
    written.append(_save(pages, out / "003_phu_luc_iii_chi_tieu_2023.pdf", gold))

    for prefix in ("000", "002"):
        source = find_seed(seeds, prefix)
        target = out / f"{source.stem}.txt"
        shutil.copyfile(source, target)
        written.append(target)
    return written


def _save(pages, path: Path, gold: Path | None) -> Path:
    write_image_pdf(pages, path, quality=55)
    if gold is not None:
        gold.mkdir(parents=True, exist_ok=True)
        (gold / f"{path.stem}.txt").write_text(document_truth(pages) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", required=True, type=Path)
    parser.add_argument("-o", "--out", required=True, type=Path)
    parser.add_argument("--gold", type=Path, default=None,
                        help="where to write the true text of the rendered PDFs (default: OUT/../gold)")
    args = parser.parse_args(argv)
    gold = args.gold or args.out.parent / "gold"
    for path in build(args.seeds, args.out, gold):
        print(f"{path}  {path.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
