"""The productions list reads what it shows: the same statements and rows however many measured
records the productions collect, and totals that follow every change of those records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from server_helpers import World, users_id
from sqlalchemy.orm import Session

from shootprint.server.services import productions, record_uploads, resources
from shootprint.server.services.organisations import scope
from shootprint.server.services.scope import Scope


def _record(run_id: str, energy_j: float = 7.2e6) -> dict[str, Any]:
    return {
        "label": "hero-visuals", "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 1800.0,
        "energy_j": energy_j,
        "devices": [{"device": "gpu:0", "energy_j": energy_j, "method": "nvml", "model": "L4", "details": {}}],
        "warnings": [], "tracker_version": "0.1.0", "run_id": run_id,
    }  # fmt: skip


def _scope(world: World) -> Scope:
    return scope(world.db, users_id(world.db, "editor@example.org"), world.org)


def _measured_production(world: World, sc: Scope) -> int:
    """The AI reference way, its key visuals measured by the records labelled hero-visuals."""
    document = productions.reference_document("ai-generated")
    next(a for a in document["activities"] if a["id"] == "key-visuals")["measured"] = "hero-visuals"
    return productions.create(world.db, sc, document)


def _push(world: World, sc: Scope, pid: int, key: str, records: list[dict[str, Any]]) -> None:
    status, _ = resources.ingest(
        world.db,
        sc,
        pid,
        key=key,
        req_hash=key,
        validated=resources.validate_records(records),
        token_id=None,
    )
    assert status == 200


def _totals(world: World, sc: Scope) -> dict[int, float | None]:
    return {p.id: p.total_kgco2e for p in productions.listing(world.db, sc)}


@contextmanager
def _reads() -> Iterator[list[int]]:
    """The rows each SELECT run through a session returns, one count per statement."""
    counts: list[int] = []

    def count(state: Any) -> Any:
        if not state.is_select:
            return None
        frozen = state.invoke_statement().freeze()
        counts.append(len(frozen().all()))
        return frozen()

    sa.event.listen(Session, "do_orm_execute", count)
    try:
        yield counts
    finally:
        sa.event.remove(Session, "do_orm_execute", count)


def test_the_list_reads_as_much_with_thousands_of_records_as_with_one(world: World):
    sc = _scope(world)
    pids = [_measured_production(world, sc) for _ in range(3)]
    for pid in pids:
        _push(world, sc, pid, f"first-{pid}", [_record(f"first-{pid}")])
    _totals(world, sc)  # the footprints computed and cached
    with _reads() as few:
        before = _totals(world, sc)
    for pid in pids:
        for k in range(10):
            _push(world, sc, pid, f"more-{pid}-{k}", [_record(f"r-{pid}-{k}-{j}", 3.6e4) for j in range(100)])
    _totals(world, sc)
    with _reads() as many:
        after = _totals(world, sc)
    assert len(many) == len(few), "the list runs as many statements with 3,000 more records"
    assert sum(many) == sum(few), f"rows read: {few} with one record each, {many} with a thousand more each"
    assert all(after[pid] > before[pid] for pid in pids)  # the records count


def test_every_change_of_the_records_changes_the_listed_total(world: World):
    sc = _scope(world)
    pid = _measured_production(world, sc)
    _push(world, sc, pid, "k1", [_record("run-1"), _record("run-2")])
    two = _totals(world, sc)[pid]
    _push(world, sc, pid, "k2", [_record("run-3")])
    three = _totals(world, sc)[pid]
    assert three is not None and two is not None and three > two
    newest = record_uploads.batches(world.db, sc, pid)[0]
    record_uploads.trash_batch(world.db, sc, pid, newest.id)
    assert _totals(world, sc)[pid] == pytest.approx(two)
    record_uploads.restore_batch(world.db, sc, newest.id, pid=pid)
    assert _totals(world, sc)[pid] == pytest.approx(three)


def test_a_record_sent_again_after_its_batch_went_to_the_trash_counts_with_its_new_values(world: World):
    """The record keeps its id and run_id when it comes back in a new batch, with the values sent
    again: the total is that of the new values, not the one listed before its batch went."""
    sc = _scope(world)
    pid = _measured_production(world, sc)
    _push(world, sc, pid, "k1", [_record("run-1", energy_j=7.2e6)])
    first = _totals(world, sc)[pid]
    record_uploads.trash_batch(world.db, sc, pid, record_uploads.batches(world.db, sc, pid)[0].id)
    _totals(world, sc)
    _push(world, sc, pid, "k2", [_record("run-1", energy_j=3.6e7)])
    again = _totals(world, sc)[pid]
    assert first is not None and again is not None and again > first
    assert again == pytest.approx(productions.footprint(world.db, sc, pid)["total_kgco2e"])
    fresh = productions.footprint_of(world.db, sc, productions.get(world.db, sc, pid)[1].document, pid=pid)
    assert again == pytest.approx(fresh["total_kgco2e"])
