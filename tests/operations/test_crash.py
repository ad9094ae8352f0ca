"""A real server killed with SIGKILL in the middle of a burst of saves: after a restart, every save it
acknowledged is there, and the database passes its integrity checks (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")

from ops_helpers import PASSWORD, World  # noqa: E402
from ops_live import Browser, Server, created_id  # noqa: E402

from shootprint.server.services import productions  # noqa: E402
from shootprint.server.store.models import Production, Revision  # noqa: E402

REFERENCE = (Path(__file__).resolve().parents[2] / "src/shootprint/server/data/reference/studio-paris.yaml").read_text(
    encoding="utf-8"
)
WORKERS = 6
ACKS_BEFORE_KILL = 24


def integrity_problems(url: str) -> list[str]:
    """What is wrong with the database: SQLite's own checks, and on every backend the invariants of
    revisions (numbered 1..n without a gap, n the production's count, every row's parent present)."""
    problems = []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                problems += [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check") if r[0] != "ok"]
                problems += [repr(tuple(r)) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
            counts = {pid: n for pid, n in conn.execute(sa.select(Production.id, Production.revision_count))}
            numbers: dict[int, list[int]] = {}
            for pid, number in conn.execute(sa.select(Revision.production_id, Revision.number)):
                numbers.setdefault(pid, []).append(number)
            for pid, n in counts.items():
                if sorted(numbers.get(pid, [])) != list(range(1, n + 1)):
                    problems.append(f"production {pid}: revisions {sorted(numbers.get(pid, []))}, count {n}")
            orphans = set(numbers) - set(counts)
            if orphans:
                problems.append(f"revisions of missing productions {sorted(orphans)}")
    finally:
        engine.dispose()
    return problems


def test_every_acknowledged_save_survives_a_sigkill(world: World, tmp_path: Path) -> None:
    url = world.db.url
    server = Server(url, tmp_path / "server.log").start()
    acked_creates: list[tuple[int, str]] = []  # (production id, name) the server answered 303 to
    acked_saves: list[tuple[int, str]] = []  # (production id, client) of a revision answered 303
    lock = threading.Lock()
    killed = threading.Event()
    enough = threading.Event()

    def burst(worker: int) -> None:
        browser = Browser()
        assert browser.sign_in(server, world.users["editor"], PASSWORD).status_code == 303
        i = 0
        while not killed.is_set():
            i += 1
            name = f"burst {worker}-{i}"
            try:
                made = browser.post(
                    server,
                    f"/o/{world.org}/productions/new",
                    {"start": "reference", "reference": "studio-paris", "name": name},
                )
                if made.status_code != 303:
                    raise AssertionError(f"{made.status_code}: {made.text[:300]}")
                pid = created_id(made)
                with lock:
                    acked_creates.append((pid, name))
                client = f"client {worker}-{i}"
                saved = browser.post(
                    server,
                    f"/o/{world.org}/productions/{pid}/yaml",
                    {
                        "document": REFERENCE.replace(
                            "client: Cosmetics brand (reference campaign)", f"client: {client}"
                        )
                    },
                )
                if saved.status_code != 303:
                    raise AssertionError(f"{saved.status_code}: {saved.text[:300]}")
                with lock:
                    acked_saves.append((pid, client))
                    if len(acked_saves) >= ACKS_BEFORE_KILL:
                        enough.set()
            except httpx.TransportError:
                return  # the server is gone: what was not answered was not acknowledged

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            futures = [pool.submit(burst, w) for w in range(WORKERS)]
            assert enough.wait(timeout=300), "the burst did not get going"
            server.kill()  # in the middle of the burst: requests are in flight
            killed.set()
            for f in futures:
                f.result()
        assert len(acked_saves) >= ACKS_BEFORE_KILL

        assert integrity_problems(url) == []
        restarted = Server(url, tmp_path / "server2.log").start()
        try:
            browser = Browser()
            assert browser.sign_in(restarted, world.users["viewer"], PASSWORD).status_code == 303
            sc = world.scope("viewer")
            for pid, name in acked_creates:
                assert productions.revision(world.db, sc, pid, 1).document["name"] == name
            for pid, client in acked_saves:
                docs = [r.document.get("client") for r in productions.revisions(world.db, sc, pid)]
                assert client in docs, f"acknowledged save of production {pid} lost: {docs}"
            pid = acked_saves[-1][0]
            page = browser.get(restarted, f"/o/{world.org}/productions/{pid}")
            assert page.status_code == 200 and acked_saves[-1][1] in page.text
        finally:
            restarted.stop()
        assert integrity_problems(url) == []
    finally:
        server.stop()
