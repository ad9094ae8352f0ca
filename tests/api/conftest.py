"""Fixtures of the REST API tests: an installation with roles (as in tests/server) and tokens.

Every database test runs on SQLite and on PostgreSQL (SHOOTPRINT_TEST_POSTGRES_URL), as in tests/server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

import sqlalchemy as sa  # noqa: E402
from api_helpers import ApiWorld  # noqa: E402
from server_helpers import PASSWORD, users_id  # noqa: E402

from shootprint.server.app import create_app  # noqa: E402
from shootprint.server.services import accounts, organisations, tokens  # noqa: E402
from shootprint.server.settings import Settings  # noqa: E402
from shootprint.server.store.db import Database  # noqa: E402


def postgres_url() -> str | None:
    import os

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
    import uuid

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


@pytest.fixture
def world(app: Any, db: Database) -> ApiWorld:
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
    organisations.set_role(db, organisations.scope(db, users_id(db, "owner@example.org"), org), admin, None)
    w = ApiWorld(app, db, org, other, users)
    owner = w.owner_scope()
    w.secrets = {
        "all": tokens.create(db, owner, "all", ["read", "write", "records"])[1],
        "read": tokens.create(db, owner, "read only", ["read"])[1],
        "write": tokens.create(db, owner, "write only", ["write"])[1],
        "records": tokens.create(db, owner, "records only", ["records"])[1],
        "other": tokens.create(db, w.owner_scope(other), "other org", ["read", "write", "records"])[1],
    }
    return w
