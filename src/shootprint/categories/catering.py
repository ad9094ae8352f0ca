"""Category: catering — meals, drinks and snacks served on a production.

Method: docs/methodology/catering.md.

Formulas (units in names; every factor and default a sourced row of the factor table):

* meal: ``emissions_kgco2e = meals × meal_kgco2e_per_meal(kind)`` — ``catering.meal.<kind>``:
  ADEME Base Carbone meals 20682–20689 (mixed = "repas moyen", vegetarian, chicken, beef and the
  plant-/meat-dominant variants, ±50 % published); vegan and fish from ADEME Impact CO2 (Base Carbone
  has neither).
* drinks: ``volume_l = servings × serving_l(kind)`` (or the ``volume`` given), then
  ``emissions_kgco2e = volume_l × density_kg_per_l × drink_kgco2e_per_kg(kind)`` —
  ``catering.drink.<kind>`` are Agribalyse 3.1 rows of Base Carbone, given per kg of drink as
  served, hence the density (``catering.drink.density``, kg/L).
* snacks: ``mass_kg = person_days × snack_kg_per_person_day`` (or the ``mass`` given), then
  ``emissions_kgco2e = mass_kg × snack_kgco2e_per_kg(kind)`` — ``catering.snack.<kind>``
  (Agribalyse 3.1 via Base Carbone; ``mixed`` is a stated basket of those rows).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from shootprint.engine import Context, Draft, in_quantity, v
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, Q_count, Q_kg, Q_l
from shootprint.vocabulary import term

CATEGORY = "catering"

MealKind = Literal[
    "mixed",
    "vegan",
    "vegetarian",
    "plant_based_chicken",
    "plant_based_beef",
    "chicken",
    "beef",
    "meat_based_chicken",
    "meat_based_beef",
    "fish",
    "oily_fish",
]
DrinkKind = Literal["coffee", "tea", "soft_drink", "juice", "bottled_water"]
SnackKind = Literal["mixed", "fruit", "biscuits", "pastry", "crisps", "chocolate_bar", "nuts"]


class Meal(ActivityBase):
    """Meals served: ``count`` meals of one ``kind`` (``mixed`` = ADEME's average French meal)."""

    type: Literal["meal"]
    kind: MealKind = "mixed"
    count: Q_count


class Drinks(ActivityBase):
    """Drinks served: ``count`` servings (cups, cans, bottles) or a ``volume`` in litres."""

    type: Literal["drinks"]
    kind: DrinkKind
    count: Q_count | None = None
    volume: Q_l | None = None

    @model_validator(mode="after")
    def _one_quantity(self) -> Drinks:
        if (self.count is None) == (self.volume is None):
            raise ValueError(N_("give either count (servings: cups, cans, bottles) or volume (litres)"))
        return self


class Snacks(ActivityBase):
    """Snacks (craft service): a ``mass`` in kg, or ``person_days`` (people × shoot days)."""

    type: Literal["snacks"]
    kind: SnackKind = "mixed"
    mass: Q_kg | None = None
    person_days: Q_count | None = None

    @model_validator(mode="after")
    def _one_quantity(self) -> Snacks:
        if (self.mass is None) == (self.person_days is None):
            raise ValueError(N_("give either mass (kg of snacks) or person_days (people × shoot days)"))
        return self


def meal(a: Meal, ctx: Context) -> list[Draft]:
    meals = ctx.q(a, "count")
    factor = ctx.main_factor(a, f"catering.meal.{a.kind}", "kgCO2e/meal")
    return [
        Draft(
            label=Message("Meals, {kind}", kind=term("meal", a.kind)),
            quantity=meals,
            unit="meal",
            factors=[factor],
            emissions_kgco2e=meals * v(factor),
            quantity_status=ctx.status_of(a, "count"),
        )
    ]


def drinks(a: Drinks, ctx: Context) -> list[Draft]:
    factor = ctx.main_factor(a, f"catering.drink.{a.kind}", "kgCO2e/kg")
    density = ctx.factor("catering.drink.density", "density", "kg/L")
    if a.volume is not None:
        volume_l = ctx.q(a, "volume")
        factors = [factor, density]
        status = ctx.status_of(a, "volume")
    else:
        serving = ctx.factor(f"catering.drink.{a.kind}.serving", "litres per serving", "L")
        volume_l = ctx.q(a, "count") * v(serving)
        factors = [factor, density, *in_quantity([serving])]
        status = "default"  # litres per serving is a default, the servings are input
    return [
        Draft(
            label=Message("Drinks, {kind}", kind=term("drink", a.kind)),
            quantity=volume_l,
            unit="L",
            factors=factors,
            emissions_kgco2e=volume_l * v(density) * v(factor),
            quantity_status=status,
        )
    ]


def snacks(a: Snacks, ctx: Context) -> list[Draft]:
    factor = ctx.main_factor(a, f"catering.snack.{a.kind}", "kgCO2e/kg")
    if a.mass is not None:
        mass_kg = ctx.q(a, "mass")
        factors = [factor]
        status = ctx.status_of(a, "mass")
    else:
        per_day = ctx.factor("catering.snack.kg_per_person_day", "kg per person-day", "kg")
        mass_kg = ctx.q(a, "person_days") * v(per_day)
        factors = [factor, *in_quantity([per_day])]
        status = "default"  # the mass is a default per person-day, the person-days are input
    return [
        Draft(
            label=Message("Snacks, {kind}", kind=term("snack", a.kind)),
            quantity=mass_kg,
            unit="kg",
            factors=factors,
            emissions_kgco2e=mass_kg * v(factor),
            quantity_status=status,
        )
    ]


ACTIVITIES = {
    "meal": (Meal, meal),
    "drinks": (Drinks, drinks),
    "snacks": (Snacks, snacks),
}
