"""The organisation's audit log: who did what and when, for its owners (a page and a CSV export)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.server.access import Rule
from shootprint.server.services import audit
from shootprint.server.web.context import Ctx, render


def audit_page(ctx: Ctx) -> Response:
    assert ctx.scope is not None
    return render(ctx, "audit.html", events=audit.events(ctx.db, ctx.scope), page_events=audit.PAGE_EVENTS)


def audit_csv(ctx: Ctx) -> Response:
    assert ctx.scope is not None
    text = audit.to_csv(audit.events(ctx.db, ctx.scope, limit=None))
    name = f"shootprint-audit-{ctx.scope.org_slug}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/audit", audit_page, Rule.OWNER, "audit"),
    ("GET", "/o/{org}/audit.csv", audit_csv, Rule.OWNER, "audit_csv"),
]
