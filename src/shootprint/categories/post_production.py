"""Category: post_production — people at screens, render nodes, storage, data transfer, meetings.

Method: docs/methodology/post_production.md.

Formulas (units in names; every factor and default is a sourced row of the factor table,
``data/curated/post_production.csv``):

* screen work — the one rule for people at screens (editors, graders, retouchers; the ``ai``
  category uses it for artists' hours), :func:`screen_work`. Three lines per activity:

  - ``use``: ``energy_kwh = person_hours × (power_kw[kind] + monitors × monitor_power_kw)``,
    ``emissions_kgco2e = energy_kwh × grid_kgco2e_per_kwh(region)``;
  - ``embodied``: ``person_hours × embodied_kgco2e[kind] ÷ lifetime_years[kind] ÷
    hours_per_year`` — the machine's manufacture amortised over the hours it is used in its life;
  - ``monitors-embodied``: ``monitor_hours × monitor_embodied_kgco2e ÷ monitor_lifetime_years ÷
    hours_per_year`` with ``monitor_hours = person_hours × monitors`` — the monitors' manufacture,
    amortised the same way (a line of its own, so that each line is a product that recomputes
    from its quantity left to right).

  ``person_hours = hours × count``. Embodied factors: ADEME Base Carbone (ordinateur portable
  27002, fixe bureautique 27003, fixe haute performance 27004, écran 23,8" 27006); power, lifetime
  and hours per year are judgement rows with their reasons (ADEME–Arcep 2022 lifetimes).
  Use and manufacture are apart because they answer different questions: the use line is the only one the
  grid (the country of post-production) changes, the embodied lines are what buying fewer or
  longer-lived machines changes; a report that merges them hides that in France the embodied
  part dominates.
* render: ``energy_kwh = hours × count × power_kw × pue``,
  ``emissions_kgco2e = energy_kwh × grid_kgco2e_per_kwh(region)`` — use phase only (the render
  hardware's manufacture is the facility's, not counted here).
* storage: ``volume_tb × months × storage_kwh_per_tb_month[medium] × replication × pue ×
  grid_kgco2e_per_kwh(region)`` (Cloud Carbon Footprint energy coefficients per TB of disk; its
  boundary excludes the copies a service keeps and the data centre's overhead, so replication and
  PUE are rows of their own). A pinned factor in kgCO2e per TB.month (or per GB.year, converted:
  e.g. ``post_production.storage.cloud_fr``, ADEME Impact CO2) replaces the chain:
  ``volume_tb × months × factor``.
* data transfer: ``volume_gb × network_kgco2e_per_gb`` (ADEME Impact CO2 fixed network France,
  ADEME AGEC mobile France).
* review meeting (video call): screen work of ``participants × hours`` on the chosen kind, plus
  ``participants × hours × video_gb_per_hour × network_kgco2e_per_gb``.

* work space (docs/methodology/workspace.md) — a person-day of desk work in an ``office``, a ``post_suite`` or at ``home`` costs the
  building's energy whoever does it (see docs/methodology/workspace.md). Two lines, tag ``workspace``
  (``--exclude workspace`` leaves them out):

  - ``electricity``: ``person_days × area_m2_per_person × electricity_kwh_per_m2_year ÷
    days_per_year × grid_kgco2e_per_kwh(region)``;
  - ``heating``: ``person_days × area_m2_per_person × heating_kwh_per_m2_year ÷ days_per_year ×
    heating_kgco2e_per_kwh(region)``.

  ADEME's tertiary-office elements (23624 specific electricity 121, 23734 heating and hot water
  184 kWh/m².year; home heating 23145), the heating fuel by country
  (``post_production.workspace.heating.<CC>``, natural gas ademe:37133 by default), the area per
  person (``post_production.workspace.<place>.area_m2``: 12 office, 20 suite, 10 home, after
  NF X35-102) and 220 working days a year are sourced rows with ranges.

Pinned factors (``factor:``): workstation → its embodied factor (kgCO2e/unit); render → the grid
(kgCO2e/kWh, e.g. a cloud region's factor); storage → kgCO2e/TB.month; data transfer and
review meeting → the network factor (kgCO2e/GB).
"""

from __future__ import annotations

from typing import Literal

from shootprint.categories.energy import GRID, electricity_water, region_of
from shootprint.engine import Context, Draft, Num, in_quantity, step, v
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, FactorUse, Q_count, Q_gb, Q_h, Q_kw, Q_tb, Q_work_h
from shootprint.vocabulary import term

CATEGORY = "post_production"
TAGS = ("workspace",)  # offices' and suites' energy per person-day: what --exclude accepts besides the category


WORKSTATION = "post_production.workstation"  # + ".<kind>.<what>"
MONITOR = "post_production.workstation.monitor"
RENDER = "post_production.render"
STORAGE = "post_production.storage"
DATACENTRE_PUE = "post_production.datacentre.pue"
TRANSFER = "post_production.data_transfer"  # + ".fixed" | ".mobile"
VIDEO_CALL_GB_PER_HOUR = "post_production.video_call.gb_per_hour"

Kind = Literal["laptop", "desktop", "desktop_gpu"]
Network = Literal["fixed", "mobile"]

_KIND_LABEL = {"laptop": N_("laptop"), "desktop": N_("desktop"), "desktop_gpu": N_("GPU workstation")}
_CALL_LABEL = {
    "laptop": N_("Video call, laptops"),
    "desktop": N_("Video call, desktops"),
    "desktop_gpu": N_("Video call, GPU workstations"),
}


class Workstation(ActivityBase):
    """People at screens: editing, grading, retouching, compositing, office work."""

    type: Literal["workstation"]
    hours: Q_work_h
    count: Q_count | None = None
    kind: Kind = "desktop"
    monitors: Q_count | None = None


class Render(ActivityBase):
    """Render nodes or GPU servers running for ``hours`` (their electricity only)."""

    type: Literal["render"]
    hours: Q_h
    count: Q_count | None = None
    power: Q_kw | None = None
    pue: Q_count | None = None


class Storage(ActivityBase):
    """Data kept on disks (cloud, NAS, archive): terabytes × months."""

    type: Literal["storage"]
    volume: Q_tb
    months: Q_count
    medium: Literal["hdd", "ssd"] = "hdd"
    replication: Q_count | None = None
    pue: Q_count | None = None


class DataTransfer(ActivityBase):
    """Data sent over networks (uploads, downloads, deliveries, dailies)."""

    type: Literal["data_transfer"]
    volume: Q_gb
    network: Network = "fixed"


class ReviewMeeting(ActivityBase):
    """A video call: participants at screens plus the video they exchange."""

    type: Literal["review_meeting"]
    hours: Q_work_h
    participants: Q_count
    kind: Kind = "laptop"
    network: Network = "fixed"


class Workspace(ActivityBase):
    """Person-days of desk work in an office, a post-production suite or at home: the room's energy."""

    type: Literal["workspace"]
    person_days: Q_count
    place: Literal["office", "post_suite", "home"] = "office"
    area_m2_per_person: Q_count | None = None


# -- the shared rule for people at screens ---------------------------------------------------


def screen_work(
    ctx: Context,
    *,
    person_hours: Num,
    kind: str,
    region: str,
    monitors: Num | None = None,
    embodied: FactorUse | None = None,
    quantity_status: str = "input",
    monitors_status: str = "input",
    what: str | None = None,
    suffix_prefix: str = "",
) -> list[Draft]:
    """The ``use`` and manufacture lines of ``person_hours`` (h) at a ``kind`` of workstation.

    ``monitors``: external monitors per workstation (count); ``None`` takes the kind's default
    row. ``embodied``: a pinned embodied factor (kgCO2e/unit) replacing the kind's default.
    ``region``: ISO alpha-2 (or WORLD) of the grid. ``monitors_status``: the quantity status of a
    given ``monitors``. Returns three drafts with suffixes ``<suffix_prefix>use``,
    ``<suffix_prefix>embodied`` (the machine) and ``<suffix_prefix>monitors-embodied``.
    """
    base = f"{WORKSTATION}.{kind}"
    what = what or (Message(_KIND_LABEL[kind]) if kind in _KIND_LABEL else kind)
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    power = ctx.factor(f"{base}.power", "power", "kW")
    monitor_power = ctx.factor(f"{MONITOR}.power", "monitor power", "kW")
    monitor_factors: list[FactorUse] = []
    if monitors is None:
        default_monitors = ctx.factor(f"{base}.monitors", "monitors per workstation", "1")
        monitor_factors.append(default_monitors)
        monitors = v(default_monitors)

    energy_kwh = person_hours * (v(power) + monitors * v(monitor_power))
    water, water_indicator = electricity_water(ctx, region, energy_kwh)
    use = Draft(
        label=Message("{what}: electricity ({region})", what=what, region=region),
        quantity=energy_kwh,
        unit="kWh",
        factors=[grid, *in_quantity([power, *monitor_factors, monitor_power]), water],
        emissions_kgco2e=energy_kwh * v(grid),
        quantity_status="default",  # kWh estimated from a power per kind
        suffix=f"{suffix_prefix}use",
        indicators=water_indicator,
    )

    if embodied is None:
        embodied = ctx.factor(f"{base}.embodied", "embodied", "kgCO2e/unit")
    lifetime_years = ctx.factor(f"{base}.lifetime", "lifetime years", "year")
    hours_per_year = ctx.factor(f"{WORKSTATION}.hours_per_year", "hours of use per year", "h/year")
    monitor_embodied = ctx.factor(f"{MONITOR}.embodied", "monitor embodied", "kgCO2e/unit")
    monitor_years = ctx.factor(f"{MONITOR}.lifetime", "monitor lifetime years", "year")
    # two products, so that each line recomputes left to right from its quantity: the machine's
    # hours × its manufacture ÷ its life in hours, and the monitors' hours × theirs
    manufacture = Draft(
        label=Message("{what}: manufacture, amortised", what=what),
        quantity=person_hours,
        unit="h",
        factors=[embodied, step(lifetime_years, "÷"), step(hours_per_year, "÷")],
        emissions_kgco2e=person_hours * v(embodied) / (v(lifetime_years) * v(hours_per_year)),
        quantity_status=quantity_status,
        suffix=f"{suffix_prefix}embodied",
    )
    monitor_hours = person_hours * monitors
    monitors_manufacture = Draft(
        label=Message("{what}: monitors' manufacture, amortised", what=what),
        quantity=monitor_hours,
        unit="h",
        factors=[
            monitor_embodied,
            step(monitor_years, "÷"),
            step(hours_per_year, "÷"),
            *in_quantity(monitor_factors),
        ],
        emissions_kgco2e=monitor_hours * v(monitor_embodied) / (v(monitor_years) * v(hours_per_year)),
        quantity_status="default" if monitor_factors else _combined_status(quantity_status, monitors_status),
        suffix=f"{suffix_prefix}monitors-embodied",
    )
    return [use, manufacture, monitors_manufacture]


def _combined_status(*statuses: str) -> str:
    # a product of quantities is as good as its weakest part: parameter < input, default < both
    if "default" in statuses:
        return "default"
    if "parameter" in statuses:
        return "parameter"
    return "input"


# -- compute functions -----------------------------------------------------------------------


def workstation(a: Workstation, ctx: Context) -> list[Draft]:
    person_hours = ctx.q(a, "hours") * ctx.q(a, "count", default=1.0)
    monitors = ctx.q(a, "monitors") if a.monitors is not None else None
    embodied = (
        ctx.main_factor(a, f"{WORKSTATION}.{a.kind}.embodied", "kgCO2e/unit", role="embodied") if a.factor else None
    )
    return screen_work(
        ctx,
        person_hours=person_hours,
        kind=a.kind,
        region=region_of(a, ctx),
        monitors=monitors,
        embodied=embodied,
        quantity_status=_combined_status(ctx.status_of(a, "hours"), _count_status(a, ctx, "count")),
        monitors_status=ctx.status_of(a, "monitors"),
    )


def _count_status(a: ActivityBase, ctx: Context, field_name: str) -> str:
    # an omitted count is 1 by definition (one person, one machine), not an assumed figure
    return ctx.status_of(a, field_name) if getattr(a, field_name) is not None else "input"


def render(a: Render, ctx: Context) -> list[Draft]:
    region = region_of(a, ctx)
    grid = (
        ctx.main_factor(a, f"{GRID}.{region}", "kgCO2e/kWh", role="grid")
        if a.factor
        else ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    )
    factors = [grid]
    power_kw = ctx.q_or_default(a, "power", f"{RENDER}.power", "power per node", "kW", factors)
    pue = ctx.q_or_default(a, "pue", DATACENTRE_PUE, "PUE", "1", factors)
    energy_kwh = ctx.q(a, "hours") * ctx.q(a, "count", default=1.0) * power_kw * pue
    defaulted = a.power is None or a.pue is None
    water, water_indicator = electricity_water(ctx, region, energy_kwh)
    return [
        Draft(
            label=Message("Render nodes: electricity ({region})", region=region),
            quantity=energy_kwh,
            unit="kWh",
            factors=[grid, *in_quantity(factors[1:]), water],
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status="default" if defaulted else ctx.status_of(a, "hours"),
            indicators=water_indicator,
        )
    ]


def storage(a: Storage, ctx: Context) -> list[Draft]:
    tb_months = ctx.q(a, "volume") * ctx.q(a, "months")
    status = _combined_status(ctx.status_of(a, "volume"), ctx.status_of(a, "months"))
    if a.factor:
        pinned = ctx.main_factor(a, f"{STORAGE}.{a.medium}.energy", "kgCO2e/TB.month")
        return [
            Draft(
                label=Message("Data storage"),
                quantity=tb_months,
                unit="TB.month",
                factors=[pinned],
                emissions_kgco2e=tb_months * v(pinned),
                quantity_status=status,
            )
        ]
    region = region_of(a, ctx)
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    energy = ctx.factor(f"{STORAGE}.{a.medium}.energy", "disk energy per TB", "kWh/TB.month")
    factors = [grid, energy]
    copies = ctx.q_or_default(a, "replication", f"{STORAGE}.replication", "copies kept", "1", factors)
    pue = ctx.q_or_default(a, "pue", DATACENTRE_PUE, "PUE", "1", factors)
    energy_kwh = tb_months * v(energy) * copies * pue
    water, water_indicator = electricity_water(ctx, region, energy_kwh)
    return [
        Draft(
            label=Message("Data storage, {medium} ({region})", medium=a.medium.upper(), region=region),
            quantity=tb_months,
            unit="TB.month",
            factors=[*factors, water],
            emissions_kgco2e=energy_kwh * v(grid),
            quantity_status=status,
            indicators=water_indicator,
        )
    ]


def _network_factor(a: ActivityBase, network: str, region: str, ctx: Context) -> FactorUse:
    if region != "FR" and not a.factor:
        # the only shippable per-GB network factors are French (NegaOctet's EU ones are not
        # redistributable): say so rather than pretend they fit elsewhere
        ctx.warn(
            "network-factor-france",
            N_(
                "no {network} network factor for {region}: used France's (rule: data transfer "
                "uses the French ADEME factor everywhere; grids with more carbon make it a low "
                "estimate)"
            ),
            network=term("network", network),
            region=region,
        )
    return ctx.main_factor(a, f"{TRANSFER}.{network}", "kgCO2e/GB", role="network")


def data_transfer(a: DataTransfer, ctx: Context) -> list[Draft]:
    volume_gb = ctx.q(a, "volume")
    network = _network_factor(a, a.network, region_of(a, ctx), ctx)
    return [
        Draft(
            label=Message("Data transfer, {network} network", network=term("network", a.network)),
            quantity=volume_gb,
            unit="GB",
            factors=[network],
            emissions_kgco2e=volume_gb * v(network),
            quantity_status=ctx.status_of(a, "volume"),
        )
    ]


def review_meeting(a: ReviewMeeting, ctx: Context) -> list[Draft]:
    region = region_of(a, ctx)
    person_hours = ctx.q(a, "hours") * ctx.q(a, "participants")
    status = _combined_status(ctx.status_of(a, "hours"), ctx.status_of(a, "participants"))
    lines = screen_work(
        ctx,
        person_hours=person_hours,
        kind=a.kind,
        region=region,
        quantity_status=status,
        what=Message(_CALL_LABEL[a.kind]),
    )
    network = _network_factor(a, a.network, region, ctx)
    gb_per_hour = ctx.factor(VIDEO_CALL_GB_PER_HOUR, "video per participant-hour", "GB/h")
    volume_gb = person_hours * v(gb_per_hour)
    lines.append(
        Draft(
            label=Message("Video call: data, {network} network", network=term("network", a.network)),
            quantity=volume_gb,
            unit="GB",
            factors=[network, *in_quantity([gb_per_hour])],
            emissions_kgco2e=volume_gb * v(network),
            quantity_status="default",  # GB estimated from a bitrate
            suffix="network",
        )
    )
    return lines


_PLACE_LABEL = {"office": N_("office"), "post_suite": N_("post-production suite"), "home": N_("home")}
_WORKSPACE_PART = {"electricity": N_("electricity"), "heating": N_("heating")}


def workspace(a: Workspace, ctx: Context) -> list[Draft]:
    region = region_of(a, ctx)
    base = f"post_production.workspace.{a.place}"
    chain: list[FactorUse] = []
    area_m2 = ctx.q_or_default(a, "area_m2_per_person", f"{base}.area_m2", "floor area per person (m²)", "m2", chain)
    days = ctx.factor("post_production.workspace.days_per_year", "working days per year (divides)", "day")
    person_days = ctx.q(a, "person_days")
    m2_days = person_days * area_m2
    status = _combined_status(ctx.status_of(a, "person_days"), ctx.status_of(a, "area_m2_per_person"))
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    heating_fuel = ctx.regional("post_production.workspace.heating", region, "heating fuel", "kgCO2e/kWh")
    lines = []
    for what, energy_id, carrier in (
        ("electricity", f"{base}.electricity", grid),
        ("heating", f"{base}.heating", heating_fuel),
    ):
        intensity = ctx.factor(energy_id, f"{what} per m² and year (kWh/(m2.year))")
        energy_kwh = m2_days * v(intensity) / v(days)
        extra: list[FactorUse] = []
        water_indicator: dict[str, Num] = {}
        if what == "electricity":
            water, water_indicator = electricity_water(ctx, region, energy_kwh)
            extra = [water]
        lines.append(
            Draft(
                label=Message(
                    "Work space, {place} ({region}): {what}, {days} person-days",
                    place=Message(_PLACE_LABEL[a.place]),
                    region=region,
                    what=Message(_WORKSPACE_PART[what]),
                    days=_central(ctx, a),
                ),
                quantity=energy_kwh,
                unit="kWh",
                factors=[carrier, *in_quantity([intensity, days, *chain]), *extra],
                emissions_kgco2e=energy_kwh * v(carrier),
                quantity_status=status,
                suffix=what,
                tag="workspace",
                indicators=water_indicator,
            )
        )
    return lines


def _central(ctx: Context, a: Workspace) -> float:
    plain = Context(table=ctx.table, parameters=ctx.parameters)
    return float(plain.value_of(a.person_days, f"activities.{a.id}.person_days"))


ACTIVITIES = {
    "workspace": (Workspace, workspace),
    "workstation": (Workstation, workstation),
    "render": (Render, render),
    "storage": (Storage, storage),
    "data_transfer": (DataTransfer, data_transfer),
    "review_meeting": (ReviewMeeting, review_meeting),
}
