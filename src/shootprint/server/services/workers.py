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

Each worker process has an executor of its own, running one call at a time, and calls wait in the
application process for an idle worker: a computation that ends its worker (out of memory, a crash
in native code) takes no other computation with it. It is answered with :class:`ComputationCrashed`
(HTTP 503) and never run again on its own (run again, it could end the replacement worker too); the
worker is replaced when a call next needs it.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from shootprint.i18n import N_
from shootprint.server.services.errors import ComputationCrashed, Unavailable

T = TypeVar("T")
#: how much lower a worker's priority is than the web process's (``nice`` increment)
NICENESS = 10

_LOCK = threading.Lock()
_FINALIZER: multiprocessing.util.Finalize | None = None
_LOG = logging.getLogger("shootprint.workers")


#: how often (seconds) a worker checks that the process that started it is still there
PARENT_CHECK_S = 1.0


def _start_worker(flag: Any = None) -> None:
    """Each worker: ends when its application process does (killed, say), lower priority, and the
    factor data loaded once, before the first computation. ``flag`` is shared with the application
    process: the worker writes there the number of the call it computes (:func:`_marked`)."""
    global _FLAG
    _FLAG = flag
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


class _Closed(Exception):
    """The pool was shut down while a call waited for one of its workers: the call takes a new pool."""


class _Worker:
    """One worker process in an executor of its own, and the number it shares with it: the call the
    worker computes now (0 when none). Shared memory, not a file: nothing on disk to be removed by a
    clean-up of temporary folders, refused by a read-only one, or left behind by a killed process."""

    def __init__(self) -> None:
        # spawned, not forked: the web process has threads (and database connections) a fork would copy
        context = multiprocessing.get_context("spawn")
        self.under_way = context.RawValue("q", 0)
        self.executor = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_start_worker, initargs=(self.under_way,)
        )


class _Pool:
    """``size`` worker processes, each in an executor of its own (one process, one call at a time):
    a worker that ends abruptly breaks its own executor only, never a computation of another worker.
    Calls wait here, in this process, for an idle worker; the most recently used one is taken first
    (warm), and a place whose worker ended gets a new one when a call needs it."""

    def __init__(self, size: int) -> None:
        self._idle: list[_Worker | None] = [None] * size  # None: a place without a process yet
        self._started: set[_Worker] = set()
        self._cond = threading.Condition()
        self._closed = False
        #: calls waiting for an idle worker now
        self.waiting = 0

    def take(self) -> _Worker:
        with self._cond:
            self.waiting += 1
            try:
                while not self._idle and not self._closed:
                    self._cond.wait()
            finally:
                self.waiting -= 1
            if self._closed:
                raise _Closed
            worker = self._idle.pop()
            if worker is None:
                try:
                    worker = _Worker()
                except BaseException:  # no process made (no memory, no file descriptor): the place stays
                    self._idle.insert(0, None)
                    self._cond.notify()
                    raise
                self._started.add(worker)
            return worker

    def give(self, worker: _Worker, broken: bool) -> None:
        """Back to the idle ones; a ``broken`` one is shut down (its process has ended) and its place
        left for a new one. Each worker is shut down once: by this call, or by :meth:`close` when it
        came first (two shutdowns at once of one executor close its queues twice)."""
        if broken:
            with self._cond:
                ours = worker in self._started
                self._started.discard(worker)
            if ours:
                try:
                    worker.executor.shutdown(wait=True, cancel_futures=True)  # joins the ended process
                except Exception:  # its place is given back all the same, or later calls wait for ever
                    _LOG.exception("a broken worker process could not be shut down cleanly")
        with self._cond:
            if broken:
                self._idle.insert(0, None)  # warm workers first
            else:
                self._idle.append(worker)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = list(self._started)
            self._started.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.executor.shutdown(wait=True, cancel_futures=True)


_POOLS: dict[int, _Pool] = {}


def _pool(processes: int) -> _Pool:
    with _LOCK:
        pool = _POOLS.get(processes)
        if pool is None:
            pool = _POOLS[processes] = _Pool(processes)
            global _FINALIZER
            if _FINALIZER is None:
                # An application that is itself a multiprocessing child (uvicorn --reload or --workers)
                # and ends without being killed by a signal joins its child processes on the way out
                # before the executor's own exit hook tells the idle workers to stop: without this it
                # would wait for them forever. Before the queues' own finalizers (priority 10), which
                # would stop sending to the workers.
                _FINALIZER = multiprocessing.util.Finalize(None, shutdown, exitpriority=100)
        return pool


#: in a worker: the number it shares with its application process (:class:`_Worker`)
_FLAG: Any = None
_CALLS = itertools.count(1)


def _marked(token: int, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
    """In a worker: ``fn(*args, **kwargs)``, marked as under way (``token`` in the shared number) while
    it runs."""
    if _FLAG is not None:
        _FLAG.value = token
    try:
        return fn(*args, **kwargs)
    finally:
        if _FLAG is not None:
            _FLAG.value = 0


#: what a request whose computation ended its worker is told (HTTP 503)
CRASHED = N_(
    "This computation ended the process that ran it (out of memory, perhaps) and was not run again. "
    "Try fewer draws or a smaller production; the other computations go on."
)


#: what a request whose computation no worker took is told (HTTP 503)
NOT_RUN = N_("No worker process could take this computation (the server may be stopping); try again in a moment.")


def run(processes: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in one of ``processes`` worker processes (waits for a free one), or in
    this thread when ``processes`` is 0.

    A worker that ends abruptly while it computes the call (killed, out of memory, a crash in native
    code) takes no other computation with it: it is replaced, and the call is not run again (it could
    end the next worker too, and the next) but raises :class:`ComputationCrashed`. A call whose
    worker had ended before it started (killed while idle) goes once to a new worker."""
    if processes <= 0:
        return fn(*args, **kwargs)
    for attempt in range(3):
        pool = _pool(processes)
        try:
            worker = pool.take()
        except _Closed:  # shut down meanwhile: a new pool
            continue
        token = next(_CALLS)
        broken = True
        try:
            try:
                future = worker.executor.submit(_marked, token, fn, args, kwargs)
            except (BrokenProcessPool, RuntimeError):  # it had ended (or was shut down) while idle
                continue
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                if worker.under_way.value == token or attempt:  # it had started
                    _LOG.warning(
                        "a worker process ended abruptly while it computed %s: not run again",
                        getattr(fn, "__qualname__", fn),
                    )
                    raise ComputationCrashed(CRASHED) from exc
                continue  # the worker had ended before the call started: once more, on a new one
            broken = False
            return result
        finally:
            pool.give(worker, broken)
    # never computed: each worker refused it (the application is stopping) or was gone before it began
    raise Unavailable(NOT_RUN)


def shutdown() -> None:
    """Stop every pool's workers (the application's shutdown; the next call starts a new pool)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()
