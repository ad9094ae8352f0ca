"""The one place the server calls the calculation core.

Productions reach it as documents (the production file's dict); organisation overrides as rows.
Until the core takes productions as data everywhere, the functions that only accept files get the
documents written to a private temporary folder, here and nowhere else.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shootprint.errors import InputError
from shootprint.i18n import N_
from shootprint.server.services.errors import Invalid

#: the draws of a comparison unless asked otherwise (the CLI's report default is lower)
DEFAULT_SAMPLES = 10_000
MAX_SAMPLES = 200_000


@dataclass(frozen=True)
class Override:
    """An organisation's factor override, as the core's overrides file has it."""

    factor_id: str
    value: float
    unit: str
    uncertainty_pct: float | None
    source: str
    reason: str


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document as JSON would keep it (dates as text), so storing it loses nothing."""
    out = json.loads(json.dumps(document, default=str, ensure_ascii=False))
    assert isinstance(out, dict)
    return out


def document_hash(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def overrides_hash(overrides: Sequence[Override]) -> str:
    text = json.dumps([o.__dict__ for o in sorted(overrides, key=lambda o: o.factor_id)], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_version() -> str:
    from shootprint._version import __version__
    from shootprint.factors import FactorTable

    return f"{__version__}+{FactorTable().data_version()}"


def _problems(exc: InputError) -> list[str]:
    return [str(p) for p in exc.problems] or [str(exc)]


def validate(document: dict[str, Any], source: str = "production") -> Any:
    """The validated production, or Invalid with every problem (each naming its field)."""
    from shootprint.production import validate as core_validate

    if document.get("records"):
        raise Invalid(
            N_("records: files of measured jobs are not read by the web application; upload them to the production."),
        )
    try:
        return core_validate(document, source)
    except InputError as exc:
        problems = _problems(exc)
        raise Invalid(problems[0], problems) from None


def check_override_rows(overrides: Sequence[Override]) -> None:
    """Raises Invalid when the core refuses a row (unknown unit, bad uncertainty …)."""
    with _workspace([], overrides):
        pass


@contextmanager
def _workspace(
    documents: Sequence[dict[str, Any]], overrides: Sequence[Override]
) -> Iterator[tuple[list[Path], Path | None]]:
    """Production files and an overrides CSV in a private temporary folder, for file-based core calls."""
    import yaml

    from shootprint.factors import CSV_COLUMNS, load_overrides

    with tempfile.TemporaryDirectory(prefix="shootprint-") as tmp:
        folder = Path(tmp)
        paths = []
        for i, doc in enumerate(documents):
            path = folder / f"production-{i + 1}.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
            paths.append(path)
        over: Path | None = None
        if overrides:
            over = folder / "overrides.csv"
            with over.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS))
                writer.writeheader()
                for o in overrides:
                    writer.writerow(
                        {
                            "id": o.factor_id,
                            "value": repr(o.value),
                            "unit": o.unit,
                            "name_en": o.reason[:200],
                            "uncertainty_kind": "judgement" if o.uncertainty_pct is not None else "none",
                            "uncertainty_pct": "" if o.uncertainty_pct is None else repr(o.uncertainty_pct),
                            "uncertainty_reason": o.reason,
                            "source": o.source,
                            "notes": o.reason,
                        }
                    )
            try:
                load_overrides(over)
            except InputError as exc:
                problems = [p.replace(str(over), "override") for p in _problems(exc)]
                raise Invalid(problems[0], problems) from None
        try:
            yield paths, over
        except InputError as exc:
            problems = [_strip_paths(p, folder) for p in _problems(exc)]
            raise Invalid(problems[0], problems) from None


def _strip_paths(text: str, folder: Path) -> str:
    return text.replace(str(folder) + "/", "").replace(str(folder), "")


def estimate(
    document: dict[str, Any], overrides: Sequence[Override] = (), factor_set: str | None = None
) -> dict[str, Any]:
    """The footprint of one production, as the CLI's ``estimate --format json``."""
    from shootprint import api

    prod = validate(document)
    with _workspace([], overrides) as (_, over):
        try:
            fp = api.estimate(prod, factor_set=factor_set, overrides=over)
        except InputError as exc:
            problems = _problems(exc)
            raise Invalid(problems[0], problems) from None
        out = fp.to_dict()
    assert isinstance(out, dict)
    return out


def compare(
    documents: Sequence[dict[str, Any]],
    overrides: Sequence[Override] = (),
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    level: float = 0.90,
    factor_set: str | None = None,
) -> dict[str, Any]:
    """The comparison of ``documents`` with intervals, ratios and P(lower): the CLI's compare JSON."""
    from shootprint import api

    if len(documents) < 2:
        raise Invalid(N_("Pick at least two productions to compare."))
    if not 10 <= samples <= MAX_SAMPLES:
        raise Invalid(N_("The number of draws must be between 10 and 200,000."))
    for doc in documents:
        validate(doc)
    with _workspace(documents, overrides) as (paths, over):
        result = api.compare_uncertain(
            paths, samples=samples, seed=seed, level=level, factor_set=factor_set, overrides=over
        ).to_dict()
    result["samples"] = samples
    result["seed"] = seed
    result["level"] = level
    return result


def sensitivity(document: dict[str, Any], overrides: Sequence[Override] = (), *, seed: int = 0) -> dict[str, Any]:
    from shootprint import api

    validate(document)
    with _workspace([document], overrides) as (paths, over):
        return api.sensitivity(paths, base_samples=256, seed=seed, overrides=over)


def whatif(
    document: dict[str, Any],
    levers: Sequence[str],
    overrides: Sequence[Override] = (),
    *,
    samples: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    from shootprint import api

    validate(document)
    with _workspace([document], overrides) as (paths, over):
        return api.whatif(paths[0], levers=list(levers), samples=samples, seed=seed, overrides=over)


def breakeven(a: dict[str, Any], b: dict[str, Any], vary: str, overrides: Sequence[Override] = ()) -> dict[str, Any]:
    from shootprint import api

    validate(a)
    validate(b)
    with _workspace([a, b], overrides) as (paths, over):
        return api.breakeven(paths[0], paths[1], vary=vary, overrides=over)


def diff(forecast: dict[str, Any], final: dict[str, Any], overrides: Sequence[Override] = ()) -> dict[str, Any]:
    from shootprint import api

    validate(forecast)
    validate(final)
    with _workspace([forecast, final], overrides) as (paths, over):
        return api.diff(paths[0], paths[1], overrides=over)


def levers() -> list[tuple[str, str]]:
    """(name, description) of every what-if lever."""
    from shootprint.levers import LEVERS

    return [(name, getattr(lever, "description", "")) for name, lever in LEVERS.items()]


def report(
    documents: Sequence[dict[str, Any]],
    overrides: Sequence[Override] = (),
    *,
    kind: str = "html",
    lang: str = "en",
    samples: int = 2000,
    seed: int = 0,
) -> bytes:
    """The report of ``documents`` (HTML or PDF, French or English), as the CLI's ``report``."""
    from shootprint.report.document import write_report

    for doc in documents:
        validate(doc)
    with _workspace(documents, overrides) as (paths, over):
        out = paths[0].parent / f"report.{kind}"
        write_report(paths, out, lang=lang, samples=samples, seed=seed, overrides=over)
        return out.read_bytes()


def lines_table(footprint: dict[str, Any]) -> list[dict[str, Any]]:
    return list(footprint.get("lines", []))
