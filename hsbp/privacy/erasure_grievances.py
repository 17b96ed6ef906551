"""Erasing a complainant: their identity leaves the grievance, and their words leave it once
it is closed.

A closed grievance keeps its code, stages, category and dates (the partnership's figures
count them) and loses its description and the officers' notes, replaced by a placeholder.
An open one loses who filed it at once but keeps its description, less the person's name
and number, while it is open: it is the case the partnership must still answer, and the
officers cannot handle a complaint they can no longer read. The page says so before the
erasure; once the grievance is closed, erasing its complainant again takes the words
(`words_left`), as it does for a closed grievance whose identity the retention schedule
removed.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hsbp.grievances import messages
from hsbp.grievances.models import Grievance, Stage
from hsbp.grievances.sms import RATING_ROUTE, REPORT_ROUTE, STATUS_ROUTE, WRONG_STATUS_ROUTE
from hsbp.partnerships.models import Partnership
from hsbp.phones import e164
from hsbp.privacy.erasure_common import (
    BLANK,
    Tally,
    filled,
    needles,
    phone_forms,
    removed_text,
    without,
)
from hsbp.sms.models import Contact, InboundMessage, OutboundMessage

# The SMS routes of the grievance flows: what a complainant sent about their grievances.
ROUTES = (REPORT_ROUTE, STATUS_ROUTE, RATING_ROUTE, WRONG_STATUS_ROUTE)


def grievances_of_contact(
    session: Session, *, contact: Contact, partnership_id: int
) -> list[Grievance]:
    """The partnership's grievances filed from the contact's number: by SMS (or with it as
    the reply channel), or with the number typed in as the complainant's."""
    found = session.scalars(
        select(Grievance)
        .where(
            Grievance.partnership_id == partnership_id,
            or_(Grievance.contact_id == contact.id, filled(Grievance.complainant_phone)),
        )
        .order_by(Grievance.id)
    ).all()
    phone = contact.phone
    if not found or not phone:
        return [g for g in found if g.contact_id == contact.id]
    country = session.get(Partnership, partnership_id).country
    return [
        g
        for g in found
        if g.contact_id == contact.id
        or (g.complainant_phone and e164(g.complainant_phone, region=country) == phone)
    ]


def words_left(session: Session, grievance: Grievance) -> bool:
    """Whether a closed grievance still holds its complainant's words."""
    if grievance.stage != Stage.CLOSED:
        return False
    locale = session.get(Partnership, grievance.partnership_id).default_locale
    return grievance.description != removed_text(locale)


def identity_texts(grievance: Grievance) -> list[str]:
    """The complainant's name, number and address as the grievance holds them."""
    return [
        grievance.complainant_name,
        *phone_forms(e164(grievance.complainant_phone or "") or grievance.complainant_phone),
        grievance.complainant_email,
    ]


def erase_grievance(
    session: Session, grievance: Grievance, *, tally: Tally, searched: list[str]
) -> None:
    """Remove the complainant's identity (name, number, address, SMS contact, member) from
    the grievance; a closed one loses its words too (see the module's note). `searched`:
    the person's name and number as they may appear in the texts that stay."""
    closed = grievance.stage == Stage.CLOSED
    tally.add("grievances" if closed else "open_grievances", 1)
    if tally.dry:
        return
    search = needles([*searched, *identity_texts(grievance)])
    if grievance.contact_id is not None:
        contact = session.get(Contact, grievance.contact_id)
        if contact is not None and contact.awaiting == f"{messages.AWAITING_RATING}{grievance.id}":
            contact.awaiting = ""
    grievance.complainant_name = grievance.complainant_phone = BLANK
    grievance.complainant_email = BLANK
    grievance.contact_id = grievance.user_id = None
    grievance.identity_removed_at = tally.now
    if closed:
        locale = session.get(Partnership, grievance.partnership_id).default_locale
        grievance.description = removed_text(locale)
    else:
        grievance.description = without(grievance.description, search)
    grievance.referred_to = without(grievance.referred_to, search) or BLANK
    for event in grievance.events:
        if event.note:
            event.note = BLANK if closed else without(event.note, search)


def erase_grievance_messages(
    session: Session, grievance: Grievance, *, tally: Tally, stand_in, token: str
) -> None:
    """The messages the complainant's number sent and got in the grievance flows of the
    grievance's partnership: blanked, and no longer tied to the number (a REPORT's time,
    beside the grievance's, would say who filed it). `stand_in()` gives the contact the
    messages sent end on; called only when there are some."""
    if grievance.contact_id is None:
        return
    pid, contact_id = grievance.partnership_id, grievance.contact_id
    received = [
        InboundMessage.partnership_id == pid,
        InboundMessage.contact_id == contact_id,
        InboundMessage.route.in_(ROUTES),
    ]
    asked = select(InboundMessage.id).where(*received).scalar_subquery()
    sent = [
        OutboundMessage.partnership_id == pid,
        OutboundMessage.contact_id == contact_id,
        or_(OutboundMessage.kind == messages.SMS_KIND, OutboundMessage.reply_to_id.in_(asked)),
    ]
    if tally.dry:
        tally.change(session, "messages_sent", OutboundMessage, sent)
    elif session.scalar(select(OutboundMessage.id).where(*sent).limit(1)) is not None:
        tally.change(
            session,
            "messages_sent",
            OutboundMessage,
            sent,
            {
                "body": BLANK,
                "confidential": True,
                "body_removed_at": tally.now,
                "contact_id": stand_in().id,
            },
        )
    tally.change(
        session,
        "messages_received",
        InboundMessage,
        received,
        {
            "body": BLANK,
            "confidential": True,
            "in_inbox": False,
            "body_removed_at": tally.now,
            "contact_id": None,
            "from_phone": BLANK,
            "from_hash": token,
        },
    )
