"""The grievance mechanism on the SMS channel: REPORT, STATUS and the rating of an outcome.

REPORT <text> (QUEJA, PLAINTE, ZALBA, MALALAMIKO, شكوى) files a grievance for a contact who
has joined the partnership their message reaches and answers at once with its code;
REPORT ANON <text> files it without a readable identity, the contact kept only as the way
to answer. STATUS <code> answers the stage, and only to the number that filed it: a wrong,
malformed or someone else's code all get the same reply, so nothing tells one from another.
After closing, a bare 1-5 from the complainant is their rating of the outcome.

Every message of these flows, and every text they send, is confidential (see
hsbp.sms.handlers): a grievance's words and the number that sent them, side by side, say who
complained of what. Officers read the grievance on its page; the SMS pages never show it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.db import utcnow
from hsbp.grievances import codes, messages, services
from hsbp.grievances.models import Channel, Grievance
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts
from hsbp.sms import texts as channel_texts
from hsbp.sms.handlers import Incoming, registry
from hsbp.sms.models import Contact, InboundMessage
from hsbp.sms.texts import N_

audit.ACTION_LABELS["grievance.rate"] = _l("Grievance outcome rated")

REPORT_ROUTE, STATUS_ROUTE, RATING_ROUTE = (
    "grievance_report",
    "grievance_status",
    "grievance_rating",
)
# A STATUS whose code matched nothing of this number's: counted to stop answering a flood.
WRONG_STATUS_ROUTE = "grievance_status_wrong"
# Past this many wrong codes in the window, wrong ones are no longer answered (a right one
# still is): guessing is useless anyway, as only the number's own grievances answer, but
# every reply costs the partnership an SMS.
WRONG_STATUS_LIMIT, WRONG_STATUS_WINDOW = 5, timedelta(hours=1)
# A rating request is answered within weeks or not at all: a bare number long after is
# more likely about something else.
RATING_WINDOW = timedelta(days=30)
# REPORT from a number that has not joined: nothing is filed (there is nobody to answer
# as a member, and on a shared number no partnership to file it with), and the words are
# not kept where facilitators would read them beside the number.
NOT_JOINED = N_("Not filed: send JOIN and your code first, then %(report)s again.")
# HELP's lines for REPORT and STATUS (hsbp.sms.handlers.Keyword.hint), never switched off:
# people must always be able to complain.
HELP_HINTS = {
    "report": N_("%(word)s and what happened: a grievance."),
    "status": N_("%(word)s and your code: its stage."),
}


def _rest(text: str, words: int) -> str:
    """`text` without its first `words` words, its own line breaks kept."""
    parts = re.split(r"\s+", text.strip(), maxsplit=words)
    return parts[words].strip() if len(parts) > words else ""


def report(session: Session, incoming: Incoming) -> list[str]:
    """REPORT [ANON] <text>: file a grievance and answer with its code."""
    contact, locale = incoming.contact, incoming.locale
    partnership_id = incoming.partnership_id
    joined = partnership_id is not None and contacts.confirmed_membership(
        session, contact=contact, partnership_id=partnership_id
    )
    if not joined:
        return [messages.in_language(locale, NOT_JOINED)]
    words = incoming.words
    anonymous = len(words) > 1 and channel_texts.fold(words[1]) in {
        *messages.all_keyword_words("anonymous"),
        # a local language's own words, when the contact chose one (hsbp.sms.local_texts)
        *map(channel_texts.fold, messages.keyword_words("anonymous", locale)),
    }
    description = _rest(incoming.text, 2 if anonymous else 1)
    if not description:
        return [messages.text(locale, "needs_text")]
    partnership = session.get(Partnership, partnership_id)
    grievance = services.file_grievance(
        session,
        partnership=partnership,
        channel=Channel.SMS,
        description=description,
        locale=contact.locale or partnership.default_locale,
        complainant=services.Complainant(contact=contact),
        anonymous=anonymous,
    )
    key = "receipt_anonymous" if anonymous else "receipt"
    return [messages.text(locale, key, code=codes.shown(grievance.code))]


def status(session: Session, incoming: Incoming) -> list[str]:
    """STATUS <code>: the stage of the contact's own grievance, in their language."""
    contact, locale = incoming.contact, incoming.locale
    typed = _rest(incoming.text, 1)
    if not any(ch.isdecimal() for ch in typed):
        # No code at all. It may be a sentence that starts with the word (Swahili "hali" is
        # also "the state of"), but as likely words about a grievance: it stays confidential,
        # and the reply says how to ask, so a person who meant something else writes again.
        return [messages.text(locale, "status_needs_code")]
    code = codes.normalise(typed)
    grievance = None
    if code is not None:
        grievance = session.scalar(
            select(Grievance).where(Grievance.code == code, Grievance.contact_id == contact.id)
        )
    if grievance is None:
        incoming.message.route = WRONG_STATUS_ROUTE
        if _wrong_codes(session, contact) >= WRONG_STATUS_LIMIT:
            return []
        return [messages.text(locale, "status_unknown")]
    return [messages.stage_text(messages.locale_of(session, contact, grievance), grievance)]


def _wrong_codes(session: Session, contact: Contact) -> int:
    """Wrong codes this contact sent in the window before this message."""
    since = utcnow() - WRONG_STATUS_WINDOW
    return (
        session.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(
                InboundMessage.contact_id == contact.id,
                InboundMessage.route == WRONG_STATUS_ROUTE,
                InboundMessage.received_at >= since,
            )
        )
        - 1
    )  # this message is one of them (autoflush wrote its route)


def rating(session: Session, incoming: Incoming) -> list[str] | None:
    """The conversation after closing: a bare number from the complainant asked to rate the
    outcome. Anything else passes on (None), and the question stays open for later."""
    contact = incoming.contact
    if contact is None or not contact.awaiting.startswith(messages.AWAITING_RATING):
        return None
    grievance_id = contact.awaiting.removeprefix(messages.AWAITING_RATING)
    grievance = session.get(Grievance, int(grievance_id)) if grievance_id.isdigit() else None
    if (
        grievance is None
        or grievance.contact_id != contact.id
        or grievance.rating is not None
        or grievance.closed_at is None
        or grievance.closed_at < utcnow() - RATING_WINDOW
    ):
        contact.awaiting = ""
        return None
    answer = channel_texts.fold(incoming.text)
    if not answer.isdecimal():  # also Arabic-Indic digits: int("٤") == 4
        return None
    locale = messages.locale_of(session, contact, grievance)
    if not 1 <= int(answer) <= 5:
        return [messages.text(locale, "rate_invalid")]
    record_rating(session, grievance=grievance, value=int(answer))
    contact.awaiting = ""
    return [messages.text(locale, "rate_thanks")]


def record_rating(session: Session, *, grievance: Grievance, value: int) -> None:
    """Keep the complainant's rating of the outcome (1-5), once. Side effects: the rating and
    its date, an audit entry (without who rated, the complainant's identity being protected)."""
    if grievance.rating is not None or not 1 <= value <= 5:
        return
    grievance.rating, grievance.rated_at = value, utcnow()
    audit.record(
        session,
        actor_id=None,
        action="grievance.rate",
        obj=grievance,
        partnership_id=grievance.partnership_id,
        details={"rating": value},
    )


def init_app(app: Flask) -> None:
    """Register the grievance keywords and conversation with the SMS channel."""
    handlers = registry(app)
    for route, key, handler in ((REPORT_ROUTE, "report", report), (STATUS_ROUTE, "status", status)):
        handlers.keyword(
            route,
            messages.all_keyword_words(key),
            handler,
            confidential=True,
            catalog_words=messages.KEYWORDS[key],
            hint=HELP_HINTS[key],
        )
    handlers.conversation(RATING_ROUTE, rating, confidential=True)
    # A wrong code is a route the STATUS handler gives; stage notices and rating requests
    # are sent unasked, with the grievance's own kind.
    handlers.confidential(routes=(WRONG_STATUS_ROUTE,), kinds=(messages.SMS_KIND,))
