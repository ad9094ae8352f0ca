"""Helpers of the server tests (an installation with roles; form posts with the CSRF token)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from shootprint.server.store.db import Database

PASSWORD = "correct horse battery staple"


def csrf_of(client: TestClient) -> str:
    if "sp_csrf" not in client.cookies:
        client.get("/signin")
    return str(client.cookies["sp_csrf"])


def post(client: TestClient, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """A form POST with the CSRF token, as a browser sends it."""
    form = dict(data or {})
    form.setdefault("csrf_token", csrf_of(client))
    return client.post(url, data=form, follow_redirects=kw.pop("follow_redirects", False), **kw)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return post(client, "/signin", {"email": email, "password": password, "next": "/"})


@dataclass
class World:
    """An installation with an administrator, one organisation with an owner, an editor and a viewer,
    and another organisation with its own owner (for isolation checks)."""

    app: Any
    db: Database
    org: str
    other_org: str
    users: dict[str, str]  # role → e-mail

    def client(self, who: str | None = None) -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")
        if who is not None:
            response = sign_in(client, self.users[who])
            assert response.status_code == 303, response.text
        return client


def users_id(db: Database, email: str) -> int:
    from shootprint.server.store.models import User

    with db.transaction() as s:
        uid = s.scalar(sa.select(User.id).where(User.email == email))
        assert uid is not None
        return int(uid)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
