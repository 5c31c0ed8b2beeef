"""Tesseract's hOCR with LSTM choices → word records with mark alternatives; the model setting."""

import shutil
from types import SimpleNamespace

import numpy as np
import pytest

from sohoa.errors import MissingDependencyError
from sohoa.ingest.ocr import OCR_MODELS, TesseractEngine, tessdata_dir
from sohoa.ingest.tesseract_output import parse_hocr_words

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<div class='ocr_page' id='page_1' title='bbox 0 0 800 600'>
 <div class='ocr_carea' id='block_1_1' title="bbox 10 10 400 60">
  <p class='ocr_par' id='par_1_1' title="bbox 10 10 400 60">
   <span class='ocr_line' id='line_1_1' title="bbox 10 10 400 60">
    <span class='ocrx_word' id='word_1_1' title='bbox 10 10 120 60; x_wconf 91'>chuyên<span class='ocrx_cinfo' id='lstm_choices_1_1_1'><span class='ocrx_cinfo' title='x_confs 99'>c</span></span><span class='ocrx_cinfo' id='lstm_choices_1_1_2'><span class='ocrx_cinfo' title='x_confs 99'>h</span></span><span class='ocrx_cinfo' id='lstm_choices_1_1_3'><span class='ocrx_cinfo' title='x_confs 99'>u</span></span><span class='ocrx_cinfo' id='lstm_choices_1_1_4'><span class='ocrx_cinfo' title='x_confs 98'>y</span></span><span class='ocrx_cinfo' id='lstm_choices_1_1_5'><span class='ocrx_cinfo' title='x_confs 40'>ê</span><span class='ocrx_cinfo' title='x_confs 30'>ể</span><span class='ocrx_cinfo' title='x_confs 5'>y</span></span><span class='ocrx_cinfo' id='lstm_choices_1_1_6'><span class='ocrx_cinfo' title='x_confs 99'>n</span></span></span>
    <span class='ocrx_word' id='word_1_2' title='bbox 130 10 200 60; x_wconf 95'>đổi</span>
   </span>
  </p>
 </div>
 <div class='ocr_carea' id='block_1_2' title="bbox 10 100 400 160">
  <p class='ocr_par' id='par_1_2' title="bbox 10 100 400 160">
   <span class='ocr_line' id='line_1_2' title="bbox 10 100 400 160">
    <span class='ocrx_word' id='word_1_3' title='bbox 10 100 120 160; x_wconf 88'><strong>SỐ</strong></span>
   </span>
  </p>
 </div>
</div></body></html>"""


def test_hocr_words_are_numbered_as_in_the_tsv_and_carry_alternatives():
    words = parse_hocr_words(HOCR)
    assert [w.text for w in words] == ["chuyên", "đổi", "SỐ"]
    assert [(w.block, w.par, w.line, w.word) for w in words] == [(1, 1, 1, 1), (1, 1, 1, 2), (2, 1, 1, 1)]
    assert words[0].bbox == (10, 10, 120, 60) and words[0].conf == 91.0
    assert words[0].alternatives == (("chuyển", 0.75),)  # 'y' is another letter, not another mark
    assert words[1].alternatives == () and words[2].alternatives == ()


def test_model_setting():
    assert OCR_MODELS == ("best", "fast")
    assert tessdata_dir("fast") is None
    folder = tessdata_dir("best")
    assert (folder / "vie.traineddata").stat().st_size > 1_000_000
    with pytest.raises(ValueError):
        tessdata_dir("tiny")


def test_missing_best_model_says_how_to_fix(tmp_path, monkeypatch):
    import sohoa.ingest.ocr as ocr

    monkeypatch.setattr(ocr, "_SHIPPED_TESSDATA", tmp_path)
    with pytest.raises(MissingDependencyError):
        tessdata_dir("best")


def test_repair_is_told_what_read_the_pages():
    from sohoa.pipeline import BatchOptions, ocr_evidence
    from sohoa.ingest.records import OcrPage, OcrWord

    word = OcrWord("triên", 90.0, (0, 0, 1, 1), 1, 1, 1, 1, alternatives=(("triển", 0.8),))
    page = SimpleNamespace(source="ocr", ocr=OcrPage("d", 1, 10, 10, 300, (word,)))
    evidence = ocr_evidence([page], BatchOptions(ocr_model="best"))
    assert evidence.model == "tesseract-vie-best" and evidence.forms("triên") == (("triển", 0.8),)
    assert ocr_evidence([SimpleNamespace(source="text-layer", ocr=page.ocr)], BatchOptions()) is None


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
@pytest.mark.parametrize("model", OCR_MODELS)
def test_real_tesseract_reads_with_either_model(model):
    from sohoa.synth.render import render_document

    page = render_document(["Đẩy mạnh chuyển đổi số và triển khai thực hiện có hiệu quả."], level="clean", seed=3)[0]
    words = TesseractEngine(model=model).recognise(np.asarray(page.image.convert("L")))
    text = " ".join(w.text for w in words)
    assert "triển" in text and "hiệu" in text
    assert all(w.block >= 1 and w.line >= 1 and w.word >= 1 for w in words)
