"""Twilio's delivery reports (inbound messages are taken in front of Flask: sms.intake)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from hsbp import db
from hsbp.extensions import csrf
from hsbp.sms import sending
from hsbp.sms.transport import signature_is_valid

bp = Blueprint("sms", __name__)


@bp.post("/sms/twilio/status")
@csrf.exempt
def status_callback():
    if not signature_is_valid():
        abort(403)
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "")
    sending.apply_status(
        db.session(), sid=sid, status=status, error_code=request.form.get("ErrorCode")
    )
    return Response(status=204)
