"""Pages on a Dask distributed cluster (`sohoa run … --scheduler tcp://HOST:PORT | local:N`).

Only the page tasks leave the client: each is `sohoa.pipeline.process_page` on a worker,
exactly the function the local pool runs. Finishing a document (repair, tables, writing OUT, the manifest)
stays on the client, so a cluster run writes the same files as a local one.

`DaskPages` offers the local pool's interface (`idle`, `submit`, `outcomes`, `close`), so the
batch loop schedules both the same way. A worker lost mid-run costs only the pages it held:
the scheduler hands them to another worker (up to `distributed.scheduler.allowed-failures`
times, then the page is recorded as failed). A page still out past its time limit (counted
from when it was sent, so doubled: it may wait on its worker behind another) is given up (its
future cancelled) and recorded as timed out; the page's own limits (Tesseract's timeout, the
rendering timeout) normally stop it first. Memory is bounded by the Dask workers' own
`--memory-limit`, not by sohoa's per-worker address-space limit.

Inputs travel by path when every worker can read the same file there (a shared folder, or a
`local:N` cluster), otherwise as bytes: sent once per document to the cluster and written to
a worker-local cache file named by their sha256.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator

from sohoa.errors import MissingDependencyError, UsageError
from sohoa.ingest.pool import TaskNotSent, TaskOutcome

PAGE_MODULES = ("sohoa.pipeline", "pytesseract")
"""What a page task imports, imported by a local cluster's workers as they start: while the
client starts too, not in the first page's time."""
QUIET_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}
"""Dask settings of a `local:N` cluster. By default every worker samples its running task's stack
every 10 ms (the dashboard's profiles), and the scheduler, each nanny and each worker check their
event loop every 20 ms and their process every 500 ms: an idle 2-worker cluster then kept a
quarter to a third of a core busy (measured over 15 s on a 2-core machine), CPU the pages'
Tesseract runs need. Nothing here uses the profiles; the loop check only warns when a loop stalls
for seconds, and the process sample (memory, CPU) feeds the dashboard and the heartbeats."""
REFRESH_SECONDS = 2.0  # how often the number of worker threads is asked of the scheduler
QUEUED_PER_THREAD = 2  # tasks kept on the cluster per worker thread, so no worker waits for the next


def connect(scheduler: str):
    """A `distributed.Client` for `tcp://HOST:PORT` (any address Dask accepts) or `local:N`
    (a LocalCluster of N single-threaded worker processes on this machine)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingDependencyError("--scheduler needs Dask distributed",
                                     hint="pip install 'sohoa[dask]'") from exc
    if scheduler.startswith("local:") or scheduler == "local":
        count = scheduler.partition(":")[2] or str(os.cpu_count() or 1)
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--scheduler {scheduler}: expected local:N with N ≥ 1 worker processes")
        import copy

        import dask

        with dask.config.set(QUIET_LOCAL_CLUSTER):
            # the scheduler and the first workers read the settings as they start; a worker its
            # nanny starts again (after a crash) reads the nanny's copy, which must be its own:
            # the nanny's default copy shares the live settings this block puts back on leaving
            quiet = {"distributed": copy.deepcopy(dask.config.get("distributed"))}
            cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", env={"OMP_THREAD_LIMIT": "1"},
                                   preload=list(PAGE_MODULES), config=quiet)
            return Client(cluster)
    try:
        return _within(CONNECT_SECONDS, lambda: Client(scheduler, timeout=f"{CONNECT_SECONDS}s"))
    except ValueError as exc:  # no address Dask can parse ('bogus', 'tcp://host' without a port)
        raise UsageError(f"--scheduler {scheduler}: not an address of a Dask scheduler ({exc})",
                         hint="give tcp://HOST:PORT, or local:N for a cluster on this machine") from exc
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                         hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`") from exc
    except Exception as exc:  # noqa: BLE001 - something answers there that speaks no Dask (garbage, a web server)
        raise UsageError(f"{scheduler} does not answer as a Dask scheduler: {type(exc).__name__}",
                         hint="give the address `dask scheduler` prints") from exc


def connect_while(scheduler: str, work: Callable[[], None]):
    """`connect(scheduler)` in a thread while `work()` runs here; the client once both are done.

    Starting a local cluster is mostly waiting on its worker processes, which start on the
    other cores, so this process's own start-up work (loading the restorer model) need not wait
    for it. A failure of either is raised (the work's first); a client that connects after the
    work failed, or after the wait for it was interrupted, is closed as soon as it is there."""
    from concurrent.futures import ThreadPoolExecutor

    starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sohoa-dask-start")
    connecting = starter.submit(connect, scheduler)
    starter.shutdown(wait=False)
    try:
        work()
        return connecting.result()
    except BaseException:
        connecting.add_done_callback(_close_if_connected)
        raise


def _close_if_connected(connecting) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        close(connecting.result())


CONNECT_SECONDS = 30
"""How long a scheduler has to answer: Dask's own timeout, and the deadline of the whole
connection, which a port that accepts and stays silent would otherwise hold for ever."""


def _within(seconds: float, connect):
    """`connect()`, or TimeoutError once half as long again as `seconds` (Dask's own timeout)
    has passed; a connection left hanging stays in a daemon thread that never blocks the exit."""
    import threading

    outcome: dict = {}

    def attempt() -> None:
        try:
            outcome["client"] = connect()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=attempt, name="sohoa-dask-connect", daemon=True)
    thread.start()
    thread.join(seconds * 1.5)
    if "error" in outcome:
        raise outcome["error"]
    if "client" not in outcome:
        raise TimeoutError(f"no answer within {seconds * 1.5:.0f} s")
    return outcome["client"]


def close(client) -> None:
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None and type(cluster).__name__ == "LocalCluster":
        cluster.close()


class DaskPages:
    """Page tasks on a Dask cluster, behind the interface of `pool.WorkerPool`."""

    def __init__(self, client):
        self.client = client
        self.futures: dict[Any, tuple[Hashable, float, float]] = {}  # future → (key, deadline, limit)
        self._capacity, self._asked = 1, 0.0
        self._payloads: dict[str, Any] = {}

    # -------------------------------------------------------------- capacity
    @property
    def idle(self) -> int:
        now = time.monotonic()
        if now - self._asked > REFRESH_SECONDS:
            threads = sum(self.client.nthreads().values())
            self._capacity, self._asked = max(1, threads) * QUEUED_PER_THREAD, now
        return max(0, self._capacity - len(self.futures))

    @property
    def busy(self) -> int:
        return len(self.futures)

    # -------------------------------------------------------------- inputs
    def shared_paths(self, paths: list[str]) -> set[str]:
        """The paths every worker reads as the same file (same size) as the client."""
        sizes = {p: _size(p) for p in paths}
        if not paths:
            return set()
        seen = self.client.run(_sizes, list(sizes))
        if not seen:
            return set()
        return {p for p in paths if sizes[p] is not None and all(w.get(p) == sizes[p] for w in seen.values())}

    def payload(self, path: str):
        """A future holding the file's bytes on the cluster (sent once per file)."""
        if path not in self._payloads:
            data = Path(path).read_bytes()
            self._payloads[path] = (self.client.scatter(data, hash=False), hashlib.sha256(data).hexdigest(),
                                    Path(path).suffix)
        return self._payloads[path]

    # -------------------------------------------------------------- tasks
    def submit(self, key: Hashable, timeout: float, fn: Callable, *args) -> None:
        try:
            future = self.client.submit(fn, *args, key=f"sohoa-{uuid.uuid4().hex}", pure=False)
        except Exception as exc:  # noqa: BLE001 - serialisation raises many types
            raise TaskNotSent(f"the task could not be sent to the cluster: {type(exc).__name__}: {exc}") from exc
        # a task may wait on its worker behind QUEUED_PER_THREAD - 1 others before it starts
        self.futures[future] = (key, time.monotonic() + timeout * QUEUED_PER_THREAD, timeout)

    def outcomes(self, max_wait: float | None = None) -> Iterator[TaskOutcome]:
        """Wait (at most until the nearest deadline, or `max_wait`) for tasks to end; yield them."""
        from distributed import wait

        if not self.futures:
            return
        wait_for = max(0.0, min(d for _, d, _ in self.futures.values()) - time.monotonic())
        if max_wait is not None:
            wait_for = min(wait_for, max_wait)
        try:
            wait(list(self.futures), timeout=wait_for, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        now = time.monotonic()
        for future, (key, deadline, limit) in list(self.futures.items()):
            outcome = None
            if future.status == "finished":
                try:
                    outcome = TaskOutcome(key, future.result())
                except Exception as exc:  # noqa: BLE001 - e.g. a result that did not deserialise
                    outcome = TaskOutcome(key, error=f"{type(exc).__name__}: {exc}")
            elif future.status in ("error", "cancelled", "lost"):
                outcome = TaskOutcome(key, error=_reason(future))
            elif now >= deadline:
                future.cancel()
                outcome = TaskOutcome(key, error=f"timed out after {limit:g} s")
            if outcome is not None:
                del self.futures[future]
                yield outcome

    def close(self) -> None:
        for future in self.futures:
            future.cancel()
        self.futures.clear()
        self._payloads.clear()


def _reason(future) -> str:
    try:
        exc = future.exception(timeout=1)
    except Exception as error:  # noqa: BLE001
        exc = error
    if exc is None:
        return f"the page task ended as {future.status}"
    if type(exc).__name__ == "KilledWorker":
        return "the page's worker died each time it was tried (out of memory?)"
    return f"{type(exc).__name__}: {exc}"


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _sizes(paths: list[str]) -> dict[str, int | None]:  # runs on each worker
    return {p: _size(p) for p in paths}


_CACHE = Path(tempfile.gettempdir()) / "sohoa-dask-inputs"


def process_sent_page(process_page: Callable, source, options, data: bytes, sha256: str, suffix: str):
    """`process_page(source, options)` for an input sent as bytes: written once per worker to a
    cache file named by its sha256 (every page of the document reads the same file)."""
    _CACHE.mkdir(parents=True, exist_ok=True)
    path = _CACHE / f"{sha256}{suffix}"
    if not path.exists() or path.stat().st_size != len(data):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return process_page(replace(source, path=str(path)), options)
