"""Grievances: complaints with reference codes, their stages and events, grievance officers
and each partnership's deadlines

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grievance_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_grievance_officers_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_grievance_officers_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_grievance_officers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_officers")),
        sa.UniqueConstraint(
            "partnership_id", "user_id", name=op.f("uq_grievance_officers_partnership_id_user_id")
        ),
    )
    with op.batch_alter_table("grievance_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grievance_officers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "grievance_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("acknowledge_days", sa.Integer(), nullable=False),
        sa.Column("respond_days", sa.Integer(), nullable=False),
        sa.Column("public_form", sa.Boolean(), nullable=False),
        sa.Column("public_token", sa.String(length=43), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_grievance_settings_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_settings")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_grievance_settings_partnership_id")),
        sa.UniqueConstraint("public_token", name=op.f("uq_grievance_settings_public_token")),
    )
    op.create_table(
        "grievances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_changed_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("description", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("complainant_name", hsbp.db.EncryptedString(length=500), nullable=False),
        sa.Column("complainant_phone", hsbp.db.EncryptedString(length=500), nullable=False),
        sa.Column("complainant_email", hsbp.db.EncryptedString(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("response_proposed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("referred_to", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_grievances_contact_id_sms_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["users.id"],
            name=op.f("fk_grievances_officer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_grievances_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_grievances_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_grievances_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grievances_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievances")),
        sa.UniqueConstraint("code", name=op.f("uq_grievances_code")),
    )
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grievances_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grievances_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "ix_grievances_partnership_stage", ["partnership_id", "stage"], unique=False
        )

    op.create_table(
        "grievance_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("stage_from", sa.String(length=20), nullable=False),
        sa.Column("stage_to", sa.String(length=20), nullable=False),
        sa.Column("note", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("told_by_sms", sa.Boolean(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_grievance_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievances.id"],
            name=op.f("fk_grievance_events_grievance_id_grievances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_grievance_events_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_events")),
    )
    with op.batch_alter_table("grievance_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grievance_events_grievance_id"), ["grievance_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grievance_events_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("grievance_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievance_events_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_grievance_events_grievance_id"))

    op.drop_table("grievance_events")
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.drop_index("ix_grievances_partnership_stage")
        batch_op.drop_index(batch_op.f("ix_grievances_partner_id"))
        batch_op.drop_index(batch_op.f("ix_grievances_contact_id"))

    op.drop_table("grievances")
    op.drop_table("grievance_settings")
    with op.batch_alter_table("grievance_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievance_officers_user_id"))

    op.drop_table("grievance_officers")
