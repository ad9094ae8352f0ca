"""The report's SVG charts for the pages (the same functions the HTML and PDF reports use)."""

from __future__ import annotations

from typing import Any

from shootprint.i18n import gettext


def _fmt(lang: str) -> Any:
    from shootprint.server.web.context import number

    return lambda v: number(v, lang)


def _colour(category: str) -> str:
    from shootprint.report.document import _category_colour

    return str(_category_colour(category))


def footprint_charts(fp: dict[str, Any], lang: str) -> dict[str, str]:
    from shootprint.report import charts

    fmt = _fmt(lang)
    cats = sorted(fp.get("by_category", {}).items(), key=lambda kv: -kv[1])
    stages = sorted(fp.get("by_stage", {}).items(), key=lambda kv: -kv[1])
    out = {}
    if cats:
        out["category"] = charts.bars(
            [(gettext(lang, c), max(v, 0.0), _colour(c)) for c, v in cats],
            fmt=fmt,
            unit="kg CO2e",
            title=gettext(lang, "By category"),
        )
    if stages:
        out["stage"] = charts.bars(
            [(gettext(lang, s), max(v, 0.0), charts.colour(i)) for i, (s, v) in enumerate(stages)],
            fmt=fmt,
            unit="kg CO2e",
            title=gettext(lang, "By stage"),
        )
    return out


def comparison_chart(result: dict[str, Any], lang: str) -> str:
    from shootprint.report import charts

    names = [s["name"] for s in result["scenarios"]]
    cats = list(result.get("categories_kgco2e", {}))
    values = {c: result["categories_kgco2e"][c] for c in cats}
    totals = {s["name"]: s["total_kgco2e"] for s in result["scenarios"]}
    return str(
        charts.stacked_bars(
            names,
            [(c, gettext(lang, c), _colour(c)) for c in cats],
            values,
            totals,
            fmt=_fmt(lang),
            unit="kg CO2e",
            title=gettext(lang, "Footprint by category"),
        )
    )


def bars(rows: list[tuple[str, float]], lang: str, title: str, unit: str = "kg CO2e") -> str:
    from shootprint.report import charts

    return str(
        charts.bars(
            [(label, max(v, 0.0), charts.colour(i)) for i, (label, v) in enumerate(rows)],
            fmt=_fmt(lang),
            unit=unit,
            title=title,
        )
    )
