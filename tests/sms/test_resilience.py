"""Faults: the database down while messages arrive (the spool), and arbitrary bodies."""

import json
import os
import string
from xml.etree import ElementTree

from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hsbp.config import DEV_TWILIO_SID
from hsbp.sms import inbound, spool
from hsbp.sms.inbound import Router
from hsbp.sms.models import Contact, InboundMessage, OutboundMessage
from tests.conftest import make_test_app
from tests.sms.conftest import PHONE, replies, replies_to, signed_post


def app_down(spool_dir, tmp_path):
    """The same app with its database unreachable: nothing listens on port 1."""
    return make_test_app(
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        tmp_path,
        SMS_SPOOL_DIR=spool_dir,
    )


def test_messages_during_a_database_outage_are_spooled_then_stored_once(
    app_with, session, tmp_path, demo_partnership
):
    spool_dir = str(tmp_path / "spool")
    down = app_down(spool_dir, tmp_path)
    params = {
        "MessageSid": "SM" + "d" * 32,
        "From": PHONE,
        "To": "+15005550006",
        "Body": "JOIN DEMO",
    }
    answer = signed_post(down.test_client(), "/sms/twilio/inbound", params)
    assert answer.status_code == 200
    assert replies(answer) == []
    again = signed_post(down.test_client(), "/sms/twilio/inbound", params)  # Twilio retried
    assert again.status_code == 200
    assert len(spool.pending(down)) == 2

    up = app_with(SMS_SPOOL_DIR=spool_dir)
    assert Router(up).work_once() is True  # stores both copies once, then routes it
    assert spool.pending(up) == []
    stored = session.scalars(select(InboundMessage)).all()
    assert [(m.provider_sid, m.route) for m in stored] == [("SM" + "d" * 32, "join")]
    assert session.scalars(select(Contact.locale)).one() == "es"
    kinds = session.scalars(select(OutboundMessage.kind)).all()
    assert kinds == ["reply", "reply"]


def test_a_spooled_message_keeps_its_place_in_the_conversation(
    app_with, session, tmp_path, demo_partnership, sms
):
    """JOIN arrives during an outage, the language choice after it: once the spool is
    drained the JOIN is routed first, as it was written first."""
    spool_dir = str(tmp_path / "spool")
    down = app_down(spool_dir, tmp_path)
    join = {"MessageSid": "SM" + "e" * 32, "From": PHONE, "To": "+15005550006"}
    signed_post(down.test_client(), "/sms/twilio/inbound", {**join, "Body": "JOIN DEMO"})
    up = app_with(SMS_SPOOL_DIR=spool_dir)
    # "2" reaches the database first; the router has not run yet.
    later = inbound.store(up, {**join, "MessageSid": "SM" + "f" * 32, "Body": "2"})
    assert Router(up).work_once() is True
    assert spool.pending(up) == []
    routes = session.execute(
        select(InboundMessage.id, InboundMessage.body, InboundMessage.route).order_by(
            InboundMessage.id
        )
    ).all()
    assert [(r.body, r.route) for r in routes] == [("2", "lang"), ("JOIN DEMO", "join")]
    assert routes[0].id == later
    assert session.scalars(select(Contact.locale)).one() == "en"  # 2 = English, after JOIN


bodies = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=2000
) | st.sampled_from(["STOP", "JOIN DEMO", "LANG 2", "HELP", "START", "JOIN", "2"])
# Any sender but with control characters: Twilio sends none, and they are refused before
# storing (tests/sms/test_twilio_fields.py).
senders = st.sampled_from([PHONE, "+573009998877", "", "abc", "+1", "+" + "9" * 20]) | st.text(
    alphabet=string.digits + string.ascii_letters + string.punctuation + " ", max_size=30
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, sender=senders)
def test_any_body_from_anyone_gets_valid_twiml(sms, demo_partnership, body, sender):
    response = sms(body, sender=sender)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response')
    root = ElementTree.fromstring(text)  # noqa: S314  (our own answer, in a test)
    assert root.tag == "Response"
    assert {child.tag for child in root} <= {"Message"}


def stored_unrouted(session, *, sid, body, minutes_ago=0):
    from datetime import timedelta

    from hsbp.db import utcnow
    from hsbp.sms import contacts

    message = InboundMessage(
        provider_sid=sid,
        from_phone=PHONE,
        from_hash=contacts.phone_hash(PHONE),
        to_number="+15005550006",
        body=body,
        received_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    session.add(message)
    session.flush()
    return message


def test_a_repeated_delivery_of_a_message_not_yet_routed_is_stored_once(
    sms, session, demo_partnership
):
    stored_unrouted(session, sid="SM" + "1" * 32, body="JOIN DEMO")
    response = sms("JOIN DEMO", sid="SM" + "1" * 32)
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1


def test_the_router_routes_what_is_left_unrouted_oldest_first(app, session, demo_partnership):
    """After a crash or a queue outage: whatever is stored and unrouted is routed, once."""
    old = stored_unrouted(session, sid="SM" + "2" * 32, body="JOIN DEMO", minutes_ago=5)
    fresh = stored_unrouted(session, sid="SM" + "3" * 32, body="HELP")
    router = Router(app)
    assert router.work_once() is True
    session.expire_all()
    assert (old.route, fresh.route) == ("join", "help")
    queued = session.scalars(select(OutboundMessage.kind)).all()
    assert queued == ["reply"] * len(queued)
    assert len(replies_to(session, old.provider_sid)) == 2  # joined, choose a language
    assert replies_to(session, fresh.provider_sid)[0].startswith("1/")  # HELP, in parts
    assert router.work_once() is False  # nothing left


def outage_params(sid_char: str = "a") -> dict:
    return {
        "MessageSid": "SM" + sid_char * 32,
        "AccountSid": DEV_TWILIO_SID,
        "From": PHONE,
        "To": "+15005550006",
        "Body": "JOIN DEMO please",
    }


def test_a_spooled_message_is_encrypted_and_private(app, tmp_path, caplog):
    caplog.set_level("WARNING", logger="hsbp.sms")
    previous, folder = os.umask(0o022), app.config["SMS_SPOOL_DIR"]
    try:
        app.config["SMS_SPOOL_DIR"] = str(tmp_path / "spool")
        path = spool.write(outage_params(), app)
    finally:
        os.umask(previous)
        app.config["SMS_SPOOL_DIR"] = folder
    raw = path.read_bytes()
    for secret in (PHONE.encode(), b"573104567821", b"JOIN DEMO", b"SM" + b"a" * 32):
        assert secret not in raw
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert spool.read(path, app) == outage_params()
    # The log names the file, nothing that tells who wrote or what.
    assert path.name in caplog.text
    for secret in (PHONE, "3104567821", "JOIN DEMO", "a" * 32):
        assert secret not in caplog.text


def test_a_plain_spool_file_of_an_older_version_is_still_drained(
    app_with, session, tmp_path, demo_partnership
):
    folder = tmp_path / "spool"
    folder.mkdir()
    (folder / "00000001700000000000-0000abcd.json").write_text(
        json.dumps(outage_params("c")), encoding="utf-8"
    )
    up = app_with(SMS_SPOOL_DIR=str(folder))
    assert inbound.drain_spool(up) == 1
    assert spool.pending(up) == []
    stored = session.scalars(select(InboundMessage)).one()
    assert (stored.provider_sid, stored.body) == ("SM" + "c" * 32, "JOIN DEMO please")


def test_a_spool_file_that_cannot_be_read_is_set_aside(
    app_with, session, tmp_path, demo_partnership
):
    folder = tmp_path / "spool"
    up = app_with(SMS_SPOOL_DIR=str(folder))
    first = spool.write(outage_params("1"), up)
    first.write_bytes(Fernet(Fernet.generate_key()).encrypt(b"{}"))  # another key's file
    spool.write(outage_params("2"), up)
    assert inbound.drain_spool(up) == 1
    assert spool.pending(up) == []
    assert sorted(p.suffix for p in folder.iterdir()) == [".unreadable"]
    assert session.scalars(select(InboundMessage.provider_sid)).all() == ["SM" + "2" * 32]
