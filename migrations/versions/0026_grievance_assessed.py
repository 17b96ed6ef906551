"""Grievances: when an officer first assessed a grievance's category and severity, so a
grievance nobody assessed shows "Not assessed yet" instead of the defaults it was filed with

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06

A grievance whose handling was saved before this revision counts as assessed from the first
time it was (its first "grievance.update" audit entry): the officers did choose then.
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("assessed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE grievances SET assessed_at = ("
        "SELECT MIN(audit_entries.created_at) FROM audit_entries "
        "WHERE audit_entries.action = 'grievance.update' "
        "AND audit_entries.object_type = 'Grievance' "
        "AND audit_entries.object_id = grievances.id)"
    )


def downgrade():
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.drop_column("assessed_at")
