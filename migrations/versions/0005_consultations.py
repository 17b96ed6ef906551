"""Consultations: questions (versioned), participations, responses with their constituency,
answers and chosen options, themes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

import hsbp.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", hsbp.db.JSONValue(), nullable=False),
        sa.Column("purpose", hsbp.db.JSONValue(), nullable=False),
        sa.Column("dimensions", hsbp.db.JSONValue(), nullable=False),
        sa.Column("audience", hsbp.db.JSONValue(), nullable=False),
        sa.Column("channels", hsbp.db.JSONValue(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opens_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closes_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("stale_days", sa.Integer(), nullable=False),
        sa.Column("public_token", sa.String(length=64), nullable=True),
        sa.Column("outcome", hsbp.db.JSONValue(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_consultations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_consultations_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("public_token", name=op.f("uq_consultations_public_token")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultations_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", hsbp.db.JSONValue(), nullable=False),
        sa.Column("choices", hsbp.db.JSONValue(), nullable=False),
        sa.Column("minimum", sa.Double(), nullable=True),
        sa.Column("maximum", sa.Double(), nullable=True),
        sa.Column("show_if_question_id", sa.Integer(), nullable=True),
        sa.Column("show_if_choices", hsbp.db.JSONValue(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_questions_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_questions_replaces_id_consultation_questions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["show_if_question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_questions_show_if_question_id_consultation_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_questions")),
    )
    with op.batch_alter_table("consultation_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_questions_consultation_id"),
            ["consultation_id"],
            unique=False,
        )

    op.create_table(
        "consultation_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_themes_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_themes")),
        sa.UniqueConstraint(
            "consultation_id", "name", name=op.f("uq_consultation_themes_consultation_id_name")
        ),
    )
    with op.batch_alter_table("consultation_themes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_themes_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "consultation_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_responses_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_consultation_responses_contact_id_sms_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["mapping_participants.id"],
            name=op.f("fk_consultation_responses_participant_id_mapping_participants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consultation_responses_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consultation_responses_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_responses")),
    )
    with op.batch_alter_table("consultation_responses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultation_responses_state", ["consultation_id", "state"], unique=False
        )

    op.create_table(
        "consultation_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("number", sa.Double(), nullable=True),
        sa.Column("text", hsbp.db.EncryptedText(), nullable=True),
        sa.Column("raw", hsbp.db.EncryptedText(), nullable=True),
        sa.Column("created_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_answers_question_id_consultation_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["consultation_responses.id"],
            name=op.f("fk_consultation_answers_response_id_consultation_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answers")),
        sa.UniqueConstraint(
            "response_id",
            "question_id",
            name=op.f("uq_consultation_answers_response_id_question_id"),
        ),
    )
    with op.batch_alter_table("consultation_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_answers_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "consultation_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("current_question_id", sa.Integer(), nullable=True),
        sa.Column("reprompts", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("invited_at", hsbp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", hsbp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_participations_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["sms_contacts.id"],
            name=op.f("fk_consultation_participations_contact_id_sms_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["current_question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_participations_current_question_id_consultation_questions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["consultation_responses.id"],
            name=op.f("fk_consultation_participations_response_id_consultation_responses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consultation_participations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_participations")),
        sa.UniqueConstraint(
            "consultation_id",
            "contact_id",
            name=op.f("uq_consultation_participations_consultation_id_contact_id"),
        ),
        sa.UniqueConstraint(
            "consultation_id",
            "user_id",
            name=op.f("uq_consultation_participations_consultation_id_user_id"),
        ),
    )
    with op.batch_alter_table("consultation_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_participations_consultation_id"),
            ["consultation_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_consultation_participations_contact_state", ["contact_id", "state"], unique=False
        )

    op.create_table(
        "consultation_response_tags",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["consultation_responses.id"],
            name=op.f("fk_consultation_response_tags_response_id_consultation_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["mapping_tags.id"],
            name=op.f("fk_consultation_response_tags_tag_id_mapping_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "response_id", "tag_id", name=op.f("pk_consultation_response_tags")
        ),
    )
    with op.batch_alter_table("consultation_response_tags", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_response_tags_tag_id", ["tag_id"], unique=False)

    op.create_table(
        "consultation_answer_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["consultation_answers.id"],
            name=op.f("fk_consultation_answer_choices_answer_id_consultation_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_answer_choices_question_id_consultation_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["consultation_responses.id"],
            name=op.f("fk_consultation_answer_choices_response_id_consultation_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answer_choices")),
        sa.UniqueConstraint(
            "answer_id", "choice", name=op.f("uq_consultation_answer_choices_answer_id_choice")
        ),
    )
    with op.batch_alter_table("consultation_answer_choices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultation_answer_choices_question", ["question_id", "choice"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consultation_answer_choices_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "consultation_answer_themes",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["consultation_answers.id"],
            name=op.f("fk_consultation_answer_themes_answer_id_consultation_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["consultation_themes.id"],
            name=op.f("fk_consultation_answer_themes_theme_id_consultation_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "answer_id", "theme_id", name=op.f("pk_consultation_answer_themes")
        ),
    )
    with op.batch_alter_table("consultation_answer_themes", schema=None) as batch_op:
        batch_op.create_index("ix_consultation_answer_themes_theme_id", ["theme_id"], unique=False)


def downgrade():
    with op.batch_alter_table("consultation_answer_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_answer_themes_theme_id")

    op.drop_table("consultation_answer_themes")
    with op.batch_alter_table("consultation_answer_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_answer_choices_response_id"))
        batch_op.drop_index("ix_consultation_answer_choices_question")

    op.drop_table("consultation_answer_choices")
    with op.batch_alter_table("consultation_response_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_response_tags_tag_id")

    op.drop_table("consultation_response_tags")
    with op.batch_alter_table("consultation_participations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_participations_contact_state")
        batch_op.drop_index(batch_op.f("ix_consultation_participations_consultation_id"))

    op.drop_table("consultation_participations")
    with op.batch_alter_table("consultation_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_answers_question_id"))

    op.drop_table("consultation_answers")
    with op.batch_alter_table("consultation_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_responses_state")

    op.drop_table("consultation_responses")
    with op.batch_alter_table("consultation_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_themes_consultation_id"))

    op.drop_table("consultation_themes")
    with op.batch_alter_table("consultation_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_questions_consultation_id"))

    op.drop_table("consultation_questions")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_partnership_id"))

    op.drop_table("consultations")
