"""Anonymous and confidential data already stored: messages of confidential flows marked and
blanked, anonymous times coarsened to the day, pulse answers unlinked from who gave them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

No table changes; the data is brought to what the code now writes:

- SMS of grievances (REPORT, STATUS, wrong codes, the rating, stage notices), of pulse
  conversations and of anonymous consultations' conversations, and a REPORT or STATUS that
  a number which had not joined sent to the inbox, are marked confidential and leave the
  inbox; their bodies are blanked (outgoing ones once no longer to be sent), except those of
  the phone simulator's training numbers. A message whose handler failed keeps its body.
- Responses and answers of anonymous consultations, and pulse answers, scores and comments,
  are dated by the day (UTC midnight).
- Pulse scores keep no partner, and the scores and comments of each round, constituency
  (and dimension) are shuffled among their rows, so their order says nothing of who answered.

Upgrading a database that holds messages needs HSBP_FIELD_KEY (`hsbp db upgrade` passes it):
a blank body is encrypted like any other, and an inbox message is read to find a grievance
keyword. The downgrade changes nothing: what was blanked, coarsened or shuffled is gone, as
it was meant to be.
"""

import random

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, MultiFernet

from hsbp.grievances.messages import all_keyword_words
from hsbp.sms.texts import fold

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CONFIDENTIAL_ROUTES = (
    "grievance_report",
    "grievance_status",
    "grievance_status_wrong",
    "grievance_rating",
    "pulse",
)
CONFIDENTIAL_KINDS = ("grievance", "pulse")
FINAL = ("sent", "delivered", "undelivered", "failed", "cancelled")
# A participation of the message's contact in an anonymous consultation of its partnership.
IN_ANONYMOUS_CONSULTATION = """
    EXISTS (
        SELECT 1 FROM consultation_participations p
        JOIN consultations c ON c.id = p.consultation_id
        WHERE c.anonymous AND p.contact_id = {table}.contact_id
          AND c.partnership_id = {table}.partnership_id)
"""
NOT_TRAINING = """
    NOT EXISTS (SELECT 1 FROM sms_contacts s WHERE s.id = {table}.contact_id AND s.simulated)
"""


def _fernet() -> MultiFernet | None:
    key = context.config.attributes.get("field_key")
    if not key:
        return None
    # HSBP_FIELD_KEY may list several keys, newest first: write with the first, read with any.
    keys = key.decode() if isinstance(key, bytes) else key
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",")])


def _routes(names) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _mark_confidential(fernet: MultiFernet | None) -> None:
    run = op.execute
    run(
        "UPDATE sms_inbound SET confidential = true, in_inbox = false"  # noqa: S608
        f" WHERE route IN ({_routes(CONFIDENTIAL_ROUTES)})"
        " OR (route = 'consultation' AND"
        f" {IN_ANONYMOUS_CONSULTATION.format(table='sms_inbound')})"
    )
    _confidential_keywords_in_the_inbox(fernet)
    run(
        "UPDATE sms_outbound SET confidential = true"  # noqa: S608
        f" WHERE kind IN ({_routes(CONFIDENTIAL_KINDS)})"
        " OR reply_to_id IN (SELECT id FROM sms_inbound WHERE confidential)"
        " OR (kind = 'consultation' AND"
        f" {IN_ANONYMOUS_CONSULTATION.format(table='sms_outbound')})"
    )


def _confidential_keywords_in_the_inbox(fernet: MultiFernet | None) -> None:
    """REPORT or STATUS from a number that had not joined went to the inbox with its words."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, body FROM sms_inbound WHERE in_inbox AND route = 'inbox'")
    ).all()
    if not rows:
        return
    if fernet is None:
        raise RuntimeError(
            "This upgrade reads the SMS inbox for grievances: run it with `hsbp db upgrade` and"
            " HSBP_FIELD_KEY set."
        )
    routes = {fold(word): "grievance_report" for word in all_keyword_words("report")}
    routes.update({fold(word): "grievance_status" for word in all_keyword_words("status")})
    found = []
    for message_id, body in rows:
        words = fernet.decrypt(body.encode()).decode().split()
        route = routes.get(fold(words[0])) if words else None
        if route:
            found.append({"id": message_id, "route": route})
    if found:
        connection.execute(
            sa.text(
                "UPDATE sms_inbound SET route = :route, confidential = true, in_inbox = false"
                " WHERE id = :id"
            ),
            found,
        )


def _blank_bodies(fernet: MultiFernet | None) -> None:
    connection = op.get_bind()
    inbound = (
        "FROM sms_inbound WHERE confidential AND route <> 'error' AND"
        f" {NOT_TRAINING.format(table='sms_inbound')}"
    )
    outbound = (
        f"FROM sms_outbound WHERE confidential AND status IN ({_routes(FINAL)}) AND"
        f" {NOT_TRAINING.format(table='sms_outbound')}"
    )
    waiting = any(
        connection.execute(sa.text(f"SELECT 1 {where} LIMIT 1")).first()
        for where in (inbound, outbound)
    )
    if not waiting:
        return
    if fernet is None:
        raise RuntimeError(
            "This upgrade blanks confidential SMS: run it with `hsbp db upgrade` and"
            " HSBP_FIELD_KEY set."
        )
    blank = fernet.encrypt(b"").decode()
    for table, where in (("sms_inbound", inbound), ("sms_outbound", outbound)):
        connection.execute(
            sa.text(f"UPDATE {table} SET body = :blank WHERE id IN (SELECT id {where})"),  # noqa: S608
            {"blank": blank},
        )


def _day(column: str) -> str:
    """`column` at the start of its day in UTC, in the dialect's SQL."""
    if op.get_bind().dialect.name == "postgresql":
        return f"date_trunc('day', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    # SQLite keeps UTC times as text: 'YYYY-MM-DD HH:MM:SS.ffffff'.
    return f"substr({column}, 1, 10) || ' 00:00:00.000000'"


def _coarsen_times() -> None:
    anonymous = "SELECT id FROM consultations WHERE anonymous"
    op.execute(
        f"UPDATE consultation_responses SET started_at = {_day('started_at')},"  # noqa: S608
        f" finished_at = {_day('finished_at')} WHERE consultation_id IN ({anonymous})"
    )
    op.execute(
        f"UPDATE consultation_answers SET created_at = {_day('created_at')}"  # noqa: S608
        " WHERE response_id IN (SELECT id FROM consultation_responses"
        f" WHERE consultation_id IN ({anonymous}))"
    )
    for table in ("pulse_responses", "pulse_scores", "pulse_comments"):
        op.execute(f"UPDATE {table} SET created_at = {_day('created_at')}")  # noqa: S608


def _shuffle_pulses() -> None:
    """Each round's scores (per constituency and dimension) and comments (per constituency)
    moved at random among their rows; the texts move as they are stored, encrypted."""
    connection = op.get_bind()
    op.execute("UPDATE pulse_scores SET partner_id = NULL")
    shuffle = random.SystemRandom().shuffle
    for table, column, group in (
        ("pulse_scores", "score", "round_id, constituency, dimension"),
        ("pulse_comments", "text", "round_id, constituency"),
    ):
        rows = connection.execute(
            sa.text(f"SELECT {group}, id, {column} FROM {table} ORDER BY {group}, id")  # noqa: S608
        ).all()
        groups: dict[tuple, list[tuple[int, object]]] = {}
        for row in rows:
            groups.setdefault(tuple(row[:-2]), []).append((row[-2], row[-1]))
        updates = []
        for members in groups.values():
            values = [value for _id, value in members]
            shuffle(values)
            updates += [
                {"id": row_id, "value": value}
                for (row_id, old), value in zip(members, values, strict=True)
                if value != old
            ]
        if updates:
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),  # noqa: S608
                updates,
            )


def upgrade():
    fernet = _fernet()
    _mark_confidential(fernet)
    _blank_bodies(fernet)
    _coarsen_times()
    _shuffle_pulses()


def downgrade():
    # Nothing to undo in the schema, and nothing to restore: see the note at the top.
    pass
