"""Measured records come in batches that an editor can move to the trash and restore

Revision ID: 0005_record_batches
Revises: 0004_share_revisions
Create Date: 2026-12-02

Records received before batches existed are gathered, per production, in one batch named
"before batches".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_record_batches"
down_revision = "0004_share_revisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_record_batches_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"], ["users.id"], name=op.f("fk_record_batches_deleted_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_record_batches_org_id_organisations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_record_batches_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_record_batches_token_id_api_tokens"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_batches")),
    )
    with op.batch_alter_table("record_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_batches_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_batches_production_id"), ["production_id"], unique=False)
    with op.batch_alter_table("measured_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_measured_records_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_measured_records_batch_id_record_batches"),
            "record_batches",
            ["batch_id"],
            ["id"],
            ondelete="CASCADE",
        )
    # the records already there: one batch per production
    op.execute(
        "INSERT INTO record_batches (org_id, production_id, source, created_at) "
        "SELECT org_id, production_id, 'before batches', MIN(received_at) FROM measured_records "
        "GROUP BY org_id, production_id"
    )
    op.execute(
        "UPDATE measured_records SET batch_id = (SELECT b.id FROM record_batches b "
        "WHERE b.production_id = measured_records.production_id) WHERE batch_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("measured_records", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_measured_records_batch_id_record_batches"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_measured_records_batch_id"))
        batch_op.drop_column("batch_id")
    with op.batch_alter_table("record_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_batches_production_id"))
        batch_op.drop_index(batch_op.f("ix_record_batches_org_id"))
    op.drop_table("record_batches")
