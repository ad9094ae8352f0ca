"""The web process's memory: what keeps it flat under a long load.

Three things made it grow after warm-up, at the same load and with the same data:

* **glibc's malloc arenas.** A thread that asks for memory while another holds the arena it used
  gets an arena of its own, up to eight per core. The application answers from a pool of about
  forty threads, so it ended with sixteen arenas on two cores; a large block freed (a rendered page,
  a footprint's JSON, a batch of rows) stays a free hole in the arena that served it, and each arena
  grows to its own peak. Over a three-minute soak the arenas' free space grew from 53 to 89 MiB while
  what they held in use stayed at 77 MiB; with two arenas the free space stayed near 20 MiB and the
  throughput was the same (Python code runs one thread at a time, so the threads seldom wait for an
  arena): :func:`limit_malloc_arenas`, which ``shootprint serve`` calls first.
* **Free holes the arenas keep.** Even with two arenas, memory freed in the middle of an arena
  stays there (only the top of an arena goes back to the system when freed): under the full mix of
  the load script the arenas' free space grew from 16 to 24 MiB over the first minutes, and the
  process's resident memory with it. :class:`MallocTrim` asks glibc every thirty seconds to give the
  free pages back (``malloc_trim``: 2-9 ms of CPU in its own thread, the interpreter lock released):
  the process then holds what it uses, and its memory stays flat after the first minute.
* **Caches bounded by their number of entries only.** A few hundred rendered footprints of small
  productions weigh a few MiB; of productions with a thousand lines, hundreds of MiB.
  :class:`SizedCache` keeps a cache under a number of bytes as well.

And one thing made its answers wait: **the cyclic garbage collector's full collections.** A warm
process holds some 180,000 objects the collector tracks (modules, models, templates, factor tables),
nearly all made at start and by the first requests, and each full collection went through all of
them: 110-170 ms of CPU with every thread stopped, a dozen times a minute at 100 requests per second,
so about one answer in thirty waited that long. :class:`CollectorPauses` (which ``shootprint serve``
installs) moves what has survived a full collection out of the collector's way (``gc.freeze``): once
after start and a warm-up, then again whenever a full collection still takes long (new long-lived
objects: a cache filled, a module imported by a first report), a bounded number of times. A full
collection then goes through the few thousand objects made since: 3 ms instead of 120.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

V = TypeVar("V")

#: malloc arenas of an application process (glibc's own limit is eight per core)
MALLOC_ARENAS = 2
#: mallopt's parameter number for the arenas' limit (malloc.h)
_M_ARENA_MAX = -8


def _glibc() -> ctypes.CDLL | None:
    """The process's C library if it is glibc (whose malloc the functions here tune), else None."""
    name = ctypes.util.find_library("c")
    if not name:  # pragma: no cover - no C library to ask
        return None
    try:
        libc = ctypes.CDLL(name)
        # only glibc has gnu_get_libc_version; musl's mallopt ignores the parameters anyway
        libc.gnu_get_libc_version  # noqa: B018
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None
    return libc


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS, environ: Mapping[str, str] | None = None) -> bool:
    """At most ``arenas`` malloc arenas from now on in this process, so that memory freed by one request
    thread is reused by the next instead of each thread's arena growing to its own peak. An operator's
    ``MALLOC_ARENA_MAX`` stands (glibc read it at start); elsewhere than glibc nothing changes.
    Whether the limit was set. Called before the threads start: arenas already made stay."""
    env = os.environ if environ is None else environ
    if env.get("MALLOC_ARENA_MAX"):
        return False
    libc = _glibc()
    if libc is None:  # pragma: no cover - not glibc
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, int(arenas)))


#: the process's caches by name, for its metrics (:class:`SizedCache` ``name``)
NAMED_CACHES: dict[str, SizedCache[Any]] = {}


class SizedCache(Generic[V]):
    """A least-recently-used cache bounded by its number of entries and by the bytes its values take
    (``size(value)``, e.g. ``len`` of a text): the oldest entries go first past either bound, and a
    value larger than the whole byte bound is not kept at all. Safe to share between threads. A
    ``name`` puts it in :data:`NAMED_CACHES` (the metrics show what it holds)."""

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int], name: str | None = None) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("SizedCache: max_entries and max_bytes are 1 or more")
        if name is not None:  # the process's named caches are in its metrics (bytes and entries)
            if name in NAMED_CACHES:
                raise ValueError(f"SizedCache: a cache named {name!r} exists already")
            NAMED_CACHES[name] = self
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: V) -> None:
        n = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if n > self.max_bytes:
                return
            self._items[key] = (value, n)
            self._bytes += n
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, gone) = self._items.popitem(last=False)
                self._bytes -= gone

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        """What the values kept take, as ``size`` counts it."""
        return self._bytes


#: how often (seconds) an application process gives its malloc arenas' free pages back
TRIM_EVERY_S = 30.0


class MallocTrim:
    """Gives the free pages inside glibc's malloc arenas back to the system every ``every_s`` seconds
    (``malloc_trim(0)``), from a thread of its own: what a long-lived process frees in the middle of
    an arena (a rendered page, a batch of rows) otherwise stays resident until reused. The call
    releases the interpreter lock (ctypes); it holds each arena's lock while it walks its free
    chunks, a few milliseconds. Elsewhere than glibc, :meth:`start` does nothing."""

    def __init__(self, every_s: float = TRIM_EVERY_S) -> None:
        if every_s <= 0:
            raise ValueError("MallocTrim: every_s is above 0")
        self.every_s = every_s
        #: trims so far, and the CPU time (ms) of the last one
        self.trims = 0
        self.last_ms = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._trim: Callable[[int], int] | None = None

    def trim_now(self) -> bool:
        """Trim once, now; whether glibc gave memory back (False elsewhere than glibc)."""
        if self._trim is None:
            libc = _glibc()
            if libc is None:  # pragma: no cover - not glibc
                return False
            libc.malloc_trim.argtypes = [ctypes.c_size_t]
            libc.malloc_trim.restype = ctypes.c_int
            self._trim = libc.malloc_trim
        started = time.thread_time()
        released = bool(self._trim(0))
        self.last_ms = (time.thread_time() - started) * 1000.0
        self.trims += 1
        return released

    def start(self) -> bool:
        """Start trimming every ``every_s`` seconds; whether it started (glibc only, once)."""
        if self._thread is not None or _glibc() is None:
            return False
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="shootprint-malloc-trim", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.trim_now()


#: the process's trimmer (started by ``shootprint serve``)
TRIMMER = MallocTrim()


#: a full collection that takes more CPU time than this (ms) freezes what survived it
FREEZE_AFTER_MS = 20.0
#: at most this many freezes after the first in a process's life (see :class:`CollectorPauses`)
MAX_FREEZES = 8


class CollectorPauses:
    """Keeps the cyclic garbage collector's full collections short in a long-lived process.

    :meth:`settle` collects, then freezes everything that is left (``gc.freeze``: the collector no
    longer goes through it; reference counting still frees each object when its last reference goes,
    as a cache's evicted entry). :meth:`install` adds a collector callback that does the same after
    a full collection that took more than ``freeze_after_ms`` of CPU, at most ``max_freezes`` times.

    The price, and why it is bounded: an object in a reference cycle that is alive when it is frozen
    and becomes garbage later (a request being answered at that moment) is never collected. Freezes
    happen at start and then only when the long-lived objects have grown enough to make a collection
    slow: a handful in a process's life, each keeping at most what the requests in flight held."""

    def __init__(self, freeze_after_ms: float = FREEZE_AFTER_MS, max_freezes: int = MAX_FREEZES) -> None:
        if freeze_after_ms < 0 or max_freezes < 0:
            raise ValueError("CollectorPauses: freeze_after_ms and max_freezes are 0 or more")
        self.freeze_after_ms = freeze_after_ms
        self.max_freezes = max_freezes
        #: freezes after a slow collection so far (not counting :meth:`settle`)
        self.freezes = 0
        #: CPU time (ms) of the last full collection, and of the slowest one
        self.last_full_ms = 0.0
        self.slowest_full_ms = 0.0
        self._started = 0.0

    def settle(self) -> int:
        """Collect, then freeze what is left: what the process made to start and warm up. The
        number of objects frozen in all."""
        gc.collect()
        gc.freeze()
        return gc.get_freeze_count()

    def install(self) -> None:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        # runs in the thread that collects, with every other thread waiting: keep it short
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.thread_time()
            return
        took_ms = (time.thread_time() - self._started) * 1000.0
        self.last_full_ms = took_ms
        self.slowest_full_ms = max(self.slowest_full_ms, took_ms)
        if took_ms > self.freeze_after_ms and self.freezes < self.max_freezes:
            self.freezes += 1
            gc.freeze()  # the collection is over: what survived it is long-lived


#: the process's collector policy (installed by ``shootprint serve``)
COLLECTOR = CollectorPauses()
