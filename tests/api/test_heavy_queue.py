"""The heavy requests' wait is bounded: past ``heavy_queue`` requests waiting for a thread, one more is
answered 503 with Retry-After at once (a problem document in the REST API, an error page in the
application), and the requests already waiting are all answered once the computations go on."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from api_helpers import ApiWorld
from test_heavy_requests import LIVENESS_S, SENSITIVITY_BODY, _until, read_token, slowed, stored, viewer_cookies

from shootprint.server import heavy
from shootprint.server.settings import Settings

QUEUE = 3


@pytest.fixture
def settings(database_url: str) -> Settings:  # one computation at once, two threads, three may wait
    return Settings(
        database_url=database_url,
        samples=200,
        compute_threads=1,
        compute_processes=0,
        api_rate_per_minute=10_000,
        heavy_queue=QUEUE,
    )


def test_past_the_queue_a_heavy_request_is_refused_at_once(world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    slow = slowed(monkeypatch)
    pid = stored(world, "studio-paris")
    cookies, token, body = viewer_cookies(world), read_token(world), SENSITIVITY_BODY
    held = 2 + QUEUE  # 2 × compute_threads on a thread, QUEUE waiting

    async def scenario() -> tuple[list[httpx.Response], httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=world.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=token) as api,
            httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as web,
        ):
            crowd = [asyncio.create_task(api.post("/api/v1/sensitivity", json=body)) for _ in range(held)]
            await _until(lambda: heavy.statistics() == (2, QUEUE))
            refused_api = await asyncio.wait_for(api.post("/api/v1/sensitivity", json=body), LIVENESS_S)
            refused_page = await asyncio.wait_for(web.get(f"/o/{world.org}/compare?p={pid}&seed=7"), LIVENESS_S)
            assert heavy.statistics() == (2, QUEUE)  # the refused ones never joined the queue
            assert not any(task.done() for task in crowd)
            slow.release.set()
            answers = await asyncio.wait_for(asyncio.gather(*crowd), LIVENESS_S)
            later = await asyncio.wait_for(api.post("/api/v1/sensitivity", json=body), LIVENESS_S)
            return answers, refused_api, refused_page, later

    try:
        answers, refused_api, refused_page, later = asyncio.run(scenario())
    finally:
        slow.release.set()
    assert [a.status_code for a in answers] == [200] * held
    assert refused_api.status_code == 503 and refused_api.headers["retry-after"] == "30"
    problem = refused_api.json()
    assert problem["problems"][0]["code"] == "busy" and "too many computations" in problem["detail"]
    assert refused_page.status_code == 503 and refused_page.headers["retry-after"] == "30"
    assert "too many computations waiting" in refused_page.text and "<form" in refused_page.text  # the site's page
    assert later.status_code == 200  # once the queue is gone, heavy requests are taken again
    assert heavy.statistics() == (0, 0)


def test_the_queue_setting_is_read_and_checked():
    assert Settings.from_env({"SHOOTPRINT_HEAVY_QUEUE": "5"}).heavy_queue == 5
    assert Settings().heavy_queue == 64
    with pytest.raises(ValueError, match="SHOOTPRINT_HEAVY_QUEUE"):
        Settings.from_env({"SHOOTPRINT_HEAVY_QUEUE": "0"})
