"""Every database test runs on SQLite and on PostgreSQL (the fixtures: server_fixtures.py)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")

from server_fixtures import app, cheap_password_hashes, database_url, db, populate, settings  # noqa: E402, F401
from server_helpers import World  # noqa: E402

from shootprint.server.store.db import Database  # noqa: E402


@pytest.fixture
def world(app: Any, db: Database) -> World:  # noqa: F811 (the imported fixtures)
    return populate(app, db, World)
