"""Twilio's webhooks: inbound messages and delivery reports. Never a 500 to Twilio."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from twilio.twiml.messaging_response import MessagingResponse

from hsbp import db
from hsbp.extensions import csrf
from hsbp.sms import inbound, sending, spool
from hsbp.sms.transport import signature_is_valid

bp = Blueprint("sms", __name__)
log = logging.getLogger("hsbp.sms")


def twiml(replies: list[str]) -> Response:
    answer = MessagingResponse()
    for text in replies:
        answer.message(text)
    return Response(str(answer), mimetype="application/xml")


@bp.post("/sms/twilio/inbound")
@csrf.exempt
def inbound_webhook():
    if not signature_is_valid():
        abort(403)
    params = request.form.to_dict(flat=True)
    if not params.get("MessageSid"):
        return twiml([])
    try:
        message = inbound.store(params)
    except OperationalError:
        # The database is unreachable: keep the message on local disk, answer Twilio, and
        # let the spool be drained when the database is back.
        db.finish(commit=False)
        spool.write(params)
        return twiml([])
    if message is None:
        return twiml([])  # the same MessageSid again: acknowledged, acted on once
    message_id = message.id
    try:
        replies = inbound.act(message)
        inbound.record_replies(message, replies, via_queue=False)
        db.session().commit()  # here, where a failure can still be answered without a 500
    except SQLAlchemyError:
        # Stored, but the database failed while routing: answer now, route it later (the
        # replies then go by the queue) rather than give Twilio a 500.
        log.exception("SMS %s: routing deferred", message_id)
        db.finish(commit=False)
        db.after_commit(lambda: inbound.route_later(message_id))
        return twiml([])
    if spool.pending():
        db.after_commit(inbound.drain_spool)
    return twiml(replies)


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
