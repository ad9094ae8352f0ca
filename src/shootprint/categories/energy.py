"""Category: energy — grid electricity, generators, gas, studio hire.

Method: docs/methodology/energy.md.

Formulas (units in names; every factor a sourced row of the factor table):

* grid electricity: ``emissions_kgco2e = energy_kwh × grid_kgco2e_per_kwh(region)``
  (``energy.grid.<CC>``: ADEME Base Carbone where its country figure is current; where it is more
  than five years older than the Our World in Data / Ember figure the package ships (Base Carbone's
  IEA 2011 "Autres pays du monde" mixes), the recent figure is the default, ADEME's stays in the
  range and the factor's name gives both: rule and rows written by data-raw/codecarbon_grid.py)
* water (indicator ``water_electricity_l`` on every grid-electricity line here and in post-production,
  work space and AI): ``energy_kwh × wue_offsite_l_per_kwh(region)`` (``ai.wue.offsite.<CC>``: water
  consumed by electricity generation, EcoLogits' mixes; WORLD where a country has none)
* generator by fuel: ``emissions_kgco2e = fuel_l × fuel_kgco2e_per_l`` (combustion + upstream)
* generator by energy delivered: ``energy_kwh × generator_kgco2e_per_kwh_delivered(fuel)``
* generator by load and hours (diesel or HVO): ``fuel_l = load_kw × hours × sfc_l_per_kwh(load_kw ÷
  rated_kw)``, then ``fuel_l × fuel_kgco2e_per_l``; ``sfc`` is the consumption curve
  ``energy.generator.sfc.{tenth,quarter,half,full}_load`` (0.50, 0.39, 0.31, 0.28 L/kWh at 10, 25,
  50, 100 % load; generatorsource.com chart), read linearly between its points; without ``rated``
  the quarter-load point (film generators run light)
* gas: ``energy_kwh × gas_kgco2e_per_kwh``
* studio hire: ``days × studio_kwh_per_day × grid_kgco2e_per_kwh(region)``; the studio's own kWh
  when the user knows them (``energy``) replace the per-day default.
* studio hire with its equipment listed (``lighting:`` and/or ``equipment:``, each item ``fixture``,
  ``count``, ``power_kw`` or a named fixture of the table, optional ``hours`` per shoot day), energy
  from what is used instead of the per-day lump:

  - building, every hire day (build, shoot and strike: ``days``): ``days × area_m2 ×
    electricity_kwh_per_m2_year ÷ days_per_year × grid`` and the same with heating and hot water ×
    the country's heating fuel (ADEME's tertiary elements 23624 and 23734, the work-space rows;
    ``area_m2`` from the file, else ``energy.studio.<size>.area_m2``);
  - lighting and equipment, on shoot days only (``shoot_days``, default ``days``): ``shoot_days ×
    Σ count × power_kw × hours × grid`` (``hours`` per item, else ``lighting_hours``, else
    ``energy.studio.lighting_hours_per_day``); a named fixture's rated power is the row
    ``energy.fixture.<name>.power`` (the manufacturer's figure, cited).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shootprint.engine import Context, Draft, Num, in_quantity, step, v
from shootprint.errors import InputError
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, FactorUse, Q_count, Q_day, Q_h, Q_kw, Q_kwh, Q_l
from shootprint.vocabulary import term

CATEGORY = "energy"

GRID = "energy.grid"  # + ".<ISO alpha-2>" or ".WORLD"
FUELS = ("diesel", "hvo", "petrol")


class Electricity(ActivityBase):
    """Electricity drawn from the grid (location-based)."""

    type: Literal["electricity"]
    energy: Q_kwh


class Generator(ActivityBase):
    """A generator on set: litres of fuel burnt, or kWh delivered."""

    type: Literal["generator"]
    fuel: Literal["diesel", "hvo", "petrol"] = "diesel"
    volume: Q_l | None = None
    energy: Q_kwh | None = None
    load: Q_kw | None = Field(None, description=N_("average electrical load (kW), with hours: litres from the curve"))
    hours: Q_h | None = Field(None, description=N_("hours run at that load"))
    rated: Q_kw | None = Field(
        None, description=N_("the set's rated power (kW): its load fraction picks the consumption")
    )

    @model_validator(mode="after")
    def _one_quantity(self) -> Generator:
        given = [self.volume is not None, self.energy is not None, self.load is not None or self.hours is not None]
        if sum(given) != 1:
            raise ValueError(N_("give one of: volume (litres of fuel), energy (kWh delivered), or load (kW) and hours"))
        if (self.load is None) != (self.hours is None):
            raise ValueError(N_("give load (kW) and hours together"))
        if self.load is not None and self.fuel == "petrol":
            raise ValueError(N_("load and hours: the consumption curve is a diesel set's (fuel: diesel or hvo)"))
        return self


class Gas(ActivityBase):
    """Natural gas burnt (heating, catering on site), in kWh (gross calorific value)."""

    type: Literal["gas"]
    energy: Q_kwh


class Fixture(BaseModel):
    """A light or a piece of equipment drawing power on shoot days: a named fixture of the table
    (its rated power cited) or any name with ``power_kw``."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False, defer_build=True
    )

    fixture: str = Field(min_length=1, max_length=80, description=N_("its name, e.g. 'HMI 1200' or 'SkyPanel S60-C'"))
    count: Q_count | None = Field(None, description=N_("how many (default 1)"))
    power_kw: Q_kw | None = Field(None, description=N_("rated power of one, kW (default: the named fixture's row)"))
    hours: Q_h | None = Field(None, description=N_("hours on per shoot day (default: the studio's lighting_hours)"))


class Studio(ActivityBase):
    """Studio hire: its energy, from the days of hire or from the studio's own kWh; or, where the file
    lists the lighting and equipment, the building per hire day plus their power × hours on shoot days."""

    type: Literal["studio"]
    days: Q_day = Field(description=N_("hire days: build, shoot and strike days together"))
    energy: Q_kwh | None = None
    size: Literal["small", "medium", "large"] = "medium"
    shoot_days: Q_day | None = Field(None, description=N_("days the lighting and equipment run (default: days)"))
    area_m2: Q_count | None = Field(None, description=N_("floor area, m² (default: the size's row)"))
    lighting: list[Fixture] | None = Field(None, description=N_("the lights: fixture, count, power_kw, hours"))
    equipment: list[Fixture] | None = Field(None, description=N_("other powered equipment, listed the same way"))
    lighting_hours: Q_h | None = Field(None, description=N_("hours on per shoot day of a listed item without hours"))

    @model_validator(mode="after")
    def _listed(self) -> Studio:
        listed = self.lighting is not None or self.equipment is not None
        if self.energy is not None and listed:
            raise ValueError(N_("give energy (the studio's metered kWh) or lighting/equipment lists, not both"))
        if not listed and any(getattr(self, name) is not None for name in ("shoot_days", "area_m2", "lighting_hours")):
            raise ValueError(
                N_(
                    "shoot_days, area_m2 and lighting_hours go with lighting: or equipment: lists; give them, or remove these"
                )
            )
        return self


#: water consumed per kWh of electricity generated, by country (EcoLogits' electricity mixes): one
#: indicator for every grid-electricity line, on every side (docs/methodology/energy.md)
WATER_OFFSITE = "ai.wue.offsite"  # + ".<ISO alpha-2>" or ".WORLD"
WATER_ELECTRICITY = "water_electricity_l"


def electricity_water(ctx: Context, region: str, energy_kwh: Num) -> tuple[FactorUse, dict[str, Num]]:
    """Off-site water of grid electricity: ``water_electricity_l = energy_kwh × wue_offsite(region)``.

    Returns the water factor (for the line's chain) and the indicator to put on the line.
    """
    wue = ctx.regional(WATER_OFFSITE, region, "water: electricity generation (L/kWh)", "L/kWh")
    return step(wue, "other indicator"), {WATER_ELECTRICITY: energy_kwh * v(wue)}


def region_of(activity: ActivityBase, ctx: Context) -> str:
    """The activity's region, else the production's country, else WORLD — said in a warning."""
    if activity.region is None and ctx.default_region is None:
        ctx.warn(
            "region-unknown",
            N_(
                "no region for this activity and no country for the production: the world average is used "
                "(give country: at the top of the file, or region: on the activity)"
            ),
        )
    return (activity.region or ctx.default_region or "WORLD").upper()


def electricity(a: Electricity, ctx: Context) -> list[Draft]:
    energy_kwh = ctx.q(a, "energy")
    grid = (
        ctx.main_factor(a, f"{GRID}.{region_of(a, ctx)}", "kgCO2e/kWh")
        if a.factor
        else ctx.regional(GRID, region_of(a, ctx), "grid", "kgCO2e/kWh")
    )
    water, indicators = electricity_water(ctx, region_of(a, ctx), energy_kwh)
    return [
        Draft(
            label=Message("Grid electricity ({region})", region=region_of(a, ctx)),
            quantity=energy_kwh,
            unit="kWh",
            factors=[grid, water],
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status=ctx.status_of(a, "energy"),
            indicators=indicators,
        )
    ]


def generator(a: Generator, ctx: Context) -> list[Draft]:
    if a.volume is not None:
        fuel_l = ctx.q(a, "volume")
        factor = ctx.main_factor(a, f"energy.fuel.{a.fuel}", "kgCO2e/L")
        return [
            Draft(
                label=Message("Generator, {fuel} burnt", fuel=term("fuel", a.fuel)),
                quantity=fuel_l,
                unit="L",
                factors=[factor],
                emissions_kgco2e=fuel_l * v(factor),
                quantity_status=ctx.status_of(a, "volume"),
            )
        ]
    if a.load is not None:
        return [_generator_by_load(a, ctx)]
    energy_kwh = ctx.q(a, "energy")
    factor = ctx.main_factor(a, f"energy.generator.{a.fuel}", "kgCO2e/kWh")
    return [
        Draft(
            label=Message("Generator, {fuel}, energy delivered", fuel=term("fuel", a.fuel)),
            quantity=energy_kwh,
            unit="kWh",
            factors=[factor],
            emissions_kgco2e=energy_kwh * v(factor),
            quantity_status=ctx.status_of(a, "energy"),
        )
    ]


SFC_CURVE = ((0.10, "tenth_load"), (0.25, "quarter_load"), (0.50, "half_load"), (1.00, "full_load"))


def _generator_by_load(a: Generator, ctx: Context) -> Draft:
    """Litres from load × hours through the consumption curve, read at the central load fraction."""
    plain = Context(table=ctx.table, parameters=ctx.parameters)
    load_kw = ctx.q(a, "load")
    energy_kwh = load_kw * ctx.q(a, "hours")
    if a.rated is None:
        sfc_use = ctx.factor("energy.generator.sfc.quarter_load", "consumption (rated power not given)", "L/kWh")
        chain = [sfc_use]
        sfc = v(sfc_use)
        fraction_text = Message("rated power not given: quarter-load consumption")
    else:
        assert a.load is not None  # the caller checked it
        fraction = float(plain.value_of(a.load, "load")) / float(plain.value_of(a.rated, "rated"))
        f = min(max(fraction, SFC_CURVE[0][0]), SFC_CURVE[-1][0])
        (f0, lo), (f1, hi) = next((p, q) for p, q in zip(SFC_CURVE, SFC_CURVE[1:], strict=False) if f <= q[0])
        u0 = ctx.factor(f"energy.generator.sfc.{lo}", "consumption curve point", "L/kWh")
        u1 = ctx.factor(f"energy.generator.sfc.{hi}", "consumption curve point", "L/kWh")
        t = (f - f0) / (f1 - f0)
        sfc = v(u0) + (v(u1) - v(u0)) * t
        chain = [u0, u1]
        fraction_text = Message("load {pct}% of rated", pct=f"{fraction * 100:.0f}")
    fuel_l = energy_kwh * sfc
    factor = ctx.main_factor(a, f"energy.fuel.{a.fuel}", "kgCO2e/L")
    statuses = {ctx.status_of(a, "load"), ctx.status_of(a, "hours")}
    return Draft(
        label=Message(
            "Generator, {fuel} burnt, from load × hours ({how})", fuel=term("fuel", a.fuel), how=fraction_text
        ),
        quantity=fuel_l,
        unit="L",
        factors=[factor, *in_quantity(chain)],
        emissions_kgco2e=fuel_l * v(factor),
        quantity_status="parameter" if "parameter" in statuses else "input",
    )


def gas(a: Gas, ctx: Context) -> list[Draft]:
    energy_kwh = ctx.q(a, "energy")
    factor = ctx.main_factor(a, "energy.gas.natural_gas", "kgCO2e/kWh")
    return [
        Draft(
            label=Message("Natural gas"),
            quantity=energy_kwh,
            unit="kWh",
            factors=[factor],
            emissions_kgco2e=energy_kwh * v(factor),
            quantity_status=ctx.status_of(a, "energy"),
        )
    ]


def studio(a: Studio, ctx: Context) -> list[Draft]:
    if a.lighting is not None or a.equipment is not None:
        return _studio_listed(a, ctx)
    region = region_of(a, ctx)
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    days = ctx.q(a, "days")
    if a.energy is not None:
        energy_kwh = ctx.q(a, "energy")
        factors = [grid]
        status = ctx.status_of(a, "energy")
    else:
        per_day = ctx.factor(f"energy.studio.{a.size}.kwh_per_day", "studio kWh per day", "kWh/day")
        energy_kwh = days * v(per_day)
        factors = [grid, *in_quantity([per_day])]
        status = "default"
    water, indicators = electricity_water(ctx, region, energy_kwh)
    return [
        Draft(
            label=Message("Studio hire, {size} ({region})", size=term("size", a.size), region=region),
            quantity=energy_kwh,
            unit="kWh",
            factors=[*factors, water],
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status=status,
            indicators=indicators,
        )
    ]


ACTIVITIES = {
    "electricity": (Electricity, electricity),
    "generator": (Generator, generator),
    "gas": (Gas, gas),
    "studio": (Studio, studio),
}


FIXTURE = "energy.fixture"  # + ".<key>.power": a named fixture's rated power, kW


def fixture_key(name: str) -> str:
    """``HMI 1200`` → ``hmi_1200``: the key of a named fixture's row."""
    import re

    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def fixture_names(ctx: Context) -> list[str]:
    prefix = FIXTURE + "."
    ids = {row.id for row in ctx.table.iter_rows(include_ademe=False)}
    return sorted(fid[len(prefix) : -len(".power")] for fid in ids if fid.startswith(prefix) and fid.endswith(".power"))


def _listed_kwh(
    a: Studio, ctx: Context, field_name: str, hours_default: Num | None
) -> tuple[Num, list[FactorUse], str]:
    """kWh per shoot day of a list (Σ count × power × hours), its fixture rows, its status."""
    items: list[Fixture] = getattr(a, field_name) or []
    total: Num = 0.0
    chain: list[FactorUse] = []
    statuses = set()
    for i, item in enumerate(items):
        where = f"activities.{a.id}.{field_name}[{i}]"
        count = ctx.value_of(item.count, f"{where}.count") if item.count is not None else 1.0
        if item.power_kw is not None:
            power: Num = ctx.value_of(item.power_kw, f"{where}.power_kw")
            statuses.add("parameter" if item.power_kw.param else "input")
        else:
            fid = f"{FIXTURE}.{fixture_key(item.fixture)}.power"
            if fid not in ctx.table:
                raise InputError(
                    Message(
                        "{where}.fixture: no rated power known for {given}: give power_kw (kW per unit), or a named "
                        "fixture: {accepted}",
                        where=where,
                        given=repr(item.fixture),
                        accepted=", ".join(fixture_names(ctx)),
                    )
                )
            use = ctx.factor(fid, f"rated power of {item.fixture}", "kW")
            chain.append(use)
            power = v(use)
            statuses.add("default")
        if item.hours is not None:
            hours: Num = ctx.value_of(item.hours, f"{where}.hours")
        else:
            assert hours_default is not None
            hours = hours_default
        total = total + count * power * hours
    status = "default" if "default" in statuses else "parameter" if "parameter" in statuses else "input"
    return total, chain, status


def _studio_listed(a: Studio, ctx: Context) -> list[Draft]:
    """Building energy per hire day, plus lighting and equipment power × hours on shoot days."""
    region = region_of(a, ctx)
    size = term("size", a.size)
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    days = ctx.q(a, "days")
    shoot_days = ctx.q(a, "shoot_days") if a.shoot_days is not None else days
    area_chain: list[FactorUse] = []
    area = ctx.q_or_default(a, "area_m2", f"energy.studio.{a.size}.area_m2", "studio floor area (m²)", "m2", area_chain)
    per_year = ctx.factor("post_production.workspace.days_per_year", "days of use per year (divides)", "day")
    heating = ctx.regional("post_production.workspace.heating", region, "heating fuel", "kgCO2e/kWh")
    days_status = ctx.status_of(a, "days")
    drafts = []
    for part, intensity_id, carrier in (
        ("electricity", "post_production.workspace.office.electricity", grid),
        ("heating", "post_production.workspace.office.heating", heating),
    ):
        intensity = ctx.factor(intensity_id, f"building {part} per m² and year (kWh/(m2.year))")
        kwh = days * area * v(intensity) / v(per_year)
        extra: list[FactorUse] = []
        indicators: dict[str, Num] = {}
        if part == "electricity":
            water, indicators = electricity_water(ctx, region, kwh)
            extra = [water]
        drafts.append(
            Draft(
                label=Message(
                    "Studio hire, {size} ({region}): building {part}, every hire day",
                    size=size,
                    region=region,
                    part=Message(N_("electricity") if part == "electricity" else N_("heating")),
                ),
                quantity=kwh,
                unit="kWh",
                factors=[carrier, *in_quantity([intensity, per_year, *area_chain]), *extra],
                emissions_kgco2e=kwh * v(carrier),
                quantity_status="default" if area_chain else days_status,
                suffix=f"building-{part}",
                indicators=indicators,
            )
        )
    hours_chain: list[FactorUse] = []
    hours_default: Num | None = None
    needs_default = any(item.hours is None for item in (a.lighting or []) + (a.equipment or []))
    if needs_default:
        hours_default = ctx.q_or_default(
            a, "lighting_hours", "energy.studio.lighting_hours_per_day", "hours on per shoot day", "h", hours_chain
        )
    for field_name, what in (("lighting", N_("lighting")), ("equipment", N_("equipment"))):
        if getattr(a, field_name) is None:
            continue
        per_day, chain, status = _listed_kwh(a, ctx, field_name, hours_default)
        uses_default = any(item.hours is None for item in getattr(a, field_name))
        kwh = shoot_days * per_day
        water, indicators = electricity_water(ctx, region, kwh)
        drafts.append(
            Draft(
                label=Message(
                    "Studio hire, {size} ({region}): {what} listed, power × hours on shoot days",
                    size=size,
                    region=region,
                    what=Message(what),
                ),
                quantity=kwh,
                unit="kWh",
                factors=[grid, *in_quantity([*chain, *(hours_chain if uses_default else [])]), water],
                emissions_kgco2e=kwh * v(grid),
                quantity_status=status,
                suffix=field_name,
                indicators=indicators,
            )
        )
    return drafts
