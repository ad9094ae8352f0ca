"""Category: waste — what the production throws away, by stream and treatment.

Method: docs/methodology/waste.md.

Formula (units in names; every factor a sourced row of ``data/curated/waste.csv``):

* ``emissions_kgco2e = mass_kg × treatment_kgco2e_per_kg(stream, treatment)``
* with ``avoided_emissions: true`` only, a second line ``<id>/avoided``:
  ``mass_kg × avoided_kgco2e_per_kg(stream, treatment)`` — negative, tagged ``avoided-emissions``
  (``--exclude avoided-emissions`` drops it).

No credit by default: the treatment line uses ADEME's "Impacts" rows (collection, transport and
treatment), never the "Emissions évitées" (avoided emissions) rows published beside them. A line is
negative only when ``avoided_emissions: true`` asks for it, as ADEME's Bilan Carbone method keeps
avoided emissions apart from the footprint.

The two factor sets count differently, and a result names its set:

* ADEME (default): ADEME's impacts include the treatment itself — for recycling, the
  reprocessing into secondary material; for incineration, the fossil CO2 burnt.
* DESNZ (``--factor-set desnz``): a cut-off approach — recycling, composting, anaerobic digestion
  and incineration with energy recovery count only the transport to the facility (processing
  belongs to the recycled material or the energy produced); landfill counts its methane. Treatments
  DESNZ lacks (``average``, ``not_recycled``) fall back to ADEME's rows.

End of life is counted here only: ``material`` lines of the ``sets`` category are cradle to gate.
So a set built and thrown away is a ``material`` activity (production) plus a ``waste`` activity
(its end of life); material kept for later productions is simply not declared as waste.

Streams: ``mixed`` (residual waste of the shoot: household-type bin), ``mixed_construction``
(non-hazardous set-build waste in a skip), ``wood``, ``cardboard``, ``plastic``, ``metal``
(ferrous), ``aluminium``, ``glass``, ``food``, ``textile``. Treatments: ``landfill``,
``incineration``, ``recycling``, ``composting``, ``anaerobic_digestion``, ``average`` (the
stream's average French end of life, the default), ``not_recycled`` (landfill and incineration mix).
Not every pair has a factor: an unknown pair is an error listing the treatments of the stream.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from shootprint.engine import Context, Draft, v
from shootprint.errors import FactorError, InputError
from shootprint.i18n import N_, Message, said
from shootprint.model import ActivityBase, Q_kg
from shootprint.vocabulary import term

CATEGORY = "waste"

WASTE = "waste"  # + ".<stream>.<treatment>" (+ ".avoided")
DEFAULT_TREATMENT = "average"
AVOIDED_TAG = "avoided-emissions"
TAGS = (AVOIDED_TAG,)  # what --exclude accepts besides the category

Stream = Literal[
    "mixed",
    "mixed_construction",
    "wood",
    "cardboard",
    "plastic",
    "metal",
    "aluminium",
    "glass",
    "food",
    "textile",
]
Treatment = Literal[
    "landfill",
    "incineration",
    "recycling",
    "composting",
    "anaerobic_digestion",
    "average",
    "not_recycled",
]
STREAMS: tuple[str, ...] = get_args(Stream)
TREATMENTS: tuple[str, ...] = get_args(Treatment)


class Waste(ActivityBase):
    """Waste thrown away by the production: a stream, its treatment, the kg."""

    type: Literal["waste"]
    stream: Stream
    treatment: Treatment | None = Field(None, description=N_("default: average (the stream's average end of life)"))
    mass: Q_kg
    avoided_emissions: bool = Field(
        False, description=N_("true: add a negative line with the treatment's avoided emissions (credit)")
    )


def _treatments(ctx: Context, stream: str, suffix: str = "") -> list[str]:
    return [t for t in TREATMENTS if f"{WASTE}.{stream}.{t}{suffix}" in ctx.table]


def waste(a: Waste, ctx: Context) -> list[Draft]:
    treatment = a.treatment or DEFAULT_TREATMENT
    fid = f"{WASTE}.{a.stream}.{treatment}"
    if not a.factor and fid not in ctx.table:
        field = "treatment" if a.treatment else Message("treatment (default average)")
        raise InputError(
            Message(
                "activities.{id}.{field}: no factor for {treatment} of {stream} waste; accepted for {stream}: {accepted}",
                id=a.id,
                field=field,
                treatment=treatment,
                stream=a.stream,
                accepted=", ".join(_treatments(ctx, a.stream)),
            )
        )
    if a.treatment is None:
        ctx.warn(
            "default-used",
            N_("waste without treatment: the average end of life of {stream} waste assumed (accepted: {accepted})"),
            stream=term("stream", a.stream),
            accepted=", ".join(_treatments(ctx, a.stream)),
        )
    mass_kg = ctx.q(a, "mass")
    factor = ctx.main_factor(a, fid, "kgCO2e/kg")
    status = ctx.status_of(a, "mass")
    if treatment == "recycling" and getattr(ctx.table, "factor_set", "") == "ademe" and not a.factor:
        ctx.warn(
            "waste-recycling-scope",
            N_(
                "recycling of {stream}: ADEME's element counts the reprocessing into secondary material "
                "(collection, sorting, remanufacturing), which may exceed landfill; the material it replaces "
                "is not subtracted: avoided_emissions: true shows that credit apart, --factor-set desnz "
                "counts only the transport to the facility"
            ),
            stream=term("stream", a.stream),
        )
    label = Message(
        "Waste: {stream}, {treatment}", stream=term("stream", a.stream), treatment=term("treatment", treatment)
    )
    drafts = [
        Draft(
            label=Message("{label} (no avoided-emission credit)", label=label),
            quantity=mass_kg,
            unit="kg",
            factors=[factor],
            emissions_kgco2e=mass_kg * v(factor),
            quantity_status=status,
        )
    ]
    if a.avoided_emissions:
        drafts.append(_avoided(a, ctx, fid, treatment, mass_kg, label, status))
    return drafts


def _avoided(a: Waste, ctx: Context, fid: str, treatment: str, mass_kg: object, label: str, status: str) -> Draft:
    cid = f"{fid}.avoided"
    accepted = ", ".join(_treatments(ctx, a.stream, ".avoided")) or Message("none")
    if cid not in ctx.table:
        raise InputError(
            Message(
                "activities.{id}.avoided_emissions: no avoided-emission factor for {treatment} of {stream} waste; "
                "treatments of {stream} with one: {accepted}",
                id=a.id,
                treatment=treatment,
                stream=a.stream,
                accepted=accepted,
            )
        )
    # the credit must come from the same factor set as the impact it goes with
    if not a.factor and ctx.table.get(cid).factor_set != ctx.table.get(fid).factor_set:
        raise InputError(
            Message(
                "activities.{id}.avoided_emissions: the {set} factor set has no avoided-emission factor matching its "
                "{treatment} of {stream} waste; remove avoided_emissions or use the ademe factor set",
                id=a.id,
                set=ctx.table.factor_set,
                treatment=treatment,
                stream=a.stream,
            )
        )
    try:
        credit = ctx.factor(cid, "avoided emissions (credit)", "kgCO2e/kg")
    except FactorError as exc:
        raise InputError(Message("activities.{id}.avoided_emissions: {error}", id=a.id, error=said(exc))) from None
    ctx.warn(
        "avoided-emissions-counted",
        N_(
            "{id}: avoided emissions of {treatment} counted as a negative line, as asked "
            "(tag {tag}; exclude it with --exclude {tag})"
        ),
        id=a.id,
        treatment=term("treatment", treatment),
        tag=AVOIDED_TAG,
    )
    return Draft(
        label=Message("{label}: avoided emissions (credit, asked for)", label=label),
        quantity=mass_kg,
        unit="kg",
        factors=[credit],
        emissions_kgco2e=mass_kg * v(credit),
        quantity_status=status,
        suffix="avoided",
        tag=AVOIDED_TAG,
    )


ACTIVITIES = {
    "waste": (Waste, waste),
}
