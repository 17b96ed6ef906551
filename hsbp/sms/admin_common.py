"""What the facilitators' SMS pages share: page size, message length, how a number is shown."""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from flask_babel import lazy_gettext as _l

from hsbp.errors import ServiceError
from hsbp.partnerships.identities import sees_identities
from hsbp.partnerships.models import Membership
from hsbp.sms import encoding

PER_PAGE = 50
MAX_BODY = 1600  # Twilio refuses longer messages


def ensure_one_sms(written: dict[str, str], *, field: Callable[[str], str]) -> None:
    """Refuse the first of `written` ({language: text as it will be sent}) that takes more
    than one SMS, naming the form field `field(language)` and the length it must keep to
    with the letters it has (160, or 70 once one is outside the SMS alphabet)."""
    for code, text in written.items():
        size = encoding.measure(text)
        if size.segments > 1:
            raise ServiceError(
                _l(
                    "This text takes %(segments)d SMS: shorten it to one (%(limit)d characters "
                    "with these letters, it has %(units)d).",
                    segments=size.segments,
                    limit=encoding.LIMITS[size.encoding][0],
                    units=size.units,
                ),
                field=field(code),
            )


def display_phone(phone: str | None, *, hidden: bool = False) -> str:
    """A number as people read it; only its last two digits when it belongs to a protected
    participant, whose contacts facilitators see only through the audited identity view."""
    if not phone:
        return ""
    if hidden:
        return "••• " + phone[-2:]
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_for(rows: list, reader: Membership) -> list:
    """Rows whose numbers `reader` may not see (a co-facilitator from the community side)
    show only their last two digits, as a protected participant's do."""
    if not sees_identities(reader):
        for row in rows:
            row.masked = True
    return rows
