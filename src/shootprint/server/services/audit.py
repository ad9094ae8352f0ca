"""The audit log: who did what, when, through which web session or API token (written inside the use
case's transaction); owners read and export it.

What an action came through is a :class:`~shootprint.server.services.scope.Via`: a web session's public
id (never the cookie, nor what the database keys sessions by) or an API token's id and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shootprint.server.services.scope import NO_VIA, VIA_KINDS, Scope, Via
from shootprint.server.store.db import Database
from shootprint.server.store.models import AuditEvent, User


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None,
    org_id: int | None,
    target: str = "",
    via: Via = NO_VIA,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            action=action,
            user_id=user_id,
            org_id=org_id,
            target=target,
            detail=detail,
            via_kind=via.kind,
            via_id=via.id[:64],
            via_name=via.name[:200],
        )
    )


# -- reading it (owners) -----------------------------------------------------------------------

#: the most events a page shows; the CSV export has them all
PAGE_EVENTS = 200


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    who: str  # the person's e-mail address, or "—" for an account since deleted
    action: str
    target: str
    detail: dict[str, Any]
    via: Via = NO_VIA  # the web session or API token it came through


def events(db: Database, sc: Scope, *, limit: int | None = PAGE_EVENTS) -> list[Event]:
    """The organisation's audit log, newest first (owners only)."""
    sc.require("owner")
    with db.transaction() as s:
        stmt = (
            sa.select(AuditEvent, User.email)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.org_id == sc.org_id)
            .order_by(AuditEvent.id.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return [
            Event(
                e.id,
                e.at,
                email or "—",
                e.action,
                e.target,
                dict(e.detail or {}),
                Via(e.via_kind, e.via_id, e.via_name) if e.via_kind in VIA_KINDS else NO_VIA,
            )
            for e, email in s.execute(stmt)
        ]


#: the columns of the export; new ones go at the end
CSV_COLUMNS = ("id", "time_utc", "who", "action", "target", "detail", "via", "via_id", "via_name")


def to_csv(items: list[Event]) -> str:
    """The log as CSV (UTF-8, one event a line); text cells cannot start a spreadsheet formula."""
    import csv
    import io
    import json

    from shootprint.cells import spreadsheet_safe

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in sorted(items, key=lambda e: e.id):
        writer.writerow(
            [
                e.id,
                e.at.isoformat(timespec="seconds"),
                spreadsheet_safe(e.who),
                e.action,
                spreadsheet_safe(e.target),
                spreadsheet_safe(json.dumps(e.detail, ensure_ascii=False, sort_keys=True, default=str)),
                e.via.kind,
                e.via.id,
                spreadsheet_safe(e.via.name),
            ]
        )
    return out.getvalue()
