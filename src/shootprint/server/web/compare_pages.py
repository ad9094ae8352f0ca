"""Compare and decide: the comparison of two or more productions (intervals, ratios, probability that
one emits less), break-even, a production's sensitivity and what-if levers, and the downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from shootprint.i18n import LANGS, N_
from shootprint.server.access import Rule
from shootprint.server.services import Invalid, ServiceError, compute, decisions, productions
from shootprint.server.services.scope import Scope
from shootprint.server.web import charts
from shootprint.server.web.context import Ctx, error_page, render
from shootprint.server.web.production_pages import WAY_LABELS, to_yaml

#: the draws behind a downloaded report's intervals (the CLI's report default)
REPORT_SAMPLES = 2000


def _sc(ctx: Ctx) -> Scope:
    assert ctx.scope is not None
    return ctx.scope


def _int(ctx: Ctx, name: str, default: int) -> int:
    text = ctx.param(name).strip().replace("\u202f", "").replace(" ", "").replace(",", "")
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise Invalid(N_("The draws, the seed and the productions chosen are whole numbers.")) from None


def chosen_ids(ctx: Ctx) -> list[int]:
    return [int(x) for x in ctx.request.query_params.getlist("p") if x.isdigit()]


def comparison_view(
    ctx: Ctx, sc: Scope, pids: list[int], samples: int, seed: int, revisions: list[int] | None = None
) -> tuple[list[Any], dict[str, Any], list[dict[str, Any]]]:
    """(summaries, the core's comparison, one row per production for the table)."""
    summaries, result = decisions.comparison(
        ctx.db,
        sc,
        pids,
        samples=samples,
        seed=seed,
        threads=ctx.settings.compute_threads,
        processes=ctx.settings.compute_processes,
        revisions=revisions,
    )
    unc = result.get("uncertainty") or {}
    rows = []
    for summary, scenario in zip(summaries, result["scenarios"], strict=True):
        name = scenario["name"]
        rows.append(
            {
                "summary": summary,
                "name": name,
                "total": scenario["total_kgco2e"],
                "interval": (unc.get("totals_kgco2e") or {}).get(name),
                "ratio": scenario["ratio_to_lowest"],
                "ratio_interval": (unc.get("ratios_to_reference") or {}).get(name),
                "intensities": scenario.get("intensities") or {},
                "lower": (unc.get("probability_lower") or {}).get(name, {}),
                "ratios": (unc.get("ratios") or {}).get(name, {}),
            }
        )
    return summaries, result, rows


def compare_page(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pids = chosen_ids(ctx)
    problems: list[str] = []
    result: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = []
    breakeven: dict[str, Any] | None = None
    paths: list[str] = []
    status = 200
    try:
        samples = _int(ctx, "samples", ctx.settings.samples)
        seed = _int(ctx, "seed", 0)
        if len(pids) >= 2:
            _summaries, result, rows = comparison_view(ctx, sc, pids, samples, seed)
            paths = decisions.variable_paths(productions.documents(ctx.db, sc, [pids[0]])[0])
            if ctx.param("vary"):
                a = _int(ctx, "a", pids[0])
                b = _int(ctx, "b", pids[1])
                breakeven = decisions.breakeven(
                    ctx.db,
                    sc,
                    a,
                    b,
                    ctx.param("vary"),
                    threads=ctx.settings.compute_threads,
                    processes=ctx.settings.compute_processes,
                )
        elif ctx.request.query_params.get("go"):
            raise Invalid(N_("Pick at least two productions to compare."))
    except ServiceError as exc:
        problems = exc.problems or [exc.message]
        status = exc.status
        samples = ctx.settings.samples if not ctx.param("samples").strip().isdigit() else int(ctx.param("samples"))
        seed = int(ctx.param("seed")) if ctx.param("seed").strip().isdigit() else 0
    items = productions.listing(ctx.db, sc)
    query = "&".join(f"p={p}" for p in pids) + f"&samples={samples}&seed={seed}"
    return render(
        ctx,
        "compare.html",
        status=status,
        items=items,
        chosen=pids,
        samples=samples,
        seed=seed,
        result=result,
        rows=rows,
        problems=problems,
        ways=WAY_LABELS,
        chart=charts.comparison_chart(result, ctx.lang) if result else "",
        paths=paths,
        vary=ctx.param("vary"),
        a=ctx.param("a"),
        b=ctx.param("b"),
        breakeven=breakeven,
        query=query,
    )


def analysis_page(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pid = int(ctx.request.path_params["pid"])
    summary, rev = productions.get(ctx.db, sc, pid)
    levers = compute.levers()
    chosen = ctx.request.query_params.getlist("lever") or [name for name, _ in levers]
    values = {name: ctx.param(f"value.{name}").strip() for name, _ in levers}
    asked = [f"{name}={values[name]}" if values.get(name) else name for name in chosen]
    run = ctx.param("run")
    problems: list[str] = []
    whatif: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    status = 200
    samples, seed = 2000, 0
    try:
        samples = _int(ctx, "samples", 2000)
        seed = _int(ctx, "seed", 0)
        threads, processes = ctx.settings.compute_threads, ctx.settings.compute_processes
        if run == "whatif":
            whatif = decisions.whatif(
                ctx.db, sc, pid, asked, samples=samples, seed=seed, threads=threads, processes=processes
            )
        elif run == "sensitivity":
            sensitivity = decisions.sensitivity(ctx.db, sc, pid, seed=seed, threads=threads, processes=processes)
    except ServiceError as exc:
        problems = exc.problems or [exc.message]
        status = exc.status
    return render(
        ctx,
        "analysis.html",
        status=status,
        p=summary,
        rev=rev,
        levers=levers,
        chosen=chosen,
        values=values,
        samples=samples,
        seed=seed,
        whatif=whatif,
        sensitivity=sensitivity,
        problems=problems,
    )


def _attachment(content: bytes, kind: str, name: str) -> Response:
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80].strip("-") or "shootprint"
    return Response(
        content,
        media_type=decisions.DOWNLOADS.get(kind, "application/yaml; charset=utf-8"),
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}.{kind}"},
    )


def send_download(ctx: Ctx, sc: Scope, pids: list[int], name: str, revisions: list[int] | None = None) -> Response:
    """The download of ``pids`` (their latest revisions, or the revision numbers ``revisions``)."""
    kind = ctx.param("format", "pdf")
    lang = ctx.param("lang") or ctx.lang
    if lang not in LANGS:
        return error_page(ctx, 422, N_("Languages: en or fr."))
    if kind == "yaml" and len(pids) == 1:
        document = productions.documents(ctx.db, sc, pids, revisions)[0]
        return _attachment(to_yaml(document).encode("utf-8"), "yaml", name)
    try:
        content = decisions.download(
            ctx.db,
            sc,
            pids,
            kind,
            lang=lang,
            samples=REPORT_SAMPLES,
            seed=0,
            threads=ctx.settings.compute_threads,
            revisions=revisions,
            processes=ctx.settings.compute_processes,
        )
    except Invalid as exc:
        return error_page(ctx, 422, exc.message, exc.problems)
    return _attachment(content, kind, name)


def production_download(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pid = int(ctx.request.path_params["pid"])
    summary, _rev = productions.get(ctx.db, sc, pid)
    return send_download(ctx, sc, [pid], summary.name)


def comparison_download(ctx: Ctx) -> Response:
    sc = _sc(ctx)
    pids = chosen_ids(ctx)
    if len(pids) < 2:
        return error_page(ctx, 422, N_("Pick at least two productions to compare."))
    return send_download(ctx, sc, pids[: decisions.MAX_COMPARED], "comparison")


P = "/o/{org}/productions/{pid:int}"
#: the routes (of every page module) that may wait for a heavy computation: they run on the heavy
#: requests' threads (web.context.guard, server.heavy); a share link opens a comparison or a download
HEAVY_ROUTES = frozenset(
    {"compare", "compare_download", "analysis", "production_download", "shared", "shared_download"}
)
ROUTES: list[tuple[str, str, Any, Rule, str]] = [
    ("GET", "/o/{org}/compare", compare_page, Rule.VIEWER, "compare"),
    ("GET", "/o/{org}/compare/download", comparison_download, Rule.VIEWER, "compare_download"),
    ("GET", P + "/analysis", analysis_page, Rule.VIEWER, "analysis"),
    ("GET", P + "/download", production_download, Rule.VIEWER, "production_download"),
]
