"""Compute without storing: the CLI's JSON, problem+json errors, limits, scopes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from api_helpers import ApiWorld

from shootprint.server.services.productions import reference_document

STUDIO = "studio-paris"
AI = "ai-generated"


def _cli_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "shootprint.cli", *args, "--format", "json"], capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout)


def test_estimate_is_the_cli_json(world: ApiWorld):
    doc = reference_document(STUDIO)
    answer = world.api().post("/api/v1/estimate", json={"production": doc})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    cli = _cli_json("estimate", "examples/reference/studio-paris.yaml")
    got = answer.json()
    assert got["total_kgco2e"] == pytest.approx(cli["total_kgco2e"])
    assert [line["id"] for line in got["lines"]] == [line["id"] for line in cli["lines"]]
    assert set(got) == set(cli)


def test_estimate_with_samples_and_seed_is_reproducible(world: ApiWorld):
    body = {"production": reference_document(STUDIO), "samples": 300, "seed": 7}
    a = world.api().post("/api/v1/estimate", json=body).json()
    b = world.api().post("/api/v1/estimate", json=body).json()
    assert a["uncertainty"] == b["uncertainty"] and a["uncertainty"]
    c = world.api().post("/api/v1/estimate", json={**body, "seed": 8}).json()
    assert c["uncertainty"] != a["uncertainty"]


def test_compare_with_samples_gives_intervals_and_probabilities(world: ApiWorld):
    docs = [reference_document(STUDIO), reference_document(AI)]
    answer = world.api().post("/api/v1/compare", json={"productions": docs, "samples": 200, "seed": 1})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert len(data["scenarios"]) == 2 and data["uncertainty"]["samples"] == 200
    assert data["uncertainty"]["probability_lower"]


def test_sensitivity_whatif_breakeven(world: ApiWorld):
    api = world.api()
    doc = reference_document(STUDIO)
    sens = api.post("/api/v1/sensitivity", json={"productions": [doc], "base_samples": 16, "seed": 1})
    assert sens.status_code == 200, sens.text
    assert sens.json()["inputs"]
    levers = api.get("/api/v1/estimate")  # GET is not a route of estimate
    assert levers.status_code == 405 and levers.headers["content-type"] == "application/problem+json"
    what = api.post("/api/v1/whatif", json={"production": doc, "levers": ["vegetarian_catering"], "samples": 50})
    assert what.status_code == 200, what.text
    assert what.json()["base_total_kgco2e"] > 0
    ai = reference_document(AI)
    even = api.post("/api/v1/breakeven", json={"production": ai, "against": doc, "vary": "parameters.image_iterations"})
    assert even.status_code == 200, even.text
    assert even.json()["vary"] == "parameters.image_iterations"


def _ends_its_worker(*args: object, **kwargs: object) -> dict:
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
    return {}  # pragma: no cover - never reached


def test_a_computation_that_ends_its_worker_is_a_503_problem(world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    """A Monte Carlo call whose worker process dies: a 503 problem document (code, English and
    French message), not run again; the same request is answered once the computation behaves."""
    from shootprint.server.services import compute

    api = world.api()
    body = {"productions": [reference_document(STUDIO)], "base_samples": 16, "seed": 1}
    monkeypatch.setattr(compute, "core_call", _ends_its_worker)
    crashed = api.post("/api/v1/sensitivity", json=body)
    assert crashed.status_code == 503 and crashed.headers["content-type"] == "application/problem+json"
    (problem,) = crashed.json()["problems"]
    assert problem["code"] == "computation-crashed" and "not run again" in problem["message"]
    assert "n’a pas été relancé" in problem["message_fr"] and crashed.json()["detail"] == problem["message"]
    monkeypatch.undo()
    again = api.post("/api/v1/sensitivity", json=body)
    assert again.status_code == 200, again.text


def test_factor_search_and_detail(world: ApiWorld):
    api = world.api("read")
    found = api.get("/api/v1/factors", params={"q": "diesel", "limit": 5})
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    assert 0 < len(items) <= 5 and all(i["source"] for i in items)
    one = api.get(f"/api/v1/factors/{items[0]['id']}")
    assert one.status_code == 200 and one.json()["id"] == items[0]["id"]
    none = api.get("/api/v1/factors", params={"q": "dieselx", "suggest": "true"}).json()
    assert none["items"] == [] and "diesel" in none["close_words"]
    missing = api.get("/api/v1/factors/no.such.factor")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["problems"][0]["code"]


def test_core_problems_are_problem_json_naming_the_field(world: ApiWorld):
    doc = reference_document(STUDIO)
    doc = {**doc, "activities": [*doc["activities"], {"id": "x", "type": "no_such_type"}]}
    answer = world.api().post("/api/v1/estimate", json={"production": doc})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 422 and body["title"] and body["instance"] == "/api/v1/estimate"
    assert body["problems"] and all({"code", "location", "message"} <= set(p) for p in body["problems"])
    assert any("activities" in [str(x) for x in p["location"]] for p in body["problems"])


def test_request_validation_is_problem_json(world: ApiWorld):
    answer = world.api().post("/api/v1/estimate", json={"production": {}, "samples": "many"})
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert ["body", "samples"] in [p["location"] for p in problems]
    out_of_range = world.api().post(
        "/api/v1/estimate", json={"production": reference_document(STUDIO), "samples": 10**9}
    )
    assert out_of_range.status_code == 422
    assert out_of_range.json()["problems"][0]["code"] == "samples-out-of-range"


def test_body_too_large_is_413_before_reading(world: ApiWorld):  # the default limit: 10 MiB
    big = b'{"production": {"name": "' + b"x" * (11 * 1024 * 1024) + b'"}}'
    answer = world.api().post("/api/v1/estimate", content=big, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["problems"][0]["code"] == "body-too-large"


@pytest.mark.parametrize("token", [None, "sp_unknown", "not-even-a-token"])
def test_no_or_unknown_token_is_401(world: ApiWorld, token):
    api = world.api(None)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = api.post("/api/v1/estimate", json={"production": reference_document(STUDIO)}, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["write", "records"])
def test_compute_needs_the_read_scope(world: ApiWorld, token):
    answer = world.api(token).post("/api/v1/estimate", json={"production": reference_document(STUDIO)})
    assert answer.status_code == 403
    assert answer.json()["problems"][0]["code"] == "scope-missing"
