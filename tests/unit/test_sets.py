"""Sets materials and costumes: formulas against hand-computed values from the cited factors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.production import validate

CSV = Path(__file__).parents[2] / "src" / "shootprint" / "data" / "curated" / "sets.csv"


def run(*activities: dict[str, Any], factor_set: str = "ademe") -> Any:
    acts = [{"stage": "pre-production", **a} for a in activities]
    return footprint(validate({"name": "t", "country": "FR", "activities": acts}), FactorTable(factor_set))


def one(activity: dict[str, Any], **kw: Any) -> Any:
    fp = run({"id": "a", **activity}, **kw)
    assert len(fp.lines) == 1
    return fp.lines[0]


@pytest.mark.parametrize(
    ("material", "kgco2e_per_kg", "row"),
    [
        ("timber", 0.20, "ice_v2.timber.sawn_softwood"),  # cradle to gate by default
        ("plywood", 0.45, "ice_v2.timber.plywood"),
        ("mdf", 0.39, "ice_v2.timber.mdf"),
        ("steel", 2211 / 1000, "ademe:26729"),
        ("aluminium", 7803 / 1000, "ademe:26731"),
        ("plastic", 2383 / 1000, "ademe:20836"),
        ("paint", 2.91, "ice_v2.paint_general"),
        ("textile", 6.78, "ice_v2.cotton_fabric"),
        ("cardboard", 390 / 1000, "ademe:26737"),
    ],
)
def test_material_factors(material: str, kgco2e_per_kg: float, row: str) -> None:
    line = one({"type": "material", "material": material, "mass": "120 kg"})
    assert line.emissions_kgco2e == pytest.approx(120 * kgco2e_per_kg)
    assert line.factors[0].resolved_id == row
    assert line.unit == "kg"


def test_reuse_share_counts_only_new_material() -> None:
    line = one({"type": "material", "material": "plywood", "mass": "200 kg", "reuse": "25 %"})
    # 200 kg × (1 − 0.25) × 0.45  # ice_v2.timber.plywood
    assert line.quantity == pytest.approx(150.0)
    assert line.emissions_kgco2e == pytest.approx(200 * 0.75 * 0.45)
    all_stock = one({"type": "material", "material": "plywood", "mass": "200 kg", "reuse": 1})
    assert all_stock.emissions_kgco2e == 0


def test_linear_in_mass() -> None:
    e1 = one({"type": "material", "material": "steel", "mass": "10 kg"}).emissions_kgco2e
    e4 = one({"type": "material", "material": "steel", "mass": "40 kg"}).emissions_kgco2e
    assert e4 == pytest.approx(4 * e1)


def test_end_of_life_is_counted_in_waste_only() -> None:
    line = one({"type": "material", "material": "mdf", "mass": "10 kg"})
    assert "end-of-life-in-waste" in {w.code for w in line.warnings}
    assert "cradle to gate" in line.label
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "material", "material": "mdf", "mass": "10 kg", "end_of_life": "landfill"})
    assert "activities.a.end_of_life" in str(err.value)
    assert "waste" in str(err.value)


def test_material_and_waste_are_separate_lines() -> None:
    fp = run(
        {"id": "build", "type": "material", "material": "cardboard", "mass": "50 kg"},
        {"id": "bin", "type": "waste", "stream": "cardboard", "treatment": "incineration", "mass": "50 kg"},
    )
    by_id = {line.id: line for line in fp.lines}
    assert by_id["build"].category == "sets"
    assert by_id["build"].emissions_kgco2e == pytest.approx(50 * 0.390)  # ademe:26737
    assert by_id["bin"].category == "waste"
    assert by_id["bin"].emissions_kgco2e == pytest.approx(50 * 0.120)  # ademe:34482


def test_unknown_material_lists_accepted() -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "material", "material": "unobtainium", "mass": "1 kg"})
    message = str(err.value)
    assert "activities.a.material" in message
    assert "plywood" in message and "timber" in message


@pytest.mark.parametrize("reuse", [1.5, -0.1, "150 %"])
def test_reuse_must_be_a_share(reuse: Any) -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "material", "material": "steel", "mass": "1 kg", "reuse": reuse})
    assert "activities.a.reuse" in str(err.value)


def test_desnz_material() -> None:
    line = one({"type": "material", "material": "steel", "mass": "100 kg"}, factor_set="desnz")
    # 2863.90131 kgCO2e/t  # desnz.material.metal_steel_cans.primary_material_production
    assert line.emissions_kgco2e == pytest.approx(100 * 2863.90131 / 1000)
    # no DESNZ plywood: the ICE row applies in both sets
    ply = one({"type": "material", "material": "plywood", "mass": "100 kg"}, factor_set="desnz")
    assert ply.emissions_kgco2e == pytest.approx(100 * 0.45)  # ice_v2.timber.plywood


def test_costume() -> None:
    line = one({"type": "costume", "garment": "jeans", "count": 4})
    assert line.emissions_kgco2e == pytest.approx(4 * 23.2)  # ademe:27043
    hired = one({"type": "costume", "garment": "t_shirt_cotton", "count": 10, "reuse": 0.5})
    assert hired.emissions_kgco2e == pytest.approx(10 * 0.5 * 5.2)  # ademe:27044


def test_pinned_material_factor() -> None:
    line = one({"type": "material", "material": "timber", "mass": "100 kg", "factor": "ice_v2.timber.sawn_softwood"})
    assert line.emissions_kgco2e == pytest.approx(100 * 0.2)
    assert line.factor_status == "pinned"


def test_timber_sawing_only_is_pinnable() -> None:
    line = one(
        {"type": "material", "material": "timber", "mass": "250 kg", "factor": "sets.material.timber.sawing_only"}
    )
    assert line.emissions_kgco2e == pytest.approx(250 * 36.7 / 1000)  # ademe:20909, 36.7 kgCO2e/t, sawing only
    default = one({"type": "material", "material": "timber", "mass": "250 kg"})
    assert default.emissions_kgco2e == pytest.approx(250 * 0.20)  # ice_v2.timber.sawn_softwood


def test_sets_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(CSV, "curated")
    assert rows
    for row in rows:
        assert validate_row(row) == [], row.id
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        resolved = FactorTable(row.factor_set or "ademe").resolve(row.id)
        assert resolved.uncertainty_row is not None, f"{row.id}: no uncertainty anywhere in its chain"
