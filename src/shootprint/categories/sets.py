"""Category: sets — materials of sets and props, and costumes bought new.

Method: docs/methodology/sets.md.

Formulas (units in names; every factor a sourced row of ``data/curated/sets.csv``):

* material: ``emissions_kgco2e = mass_kg × (1 − reuse) × material_kgco2e_per_kg(material)``
* costume:  ``emissions_kgco2e = count × (1 − reuse) × garment_kgco2e_per_unit(garment)``

``reuse`` (0–1, default 0) is the share of the mass (or of the garments) **taken from stock**: kept
from earlier productions, hired, bought second-hand. Its production was counted by whoever made it,
so only the new share counts here. Material this production keeps for later ones is *not* credited
here (its future use is not known); keeping it simply means it is not declared as waste.

Boundary — cradle to gate only. A material line counts making the material, nothing after the
factory gate: transport to the set is ``freight``, and **end of life is counted in one place only,
the ``waste`` category** (a ``waste`` activity with the stream, the treatment and the kg thrown
away). A material activity therefore refuses ``end_of_life``, and its line carries the warning
``end-of-life-in-waste`` saying so.

Sources: ADEME Base Carbone V23.6 where it has a per-mass factor (timber "bois d'oeuvre", steel,
aluminium, plastics, cardboard, glass); ICE v2.0 (University of Bath) for plywood, MDF, OSB,
particle board, paint, plasterboard and fabric, which Base Carbone lacks; DESNZ 2025 "Material use,
primary material production" rows replace them with ``--factor-set desnz`` where DESNZ has the
material. Costumes: ADEME's per-garment factors (ADEME 2018 garment LCAs), kgCO2e per garment.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from shootprint.engine import Context, Draft, v
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, Q_count, Q_kg, QuantitySpec
from shootprint.vocabulary import term

CATEGORY = "sets"

MATERIAL = "sets.material"  # + ".<material>"
COSTUME = "sets.costume"  # + ".<garment>"


MaterialName = Literal[
    "timber",
    "plywood",
    "mdf",
    "osb",
    "particle_board",
    "steel",
    "aluminium",
    "plastic",
    "polystyrene",
    "pvc",
    "paint",
    "textile",
    "cardboard",
    "glass",
    "plasterboard",
]

Garment = Literal[
    "shirt_cotton",
    "shirt_viscose",
    "jeans",
    "t_shirt_cotton",
    "t_shirt_polyester",
    "polo",
    "sweater_acrylic",
    "sweater_wool",
    "sweater_recycled_cotton",
    "sweatshirt",
    "fleece",
    "coat",
    "jacket_rain",
    "jacket_faux_leather",
    "dress_cotton",
    "dress_polyester",
    "dress_viscose",
    "shoes_leather",
    "shoes_fabric",
    "shoes_sport",
]

END_OF_LIFE_RULE = N_(
    "material lines count production only (cradle to gate); end of life is counted in the waste "
    "category: add a waste activity (stream, treatment, mass) for what is thrown away"
)


def _check_share(spec: QuantitySpec | None) -> QuantitySpec | None:
    if spec is None or spec.param:
        return spec
    for value in (spec.central, spec.low, spec.high):
        if value is not None and not 0 <= value <= 1:
            raise ValueError(
                Message("{given} is not a share; accepted: 0 to 1 (or 0 % to 100 %)", given=str(spec.written or value))
            )
    return spec


class _Reuse(ActivityBase):
    reuse: Q_count | None = Field(
        None, description=N_("share (0–1) taken from stock, hired or second-hand: not counted")
    )

    @field_validator("reuse")
    @classmethod
    def _share(cls, spec: QuantitySpec | None) -> QuantitySpec | None:
        return _check_share(spec)


class Material(_Reuse):
    """A material bought for sets or props, by mass (cradle to gate)."""

    type: Literal["material"]
    material: MaterialName
    mass: Q_kg
    end_of_life: Any = Field(None, description=N_("refused: end of life is counted by waste activities"))

    @field_validator("end_of_life")
    @classmethod
    def _no_end_of_life(cls, value: Any) -> None:
        if value is not None:
            raise ValueError(Message("{rule}; remove end_of_life here", rule=Message(END_OF_LIFE_RULE)))
        return None


class Costume(_Reuse):
    """Garments for costumes, by count (bought new unless ``reuse`` says otherwise)."""

    type: Literal["costume"]
    garment: Garment
    count: Q_count


def _new_share(a: _Reuse, ctx: Context) -> Any:
    return 1 - ctx.q(a, "reuse", 0.0)


def _status(a: ActivityBase, ctx: Context, field_name: str) -> str:
    statuses = (ctx.status_of(a, field_name), ctx.status_of(a, "reuse"))
    return "parameter" if "parameter" in statuses else "input"


def _reuse_text(a: _Reuse, ctx: Context) -> str:
    if a.reuse is None:
        return Message("all new")
    share = float(Context(table=ctx.table, parameters=ctx.parameters).value_of(a.reuse, "reuse"))
    return Message("{pct}% from stock", pct=f"{share * 100:.0f}")


def material(a: Material, ctx: Context) -> list[Draft]:
    mass_kg = ctx.q(a, "mass")
    new_kg = mass_kg * _new_share(a, ctx)
    factor = ctx.main_factor(a, f"{MATERIAL}.{a.material}", "kgCO2e/kg")
    ctx.warn("end-of-life-in-waste", END_OF_LIFE_RULE)
    return [
        Draft(
            label=Message(
                "Material: {material} ({reuse}), cradle to gate",
                material=term("material", a.material),
                reuse=_reuse_text(a, ctx),
            ),
            quantity=new_kg,
            unit="kg",
            factors=[factor],
            emissions_kgco2e=new_kg * v(factor),
            quantity_status=_status(a, ctx, "mass"),
        )
    ]


def costume(a: Costume, ctx: Context) -> list[Draft]:
    count = ctx.q(a, "count")
    new_count = count * _new_share(a, ctx)
    factor = ctx.main_factor(a, f"{COSTUME}.{a.garment}", "kgCO2e/unit")
    return [
        Draft(
            label=Message(
                "Costume: {garment} ({reuse})", garment=term("garment", a.garment), reuse=_reuse_text(a, ctx)
            ),
            quantity=new_count,
            unit="unit",
            factors=[factor],
            emissions_kgco2e=new_count * v(factor),
            quantity_status=_status(a, ctx, "count"),
        )
    ]


ACTIVITIES = {
    "material": (Material, material),
    "costume": (Costume, costume),
}
