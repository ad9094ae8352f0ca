"""Read-only share links to a production or a comparison.

A link carries an unguessable token (256 random bits); only its SHA-256 is stored, so the link is
shown once, when it is made. A link expires (7 to 365 days), can be revoked, and names who made
it and when. Opening it needs no account and gives a read-only view of those productions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server import security
from shootprint.server.services import audit, productions
from shootprint.server.services.errors import Invalid, NotFound
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database
from shootprint.server.store.models import Organisation, Production, Revision, ShareLink, User, utcnow

EXPIRY_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_SHARED = 20


@dataclass
class ShareView:
    id: int
    title: str
    production_ids: list[int]
    names: list[str]
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    #: the revision of each production the link shows, and when it was saved; None on a link made
    #: before links pinned their revision (it shows the latest)
    revisions: list[int] | None = None
    revision_dates: list[datetime | None] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()

    @property
    def pinned(self) -> list[tuple[str, int, datetime | None]]:
        """(name, revision, saved at) of each production, when the link pins revisions."""
        if self.revisions is None:
            return []
        return list(zip(self.names, self.revisions, self.revision_dates, strict=True))


@dataclass
class Opened:
    """What a share link opens: a read-only scope over its organisation and the productions."""

    scope: Scope
    share: ShareView


def create(db: Database, sc: Scope, pids: list[int], *, days: int = DEFAULT_DAYS, title: str = "") -> str:
    """A new link to ``pids`` (one production, or several to compare) as they are now: the link shows
    the revision each production has at this moment, not later ones; returns the token."""
    sc.require("editor")
    pids = list(dict.fromkeys(pids))
    if not pids:
        raise Invalid(N_("Choose what to share: a production, or productions to compare."))
    if len(pids) > MAX_SHARED:
        raise Invalid(N_("Share at most 20 productions in one link."))
    if days not in EXPIRY_DAYS:
        raise Invalid(N_("A link lasts 7, 30, 90 or 365 days."))
    summaries = [productions.get(db, sc, pid)[0] for pid in pids]  # each must be the organisation's
    names = [summary.name for summary in summaries]
    token = security.new_token()
    with db.transaction() as s:
        link = ShareLink(
            org_id=sc.org_id,
            token_hash=security.token_hash(token),
            production_ids=pids,
            revisions=[summary.revision for summary in summaries],
            title=(title.strip() or " · ".join(names))[:300],
            created_by=sc.user_id,
            expires_at=utcnow() + timedelta(days=days),
        )
        s.add(link)
        s.flush()
        audit.record(
            s,
            "share.create",
            user_id=sc.user_id,
            org_id=sc.org_id,
            via=sc.via,
            target=str(link.id),
            productions=pids,
            revisions=link.revisions,
        )
    return token


def _view(s: sa.orm.Session, link: ShareLink) -> ShareView:
    author = s.execute(sa.select(User.name, User.email).where(User.id == link.created_by)).first()
    rows = s.execute(sa.select(Production.id, Production.name).where(Production.id.in_(link.production_ids))).all()
    by_id = {pid: name for pid, name in rows}
    names = [by_id.get(pid, "—") for pid in link.production_ids]
    dates: list[datetime | None] = []
    if link.revisions is not None:
        pairs = list(zip(link.production_ids, link.revisions, strict=True))
        saved = {
            (pid, n): (at, document)
            for pid, n, at, document in s.execute(
                sa.select(Revision.production_id, Revision.number, Revision.created_at, Revision.document).where(
                    sa.or_(*[sa.and_(Revision.production_id == pid, Revision.number == n) for pid, n in pairs])
                )
            )
        }
        dates = [saved[pair][0] if pair in saved else None for pair in pairs]
        # the names the productions had in the revisions shown
        names = [
            str(saved[pair][1].get("name") or name) if pair in saved else name
            for pair, name in zip(pairs, names, strict=True)
        ]
    return ShareView(
        id=link.id,
        title=link.title,
        production_ids=list(link.production_ids),
        names=names,
        created_by=(author[0] or author[1]) if author else "—",
        created_at=link.created_at,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        revisions=list(link.revisions) if link.revisions is not None else None,
        revision_dates=dates,
    )


def listing(db: Database, sc: Scope) -> list[ShareView]:
    with db.transaction() as s:
        links = s.scalars(
            sa.select(ShareLink).where(ShareLink.org_id == sc.org_id).order_by(ShareLink.created_at.desc())
        ).all()
        return [_view(s, link) for link in links]


def revoke(db: Database, sc: Scope, share_id: int) -> None:
    sc.require("editor")
    with db.transaction() as s:
        link = s.scalar(sa.select(ShareLink).where(ShareLink.id == share_id, ShareLink.org_id == sc.org_id))
        if link is None:
            raise NotFound(N_("No such share link."))
        if link.revoked_at is None:
            link.revoked_at = utcnow()
            audit.record(s, "share.revoke", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(share_id))


def open_link(db: Database, token: str) -> Opened:
    """The share behind ``token``; NotFound (the same answer) when unknown, expired or revoked."""
    gone = NotFound(N_("This link is not valid: it may have expired or been revoked. Ask its sender for a new one."))
    if not token or len(token) > 200:
        raise gone
    with db.transaction() as s:
        link = s.scalar(sa.select(ShareLink).where(ShareLink.token_hash == security.token_hash(token)))
        if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
            raise gone
        org = s.get(Organisation, link.org_id)
        if org is None:  # pragma: no cover (the link goes with its organisation)
            raise gone
        view = _view(s, link)
        scope = Scope(user_id=0, org_id=org.id, org_slug=org.slug, org_name=org.name, role="viewer")
    return Opened(scope, view)
