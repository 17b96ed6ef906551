"""Everyone is told: notification preferences, what was sent, unsubscribe tokens, the
phone a person verified for notification SMS, and an e-mail's List-Unsubscribe address

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import hsbp.db


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("updated_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint(
            "user_id", "kind", name=op.f("uq_notification_preferences_user_id_kind")
        ),
    )

    op.create_table(
        "notification_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("last_digest_on", sa.Date(), nullable=True),
        sa.Column("last_digest_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sms_immediate", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_settings")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notification_settings_user_id")),
    )

    op.create_table(
        "notification_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("emailed_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("texted_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digested_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_notification_seen_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_seen_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_seen")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_notification_seen_user_id_key")),
    )
    with op.batch_alter_table("notification_seen", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_seen_partnership_id", ["partnership_id"], unique=False
        )

    op.create_table(
        "notification_unsubscribe_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_unsubscribe_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_unsubscribe_tokens")),
        sa.UniqueConstraint(
            "token_hash", name=op.f("uq_notification_unsubscribe_tokens_token_hash")
        ),
    )
    with op.batch_alter_table("notification_unsubscribe_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_unsubscribe_tokens_created_at"),
            ["created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_notification_unsubscribe_tokens_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "notification_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", hsbp.db.EncryptedString(length=500), nullable=False),
        sa.Column("verified_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pending_phone", hsbp.db.EncryptedString(length=500), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_sent_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("codes_window_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("codes_in_window", sa.Integer(), nullable=False),
        sa.Column("texts_window_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("texts_in_window", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_phones_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_phones")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notification_phones_user_id")),
    )
    # Until it is sent, an e-mail's one-click unsubscribe address (a working token).
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unsubscribe_url", hsbp.db.EncryptedText(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_column("unsubscribe_url")
    op.drop_table("notification_phones")
    with op.batch_alter_table("notification_unsubscribe_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_unsubscribe_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_unsubscribe_tokens_created_at"))
    op.drop_table("notification_unsubscribe_tokens")
    with op.batch_alter_table("notification_seen", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_seen_partnership_id")
    op.drop_table("notification_seen")
    op.drop_table("notification_settings")
    op.drop_table("notification_preferences")
