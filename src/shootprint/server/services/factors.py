"""Factors: search and read them; an organisation's overrides (owner only), checked by the core.

An override replaces one factor's value for every production of the organisation, with its source,
uncertainty and reason; results and reports mark it as an override (the core does, from the rows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server.services import audit, compute, productions
from shootprint.server.services.errors import Invalid, NotFound
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database
from shootprint.server.store.models import FactorOverride, User


@dataclass
class OverrideView:
    id: int
    factor_id: str
    value: float
    unit: str
    uncertainty_pct: float | None
    source: str
    reason: str
    created_by: str
    created_at: datetime


def search(db: Database, sc: Scope, text: str, limit: int = 50) -> list[Any]:
    if not text.strip():
        return []
    return compute.search_factors(text.strip()[:200], productions.overrides(db, sc), limit=limit)


def detail(db: Database, sc: Scope, factor_id: str) -> dict[str, Any]:
    return compute.factor(factor_id.strip()[:200], productions.overrides(db, sc))


def overrides(db: Database, sc: Scope) -> list[OverrideView]:
    with db.transaction() as s:
        rows = s.execute(
            sa.select(FactorOverride, User.name, User.email)
            .outerjoin(User, User.id == FactorOverride.created_by)
            .where(FactorOverride.org_id == sc.org_id)
            .order_by(FactorOverride.factor_id)
        ).all()
        return [
            OverrideView(
                o.id,
                o.factor_id,
                o.value,
                o.unit,
                o.uncertainty_pct,
                o.source,
                o.reason,
                name or email or "—",
                o.created_at,
            )
            for o, name, email in rows
        ]


def add_override(
    db: Database,
    sc: Scope,
    *,
    factor_id: str,
    value: str,
    unit: str,
    uncertainty_pct: str,
    source: str,
    reason: str,
) -> None:
    """A new override (or a new value for an overridden factor); every field is checked."""
    sc.require("owner")
    factor_id, unit, source, reason = factor_id.strip(), unit.strip(), source.strip(), reason.strip()
    problems = []
    number = _number(value)
    if number is None:
        problems.append(N_("value: expected a number (a decimal comma is fine)."))
    pct = _number(uncertainty_pct) if uncertainty_pct.strip() else None
    if uncertainty_pct.strip() and (pct is None or not 0 <= pct <= 1000):
        problems.append(N_("uncertainty: expected a percentage from 0 to 1000, or nothing."))
    if not source:
        problems.append(N_("source: say where the value comes from (a meter reading, an invoice, a study …)."))
    if not reason:
        problems.append(N_("reason: say why this organisation's value replaces the published one."))
    if not factor_id:
        problems.append(N_("factor: give the id of the factor it replaces."))
    if problems:
        raise Invalid(problems[0], problems)
    assert number is not None
    try:
        published = compute.factor(factor_id)  # the factor must exist
    except (Invalid, NotFound) as exc:
        raise Invalid(exc.message, exc.problems) from None
    unit = unit or str(published.get("unit") or "")
    if unit != published.get("unit"):
        message = f"unit: {factor_id} is in {published.get('unit')}; give the value in that unit (not {unit})"
        raise Invalid(message, [message])
    row = compute.Override(factor_id[:200], number, unit[:80], pct, source[:500], reason[:1000])
    others = [o for o in productions.overrides(db, sc) if o.factor_id != factor_id]
    compute.check_override_rows([*others, row])  # the core refuses a wrong unit, a bad uncertainty …
    with db.transaction() as s:
        existing = s.scalar(
            sa.select(FactorOverride).where(FactorOverride.org_id == sc.org_id, FactorOverride.factor_id == factor_id)
        )
        if existing is not None:
            s.delete(existing)
            s.flush()
        s.add(
            FactorOverride(
                org_id=sc.org_id,
                factor_id=row.factor_id,
                value=row.value,
                unit=row.unit,
                uncertainty_pct=row.uncertainty_pct,
                source=row.source,
                reason=row.reason,
                created_by=sc.user_id,
            )
        )
        audit.record(
            s, "override.set", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=factor_id, value=row.value
        )


def delete_override(db: Database, sc: Scope, override_id: int) -> None:
    sc.require("owner")
    with db.transaction() as s:
        row = s.scalar(
            sa.select(FactorOverride).where(FactorOverride.id == override_id, FactorOverride.org_id == sc.org_id)
        )
        if row is None:
            raise NotFound(N_("No such override."))
        audit.record(s, "override.delete", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=row.factor_id)
        s.delete(row)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None
