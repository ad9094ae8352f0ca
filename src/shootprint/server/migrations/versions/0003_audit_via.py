"""audit log: what each action came through (a web session's public id, or an API token's id and name)

Revision ID: 0003_audit_via
Revises: 0002_api
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_audit_via"
down_revision = "0002_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # earlier events keep empty values: what they came through was not recorded
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via_kind", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("via_id", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("via_name", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("via_name")
        batch_op.drop_column("via_id")
        batch_op.drop_column("via_kind")
