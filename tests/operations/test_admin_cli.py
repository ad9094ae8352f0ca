"""``shootprint admin backup FILE`` and ``shootprint admin restore FILE`` on a real installation, on SQLite
and PostgreSQL: the restored database holds every row of every table, and the application serves it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

pytest.importorskip("fastapi")

from ops_helpers import World, sign_in  # noqa: E402

from shootprint.cli import app as cli  # noqa: E402
from shootprint.server import migrations  # noqa: E402
from shootprint.server.app import create_app  # noqa: E402
from shootprint.server.services import productions, record_uploads, shares  # noqa: E402
from shootprint.server.settings import Settings  # noqa: E402
from shootprint.server.store.models import Base  # noqa: E402


def everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def run(args: list[str], url: str) -> Any:
    return CliRunner().invoke(cli, args, env={"SHOOTPRINT_DATABASE_URL": url}, catch_exceptions=False)


def test_backup_and_restore_round_trip(world: World, new_database: Callable[[], str], tmp_path: Path) -> None:
    sc = world.scope("editor")
    pid = world.production("editor", "outdoor-cape-town")
    doc = productions.documents(world.db, sc, [pid])[0]
    productions.save(world.db, sc, pid, {**doc, "client": "Maison « Été » =1+1"}, base_revision=1, note="client")
    productions.trash(world.db, sc, world.production("editor", "ai-generated"))
    productions.footprint(world.db, sc, pid)
    # measured records in two batches, one of them in the trash; a share link pinned to revisions; and
    # audit lines saying what they came through (a web session)
    ai = world.production("editor", "ai-generated")
    for run_id in ("r-1", "r-2"):
        record = {
            "label": "hero-visuals", "host": "render-01", "start": "2026-11-25T18:17:39+00:00",
            "duration_s": 1800.0, "energy_j": 7.2e6, "warnings": [], "tracker_version": "0.1.0",
            "devices": [{"device": "gpu:0", "energy_j": 7.2e6, "method": "nvml", "model": "L4", "details": {}}],
            "run_id": run_id,
        }  # fmt: skip
        sent = record_uploads.upload(world.db, sc, ai, f"{run_id}.jsonl", (json.dumps(record) + "\n").encode())
        assert sent.accepted == 1, sent
    record_uploads.trash_batch(world.db, sc, ai, record_uploads.batches(world.db, sc, ai)[0].id)
    shares.create(world.db, sc, [pid, ai])
    assert sign_in(world.client(), world.users["editor"]).status_code == 303
    source = world.db.url
    before = everything(source)
    assert before["revisions"] and before["audit_events"] and before["footprint_cache"]
    assert len(before["record_batches"]) == 2 and len(before["measured_records"]) == 2
    batch_columns = [c.name for c in Base.metadata.tables["record_batches"].columns]
    assert sum(row[batch_columns.index("deleted_at")] is not None for row in before["record_batches"]) == 1
    share_columns = [c.name for c in Base.metadata.tables["share_links"].columns]
    assert [row[share_columns.index("revisions")] for row in before["share_links"]] == [[2, 1]]
    audit_columns = [c.name for c in Base.metadata.tables["audit_events"].columns]
    assert any(row[audit_columns.index("via_kind")] == "session" for row in before["audit_events"])

    file = tmp_path / "shootprint-backup.jsonl.gz"
    made = run(["admin", "backup", str(file)], source)
    assert made.exit_code == 0, made.output
    assert f"{file}: " in made.output and " rows (schema revision " in made.output

    target = new_database()
    restored = run(["admin", "restore", str(file)], target)
    assert restored.exit_code == 0, restored.output
    assert "restored" in restored.output
    assert everything(target) == before
    engine = sa.create_engine(target)
    assert migrations.current(engine) == migrations.head()
    engine.dispose()

    # the restored installation serves: sign in, list, open, and save a new revision (fresh ids)
    app = create_app(Settings(database_url=target, samples=200))
    try:
        client = World(app, app.state.db, world.org, world.other_org, world.users).client()
        assert sign_in(client, world.users["editor"]).status_code == 303
        page = client.get(f"/o/{world.org}/productions/{pid}")
        assert page.status_code == 200 and "Maison « Été » =1+1" in page.text
        new = productions.create(app.state.db, sc, productions.reference_document("studio-paris"))
        assert new > max(r[0] for r in before["productions"])
    finally:
        app.state.db.dispose()

    # a database that holds rows is refused, and nothing is written
    again = run(["admin", "restore", str(file)], target)
    assert again.exit_code == 1
    assert "the database is not empty" in again.output
    assert len(everything(target)["productions"]) == len(before["productions"]) + 1


def test_restore_refuses_a_damaged_file_before_writing(new_database: Callable[[], str], tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(b"this is not a backup")
    target = new_database()
    answer = run(["admin", "restore", str(damaged)], target)
    assert answer.exit_code == 1
    assert str(damaged) in answer.output
    engine = sa.create_engine(target)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_a_database_not_yet_upgraded_is_backed_up_and_restored(new_database: Callable[[], str], tmp_path: Path) -> None:
    """The backup taken before ``shootprint db upgrade`` (as it should be) of a database whose schema
    lacks a column added since (the footprint cache's ``last_used``): written with the columns the
    database has, restored at its revision, then upgraded."""
    source, target = new_database(), new_database()
    engine = sa.create_engine(source)
    try:
        migrations.upgrade(engine, "0005_record_batches")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO footprint_cache (document_hash, data_version, factor_set, overrides_hash, kind,"
                    " result, created_at) VALUES (:h, 'v1', 'ademe', :o, 'estimate', :r, :t)"
                ),
                {"h": "a" * 64, "o": "0" * 64, "r": json.dumps({"total_kgco2e": 1.5}), "t": "2026-11-01 10:00:00"},
            )
    finally:
        engine.dispose()
    file = tmp_path / "before-upgrade.gz"
    done = run(["admin", "backup", str(file)], source)
    assert done.exit_code == 0, done.output
    assert "0005_record_batches" in done.output
    restored = run(["admin", "restore", str(file)], target)
    assert restored.exit_code == 0, restored.output
    assert run(["db", "upgrade"], target).exit_code == 0
    engine = sa.create_engine(target)
    try:
        with engine.connect() as conn:
            ((document_hash, created, last_used),) = conn.execute(
                sa.text("SELECT document_hash, created_at, last_used FROM footprint_cache")
            ).all()
    finally:
        engine.dispose()
    assert document_hash == "a" * 64 and last_used == created
