"""Audit log on PostgreSQL: the one sanctioned rewrite (removing a protected person's
details from earlier entries) is let through by a flag of its own transaction

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

The log stays append-only in the database. An UPDATE passes only when the transaction has
said `SET LOCAL hsbp.audit_scrub = 'on'` (hsbp.audit.scrub does) and changes nothing but the
details; a DELETE never passes. Before, the scrub had to switch the trigger off, which needs
the table's owner and locks every writer of the log out until the commit. SQLite, which has
one writer at a time, keeps dropping and re-creating its trigger inside the transaction.
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

GUARDED = (
    "$$ BEGIN "
    "IF TG_OP = 'UPDATE' AND current_setting('hsbp.audit_scrub', true) = 'on' "
    "AND (NEW.id, NEW.created_at, NEW.actor_id, NEW.partnership_id, NEW.action, "
    "NEW.object_type, NEW.object_id) IS NOT DISTINCT FROM (OLD.id, OLD.created_at, "
    "OLD.actor_id, OLD.partnership_id, OLD.action, OLD.object_type, OLD.object_id) "
    "THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit log is append-only'; END $$"
)
STRICT = "$$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$"


def _function(body: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS {body}"
        )


def upgrade():
    _function(GUARDED)


def downgrade():
    _function(STRICT)
