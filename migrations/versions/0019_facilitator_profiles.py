"""Facilitators on the record: profiles (organisation, neutrality statement, declared interests) and the community-side co-facilitator

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "facilitator_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("neutrality", hsbp.db.JSONValue(), nullable=False),
        sa.Column("interests", hsbp.db.JSONValue(), nullable=False),
        sa.Column("community_partner_id", sa.Integer(), nullable=True),
        sa.Column("named_by_id", sa.Integer(), nullable=True),
        sa.Column("named_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_partner_id"],
            ["partners.id"],
            name=op.f("fk_facilitator_profiles_community_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_facilitator_profiles_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["named_by_id"],
            ["users.id"],
            name=op.f("fk_facilitator_profiles_named_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_facilitator_profiles_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator_profiles")),
        sa.UniqueConstraint("membership_id", name=op.f("uq_facilitator_profiles_membership_id")),
    )
    with op.batch_alter_table("facilitator_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilitator_profiles_community_partner_id"),
            ["community_partner_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilitator_profiles_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("facilitator_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitator_profiles_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_facilitator_profiles_community_partner_id"))
    op.drop_table("facilitator_profiles")
