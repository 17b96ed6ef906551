"""Partners propose wording: suggestions on a draft charter's clauses, accepted or declined by a facilitator

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "charter_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("clause", sa.String(length=100), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("before", hsbp.db.JSONValue(), nullable=False),
        sa.Column("wording", hsbp.db.JSONValue(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_charter_suggestions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_charter_suggestions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_charter_suggestions_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_charter_suggestions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["charter_versions.id"],
            name=op.f("fk_charter_suggestions_version_id_charter_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_suggestions")),
    )
    with op.batch_alter_table("charter_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_charter_suggestions_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_charter_suggestions_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_charter_suggestions_version_id"), ["version_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("charter_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charter_suggestions_version_id"))
        batch_op.drop_index(batch_op.f("ix_charter_suggestions_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_charter_suggestions_author_id"))
    op.drop_table("charter_suggestions")
