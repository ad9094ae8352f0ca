"""Factors in the browser: search, read one with its source and uncertainty, organisation overrides."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.i18n import N_
from shootprint.server.access import Rule
from shootprint.server.services import Invalid, factors
from shootprint.server.services.scope import Scope
from shootprint.server.web.context import Ctx, redirect, render

OVERRIDE_FIELDS = ("factor_id", "value", "unit", "uncertainty_pct", "source", "reason")


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def factors_page(ctx: Ctx, problems: list[str] | None = None, status: int = 200) -> Response:
    sc = _sc(ctx)
    q = ctx.param("q")
    results: list[Any] = []
    try:
        results = factors.search(ctx.db, sc, q)
    except Invalid as exc:
        problems = (problems or []) + (exc.problems or [exc.message])
        status = 422
    typed = {k: ctx.field(k) for k in OVERRIDE_FIELDS}
    if not typed["factor_id"] and ctx.param("override"):
        typed["factor_id"] = ctx.param("override")
        try:
            row = factors.detail(ctx.db, sc, typed["factor_id"])
            typed["unit"] = str(row.get("unit") or "")
        except Invalid:
            pass
    return render(
        ctx,
        "factors.html",
        status=status,
        q=q,
        results=results,
        overrides=factors.overrides(ctx.db, sc),
        typed=typed,
        problems=problems or [],
    )


def factors_get(ctx: Ctx) -> Response:
    return factors_page(ctx)


def factor_detail(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    row = factors.detail(ctx.db, sc, ctx.param("id"))
    overridden = [o for o in factors.overrides(ctx.db, sc) if o.factor_id == row.get("id")]
    return render(ctx, "factor.html", f=row, overridden=overridden)


def override_add(ctx: Ctx) -> Response:
    try:
        factors.add_override(ctx.db, _sc(ctx), **{k: ctx.field(k) for k in OVERRIDE_FIELDS})
    except Invalid as exc:
        return factors_page(ctx, exc.problems or [exc.message], status=422)
    ctx.flash(ctx._(N_("Override saved: it applies to every production of the organisation.")))
    return redirect(ctx.org_url("/factors"))


def override_delete(ctx: Ctx) -> Response:
    factors.delete_override(ctx.db, _sc(ctx), int(ctx.request.path_params["oid"]))
    ctx.flash(ctx._(N_("Override removed: the published factor applies again.")))
    return redirect(ctx.org_url("/factors"))


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/factors", factors_get, Rule.VIEWER, "factors"),
    ("GET", "/o/{org}/factors/detail", factor_detail, Rule.VIEWER, "factor"),
    ("POST", "/o/{org}/factors/overrides", override_add, Rule.OWNER, "override_add"),
    ("POST", "/o/{org}/factors/overrides/{oid:int}/delete", override_delete, Rule.OWNER, "override_delete"),
]
