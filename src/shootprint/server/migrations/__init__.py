"""Alembic migrations, shipped in the package: ``shootprint db upgrade`` applies them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent


def config(connection: sa.Connection | None = None) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` to ``revision`` (the latest by default)."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(config(conn), revision)  # type: ignore[arg-type]


def current(engine: sa.Engine) -> str | None:
    """The revision the database is at (None when it has never been migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config())  # type: ignore[arg-type]
    rev = script.get_current_head()
    assert rev is not None
    return rev
