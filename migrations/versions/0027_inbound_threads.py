"""SMS inbox as threads: what an inbound message answered (`about`, a feature's reference
such as a consultation question), and an index for each contact's messages to a partnership

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08

Messages stored before this revision answer nothing known: their `about` is empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("about", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.create_index(
            "ix_sms_inbound_threads", ["partnership_id", "contact_id", "received_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_inbound_threads")
        batch_op.drop_column("about")
