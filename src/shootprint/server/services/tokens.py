"""Organisation API tokens: created by an owner (the secret is shown once), stored as SHA-256,
listed with their last use, revoked; and the per-token rate limit every API request counts against.

A token acts in its organisation with the role its scopes need (``read``: a viewer; ``write``: an
editor), on behalf of the owner who created it, and only while that person is still an owner there:
an owner who leaves takes their tokens' power with them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from shootprint.i18n import N_
from shootprint.server import security
from shootprint.server.services import audit
from shootprint.server.services.errors import Invalid, NotFound, ServiceError
from shootprint.server.services.scope import Scope, Via
from shootprint.server.store.db import Database
from shootprint.server.store.models import API_SCOPES, ApiToken, Membership, Organisation, RateWindow, utcnow

TOKEN_PREFIX = "sp_"
#: a token's last use is written at most this often (every request would be a write otherwise)
LAST_USE_EVERY = timedelta(seconds=60)
#: the fixed window of the rate limit, in seconds
RATE_WINDOW_S = 60


class Unauthorised(ServiceError):
    """No token, or a token that is unknown, revoked or whose owner left (401)."""

    status = 401


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokenScope:
    """What an API request may do: the organisation scope and the token's scopes."""

    scope: Scope
    token_id: int
    scopes: frozenset[str]
    rate_per_minute: int | None

    def has(self, name: str) -> bool:
        return name in self.scopes


def parse_scopes(raw: list[str] | tuple[str, ...] | str) -> tuple[str, ...]:
    names = raw.split() if isinstance(raw, str) else [str(s).strip() for s in raw]
    unknown = [s for s in names if s not in API_SCOPES]
    if unknown:
        raise Invalid(N_("Unknown scope; accepted: read, write, records."))
    chosen = tuple(s for s in API_SCOPES if s in names)
    if not chosen:
        raise Invalid(N_("Choose at least one scope: read, write or records."))
    return chosen


def create(db: Database, sc: Scope, name: str, scopes: list[str] | tuple[str, ...] | str) -> tuple[int, str]:
    """A new token of the organisation: (its id, the secret, to show once and never again)."""
    sc.require("owner")
    name = name.strip()[:200]
    if not name:
        raise Invalid(N_("Give the token a name (what uses it: a pipeline, a dashboard …)."))
    chosen = parse_scopes(scopes)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as s:
        row = ApiToken(
            org_id=sc.org_id,
            name=name,
            prefix=secret[:10],
            token_hash=security.token_hash(secret),
            scopes=" ".join(chosen),
            created_by=sc.user_id,
        )
        s.add(row)
        s.flush()
        audit.record(
            s, "api_token.create", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(row.id), scopes=chosen
        )
        return row.id, secret


def listing(db: Database, sc: Scope) -> list[TokenView]:
    sc.require("owner")
    from shootprint.server.store.models import User

    with db.transaction() as s:
        rows = s.execute(
            sa.select(ApiToken, User.name, User.email)
            .outerjoin(User, User.id == ApiToken.created_by)
            .where(ApiToken.org_id == sc.org_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
        return [
            TokenView(
                t.id,
                t.name,
                t.prefix,
                tuple(t.scopes.split()),
                t.created_at,
                (uname or email or "—"),
                t.last_used_at,
                t.revoked_at,
            )
            for t, uname, email in rows
        ]


def revoke(db: Database, sc: Scope, token_id: int) -> None:
    sc.require("owner")
    with db.transaction() as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.org_id == sc.org_id))
        if row is None:
            raise NotFound(N_("No such token."))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit.record(s, "api_token.revoke", user_id=sc.user_id, org_id=sc.org_id, via=sc.via, target=str(token_id))


def authenticate(db: Database, secret: str | None) -> TokenScope:
    """The scope of a bearer token; Unauthorised when it is missing, unknown, revoked or orphaned."""
    if not secret:
        raise Unauthorised(N_("An API token is needed: send it as 'Authorization: Bearer <token>'."))
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise Unauthorised(N_("This API token is unknown or revoked."))
    now = utcnow()
    with db.transaction() as s:
        row = s.execute(
            sa.select(ApiToken, Organisation, Membership.role)
            .join(Organisation, Organisation.id == ApiToken.org_id)
            .outerjoin(
                Membership, sa.and_(Membership.org_id == ApiToken.org_id, Membership.user_id == ApiToken.created_by)
            )
            .where(ApiToken.token_hash == security.token_hash(secret))
        ).first()
        if row is None or row[0].revoked_at is not None:
            raise Unauthorised(N_("This API token is unknown or revoked."))
        token, org, creator_role = row
        if token.created_by is None or creator_role != "owner":
            raise Unauthorised(N_("The owner who created this API token is no longer an owner here: create another."))
        if token.last_used_at is None or token.last_used_at < now - LAST_USE_EVERY:
            token.last_used_at = now
        scopes = frozenset(token.scopes.split())
        role = "editor" if "write" in scopes else "viewer"
        return TokenScope(
            Scope(
                user_id=token.created_by,
                org_id=org.id,
                org_slug=org.slug,
                org_name=org.name,
                role=role,
                via=Via("token", str(token.id), token.name),
            ),
            token.id,
            scopes,
            token.rate_per_minute,
        )


def count_request(db: Database, token_id: int, limit_per_minute: int, now_s: float) -> float | None:
    """Count one request of the token in the current window: ``None`` when allowed, else the
    seconds until the window ends (the ``Retry-After``).

    One atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``) on PostgreSQL and SQLite, so
    processes sharing the database share the count; no state lives in a process.
    """
    window = int(now_s // RATE_WINDOW_S) * RATE_WINDOW_S
    with db.transaction() as s:
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        upsert = (
            insert(RateWindow)
            .values(token_id=token_id, window_s=window, count=1)
            .on_conflict_do_update(
                index_elements=[RateWindow.token_id, RateWindow.window_s], set_={"count": RateWindow.count + 1}
            )
            .returning(RateWindow.count)
        )
        count = int(s.execute(upsert).scalar_one())
        if count == 1:  # a new window: forget the token's older ones
            s.execute(sa.delete(RateWindow).where(RateWindow.token_id == token_id, RateWindow.window_s < window))
    if count > limit_per_minute:
        return max(1.0, window + RATE_WINDOW_S - now_s)
    return None
