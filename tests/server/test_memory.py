"""What keeps the web process's memory flat: caches bounded in bytes, malloc arenas limited."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from shootprint.server import memory
from shootprint.server.memory import SizedCache
from shootprint.server.web import context


def test_a_sized_cache_evicts_the_least_recently_used_past_its_bytes():
    cache: SizedCache[bytes] = SizedCache(max_entries=100, max_bytes=1000, size=len)
    for key in "abcd":
        cache.put(key, bytes(300))
    assert cache.bytes == 900 and len(cache) == 3  # "a" went to make room for "d"
    assert cache.get("a") is None
    assert cache.get("b") is not None  # "b" is now the most recently used
    cache.put("e", bytes(300))
    assert cache.get("c") is None and cache.get("b") is not None
    assert cache.bytes <= 1000


def test_a_sized_cache_keeps_its_entry_bound_and_refuses_what_is_larger_than_it_all():
    cache: SizedCache[str] = SizedCache(max_entries=2, max_bytes=10_000, size=len)
    for key in "xyz":
        cache.put(key, key * 10)
    assert len(cache) == 2 and cache.get("x") is None
    cache.put("huge", "h" * 10_001)
    assert cache.get("huge") is None and len(cache) == 2 and cache.bytes == 20
    cache.put("y", "y")  # a new value for a key replaces the old one's size
    assert cache.bytes == 11
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0
    with pytest.raises(ValueError, match="max_entries and max_bytes"):
        SizedCache(0, 10, len)


def test_a_sized_cache_stays_within_its_bounds_under_threads():
    cache: SizedCache[str] = SizedCache(max_entries=50, max_bytes=5_000, size=len)

    def work(n: int) -> None:
        for i in range(2_000):
            cache.put((n, i % 97), "v" * (i % 300))
            cache.get((n, (i * 7) % 97))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) <= 50 and cache.bytes <= 5_000
    assert cache.bytes == sum(len(v) for v, _ in cache._items.values())


def test_the_rendered_footprint_sections_are_bounded_in_bytes():
    assert context._fragments.max_bytes == context.FRAGMENTS_MAX_BYTES <= 32 * 1024 * 1024
    assert context._fragments.max_entries == context.FRAGMENTS_KEPT


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_malloc_arenas_are_limited_unless_the_operator_chose():
    # in a child: the limit is the process's own, and a test process keeps glibc's default
    code = textwrap.dedent(
        """
        from shootprint.server import memory
        assert memory.limit_malloc_arenas(environ={"MALLOC_ARENA_MAX": "4"}) is False
        print(memory.limit_malloc_arenas(environ={}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    import platform

    if platform.libc_ver()[0] == "glibc":
        assert out.strip() == "True"
    assert memory.MALLOC_ARENAS >= 1


def test_collector_pauses_freeze_what_survives_a_slow_full_collection_a_bounded_number_of_times():
    # in a child: freezing is the process's own, and the test process keeps its collector as it is
    code = textwrap.dedent(
        """
        import gc
        from shootprint.server import memory
        pauses = memory.CollectorPauses(freeze_after_ms=0, max_freezes=2)  # every full collection is "slow"
        kept = [[i] for i in range(200_000)]  # long-lived objects the collector tracks
        assert gc.get_freeze_count() == 0 and len(gc.get_objects()) > 200_000
        pauses.install()
        gc.collect()
        assert pauses.freezes == 1 and gc.get_freeze_count() > 200_000
        assert len(gc.get_objects()) < 50_000  # the collector no longer goes through them
        more = [[i] for i in range(1_000)]
        gc.collect()
        gc.collect()
        assert pauses.freezes == 2, pauses.freezes  # and no more than max_freezes
        assert pauses.slowest_full_ms >= pauses.last_full_ms >= 0
        del kept[:100]  # a frozen object is still freed by reference counting
        pauses.uninstall()
        assert pauses._callback not in gc.callbacks
        quiet = memory.CollectorPauses(freeze_after_ms=10_000)
        quiet.install()
        before = gc.get_freeze_count()
        gc.collect()
        assert quiet.freezes == 0 and gc.get_freeze_count() == before  # a quick collection freezes nothing
        print("ok", len(more))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok", "1000"]
    with pytest.raises(ValueError, match="0 or more"):
        memory.CollectorPauses(freeze_after_ms=-1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_malloc_trim_gives_the_free_holes_of_the_arenas_back():
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc's malloc_trim")
    # in a child: its heap is made full of holes, and the test process's memory is left as it is
    code = textwrap.dedent(
        """
        import time
        from shootprint.server import memory

        def anon_kib():
            for line in open("/proc/self/status"):
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])

        trim = memory.MallocTrim(every_s=0.05)
        blocks = [bytes(4000) for _ in range(20_000)]  # 80 MB from malloc's main arena
        kept = blocks[::16]  # one block in sixteen stays: the arena cannot shrink from its top
        del blocks
        before = anon_kib()
        assert trim.trim_now() is True
        after = anon_kib()
        assert before - after > 40_000, (before, after)  # the holes went back to the system
        assert trim.trims == 1 and trim.last_ms >= 0
        assert trim.start() is True and trim.start() is False  # one thread per trimmer
        deadline = time.monotonic() + 10
        while trim.trims < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        trim.stop()
        assert trim.trims >= 3, trim.trims
        print("ok", len(kept))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok", "1250"]
    with pytest.raises(ValueError, match="above 0"):
        memory.MallocTrim(every_s=0)


def test_an_application_process_starts_trimming_when_it_settles():
    code = textwrap.dedent(
        """
        from shootprint.server import app, memory
        assert memory.TRIMMER._thread is None
        app.settle_process()
        import platform
        assert (memory.TRIMMER._thread is not None) == (platform.libc_ver()[0] == "glibc")
        assert memory.TRIMMER.every_s == memory.TRIM_EVERY_S == 30.0
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok"]
