"""Helpers of the operations tests: an installation with every kind of visitor, form posts with CSRF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from shootprint.server import security
from shootprint.server.services import accounts, organisations, productions
from shootprint.server.store.db import Database
from shootprint.server.store.models import ShareLink, User, utcnow

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


def user_id(db: Database, email: str) -> int:
    with db.transaction() as s:
        uid = s.scalar(sa.select(User.id).where(User.email == email))
        assert uid is not None
        return int(uid)


@dataclass
class World:
    """An administrator (member of nothing), an organisation with an owner, an editor and a viewer,
    and another organisation with its own owner ("outsider")."""

    app: Any
    db: Database
    org: str
    other_org: str
    users: dict[str, str] = field(default_factory=dict)  # who → e-mail

    def client(self, who: str | None = None) -> TestClient:
        client = TestClient(self.app, base_url="http://testserver")
        if who is not None:
            response = sign_in(client, self.users[who])
            assert response.status_code == 303, response.text
        return client

    def scope(self, who: str = "owner", org: str | None = None) -> organisations.Scope:
        return organisations.scope(self.db, user_id(self.db, self.users[who]), org or self.org)

    def production(self, who: str = "owner", way: str = "studio-paris") -> int:
        return productions.create(self.db, self.scope(who), productions.reference_document(way))

    def share_link(self, pids: list[int], *, expired: bool = False, revoked: bool = False) -> str:
        """A read-only link's token (valid, expired or revoked), written as the store keeps it."""
        token = security.new_token()
        now = utcnow()
        with self.db.transaction() as s:
            org_id = self.scope().org_id
            s.add(
                ShareLink(
                    org_id=org_id,
                    token_hash=security.token_hash(token),
                    production_ids=pids,
                    title="shared",
                    expires_at=now - timedelta(days=1) if expired else now + timedelta(days=30),
                    revoked_at=now if revoked else None,
                )
            )
        return token


def build_world(app: Any) -> World:
    db: Database = app.state.db
    world = World(app, db, "", "")
    admin = accounts.create_user(db, "admin@example.org", PASSWORD, name="Admin", is_admin=True)
    world.users["admin"] = "admin@example.org"
    world.org = organisations.create(db, admin, "Studio Nord")
    world.other_org = organisations.create(db, admin, "Other Agency")
    admin_scope = organisations.scope(db, admin, world.org)
    other_scope = organisations.scope(db, admin, world.other_org)
    for role in ("owner", "editor", "viewer", "editor2"):
        email = f"{role}@example.org"
        uid = accounts.create_user(db, email, PASSWORD, name=role.title())
        organisations.accept_invite(db, organisations.create_invite(db, admin_scope, role.rstrip("2")), uid)
        world.users[role] = email
    outsider = accounts.create_user(db, "outsider@example.org", PASSWORD, name="Outsider")
    organisations.accept_invite(db, organisations.create_invite(db, other_scope, "owner"), outsider)
    world.users["outsider"] = "outsider@example.org"
    # the administrator created the organisations; it leaves them, so it is a member of none
    organisations.set_role(db, world.scope("owner"), admin, None)
    organisations.set_role(db, organisations.scope(db, outsider, world.other_org), admin, None)
    return world


def text_of(html: str) -> str:
    """The text of a page (tags dropped, entities decoded, spaces collapsed)."""
    import html as html_lib
    import re

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))
