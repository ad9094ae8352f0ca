"""The tables. A production is its document (the production file's dict, as JSON) in append-only
revisions; everything else is accounts, organisations and what the application records about them.

Times are stored in UTC. Secrets (session ids, invite and share tokens) are stored as SHA-256
hashes only, so a copy of the database does not let anyone in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

ROLES = ("owner", "editor", "viewer")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp in UTC on every backend (SQLite keeps no zone: naive values are read as UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    is_admin: Mapped[bool] = mapped_column(default=False)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    lang: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "org_id", name="uq_memberships_user_org"),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    org: Mapped[Organisation] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in browser. The cookie holds a random id; the table holds its SHA-256."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: signed in with the password, second factor still to give
    pending_totp: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str] = mapped_column(sa.String(64), default="")


class SignInAttempt(Base):
    """Failed sign-ins, per account and per address, for throttling (any process sees them)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (sa.Index("ix_sign_in_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(400))  # "account:<email>" or "address:<ip>"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invite(Base):
    """A single-use link that makes its holder a member of an organisation with a role."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    email: Mapped[str | None] = mapped_column(sa.String(320), default=None)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    used_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), default=None)


class Production(Base):
    """A production of an organisation; its content lives in its revisions."""

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # denormalised from the latest revision, for lists and search
    name: Mapped[str] = mapped_column(sa.String(300))
    client: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    version: Mapped[str] = mapped_column(sa.String(16), default="forecast")
    way: Mapped[str] = mapped_column(sa.String(16), default="")
    revision_count: Mapped[int] = mapped_column(default=0)
    #: the forecast this final version was made from
    forecast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("productions.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: in the trash since then (restorable for 30 days), else None
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), default=None)


class Revision(Base):
    """One saved state of a production: append-only, never updated."""

    __tablename__ = "revisions"
    __table_args__ = (sa.UniqueConstraint("production_id", "number", name="uq_revisions_production_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    document_hash: Mapped[str] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(500), default="")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(80))
    target: Mapped[str] = mapped_column(sa.String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # what the action came through (migration 0003_audit_via): "session" or "token", or empty for neither;
    # the session's public id or the token's id, and the token's name when it acted
    via_kind: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    via_id: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    via_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")


class FootprintCache(Base):
    """Computed footprints, keyed by what determines them; any process can rebuild it, never the truth."""

    __tablename__ = "footprint_cache"
    __table_args__ = (
        sa.UniqueConstraint(
            "document_hash", "data_version", "factor_set", "overrides_hash", "kind", name="uq_footprint_cache_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_hash: Mapped[str] = mapped_column(sa.String(64))
    data_version: Mapped[str] = mapped_column(sa.String(120))
    factor_set: Mapped[str] = mapped_column(sa.String(40))
    overrides_hash: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(40), default="estimate")
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a request last read it (to within services.cache.TOUCH_EVERY): unused entries are removed
    #: (the database's default serves the release before 0006, which does not name it, in a rolling upgrade)
    last_used: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=sa.text("CURRENT_TIMESTAMP"), index=True
    )


class FactorOverride(Base):
    """An organisation's own value for a factor (e.g. its studio's metered kWh per day)."""

    __tablename__ = "factor_overrides"
    __table_args__ = (sa.UniqueConstraint("org_id", "factor_id", name="uq_factor_overrides_org_factor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    factor_id: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[float]
    unit: Mapped[str] = mapped_column(sa.String(80))
    uncertainty_pct: Mapped[float | None] = mapped_column(default=None)
    source: Mapped[str] = mapped_column(sa.String(500))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShareLink(Base):
    """A read-only link to a production or a comparison; the token is stored hashed."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    production_ids: Mapped[list[int]] = mapped_column(JSONType)
    #: the revision of each production the link shows (pinned when it was made); None on links made
    #: before revisions were pinned (migration 0004): those show the latest revision, and say so
    revisions: Mapped[list[int] | None] = mapped_column(JSONType, default=None)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


# -- the REST API (migration 0002_api) ----------------------------------------------------------

API_SCOPES = ("read", "write", "records")


class ApiToken(Base):
    """An organisation's API token: the secret is shown once; the table keeps its SHA-256 only."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: the first characters of the token (``sp_AbCd``), so a person can tell tokens apart
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: space-separated, among API_SCOPES
    scopes: Mapped[str] = mapped_column(sa.String(100))
    #: requests per minute this token may make (None: the server's default)
    rate_per_minute: Mapped[int | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RecordBatch(Base):
    """Measured records received together (an upload through the pages, or a batch sent to the REST
    API); deleting one moves it to the trash, restorable for 30 days (migration 0005)."""

    __tablename__ = "record_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    #: the uploaded file's name, "REST API", or "before batches" for records received before them
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), default=None)
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), default=None)


class MeasuredRecord(Base):
    """A tracker record (a measured AI job) sent to a production; counted once per ``run_id``."""

    __tablename__ = "measured_records"
    __table_args__ = (sa.UniqueConstraint("production_id", "run_id", name="uq_measured_records_production_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    #: the record's run_id, or the SHA-256 of the record when it has none
    run_id: Mapped[str] = mapped_column(sa.String(200))
    label: Mapped[str] = mapped_column(sa.String(300))
    energy_j: Mapped[float]
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="SET NULL"), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the batch it came in (None only for a record stored while migration 0005 ran); the record
    #: counts while its batch is not in the trash
    batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("record_batches.id", ondelete="CASCADE"), default=None, index=True
    )


class IdempotentRequest(Base):
    """The answer given to a request sent with an ``Idempotency-Key``, replayed when it comes again."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("org_id", "key", name="uq_idempotent_requests_org_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(200))
    #: SHA-256 of method, path and body: the same key with another request is refused
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateWindow(Base):
    """Requests of one token in one fixed window (a minute): shared by every server process."""

    __tablename__ = "rate_windows"

    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True)
    #: the window's start, in whole seconds since the epoch
    window_s: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
