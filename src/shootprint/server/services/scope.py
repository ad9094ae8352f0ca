"""Who acts, in which organisation, with which role, and through what (a web session or an API token)."""

from __future__ import annotations

from dataclasses import dataclass

from shootprint.i18n import N_
from shootprint.server.services.errors import Forbidden

ROLE_RANK = {"viewer": 1, "editor": 2, "owner": 3}

#: the ways an action reaches the services
VIA_KINDS = ("session", "token")


@dataclass(frozen=True)
class Via:
    """What an action came through, as the audit log keeps it: never a secret.

    ``kind`` is ``"session"`` (``id``: the web session's public id, ``security.session_public_id``),
    ``"token"`` (``id``: the API token's database id, ``name``: its name when it acted), or empty
    for neither (the server's own commands, a form filled before signing in).
    """

    kind: str = ""
    id: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("", *VIA_KINDS):
            raise ValueError(f"Via.kind: {self.kind!r} is not one of {', '.join(VIA_KINDS)} or empty")


#: neither a session nor a token
NO_VIA = Via()


@dataclass(frozen=True)
class Scope:
    user_id: int
    org_id: int
    org_slug: str
    org_name: str
    role: str
    via: Via = NO_VIA

    def can(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def require(self, role: str) -> None:
        if not self.can(role):
            raise Forbidden(N_("Your role in this organisation does not allow this."))
