"""How the audit log tells the work on the SMS channel (hsbp.audit_text).

Contacts and messages are named by nothing but their number in the log ("#12"): their only
other names are phone numbers and what people wrote."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import register_object, says

register_object("ContactMembership", phrase=_l("the SMS contact %(label)s"))
register_object("InboundMessage", phrase=_l("the SMS message %(label)s"))
register_object("Broadcast", phrase=_l("an SMS broadcast"))
register_object("SmsSettings", phrase=_l("the SMS settings"))
register_object("LocalText", phrase=_l("an SMS text"))

audit_text.SENTENCES.update(
    {
        "sms.settings": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "sms.keywords": says(_l("%(actor)s switched SMS keywords on or off.")),
        "sms_broadcast.create": says(
            _l("%(actor)s sent an SMS broadcast to %(recipients)s people.")
        ),
        "sms_contact.ask": says(_l("%(actor)s asked %(object)s again to confirm.")),
        "sms_contact.ask_all": says(
            _l("%(actor)s asked %(asked)s SMS contacts not asked yet to confirm.")
        ),
        "sms_contact.create": says(_l("%(actor)s added %(object)s by hand.")),
        "sms_contact.import": says(
            _l("%(actor)s imported %(added)s SMS contacts from the register.")
        ),
        "sms_contact.link": says(
            _l("%(actor)s linked %(object)s to the participant %(participant_id)s.")
        ),
        "sms_inbound.handle": says(_l("%(actor)s marked %(object)s handled.")),
        "sms_inbound.reply": says(_l("%(actor)s answered %(object)s.")),
        "sms_text.save": says(_l("%(actor)s wrote an SMS text in a local language (%(locale)s).")),
        "sms_text.remove": says(
            _l("%(actor)s removed an SMS text in a local language (%(locale)s).")
        ),
    }
)
audit_text.FIELD_LABELS.update(
    {"sender": _l("sender"), "join_code": _l("join code"), "keywords_off": _l("keywords")}
)
audit_text.FAMILY_LABELS.update(
    {
        "sms": _l("SMS"),
        "sms_broadcast": _l("SMS"),
        "sms_contact": _l("SMS"),
        "sms_inbound": _l("SMS"),
        "sms_text": _l("SMS"),
    }
)
