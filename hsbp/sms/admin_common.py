"""What the facilitators' SMS pages share: page size, message length, how a number is shown."""

from __future__ import annotations

import phonenumbers

PER_PAGE = 50
MAX_BODY = 1600  # Twilio refuses longer messages


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
