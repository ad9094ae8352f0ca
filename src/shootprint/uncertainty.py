"""Uncertainty: distributions, Monte Carlo with common random numbers, summaries, sensitivity.

The rule (written in docs/uncertainty.md, applied here):

* a published value is the median of its distribution;
* ADEME's ±p % is the 95 % half-width of a lognormal: σ = ln(1 + p/100) / 1.96, so the 97.5th
  percentile is value × (1 + p/100);
* a ``{low, central, high}`` judgement is triangular; when high/low exceeds 10 it is triangular in
  log space (so a range of orders of magnitude is not dominated by its top);
* a row with no uncertainty takes a default per source and category
  (``data/uncertainty_defaults.csv``), flagged in results with the warning ``uncertainty-default``;
* a quantity written as a range (``{low, high}``, ``value ± %``) is triangular (log space past ×10).

Draws are keyed by *what* is drawn — a factor's row id, a quantity's path (``parameters.crew``,
``activities.<id>.<field>``) — and seeded from (seed, key). Two scenarios that share a factor or a
parameter therefore get the same draws (common random numbers), so the interval of their ratio
reflects the options, not sampling noise.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from shootprint.engine import Sampler
from shootprint.factors import FactorRow, Resolved
from shootprint.i18n import N_, Message
from shootprint.model import QuantitySpec

Z_975 = 1.959963984540054  # standard normal 97.5th percentile
LOG_SPACE_RATIO = 10.0  # high/low above which a triangular judgement is sampled in log space


@dataclass(frozen=True, slots=True)
class Distribution:
    """``kind``: lognormal (median, sigma), triangular (low, mode, high), logtriangular, fixed."""

    kind: str
    a: float
    b: float = 0.0
    c: float = 0.0
    rule: str = ""
    defaulted: bool = False
    note: Message | None = None  # the rule as a translatable message, for the warning it gives

    def from_uniform(self, u: np.ndarray, z: np.ndarray | None = None) -> np.ndarray:
        """Draws from uniforms ``u`` in (0, 1) (and standard normals ``z`` for the lognormal)."""
        if self.kind == "fixed":
            return np.full_like(u, self.a)
        if self.kind == "lognormal":
            if z is None:
                z = normal_ppf(u)
            sign = -1.0 if self.a < 0 else 1.0
            return sign * abs(self.a) * np.exp(self.b * z)
        if self.kind == "triangular":
            return _triangular(u, self.a, self.b, self.c)
        if self.kind == "logtriangular":
            return np.exp(_triangular(u, math.log(self.a), math.log(self.b), math.log(self.c)))
        raise ValueError(self.kind)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"distribution": self.kind, "rule": self.rule}
        if self.kind == "lognormal":
            out.update(median=self.a, sigma_log=self.b)
        elif self.kind in ("triangular", "logtriangular"):
            out.update(low=self.a, mode=self.b, high=self.c)
        if self.defaulted:
            out["defaulted"] = True
        return out


def _polynomial(coefficients: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    out = np.full_like(r, coefficients[0])
    for c in coefficients[1:]:
        out = out * r + c
    return out


# Wichura's algorithm AS241 (PPND16), Applied Statistics 37 (3), 477–484 (1988), doi:10.2307/2347330:
# the coefficients of its three rational approximations, highest power first (about 1e-16 relative)
_AS241 = (
    (
        (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
         13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608),
        (5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
         5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0),
    ),
    (
        (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
         3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734),
        (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
         0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0),
    ),
    (
        (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
         0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772),
        (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
         7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0),
    ),
)  # fmt: skip


def normal_ppf(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each ``u`` in (0, 1) (Wichura's AS241, as Python's
    ``statistics.NormalDist.inv_cdf``), in numpy: no SciPy import for a sensitivity analysis."""
    u = np.asarray(u, dtype=float)
    q = u - 0.5
    out = np.empty_like(q)
    central = np.abs(q) <= 0.425
    if central.any():
        qc = q[central]
        r = 0.180625 - qc * qc
        num, den = _AS241[0]
        out[central] = qc * _polynomial(num, r) / _polynomial(den, r)
    tails = ~central
    if tails.any():
        qt = q[tails]
        with np.errstate(divide="ignore"):
            r = np.sqrt(-np.log(np.where(qt <= 0.0, u[tails], 1.0 - u[tails])))
        x = np.full_like(r, np.inf)  # u of exactly 0 or 1: an infinite quantile
        near = r <= 5.0
        for mask, shift, (num, den) in ((near, 1.6, _AS241[1]), ((r > 5.0) & np.isfinite(r), 5.0, _AS241[2])):
            if mask.any():
                rr = r[mask] - shift
                x[mask] = _polynomial(num, rr) / _polynomial(den, rr)
        out[tails] = np.where(qt < 0.0, -x, x)
    return out


def _triangular(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    if high <= low:
        return np.full_like(u, mode)
    fc = (mode - low) / (high - low)
    left = u < fc
    # one square root per draw: of u·(h−l)(m−l) left of the mode, of (1−u)·(h−l)(h−m) right of it
    x = np.where(left, u * ((high - low) * (mode - low)), (1 - u) * ((high - low) * (high - mode)))
    np.sqrt(x, out=x)
    return np.where(left, low + x, high - x)


def lognormal_from_pct(value: float, pct: float, rule: str, defaulted: bool = False) -> Distribution:
    sigma = math.log1p(pct / 100.0) / Z_975
    return Distribution("lognormal", value, sigma, rule=rule, defaulted=defaulted)


def triangular_of(low: float, mode: float, high: float, rule: str) -> Distribution:
    if low > 0 and high / low > LOG_SPACE_RATIO:
        mode = min(max(mode, low), high)
        return Distribution("logtriangular", low, mode, high, rule=rule + " (log space: high/low > 10)")
    return Distribution("triangular", low, mode, high, rule=rule)


@dataclass(frozen=True, slots=True)
class DefaultRule:
    source_prefix: str
    category_prefix: str
    pct: float
    reason: str


@cache
def default_rules(path: Path | None = None) -> tuple[DefaultRule, ...]:
    path = path or Path(str(resources.files("shootprint.data").joinpath("uncertainty_defaults.csv")))
    with path.open(encoding="utf-8", newline="") as fh:
        rules = [
            DefaultRule(r["source_prefix"], r["category_prefix"], float(r["pct"]), r["reason"])
            for r in csv.DictReader(fh)
        ]
    # most specific first
    rules.sort(key=lambda r: (-len(r.source_prefix), -len(r.category_prefix)))
    return tuple(rules)


def default_for(row: FactorRow, category: str) -> DefaultRule:
    for rule in default_rules():
        if row.id.startswith(rule.source_prefix) and (category or row.category).startswith(rule.category_prefix):
            return rule
    raise LookupError(f"no default uncertainty rule matches {row.id}")


def factor_distribution(resolved: Resolved, category: str = "") -> Distribution:
    """The distribution of a factor's value (in the unit of the row holding the value)."""
    value = resolved.value
    row = resolved.uncertainty_row or resolved.row
    if row.uncertainty_kind in ("published", "judgement"):
        if row.low is not None and row.high is not None:
            # bounds given on an alias row are in the same unit as the value it resolves to
            rule = f"{row.uncertainty_kind} range of {row.id}"
            low, high = row.low, row.high
            if not low <= value <= high:
                low, high = min(low, value), max(high, value)
                rule += " (widened to contain the value used)"
            return triangular_of(low, value, high, rule)
        if row.uncertainty_pct is not None:
            return lognormal_from_pct(
                value,
                row.uncertainty_pct,
                f"{row.uncertainty_kind} ±{row.uncertainty_pct:g} % of {row.id} as 95 % lognormal",
            )
    default = default_for(resolved.row, category)
    dist = lognormal_from_pct(
        value,
        default.pct,
        f"no published uncertainty: default ±{default.pct:g} % for {default.source_prefix}*/"
        f"{default.category_prefix or 'any'} ({default.reason})",
        defaulted=True,
    )
    note = Message(
        N_("no published uncertainty: default ±{pct} % for {rows} ({reason})"),
        pct=float(default.pct),
        rows=f"{default.source_prefix}*/{default.category_prefix or '*'}",
        reason=Message(default.reason),  # the reasons of uncertainty_defaults.csv are in the catalog
    )
    return replace(dist, note=note)


def quantity_distribution(spec: QuantitySpec) -> Distribution:
    assert spec.low is not None and spec.high is not None
    return triangular_of(spec.low, spec.central, spec.high, "range written in the production file")


def key_seed(seed: int, key: str) -> list[int]:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return [seed & 0xFFFFFFFF, int.from_bytes(digest, "little")]


@dataclass
class MonteCarlo(Sampler):
    """Draws keyed by what is drawn; ``uniforms`` (key → u) replaces the generator (Sobol).

    ``draws``: a cache of draws by (key, distribution) that several samplers of one comparison
    share: with common random numbers a factor two productions use is drawn once, not once each
    (the draws are the same either way: they are seeded from the seed and the key).
    """

    n: int
    seed: int = 0
    common: bool = True  # common random numbers across scenarios (False: scenario-salted keys)
    salt: str = ""
    uniforms: Mapping[str, np.ndarray] | None = None
    seen: dict[str, Distribution] = field(default_factory=dict)
    draws: dict[tuple[str, str, float, float, float], np.ndarray] = field(default_factory=dict)
    medians: bool = True
    #: a run in chunks: each key's generator, kept from one chunk's sampler to the next, so the
    #: chunks' draws, end to end, are the draws of one run of all the samples (None: one run)
    streams: dict[tuple[str, str], np.random.Generator] | None = None
    #: the uniforms ("u") or standard normals ("z") behind each key's draws in this sampler
    bases: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def _base(self, full_key: str, kind: str) -> np.ndarray:
        cached = self.bases.get((full_key, kind))
        if cached is not None:
            return cached
        rng = self.streams.get((full_key, kind)) if self.streams is not None else None
        if rng is None:
            rng = np.random.default_rng(key_seed(self.seed, full_key))
            if self.streams is not None:
                self.streams[(full_key, kind)] = rng
        base = rng.standard_normal(self.n) if kind == "z" else rng.random(self.n)
        self.bases[(full_key, kind)] = base
        return base

    def _draw(self, key: str, dist: Distribution) -> np.ndarray:
        self.seen.setdefault(key, dist)
        full_key = key if self.common else f"{self.salt}|{key}"
        cache_key = (full_key, dist.kind, dist.a, dist.b, dist.c)
        cached = self.draws.get(cache_key)
        if cached is not None:
            return cached
        if self.uniforms is not None:
            u = self.uniforms.get(key)
            if u is None:  # an input not varied in this analysis: its median
                u = np.full(self.n, 0.5)
            draws = dist.from_uniform(u)
        elif dist.kind == "lognormal":
            draws = dist.from_uniform(np.empty(self.n), self._base(full_key, "z"))
        else:
            draws = dist.from_uniform(self._base(full_key, "u"))
        draws.flags.writeable = False  # shared: a formula must not change the draws in place
        self.draws[cache_key] = draws
        return draws

    def factor(self, row_id: str, resolved: Resolved, category: str) -> tuple[Any, dict[str, Any]]:
        dist = factor_distribution(resolved, category)
        draws = self._draw(f"factor:{resolved.row.id}", dist)
        info = dist.describe()
        if dist.note is not None:
            info["_message"] = dist.note  # for the engine's warning; not part of the results
        return draws, info

    def quantity(self, key: str, spec: QuantitySpec) -> Any:
        return self._draw(key, quantity_distribution(spec))


# -- summaries ---------------------------------------------------------------------------


#: why an interval is null: one draw spreads over nothing, so its low and high say nothing either
NO_INTERVAL = "one draw has no interval: low and high are null (the warning too-few-draws says how many draws to run)"


@dataclass(frozen=True, slots=True)
class Interval:
    """A median and the central ``level`` interval; ``low``/``high`` are None when there is no interval
    (a run of one draw), with ``no_interval`` saying why."""

    median: float
    low: float | None
    high: float | None
    level: float
    no_interval: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"median": self.median, "low": self.low, "high": self.high, "level": self.level}
        if self.no_interval is not None:
            out["no_interval"] = self.no_interval
        return out


def interval(
    samples: np.ndarray, level: float = 0.90, median: float | None = None, draws: int | None = None
) -> Interval:
    """The median and the central ``level`` interval of ``samples`` (``median`` when already known).

    ``draws``: the run's number of draws, where ``samples`` may be a constant standing for all of them;
    a run of one draw gives its value as the median and no interval (``low``/``high`` None)."""
    if draws == 1:
        value = float(median) if median is not None else float(np.median(samples))
        return Interval(value, None, None, level, NO_INTERVAL)
    tail = (1 - level) / 2 * 100
    if median is not None:
        lo, hi = np.percentile(samples, [tail, 100 - tail])
        return Interval(float(median), float(lo), float(hi), level)
    lo, med, hi = np.percentile(samples, [tail, 50.0, 100 - tail])
    return Interval(float(med), float(lo), float(hi), level)


def summarize_samples(
    lines: Sequence[Any], level: float = 0.90, draws: int | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Total draws and the interval of the total, of each category, stage and line (``draws``: the
    run's number of draws; one draw gives no interval, see :func:`interval`)."""
    total = None
    by_cat: dict[str, np.ndarray] = {}
    by_stage: dict[str, np.ndarray] = {}
    per_line: dict[str, Any] = {}
    for line in lines:
        s = line.samples if line.samples is not None else np.asarray(line.emissions_kgco2e)
        s = np.broadcast_to(s, s.shape if np.ndim(s) else (1,)).astype(float)
        total = s if total is None else total + s
        by_cat[line.category] = by_cat.get(line.category, 0.0) + s
        by_stage[line.stage] = by_stage.get(line.stage, 0.0) + s
        # a line with draws carries their median already (its emissions figure): not computed again
        known = line.emissions_kgco2e if line.samples is not None else None
        per_line[line.id] = interval(np.atleast_1d(s), level, known, draws).to_dict()
    if total is None:
        total = np.zeros(1)
    return total, {
        "total_kgco2e": interval(np.atleast_1d(total), level, draws=draws).to_dict(),
        "by_category": {k: interval(np.atleast_1d(v), level, draws=draws).to_dict() for k, v in by_cat.items()},
        "by_stage": {k: interval(np.atleast_1d(v), level, draws=draws).to_dict() for k, v in by_stage.items()},
        "lines": per_line,
    }


def probability_less(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a < b))


def unique_warnings(items: Iterable[Any]) -> list[Any]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for w in items:
        known = getattr(w, "key", None)  # a ResultWarning: told apart without formatting its sentence
        key = known[:3] if known is not None else (w.code, w.message)
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


# -- too few draws ---------------------------------------------------------------------------------


def too_few_draws(samples: int, level: float) -> str | None:
    """A warning when ``samples`` draws cannot place the ends of a ``level`` interval (None if they can).

    Each end needs at least 10 draws beyond it to be more than noise.
    """
    from shootprint.i18n import N_, Message

    tail = (1 - level) / 2
    need = math.ceil(10 / tail) if tail > 0 else samples
    if samples < need:
        return Message(
            N_(
                "{samples} draws are too few for a {pct} % interval: each end rests on fewer than 10 draws; "
                "use --samples {need} or more"
            ),
            samples=samples,
            pct=round(level * 100, 1),
            need=need,
        )
    return None
