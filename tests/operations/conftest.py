"""Databases for the operations tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL comes from SHOOTPRINT_TEST_POSTGRES_URL (``source scripts/postgres.sh``); each test gets a
database of its own, dropped afterwards. When CI=true and the URL is unset, the PostgreSQL tests fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

BACKENDS = ["sqlite", "postgresql"]


def postgres_url() -> str:
    url = os.environ.get("SHOOTPRINT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "SHOOTPRINT_TEST_POSTGRES_URL is not set (source scripts/postgres.sh): CI runs every test on PostgreSQL"
            )
        pytest.skip("SHOOTPRINT_TEST_POSTGRES_URL is not set (source scripts/postgres.sh)")
    return url


class Databases:
    """Makes fresh, empty databases of one backend; drops them at teardown."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self.tmp_path = tmp_path
        self._made: list[str] = []
        self._admin: sa.Engine | None = None

    def new(self) -> str:
        if self.backend == "sqlite":
            path = self.tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite"
            return f"sqlite:///{path}"
        base = sa.make_url(postgres_url())
        if self._admin is None:
            self._admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        name = f"shootprint_t_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self._made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self._made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    dbs = Databases(request.param, tmp_path)
    try:
        yield dbs
    finally:
        dbs.close()


@pytest.fixture
def new_database(databases: Databases) -> Callable[[], str]:
    return databases.new


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> None:
    try:
        from shootprint.server import security
    except ImportError:  # without the server extra, only the tests that need no server run
        return

    security.use_cheap_hashes_for_tests()


@pytest.fixture
def ops_app(new_database: Callable[[], str]) -> Iterator[object]:
    """The application on a fresh database of each backend."""
    from shootprint.server.app import create_app
    from shootprint.server.settings import Settings

    application = create_app(Settings(database_url=new_database(), samples=200, compute_threads=2))
    yield application
    application.state.db.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def world(ops_app: object) -> object:
    from ops_helpers import build_world

    return build_world(ops_app)


@pytest.fixture
def sqlite_world(request: pytest.FixtureRequest, databases: Databases) -> object:
    """The world on SQLite only, for a live server's checks that do not depend on the database (run
    once, not once per backend)."""
    if databases.backend != "sqlite":
        pytest.skip("does not depend on the database: run on SQLite only")
    return request.getfixturevalue("world")
