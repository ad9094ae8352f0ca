"""Upkeep of the footprint cache (``footprint_cache``): what is no longer used is removed.

The cache keeps a computed footprint or comparison for each set of inputs (document, measured records,
factor data, overrides: :func:`productions.cached_result`). Every saved revision, every change of an
organisation's overrides and every new release of the factor data makes new entries, and the old ones
would never be read again. Two rules remove them:

- an entry of another data version than this process's (the factor tables changed) that no request
  has used for :data:`OTHER_VERSION_DAYS` (a day: during a rolling upgrade the processes of the old
  release still use theirs, and the two releases must not remove each other's entries);
- any entry that no request has used for :data:`UNUSED_DAYS` (30 days: it is computed again when
  someone opens it).

A request that reads an entry (a production's page, a comparison, the productions list's totals)
marks it used (``last_used``), at most once per :data:`TOUCH_EVERY` (an hour), so that reading stays
a read almost always.

Removal runs in passes of at most :data:`BATCH` entries, each one short transaction: one pass, by
chance (:data:`CLEAN_CHANCE`), after a request stores a new entry (so an installation that nobody
looks after stays bounded), or as many as needed with ``shootprint admin clean-cache`` (from cron,
or after an upgrade). Nothing is kept in the process: any number of application processes over one
database do the same, and on PostgreSQL two passes at once take different rows (``SKIP LOCKED``).
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from shootprint.server.services import compute
from shootprint.server.store.db import Database
from shootprint.server.store.models import FootprintCache, utcnow

#: an entry read is marked used at most this often
TOUCH_EVERY = timedelta(hours=1)
#: entries of another data version not used for this many days are removed
OTHER_VERSION_DAYS = 1.0
#: entries not used for this many days are removed
UNUSED_DAYS = 30.0
#: entries one pass removes at most
BATCH = 500
#: the chance that storing a new entry runs one pass
CLEAN_CHANCE = 0.01

_LOG = logging.getLogger("shootprint.cache")


def touch(db: Database, entry_id: int, last_used: datetime | None, now: datetime | None = None) -> None:
    """Mark the entry ``entry_id`` (last used at ``last_used``) used now, unless it was within
    :data:`TOUCH_EVERY`. Another process marking it too writes nothing more."""
    touch_many(db, [(entry_id, last_used)], now)


def touch_many(db: Database, entries: list[tuple[int, datetime | None]], now: datetime | None = None) -> None:
    """:func:`touch` for each (id, last used) of ``entries``, in one statement when any needs it.

    The read it follows has its answer: a mark the database refuses (locked past the busy timeout, a
    deadlock with another list on PostgreSQL) is left to a later read, never the read's failure."""
    now = now or utcnow()
    cutoff = now - TOUCH_EVERY
    stale = [entry_id for entry_id, last_used in entries if last_used is None or last_used < cutoff]
    if not stale:
        return
    try:
        with db.transaction() as s:
            s.execute(
                sa.update(FootprintCache)
                .where(FootprintCache.id.in_(stale), FootprintCache.last_used < cutoff)
                .values(last_used=now)
            )
    except sa.exc.DBAPIError as exc:
        _LOG.warning("footprint cache entries not marked used, left for a later read: %s", exc.__class__.__name__)


def _stale(now: datetime, unused_days: float, other_version_days: float) -> sa.ColumnElement[bool]:
    return sa.or_(
        FootprintCache.last_used < now - timedelta(days=unused_days),
        sa.and_(
            FootprintCache.data_version != compute.data_version(),
            FootprintCache.last_used < now - timedelta(days=other_version_days),
        ),
    )


def _pass(db: Database, now: datetime, unused_days: float, other_version_days: float, limit: int) -> tuple[int, int]:
    """(entries found to remove, entries this pass removed: fewer when another process was first)."""
    with db.transaction() as s:
        ids = list(
            s.scalars(
                sa.select(FootprintCache.id)
                .where(_stale(now, unused_days, other_version_days))
                .order_by(FootprintCache.id)
                .limit(limit)
                .with_for_update(skip_locked=True)  # PostgreSQL: rows another pass holds are left to it
            )
        )
        if not ids:
            return 0, 0
        done = s.execute(sa.delete(FootprintCache).where(FootprintCache.id.in_(ids)))
        return len(ids), int(getattr(done, "rowcount", 0) or 0)


def clean_once(
    db: Database,
    *,
    now: datetime | None = None,
    unused_days: float = UNUSED_DAYS,
    other_version_days: float = OTHER_VERSION_DAYS,
    limit: int = BATCH,
) -> int:
    """One pass: removes at most ``limit`` entries that are no longer used (see the module); returns
    how many it removed."""
    return _pass(db, now or utcnow(), unused_days, other_version_days, limit)[1]


def clean(
    db: Database,
    *,
    now: datetime | None = None,
    unused_days: float = UNUSED_DAYS,
    other_version_days: float = OTHER_VERSION_DAYS,
    limit: int = BATCH,
) -> int:
    """Passes of :func:`clean_once` until none is left to remove; returns how many this call removed
    (those another process removed meanwhile are its own)."""
    now = now or utcnow()
    removed = 0
    while True:
        found, n = _pass(db, now, unused_days, other_version_days, limit)
        removed += n
        if found < limit:
            return removed


def maybe_clean(db: Database, chance: float | None = None) -> int:
    """One pass, with probability ``chance`` (:data:`CLEAN_CHANCE`): after a request stored an entry.
    A pass that fails (the database busy) is left to the next one: the request it follows succeeded."""
    if random.random() >= (CLEAN_CHANCE if chance is None else chance):  # noqa: S311 (not a secret)
        return 0
    try:
        return clean_once(db)
    except sa.exc.DBAPIError as exc:
        _LOG.warning("footprint cache clean-up left for later: %s", exc.__class__.__name__)
        return 0
