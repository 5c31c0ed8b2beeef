"""The ingest stage stands on its own: reading a page needs neither the table step nor the
repair stage (they build on ingest, never the other way round)."""

import subprocess
import sys


def test_reading_a_page_imports_neither_tables_nor_diacritics():
    code = ("import sys\n"
            "import sohoa.ingest.page, sohoa.ingest.layout, sohoa.ingest.ocr, sohoa.ingest.rasterize, "
            "sohoa.ingest.textlayer, sohoa.ingest.reread\n"
            "from sohoa.ingest.layout import lay_out\n"
            "from sohoa.ingest.records import OcrWord, Rules\n"
            "box = Rules(((100, 100, 400, 104), (100, 200, 400, 204)), ((100, 100, 104, 204), (396, 100, 400, 204)))\n"
            "lay_out([OcrWord('ĐẾN', 90.0, (120, 120, 200, 160))], 2480, 3508, box)  # a received stamp's box\n"
            "print(sorted(m for m in sys.modules if m.startswith(('sohoa.tables', 'sohoa.diacritics'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
