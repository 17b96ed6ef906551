"""Monitoring: SMS pulse conversations, SMS polls of indicators and their replies

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pulse_talks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("reprompts", sa.Integer(), nullable=False),
        sa.Column("answers", hsbp.db.JSONValue(), nullable=False),
        sa.Column("comment", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("tell_closed", sa.Boolean(), nullable=False),
        sa.Column("invited_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_pulse_talks_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_pulse_talks_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pulse_rounds.id"],
            name=op.f("fk_pulse_talks_round_id_pulse_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_talks")),
        sa.UniqueConstraint(
            "round_id", "contact_id", name=op.f("uq_pulse_talks_round_id_contact_id")
        ),
    )
    with op.batch_alter_table("pulse_talks", schema=None) as batch_op:
        batch_op.create_index("ix_pulse_talks_contact_state", ["contact_id", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pulse_talks_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "monitoring_sms_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("question", hsbp.db.JSONValue(), nullable=False),
        sa.Column("audience", hsbp.db.JSONValue(), nullable=False),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("aggregate", sa.String(length=8), nullable=False),
        sa.Column("threshold", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("closes_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("measurement_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_sms_polls_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["monitoring_indicators.id"],
            name=op.f("fk_monitoring_sms_polls_indicator_id_monitoring_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measurement_id"],
            ["monitoring_measurements.id"],
            name=op.f("fk_monitoring_sms_polls_measurement_id_monitoring_measurements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_sms_polls_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_sms_polls")),
    )
    with op.batch_alter_table("monitoring_sms_polls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_sms_polls_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_sms_polls_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            "ix_monitoring_sms_polls_status_closes", ["status", "closes_at"], unique=False
        )

    op.create_table(
        "monitoring_poll_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("reprompts", sa.Integer(), nullable=False),
        sa.Column("invited_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tell_closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_monitoring_poll_replies_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_poll_replies_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["monitoring_sms_polls.id"],
            name=op.f("fk_monitoring_poll_replies_poll_id_monitoring_sms_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_poll_replies")),
        sa.UniqueConstraint(
            "poll_id", "contact_id", name=op.f("uq_monitoring_poll_replies_poll_id_contact_id")
        ),
    )
    with op.batch_alter_table("monitoring_poll_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_poll_replies_contact_state", ["contact_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_poll_replies_partnership_id"),
            ["partnership_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("monitoring_poll_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_poll_replies_partnership_id"))
        batch_op.drop_index("ix_monitoring_poll_replies_contact_state")

    op.drop_table("monitoring_poll_replies")
    with op.batch_alter_table("monitoring_sms_polls", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_sms_polls_status_closes")
        batch_op.drop_index(batch_op.f("ix_monitoring_sms_polls_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_sms_polls_indicator_id"))

    op.drop_table("monitoring_sms_polls")
    with op.batch_alter_table("pulse_talks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_talks_partnership_id"))
        batch_op.drop_index("ix_pulse_talks_contact_state")

    op.drop_table("pulse_talks")
