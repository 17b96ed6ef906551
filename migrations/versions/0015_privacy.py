"""Privacy of people at risk: SMS contacts confirm from their own phone, confidential
messages, a review list of possible duplicates, officers' rights tied to their role,
server-side sign-in sessions, and personal notes and e-mail links encrypted at rest

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

Upgrading a database that holds data needs HSBP_FIELD_KEY (`hsbp db upgrade` passes it):
notes that were plain text are encrypted with it. SMS contacts a facilitator added by hand or
imported, who never joined by SMS themselves, become pending: they hear nothing more until
they answer the confirmation question with YES. Everyone is signed out once.
"""

import re

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

import hsbp.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# (table, column): plain text until now, encrypted from this revision on.
ENCRYPTED = (
    ("mapping_participants", "intermediary"),
    ("mapping_participants", "protective_measures"),
    ("mapping_participants", "notes"),
    ("mapping_relationships", "note"),
    ("sms_consent_events", "note"),
    ("grievances", "referred_to"),
    ("outbound_emails", "body"),
)
# Links with a token (password reset, invitation) in e-mails already sent.
SECRET_LINK = re.compile(r"\S+/(?:password/reset|invitations)/\S+")
LINK_REMOVED = "[link removed after sending]"


def _fernet() -> MultiFernet | None:
    key = context.config.attributes.get("field_key")
    if not key:
        return None
    # HSBP_FIELD_KEY may list several keys, newest first: write with the first, read with any.
    keys = key.decode() if isinstance(key, bytes) else key
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",")])


def _is_token(fernet: MultiFernet, value: str) -> bool:
    try:
        fernet.decrypt(value.encode())
    except (InvalidToken, ValueError):
        return False
    return True


def _rewrite(table: str, column: str, change) -> None:
    """Apply `change(value)` to every value of `column` (empty ones too: every value of an
    encrypted column is a token), row by row."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
    ).all()
    if not rows:
        return
    updates = [{"id": row_id, "value": change(value)} for row_id, value in rows]
    connection.execute(
        sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),  # noqa: S608
        updates,
    )


def _needs_key(table: str, column: str) -> bool:
    connection = op.get_bind()
    return bool(
        connection.execute(
            sa.text(f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' LIMIT 1")  # noqa: S608
        ).first()
    )


def _encrypt_existing() -> None:
    fernet = _fernet()
    if fernet is None:
        if any(_needs_key(table, column) for table, column in ENCRYPTED):
            raise RuntimeError(
                "This upgrade encrypts notes kept in plain text: run it with `hsbp db upgrade`"
                " and HSBP_FIELD_KEY set."
            )
        return
    connection = op.get_bind()
    sent = {
        row_id
        for (row_id,) in connection.execute(
            sa.text("SELECT id FROM outbound_emails WHERE status = 'sent'")
        )
    }

    for table, column in ENCRYPTED:
        if table == "outbound_emails":
            continue

        def seal(value: str) -> str:
            return value if _is_token(fernet, value) else fernet.encrypt(value.encode()).decode()

        _rewrite(table, column, seal)

    rows = connection.execute(sa.text("SELECT id, body FROM outbound_emails")).all()
    updates = []
    for row_id, body in rows:
        if _is_token(fernet, body or ""):
            continue
        plain = SECRET_LINK.sub(LINK_REMOVED, body or "") if row_id in sent else body or ""
        updates.append({"id": row_id, "value": fernet.encrypt(plain.encode()).decode()})
    if updates:
        connection.execute(
            sa.text("UPDATE outbound_emails SET body = :value WHERE id = :id"), updates
        )


def _decrypt_existing() -> None:
    fernet = _fernet()
    if fernet is None:
        if any(_needs_key(table, column) for table, column in ENCRYPTED):
            raise RuntimeError("This downgrade needs HSBP_FIELD_KEY to decrypt notes.")
        return

    def unseal(value: str) -> str:
        try:
            return fernet.decrypt(value.encode()).decode()
        except (InvalidToken, ValueError):
            return value

    for table, column in ENCRYPTED:
        _rewrite(table, column, unseal)


def upgrade():
    with op.batch_alter_table("sms_contacts") as batch_op:
        batch_op.add_column(
            sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("sms_contact_memberships") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="pending")
        )
        batch_op.add_column(
            sa.Column("confirmed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("chosen_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("asked_at", hsbp.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("asks", sa.Integer(), nullable=False, server_default="0"))
    # Who joined by SMS chose the partnership from their own phone; anyone else was typed in
    # or imported, and waits for their own YES.
    op.execute(
        """
        UPDATE sms_contact_memberships SET status = 'confirmed', confirmed_at = joined_at,
               chosen_at = joined_at
        WHERE EXISTS (
            SELECT 1 FROM sms_consent_events e
            WHERE e.contact_id = sms_contact_memberships.contact_id
              AND e.partnership_id = sms_contact_memberships.partnership_id
              AND e.event = 'join' AND e.channel = 'sms')
        """
    )
    for table in ("sms_inbound", "sms_outbound"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false())
            )

    with op.batch_alter_table("grievance_officers") as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("independent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Officers whose membership ended or who are no longer facilitators or representatives
    # lose the rights they kept by mistake; the others keep them under their current role.
    op.execute(
        """
        DELETE FROM grievance_officers WHERE NOT EXISTS (
            SELECT 1 FROM memberships m
            WHERE m.partnership_id = grievance_officers.partnership_id
              AND m.user_id = grievance_officers.user_id
              AND m.role IN ('facilitator', 'representative'))
        """
    )
    op.execute(
        """
        UPDATE grievance_officers SET role = (
            SELECT m.role FROM memberships m
            WHERE m.partnership_id = grievance_officers.partnership_id
              AND m.user_id = grievance_officers.user_id)
        """
    )

    with op.batch_alter_table("mapping_participants") as batch_op:
        batch_op.alter_column(
            "intermediary",
            existing_type=sa.String(length=200),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("secret", hsbp.db.EncryptedText(), nullable=True))
    _encrypt_existing()

    op.create_table(
        "mapping_duplicate_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("fields", hsbp.db.EncryptedText(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by_partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["mapping_participants.id"],
            name=op.f("fk_mapping_duplicate_reviews_candidate_id_mapping_participants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["mapping_participants.id"],
            name=op.f("fk_mapping_duplicate_reviews_participant_id_mapping_participants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_mapping_duplicate_reviews_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_mapping_duplicate_reviews_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_partner_id"],
            ["partners.id"],
            name=op.f("fk_mapping_duplicate_reviews_proposed_by_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_mapping_duplicate_reviews_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_duplicate_reviews")),
    )
    with op.batch_alter_table("mapping_duplicate_reviews") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mapping_duplicate_reviews_partnership_id"), ["partnership_id"]
        )

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"])


def downgrade():
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
    with op.batch_alter_table("mapping_duplicate_reviews") as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_duplicate_reviews_partnership_id"))
    op.drop_table("mapping_duplicate_reviews")

    _decrypt_existing()
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("secret")
    with op.batch_alter_table("mapping_participants") as batch_op:
        batch_op.alter_column(
            "intermediary",
            existing_type=sa.String(length=1000),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
    with op.batch_alter_table("grievance_officers") as batch_op:
        batch_op.drop_column("independent")
        batch_op.drop_column("role")
    for table in ("sms_outbound", "sms_inbound"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("confidential")
    with op.batch_alter_table("sms_contact_memberships") as batch_op:
        for name in ("asks", "asked_at", "chosen_at", "confirmed_at", "status"):
            batch_op.drop_column(name)
    with op.batch_alter_table("sms_contacts") as batch_op:
        batch_op.drop_column("simulated")
