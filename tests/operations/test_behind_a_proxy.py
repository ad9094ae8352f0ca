"""``shootprint serve --forwarded-allow-ips``: behind a TLS proxy, the client's address comes from the
proxy's X-Forwarded-For, so sign-in throttling per address counts each client, not the proxy."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from ops_helpers import World  # noqa: E402
from ops_live import Server  # noqa: E402

from shootprint.server.settings import Settings  # noqa: E402


def attempt(server: Server, email: str, client_address: str) -> int:
    with httpx.Client(base_url=server.url, headers={"x-forwarded-for": client_address}, timeout=60) as c:
        csrf = c.get("/signin").cookies["sp_csrf"]
        answer = c.post("/signin", data={"email": email, "password": "not the password", "csrf_token": csrf})
        return answer.status_code


def test_throttling_per_client_address_behind_a_proxy(sqlite_world: World, tmp_path: Path) -> None:
    world = sqlite_world
    server = Server(world.db.url, tmp_path / "proxy.log", "--forwarded-allow-ips", "127.0.0.1").start()
    try:
        limit = Settings().throttle_per_address
        for i in range(limit):  # a different account each time: only the address limit can trip
            assert attempt(server, f"nobody{i}@example.org", "203.0.113.7") == 422
        assert attempt(server, "someone.else@example.org", "203.0.113.7") == 429
        assert attempt(server, "someone.else@example.org", "203.0.113.8") == 422  # another client: not throttled
    finally:
        server.stop()
