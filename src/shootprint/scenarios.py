"""Scenarios: Monte Carlo estimates and comparisons (common random numbers), sensitivity,
what-if levers, break-even and forecast-versus-final differences.

Pure functions over validated productions and a factor table; the CLI and reports call them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shootprint.engine import footprint
from shootprint.factors import FactorTable
from shootprint.i18n import Exact, Message, render
from shootprint.model import Footprint, unique_names
from shootprint.uncertainty import (
    NO_INTERVAL,
    MonteCarlo,
    interval,
    probability_less,
    summarize_samples,
    too_few_draws,
)

DEFAULT_LEVEL = 0.90
#: the most productions whose every ordered pair gets a ratio interval and P(A < B); beyond, each
#: production is compared with the reference (the lowest) only, so the cost stays linear
PAIRWISE_MAX = 12
#: Monte Carlo draws computed at once: a larger run is computed in chunks of this many draws, each
#: key's random stream carried on from one chunk to the next (the same draws as a single run), so
#: the formulas' intermediate arrays stay this size and a progress callback can follow the run
CHUNK_DRAWS = 10_000

#: ``progress(draws_done)``, called after each chunk of a Monte Carlo run
Progress = Callable[[int], None]


def chunks(samples: int, size: int | None = None) -> list[int]:
    """The sizes of the chunks ``samples`` draws are computed in (one chunk up to ``size``,
    :data:`CHUNK_DRAWS` by default)."""
    full, rest = divmod(samples, size or CHUNK_DRAWS)
    return [size or CHUNK_DRAWS] * full + ([rest] if rest else [])


@dataclass
class _Line:
    """A line's draws over every chunk, as :func:`summarize_samples` reads it."""

    id: str
    category: str
    stage: str
    samples: np.ndarray | None
    emissions_kgco2e: float


@dataclass
class Scenario:
    """A validated production with what the engine needs beside it."""

    production: Any
    records: Sequence[Any] = ()

    @property
    def name(self) -> str:
        return str(self.production.name)


def run(sc: Scenario, table: FactorTable, sampler: MonteCarlo | None, exclude: Sequence[str] = ()) -> Footprint:
    return footprint(sc.production, table, sampler=sampler, records=sc.records, exclude=exclude)


def total_samples(fp: Footprint, n: int) -> np.ndarray:
    total = np.zeros(n)
    for line in fp.lines:
        total = total + (line.samples if line.samples is not None else line.emissions_kgco2e)
    return total


def estimate_mc(
    sc: Scenario,
    table: FactorTable,
    samples: int,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    exclude: Sequence[str] = (),
    progress: Progress | None = None,
) -> Footprint:
    """The deterministic footprint, with medians and intervals from ``samples`` draws beside it
    (computed in chunks of :data:`CHUNK_DRAWS`, ``progress`` called after each)."""
    fp = run(sc, table, None, exclude)
    sizes = chunks(samples)
    if len(sizes) == 1:
        sampler = MonteCarlo(samples, seed)
        fp_mc = run(sc, table, sampler, exclude)
        lines: Sequence[Any] = fp_mc.lines
    else:
        streams: dict[tuple[str, str], np.random.Generator] = {}
        parts: list[Footprint] = []
        for size in sizes:
            sampler = MonteCarlo(size, seed, streams=streams)
            parts.append(run(sc, table, sampler, exclude))
            if progress is not None:
                progress(sum(sizes[: len(parts)]))
        fp_mc = parts[0]
        lines = [_joined(i, parts, sizes) for i in range(len(fp_mc.lines))]
    _, summary = summarize_samples(lines, level, samples)
    fp.uncertainty = _uncertainty_block(summary, fp, samples, seed, level, sampler)
    fp.warnings.extend(w for w in fp_mc.warnings if w.code == "uncertainty-default" and w not in fp.warnings)
    few = too_few_draws(samples, level)
    if few:
        from shootprint.model import ResultWarning

        fp.warnings.append(ResultWarning("too-few-draws", few))
    return fp


def _joined(index: int, parts: Sequence[Footprint], sizes: Sequence[int]) -> _Line:
    """Line ``index`` of a run in chunks: its draws end to end, their median as its emissions."""
    line = parts[0].lines[index]
    draws = [p.lines[index].samples for p in parts]
    if any(d is None for d in draws):  # no uncertain input: the same value in every chunk
        return _Line(line.id, line.category, line.stage, None, line.emissions_kgco2e)
    joined = np.concatenate([np.broadcast_to(d, (n,)) for d, n in zip(draws, sizes, strict=True)])
    return _Line(line.id, line.category, line.stage, joined, float(np.median(joined)))


def _uncertainty_block(
    summary: dict[str, Any],
    fp: Footprint,
    samples: int,
    seed: int,
    level: float,
    sampler: MonteCarlo,
) -> dict[str, Any]:
    defaulted = sorted(k for k, d in sampler.seen.items() if d.defaulted)
    one = samples == 1
    return {
        "samples": samples,
        "seed": seed,
        "level": level,
        "deterministic_kgco2e": fp.total_kgco2e,
        "note": (
            "the value of one Monte Carlo draw, with no interval; deterministic_kgco2e uses central values"
            if one
            else "median and interval from Monte Carlo draws; deterministic_kgco2e uses central values"
        ),
        **({"no_interval": NO_INTERVAL} if one else {}),
        **summary,
        "inputs": {k: d.describe() for k, d in sorted(sampler.seen.items())},
        "defaulted_uncertainty": defaulted,
    }


@dataclass
class ComparisonMC:
    names: list[str]
    deterministic: list[Footprint]
    totals: dict[str, np.ndarray]
    level: float
    samples: int
    seed: int
    common: bool
    reference: str  # the scenario ratios are taken to (lowest deterministic total)
    inputs: dict[str, Any] = field(default_factory=dict)

    def ratio(self, a: str, b: str) -> np.ndarray:
        return self.totals[a] / self.totals[b]

    def ratio_interval(self, a: str, b: str) -> dict[str, float] | None:
        """The ratio's median and interval; None where b's total can be 0 (no ratio exists)."""
        if np.any(self.totals[b] == 0):
            return None
        return interval(self.ratio(a, b), self.level, draws=self.samples).to_dict()

    @property
    def pairwise(self) -> bool:
        """Whether every ordered pair is compared (up to :data:`PAIRWISE_MAX` productions)."""
        return len(self.names) <= PAIRWISE_MAX

    def to_dict(self) -> dict[str, Any]:
        names, ref = self.names, self.reference
        if self.pairwise:
            ratios: dict[str, dict[str, Any]] | None = {
                a: {b: self.ratio_interval(a, b) for b in names if b != a} for a in names
            }
            against = {a: [b for b in names if b != a] for a in names}
        else:  # each against the reference: linear in the number of productions
            ratios = None
            against = {a: [ref] if a != ref else [] for a in names}
        out: dict[str, Any] = {
            **({"warning": few} if (few := too_few_draws(self.samples, self.level)) else {}),
            "samples": self.samples,
            "seed": self.seed,
            "level": self.level,
            "common_random_numbers": self.common,
            "reference": ref,
            "pairwise_max": PAIRWISE_MAX,
            **({"no_interval": NO_INTERVAL} if self.samples == 1 else {}),
            "totals_kgco2e": {n: interval(t, self.level, draws=self.samples).to_dict() for n, t in self.totals.items()},
            "ratios_to_reference": {n: self.ratio_interval(n, ref) for n in names},
            "ratios": ratios,
            "probability_lower": {
                a: {b: probability_less(self.totals[a], self.totals[b]) for b in against[a]} for a in names
            },
        }
        return out


def compare_mc(
    scenarios: Sequence[Scenario],
    table: FactorTable,
    samples: int,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    exclude: Sequence[str] = (),
    common: bool = True,
    progress: Progress | None = None,
) -> ComparisonMC:
    """Every scenario drawn with the same seed and keys: shared factors take the same draws
    (in chunks of :data:`CHUNK_DRAWS`, ``progress`` called after each)."""
    names = _unique_names(scenarios)
    det = [run(sc, table, None, exclude) for sc in scenarios]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    inputs: dict[str, Any] = {}
    sizes = chunks(samples)
    streams: dict[tuple[str, str], np.random.Generator] | None = {} if len(sizes) > 1 else None
    for done, size in enumerate(sizes, start=1):
        shared: dict[Any, np.ndarray] = {}  # with common random numbers, a shared factor is drawn once
        bases: dict[tuple[str, str], np.ndarray] = {}
        for name, sc in zip(names, scenarios, strict=True):
            sampler = MonteCarlo(size, seed, common=common, salt=name, medians=False, streams=streams)
            if common:
                sampler.draws = shared
            sampler.bases = bases
            fp = run(sc, table, sampler, exclude)
            parts[name].append(total_samples(fp, size))
            inputs.update({k: d.describe() for k, d in sampler.seen.items()})
        if progress is not None and len(sizes) > 1:
            progress(sum(sizes[:done]))
    totals = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    reference = names[int(np.argmin([fp.total_kgco2e for fp in det]))]
    return ComparisonMC(names, det, totals, level, samples, seed, common, reference, inputs)


def _unique_names(scenarios: Sequence[Scenario]) -> list[str]:
    return unique_names([sc.name for sc in scenarios])


# -- sensitivity -------------------------------------------------------------------------


def _input_names(key: str, table: FactorTable) -> dict[str, str]:
    """A Sobol input's name in English and French: its factor's name (empty for a quantity, which
    its path names)."""
    if not key.startswith("factor:"):
        return {"name": "", "name_fr": ""}
    try:
        row = table.get(key.removeprefix("factor:"))
    except Exception:  # noqa: BLE001 (an input the table cannot name: its key says what it is)
        return {"name": "", "name_fr": ""}
    return {"name": row.name("en"), "name_fr": row.name_fr or ""}  # no French name: none given


def discover_inputs(scenarios: Sequence[Scenario], table: FactorTable, exclude: Sequence[str] = ()) -> dict[str, Any]:
    """Every uncertain input (factor or quantity key) the scenarios draw, with its distribution."""
    seen: dict[str, Any] = {}
    for sc in scenarios:
        sampler = MonteCarlo(2, 0, medians=False)
        run(sc, table, sampler, exclude)
        seen.update(sampler.seen)
    return seen


def sensitivity(
    scenarios: Sequence[Scenario],
    table: FactorTable,
    base_samples: int = 512,
    seed: int = 0,
    exclude: Sequence[str] = (),
    top: int | None = None,
) -> dict[str, Any]:
    """Sobol indices (:mod:`shootprint.sobol`) of a total (one scenario) or of the ratio of two scenarios.

    Inputs are the uniforms behind each uncertain factor and quantity, so every input's own
    distribution is kept; first-order (S1) and total (ST) indices rank them by share of variance.
    Tornado data: the output with each input at its 5th and 95th percentile, others at their median.
    """
    from shootprint import sobol

    if len(scenarios) not in (1, 2):
        raise ValueError(Message("sensitivity takes one production (its total) or two (their ratio)"))
    inputs = discover_inputs(scenarios, table, exclude)
    keys = sorted(inputs)
    target = "total_kgco2e" if len(scenarios) == 1 else "ratio"
    if not keys:  # nothing uncertain: the output is its central value, with nothing to apportion
        totals = [run(sc, table, None, exclude).total_kgco2e for sc in scenarios]
        ratio = totals[0] if len(totals) == 1 else (totals[0] / totals[1] if totals[1] else float("nan"))
        value = float(ratio) if np.isfinite(ratio) else None
        return {
            "target": target,
            "scenarios": [sc.name for sc in scenarios],
            "base_samples": base_samples,
            "evaluations": 0,
            "seed": seed,
            "output_at_medians": value,
            "output_mean": value,
            "output_variance": 0.0 if value is not None else None,
            "note": "no uncertain input",
            "inputs": [],
        }
    x = sobol.saltelli_design(base_samples, len(keys), seed)  # points inside (0, 1), never on its ends

    def model(u: np.ndarray) -> np.ndarray:
        uniforms = {k: u[:, i] for i, k in enumerate(keys)}
        shared: dict[Any, np.ndarray] = {}
        totals = [
            total_samples(
                run(sc, table, MonteCarlo(len(u), seed, uniforms=uniforms, draws=shared, medians=False), exclude),
                len(u),
            )
            for sc in scenarios
        ]
        return totals[0] if len(totals) == 1 else totals[0] / totals[1]

    y = model(x)
    variance = float(np.var(y))
    constant = variance <= 1e-12 * max(1.0, float(np.mean(y)) ** 2)
    if constant:  # e.g. a ratio whose shared factors cancel: nothing to apportion
        zeros = np.zeros(len(keys))
        si = {"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}
    else:
        found = sobol.analyze(y, len(keys), seed)
        si = {"S1": found.S1, "S1_conf": found.S1_conf, "ST": found.ST, "ST_conf": found.ST_conf}
    # tornado: each input at 5 % and 95 %, the others at their median
    d = len(keys)
    grid = np.full((2 * d, d), 0.5)
    for i in range(d):
        grid[2 * i, i] = 0.05
        grid[2 * i + 1, i] = 0.95
    t = model(grid)
    base = float(model(np.full((1, d), 0.5))[0])
    rows = []
    for i, k in enumerate(keys):
        rows.append(
            {
                "input": k,
                **_input_names(k, table),
                "distribution": inputs[k].describe(),
                "S1": float(si["S1"][i]),
                "S1_conf": float(si["S1_conf"][i]),
                "ST": float(si["ST"][i]),
                "ST_conf": float(si["ST_conf"][i]),
                "at_p05": float(t[2 * i]),
                "at_p95": float(t[2 * i + 1]),
                "swing": float(abs(t[2 * i + 1] - t[2 * i])),
            }
        )
    rows.sort(key=lambda r: -r["ST"])
    return {
        "target": target,
        "scenarios": [sc.name for sc in scenarios],
        "base_samples": base_samples,
        "evaluations": int(len(x)),
        "seed": seed,
        "output_at_medians": base,
        "output_mean": float(np.mean(y)),
        "output_variance": variance,
        "note": "the output does not vary: every uncertain input cancels or is absent" if constant else "",
        "inputs": rows[:top] if top else rows,
    }


# -- forecast vs final -------------------------------------------------------------------


def diff(forecast: Footprint, final: Footprint) -> dict[str, Any]:
    """Planned against actual, line by line (matched by line id)."""
    a = {line.id: line for line in forecast.lines}
    b = {line.id: line for line in final.lines}
    change_total = final.total_kgco2e - forecast.total_kgco2e
    rows: list[dict[str, Any]] = []
    for line_id in list(a) + [i for i in b if i not in a]:
        la, lb = a.get(line_id), b.get(line_id)
        before = la.emissions_kgco2e if la else 0.0
        after = lb.emissions_kgco2e if lb else 0.0
        change = after - before
        rows.append(
            {
                "id": line_id,
                "status": "added" if la is None else "removed" if lb is None else "changed" if change else "same",
                "category": (lb or la).category,  # type: ignore[union-attr]
                "label": str((lb or la).label),  # type: ignore[union-attr]
                "label_fr": render((lb or la).label, "fr"),  # type: ignore[union-attr]
                "forecast_kgco2e": before,
                "final_kgco2e": after,
                "change_kgco2e": change,
                "share_of_change": (change / change_total) if change_total else None,
                "forecast_quantity": la.quantity if la else None,
                "final_quantity": lb.quantity if lb else None,
                "unit": (lb or la).unit,  # type: ignore[union-attr]
            }
        )
    rows.sort(key=lambda r: -abs(r["change_kgco2e"]))
    return {
        "forecast": forecast.name,
        "final": final.name,
        "forecast_total_kgco2e": forecast.total_kgco2e,
        "final_total_kgco2e": final.total_kgco2e,
        "change_kgco2e": change_total,
        "change_pct": (change_total / forecast.total_kgco2e * 100) if forecast.total_kgco2e else None,
        "lines": rows,
    }


# -- break-even --------------------------------------------------------------------------


def breakeven(
    evaluate: Callable[[float], float],
    target: float,
    start: float = 1.0,
    lowest: float = 0.0,
    highest: float = 1e9,
) -> float | None:
    """The value x at which ``evaluate(x) == target``: bracketed from ``start``, then Brent's method.

    ``evaluate`` is the total of the scenario whose input varies; ``target`` the other's total. The
    bracket grows from ``start`` (×4 up to ``highest``, ÷4 down to ``lowest``); a value the production
    refuses (``evaluate`` raises InputError, e.g. zero iterations) ends the search in that direction.
    Returns None when no accepted value reaches the target (e.g. the option stays lower).
    """
    from scipy.optimize import brentq

    from shootprint.errors import InputError

    def f(x: float) -> float | None:
        try:
            return evaluate(x) - target
        except InputError:
            return None

    x0 = start if start > 0 else 1.0
    f0 = f(x0)
    if f0 is None:
        raise InputError(Message("the varied input is refused at its starting value {x0}", x0=Exact(x0)))
    if f0 == 0:
        return x0
    points = [(x0, f0)]
    up, down = x0, x0
    while up < highest or down > lowest:
        if up < highest:
            up = min(up * 4, highest)
            fu = f(up)
            if fu is None:
                up = highest
            else:
                points.append((up, fu))
                if np.sign(fu) != np.sign(f0):
                    return float(brentq(lambda x: f(x) or 0.0, x0, up, xtol=1e-9, rtol=1e-10))
        if down > lowest:
            down = down / 4 if down / 4 > max(lowest, 1e-9) else lowest
            fd = f(down)
            if fd is None:
                down = lowest
            else:
                points.append((down, fd))
                if np.sign(fd) != np.sign(f0):
                    return float(brentq(lambda x: f(x) or 0.0, down, x0, xtol=1e-9, rtol=1e-10))
    return None
