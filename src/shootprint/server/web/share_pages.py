"""Read-only share links: make one, list and revoke them, and the page a link opens (no account)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from shootprint.i18n import N_
from shootprint.server.access import Rule
from shootprint.server.services import Invalid, productions, shares
from shootprint.server.services.scope import Scope
from shootprint.server.web import charts
from shootprint.server.web.compare_pages import comparison_view, send_download
from shootprint.server.web.context import Ctx, error_page, redirect, render
from shootprint.server.web.production_pages import WAY_LABELS


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _ids(ctx: Ctx) -> list[int]:
    raw = ctx.form.get("p[]", [])
    values = raw if isinstance(raw, list) else [raw]
    return [int(v) for v in values if isinstance(v, str) and v.isdigit()]


def shares_page(ctx: Ctx, created: str = "", status: int = 200, problems: list[str] | None = None) -> Response:
    return render(
        ctx,
        "shares.html",
        status=status,
        links=shares.listing(ctx.db, _sc(ctx)),
        created=created,
        problems=problems or [],
        days=shares.EXPIRY_DAYS,
    )


def shares_get(ctx: Ctx) -> Response:
    return shares_page(ctx)


def share_create(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pids = _ids(ctx)
    days_text = ctx.field("days", str(shares.DEFAULT_DAYS))
    try:
        days = int(days_text) if days_text.isdigit() else -1
        if ctx.field("confirm") != "1":  # first step: choose the expiry and the title, then make it
            names = [productions.get(ctx.db, sc, pid)[0].name for pid in pids]
            if not names:
                raise Invalid(N_("Choose what to share: a production, or productions to compare."))
            return render(ctx, "share_new.html", pids=pids, names=names, days=shares.EXPIRY_DAYS)
        token = shares.create(ctx.db, sc, pids, days=days, title=ctx.field("title"))
    except Invalid as exc:
        return shares_page(ctx, status=422, problems=exc.problems or [exc.message])
    url = str(ctx.request.base_url).rstrip("/") + f"/s/{token}"
    return shares_page(ctx, created=url)


def share_revoke(ctx: Ctx) -> Response:
    shares.revoke(ctx.db, _sc(ctx), int(ctx.request.path_params["sid"]))
    ctx.flash(ctx._(N_("The link is revoked: it opens nothing any more.")))
    return redirect(ctx.org_url("/shares"))


def shared(ctx: Ctx) -> Response:
    """The page a share link opens: the production or the comparison, read-only, nothing else."""
    opened = shares.open_link(ctx.db, str(ctx.request.path_params["share_token"]))
    sc, link = opened.scope, opened.share
    values: dict[str, Any] = {"share": link, "org_name": sc.org_name, "token": ctx.request.path_params["share_token"]}
    if len(link.production_ids) == 1:
        summary, rev = productions.get(ctx.db, sc, link.production_ids[0])
        if link.revisions is not None:  # the revision the link was made from, not a later one
            rev = productions.revision(ctx.db, sc, summary.id, link.revisions[0])
            doc = rev.document
            summary = replace(
                summary,
                name=str(doc.get("name") or ""),
                client=doc.get("client"),
                version=str(doc.get("version") or ""),
            )
        problems: list[str] = []
        fp = None
        try:
            fp = productions.footprint_of(ctx.db, sc, rev.document, pid=summary.id)
        except Invalid as exc:
            problems = exc.problems or [exc.message]
        values.update(
            p=summary,
            rev=rev,
            fp=fp,
            problems=problems,
            charts=charts.footprint_charts(fp, ctx.lang) if fp else {},
            ways=WAY_LABELS,
        )
    else:
        _s, result, rows = comparison_view(ctx, sc, link.production_ids, ctx.settings.samples, 0, link.revisions)
        values.update(result=result, rows=rows, chart=charts.comparison_chart(result, ctx.lang), ways=WAY_LABELS)
    response = render(ctx, "shared.html", **values)
    response.headers["x-robots-tag"] = "noindex, nofollow"
    return response


def shared_download(ctx: Ctx) -> Response:
    opened = shares.open_link(ctx.db, str(ctx.request.path_params["share_token"]))
    if ctx.param("format", "pdf") not in ("pdf", "html", "xlsx", "csv"):
        return error_page(ctx, 422, N_("Formats: pdf, html, xlsx or csv."))
    share = opened.share
    return send_download(ctx, opened.scope, share.production_ids, share.title or "shootprint", share.revisions)


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/shares", shares_get, Rule.VIEWER, "shares"),
    ("POST", "/o/{org}/shares", share_create, Rule.EDITOR, "share_create"),
    ("POST", "/o/{org}/shares/{sid:int}/revoke", share_revoke, Rule.EDITOR, "share_revoke"),
    ("GET", "/s/{share_token}", shared, Rule.SHARE_LINK, "shared"),
    ("GET", "/s/{share_token}/download", shared_download, Rule.SHARE_LINK, "shared_download"),
]
