"""Phone numbers in one form everywhere: E.164, read with a default region for national ones."""

from __future__ import annotations

import phonenumbers


def e164(raw: str, *, region: str | None = None) -> str | None:
    """The E.164 form of `raw`, or None when it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
