"""Category: spend — lines estimated from money spent, when no physical quantity is known.

Method: docs/methodology/spend.md.

Formula (units in names; ratios are rows of ``data/curated/spend.csv``):

* ``emissions_kgco2e = amount_eur × ratio_kgco2e_per_eur``, with
  ``amount_eur = amount × rate`` (``amount`` written in ``currency``, e.g. ``'1200 USD'``;
  ``rate``: EUR per 1 unit of ``currency``, required unless the currency is EUR).

The ratios are ADEME Base Carbone V23.6's monetary ratios ("ratios monétaires", SDES/INSEE
environmentally-extended input-output tables) in kgCO2e per k€ of **2023 euros excluding VAT**;
curated rows ``spend.<ratio>`` alias them (e.g. ``spend.hotel_restaurant`` → ``ademe:43525``) and
the formula asks for kgCO2e/EUR, so the factor table converts k€ to €. Amounts of another year are
taken as 2023 euros (no deflator: say so in ``reason`` when it matters).

Every spend line has factor status ``spend-based`` — the weakest kind of estimate, to be replaced
by a physical quantity when one is known. ``category`` files the line under the production
category it stands for (e.g. ``accommodation`` for hotel bills), so breakdowns stay comparable
with productions measured physically; by default it stays under ``spend``. A pinned ``factor:``
(any factor in a currency unit, e.g. ``ademe:43375``) replaces the ratio.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from shootprint.engine import Context, Draft, v
from shootprint.errors import InputError
from shootprint.i18n import N_, Message
from shootprint.model import ActivityBase, Q_count, Q_eur, QuantitySpec, parse_quantity
from shootprint.vocabulary import term

CATEGORY = "spend"


PREFIX = "spend"  # + ".<ratio key>"

#: production categories a spend line may be filed under (the category modules' names)
Category = Literal[
    "travel",
    "freight",
    "accommodation",
    "catering",
    "energy",
    "sets",
    "equipment",
    "post_production",
    "waste",
    "spend",
    "ai",
]


class Spend(ActivityBase):
    """Money spent on something whose physical quantity is unknown (€ excluding VAT)."""

    type: Literal["spend"]
    # currency comes first: the validators of amount and rate read it
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", description=N_("ISO 4217 code of amount"))
    amount: Q_eur
    ratio: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description=N_("ADEME monetary ratio key (spend.<ratio> rows), e.g. hotel_restaurant"),
    )
    category: Category = "spend"
    rate: Q_count | None = Field(
        None, validate_default=True, description=N_("EUR per 1 unit of currency (required if not EUR)")
    )

    @field_validator("amount", mode="before")
    @classmethod
    def _amount_in_currency(cls, raw: Any, info: ValidationInfo) -> Any:
        """An amount in another currency ('1200 USD', {value, unit: USD}) is kept in that currency.

        The unit registry knows no exchange rates: the magnitude is read as written, labelled
        EUR for the field, and converted by ``rate`` in the formula.
        """
        currency = info.data.get("currency", "EUR")
        if currency == "EUR" or isinstance(raw, QuantitySpec):
            return raw
        if isinstance(raw, str) and raw.strip().startswith("$"):
            return raw
        if isinstance(raw, str) and re.search(rf"\b{currency}\b", raw):
            return parse_quantity(re.sub(rf"\b{currency}\b", "EUR", raw), "EUR")
        if isinstance(raw, dict) and raw.get("unit") == currency:
            return parse_quantity({**raw, "unit": "EUR"}, "EUR")
        raise ValueError(
            Message(
                "write the amount in {currency}, the currency of this line: accepted: '1200 {currency}', "
                "'1200 {currency} ± 10%' or {{low, high, unit: {currency}}}",
                currency=currency,
            )
        )

    @field_validator("rate", mode="after")
    @classmethod
    def _rate_when_foreign(cls, rate: QuantitySpec | None, info: ValidationInfo) -> QuantitySpec | None:
        currency = info.data.get("currency", "EUR")
        if rate is None and currency != "EUR":
            raise ValueError(
                Message(
                    "required when currency is {currency}: accepted: the EUR value of 1 {currency} (e.g. rate: 0.92), "
                    "so that amount × rate is in euros",
                    currency=currency,
                )
            )
        if rate is not None and currency == "EUR":
            raise ValueError(N_("only with a currency other than EUR: amounts in euros need no rate"))
        return rate


def spend(a: Spend, ctx: Context) -> list[Draft]:
    default_id = f"{PREFIX}.{a.ratio}"
    if not a.factor and default_id not in ctx.table:
        raise InputError(
            Message(
                "activities.{id}.ratio: unknown ratio {given}; accepted: {accepted}",
                id=a.id,
                given=repr(a.ratio),
                accepted=", ".join(ratio_keys(ctx)),
            )
        )
    ratio = ctx.main_factor(a, default_id, "kgCO2e/EUR", role="monetary ratio")
    amount_eur = ctx.q(a, "amount")
    status = ctx.status_of(a, "amount")
    if a.currency != "EUR":
        amount_eur = amount_eur * ctx.q(a, "rate")
    label = Message("Spend, {ratio}", ratio=term("spend_ratio", a.ratio))
    if a.currency != "EUR":
        label = Message("Spend, {ratio} (in {currency})", ratio=term("spend_ratio", a.ratio), currency=a.currency)
    return [
        Draft(
            label=label,
            quantity=amount_eur,
            unit="EUR",
            factors=[ratio],
            emissions_kgco2e=amount_eur * v(ratio),
            quantity_status=status,
            category=a.category,
            factor_status="spend-based",
        )
    ]


def ratio_keys(ctx: Context) -> list[str]:
    """The ratio keys the factor table knows (ids ``spend.<key>``), sorted."""
    start = f"{PREFIX}."
    return sorted(
        {row.id[len(start) :] for row in ctx.table.iter_rows(include_ademe=False) if row.id.startswith(start)}
    )


ACTIVITIES = {"spend": (Spend, spend)}
