"""The web process's memory: what keeps it flat under a long load.

Two things made it grow after warm-up, at the same load and with the same data:

* **glibc's malloc arenas.** A thread that asks for memory while another holds the arena it used
  gets an arena of its own, up to eight per core. The application answers from a pool of about
  forty threads, so it ended with sixteen arenas on two cores; a large block freed (a rendered page,
  a footprint's JSON, a batch of rows) stays a free hole in the arena that served it, and each arena
  grows to its own peak. Over a three-minute soak the arenas' free space grew from 53 to 89 MiB while
  what they held in use stayed at 77 MiB; with two arenas the free space stayed near 20 MiB and the
  throughput was the same (Python code runs one thread at a time, so the threads seldom wait for an
  arena): :func:`limit_malloc_arenas`, which ``shootprint serve`` calls first.
* **Caches bounded by their number of entries only.** A few hundred rendered footprints of small
  productions weigh a few MiB; of productions with a thousand lines, hundreds of MiB.
  :class:`SizedCache` keeps a cache under a number of bytes as well.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Generic, TypeVar

V = TypeVar("V")

#: malloc arenas of an application process (glibc's own limit is eight per core)
MALLOC_ARENAS = 2
#: mallopt's parameter number for the arenas' limit (malloc.h)
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS, environ: Mapping[str, str] | None = None) -> bool:
    """At most ``arenas`` malloc arenas from now on in this process, so that memory freed by one request
    thread is reused by the next instead of each thread's arena growing to its own peak. An operator's
    ``MALLOC_ARENA_MAX`` stands (glibc read it at start); elsewhere than glibc nothing changes.
    Whether the limit was set. Called before the threads start: arenas already made stay."""
    env = os.environ if environ is None else environ
    if env.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    if not name:  # pragma: no cover - no C library to ask
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        # only glibc's malloc has gnu_get_libc_version; musl's mallopt ignores the parameter anyway
        libc.gnu_get_libc_version  # noqa: B018
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, int(arenas)))


class SizedCache(Generic[V]):
    """A least-recently-used cache bounded by its number of entries and by the bytes its values take
    (``size(value)``, e.g. ``len`` of a text): the oldest entries go first past either bound, and a
    value larger than the whole byte bound is not kept at all. Safe to share between threads."""

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int]) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("SizedCache: max_entries and max_bytes are 1 or more")
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
