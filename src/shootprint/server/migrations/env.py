"""Alembic environment: runs on the connection the caller gives (see ``migrations.upgrade``)."""

from __future__ import annotations

from alembic import context

from shootprint.server.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through shootprint.server.migrations
    raise RuntimeError("run migrations with `shootprint db upgrade`")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
