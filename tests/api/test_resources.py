"""Productions as resources, measured records, tokens and their scopes, organisations kept apart."""

from __future__ import annotations

import sqlalchemy as sa
from api_helpers import ApiWorld
from server_helpers import post

from shootprint.server import security
from shootprint.server.services import tokens
from shootprint.server.services.productions import reference_document
from shootprint.server.store.models import ApiToken, MeasuredRecord

STUDIO = "studio-paris"


def _create(world: ApiWorld, name: str = "Campaign A", token: str = "all") -> dict:
    doc = {**reference_document(STUDIO), "name": name}
    answer = world.api(token).post("/api/v1/productions", json={"document": doc})
    assert answer.status_code == 201, answer.text
    assert answer.headers["etag"] == answer.json()["etag"]
    return answer.json()


def _record(run_id: str, label: str = "sdxl", energy_j: float = 3600.0) -> dict:
    return {
        "label": label, "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 2.0,
        "energy_j": energy_j,
        "devices": [{"device": "gpu:0", "energy_j": energy_j, "method": "nvml", "model": "L4", "details": {}}],
        "warnings": [], "tracker_version": "0.1.0", "run_id": run_id,
    }  # fmt: skip


def test_create_read_replace_with_etags(world: ApiWorld):
    api = world.api()
    created = _create(world)
    pid = created["id"]
    got = api.get(f"/api/v1/productions/{pid}")
    assert got.status_code == 200 and got.json()["document"]["name"] == "Campaign A"
    doc = got.json()["document"]
    doc["name"] = "Campaign A, revised"
    missing = api.put(f"/api/v1/productions/{pid}", json={"document": doc})
    assert missing.status_code == 428 and missing.json()["problems"][0]["location"] == ["If-Match"]
    ok = api.put(f"/api/v1/productions/{pid}", json={"document": doc}, headers={"If-Match": got.headers["etag"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["revision"] == 2 and ok.headers["etag"] != got.headers["etag"]
    doc["name"] = "a lost update"
    stale = api.put(f"/api/v1/productions/{pid}", json={"document": doc}, headers={"If-Match": got.headers["etag"]})
    assert stale.status_code == 412 and stale.json()["problems"][0]["code"] == "etag-stale"
    assert api.get(f"/api/v1/productions/{pid}").json()["name"] == "Campaign A, revised"
    revs = api.get(f"/api/v1/productions/{pid}/revisions").json()["items"]
    assert [r["number"] for r in revs] == [2, 1]


def test_invalid_document_is_refused_with_the_core_problems(world: ApiWorld):
    doc = {**reference_document(STUDIO), "shoot_days": "many"}
    answer = world.api().post("/api/v1/productions", json={"document": doc})
    assert answer.status_code == 422
    assert any(
        "shoot_days" in [str(x) for x in p["location"]] or "shoot_days" in p["message"]
        for p in answer.json()["problems"]
    )


def test_list_with_cursor_pages_and_filters(world: ApiWorld):
    ids = [_create(world, f"Campaign {i}")["id"] for i in range(5)]
    api = world.api("read")
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/productions", params=params).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids, reverse=True) and pages == 3
    found = api.get("/api/v1/productions", params={"q": "campaign 3"}).json()["items"]
    assert [i["id"] for i in found] == [ids[3]]
    assert api.get("/api/v1/productions", params={"way": "ai"}).json()["items"] == []
    bad = api.get("/api/v1/productions", params={"cursor": "!!"})
    assert bad.status_code == 422


def test_delete_to_trash_and_restore(world: ApiWorld):
    api = world.api()
    pid = _create(world)["id"]
    assert api.delete(f"/api/v1/productions/{pid}").status_code == 204
    assert api.get(f"/api/v1/productions/{pid}").status_code == 404
    trash = api.get("/api/v1/productions", params={"deleted": "true"}).json()["items"]
    assert [i["id"] for i in trash] == [pid]
    restored = api.post(f"/api/v1/productions/{pid}/restore")
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    assert api.get(f"/api/v1/productions/{pid}").status_code == 200


def test_report_and_export_downloads(world: ApiWorld):
    api = world.api("read")
    pid = _create(world)["id"]
    csv = api.get(f"/api/v1/productions/{pid}/report", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    html = api.get(f"/api/v1/productions/{pid}/report", params={"format": "html", "lang": "fr"})
    assert html.status_code == 200 and html.text.lstrip().lower().startswith("<!doctype html")
    xlsx = api.get(f"/api/v1/productions/{pid}/report", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_records_batches_are_idempotent_and_validated_one_by_one(world: ApiWorld):
    pid = _create(world)["id"]
    api = world.api("records")
    batch = [_record("run-1"), {"label": "broken", "energy_j": -1}, _record("run-2")]
    first = api.post(f"/api/v1/productions/{pid}/records", json={"records": batch}, headers={"Idempotency-Key": "k1"})
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["accepted"] == 2 and answer["duplicates"] == 0
    assert [r["index"] for r in answer["rejected"]] == [1]
    assert all(p["location"][:2] == ["records", 1] for p in answer["rejected"][0]["problems"])
    again = api.post(f"/api/v1/productions/{pid}/records", json={"records": batch}, headers={"Idempotency-Key": "k1"})
    assert again.json() == answer and again.headers["idempotent-replayed"] == "true"
    other_key = api.post(
        f"/api/v1/productions/{pid}/records", json={"records": [_record("run-2"), _record("run-3")]},
        headers={"Idempotency-Key": "k2"},
    )  # fmt: skip
    assert other_key.json()["accepted"] == 1 and other_key.json()["duplicates"] == 1
    reused = api.post(
        f"/api/v1/productions/{pid}/records", json={"records": [_record("run-9")]}, headers={"Idempotency-Key": "k1"}
    )
    assert reused.status_code == 422 and reused.json()["problems"][0]["code"] == "idempotency-key-reused"
    with world.db.transaction() as s:
        run_ids = sorted(s.scalars(sa.select(MeasuredRecord.run_id).where(MeasuredRecord.production_id == pid)))
    assert run_ids == ["run-1", "run-2", "run-3"]
    listed = world.api("read").get(f"/api/v1/productions/{pid}/records").json()
    assert listed["count"] == 3 and listed["energy_j"] == 3 * 3600.0
    fp = world.api("read").get(f"/api/v1/productions/{pid}/footprint")
    assert fp.status_code == 200, fp.text
    assert fp.json()["measured_records"]["count"] == 3


def test_codecarbon_rows(world: ApiWorld):
    pid = _create(world)["id"]
    row = {
        "timestamp": "2026-11-25T18:17:39", "project_name": "flux", "run_id": "cc-1", "duration": "12.5",
        "emissions": "0.001", "cpu_energy": "0.0001", "gpu_energy": "0.002", "ram_energy": "0.00005",
        "energy_consumed": "0.00215",
    }  # fmt: skip
    answer = world.api("records").post(
        f"/api/v1/productions/{pid}/records", json={"codecarbon": [row, {"project_name": "x"}]},
        headers={"Idempotency-Key": "cc"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1 and [r["index"] for r in answer.json()["rejected"]] == [1]


def test_records_need_a_key_and_the_records_scope(world: ApiWorld):
    pid = _create(world)["id"]
    no_key = world.api("records").post(f"/api/v1/productions/{pid}/records", json={"records": [_record("a")]})
    assert no_key.status_code == 422
    for token in ("read", "write"):
        denied = world.api(token).post(
            f"/api/v1/productions/{pid}/records", json={"records": [_record("a")]}, headers={"Idempotency-Key": "x"}
        )
        assert denied.status_code == 403


def test_scopes_of_each_route(world: ApiWorld):
    pid = _create(world)["id"]
    doc = reference_document(STUDIO)
    assert world.api("write").get(f"/api/v1/productions/{pid}").status_code == 403
    assert world.api("records").get("/api/v1/productions").status_code == 403
    assert world.api("read").post("/api/v1/productions", json={"document": doc}).status_code == 403
    assert world.api("read").delete(f"/api/v1/productions/{pid}").status_code == 403
    assert world.api("write").post("/api/v1/productions", json={"document": doc}).status_code == 201


def test_another_organisation_never_sees_nor_changes_a_production(world: ApiWorld):
    created = _create(world)
    pid = created["id"]
    other = world.api("other")
    doc = reference_document(STUDIO)
    assert other.get(f"/api/v1/productions/{pid}").status_code == 404
    assert (
        other.put(
            f"/api/v1/productions/{pid}", json={"document": doc}, headers={"If-Match": created["etag"]}
        ).status_code
        == 404
    )
    assert other.delete(f"/api/v1/productions/{pid}").status_code == 404
    assert other.post(f"/api/v1/productions/{pid}/restore").status_code == 404
    assert other.get(f"/api/v1/productions/{pid}/revisions").status_code == 404
    assert other.get(f"/api/v1/productions/{pid}/footprint").status_code == 404
    assert other.get(f"/api/v1/productions/{pid}/report", params={"format": "csv"}).status_code == 404
    assert other.get(f"/api/v1/productions/{pid}/records").status_code == 404
    pushed = other.post(
        f"/api/v1/productions/{pid}/records", json={"records": [_record("x")]}, headers={"Idempotency-Key": "o"}
    )
    assert pushed.status_code == 404
    assert other.get("/api/v1/productions").json()["items"] == []


def test_tokens_are_stored_hashed_revocable_and_track_last_use(world: ApiWorld):
    secret = world.secrets["read"]
    with world.db.transaction() as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.token_hash == security.token_hash(secret)))
        assert row is not None and row.last_used_at is None
        assert secret not in {row.token_hash, row.prefix, row.name}
        token_id = row.id
    assert world.api("read").get("/api/v1/productions").status_code == 200
    with world.db.transaction() as s:
        assert s.get(ApiToken, token_id).last_used_at is not None  # type: ignore[union-attr]
    tokens.revoke(world.db, world.owner_scope(), token_id)
    assert world.api("read").get("/api/v1/productions").status_code == 401


def test_a_token_dies_with_its_owners_role(world: ApiWorld):
    from server_helpers import users_id

    from shootprint.server.services import organisations

    owner = users_id(world.db, "owner@example.org")
    editor = users_id(world.db, "editor@example.org")
    assert world.api("read").get("/api/v1/productions").status_code == 200
    organisations.set_role(world.db, organisations.scope(world.db, owner, world.org), editor, "owner")
    organisations.set_role(world.db, organisations.scope(world.db, editor, world.org), owner, "editor")
    assert world.api("read").get("/api/v1/productions").status_code == 401


def test_rate_limit_answers_429_with_retry_after(world: ApiWorld):
    with world.db.transaction() as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.token_hash == security.token_hash(world.secrets["read"])))
        assert row is not None
        row.rate_per_minute = 3
    api = world.api("read")
    statuses = [api.get("/api/v1/productions").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    last = api.get("/api/v1/productions")
    assert last.status_code == 429
    assert 1 <= int(last.headers["retry-after"]) <= 60
    assert last.json()["problems"][0]["code"] == "rate-limited"
    assert world.api("all").get("/api/v1/productions").status_code == 200  # per token


def test_owner_manages_tokens_from_the_web_page(world: ApiWorld):
    owner = world.client("owner")
    assert f'href="/o/{world.org}/tokens"' in owner.get(f"/o/{world.org}/members").text
    page = owner.get(f"/o/{world.org}/tokens")
    assert page.status_code == 200 and "records only" in page.text
    made = post(owner, f"/o/{world.org}/tokens", {"name": "CI pipeline", "scope_read": "1", "scope_records": "1"})
    assert made.status_code == 200
    import re

    secret = re.search(r'<code id="new-token">([^<]+)</code>', made.text)
    assert secret is not None
    assert world.api(secret.group(1)).get("/api/v1/productions").status_code == 200
    assert secret.group(1) not in owner.get(f"/o/{world.org}/tokens").text  # shown once
    views = tokens.listing(world.db, world.owner_scope())
    ci = next(t for t in views if t.name == "CI pipeline")
    assert ci.scopes == ("read", "records")
    assert post(owner, f"/o/{world.org}/tokens/{ci.id}/revoke").status_code == 303
    assert world.api(secret.group(1)).get("/api/v1/productions").status_code == 401
    for role in ("editor", "viewer"):
        assert world.client(role).get(f"/o/{world.org}/tokens").status_code == 403


def test_documentation_and_openapi_are_served_without_other_sites(world: ApiWorld):
    anon = world.api(None)
    spec = anon.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")
    paths = spec.json()["paths"]
    assert "/api/v1/estimate" in paths and "/api/v1/productions/{production_id}/records" in paths
    assert spec.json()["components"]["schemas"]["FootprintResult"]["title"] == "shootprint footprint"
    page = anon.get("/api/v1/docs")
    assert page.status_code == 200 and "docs.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("docs.js", "docs.css"):
        body = anon.get(f"/api/v1/docs/{asset}")
        assert body.status_code == 200 and "https://" not in body.text and "http://" not in body.text


def test_measured_records_feed_the_footprint_once(world: ApiWorld):
    doc = reference_document("ai-generated")
    doc["activities"][0]["measured"] = "sdxl"  # key visuals: measured by the tracker
    created = world.api().post("/api/v1/productions", json={"document": doc})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    read = world.api("read")
    before = read.get(f"/api/v1/productions/{pid}/footprint")
    assert before.status_code == 422  # measured: but nothing measured yet, said with the field
    assert any(
        "measured" in [str(x) for x in p["location"]] or "measured" in p["message"] for p in before.json()["problems"]
    )

    def measured_kwh() -> float:
        fp = read.get(f"/api/v1/productions/{pid}/footprint").json()
        return sum(
            line["quantity"]
            for line in fp["lines"]
            if line["activity_id"] == "key-visuals" and line["quantity_status"] == "measured" and line["unit"] == "kWh"
        )

    batch = {"records": [_record("m-1", energy_j=3.6e6), _record("m-2", energy_j=3.6e6)]}
    push = world.api("records").post(f"/api/v1/productions/{pid}/records", json=batch, headers={"Idempotency-Key": "m"})
    assert push.json()["accepted"] == 2
    two_kwh = measured_kwh()
    assert two_kwh > 2.0  # 2 kWh at the GPU, with the data centre's overhead on top
    again = world.api("records").post(
        f"/api/v1/productions/{pid}/records", json={"records": [_record("m-2", energy_j=3.6e6)]},
        headers={"Idempotency-Key": "m-retry"},
    )  # fmt: skip
    assert again.json()["duplicates"] == 1
    assert measured_kwh() == two_kwh  # a record sent twice counts once


def test_concurrent_retries_of_one_batch_count_once(world: ApiWorld):
    from concurrent.futures import ThreadPoolExecutor

    pid = _create(world)["id"]
    batch = {"records": [_record(f"c-{i}") for i in range(5)]}

    def send(n: int) -> dict:
        client = world.api("records")
        key = "same" if n % 2 == 0 else f"other-{n}"  # the same key, and other keys with the same records
        answer = client.post(f"/api/v1/productions/{pid}/records", json=batch, headers={"Idempotency-Key": key})
        assert answer.status_code == 200, answer.text
        return answer.json()

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(12)))
    same = [a for n, a in enumerate(answers) if n % 2 == 0]
    others = [a for n, a in enumerate(answers) if n % 2]
    assert all(a == same[0] for a in same)  # one key, one answer (replayed to every retry)
    assert same[0]["accepted"] + sum(a["accepted"] for a in others) == 5  # each record accepted once in all
    with world.db.transaction() as s:
        run_ids = sorted(s.scalars(sa.select(MeasuredRecord.run_id).where(MeasuredRecord.production_id == pid)))
    assert run_ids == sorted(f"c-{i}" for i in range(5))


def test_rate_limit_is_shared_by_processes_through_the_database(world: ApiWorld, settings):
    from starlette.testclient import TestClient

    from shootprint.server.app import create_app

    with world.db.transaction() as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.token_hash == security.token_hash(world.secrets["read"])))
        assert row is not None
        row.rate_per_minute = 4
    second = create_app(settings)  # another server process on the same database
    try:
        a = world.api("read")
        b = TestClient(second, headers={"Authorization": f"Bearer {world.secrets['read']}"})
        statuses = [(a if i % 2 else b).get("/api/v1/productions").status_code for i in range(5)]
    finally:
        second.state.db.dispose()
    assert statuses == [200, 200, 200, 200, 429]


def test_every_operation_is_documented(world: ApiWorld):
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    spec = world.api(None).get("/api/v1/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if f"`{method.upper()} {path}" not in page
    ]
    assert missing == []
