"""Monitoring: reviews, their attendance, decisions and the actions decisions created

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", hsbp.db.JSONValue(), nullable=False),
        sa.Column("scheduled_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("agenda", hsbp.db.JSONValue(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("held_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_reviews_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_reviews_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_reviews")),
    )
    with op.batch_alter_table("monitoring_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_reviews_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "monitoring_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("partner_ids", hsbp.db.JSONValue(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("decided_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("charter_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["charter_version_id"],
            ["charter_versions.id"],
            name=op.f("fk_monitoring_decisions_charter_version_id_charter_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_decisions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_decisions_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["monitoring_reviews.id"],
            name=op.f("fk_monitoring_decisions_review_id_monitoring_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_decisions")),
    )
    with op.batch_alter_table("monitoring_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_decisions_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_decisions_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "monitoring_review_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_monitoring_review_attendance_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_review_attendance_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["monitoring_reviews.id"],
            name=op.f("fk_monitoring_review_attendance_review_id_monitoring_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_review_attendance")),
        sa.UniqueConstraint(
            "review_id",
            "partner_id",
            name=op.f("uq_monitoring_review_attendance_review_id_partner_id"),
        ),
    )
    with op.batch_alter_table("monitoring_review_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_review_attendance_partnership_id"),
            ["partnership_id"],
            unique=False,
        )

    op.create_table(
        "monitoring_decision_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_monitoring_decision_actions_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["monitoring_decisions.id"],
            name=op.f("fk_monitoring_decision_actions_decision_id_monitoring_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_monitoring_decision_actions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_decision_actions")),
        sa.UniqueConstraint(
            "decision_id",
            "action_id",
            name=op.f("uq_monitoring_decision_actions_decision_id_action_id"),
        ),
    )
    with op.batch_alter_table("monitoring_decision_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_decision_actions_partnership_id"),
            ["partnership_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("monitoring_decision_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_decision_actions_partnership_id"))

    op.drop_table("monitoring_decision_actions")
    with op.batch_alter_table("monitoring_review_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_review_attendance_partnership_id"))

    op.drop_table("monitoring_review_attendance")
    with op.batch_alter_table("monitoring_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_decisions_review_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_decisions_partnership_id"))

    op.drop_table("monitoring_decisions")
    with op.batch_alter_table("monitoring_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_reviews_partnership_id"))

    op.drop_table("monitoring_reviews")
