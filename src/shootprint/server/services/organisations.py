"""Organisations, members, roles and invites."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server import security
from shootprint.server.services import accounts, audit
from shootprint.server.services.errors import Forbidden, Invalid, NotFound
from shootprint.server.services.scope import NO_VIA, Scope, Via
from shootprint.server.store.db import Database
from shootprint.server.store.models import ROLES, Invite, Membership, Organisation, User, utcnow

INVITE_DAYS = 14


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "organisation"


def create(db: Database, actor_id: int, name: str, via: Via = NO_VIA) -> str:
    """A new organisation (administrators only); the administrator becomes its owner."""
    name = name.strip()
    if not name:
        raise Invalid(N_("Give the organisation a name."))
    with db.transaction() as s:
        actor = s.get(User, actor_id)
        if actor is None or not actor.is_admin:
            raise Forbidden(N_("Only an administrator creates organisations."))
        base = slug = slugify(name)
        n = 1
        while s.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
        org = Organisation(slug=slug, name=name)
        s.add(org)
        s.flush()
        s.add(Membership(user_id=actor_id, org_id=org.id, role="owner"))
        audit.record(s, "organisation.create", user_id=actor_id, org_id=org.id, target=slug, via=via)
        return slug


def all_organisations(db: Database, actor_id: int) -> list[tuple[str, str, int]]:
    with db.transaction() as s:
        actor = s.get(User, actor_id)
        if actor is None or not actor.is_admin:
            raise Forbidden(N_("Only an administrator sees every organisation."))
        rows = s.execute(
            sa.select(Organisation.slug, Organisation.name, sa.func.count(Membership.id))
            .outerjoin(Membership, Membership.org_id == Organisation.id)
            .group_by(Organisation.id)
            .order_by(Organisation.name)
        ).all()
        return [(r[0], r[1], int(r[2])) for r in rows]


def scope(db: Database, user_id: int, slug: str, via: Via = NO_VIA) -> Scope:
    """The person's scope in organisation ``slug``; NotFound when they are not a member.

    ``via``: the web session the person acts through, kept in the audit log of what they do."""
    with db.transaction() as s:
        row = s.execute(
            sa.select(Organisation, Membership.role)
            .join(Membership, Membership.org_id == Organisation.id)
            .where(Organisation.slug == slug, Membership.user_id == user_id)
        ).first()
        if row is None:
            raise NotFound(N_("No such organisation."))
        org, role = row
        return Scope(user_id=user_id, org_id=org.id, org_slug=org.slug, org_name=org.name, role=role, via=via)


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    name: str
    role: str
    since: datetime


def members(db: Database, sc: Scope) -> list[Member]:
    with db.transaction() as s:
        rows = s.scalars(sa.select(Membership).where(Membership.org_id == sc.org_id)).all()
        return sorted(
            (Member(m.user_id, m.user.email, m.user.name, m.role, m.created_at) for m in rows), key=lambda m: m.email
        )


def _owners(s: sa.orm.Session, org_id: int) -> int:
    return int(
        s.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.org_id == org_id, Membership.role == "owner")
        )
        or 0
    )


def set_role(db: Database, sc: Scope, user_id: int, role: str | None) -> None:
    """Change a member's role, or remove them (``role`` None); an organisation keeps an owner."""
    sc.require("owner")
    if role is not None and role not in ROLES:
        raise Invalid(N_("Unknown role."))
    with db.transaction() as s:
        m = s.scalar(sa.select(Membership).where(Membership.org_id == sc.org_id, Membership.user_id == user_id))
        if m is None:
            raise NotFound(N_("No such member."))
        if m.role == "owner" and role != "owner" and _owners(s, sc.org_id) <= 1:
            raise Invalid(N_("An organisation needs at least one owner."))
        if role is None:
            s.delete(m)
        else:
            m.role = role
        audit.record(s, "member.role", user_id=sc.user_id, org_id=sc.org_id, target=str(user_id), via=sc.via, role=role)


def create_invite(db: Database, sc: Scope, role: str, email: str = "") -> str:
    """A single-use link token (the link can be copied; no mail server is needed)."""
    sc.require("owner")
    if role not in ROLES:
        raise Invalid(N_("Unknown role."))
    token = security.new_token()
    with db.transaction() as s:
        s.add(
            Invite(
                org_id=sc.org_id,
                token_hash=security.token_hash(token),
                role=role,
                email=accounts.normalise_email(email) or None,
                created_by=sc.user_id,
                expires_at=utcnow() + timedelta(days=INVITE_DAYS),
            )
        )
        audit.record(s, "invite.create", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, role=role)
    return token


@dataclass(frozen=True)
class InviteInfo:
    org_name: str
    org_slug: str
    role: str
    email: str | None


def _open_invite(s: sa.orm.Session, token: str) -> Invite:
    inv = s.scalar(sa.select(Invite).where(Invite.token_hash == security.token_hash(token)))
    if inv is None or inv.used_at is not None or inv.expires_at < utcnow():
        raise NotFound(N_("This invitation link is not valid: it was used already, has expired or never existed."))
    return inv


def invite_info(db: Database, token: str) -> InviteInfo:
    with db.transaction() as s:
        inv = _open_invite(s, token)
        org = s.get(Organisation, inv.org_id)
        assert org is not None
        return InviteInfo(org.name, org.slug, inv.role, inv.email)


def accept_invite(db: Database, token: str, user_id: int, via: Via = NO_VIA) -> str:
    """The person joins the organisation (or gets the invite's role); the link is used up."""
    with db.transaction() as s:
        inv = _open_invite(s, token)
        user = s.get(User, user_id)
        assert user is not None
        if inv.email and inv.email != user.email:
            raise Forbidden(N_("This invitation is for another e-mail address."))
        m = s.scalar(sa.select(Membership).where(Membership.org_id == inv.org_id, Membership.user_id == user_id))
        if m is None:
            s.add(Membership(org_id=inv.org_id, user_id=user_id, role=inv.role))
        inv.used_at = utcnow()
        inv.used_by = user_id
        audit.record(s, "invite.accept", user_id=user_id, org_id=inv.org_id, via=via, role=inv.role)
        org = s.get(Organisation, inv.org_id)
        assert org is not None
        return org.slug


def open_invites(db: Database, sc: Scope) -> list[tuple[int, str, str | None, datetime]]:
    sc.require("owner")
    with db.transaction() as s:
        rows = s.scalars(
            sa.select(Invite)
            .where(Invite.org_id == sc.org_id, Invite.used_at.is_(None), Invite.expires_at > utcnow())
            .order_by(Invite.created_at)
        ).all()
        return [(i.id, i.role, i.email, i.expires_at) for i in rows]


def revoke_invite(db: Database, sc: Scope, invite_id: int) -> None:
    sc.require("owner")
    with db.transaction() as s:
        inv = s.scalar(sa.select(Invite).where(Invite.id == invite_id, Invite.org_id == sc.org_id))
        if inv is None:
            raise NotFound(N_("No such invitation."))
        s.delete(inv)
