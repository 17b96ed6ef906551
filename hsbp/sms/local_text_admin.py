"""Writing the system SMS texts in a partnership's local languages: progress, saving, removing.

Facilitators, and members given the translator permission (hsbp.partnerships.members), write
them; a translation is checked first (hsbp.sms.local_text_checks), takes effect with the next
SMS (the senders read translations per transaction: hsbp.sms.local_texts), and every change
is audited by ids, with the English text it translates as the label.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role
from hsbp.sms import encoding, local_texts
from hsbp.sms.local_text_checks import Checked, Entry, Writing, check, entries, writing
from hsbp.sms.models import LocalText

audit.ACTION_LABELS.update(
    {
        "sms_text.save": _l("SMS text written in a local language"),
        "sms_text.remove": _l("SMS text in a local language removed"),
    }
)


def may_translate(membership: Membership | None) -> bool:
    """Facilitators, and members given the translator permission, whatever their role."""
    return membership is not None and (
        membership.role == Role.FACILITATOR or bool(membership.translator)
    )


@dataclass
class Progress:
    """How far a local language is: texts written of all, and what LANG waits for."""

    locale: str
    name: str
    done: int
    total: int
    essential_missing: int

    @property
    def offered(self) -> bool:
        """Whether contacts can choose it with LANG."""
        return self.essential_missing == 0


def progress(session: Session, *, partnership: Partnership) -> list[Progress]:
    """Each local language of the partnership with its progress (one query for all)."""
    local = local_texts.local_locales(partnership)
    found = local_texts.written(session, partnership_id=partnership.id, locales=local)
    names = local_texts.language_names(session, partnership)
    every = entries()
    out = []
    for code in local:
        done = {e.key for e in every if found[code].get(e.key)}
        missing = sum(1 for e in every if e.essential and e.key not in done)
        out.append(Progress(code, names[code], len(done), len(every), missing))
    return out


@dataclass
class Row:
    """One entry of the list, in one language."""

    entry: Entry
    reference: str  # what contacts get while it is missing
    text: str | None
    size: encoding.SegmentCount | None


def rows(session: Session, *, partnership: Partnership, locale: str) -> tuple[Writing, list[Row]]:
    """Every entry with the default language's version and this language's translation,
    measured with sample values (the same few queries however many entries)."""
    context = writing(session, partnership=partnership, locale=locale)
    out = []
    for entry in entries():
        text = context.own.get(entry.key)
        size = None
        if text and not (entry.is_words or entry.is_name):
            size = encoding.measure(context.filled(entry, text))
        reference = context.reference(entry)
        out.append(Row(entry, reference, text, size))
    return context, out


def outdated(context: Writing) -> list[tuple[str, str]]:
    """(English as it was, translation) of texts changed in the code since they were
    translated: no longer sent, shown so that translators can start from them."""
    current = {entry.key for entry in entries()}
    found = [(msgid, text) for msgid, text in context.own.items() if msgid not in current]
    return [(msgid.split("\x04")[-1], text) for msgid, text in sorted(found)]


def _guard(membership: Membership | None, partnership: Partnership, locale: str) -> None:
    if not may_translate(membership) or membership.partnership_id != partnership.id:
        raise ServiceError(_l("Only facilitators and translators write the SMS texts."))
    if locale not in local_texts.local_locales(partnership):
        raise ServiceError(_l("This is not a local language of the partnership."))


def save(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    partnership: Partnership,
    locale: str,
    entry: Entry,
    text: str,
) -> Checked:
    """Store the partnership's translation of `entry` into `locale`, if `check` finds
    nothing wrong. Returns what was stored.

    Side effects: the row (added or changed), the session's translations read again so the
    next SMS uses it, an audit entry. Raises ServiceError (field "text") when refused.
    """
    _guard(membership, partnership, locale)
    checked = check(writing(session, partnership=partnership, locale=locale), entry, text)
    if checked.errors:
        raise ServiceError(" ".join(checked.errors), field="text")
    row = _row(session, partnership.id, locale, entry)
    if row is None:
        try:
            with session.begin_nested():
                row = LocalText(
                    partnership_id=partnership.id,
                    locale=locale,
                    msgid=entry.key,
                    msgid_hash=entry.hash,
                    text=checked.text,
                    updated_by_id=actor.id,
                )
                session.add(row)
        except IntegrityError:  # another translator saved it a moment before: this one wins
            row = _row(session, partnership.id, locale, entry)
    row.text, row.updated_by_id = checked.text, actor.id
    session.flush()
    local_texts.forget(session)
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_text.save",
        obj=row,
        partnership_id=partnership.id,
        details={"locale": locale, "source": _label(entry), "segments": checked.size.segments},
    )
    return checked


def remove(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    partnership: Partnership,
    locale: str,
    entry: Entry,
) -> bool:
    """Delete the translation: contacts get the default language's text again. False when
    there was none. Side effects: the row deleted, the translations read again, an audit
    entry."""
    _guard(membership, partnership, locale)
    row = _row(session, partnership.id, locale, entry)
    if row is None:
        return False
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_text.remove",
        obj=row,
        partnership_id=partnership.id,
        details={"locale": locale, "source": _label(entry)},
    )
    session.delete(row)
    session.flush()
    local_texts.forget(session)
    return True


def _label(entry: Entry) -> str:
    """The English text, short: how the log names what was translated."""
    return entry.source if len(entry.source) <= 60 else entry.source[:57] + "..."


def _row(session: Session, partnership_id: int, locale: str, entry: Entry) -> LocalText | None:
    return session.scalar(
        select(LocalText).where(
            LocalText.partnership_id == partnership_id,
            LocalText.locale == locale,
            LocalText.msgid_hash == entry.hash,
        )
    )
