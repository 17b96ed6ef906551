"""Community voice by SMS: votes, checks of done actions, assemblies, "you said, we did"
feedback, keywords a partnership switches off, action places, translators and the system SMS
texts in local languages

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_local_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("msgid", sa.Text(), nullable=False),
        sa.Column("msgid_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_sms_local_texts_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_sms_local_texts_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_local_texts")),
        sa.UniqueConstraint(
            "partnership_id",
            "locale",
            "msgid_hash",
            name=op.f("uq_sms_local_texts_partnership_id_locale_msgid_hash"),
        ),
    )
    with op.batch_alter_table("sms_local_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_local_texts_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "community_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("question", hsbp.db.JSONValue(), nullable=False),
        sa.Column("audience", hsbp.db.JSONValue(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opens_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_community_checks_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_community_checks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_checks_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_checks")),
    )
    with op.batch_alter_table("community_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_checks_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_checks_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "community_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("bodies", hsbp.db.JSONValue(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_community_feedback_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["sms_broadcasts.id"],
            name=op.f("fk_community_feedback_broadcast_id_sms_broadcasts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_community_feedback_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_community_feedback_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_feedback_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_feedback")),
    )
    with op.batch_alter_table("community_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_feedback_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_feedback_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "community_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("charter_version_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("title", hsbp.db.JSONValue(), nullable=False),
        sa.Column("question", hsbp.db.JSONValue(), nullable=False),
        sa.Column("options", hsbp.db.JSONValue(), nullable=False),
        sa.Column("audience", hsbp.db.JSONValue(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opens_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charter_version_id"],
            ["charter_versions.id"],
            name=op.f("fk_community_votes_charter_version_id_charter_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_community_votes_consultation_id_consultations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_community_votes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["monitoring_decisions.id"],
            name=op.f("fk_community_votes_decision_id_monitoring_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_votes_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_votes")),
    )
    with op.batch_alter_table("community_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_votes_charter_version_id"),
            ["charter_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_community_votes_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "community_assemblies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("charter_version_id", sa.Integer(), nullable=True),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("present", hsbp.db.JSONValue(), nullable=False),
        sa.Column("present_total", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("result_counts", hsbp.db.JSONValue(), nullable=False),
        sa.Column("minutes", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("minutes_filename", sa.String(length=255), nullable=False),
        sa.Column("minutes_stored", sa.String(length=64), nullable=False),
        sa.Column("minutes_type", sa.String(length=100), nullable=False),
        sa.Column("minutes_size", sa.Integer(), nullable=False),
        sa.Column("minutes_sha256", sa.String(length=64), nullable=False),
        sa.Column("witness_partner_id", sa.Integer(), nullable=False),
        sa.Column("witnessed_by_id", sa.Integer(), nullable=True),
        sa.Column("witnessed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charter_version_id"],
            ["charter_versions.id"],
            name=op.f("fk_community_assemblies_charter_version_id_charter_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_community_assemblies_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_assemblies_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_community_assemblies_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["community_votes.id"],
            name=op.f("fk_community_assemblies_vote_id_community_votes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["witness_partner_id"],
            ["partners.id"],
            name=op.f("fk_community_assemblies_witness_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["witnessed_by_id"],
            ["users.id"],
            name=op.f("fk_community_assemblies_witnessed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_assemblies")),
    )
    with op.batch_alter_table("community_assemblies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_assemblies_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "community_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("ranking", hsbp.db.JSONValue(), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("tag_ids", hsbp.db.JSONValue(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_community_ballots_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_ballots_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["community_votes.id"],
            name=op.f("fk_community_ballots_vote_id_community_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_ballots")),
        sa.UniqueConstraint(
            "vote_id", "contact_id", name=op.f("uq_community_ballots_vote_id_contact_id")
        ),
    )
    with op.batch_alter_table("community_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_ballots_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_ballots_vote_choice", ["vote_id", "choice"], unique=False
        )

    op.create_table(
        "community_check_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["community_checks.id"],
            name=op.f("fk_community_check_answers_check_id_community_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_community_check_answers_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_check_answers_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_check_answers")),
        sa.UniqueConstraint(
            "check_id", "contact_id", name=op.f("uq_community_check_answers_check_id_contact_id")
        ),
    )
    with op.batch_alter_table("community_check_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_check_answers_check_answer", ["check_id", "answer"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_check_answers_partnership_id"),
            ["partnership_id"],
            unique=False,
        )

    op.create_table(
        "community_talks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reprompts", sa.Integer(), nullable=False),
        sa.Column("invited_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("asked_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tell_closed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(vote_id IS NULL) <> (check_id IS NULL)", name=op.f("ck_community_talks_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["community_checks.id"],
            name=op.f("fk_community_talks_check_id_community_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_community_talks_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_community_talks_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["community_votes.id"],
            name=op.f("fk_community_talks_vote_id_community_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_talks")),
        sa.UniqueConstraint(
            "check_id", "contact_id", name=op.f("uq_community_talks_check_id_contact_id")
        ),
        sa.UniqueConstraint(
            "vote_id", "contact_id", name=op.f("uq_community_talks_vote_id_contact_id")
        ),
    )
    with op.batch_alter_table("community_talks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_talks_contact_state", ["contact_id", "state"], unique=False
        )
        batch_op.create_index("ix_community_talks_vote_state", ["vote_id", "state"], unique=False)
        batch_op.create_index(
            "ix_community_talks_check_state", ["check_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_talks_partnership_id"), ["partnership_id"], unique=False
        )

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("localities", hsbp.db.JSONValue(), nullable=False, server_default="[]")
        )

    with op.batch_alter_table("charter_endorsements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assembly_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_charter_endorsements_assembly_id_community_assemblies"),
            "community_assemblies",
            ["assembly_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translator", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("sms_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("keywords_off", hsbp.db.JSONValue(), nullable=False, server_default="[]")
        )


def downgrade():
    with op.batch_alter_table("sms_settings", schema=None) as batch_op:
        batch_op.drop_column("keywords_off")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("translator")

    with op.batch_alter_table("charter_endorsements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_charter_endorsements_assembly_id_community_assemblies"),
            type_="foreignkey",
        )
        batch_op.drop_column("assembly_id")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("localities")

    with op.batch_alter_table("community_talks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_talks_partnership_id"))
        batch_op.drop_index("ix_community_talks_contact_state")
        batch_op.drop_index("ix_community_talks_vote_state")
        batch_op.drop_index("ix_community_talks_check_state")

    op.drop_table("community_talks")
    with op.batch_alter_table("community_check_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_check_answers_partnership_id"))
        batch_op.drop_index("ix_community_check_answers_check_answer")

    op.drop_table("community_check_answers")
    with op.batch_alter_table("community_ballots", schema=None) as batch_op:
        batch_op.drop_index("ix_community_ballots_vote_choice")
        batch_op.drop_index(batch_op.f("ix_community_ballots_partnership_id"))

    op.drop_table("community_ballots")
    with op.batch_alter_table("community_assemblies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_assemblies_partnership_id"))

    op.drop_table("community_assemblies")
    with op.batch_alter_table("community_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_votes_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_community_votes_charter_version_id"))

    op.drop_table("community_votes")
    with op.batch_alter_table("community_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_feedback_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_community_feedback_consultation_id"))

    op.drop_table("community_feedback")
    with op.batch_alter_table("community_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_checks_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_community_checks_action_id"))

    op.drop_table("community_checks")
    with op.batch_alter_table("sms_local_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_local_texts_partnership_id"))

    op.drop_table("sms_local_texts")
