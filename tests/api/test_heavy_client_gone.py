"""A heavy request whose client goes away while it waits for a thread leaves the queue at once and is
never computed (REST API and pages alike); one that has started runs to its end. On a real server
(uvicorn on loopback, in a thread of this process so that the computations can be held), with clients
that close their connections."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from api_helpers import ApiWorld
from api_live import serving_in_thread
from test_heavy_requests import LIVENESS_S, SENSITIVITY_BODY, read_token, slowed, stored, viewer_cookies

from shootprint.server import heavy
from shootprint.server.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:  # one computation at once: two heavy requests on a thread
    return Settings(
        database_url=database_url,
        samples=200,
        compute_threads=1,
        compute_processes=0,  # in the request's thread: the held computation waits on an event
        api_rate_per_minute=10_000,
    )


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + LIVENESS_S
    while not condition():
        assert time.monotonic() < deadline, f"never true; heavy requests (on a thread, waiting): {heavy.statistics()}"
        time.sleep(0.01)


def _send_and_leave(base: str, head: str, body: bytes = b"") -> socket.socket:
    """A client that sends its request and will hang up without reading the answer (closing the
    returned socket)."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=LIVENESS_S)
    sock.sendall(head.encode("latin-1") + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return sock


def test_a_heavy_request_whose_client_left_is_never_computed(world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    slow = slowed(monkeypatch)
    pid = stored(world, "studio-paris")
    token = read_token(world)["Authorization"]
    cookie = "; ".join(f"{k}={v}" for k, v in viewer_cookies(world).items())
    body = json.dumps(SENSITIVITY_BODY).encode()
    api_head = (
        "POST /api/v1/sensitivity HTTP/1.1\r\nHost: testserver\r\n"
        f"Authorization: {token}\r\nContent-Type: application/json\r\n"
    )
    page_head = f"GET /o/{world.org}/compare?p={pid}&seed=7 HTTP/1.1\r\nHost: testserver\r\nCookie: {cookie}\r\n"
    try:
        with serving_in_thread(world.app) as base, ThreadPoolExecutor(4) as pool:
            # the two threads of heavy requests, taken by computations held until released
            held = [
                pool.submit(httpx.post, f"{base}/api/v1/sensitivity", json=SENSITIVITY_BODY,
                            headers={"Authorization": token}, timeout=LIVENESS_S)
                for _ in range(2)
            ]  # fmt: skip
            _until(lambda: slow.entered >= 1 and heavy.statistics() == (2, 0))
            # a REST API call and a comparison page wait for a thread; their clients hang up
            for head, payload in ((api_head, body), (page_head, b"")):
                client = _send_and_leave(base, head, payload)
                _until(lambda: heavy.statistics() == (2, 1))
                client.close()
                _until(lambda: heavy.statistics() == (2, 0))  # it left the queue: without a thread, never computed
            # a client that stays is answered once the held computations end
            stays = pool.submit(
                httpx.post, f"{base}/api/v1/sensitivity", json=SENSITIVITY_BODY,
                headers={"Authorization": token}, timeout=LIVENESS_S,
            )  # fmt: skip
            _until(lambda: heavy.statistics() == (2, 1))
            slow.release.set()
            assert [f.result(LIVENESS_S).status_code for f in held] == [200, 200]
            assert stays.result(LIVENESS_S).status_code == 200
            _until(lambda: heavy.statistics() == (0, 0))
            assert slow.entered == 3  # the two held and the one that stayed; the two that left: never
            # a client that leaves once its computation has started: it runs to its end, the server goes on
            slow.release.clear()
            client = _send_and_leave(base, api_head, body)
            _until(lambda: slow.entered == 4)
            client.close()
            slow.release.set()
            _until(lambda: heavy.statistics() == (0, 0))
            assert httpx.get(f"{base}/healthz", timeout=LIVENESS_S).status_code == 200
    finally:
        slow.release.set()
