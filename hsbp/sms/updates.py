"""Contacts' consent to news of a partnership's work (an action done, say), apart from joining.

A contact sends NEWS (in their language: NOTICIAS, NOUVELLES...) to ask for news of the
partnership their message reaches, and NEWS OFF to stop news only; STOP still stops every
message, news included, and START brings back what they had chosen. Each change is a consent
event ("updates_on", "updates_off") beside the membership's `wants_updates`. Features send
news to `subscribers()`; the channel knows nothing of what the news is about.
"""

from __future__ import annotations

from flask_babel import lazy_pgettext as _p
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from hsbp.sms import contacts, texts
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, catalog

UPDATES_ON, UPDATES_OFF = "updates_on", "updates_off"

# For the facilitators' consent history (hsbp.sms.admin_forms.CONSENT_EVENT_LABELS).
CONSENT_LABELS = {
    UPDATES_ON: _p("SMS consent", "Asked for news"),
    UPDATES_OFF: _p("SMS consent", "Stopped news"),
}

# The keywords are shown in the contact's own language: each placeholder is the first word
# of the catalog's list for its keyword (hsbp.sms.texts.KEYWORDS).
KEYWORD_VALUES = {"news": "news", "off": "news_off", "stop": "stop"}
TEXTS = {
    "on": N_(
        "You will get news of the partnership's work. Send %(off)s to stop news only, "
        "%(stop)s to stop all messages."
    ),
    "off": N_("You will get no more news. Other messages go on. Send %(news)s to get news again."),
}


def keyword(locale: str | None, action: str) -> str:
    """The first word `action` (news, news_off, stop) has in `locale`: the one to show."""
    context, words = texts.KEYWORDS[action]
    local = catalog(locale or "en").pgettext(context, words)
    return next((w.strip() for w in local.split(",") if w.strip()), words.split(",")[0])


def in_language(locale: str | None, message: str, **values) -> str:
    """An SMS text marked with N_ in the contact's language, its %(news)s, %(off)s and
    %(stop)s naming the keywords of that language (English ones while the text itself is not
    translated, so a message never mixes two languages)."""
    written = catalog(locale or "en").gettext(message)
    words_of = locale if written != message else "en"
    keywords = {name: keyword(words_of, action) for name, action in KEYWORD_VALUES.items()}
    return written % {**keywords, **values}


def text(locale: str | None, key: str) -> str:
    return in_language(locale, TEXTS[key])


def set_updates(
    session: Session,
    *,
    contact: Contact,
    partnership_id: int,
    wanted: bool,
    channel: str,
    inbound_id: int | None = None,
    user_id: int | None = None,
    note: str = "",
) -> ContactMembership | None:
    """Record whether `contact` wants the partnership's news. Returns the membership, or None
    when the contact has not joined that partnership or not confirmed it (nothing changes
    then: a pending contact hears nothing, news included).

    Side effects: `wants_updates`, and a consent event when it changes (asking twice is one
    consent, as STOP twice is one opt-out).
    """
    found = contacts.confirmed_membership(session, contact=contact, partnership_id=partnership_id)
    if found is None:
        return None
    if found.wants_updates != wanted:
        found.wants_updates = wanted
        contacts.record_consent(
            session,
            contact=contact,
            event=UPDATES_ON if wanted else UPDATES_OFF,
            channel=channel,
            partnership_id=partnership_id,
            inbound_id=inbound_id,
            user_id=user_id,
            note=note,
        )
        session.flush()
    return found


def from_sms(
    session: Session,
    *,
    contact: Contact,
    partnership_id: int | None,
    wanted: bool,
    inbound_id: int,
    locale: str,
) -> list[str]:
    """NEWS or NEWS OFF by SMS: the change and its confirmation, in the contact's language."""
    found = None
    if partnership_id is not None:
        found = set_updates(
            session,
            contact=contact,
            partnership_id=partnership_id,
            wanted=wanted,
            channel="sms",
            inbound_id=inbound_id,
        )
    if found is None:
        return [texts.text(locale, "not_joined")]
    return [text(locale, "on" if wanted else "off")]


def _subscribed(partnership_id: int):
    return (
        ContactMembership.partnership_id == partnership_id,
        ContactMembership.wants_updates.is_(True),
        contacts.confirmed(),
        Contact.opted_out.is_(False),
    )


def subscribers(session: Session, *, partnership_id: int) -> list[Contact]:
    """The partnership's contacts who asked for news and have not sent STOP since, with
    only what sending needs (id and language), in a stable order."""
    return list(
        session.scalars(
            select(Contact)
            .options(load_only(Contact.id, Contact.locale, Contact.opted_out))
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .where(*_subscribed(partnership_id))
            .order_by(Contact.id)
        )
    )


def count_subscribers(session: Session, *, partnership_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Contact)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(*_subscribed(partnership_id))
    )
