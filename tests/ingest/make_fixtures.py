"""Re-record the Tesseract TSV fixtures the fast unit tests replay (needs tesseract-ocr-vie).

    .venv/bin/python tests/ingest/make_fixtures.py

Each fixture is a page rendered by sohoa.synth.render at level 'light', preprocessed as the
pipeline does, OCR'd with `tesseract -l vie --psm 3`; its truth text is stored beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sohoa.ingest.ocr import TesseractEngine
from sohoa.ingest.page import prepare
from sohoa.synth.render import Closing, OfficialHeader, render_document

HERE = Path(__file__).parent / "data"
BODY = [
    "Triển khai thực hiện Nghị quyết năm 2019 của Tỉnh ủy có những thuận lợi cơ bản. Tuy nhiên, thời tiết, "
    "dịch bệnh, biến đổi khí hậu diễn biến phức tạp, khó lường; giá cả một số hàng nông sản giảm thấp; một số "
    "hàng hóa tiêu dùng thiết yếu tăng cao, kết cấu hạ tầng thiếu đồng bộ, một số dự án trọng điểm chậm triển khai.",
    "Trước tình hình đó, Tỉnh ủy đã tập trung lãnh đạo, chỉ đạo, cùng với sự nỗ lực, quyết tâm của cả hệ thống "
    "chính trị, cộng đồng doanh nghiệp và Nhân dân trong tỉnh, thực hiện Nghị quyết năm 2019 đạt được những kết "
    "quả quan trọng như sau:",
    "1. Công tác xây dựng Đảng, xây dựng hệ thống chính trị",
    "- Triển khai thực hiện phương châm năm 2019 của Tỉnh ủy “Hành động, Kỷ cương, Trách nhiệm, Sáng tạo, Về đích”; "
    "triển khai thực hiện 6 nhiệm vụ tập trung, 3 khâu đột phá và các chương trình trọng tâm.",
]


def record(name: str, page) -> None:
    grey, _ = prepare(np.asarray(page.image))
    tsv = TesseractEngine().tsv(grey)
    (HERE / f"{name}.tsv").write_text(tsv, encoding="utf-8")
    (HERE / f"{name}.truth.txt").write_text(page.truth_text + "\n", encoding="utf-8")
    print(name, grey.shape, len(tsv))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    first = render_document(BODY, header=OfficialHeader.example(("NGHỊ QUYẾT", "Về nhiệm vụ năm 2020")),
                            level="light", seed=11)[0]
    record("header_page", first)
    pages = render_document(BODY * 4, closing=Closing(), level="light", seed=12, seal="last")
    record("closing_page", pages[-1])


if __name__ == "__main__":
    main()
