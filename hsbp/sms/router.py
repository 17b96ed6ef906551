"""What an inbound message means: a keyword of the channel, a feature's handler, or the inbox.

Opt-out, opt-in, help and news words count only when they are the whole message (as at
Twilio), so "stop the dust from the trucks" is a message, not an opt-out. Opt-in (START,
and its localised words such as SI) counts only from a number that sent STOP: from anyone
else it is an ordinary message, the answer to a question or a broadcast. JOIN and LANG are
the first word. After STOP nothing is sent to the number but the one confirmation. HELP
tells a contact of the partnership every keyword it has switched on, in their language;
anyone else, how to join and stop.

On a number several partnerships share, a message goes where the person's own latest
choice says (hsbp.sms.routing). When that cannot tell, the message is held, in no
partnership's inbox, and the person is asked which partnership they mean; their numbered
answer makes it their choice and releases what was held, to be routed as if it had gone
there in the first place. A whole-message YES or NO answers a partnership's invitation
(hsbp.sms.confirmation) when one is open and it was the latest question, else the
conversations hear it first, as any reply.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Partnership
from hsbp.phones import sender_e164
from hsbp.sms import contacts, local_texts, routing, texts, updates
from hsbp.sms.handlers import Incoming, confidential_texts, registry
from hsbp.sms.models import Contact, ContactMembership, InboundMessage

log = logging.getLogger("hsbp.sms")
WHOLE_MESSAGE = {"stop", "start", "help", "news", "news_off", "no"}


def route(session: Session, message: InboundMessage) -> list[str]:
    """Act on a stored message; return the replies for its sender (none after STOP).

    Side effects: contact, consent and membership rows; `message.route`, `in_inbox`,
    `partnership_id`; `Contact.awaiting` for a numbered question; held messages released.
    """
    phone = message.from_phone
    if sender_e164(phone) != phone:
        message.route = "invalid_sender"  # kept for the record, never answered
        return []
    contact = contacts.find_contact(session, phone)
    message.contact_id = contact.id if contact else None
    body = message.body or ""
    words = body.split()
    table = texts.keyword_table()
    whole = texts.fold(" ".join(words))  # "NEWS  OFF" as "NEWS OFF"
    first = texts.fold(words[0]) if words else ""
    # A contact who chose a local language: its words stand for the English keywords, and
    # the partnership's translation answers (hsbp.sms.local_texts); None for anyone else.
    local = local_texts.for_message(session, contact=contact, to_number=message.to_number)
    if local is not None:
        whole, first = local.keyword(whole, table), local.keyword(first, table)
    action = table.get(whole) if table.get(whole) in WHOLE_MESSAGE else None
    if action is None and table.get(first) in ("join", "lang"):
        action = table[first]
    locale = local.locale if local else contact.locale if contact and contact.locale else "en"

    if action == "stop":
        message.route = "stop"
        contact = contact or contacts.get_or_create_contact(session, phone)
        message.contact_id = contact.id
        first_time = contacts.opt_out(
            session, contact=contact, channel="sms", inbound_id=message.id
        )
        return [texts.text(locale, "stopped")] if first_time else []
    # START acts only for a contact who sent STOP. Its words include YES (SI, DA, NDIYO...),
    # so from anyone else they are an ordinary message: an answer to a question, a
    # partnership's invitation or a broadcast, for the conversations and the inbox (below).
    if action == "start" and contact is not None and contact.opted_out:
        message.route = "start"
        contacts.opt_in(session, contact=contact, channel="sms", inbound_id=message.id)
        return [texts.text(locale, "started")]
    if action == "join":
        message.route = "join"
        return _join(session, message, words[1:], locale)

    senders = contacts.settings_for_sender(session, message.to_number)
    if not senders:
        message.route = "unknown_number"  # stored for the record; nobody to answer for
        return []
    # A keyword about the number itself (a request to be erased) is heard before anything
    # asks which partnership is meant, and from a number that is no contact yet, so it can
    # be told so; not from one that sent STOP, which is sent nothing (its message goes to
    # the inbox, where a facilitator reads it).
    number_wide = registry().number_keyword(first)
    if number_wide is not None and not (contact is not None and contact.opted_out):
        name, handler = number_wide
        message.route = name
        heard = Incoming(
            message=message, contact=contact, partnership_id=None, text=body, locale=locale
        )
        replies = handler(session, heard)
        if replies is not None:
            return replies
        message.route = ""
    resolution = routing.resolve(session, contact=contact, senders=senders)
    message.partnership_id = resolution.partnership_id
    if local and resolution.partnership_id not in (None, local.partnership_id):
        locale = local_texts.contact_language(
            session, contact=contact, partnership_id=resolution.partnership_id
        )
    if contact is None or contact.opted_out:
        # Unknown or opted-out numbers are heard (the inbox) but never answered.
        return _to_inbox(
            session,
            message,
            contact,
            reply=contact is None,
            locale=locale,
            not_joined=True,
        )
    if contact.awaiting in contacts.CHOICES and whole.isdigit():
        picked = _pick(session, message, contact, senders, int(whole), locale)
        if picked is not None:
            return picked
    invitations = []
    if action in ("start", "no"):
        invitations = routing.open_invitations(
            session, contact=contact, partnership_ids=[s.partnership_id for s in senders]
        )
    if invitations and (
        resolution.choices
        or any(m.chosen_at for m in invitations)  # picked from the list for this answer
        or routing.last_sent_kind(session, contact=contact, sender=message.to_number)
        == contacts.INVITATION_KIND
    ):
        return _answer(session, message, contact, invitations, action == "start", locale)
    if action == "help":
        message.route = "help"
        return _help(session, contact, resolution.partnership_id, senders, locale)
    if action == "lang" or (contact.awaiting == "language" and whole.isdigit()):
        message.route = "lang"
        if action == "lang" and len(words) == 1:
            return _ask_language(session, contact, resolution.partnership_id, locale)
        choice = words[1] if action == "lang" and len(words) > 1 else whole
        return _set_language(session, contact, choice, resolution.partnership_id, locale)
    if contact.awaiting == "language":
        # Something else than the number asked for: the menu is over, so a later 1 or 2
        # answers a vote or a question, not the language.
        contact.awaiting = ""
    if resolution.choices:
        return _hold(session, message, contact, resolution.choices, locale)
    partnership_id = resolution.partnership_id
    if action in ("news", "news_off"):
        message.route = action
        return updates.from_sms(
            session,
            contact=contact,
            partnership_id=partnership_id,
            wanted=action == "news",
            inbound_id=message.id,
            locale=locale,
        )

    incoming = Incoming(
        message=message, contact=contact, partnership_id=partnership_id, text=body, locale=locale
    )
    handlers = registry()
    # A keyword its partnership switched off is an ordinary message; a keyword's handler
    # may pass too (None), and the message goes on as any other.
    keyword = handlers.find(first, off=_switched_off(senders, partnership_id))
    if keyword is not None:
        name, handler = keyword
        message.route = name
        replies = handler(session, incoming)
        if replies is not None:
            return replies
        message.route = ""
    for name, handler in handlers.conversations:
        replies = handler(session, incoming)
        if replies is not None:
            message.route = name
            return replies
    if invitations:
        return _answer(session, message, contact, invitations, action == "start", locale)
    # No partnership: a number that confirmed none of those sharing this sender.
    return _to_inbox(
        session, message, contact, reply=True, locale=locale, not_joined=partnership_id is None
    )


def _switched_off(senders, partnership_id: int | None) -> list[str]:
    """The keywords the partnership a message reached switched off (none for no partnership)."""
    settings = next((s for s in senders if s.partnership_id == partnership_id), None)
    return list(settings.keywords_off or []) if settings is not None else []


def _help(session, contact: Contact, partnership_id: int | None, senders, locale: str):
    """HELP: to a contact of the partnership the message reached, every keyword it has
    switched on, in the contact's words; to anyone else, how to join and stop."""
    if partnership_id is None or not contacts.confirmed_membership(
        session, contact=contact, partnership_id=partnership_id
    ):
        return [texts.text(locale, "help")]
    shown = registry().shown(off=_switched_off(senders, partnership_id))
    return texts.partnership_help(locale, [(k.catalog_words, k.hint) for k in shown])


def _to_inbox(session, message, contact, *, reply: bool, locale: str, not_joined=False):
    message.route = "inbox"
    message.in_inbox = True
    if not reply:
        return []
    if not_joined:
        return [texts.text(locale, "not_joined")]
    return [texts.text(locale, "received")] if contacts.touch_options_reply(contact) else []


def _names(session: Session, partnership_ids: list[int]) -> list[str]:
    found = dict(
        session.execute(
            select(Partnership.id, Partnership.name).where(Partnership.id.in_(partnership_ids))
        ).all()
    )
    return [found[pid] for pid in partnership_ids]


def _hold(session, message, contact: Contact, choices: list[int], locale: str, *, kind=None):
    """Keep the message in no partnership's inbox and ask which partnership it is for."""
    message.route = contacts.HELD
    message.partnership_id = None
    message.in_inbox = False
    contact.awaiting = kind or contacts.CHOOSE_PARTNERSHIP
    return _which(session, choices, locale)


def _which(session, choices: list[int], locale: str) -> list[str]:
    # The list names partnerships the number belongs to: on a shared sender each of them
    # could read the thread, so the question is shown on no page (and blanked once sent).
    return confidential_texts(texts.which_partnership(locale, _names(session, choices)))


def _pick(session, message, contact: Contact, senders, number: int, locale: str):
    """A number answering the list of partnerships; None when the list no longer applies
    (the person chose meanwhile), so the number is routed like any message."""
    if contact.awaiting == contacts.CHOOSE_INVITATION:
        open_ones = routing.open_invitations(
            session, contact=contact, partnership_ids=[s.partnership_id for s in senders]
        )
        choices = routing.latest_choice(open_ones).choices if open_ones else []
    else:
        choices = routing.resolve(session, contact=contact, senders=senders).choices
    if not choices:
        contact.awaiting = ""
        return None
    message.route = "choice"
    if not 1 <= number <= len(choices):
        return _which(session, choices, locale)
    chosen = choices[number - 1]
    invitation = contact.awaiting == contacts.CHOOSE_INVITATION
    member = contacts.membership(session, contact=contact, partnership_id=chosen)
    contacts.choose(session, contact=contact, member=member)
    message.partnership_id = chosen
    if invitation:
        return []  # the answer it releases is acknowledged in its turn
    return [texts.with_name(locale, "chosen", _names(session, [chosen])[0])]


def _answer(session, message, contact, invitations: list[ContactMembership], yes: bool, locale):
    """YES or NO to a partnership's invitation; asked which, when several are open."""
    pick = routing.latest_choice(invitations)
    if pick.partnership_id is None:
        return _hold(
            session, message, contact, pick.choices, locale, kind=contacts.CHOOSE_INVITATION
        )
    member = next(m for m in invitations if m.partnership_id == pick.partnership_id)
    contacts.answer_invitation(
        session, contact=contact, member=member, yes=yes, inbound_id=message.id
    )
    message.route = "confirm" if yes else "decline"
    message.partnership_id = member.partnership_id
    name = _names(session, [member.partnership_id])[0]
    return [texts.with_name(locale, "confirmed" if yes else "declined", name)]


def _join(session: Session, message: InboundMessage, rest: list[str], locale: str) -> list[str]:
    if not rest:
        return [texts.text(locale, "join_needs_code")]
    code = texts.fold(rest[0])
    settings = contacts.settings_for_code(session, code)
    if settings is None:
        return [texts.text(locale, "unknown_code", code=code[:20])]
    contact = contacts.get_or_create_contact(session, message.from_phone)
    message.contact_id = contact.id
    message.partnership_id = settings.partnership_id
    contacts.join(
        session,
        contact=contact,
        partnership_id=settings.partnership_id,
        channel="sms",
        inbound_id=message.id,
    )
    partnership = session.get(Partnership, settings.partnership_id)
    choices = sms_locales(partnership)
    if contact.locale is None:
        default = partnership.default_locale
        contact.locale = default if default in choices else _first_shipped(choices)
    locale = local_texts.language(session, partnership=partnership, code=contact.locale)
    replies = [texts.text(locale, "joined", code=settings.join_code)]
    if len(choices) > 1:
        contact.awaiting = "language"
        replies.append(texts.text(locale, "choose_language", menu=_menu(session, partnership)))
    return replies


def _first_shipped(choices: list[str]) -> str:
    return next((code for code in choices if code in UI_LOCALE_CODES), "en")


def _menu(session: Session, partnership: Partnership | None) -> str:
    """'1 Español, 2 English, 3 Nasa Yuwe': the languages a contact may choose by number."""
    if partnership is None:
        return texts.language_menu(sms_locales(None))
    names = local_texts.language_names(session, partnership)
    return texts.language_menu(sms_locales(partnership), names)


def sms_locales(partnership: Partnership | None) -> list[str]:
    """The languages a contact can pick: the partnership's, where the channel has texts (the
    shipped ones, and local ones with their essential texts: hsbp.sms.local_texts)."""
    if partnership is None:
        return list(UI_LOCALE_CODES)
    return local_texts.sms_locales(object_session(partnership), partnership)


def _ask_language(session, contact: Contact, partnership_id: int | None, locale: str):
    """LANG alone: the numbered menu; the number that answers it is read before any
    conversation (a vote's 1, 2 or 3 too)."""
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    contact.awaiting = "language"
    return [texts.text(locale, "choose_language", menu=_menu(session, partnership))]


def _set_language(
    session, contact: Contact, choice: str, partnership_id: int | None, locale: str
) -> list[str]:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    choices = sms_locales(partnership)
    picked = texts.fold(choice).lower()
    if picked.isdigit() and 1 <= int(picked) <= len(choices):
        picked = choices[int(picked) - 1]
    if picked not in UI_LOCALE_CODES and picked not in choices:
        return [texts.text(locale, "unknown_language", menu=_menu(session, partnership))]
    contact.locale = picked
    contact.awaiting = ""
    if partnership is not None:
        picked = local_texts.language(session, partnership=partnership, code=picked)
    return [texts.text(picked, "language_set")]


def inbound_by_sid(session: Session, sid: str) -> InboundMessage | None:
    return session.scalar(select(InboundMessage).where(InboundMessage.provider_sid == sid))
