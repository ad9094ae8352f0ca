"""Every route declares an access rule, and every page answers each role as its rule says."""

from __future__ import annotations

import re

import pytest
from server_helpers import World, post

from shootprint.server import access
from shootprint.server.access import ORG_RULES, Rule
from shootprint.server.services import organisations, productions, shares

#: query strings some pages need to answer 200 (cheap formats: the downloads themselves are tested elsewhere)
QUERIES = {
    "production_download": "?format=csv",
    "compare_download": "?p={pid}&p={forecast}&format=csv",
    "shared_download": "?format=csv",
    "factor": "?id=energy.studio.large.kwh_per_day",
}
ROLES = ["anonymous", "outsider", "admin", "viewer", "editor", "owner"]
RANK = {"viewer": 1, "editor": 2, "owner": 3}


def test_every_route_has_a_rule(app):
    rules = access.rules(app)  # raises when a route has none
    assert {r.name for r in rules} >= {"signin", "production", "productions", "members", "healthz", "static"}
    org_paths = [r for r in rules if r.path.startswith("/o/{org}")]
    assert org_paths and all(r.rule in ORG_RULES for r in org_paths)


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values[m.group(1)], path)


def expected_status(rule: Rule, role: str) -> int:
    if rule in (Rule.PUBLIC, Rule.SHARE_LINK):  # a share link: anyone holding a valid token
        return 200
    if role == "anonymous":
        return 303
    if rule == Rule.PENDING_TOTP:
        return 303  # nobody here is half signed in
    if rule == Rule.SIGNED_IN:
        return 200
    if rule == Rule.ADMIN:
        return 200 if role == "admin" else 403
    if role in ("outsider", "admin"):
        return 404  # not a member: the organisation is not revealed
    return 200 if RANK[role] >= RANK[str(rule)] else 403


@pytest.fixture
def values(world: World) -> dict[str, str]:
    from server_helpers import users_id

    owner = users_id(world.db, "owner@example.org")
    sc = organisations.scope(world.db, owner, world.org)
    pid = productions.create(world.db, sc, productions.reference_document("studio-paris"))
    final = productions.make_final(world.db, sc, pid)
    token = organisations.create_invite(world.db, sc, "viewer")
    invite_id = organisations.open_invites(world.db, sc)[0][0]
    return {
        "org": world.org,
        "pid": str(final),
        "forecast": str(pid),
        "share_token": shares.create(world.db, sc, [pid, final]),
        "sid": "1",
        "oid": "1",
        "number": "1",
        "lang": "fr",
        "token": token,
        "invite_id": str(invite_id),
        "user_id": str(owner),
        "path": "style.css",
        "name": "docs.js",
        "token_id": "1",
        "batch": "1",  # batches of measured records: refused before they are looked up
        "trashed_batch": "1",
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(world: World, values: dict[str, str], role: str):
    client = world.client(None if role == "anonymous" else role)
    checked = 0
    for r in access.rules(world.app):
        if "GET" not in r.methods or r.name in ("static", "signout", "set_lang") or r.rule == Rule.API_TOKEN:
            continue  # REST routes answer tokens, not sessions: tests/api checks each with each scope
        url = _fill(r.path, values) + QUERIES.get(r.name, "").format(**values)
        response = client.get(url, follow_redirects=False)
        want = expected_status(r.rule, role)
        if r.rule == Rule.PUBLIC and response.status_code == 303:  # e.g. /signin when signed in
            want = 303
        if r.name == "home" and role not in ("anonymous", "admin"):  # one organisation: straight to it
            want = 303
            assert response.headers["location"].startswith("/o/")
        assert response.status_code == want, f"{role} GET {url} ({r.rule}): {response.status_code}"
        if want == 303 and role == "anonymous":
            assert response.headers["location"].startswith("/signin")
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("role", ["outsider", "viewer", "editor"])
def test_posts_above_the_role_are_refused(world: World, values: dict[str, str], role: str):
    client = world.client(role)
    for r in access.rules(world.app):
        if "POST" not in r.methods or r.rule not in ORG_RULES:
            continue
        want = expected_status(r.rule, role)
        if want == 200:
            continue
        response = post(client, _fill(r.path, values), {})
        assert response.status_code == want, f"{role} POST {r.path}: {response.status_code}"
