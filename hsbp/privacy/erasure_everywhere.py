"""Erasing a contact who asked by SMS: from every partnership that holds anything of them,
and from the channel's rows of no partnership (hsbp.privacy.erasure_sms runs the flow)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from hsbp.community.models import Ballot, CheckAnswer
from hsbp.community.models import Talk as CommunityTalk
from hsbp.consent.models import Consent
from hsbp.consultations.models import Consultation, Participation, Response
from hsbp.grievances.models import Grievance
from hsbp.monitoring.poll_models import PollReply
from hsbp.monitoring.pulse_models import PulseResponse, PulseTalk
from hsbp.partnerships.models import Partnership
from hsbp.privacy import erasure_contact as contact_parts
from hsbp.privacy import erasure_record as record
from hsbp.privacy.erasure import contact_scope
from hsbp.privacy.erasure_common import Tally, erased_hash, needles, phone_forms
from hsbp.privacy.models import Erasure, Grounds, SubjectKind
from hsbp.privacy.registry import parts as registered_parts
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
)


def erase_everywhere(session: Session, *, contact: Contact, keep_outbound_id: int) -> Erasure:
    """Erase a contact who asked by SMS from every partnership holding anything of it, and
    the channel's rows of no partnership, but for the number: it stays on the contact row
    until the last SMS (`keep_outbound_id`) is sent, then `finish_number` removes it.

    Side effects: as `erase_contact`, in each of those partnerships (its audit log scrubbed,
    one entry there on the one Erasure row, with that partnership's counts only)."""
    erasure = record.start(session, actor=None, partnership=None, kind=SubjectKind.CONTACT)
    erasure.grounds = Grounds.SMS_REQUEST
    texts = needles(phone_forms(contact.phone))
    token, total = erased_hash(), Counter()
    held = partnerships_holding(session, contact)
    for pid in [*held, None]:
        locale = session.get(Partnership, pid).default_locale if pid else None
        tally = Tally(dry=False, now=erasure.created_at)
        scope = contact_scope(
            contact, pid, stand_in=contact.id, token=token, locale=locale, keep=keep_outbound_id
        )
        contact_parts.erase_contact_rows(session, scope, tally)
        total.update(tally.counts)
        if pid is not None:
            record.finish(
                session,
                erasure,
                partnership_id=pid,
                counts=tally.counts,
                subject=("contact_id", contact.id),
                about=[("Contact", contact.id)],
                texts=texts,
            )
    if not held:
        record.finish(
            session, erasure, partnership_id=None, counts=total, subject=None, about=[], texts=[]
        )
    erasure.removed = record.plain(total)
    return erasure


def partnerships_holding(session: Session, contact: Contact) -> list[int]:
    """Every partnership with a row about the contact, in id order."""
    cid = contact.id
    here = select(Consultation.partnership_id)
    queries = [
        select(model.partnership_id).where(model.contact_id == cid)
        for model in (
            ContactMembership,
            InboundMessage,
            OutboundMessage,
            ConsentEvent,
            Consent,
            Grievance,
            Ballot,
            CheckAnswer,
            CommunityTalk,
            PulseResponse,
            PulseTalk,
            PollReply,
        )
    ]
    queries.extend(part.partnerships(cid) for part in registered_parts())
    queries.append(
        here.where(
            Consultation.id.in_(
                select(Participation.consultation_id).where(Participation.contact_id == cid)
            )
        )
    )
    queries.append(
        here.where(
            Consultation.id.in_(select(Response.consultation_id).where(Response.contact_id == cid))
        )
    )
    found = session.scalars(union(*queries)).all()
    return sorted({pid for pid in found if pid is not None})
