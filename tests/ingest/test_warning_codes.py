"""Warnings carry a code beside their message; decisions are taken on the code."""

from sohoa.ingest.assemble import page_record
from sohoa.ingest.layout import PageLayout, TextBlock
from sohoa.ingest.page import PageResult
from sohoa.ingest.records import OcrPage, OcrWord, PageWarning, WarningCode


def _page(number: int, *warnings: PageWarning, error: str | None = None) -> PageResult:
    words = (OcrWord("Hà", 95.0, (0, 0, 10, 10), 1, 1, 1, 1), OcrWord("Nội", 95.0, (12, 0, 30, 10), 1, 1, 1, 2))
    layout = PageLayout((TextBlock("body", (0, 1), "Hà Nội", ((0, 2), (3, 6)), (0, 0)),))
    return PageResult("d", number, OcrPage("d", number, 100, 100, 300, words, ("Hà Nội",)), layout,
                      warnings=warnings, error=error)


def test_a_document_fails_on_the_code_whatever_the_message_says():
    from sohoa.pipeline import document_status

    reworded = PageWarning(WarningCode.NOT_VIETNAMESE, "the page reads as English")
    assert document_status([_page(1, reworded)])[0] == "failed"
    worded_alike = PageWarning(WarningCode.TABLES_FAILED, "non-Vietnamese page: a table cell said so")
    status, error, warnings = document_status([_page(1, worded_alike)])
    assert status == "ok" and error is None and warnings == [(1, worded_alike)]


def test_the_manifest_and_pages_jsonl_carry_each_code_beside_its_message():
    from sohoa.ingest.inputs import InputDocument
    from sohoa.manifest import ManifestEntry

    enlarged = PageWarning(WarningCode.PAGE_ENLARGED, "text 12 px high: page enlarged 2.3x for OCR")
    document = InputDocument("d", "/tmp/d.png", "image", "0" * 64)
    entry = ManifestEntry.of(document, "ok", 2, 1.0, None, [(2, enlarged)]).as_dict()
    assert entry["warnings"] == ["page 2: text 12 px high: page enlarged 2.3x for OCR"]
    assert entry["warning_codes"] == ["page-enlarged"]
    record = page_record(_page(2, enlarged, error="timed out after 300 s"), [None, None], "", None)
    assert record["warnings"] == [enlarged.message, "timed out after 300 s"]
    assert record["warning_codes"] == ["page-enlarged", "page-failed"]


def test_a_failing_table_step_is_a_warning_and_the_text_stands(monkeypatch):
    import numpy as np

    import sohoa.tables.api as tables_api
    from sohoa.ingest.ocr import NullEngine
    from sohoa.ingest.page import PageOptions, ReadPage
    from sohoa.ingest.records import PageImage, PageSource
    from sohoa.pipeline import _with_tables

    def broken(image, *, engine, repair, words, exact_words):
        assert repair is False  # --no-repair reaches the table step
        raise ValueError("no grid")

    monkeypatch.setattr(tables_api, "find_page_tables_and_cells", broken)
    page = _page(1)
    read = ReadPage(page, True, PageImage("d", 1, np.full((40, 40), 255, np.uint8), 300))
    result = _with_tables(read, PageSource("d", "d.png", "image", 1), PageOptions(repair=False), 0.0, NullEngine())
    assert result.ocr == page.ocr and result.tables == ()
    assert [(w.code, w.message) for w in result.warnings] == [
        (WarningCode.TABLES_FAILED, "table extraction failed: ValueError: no grid")]


def test_the_table_step_is_given_the_page_s_own_ocr_words_and_a_text_layer_s_as_exact_words(monkeypatch):
    from dataclasses import replace

    import numpy as np

    import sohoa.tables.api as tables_api
    from sohoa.ingest.ocr import NullEngine
    from sohoa.ingest.page import PageOptions, ReadPage
    from sohoa.ingest.records import PageImage, PageSource
    from sohoa.pipeline import _with_tables

    given = []
    monkeypatch.setattr(tables_api, "find_page_tables_and_cells",
                        lambda image, *, engine, repair, words, exact_words: given.append((words, exact_words))
                        or ([], [], []))
    page = _page(1)
    image = PageImage("d", 1, np.full((40, 40), 255, np.uint8), 300)
    _with_tables(ReadPage(page, True, image), PageSource("d", "d.png", "image", 1), PageOptions(), 0.0, NullEngine())
    layer = replace(page, source="text-layer")
    _with_tables(ReadPage(layer, True, image), PageSource("d", "d.pdf", "pdf", 1), PageOptions(), 0.0, NullEngine())
    (ocr_words, no_exact), (no_words, exact) = given
    assert ocr_words == page.ocr.words and no_exact is None
    # a text layer's words are exact: the cells take them (in the picture's pixels) instead of a reading
    assert no_words is None and [w.text for w in exact] == [w.text for w in page.ocr.words]
