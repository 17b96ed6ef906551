"""What the complainant is told by SMS, in their language: the code, the stage, the rating.

Each text fits one SMS segment in every shipped language (tests/grievances/test_sms.py),
with a code as long as a real one; keywords inside a text (%(report)s, %(status)s) are the
first word of that language's list, so the person is told a word their own language knows.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hsbp.grievances import codes
from hsbp.grievances.models import Grievance, Stage
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, local_texts, sending
from hsbp.sms.models import Contact
from hsbp.sms.texts import N_, NP_, catalog, fold, has_texts

# English words always work too, as the channel's own keywords do.
KEYWORDS = {
    "report": NP_("SMS keywords to file a grievance; comma-separated", "REPORT"),
    "status": NP_(
        "SMS keywords to ask the stage of a grievance by its code; comma-separated", "STATUS"
    ),
    "anonymous": NP_(
        "SMS words said after the grievance keyword to file it without one's name; comma-separated",
        "ANON, ANONYMOUS",
    ),
}
KEYWORD_VALUES = {"report": "report", "status": "status"}

TEXTS = {
    "receipt": N_(
        "Grievance received. Your code: %(code)s. To check on it, send %(status)s %(code)s"
    ),
    "receipt_anonymous": N_(
        "Grievance received, without your name. Code: %(code)s. To check on it, send "
        "%(status)s %(code)s"
    ),
    "needs_text": N_("Send %(report)s followed by what happened."),
    "status_needs_code": N_("Send %(status)s followed by your grievance code."),
    "status_unknown": N_("No grievance with that code from this number."),
    "rate": N_("How well was grievance %(code)s resolved? Reply 1 (badly) to 5 (very well)."),
    "rate_thanks": N_("Thank you. Your rating is saved."),
    "rate_invalid": N_("Please reply with a number from 1 to 5."),
}
# The same text answers STATUS and tells of a change of stage: it says where things stand.
STAGE_TEXTS = {
    Stage.RECEIVED: N_("Grievance %(code)s: received, waiting to be acknowledged."),
    Stage.ACKNOWLEDGED: N_("Grievance %(code)s: acknowledged. It will be assessed."),
    Stage.ASSESSING: N_("Grievance %(code)s: being assessed."),
    Stage.RESPONSE_PROPOSED: N_(
        "Grievance %(code)s: a response is proposed. We will contact you about it."
    ),
    Stage.ACCEPTED: N_("Grievance %(code)s: the response is accepted and will be carried out."),
    Stage.APPEALED: N_("Grievance %(code)s: appealed. It will be assessed again."),
    Stage.REFERRED: N_("Grievance %(code)s: referred to a forum better placed to handle it."),
    Stage.CLOSED: N_("Grievance %(code)s: closed."),
}
SMS_KIND = "grievance"  # outgoing rows that answer no message: stage notices, rating requests
AWAITING_RATING = "grievance_rating:"  # Contact.awaiting, followed by the grievance's id


def keyword_words(key: str, locale: str) -> list[str]:
    """The words of grievance keyword `key` in `locale`, the one to show first."""
    context, words = KEYWORDS[key]
    local = catalog(locale).pgettext(context, words)
    return [w.strip() for w in local.split(",") if w.strip()]


def all_keyword_words(key: str) -> list[str]:
    """Every language's words for `key`, English included, folded and without repeats."""
    found: dict[str, None] = {}
    for locale in ("en", *UI_LOCALE_CODES):
        for word in keyword_words(key, locale):
            found.setdefault(fold(word), None)
    return list(found)


def in_language(locale: str | None, message: str, **values) -> str:
    """An SMS text in the contact's language, its keywords in that language too (English ones
    while the text itself is not translated, so a message never mixes two languages)."""
    locale = locale if has_texts(locale) else "en"
    written = catalog(locale).gettext(message)
    words_of = locale if written != message else "en"
    words = {name: keyword_words(key, words_of)[0] for name, key in KEYWORD_VALUES.items()}
    return written % {**words, **values}


def text(locale: str | None, key: str, **values) -> str:
    return in_language(locale, TEXTS[key], **values)


def stage_text(locale: str | None, grievance: Grievance) -> str:
    return in_language(locale, STAGE_TEXTS[grievance.stage], code=codes.shown(grievance.code))


def locale_of(session: Session, contact: Contact, grievance: Grievance) -> str:
    """The complainant's language (a local one with the partnership's translation), else
    the one they filed in, else the partnership's default."""
    partnership = session.get(Partnership, grievance.partnership_id)
    return local_texts.language(
        session, partnership=partnership, code=contact.locale or grievance.locale
    )


def tell_receipt(session: Session, grievance: Grievance) -> bool:
    """Send the complainant their code by SMS, for a grievance filed on the web or recorded by
    a facilitator with an SMS contact as its reply channel. True when an SMS was queued."""
    key = "receipt_anonymous" if grievance.anonymous else "receipt"
    return _send(session, grievance, lambda locale: [_receipt(locale, key, grievance)])


def _receipt(locale: str, key: str, grievance: Grievance) -> str:
    return text(locale, key, code=codes.shown(grievance.code))


def tell_stage(session: Session, grievance: Grievance) -> bool:
    """Tell the complainant the grievance's new stage; True when an SMS was queued.

    Only when the grievance came with an SMS contact who has not opted out and the
    partnership has a sender. On closing, also ask for a rating of the outcome (1-5) and mark
    the contact as awaiting it, unless they rated already. Side effects: outgoing SMS rows
    (sent after the commit), `Contact.awaiting`."""

    def bodies(locale: str) -> list[str]:
        found = [stage_text(locale, grievance)]
        if grievance.stage == Stage.CLOSED and grievance.rating is None:
            found.append(text(locale, "rate", code=codes.shown(grievance.code)))
            contact = session.get(Contact, grievance.contact_id)
            contact.awaiting = f"{AWAITING_RATING}{grievance.id}"
        return found

    return _send(session, grievance, bodies)


def _send(session: Session, grievance: Grievance, bodies_in) -> bool:
    contact = session.get(Contact, grievance.contact_id) if grievance.contact_id else None
    if contact is None or contact.opted_out:
        return False
    settings = contacts.settings_of(session, grievance.partnership_id)
    if settings is None:
        return False  # no number to send from
    for body in bodies_in(locale_of(session, contact, grievance)):
        sending.queue_sms(
            session,
            contact=contact,
            body=body,
            sender=settings.sender,
            kind=SMS_KIND,
            partnership_id=grievance.partnership_id,
        )
    return True
