"""Category: equipment — cameras, lenses, lights, grip, sound, computers and drones used on a shoot.

Method: docs/methodology/equipment.md.

Formula (units in names; every factor a sourced row of ``data/curated/equipment.csv``):

* ``emissions_kgco2e = count × days × embodied_kgco2e[item] ÷ lifetime_days_of_use[item]``

  an amortised share of the item's manufacture: each day of use carries ``1 / lifetime`` of the
  embodied emissions. Carbon'Clap's per-day "immobilisation" factors are not public, so the share
  is computed from two rows per item, both in the line's chain:

  - ``equipment.<item>.embodied`` (kgCO2e/unit, role "embodied"): ADEME Base Carbone where it has
    the item (appareil photo hybride 27029, ordinateur portable 27002, écran 27006, tablette 27007,
    smartphone 27013, vidéo-projecteur 28313, télévision 27000), ADEME–Arcep 2022 for the external
    drive, otherwise a judgement from the item's mass × ADEME material factors (electronics
    80.7 kgCO2e/kg 20895, aluminium 7.8 kgCO2e/kg 26731, steel 2.2 kgCO2e/kg 26729, optical glass
    3.67 kgCO2e/kg 20545), with the arithmetic in the row's notes;
  - ``equipment.<item>.lifetime_days`` (day, role "lifetime days of use"): judgement rows, days
    used a year × years kept, with their reasons.

Use-phase electricity of the equipment (charging batteries, lights on a generator) is counted in
the energy category, not here. A pinned ``factor:`` replaces the item's embodied factor
(kgCO2e/unit); its lifetime row stays.
"""

from __future__ import annotations

from typing import Literal

from shootprint.engine import Context, Draft, step, v
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, Q_count, Q_day

CATEGORY = "equipment"


PREFIX = "equipment"  # + ".<item>.embodied" | ".<item>.lifetime_days"

Item = Literal[
    "camera_body",
    "cinema_camera",
    "lens",
    "led_panel",
    "hmi_light",
    "grip_kit",
    "sound_kit",
    "laptop",
    "monitor",
    "tablet",
    "smartphone",
    "video_projector",
    "tv",
    "drone",
    "external_hdd",
]

_LABEL: dict[str, str] = {
    "camera_body": N_("Camera body (photo)"),
    "cinema_camera": N_("Cinema camera"),
    "lens": N_("Lens"),
    "led_panel": N_("LED panel"),
    "hmi_light": N_("HMI light with ballast"),
    "grip_kit": N_("Grip package"),
    "sound_kit": N_("Sound kit"),
    "laptop": N_("Laptop"),
    "monitor": N_("Monitor"),
    "tablet": N_("Tablet"),
    "smartphone": N_("Smartphone"),
    "video_projector": N_("Video projector"),
    "tv": N_("TV screen"),
    "drone": N_("Drone"),
    "external_hdd": N_("External hard drive"),
}


class Equipment(ActivityBase):
    """Equipment used (owned or rented) for ``days``: its manufacture, amortised per day of use."""

    type: Literal["equipment"]
    item: Item
    count: Q_count | None = None
    days: Q_day


def equipment(a: Equipment, ctx: Context) -> list[Draft]:
    embodied = ctx.main_factor(a, f"{PREFIX}.{a.item}.embodied", "kgCO2e/unit", role="embodied")
    lifetime = ctx.factor(f"{PREFIX}.{a.item}.lifetime_days", "lifetime days of use", "day")
    item_days = ctx.q(a, "count", default=1.0) * ctx.q(a, "days")
    status = ctx.status_of(a, "days")
    if a.count is not None and ctx.status_of(a, "count") != "input" and status == "input":
        status = ctx.status_of(a, "count")
    return [
        Draft(
            label=Message("{item}, manufacture amortised over its days of use", item=Message(_LABEL[a.item])),
            quantity=item_days,
            unit="day",
            factors=[embodied, step(lifetime, "÷")],
            emissions_kgco2e=item_days * v(embodied) / v(lifetime),
            quantity_status=status,
        )
    ]


ACTIVITIES = {"equipment": (Equipment, equipment)}
