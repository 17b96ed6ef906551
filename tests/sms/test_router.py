"""The worker's router as it runs in production: a thread beside a web app whose queue is
not immediate, on a database of its own (no test transaction to share across threads)."""

import time

import pytest
from sqlalchemy import select

from hsbp import db, migrate
from hsbp.extensions import configure_queue
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts
from hsbp.sms.inbound import Router
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.conftest import fresh_database_url, make_test_app
from tests.sms.conftest import PHONE, SENDER, signed_post


@pytest.fixture
def live_app(tmp_path_factory, tmp_path):
    url = fresh_database_url(tmp_path_factory, "router")
    migrate.upgrade(url)
    app = make_test_app(url, tmp_path, QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    with app.app_context():
        partnership = Partnership(
            name="Router", country="CO", default_locale="en", locales=["en"], timezone="UTC"
        )
        db.session().add(partnership)
        db.session().flush()
        contacts.configure_sender(
            db.session(), partnership_id=partnership.id, sender=SENDER, join_code="ROUTE"
        )
        db.finish(commit=True)
    yield app
    configure_queue("immediate")
    db.database(app).engine.dispose()
    db.database(app).intake_engine.dispose()


def routes(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session().execute(
            select(InboundMessage.body, InboundMessage.route).order_by(InboundMessage.id)
        )
        found = [tuple(row) for row in rows]
        db.finish(commit=False)
    return found


def test_the_webhook_stores_and_the_router_thread_routes_in_order(live_app):
    client = live_app.test_client()
    for n, body in enumerate(["JOIN ROUTE", "HELP", "the road is closed"]):
        params = {"MessageSid": f"SM{n:032d}", "From": PHONE, "To": SENDER, "Body": body}
        assert signed_post(client, "/sms/twilio/inbound", params).status_code == 200
    assert [route for _, route in routes(live_app)] == ["", "", ""]  # stored, not routed

    router = Router(live_app)
    router.start()
    try:
        deadline = time.monotonic() + 10
        while any(route == "" for _, route in routes(live_app)):
            assert time.monotonic() < deadline, routes(live_app)
            time.sleep(0.05)
    finally:
        router.stop()
        router.join(5)
    assert not router.is_alive()
    assert [route for _, route in routes(live_app)] == ["join", "help", "inbox"]
    with live_app.app_context():
        replies = db.session().scalars(select(OutboundMessage.status)).all()
        db.finish(commit=False)
    # joined, help (the partnership's keywords, in three parts), received: handed to the queue
    assert replies == ["queued"] * 5
