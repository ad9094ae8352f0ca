"""Heavy computations (Monte Carlo comparisons, sensitivity, what-if, reports, exports) in a bounded
pool of worker processes, so that they never hold the web process's interpreter lock.

A comparison of 10,000 draws keeps a core busy for a second; run in a thread of the web process it
would also hold the process's interpreter lock for most of that second, and every page (even one
that only reads a cached footprint) would wait behind it. In separate processes, started once and
lowered in priority (``nice``), the light pages keep one core's worth of the web process to
themselves while the heavy ones queue for the pool.

``Settings.compute_processes`` sets the pool's size (``SHOOTPRINT_COMPUTE_PROCESSES``; by default one
process fewer than the machine's cores, at least one); 0 runs the computations in the request's own
thread, as a single-process set-up without ``multiprocessing`` may need. The pool holds no state a
second application process would need: each process has its own, and results are cached in the
database by content (:func:`productions.cached_result`), never here.

Work goes to the pool as a module-level function and plain data (documents, override rows), the
same calls the request's thread would make; the core's problems come back as the same
:class:`Invalid`.

A computation that ends its worker (out of memory, a crash in native code) is answered with
:class:`ComputationCrashed` (HTTP 503) and never run again on its own: run again, it could end the
replacement worker too. The pool is replaced, and the calls that were only waiting in it (or
computing in a worker the broken pool took down with it) go to the new pool once more.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shootprint.i18n import N_
from shootprint.server.services.errors import ComputationCrashed

T = TypeVar("T")
#: how much lower a worker's priority is than the web process's (``nice`` increment)
NICENESS = 10

_LOCK = threading.Lock()
_FINALIZER: multiprocessing.util.Finalize | None = None
_LOG = logging.getLogger("shootprint.workers")


#: how often (seconds) a worker checks that the process that started it is still there
PARENT_CHECK_S = 1.0


def _start_worker() -> None:
    """Each worker: ends when its application process does (killed, say), lower priority, and the
    factor data loaded once, before the first computation."""
    parent = os.getppid()

    def watch() -> None:  # a worker whose application ended has no one to answer: it ends too
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="shootprint-parent-watch", daemon=True).start()
    # Ctrl-C in a terminal sends SIGINT to every process of the group: a worker leaves stopping to its
    # application, which still waits for what it computes, then shuts the pool down (or ends, and the
    # watch above ends the worker). SIGTERM stays: the pool ends a broken pool's workers with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(NICENESS)
    except OSError:  # pragma: no cover - not allowed here: same priority, still another process
        pass
    from shootprint.server.services import compute

    compute.calculator()


@dataclass(eq=False)
class _Pool:
    """A pool of worker processes and its folder of marks: a call's mark (a file named by the call,
    holding the worker's process id) is there while a worker computes it."""

    executor: ProcessPoolExecutor
    marks: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: once the pool broke and ended: each worker's exit code, and the calls under way (token: worker)
    exits: dict[int, int | None] | None = None
    under_way: dict[str, int] = field(default_factory=dict)

    def ended(self) -> dict[int, int | None]:
        """Shut the (broken) pool down, once: how each of its workers ended, and which calls were
        under way in which worker (:attr:`under_way`)."""
        with self.lock:
            if self.exits is None:
                processes = dict(getattr(self.executor, "_processes", None) or {})
                self.executor.shutdown(wait=True, cancel_futures=True)  # joins its workers
                self.exits = {pid: p.exitcode for pid, p in processes.items()}
                for name in os.listdir(self.marks):
                    with contextlib.suppress(OSError, ValueError), open(os.path.join(self.marks, name)) as fh:
                        self.under_way[name] = int(fh.read())
                shutil.rmtree(self.marks, ignore_errors=True)
            return self.exits

    def close(self, wait: bool) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=True)
        if wait:
            shutil.rmtree(self.marks, ignore_errors=True)


_POOLS: dict[int, _Pool] = {}


def _pool(processes: int) -> _Pool:
    with _LOCK:
        pool = _POOLS.get(processes)
        if pool is None:
            # spawned, not forked: the web process has threads (and database connections) a fork would copy
            context = multiprocessing.get_context("spawn")
            executor = ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker)
            pool = _POOLS[processes] = _Pool(executor, tempfile.mkdtemp(prefix="shootprint-workers-"))
            global _FINALIZER
            if _FINALIZER is None:
                # An application that is itself a multiprocessing child (uvicorn --reload or --workers)
                # and ends without being killed by a signal joins its child processes on the way out
                # before the executor's own exit hook tells the idle workers to stop: without this it
                # would wait for them forever. Before the queues' own finalizers (priority 10), which
                # would stop sending to the workers.
                _FINALIZER = multiprocessing.util.Finalize(None, shutdown, exitpriority=100)
        return pool


def _forget(processes: int, pool: _Pool) -> None:
    """The next calls go to a new pool."""
    with _LOCK:
        if _POOLS.get(processes) is pool:
            del _POOLS[processes]


def _marked(marks: str, token: str, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
    """In a worker: ``fn(*args, **kwargs)``, marked as under way while it runs."""
    path = os.path.join(marks, token)
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    try:
        return fn(*args, **kwargs)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _submit(processes: int, fn: Callable[..., T], args: Any, kwargs: Any) -> tuple[_Pool, str, Future[T]]:
    for _ in range(3):  # a pool another call found broken (or shut down) a moment ago: the next one
        pool = _pool(processes)
        token = uuid.uuid4().hex
        try:
            return pool, token, pool.executor.submit(_marked, pool.marks, token, fn, args, kwargs)
        except (BrokenProcessPool, RuntimeError):
            _forget(processes, pool)
    raise ComputationCrashed(CRASHED)


def _broke_it(pool: _Pool, token: str) -> bool:
    """Whether the call ``token`` of the broken ``pool`` was under way in the worker that ended
    abruptly, rather than waiting in the queue or computing in a worker the pool's clean-up ended."""
    exits = pool.ended()
    pid = pool.under_way.get(token)
    if pid is None:
        return False  # never started (or finished just before the pool broke): innocent
    return exits.get(pid) != -signal.SIGTERM  # SIGTERM: the pool's clean-up, after another one broke it


#: what a request whose computation ended its worker is told (HTTP 503)
CRASHED = N_(
    "This computation ended the process that ran it (out of memory, perhaps) and was not run again. "
    "Try fewer draws or a smaller production; the other computations go on."
)


def run(processes: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in one of ``processes`` worker processes (waits for a free one), or in
    this thread when ``processes`` is 0.

    A worker that ends abruptly (killed, out of memory, a crash in native code) breaks its pool, and
    every call submitted to it fails at once. The pool is replaced; the call that was under way in
    that worker is not run again (it could end the next worker too, and the next) and raises
    :class:`ComputationCrashed`; the others (queued, or computing in a worker the pool ended with the
    broken one) are submitted once more to the new pool."""
    if processes <= 0:
        return fn(*args, **kwargs)
    for attempt in range(2):
        pool, token, future = _submit(processes, fn, args, kwargs)
        try:
            return future.result()
        except BrokenProcessPool as exc:
            _forget(processes, pool)
            culprit = _broke_it(pool, token)
            if culprit or attempt:
                _LOG.warning(
                    "a worker process ended abruptly during %s (%s): %s",
                    getattr(fn, "__qualname__", fn),
                    "this computation's worker" if culprit else "again, after one more try",
                    "not run again",
                )
                raise ComputationCrashed(CRASHED) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def shutdown() -> None:
    """Stop every pool's workers (the application's shutdown; the next call starts a new pool)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close(wait=True)
