"""The one place the server calls the calculation core.

Productions reach it as documents (the production file's dict); organisation overrides as rows;
the core's :class:`~shootprint.calculator.Calculator` takes both as data. Only the report, which
the core still writes from files, gets the documents written to a private temporary folder, here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from shootprint.errors import ProblemsError
from shootprint.i18n import N_, said
from shootprint.server.services.errors import Invalid

#: the draws of a comparison unless asked otherwise
DEFAULT_SAMPLES = 10_000
MAX_SAMPLES = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Override:
    """An organisation's factor override, as the core's overrides rows have it."""

    factor_id: str
    value: float
    unit: str
    uncertainty_pct: float | None
    source: str
    reason: str

    def row(self) -> dict[str, Any]:
        return {
            "id": self.factor_id,
            "value": self.value,
            "unit": self.unit,
            "name_en": self.reason[:200],
            "uncertainty_kind": "judgement" if self.uncertainty_pct is not None else "none",
            "uncertainty_pct": self.uncertainty_pct,
            "uncertainty_reason": self.reason if self.uncertainty_pct is not None else "",
            "source": self.source,
            "notes": self.reason,
        }


def canonical(document: dict[str, Any], source: str = "production") -> dict[str, Any]:
    """The document as JSON would keep it (dates as text), so storing it loses nothing.

    A document that expands to too many values (YAML aliases) or nests too deep is refused first
    (Invalid, naming ``source`` and the limit), before anything expands or stores it."""
    from shootprint.server.limits import HostileInput, check_document_shape, text_problem

    try:
        check_document_shape(document, source)
    except HostileInput as exc:
        raise Invalid(said(exc)) from None
    for key in ("name", "client"):
        problem = text_problem(document[key], key, source) if isinstance(document.get(key), str) else None
        if problem:
            raise Invalid(problem)
    out = json.loads(json.dumps(document, default=str, ensure_ascii=False))
    assert isinstance(out, dict)
    return out


def document_hash(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def overrides_hash(overrides: Sequence[Override]) -> str:
    text = json.dumps([o.row() for o in sorted(overrides, key=lambda o: o.factor_id)], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_version() -> str:
    from shootprint._version import __version__
    from shootprint.factors import FactorTable

    return f"{__version__}+{FactorTable().data_version()}"


def _invalid(exc: ProblemsError) -> Invalid:
    problems = exc.problems or [str(exc)]
    return Invalid(problems[0], problems, exc.to_list())


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except ProblemsError as exc:
        raise _invalid(exc) from None


def _data(fn: Callable[[], Any]) -> dict[str, Any]:
    """The JSON form of a core result (typed results have ``to_dict``; older ones are dicts)."""
    result = _call(fn)
    out = result.to_dict() if hasattr(result, "to_dict") else result
    assert isinstance(out, dict)
    return out


@lru_cache(maxsize=64)
def _calculator_for(rows: tuple[Override, ...], factor_set: str | None = None) -> Any:
    from shootprint.calculator import Calculator

    return Calculator(factor_set, overrides=[o.row() for o in rows], overrides_source="organisation overrides")


def calculator(overrides: Sequence[Override] = (), factor_set: str | None = None) -> Any:
    """A Calculator with the organisation's overrides (cheap; the factor data is shared);
    ``factor_set`` chooses the set over the one the productions ask for."""
    return _call(lambda: _calculator_for(tuple(sorted(overrides, key=lambda o: o.factor_id)), factor_set))


def call(fn: Callable[[], T]) -> T:
    """Run a core call; the core's problems become :class:`Invalid` (422) with every problem."""
    return _call(fn)


def core_call(
    overrides: Sequence[Override], factor_set: str | None, method: str, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """``Calculator.<method>(*args, **kwargs)`` with the organisation's overrides, as JSON data: a
    module-level call with plain arguments, so a worker process (:mod:`workers`) can make it."""
    calc = calculator(overrides, factor_set)
    return _data(lambda: getattr(calc, method)(*args, **kwargs))


def check_documents(documents: Sequence[dict[str, Any]]) -> None:
    for doc in documents:
        if doc.get("records"):
            raise Invalid(
                N_(
                    "records: files of measured jobs are not read by the web application; upload them to the production."
                )
            )


def validate(document: dict[str, Any], source: str = "production") -> Any:
    """The validated production, or Invalid with every problem (each naming its field)."""
    check_documents([document])
    return _call(lambda: calculator().production(document, source=source))


def check_override_rows(overrides: Sequence[Override]) -> None:
    """Raises Invalid when the core refuses a row (unknown unit, bad uncertainty …)."""
    _call(lambda: _calculator_for.__wrapped__(tuple(overrides)))


def estimate(
    document: dict[str, Any], overrides: Sequence[Override] = (), records: Sequence[Any] | None = None
) -> dict[str, Any]:
    """The footprint of one production, as the CLI's ``estimate --format json``."""
    check_documents([document])
    calc = calculator(overrides)
    out = _call(lambda: calc.estimate(document, records=records or None).to_dict())
    assert isinstance(out, dict)
    return out


def compare(
    documents: Sequence[dict[str, Any]],
    overrides: Sequence[Override] = (),
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    level: float = 0.90,
    records: Sequence[Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """The comparison of ``documents`` (each with its measured ``records``) with intervals, ratios
    and P(lower): the CLI's compare JSON."""
    if len(documents) < 2:
        raise Invalid(N_("Pick at least two productions to compare."))
    check_documents(documents)
    calc = calculator(overrides)
    recs = [list(r) or None for r in records] if records is not None else None
    result = _call(
        lambda: calc.compare(list(documents), samples=samples, seed=seed, level=level, records=recs).to_dict()
    )
    assert isinstance(result, dict)
    result["samples"] = samples
    result["seed"] = seed
    result["level"] = level
    return result


def sensitivity(document: dict[str, Any], overrides: Sequence[Override] = (), *, seed: int = 0) -> dict[str, Any]:
    check_documents([document])
    calc = calculator(overrides)
    return _data(lambda: calc.sensitivity([document], base_samples=256, seed=seed))


def whatif(
    document: dict[str, Any],
    levers: Sequence[str],
    overrides: Sequence[Override] = (),
    *,
    sets: dict[str, Any] | None = None,
    samples: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    check_documents([document])
    calc = calculator(overrides)
    return _data(lambda: calc.whatif(document, levers=list(levers), sets=sets or None, samples=samples, seed=seed))


def breakeven(a: dict[str, Any], b: dict[str, Any], vary: str, overrides: Sequence[Override] = ()) -> dict[str, Any]:
    check_documents([a, b])
    calc = calculator(overrides)
    return _data(lambda: calc.breakeven(a, b, vary=vary))


def diff(forecast: dict[str, Any], final: dict[str, Any], overrides: Sequence[Override] = ()) -> dict[str, Any]:
    check_documents([forecast, final])
    calc = calculator(overrides)
    return _data(lambda: calc.diff(forecast, final))


def levers() -> list[tuple[str, str]]:
    """(name, description) of every what-if lever."""
    from shootprint.levers import LEVERS

    return [(name, lever.description) for name, lever in LEVERS.items()]


def search_factors(text: str, overrides: Sequence[Override] = (), limit: int = 50) -> list[Any]:
    calc = calculator(overrides)
    out: list[Any] = _call(lambda: calc.search_factors(text, limit=limit))
    return out


def factor(factor_id: str, overrides: Sequence[Override] = ()) -> dict[str, Any]:
    calc = calculator(overrides)
    return _data(lambda: calc.factor(factor_id))


def report(
    documents: Sequence[dict[str, Any]],
    overrides: Sequence[Override] = (),
    *,
    kind: str = "html",
    lang: str = "en",
    samples: int = 2000,
    seed: int = 0,
    records: Sequence[Sequence[Any]] | None = None,
) -> bytes:
    """The report of ``documents`` (HTML or PDF, French or English), each with its measured
    ``records``, as the CLI's ``report``: rendered in memory, its bytes returned (no file written).
    The report names the productions ``production-1.yaml``, ``production-2.yaml`` … as before."""
    from shootprint.report.document import gather_prepared, render_report

    assert kind in ("html", "pdf"), kind  # the routes offer these two
    check_documents(documents)
    for doc in documents:
        validate(doc)
    calc = calculator(overrides)
    recs = list(records) if records is not None else [[] for _ in documents]
    names = [f"production-{i + 1}.yaml" for i in range(len(documents))]
    prepared = [
        _call(partial(calc.prepare, doc, list(r), source=name))
        for doc, r, name in zip(documents, recs, names, strict=True)
    ]
    data = _call(
        partial(
            gather_prepared,
            prepared,
            calc,
            files=[Path(n) for n in names],
            samples=samples,
            seed=seed,
            overrides_source="overrides.csv",
        )
    )
    rendered = _call(partial(render_report, data, lang, kind))
    return rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")


def footprints_export(
    documents: Sequence[dict[str, Any]],
    overrides: Sequence[Override],
    kind: str,
    records: Sequence[Sequence[Any]] | None = None,
) -> bytes:
    """Line-by-line exports (XLSX or CSV), as ``estimate --format xlsx|csv``, each production with
    its measured ``records``: the renderer's bytes, no file written."""
    from shootprint.spreadsheet import footprints_csv, footprints_xlsx

    check_documents(documents)
    calc = calculator(overrides)
    recs = list(records) if records is not None else [[] for _ in documents]
    fps = [_call(partial(calc.estimate, d, records=list(r) or None)) for d, r in zip(documents, recs, strict=True)]
    return footprints_xlsx(fps) if kind == "xlsx" else footprints_csv(fps).encode("utf-8")
