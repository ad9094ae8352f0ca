"""The footprint cache's clean-up (services.cache): entries of another data version and entries no
longer used are removed, in bounded passes, by any number of processes over one database; a read
marks an entry used; the migration dates the entries already there; ``shootprint admin clean-cache``."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from server_helpers import World, users_id

from shootprint.cli import app as cli
from shootprint.server import migrations
from shootprint.server.services import cache, compute, organisations, productions
from shootprint.server.store.db import Database
from shootprint.server.store.models import FootprintCache, utcnow

NOW = utcnow()


def _entry(db: Database, n: int, *, days_unused: float, version: str | None = None, kind: str = "estimate") -> int:
    with db.transaction() as s:
        row = FootprintCache(
            document_hash=f"{n:064x}",
            data_version=version or compute.data_version(),
            factor_set="ademe",
            overrides_hash="0" * 64,
            kind=kind,
            result={"total_kgco2e": float(n)},
            created_at=NOW - timedelta(days=days_unused + 1),
            last_used=NOW - timedelta(days=days_unused),
        )
        s.add(row)
        s.flush()
        return int(row.id)


def _ids(db: Database) -> set[int]:
    with db.transaction() as s:
        return set(s.scalars(sa.select(FootprintCache.id)))


def test_entries_of_another_data_version_and_unused_ones_are_removed(world: World):
    db = world.db
    in_use = _entry(db, 1, days_unused=0)
    used_this_month = _entry(db, 2, days_unused=29, kind="compare")
    rolling_upgrade = _entry(db, 3, days_unused=0.5, version="factors-of-the-release-before")  # still in use
    _entry(db, 4, days_unused=31)  # unused for more than 30 days
    _entry(db, 5, days_unused=2, version="factors-of-the-release-before")  # another version, unused a day
    _entry(db, 6, days_unused=40, version="factors-of-the-release-before")
    assert cache.clean(db, now=NOW) == 3
    assert _ids(db) == {in_use, used_this_month, rolling_upgrade}
    assert cache.clean(db, now=NOW) == 0  # nothing more: a second run changes nothing
    assert cache.clean(db, now=NOW, unused_days=0.25) == 2 and _ids(db) == {in_use}


def test_a_pass_is_bounded_and_passes_repeat_until_none_is_left(world: World):
    db = world.db
    for n in range(25):
        _entry(db, n, days_unused=60)
    fresh = _entry(db, 100, days_unused=0)
    assert cache.clean_once(db, now=NOW, limit=10) == 10
    assert len(_ids(db)) == 16
    assert cache.clean(db, now=NOW, limit=10) == 15  # passes of 10, 5
    assert _ids(db) == {fresh}


def test_reading_an_entry_marks_it_used_at_most_once_an_hour(world: World):
    db = world.db
    sc = organisations.scope(db, users_id(db, "editor@example.org"), world.org)
    pid = productions.create(db, sc, productions.reference_document("studio-paris"))
    first = productions.footprint(db, sc, pid)  # computed and stored
    with db.transaction() as s:
        s.execute(sa.update(FootprintCache).values(last_used=NOW - timedelta(days=40)))
    assert productions.footprint(db, sc, pid) == first  # read from the cache: marked used
    with db.transaction() as s:
        used = s.scalar(sa.select(sa.func.min(FootprintCache.last_used)))
    assert used is not None and used > NOW - timedelta(minutes=5)
    assert cache.clean(db) == 0  # in use: kept
    productions.footprint(db, sc, pid)
    with db.transaction() as s:
        assert s.scalar(sa.select(sa.func.min(FootprintCache.last_used))) == used  # within the hour: not written


def test_the_productions_list_marks_the_totals_it_reads_used(world: World):
    db = world.db
    sc = organisations.scope(db, users_id(db, "editor@example.org"), world.org)
    for way in ("studio-paris", "ai-generated"):
        productions.create(db, sc, productions.reference_document(way))
    first = {p.id: p.total_kgco2e for p in productions.listing(db, sc)}  # computed and stored
    with db.transaction() as s:
        s.execute(sa.update(FootprintCache).values(last_used=NOW - timedelta(days=40)))
    assert {p.id: p.total_kgco2e for p in productions.listing(db, sc)} == first  # from the cache
    assert cache.clean(db) == 0  # read by the list: in use, kept
    assert len(_ids(db)) == 2


def test_storing_a_new_entry_now_and_then_runs_a_pass(world: World, monkeypatch: Any):
    db = world.db
    old = {_entry(db, n, days_unused=45) for n in range(3)}
    sc = organisations.scope(db, users_id(db, "editor@example.org"), world.org)
    monkeypatch.setattr(cache, "CLEAN_CHANCE", 0.0)
    productions.footprint(db, sc, productions.create(db, sc, productions.reference_document("studio-paris")))
    assert old <= _ids(db)  # not this time
    monkeypatch.setattr(cache, "CLEAN_CHANCE", 1.0)
    productions.footprint(db, sc, productions.create(db, sc, productions.reference_document("ai-generated")))
    assert not old & _ids(db) and len(_ids(db)) == 2


def test_processes_cleaning_at_once_remove_each_entry_once(world: World, database_url: str):
    """Three application processes (each its own connections) run passes at the same time over one
    database: every old entry is removed once, the entries in use stay, nobody fails."""
    db = world.db
    for n in range(60):
        _entry(db, n, days_unused=90)
    fresh = {_entry(db, 1000 + n, days_unused=0) for n in range(5)}
    others = [Database(database_url) for _ in range(3)]
    removed: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(others))

    def process(other: Database) -> None:
        try:
            start.wait()
            removed.append(cache.clean(other, now=NOW, limit=7))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=process, args=(o,)) for o in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for other in others:
        other.dispose()
    assert errors == [] and sum(removed) == 60, (errors, removed)
    assert _ids(db) == fresh


def test_the_migration_dates_the_entries_already_there(world: World):
    db = world.db
    sc = organisations.scope(db, users_id(db, "editor@example.org"), world.org)
    productions.footprint(db, sc, productions.create(db, sc, productions.reference_document("studio-paris")))
    with db.engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0005_record_batches")  # type: ignore[arg-type]
        assert "last_used" not in {c["name"] for c in sa.inspect(conn).get_columns("footprint_cache")}
    migrations.upgrade(db.engine)
    assert migrations.current(db.engine) == migrations.head()
    with db.transaction() as s:
        rows = s.execute(sa.select(FootprintCache.created_at, FootprintCache.last_used)).all()
    assert len(rows) == 1 and rows[0].last_used == rows[0].created_at


def test_the_admin_command_cleans_the_cache(world: World, database_url: str):
    db = world.db
    kept = _entry(db, 1, days_unused=3)
    _entry(db, 2, days_unused=31)
    _entry(db, 3, days_unused=2, version="factors-of-the-release-before")
    env = {"SHOOTPRINT_DATABASE_URL": database_url}
    done = CliRunner().invoke(cli, ["admin", "clean-cache"], env=env, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "2 cached result(s) removed" in done.output and _ids(db) == {kept}
    again = CliRunner().invoke(cli, ["admin", "clean-cache", "--unused-days", "2", "--lang", "fr"], env=env)
    assert again.exit_code == 0 and "1 résultat(s) en cache supprimé(s)" in again.output
    assert _ids(db) == set()
    bad = CliRunner().invoke(cli, ["admin", "clean-cache", "--unused-days", "-1"], env=env)
    assert bad.exit_code == 2 and "--unused-days" in bad.output


def test_processes_of_the_release_before_still_store_entries_after_the_migration(world: World):
    """A rolling upgrade: once migration 0006 ran, the processes of the release before (which know
    nothing of ``last_used``) still store their entries; those count as used when stored."""
    db = world.db
    with db.engine.begin() as conn:
        conn.execute(  # the release before's insert: every column but last_used
            sa.text(
                "INSERT INTO footprint_cache (document_hash, data_version, factor_set, overrides_hash, kind,"
                " result, created_at) VALUES (:h, 'factors-of-the-release-before', 'ademe', :o, 'estimate', :r, :t)"
            ),
            {"h": "b" * 64, "o": "0" * 64, "r": '{"total_kgco2e": 2.0}', "t": NOW},
        )
    with db.transaction() as s:
        (last_used,) = s.scalars(sa.select(FootprintCache.last_used)).all()
    assert abs(last_used - utcnow()) < timedelta(minutes=5)
    assert cache.clean(db) == 0 and len(_ids(db)) == 1  # in use by the release before: kept


def test_the_admin_command_on_a_database_not_yet_upgraded_says_so(tmp_path: Any):
    """Run before ``shootprint db upgrade`` (a database at 0005, or without any table): an error naming
    the revisions and the command to run, in English and French, and nothing removed; no traceback."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    env = {"SHOOTPRINT_DATABASE_URL": url}
    fresh = CliRunner().invoke(cli, ["admin", "clean-cache"], env=env)
    assert fresh.exit_code == 1 and isinstance(fresh.exception, SystemExit), fresh.output
    assert fresh.output.startswith("error: ") and "shootprint db upgrade" in fresh.output
    db = Database(url)
    try:
        migrations.upgrade(db.engine, "0005_record_batches")
    finally:
        db.dispose()
    old = CliRunner().invoke(cli, ["admin", "clean-cache"], env=env)
    assert old.exit_code == 1 and isinstance(old.exception, SystemExit), old.output
    assert "0005_record_batches" in old.output and "shootprint db upgrade" in old.output
    assert old.output.startswith("error: ")
    french = CliRunner().invoke(cli, ["admin", "clean-cache", "--lang", "fr"], env=env)
    assert french.exit_code == 1 and french.output.startswith("erreur\u202f: ") and "mettez-le à jour" in french.output


def test_a_read_is_answered_when_marking_the_entry_used_fails(world: World, database_url: str):
    """Marking an entry used is a write that a read makes once an hour: when the database refuses it
    (locked past the busy timeout, a deadlock between two lists on PostgreSQL), the page or the list
    is still answered from the cache; the entry is marked by a later read."""
    db = world.db
    sc = organisations.scope(db, users_id(db, "editor@example.org"), world.org)
    pid = productions.create(db, sc, productions.reference_document("studio-paris"))
    first = productions.footprint(db, sc, pid)
    totals = {p.id: p.total_kgco2e for p in productions.listing(db, sc)}
    with db.engine.begin() as conn:
        conn.execute(sa.update(FootprintCache).values(last_used=NOW - timedelta(days=40)))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'database is locked'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE UPDATE ON footprint_cache FOR EACH ROW EXECUTE FUNCTION refuse_update()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE UPDATE ON footprint_cache BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
    assert productions.footprint(db, sc, pid) == first
    assert {p.id: p.total_kgco2e for p in productions.listing(db, sc)} == totals
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "DROP TRIGGER refuse ON footprint_cache" if conn.dialect.name == "postgresql" else "DROP TRIGGER refuse"
        )
    productions.footprint(db, sc, pid)
    with db.transaction() as s:
        assert s.scalar(sa.select(sa.func.max(FootprintCache.last_used))) > NOW - timedelta(minutes=5)
