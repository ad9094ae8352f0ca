"""Category: accommodation — hotel nights of the crew and cast.

Formula (units in names; every factor a sourced row of the factor table):

* hotel: ``emissions_kgco2e = room_nights × hotel_kgco2e_per_room_night(country)``, where
  ``room_nights = nights`` (already room-nights), or ``rooms × nights`` when ``rooms`` is given.

The factor is ``accommodation.hotel.<ISO alpha-2>`` of the activity's region (else the production's
country), with the world row and a ``region-fallback-world`` warning where a country has none:

* ``ademe`` set: France = ADEME's hotel study (2020, via Nos Gestes Climat), 6.93 kgCO2e per night
  without breakfast (Base Carbone has no per-night hotel factor); other countries = UK DESNZ 2025
  hotel factors (Cornell CHSB country averages, 39 countries), since ADEME has none.
* ``desnz`` set: DESNZ 2025 everywhere it has a country, France included (6.7).
* ``WORLD``: the median of DESNZ's country values (33.55), a judgement row.

* breakfast (its own line, category catering, unless ``breakfast: false``):
  ``emissions_kgco2e = room_nights × catering.breakfast.hotel`` (2.98 kgCO2e per breakfast: ADEME's
  hotel study, night with breakfast 9.91 less night without 6.93), one breakfast per room-night.
  The French night factor excludes breakfast and DESNZ's measure the building's energy, so the
  breakfast is never in the night; ``breakfast: false`` when it is not taken or is counted as
  meals. See docs/methodology/accommodation.md.

Holiday flats and
short-term rentals have no published per-night factor in the sources shipped: not modelled.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shootprint.categories.energy import region_of
from shootprint.engine import Context, Draft, Num, v
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, Q_count

CATEGORY = "accommodation"

HOTEL = "accommodation.hotel"  # + ".<ISO alpha-2>" or ".WORLD"


class Hotel(ActivityBase):
    """Hotel stays: ``nights`` counts room-nights, or nights per room when ``rooms`` is given."""

    type: Literal["hotel"]
    nights: Q_count
    rooms: Q_count | None = None
    breakfast: bool = Field(
        True, description=N_("false: breakfast not taken (or counted as meals); else one breakfast per room-night")
    )


def room_nights(a: Hotel, ctx: Context) -> Num:
    """Room-nights (dimensionless count): ``rooms × nights``, or ``nights`` alone."""
    nights = ctx.q(a, "nights")
    if a.rooms is None:
        return nights
    return ctx.q(a, "rooms") * nights


def hotel(a: Hotel, ctx: Context) -> list[Draft]:
    region = region_of(a, ctx)
    if a.factor:
        factor = ctx.main_factor(a, f"{HOTEL}.{region}", "kgCO2e/room.night")
    else:
        factor = ctx.regional(HOTEL, region, "hotel night", "kgCO2e/room.night")
    quantity = room_nights(a, ctx)
    statuses = {ctx.status_of(a, "nights")} | ({ctx.status_of(a, "rooms")} if a.rooms is not None else set())
    status = "parameter" if "parameter" in statuses else "input"
    drafts = [
        Draft(
            label=Message("Hotel nights ({region})", region=region),
            quantity=quantity,
            unit="room.night",
            factors=[factor],
            emissions_kgco2e=quantity * v(factor),
            quantity_status=status,
        )
    ]
    if a.breakfast:
        breakfast = ctx.factor("catering.breakfast.hotel", "breakfast per room-night", "kgCO2e/meal")
        drafts.append(
            Draft(
                label=Message("Hotel breakfasts ({region}), one per room-night", region=region),
                quantity=quantity,
                unit="meal",
                factors=[breakfast],
                emissions_kgco2e=quantity * v(breakfast),
                quantity_status=status,
                suffix="breakfast",
                category="catering",
            )
        )
    return drafts


ACTIVITIES = {
    "hotel": (Hotel, hotel),
}
