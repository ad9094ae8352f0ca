"""The calculation: a production and a factor table in, a footprint out.

Pure: no file, clock or network. Each activity goes to the compute function its category module
registered; those functions do plain arithmetic through a :class:`Context`, so the same formulas
run on floats (deterministic mode) and on numpy arrays of Monte Carlo draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from shootprint import units
from shootprint._version import __version__
from shootprint.errors import FactorError, InputError
from shootprint.factors import FactorTable, Resolved
from shootprint.i18n import N_, Joined, Message, said
from shootprint.model import (
    OPERATIONS,
    ActivityBase,
    FactorUse,
    Footprint,
    LineItem,
    QuantitySpec,
    ResultWarning,
    warning_key,
)

if TYPE_CHECKING:
    from shootprint.production import Production

Num = Any  # float, or numpy array of draws


class Sampler:
    """Draws for uncertain factors and quantities (see :mod:`shootprint.uncertainty`).

    Keys name what is drawn (a factor's resolved id, a quantity's path), so two scenarios that
    share a factor or a parameter get the same draws: common random numbers.
    """

    n: int
    #: whether each line's median is computed beside its draws (False where only the draws are read:
    #: comparisons and sensitivity; the line's figure is then the draws' mean)
    medians: bool = True

    def factor(self, row_id: str, resolved: Resolved, category: str) -> tuple[Any, dict[str, Any]]:
        raise NotImplementedError

    def quantity(self, key: str, spec: QuantitySpec) -> Any:
        raise NotImplementedError


def step(use: FactorUse, operation: str) -> FactorUse:
    """``use`` as a step of a line's chain that is not a plain ``×`` (a copy: a factor is shared)."""
    assert operation in OPERATIONS, operation
    return _copy_use(use, operation)


def _use_copier() -> Callable[[FactorUse, str], FactorUse]:
    """``FactorUse(id=use.id, …, operation=operation)`` written out for every field: about 7 times
    faster than ``dataclasses.replace``, and a footprint makes tens of these copies per activity."""
    names = [f.name for f in fields(FactorUse) if f.name != "operation"]
    args = ", ".join(f"{n}=use.{n}" for n in names)
    namespace: dict[str, Any] = {"FactorUse": FactorUse}
    exec(f"def copy(use, operation):\n    return FactorUse({args}, operation=operation)\n", namespace)  # noqa: S102
    copier: Callable[[FactorUse, str], FactorUse] = namespace["copy"]
    return copier


_copy_use = _use_copier()


def in_quantity(uses: list[FactorUse]) -> list[FactorUse]:
    """Factors that made a line's quantity (power × hours, a detour …): shown, not applied again."""
    return [step(u, "in quantity") for u in uses]


@dataclass(slots=True)
class Draft:
    """What a category function returns for one line; the engine completes it into a LineItem."""

    label: str
    quantity: Num
    unit: str
    factors: list[FactorUse]
    emissions_kgco2e: Num
    quantity_status: str = "input"
    suffix: str = ""  # line id = activity id + "/" + suffix when an activity gives several lines
    category: str | None = None  # defaults to the module's CATEGORY
    tag: str = ""  # e.g. "training": what --exclude matches besides the category
    warnings: list[ResultWarning] = field(default_factory=list)
    indicators: dict[str, Num] = field(default_factory=dict)
    primary: int = 0  # index in ``factors`` of the primary factor
    factor_status: str | None = None


Compute = Callable[[Any, "Context"], list[Draft]]


@dataclass
class Context:
    """What a category function may use: factors, quantities, parameters, warnings."""

    table: FactorTable
    parameters: Mapping[str, QuantitySpec]
    sampler: Sampler | None = None
    records: Sequence[Any] = ()  # tracker records (measured energy of AI jobs)
    default_region: str | None = None  # the production's country, for activities without one
    activity: ActivityBase | None = None
    _warnings: list[ResultWarning] = field(default_factory=list)
    _factor_cache: dict[tuple[str, str, str | None, str], tuple[FactorUse, list[tuple[str, str, dict[str, Any]]]]] = (
        field(default_factory=dict)
    )
    _overrides_used: set[str] = field(default_factory=set)
    _warning_keys: set[tuple[Any, ...]] = field(default_factory=set)  # de-duplication, O(1)

    # -- quantities ---------------------------------------------------------------------------
    def q(self, activity: ActivityBase, field_name: str, default: float | None = None) -> Num:
        """The value of a quantity field (draws in Monte Carlo), parameters resolved."""
        spec = getattr(activity, field_name)
        if spec is None:
            if default is None:
                raise InputError(Message("activities.{id}.{field}: required", id=activity.id, field=field_name))
            return default
        return self.value_of(spec, f"activities.{activity.id}.{field_name}")

    def value_of(self, spec: QuantitySpec, key: str) -> Num:
        if spec.expr is not None:  # $a * $b, $a + 1 …: each parameter drawn once, under its own key
            from shootprint import expressions

            def parameter(name: str) -> Num:
                pspec = self.parameters[name]
                value = self.value_of(pspec, f"parameters.{name}")
                return value * units.convert(1.0, pspec.unit, spec.unit) if pspec.unit else value

            return expressions.evaluate(spec.expr, parameter)
        if spec.param:
            pspec = self.parameters[spec.param]
            scale = spec.scale * units.convert(1.0, pspec.unit, spec.unit) if pspec.unit else spec.scale
            return self.value_of(pspec, f"parameters.{spec.param}") * scale
        if self.sampler is not None and spec.is_range:
            return self.sampler.quantity(key, spec)
        return spec.central

    def q_or_default(
        self, activity: ActivityBase, field_name: str, default_id: str, role: str, unit: str, chain: list[FactorUse]
    ) -> Num:
        """The field's value when the file gives it, else the sourced default row (added to ``chain``)."""
        if getattr(activity, field_name) is not None:
            return self.q(activity, field_name)
        use = self.factor(default_id, role, unit)
        chain.append(use)
        return v(use)

    def status_of(self, activity: ActivityBase, field_name: str) -> str:
        spec = getattr(activity, field_name, None)
        if spec is None:
            return "default"
        return "parameter" if isinstance(spec, QuantitySpec) and spec.param else "input"

    # -- factors ------------------------------------------------------------------------------
    def factor(
        self,
        factor_id: str,
        role: str = "emission factor",
        expect_unit: str | None = None,
        status: str = "default",
    ) -> FactorUse:
        """The factor with this id, followed through aliases, as a link of a line's chain.

        ``expect_unit``: the unit the formula needs; a compatible unit is converted (kg ↔ t …),
        an incompatible one raises.
        """
        key = (factor_id, role, expect_unit, status)
        cached = self._factor_cache.get(key)
        if cached is not None:
            use, cached_notes = cached
            for code, template, params in cached_notes:  # each line that uses the factor carries its warnings
                self.warn(code, template, **params)
            return use
        resolved = self.table.resolve(factor_id)
        row = resolved.row
        # the unit conversion, name and uncertainty summary depend on the table only: built once per table
        value, unit, scale, name, uncertainty = self.table.memo(
            ("factor-use", factor_id, expect_unit), lambda: _use_basis(self.table, factor_id, resolved, expect_unit)
        )
        if resolved.overridden_id:
            status = "override"
            self._overrides_used.add(resolved.overridden_id)
        if row.kind == "not_a_factor":
            raise FactorError(Message("{factor} is not an emission factor ({unit})", factor=factor_id, unit=row.unit))
        use = FactorUse(
            id=factor_id,
            value=value,
            unit=unit,
            source=row.source,
            role=role,
            status=status,
            name=name,
            resolved_id=row.id,
            licence=row.licence,
            uncertainty=dict(uncertainty),
        )
        notes: list[tuple[str, str, dict[str, Any]]] = []
        if row.archived:
            notes.append(("factor-archived", N_("factor {id} is archived in its source"), {"id": row.id}))
        if self.sampler is not None:
            draws, info = self.sampler.factor(row.id, resolved, row.category)
            rule = info.pop("_message", None) if info else None
            if draws is not None:
                use.samples = draws * scale
            if info:
                use.uncertainty = {**use.uncertainty, **_scaled(info, scale)}
                if info.get("defaulted"):
                    notes.append(
                        (
                            "uncertainty-default",
                            N_("factor {id} publishes no uncertainty: {rule}"),
                            {"id": row.id, "rule": rule if rule is not None else Message(str(info.get("rule", "")))},
                        )
                    )
        for code, template, params in notes:
            self.warn(code, template, **params)
        self._factor_cache[key] = (use, notes)
        return use

    def main_factor(
        self,
        activity: ActivityBase,
        default_id: str,
        expect_unit: str,
        role: str = "emission factor",
    ) -> FactorUse:
        """The activity's pinned factor if it pins one, else the category's default."""
        if activity.factor:
            try:
                return self.factor(activity.factor, role, expect_unit, status="pinned")
            except FactorError as exc:
                raise InputError(Message("activities.{id}.factor: {error}", id=activity.id, error=said(exc))) from None
        return self.factor(default_id, role, expect_unit)

    def regional(self, prefix: str, region: str | None, role: str, expect_unit: str | None = None) -> FactorUse:
        """``prefix.REGION``, else ``prefix.WORLD`` with a warning naming the rule."""
        region = (region or "WORLD").upper()
        fid = f"{prefix}.{region}"
        if fid in self.table:
            return self.factor(fid, role, expect_unit)
        fallback = f"{prefix}.WORLD"
        self.warn(
            "region-fallback-world",
            N_("no factor {id}: used {fallback} (rule: a region without its own factor takes the world average)"),
            id=fid,
            fallback=fallback,
        )
        return self.factor(fallback, role, expect_unit)

    def param(self, factor_id: str, role: str, expect_unit: str | None = None) -> Num:
        """The value (or draws) of a sourced default parameter row."""
        return v(self.factor(factor_id, role, expect_unit, status="default"))

    # -- warnings -----------------------------------------------------------------------------
    def warn(self, code: str, template: str, /, **params: Any) -> None:
        """Warn with a stable ``code`` and an English ``template`` marked for translation, its
        ``{name}`` placeholders filled from ``params`` (floats, terms given as Messages): each shell
        shows it in its reader's language. ``warn(code, message)`` with a finished English sentence
        still works (shown in English unless the catalog has that very sentence)."""
        line_id = self.activity.id if self.activity is not None else None
        key = warning_key(code, template, params, line_id)  # the sentence itself is built when read
        if key not in self._warning_keys:
            self._warning_keys.add(key)
            self._warnings.append(ResultWarning(code, template, line_id, params=params))


def _use_basis(
    table: FactorTable, factor_id: str, resolved: Resolved, expect_unit: str | None
) -> tuple[float, str, float, str, dict[str, Any]]:
    """A factor's value and unit as a formula wants them, the scale between the two, its name and
    its uncertainty in that unit."""
    row = resolved.row
    value = resolved.value
    unit = row.unit
    if expect_unit and unit != expect_unit:
        value = _convert_factor(value, unit, expect_unit, factor_id)
        unit = expect_unit
    scale = value / resolved.value if resolved.value else 1.0  # the row's unit → the formula's
    name = table.get(factor_id).name() or row.name()
    return value, unit, scale, name, _scaled(_uncertainty_of(resolved.uncertainty_row or row), scale)


def v(use: FactorUse) -> Num:
    """The value of a factor in a formula: its draws in Monte Carlo mode, else its value."""
    return use.samples if use.samples is not None else use.value


def _convert_factor(value: float, unit: str, expect: str, factor_id: str) -> float:
    """kgCO2e/t → kgCO2e/kg and the like: a factor per X expressed per Y."""
    num_a, _, den_a = unit.partition("/")
    num_b, _, den_b = expect.partition("/")
    try:
        if num_a != num_b:
            value = units.convert(value, num_a, num_b)
        if den_a != den_b:
            # value per den_a = value / (den_a in den_b) per den_b
            value = value / units.convert(1.0, den_a.replace(".", "*"), den_b.replace(".", "*"))
    except ValueError:
        raise FactorError(
            Message(
                "factor {factor} is in {unit}; this line needs {expect}", factor=factor_id, unit=unit, expect=expect
            )
        ) from None
    return value


def _scaled(info: dict[str, Any], scale: float) -> dict[str, Any]:
    """Bounds stated in a row's unit, expressed in the unit the formula uses (kg/t → kg/kg …)."""
    if scale == 1.0:
        return info
    return {
        k: (v * scale if k in ("low", "high", "mode", "median") and isinstance(v, int | float) else v)
        for k, v in info.items()
    }


def _uncertainty_of(row: Any) -> dict[str, Any]:
    if row.uncertainty_kind == "published" and row.uncertainty_pct is not None:
        return {"kind": "published", "pct": row.uncertainty_pct}
    if row.uncertainty_kind in ("published", "judgement") and row.low is not None:
        return {
            "kind": row.uncertainty_kind,
            "low": row.low,
            "high": row.high,
            "reason": row.uncertainty_reason,
        }
    if row.uncertainty_kind == "judgement":
        return {"kind": "judgement", "pct": row.uncertainty_pct, "reason": row.uncertainty_reason}
    return {"kind": "none"}


# -- the footprint ---------------------------------------------------------------------------


def footprint(
    production: Production,
    table: FactorTable,
    *,
    sampler: Sampler | None = None,
    records: Sequence[Any] = (),
    exclude: Iterable[str] = (),
) -> Footprint:
    """The footprint of ``production`` with the factors of ``table``.

    ``exclude`` names categories or line tags (``training``) left out of the totals (listed in
    the result's ``excluded``). Every problem found in the activities is raised at once.
    """
    from shootprint.categories import compute_of

    ctx = Context(
        table=table,
        parameters=production.parameters,
        sampler=sampler,
        records=records,
        default_region=production.country,
    )
    excluded_tags = set(check_exclude(exclude))
    lines: list[LineItem] = []
    excluded: list[str] = []
    problems: list[str] = []
    for activity in production.activities:  # type: ignore[attr-defined]
        ctx.activity = activity
        category, compute = compute_of(activity.type)  # type: ignore[attr-defined]
        start = len(ctx._warnings)
        try:
            drafts = compute(activity, ctx)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except FactorError as exc:
            problems.append(Message("activities.{id}: {error}", id=activity.id, error=said(exc)))
            continue
        line_warnings = ctx._warnings[start:]
        for draft in drafts:
            line = _complete(draft, activity, category, line_warnings, sampler)
            if not math.isfinite(line.emissions_kgco2e) or not math.isfinite(line.quantity):
                problems.append(
                    Message(
                        "activities.{id}: its result is not a finite number (an input too large?); check the "
                        "quantities and the factor",
                        id=activity.id,
                    )
                )
                break
            if line.category in excluded_tags or draft.tag in excluded_tags:
                excluded.append(line.id)
                continue
            lines.append(line)
    ctx.activity = None
    if not problems and not math.isfinite(sum(line.emissions_kgco2e for line in lines)):
        problems.append(Message("the total is not a finite number (inputs too large?); check the quantities"))
    if problems:
        source = getattr(production, "_source", "")
        raise InputError([Joined([source, p], ": ") if source else p for p in problems])
    return summarize(production, table, lines, ctx._warnings, sorted(ctx._overrides_used), excluded)


def check_exclude(exclude: Iterable[str]) -> tuple[str, ...]:
    """The categories and line tags to leave out, checked: each name known; "a,b" is two names;
    case and spaces do not matter. InputError naming what is accepted otherwise."""
    from shootprint.categories import excludable

    accepted = excludable()
    out: list[str] = []
    problems: list[str] = []
    for item in exclude:
        if not isinstance(item, str):
            problems.append(
                Message(
                    "exclude: {given} is not a name; accepted: {accepted}",
                    given=repr(item),
                    accepted=", ".join(accepted),
                )
            )
            continue
        names = [n.strip().lower().replace(" ", "_") for n in item.split(",")]
        if not any(names):
            problems.append(Message("exclude: an empty name; accepted: {accepted}", accepted=", ".join(accepted)))
            continue
        for name in names:
            if not name:
                continue
            fixed = name.replace("-", "_") if name.replace("-", "_") in accepted else name
            if fixed not in accepted:
                import difflib

                from shootprint.yamlsafe import shown

                close = difflib.get_close_matches(fixed, accepted, n=2)
                hint = Message("; did you mean {close}?", close=", ".join(close)) if close else ""
                problems.append(
                    Message(
                        "exclude: unknown category or tag {given}; accepted: {accepted}{hint}",
                        given=shown(name),
                        accepted=", ".join(accepted),
                        hint=hint,
                    )
                )
            elif fixed not in out:
                out.append(fixed)
    if problems:
        raise InputError(problems)
    return tuple(out)


def _complete(
    d: Draft, activity: ActivityBase, category: str, warnings: list[ResultWarning], sampler: Sampler | None
) -> LineItem:
    primary = d.factors[d.primary] if d.factors else None
    emissions = d.emissions_kgco2e
    samples = None
    central = _median if sampler is None or sampler.medians else _mean
    if sampler is not None and not isinstance(emissions, float | int):
        samples = emissions
        emissions = central(emissions)
    quantity = d.quantity
    if not isinstance(quantity, float | int):
        quantity = central(quantity)
    indicators = {k: (float(val) if isinstance(val, float | int) else central(val)) for k, val in d.indicators.items()}
    line_id = activity.id + (f"/{d.suffix}" if d.suffix else "")
    status = d.factor_status or (primary.status if primary else "default")
    return LineItem(
        id=line_id,
        activity_id=activity.id,
        category=d.category or category,
        stage=activity.stage,
        label=d.label
        if not activity.label
        else (Message("{label} — {part}", label=activity.label, part=d.label) if d.suffix else activity.label),
        quantity=float(quantity),
        unit=d.unit,
        quantity_status=d.quantity_status,
        factor_id=primary.id if primary else "",
        factor_value=primary.value if primary else 0.0,
        source=primary.source if primary else "",
        factor_status=status,
        factors=d.factors,
        emissions_kgco2e=float(emissions),
        warnings=list(warnings) + list(d.warnings),
        reason=activity.reason,
        indicators=indicators,
        samples=samples,
    )


def _median(values: Any) -> float:
    import numpy as np

    return float(np.median(values))


def _mean(values: Any) -> float:
    import numpy as np

    return float(np.mean(values))


def summarize(
    production: Production,
    table: FactorTable,
    lines: list[LineItem],
    warnings: list[ResultWarning],
    overrides_used: list[str],
    excluded: list[str],
) -> Footprint:
    """Totals, breakdowns and intensities of a list of lines."""
    total = sum(line.emissions_kgco2e for line in lines)
    by_category: dict[str, float] = {}
    by_stage: dict[str, float] = {}
    indicators: dict[str, float] = {}
    for line in lines:
        by_category[line.category] = by_category.get(line.category, 0.0) + line.emissions_kgco2e
        by_stage[line.stage] = by_stage.get(line.stage, 0.0) + line.emissions_kgco2e
        for key, val in line.indicators.items():
            indicators[key] = indicators.get(key, 0.0) + val
    warnings = list(warnings)
    intensities: dict[str, float | None] = {}
    for key, denom, what in (
        ("per_still_image_kgco2e", production.deliverables.still_images, Message(N_("still images"))),
        ("per_film_second_kgco2e", production.deliverables.film_seconds, Message(N_("seconds of film"))),
        ("per_shoot_day_kgco2e", production.shoot_days, Message(N_("shoot days"))),
    ):
        if denom:
            intensities[key] = total / denom
        else:
            intensities[key] = None
            warnings.append(
                ResultWarning.of(
                    "intensity-denominator-zero", N_("{key}: the production has 0 {what}"), key=key, what=what
                )
            )
    return Footprint(
        name=production.name,
        lines=lines,
        total_kgco2e=total,
        by_category=by_category,
        by_stage=by_stage,
        intensities=intensities,
        versions={
            "code": __version__,
            "data": table.data_version(),
            "factor_set": table.factor_set,
        },
        warnings=warnings,
        metadata=production.metadata_dict(),
        indicators=indicators,
        overrides_used=overrides_used,
        excluded=excluded,
    )
