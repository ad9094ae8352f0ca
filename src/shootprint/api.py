"""The public Python API: what the CLI, the reports and (later) the web app call.

>>> from shootprint import estimate, compare
>>> fp = estimate("examples/studio-paris.yaml")
>>> fp.total_kgco2e
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shootprint.errors import InputError
from shootprint.factors import DEFAULT_FACTOR_SET, FactorTable, default_table, load_overrides
from shootprint.model import Footprint
from shootprint.production import load_production


def load_table(factor_set: str | None = None, overrides: str | Path | None = None) -> FactorTable:
    rows = load_overrides(Path(overrides)) if overrides else []
    return default_table(factor_set or DEFAULT_FACTOR_SET, rows)


def load_records(production: Any, base: Path) -> list[Any]:
    """The measured AI jobs a production refers to (files relative to the production file)."""
    if not production.records:
        return []
    from shootprint.tracker import import_codecarbon_csv, read_records

    out: list[Any] = []
    for ref in production.records:
        path = (base / ref.file) if not Path(ref.file).is_absolute() else Path(ref.file)
        if not path.is_file():
            raise InputError(f"{base}: records.file: {ref.file} not found")
        out.extend(import_codecarbon_csv(path) if ref.format == "codecarbon" else read_records(path))
    return out


def _prepare(
    production: str | Path | Any,
    sets: dict[str, Any] | None,
) -> tuple[Any, Path]:
    if isinstance(production, str | Path):
        path = Path(production)
        return load_production(path, overrides=sets), path.parent
    if sets:
        raise InputError("sets apply to a production file; load it with load_production(path, overrides)")
    return production, Path(".")


def estimate(
    production: str | Path | Any,
    *,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
    exclude: Iterable[str] = (),
    sets: dict[str, Any] | None = None,
    table: FactorTable | None = None,
) -> Footprint:
    """The footprint of one production (a file path or a validated Production)."""
    prod, base = _prepare(production, sets)
    table = table or load_table(factor_set or prod.factor_set, overrides)
    return _estimate_loaded(prod, base, table, tuple(exclude))


@dataclass
class Comparison:
    """Several ways of making the same deliverables, side by side."""

    footprints: list[Footprint]
    factor_set: str
    warnings: list[str] = field(default_factory=list)
    uncertainty: dict[str, Any] | None = None

    @property
    def names(self) -> list[str]:
        return [fp.name for fp in self.footprints]

    @property
    def lowest(self) -> Footprint:
        return min(self.footprints, key=lambda fp: fp.total_kgco2e)

    def ratios_to_lowest(self) -> dict[str, float | None]:
        low = self.lowest.total_kgco2e
        return {fp.name: (fp.total_kgco2e / low if low > 0 else None) for fp in self.footprints}

    def categories(self) -> list[str]:
        seen: list[str] = []
        for fp in self.footprints:
            for cat in fp.by_category:
                if cat not in seen:
                    seen.append(cat)
        return seen

    def to_dict(self) -> dict[str, Any]:
        ratios = self.ratios_to_lowest()
        return {
            "factor_set": self.factor_set,
            "lowest": self.lowest.name,
            "scenarios": [
                {
                    "name": fp.name,
                    "total_kgco2e": fp.total_kgco2e,
                    "ratio_to_lowest": ratios[fp.name],
                    "by_category": fp.by_category,
                    "by_stage": fp.by_stage,
                    "intensities": fp.intensities,
                    "indicators": fp.indicators,
                }
                for fp in self.footprints
            ],
            "categories_kgco2e": {
                cat: {fp.name: fp.by_category.get(cat, 0.0) for fp in self.footprints} for cat in self.categories()
            },
            "warnings": self.warnings,
            "footprints": [fp.to_dict() for fp in self.footprints],
            **({"uncertainty": self.uncertainty} if self.uncertainty is not None else {}),
        }


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
        raise InputError("compare needs at least one production file")
    loaded = [_prepare(p, sets) for p in productions]
    problems = []
    chosen = factor_set
    if chosen is None:
        declared = {prod.factor_set for prod, _ in loaded if prod.factor_set}
        if len(declared) > 1:
            problems.append(
                f"the files ask for different factor sets ({', '.join(sorted(declared))}): "
                "choose one with --factor-set so the totals compare"
            )
        chosen = declared.pop() if len(declared) == 1 else DEFAULT_FACTOR_SET
    if problems:
        raise InputError(problems)
    table = load_table(chosen, overrides)
    exclude = tuple(exclude)
    fps = [_estimate_loaded(prod, base, table, exclude) for prod, base in loaded]
    return Comparison(fps, chosen, _unique_names(fps))


def _unique_names(fps: Sequence[Footprint]) -> list[str]:
    """Rename productions that share a name ("name (2)" …), as Monte Carlo comparisons do; warn."""
    from shootprint.model import unique_names

    names = unique_names([fp.name for fp in fps])
    warnings = []
    for fp, name in zip(fps, names, strict=True):
        if name != fp.name:
            warnings.append(f"two productions are called {fp.name!r}: the second is shown as {name!r}")
            fp.name = name
    return warnings


def _estimate_loaded(prod: Any, base: Path, table: FactorTable, exclude: tuple[str, ...]) -> Footprint:
    from shootprint.engine import footprint

    return footprint(prod, table, records=load_records(prod, base), exclude=exclude)


# -- uncertainty and decisions -----------------------------------------------------------------


def scenario(path: str | Path, sets: dict[str, Any] | None = None, raw: dict[str, Any] | None = None) -> Any:
    """A validated production (from its file, or from changed raw data) with its records."""
    from shootprint.production import validate
    from shootprint.scenarios import Scenario

    path = Path(path)
    if raw is None:
        prod = load_production(path, overrides=sets)
    else:
        prod = validate(raw, str(path))
    return Scenario(prod, load_records(prod, path.parent))


def _table_for(scenarios: Sequence[Any], factor_set: str | None, overrides: str | Path | None) -> FactorTable:
    if factor_set is None:
        declared = {sc.production.factor_set for sc in scenarios if sc.production.factor_set}
        if len(declared) > 1:
            raise InputError(
                f"the files ask for different factor sets ({', '.join(sorted(declared))}): "
                "choose one with --factor-set so the totals compare"
            )
        factor_set = declared.pop() if declared else None
    return load_table(factor_set, overrides)


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
) -> Footprint:
    from shootprint.scenarios import estimate_mc
    from shootprint.uncertainty import check_run

    check_run(samples, seed, level)
    sc = scenario(path, sets)
    table = _table_for([sc], factor_set, overrides)
    return estimate_mc(sc, table, samples, seed, level, tuple(exclude))


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
) -> Comparison:
    """A comparison with each total's interval, each ratio's median and interval, P(A < B)."""
    from shootprint.scenarios import compare_mc
    from shootprint.uncertainty import check_run

    check_run(samples, seed, level)
    scs = [scenario(p, sets) for p in paths]
    table = _table_for(scs, factor_set, overrides)
    mc = compare_mc(scs, table, samples, seed, level, tuple(exclude), common)
    comparison = Comparison(mc.deterministic, table.factor_set, _unique_names(mc.deterministic))
    comparison.uncertainty = mc.to_dict()
    return comparison


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
    from shootprint.scenarios import sensitivity as _sensitivity
    from shootprint.uncertainty import check_run

    check_run(None, seed)
    if isinstance(base_samples, bool) or not isinstance(base_samples, int) or not 16 <= base_samples <= 65_536:
        raise InputError(f"samples: {base_samples!r} is not accepted; accepted: a base sample size from 16 to 65,536")
    scs = [scenario(p, sets) for p in paths]
    table = _table_for(scs, factor_set, overrides)
    out = _sensitivity(scs, table, base_samples, seed, tuple(exclude))
    out["factor_set"] = table.factor_set
    return out


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
) -> dict[str, Any]:
    """The production as it is, with ``--set`` changes, and with each lever: saving and interval.

    ``sets`` make the variant called ``set``; each lever is applied alone to the file as written,
    then all together. Savings use common random numbers, so their intervals reflect the change.
    """
    from shootprint.levers import combined_order, parse_lever
    from shootprint.paths import apply_sets
    from shootprint.production import read_file
    from shootprint.scenarios import Scenario, compare_mc
    from shootprint.uncertainty import check_run

    check_run(samples, seed, level)
    if samples < 10:
        raise InputError(f"samples: {samples} is not accepted; a what-if needs at least 10 draws")
    path = Path(path)
    base_raw = read_file(path)
    variants: list[tuple[str, dict[str, Any], list[str]]] = []
    if sets:
        variants.append(
            (
                "set: " + ", ".join(f"{k}={v}" for k, v in sets.items()),
                apply_sets(base_raw, sets, str(path)),
                [],
            )
        )
    parsed = [parse_lever(text) for text in levers]
    combined = base_raw
    combined_notes: list[str] = []
    for lever, value in parsed:
        changed, notes = lever.apply(base_raw, value)
        label = lever.name + (f"={value}" if value is not None else "")
        variants.append((label, changed, notes))
    for lever, value in combined_order(parsed):
        combined, more = lever.apply(combined, value)
        combined_notes.extend(more)
    if len(parsed) > 1:
        variants.append(("all levers", combined, combined_notes))
    if not variants:
        raise InputError("whatif: give at least one --set PATH=VALUE or --lever NAME")
    base = scenario(path)
    scs = [base] + [scenario(path, raw=raw) for _, raw, _ in variants]
    for sc, (label, _, _) in zip(scs[1:], variants, strict=True):
        sc.production = sc.production.model_copy(update={"name": label})
    table = _table_for([base], factor_set, overrides)
    mc = compare_mc(
        [Scenario(s.production, s.records) for s in scs],
        table,
        samples,
        seed,
        level,
        tuple(exclude),
    )
    import numpy as np

    from shootprint.uncertainty import interval, probability_less

    base_total = mc.totals[mc.names[0]]
    rows = []
    for name, det, (label, _, notes) in zip(mc.names[1:], mc.deterministic[1:], variants, strict=True):
        saving = base_total - mc.totals[name]
        rows.append(
            {
                "variant": label,
                "total_kgco2e": det.total_kgco2e,
                "saving_kgco2e": mc.deterministic[0].total_kgco2e - det.total_kgco2e,
                "saving_interval_kgco2e": interval(saving, level).to_dict(),
                "saving_pct": (
                    (mc.deterministic[0].total_kgco2e - det.total_kgco2e) / mc.deterministic[0].total_kgco2e * 100
                    if mc.deterministic[0].total_kgco2e
                    else None
                ),
                "probability_lower": probability_less(mc.totals[name], base_total),
                "changes": notes,
            }
        )
    return {
        "production": mc.deterministic[0].name,
        "base_total_kgco2e": mc.deterministic[0].total_kgco2e,
        "base_interval_kgco2e": interval(np.asarray(base_total), level).to_dict(),
        "samples": samples,
        "seed": seed,
        "level": level,
        "factor_set": table.factor_set,
        "variants": rows,
    }


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
    from shootprint.engine import footprint
    from shootprint.paths import apply_sets, get_path
    from shootprint.production import read_file, validate
    from shootprint.scenarios import breakeven as solve

    path_a = Path(path_a)
    raw_a = read_file(path_a)
    try:
        current = get_path(raw_a, vary)
    except KeyError as exc:
        current = None
        if not vary.startswith(("activities.", "parameters.")):
            raise InputError(f"--vary {vary}: {exc.args[0]}") from None
    sc_b = scenario(path_b)
    sc_a = scenario(path_a)
    table = _table_for([sc_a, sc_b], factor_set, overrides)
    excl = tuple(exclude)
    target = footprint(sc_b.production, table, records=sc_b.records, exclude=excl).total_kgco2e

    unit, start = _varied_unit_and_value(sc_a.production, vary)

    def total_at(x: float) -> float:
        value: Any = f"{x!r} {unit}" if unit else x
        prod = validate(apply_sets(raw_a, {vary: value}, str(path_a)), str(path_a))
        return footprint(prod, table, records=sc_a.records, exclude=excl).total_kgco2e

    current_total = footprint(sc_a.production, table, records=sc_a.records, exclude=excl).total_kgco2e
    value = solve(total_at, target, start=start)
    return {
        "vary": vary,
        "scenario": sc_a.name,
        "against": sc_b.name,
        "current_value": current,
        "unit": unit,
        "current_total_kgco2e": current_total,
        "target_total_kgco2e": target,
        "breakeven_value": value,
        "note": (
            "no accepted value of the input up to 1e9 makes the totals equal"
            if value is None
            else f"at {vary} = {value:,.6g} {unit}".rstrip() + f", {sc_a.name} emits as much as {sc_b.name}"
        ),
        "factor_set": table.factor_set,
    }


def _varied_unit_and_value(production: Any, vary: str) -> tuple[str, float]:
    """The unit a varied quantity is written in, and its central value now (1.0 when unknown)."""
    from shootprint.model import QuantitySpec

    parts = vary.split(".")
    spec: Any = None
    if parts[0] == "parameters" and len(parts) == 2:
        spec = production.parameters.get(parts[1])
    elif parts[0] == "activities" and len(parts) == 3:
        act = next((a for a in production.activities if a.id == parts[1]), None)
        spec = getattr(act, parts[2], None) if act is not None else None
    if isinstance(spec, QuantitySpec):
        if spec.param:
            pspec = production.parameters[spec.param]
            central = pspec.central * spec.scale
        else:
            central = spec.central
        return spec.unit, (central if central and central > 0 else 1.0)
    if isinstance(spec, int | float) and not isinstance(spec, bool) and spec > 0:
        return "", float(spec)
    return "", 1.0


def diff(
    forecast: str | Path,
    final: str | Path,
    *,
    factor_set: str | None = None,
    overrides: str | Path | None = None,
) -> dict[str, Any]:
    """Planned against actual, line by line, with each change's share of the total change."""
    from shootprint.scenarios import diff as _diff

    a, b = scenario(forecast), scenario(final)
    table = _table_for([a, b], factor_set, overrides)
    return _diff(
        _estimate_loaded(a.production, Path(forecast).parent, table, ()),
        _estimate_loaded(b.production, Path(final).parent, table, ()),
    )
