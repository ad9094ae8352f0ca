"""Who acts, in which organisation, with which role."""

from __future__ import annotations

from dataclasses import dataclass

from shootprint.i18n import N_
from shootprint.server.services.errors import Forbidden

ROLE_RANK = {"viewer": 1, "editor": 2, "owner": 3}


@dataclass(frozen=True)
class Scope:
    user_id: int
    org_id: int
    org_slug: str
    org_name: str
    role: str

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def require(self, role: str) -> None:
        if not self.can(role):
            raise Forbidden(N_("Your role in this organisation does not allow this."))
