"""The organisation's year: totals by period, client, way and category; GHG Protocol scope 3; CSV."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from shootprint.i18n import gettext
from shootprint.server.access import Rule
from shootprint.server.services import dashboard
from shootprint.server.services.scope import Scope
from shootprint.server.web import charts
from shootprint.server.web.context import Ctx, render
from shootprint.server.web.production_pages import WAY_LABELS


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _board(ctx: Ctx) -> dashboard.Dashboard:
    version = ctx.param("version", "final") or "final"
    year_text = ctx.param("year")
    year = int(year_text) if year_text.isdigit() else None
    return dashboard.build(ctx.db, _sc(ctx), version=version, year=year)


def dashboard_page(ctx: Ctx) -> Response:
    board = _board(ctx)
    lang = ctx.lang
    figures: dict[str, str] = {}
    if board.items:
        figures["quarter"] = charts.bars(list(board.by_quarter.items()), lang, gettext(lang, "By quarter"))
        figures["way"] = charts.bars(
            [(gettext(lang, WAY_LABELS.get(k, k)), v) for k, v in board.by_way.items()],
            lang,
            gettext(lang, "By way of making"),
        )
        figures["category"] = charts.bars(
            [(gettext(lang, k), v) for k, v in list(board.by_category.items())[:8]],
            lang,
            gettext(lang, "Top categories"),
        )
    return render(
        ctx,
        "dashboard.html",
        board=board,
        ways=WAY_LABELS,
        figures=figures,
        scope3_names=dashboard.SCOPE3_NAMES,
        mapping=sorted(dashboard.scope3_mapping().items(), key=lambda kv: (kv[1][0], kv[0])),
    )


def dashboard_csv(ctx: Ctx) -> Response:
    board = _board(ctx)
    name = f"shootprint-{board.version}-{board.year or 'all'}-scope3-lines.csv"
    return Response(
        dashboard.lines_csv(board),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/dashboard", dashboard_page, Rule.VIEWER, "dashboard"),
    ("GET", "/o/{org}/dashboard.csv", dashboard_csv, Rule.VIEWER, "dashboard_csv"),
]
