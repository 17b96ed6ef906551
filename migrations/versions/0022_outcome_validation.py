"""Outcomes validated: partners confirm or comment a consultation's outcome before a deadline

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("outcome", hsbp.db.JSONValue(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("validated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proceeded_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proceeded_by_id", sa.Integer(), nullable=True),
        sa.Column("proceed_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_outcome_validations_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_outcome_validations_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proceeded_by_id"],
            ["users.id"],
            name=op.f("fk_outcome_validations_proceeded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["users.id"],
            name=op.f("fk_outcome_validations_sent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_validations")),
        sa.UniqueConstraint(
            "consultation_id",
            "round",
            name=op.f("uq_outcome_validations_consultation_id_round"),
        ),
    )
    with op.batch_alter_table("outcome_validations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_validations_consultation_id"),
            ["consultation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outcome_validations_partnership_id"),
            ["partnership_id"],
            unique=False,
        )

    op.create_table(
        "outcome_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("validation_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_outcome_answers_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_outcome_answers_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_outcome_answers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["validation_id"],
            ["outcome_validations.id"],
            name=op.f("fk_outcome_answers_validation_id_outcome_validations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_answers")),
        sa.UniqueConstraint(
            "validation_id",
            "partner_id",
            name=op.f("uq_outcome_answers_validation_id_partner_id"),
        ),
    )
    with op.batch_alter_table("outcome_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_answers_partnership_id"),
            ["partnership_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outcome_answers_validation_id"),
            ["validation_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("outcome_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_answers_validation_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_answers_partnership_id"))
    op.drop_table("outcome_answers")
    with op.batch_alter_table("outcome_validations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_validations_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_validations_consultation_id"))
    op.drop_table("outcome_validations")
