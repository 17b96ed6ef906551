"""SMS router: a partial index on the messages not routed yet

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_sms_inbound_unrouted",
        "sms_inbound",
        ["received_at", "id"],
        sqlite_where=sa.text("route = ''"),
        postgresql_where=sa.text("route = ''"),
    )


def downgrade():
    op.drop_index("ix_sms_inbound_unrouted", table_name="sms_inbound")
