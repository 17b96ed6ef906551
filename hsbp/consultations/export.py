"""Answers of a consultation as CSV or XLSX: one row per response, one column per question.

Identity columns (the member's name, the contact's phone) exist only when the consultation
is not anonymous and the reader is a facilitator who asked for them, and such an export is
written to the audit log. An anonymous export has no identity and no response id, and its
rows are shuffled, so their order cannot be matched with the order of participations.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.answering import active_questions, choice_label, question_text
from hsbp.consultations.models import (
    CHOICE_KINDS,
    Answer,
    Consultation,
    QuestionKind,
    Response,
    response_tags,
)
from hsbp.consultations.tallies import COUNTED_STATES
from hsbp.mapping.models import GroupTag
from hsbp.sms.models import Contact

audit.ACTION_LABELS.update(
    {"consultation.export_identities": _l("Consultation answers exported with identities")}
)

BATCH = 500


def export_rows(
    session: Session,
    *,
    consultation: Consultation,
    identity: bool,
    locale: str,
    fallback: str,
) -> Iterator[list]:
    """The header, then one row per complete or partial response. `identity` is ignored for
    an anonymous consultation: there is nothing to show, and nothing must be looked up."""
    identity = identity and not consultation.anonymous
    questions = active_questions(consultation)
    tag_keys = dict(
        session.execute(
            select(GroupTag.id, GroupTag.key).where(
                GroupTag.partnership_id == consultation.partnership_id
            )
        ).all()
    )
    header = [
        str(_l("Sector")),
        str(_l("Groups")),
        str(_l("Locality")),
        str(_l("Channel")),
        str(_l("State")),
    ]
    if identity:
        header += [str(_l("Member")), str(_l("Phone"))]
    header += [
        f"{n}. {question_text(q, locale, fallback)}" for n, q in enumerate(questions, start=1)
    ]
    yield header

    order = Response.id if identity else func.random()
    ids = session.scalars(
        select(Response.id)
        .where(Response.consultation_id == consultation.id, Response.state.in_(COUNTED_STATES))
        .order_by(order)
    ).all()
    skipped = str(_l("(skipped)"))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        responses = {
            r.id: r
            for r in session.scalars(
                select(Response)
                .where(Response.id.in_(batch))
                .options(selectinload(Response.answers).selectinload(Answer.choices))
            )
        }
        tags: dict[int, list[str]] = {}
        for response_id, tag_id in session.execute(
            select(response_tags.c.response_id, response_tags.c.tag_id).where(
                response_tags.c.response_id.in_(batch)
            )
        ):
            tags.setdefault(response_id, []).append(tag_keys.get(tag_id, str(tag_id)))
        names, phones = _identities(session, responses.values()) if identity else ({}, {})
        for response_id in batch:
            response = responses[response_id]
            row = [
                response.sector,
                ";".join(sorted(tags.get(response_id, []))),
                response.locality,
                response.channel,
                response.state,
            ]
            if identity:
                row += [names.get(response.user_id, ""), phones.get(response.contact_id, "")]
            answers = {a.question_id: a for a in response.answers}
            row += [_value(q, answers.get(q.id), skipped, locale, fallback) for q in questions]
            yield row


def _identities(session: Session, responses) -> tuple[dict[int, str], dict[int, str]]:
    user_ids = {r.user_id for r in responses if r.user_id}
    contact_ids = {r.contact_id for r in responses if r.contact_id}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    phones = dict(
        session.execute(select(Contact.id, Contact.phone).where(Contact.id.in_(contact_ids))).all()
    )
    return names, phones


def _value(question, answer: Answer | None, skipped: str, locale: str, fallback: str):
    if answer is None:
        return ""
    if answer.skipped:
        return skipped
    if question.kind in CHOICE_KINDS:
        return "; ".join(choice_label(question, c.choice, locale, fallback) for c in answer.choices)
    if question.kind == QuestionKind.NUMBER:
        number = answer.number
        return int(number) if number is not None and float(number).is_integer() else number
    return answer.text or ""


def record_identity_export(
    session: Session, *, actor: User, consultation: Consultation, kind: str
) -> None:
    """Side effect: an audit entry, as for every view of protected identities."""
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.export_identities",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details={"format": kind},
    )
