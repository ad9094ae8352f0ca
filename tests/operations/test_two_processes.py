"""Two server processes on one PostgreSQL, requests alternating between them as a load balancer would
send them: sessions, CSRF, saves, conflicts, sign-out and sign-in throttling hold across processes,
because none of it lives in a process."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from ops_helpers import PASSWORD, World  # noqa: E402
from ops_live import Browser, Server, created_id  # noqa: E402


@pytest.fixture
def pg_world(request: pytest.FixtureRequest, databases: object) -> World:
    if getattr(databases, "backend", "") != "postgresql":
        pytest.skip("two processes on one database: the PostgreSQL set-up (SQLite is one machine's file)")
    world: World = request.getfixturevalue("world")
    return world


def test_two_processes_alternate_on_one_postgresql(pg_world: World, tmp_path: Path) -> None:
    world = pg_world
    a = Server(world.db.url, tmp_path / "a.log").start()
    b = Server(world.db.url, tmp_path / "b.log").start()
    try:
        servers = [a, b]
        editor = Browser()
        assert editor.get(a, "/signin").status_code == 200  # CSRF cookie from A …
        assert editor.sign_in(b, world.users["editor"], PASSWORD).status_code == 303  # … accepted by B
        made = editor.post(
            a, f"/o/{world.org}/productions/new", {"start": "reference", "reference": "studio-paris", "name": "Two"}
        )
        assert made.status_code == 303
        pid = created_id(made)
        for i in range(6):  # the session signed in on B works on both
            page = editor.get(servers[i % 2], f"/o/{world.org}/productions/{pid}")
            assert page.status_code == 200 and "Two" in page.text

        # a save on B from revision 1, then a save on A from revision 1: A tells of the conflict
        yaml_page = editor.get(b, f"/o/{world.org}/productions/{pid}/yaml")
        assert 'name="base_revision" value="1"' in yaml_page.text
        doc = "shootprint: 1\nname: Two\nversion: forecast\ncountry: FR\nshoot_days: 1\nactivities: []\n"
        first = editor.post(b, f"/o/{world.org}/productions/{pid}/yaml", {"document": doc, "base_revision": "1"})
        assert first.status_code == 303
        second = editor.post(
            a, f"/o/{world.org}/productions/{pid}/yaml", {"document": doc + "client: B\n", "base_revision": "1"}
        )
        assert second.status_code == 409

        # signing out on A ends the session on B too
        assert editor.post(a, "/signout", {}).status_code == 303
        gone = editor.get(b, f"/o/{world.org}/productions/{pid}")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/signin")

        # failed sign-ins alternate between the processes: they are counted together
        attacker = Browser()
        limit = 5  # Settings().throttle_per_account
        for i in range(limit):
            assert attacker.sign_in(servers[i % 2], world.users["viewer"], "wrong password!").status_code == 422
        throttled = attacker.sign_in(servers[limit % 2], world.users["viewer"], PASSWORD)
        assert throttled.status_code == 429
        assert Browser().sign_in(servers[(limit + 1) % 2], world.users["viewer"], PASSWORD).status_code == 429

        # both processes log JSON lines with their request ids
        for server, log in ((a, "a.log"), (b, "b.log")):
            lines = [line for line in (tmp_path / log).read_text().splitlines() if '"route"' in line]
            assert lines and all(line.startswith("{") for line in lines)
            assert server.proc is not None and server.proc.poll() is None
    finally:
        a.stop()
        b.stop()
