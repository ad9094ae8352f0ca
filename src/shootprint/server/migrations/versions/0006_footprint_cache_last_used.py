"""The footprint cache remembers when each entry was last used, so that old entries can be removed

Revision ID: 0006_footprint_cache_last_used
Revises: 0005_record_batches
Create Date: 2026-12-02

Entries already there count as last used when they were made. The column defaults to the time of
the insert in the database itself, so that the processes of the release before (during a rolling
upgrade), which do not name it, still store their entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_footprint_cache_last_used"
down_revision = "0005_record_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("footprint_cache", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE footprint_cache SET last_used = created_at")
    with op.batch_alter_table("footprint_cache", schema=None) as batch_op:
        batch_op.alter_column(
            "last_used",
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("CURRENT_TIMESTAMP"),
        )
        batch_op.create_index(batch_op.f("ix_footprint_cache_last_used"), ["last_used"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("footprint_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_cache_last_used"))
        batch_op.drop_column("last_used")
