"""``shootprint serve --workers 2``: two application processes share one address (uvicorn's supervisor);
both answer, each with its own start-up (frozen objects, metrics), and SIGTERM ends them all."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from ops_helpers import PASSWORD, World  # noqa: E402
from ops_live import Browser, Server  # noqa: E402

METRICS_SEEN = re.compile(r'^shootprint_http_requests_total\{method="GET",route="/metrics",status="200"\} (\S+)$', re.M)


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found |= {int(child)} | _descendants(int(child))
    return found


def test_two_worker_processes_answer_on_one_address(sqlite_world: World, tmp_path: Path) -> None:
    world = sqlite_world
    server = Server(world.db.url, tmp_path / "serve.log", "--workers", "2").start()
    try:
        assert server.proc is not None
        children = _descendants(server.proc.pid)
        # each new connection goes to whichever process accepts it; a process counts only what it answered,
        # so with two processes answering, some answer counts fewer /metrics requests than were made
        counts = []
        for _ in range(40):
            text = httpx.get(f"{server.url}/metrics", timeout=30).text
            seen = METRICS_SEEN.search(text)
            counts.append(float(seen.group(1)) if seen else 0.0)
            assert float(re.search(r"^shootprint_gc_frozen_objects (\S+)$", text, re.M).group(1)) > 50_000  # type: ignore[union-attr]
        assert any(count < made for made, count in enumerate(counts)), counts
        # a signed-in person's pages work whichever process answers
        viewer = Browser()
        assert viewer.sign_in(server, world.users["viewer"], PASSWORD).status_code == 303
        for _ in range(4):
            assert viewer.get(server, f"/o/{world.org}/productions").status_code == 200
    finally:
        server.stop()
    assert server.proc.returncode == 0
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)]
    assert not alive, f"processes left after SIGTERM: {alive}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (FileNotFoundError, IndexError):
        return "zombie"
