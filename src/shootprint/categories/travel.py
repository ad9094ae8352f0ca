"""Category: travel — people's journeys by air, rail and road.

Every trip is given either by places (``from``/``to``: IATA code, "City, CC", "lat, lon" or
``{lat, lon}``, located offline by :mod:`shootprint.geo`) or by an explicit ``distance`` (km).
``return: true`` counts the trip twice (``legs`` = 2). Formulas (units in names; every factor
and every assumption a sourced row of ``data/curated/travel.csv``):

* flight, ADEME set (default): ``distance_km = great_circle_km × uplift_factor + uplift_km``
  (EN 16258 / GLEC: + 95 km, factor 1); an explicit ``distance`` is read as the great-circle
  distance. ``emissions_kgco2e = distance_km × legs × travellers × kgco2e_per_passenger_km(seats,
  band, contrails) × cabin_multiplier ÷ average_multiplier``. The ADEME 2023 factor (Base Carbone 43741…43774) is
  chosen by aircraft size (``seats``, default from the distance: ``travel.air.default_seats.*``)
  and by the distance band the central distance falls in (``travel.air.distance_band.*``);
  ``contrails`` picks AVEC or SANS trainées. ADEME's factor is per average passenger (all cabins):
  with ``cabin: unknown`` (the default, warning ``cabin-unspecified``) it is used as published,
  ``cabin_multiplier ÷ average_multiplier`` = 1, as the CNC-approved calculators do. Only a written
  cabin applies a multiplier, derived from DESNZ 2025 (``travel.air.cabin.<short_haul|long_haul>.<cabin>``), relative to
  economy; ADEME's factor is per *average* passenger, so it is divided by DESNZ's average-passenger
  multiplier (``travel.air.cabin.<haul>.average``: 1.017 short-haul, 1.306 long-haul).
* flight, DESNZ set: ``distance_km = great_circle_km × 1.08``;
  ``emissions_kgco2e = distance_km × legs × travellers × (direct + well_to_tank)`` with the
  DESNZ 2025 factor of the haul (domestic: both ends in GB; international: neither end in GB;
  else short- or long-haul by ``travel.air.long_haul.min_km``) and cabin (``unknown``: DESNZ's
  "average passenger" rows, ``travel.air.desnz.<haul>.unknown.*``); ``contrails`` picks
  with or without radiative forcing.
* urban transit (per passenger-km): ``train`` with ``kind: rer | metro | tram`` and ``bus`` with
  ``kind: city`` take ADEME's Île-de-France elements (RER/Transilien 43254, metro 43778, tram
  43785) or its urban-area elements by size (metro/tram 28151, 28150; city bus 28000, 27999,
  27998), by ``urban_area`` (default ``ile_de_france``; rows ``travel.rail.<kind>.<area>``,
  ``travel.bus.city.<area>``). See docs/methodology/travel.md.
* train, bus/coach (per passenger-km, as their factors are defined):
  ``emissions_kgco2e = distance_km × legs × travellers × kgco2e_per_passenger_km``.
* car, van, taxi, motorbike (per vehicle-km, as their factors are defined: one car's emissions
  do not depend on how many ride in it):
  ``emissions_kgco2e = distance_km × legs × vehicles × kgco2e_per_vehicle_km``.
* ground trips given by places: ``distance_km = great_circle_km × detour_factor`` (road 1.3,
  rail 1.2: ``travel.<road|rail>.detour_factor``); an explicit ``distance`` is the route distance.
* a ``<factor id>.wtt`` row, where the factor set defines one (DESNZ's factors are direct only;
  ADEME's include fuel upstream), is added to the factor: ``factor + well_to_tank``.

A pinned ``factor:`` replaces the whole per-km factor (band, cabin multiplier and well-to-tank
included); a pinned factor per passenger-km is multiplied by travellers, one per vehicle-km or
per km by vehicles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from shootprint import geo
from shootprint.engine import Context, Draft, step, v
from shootprint.errors import FactorError, InputError
from shootprint.i18n import N_, Exact, Joined, Message, said
from shootprint.model import ActivityBase, FactorUse, Q_count, Q_km, label_number
from shootprint.vocabulary import term

CATEGORY = "travel"

#: units a per-passenger-km and a per-vehicle-km factor may be written in (ADEME writes "km")
PER_PASSENGER_KM = ("kgCO2e/passenger.km",)
PER_VEHICLE_KM = ("kgCO2e/vehicle.km", "kgCO2e/km")

AIR_DISTANCE_BANDS = ("lt500", "500_1000", "1000_2000", "2000_5000", "gt5000")
SEATS = {"<50": "20_50", "50-100": "51_100", "101-220": "101_220", ">220": "gt220"}
SEAT_LABELS = {key: label for label, key in SEATS.items()}
WTT_ROLE = "well-to-tank (fuel upstream)"
TRAIN_NAMES = {
    "tgv": N_("Train, TGV"),
    "ter": N_("Train, TER"),
    "intercites": N_("Train, Intercités"),
    "eurostar": N_("Eurostar"),
}
URBAN_RAIL_NAMES = {"rer": N_("RER / Transilien"), "metro": N_("Metro"), "tram": N_("Tram")}
#: a label's count of people or vehicles, by the field counted
COUNT_TEXT = {"travellers": N_("{n} travellers"), "cars": N_("{n} cars"), "vehicles": N_("{n} vehicles")}
UrbanArea = Literal["ile_de_france", "over_250k", "100k_250k", "under_100k"]
URBAN_AREA_TEXT = {
    "ile_de_france": N_("Île-de-France"),
    "over_250k": N_("urban area > 250,000"),
    "100k_250k": N_("urban area 100,000-250,000"),
    "under_100k": N_("urban area < 100,000"),
}

PlaceSpec = str | dict[str, Any]
#: a count of people or vehicles (a dimensionless quantity: ranges and $parameters allowed)


class _Trip(ActivityBase):
    """A journey: places (``from``/``to``) or an explicit ``distance``; ``return`` doubles it."""

    from_: PlaceSpec | None = Field(None, alias="from", description=N_("where the trip starts"))
    to: PlaceSpec | None = Field(None, description=N_("where the trip ends"))
    distance: Q_km | None = Field(None, description=N_("one-way distance, when places are not given"))
    return_: bool = Field(False, alias="return", description=N_("true: there and back (counted twice)"))

    @field_validator("from_", "to")
    @classmethod
    def _known_place(cls, spec: PlaceSpec | None) -> PlaceSpec | None:
        if spec is not None:
            try:
                geo.locate(spec)
            except InputError as exc:
                raise ValueError(said(exc)) from None
        return spec

    @model_validator(mode="after")
    def _places_or_distance(self) -> _Trip:
        if self.distance is None and (self.from_ is None or self.to is None):
            raise ValueError(N_("give from and to (places: IATA code, 'City, CC', 'lat, lon') or distance (km)"))
        if (self.from_ is None) != (self.to is None):
            raise ValueError(N_("give both from and to, or neither"))
        return self


class Flight(_Trip):
    """A flight; ``distance`` (when given) is the great-circle distance."""

    type: Literal["flight"]
    travellers: Q_count | None = None
    cabin: Literal["unknown", "economy", "premium_economy", "business", "first"] = Field(
        "unknown",
        description=N_("cabin class; 'unknown' (default): the factor per average passenger (all cabins), as published"),
    )
    contrails: bool = Field(True, description=N_("count contrails / radiative forcing (non-CO2 effects)"))
    seats: Literal["<50", "50-100", "101-220", ">220"] | None = Field(
        None, description=N_("aircraft size; default from the distance (ADEME set only)")
    )
    engine: Literal["jet", "turboprop"] = Field(
        "jet", description=N_("ADEME has turboprop factors for <50 and 50-100 seats under 500 km")
    )


class Train(_Trip):
    type: Literal["train"]
    kind: Literal["tgv", "ter", "intercites", "eurostar", "rail", "rer", "metro", "tram"] = Field(
        "rail",
        description=N_(
            "French services, Eurostar, urban rail (rer, metro, tram), or 'rail': the country's average (region)"
        ),
    )
    urban_area: UrbanArea = Field(
        "ile_de_france", description=N_("for rer, metro, tram: Île-de-France or the size of the French urban area")
    )
    travellers: Q_count | None = None


class Car(_Trip):
    type: Literal["car"]
    fuel: Literal["petrol", "diesel", "hybrid", "electric", "lpg", "unknown"] = "unknown"
    cars: Q_count | None = Field(None, description=N_("number of cars (default 1)"))
    travellers: Q_count | None = Field(None, description=N_("people carried (counted only by a per-passenger factor)"))


class Van(_Trip):
    type: Literal["van"]
    fuel: Literal["diesel", "petrol", "electric"] = "diesel"
    vehicles: Q_count | None = Field(None, description=N_("number of vans (default 1)"))
    travellers: Q_count | None = Field(None, description=N_("people carried (counted only by a per-passenger factor)"))


class Taxi(_Trip):
    type: Literal["taxi"]
    vehicles: Q_count | None = Field(None, description=N_("number of taxis (default 1)"))
    travellers: Q_count | None = Field(None, description=N_("people carried (counted only by a per-passenger factor)"))


class Bus(_Trip):
    type: Literal["bus"]
    kind: Literal["coach", "bus", "city"] = Field(
        "coach", description=N_("coach; bus (diesel bus, national); city: the urban area's average bus")
    )
    urban_area: UrbanArea = Field(
        "ile_de_france", description=N_("for kind city: Île-de-France or the urban area's size")
    )
    travellers: Q_count | None = None


class Motorbike(_Trip):
    type: Literal["motorbike"]
    size: Literal["le250", "gt250"] = Field("gt250", description=N_("engine up to / over 250 cm3"))
    vehicles: Q_count | None = Field(None, description=N_("number of motorbikes (default 1)"))


# -- distances ---------------------------------------------------------------------------------


@dataclass
class _Route:
    """A trip's one-way distance: ``km`` (draws in Monte Carlo), its central value, how it came."""

    km: Any
    central_km: float
    places: tuple[geo.Place, geo.Place] | None
    explicit: bool
    chain: list[FactorUse] = field(default_factory=list)
    text: str = ""  # a Message: how the distance came, for the label


def _central(ctx: Context, a: ActivityBase, field_name: str) -> float:
    """The deterministic value of a quantity (a band is chosen on it, never on a draw)."""
    plain = Context(table=ctx.table, parameters=ctx.parameters)
    return float(plain.value_of(getattr(a, field_name), f"activities.{a.id}.{field_name}"))


def _places(a: _Trip, ctx: Context) -> tuple[geo.Place, geo.Place] | None:
    if a.from_ is None or a.to is None:
        return None
    located = []
    for name, spec in (("from", a.from_), ("to", a.to)):
        try:
            place, notes = geo.locate_with_notes(spec)
        except InputError as exc:
            raise InputError(
                Message("activities.{id}.{field}: {error}", id=a.id, field=name, error=said(exc))
            ) from None
        for note in notes:
            ctx.warn("place-note", N_("{field}: {note}"), field=name, note=note)
        located.append(place)
    return located[0], located[1]


def _place_name(p: geo.Place) -> str:
    return p.iata or p.name


def _route_text(places: tuple[geo.Place, geo.Place] | None) -> str:
    return f" {_place_name(places[0])} → {_place_name(places[1])}" if places else ""


def _count_text(ctx: Context, a: ActivityBase, field_name: str) -> str:
    """``10 travellers``: the count of a label, where the file gives one."""
    if not getattr(a, field_name):
        return ""
    return Message(COUNT_TEXT[field_name], n=Exact(_central(ctx, a, field_name)))


def _great_circle(a: _Trip, ctx: Context) -> _Route:
    """Great-circle (flights) distance: the explicit one, else between the places."""
    places = _places(a, ctx)
    if a.distance is not None:
        return _Route(ctx.q(a, "distance"), _central(ctx, a, "distance"), places, True)
    assert places is not None  # the model requires places when no distance is given
    gc_km = geo.distance_km(*places)
    return _Route(gc_km, gc_km, places, False)


def _ground_route(a: _Trip, ctx: Context, detour_id: str) -> _Route:
    """Route distance on the ground: explicit, else great circle × the mode's detour factor."""
    route = _great_circle(a, ctx)
    if route.explicit:
        route.text = Message("{km} km", km=route.central_km)
        return route
    detour = ctx.factor(detour_id, "detour factor (route ÷ great circle)", "1")
    route.text = Message("{km} km great circle × {detour} detour", km=route.central_km, detour=detour.value)
    route.km = route.km * v(detour)
    route.central_km = route.central_km * detour.value
    route.chain.append(step(detour, "in quantity"))
    return route


def _legs(a: _Trip) -> int:
    return 2 if a.return_ else 1


def _return_text(a: _Trip) -> str:
    return Message("return (× 2)") if a.return_ else Message("one way")


# -- factors -------------------------------------------------------------------------------------


def _basis(use: FactorUse, a: ActivityBase) -> str:
    """``passenger`` or ``vehicle``: what the factor is per, from its unit."""
    if use.unit in PER_PASSENGER_KM:
        return "passenger"
    if use.unit in PER_VEHICLE_KM:
        return "vehicle"
    where = f"activities.{a.id}.factor" if use.status == "pinned" else f"activities.{a.id}"
    raise InputError(
        Message(
            "{where}: factor {factor} is in {unit}; accepted: a factor in {accepted}",
            where=where,
            factor=use.id,
            unit=use.unit,
            accepted=", ".join(PER_PASSENGER_KM + PER_VEHICLE_KM),
        )
    )


def _with_wtt(ctx: Context, a: ActivityBase, use: FactorUse) -> tuple[list[FactorUse], Any]:
    """The factor, plus its ``.wtt`` row where the factor set defines one (not for a pin)."""
    if use.status == "pinned":
        return [use], v(use)
    wtt_id = f"{use.id}.wtt"
    if wtt_id not in ctx.table:
        return [use], v(use)
    wtt = ctx.factor(wtt_id, WTT_ROLE, use.unit)
    return [use, step(wtt, "+")], v(use) + v(wtt)


def _pinned_or(ctx: Context, a: ActivityBase, default_id: str) -> FactorUse:
    """The pinned factor (any per-km unit) or the default row."""
    if a.factor:
        try:
            return ctx.factor(a.factor, "emission factor", None, status="pinned")
        except FactorError as exc:
            raise InputError(Message("activities.{id}.factor: {error}", id=a.id, error=said(exc))) from None
    return ctx.factor(default_id, "emission factor")


def _region(a: _Trip, ctx: Context, places: tuple[geo.Place, geo.Place] | None) -> str:
    if a.region:
        return a.region.upper()
    if places and places[0].country:
        return places[0].country.upper()
    return (ctx.default_region or "WORLD").upper()


def _per_km_draft(
    a: _Trip,
    ctx: Context,
    what: str,
    route: _Route,
    use: FactorUse,
    count_field: str,
) -> Draft:
    """One line for a ground trip: route × legs × (travellers | vehicles) × (factor + wtt)."""
    chain, kgco2e_per_km = _with_wtt(ctx, a, use)
    basis = _basis(use, a)
    per_passenger_mode = count_field == "travellers"
    has_travellers = "travellers" in type(a).model_fields
    if (per_passenger_mode and basis != "passenger") or (basis == "passenger" and not has_travellers):
        accepted = PER_PASSENGER_KM if per_passenger_mode else PER_VEHICLE_KM
        raise InputError(
            Message(
                "activities.{id}.factor: factor {factor} is in {unit}; accepted for this activity: {accepted}",
                id=a.id,
                factor=use.id,
                unit=use.unit,
                accepted=", ".join(accepted),
            )
        )
    if basis == "passenger":
        count = ctx.q(a, "travellers", 1.0)
        status_field, unit = "travellers", "passenger.km"
    else:
        count = ctx.q(a, count_field, 1.0)
        status_field, unit = count_field, "vehicle.km"
    quantity = route.km * _legs(a) * count
    return Draft(
        label=Joined(
            [
                Joined([what, _route_text(route.places)], ""),
                route.text,
                _return_text(a),
                _count_text(ctx, a, status_field),
            ]
        ),
        quantity=quantity,
        unit=unit,
        factors=chain + route.chain,
        emissions_kgco2e=quantity * kgco2e_per_km,
        quantity_status=_status(a, ctx, status_field),
    )


def _status(a: _Trip, ctx: Context, count_field: str) -> str:
    statuses = {ctx.status_of(a, count_field)}
    if a.distance is not None:
        statuses.add(ctx.status_of(a, "distance"))
    if "parameter" in statuses:
        return "parameter"
    return "input"


# -- flights -------------------------------------------------------------------------------------


def _desnz_method(ctx: Context) -> bool:
    """Flights follow DESNZ's scheme when the factor set puts DESNZ first."""
    sets = ctx.table.factor_sets()
    return sets[ctx.table.factor_set].precedence[0] == "desnz"


def _pick(ctx: Context, prefix: str, keys: tuple[str, ...], central_km: float) -> str:
    """The key whose ``<prefix>.<key>.min_km`` is the largest one not above ``central_km``."""
    best, best_min = keys[0], -1.0
    for key in keys:
        fid = f"{prefix}.{key}.min_km"
        if fid not in ctx.table:
            continue
        min_km = ctx.table.resolve(fid).value
        if min_km <= central_km and min_km > best_min:
            best, best_min = key, min_km
    return best


def _ademe_flight_factor(a: Flight, ctx: Context, central_km: float) -> tuple[str, Message]:
    """(factor id, text) of the ADEME 2023 factor for this flight's seats and distance band."""
    seats = SEATS[a.seats] if a.seats else _pick(ctx, "travel.air.default_seats", tuple(SEATS.values()), central_km)
    band = _pick(ctx, "travel.air.distance_band", AIR_DISTANCE_BANDS, central_km)
    tag = "with_contrails" if a.contrails else "without_contrails"
    prefix = f"travel.air.ademe.{seats}"
    if a.engine == "turboprop":
        if band == "lt500" and f"{prefix}.lt500_turboprop.{tag}" in ctx.table:
            band = "lt500_turboprop"
        else:
            ctx.warn(
                "turboprop-not-available",
                N_(
                    "ADEME has turboprop factors only under 500 km for <50 and 50-100 seats: "
                    "the jet factor of {band} km is used"
                ),
                band=band.replace("_", "-"),
            )
    if f"{prefix}.{band}.{tag}" not in ctx.table:
        # ADEME publishes no factor for this size at this distance (e.g. >220 seats under
        # 500 km): take the nearest band it publishes, and say so
        order = list(AIR_DISTANCE_BANDS)
        here = order.index(band)
        candidates = sorted(order, key=lambda b: abs(order.index(b) - here))
        nearest = next(b for b in candidates if f"{prefix}.{b}.{tag}" in ctx.table)
        ctx.warn(
            "air-band-unavailable",
            N_("ADEME has no factor for {seats} seats at {band} km: used its {nearest} km band"),
            seats=SEAT_LABELS[seats],
            band=band.replace("_", "-"),
            nearest=nearest.replace("_", "-"),
        )
        band = nearest
    seats_text = Message("{seats} seats", seats=SEAT_LABELS[seats])
    if not a.seats:
        seats_text = Message("{seats} seats (default)", seats=SEAT_LABELS[seats])
    text = Joined([seats_text, Message("{band} km band", band=band.replace("_", "-"))])
    return f"{prefix}.{band}.{tag}", text


def _desnz_haul(a: Flight, ctx: Context, places: tuple[geo.Place, geo.Place] | None, central_km: float) -> str:
    if places:
        countries = {p.country.upper() for p in places}
        if countries == {"GB"}:
            return "domestic"
        if "GB" not in countries:
            return "international"
    elif (a.region or ctx.default_region or "").upper() != "GB":
        return "international"
    long_min = ctx.table.resolve("travel.air.long_haul.min_km").value
    return "long_haul" if central_km >= long_min else "short_haul"


#: below this great-circle distance a flight's fixed uplift outweighs the trip: the line says so
SHORT_FLIGHT_KM = 100.0


def flight(a: Flight, ctx: Context) -> list[Draft]:
    route = _great_circle(a, ctx)
    uplift_km = ctx.factor("travel.air.distance.uplift_km", "distance uplift (km added)", "km")
    uplift_factor = ctx.factor("travel.air.distance.uplift_factor", "distance uplift (multiplier)", "1")
    distance_km = route.km * v(uplift_factor) + v(uplift_km)
    central_km = route.central_km * uplift_factor.value + uplift_km.value
    distance_chain = [
        step(u, "in quantity") for u in (uplift_km, uplift_factor) if u.value != (0.0 if u is uplift_km else 1.0)
    ]
    distance_text = Joined(
        [
            Message("{km} km great circle", km=route.central_km),
            Message("× {factor} (DESNZ uplift)", factor=uplift_factor.value) if uplift_factor.value != 1.0 else "",
            Message("+ {km} km (EN 16258)", km=uplift_km.value) if uplift_km.value != 0.0 else "",
        ],
        " ",
    )
    if route.central_km < SHORT_FLIGHT_KM and uplift_km.value > 0:
        ctx.warn(
            "flight-very-short",
            N_(
                "a flight of {km} km great circle is charged as {charged} km: the {uplift} km added for "
                "take-off, landing and detours (EN 16258) outweigh the trip; check the places, or write "
                "the trip as ground travel"
            ),
            km=label_number(route.central_km),
            charged=label_number(central_km),
            uplift=f"{uplift_km.value:g}",
        )

    if a.cabin == "unknown":
        cabin_text = Message("cabin not stated: average passenger (all cabins)")
        ctx.warn(
            "cabin-unspecified",
            N_(
                "no cabin given: the factor per average passenger (all cabins) is used as published; "
                "write cabin: economy (or another class) where it is known"
            ),
        )
    else:
        cabin_text = Message("{cabin} (cabin written)", cabin=term("cabin", a.cabin))
    if _desnz_method(ctx):
        haul = _desnz_haul(a, ctx, route.places, central_km)
        rf = "with_rf" if a.contrails else "without_rf"
        fid = f"travel.air.desnz.{haul}.{a.cabin}.{rf}"
        main = ctx.main_factor(a, fid, "kgCO2e/passenger.km")
        chain = [main]
        kgco2e_per_pkm = v(main)
        if main.status != "pinned":
            wtt = ctx.factor(f"travel.air.desnz.{haul}.{a.cabin}.wtt", WTT_ROLE, "kgCO2e/passenger.km")
            chain.append(step(wtt, "+"))
            kgco2e_per_pkm = kgco2e_per_pkm + v(wtt)
        factor_text = Message("DESNZ {haul}", haul=term("haul", haul))
        contrail_text = Message("with radiative forcing") if a.contrails else Message("without radiative forcing")
    else:
        fid, factor_text = _ademe_flight_factor(a, ctx, central_km)
        main = ctx.main_factor(a, fid, "kgCO2e/passenger.km")
        chain = [main]
        kgco2e_per_pkm = v(main)
        if main.status != "pinned" and a.cabin != "unknown":
            long_min = ctx.table.resolve("travel.air.long_haul.min_km").value
            haul = "long_haul" if central_km >= long_min else "short_haul"
            # ADEME's factor is per average passenger (all cabins); DESNZ's class multipliers are
            # relative to economy: a class's factor is ADEME × class multiplier ÷ average multiplier
            multiplier = ctx.factor(f"travel.air.cabin.{haul}.{a.cabin}", "cabin class multiplier", "1")
            average = ctx.factor(f"travel.air.cabin.{haul}.average", "average passenger multiplier (divides)", "1")
            chain.extend([multiplier, step(average, "÷")])
            kgco2e_per_pkm = kgco2e_per_pkm * v(multiplier) / v(average)
        contrail_text = Message("with contrails") if a.contrails else Message("without contrails")
    if main.status == "pinned":
        factor_text = Message("pinned factor {id}", id=main.id)
    if not a.contrails:
        ctx.warn(
            "contrails-excluded",
            N_(
                "the factor without contrails / radiative forcing leaves out aviation's non-CO2 "
                "effects (about as much again as its CO2); ADEME asks for it only in the regulatory "
                "Information GES des prestations de transport"
            ),
        )
    travellers = ctx.q(a, "travellers", 1.0)
    quantity = distance_km * _legs(a) * travellers
    return [
        Draft(
            label=Joined(
                [
                    Joined([Message("Flight"), _route_text(route.places)], ""),
                    distance_text,
                    cabin_text,
                    factor_text,
                    contrail_text,
                    _return_text(a),
                    _count_text(ctx, a, "travellers"),
                ]
            ),
            quantity=quantity,
            unit="passenger.km",
            factors=chain + distance_chain,
            emissions_kgco2e=quantity * kgco2e_per_pkm,
            quantity_status=_status(a, ctx, "travellers"),
        )
    ]


# -- ground modes ----------------------------------------------------------------------------------


def train(a: Train, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.rail.detour_factor")
    if a.kind in URBAN_RAIL_NAMES:
        use = _pinned_or(ctx, a, _urban_id(a, ctx, f"travel.rail.{a.kind}"))
        what = Message(
            "{service} ({area})", service=Message(URBAN_RAIL_NAMES[a.kind]), area=Message(URBAN_AREA_TEXT[a.urban_area])
        )
    elif a.kind != "rail":
        use = _pinned_or(ctx, a, f"travel.rail.{a.kind}")
        what = Message(TRAIN_NAMES[a.kind])
    elif a.factor:
        use = _pinned_or(ctx, a, "")
        what = Message("Train")
    else:
        region = _region(a, ctx, route.places)
        use = ctx.regional("travel.rail", region, "emission factor")
        what = Message("Train ({region} average)", region=region)
        countries = [p.country for p in route.places or [] if p.country]
        if len(set(countries)) > 1:
            ctx.warn(
                "rail-cross-border",
                N_(
                    "a journey {countries} is counted with {region}'s rail factor all the way: give "
                    "kind: eurostar for Paris–London, or one activity per country"
                ),
                countries=" → ".join(countries),
                region=region,
            )
    return [_per_km_draft(a, ctx, what, route, use, "travellers")]


def car(a: Car, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.road.detour_factor")
    use = _pinned_or(ctx, a, f"travel.car.{a.fuel}")
    return [_per_km_draft(a, ctx, Message("Car, {fuel}", fuel=term("fuel", a.fuel)), route, use, "cars")]


def van(a: Van, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.road.detour_factor")
    use = _pinned_or(ctx, a, f"travel.van.{a.fuel}")
    return [_per_km_draft(a, ctx, Message("Van, {fuel}", fuel=term("fuel", a.fuel)), route, use, "vehicles")]


def taxi(a: Taxi, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.road.detour_factor")
    use = _pinned_or(ctx, a, "travel.taxi")
    return [_per_km_draft(a, ctx, Message("Taxi"), route, use, "vehicles")]


def bus(a: Bus, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.road.detour_factor")
    if a.kind == "city":
        use = _pinned_or(ctx, a, _urban_id(a, ctx, "travel.bus.city"))
        what = Message("City bus ({area})", area=Message(URBAN_AREA_TEXT[a.urban_area]))
    else:
        use = _pinned_or(ctx, a, f"travel.bus.{a.kind}")
        what = Message("Coach") if a.kind == "coach" else Message("Bus")
    return [_per_km_draft(a, ctx, what, route, use, "travellers")]


def _urban_id(a: Train | Bus, ctx: Context, prefix: str) -> str:
    """``<prefix>.<urban_area>``: ADEME's Île-de-France or urban-area element (an error where it has none)."""
    fid = f"{prefix}.{a.urban_area}"
    if fid in ctx.table or a.factor:
        return fid
    areas = sorted(k for k in URBAN_AREA_TEXT if f"{prefix}.{k}" in ctx.table)
    raise InputError(
        Message(
            "activities.{id}.urban_area: no factor for {kind} in '{area}'; accepted: {accepted}",
            id=a.id,
            kind=a.kind,
            area=a.urban_area,
            accepted=", ".join(areas),
        )
    )


def motorbike(a: Motorbike, ctx: Context) -> list[Draft]:
    route = _ground_route(a, ctx, "travel.road.detour_factor")
    use = _pinned_or(ctx, a, f"travel.motorbike.{a.size}")
    what = Message("Motorbike up to 250 cm3") if a.size == "le250" else Message("Motorbike over 250 cm3")
    return [_per_km_draft(a, ctx, what, route, use, "vehicles")]


ACTIVITIES = {
    "flight": (Flight, flight),
    "train": (Train, train),
    "car": (Car, car),
    "van": (Van, van),
    "taxi": (Taxi, taxi),
    "bus": (Bus, bus),
    "motorbike": (Motorbike, motorbike),
}
