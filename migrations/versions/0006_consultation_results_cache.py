"""Consultations: the counts behind the results, kept between page views

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_results_cache",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("counts", hsbp.db.JSONValue(), nullable=False),
        sa.Column("computed_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_results_cache_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_consultation_results_cache")),
    )


def downgrade():
    op.drop_table("consultation_results_cache")
