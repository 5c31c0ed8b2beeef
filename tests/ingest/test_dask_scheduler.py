"""`sohoa run --scheduler`: page tasks on a real loopback Dask cluster, compared byte for byte
with a local run (marked: `pytest -m integration`)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from sohoa.batch import BatchOptions, run_batch  # noqa: E402
from sohoa.synth.render import OfficialHeader, render_document, write_image_pdf  # noqa: E402
from sohoa.synth.tables_render import render_table_page  # noqa: E402

from .conftest import PARAGRAPHS, REAL_TOOLS  # noqa: E402

pytestmark = REAL_TOOLS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Two scanned prose documents (one of two pages), a scanned table page and a text file."""
    folder = tmp_path_factory.mktemp("in")
    header = OfficialHeader.example(("KẾ HOẠCH",))
    write_image_pdf(render_document(PARAGRAPHS, header=header, level="light", seed=7), folder / "plan.pdf")
    long_pages = render_document([" ".join(PARAGRAPHS * 22)], level="clean", seed=9, max_pages=2)
    write_image_pdf(long_pages, folder / "report.pdf")
    write_image_pdf([render_table_page("groups", 3).image], folder / "table.pdf")
    (folder / "note.txt").write_text("Báo cáo tình hình\nkinh tế - xã hội năm 2023.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_run(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run_batch([str(inputs)], out, BatchOptions(jobs=2, quiet=True, pdf=False))
    return out


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  env={"OMP_THREAD_LIMIT": "1"}) as cluster:
        yield cluster


def _files(out: Path) -> dict[str, bytes]:
    """Every text and table file of a run (the run's own bookkeeping left out)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".txt", ".csv", ".jsonl", ".json") and p.name != "manifest.jsonl"}


def _statuses(out: Path) -> dict[str, tuple]:
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return {e["doc_id"]: (e["status"], e["pages"], e["sha256"], e.get("error")) for e in entries}


def _assert_same(local: Path, out: Path) -> None:
    expected, got = _files(local), _files(out)
    assert sorted(got) == sorted(expected)
    assert any(name.startswith("table/tables/") for name in expected)  # the table page gave a table
    for name in expected:
        assert got[name] == expected[name], name
    assert _statuses(out) == _statuses(local)


def test_cluster_run_writes_the_same_files_as_a_local_run(inputs, local_run, cluster, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([str(inputs)], out, BatchOptions(quiet=True, pdf=False, scheduler=cluster.scheduler_address))
    assert summary.all_ok
    _assert_same(local_run, out)
    # resume by sha256 works the same: nothing is redone
    again = run_batch([str(inputs)], out, BatchOptions(quiet=True, pdf=False, scheduler=cluster.scheduler_address))
    assert again.skipped == 4


def test_inputs_travel_as_bytes_when_workers_cannot_read_them(inputs, local_run, cluster, tmp_path, monkeypatch):
    from sohoa.ingest import dask_scheduler

    monkeypatch.setattr(dask_scheduler.DaskPages, "shared_paths", lambda self, paths: set())
    sent = []
    original = dask_scheduler.DaskPages.payload
    monkeypatch.setattr(dask_scheduler.DaskPages, "payload",
                        lambda self, path: sent.append(path) or original(self, path))
    out = tmp_path / "out"
    run_batch([str(inputs)], out, BatchOptions(quiet=True, pdf=False, scheduler=cluster.scheduler_address))
    assert len(set(sent)) == 3 and len(sent) == 4  # every page sent its document's bytes, each document once
    _assert_same(local_run, out)


def test_local_cluster_from_the_command_line(inputs, local_run, tmp_path):
    from click.testing import CliRunner

    from sohoa.cli import main

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "--scheduler", "local:2", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "pages/s" in result.output
    _assert_same(local_run, out)


def test_a_worker_killed_mid_run_costs_only_its_pages(inputs, local_run, tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  env={"OMP_THREAD_LIMIT": "1"}) as cluster, distributed.Client(cluster) as client:
        out = tmp_path / "out"
        done: dict = {}
        runner = threading.Thread(target=lambda: done.setdefault("summary", run_batch(
            [str(inputs)], out, BatchOptions(quiet=True, pdf=False, scheduler=cluster.scheduler_address))))
        runner.start()
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and runner.is_alive():
            busy = [address for address, tasks in client.processing().items() if tasks]
            if busy:
                victim = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            else:
                time.sleep(0.05)
        assert victim is not None, "no page task was seen running"
        os.kill(victim, signal.SIGKILL)
        runner.join(600)
        assert not runner.is_alive()
    assert done["summary"].all_ok
    _assert_same(local_run, out)


def test_a_bad_scheduler_address_is_a_usage_error():
    from sohoa.errors import UsageError
    from sohoa.ingest.dask_scheduler import connect

    with pytest.raises(UsageError):
        connect("local:zero")


@pytest.mark.parametrize("answer", [None, b"\xff" * 64 + b"HTTP/1.0 200 OK\r\n\r\n" * 8], ids=["silent", "garbage"])
def test_a_port_that_speaks_no_dask_is_a_usage_error_in_bounded_time(monkeypatch, answer):
    import socket

    from sohoa.errors import UsageError
    from sohoa.ingest import dask_scheduler

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)
            if answer:
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setattr(dask_scheduler, "CONNECT_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(UsageError):
        dask_scheduler.connect(f"tcp://127.0.0.1:{server.getsockname()[1]}")
    assert time.monotonic() - started < 10
    server.close()


class _Client:
    def __init__(self) -> None:
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed.set()


def test_the_cluster_starts_while_the_client_loads(monkeypatch):
    from sohoa.ingest import dask_scheduler

    connecting, loaded = threading.Event(), threading.Event()
    seen: dict = {}

    def connect(scheduler: str):
        connecting.set()
        seen["loaded while connecting"] = loaded.wait(10)  # one after the other: one of the waits runs out
        return _Client()

    def load() -> None:
        seen["connecting while loading"] = connecting.wait(10)
        loaded.set()

    monkeypatch.setattr(dask_scheduler, "connect", connect)
    client = dask_scheduler.connect_while("local:2", load)
    assert isinstance(client, _Client) and not client.closed.is_set()
    assert seen == {"loaded while connecting": True, "connecting while loading": True}


def test_a_failed_load_closes_the_started_client(monkeypatch):
    from sohoa.ingest import dask_scheduler

    started = _Client()
    monkeypatch.setattr(dask_scheduler, "connect", lambda scheduler: started)

    def load() -> None:
        raise MemoryError("no room for the model")

    with pytest.raises(MemoryError, match="no room"):
        dask_scheduler.connect_while("local:2", load)
    assert started.closed.wait(10)


def test_a_failed_connection_is_raised_after_the_load(monkeypatch):
    from sohoa.errors import UsageError
    from sohoa.ingest import dask_scheduler

    def connect(scheduler: str):
        raise UsageError("cannot reach the Dask scheduler")

    monkeypatch.setattr(dask_scheduler, "connect", connect)
    loads = []
    with pytest.raises(UsageError, match="cannot reach"):
        dask_scheduler.connect_while("tcp://127.0.0.1:1", lambda: loads.append(1))
    assert loads == [1]


def test_when_both_fail_the_load_s_failure_is_raised(monkeypatch):
    from sohoa.errors import UsageError
    from sohoa.ingest import dask_scheduler

    def connect(scheduler: str):
        raise UsageError("cannot reach the Dask scheduler")

    def load() -> None:
        raise MemoryError("no room for the model")

    monkeypatch.setattr(dask_scheduler, "connect", connect)
    with pytest.raises(MemoryError):
        dask_scheduler.connect_while("tcp://127.0.0.1:1", load)


def test_a_local_cluster_runs_quiet_and_its_workers_start_with_the_page_modules():
    """Started beside the load as `sohoa run` starts it; a worker started again after a crash
    keeps the settings."""
    import dask

    from sohoa.ingest import dask_scheduler

    keys = ("distributed.worker.profile.enabled", "distributed.admin.tick.interval",
            "distributed.admin.system-monitor.interval")
    own = [dask.config.get(key) for key in keys]

    def settings():
        import sys

        import dask

        return [dask.config.get(key) for key in keys] + [all(m in sys.modules for m in dask_scheduler.PAGE_MODULES)]

    client = dask_scheduler.connect_while("local:1", lambda: None)
    try:
        first = list(client.run(settings).values())
        client.restart()
        again = list(client.run(settings).values())
    finally:
        dask_scheduler.close(client)
    quiet = [False, "1s", "2s", True]
    assert first == [quiet] and again == [quiet]
    assert [dask.config.get(key) for key in keys] == own  # this process's settings are its own
