"""Data protection: a second factor at sign-in (TOTP and recovery codes), deactivated
accounts, retention schedules and their runs, erasures, consent per purpose

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05

Nothing is removed by this revision: the first nightly retention run applies the schedule.
Consent per purpose starts from what members already agreed to (see _consents_from_before).
"""

from datetime import UTC, datetime, time

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("grounds", sa.String(length=30), nullable=False),
        sa.Column("requested_via", sa.String(length=12), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed", hsbp.db.JSONValue(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_erasures_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_erasures_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erasures_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("started_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed", hsbp.db.JSONValue(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_retention_runs_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    with op.batch_alter_table("retention_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_runs_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "retention_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("sms_body_days", sa.Integer(), nullable=False),
        sa.Column("grievance_identity_months", sa.Integer(), nullable=False),
        sa.Column("consultation_raw_days", sa.Integer(), nullable=False),
        sa.Column("dropped_evidence_days", sa.Integer(), nullable=False),
        sa.Column("audit_detail_years", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_retention_schedules_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_retention_schedules_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_schedules")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_retention_schedules_partnership_id")),
    )
    op.create_table(
        "user_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_recovery_codes")),
        sa.UniqueConstraint(
            "user_id", "code_hash", name=op.f("uq_user_recovery_codes_user_id_code_hash")
        ),
    )
    with op.batch_alter_table("user_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_recovery_codes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("given_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("reasked_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_consents_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["mapping_participants.id"],
            name=op.f("fk_consents_participant_id_mapping_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_consents_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.UniqueConstraint(
            "partnership_id",
            "contact_id",
            "purpose",
            name=op.f("uq_consents_partnership_id_contact_id_purpose"),
        ),
        sa.UniqueConstraint(
            "partnership_id",
            "participant_id",
            "purpose",
            name=op.f("uq_consents_partnership_id_participant_id_purpose"),
        ),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consents_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consents_partnership_id"), ["partnership_id"], unique=False
        )

    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("identity_removed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("mapping_participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("require_two_factor", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("sms_contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("body_removed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("sms_outbound", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("body_removed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("second_factor_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reauthenticated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("totp_secret", hsbp.db.EncryptedString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column("totp_confirmed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("deactivated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    _consents_from_before(op.get_bind())


# Consent per purpose (part 6): what people agreed to before it existed.

# How the mapping register's consent methods were given (hsbp.consent.rules.METHOD_CHANNELS,
# copied: a migration keeps the rule of its day); any other was most likely on paper.
METHOD_CHANNELS = {"written": "paper", "verbal": "verbal", "recorded": "verbal", "sms": "sms"}
# What joining agreed to (hsbp.consent.rules.JOINING), and news for those who asked for it.
JOINING = ("consultations", "grievance_follow_up")


def _consents_from_before(connection) -> None:
    """Each confirmed SMS membership gives the joining purposes (news too where the contact
    asked for news), by SMS, as of its confirmation (or joining); a contact who has sent STOP
    since has withdrawn them, as of that STOP. Each mapped participant with a consent date
    gives consultations, by the way the register notes, at noon that day (the same day in
    every time zone). No consent ends; nothing is written to the audit log, whose entries
    tell only later changes."""
    consents = sa.table(
        "consents",
        sa.column("partnership_id", sa.Integer),
        sa.column("contact_id", sa.Integer),
        sa.column("participant_id", sa.Integer),
        sa.column("purpose", sa.String),
        sa.column("granted", sa.Boolean),
        sa.column("channel", sa.String),
        sa.column("given_at", hsbp.db.UTCDateTime(timezone=True)),
        sa.column("updated_at", hsbp.db.UTCDateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    members = connection.execute(
        sa.text(
            "SELECT m.partnership_id, m.contact_id, m.wants_updates, c.opted_out,"
            " COALESCE(m.confirmed_at, m.joined_at) AS since,"
            " (SELECT MAX(e.created_at) FROM sms_consent_events e"
            "  WHERE e.contact_id = m.contact_id AND e.event = 'opt_out') AS stopped"
            " FROM sms_contact_memberships m JOIN sms_contacts c ON c.id = m.contact_id"
            " WHERE m.status = 'confirmed' ORDER BY m.id"
        ).columns(
            since=hsbp.db.UTCDateTime(timezone=True), stopped=hsbp.db.UTCDateTime(timezone=True)
        )
    ).all()
    rows = [
        {
            "partnership_id": member.partnership_id,
            "contact_id": member.contact_id,
            "participant_id": None,
            "purpose": purpose,
            "granted": not member.opted_out,
            "channel": "sms",
            "given_at": (member.opted_out and member.stopped) or member.since,
            "updated_at": now,
        }
        for member in members
        for purpose in (*JOINING, *(("news",) if member.wants_updates else ()))
    ]
    participants = connection.execute(
        sa.text(
            "SELECT id, partnership_id, consent_on, consent_method FROM mapping_participants"
            " WHERE consent_on IS NOT NULL ORDER BY id"
        ).columns(consent_on=sa.Date)
    ).all()
    rows += [
        {
            "partnership_id": participant.partnership_id,
            "contact_id": None,
            "participant_id": participant.id,
            "purpose": "consultations",
            "granted": True,
            "channel": METHOD_CHANNELS.get(participant.consent_method or "", "paper"),
            "given_at": datetime.combine(participant.consent_on, time(12), tzinfo=UTC),
            "updated_at": now,
        }
        for participant in participants
    ]
    for start in range(0, len(rows), 1000):
        connection.execute(consents.insert(), rows[start : start + 1000])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_column("reauthenticated_at")
        batch_op.drop_column("second_factor_at")

    with op.batch_alter_table("sms_outbound", schema=None) as batch_op:
        batch_op.drop_column("body_removed_at")

    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.drop_column("body_removed_at")

    with op.batch_alter_table("sms_contacts", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("require_two_factor")

    with op.batch_alter_table("mapping_participants", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.drop_column("identity_removed_at")

    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_consents_participant_id"))
        batch_op.drop_index(batch_op.f("ix_consents_contact_id"))

    op.drop_table("consents")
    with op.batch_alter_table("user_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_recovery_codes_user_id"))

    op.drop_table("user_recovery_codes")
    op.drop_table("retention_schedules")
    with op.batch_alter_table("retention_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_runs_partnership_id"))

    op.drop_table("retention_runs")
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_partnership_id"))

    op.drop_table("erasures")
