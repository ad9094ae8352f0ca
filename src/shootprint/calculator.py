"""The Calculator: one object a command line, a report or a long-lived multi-threaded server calls.

Data in, results out. A Calculator is built over a factor set and override rows (data, not a file
path); its methods take a validated production or a plain document (the dict a YAML file, a form or
an API body gives), measured records as data (``runs.jsonl`` objects or :class:`Record`), and return
footprints, comparisons and the results of sensitivity, what-if, break-even and diff. It never reads
a user's file (:mod:`shootprint.files` does), never writes one, and holds no per-call state: one
Calculator may serve many threads at once.

>>> calc = Calculator()
>>> fp = calc.estimate({"name": "Test", "activities": [...]})

Every error a user can cause is a :class:`~shootprint.problems.ProblemsError` (``InputError`` and
``FactorError`` are both): a list of problems with source, location, code and messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shootprint.errors import FactorError, InputError
from shootprint.factors import DEFAULT_FACTOR_SET, FactorRow, FactorTable, default_table, override_rows
from shootprint.i18n import Message, render, said
from shootprint.model import Footprint
from shootprint.problems import N_, Problem, ProblemsError

if TYPE_CHECKING:  # the result models are imported where they are built: a text command never needs them
    from shootprint.results import (
        BreakevenResult,
        ComparisonResult,
        DiffResult,
        FactorDetail,
        SensitivityResult,
        WhatifResult,
    )

#: the most activities one production may hold (a feature film's full breakdown is a few thousand)
MAX_ACTIVITIES = 10_000
#: the most productions one comparison may hold
MAX_PRODUCTIONS = 1_000
#: the most Monte Carlo draws one call may ask for
MAX_SAMPLES = 100_000
#: the most Sobol base samples of one sensitivity analysis
MAX_BASE_SAMPLES = 8_192
#: the most levers one what-if may try
MAX_LEVERS = 32

Records = Sequence[Any]


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
        seen: dict[str, None] = {}
        for fp in self.footprints:
            for cat in fp.by_category:
                seen.setdefault(cat, None)
        return list(seen)

    def result(self) -> ComparisonResult:
        """The comparison as its typed, published model."""
        from shootprint.results import ComparisonResult

        return ComparisonResult.model_validate(self.to_dict())

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
            "warnings": [str(w) for w in self.warnings],
            "warnings_fr": [render(w, "fr") for w in self.warnings],
            "footprints": [fp.to_dict() for fp in self.footprints],
            **({"uncertainty": self.uncertainty} if self.uncertainty is not None else {}),
        }


def _problem(
    code: str, template: str, *, location: Iterable[str | int] = (), source: str = "", **params: Any
) -> InputError:
    return InputError(Problem.make(code, template, source=source, location=location, **params))


def _check_count(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _problem(
            f"{name}-out-of-range",
            N_("{name}: {value!r} is out of range; accepted: a whole number from {low} to {high}"),
            location=(name,),
            name=name,
            value=value,
            low=low,
            high=high,
        )


def _check_level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0.5 <= float(level) <= 0.999:
        raise _problem(
            "level-out-of-range",
            N_("level: {value!r} is out of range; accepted: a number from 0.5 to 0.999"),
            location=("level",),
            value=level,
        )
    return float(level)


@dataclass(frozen=True)
class Prepared:
    """A validated production with its measured records (what the engine needs)."""

    production: Any
    records: tuple[Any, ...] = ()
    document: Mapping[str, Any] | None = None  # the document it was validated from, when known

    @property
    def name(self) -> str:
        return str(self.production.name)


class Calculator:
    """Footprints and decisions over one factor table (a factor set and override rows).

    ``factor_set`` None: each call uses the set the productions ask for (``ademe`` when none does);
    productions of one comparison must then agree. ``overrides`` are factor rows (mappings of the
    table's columns or :class:`FactorRow`), validated once here. The factor data behind every
    Calculator is shared and loaded once per process; a Calculator itself is cheap to build.
    """

    def __init__(
        self,
        factor_set: str | None = None,
        overrides: Iterable[FactorRow | Mapping[str, Any]] = (),
        *,
        overrides_source: str = "overrides",
    ) -> None:
        rows = list(overrides)
        self._overrides: tuple[FactorRow, ...] = tuple(override_rows(rows, overrides_source)) if rows else ()
        self.factor_set = factor_set
        if factor_set is not None:
            self.table(factor_set)  # an unknown set is refused now, not at the first call

    @property
    def overrides(self) -> tuple[FactorRow, ...]:
        """The override rows, validated."""
        return self._overrides

    # -- tables ------------------------------------------------------------------------------
    def table(self, factor_set: str | None = None) -> FactorTable:
        """The factor table of ``factor_set`` (else this Calculator's, else the default) with the overrides."""
        chosen = factor_set or self.factor_set or DEFAULT_FACTOR_SET
        if not isinstance(chosen, str):
            raise _problem("factor-set-unknown", N_("factor_set: expected a name"), location=("factor_set",))
        return default_table(chosen, self._overrides)

    def _table_for(self, prepared: Sequence[Prepared]) -> FactorTable:
        if self.factor_set is not None:
            return self.table(self.factor_set)
        declared = sorted({p.production.factor_set for p in prepared if p.production.factor_set})
        if len(declared) > 1:
            raise _problem(
                "factor-sets-differ",
                N_(
                    "the files ask for different factor sets ({sets}): "
                    "choose one with --factor-set so the totals compare"
                ),
                location=("factor_set",),
                sets=", ".join(declared),
            )
        return self.table(declared[0] if declared else None)

    # -- inputs ------------------------------------------------------------------------------
    def production(
        self, production: Any, *, sets: Mapping[str, Any] | None = None, source: str = "<production>"
    ) -> Any:
        """A validated production from a document (dict) or a production already validated."""
        return self.prepare(production, sets=sets, source=source).production

    def prepare(
        self,
        production: Any,
        records: Records | None = None,
        *,
        sets: Mapping[str, Any] | None = None,
        source: str = "<production>",
    ) -> Prepared:
        from shootprint.production import ProductionBase, to_document, validate_with_sets

        if isinstance(production, Prepared):
            if sets:
                known = dict(production.document or to_document(production.production))
                return self.prepare(
                    known, records if records is not None else production.records, sets=sets, source=source
                )
            return (
                production
                if records is None
                else Prepared(production.production, _records(records), production.document)
            )
        document: dict[str, Any] | None = None
        if isinstance(production, ProductionBase):
            if sets:
                document = to_document(production)
                prod = validate_with_sets(document, dict(sets), getattr(production, "_source", "") or source)
            else:
                prod = production
        elif isinstance(production, Mapping):
            document = dict(production)
            _check_activity_count(document, source)
            prod = validate_with_sets(document, dict(sets) if sets else None, source)
        else:
            raise _problem(
                "production-not-a-mapping",
                N_("expected a production (a mapping with name:, activities: …), got {kind}"),
                source=source,
                kind=type(production).__name__,
            )
        if len(prod.activities) > MAX_ACTIVITIES:  # type: ignore[attr-defined]
            raise _too_many_activities(len(prod.activities), source)  # type: ignore[attr-defined]
        return Prepared(prod, _records(records or ()), document)

    def _prepare_all(
        self,
        productions: Sequence[Any],
        records: Sequence[Records | None] | None,
        sets: Mapping[str, Any] | None,
    ) -> list[Prepared]:
        if isinstance(productions, Mapping | str | bytes) or not isinstance(productions, Sequence):
            raise _problem(
                "productions-not-a-list",
                N_("expected a list of productions"),
                location=("productions",),
            )
        if not productions:
            raise _problem("productions-empty", N_("compare needs at least one production"), location=("productions",))
        if len(productions) > MAX_PRODUCTIONS:
            raise _problem(
                "too-many-productions",
                N_("{count} productions: at most {limit} can be compared at once"),
                location=("productions",),
                count=len(productions),
                limit=MAX_PRODUCTIONS,
            )
        recs = list(records) if records is not None else [None] * len(productions)
        if len(recs) != len(productions):
            raise _problem(
                "records-count",
                N_("records: one list per production expected ({expected}), got {got}"),
                location=("records",),
                expected=len(productions),
                got=len(recs),
            )
        from contextlib import nullcontext

        from shootprint.production import many_productions

        out: list[Prepared] = []
        problems: list[Problem] = []
        with many_productions() if len(productions) > 1 else nullcontext():
            for i, (prod, rec) in enumerate(zip(productions, recs, strict=True)):
                source = getattr(prod, "_source", "") or f"<production {i + 1}>"
                try:
                    out.append(self.prepare(prod, rec, sets=sets, source=source))
                except ProblemsError as exc:
                    problems.extend(exc.details)
        if problems:
            raise InputError(problems)
        return out

    # -- footprints --------------------------------------------------------------------------
    def estimate(
        self,
        production: Any,
        *,
        records: Records | None = None,
        exclude: Iterable[str] = (),
        sets: Mapping[str, Any] | None = None,
        samples: int = 0,
        seed: int = 0,
        level: float = 0.90,
        progress: Callable[[int], None] | None = None,
    ) -> Footprint:
        """The footprint of one production; with ``samples``, medians and intervals beside it
        (``progress(draws_done)`` after each chunk of a large run)."""
        from shootprint.engine import footprint

        prepared = self.prepare(production, records, sets=sets)
        exclude = _exclude(exclude)
        _check_count("samples", samples, 0, MAX_SAMPLES)
        table = self._table_for([prepared])
        if not samples:
            return _guard(lambda: footprint(prepared.production, table, records=prepared.records, exclude=exclude))
        from shootprint.scenarios import Scenario, estimate_mc

        _check_seed(seed)
        lvl = _check_level(level)
        sc = Scenario(prepared.production, prepared.records)
        return _guard(lambda: estimate_mc(sc, table, samples, seed, lvl, exclude, progress))

    def compare(
        self,
        productions: Sequence[Any],
        *,
        records: Sequence[Records | None] | None = None,
        exclude: Iterable[str] = (),
        sets: Mapping[str, Any] | None = None,
        samples: int = 0,
        seed: int = 0,
        level: float = 0.90,
        common: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> Comparison:
        """Footprints of several productions with one factor table, so they compare; with
        ``samples``, each total's interval, each ratio to the lowest and P(A < B) (common random
        numbers unless ``common`` is False)."""
        from shootprint.engine import footprint

        prepared = self._prepare_all(productions, records, sets)
        exclude = _exclude(exclude)
        _check_count("samples", samples, 0, MAX_SAMPLES)
        table = self._table_for(prepared)
        if not samples:
            fps = [
                _guard(lambda p=p: footprint(p.production, table, records=p.records, exclude=exclude)) for p in prepared
            ]
            return Comparison(fps, table.factor_set, _unique_names(fps))
        from shootprint.scenarios import Scenario, compare_mc

        _check_seed(seed)
        lvl = _check_level(level)
        scs = [Scenario(p.production, p.records) for p in prepared]
        mc = _guard(lambda: compare_mc(scs, table, samples, seed, lvl, exclude, common, progress))
        comparison = Comparison(mc.deterministic, table.factor_set, _unique_names(mc.deterministic))
        comparison.uncertainty = mc.to_dict()
        return comparison

    # -- decisions ---------------------------------------------------------------------------
    def sensitivity(
        self,
        productions: Sequence[Any],
        *,
        records: Sequence[Records | None] | None = None,
        base_samples: int = 512,
        seed: int = 0,
        exclude: Iterable[str] = (),
        sets: Mapping[str, Any] | None = None,
    ) -> SensitivityResult:
        """Sobol indices of one production's total, or of the ratio of two productions."""
        from shootprint.scenarios import Scenario
        from shootprint.scenarios import sensitivity as _sensitivity

        if isinstance(productions, Sequence) and not isinstance(productions, str | bytes | Mapping):
            if len(productions) not in (1, 2):
                raise _problem(
                    "sensitivity-count",
                    N_("sensitivity takes one production (its total) or two (their ratio)"),
                    location=("productions",),
                )
        prepared = self._prepare_all(productions, records, sets)
        _check_count("base_samples", base_samples, 16, MAX_BASE_SAMPLES)
        _check_seed(seed)
        exclude = _exclude(exclude)
        table = self._table_for(prepared)
        scs = [Scenario(p.production, p.records) for p in prepared]
        out = _guard(lambda: _sensitivity(scs, table, base_samples, seed, exclude))
        out["factor_set"] = table.factor_set
        from shootprint.results import SensitivityResult

        return SensitivityResult.model_validate(out)

    def whatif(
        self,
        production: Any,
        *,
        levers: Sequence[str] = (),
        sets: Mapping[str, Any] | None = None,
        records: Records | None = None,
        samples: int = 2000,
        seed: int = 0,
        level: float = 0.90,
        exclude: Iterable[str] = (),
        progress: Callable[[int], None] | None = None,
    ) -> WhatifResult:
        """The production as it is, with ``sets`` changes, and with each lever: saving and interval.

        ``sets`` make the variant called ``set``; each lever is applied alone to the production as
        written, then all together. Savings use common random numbers, so their intervals reflect
        the change. A lever that does not apply to this production (nothing to change, or a value
        it cannot take here) is skipped and listed in ``skipped`` with the reason.
        ``progress(draws_done)`` is called after each chunk of a large run (as in :meth:`compare`).
        """
        import numpy as np

        from shootprint.levers import combined_order, parse_lever
        from shootprint.paths import apply_sets
        from shootprint.production import to_document
        from shootprint.scenarios import Scenario, compare_mc
        from shootprint.uncertainty import interval, probability_less

        base = self.prepare(production, records)
        _check_count("samples", samples, 10, MAX_SAMPLES)
        _check_seed(seed)
        lvl = _check_level(level)
        exclude = _exclude(exclude)
        if isinstance(levers, str) or not isinstance(levers, Sequence):
            raise _problem(
                "levers-not-a-list", N_("levers: expected a list of NAME or NAME=VALUE"), location=("levers",)
            )
        if len(levers) > MAX_LEVERS:
            raise _problem(
                "too-many-levers",
                N_("{count} levers: at most {limit} at once"),
                location=("levers",),
                count=len(levers),
                limit=MAX_LEVERS,
            )
        source = getattr(base.production, "_source", "") or "<production>"
        base_raw = dict(base.document) if base.document is not None else to_document(base.production)
        variants: list[tuple[str, Any, list[str]]] = []
        if sets:
            changed = apply_sets(base_raw, dict(sets), source)
            variants.append(("set: " + ", ".join(f"{k}={v}" for k, v in sets.items()), changed, []))
        parsed = [parse_lever(str(text)) for text in levers]
        combined = base_raw
        combined_prod: Any = None  # the production ``combined`` validates to (validated once, below)
        combined_notes: list[str] = []
        skipped: list[dict[str, str]] = []
        #: each lever applied alone to the production as written: (document, notes, production)
        alone: dict[str, tuple[dict[str, Any], list[str], Any]] = {}
        applied = 0
        for lever, value in parsed:
            label = lever.name + (f"={value}" if value is not None else "")
            try:
                changed, notes = lever.apply(base_raw, value)
                prod = self.prepare(changed, base.records, source=source).production
            except (ProblemsError, ValueError) as exc:
                skipped.append(
                    {"lever": label, "reason": _first_sentence(exc), "reason_fr": _first_sentence(exc, "fr")}
                )
                continue
            variants.append((label, prod, notes))
            alone[label] = (changed, notes, prod)
        skipped_labels = {s["lever"] for s in skipped}
        # "all levers": one order whatever the order of the flags (local_crew first: no flight is left
        # to become a train arriving with no hotel)
        for lever, value in combined_order(parsed):
            label = lever.name + (f"={value}" if value is not None else "")
            if label in skipped_labels:
                continue
            if combined is base_raw and label in alone:  # the first lever of the chain: applied above
                more_raw, more, more_prod = alone[label]
                more = list(more)
            else:
                try:
                    more_raw, more = lever.apply(combined, value)
                    more_prod = self.prepare(more_raw, base.records, source=source).production
                except (ProblemsError, ValueError):
                    continue
            combined = more_raw
            combined_prod = more_prod
            combined_notes.extend(more)
            applied += 1
        if applied > 1:
            variants.append(("all levers", combined_prod, combined_notes))
        if not variants:
            if skipped:
                return self._whatif_result(base, [], samples, seed, lvl, exclude, skipped, progress)
            raise _problem(
                "whatif-nothing",
                N_("whatif: give at least one --set PATH=VALUE or --lever NAME"),
                location=("levers",),
            )
        scs = [Scenario(base.production, base.records)]
        for label, prod_or_raw, _ in variants:
            prod = (
                prod_or_raw
                if not isinstance(prod_or_raw, dict)
                else self.prepare(prod_or_raw, base.records, source=source).production
            )
            scs.append(Scenario(prod.model_copy(update={"name": label}), base.records))
        table = self._table_for([base])
        mc = _guard(lambda: compare_mc(scs, table, samples, seed, lvl, exclude, progress=progress))
        base_total = mc.totals[mc.names[0]]
        base_det = mc.deterministic[0].total_kgco2e
        rows = []
        for name, det, (label, _, notes) in zip(mc.names[1:], mc.deterministic[1:], variants, strict=True):
            saving = base_total - mc.totals[name]
            rows.append(
                {
                    "variant": label,
                    "total_kgco2e": det.total_kgco2e,
                    "saving_kgco2e": base_det - det.total_kgco2e,
                    "saving_interval_kgco2e": interval(saving, lvl, draws=samples).to_dict(),
                    "saving_pct": ((base_det - det.total_kgco2e) / base_det * 100 if base_det else None),
                    "probability_lower": probability_less(mc.totals[name], base_total),
                    "changes": [str(n) for n in notes],
                    "changes_fr": [render(n, "fr") for n in notes],
                }
            )
        from shootprint.results import WhatifResult

        return WhatifResult.model_validate(
            {
                "production": mc.deterministic[0].name,
                "base_total_kgco2e": base_det,
                "base_interval_kgco2e": interval(np.asarray(base_total), lvl, draws=samples).to_dict(),
                "samples": samples,
                "seed": seed,
                "level": lvl,
                "factor_set": table.factor_set,
                "variants": rows,
                "skipped": skipped,
            }
        )

    def _whatif_result(
        self,
        base: Prepared,
        rows: list[dict[str, Any]],
        samples: int,
        seed: int,
        level: float,
        exclude: tuple[str, ...],
        skipped: list[dict[str, str]],
        progress: Callable[[int], None] | None = None,
    ) -> WhatifResult:
        from shootprint.scenarios import Scenario, estimate_mc

        table = self._table_for([base])
        fp = _guard(
            lambda: estimate_mc(Scenario(base.production, base.records), table, samples, seed, level, exclude, progress)
        )
        unc = fp.uncertainty or {}
        from shootprint.results import WhatifResult

        return WhatifResult.model_validate(
            {
                "production": fp.name,
                "base_total_kgco2e": fp.total_kgco2e,
                "base_interval_kgco2e": unc.get("total_kgco2e", {}),
                "samples": samples,
                "seed": seed,
                "level": level,
                "factor_set": table.factor_set,
                "variants": rows,
                "skipped": skipped,
            }
        )

    def breakeven(
        self,
        production_a: Any,
        production_b: Any,
        *,
        vary: str,
        records_a: Records | None = None,
        records_b: Records | None = None,
        exclude: Iterable[str] = (),
    ) -> BreakevenResult:
        """The value of ``vary`` (a path in A) at which A emits as much as B (central values)."""
        from shootprint.engine import footprint
        from shootprint.paths import apply_sets, get_path
        from shootprint.production import to_document, validate
        from shootprint.scenarios import breakeven as solve

        if not isinstance(vary, str) or not vary.strip():
            raise _problem(
                "vary-missing", N_("--vary: expected a path such as activities.<id>.<field>"), location=("vary",)
            )
        a = self.prepare(production_a, records_a, source="<production A>")
        b = self.prepare(production_b, records_b, source="<production B>")
        source = getattr(a.production, "_source", "") or "<production A>"
        _check_vary(a.production, vary)
        raw_a = dict(a.document) if a.document is not None else to_document(a.production)
        try:
            current = get_path(raw_a, vary)
        except KeyError as exc:
            current = None
            if not vary.startswith(("activities.", "parameters.")):
                raise InputError(Message("--vary {vary}: {error}", vary=vary, error=said(exc))) from None
        table = self._table_for([a, b])
        excl = _exclude(exclude)
        target = _guard(lambda: footprint(b.production, table, records=b.records, exclude=excl).total_kgco2e)
        unit, start = _varied_unit_and_value(a.production, vary)

        def total_at(x: float) -> float:
            value: Any = f"{x!r} {unit}" if unit else x
            prod = validate(apply_sets(raw_a, {vary: value}, source), source)
            return footprint(prod, table, records=a.records, exclude=excl).total_kgco2e

        current_total = _guard(lambda: footprint(a.production, table, records=a.records, exclude=excl).total_kgco2e)
        value = _guard(lambda: solve(total_at, target, start=start))
        note = (
            Message("no accepted value of the input up to 1e9 makes the totals equal")
            if value is None
            else Message(
                "at {vary} = {value}, {a} emits as much as {b}",
                vary=vary,
                value=f"{value:,.6g} {unit}".rstrip(),
                a=a.name,
                b=b.name,
            )
        )
        from shootprint.results import BreakevenResult

        return BreakevenResult.model_validate(
            {
                "vary": vary,
                "scenario": a.name,
                "against": b.name,
                "current_value": current,
                "unit": unit,
                "current_total_kgco2e": current_total,
                "target_total_kgco2e": target,
                "breakeven_value": value,
                "note": str(note),
                "note_fr": render(note, "fr"),
                "factor_set": table.factor_set,
            }
        )

    def diff(
        self,
        forecast: Any,
        final: Any,
        *,
        records_forecast: Records | None = None,
        records_final: Records | None = None,
    ) -> DiffResult:
        """Planned against actual, line by line, with each change's share of the total change."""
        from shootprint.engine import footprint
        from shootprint.scenarios import diff as _diff

        a = self.prepare(forecast, records_forecast, source="<forecast>")
        b = self.prepare(final, records_final, source="<final>")
        table = self._table_for([a, b])
        fa = _guard(lambda: footprint(a.production, table, records=a.records))
        fb = _guard(lambda: footprint(b.production, table, records=b.records))
        from shootprint.results import DiffResult

        return DiffResult.model_validate(_diff(fa, fb))

    # -- factors -----------------------------------------------------------------------------
    def search_factors(
        self,
        text: str,
        *,
        unit: str | None = None,
        category: str | None = None,
        include_archived: bool = False,
        limit: int | None = 50,
    ) -> list[FactorRow]:
        """Rows whose names, tags, id or category hold every word of ``text`` (valid rows first)."""
        if not isinstance(text, str):
            raise _problem("search-text", N_("q: expected text"), location=("q",))
        if limit is not None:
            _check_count("limit", limit, 1, 10_000)
        return self.table().search(text, unit=unit, category=category, include_archived=include_archived, limit=limit)

    def factor(self, factor_id: str) -> FactorDetail:
        """Everything about one factor: its row, the value it resolves to through aliases, its posts."""
        if not isinstance(factor_id, str) or not factor_id:
            raise _problem("factor-id", N_("factor id: expected text such as ademe:43741"), location=("id",))
        table = self.table()
        row = table.get(factor_id)
        resolved = table.resolve(factor_id) if row.alias_of else None
        data = row.as_dict()
        data.pop("origin")
        if resolved is not None:
            data["resolved"] = {
                "chain": list(resolved.chain),
                "value": resolved.value,
                "unit": resolved.unit,
                "source": resolved.row.source,
                "licence": resolved.row.licence,
            }
        posts = table.posts(factor_id)
        if posts:
            data["posts"] = posts
        from shootprint.results import FactorDetail

        return FactorDetail.model_validate(data)


# -- helpers -----------------------------------------------------------------------------------


def _records(records: Records) -> tuple[Any, ...]:
    """Measured records as the engine wants them: Record objects, or mappings read as one."""
    if isinstance(records, Mapping | str | bytes) or not isinstance(records, Sequence | tuple):
        raise _problem("records-not-a-list", N_("records: expected a list of records"), location=("records",))
    if all(not isinstance(r, Mapping) for r in records):
        return tuple(records)
    from shootprint.tracker.records import records_from_data

    return tuple(records_from_data(records))


def _exclude(exclude: Iterable[str] | None) -> tuple[str, ...]:
    if exclude is None:
        return ()
    if isinstance(exclude, str):
        return (exclude,)
    out = tuple(exclude) if isinstance(exclude, list | tuple | set | frozenset) else (None,)
    if not all(isinstance(x, str) for x in out):
        raise _problem("exclude", N_("exclude: expected names of categories or line tags"), location=("exclude",))
    return out


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise _problem(
            "seed-out-of-range",
            N_("seed: {value!r} is out of range; accepted: a whole number from 0 to 4294967295"),
            location=("seed",),
            value=seed,
        )


def _check_activity_count(document: Mapping[str, Any], source: str) -> None:
    acts = document.get("activities")
    if isinstance(acts, list) and len(acts) > MAX_ACTIVITIES:
        raise _too_many_activities(len(acts), source)


def _too_many_activities(count: int, source: str) -> InputError:
    return _problem(
        "too-many-activities",
        N_("{count} activities: at most {limit} in one production; split it into several productions"),
        source=source,
        location=("activities",),
        count=count,
        limit=MAX_ACTIVITIES,
    )


def _first_sentence(exc: BaseException, lang: str = "en") -> str:
    if isinstance(exc, ProblemsError) and exc.details:
        first = exc.details[0]
        text = (first.message_fr or first.message) if lang == "fr" else first.message
        return f"{first.where}: {text}" if first.location and not first.location_in_message else text
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _guard(compute: Any) -> Any:
    """Run a computation; an arithmetic failure caused by the input becomes a problem, not a crash."""
    try:
        return compute()
    except (ProblemsError, FactorError):
        raise
    except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
        raise _problem(
            "not-computable",
            N_("the numbers given cannot be computed ({error}); check for values that are too large"),
            error=type(exc).__name__,
        ) from None


def _unique_names(fps: Sequence[Footprint]) -> list[str]:
    """Rename productions that share a name ("name (2)" …), as Monte Carlo comparisons do; warn."""
    from shootprint.model import unique_names

    names = unique_names([fp.name for fp in fps])
    warnings: list[str] = []
    for fp, name in zip(fps, names, strict=True):
        if name != fp.name:
            warnings.append(
                Message(
                    N_("two productions are called {name}: the second is shown as {shown}"),
                    name=repr(fp.name),
                    shown=repr(name),
                )
            )
            fp.name = name
    return warnings


#: top-level numbers breakeven may vary
_VARIABLE_TOP = ("shoot_days", "deliverables.still_images", "deliverables.film_seconds")


def _quantity_fields(activity: Any) -> list[str]:
    props = type(activity).model_json_schema(mode="validation")["properties"]
    out = []
    for name, prop in props.items():
        options = [prop, *prop.get("anyOf", [])]
        if any("x-unit" in o for o in options):
            out.append(name)
    return out


def _check_vary(production: Any, vary: str) -> None:
    """InputError unless ``vary`` names a number of the production A: an activity's quantity field,
    a parameter, or shoot_days / deliverables (a text, a yes/no or a missing path is refused clearly)."""
    from shootprint.yamlsafe import shown

    parts = vary.strip().split(".")
    where = f"--vary {shown(vary.strip(), 80)}"
    if parts[0] == "activities":
        if len(parts) != 3:
            raise InputError(
                Message(
                    "{where}: expected activities.<id>.<field>, e.g. activities.crew-flights.travellers", where=where
                )
            )
        ids = [a.id for a in production.activities]
        act = next((a for a in production.activities if a.id == parts[1]), None)
        if act is None:
            raise InputError(
                Message(
                    "{where}: no activity with id {given} (ids: {ids})",
                    where=where,
                    given=shown(parts[1]),
                    ids=", ".join(ids) or Message("none"),
                )
            )
        fields = _quantity_fields(act)
        if parts[2] not in fields:
            raise InputError(
                Message(
                    "{where}: {given} is not a quantity of {type} (a text, a choice or yes/no cannot be varied); "
                    "accepted: {accepted}",
                    where=where,
                    given=shown(parts[2]),
                    type=act.type,
                    accepted=", ".join(fields) or Message("none"),
                )
            )
        return
    if parts[0] == "parameters":
        if len(parts) != 2 or parts[1] not in production.parameters:
            known = ", ".join(production.parameters) or Message("none")
            raise InputError(
                Message(
                    "{where}: expected parameters.<name> of a parameter of the file ({known})", where=where, known=known
                )
            )
        return
    if ".".join(parts) not in _VARIABLE_TOP:
        raise InputError(
            Message(
                "{where}: not a number of the production; accepted: activities.<id>.<quantity field>, "
                "parameters.<name>, {top}",
                where=where,
                top=", ".join(_VARIABLE_TOP),
            )
        )


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
            from shootprint.model import parameter_value

            central = parameter_value(spec, production.parameters)
        else:
            central = spec.central
        return spec.unit, (central if central and central > 0 else 1.0)
    if isinstance(spec, int | float) and not isinstance(spec, bool) and spec > 0:
        return "", float(spec)
    return "", 1.0
