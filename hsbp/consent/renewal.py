"""An expired consent is asked again by SMS, once; a YES renews it for a year.

Each day the consents given by contacts that ended (past `expires_on`) and were never asked
again are asked, one partnership's at a time per contact: "Your consent to receive ... from
... has ended. Reply YES to renew for another year, or ignore to stop." The question is
remembered (`Consent.reasked_at`), so it never goes twice, and the contact is marked as
awaiting its answer (`Contact.awaiting`). Their next message ends the question: a YES, from
them to that partnership within RENEWAL_ANSWER_WINDOW, renews; anything else goes on as any
message, and silence changes nothing. A contact awaiting another answer (a language number,
a grievance's rating) is asked on a later day, once that question is over.

Research is never asked by SMS: nothing is sent under it, so there is nothing to renew by
phone.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from hsbp.consent import rules, services, sms_texts
from hsbp.consent.models import Consent, ConsentChannel
from hsbp.db import utcnow
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, local_texts, sending, texts
from hsbp.sms.handlers import Incoming
from hsbp.sms.models import Contact, ContactMembership

AWAITING = "consent:"  # Contact.awaiting, followed by the partnership's id
ASKED = tuple(sms_texts.PURPOSE_WORDS)


def ask_expired(session: Session, *, now: datetime) -> int:
    """Ask each contact whose consents to a partnership ended, and were never asked again,
    whether to renew them; returns how many contacts were asked. Contacts who sent STOP, were
    erased, have left the partnership or await another answer are not asked (the last ones
    on a later run). A partnership without an SMS number asks nobody.

    Side effects: one queued SMS per contact asked (kind "consent", sent after the commit),
    `reasked_at` of the consents it names, `Contact.awaiting`.
    """
    rows = session.execute(
        select(Consent, Contact)
        .join(Contact, Contact.id == Consent.contact_id)
        .join(
            ContactMembership,
            and_(
                ContactMembership.contact_id == Consent.contact_id,
                ContactMembership.partnership_id == Consent.partnership_id,
            ),
        )
        .where(
            Consent.granted.is_(True),
            Consent.expires_on < now.date(),
            Consent.reasked_at.is_(None),
            Consent.purpose.in_([str(p) for p in ASKED]),
            Contact.opted_out.is_(False),
            Contact.erased_at.is_(None),
            contacts.confirmed(),
        )
        .order_by(Consent.contact_id, Consent.partnership_id, Consent.id)
    ).all()
    asked: set[int] = set()
    for (contact_id, partnership_id), group in groupby(
        rows, key=lambda row: (row.Contact.id, row.Consent.partnership_id)
    ):
        found = list(group)
        contact = found[0].Contact
        if contact_id in asked or contact.awaiting:
            continue
        settings = contacts.settings_of(session, partnership_id)
        if settings is None:
            continue
        partnership = session.get(Partnership, partnership_id)
        locale = local_texts.language(session, partnership=partnership, code=contact.locale)
        consents = [row.Consent for row in found]
        sending.queue_sms(
            session,
            contact=contact,
            body=sms_texts.text(
                locale, "ask", purposes=[c.purpose for c in consents], name=partnership.name
            ),
            sender=settings.sender,
            kind=rules.RENEWAL_KIND,
            partnership_id=partnership_id,
        )
        for consent in consents:
            consent.reasked_at = now
        contact.awaiting = f"{AWAITING}{partnership_id}"
        asked.add(contact_id)
    session.flush()
    return len(asked)


def handle_message(session: Session, incoming: Incoming) -> list[str] | None:
    """The conversation handler: the answer to the renewal question. A YES renews what was
    asked; anything else passes (None), and the question is over either way.

    Side effects: `Contact.awaiting` cleared; on YES, the consents renewed (`services.change`:
    given now, by SMS, for another year)."""
    contact = incoming.contact
    if contact is None or not contact.awaiting.startswith(AWAITING):
        return None
    asked_by = contact.awaiting.removeprefix(AWAITING)
    contact.awaiting = ""
    if not asked_by.isdigit() or incoming.partnership_id != int(asked_by):
        return None
    if not _is_yes(session, incoming):
        return None
    now = utcnow()
    renewing = session.scalars(
        select(Consent)
        .where(
            Consent.contact_id == contact.id,
            Consent.partnership_id == incoming.partnership_id,
            Consent.granted.is_(True),
            Consent.expires_on < now.date(),
            Consent.reasked_at >= now - rules.RENEWAL_ANSWER_WINDOW,
        )
        .order_by(Consent.id)
    ).all()
    if not renewing:
        return None
    until = rules.years_after(now.date())
    for consent in renewing:
        services.change(
            session,
            partnership_id=consent.partnership_id,
            contact_id=contact.id,
            purpose=consent.purpose,
            granted=True,
            channel=ConsentChannel.SMS,
            given_at=now,
            expires_on=until,
            cause="renewal",
        )
    partnership = session.get(Partnership, incoming.partnership_id)
    return [
        sms_texts.text(
            incoming.locale,
            "renewed",
            purposes=[c.purpose for c in renewing],
            name=partnership.name,
        )
    ]


def _is_yes(session: Session, incoming: Incoming) -> bool:
    """A whole-message YES in any shipped language (the words of START: YES, SI, DA...), or
    in the contact's local language."""
    table = texts.keyword_table()
    whole = texts.fold(" ".join(incoming.words))
    local = local_texts.for_message(
        session, contact=incoming.contact, to_number=incoming.message.to_number
    )
    if local is not None:
        whole = local.keyword(whole, table)
    return table.get(whole) == "start"
