"""Accommodation: hotel room-nights × the country's per-night factor, by factor set; the data.

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


def test_hotel_france_ademe_set() -> None:
    fp = run({"type": "hotel", "nights": 12})
    assert fp.lines[0].emissions_kgco2e == pytest.approx(12 * 6.93)  # ademe_ngc.hotel_night.average_excl_breakfast
    assert fp.lines[0].unit == "room.night"


def test_hotel_france_desnz_set() -> None:
    fp = run({"type": "hotel", "nights": 12}, factor_set="desnz")
    assert fp.lines[0].emissions_kgco2e == pytest.approx(12 * 6.7)  # desnz.hotel.france


def test_hotel_rooms_times_nights() -> None:
    fp = run({"type": "hotel", "rooms": 4, "nights": 3}, country="ES")
    assert fp.lines[0].quantity == pytest.approx(12)
    assert fp.lines[0].emissions_kgco2e == pytest.approx(4 * 3 * 7.0)  # desnz.hotel.spain


def test_hotel_region_overrides_country() -> None:
    fp = run({"type": "hotel", "nights": 2, "region": "GB"})
    assert fp.lines[0].emissions_kgco2e == pytest.approx(2 * 10.4)  # desnz.hotel.uk


def test_hotel_country_without_factor_falls_back_to_world() -> None:
    fp = run({"type": "hotel", "nights": 2}, country="AQ")
    assert fp.lines[0].emissions_kgco2e == pytest.approx(
        2 * 33.55
    )  # median of desnz.hotel.* (accommodation.hotel.WORLD)
    assert [w.code for w in fp.lines[0].warnings] == ["region-fallback-world"]


def test_hotel_pinned_factor() -> None:
    fp = run({"type": "hotel", "nights": 2, "factor": "ademe_ngc.hotel_night.4_star"})
    assert fp.lines[0].emissions_kgco2e == pytest.approx(2 * 11.43)  # ademe_ngc.hotel_night.4_star
    assert fp.lines[0].factor_status == "pinned"


def test_hotel_breakfast_is_its_own_line_unless_not_taken() -> None:
    fp = run({"type": "hotel", "nights": 12})
    hotel, breakfast = fp.lines
    # catering.breakfast.hotel = ademe_ngc.hotel_night.average_incl_breakfast 9.91 - average_excl_breakfast 6.93
    assert breakfast.emissions_kgco2e == pytest.approx(12 * (9.91 - 6.93))
    assert breakfast.category == "catering" and breakfast.id == "a/breakfast"
    assert fp.total_kgco2e == pytest.approx(12 * 6.93 + 12 * 2.98)  # the night with breakfast, 9.91 each
    abroad = run({"type": "hotel", "rooms": 2, "nights": 3}, country="ZA")
    assert abroad.lines[1].emissions_kgco2e == pytest.approx(6 * 2.98)  # every country: breakfast is food
    without = run({"type": "hotel", "nights": 12, "breakfast": False})
    assert [line.id for line in without.lines] == ["a"]
    assert without.total_kgco2e == pytest.approx(12 * 6.93)


def test_hotel_missing_nights_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.nights"):
        run({"type": "hotel", "rooms": 2})


def test_hotel_negative_nights_names_field() -> None:
    with pytest.raises(InputError, match=r"activities\.a\.nights"):
        run({"type": "hotel", "nights": -1})


def test_hotel_unknown_field_is_an_error() -> None:
    with pytest.raises(InputError, match=r"activities\.a"):
        run({"type": "hotel", "nights": 1, "stars": 3})


# -- data ------------------------------------------------------------------------------------


def test_accommodation_rows_valid_and_resolve() -> None:
    rows = read_rows_csv(DATA / "curated" / "accommodation.csv", "curated")
    assert {r.id for r in rows} >= {"accommodation.hotel.FR", "accommodation.hotel.WORLD", "accommodation.hotel.GB"}
    for set_name in ("ademe", "desnz"):
        table = FactorTable(set_name)
        for row in rows:
            assert validate_row(row) == [], row.id
            resolved = table.resolve(row.id)
            assert resolved.unit == "kgCO2e/room.night"
            assert resolved.uncertainty_row is not None, row.id
            if row.uncertainty_kind == "judgement":
                assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
