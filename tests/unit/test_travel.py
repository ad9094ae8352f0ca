"""Travel: each mode against values hand-computed from the cited factors, and the travel data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.production import validate

CSV = Path(__file__).parents[2] / "src" / "shootprint" / "data" / "curated" / "travel.csv"


@pytest.fixture(scope="module")
def ademe() -> FactorTable:
    return FactorTable()


@pytest.fixture(scope="module")
def desnz() -> FactorTable:
    return FactorTable("desnz")


def run(table: FactorTable, *activities: dict[str, Any], country: str = "FR") -> Any:
    acts = [{"id": f"a{i}", "stage": "shoot", **act} for i, act in enumerate(activities)]
    return footprint(validate({"name": "t", "country": country, "activities": acts}), table)


def one(table: FactorTable, activity: dict[str, Any], country: str = "FR") -> Any:
    (line,) = run(table, activity, country=country).lines
    return line


def codes(line: Any) -> set[str]:
    return {w.code for w in line.warnings}


# DESNZ 2025 average-passenger multipliers relative to economy (derived.desnz_class_multiplier.*):
# ADEME's flight factors are per average passenger, so an economy seat is ADEME ÷ these
SHORT_AVG = 1.017
LONG_AVG = 1.306


# -- flights, ADEME set --------------------------------------------------------------------------


def test_long_haul_economy_explicit_distance(ademe: FactorTable) -> None:
    line = one(ademe, {"type": "flight", "distance": "9315 km", "cabin": "economy"})
    distance = 9315 + 95  # great circle + 95 km (EN 16258)
    factor = 0.151  # ademe:43773, >220 seats, >5000 km, AVEC trainées
    # economy 1 ÷ long-haul average passenger 1.306 (derived.desnz_class_multiplier.long_haul.average_passenger):
    # ADEME's factor is per average passenger, DESNZ's class multipliers are relative to economy
    assert line.emissions_kgco2e == pytest.approx(distance * factor * 1.0 / LONG_AVG)
    assert line.quantity == pytest.approx(distance)
    assert line.unit == "passenger.km"
    assert line.factors[0].resolved_id == "ademe:43773"
    assert "+ 95 km" in line.label and "with contrails" in line.label
    assert [f.id for f in line.factors][-1] == "travel.air.distance.uplift_km"
    assert "economy (cabin written)" in line.label and "cabin-unspecified" not in codes(line)


def test_cabin_unknown_is_ademe_as_published(ademe: FactorTable) -> None:
    # no cabin: ADEME's factor per average passenger (all cabins), no multiplier, a warning
    line = one(ademe, {"type": "flight", "distance": "9315 km"})
    assert line.emissions_kgco2e == pytest.approx((9315 + 95) * 0.151)  # ademe:43773 as published
    assert [f.id for f in line.factors if f.id.startswith("travel.air.cabin")] == []
    assert "cabin-unspecified" in codes(line)
    assert "cabin not stated: average passenger (all cabins)" in line.label
    explicit = one(ademe, {"type": "flight", "distance": "9315 km", "cabin": "unknown"})
    assert explicit.emissions_kgco2e == pytest.approx(line.emissions_kgco2e)


def test_desnz_cabin_unknown_uses_average_passenger(desnz: FactorTable) -> None:
    line = one(desnz, {"type": "flight", "distance": "9315 km"})
    # DESNZ international, average passenger, with RF + WTT (desnz.air_pax*.international.average_passenger*)
    assert line.emissions_kgco2e == pytest.approx(9315 * 1.08 * (0.14253 + 0.02162))
    assert line.factors[0].resolved_id == "desnz.air_pax.international.average_passenger.with_rf"
    assert "cabin-unspecified" in codes(line)
    short = one(desnz, {"type": "flight", "distance": "1000 km"}, country="GB")
    assert short.emissions_kgco2e == pytest.approx(1000 * 1.08 * (0.12786 + 0.02286))  # short-haul average


def test_flight_by_iata_codes(ademe: FactorTable) -> None:
    from shootprint import geo

    gc = geo.distance_km(geo.locate("CDG"), geo.locate("CPT"))
    assert 9300 < gc < 9400
    line = one(ademe, {"type": "flight", "from": "CDG", "to": "CPT"})
    assert line.emissions_kgco2e == pytest.approx((gc + 95) * 0.151)  # ademe:43773, average passenger
    assert "CDG → CPT" in line.label


def test_linear_in_travellers_and_return_doubles(ademe: FactorTable) -> None:
    base = one(ademe, {"type": "flight", "distance": "1500 km"}).emissions_kgco2e
    assert base == pytest.approx((1500 + 95) * 0.185)  # ademe:43741, 101-220 seats, 1000-2000 km
    five = one(ademe, {"type": "flight", "distance": "1500 km", "travellers": 5}).emissions_kgco2e
    both = one(ademe, {"type": "flight", "distance": "1500 km", "return": True}).emissions_kgco2e
    assert five == pytest.approx(5 * base)
    assert both == pytest.approx(2 * base)


def test_band_switch_at_boundary(ademe: FactorTable) -> None:
    # used distance 999 km -> 500-1000 band; 1000 km -> 1000-2000 band (a limit goes up)
    below = one(ademe, {"type": "flight", "distance": "904 km"})
    at = one(ademe, {"type": "flight", "distance": "905 km"})
    assert below.emissions_kgco2e == pytest.approx(999 * 0.225)  # ademe:43743
    assert at.emissions_kgco2e == pytest.approx(1000 * 0.185)  # ademe:43741
    assert "500-1000 km band" in below.label and "1000-2000 km band" in at.label


def test_default_seats_switch_to_wide_body(ademe: FactorTable) -> None:
    narrow = one(ademe, {"type": "flight", "distance": "3604 km"})  # 3699 km used
    wide = one(ademe, {"type": "flight", "distance": "3605 km"})  # 3700 km used
    assert narrow.emissions_kgco2e == pytest.approx(3699 * 0.167)  # ademe:43747, 101-220 seats
    assert wide.emissions_kgco2e == pytest.approx(3700 * 0.169)  # ademe:43771, >220 seats


def test_contrails_false_uses_sans_factor(ademe: FactorTable) -> None:
    line = one(ademe, {"type": "flight", "distance": "1500 km", "contrails": False})
    assert line.emissions_kgco2e == pytest.approx(1595 * 0.102)  # ademe:43742, SANS trainées
    assert line.factors[0].resolved_id == "ademe:43742"
    assert "without contrails" in line.label
    assert "contrails-excluded" in codes(line)


def test_cabin_multiplier(ademe: FactorTable) -> None:
    short = one(ademe, {"type": "flight", "distance": "1500 km", "cabin": "business"})
    assert short.emissions_kgco2e == pytest.approx(1595 * 0.185 * 1.5 / SHORT_AVG)  # derived short-haul business
    long = one(ademe, {"type": "flight", "distance": "9315 km", "cabin": "first"})
    assert long.emissions_kgco2e == pytest.approx(9410 * 0.151 * 4.0 / LONG_AVG)  # derived long-haul first
    assert long.factors[1].role == "cabin class multiplier"
    assert long.factors[2].id == "travel.air.cabin.long_haul.average"


def test_seats_override_and_missing_band(ademe: FactorTable) -> None:
    small = one(ademe, {"type": "flight", "distance": "300 km", "seats": "50-100", "engine": "turboprop"})
    assert small.emissions_kgco2e == pytest.approx(395 * 0.253)  # ademe:43765, turboprop <500 km
    big = one(ademe, {"type": "flight", "distance": "300 km", "seats": ">220"})
    assert big.emissions_kgco2e == pytest.approx(395 * 0.331)  # ademe:43767, nearest band 500-1000
    assert "air-band-unavailable" in codes(big)


def test_pinned_factor(ademe: FactorTable) -> None:
    line = one(ademe, {"type": "flight", "distance": "1500 km", "factor": "ademe:43770", "cabin": "business"})
    assert line.emissions_kgco2e == pytest.approx(1595 * 0.13)  # ademe:43770, no multiplier on a pin
    assert line.factor_status == "pinned"


# -- flights, DESNZ set ---------------------------------------------------------------------------


def test_desnz_flight_uplift_and_factor(desnz: FactorTable) -> None:
    line = one(desnz, {"type": "flight", "distance": "9315 km", "cabin": "economy"})
    # neither end in GB: DESNZ "international, to/from non-UK", economy, with RF, plus WTT
    expected = 9315 * 1.08 * (0.10916 + 0.01656)
    assert line.emissions_kgco2e == pytest.approx(expected)
    assert line.factors[0].resolved_id == "desnz.air_pax.international.economy_class.with_rf"
    assert "× 1.08" in line.label and "+ 95" not in line.label


def test_desnz_haul_from_gb(desnz: FactorTable) -> None:
    short = one(desnz, {"type": "flight", "distance": "3425 km", "cabin": "economy"}, country="GB")  # 3699 km used
    long = one(desnz, {"type": "flight", "distance": "3426 km", "contrails": False, "cabin": "economy"}, country="GB")
    assert short.emissions_kgco2e == pytest.approx(3425 * 1.08 * (0.12576 + 0.02249))  # short-haul economy
    assert long.emissions_kgco2e == pytest.approx(3426 * 1.08 * (0.06926 + 0.02461))  # long-haul, no RF
    domestic = one(desnz, {"type": "flight", "from": "LHR", "to": "EDI"}, country="GB")
    assert domestic.factors[0].resolved_id == "desnz.air_pax.domestic.average_passenger.with_rf"


# -- ground modes --------------------------------------------------------------------------------


def test_train_kinds(ademe: FactorTable) -> None:
    tgv = one(ademe, {"type": "train", "kind": "tgv", "distance": "750 km", "travellers": 4})
    assert tgv.emissions_kgco2e == pytest.approx(750 * 4 * 0.00293)  # ademe:43256
    euro = one(ademe, {"type": "train", "kind": "eurostar", "distance": "490 km", "return": True})
    assert euro.emissions_kgco2e == pytest.approx(490 * 2 * (0.00446 + 0.00117))  # DESNZ intl rail + WTT


def test_train_by_country_and_world_fallback(ademe: FactorTable) -> None:
    de = one(ademe, {"type": "train", "distance": "500 km", "region": "DE"})
    assert de.emissions_kgco2e == pytest.approx(500 * 0.0668)  # ademe:28177
    jp = one(ademe, {"type": "train", "distance": "500 km", "region": "JP"})
    assert jp.emissions_kgco2e == pytest.approx(500 * 0.03546)  # desnz national rail as WORLD
    assert "region-fallback-world" in codes(jp)


def test_train_by_places_uses_detour(ademe: FactorTable) -> None:
    from shootprint import geo

    gc = geo.distance_km(geo.locate("Paris, FR"), geo.locate("Marseille, FR"))
    line = one(ademe, {"type": "train", "kind": "tgv", "from": "Paris, FR", "to": "Marseille, FR"})
    assert line.emissions_kgco2e == pytest.approx(gc * 1.2 * 0.00293)  # detour 1.2, ademe:43256


def test_car_per_vehicle_km(ademe: FactorTable, desnz: FactorTable) -> None:
    line = one(ademe, {"type": "car", "fuel": "diesel", "distance": "100 km", "cars": 2, "travellers": 7})
    assert line.emissions_kgco2e == pytest.approx(100 * 2 * 0.19)  # ademe:43788; travellers don't count
    assert line.unit == "vehicle.km"
    default = one(ademe, {"type": "car", "distance": "100 km"})
    assert default.emissions_kgco2e == pytest.approx(100 * 0.256)  # ademe:43791, fuel unknown
    uk = one(desnz, {"type": "car", "fuel": "petrol", "distance": "100 km"})
    assert uk.emissions_kgco2e == pytest.approx(100 * (0.16272 + 0.04599))  # DESNZ average car + WTT


def test_car_pinned_per_passenger_factor(ademe: FactorTable) -> None:
    line = one(ademe, {"type": "car", "distance": "100 km", "travellers": 3, "factor": "ademe:43800"})
    assert line.emissions_kgco2e == pytest.approx(100 * 3 * 0.119)  # ademe:43800, per passenger-km


def test_van_taxi_bus_motorbike(ademe: FactorTable, desnz: FactorTable) -> None:
    van = one(ademe, {"type": "van", "distance": "200 km"})
    assert van.emissions_kgco2e == pytest.approx(200 * (0.25561 + 0.06128))  # DESNZ van + WTT
    taxi = one(ademe, {"type": "taxi", "distance": "12 km", "vehicles": 2})
    assert taxi.emissions_kgco2e == pytest.approx(12 * 2 * (0.20806 + 0.05176))  # DESNZ taxi + WTT (derived)
    coach = one(ademe, {"type": "bus", "distance": "300 km", "travellers": 25})
    assert coach.emissions_kgco2e == pytest.approx(300 * 25 * 0.0376)  # ademe:43740
    coach_uk = one(desnz, {"type": "bus", "distance": "300 km", "travellers": 25})
    assert coach_uk.emissions_kgco2e == pytest.approx(300 * 25 * (0.02776 + 0.00656))  # DESNZ coach + WTT
    moto = one(ademe, {"type": "motorbike", "size": "le250", "distance": "30 km", "return": True})
    assert moto.emissions_kgco2e == pytest.approx(30 * 2 * 0.087)  # ademe:43779


def test_road_by_places_uses_detour(ademe: FactorTable) -> None:
    from shootprint import geo

    gc = geo.distance_km(geo.locate("Paris, FR"), geo.locate("Lyon, FR"))
    line = one(ademe, {"type": "car", "fuel": "diesel", "from": "Paris, FR", "to": "Lyon, FR"})
    assert line.emissions_kgco2e == pytest.approx(gc * 1.3 * 0.19)  # detour 1.3, ademe:43788


# -- bad input -----------------------------------------------------------------------------------


def test_unknown_place_names_field() -> None:
    with pytest.raises(InputError) as err:
        validate(
            {
                "name": "t",
                "activities": [{"id": "f", "type": "flight", "stage": "shoot", "from": "Marseile, FR", "to": "CDG"}],
            }
        )
    message = str(err.value)
    assert "activities.f.from" in message and "Marseille" in message


def test_missing_places_and_distance() -> None:
    with pytest.raises(InputError, match=r"activities\.c.*from and to"):
        validate({"name": "t", "activities": [{"id": "c", "type": "car", "stage": "shoot"}]})


def test_wrong_unit_and_value() -> None:
    with pytest.raises(InputError, match=r"activities\.c\.distance"):
        validate({"name": "t", "activities": [{"id": "c", "type": "car", "stage": "shoot", "distance": "3 kg"}]})
    with pytest.raises(InputError, match=r"activities\.f\.cabin"):
        validate(
            {
                "name": "t",
                "activities": [{"id": "f", "type": "flight", "stage": "shoot", "distance": "3 km", "cabin": "coach"}],
            }
        )


def test_pinned_factor_wrong_unit(ademe: FactorTable) -> None:
    with pytest.raises(InputError, match=r"activities\.a0\.factor"):
        run(ademe, {"type": "car", "distance": "10 km", "factor": "travel.air.distance.uplift_km"})


# -- data -----------------------------------------------------------------------------------------


def test_travel_rows_valid_and_resolve(ademe: FactorTable, desnz: FactorTable) -> None:
    rows = read_rows_csv(CSV, "curated")
    assert rows
    for row in rows:
        assert validate_row(row) == [], row.id
        table = desnz if row.factor_set == "desnz" else ademe
        resolved = table.resolve(row.id)
        assert resolved.row.kind in ("emission_factor", "parameter"), row.id
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        elif row.uncertainty_kind in ("", "none"):
            # an alias may leave it empty only when its target publishes one
            assert row.alias_of and resolved.uncertainty_row is not None, row.id


def test_cross_border_train_warns(ademe: FactorTable) -> None:
    line = one(ademe, {"type": "train", "from": "Paris, FR", "to": "Berlin, DE"})
    assert "rail-cross-border" in codes(line)
    eurostar = one(ademe, {"type": "train", "kind": "eurostar", "from": "Paris, FR", "to": "London, GB"})
    assert "rail-cross-border" not in codes(eurostar)


def test_urban_transit_kinds(ademe: FactorTable) -> None:
    rer = one(ademe, {"type": "train", "kind": "rer", "distance": "15 km", "return": True, "travellers": 90})
    assert rer.emissions_kgco2e == pytest.approx(15 * 2 * 90 * 0.00978)  # ademe:43254 RER et transilien 2022 IdF
    assert rer.factors[0].resolved_id == "ademe:43254" and "RER / Transilien (Île-de-France)" in rer.label
    metro = one(ademe, {"type": "train", "kind": "metro", "distance": "10 km"})
    assert metro.emissions_kgco2e == pytest.approx(10 * 0.00442)  # ademe:43778 Métro 2022 IdF
    tram = one(ademe, {"type": "train", "kind": "tram", "distance": "10 km"})
    assert tram.emissions_kgco2e == pytest.approx(10 * 0.00421)  # ademe:43785 Tramway 2022 IdF
    lyon = one(ademe, {"type": "train", "kind": "metro", "urban_area": "over_250k", "distance": "10 km"})
    assert lyon.emissions_kgco2e == pytest.approx(10 * 0.00329)  # ademe:28151 agglomération > 250 000
    small = one(ademe, {"type": "train", "kind": "tram", "urban_area": "100k_250k", "distance": "10 km"})
    assert small.emissions_kgco2e == pytest.approx(10 * 0.00503)  # ademe:28150
    bus = one(ademe, {"type": "bus", "kind": "city", "distance": "10 km", "travellers": 3})
    assert bus.emissions_kgco2e == pytest.approx(10 * 3 * 0.151)  # ademe:28000 autobus moyen > 250 000
    town = one(ademe, {"type": "bus", "kind": "city", "urban_area": "under_100k", "distance": "10 km"})
    assert town.emissions_kgco2e == pytest.approx(10 * 0.202)  # ademe:27998
    with pytest.raises(InputError, match=r"activities\.a0\.urban_area.*accepted: ile_de_france"):
        run(ademe, {"type": "train", "kind": "rer", "urban_area": "over_250k", "distance": "10 km"})
