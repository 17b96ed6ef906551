"""Monitoring: evidence of a measured value (a web link or a kept file)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (
    ("evidence_url", sa.String(length=2000), ""),
    ("evidence_filename", sa.String(length=255), ""),
    ("evidence_stored", sa.String(length=64), ""),
    ("evidence_type", sa.String(length=120), ""),
    ("evidence_size", sa.Integer(), "0"),
    ("evidence_sha256", sa.String(length=64), ""),
)


def upgrade():
    with op.batch_alter_table("monitoring_measurements") as batch_op:
        for name, type_, default in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))


def downgrade():
    with op.batch_alter_table("monitoring_measurements") as batch_op:
        for name, _type, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
