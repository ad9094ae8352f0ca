"""Sign-in, sign-out, password, second factor, organisations, members and invites."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.i18n import LANGS, N_
from shootprint.server import security
from shootprint.server.access import Rule
from shootprint.server.services import Invalid, ServiceError, accounts, organisations
from shootprint.server.services.scope import Scope
from shootprint.server.web.context import LANG_COOKIE, Ctx, error_page, redirect, render, safe_next


def home(ctx: Ctx) -> Response:
    assert ctx.user is not None
    orgs = accounts.memberships(ctx.db, ctx.user.user_id)
    if len(orgs) == 1 and not ctx.user.is_admin:
        return redirect(f"/o/{orgs[0][0]}/productions")
    return render(ctx, "home.html", orgs=orgs)


def signin_form(ctx: Ctx) -> Response:
    if ctx.user is not None and not ctx.user.pending_totp:
        return redirect(safe_next(ctx.param("next")))
    return render(ctx, "signin.html", next=safe_next(ctx.param("next")), email="", error="")


def signin(ctx: Ctx) -> Response:
    email = ctx.field("email")
    nxt = safe_next(ctx.field("next"))
    try:
        token, pending = accounts.sign_in(
            ctx.db, ctx.settings, email, ctx.field("password"), ctx.address, ctx.session_token
        )
    except ServiceError as exc:
        return render(ctx, "signin.html", status=exc.status, next=nxt, email=email, error=exc.message)
    ctx.set_session(token)
    return redirect(f"/signin/totp?next={nxt}" if pending else nxt)


def totp_form(ctx: Ctx) -> Response:
    return render(ctx, "totp.html", next=safe_next(ctx.param("next")), error="")


def totp(ctx: Ctx) -> Response:
    nxt = safe_next(ctx.field("next"))
    token = ctx.session_token
    assert token is not None
    try:
        new = accounts.verify_totp(ctx.db, ctx.settings, token, ctx.field("code"), ctx.address)
    except ServiceError as exc:
        return render(ctx, "totp.html", status=exc.status, next=nxt, error=exc.message)
    ctx.set_session(new)
    return redirect(nxt)


def signout(ctx: Ctx) -> Response:
    accounts.sign_out(ctx.db, ctx.session_token)
    ctx.set_cookie(security.SESSION_COOKIE, None)
    return redirect("/signin")


def set_lang(ctx: Ctx) -> Response:
    lang = str(ctx.request.path_params["lang"])
    if lang not in LANGS:
        return error_page(ctx, 404, N_("Unknown language."))
    ctx.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400)
    if ctx.user is not None:
        accounts.set_lang(ctx.db, ctx.user.user_id, lang)
    return redirect(safe_next(ctx.param("next")))


def account(ctx: Ctx, error: str = "", problems: list[str] | None = None, status: int = 200, **more: Any) -> Response:
    assert ctx.user is not None
    secret = more.pop("secret", "") or security.new_totp_secret()
    return render(
        ctx,
        "account.html",
        status=status,
        error=error,
        problems=problems or [],
        secret=secret,
        totp_uri=security.totp_uri(secret, ctx.user.email),
        **more,
    )


def account_page(ctx: Ctx) -> Response:
    return account(ctx)


def change_password(ctx: Ctx) -> Response:
    assert ctx.user is not None
    if ctx.field("new_password") != ctx.field("confirm_password"):
        return account(ctx, ctx._(N_("The two new passwords differ.")), status=422)
    try:
        token = accounts.change_password(
            ctx.db,
            ctx.user.user_id,
            ctx.field("current_password"),
            ctx.field("new_password"),
            ctx.address,
            via=ctx.user.via,
        )
    except Invalid as exc:
        return account(ctx, ctx._(exc.message), [ctx._(p) for p in exc.problems], status=422)
    ctx.set_session(token)
    ctx.flash(ctx._(N_("Password changed; your other sessions have ended.")))
    return redirect("/account")


def totp_setup(ctx: Ctx) -> Response:
    assert ctx.user is not None
    if ctx.field("action") == "off":
        accounts.set_totp(ctx.db, ctx.user.user_id, None, via=ctx.user.via)
        ctx.flash(ctx._(N_("Second factor turned off.")))
        return redirect("/account")
    secret = ctx.field("secret")
    try:
        accounts.set_totp(ctx.db, ctx.user.user_id, secret, ctx.field("code"), via=ctx.user.via)
    except Invalid as exc:
        return account(ctx, ctx._(exc.message), status=422, secret=secret)
    ctx.flash(ctx._(N_("Second factor turned on: sign-ins now ask for a code.")))
    return redirect("/account")


# -- administration ------------------------------------------------------------------------------


def admin_orgs(ctx: Ctx) -> Response:
    assert ctx.user is not None
    return render(ctx, "admin_orgs.html", orgs=organisations.all_organisations(ctx.db, ctx.user.user_id), error="")


def admin_create_org(ctx: Ctx) -> Response:
    assert ctx.user is not None
    try:
        slug = organisations.create(ctx.db, ctx.user.user_id, ctx.field("name"), via=ctx.user.via)
    except Invalid as exc:
        return render(
            ctx,
            "admin_orgs.html",
            status=422,
            orgs=organisations.all_organisations(ctx.db, ctx.user.user_id),
            error=exc.message,
        )
    return redirect(f"/o/{slug}/members")


def _scope(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def members_page(ctx: Ctx, invite_url: str = "") -> Response:
    sc = _scope(ctx)
    return render(
        ctx,
        "members.html",
        members=organisations.members(ctx.db, sc),
        invites=organisations.open_invites(ctx.db, sc) if sc.can("owner") else [],
        invite_url=invite_url,
    )


def members_get(ctx: Ctx) -> Response:
    return members_page(ctx)


def invite_create(ctx: Ctx) -> Response:
    sc = _scope(ctx)
    token = organisations.create_invite(ctx.db, sc, ctx.field("role"), ctx.field("email"))
    base = str(ctx.request.base_url).rstrip("/")
    return members_page(ctx, invite_url=f"{base}/invite/{token}")


def invite_revoke(ctx: Ctx) -> Response:
    organisations.revoke_invite(ctx.db, _scope(ctx), int(ctx.request.path_params["invite_id"]))
    return redirect(ctx.org_url("/members"))


def member_role(ctx: Ctx) -> Response:
    sc = _scope(ctx)
    role = ctx.field("role")
    organisations.set_role(ctx.db, sc, int(ctx.request.path_params["user_id"]), None if role == "remove" else role)
    return redirect(ctx.org_url("/members"))


def invite_page(ctx: Ctx, error: str = "", problems: list[str] | None = None, status: int = 200) -> Response:
    token = str(ctx.request.path_params["token"])
    try:
        info = organisations.invite_info(ctx.db, token)
    except ServiceError as exc:
        return error_page(ctx, exc.status, exc.message)
    return render(ctx, "invite.html", status=status, info=info, error=error, problems=problems or [])


def invite_get(ctx: Ctx) -> Response:
    return invite_page(ctx)


def invite_accept(ctx: Ctx) -> Response:
    token = str(ctx.request.path_params["token"])
    if ctx.user is None or ctx.user.pending_totp:
        # a new account for the invited person, then they join
        try:
            info = organisations.invite_info(ctx.db, token)
            email = info.email or ctx.field("email")
            user_id = accounts.create_user(ctx.db, email, ctx.field("password"), name=ctx.field("name"))
            session, _ = accounts.sign_in(ctx.db, ctx.settings, email, ctx.field("password"), ctx.address)
        except ServiceError as exc:
            return invite_page(ctx, exc.message, exc.problems, status=exc.status)
        ctx.set_session(session)
        via = accounts.session_via(session)
    else:
        user_id = ctx.user.user_id
        via = ctx.user.via
    slug = organisations.accept_invite(ctx.db, token, user_id, via=via)
    return redirect(f"/o/{slug}/productions")


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/", home, Rule.SIGNED_IN, "home"),
    ("GET", "/signin", signin_form, Rule.PUBLIC, "signin_form"),
    ("POST", "/signin", signin, Rule.PUBLIC, "signin"),
    ("GET", "/signin/totp", totp_form, Rule.PENDING_TOTP, "totp_form"),
    ("POST", "/signin/totp", totp, Rule.PENDING_TOTP, "totp"),
    ("POST", "/signout", signout, Rule.PUBLIC, "signout"),
    ("GET", "/lang/{lang}", set_lang, Rule.PUBLIC, "set_lang"),
    ("GET", "/account", account_page, Rule.SIGNED_IN, "account"),
    ("POST", "/account/password", change_password, Rule.SIGNED_IN, "change_password"),
    ("POST", "/account/totp", totp_setup, Rule.SIGNED_IN, "totp_setup"),
    ("GET", "/admin/organisations", admin_orgs, Rule.ADMIN, "admin_orgs"),
    ("POST", "/admin/organisations", admin_create_org, Rule.ADMIN, "admin_create_org"),
    ("GET", "/o/{org}/members", members_get, Rule.VIEWER, "members"),
    ("POST", "/o/{org}/invites", invite_create, Rule.OWNER, "invite_create"),
    ("POST", "/o/{org}/invites/{invite_id:int}/revoke", invite_revoke, Rule.OWNER, "invite_revoke"),
    ("POST", "/o/{org}/members/{user_id:int}", member_role, Rule.OWNER, "member_role"),
    ("GET", "/invite/{token}", invite_get, Rule.PUBLIC, "invite"),
    ("POST", "/invite/{token}", invite_accept, Rule.PUBLIC, "invite_accept"),
]
