"""What Twilio may post to us, checked before anything is stored.

Twilio signs the URL and the fields it posts, each name followed by its value, one after
the other with nothing between them. A captured request can therefore be cut again at other
places and keep its signature: part of the text moves from one field into the next name, and
a message replayed that way could pass for a new one under a MessageSid of its own. So the
webhook takes only the field names Twilio sends with an inbound message, a MessageSid of
Twilio's exact shape that its copies (SmsSid, SmsMessageSid) repeat, and our own AccountSid;
and no field but the text itself may hold the name "MessageSid", which such a cut leaves in
the value of the field before it.

Twilio adds fields now and then; one missing here makes the webhook refuse every message
(the log says how many unknown fields arrived, never what they hold): add it below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
SERVICE_SID = re.compile(r"MG[0-9a-f]{32}")

# Twilio's request to an incoming message webhook: the message, its sender and receiver,
# their places, media, WhatsApp's extras and add-ons.
INBOUND_FIELDS = frozenset(
    {
        "MessageSid",
        "SmsSid",
        "SmsMessageSid",
        "AccountSid",
        "MessagingServiceSid",
        "From",
        "To",
        "Body",
        "NumMedia",
        "NumSegments",
        "SmsStatus",
        "ApiVersion",
        "OptOutType",
        *(
            f"{side}{place}"
            for side in ("From", "To")
            for place in ("City", "State", "Zip", "Country")
        ),
        "ProfileName",
        "WaId",
        "Forwarded",
        "FrequentlyForwarded",
        "ButtonText",
        "ButtonPayload",
        "MessageType",
        "ChannelMetadata",
        "Latitude",
        "Longitude",
        "Address",
        "Label",
        "OriginalRepliedMessageSender",
        "OriginalRepliedMessageSid",
        "ReferralBody",
        "ReferralHeadline",
        "ReferralSourceId",
        "ReferralSourceType",
        "ReferralSourceUrl",
        "ReferralMediaId",
        "ReferralMediaContentType",
        "ReferralMediaUrl",
        "ReferralNumMedia",
        "ReferralCtwaClid",
        "AddOns",
    }
)
# One of each per attachment: MediaUrl0, MediaContentType0, MediaUrl1...
NUMBERED_FIELDS = re.compile(r"(MediaUrl|MediaContentType)[0-9]{1,2}")
# Values that are the sender's own words, or JSON: they may say anything.
FREE_TEXT = frozenset({"Body", "AddOns", "ChannelMetadata"})


def message_refusal(params: Mapping[str, str], *, account_sid: str | None) -> str | None:
    """Why a post about a message is refused (a MessageSid not of Twilio's shape, another
    account's), or None. The reason names fields, never their values."""
    if not MESSAGE_SID.fullmatch(params.get("MessageSid") or ""):
        return "MessageSid is not SM or MM and 32 hex digits"
    if not account_sid or params.get("AccountSid") != account_sid:
        return "AccountSid is not this server's"
    return None


def inbound_refusal(params: Mapping[str, str], *, account_sid: str | None) -> str | None:
    """Why an inbound message's fields are refused, or None if Twilio could have sent them.
    The reason names fields and counts them, never their values."""
    unknown = [
        name
        for name in params
        if name not in INBOUND_FIELDS and not NUMBERED_FIELDS.fullmatch(name)
    ]
    if unknown:
        return f"{len(unknown)} field(s) Twilio does not send with a message"
    refused = message_refusal(params, account_sid=account_sid)
    if refused:
        return refused
    for name in ("SmsSid", "SmsMessageSid"):
        if name in params and params[name] != params["MessageSid"]:
            return f"{name} differs from MessageSid"
    if "MessagingServiceSid" in params and not SERVICE_SID.fullmatch(params["MessagingServiceSid"]):
        return "MessagingServiceSid is not MG and 32 hex digits"
    for name, value in params.items():
        if name in FREE_TEXT:
            continue
        if "MessageSid" in value:
            return f"{name} holds another field's name"
        if any(ch < " " for ch in value):
            # Twilio sends none; a NUL would fail the INSERT on PostgreSQL at every try.
            return f"{name} holds control characters"
    return None
