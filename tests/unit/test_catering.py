"""Catering: meals, drinks and snacks; the catering data.

Expected values are written from the cited factors (ids beside each literal), not from the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.model import Footprint
from shootprint.production import validate

DATA = Path(__file__).resolve().parents[2] / "src" / "shootprint" / "data"


def run(activity: dict[str, Any], factor_set: str = "ademe") -> Footprint:
    prod = validate({"name": "t", "country": "FR", "activities": [{"id": "a", "stage": "shoot", **activity}]})
    return footprint(prod, FactorTable(factor_set))


@pytest.mark.parametrize(
    ("kind", "kgco2e_per_meal"),
    [
        ("mixed", 2.04),  # ademe:20682
        ("vegetarian", 0.51),  # ademe:20683
        ("chicken", 1.35),  # ademe:20686
        ("beef", 6.29),  # ademe:20687
        ("meat_based_beef", 7.26),  # ademe:20689
        ("vegan", 0.39),  # ademe_impactco2.meal.vegan
        ("fish", 1.98),  # ademe_impactco2.meal.white_fish
    ],
)
def test_meal(kind: str, kgco2e_per_meal: float) -> None:
    fp = run({"type": "meal", "kind": kind, "count": 40})
    assert fp.total_kgco2e == pytest.approx(40 * kgco2e_per_meal)


def test_meal_default_kind_is_mixed_in_both_sets() -> None:
    for factor_set in ("ademe", "desnz"):
        assert run({"type": "meal", "count": 10}, factor_set).total_kgco2e == pytest.approx(10 * 2.04)  # ademe:20682


def test_meal_unknown_kind_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.kind"):
        run({"type": "meal", "kind": "pizza", "count": 1})


def test_meal_missing_count_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.count"):
        run({"type": "meal", "kind": "vegan"})


def test_drinks_by_volume() -> None:
    fp = run({"type": "drinks", "kind": "bottled_water", "volume": "30 L"})
    assert fp.total_kgco2e == pytest.approx(30 * 1.0 * 0.268)  # catering.drink.density × ademe:39870


def test_drinks_by_count_uses_serving_size() -> None:
    fp = run({"type": "drinks", "kind": "coffee", "count": 100})
    line = fp.lines[0]
    assert line.quantity == pytest.approx(100 * 0.25)  # catering.drink.coffee.serving (L)
    assert fp.total_kgco2e == pytest.approx(100 * 0.25 * 1.0 * 0.6)  # × density × ademe:39841
    assert line.quantity_status == "default"


def test_drinks_soft_drink_cans() -> None:
    fp = run({"type": "drinks", "kind": "soft_drink", "count": 24})
    assert fp.total_kgco2e == pytest.approx(24 * 0.33 * 1.0 * 0.512)  # serving × density × ademe:39861


def test_drinks_need_exactly_one_quantity() -> None:
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "drinks", "kind": "tea"})
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "drinks", "kind": "tea", "count": 1, "volume": "1 L"})


def test_drinks_volume_wrong_unit_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.volume"):
        run({"type": "drinks", "kind": "tea", "volume": "3 kg"})


def test_snacks_by_mass() -> None:
    fp = run({"type": "snacks", "kind": "fruit", "mass": "12 kg"})
    assert fp.total_kgco2e == pytest.approx(12 * 0.397)  # ademe:40589


def test_snacks_by_person_days_mixed_basket() -> None:
    fp = run({"type": "snacks", "person_days": 60})
    mixed = 0.4 * 0.397 + 0.2 * 2.22 + 0.15 * 1.7 + 0.1 * 1.54 + 0.1 * 2.7 + 0.05 * 5.61  # catering.snack.mixed
    assert fp.lines[0].quantity == pytest.approx(60 * 0.15)  # catering.snack.kg_per_person_day
    assert fp.total_kgco2e == pytest.approx(60 * 0.15 * round(mixed, 2), rel=1e-3)


def test_snacks_need_exactly_one_quantity() -> None:
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "snacks", "kind": "nuts"})


# -- data ------------------------------------------------------------------------------------


def test_catering_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(DATA / "curated" / "catering.csv", "curated")
    table = FactorTable()
    for row in rows:
        assert validate_row(row) == [], row.id
        resolved = table.resolve(row.id)
        assert resolved.uncertainty_row is not None, row.id
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        if row.kind == "emission_factor":
            assert resolved.row.status != "archived", row.id
