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
                cat: {fp.name: fp.by_category.get(cat, 0.0) for fp in self.footprints}
                for cat in self.categories()
            },
            "warnings": self.warnings,
            "footprints": [fp.to_dict() for fp in self.footprints],
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
    names = [fp.name for fp in fps]
    warnings = []
    if len(set(names)) != len(names):
        warnings.append("two productions share a name: give each its own 'name:' to tell them apart")
    return Comparison(fps, chosen, warnings)


def _estimate_loaded(prod: Any, base: Path, table: FactorTable, exclude: tuple[str, ...]) -> Footprint:
    from shootprint.engine import footprint

    return footprint(prod, table, records=load_records(prod, base), exclude=exclude)
