"""Entry and exit by the protocol: proposed partners accepted under the rule, hand-overs of a leaving partner's work

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_departures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("leaving_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("announced_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("members_removed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["announced_by_id"],
            ["users.id"],
            name=op.f("fk_partner_departures_announced_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["overridden_by_id"],
            ["users.id"],
            name=op.f("fk_partner_departures_overridden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_departures_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partner_departures_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_departures")),
    )
    with op.batch_alter_table("partner_departures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_departures_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_departures_partnership_status", ["partnership_id", "status"], unique=False
        )

    op.create_table(
        "partner_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", hsbp.db.JSONValue(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_proposals_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partner_proposals_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_partner_proposals_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_proposals")),
    )
    with op.batch_alter_table("partner_proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_proposals_partnership_status", ["partnership_id", "status"], unique=False
        )

    op.create_table(
        "partner_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("to_partner_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_partner_handovers_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["partner_departures.id"],
            name=op.f("fk_partner_handovers_departure_id_partner_departures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partner_handovers_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_handovers_to_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_handovers")),
    )
    with op.batch_alter_table("partner_handovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_handovers_departure_id"), ["departure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_handovers_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "partner_proposal_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_proposal_answers_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partner_proposal_answers_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["partner_proposals.id"],
            name=op.f("fk_partner_proposal_answers_proposal_id_partner_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_partner_proposal_answers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_proposal_answers")),
        sa.UniqueConstraint(
            "proposal_id",
            "partner_id",
            name=op.f("uq_partner_proposal_answers_proposal_id_partner_id"),
        ),
    )
    with op.batch_alter_table("partner_proposal_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_proposal_answers_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_proposal_answers_partnership_id"),
            ["partnership_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("partner_proposal_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_proposal_answers_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_partner_proposal_answers_partner_id"))

    op.drop_table("partner_proposal_answers")
    with op.batch_alter_table("partner_handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_handovers_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_partner_handovers_departure_id"))

    op.drop_table("partner_handovers")
    with op.batch_alter_table("partner_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_proposals_partnership_status")

    op.drop_table("partner_proposals")
    with op.batch_alter_table("partner_departures", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_departures_partnership_status")
        batch_op.drop_index(batch_op.f("ix_partner_departures_partner_id"))

    op.drop_table("partner_departures")
