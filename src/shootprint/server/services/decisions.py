"""Compare and decide: comparisons, sensitivity, what-if, break-even and downloads of productions.

Every call is scoped to the organisation (through :mod:`productions`) and runs the core's
Calculator with the organisation's overrides. Monte Carlo work is bounded: at most
``Settings.compute_threads`` heavy computations are under way at once (others wait for a slot), and
each runs in one of ``Settings.compute_processes`` worker processes (:mod:`workers`), so the server
keeps answering other requests meanwhile. Comparisons are
cached like footprints (by what determines them), so opening the same comparison twice is cheap.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from shootprint.i18n import N_
from shootprint.server.services import compute, productions, workers
from shootprint.server.services.errors import Invalid
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database

T = TypeVar("T")
MIN_SAMPLES = 100
#: the most productions one comparison page takes (the core accepts more; a page stays readable)
MAX_COMPARED = 20
DOWNLOADS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


@contextmanager
def slot(threads: int) -> Iterator[None]:
    """Wait for one of ``threads`` slots of heavy computation (Monte Carlo, reports)."""
    with _SLOTS_LOCK:
        sem = _SLOTS.setdefault(max(threads, 1), threading.BoundedSemaphore(max(threads, 1)))
    with sem:
        yield


def heavy(threads: int, processes: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` once a slot is free, in a worker process (:func:`workers.run`)."""
    with slot(threads):
        return workers.run(processes, fn, *args, **kwargs)


def _comparison(
    documents: list[dict[str, Any]], over: list[compute.Override], samples: int, seed: int, records: list[Any]
) -> Any:
    result = compute.compare(documents, over, samples=samples, seed=seed, records=records)
    result.pop("footprints", None)  # the lines are on each production's page
    return result


def check_samples(samples: int) -> int:
    if not MIN_SAMPLES <= samples <= compute.MAX_SAMPLES:
        raise Invalid(N_("Draws: a whole number from 100 to 100,000."))
    return samples


def _pids(pids: list[int]) -> list[int]:
    out = list(dict.fromkeys(pids))
    if len(out) < 2:
        raise Invalid(N_("Pick at least two productions to compare."))
    if len(out) > MAX_COMPARED:
        raise Invalid(N_("Compare at most 20 productions at once."))
    return out


def _key(
    documents: list[dict[str, Any]],
    over: list[compute.Override],
    digests: list[str | None] | None = None,
    **options: Any,
) -> tuple[str, str, str, str]:
    hashes = [
        productions.footprint_hash(d, g) for d, g in zip(documents, digests or [None] * len(documents), strict=True)
    ]
    text = json.dumps([hashes, options], sort_keys=True)
    sets = sorted({str(d.get("factor_set") or "ademe") for d in documents})
    return (
        hashlib.sha256(text.encode()).hexdigest(),
        compute.data_version(),
        ",".join(sets)[:40],
        compute.overrides_hash(over),
    )


def comparison(
    db: Database,
    sc: Scope,
    pids: list[int],
    *,
    samples: int,
    seed: int,
    threads: int,
    revisions: list[int] | None = None,
    processes: int = 0,
) -> tuple[list[productions.ProductionSummary], dict[str, Any]]:
    """The productions ``pids`` compared (intervals, ratios, probability lower), in their order: their
    latest revisions, or the revision numbers ``revisions`` (one per production, as a share link pins)."""
    if revisions is not None and len(revisions) != len(pids):
        raise Invalid(N_("Pick at least two productions to compare."))
    if revisions is not None:
        chosen = dict(zip(pids, revisions, strict=True))
        pids = _pids(pids)
        revisions = [chosen[pid] for pid in pids]
    else:
        pids = _pids(pids)
    check_samples(samples)
    summaries = [productions.get(db, sc, pid)[0] for pid in pids]
    documents = productions.documents(db, sc, pids, revisions)
    over = productions.overrides(db, sc)
    digests = productions.records_digests(db, sc, pids)
    key = _key(documents, over, [digests.get(pid) for pid in pids], samples=samples, seed=seed, level=0.9)

    def make() -> dict[str, Any]:
        records = [productions.record_objects(db, sc, pid) if pid in digests else [] for pid in pids]
        return heavy(threads, processes, _comparison, documents, over, samples, seed, records)

    return summaries, productions.cached_result(db, key, "compare", make)


def sensitivity(db: Database, sc: Scope, pid: int, *, seed: int, threads: int, processes: int = 0) -> dict[str, Any]:
    document = productions.documents(db, sc, [pid])[0]
    over = productions.overrides(db, sc)
    key = _key([document], over, seed=seed, base_samples=256)
    return productions.cached_result(
        db, key, "sensitivity", lambda: heavy(threads, processes, compute.sensitivity, document, over, seed=seed)
    )


def whatif(
    db: Database,
    sc: Scope,
    pid: int,
    levers: list[str],
    *,
    samples: int,
    seed: int,
    threads: int,
    processes: int = 0,
) -> dict[str, Any]:
    known = [name for name, _ in compute.levers()]
    chosen = [lever for lever in levers if lever.split("=", 1)[0] in known]
    if not chosen:
        raise Invalid(N_("Choose at least one lever."))
    check_samples(samples)
    document = productions.documents(db, sc, [pid])[0]
    over = productions.overrides(db, sc)
    return heavy(threads, processes, compute.whatif, document, chosen, over, samples=samples, seed=seed)


def breakeven(
    db: Database, sc: Scope, a: int, b: int, vary: str, *, threads: int, processes: int = 0
) -> dict[str, Any]:
    doc_a, doc_b = productions.documents(db, sc, [a, b])
    over = productions.overrides(db, sc)
    return heavy(threads, processes, compute.breakeven, doc_a, doc_b, vary.strip(), over)


@cache
def _quantity_fields(type_name: str) -> tuple[str, ...]:
    from shootprint.categories import models

    model = models().get(type_name)
    if model is None:
        return ()
    props = model.model_json_schema(mode="validation")["properties"]
    return tuple(n for n, p in props.items() if any("x-unit" in o for o in [p, *p.get("anyOf", [])]))


def variable_paths(document: dict[str, Any]) -> list[str]:
    """What break-even may vary in a production: its parameters, quantities and top-level numbers."""
    out = [f"parameters.{name}" for name in (document.get("parameters") or {})]
    for act in document.get("activities") or []:
        if not isinstance(act, dict):
            continue
        for name in _quantity_fields(str(act.get("type", ""))):
            if act.get(name) is not None:
                out.append(f"activities.{act.get('id')}.{name}")
    return [*out, "shoot_days", "deliverables.still_images", "deliverables.film_seconds"]


def download(
    db: Database,
    sc: Scope,
    pids: list[int],
    kind: str,
    *,
    lang: str,
    samples: int,
    seed: int,
    threads: int,
    revisions: list[int] | None = None,
    processes: int = 0,
) -> bytes:
    """The report (HTML or PDF, in ``lang``) or the line-by-line export (XLSX, CSV) of ``pids`` (their
    latest revisions, or the revision numbers ``revisions``)."""
    if kind not in DOWNLOADS:
        raise Invalid(N_("Formats: pdf, html, xlsx or csv."))
    documents, records = productions.with_records(db, sc, pids, revisions)
    over = productions.overrides(db, sc)
    if kind in ("xlsx", "csv"):
        return heavy(threads, processes, compute.footprints_export, documents, over, kind, records=records)
    return heavy(
        threads,
        processes,
        compute.report,
        documents,
        over,
        kind=kind,
        lang=lang,
        samples=samples,
        seed=seed,
        records=records,
    )
