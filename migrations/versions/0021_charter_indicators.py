"""Indicators in the charter: the indicator set as a charter section, endorsed under the decision rule

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "charter_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("retired_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["monitoring_indicators.id"],
            name=op.f("fk_charter_indicators_indicator_id_monitoring_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_charter_indicators_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_indicators")),
        sa.UniqueConstraint("indicator_id", name=op.f("uq_charter_indicators_indicator_id")),
        sa.UniqueConstraint(
            "partnership_id", "key", name=op.f("uq_charter_indicators_partnership_id_key")
        ),
    )
    with op.batch_alter_table("charter_indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_charter_indicators_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("charter_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charter_indicators_partnership_id"))
    op.drop_table("charter_indicators")
