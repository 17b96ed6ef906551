"""The task queue on its real storages: SQLite for one machine, Redis when scaled out."""

import socket

import pytest

from hsbp import db
from hsbp.config import ConfigError
from hsbp.extensions import configure_queue, queue
from hsbp.mail import OutboundEmail, queue_email
from tests.redis_dbs import redis_url


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def restore_queue(app):
    yield
    configure_queue(app.config["QUEUE_URL"])


def queue_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    if redis_reachable():
        yield redis_url(0)


def test_email_waits_in_the_queue_until_a_worker_runs_it(
    app_with, session, tmp_path, restore_queue
):
    for url in queue_urls(tmp_path):
        other = app_with(QUEUE_URL=url)
        queue.flush()
        with other.test_request_context():
            message_id = queue_email(db.session(), to="a@example.org", subject="Hi", body="B").id
            db.finish(commit=True)
        assert session.get(OutboundEmail, message_id).status == "queued", url
        assert queue.pending_count() == 1, url
        # What a worker does: take the next task from storage and run it.
        queue.execute(queue.dequeue())
        session.expire_all()
        assert session.get(OutboundEmail, message_id).status == "sent", url
        assert queue.pending_count() == 0, url


def test_rate_limits_can_live_in_redis(app_with, make):
    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = app_with(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_url(1),
        LOGIN_FAILURES_PER_ACCOUNT="2 per minute",
    )
    from hsbp.extensions import limiter

    with app.app_context():
        limiter.reset()
    client = app.test_client()
    form = {"email": "ratelimit-redis@example.org", "password": "wrong password"}
    codes = [client.post("/login", data=form).status_code for _ in range(3)]
    assert codes == [422, 422, 429]


def test_a_queue_file_that_cannot_be_opened_is_one_clear_line(tmp_path, restore_queue):
    filename = tmp_path / "missing" / "queue.sqlite3"
    with pytest.raises(ConfigError) as refused:
        configure_queue(f"sqlite:///{filename}")
    with pytest.raises(ConfigError) as unknown:
        configure_queue("amqp://127.0.0.1/")
    assert str(refused.value) == (
        f"HSBP_QUEUE_URL: cannot open the queue file {filename} (unable to open database"
        " file); create its folder or point HSBP_QUEUE_URL at Redis."
    )
    assert str(unknown.value) == (
        "HSBP_QUEUE_URL must be immediate, sqlite:///<file> or redis://<host>:<port>/<db>,"
        " not 'amqp://127.0.0.1/'."
    )
