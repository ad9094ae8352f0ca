"""The Python client (shootprint.client) over the whole API, in process."""

from __future__ import annotations

import httpx
import pytest
from api_helpers import ApiWorld

from shootprint.client import ApiError, Client
from shootprint.server.services.productions import reference_document


def _client(world: ApiWorld, token: str = "all") -> Client:
    """The client, its requests answered in process by the application (through a test client)."""
    app = world.api(None)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = app.request(request.method, str(request.url), headers=dict(request.headers), content=request.content)
        return httpx.Response(answer.status_code, headers=answer.headers.raw, content=answer.content)

    return Client("http://testserver", world.secrets.get(token, token), transport=httpx.MockTransport(handle))


def test_client_covers_every_endpoint(world: ApiWorld):
    doc = reference_document("studio-paris")
    with _client(world) as api:
        assert api.estimate(doc)["total_kgco2e"] > 0
        assert len(api.compare([doc, reference_document("ai-generated")], samples=100, seed=1)["scenarios"]) == 2
        assert api.sensitivity([doc], base_samples=16)["inputs"]
        assert api.whatif(doc, levers=["vegetarian_catering"], samples=20)["variants"]
        factors = api.factors("diesel", limit=3)["items"]
        assert api.factor(factors[0]["id"])["id"] == factors[0]["id"]
        created = api.create_production(doc)
        assert created.etag and created.document["name"] == doc["name"]
        changed = {**doc, "name": "changed"}
        replaced = api.replace_production(created.id, changed, etag=created.etag)
        with pytest.raises(ApiError) as stale:
            api.replace_production(created.id, doc, etag=created.etag)
        assert stale.value.status == 412 and stale.value.codes == ["etag-stale"]
        assert [r["number"] for r in api.revisions(created.id)] == [2, 1]
        assert [p["id"] for p in api.iter_productions(limit=1)] == [int(created.id)]
        answer = api.push_records(created.id, [{"label": "x"}])
        assert answer["accepted"] == 0 and answer["rejected"][0]["index"] == 0
        assert api.push_records(created.id, [{"label": "x"}]) == answer  # same batch, same key, same answer
        assert api.footprint(created.id)["measured_records"]["count"] == 0
        csv = api.report(created.id, format="csv").decode("utf-8-sig")
        assert "kgco2e" in csv.splitlines()[0] and len(csv.splitlines()) > 5
        api.delete_production(created.id, etag=replaced.etag)
        assert api.list_productions(deleted=True).items[0]["id"] == int(created.id)
        assert api.restore_production(created.id).data["deleted_at"] is None


def test_client_errors_carry_the_problems(world: ApiWorld):
    with _client(world, "read") as api, pytest.raises(ApiError) as err:
        api.create_production(reference_document("studio-paris"))
    assert err.value.status == 403 and err.value.codes == ["scope-missing"]
    with _client(world, "sp_nope") as api, pytest.raises(ApiError) as err:
        api.factors("diesel")
    assert err.value.status == 401
