"""Fixtures of the REST API tests: an installation with roles (as in tests/server) and tokens.

Every database test runs on SQLite and on PostgreSQL (SHOOTPRINT_TEST_POSTGRES_URL), as in tests/server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from api_helpers import ApiWorld  # noqa: E402
from server_fixtures import app, cheap_password_hashes, database_url, db, populate, settings  # noqa: E402, F401

from shootprint.server.services import tokens  # noqa: E402
from shootprint.server.store.db import Database  # noqa: E402


@pytest.fixture
def world(app: Any, db: Database) -> ApiWorld:  # noqa: F811 (the imported fixtures)
    w = populate(app, db, ApiWorld)
    owner = w.owner_scope()
    w.secrets = {
        "all": tokens.create(db, owner, "all", ["read", "write", "records"])[1],
        "read": tokens.create(db, owner, "read only", ["read"])[1],
        "write": tokens.create(db, owner, "write only", ["write"])[1],
        "records": tokens.create(db, owner, "records only", ["records"])[1],
        "other": tokens.create(db, w.owner_scope(w.other_org), "other org", ["read", "write", "records"])[1],
    }
    return w
