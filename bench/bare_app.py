"""The baseline of bench/sms_webhook.py: a bare Flask endpoint answering a fixed TwiML reply.

Served exactly like the real app (gunicorn, the same workers), so the ratio webhook / bare
measures what hsbp adds on top of Flask and gunicorn on this machine:

    gunicorn -w 2 -b 127.0.0.1:8001 --pythonpath bench bare_app:app
"""

from __future__ import annotations

from flask import Flask, Response

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    "<Response><Message>Thank you, your message was received.</Message></Response>"
)

app = Flask(__name__)


@app.post("/sms/twilio/inbound")
def inbound() -> Response:
    return Response(TWIML, mimetype="application/xml")
