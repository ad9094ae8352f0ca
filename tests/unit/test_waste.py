"""Waste: formulas against hand-computed values from the cited factors; no credit by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.production import validate

CSV = Path(__file__).parents[2] / "src" / "shootprint" / "data" / "curated" / "waste.csv"


def run(*activities: dict[str, Any], factor_set: str = "ademe", exclude: tuple[str, ...] = ()) -> Any:
    acts = [{"stage": "shoot", **a} for a in activities]
    prod = validate({"name": "t", "country": "FR", "activities": acts})
    return footprint(prod, FactorTable(factor_set), exclude=exclude)


def one(activity: dict[str, Any], **kw: Any) -> Any:
    fp = run({"id": "a", **activity}, **kw)
    assert len(fp.lines) == 1
    return fp.lines[0]


@pytest.mark.parametrize(
    ("stream", "treatment", "kgco2e_per_t", "row"),
    [
        ("cardboard", "recycling", 992, "ademe:34480"),
        ("cardboard", "landfill", 950, "ademe:34484"),
        ("mixed", "incineration", 374, "ademe:34650"),
        ("plastic", "incineration", 2655, "ademe:34586"),
        ("wood", "average", 122, "ademe:34678"),
        ("food", "composting", 140, "ademe:34638"),
        ("glass", "recycling", 639, "ademe:34472"),
        ("textile", "average", 500, "ademe:34630"),
    ],
)
def test_treatment_factors(stream: str, treatment: str, kgco2e_per_t: float, row: str) -> None:
    line = one({"type": "waste", "stream": stream, "treatment": treatment, "mass": "30 kg"})
    assert line.emissions_kgco2e == pytest.approx(30 * kgco2e_per_t / 1000)
    assert line.factors[0].resolved_id == row
    assert line.emissions_kgco2e >= 0


def test_default_treatment_is_average_with_warning() -> None:
    line = one({"type": "waste", "stream": "mixed", "mass": "80 kg"})
    assert line.emissions_kgco2e == pytest.approx(80 * 386 / 1000)  # ademe:34654
    assert "default-used" in {w.code for w in line.warnings}


def test_linear_in_mass() -> None:
    e1 = one({"type": "waste", "stream": "wood", "treatment": "landfill", "mass": "5 kg"}).emissions_kgco2e
    e2 = one({"type": "waste", "stream": "wood", "treatment": "landfill", "mass": "0.01 t"}).emissions_kgco2e
    assert e2 == pytest.approx(2 * e1)


def test_no_credit_unless_asked() -> None:
    base = {"id": "a", "type": "waste", "stream": "cardboard", "treatment": "recycling", "mass": "30 kg"}
    assert all(line.emissions_kgco2e >= 0 for line in run(base).lines)
    fp = run({**base, "avoided_emissions": True})
    by_id = {line.id: line for line in fp.lines}
    assert by_id["a"].emissions_kgco2e == pytest.approx(30 * 0.992)  # ademe:34480
    assert by_id["a/avoided"].emissions_kgco2e == pytest.approx(30 * -0.379)  # ademe:34481
    assert fp.total_kgco2e == pytest.approx(30 * (0.992 - 0.379))
    # the credit carries a tag, so it can be left out
    kept = run({**base, "avoided_emissions": True}, exclude=("avoided-emissions",))
    assert [line.id for line in kept.lines] == ["a"]
    assert kept.excluded == ["a/avoided"]


def test_unknown_pair_lists_treatments_of_the_stream() -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "waste", "stream": "food", "treatment": "recycling", "mass": "1 kg"})
    message = str(err.value)
    assert "activities.a.treatment" in message
    assert "composting" in message and "anaerobic_digestion" in message


def test_unknown_stream_lists_accepted() -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "waste", "stream": "plutonium", "treatment": "landfill", "mass": "1 kg"})
    message = str(err.value)
    assert "activities.a.stream" in message and "cardboard" in message


def test_missing_mass_and_wrong_unit() -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "waste", "stream": "mixed"})
    assert "activities.a.mass" in str(err.value)
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "waste", "stream": "mixed", "mass": "3 kWh"})
    assert "activities.a.mass" in str(err.value)


def test_credit_missing_for_pair() -> None:
    with pytest.raises(InputError) as err:
        run(
            {
                "id": "a",
                "type": "waste",
                "stream": "glass",
                "treatment": "landfill",
                "mass": "1 kg",
                "avoided_emissions": True,
            }
        )
    assert "activities.a.avoided_emissions" in str(err.value)


def test_desnz_set() -> None:
    food = one({"type": "waste", "stream": "food", "treatment": "landfill", "mass": "100 kg"}, factor_set="desnz")
    # 700.30886 kgCO2e/t  # desnz.waste.refuse.organic_food_and_drink_waste.landfill
    assert food.emissions_kgco2e == pytest.approx(100 * 700.30886 / 1000)
    rec = one({"type": "waste", "stream": "cardboard", "treatment": "recycling", "mass": "100 kg"}, factor_set="desnz")
    # cut-off: transport to the facility only, 4.68568 kgCO2e/t  # desnz.waste.paper.paper_and_board_board.closed_loop
    assert rec.emissions_kgco2e == pytest.approx(100 * 4.68568 / 1000)
    # DESNZ has no 'average': ADEME's row applies
    avg = one({"type": "waste", "stream": "mixed", "treatment": "average", "mass": "100 kg"}, factor_set="desnz")
    assert avg.emissions_kgco2e == pytest.approx(100 * 386 / 1000)  # ademe:34654
    with pytest.raises(InputError) as err:
        run(
            {
                "id": "a",
                "type": "waste",
                "stream": "cardboard",
                "treatment": "recycling",
                "mass": "1 kg",
                "avoided_emissions": True,
            },
            factor_set="desnz",
        )
    assert "activities.a.avoided_emissions" in str(err.value)


def test_waste_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(CSV, "curated")
    assert rows
    for row in rows:
        assert validate_row(row) == [], row.id
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        resolved = FactorTable(row.factor_set or "ademe").resolve(row.id)
        assert resolved.uncertainty_row is not None, f"{row.id}: no uncertainty anywhere in its chain"
        if not row.id.endswith(".avoided"):
            assert resolved.value >= 0, f"{row.id}: a treatment row must not be a credit"
