"""The access matrix: every route of the application's own route table, tried by every kind of visitor.

The routes come from ``app.routes`` (through ``access.rules``, which refuses a route without a rule), so a
page or an endpoint added later is tried here the day it lands. For each visitor, every request that
must be refused is sent first, and the database must be exactly as before; then every request the
visitor may make is sent (POSTs each on fresh objects), and must not be refused. No answer is a 5xx.

Visitors: signed out; with the cookie of a session that signed out, or that a password change ended;
the owner, an editor and a viewer of the organisation; the owner of another organisation; an
administrator of the installation who is a member of nothing; a share-link visitor with a valid, an
expired and a revoked link; and, for the REST API, a token of the organisation, of another one and a
revoked one. Every form POST without its CSRF token is refused too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")

from ops_helpers import PASSWORD, World, csrf_of, post, sign_in, user_id  # noqa: E402

from shootprint.server import access, security  # noqa: E402
from shootprint.server.access import ORG_RULES, Rule  # noqa: E402
from shootprint.server.services import accounts, organisations, productions  # noqa: E402
from shootprint.server.store import models  # noqa: E402

MEMBERS = ("viewer", "editor", "owner")
SIGNED_IN = ("outsider", "admin", *MEMBERS)
#: visitors without a session: the share-link ones first opened their link
NO_SESSION = ("anonymous", "signed_out", "password_changed", "share_valid", "share_expired", "share_revoked")
TOKENS = ("token_valid", "token_other_org", "token_revoked")
VISITORS = (*NO_SESSION, *SIGNED_IN, *TOKENS)
RANK = {"viewer": 1, "editor": 2, "owner": 3}
#: routes whose answer is not a page of the application (static files are checked by name)
SKIP = {"static"}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

ALLOWED = "allowed"
#: what a refused visitor gets: the sign-in page, "who are you" (API), "not for your role", "no such thing"
SIGNIN, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "signin", 401, 403, 404


def expectation(rule: Rule, visitor: str, path: str = "") -> str | int:
    """What ``visitor`` gets on a route with ``rule`` (and ``path``, which says whose things it reaches)."""
    if rule == Rule.API_TOKEN:
        if visitor == "token_valid":
            return ALLOWED
        if visitor == "token_other_org":
            # another organisation's things are not revealed; computing without storing is anyone's
            return NOT_FOUND if "{production_id" in path else ALLOWED
        return UNAUTHENTICATED  # no token, a revoked one, or a browser's cookie: the API takes tokens only
    if rule == Rule.PUBLIC:
        return ALLOWED
    if rule == Rule.SHARE_LINK:
        return NOT_FOUND if visitor in ("share_expired", "share_revoked") else ALLOWED
    if visitor not in SIGNED_IN:
        return SIGNIN
    if rule == Rule.PENDING_TOTP:
        return "home"  # nobody here is half signed in: sent on
    if rule == Rule.SIGNED_IN:
        return ALLOWED
    if rule == Rule.ADMIN:
        return ALLOWED if visitor == "admin" else FORBIDDEN
    assert rule in ORG_RULES, f"the matrix does not know the rule {rule!r}: say here what each visitor gets"
    if visitor in ("outsider", "admin"):
        return NOT_FOUND  # not a member: the organisation's existence is not revealed
    return ALLOWED if RANK[visitor] >= RANK[str(rule)] else FORBIDDEN


# -- the installation ------------------------------------------------------------------------------


class Values:
    """Values for the path parameters; each call of ``fresh`` makes new objects to act on."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.fresh()

    def fresh(self) -> dict[str, str]:
        w = self.world
        sc = w.scope("owner")
        pid = w.production()
        final = productions.make_final(w.db, sc, pid)
        productions.save(
            w.db, sc, final, {**productions.documents(w.db, sc, [final])[0], "client": "Client"}, base_revision=None
        )
        trashed = w.production()
        productions.trash(w.db, sc, trashed)
        invite = organisations.create_invite(w.db, sc, "viewer")
        invite_id = max(i[0] for i in organisations.open_invites(w.db, sc))
        self.values = {
            "org": w.org,
            "pid": str(final),
            "trashed_pid": str(trashed),  # for routes under /trash/{pid}
            "number": "1",
            "lang": "fr",
            "invite_id": str(invite_id),
            "sid": str(self._share_id(final)),
            "oid": str(self._override_id()),
            "user_id": str(user_id(w.db, w.users["owner"])),
            "path": "style.css",
            # a route's {token}: an invitation's, or for SHARE_LINK routes a share link's (per visitor)
            "token": invite,
            "share_valid": w.share_link([final]),
            "share_expired": w.share_link([final], expired=True),
            "share_revoked": w.share_link([final], revoked=True),
        }
        self.values.update(self._api_values(final))
        self.values.update(self._record_batches(final))
        return self.values

    def _record_batches(self, pid: int) -> dict[str, str]:
        """A batch of measured records of ``pid`` (for the route that deletes one) and another one in
        the trash (for the route that restores one)."""
        import json

        from shootprint.server.services import record_uploads

        sc = self.world.scope()
        ids = []
        for run in ("a", "b"):
            record = {
                "label": f"run-{run}", "host": "h", "start": "2026-11-25T18:17:39+00:00", "duration_s": 60.0,
                "energy_j": 3.6e6, "warnings": [], "tracker_version": "0.1.0", "run_id": f"matrix-{run}",
                "devices": [{"device": "gpu:0", "energy_j": 3.6e6, "method": "nvml", "model": "L4", "details": {}}],
            }  # fmt: skip
            answer = record_uploads.upload(self.world.db, sc, pid, "runs.jsonl", json.dumps(record).encode())
            assert answer.accepted == 1, answer.rejected
            ids.append(record_uploads.batches(self.world.db, sc, pid)[0].id)
        record_uploads.trash_batch(self.world.db, sc, pid, ids[1])
        return {"batch": str(ids[0]), "trashed_batch": str(ids[1])}

    def _override_id(self) -> int:
        """The id of a factor override of the organisation (for the routes that delete one)."""
        from shootprint.server.services import factors

        factors.add_override(
            self.world.db,
            self.world.scope(),
            factor_id="energy.studio.large.kwh_per_day",
            value="1800",
            unit="kWh/day",
            uncertainty_pct="10",
            source="studio meter",
            reason="metered",
        )
        with self.world.db.transaction() as s:
            return int(s.scalar(sa.select(sa.func.max(models.FactorOverride.id))) or 0)

    def _share_id(self, pid: int) -> int:
        """The id of a new valid share link of the organisation (for the routes that revoke one)."""
        self.world.share_link([pid])
        with self.world.db.transaction() as s:
            return int(s.scalar(sa.select(sa.func.max(models.ShareLink.id))) or 0)

    def _api_values(self, pid: int) -> dict[str, str]:
        out = {}
        try:
            from shootprint.server.services import tokens

            out["token_id"] = str(tokens.create(self.world.db, self.world.scope(), "sample", ["read"])[0])
        except ImportError:
            pass
        return out | {"production_id": str(pid), "factor_id": "codecarbon.grid.AW", "name": "docs.js"}

    def url(self, route: access.RouteRule, visitor: str) -> str:
        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in ("token", "share_token") and route.rule == Rule.SHARE_LINK:
                return self.values[visitor if visitor.startswith("share_") else "share_valid"]
            if name == "pid" and "/trash/{pid" in route.path:
                return self.values["trashed_pid"]
            if name == "production_id" and route.path.endswith("/{production_id}/restore"):
                return self.values["trashed_pid"]  # the REST API's way out of the trash
            if name == "batch_id":  # a REST API batch of records: the trashed one for the way out of the trash
                return self.values["trashed_batch" if route.path.endswith("/restore") else "batch"]
            if name not in self.values:
                pytest.fail(
                    f"route {route.name} ({route.path}): the access matrix has no sample value for {{{name}}}; "
                    "add one in tests/operations/test_access_matrix.py (Values.fresh)"
                )
            return self.values[name]

        return PARAM.sub(fill, route.path)


def api_token(world: World, org: str, *, revoked: bool = False) -> str | None:
    """A token of ``org``'s owner with every scope (None while the application has no REST API)."""
    try:
        from shootprint.server.services import tokens
    except ImportError:
        return None
    who = "outsider" if org == world.other_org else "owner"
    sc = world.scope(who, org)
    token_id, secret = tokens.create(world.db, sc, "matrix", list(tokens.API_SCOPES))
    if revoked:
        tokens.revoke(world.db, sc, token_id)
    return secret


def client_for(world: World, visitor: str, values: Values) -> Any:
    """A client as ``visitor``: cookies and headers as that visitor's browser or tool sends them."""
    if visitor in SIGNED_IN:
        return world.client(visitor)
    client = world.client()
    if visitor == "signed_out":
        sign_in(client, world.users["editor"])
        cookie = client.cookies["sp_session"]
        post(client, "/signout")
        client.cookies.set("sp_session", cookie)  # the old cookie, replayed
    elif visitor == "password_changed":  # an editor of its own, whose password is changed elsewhere
        email = f"changed-{security.new_token()[:8].lower()}@example.org"
        uid = accounts.create_user(world.db, email, PASSWORD)
        organisations.accept_invite(world.db, organisations.create_invite(world.db, world.scope(), "editor"), uid)
        world.users[email] = email
        sign_in(client, email)
        other = world.client(email)
        new = "a completely different passphrase"
        answer = post(
            other,
            "/account/password",
            {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
        )
        assert answer.status_code == 303, answer.text
    elif visitor.startswith("token_"):
        org = world.other_org if visitor == "token_other_org" else world.org
        token = api_token(world, org, revoked=visitor == "token_revoked")
        if token is not None:
            client.headers["authorization"] = f"Bearer {token}"
    csrf_of(client)
    return client


def fingerprint(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """What a refused request must not change: every table but the request bookkeeping ones."""
    skip = {"web_sessions", "sign_in_attempts", "audit_events", "footprint_cache", "rate_windows"}
    out = {}
    with world.db.engine.connect() as conn:
        for table in models.Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            cols = [c for c in table.columns if c.name not in ("last_used_at", "last_seen_at")]
            rows = conn.execute(sa.select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def send(client: Any, method: str, url: str, *, csrf: bool = True) -> Any:
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if url.startswith("/api/"):
        return client.request(method, url, json={}, follow_redirects=False)
    data = {"csrf_token": client.cookies.get("sp_csrf", "")} if csrf else {}
    return client.request(method, url, data=data, follow_redirects=False)


def check(answer: Any, want: str | int, what: str) -> None:
    status = answer.status_code
    assert status < 500, f"{what}: {status} (a 5xx is always a bug)\n{answer.text[:2000]}"
    location = answer.headers.get("location", "")
    if want == ALLOWED:
        refused = status in (401, 403, 404) or (status in (302, 303, 307) and location.startswith("/signin?next="))
        assert not refused, f"{what}: refused with {status} {location} but the rule allows it"
    elif want == SIGNIN:
        assert status == 303 and location.startswith("/signin?next="), (
            f"{what}: {status} {location}, not sent to sign in"
        )
    elif want == "home":
        assert status == 303 and not location.startswith("/signin/totp"), f"{what}: {status} {location}"
    elif want == NOT_FOUND and " /api/" in what and not what.split(" /api/")[0].endswith("GET"):
        # a write with an empty body may be refused for its body (422, 428) before the id is looked up:
        # that says nothing of the other organisation's production, and the database is checked unchanged
        assert status in (404, 412, 422, 428), f"{what}: {status}, expected a refusal"
    else:
        assert status == want, f"{what}: {status}, expected {want}"


def routes_of(app: Any) -> list[tuple[access.RouteRule, str]]:
    out = []
    for route in access.rules(app):  # raises when a route has no rule
        if route.name in SKIP:
            continue
        for method in route.methods:
            if method not in ("HEAD", "OPTIONS"):
                out.append((route, method))
    return out


# -- the tests ---------------------------------------------------------------------------------------


def test_a_route_without_a_rule_fails_the_matrix(ops_app: Any) -> None:
    async def page(request: Any) -> Any:  # pragma: no cover - never called
        raise AssertionError

    ops_app.add_api_route("/o/{org}/forgotten", page, methods=["GET"], name="forgotten")
    with pytest.raises(LookupError, match="forgotten"):
        access.rules(ops_app)


def test_every_rule_is_known_to_the_matrix(ops_app: Any) -> None:
    for route in access.rules(ops_app):
        for visitor in VISITORS:
            expectation(route.rule, visitor, route.path)  # raises for a rule the matrix cannot judge
    assert len(routes_of(ops_app)) >= 30


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(world: World, visitor: str) -> None:
    values = Values(world)
    if visitor.startswith("token_") and not any(r.rule == Rule.API_TOKEN for r, _ in routes_of(world.app)):
        pytest.skip("no REST API route yet")
    client = client_for(world, visitor, values)
    shared = [r for r, m in routes_of(world.app) if r.rule == Rule.SHARE_LINK and m == "GET"]
    if visitor.startswith("share_") and shared:
        client.get(values.url(shared[0], visitor))  # the visitor opened the link first
    cases = [(r, m, expectation(r.rule, visitor, r.path)) for r, m in routes_of(world.app)]

    before = fingerprint(world)
    refused = 0
    for route, method, want in cases:
        if want == ALLOWED:
            continue
        url = values.url(route, visitor)
        check(send(client, method, url), want, f"{visitor} {method} {url} ({route.name}: {route.rule})")
        refused += 1
    assert fingerprint(world) == before, f"{visitor}: a refused request changed the database"

    allowed = 0
    for route, method, want in cases:
        if want != ALLOWED or method != "GET":
            continue
        url = values.url(route, visitor)
        check(send(client, method, url), want, f"{visitor} GET {url} ({route.name}: {route.rule})")
        allowed += 1
    for route, method, want in cases:
        if want != ALLOWED or method == "GET":
            continue
        values.fresh()  # a POST acts: on new objects, from a new session
        client = client_for(world, visitor, values)
        url = values.url(route, visitor)
        check(send(client, method, url), want, f"{visitor} {method} {url} ({route.name}: {route.rule})")
        allowed += 1
    assert refused + allowed == len(cases)
    if visitor in NO_SESSION:
        assert refused >= 20
    if visitor == "owner":
        assert allowed >= 25
    if visitor == "token_valid":
        assert allowed >= 10


@pytest.mark.parametrize("visitor", ["viewer", "editor", "owner"])
def test_every_form_post_needs_its_csrf_token(world: World, visitor: str) -> None:
    values = Values(world)
    client = world.client(visitor)
    before = fingerprint(world)
    posts = [
        (r, m)
        for r, m in routes_of(world.app)
        if m != "GET" and r.rule != Rule.API_TOKEN and expectation(r.rule, visitor, r.path) == ALLOWED
    ]  # (the others are refused before the token is looked at)
    assert len(posts) >= {"viewer": 5, "editor": 12, "owner": 15}[visitor]
    for route, method in posts:
        url = values.url(route, visitor)
        answer = send(client, method, url, csrf=False)
        assert answer.status_code == 403, f"{visitor} {method} {url} without CSRF token: {answer.status_code}"
        forged = client.request(method, url, data={"csrf_token": "forged"}, follow_redirects=False)
        assert forged.status_code == 403, f"{visitor} {method} {url} with a forged token: {forged.status_code}"
    assert fingerprint(world) == before


def test_ids_of_another_organisation_are_not_found_under_ones_own(world: World) -> None:
    """The owner of the organisation asks, under its own organisation's path, for another's production."""
    values = Values(world)
    theirs = productions.create(
        world.db, world.scope("outsider", world.other_org), productions.reference_document("ai-generated")
    )
    client = world.client("owner")
    before = fingerprint(world)
    tried = 0
    for route, method in routes_of(world.app):
        if "{pid" not in route.path:
            continue
        values.values["pid"] = values.values["trashed_pid"] = str(theirs)
        url = values.url(route, "owner")
        if method == "GET":
            answer = client.get(url, follow_redirects=False)
        else:  # a form that would act if the production were the organisation's
            form = {"way": "studio", "name": "mine now", "document": "name: mine now\n", "base_revision": "1"}
            answer = post(client, url, form)
        assert answer.status_code == 404, f"owner {method} {url} (another organisation's): {answer.status_code}"
        tried += 1
    assert tried >= 10
    assert fingerprint(world) == before
