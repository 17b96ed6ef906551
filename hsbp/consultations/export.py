"""Answers of a consultation as CSV or XLSX: one row per response, one column per question.

Identity columns (the member's name, the contact's phone) exist only when the consultation
is not anonymous and the reader is a facilitator who asked for them, and such an export is
written to the audit log.

An anonymous export cannot single a person out. It has no identity, no response or answer
id and no time; its rows are k-anonymous (hsbp.anonymity): a row whose
sector, groups, locality, channel and state together are shared by fewer than MIN_GROUP
rows has them withheld, locality first (the finest place, the surest pointer to a person),
then the groups (often small and sensitive), the channel, the state, and the sector last
(the partnership's first lens on its constituencies). Its rows are sorted on those values,
in random order within each combination, so their order follows neither ids nor times. With
fewer than MIN_GROUP responses it holds no rows at all, as the results show no figures.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hsbp import audit
from hsbp.anonymity import MIN_GROUP, k_anonymous
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
from hsbp.consultations.tallies import counted
from hsbp.mapping.models import GroupTag
from hsbp.sms.models import Contact

audit.ACTION_LABELS.update(
    {"consultation.export_identities": _l("Consultation answers exported with identities")}
)

BATCH = 500
WITHHELD = _l("(withheld)")
# Indexes in (sector, groups, locality, channel, state), in the order they are withheld.
SECTOR, GROUPS, LOCALITY, CHANNEL, STATE = range(5)
WITHHOLD_ORDER = (LOCALITY, GROUPS, CHANNEL, STATE, SECTOR)


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

    ordered = _described(session, consultation, tag_keys)
    if consultation.anonymous:
        ordered = _anonymous(ordered)
    elif not identity:
        # Without names, rows in id order could still be matched with who answered when.
        random.SystemRandom().shuffle(ordered)
    skipped = str(_l("(skipped)"))
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        responses = {
            r.id: r
            for r in session.scalars(
                select(Response)
                .where(Response.id.in_([response_id for response_id, _values in batch]))
                .options(selectinload(Response.answers).selectinload(Answer.choices))
            )
        }
        names, phones = _identities(session, responses.values()) if identity else ({}, {})
        for response_id, values in batch:
            response = responses[response_id]
            row = list(values)
            if identity:
                row += [names.get(response.user_id, ""), phones.get(response.contact_id, "")]
            answers = {a.question_id: a for a in response.answers}
            row += [_value(q, answers.get(q.id), skipped, locale, fallback) for q in questions]
            yield row


def _described(session: Session, consultation: Consultation, tag_keys: dict) -> list[tuple]:
    """(response id, (sector, groups, locality, channel, state)) of every counted response,
    in id order: two statements."""
    tags: dict[int, list[str]] = {}
    for response_id, tag_id in session.execute(
        select(response_tags.c.response_id, response_tags.c.tag_id)
        .join(Response, Response.id == response_tags.c.response_id)
        .where(counted(consultation.id))
    ):
        tags.setdefault(response_id, []).append(tag_keys.get(tag_id, str(tag_id)))
    rows = session.execute(
        select(Response.id, Response.sector, Response.locality, Response.channel, Response.state)
        .where(counted(consultation.id))
        .order_by(Response.id)
    )
    return [
        (response_id, (sector, ";".join(sorted(tags.get(response_id, []))), place, channel, state))
        for response_id, sector, place, channel, state in rows
    ]


def _anonymous(described: list[tuple]) -> list[tuple]:
    """The rows of an anonymous export: none below MIN_GROUP responses, otherwise
    k-anonymous and in an order that follows neither ids nor times (see the module note)."""
    if len(described) < MIN_GROUP:
        return []
    withheld = str(WITHHELD)
    values = k_anonymous(
        [values for _response_id, values in described], order=WITHHOLD_ORDER, withheld=withheld
    )
    rows = [
        (response_id, row) for (response_id, _values), row in zip(described, values, strict=True)
    ]
    random.SystemRandom().shuffle(rows)
    # Stable, so the shuffle stays within a combination; withheld values after the others.
    rows.sort(key=lambda item: [(value == withheld, value) for value in item[1]])
    return rows


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
