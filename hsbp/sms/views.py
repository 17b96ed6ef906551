"""Twilio's delivery reports (inbound messages are taken in front of Flask: sms.intake)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request

from hsbp import db
from hsbp.extensions import csrf
from hsbp.sms import sending
from hsbp.sms.transport import signature_is_valid
from hsbp.sms.twilio_fields import message_refusal

log = logging.getLogger("hsbp.sms")
bp = Blueprint("sms", __name__)


@bp.post("/sms/twilio/status")
@csrf.exempt
def status_callback():
    if not signature_is_valid():
        abort(403)
    refused = message_refusal(
        request.form, account_sid=current_app.config.get("TWILIO_ACCOUNT_SID")
    )
    if refused:
        log.warning("SMS status callback: refused a signed post (%s)", refused)
        abort(400)
    sid = request.form["MessageSid"]
    status = request.form.get("MessageStatus", "")
    sending.apply_status(
        db.session(), sid=sid, status=status, error_code=request.form.get("ErrorCode")
    )
    return Response(status=204)
