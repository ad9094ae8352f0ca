"""Freight and excess baggage: formulas against hand-computed values from the cited factors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shootprint import geo
from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.production import validate

CSV = Path(__file__).parents[2] / "src" / "shootprint" / "data" / "curated" / "freight.csv"


def run(*activities: dict[str, Any], factor_set: str = "ademe", country: str = "FR") -> Any:
    acts = [{"stage": "shoot", **a} for a in activities]
    prod = validate({"name": "t", "country": country, "activities": acts})
    return footprint(prod, FactorTable(factor_set))


def one(activity: dict[str, Any], **kw: Any) -> Any:
    fp = run({"id": "a", **activity}, **kw)
    assert len(fp.lines) == 1
    return fp.lines[0]


def codes(line: Any) -> set[str]:
    return {w.code for w in line.warnings}


# -- road ---------------------------------------------------------------------------------------


def test_road_rigid_by_distance() -> None:
    line = one({"type": "freight", "mode": "road", "vehicle": "rigid", "mass": "1200 kg", "distance": "500 km"})
    # 1.2 t × 500 km × 0.169 kgCO2e/t.km  # ademe:43716 (rigid 12–20 t, diesel B7)
    assert line.quantity == pytest.approx(600.0)
    assert line.unit == "t.km"
    assert line.emissions_kgco2e == pytest.approx(1.2 * 500 * 0.169)
    assert line.factors[0].resolved_id == "ademe:43716"


@pytest.mark.parametrize(
    ("vehicle", "factor", "row"),
    [("van", 0.842, "ademe:43735"), ("articulated", 0.0755, "ademe:43647")],
)
def test_road_vehicles(vehicle: str, factor: float, row: str) -> None:
    line = one({"type": "freight", "mode": "road", "vehicle": vehicle, "mass": "0.5 t", "distance": "100 km"})
    assert line.emissions_kgco2e == pytest.approx(0.5 * 100 * factor)
    assert line.factors[0].resolved_id == row


def test_road_default_vehicle_is_rigid_with_warning() -> None:
    line = one({"type": "freight", "mode": "road", "mass": "1000 kg", "distance": "10 km"})
    assert line.emissions_kgco2e == pytest.approx(1 * 10 * 0.169)  # ademe:43716
    assert "default-used" in codes(line)


def test_return_doubles() -> None:
    base = {"type": "freight", "mode": "road", "vehicle": "van", "mass": "300 kg", "distance": "250 km"}
    one_way = one(base).emissions_kgco2e
    both = one({**base, "return": True})
    assert both.emissions_kgco2e == pytest.approx(2 * one_way)
    assert both.emissions_kgco2e == pytest.approx(2 * 0.3 * 250 * 0.842)  # ademe:43735


def test_linear_in_mass() -> None:
    base = {"type": "freight", "mode": "rail", "distance": "400 km"}
    e1 = one({**base, "mass": "100 kg"}).emissions_kgco2e
    e3 = one({**base, "mass": "300 kg"}).emissions_kgco2e
    assert e3 == pytest.approx(3 * e1)


def test_road_from_places_uses_detour_factor() -> None:
    line = one(
        {"type": "freight", "mode": "road", "vehicle": "van", "mass": "1 t", "from": "Paris, FR", "to": "Lyon, FR"}
    )
    gc_km = geo.distance_km(geo.locate("Paris, FR"), geo.locate("Lyon, FR"))
    # great circle × 1.2 (freight.road.detour_factor) × 0.842 (ademe:43735)
    assert line.emissions_kgco2e == pytest.approx(1 * gc_km * 1.2 * 0.842)
    assert "Paris → Lyon" in line.label
    assert [f.id for f in line.factors] == ["freight.road.van", "freight.road.detour_factor"]


# -- air ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "contrails", "factor", "row"),
    [
        (400, True, 2.83, "ademe:43666"),  # > 100 t cargo, < 500 km, with contrails
        (600, True, 2.98, "ademe:43664"),  # 500–1000 km
        (1999, True, 2.87, "ademe:43668"),  # 1000–2000 km
        (2000, True, 1.22, "ademe:43662"),  # band switch at 2000 km: 2000–5000 km
        (3000, False, 0.669, "ademe:43663"),  # 2000–5000 km, without contrails
        (9000, False, 0.556, "ademe:43671"),  # > 5000 km, without contrails
    ],
)
def test_air_bands_explicit_distance(km: float, contrails: bool, factor: float, row: str) -> None:
    line = one({"type": "freight", "mode": "air", "mass": "250 kg", "distance": f"{km} km", "contrails": contrails})
    # an explicit distance is taken as travelled: no +95 km
    assert line.emissions_kgco2e == pytest.approx(0.25 * km * factor)
    assert line.factors[0].resolved_id == row
    assert ("contrails-excluded" in codes(line)) is (not contrails)


def test_air_from_places_adds_95_km() -> None:
    line = one({"type": "freight", "mode": "air", "mass": "300 kg", "from": "CDG", "to": "CPT"})
    gc_km = geo.distance_km(geo.locate("CDG"), geo.locate("CPT"))
    assert gc_km > 5000
    # (great circle + 95 km, EN 16258) × 1.01 kgCO2e/t.km  # ademe:43670 (> 5000 km, with contrails)
    assert line.emissions_kgco2e == pytest.approx(0.3 * (gc_km + 95) * 1.01)
    assert "+ 95 km" in line.label


# -- sea, rail ------------------------------------------------------------------------------------


def test_sea_container() -> None:
    line = one({"type": "freight", "mode": "sea", "mass": "2 t", "distance": "19000 km"})
    assert line.emissions_kgco2e == pytest.approx(2 * 19000 * 0.00847)  # ademe:28193


def test_sea_from_places_warns() -> None:
    line = one({"type": "freight", "mode": "sea", "mass": "1 t", "from": "Le Havre, FR", "to": "New York, US"})
    gc_km = geo.distance_km(geo.locate("Le Havre, FR"), geo.locate("New York, US"))
    assert line.emissions_kgco2e == pytest.approx(gc_km * 1.3 * 0.00847)  # freight.sea.detour_factor, ademe:28193
    assert "sea-distance-estimated" in codes(line)


def test_rail_region() -> None:
    fr = one({"type": "freight", "mode": "rail", "mass": "1 t", "distance": "100 km"})
    assert fr.emissions_kgco2e == pytest.approx(100 * 0.0102)  # ademe:43728, production country FR
    de = one({"type": "freight", "mode": "rail", "mass": "1 t", "distance": "100 km", "region": "DE"})
    assert de.emissions_kgco2e == pytest.approx(100 * 0.032)  # ademe:28159
    us = one({"type": "freight", "mode": "rail", "mass": "1 t", "distance": "100 km", "region": "US"})
    assert us.emissions_kgco2e == pytest.approx(100 * 0.0226)  # ademe:28158 (Europe) as WORLD
    assert "region-fallback-world" in codes(us)


def test_rail_region_from_departure() -> None:
    line = one({"type": "freight", "mode": "rail", "mass": "1 t", "from": "Berlin, DE", "to": "Munich, DE"})
    gc_km = geo.distance_km(geo.locate("Berlin, DE"), geo.locate("Munich, DE"))
    assert line.emissions_kgco2e == pytest.approx(gc_km * 1.2 * 0.032)  # rail detour 1.2, ademe:28159


# -- excess baggage -------------------------------------------------------------------------------


def test_excess_baggage_belly_factor() -> None:
    line = one({"type": "excess_baggage", "mass": "23 kg", "distance": "800 km"})
    # passenger aircraft 101–220 seats, 500–1000 km, with contrails: 2.25  # ademe:43674
    assert line.emissions_kgco2e == pytest.approx(0.023 * 800 * 2.25)
    long = one({"type": "excess_baggage", "mass": "40 kg", "distance": "7000 km", "contrails": False, "return": True})
    # > 220 seats, > 5000 km, without contrails: 0.831  # ademe:43705
    assert long.emissions_kgco2e == pytest.approx(2 * 0.04 * 7000 * 0.831)


# -- DESNZ set ------------------------------------------------------------------------------------


def test_desnz_road_and_sea() -> None:
    rigid = one(
        {"type": "freight", "mode": "road", "vehicle": "rigid", "mass": "1 t", "distance": "100 km"}, factor_set="desnz"
    )
    # desnz.freight_hgv.all_rigids.average_laden.tonne_km + its well-to-tank, all HGVs (DESNZ keeps WTT apart)
    assert rigid.emissions_kgco2e == pytest.approx(100 * (0.19748 + 0.02359))
    assert rigid.factors[1].id == "freight.road.rigid.wtt"
    sea = one({"type": "freight", "mode": "sea", "mass": "1 t", "distance": "1000 km"}, factor_set="desnz")
    # desnz.freight_sea.container_ship.average: DESNZ publishes no sea-freight WTT row, none is added
    assert sea.emissions_kgco2e == pytest.approx(1000 * 0.01612)


def test_desnz_air_uplift_and_bands() -> None:
    line = one({"type": "freight", "mode": "air", "mass": "1 t", "from": "CDG", "to": "JFK"}, factor_set="desnz")
    gc_km = geo.distance_km(geo.locate("CDG"), geo.locate("JFK"))
    # great circle × 1.08 (DESNZ uplift), long-haul (≥ 3700 km) with RF: 0.89939  # desnz.freight_air.long_haul.with_rf
    # + WTT of freight flights, long-haul: 0.13516  # desnz.freight_wtt.freight_flights.long_haul.tonne_km
    assert line.emissions_kgco2e == pytest.approx(gc_km * 1.08 * (0.89939 + 0.13516))
    short = one(
        {"type": "freight", "mode": "air", "mass": "1 t", "distance": "1000 km", "contrails": False}, factor_set="desnz"
    )
    # desnz.freight_air.short_haul.without_rf + desnz.freight_wtt.freight_flights.short_haul.tonne_km
    assert short.emissions_kgco2e == pytest.approx(1000 * (0.75539 + 0.20515))


# -- pinned factor, errors ------------------------------------------------------------------------


def test_pinned_factor() -> None:
    line = one({"type": "freight", "mode": "road", "mass": "1 t", "distance": "100 km", "factor": "ademe:43722"})
    assert line.emissions_kgco2e == pytest.approx(100 * 0.401)  # rigid 3.5–7.5 t
    assert line.factor_status == "pinned"


@pytest.mark.parametrize(
    ("activity", "fragment"),
    [
        ({"mode": "road", "mass": "1 kg"}, "give from and to"),
        ({"mode": "road", "mass": "1 kg", "from": "Paris, FR", "distance": "10 km"}, "not both"),
        ({"mode": "road", "mass": "1 kg", "from": "Paris, FR"}, "to: required"),
        ({"mode": "air", "mass": "1 kg", "distance": "10 km", "vehicle": "van"}, "vehicle: only for mode road"),
        ({"mode": "sea", "mass": "1 kg", "distance": "10 km", "contrails": False}, "contrails: only for mode air"),
        ({"mode": "boat", "mass": "1 kg", "distance": "10 km"}, "activities.a.mode"),
        ({"mode": "road", "distance": "10 km"}, "activities.a.mass"),
        ({"mode": "road", "mass": "1 km", "distance": "10 km"}, "activities.a.mass"),
    ],
)
def test_bad_input(activity: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "freight", **activity})
    assert fragment in str(err.value)
    assert "activities.a" in str(err.value)


def test_unknown_place_names_the_field() -> None:
    with pytest.raises(InputError) as err:
        run({"id": "a", "type": "freight", "mode": "road", "mass": "1 kg", "from": "Zzzyxville", "to": "Paris, FR"})
    assert "activities.a.from" in str(err.value)


# -- data -----------------------------------------------------------------------------------------


def test_freight_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(CSV, "curated")
    assert rows
    for row in rows:
        assert validate_row(row) == [], row.id
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        resolved = FactorTable(row.factor_set or "ademe").resolve(row.id)
        assert resolved.uncertainty_row is not None, f"{row.id}: no uncertainty anywhere in its chain"
