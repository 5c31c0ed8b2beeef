"""`sohoa train` builds a model file that the restorer loads."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sohoa.cli import main
from sohoa.diacritics.restore import load_restorer
from sohoa.synth.corpus import is_heldout

TEXT = "Nghị quyết Đại hội Đảng bộ tỉnh.\nKết quả thực hiện nhiệm vụ năm 2021.\n" * 5


@pytest.fixture
def runner():
    return CliRunner()


def _train_file(tmp_path):
    name = next(f"corpus{n}.txt" for n in range(100) if not is_heldout(f"corpus{n}.txt"))
    path = tmp_path / name
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_train_writes_a_loadable_model(runner, tmp_path):
    corpus = _train_file(tmp_path)
    model = tmp_path / "model.npz"
    result = runner.invoke(main, ["train", "--corpus", str(corpus), "-o", str(model)])
    assert result.exit_code == 0, result.output
    restorer = load_restorer(model)
    after = [e.after for e in restorer.find_edits("Nghi quyet Dai hoi")]
    assert after == ["Nghị", "quyết", "Đại", "hội"]
    from sohoa.diacritics.restore.codes import default_vocabulary, read_vocabulary

    codes = read_vocabulary(tmp_path / "model.codes.tsv")  # the code table beside it
    assert codes.acronyms == {} and codes.confusions == default_vocabulary().confusions  # no OCR pages: kept
    from sohoa.diacritics.list_ends import read_table

    assert read_table(tmp_path / "model.semicolons.tsv") is not None  # what follows words, beside it


def test_train_on_an_empty_corpus_fails_clearly(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["train", "--corpus", str(empty), "-o", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert "no Vietnamese words" in result.output


LISTS = ("Căn cứ Quyết định số 12/QĐ-UBND ngày 3/2/2021 của UBND tỉnh;\n"
         "Kính gửi: Sở GDĐT, Phòng GDĐT các huyện;\n- Các trường trực thuộc;\n- Lưu: VT, TTHC.\n") * 6


def test_one_pass_gives_each_table_its_builder_alone_gives(tmp_path):
    """`sohoa train` reads the corpus once for the model and every table beside it: each table
    is the one its own builder counts from the same train texts, over several corpus files."""
    import numpy as np

    from sohoa.diacritics import list_ends
    from sohoa.diacritics.restore import acronyms, codes
    from sohoa.diacritics.restore import names as names_table
    from sohoa.diacritics.restore.train import train_from_corpora

    names = [n for n in (f"corpus{k}.txt" for k in range(100)) if not is_heldout(n)][:2]
    texts = [TEXT + LISTS, LISTS + "Sở KHĐT và Sở GDĐT; Ban QLDA.\n" * 6]
    paths = []
    for name, text in zip(names, texts):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    output = tmp_path / "m.npz"
    train_from_corpora(paths, output, quiet=True)
    assert acronyms.read_table(acronyms.table_path(output)) == {
        k: form for k, (form, _, _) in acronyms.build_table(texts).items()} != {}
    assert list_ends.read_table(list_ends.table_path(output)) == list_ends.count_semicolons(texts)
    assert names_table.read_table(names_table.table_path(output)) == names_table.build_table(texts) != {}
    alone = codes.build_vocabulary(texts)
    written = codes.read_vocabulary(codes.table_path(output))
    assert (written.types, written.issuers, written.acronyms) == (alone.types, alone.issuers, alone.acronyms)
    assert written.types and written.issuers
    # the model of the one pass is the one built from the same texts alone (its tables; its notes and
    # OCR channel, copied from the shipped model here, aside)
    from sohoa.diacritics.restore.train import build_model

    alone_model = tmp_path / "alone.npz"
    build_model(texts).save(alone_model)
    with np.load(output) as one, np.load(alone_model) as other:
        assert set(one.files) == set(other.files)
        assert all(np.array_equal(one[name], other[name]) for name in one.files if name not in ("meta", "channel"))


def test_garble_pages_add_english_model_pages_to_the_channel(tmp_path, monkeypatch):
    """`sohoa train --garble-pages` adds pages read by the English model alone: the channel's
    provenance counts them, and the Vietnamese-model pages stay as many as before."""
    import json

    import sohoa.diacritics.restore.ocrpairs as ocrpairs
    from sohoa.diacritics.restore.train import CHANNEL_PROVENANCE, _channel

    def fake_ocr_pages(paragraphs, **kwargs):
        return [ocrpairs.OcrSample(ocr="Nghi quyét", truth="Nghị quyết", lang=kwargs["lang"], level=kwargs["level"])]

    monkeypatch.setattr(ocrpairs, "ocr_pages", fake_ocr_pages)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"text": "\n".join(
        f"Đoạn {n}.{k}: Nghị quyết Đại hội Đảng bộ tỉnh về nhiệm vụ phát triển kinh tế xã hội." for k in range(4))},
        ensure_ascii=False) + "\n" for n in range(300)), encoding="utf-8")
    _, plain = _channel([corpus], 6, tmp_path / "work", True)
    channel, extended = _channel([corpus], 6, tmp_path / "work", True, garble_pages=6)
    assert extended["vie"] == plain["vie"] > 0 and extended["eng"] > plain["eng"] > 0
    assert "marks" in channel
    line = CHANNEL_PROVENANCE.format(pages=sum(extended.values()), ocr_model="fast", **extended)
    assert f"{extended['eng']} eng pages" in line


def test_train_offers_garble_pages(runner):
    result = runner.invoke(main, ["train", "--help"])
    assert result.exit_code == 0 and "--garble-pages" in result.output
