"""Spend-based lines: ADEME monetary ratios (kgCO2e per k€ 2023 excl. VAT)."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

import pytest

from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import CSV_COLUMNS, FactorTable, row_from_strings, validate_row
from shootprint.production import validate

TABLE = FactorTable()


def run(*activities: dict[str, Any], table: FactorTable = TABLE) -> Any:
    prod = validate({"name": "t", "country": "FR", "activities": list(activities)})
    return footprint(prod, table)


def sp(**extra: Any) -> dict[str, Any]:
    base = {"id": "s", "type": "spend", "stage": "shoot", "amount": "1200 EUR", "ratio": "hotel_restaurant"}
    return {**base, **extra}


def test_hotel_restaurant_in_euros() -> None:
    (line,) = run(sp()).lines
    ratio = 250.0  # ademe:43525 Services d'hébergement et de restauration 2023, kgCO2e/k€
    assert line.emissions_kgco2e == pytest.approx(1200 * ratio / 1000)
    assert line.factor_status == "spend-based"
    assert line.category == "spend"
    assert line.quantity == 1200 and line.unit == "EUR"
    assert line.factors[0].resolved_id == "ademe:43525"
    assert line.factors[0].unit == "kgCO2e/EUR"


def test_category_files_the_line_elsewhere() -> None:
    fp = run(sp(category="accommodation"))
    assert fp.lines[0].category == "accommodation"
    assert fp.lines[0].factor_status == "spend-based"
    assert fp.by_category == {"accommodation": pytest.approx(1200 * 0.250)}


def test_foreign_currency_with_rate() -> None:
    (line,) = run(sp(amount="1000 USD", currency="USD", rate=0.9, ratio="film_tv_production")).lines
    ratio = 156.0  # ademe:43375 Cinéma, TV … 2023, kgCO2e/k€
    assert line.quantity == pytest.approx(900.0)
    assert line.emissions_kgco2e == pytest.approx(1000 * 0.9 * ratio / 1000)


def test_linear_in_amount() -> None:
    one = run(sp(amount="100 EUR", ratio="advertising")).lines[0].emissions_kgco2e
    more = run(sp(amount="700 EUR", ratio="advertising")).lines[0].emissions_kgco2e
    assert one == pytest.approx(100 * 113.0 / 1000)  # ademe:43490
    assert more == pytest.approx(7 * one)


def test_pinned_factor_is_still_spend_based() -> None:
    (line,) = run(sp(factor="ademe:43445")).lines
    assert line.factor_id == "ademe:43445"
    assert line.factors[0].status == "pinned"
    assert line.factor_status == "spend-based"
    assert line.emissions_kgco2e == pytest.approx(1200 * 75.0 / 1000)  # ademe:43445 IT services


def test_equipment_rental_proxy_has_its_reasoned_range() -> None:
    (line,) = run(sp(ratio="equipment_rental")).lines
    assert line.emissions_kgco2e == pytest.approx(1200 * 216.0 / 1000)  # ademe:43420
    unc = line.factors[0].uncertainty
    assert unc["kind"] == "judgement" and unc["low"] == pytest.approx(0.075) and "rental" in unc["reason"]


def test_desnz_set_uses_the_ademe_ratio() -> None:
    (line,) = run(sp(), table=FactorTable("desnz")).lines
    assert line.emissions_kgco2e == pytest.approx(1200 * 0.250)


@pytest.mark.parametrize(
    ("activity", "path"),
    [
        (sp(amount="1000 USD", currency="USD"), "activities.s.rate"),
        (sp(rate=1.1), "activities.s.rate"),
        (sp(amount="1000 EUR", currency="USD", rate=0.9), "activities.s.amount"),
        (sp(amount=1000), "activities.s.amount"),
        (sp(amount="1000 km"), "activities.s.amount"),
        (sp(currency="dollars"), "activities.s.currency"),
        (sp(category="catering_and_more"), "activities.s.category"),
        (sp(ratio="Hotels!"), "activities.s.ratio"),
        (sp(ratio="hotels"), "activities.s.ratio"),
    ],
)
def test_bad_input_names_the_field(activity: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError, match=path.replace(".", r"\.")):
        run(activity)


def test_unknown_ratio_lists_the_accepted_keys() -> None:
    with pytest.raises(InputError, match="hotel_restaurant"):
        run(sp(ratio="hotels"))


# -- data --------------------------------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    path = resources.files("shootprint.data").joinpath("curated/spend.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def test_every_row_aliases_a_2023_ademe_monetary_ratio() -> None:
    rows = _rows()
    assert len(rows) >= 30
    for raw in rows:
        row = row_from_strings(raw, "curated")
        assert validate_row(row) == [], row.id
        assert row.id.startswith("spend.") and row.alias_of.startswith("ademe:"), row.id
        resolved = TABLE.resolve(row.id)
        assert resolved.row.unit == "kgCO2e/kEUR", row.id
        assert "2023" in resolved.row.name_fr, row.id
        assert not resolved.row.archived, row.id
        unc = resolved.uncertainty_row
        assert unc is not None, row.id
        if unc.uncertainty_kind == "judgement":
            assert unc.uncertainty_reason and unc.low is not None and unc.high is not None, row.id
            assert unc.low <= resolved.value <= unc.high, row.id
        else:
            assert unc.uncertainty_kind == "published" and unc.uncertainty_pct, row.id


def test_spend_categories_are_the_category_modules() -> None:
    from typing import get_args

    from shootprint.categories import MODULES
    from shootprint.categories.spend import Category

    assert set(get_args(Category)) == set(MODULES)
