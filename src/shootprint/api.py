"""The public Python API over files: what the CLI and the reports call.

Each function reads the files it is given (through :mod:`shootprint.files`) and hands the data to a
:class:`~shootprint.calculator.Calculator`, which a server uses directly.

>>> from shootprint import estimate, compare
>>> fp = estimate("examples/reference/studio-paris.yaml")
>>> fp.total_kgco2e
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from shootprint.calculator import Calculator, Comparison, Prepared
from shootprint.errors import InputError
from shootprint.factors import FactorRow, FactorTable
from shootprint.files import load_overrides, load_production, load_records, read_file
from shootprint.i18n import Message
from shootprint.model import Footprint

__all__ = [
    "Calculator",
    "Comparison",
    "breakeven",
    "compare",
    "compare_uncertain",
    "diff",
    "estimate",
    "estimate_uncertain",
    "load_production",
    "load_records",
    "load_table",
    "sensitivity",
    "whatif",
]


def _override_rows(overrides: str | Path | None) -> list[FactorRow]:
    return load_overrides(Path(overrides)) if overrides else []


def calculator(factor_set: str | None = None, overrides: str | Path | None = None) -> Calculator:
    """A Calculator over ``factor_set`` with the rows of an overrides file."""
    return Calculator(factor_set, _override_rows(overrides), overrides_source=str(overrides or "overrides"))


def load_table(factor_set: str | None = None, overrides: str | Path | None = None) -> FactorTable:
    return calculator(factor_set, overrides).table(factor_set)


def prepared(path: str | Path, sets: dict[str, Any] | None = None) -> Prepared:
    """A production file, validated (with ``--set`` changes), with the records it names."""
    return _prepared(Path(path), read_file(Path(path)), sets)


def _prepared(path: Path, document: dict[str, Any], sets: dict[str, Any] | None) -> Prepared:
    from shootprint.production import validate_with_sets

    prod = validate_with_sets(document, sets, str(path))
    return Prepared(prod, tuple(load_records(prod, path.parent)), document if not sets else None)


def prepare_files(paths: Sequence[str | Path], sets: dict[str, Any] | None = None) -> list[Prepared]:
    """Each production file read once, validated (with ``--set`` changes) with the records it
    names: what a report computes several results from."""
    return list(_prepare_many(list(paths), sets))


def _prepare_many(productions: Sequence[str | Path | Any], sets: dict[str, Any] | None) -> list[Any]:
    """Each production prepared; several validate with one model (see ``production.many_productions``):
    the files are read first, so that the model is that of the activity types they use. A file that
    cannot be read fails in its turn, after the files before it, as when each was read in turn."""
    from shootprint.production import activity_types, many_productions

    if len(productions) < 2:
        return [_prepare(p, sets) for p in productions]
    documents: list[Any] = []
    for production in productions:
        if isinstance(production, str | Path):
            try:
                documents.append(read_file(Path(production)))
            except Exception as exc:  # noqa: BLE001 (raised in its turn, below)
                documents.append(exc)
        else:
            documents.append(None)
    read = [d for d in documents if isinstance(d, dict)]
    with many_productions(activity_types(read) if len(read) > 1 else None):
        out = []
        for production, document in zip(productions, documents, strict=True):
            if isinstance(document, BaseException):
                raise document
            out.append(_prepare(production, sets) if document is None else _prepared(Path(production), document, sets))
        return out


def _prepare(production: str | Path | Any, sets: dict[str, Any] | None) -> Any:
    if isinstance(production, str | Path):
        return prepared(production, sets)
    if sets:
        raise InputError(Message("sets apply to a production file; load it with load_production(path, overrides)"))
    return production


def estimate(
    production: str | Path | Any,
    *,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
    table: FactorTable | None = None,
) -> Footprint:
    """The footprint of one production (a file path, a validated Production or a document)."""
    if table is not None:
        from shootprint.engine import footprint

        prep = _prepare(production, sets)
        if isinstance(prep, Prepared):
            return footprint(prep.production, table, records=prep.records, exclude=tuple(exclude))
        return footprint(Calculator().production(prep), table, exclude=tuple(exclude))
    return calculator(factor_set, overrides).estimate(_prepare(production, sets), exclude=exclude)


def compare(
    productions: Sequence[str | Path | Any],
    *,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
) -> Comparison:
    """Footprints of several productions with one factor table, so they compare."""
    if len(productions) < 1:
        raise InputError(Message("compare needs at least one production file"))
    calc = calculator(factor_set, overrides)
    return calc.compare(_prepare_many(productions, sets), exclude=exclude)


def estimate_uncertain(
    path: str | Path,
    *,
    samples: int,
    seed: int = 0,
    level: float = 0.90,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Footprint:
    calc = calculator(factor_set, overrides)
    return calc.estimate(
        prepared(path, sets), samples=samples, seed=seed, level=level, exclude=exclude, progress=progress
    )


def compare_uncertain(
    paths: Sequence[str | Path],
    *,
    samples: int,
    seed: int = 0,
    level: float = 0.90,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
    common: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """A comparison with each total's interval, each ratio's median and interval, P(A < B)."""
    calc = calculator(factor_set, overrides)
    return calc.compare(
        _prepare_many(paths, sets), samples=samples, seed=seed, level=level, exclude=exclude, common=common,
        progress=progress,
    )  # fmt: skip


def sensitivity(
    paths: Sequence[str | Path],
    *,
    base_samples: int = 512,
    seed: int = 0,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
) -> dict[str, Any]:
    calc = calculator(factor_set, overrides)
    return calc.sensitivity(_prepare_many(paths, sets), base_samples=base_samples, seed=seed, exclude=exclude).to_dict()


def whatif(
    path: str | Path,
    *,
    levers: Sequence[str] = (),
    sets: dict[str, Any] | None = None,
    samples: int = 2000,
    seed: int = 0,
    level: float = 0.90,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The production as it is, with ``--set`` changes, and with each lever: saving and interval
    (see :meth:`Calculator.whatif`; ``progress(draws_done)`` after each chunk of a large run)."""
    calc = calculator(factor_set, overrides)
    return calc.whatif(
        prepared(path), levers=list(levers), sets=sets, samples=samples, seed=seed, level=level, exclude=exclude,
        progress=progress,
    ).to_dict()  # fmt: skip


def breakeven(
    path_a: str | Path,
    path_b: str | Path,
    *,
    vary: str,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
) -> dict[str, Any]:
    """The value of ``vary`` (a path in A) at which A emits as much as B (central values)."""
    calc = calculator(factor_set, overrides)
    return calc.breakeven(prepared(path_a), prepared(path_b), vary=vary, exclude=exclude).to_dict()


def diff(
    forecast: str | Path,
    final: str | Path,
    *,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Planned against actual, line by line, with each change's share of the total change."""
    calc = calculator(factor_set, overrides)
    return calc.diff(prepared(forecast), prepared(final)).to_dict()


def scenario(path: str | Path, sets: dict[str, Any] | None = None, raw: dict[str, Any] | None = None) -> Any:
    """A validated production (from its file, or from changed raw data) with its records."""
    from shootprint.production import validate
    from shootprint.scenarios import Scenario

    if raw is None:
        prep = prepared(path, sets)
        return Scenario(prep.production, prep.records)
    prod = validate(raw, str(path))
    return Scenario(prod, load_records(prod, Path(path).parent))
