"""train_instead_of_plane applies only where one passenger rail network links a flight's two ends."""

from __future__ import annotations

import pytest

from shootprint import geo
from shootprint.levers import parse_lever, train_instead_of_plane
from shootprint.rail import network_of, rail_link


def flight(start: str, end: str) -> dict[str, object]:
    return {"id": "f", "type": "flight", "stage": "shoot", "from": start, "to": end, "travellers": 2}


@pytest.mark.parametrize(
    ("start", "end", "value"),
    [
        ("Paris, FR", "AJA", None),  # Corsica: France, but no train leaves the island
        ("CDG", "AJA", "2000"),
        ("LHR", "JFK", None),
        ("CDG", "CPT", None),
        ("CDG", "DUB", None),  # Ireland: no rail link to Britain or the continent
        ("BCN", "PMI", None),  # the Balearics
        ("OSL", "TOS", "2000"),  # Tromsø: beyond the end of Norway's railways
        ("ATH", "HER", None),  # Crete
        ("SYD", "HBA", None),  # Tasmania
    ],
)
def test_no_train_where_no_railway_links_the_ends(start: str, end: str, value: str | None) -> None:
    out, notes = train_instead_of_plane({"activities": [flight(start, end)]}, value)
    assert out["activities"][0]["type"] == "flight"
    assert len(notes) == 1 and "stays a flight" in notes[0]


@pytest.mark.parametrize(
    ("start", "end"),
    [("Paris, FR", "Marseille, FR"), ("CDG", "LHR"), ("MAD", "BCN"), ("DUB", "BFS"), ("OSL", "ARN"), ("NRT", "FUK")],
)
def test_a_train_where_one_network_links_the_ends(start: str, end: str) -> None:
    out, notes = train_instead_of_plane({"activities": [flight(start, end)]}, None)
    assert out["activities"][0]["type"] == "train", notes
    assert "→ train" in notes[0]


def test_beyond_the_distance_a_linked_flight_stays_a_flight() -> None:
    out, _ = train_instead_of_plane({"activities": [flight("LIS", "HEL")]}, None)  # Finland: its own gauge
    assert out["activities"][0]["type"] == "flight"
    out, _ = train_instead_of_plane({"activities": [flight("LIS", "WAW")]}, None)  # linked, 2,760 km
    assert out["activities"][0]["type"] == "flight"
    out, _ = train_instead_of_plane({"activities": [flight("CDG", "NCE")]}, "500")  # linked, 590 km
    assert out["activities"][0]["type"] == "flight"


def test_a_flight_without_places_is_not_guessed() -> None:
    act = {"id": "f", "type": "flight", "stage": "shoot", "distance": "600 km"}
    out, notes = train_instead_of_plane({"activities": [act]}, None)
    assert out["activities"][0]["type"] == "flight" and "from and to" in notes[0]


def test_networks_and_islands() -> None:
    assert network_of(geo.locate("Oslo, NO")).key == "europe"  # 'NO' read as a code, not as false
    assert network_of(geo.locate("BFS")).key == "ireland"  # Belfast is GB, its trains go to Dublin
    assert network_of(geo.locate("Bastia, FR")).key == "corsica"
    assert rail_link(geo.locate("Bastia, FR"), geo.locate("AJA"))[0]  # the island's own railway
    assert network_of(geo.locate("Bodrum, TR")).key == "europe"  # a Greek island's box holds Greek places only
    assert network_of(geo.locate("48.0, -30.0")).key == ""  # at sea


@pytest.mark.parametrize("value", ["abc", "6000", "20000", "-5", "0", "nan", "inf", ""])
def test_the_distance_is_validated(value: str) -> None:
    from shootprint.errors import InputError

    with pytest.raises(InputError, match="train_instead_of_plane"):
        parse_lever(f"train_instead_of_plane={value}")
