"""``shootprint serve`` warms up, then keeps the garbage collector's full collections short: what it
made to start is frozen out of the collector's way (server.memory.CollectorPauses), as its metrics show."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from ops_helpers import World  # noqa: E402
from ops_live import Server  # noqa: E402


def _gauge(text: str, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", text, re.M)
    assert found, f"{name} is not in the metrics"
    return float(found.group(1))


def test_serve_freezes_what_it_made_to_start(sqlite_world: World, tmp_path: Path) -> None:
    world = sqlite_world
    server = Server(world.db.url, tmp_path / "serve.log").start()
    try:
        metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
        # the modules, models, templates and factor table of a warm process: well over 50,000 objects
        assert _gauge(metrics, "shootprint_gc_frozen_objects") > 50_000
        assert _gauge(metrics, "shootprint_gc_last_full_collection_seconds") >= 0
        assert _gauge(metrics, "shootprint_malloc_trims") >= 0  # every 30 s: none yet, as a rule
        assert _gauge(metrics, "shootprint_malloc_last_trim_seconds") >= 0
    finally:
        server.stop()
