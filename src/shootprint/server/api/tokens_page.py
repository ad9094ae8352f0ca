"""The organisation's API tokens page (owners): create a token (its secret shown once), see each
token's scopes and last use, revoke one."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.responses import Response

from shootprint.server.access import Rule
from shootprint.server.services import tokens
from shootprint.server.web.context import Ctx, redirect, render


def _page(ctx: Ctx, secret: str = "", error: str = "", status: int = 200) -> Response:
    assert ctx.scope is not None
    return render(
        ctx,
        "tokens.html",
        status=status,
        tokens=tokens.listing(ctx.db, ctx.scope),
        secret=secret,
        error=error,
        scopes=("read", "write", "records"),
        api_docs="/api/v1/docs",
    )


def tokens_get(ctx: Ctx) -> Response:
    return _page(ctx)


def tokens_create(ctx: Ctx) -> Response:
    assert ctx.scope is not None
    chosen = [s for s in ("read", "write", "records") if ctx.form.get(f"scope_{s}")]
    try:
        _, secret = tokens.create(ctx.db, ctx.scope, ctx.field("name"), chosen)
    except tokens.ServiceError as exc:
        return _page(ctx, error=exc.message, status=exc.status)
    response = _page(ctx, secret=secret)
    response.headers["cache-control"] = "no-store"
    return response


def tokens_revoke(ctx: Ctx) -> Response:
    assert ctx.scope is not None
    tokens.revoke(ctx.db, ctx.scope, int(ctx.request.path_params["token_id"]))
    return redirect(ctx.org_url("/tokens"))


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/tokens", tokens_get, Rule.OWNER, "api_tokens"),
    ("POST", "/o/{org}/tokens", tokens_create, Rule.OWNER, "api_token_create"),
    ("POST", "/o/{org}/tokens/{token_id:int}/revoke", tokens_revoke, Rule.OWNER, "api_token_revoke"),
]


def install(app: FastAPI) -> None:
    from shootprint.server import access
    from shootprint.server.web.context import guard

    db = app.state.db
    settings = app.state.settings
    for method, path, handler, rule, name in ROUTES:
        access.register(app, path, [method], guard(rule, handler, db, settings), rule, name)
