"""Category: energy — grid electricity, generators, gas, studio hire.

Method: docs/methodology/energy.md.

Formulas (units in names; every factor a sourced row of the factor table):

* grid electricity: ``emissions_kgco2e = energy_kwh × grid_kgco2e_per_kwh(region)``
  (``energy.grid.<CC>``: ADEME Base Carbone where its country figure is current; where it is more
  than five years older than the Our World in Data / Ember figure the package ships (Base Carbone's
  IEA 2011 "Autres pays du monde" mixes), the recent figure is the default, ADEME's stays in the
  range and the factor's name gives both: rule and rows written by data-raw/codecarbon_grid.py)
* generator by fuel: ``emissions_kgco2e = fuel_l × fuel_kgco2e_per_l`` (combustion + upstream)
* generator by energy delivered: ``energy_kwh × generator_kgco2e_per_kwh_delivered(fuel)``
* gas: ``energy_kwh × gas_kgco2e_per_kwh``
* studio hire: ``days × studio_kwh_per_day × grid_kgco2e_per_kwh(region)``; the studio's own kWh
  when the user knows them (``energy``) replace the per-day default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from shootprint.engine import Context, Draft, v
from shootprint.i18n import N_
from shootprint.model import ActivityBase, Q_day, Q_kwh, Q_l

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

    @model_validator(mode="after")
    def _one_quantity(self) -> Generator:
        if (self.volume is None) == (self.energy is None):
            raise ValueError("give either volume (litres of fuel) or energy (kWh delivered)")
        return self


class Gas(ActivityBase):
    """Natural gas burnt (heating, catering on site), in kWh (gross calorific value)."""

    type: Literal["gas"]
    energy: Q_kwh


class Studio(ActivityBase):
    """Studio hire: its energy, from the days of hire or from the studio's own kWh."""

    type: Literal["studio"]
    days: Q_day
    energy: Q_kwh | None = None
    size: Literal["small", "medium", "large"] = "medium"


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
    return [
        Draft(
            label=f"Grid electricity ({region_of(a, ctx)})",
            quantity=energy_kwh,
            unit="kWh",
            factors=[grid],
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status=ctx.status_of(a, "energy"),
        )
    ]


def generator(a: Generator, ctx: Context) -> list[Draft]:
    if a.volume is not None:
        fuel_l = ctx.q(a, "volume")
        factor = ctx.main_factor(a, f"energy.fuel.{a.fuel}", "kgCO2e/L")
        return [
            Draft(
                label=f"Generator, {a.fuel} burnt",
                quantity=fuel_l,
                unit="L",
                factors=[factor],
                emissions_kgco2e=fuel_l * v(factor),
                quantity_status=ctx.status_of(a, "volume"),
            )
        ]
    energy_kwh = ctx.q(a, "energy")
    factor = ctx.main_factor(a, f"energy.generator.{a.fuel}", "kgCO2e/kWh")
    return [
        Draft(
            label=f"Generator, {a.fuel}, energy delivered",
            quantity=energy_kwh,
            unit="kWh",
            factors=[factor],
            emissions_kgco2e=energy_kwh * v(factor),
            quantity_status=ctx.status_of(a, "energy"),
        )
    ]


def gas(a: Gas, ctx: Context) -> list[Draft]:
    energy_kwh = ctx.q(a, "energy")
    factor = ctx.main_factor(a, "energy.gas.natural_gas", "kgCO2e/kWh")
    return [
        Draft(
            label="Natural gas",
            quantity=energy_kwh,
            unit="kWh",
            factors=[factor],
            emissions_kgco2e=energy_kwh * v(factor),
            quantity_status=ctx.status_of(a, "energy"),
        )
    ]


def studio(a: Studio, ctx: Context) -> list[Draft]:
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
        factors = [grid, per_day]
        status = "default"
    return [
        Draft(
            label=f"Studio hire, {a.size} ({region})",
            quantity=energy_kwh,
            unit="kWh",
            factors=factors,
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status=status,
        )
    ]


ACTIVITIES = {
    "electricity": (Electricity, electricity),
    "generator": (Generator, generator),
    "gas": (Gas, gas),
    "studio": (Studio, studio),
}
