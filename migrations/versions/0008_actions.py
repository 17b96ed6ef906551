"""Actions: the joint action checklist, its owners, contributions, updates, evidence and
reminders; contacts' consent to news of the work

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("public_page", sa.Boolean(), nullable=False),
        sa.Column("public_token", sa.String(length=43), nullable=True),
        sa.Column("remind_days_before", sa.Integer(), nullable=False),
        sa.Column("due_soon_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_action_settings_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_settings")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_action_settings_partnership_id")),
        sa.UniqueConstraint("public_token", name=op.f("uq_action_settings_public_token")),
    )
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", hsbp.db.JSONValue(), nullable=False),
        sa.Column("description", hsbp.db.JSONValue(), nullable=False),
        sa.Column("goal_key", sa.String(length=32), nullable=False),
        sa.Column("lead_partner_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("principles", hsbp.db.JSONValue(), nullable=False),
        sa.Column("sdg_targets", hsbp.db.JSONValue(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=17, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("community_update_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_update_id"],
            ["sms_broadcasts.id"],
            name=op.f("fk_actions_community_update_id_sms_broadcasts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_actions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_partner_id"],
            ["partners.id"],
            name=op.f("fk_actions_lead_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_actions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_lead_partner_id", ["lead_partner_id"], unique=False)
        batch_op.create_index(
            "ix_actions_partnership_status_due",
            ["partnership_id", "status", "due_on"],
            unique=False,
        )

    op.create_table(
        "action_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=17, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_contributions_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_action_contributions_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_contributions")),
    )
    with op.batch_alter_table("action_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_contributions_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "action_dependencies",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_dependencies_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["actions.id"],
            name=op.f("fk_action_dependencies_depends_on_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "depends_on_id", name=op.f("pk_action_dependencies")),
    )
    with op.batch_alter_table("action_dependencies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_dependencies_depends_on_id", ["depends_on_id"], unique=False
        )

    op.create_table(
        "action_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_evidence_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_action_evidence_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_action_evidence_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_evidence")),
    )
    with op.batch_alter_table("action_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_evidence_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_evidence_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "action_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_reminders_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_action_reminders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_reminders")),
        sa.UniqueConstraint(
            "action_id",
            "user_id",
            "kind",
            "due_on",
            name=op.f("uq_action_reminders_action_id_user_id_kind_due_on"),
        ),
    )
    op.create_table(
        "action_responsibles",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_responsibles_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_action_responsibles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "user_id", name=op.f("pk_action_responsibles")),
    )
    with op.batch_alter_table("action_responsibles", schema=None) as batch_op:
        batch_op.create_index("ix_action_responsibles_user_id", ["user_id"], unique=False)

    op.create_table(
        "action_supporters",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_supporters_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_action_supporters_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "partner_id", name=op.f("pk_action_supporters")),
    )
    with op.batch_alter_table("action_supporters", schema=None) as batch_op:
        batch_op.create_index("ix_action_supporters_partner_id", ["partner_id"], unique=False)

    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status_from", sa.String(length=12), nullable=False),
        sa.Column("status_to", sa.String(length=12), nullable=False),
        sa.Column("progress_from", sa.Integer(), nullable=True),
        sa.Column("progress_to", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_updates_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_action_updates_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_action_updates_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_updates")),
    )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_updates_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_updates_partnership_id"), ["partnership_id"], unique=False
        )

    with op.batch_alter_table("sms_contact_memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_updates", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("sms_contact_memberships", schema=None) as batch_op:
        batch_op.drop_column("wants_updates")

    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_updates_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_action_updates_action_id"))

    op.drop_table("action_updates")
    with op.batch_alter_table("action_supporters", schema=None) as batch_op:
        batch_op.drop_index("ix_action_supporters_partner_id")

    op.drop_table("action_supporters")
    with op.batch_alter_table("action_responsibles", schema=None) as batch_op:
        batch_op.drop_index("ix_action_responsibles_user_id")

    op.drop_table("action_responsibles")
    op.drop_table("action_reminders")
    with op.batch_alter_table("action_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_evidence_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_action_evidence_action_id"))

    op.drop_table("action_evidence")
    with op.batch_alter_table("action_dependencies", schema=None) as batch_op:
        batch_op.drop_index("ix_action_dependencies_depends_on_id")

    op.drop_table("action_dependencies")
    with op.batch_alter_table("action_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_contributions_action_id"))

    op.drop_table("action_contributions")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_partnership_status_due")
        batch_op.drop_index("ix_actions_lead_partner_id")

    op.drop_table("actions")
    op.drop_table("action_settings")
