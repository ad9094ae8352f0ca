"""Category: freight — goods carried for the production (sets, props, equipment), excess baggage.

Method: docs/methodology/freight.md.

Formulas (units in names; every factor and every default a sourced row of the factor table,
``data/curated/freight.csv``):

* freight: ``emissions_kgco2e = mass_t × distance_km × legs × freight_kgco2e_per_t_km(mode)``,
  ``mass_t = mass_kg / 1000``, ``legs`` = 2 with ``return: true`` (the same load comes back), else 1.
  The line's quantity is the transport work in t.km.

  - road: by ``vehicle`` — ``van`` (light commercial vehicle < 3.5 t), ``rigid`` (rigid truck,
    the default when none is given: ADEME 12–20 t diesel), ``articulated`` (40–44 t semi-trailer);
    ADEME Base Carbone "Transport de marchandises > Routier"; DESNZ "Freighting goods" (van
    average, all rigids, all artics, average laden) with ``--factor-set desnz``.
  - air: ADEME 2023 cargo-aircraft factors (> 100 t payload class) by distance band, with
    contrails (default) or without (``contrails: false``); DESNZ freight flights short-haul /
    long-haul, with or without radiative forcing.
  - sea: ADEME container ship, dry, world average; DESNZ container ship average.
  - rail: ADEME freight train of the country (the region of the activity, else of ``from``, else
    the production's country; other countries fall back to ADEME's Europe average, with a warning).

* fuel upstream: ADEME's factors include it; DESNZ publishes it apart (well-to-tank rows), so with
  ``--factor-set desnz`` each line adds ``<factor id>.wtt`` (vans, all HGVs, freight flights, freight
  train; DESNZ has no sea-freight WTT row): ``freight_kgco2e_per_t_km = direct + well_to_tank``.

* excess_baggage: extra kg checked in on a passenger flight:
  ``emissions_kgco2e = mass_t × distance_km × legs × belly_freight_kgco2e_per_t_km(band)``, with ADEME's
  2023 "Avion passagers" freight factors (goods carried in the hold of a passenger aircraft):
  101–220 seats below 2,000 km, > 220 seats beyond (the aircraft such routes are flown with).

Distance: ``distance`` when given (taken as travelled, no uplift); else the great circle between
``from`` and ``to`` (``shootprint.geo``) corrected per mode:

* road, rail, sea: ``great_circle_km × detour_factor(mode)`` (judgement rows: network circuity);
* air: ``great_circle_km × air_distance_factor + air_distance_add_km`` — with the ADEME set
  × 1 + 95 km (EN 16258 / GLEC convention, ADEME's "Information GES des prestations de transport");
  with the DESNZ set × 1.08 + 0 km (DESNZ's uplift on great-circle distance).

The air distance band is chosen from the deterministic central distance (lower band limits are
parameter rows ``freight.air.band.<band>.min_km``); the emission factor may then carry draws.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from shootprint import geo
from shootprint.engine import Context, Draft, Num, step, v
from shootprint.errors import FactorError, InputError
from shootprint.i18n import N_, Joined, Message, said
from shootprint.model import ActivityBase, FactorUse, Q_kg, Q_km, QuantitySpec
from shootprint.vocabulary import term

CATEGORY = "freight"
WTT_ROLE = "well-to-tank (fuel upstream)"

T_PER_KG = 1 / 1000  # metric tonne

#: air distance bands of each band scheme, in increasing order (their lower limits are data)
AIR_BANDS: dict[str, tuple[str, ...]] = {
    "ademe": ("lt500", "500_1000", "1000_2000", "2000_5000", "gt5000"),
    "desnz": ("short_haul", "long_haul"),
}
VEHICLES = ("van", "rigid", "articulated")
DEFAULT_VEHICLE = "rigid"
RAIL = "freight.rail"  # + ".<ISO alpha-2>" or ".WORLD"

PlaceSpec = str | dict[str, Any]


class _Route(ActivityBase):
    """What freight and excess baggage share: a mass carried from one place to another."""

    model_config = ConfigDict(populate_by_name=True)

    mass: Q_kg
    from_: PlaceSpec | None = Field(None, alias="from", description=N_("place of departure"))
    to: PlaceSpec | None = Field(None, description=N_("place of arrival"))
    distance: Q_km | None = Field(None, description=N_("distance travelled, instead of from/to"))
    return_: bool = Field(False, alias="return", description=N_("true: the load comes back (× 2)"))

    @model_validator(mode="after")
    def _route(self) -> _Route:
        has_places = self.from_ is not None or self.to is not None
        if has_places and self.distance is not None:
            raise ValueError(N_("give either from and to (places) or distance (km), not both"))
        if not has_places and self.distance is None:
            raise ValueError(N_("give from and to (places, e.g. 'Paris, FR', 'CDG') or distance (km)"))
        if has_places and (self.from_ is None or self.to is None):
            missing = "to" if self.to is None else "from"
            raise ValueError(
                Message("{field}: required with the other place (or give distance instead)", field=missing)
            )
        return self


class Freight(_Route):
    """Goods carried by road, air, sea or rail."""

    type: Literal["freight"]
    mode: Literal["road", "air", "sea", "rail"]
    vehicle: Literal["van", "rigid", "articulated"] | None = Field(
        None, description=N_("road only; default rigid truck")
    )
    contrails: bool | None = Field(
        None, description=N_("air only: count contrails (default true, ADEME 'AVEC trainées')")
    )

    @model_validator(mode="after")
    def _mode_options(self) -> Freight:
        if self.vehicle is not None and self.mode != "road":
            raise ValueError(Message("vehicle: only for mode road (this one is {mode}); remove it", mode=self.mode))
        if self.contrails is not None and self.mode != "air":
            raise ValueError(Message("contrails: only for mode air (this one is {mode}); remove it", mode=self.mode))
        return self


class ExcessBaggage(_Route):
    """Extra kg checked in on a passenger flight (cases of equipment, costumes …)."""

    type: Literal["excess_baggage"]
    contrails: bool = Field(True, description=N_("count contrails (ADEME 'AVEC trainées')"))


# -- distance ---------------------------------------------------------------------------------


def _place(a: _Route, ctx: Context, name: str) -> geo.Place | None:
    spec = a.from_ if name == "from" else a.to
    try:
        return geo.locate(spec)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError([f"activities.{a.id}.{name}: {p}" for p in exc.problems]) from None


def _places(a: _Route, ctx: Context) -> tuple[geo.Place, geo.Place]:
    problems: list[str] = []
    found: list[geo.Place] = []
    for name in ("from", "to"):
        try:
            place = _place(a, ctx, name)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        assert place is not None
        found.append(place)
    if problems:
        raise InputError(problems)
    return found[0], found[1]


def _central(spec: QuantitySpec, ctx: Context, key: str) -> float:
    """The deterministic value of a quantity (parameters resolved, no draws)."""
    return float(Context(table=ctx.table, parameters=ctx.parameters).value_of(spec, key))


class _Distance:
    """The distance used for one leg: value (draws allowed), central value, chain links, wording."""

    def __init__(self, km: Num, central_km: float, links: list[FactorUse], text: str, status: str):
        self.km = km
        self.central_km = central_km
        self.links = links
        self.text = text
        self.status = status


def _place_name(p: geo.Place) -> str:
    return p.iata or p.name


def _distance(a: _Route, ctx: Context, mode: str) -> _Distance:
    if a.distance is not None:
        km = ctx.q(a, "distance")
        central = _central(a.distance, ctx, f"activities.{a.id}.distance")
        return _Distance(km, central, [], Message("{km} km", km=central), ctx.status_of(a, "distance"))
    origin, dest = _places(a, ctx)
    gc_km = geo.distance_km(origin, dest)
    route = f"{_place_name(origin)} → {_place_name(dest)}"
    if mode == "air":
        mult = ctx.factor("freight.air.distance_factor", "air distance factor", "1")
        add = ctx.factor("freight.air.distance_add_km", "air distance added", "km")
        km = gc_km * v(mult) + v(add)
        central = gc_km * mult.value + add.value
        # wording only: say the convention applied (× 1.08 for DESNZ, + 95 km for EN 16258)
        times = Message("× {factor}", factor=mult.value) if mult.value != 1 else ""
        plus = Message("+ {km} km", km=add.value) if add.value else ""
        text = Joined(
            [
                route,
                Joined([Message("{km} km great circle", km=gc_km), times, plus, Message("= {km} km", km=central)], " "),
            ]
        )
        return _Distance(km, central, [step(mult, "in quantity"), step(add, "in quantity")], text, "input")
    detour = ctx.factor(f"freight.{mode}.detour_factor", f"{mode} detour factor", "1")
    km = gc_km * v(detour)
    central = gc_km * detour.value
    text = Joined(
        [
            route,
            Joined(
                [
                    Message("{km} km great circle", km=gc_km),
                    Message("× {factor}", factor=detour.value),
                    Message("= {km} km", km=central),
                ],
                " ",
            ),
        ]
    )
    if mode == "sea":
        ctx.warn(
            "sea-distance-estimated",
            N_(
                "sea distance estimated from the great circle × a detour factor; shipping routes can be "
                "twice the great circle (Suez, Panama, Cape): give distance when the route is known"
            ),
        )
    return _Distance(km, central, [step(detour, "in quantity")], text, "input")


def _air_band(ctx: Context, central_km: float) -> tuple[str, str]:
    """(scheme, band) for a central distance: the last band whose lower limit is reached."""
    scheme = "desnz" if ctx.table.factor_set == "desnz" else "ademe"
    bands = AIR_BANDS[scheme]
    chosen = bands[0]
    for band in bands:
        if central_km >= ctx.table.resolve(f"freight.air.band.{band}.min_km").value:
            chosen = band
    return scheme, chosen


def _legs(a: _Route) -> int:
    return 2 if a.return_ else 1


def _factor(a: ActivityBase, ctx: Context, default_id: str) -> FactorUse:
    try:
        return ctx.main_factor(a, default_id, "kgCO2e/t.km")
    except FactorError as exc:
        raise InputError(Message("activities.{id}.factor: {error}", id=a.id, error=said(exc))) from None


def sum_of(factors: list[FactorUse]) -> Any:
    """kgCO2e per t.km of a factor and its well-to-tank row (values or draws)."""
    total = v(factors[0])
    for extra in factors[1:]:
        total = total + v(extra)
    return total


def _with_wtt(ctx: Context, factor: FactorUse, default_id: str) -> list[FactorUse]:
    """The factor, and its well-to-tank row where the factor set keeps fuel upstream apart.

    DESNZ publishes freight factors without fuel upstream, and the upstream in separate WTT rows;
    ADEME's factors include it. ``<default id>.wtt`` exists only where the set needs it.
    """
    if factor.status == "pinned" or f"{default_id}.wtt" not in ctx.table:
        return [factor]
    return [factor, step(ctx.factor(f"{default_id}.wtt", WTT_ROLE, "kgCO2e/t.km"), "+")]


def _draft(a: _Route, ctx: Context, label: Message, factors: list[FactorUse], dist: _Distance) -> list[Draft]:
    mass_t = ctx.q(a, "mass") * T_PER_KG
    tkm = mass_t * dist.km * _legs(a)
    mass_central = _central(a.mass, ctx, f"activities.{a.id}.mass")
    ways = Message("return") if a.return_ else Message("one way")
    # places count as input: the detour or uplift applied to them is a link of the chain
    status = "parameter" if "parameter" in (ctx.status_of(a, "mass"), dist.status) else "input"
    return [
        Draft(
            label=Joined([label, dist.text, Message("{kg} kg", kg=mass_central), ways]),
            quantity=tkm,
            unit="t.km",
            factors=[*factors, *dist.links],
            emissions_kgco2e=tkm * sum_of(factors),
            quantity_status=status,
        )
    ]


# -- compute ----------------------------------------------------------------------------------


def freight(a: Freight, ctx: Context) -> list[Draft]:
    dist = _distance(a, ctx, a.mode)
    if a.mode == "road":
        vehicle = a.vehicle or DEFAULT_VEHICLE
        if a.vehicle is None:
            ctx.warn(
                "default-used",
                N_("road freight without vehicle: a {vehicle} truck assumed (accepted: {accepted})"),
                vehicle=term("vehicle", DEFAULT_VEHICLE),
                accepted=", ".join(VEHICLES),
            )
        default_id = f"freight.road.{vehicle}"
        label = Message("Freight by road ({vehicle})", vehicle=term("vehicle", vehicle))
    elif a.mode == "air":
        contrails = True if a.contrails is None else a.contrails
        scheme, band = _air_band(ctx, dist.central_km)
        suffix = "with_contrails" if contrails else "without_contrails"
        default_id = f"freight.air.{band}.{suffix}"
        if not contrails:
            ctx.warn(
                "contrails-excluded", N_("air freight without contrails (ADEME 'SANS trainées' / DESNZ without RF)")
            )
        label = (
            Message("Air freight ({scheme} band {band}, with contrails)", scheme=scheme, band=band)
            if contrails
            else Message("Air freight ({scheme} band {band}, without contrails)", scheme=scheme, band=band)
        )
    elif a.mode == "sea":
        default_id = "freight.sea.container"
        label = Message("Sea freight (container ship)")
    else:
        region = a.region
        if region is None and a.from_ is not None:
            region = _places(a, ctx)[0].country or None
        region = (region or ctx.default_region or "WORLD").upper()
        default_id = f"{RAIL}.{region}"
        label = Message("Rail freight ({region})", region=region)
        if not a.factor and default_id not in ctx.table:
            factor = ctx.regional(RAIL, region, "emission factor", "kgCO2e/t.km")
            return _draft(a, ctx, label, _with_wtt(ctx, factor, factor.id), dist)
    factor = _factor(a, ctx, default_id)
    return _draft(a, ctx, label, _with_wtt(ctx, factor, default_id), dist)


def excess_baggage(a: ExcessBaggage, ctx: Context) -> list[Draft]:
    dist = _distance(a, ctx, "air")
    scheme, band = _air_band(ctx, dist.central_km)
    suffix = "with_contrails" if a.contrails else "without_contrails"
    default_id = f"freight.air_belly.{band}.{suffix}"
    factor = _factor(a, ctx, default_id)
    if not a.contrails:
        ctx.warn(
            "contrails-excluded", N_("excess baggage without contrails (ADEME 'SANS trainées' / DESNZ without RF)")
        )
    label = (
        Message("Excess baggage ({scheme} band {band}, with contrails)", scheme=scheme, band=band)
        if a.contrails
        else Message("Excess baggage ({scheme} band {band}, without contrails)", scheme=scheme, band=band)
    )
    return _draft(a, ctx, label, _with_wtt(ctx, factor, default_id), dist)


ACTIVITIES = {
    "freight": (Freight, freight),
    "excess_baggage": (ExcessBaggage, excess_baggage),
}
