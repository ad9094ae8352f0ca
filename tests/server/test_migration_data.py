"""Migrations down to 0002_api and back up with data in every table they touch: measured records of
two organisations' productions, a share link pinned to revisions."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import command
from server_helpers import World, users_id

from shootprint.server import migrations
from shootprint.server.services import productions, record_uploads, shares
from shootprint.server.services.organisations import scope


def _record(run_id: str) -> bytes:
    record = {
        "label": "hero-visuals", "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 1800.0,
        "energy_j": 7.2e6, "warnings": [], "tracker_version": "0.1.0", "run_id": run_id,
        "devices": [{"device": "gpu:0", "energy_j": 7.2e6, "method": "nvml", "model": "L4", "details": {}}],
    }  # fmt: skip
    return (json.dumps(record) + "\n").encode()


def test_a_downgrade_to_0002_and_back_gathers_the_records_in_one_batch_per_production(world: World):
    db = world.db
    ours = scope(db, users_id(db, "editor@example.org"), world.org)
    theirs = scope(db, users_id(db, "outsider@example.org"), world.other_org)
    pids = []
    for n, sc in enumerate((ours, ours, theirs)):
        pid = productions.create(db, sc, productions.reference_document("ai-generated"))
        for run in range(n + 1):
            assert record_uploads.upload(db, sc, pid, "runs.jsonl", _record(f"r-{run}")).accepted == 1
        pids.append(pid)
    shares.create(db, ours, pids[:2])
    totals = [productions.footprint(db, sc, pid) for sc, pid in zip((ours, ours, theirs), pids, strict=True)]

    with db.engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0002_api")  # type: ignore[arg-type]
    migrations.upgrade(db.engine)
    assert migrations.current(db.engine) == migrations.head()

    with db.engine.connect() as conn:
        batches = conn.execute(
            sa.text("SELECT id, org_id, production_id, source, deleted_at FROM record_batches ORDER BY production_id")
        ).all()
        records = conn.execute(
            sa.text("SELECT r.production_id, b.production_id, r.org_id, b.org_id FROM measured_records r "
                    "JOIN record_batches b ON b.id = r.batch_id")
        ).all()  # fmt: skip
        loose = conn.execute(sa.text("SELECT COUNT(*) FROM measured_records WHERE batch_id IS NULL")).scalar()
    assert [(b.production_id, b.source, b.deleted_at) for b in batches] == [
        (pid, "before batches", None) for pid in pids
    ]
    assert len(records) == 6 and loose == 0
    assert all(r[0] == r[1] and r[2] == r[3] for r in records)
    for sc, pid, total in zip((ours, ours, theirs), pids, totals, strict=True):
        assert len(record_uploads.batches(db, sc, pid)) == 1
        assert productions.footprint(db, sc, pid) == total
