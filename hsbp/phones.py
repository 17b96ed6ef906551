"""Phone numbers in one form everywhere: E.164, read with a default region for national ones."""

from __future__ import annotations

import phonenumbers


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def e164(raw: str, *, region: str | None = None) -> str | None:
    """The E.164 form of `raw`, or None when it is not a valid phone number. For numbers
    people type: a valid one is in a range the phone library knows to be allocated."""
    number = _parse(raw, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sender_e164(raw: str) -> str | None:
    """The E.164 form of the sender of a message the network delivered, or None when it is
    no phone number. Only its length is checked: the network handed us the message, so a
    number in a range the library does not know yet (newly allocated, a test range) belongs
    to a person like any other."""
    number = _parse(raw, None)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
