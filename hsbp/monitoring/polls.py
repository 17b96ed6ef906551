"""SMS polls of an indicator: starting one, reading the numbers contacts reply (a handler of
the SMS channel), and closing it into one measured value of the indicator.

Each contact asked has one reply row: a second number replaces the first, so nobody counts
twice. A reply that is no number, or a number out of the indicator's range, is asked again
twice, then the poll stops asking that contact. Closing records ONE measurement (method
"sms", reported by the facilitator who started the poll), a correction when the period
already had a value.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_decimal_symbol
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.monitoring import services, sms_turns
from hsbp.monitoring.models import Indicator, Kind, Measurement, Method
from hsbp.monitoring.poll_models import Aggregate, PollReply, PollStatus, ReplyState, SmsPoll
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, encoding
from hsbp.sms.admin_common import ensure_one_sms
from hsbp.sms.broadcasts import Audience, audience_contacts
from hsbp.sms.handlers import Incoming
from hsbp.sms.models import Contact
from hsbp.sms.texts import N_, babel_locale, in_language

audit.ACTION_LABELS.update(
    {
        "indicator.poll_start": _l("SMS poll started"),
        "indicator.poll_close": _l("SMS poll closed"),
    }
)
SMS_KIND = "poll"
MAX_REPROMPTS = 2
TEXTS = {
    "number": N_("Please reply with a number only, for example 12."),
    "between": N_("Please reply with a number from %(low)s to %(high)s."),
    "at_least": N_("Please reply with a number of %(low)s or more."),
    "thanks": N_("Thank you! Your answer is saved. Send another number to change it."),
    "closed": N_("This SMS poll has closed. Thank you."),
}
# The Arabic decimal and thousands separators. Arabic-Indic digits need nothing: \d matches
# them and Decimal() reads them.
ARABIC_SEPARATORS = str.maketrans("\u066b\u066c", ".,")


def text(locale: str, key: str, **values) -> str:
    return in_language(locale, TEXTS[key], **values)


def parse_number(reply: str, locale: str) -> Decimal | None:
    """A number as a contact writes it: "12", " 12 ", "12,5" or "12.5", "1.500" (es) or
    "1,500" (en) for fifteen hundred, Arabic-Indic digits; None when it is not one."""
    raw = re.sub(r"\s+", "", reply.translate(ARABIC_SEPARATORS)).rstrip(".!?")
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)*", raw):
        return None
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return Decimal(raw)
    separator = raw[-len(parts[-1]) - 1]
    # "1.500" in Spanish is fifteen hundred; "12.5" is twelve and a half everywhere.
    if len(parts[-1]) == 3 and separator != get_decimal_symbol(babel_locale(locale)):
        return Decimal("".join(parts))
    return Decimal("".join(parts[:-1]) + "." + parts[-1])


def reply_range(indicator: Indicator, poll: SmsPoll) -> tuple[Decimal, Decimal | None]:
    """(lowest, highest or None) a reply may be: a percentage 0-100, a level of the scale, and
    never negative (a count, an amount); answers compared to a threshold only not negative."""
    if poll.aggregate == Aggregate.SHARE_AT_LEAST:
        return Decimal(0), None
    if indicator.kind == Kind.PERCENTAGE:
        return Decimal(0), Decimal(100)
    if indicator.kind == Kind.SCALE:
        return Decimal(1), Decimal(len(indicator.levels))
    return Decimal(0), None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _in_range(indicator, poll, value: Decimal) -> bool:
    low, high = reply_range(indicator, poll)
    if indicator.kind == Kind.SCALE and value != value.to_integral():
        return False
    return value >= low and (high is None or value <= high)


def start_poll(session: Session, *, actor: User, indicator: Indicator, fields: dict) -> SmsPoll:
    """fields: question {locale: text} (the default language required, each one SMS),
    audience ("all", "locality:<name>", "tag:<id>"...), period_on (date), aggregate,
    threshold (for a share), closes_at (aware datetime, in the future).
    Side effects: the poll, a reply row per opted-in contact of the audience, the question
    sent at once to those not answering something else, an audit entry."""
    partnership = session.get(Partnership, indicator.partnership_id)
    question = {
        code: encoding.normalise(text.strip())
        for code, text in (fields.get("question") or {}).items()
        if code in partnership.locales and text and text.strip()
    }
    if not question.get(partnership.default_locale):
        raise ServiceError(
            _l("Write the question in the partnership's default language at least."),
            field=f"question_{partnership.default_locale}",
        )
    ensure_one_sms(question, field=lambda code: f"question_{code}")
    audience = Audience.parse(fields.get("audience"))
    if not isinstance(fields.get("period_on"), date):
        raise ServiceError(_l("Give the period."), field="period_on")
    aggregate, threshold = _aggregate_of(indicator, fields)
    closes_at = fields.get("closes_at")
    if closes_at is None or closes_at <= utcnow():
        raise ServiceError(_l("The poll must close in the future."), field="closes_on")
    if contacts.settings_of(session, partnership.id) is None:
        raise ServiceError(_l("Set up the partnership's SMS sender first."))
    reachable = [
        c
        for c in audience_contacts(session, partnership_id=partnership.id, audience=audience)
        if not c.opted_out
    ]
    if not reachable:
        raise ServiceError(_l("Nobody in this audience can receive messages."), field="audience")
    poll = SmsPoll(
        partnership_id=partnership.id,
        indicator_id=indicator.id,
        question=question,
        audience={"kind": audience.kind, "value": audience.value},
        period_on=fields["period_on"],
        aggregate=aggregate,
        threshold=threshold,
        closes_at=closes_at,
        status=PollStatus.OPEN,
        created_by_id=actor.id,
    )
    session.add(poll)
    session.flush()
    started = 0
    for contact in reachable:
        reply = PollReply(partnership_id=partnership.id, poll_id=poll.id, contact_id=contact.id)
        session.add(reply)
        session.flush()
        if not sms_turns.busy(session, contact.id):
            question = _ask(session, poll, reply, contact)
            sms_turns.send(session, contact, partnership.id, [question], kind=SMS_KIND)
            started += 1
    audit.record(
        session,
        actor_id=actor.id,
        action="indicator.poll_start",
        obj=indicator,
        partnership_id=partnership.id,
        details={"poll": poll.id, "asked": len(reachable), "started": started},
    )
    return poll


def _aggregate_of(indicator: Indicator, fields: dict) -> tuple[str, Decimal | None]:
    aggregate = fields.get("aggregate") or Aggregate.MEAN
    if aggregate not in {a.value for a in Aggregate}:
        raise ServiceError(_l("Choose how the replies become the value."), field="aggregate")
    if aggregate == Aggregate.SUM and indicator.kind not in (Kind.NUMBER, Kind.MONEY):
        raise ServiceError(
            _l("Only a number or an amount of money can be the sum of the replies."),
            field="aggregate",
        )
    if aggregate != Aggregate.SHARE_AT_LEAST:
        return aggregate, None
    if indicator.kind != Kind.PERCENTAGE:
        raise ServiceError(
            _l("Only a percentage can be the share of the replies."), field="aggregate"
        )
    return aggregate, services.number(fields.get("threshold"), field="threshold")


def _ask(session: Session, poll: SmsPoll, reply: PollReply, contact: Contact) -> str:
    reply.state = ReplyState.ASKED
    reply.reprompts = 0
    locale = sms_turns.locale_of(session, contact, poll.partnership_id)
    default = session.get(Partnership, poll.partnership_id).default_locale
    return translated(poll.question, locale=locale, fallback=default)


def start_waiting(session: Session, contact: Contact, replying_for: int | None) -> list[str]:
    """Ask the contact's oldest waiting poll, if any (called when the contact is free)."""
    row = session.execute(
        select(PollReply, SmsPoll)
        .join(SmsPoll, SmsPoll.id == PollReply.poll_id)
        .where(
            PollReply.contact_id == contact.id,
            PollReply.state == ReplyState.WAITING,
            SmsPoll.status == PollStatus.OPEN,
            SmsPoll.closes_at > utcnow(),
        )
        .order_by(PollReply.invited_at, PollReply.id)
        .limit(1)
    ).first()
    if row is None:
        return []
    reply, poll = row
    question = _ask(session, poll, reply, contact)
    if poll.partnership_id == replying_for:
        return [question]
    sms_turns.send(session, contact, poll.partnership_id, [question], kind=SMS_KIND)
    return []


def handle_message(session: Session, incoming: Incoming) -> list[str] | None:
    """The SMS channel's conversation handler: the number a contact replies to the poll
    question asked, or the one message after the poll closed. None passes the message on."""
    return _handle(
        session,
        incoming,
        (PollReply.state == ReplyState.ASKED) | PollReply.tell_closed.is_(True),
    )


def handle_correction(session: Session, incoming: Incoming) -> list[str] | None:
    """A new number from a contact who already answered a poll still open replaces their
    answer. Registered after the other features' handlers, so a bare number another one
    asked for since (the rating of a grievance's outcome) goes there first."""
    return _handle(
        session,
        incoming,
        (PollReply.state == ReplyState.ANSWERED) & (SmsPoll.status == PollStatus.OPEN),
    )


def _handle(session: Session, incoming: Incoming, which) -> list[str] | None:
    contact = incoming.contact
    if contact is None or incoming.partnership_id is None:
        return None
    found = session.execute(
        select(PollReply, SmsPoll)
        .join(SmsPoll, SmsPoll.id == PollReply.poll_id)
        .where(
            PollReply.contact_id == contact.id,
            SmsPoll.partnership_id == incoming.partnership_id,
            which,
        )
        .order_by(PollReply.answered_at.desc(), PollReply.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    reply, poll = found
    locale = sms_turns.locale_of(session, contact, poll.partnership_id)
    if poll.status == PollStatus.OPEN and poll.closes_at <= utcnow():
        close_poll(session, poll=poll)  # past its closing time, not swept yet
    if reply.tell_closed:
        reply.tell_closed = False
        incoming.message.in_inbox = True
        later = sms_turns.start_next(session, contact, poll.partnership_id)
        return [text(locale, "closed"), *later]
    if reply.state == ReplyState.ENDED:
        return None
    return _read(session, reply, poll, incoming, locale)


def _read(session, reply: PollReply, poll: SmsPoll, incoming: Incoming, locale: str):
    indicator = session.get(Indicator, poll.indicator_id)
    value = parse_number(incoming.text, locale)
    fits = value is not None and _in_range(indicator, poll, value)
    if reply.state == ReplyState.ANSWERED and not fits:
        return None  # not a new answer: something else, for the inbox or another handler
    if not fits:
        if reply.reprompts >= MAX_REPROMPTS:
            reply.state = ReplyState.GAVE_UP
            incoming.message.in_inbox = True
            return sms_turns.start_next(session, incoming.contact, poll.partnership_id)
        reply.reprompts += 1
        return [_retry(indicator, poll, locale, value)]
    reply.value = value
    reply.state = ReplyState.ANSWERED
    reply.answered_at = utcnow()
    later = sms_turns.start_next(session, incoming.contact, poll.partnership_id)
    return [text(locale, "thanks"), *later]


def _retry(indicator, poll, locale: str, value: Decimal | None) -> str:
    if value is None:
        return text(locale, "number")
    low, high = reply_range(indicator, poll)
    if high is None:
        return text(locale, "at_least", low=_plain(low))
    return text(locale, "between", low=_plain(low), high=_plain(high))


def aggregate(poll: SmsPoll, indicator: Indicator, values: list[Decimal]) -> Decimal | None:
    """The replies as one value: their mean (a scale's rounded to the nearest level), their
    sum, or the percentage of them at or above the threshold. None without replies."""
    if not values:
        return None
    if poll.aggregate == Aggregate.SUM:
        return sum(values, Decimal(0))
    if poll.aggregate == Aggregate.SHARE_AT_LEAST:
        share = Decimal(100) * sum(1 for v in values if v >= poll.threshold) / len(values)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    mean = sum(values, Decimal(0)) / len(values)
    step = Decimal(1) if indicator.kind == Kind.SCALE else Decimal("0.01")
    return mean.quantize(step, rounding=ROUND_HALF_UP)


def answered_values(session: Session, poll: SmsPoll) -> list[Decimal]:
    return list(
        session.scalars(
            select(PollReply.value).where(
                PollReply.poll_id == poll.id, PollReply.state == ReplyState.ANSWERED
            )
        )
    )


def close_poll(session: Session, *, poll: SmsPoll, actor: User | None = None) -> None:
    """Close the poll and record its value. Side effects: the replies still awaited ended
    (their contacts told at their next message), one measurement when anyone replied (a
    correction if the period has a value), an audit entry."""
    if poll.status == PollStatus.CLOSED:
        return
    for reply in session.scalars(
        select(PollReply).where(
            PollReply.poll_id == poll.id,
            PollReply.state.in_((ReplyState.WAITING, ReplyState.ASKED)),
        )
    ):
        reply.tell_closed = reply.state == ReplyState.ASKED
        reply.state = ReplyState.ENDED
    poll.status = PollStatus.CLOSED
    poll.closed_at = utcnow()
    indicator = session.get(Indicator, poll.indicator_id)
    values = answered_values(session, poll)
    value = aggregate(poll, indicator, values)
    if value is not None:
        poll.measurement_id = _measure(session, poll, indicator, value, len(values)).id
    session.flush()
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="indicator.poll_close",
        obj=indicator,
        partnership_id=poll.partnership_id,
        details={"poll": poll.id, "replies": len(values), "value": str(value)},
    )


def _measure(session, poll: SmsPoll, indicator: Indicator, value: Decimal, replies: int):
    partnership = session.get(Partnership, poll.partnership_id)
    with force_locale(partnership.default_locale):
        note = ngettext("SMS poll: %(num)d reply", "SMS poll: %(num)d replies", replies)
    had_value = session.scalar(
        select(func.count())
        .select_from(Measurement)
        .where(
            Measurement.indicator_id == indicator.id,
            Measurement.period_on == poll.period_on,
            Measurement.breakdown == "",
        )
    )
    return services.record_value(
        session,
        actor=session.get(User, poll.created_by_id) if poll.created_by_id else None,
        indicator=indicator,
        period_on=poll.period_on,
        value=value,
        note=note,
        method=Method.SMS,
        correction=bool(had_value),
    )


def close_due(session: Session, *, now) -> int:
    """Close every open poll past its closing time; how many."""
    due = session.scalars(
        select(SmsPoll).where(SmsPoll.status == PollStatus.OPEN, SmsPoll.closes_at <= now)
    ).all()
    for poll in due:
        close_poll(session, poll=poll)
    return len(due)


def summary(session: Session, *, poll_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{poll id: (contacts asked, replies)} in one query."""
    if not poll_ids:
        return {}
    rows = session.execute(
        select(
            PollReply.poll_id,
            func.count(),
            func.count(PollReply.value).filter(PollReply.state == ReplyState.ANSWERED),
        )
        .where(PollReply.poll_id.in_(poll_ids))
        .group_by(PollReply.poll_id)
    )
    return {poll_id: (asked, answered) for poll_id, asked, answered in rows}


def polls_of(session: Session, *, indicator: Indicator) -> list[SmsPoll]:
    return list(
        session.scalars(
            select(SmsPoll)
            .where(
                SmsPoll.partnership_id == indicator.partnership_id,
                SmsPoll.indicator_id == indicator.id,
            )
            .order_by(SmsPoll.created_at.desc(), SmsPoll.id.desc())
        )
    )
