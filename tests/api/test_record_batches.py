"""Batches of measured records through the REST API: listed, deleted to the trash, restored; each
scope, another organisation, the audit log, problem documents and the OpenAPI description."""

from __future__ import annotations

import sqlalchemy as sa
from api_helpers import ApiWorld

from shootprint.server.services.productions import reference_document
from shootprint.server.store.models import AuditEvent

STUDIO = "studio-paris"
PROBLEM = "application/problem+json"


def _record(run_id: str, label: str = "sdxl", energy_j: float = 3600.0) -> dict:
    return {
        "label": label, "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 2.0,
        "energy_j": energy_j,
        "devices": [{"device": "gpu:0", "energy_j": energy_j, "method": "nvml", "model": "L4", "details": {}}],
        "warnings": [], "tracker_version": "0.1.0", "run_id": run_id,
    }  # fmt: skip


def _production(world: ApiWorld) -> int:
    answer = world.api("write").post("/api/v1/productions", json={"document": reference_document(STUDIO)})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _push(world: ApiWorld, pid: int, key: str, *run_ids: str, label: str = "sdxl") -> None:
    answer = world.api("records").post(
        f"/api/v1/productions/{pid}/records",
        json={"records": [_record(r, label) for r in run_ids]},
        headers={"Idempotency-Key": key},
    )
    assert answer.status_code == 200 and answer.json()["accepted"] == len(run_ids), answer.text


def _batches(world: ApiWorld, pid: int, token: str = "read", deleted: bool = False) -> list[dict]:
    answer = world.api(token).get(f"/api/v1/productions/{pid}/record-batches", params={"deleted": deleted})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def _counted(world: ApiWorld, pid: int) -> int:
    return int(world.api("read").get(f"/api/v1/productions/{pid}/records").json()["count"])


def test_list_delete_and_restore_a_batch(world: ApiWorld):
    pid = _production(world)
    _push(world, pid, "k1", "run-1", "run-2", label="sdxl")
    _push(world, pid, "k2", "run-3", label="flux")
    listed = _batches(world, pid)
    assert [(b["count"], b["labels"], b["energy_j"]) for b in listed] == [(1, ["flux"], 3600.0), (2, ["sdxl"], 7200.0)]
    first = listed[1]
    assert first["source"] == "REST API" and first["production_id"] == pid and first["deleted_at"] is None
    assert "records only" in first["received_by"]  # the token that sent it
    assert _counted(world, pid) == 3

    gone = world.api("records").delete(f"/api/v1/productions/{pid}/record-batches/{first['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert [b["id"] for b in _batches(world, pid)] == [listed[0]["id"]]
    trashed = _batches(world, pid, deleted=True)
    assert [b["id"] for b in trashed] == [first["id"]] and trashed[0]["deleted_at"] is not None
    assert _counted(world, pid) == 1
    footprint = world.api("read").get(f"/api/v1/productions/{pid}/footprint").json()
    assert footprint["measured_records"]["labels"] == ["flux"]

    again = world.api("records").delete(f"/api/v1/productions/{pid}/record-batches/{first['id']}")
    assert again.status_code == 404 and again.headers["content-type"].startswith(PROBLEM)

    back = world.api("write").post(f"/api/v1/productions/{pid}/record-batches/{first['id']}/restore")
    assert back.status_code == 200, back.text
    assert back.json()["id"] == first["id"] and back.json()["deleted_at"] is None and back.json()["count"] == 2
    assert _counted(world, pid) == 3 and _batches(world, pid, deleted=True) == []
    twice = world.api("write").post(f"/api/v1/productions/{pid}/record-batches/{first['id']}/restore")
    assert twice.status_code == 404 and twice.json()["status"] == 404


def test_records_of_a_deleted_batch_sent_again_count_again(world: ApiWorld):
    pid = _production(world)
    _push(world, pid, "k1", "run-1")
    bid = _batches(world, pid)[0]["id"]
    assert world.api("records").delete(f"/api/v1/productions/{pid}/record-batches/{bid}").status_code == 204
    _push(world, pid, "k2", "run-1")
    assert _counted(world, pid) == 1 and len(_batches(world, pid)) == 1


def test_deleting_and_restoring_are_in_the_audit_log_with_the_token(world: ApiWorld):
    pid = _production(world)
    _push(world, pid, "k1", "run-1")
    bid = _batches(world, pid)[0]["id"]
    assert world.api("records").delete(f"/api/v1/productions/{pid}/record-batches/{bid}").status_code == 204
    assert world.api("all").post(f"/api/v1/productions/{pid}/record-batches/{bid}/restore").status_code == 200
    with world.db.transaction() as s:
        events = s.execute(
            sa.select(AuditEvent.action, AuditEvent.target, AuditEvent.detail, AuditEvent.via_kind, AuditEvent.via_name)
            .where(AuditEvent.action.in_(("records.trash", "records.restore")))
            .order_by(AuditEvent.id)
        ).all()
    assert [(e[0], e[1], e[2]["batch"], e[3], e[4]) for e in events] == [
        ("records.trash", str(pid), bid, "token", "records only"),
        ("records.restore", str(pid), bid, "token", "all"),
    ]


def test_scopes_of_the_batch_routes(world: ApiWorld):
    pid = _production(world)
    for i, token in enumerate(("records", "write", "all")):
        _push(world, pid, f"k{i}", f"run-{i}")
        lister = "read" if token == "write" else token  # records may list what it sent, as read may
        bid = _batches(world, pid, lister)[0]["id"]
        assert world.api(token).delete(f"/api/v1/productions/{pid}/record-batches/{bid}").status_code == 204
        restored = world.api(token).post(f"/api/v1/productions/{pid}/record-batches/{bid}/restore")
        assert restored.status_code == 200, (token, restored.text)
    _push(world, pid, "k-last", "run-last")
    bid = _batches(world, pid)[0]["id"]
    listing = world.api("write").get(f"/api/v1/productions/{pid}/record-batches")
    assert listing.status_code == 403 and listing.headers["content-type"].startswith(PROBLEM)
    assert "'read' or 'records'" in listing.json()["detail"]
    denied = world.api("read").delete(f"/api/v1/productions/{pid}/record-batches/{bid}")
    assert denied.status_code == 403 and denied.json()["problems"][0]["code"] == "scope-missing"
    assert "'records' or 'write'" in denied.json()["detail"]
    world.api("all").delete(f"/api/v1/productions/{pid}/record-batches/{bid}")
    assert world.api("read").post(f"/api/v1/productions/{pid}/record-batches/{bid}/restore").status_code == 403
    assert _batches(world, pid, deleted=True)[0]["id"] == bid  # the refused restore changed nothing
    for path in ("record-batches", f"record-batches/{bid}"):
        unsigned = world.api(None).request(
            "GET" if path == "record-batches" else "DELETE", f"/api/v1/productions/{pid}/{path}"
        )
        assert unsigned.status_code == 401 and unsigned.headers["content-type"].startswith(PROBLEM)


def test_another_organisation_gets_404_and_changes_nothing(world: ApiWorld):
    pid = _production(world)
    _push(world, pid, "k1", "run-1")
    _push(world, pid, "k2", "run-2")
    live, trashed = (b["id"] for b in _batches(world, pid))
    assert world.api("all").delete(f"/api/v1/productions/{pid}/record-batches/{trashed}").status_code == 204
    other = world.api("other")
    assert other.get(f"/api/v1/productions/{pid}/record-batches").status_code == 404
    assert other.get(f"/api/v1/productions/{pid}/record-batches", params={"deleted": True}).status_code == 404
    assert other.delete(f"/api/v1/productions/{pid}/record-batches/{live}").status_code == 404
    assert other.post(f"/api/v1/productions/{pid}/record-batches/{trashed}/restore").status_code == 404
    # under one of its own productions, the other organisation's batch ids are not found either
    theirs = other.post("/api/v1/productions", json={"document": reference_document(STUDIO)}).json()["id"]
    assert other.delete(f"/api/v1/productions/{theirs}/record-batches/{live}").status_code == 404
    assert other.post(f"/api/v1/productions/{theirs}/record-batches/{trashed}/restore").status_code == 404
    assert [b["id"] for b in _batches(world, pid)] == [live]
    assert [b["id"] for b in _batches(world, pid, deleted=True)] == [trashed]


def test_a_batch_is_reached_only_through_its_own_production(world: ApiWorld):
    pid, other_pid = _production(world), _production(world)
    _push(world, pid, "k1", "run-1")
    bid = _batches(world, pid)[0]["id"]
    wrong = world.api("all").delete(f"/api/v1/productions/{other_pid}/record-batches/{bid}")
    assert wrong.status_code == 404 and wrong.headers["content-type"].startswith(PROBLEM)
    assert world.api("all").delete(f"/api/v1/productions/{pid}/record-batches/{bid}").status_code == 204
    assert world.api("all").post(f"/api/v1/productions/{other_pid}/record-batches/{bid}/restore").status_code == 404
    assert _batches(world, pid, deleted=True)[0]["id"] == bid
    assert world.api("all").get("/api/v1/productions/999999/record-batches").status_code == 404


def test_the_batch_routes_are_in_the_openapi_description(world: ApiWorld):
    spec = world.api(None).get("/api/v1/openapi.json").json()
    base = "/api/v1/productions/{production_id}/record-batches"
    assert spec["paths"][base]["get"]["operationId"] == "api_record_batches"
    assert spec["paths"][base + "/{batch_id}"]["delete"]["operationId"] == "api_record_batch_delete"
    restore = spec["paths"][base + "/{batch_id}/restore"]["post"]
    assert restore["operationId"] == "api_record_batch_restore"
    for operation in (spec["paths"][base]["get"], spec["paths"][base + "/{batch_id}"]["delete"], restore):
        assert {"401", "403", "404"} <= set(operation["responses"]), operation["responses"]
        assert operation["security"] == [{"token": []}]
    assert "RecordBatchOut" in spec["components"]["schemas"]


def test_the_push_answer_names_the_batch_it_made(world: ApiWorld):
    """The answer to a push gives the id of the batch its records form (the one to delete or restore
    later); a retry with the same key gets the same id; a push that stores nothing names no batch."""
    pid = _production(world)
    url = f"/api/v1/productions/{pid}/records"
    first = world.api("records").post(
        url, json={"records": [_record("run-1"), _record("run-2")]}, headers={"Idempotency-Key": "k1"}
    )
    assert first.status_code == 200, first.text
    bid = first.json()["batch_id"]
    assert isinstance(bid, int) and [b["id"] for b in _batches(world, pid)] == [bid]
    assert _batches(world, pid)[0]["count"] == 2
    retry = world.api("records").post(
        url, json={"records": [_record("run-1"), _record("run-2")]}, headers={"Idempotency-Key": "k1"}
    )
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json()["batch_id"] == bid
    nothing_new = world.api("records").post(
        url, json={"records": [_record("run-1")]}, headers={"Idempotency-Key": "k2"}
    )
    assert nothing_new.json()["duplicates"] == 1 and nothing_new.json()["batch_id"] is None
    second = world.api("records").post(url, json={"records": [_record("run-3")]}, headers={"Idempotency-Key": "k3"})
    assert second.json()["batch_id"] not in (None, bid)
    assert world.api("records").delete(f"{url[: -len('records')]}record-batches/{bid}").status_code == 204
    assert _counted(world, pid) == 1
    spec = world.api(None).get("/api/v1/openapi.json").json()
    answer = spec["components"]["schemas"]["RecordsAnswer"]["properties"]
    assert {"accepted", "duplicates", "rejected", "batch_id"} <= set(answer)


def test_batches_come_a_page_at_a_time_with_a_cursor(world: ApiWorld):
    pid = _production(world)
    for i in range(5):
        _push(world, pid, f"k{i}", f"run-{i}", label=f"job-{i}")
    seen: list[list[str]] = []
    cursor = None
    while True:
        params: dict = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = world.api("records").get(f"/api/v1/productions/{pid}/record-batches", params=params).json()
        seen.append([label for b in page["items"] for label in b["labels"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [["job-4", "job-3"], ["job-2", "job-1"], ["job-0"]]
    whole = world.api("read").get(f"/api/v1/productions/{pid}/record-batches").json()
    assert len(whole["items"]) == 5 and whole["next_cursor"] is None
    bad = world.api("read").get(f"/api/v1/productions/{pid}/record-batches", params={"cursor": "x1"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
    assert bad.json()["problems"][0]["message"].startswith("cursor:")
    too_many = world.api("read").get(f"/api/v1/productions/{pid}/record-batches", params={"limit": 5000})
    assert too_many.status_code == 422


def test_the_export_follows_the_records_and_the_kept_files_are_bounded_in_bytes(world: ApiWorld):
    """Reports and exports are kept by what makes them, the records' digest included: a batch sent,
    moved to the trash or restored gives another file, the same state the same file."""
    from shootprint.server.api import productions_routes

    doc = reference_document("ai-generated")
    doc["activities"][0]["measured"] = "sdxl"  # key visuals: measured by the tracker
    created = world.api("write").post("/api/v1/productions", json={"document": doc})
    assert created.status_code == 201, created.text
    pid = int(created.json()["id"])
    read = world.api("read")

    def export() -> str:
        answer = read.get(f"/api/v1/productions/{pid}/report", params={"format": "csv"})
        assert answer.status_code == 200, answer.text
        return answer.text

    _push(world, pid, "k1", "run-1")
    one = export()
    _push(world, pid, "k2", "run-2", "run-3")
    three = export()
    assert three != one
    newest = _batches(world, pid)[0]["id"]
    assert world.api("records").delete(f"/api/v1/productions/{pid}/record-batches/{newest}").status_code == 204
    assert export() == one
    assert world.api("records").post(f"/api/v1/productions/{pid}/record-batches/{newest}/restore").status_code == 200
    assert export() == three
    kept = productions_routes._reports
    assert 0 < kept.bytes <= kept.max_bytes <= 64 * 1024 * 1024 and len(kept) <= kept.max_entries
