"""What each outgoing SMS is for, and when a consent holds.

Every kind of outgoing message (`OutboundMessage.kind`) is sent for one purpose a person
consents to, or for none: a reply to a message the person just sent, and the channel's own
texts about joining, confirming and stopping (a consent re-asked included), always go, since
the person wrote or the text is about their consent itself. The map is registered with the
SMS channel (hsbp.sms.handlers.Registry.purposes), which knows no feature; a kind missing
from it is withheld, so a new kind cannot slip past consent unnoticed (tests/consent check
that every kind the code sends is here).
"""

from __future__ import annotations

from datetime import date, timedelta

from hsbp.consent.models import ConsentChannel, Purpose

NO_PURPOSE = ""
# The kind of the question that asks an expired consent again (hsbp.consent.renewal).
RENEWAL_KIND = "consent"

KIND_PURPOSES: dict[str, str] = {
    # Community questions: a consultation's intro and questions, pulses, polls, votes and
    # checks of done actions.
    "consultation": Purpose.CONSULTATIONS,
    "pulse": Purpose.CONSULTATIONS,
    "poll": Purpose.CONSULTATIONS,
    "vote": Purpose.CONSULTATIONS,
    "check": Purpose.CONSULTATIONS,
    # A facilitator's broadcast, news of a done action, the feedback of a consultation's
    # results: all "broadcast" rows.
    "broadcast": Purpose.NEWS,
    # A grievance's stage notices, its code when filed another way, the rating request.
    "grievance": Purpose.GRIEVANCE_FOLLOW_UP,
    # Answers to a message the person sent (a feature's reply, a facilitator's from the
    # inbox), and the one confirmation of STOP.
    "reply": NO_PURPOSE,
    "stop_confirmation": NO_PURPOSE,
    # The question a partnership puts to a number added by hand, and the renewal question.
    "invitation": NO_PURPOSE,
    RENEWAL_KIND: NO_PURPOSE,
    # Members' own notifications and the code that proves their phone: a user's settings,
    # not a community member's consent; their number is in no partnership's contact list.
    "notification": NO_PURPOSE,
    "notification_code": NO_PURPOSE,
    # The last SMS of an erasure the person asked for by SMS (DELETE): the answer to them.
    "privacy_erased": NO_PURPOSE,
}

# How the SMS channel's consent events (hsbp.sms.models.ConsentEvent.channel) were given.
EVENT_CHANNELS = {
    "sms": ConsentChannel.SMS,
    "provider": ConsentChannel.SMS,  # the carrier passed on the person's STOP
    "web": ConsentChannel.WEB,
    "import": ConsentChannel.IMPORT,
    "paper": ConsentChannel.PAPER,
    "verbal": ConsentChannel.VERBAL,
}

# How the mapping register's consent methods (Participant.consent_method) were given; the
# upgrade that started consent per purpose reads them alike (migrations 0028).
METHOD_CHANNELS = {
    "written": ConsentChannel.PAPER,
    "verbal": ConsentChannel.VERBAL,
    "recorded": ConsentChannel.VERBAL,
    "sms": ConsentChannel.SMS,
}

# What joining (JOIN, or YES to a partnership's question) agrees to: its questions, and news
# of any grievance the person files (a complainant must be able to hear of their own case).
# News is its own choice (NEWS, or a facilitator's record); research is never implied.
JOINING = (Purpose.CONSULTATIONS, Purpose.GRIEVANCE_FOLLOW_UP)

# A consent renewed by SMS holds for another year.
RENEWAL_YEARS = 1
# A YES long after the question is more likely about something else.
RENEWAL_ANSWER_WINDOW = timedelta(days=30)


def channel_of_event(channel: str) -> ConsentChannel:
    return EVENT_CHANNELS.get(channel, ConsentChannel.SMS)


def channel_of_method(method: str | None) -> ConsentChannel:
    """An unknown or empty method was most likely a form on paper."""
    return METHOD_CHANNELS.get(method or "", ConsentChannel.PAPER)


def holds(*, granted: bool, expires_on: date | None, today: date) -> bool:
    """A consent holds when given and not past its last day (`expires_on` included)."""
    return granted and (expires_on is None or expires_on >= today)


def expired(*, granted: bool, expires_on: date | None, today: date) -> bool:
    return granted and expires_on is not None and expires_on < today


def years_after(day: date, years: int = RENEWAL_YEARS) -> date:
    """The same day `years` later; 28 February for a 29 February that year lacks."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
