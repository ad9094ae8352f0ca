"""The database fixtures of the server and API tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from SHOOTPRINT_TEST_POSTGRES_URL (``source scripts/postgres.sh``); each test gets
its own schema, dropped afterwards. Without the URL the PostgreSQL half is skipped, except under
CI=true, where it fails: CI must test both. A conftest imports these fixtures to use them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from server_helpers import PASSWORD, World, users_id

from shootprint.server.app import create_app
from shootprint.server.services import accounts, organisations
from shootprint.server.settings import Settings
from shootprint.server.store.db import Database

W = TypeVar("W", bound=World)


def postgres_url() -> str | None:
    url = os.environ.get("SHOOTPRINT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but SHOOTPRINT_TEST_POSTGRES_URL is not set: source scripts/postgres.sh")
        pytest.skip("PostgreSQL not configured (source scripts/postgres.sh to run these tests on it)")
    return url


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> None:
    from shootprint.server import security

    security.use_cheap_hashes_for_tests()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    base = postgres_url()
    assert base is not None
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, samples=200, compute_threads=2)


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.db.dispose()


@pytest.fixture
def db(app: Any) -> Database:
    database: Database = app.state.db
    return database


def populate(app: Any, db: Database, cls: type[W]) -> W:
    """An administrator, two organisations, an owner, an editor and a viewer of the first, an outsider
    owning the second."""
    users = {}
    admin = accounts.create_user(db, "admin@example.org", PASSWORD, name="Admin", is_admin=True)
    users["admin"] = "admin@example.org"
    org = organisations.create(db, admin, "Studio Nord")
    other = organisations.create(db, admin, "Other Agency")
    admin_scope = organisations.scope(db, admin, org)
    other_scope = organisations.scope(db, admin, other)
    for role in ("owner", "editor", "viewer"):
        email = f"{role}@example.org"
        uid = accounts.create_user(db, email, PASSWORD, name=role.title())
        organisations.accept_invite(db, organisations.create_invite(db, admin_scope, role), uid)
        users[role] = email
    outsider = accounts.create_user(db, "outsider@example.org", PASSWORD, name="Outsider")
    organisations.accept_invite(db, organisations.create_invite(db, other_scope, "owner"), outsider)
    users["outsider"] = "outsider@example.org"
    # the administrator created the organisations and owns them; the tests' roles are the members'
    organisations.set_role(db, organisations.scope(db, users_id(db, "owner@example.org"), org), admin, None)
    return cls(app, db, org, other, users)
