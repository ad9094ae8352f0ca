"""What the API tests share beside their fixtures (a module of its own: conftest is not importable twice)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from server_helpers import World, users_id  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from shootprint.server.services import organisations  # noqa: E402


class ApiWorld(World):
    """The installation of tests/server, plus API tokens of each organisation."""

    secrets: dict[str, str]

    def api(self, token: str | None = "all") -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")
        if token is not None:
            client.headers["Authorization"] = f"Bearer {self.secrets.get(token, token)}"
        return client

    def owner_scope(self, org: str | None = None) -> Any:
        email = "owner@example.org" if org in (None, self.org) else "outsider@example.org"
        return organisations.scope(self.db, users_id(self.db, email), org or self.org)
