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
"""

from __future__ import annotations

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

T = TypeVar("T")
#: how much lower a worker's priority is than the web process's (``nice`` increment)
NICENESS = 10

_POOLS: dict[int, ProcessPoolExecutor] = {}
_LOCK = threading.Lock()
_FINALIZER: multiprocessing.util.Finalize | None = None


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


def _pool(processes: int) -> ProcessPoolExecutor:
    with _LOCK:
        pool = _POOLS.get(processes)
        if pool is None:
            # spawned, not forked: the web process has threads (and database connections) a fork would copy
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker)
            _POOLS[processes] = pool
            global _FINALIZER
            if _FINALIZER is None:
                # An application that is itself a multiprocessing child (uvicorn --reload or --workers)
                # and ends without being killed by a signal joins its child processes on the way out
                # before the executor's own exit hook tells the idle workers to stop: without this it
                # would wait for them forever. Before the queues' own finalizers (priority 10), which
                # would stop sending to the workers.
                _FINALIZER = multiprocessing.util.Finalize(None, shutdown, exitpriority=100)
        return pool


def _forget(processes: int, pool: ProcessPoolExecutor) -> None:
    with _LOCK:
        if _POOLS.get(processes) is pool:
            del _POOLS[processes]
    pool.shutdown(wait=False, cancel_futures=True)


def run(processes: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in one of ``processes`` worker processes (waits for a free one), or in
    this thread when ``processes`` is 0. A pool whose worker died (killed, out of memory) is replaced
    and the call made once more."""
    if processes <= 0:
        return fn(*args, **kwargs)
    for attempt in range(2):
        pool = _pool(processes)
        try:
            return pool.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            _forget(processes, pool)
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def shutdown() -> None:
    """Stop every pool's workers (the application's shutdown; the next call starts a new pool)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
