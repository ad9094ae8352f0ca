"""Equipment: manufacture amortised over days of use, against hand-computed values."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any, get_args

import pytest

from shootprint.categories.equipment import Item
from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import CSV_COLUMNS, FactorTable, row_from_strings, validate_row
from shootprint.production import validate

TABLE = FactorTable()


def run(*activities: dict[str, Any], table: FactorTable = TABLE) -> Any:
    prod = validate({"name": "t", "country": "FR", "activities": list(activities)})
    return footprint(prod, table)


def eq(item: str, days: str = "5 day", **extra: Any) -> dict[str, Any]:
    return {"id": "e", "type": "equipment", "stage": "shoot", "item": item, "days": days, **extra}


def test_cinema_camera_two_bodies_five_days() -> None:
    fp = run(eq("cinema_camera", count=2))
    (line,) = fp.lines
    embodied = 130.0  # equipment.cinema_camera.embodied (judgement: mass × ADEME factors)
    lifetime_days = 800.0  # equipment.cinema_camera.lifetime_days
    assert line.emissions_kgco2e == pytest.approx(2 * 5 * embodied / lifetime_days)
    assert line.quantity == 10.0 and line.unit == "day"
    assert line.category == "equipment"
    assert [f.role for f in line.factors] == ["embodied", "lifetime days of use"]
    assert [f.id for f in line.factors] == [
        "equipment.cinema_camera.embodied",
        "equipment.cinema_camera.lifetime_days",
    ]


def test_camera_body_uses_ademe_mirrorless_camera() -> None:
    (line,) = run(eq("camera_body", days="3 day")).lines
    embodied = 29.0  # ademe:27029 Appareil photo hybride
    lifetime_days = 400.0  # equipment.camera_body.lifetime_days
    assert line.emissions_kgco2e == pytest.approx(3 * embodied / lifetime_days)
    assert line.factors[0].resolved_id == "ademe:27029"
    assert line.factors[0].uncertainty == {"kind": "published", "pct": 50.0}


def test_laptop_default_count_is_one() -> None:
    (line,) = run(eq("laptop", days="10 day")).lines
    assert line.emissions_kgco2e == pytest.approx(10 * 156.0 / 1100.0)  # ademe:27002; 1100 days
    assert line.quantity_status == "input"


def test_external_hdd_from_ademe_arcep() -> None:
    (line,) = run(eq("external_hdd", days="20 day")).lines
    # ademe_arcep.equipment.external_hdd 11.5 kgCO2e; equipment.external_hdd.lifetime_days 500
    assert line.emissions_kgco2e == pytest.approx(20 * 11.5 / 500.0)


@pytest.mark.parametrize("item", get_args(Item))
def test_linear_in_days_and_count(item: str) -> None:
    one = run(eq(item, days="2 day")).lines[0].emissions_kgco2e
    more = run(eq(item, days="6 day", count=4)).lines[0].emissions_kgco2e
    assert one > 0
    assert more == pytest.approx(12 * one)


def test_pinned_factor_replaces_embodied_and_keeps_lifetime() -> None:
    (line,) = run(eq("camera_body", days="4 day", factor="ademe:27028")).lines
    assert line.factor_status == "pinned"
    assert line.factor_id == "ademe:27028"
    assert line.emissions_kgco2e == pytest.approx(4 * 30.6 / 400.0)  # ademe:27028 reflex
    assert line.factors[1].id == "equipment.camera_body.lifetime_days"


def test_days_from_parameter() -> None:
    prod = validate(
        {
            "name": "t",
            "parameters": {"shoot": "3 day"},
            "activities": [eq("lens", days="$shoot", count=5)],
        }
    )
    (line,) = footprint(prod, TABLE).lines
    assert line.emissions_kgco2e == pytest.approx(15 * 13.0 / 1500.0)  # equipment.lens.*
    assert line.quantity_status == "parameter"


def test_desnz_set_gives_the_same_equipment_factors() -> None:
    a = run(eq("hmi_light")).lines[0].emissions_kgco2e
    b = run(eq("hmi_light"), table=FactorTable("desnz")).lines[0].emissions_kgco2e
    assert a == pytest.approx(b) == pytest.approx(5 * 250.0 / 1200.0)


@pytest.mark.parametrize(
    ("activity", "path"),
    [
        (eq("steadicam"), "activities.e.item"),
        ({"id": "e", "type": "equipment", "stage": "shoot", "item": "lens"}, "activities.e.days"),
        (eq("lens", days="5 km"), "activities.e.days"),
        (eq("lens", days="5"), "activities.e.days"),
        (eq("lens", count=-1), "activities.e.count"),
        (eq("lens", colour="red"), "activities.e.colour"),
    ],
)
def test_bad_input_names_the_field(activity: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError, match=path.replace(".", r"\.")):
        run(activity)


def test_pinned_factor_in_wrong_unit_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"activities\.e\.factor"):
        run(eq("lens", factor="ademe:43642"))  # electricity, kgCO2e/kWh


# -- data --------------------------------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    path = resources.files("shootprint.data").joinpath("curated/equipment.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        return list(reader)


def test_every_row_is_valid_and_resolves() -> None:
    for raw in _rows():
        row = row_from_strings(raw, "curated")
        assert validate_row(row) == [], row.id
        resolved = TABLE.resolve(row.id)
        assert resolved.value > 0, row.id
        # every row carries an uncertainty: its own judgement or the published one of its target
        unc = resolved.uncertainty_row
        assert unc is not None, row.id
        if unc.uncertainty_kind == "judgement":
            assert unc.uncertainty_reason and unc.low is not None and unc.high is not None, row.id
            assert unc.low <= resolved.value <= unc.high, row.id
        else:
            assert unc.uncertainty_kind == "published" and unc.uncertainty_pct, row.id
        if not row.alias_of:
            assert row.licence and row.source, row.id


def test_every_item_has_both_rows_in_the_right_units() -> None:
    for item in get_args(Item):
        assert TABLE.resolve(f"equipment.{item}.embodied").unit == "kgCO2e/unit"
        lifetime = TABLE.get(f"equipment.{item}.lifetime_days")
        assert lifetime.unit == "day" and lifetime.kind == "parameter"
    ids = {r["id"] for r in _rows()}
    assert len(ids) == 2 * len(get_args(Item))
