"""Energy: grid electricity by country and factor set, generators, gas, studio hire; the energy data.

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


def run(activity: dict[str, Any], country: str = "FR", factor_set: str = "ademe") -> Footprint:
    prod = validate({"name": "t", "country": country, "activities": [{"id": "a", "stage": "shoot", **activity}]})
    return footprint(prod, FactorTable(factor_set))


def test_electricity_france_uses_ademe_2024_mix() -> None:
    fp = run({"type": "electricity", "energy": "1000 kWh"})
    assert fp.total_kgco2e == pytest.approx(1000 * 0.0519)  # ademe:43642
    assert fp.lines[0].factors[0].resolved_id == "ademe:43642"


@pytest.mark.parametrize(
    ("factor_set", "kgco2e_per_kwh", "resolved"),
    [
        # Base Carbone's South African mix (ademe:15656, 0.927, IEA 2011 data) is more than five years
        # older than OWID/Ember 2023 (codecarbon.grid.ZA, 0.707686): the recent one is the default
        ("ademe", 0.707686, "codecarbon.grid.ZA"),
        ("desnz", 0.707686, "codecarbon.grid.ZA"),  # OWID/Ember 2023 via codecarbon 3.3.2
    ],
)
def test_electricity_south_africa_in_both_sets(factor_set: str, kgco2e_per_kwh: float, resolved: str) -> None:
    fp = run({"type": "electricity", "energy": "200 kWh"}, country="ZA", factor_set=factor_set)
    assert fp.total_kgco2e == pytest.approx(200 * kgco2e_per_kwh)
    assert fp.lines[0].factors[0].resolved_id == resolved


def test_old_ademe_grid_stays_in_the_range_and_the_name() -> None:
    fp = run({"type": "electricity", "energy": "200 kWh"}, country="ZA")
    grid = fp.lines[0].factors[0]
    assert "OWID/Ember 2023" in grid.name and "0.927" in grid.name  # the line names both figures
    low, high = grid.uncertainty["low"], grid.uncertainty["high"]
    # the range spans both figures ±10 %: 0.707686 × 0.9 and 0.927 × 1.1 (ademe:15656)
    assert low == pytest.approx(0.707686 * 0.9, rel=1e-3) and high == pytest.approx(0.927 * 1.1, rel=1e-3)
    us = run({"type": "electricity", "energy": "100 kWh"}, country="US")
    assert us.total_kgco2e == pytest.approx(100 * 0.369473)  # codecarbon.grid.US, OWID/Ember 2023


def test_electricity_uk_desnz_is_generation_plus_td_plus_wtt() -> None:
    fp = run({"type": "electricity", "energy": "100 kWh"}, country="GB", factor_set="desnz")
    # desnz.electricity.uk.generation + t_and_d + wtt generation + wtt t_and_d
    assert fp.total_kgco2e == pytest.approx(100 * (0.177 + 0.01853 + 0.0459 + 0.00397))


def test_electricity_region_overrides_country() -> None:
    fp = run({"type": "electricity", "energy": "10 kWh", "region": "DE"}, factor_set="desnz")
    assert fp.total_kgco2e == pytest.approx(10 * 0.38095)  # codecarbon.grid.DE (2023)


def test_electricity_country_without_data_falls_back_to_world_with_warning() -> None:
    fp = run({"type": "electricity", "energy": "100 kWh"}, country="AQ")
    assert fp.total_kgco2e == pytest.approx(100 * 0.475)  # codecarbon.grid.world_average_fallback
    assert {w.code for w in fp.lines[0].warnings} == {"region-fallback-world"}  # grid and water rows


@pytest.mark.parametrize(
    ("fuel", "kgco2e_per_l"),
    [("diesel", 3.16), ("hvo", 0.544), ("petrol", 2.69)],  # ademe:14015, ademe:37112, ademe:25763
)
def test_generator_by_litres(fuel: str, kgco2e_per_l: float) -> None:
    fp = run({"type": "generator", "fuel": fuel, "volume": "120 L"})
    assert fp.total_kgco2e == pytest.approx(120 * kgco2e_per_l)


def test_generator_by_litres_desnz_gas_oil() -> None:
    fp = run({"type": "generator", "volume": "100 L"}, factor_set="desnz")
    # desnz.fuel.gas_oil.litres + desnz.fuel_wtt.gas_oil.litres
    assert fp.total_kgco2e == pytest.approx(100 * (2.75541 + 0.62665))


@pytest.mark.parametrize(
    ("fuel", "kgco2e_per_kwh"),
    [
        ("diesel", 1.232),  # derived.generator_diesel_per_kwh_delivered.quarter_load
        ("hvo", 0.544 * 0.39),  # ademe:37112 × quarter-load SFC 0.39 L/kWh
        ("petrol", 2.69 * 0.8),  # ademe:25763 × SFC 0.8 L/kWh
    ],
)
def test_generator_by_kwh_delivered(fuel: str, kgco2e_per_kwh: float) -> None:
    fp = run({"type": "generator", "fuel": fuel, "energy": "500 kWh"})
    assert fp.total_kgco2e == pytest.approx(500 * kgco2e_per_kwh)


def test_generator_needs_exactly_one_quantity() -> None:
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "generator", "fuel": "diesel"})
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "generator", "volume": "1 L", "energy": "1 kWh"})


def test_generator_unknown_fuel_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.fuel"):
        run({"type": "generator", "fuel": "coal", "volume": "1 L"})


def test_gas_gross_calorific_value() -> None:
    assert run({"type": "gas", "energy": "1000 kWh"}).total_kgco2e == pytest.approx(1000 * 0.215)  # ademe:37133
    desnz = run({"type": "gas", "energy": "1000 kWh"}, factor_set="desnz").total_kgco2e
    assert desnz == pytest.approx(1000 * (0.18296 + 0.03021))  # desnz natural gas gross CV + WTT


def test_gas_wrong_unit_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.energy"):
        run({"type": "gas", "energy": "12 km"})


def test_studio_default_per_day() -> None:
    fp = run({"type": "studio", "days": "3 day", "size": "medium"})
    line = fp.lines[0]
    assert line.quantity == pytest.approx(3 * 650)  # energy.studio.medium.kwh_per_day
    assert fp.total_kgco2e == pytest.approx(3 * 650 * 0.0519)  # × ademe:43642
    assert line.quantity_status == "default"


def test_studio_with_its_own_kwh() -> None:
    fp = run({"type": "studio", "days": "2 day", "energy": "800 kWh"}, country="GB", factor_set="desnz")
    assert fp.total_kgco2e == pytest.approx(800 * (0.177 + 0.01853 + 0.0459 + 0.00397))
    assert fp.lines[0].quantity_status == "input"


def test_studio_from_its_listed_lighting_and_equipment() -> None:
    """Building every hire day, listed lights and equipment on shoot days only (hand-computed)."""
    fp = run(
        {
            "type": "studio",
            "size": "large",
            "days": "5 day",  # one build, three shoot, one strike day
            "shoot_days": "3 day",
            "lighting": [
                {"fixture": "SkyPanel S60-C", "count": 4, "power_kw": "0.45 kW"},
                {"fixture": "HMI 1200", "count": 2},  # energy.fixture.hmi_1200.power 1.2 kW (OSRAM lamp data)
            ],
            "equipment": [{"fixture": "DIT cart", "power_kw": "0.5 kW", "hours": "12 h"}],
        }
    )
    lines = {line.id: line for line in fp.lines}
    assert set(lines) == {
        "a/building-electricity",
        "a/building-heating",
        "a/lighting",
        "a/equipment",
    }
    # 5 days × 1500 m² (energy.studio.large.area_m2) × 121 kWh/(m2.year) (ademe:23624, the row
    # post_production.workspace.office.electricity) ÷ 220 days (post_production.workspace.days_per_year)
    building_kwh = 5 * 1500 * 121 / 220
    assert lines["a/building-electricity"].quantity == pytest.approx(building_kwh)  # 4125 kWh
    assert lines["a/building-electricity"].emissions_kgco2e == pytest.approx(building_kwh * 0.0519)  # ademe:43642
    # heating and hot water 184 kWh/(m2.year) (ademe:23734) × French heating fuel (gas, ademe:37133: 0.215)
    heating_kwh = 5 * 1500 * 184 / 220
    assert lines["a/building-heating"].emissions_kgco2e == pytest.approx(heating_kwh * 0.215)
    # lights: (4 × 0.45 kW + 2 × 1.2 kW) × 10 h (energy.studio.lighting_hours_per_day) × 3 shoot days
    assert lines["a/lighting"].quantity == pytest.approx((4 * 0.45 + 2 * 1.2) * 10 * 3)  # 126 kWh
    assert lines["a/lighting"].emissions_kgco2e == pytest.approx(126 * 0.0519)
    assert "energy.fixture.hmi_1200.power" in [f.id for f in lines["a/lighting"].factors]
    # the DIT cart: 0.5 kW × its own 12 h × 3 shoot days; no default hours in its chain
    assert lines["a/equipment"].quantity == pytest.approx(0.5 * 12 * 3)
    assert "energy.studio.lighting_hours_per_day" not in [f.id for f in lines["a/equipment"].factors]
    assert fp.total_kgco2e == pytest.approx((building_kwh + 126 + 18) * 0.0519 + heating_kwh * 0.215)


def test_studio_listed_area_and_hours_from_the_file() -> None:
    fp = run(
        {
            "type": "studio",
            "days": "2 day",
            "area_m2": 220,
            "lighting_hours": "8 h",
            "lighting": [{"fixture": "HMI 575", "count": 3}],  # energy.fixture.hmi_575.power 0.575 kW
        }
    )
    lines = {line.id: line for line in fp.lines}
    assert lines["a/building-electricity"].quantity == pytest.approx(2 * 220 * 121 / 220)  # 242 kWh
    assert lines["a/lighting"].quantity == pytest.approx(3 * 0.575 * 8 * 2)  # shoot days default to days
    assert lines["a/building-electricity"].quantity_status == "input"


def test_studio_without_a_list_keeps_the_per_day_default() -> None:
    fp = run({"type": "studio", "days": "5 day", "size": "large"})
    assert [line.id for line in fp.lines] == ["a"]
    assert fp.total_kgco2e == pytest.approx(5 * 2600 * 0.0519)  # energy.studio.large.kwh_per_day × ademe:43642


def test_studio_list_errors_name_the_field_and_what_is_accepted() -> None:
    with pytest.raises(InputError, match=r"lighting\[0\]\.fixture: no rated power known for 'Mystery lamp'.*hmi_1200"):
        run({"type": "studio", "days": "1 day", "lighting": [{"fixture": "Mystery lamp"}]})
    with pytest.raises(InputError, match="energy .* or lighting/equipment lists, not both"):
        run({"type": "studio", "days": "1 day", "energy": "100 kWh", "lighting": [{"fixture": "HMI 575"}]})
    with pytest.raises(InputError, match="shoot_days, area_m2 and lighting_hours go with lighting"):
        run({"type": "studio", "days": "2 day", "shoot_days": "1 day"})


# -- data ------------------------------------------------------------------------------------


def test_energy_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(DATA / "curated" / "energy.csv", "curated")
    assert rows
    for set_name in ("ademe", "desnz"):
        table = FactorTable(set_name)
        for row in rows:
            assert validate_row(row) == [], row.id
            assert table.resolve(row.id).value is not None
            if row.uncertainty_kind == "judgement":
                assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id


def test_every_curated_row_states_an_uncertainty() -> None:
    table = FactorTable()
    for row in read_rows_csv(DATA / "curated" / "energy.csv", "curated"):
        resolved = table.resolve(row.id)
        assert resolved.uncertainty_row is not None, row.id


def test_grid_covers_codecarbon_countries() -> None:
    source = read_rows_csv(DATA / "sources" / "codecarbon_grid.csv", "source")
    assert len(source) == 213
    table = FactorTable()
    for row in source:
        assert row.id == f"codecarbon.grid.{row.region}" and len(row.region) == 2
        if row.value:  # upstream gives 0 for one country with no data: left to the world fallback
            assert f"energy.grid.{row.region}" in table, row.region
    za = next(r for r in source if r.region == "ZA")
    assert za.value == pytest.approx(707.686 / 1000) and za.year == 2023


def test_no_region_and_no_country_says_the_world_average_is_used() -> None:
    from shootprint.engine import footprint
    from shootprint.factors import FactorTable
    from shootprint.production import validate

    prod = validate(
        {"name": "t", "activities": [{"id": "e", "type": "electricity", "stage": "shoot", "energy": "10 kWh"}]}
    )
    (line,) = footprint(prod, FactorTable()).lines
    assert line.factor_id == "energy.grid.WORLD"
    assert "region-unknown" in [w.code for w in line.warnings]


def test_water_of_electricity_on_every_grid_line() -> None:
    # water consumed by electricity generation, by country: ai.wue.offsite.FR = 3.6737 L/kWh (EcoLogits FRA mix)
    fp = run({"type": "electricity", "energy": "100 kWh"})
    assert fp.lines[0].indicators["water_electricity_l"] == pytest.approx(100 * 3.6737)
    studio = run({"type": "studio", "days": "2 day", "size": "small"})
    # energy.studio.small.kwh_per_day 140 kWh/day × 2 days
    assert studio.lines[0].indicators["water_electricity_l"] == pytest.approx(2 * 140 * 3.6737)
    de = run({"type": "electricity", "energy": "10 kWh"}, country="DE")
    assert de.indicators["water_electricity_l"] == pytest.approx(10 * 1.947)  # ai.wue.offsite.DE


def test_generator_litres_from_load_and_hours_through_the_curve() -> None:
    # 30 kW on an 80 kW set for 10 h: load fraction 0.375, between the quarter-load (0.39 L/kWh,
    # energy.generator.sfc.quarter_load) and half-load (0.31, .half_load) points of the generatorsource.com
    # chart: 0.39 + (0.31 - 0.39) × 0.5 = 0.35 L/kWh; 300 kWh × 0.35 = 105 L × 3.16 kgCO2e/L (ademe:14015)
    fp = run({"type": "generator", "load": "30 kW", "hours": "10 h", "rated": "80 kW"})
    assert fp.lines[0].quantity == pytest.approx(105.0)
    assert fp.total_kgco2e == pytest.approx(105.0 * 3.16)
    # without the rated power: the quarter-load point, 0.39 L/kWh
    unrated = run({"type": "generator", "load": "30 kW", "hours": "10 h"})
    assert unrated.lines[0].quantity == pytest.approx(300 * 0.39)
    # below 10 % load the curve's lowest point (0.5 L/kWh, energy.generator.sfc.tenth_load)
    light = run({"type": "generator", "load": "5 kW", "hours": "10 h", "rated": "100 kW"})
    assert light.lines[0].quantity == pytest.approx(50 * 0.5)
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "generator", "load": "30 kW"})
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "generator", "load": "30 kW", "hours": "10 h", "volume": "100 L"})
