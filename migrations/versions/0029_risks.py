"""Human-rights due diligence: the context assessment and partners' responses, the risks and
impacts register (connections, leverage, escalation, disengagement, links), key moments,
do-no-harm screenings of actions, incidents, and framework tags

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

Only new tables: nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "context_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", hsbp.db.JSONValue(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proposed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("validated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_context_assessments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_context_assessments_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_assessments")),
        sa.UniqueConstraint(
            "partnership_id", "number", name=op.f("uq_context_assessments_partnership_id_number")
        ),
    )
    with op.batch_alter_table("context_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_context_assessments_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "framework_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_framework_tags_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_framework_tags_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_tags")),
        sa.UniqueConstraint(
            "partnership_id",
            "subject_kind",
            "subject_key",
            "reference",
            name=op.f("uq_framework_tags_partnership_id_subject_kind_subject_key_reference"),
        ),
    )
    with op.batch_alter_table("framework_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_framework_tags_reference", ["partnership_id", "reference"], unique=False
        )

    op.create_table(
        "risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", hsbp.db.JSONValue(), nullable=False),
        sa.Column("description", hsbp.db.JSONValue(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("affected_groups", sa.Text(), nullable=False),
        sa.Column("localities", hsbp.db.JSONValue(), nullable=False),
        sa.Column("rights", hsbp.db.JSONValue(), nullable=False),
        sa.Column("dimensions", hsbp.db.JSONValue(), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("irremediability", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("salience", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_risks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_risks_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
        sa.UniqueConstraint(
            "partnership_id", "number", name=op.f("uq_risks_partnership_id_number")
        ),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risks_partnership_salience", ["partnership_id", "salience"], unique=False
        )

    op.create_table(
        "context_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["context_assessments.id"],
            name=op.f("fk_context_responses_assessment_id_context_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_context_responses_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_context_responses_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_context_responses_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_responses")),
        sa.UniqueConstraint(
            "assessment_id",
            "partner_id",
            name=op.f("uq_context_responses_assessment_id_partner_id"),
        ),
    )
    with op.batch_alter_table("context_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_context_responses_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("description", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_incidents_contact_id_sms_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_incidents_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_incidents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risks.id"], name=op.f("fk_incidents_risk_id_risks"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_incidents_partnership_received", ["partnership_id", "received_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incidents_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "key_moments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("remind_days_before", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reminded_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_key_moments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_key_moments_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_key_moments_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_moments")),
    )
    with op.batch_alter_table("key_moments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_moments_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "ix_key_moments_partnership_on", ["partnership_id", "occurs_on"], unique=False
        )

    op.create_table(
        "risk_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("connection", sa.String(length=12), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("relationship_with", sa.String(length=300), nullable=False),
        sa.Column("leverage", hsbp.db.JSONValue(), nullable=False),
        sa.Column("leverage_note", sa.Text(), nullable=False),
        sa.Column("questions", hsbp.db.JSONValue(), nullable=False),
        sa.Column("escalation", sa.String(length=12), nullable=False),
        sa.Column("disengaged_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_risk_connections_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_connections_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_risk_connections_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risks.id"],
            name=op.f("fk_risk_connections_risk_id_risks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_connections")),
        sa.UniqueConstraint(
            "risk_id", "partner_id", name=op.f("uq_risk_connections_risk_id_partner_id")
        ),
    )
    with op.batch_alter_table("risk_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_connections_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_connections_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "risk_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_risk_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_risk_links_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risks.id"], name=op.f("fk_risk_links_risk_id_risks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_links")),
        sa.UniqueConstraint(
            "risk_id",
            "kind",
            "target_id",
            "key",
            name=op.f("uq_risk_links_risk_id_kind_target_id_key"),
        ),
    )
    with op.batch_alter_table("risk_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_links_risk_id"), ["risk_id"], unique=False)
        batch_op.create_index(
            "ix_risk_links_target", ["partnership_id", "kind", "target_id"], unique=False
        )

    op.create_table(
        "action_screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("who_at_risk", sa.Text(), nullable=False),
        sa.Column("divider", sa.Text(), nullable=False),
        sa.Column("connector", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_screenings_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_action_screenings_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_action_screenings_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_screenings")),
        sa.UniqueConstraint("action_id", name=op.f("uq_action_screenings_action_id")),
    )
    with op.batch_alter_table("action_screenings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_screenings_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "risk_disengagements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("harmed_by_leaving", sa.Text(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("notice_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["risk_connections.id"],
            name=op.f("fk_risk_disengagements_connection_id_risk_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_risk_disengagements_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_risk_disengagements_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_disengagements")),
    )
    with op.batch_alter_table("risk_disengagements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_disengagements_connection_id"), ["connection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_disengagements_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "risk_escalation_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=12), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["risk_connections.id"],
            name=op.f("fk_risk_escalation_steps_connection_id_risk_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_risk_escalation_steps_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_risk_escalation_steps_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_escalation_steps")),
    )
    with op.batch_alter_table("risk_escalation_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_escalation_steps_connection_id"), ["connection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_escalation_steps_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("risk_escalation_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_escalation_steps_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_risk_escalation_steps_connection_id"))

    op.drop_table("risk_escalation_steps")
    with op.batch_alter_table("risk_disengagements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_disengagements_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_risk_disengagements_connection_id"))

    op.drop_table("risk_disengagements")
    with op.batch_alter_table("action_screenings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_screenings_partnership_id"))

    op.drop_table("action_screenings")
    with op.batch_alter_table("risk_links", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_links_target")
        batch_op.drop_index(batch_op.f("ix_risk_links_risk_id"))

    op.drop_table("risk_links")
    with op.batch_alter_table("risk_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_connections_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_risk_connections_partner_id"))

    op.drop_table("risk_connections")
    with op.batch_alter_table("key_moments", schema=None) as batch_op:
        batch_op.drop_index("ix_key_moments_partnership_on")
        batch_op.drop_index(batch_op.f("ix_key_moments_partner_id"))

    op.drop_table("key_moments")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_risk_id"))
        batch_op.drop_index("ix_incidents_partnership_received")
        batch_op.drop_index(batch_op.f("ix_incidents_contact_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("context_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_responses_partnership_id"))

    op.drop_table("context_responses")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index("ix_risks_partnership_salience")

    op.drop_table("risks")
    with op.batch_alter_table("framework_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_framework_tags_reference")

    op.drop_table("framework_tags")
    with op.batch_alter_table("context_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_assessments_partnership_id"))

    op.drop_table("context_assessments")
