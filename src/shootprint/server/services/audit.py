"""The audit log: who did what, when (written inside the use case's transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shootprint.server.store.models import AuditEvent


def record(
    session: Session, action: str, *, user_id: int | None, org_id: int | None, target: str = "", **detail: Any
) -> None:
    session.add(AuditEvent(action=action, user_id=user_id, org_id=org_id, target=target, detail=detail))
