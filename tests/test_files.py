"""Files written whole."""

from pathlib import Path

import pytest

from sohoa.files import write_whole


def test_a_file_is_written_whole_and_replaces_the_earlier_one(tmp_path):
    path = tmp_path / "alto.xml"
    write_whole(path, b"first")
    write_whole(path, "second: Nghị quyết")
    assert path.read_text(encoding="utf-8") == "second: Nghị quyết"
    assert [p.name for p in tmp_path.iterdir()] == ["alto.xml"]


def test_a_write_that_fails_half_way_leaves_the_earlier_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "searchable.pdf"
    write_whole(path, b"earlier, complete")
    real = Path.write_bytes

    def disk_full(self, data):
        real(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with pytest.raises(OSError):
        write_whole(path, b"x" * 1000)
    monkeypatch.undo()
    assert path.read_bytes() == b"earlier, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["searchable.pdf"]
