"""SMS sweeper: a partial index on the outgoing messages not settled yet

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_sms_outbound_unsettled",
        "sms_outbound",
        ["status", "updated_at"],
        sqlite_where=sa.text("status IN ('queued', 'sending')"),
        postgresql_where=sa.text("status IN ('queued', 'sending')"),
    )


def downgrade():
    op.drop_index("ix_sms_outbound_unsettled", table_name="sms_outbound")
