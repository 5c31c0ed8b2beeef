"""Worker processes that can be killed one at a time.

`concurrent.futures` cannot stop a task that overruns, and one worker dying breaks its whole
pool. Here every worker runs one task at a time on its own pipe: a task that overruns its
time limit has its worker killed and replaced, a worker that dies (out of memory) costs only
the task it held, and workers die with the parent (they never go on writing after a kill -9).
Each worker runs under an address-space limit, so one pathological page fails with a
MemoryError instead of taking the machine's memory.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Hashable, Iterator


@dataclass(frozen=True)
class TaskOutcome:
    """How a task ended: `value` when it returned, else `error` (a readable reason)."""

    key: Hashable
    value: Any = None
    error: str | None = None


class TaskNotSent(Exception):
    """A task that could not be handed to a worker."""


class _Worker:
    def __init__(self, context, memory_limit: int | None):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, os.getpid(), memory_limit), daemon=True)
        self.process.start()
        child.close()
        self.key: Hashable = None
        self.deadline = 0.0
        self.limit = 0.0
        self.stale = False  # forked before what the parent loaded since: replaced once its task ends

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """`jobs` processes; `submit` one task per idle worker, `outcomes` as they end."""

    def __init__(self, jobs: int, memory_limit: int | None = None):
        self.context = multiprocessing.get_context("fork")
        self.memory_limit = memory_limit
        self.workers = [_Worker(self.context, memory_limit) for _ in range(max(1, jobs))]

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def idle(self) -> int:
        return sum(1 for w in self.workers if w.key is None)

    @property
    def busy(self) -> int:
        return len(self.workers) - self.idle

    def renew(self) -> None:
        """Replace every worker by a fresh fork of this process, so that what it has loaded
        since the pool started is shared (copy on write) by the workers: idle ones at once,
        busy ones as soon as their task ends (a task is never cut short)."""
        for worker in self.workers:
            if worker.key is None:
                self._replace(worker)
            else:
                worker.stale = True

    def submit(self, key: Hashable, timeout: float, fn: Callable, *args) -> None:
        """Hand a task to an idle worker; TaskNotSent when it cannot travel (does not pickle)."""
        worker = next(w for w in self.workers if w.key is None)
        try:
            worker.conn.send((fn, args))
        except Exception as exc:  # noqa: BLE001 - pickling raises many types
            raise TaskNotSent(f"the task could not be sent to a worker: {type(exc).__name__}: {exc}") from exc
        worker.key, worker.limit, worker.deadline = key, timeout, time.monotonic() + timeout

    def outcomes(self, max_wait: float | None = None) -> Iterator[TaskOutcome]:
        """Wait for at least one busy task to end (or `max_wait` seconds); yield every task that has."""
        busy = [w for w in self.workers if w.key is not None]
        if not busy:
            return
        wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        if max_wait is not None:
            wait_for = min(wait_for, max_wait)
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
        now = time.monotonic()
        for worker in busy:
            outcome = None
            if worker.conn in ready:
                try:
                    ok, value = worker.conn.recv()
                    outcome = TaskOutcome(worker.key, value) if ok else TaskOutcome(worker.key, error=value)
                except (EOFError, OSError):
                    outcome = TaskOutcome(worker.key, error=_death(worker))
                    self._replace(worker)
            elif worker.process.sentinel in ready:
                outcome = TaskOutcome(worker.key, error=_death(worker))
                self._replace(worker)
            elif now >= worker.deadline:
                outcome = TaskOutcome(worker.key, error=f"timed out after {worker.limit:g} s")
                self._replace(worker)
            if outcome is not None:
                worker.key = None
                if worker.stale:
                    self._replace(worker)
                yield outcome

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        fresh = _Worker(self.context, self.memory_limit)
        worker.conn, worker.process, worker.stale = fresh.conn, fresh.process, False

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()


def _death(worker: _Worker) -> str:
    worker.process.join(1)
    code = worker.process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return f"the worker process was killed ({name}; out of memory?)"
    return f"the worker process died (exit code {code})"


def _serve(conn, parent: int, memory_limit: int | None) -> None:
    """A worker's loop: run tasks until the pipe closes or the parent is gone."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stopped by the parent: no clean-up of the parent's to run
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = (True, fn(*args))
        except MemoryError:
            reply = (False, "out of memory (over the per-worker memory limit)")
        except BaseException as exc:  # noqa: BLE001 - the reason goes back to the parent
            reply = (False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that does not pickle
            conn.send((False, f"the result could not be sent back: {type(exc).__name__}: {exc}"))
        if os.getppid() != parent:
            return


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
