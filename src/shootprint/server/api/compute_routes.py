"""Compute without storing: estimate, compare, sensitivity, what-if, break-even, factors.

Each answer is the JSON the command line prints with ``--format json`` (the core's typed result),
computed with the organisation's factor overrides. Nothing is stored. The routes that may run Monte
Carlo draws or a search take their threads from the heavy requests' own limiter (:mod:`server.heavy`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import JSONResponse

from shootprint.results import (
    BreakevenResult,
    ComparisonResult,
    FactorDetail,
    FootprintResult,
    SensitivityResult,
    WhatifResult,
)
from shootprint.server import heavy
from shootprint.server.api.deps import Caller, need
from shootprint.server.api.problems import ApiProblem, error_responses
from shootprint.server.api.schemas import (
    BreakevenRequest,
    CompareRequest,
    EstimateRequest,
    FactorList,
    SensitivityRequest,
    WhatifRequest,
)
from shootprint.server.services import Invalid, compute, decisions, productions

router = APIRouter(tags=["compute"], responses=error_responses(400, 401, 403, 413, 422, 429))
READ = Depends(need("read"))


def _calc(caller: Caller, factor_set: str | None) -> Any:
    return compute.calculator(productions.overrides(caller.db, caller.scope), factor_set)


def _heavy(caller: Caller, factor_set: str | None, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A Monte Carlo or search call, made in a worker process once a slot is free (services.workers)."""
    over = productions.overrides(caller.db, caller.scope)
    settings = caller.settings
    return decisions.heavy(
        settings.compute_threads,
        settings.compute_processes,
        compute.core_call,
        over,
        factor_set,
        method,
        *args,
        **kwargs,
    )


def _json(result: Any) -> JSONResponse:
    data = result.to_dict() if hasattr(result, "to_dict") else result
    return JSONResponse(data)


def _documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    compute.check_documents(docs)
    return docs


@router.post("/estimate", response_model=FootprintResult, name="api_estimate", summary="Footprint of a production")
@heavy.route
def estimate(body: EstimateRequest, caller: Caller = READ) -> JSONResponse:
    """The footprint of a production document (``shootprint estimate --format json``); with
    ``samples``, medians and intervals beside the central values."""
    (doc,) = _documents([body.production])
    if body.samples:  # Monte Carlo draws: in a worker process
        options = {"exclude": body.exclude or (), "samples": body.samples, "seed": body.seed, "level": body.level}
        return _json(_heavy(caller, body.factor_set, "estimate", doc, **options))
    calc = _calc(caller, body.factor_set)
    return _json(
        compute.call(
            lambda: calc.estimate(
                doc, exclude=body.exclude or (), samples=body.samples, seed=body.seed, level=body.level
            )
        )
    )


@router.post("/compare", response_model=ComparisonResult, name="api_compare", summary="Several productions")
@heavy.route
def compare(body: CompareRequest, caller: Caller = READ) -> JSONResponse:
    """Productions side by side with one factor table (``shootprint compare --format json``); with
    ``samples``, intervals of totals and ratios and P(A < B) from common random numbers."""
    docs = _documents(body.productions)
    if body.samples:  # Monte Carlo draws: in a worker process
        options = {"exclude": body.exclude or (), "samples": body.samples, "seed": body.seed, "level": body.level}
        return _json(_heavy(caller, body.factor_set, "compare", docs, **options))
    calc = _calc(caller, body.factor_set)
    return _json(
        compute.call(
            lambda: calc.compare(
                docs, exclude=body.exclude or (), samples=body.samples, seed=body.seed, level=body.level
            )
        )
    )


@router.post("/sensitivity", response_model=SensitivityResult, name="api_sensitivity", summary="What drives a total")
@heavy.route
def sensitivity(body: SensitivityRequest, caller: Caller = READ) -> JSONResponse:
    """Sobol indices of one production's total or of two productions' ratio."""
    docs = _documents(body.productions)
    options = {"base_samples": body.base_samples, "seed": body.seed, "exclude": body.exclude or ()}
    return _json(_heavy(caller, body.factor_set, "sensitivity", docs, **options))


@router.post("/whatif", response_model=WhatifResult, name="api_whatif", summary="Savings of changes and levers")
@heavy.route
def whatif(body: WhatifRequest, caller: Caller = READ) -> JSONResponse:
    """The production as it is, with ``sets``, and with each lever: saving, interval, P(lower)."""
    (doc,) = _documents([body.production])
    options = {
        "levers": list(body.levers),
        "sets": body.sets or None,
        "samples": body.samples,
        "seed": body.seed,
        "level": body.level,
        "exclude": body.exclude or (),
    }
    return _json(_heavy(caller, body.factor_set, "whatif", doc, **options))


@router.post("/breakeven", response_model=BreakevenResult, name="api_breakeven", summary="Break-even of one input")
@heavy.route
def breakeven(body: BreakevenRequest, caller: Caller = READ) -> JSONResponse:
    """The value of ``vary`` (a path in ``production``) at which it emits as much as ``against``."""
    a, b = _documents([body.production, body.against])
    return _json(_heavy(caller, body.factor_set, "breakeven", a, b, vary=body.vary, exclude=body.exclude or ()))


@router.get("/factors", response_model=FactorList, name="api_factors", summary="Search factors")
def factors(
    caller: Caller = READ,
    q: str = Query("", max_length=200, description="words of the name, tags, id or category (French or English)"),
    category: str | None = Query(None, max_length=80),
    unit: str | None = Query(None, max_length=80),
    factor_set: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=1000),
    include_archived: bool = False,
    suggest: bool = Query(False, description="true: when nothing matches, the close words of the table (slower)"),
) -> JSONResponse:
    """Factors whose words hold every word of ``q``; valid rows first, archived ones on request."""
    calc = _calc(caller, factor_set)
    rows = compute.call(
        lambda: calc.search_factors(q, unit=unit, category=category, include_archived=include_archived, limit=limit)
    )
    table = calc.table()
    items = []
    for row in rows:
        data = row.as_dict()
        data.pop("origin", None)
        items.append(FactorDetail.model_validate(data).to_dict())
    out: dict[str, Any] = {"factor_set": table.factor_set, "count": len(items), "items": items}
    if not items and q and suggest:
        out["close_words"] = list(table.close_words(q))
    return JSONResponse(out)


@router.get("/factors/{factor_id:path}", response_model=FactorDetail, name="api_factor", summary="One factor")
def factor(factor_id: str, caller: Caller = READ, factor_set: str | None = Query(None, max_length=40)) -> JSONResponse:
    """Everything about one factor (``shootprint factors show ID --format json``)."""
    if len(factor_id) > 300:
        raise ApiProblem(404, "factor-unknown", "No factor has such a long id.", location=["factor_id"])
    calc = _calc(caller, factor_set)
    try:
        return _json(compute.call(lambda: calc.factor(factor_id)))
    except Invalid as exc:  # an unknown id is a resource that is not there
        problems = exc.details or [{"code": "factor-unknown", "location": ["factor_id"], "message": exc.message}]
        raise ApiProblem(404, "factor-unknown", exc.message, problems=problems) from None
