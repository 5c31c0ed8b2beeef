"""The restorer's model cache: a model mapped from its cache entry is the model read from its file."""

from __future__ import annotations

import os

import numpy as np
import pytest

from sohoa.diacritics.restore import model_cache
from sohoa.diacritics.restore.channel import learn_channel
from sohoa.diacritics.restore.decoder import Restorer
from sohoa.diacritics.restore.model import RestorerModel
from sohoa.diacritics.restore.train import build_model

TEXT = """\
Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XIV, nhiệm kỳ 2020 - 2025.
Tỉnh ủy tập trung lãnh đạo thực hiện Nghị quyết Đại hội Đảng bộ tỉnh.
Công tác xây dựng Đảng, xây dựng hệ thống chính trị được tăng cường.
Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện nghị quyết của Hội đồng nhân dân tỉnh.
Tổ chức thành công Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.
"""
INPUTS = ["Nghi quyet Dai hoi Dang bo tinh", "Cong tac xay dung Pang ciia tinh", "Uy ban nhan dan tinh ban hanh"]


@pytest.fixture()
def model_file(tmp_path):
    model = build_model([TEXT] * 3, min_count=2, min_gain=1)
    model.channel = learn_channel([("ciia", "của"), ("dugc", "được"), ("Pang", "Đảng")] * 3).to_json()
    path = tmp_path / "model.npz"
    model.save(path)
    return path


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(model_cache.CACHE_ENV, str(folder))
    return folder


def test_a_mapped_model_is_the_model_read_from_its_file(model_file, cache):
    read = RestorerModel.load(model_file)
    model_cache.load_model(model_file)  # writes the entry
    mapped = model_cache.load_model(model_file)
    arrays, description = read.memory_form()
    again, again_description = mapped.memory_form()
    assert description == again_description and sorted(arrays) == sorted(again)
    for name, array in arrays.items():
        assert isinstance(again[name], np.memmap) or name in ("keys", "targets")
        assert again[name].dtype == array.dtype and np.array_equal(again[name], array), name
    assert read.toned_lm is not None and mapped.toned_lm.order == read.toned_lm.order
    for text in INPUTS:
        assert Restorer(mapped).find_edits(text) == Restorer(read).find_edits(text)


def test_the_second_load_maps_the_entry_and_reads_no_file(model_file, cache, monkeypatch):
    model_cache.load_model(model_file)
    assert len(list(cache.glob("restorer-*"))) == 1

    def no_file_read(path):
        raise AssertionError("the model file was read again")

    monkeypatch.setattr(RestorerModel, "load", staticmethod(no_file_read))
    assert model_cache.load_model(model_file).keys


def test_a_rebuilt_model_gets_a_new_entry_and_the_old_one_goes(model_file, cache):
    model_cache.load_model(model_file)
    first = next(cache.glob("restorer-*"))
    stat = model_file.stat()
    os.utime(model_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    model_cache.load_model(model_file)
    entries = list(cache.glob("restorer-*"))
    assert len(entries) == 1 and entries[0] != first


def test_a_damaged_entry_is_read_from_the_file_and_written_again(model_file, cache):
    model_cache.load_model(model_file)
    entry = next(cache.glob("restorer-*"))
    (entry / "cand_targets.npy").unlink()
    model = model_cache.load_model(model_file)
    assert model.keys == RestorerModel.load(model_file).keys
    assert (entry / "cand_targets.npy").exists()


def test_no_cache_where_it_is_turned_off_or_cannot_be_written(model_file, tmp_path, monkeypatch):
    monkeypatch.setenv(model_cache.CACHE_ENV, "off")
    assert model_cache.load_model(model_file).keys
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(model_cache.CACHE_ENV, str(blocked / "cache"))
    assert model_cache.load_model(model_file).keys == RestorerModel.load(model_file).keys
    assert not any(p.name.startswith("restorer-") for p in tmp_path.rglob("*"))
