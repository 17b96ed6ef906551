"""Decisions by the rule: partners' votes on review decisions, and the sign-off of the minutes

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    with op.batch_alter_table("monitoring_reviews") as batch_op:
        batch_op.add_column(
            sa.Column("minutes_finished_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("signoff_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch_op.add_column(
            sa.Column("signoff_due_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
    # Decisions typed before voting, with the agreeing partners ticked by hand, stay as they
    # were recorded: "recorded", neither adopted nor refused by a tally.
    with op.batch_alter_table("monitoring_decisions") as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="recorded")
        )
        batch_op.add_column(sa.Column("majority_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quorum_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposal", hsbp.db.JSONValue(), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )

    table = "monitoring_decision_votes"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_facilitator", sa.Boolean(), nullable=False),
        sa.Column("confirmed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cast_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        _fk(table, "cast_by_id", "users", "SET NULL"),
        _fk(table, "decision_id", "monitoring_decisions", "CASCADE"),
        _fk(table, "partner_id", "partners", "CASCADE"),
        _fk(table, "partnership_id", "partnerships", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "decision_id", "partner_id", name=op.f(f"uq_{table}_decision_id_partner_id")
        ),
    )
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_{table}_partnership_id"), ["partnership_id"], unique=False
        )

    table = "monitoring_minutes_signoffs"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        _fk(table, "partner_id", "partners", "CASCADE"),
        _fk(table, "partnership_id", "partnerships", "CASCADE"),
        _fk(table, "review_id", "monitoring_reviews", "CASCADE"),
        _fk(table, "signed_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "review_id", "partner_id", name=op.f(f"uq_{table}_review_id_partner_id")
        ),
    )
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_{table}_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    for table in ("monitoring_minutes_signoffs", "monitoring_decision_votes"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_partnership_id"))
        op.drop_table(table)
    with op.batch_alter_table("monitoring_decisions") as batch_op:
        for column in ("closed_at", "proposal", "quorum_percent", "majority_percent", "state"):
            batch_op.drop_column(column)
    with op.batch_alter_table("monitoring_reviews") as batch_op:
        for column in ("signoff_due_at", "signoff_days", "minutes_finished_at"):
            batch_op.drop_column(column)
