"""Monitoring: indicators of the charter's goals and their measured values (kept by revision)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("goal_key", sa.String(length=32), nullable=False),
        sa.Column("name", hsbp.db.JSONValue(), nullable=False),
        sa.Column("definition", hsbp.db.JSONValue(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("levels", hsbp.db.JSONValue(), nullable=False),
        sa.Column("baseline_value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("baseline_on", sa.Date(), nullable=False),
        sa.Column("target_value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("disaggregation", hsbp.db.JSONValue(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_key", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_indicators_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_monitoring_indicators_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_indicators_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_monitoring_indicators_question_id_consultation_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_indicators")),
    )
    with op.batch_alter_table("monitoring_indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_indicators_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "monitoring_measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("breakdown", sa.String(length=80), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=14), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["monitoring_indicators.id"],
            name=op.f("fk_monitoring_measurements_indicator_id_monitoring_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_measurements_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_measurements_reported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_measurements")),
        sa.UniqueConstraint(
            "indicator_id",
            "period_on",
            "breakdown",
            "revision",
            name=op.f("uq_monitoring_measurements_indicator_id_period_on_breakdown_revision"),
        ),
    )
    with op.batch_alter_table("monitoring_measurements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_measurements_indicator_period",
            ["indicator_id", "period_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_measurements_partnership_id"),
            ["partnership_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("monitoring_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_measurements_partnership_id"))
        batch_op.drop_index("ix_monitoring_measurements_indicator_period")

    op.drop_table("monitoring_measurements")
    with op.batch_alter_table("monitoring_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_indicators_partnership_id"))

    op.drop_table("monitoring_indicators")
