"""Heavy requests (Monte Carlo, reports) take threads of their own: a crowd of them, all waiting on a
slow computation, never holds up a light page or endpoint (issue 14, under load).

The assertions are on order and completion (the light answers come while every heavy request is
still waiting), never on durations."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from api_helpers import ApiWorld

from shootprint.server import heavy
from shootprint.server.services import compute, decisions
from shootprint.server.services.productions import reference_document
from shootprint.server.settings import Settings

#: heavy requests at once: more than the default thread pool's 40 threads
CROWD = 50
#: a bound on waiting for what must happen anyway (a starved request never answers: it fails here)
LIVENESS_S = 120


@pytest.fixture
def settings(database_url: str) -> Settings:  # the fixture of server_fixtures, with one computation at once
    return Settings(
        database_url=database_url,
        samples=200,
        compute_threads=1,
        compute_processes=0,  # in the request's thread: the slow computation below waits on an event
        api_rate_per_minute=10_000,
    )


class Slow:
    """Computations that wait until the test releases them, then compute."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = 0

    def __call__(self, fn: Any) -> Any:
        def slow(*args: Any, **kwargs: Any) -> Any:
            self.entered += 1
            assert self.release.wait(LIVENESS_S), "never released"
            return fn(*args, **kwargs)

        return slow


#: a sensitivity analysis asked of the REST API (cheap once its computation is let go)
SENSITIVITY_BODY = {"productions": [reference_document("studio-paris")], "base_samples": 16, "seed": 1}


def slowed(monkeypatch: pytest.MonkeyPatch) -> Slow:
    """The heavy computations (the API's core calls, the comparison pages') held until released."""
    slow = Slow()
    monkeypatch.setattr(compute, "core_call", slow(compute.core_call))
    monkeypatch.setattr(decisions, "_comparison", slow(decisions._comparison))
    return slow


def stored(world: ApiWorld, way: str) -> int:
    """A reference production stored through the API: its id."""
    return int(world.api("write").post("/api/v1/productions", json={"document": reference_document(way)}).json()["id"])


def viewer_cookies(world: ApiWorld) -> dict[str, str]:
    return dict(world.client("viewer").cookies.items())


def read_token(world: ApiWorld) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.secrets['read']}"}


async def _until(condition: Any) -> None:
    for _ in range(LIVENESS_S * 100):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the heavy requests never all reached their limiter")


def test_a_crowd_of_heavy_requests_never_holds_up_the_light_ones(world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    """Fifty heavy requests (REST API sensitivity and comparison pages, half each) wait on a slow
    computation: they share one limiter of 2 × compute_threads threads, the rest wait without a thread;
    meanwhile a production read through the API, the productions page and the metrics (which count
    them) are answered; then every heavy request is answered too."""
    slow = slowed(monkeypatch)
    pid, ai = stored(world, "studio-paris"), stored(world, "ai-generated")
    cookies, token, body = viewer_cookies(world), read_token(world), SENSITIVITY_BODY

    async def scenario() -> tuple[list[httpx.Response], httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=world.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=token) as api,
            httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as web,
        ):
            crowd = [
                asyncio.create_task(api.post("/api/v1/sensitivity", json=body))
                if i % 2
                else asyncio.create_task(web.get(f"/o/{world.org}/compare?p={pid}&p={ai}&samples=200&seed={i}"))
                for i in range(CROWD)
            ]
            await _until(lambda: sum(heavy.statistics()) == CROWD)
            light_api = await asyncio.wait_for(api.get(f"/api/v1/productions/{pid}"), LIVENESS_S)
            light_page = await asyncio.wait_for(web.get(f"/o/{world.org}/productions"), LIVENESS_S)
            metrics = await asyncio.wait_for(web.get("/metrics"), LIVENESS_S)
            assert metrics.status_code == 200
            assert "shootprint_heavy_requests_running 2.0" in metrics.text
            assert f"shootprint_heavy_requests_waiting {float(CROWD - 2)}" in metrics.text
            assert not any(task.done() for task in crowd), "a heavy request was answered before its computation"
            assert heavy.statistics() == (2, CROWD - 2)  # 2 × compute_threads on a thread, the others waiting
            assert slow.entered == 1  # one computation at once (compute_threads)
            slow.release.set()
            answers = await asyncio.wait_for(asyncio.gather(*crowd), LIVENESS_S)
            return answers, light_api, light_page

    try:
        answers, light_api, light_page = asyncio.run(scenario())
    finally:
        slow.release.set()  # a failed run leaves no thread waiting
    assert light_api.status_code == 200 and light_api.json()["id"] == pid
    assert light_page.status_code == 200 and "Studio shoot, Paris" in light_page.text
    assert [a.status_code for a in answers] == [200] * CROWD, [a.text[:200] for a in answers if a.status_code != 200]
    assert slow.entered == CROWD
    assert heavy.statistics() == (0, 0)


def test_the_heavy_api_routes_keep_their_openapi_description(world: ApiWorld):
    """Run on the heavy requests' threads, the routes still describe their body, token and answers."""
    spec = world.api(None).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/sensitivity", "/api/v1/compare", "/api/v1/estimate", "/api/v1/whatif", "/api/v1/breakeven"):
        operation = spec["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith(
            "#/components/schemas/"
        ), path
        assert operation["security"] == [{"token": []}] and "200" in operation["responses"]
    report = spec["paths"]["/api/v1/productions/{production_id}/report"]["get"]
    assert {p["name"] for p in report["parameters"]} >= {"production_id", "format", "lang"}
