"""/healthz and /readyz: answered in front of Flask, cheap, and honest about what is wrong."""

import json

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from hsbp import db
from hsbp.extensions import configure_queue
from tests.conftest import fresh_database_url, make_test_app

ALL_FINE = {"database": "ok", "queue": "ok", "spool": 0, "migrations": "current"}


@pytest.fixture
def restore_queue(app):
    yield
    configure_queue(app.config["QUEUE_URL"])


@pytest.fixture
def spool_app(app_with, tmp_path):
    """An app whose spool is a folder of this test's own."""
    return app_with(SMS_SPOOL_DIR=str(tmp_path / "spool"))


def unreachable_url(database_url: str, tmp_path) -> str:
    if make_url(database_url).get_backend_name() == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:1/nothing"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"


def statements_on(engine):
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_healthz_answers_ok_and_touches_nothing(client, make, login, count_queries, app):
    login(make.user())  # a session cookie, as a browser would send: it is not even read
    seen = statements_on(db.database(app).engine)
    with count_queries() as counted:
        response = client.get("/healthz")
    assert (response.status_code, response.data) == (200, b"ok")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert (counted["n"], seen) == (0, [])


def test_healthz_and_readyz_answer_get_and_head_only(client):
    for path in ("/healthz", "/readyz"):
        refused = client.post(path)
        assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, HEAD")
    head = client.head("/healthz")
    assert (head.status_code, head.data, head.headers["Content-Length"]) == (200, b"", "2")


def test_readyz_is_200_when_all_is_fine(spool_app):
    response = spool_app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.data) == ALL_FINE
    assert "Set-Cookie" not in response.headers


def test_readyz_is_503_when_the_database_is_unreachable(database_url, tmp_path):
    app = make_test_app(unreachable_url(database_url, tmp_path), tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.data) == {
        **ALL_FINE,
        "database": "unreachable",
        "migrations": "unknown",
    }


def test_readyz_is_503_while_migrations_are_pending_or_the_database_is_newer(
    tmp_path_factory, tmp_path
):
    url = fresh_database_url(tmp_path_factory, "h1_ready")
    app = make_test_app(url, tmp_path)
    pending = app.test_client().get("/readyz")
    assert pending.status_code == 503
    assert json.loads(pending.data) == {**ALL_FINE, "migrations": "pending"}
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    assert json.loads(app.test_client().get("/readyz").data)["migrations"] == "pending"
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    newer = app.test_client().get("/readyz")
    assert newer.status_code == 503
    assert json.loads(newer.data) == {**ALL_FINE, "migrations": "newer"}
    engine.dispose()
    db.database(app).engine.dispose()


def test_readyz_is_503_when_the_queue_is_unreachable(app_with, restore_queue, tmp_path):
    app = app_with(QUEUE_URL="redis://127.0.0.1:1/5", SMS_SPOOL_DIR=str(tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.data) == {**ALL_FINE, "queue": "unreachable"}


def test_readyz_is_503_when_the_spool_is_deeper_than_its_limit(app_with, tmp_path):
    folder = tmp_path / "spool"
    folder.mkdir()
    for name in ("001-a.sealed", "002-b.sealed", "003-c.json", ".004-d.tmp"):
        (folder / name).write_bytes(b"x")
    deep = app_with(SMS_SPOOL_DIR=str(folder), READY_SPOOL_LIMIT=2).test_client().get("/readyz")
    assert deep.status_code == 503
    assert json.loads(deep.data) == {**ALL_FINE, "spool": 3}
    within = app_with(SMS_SPOOL_DIR=str(folder), READY_SPOOL_LIMIT=3).test_client().get("/readyz")
    assert within.status_code == 200
    assert json.loads(within.data) == {**ALL_FINE, "spool": 3}


def test_readyz_begins_no_transaction_of_the_app(spool_app):
    engine = db.database(spool_app).engine
    seen = statements_on(engine)
    began = []
    event.listen(engine, "begin", lambda connection: began.append(True))
    assert spool_app.test_client().get("/readyz").status_code == 200
    # One SELECT on a plain pooled cursor: no BEGIN (on SQLite, no writer lock taken).
    assert (seen, began) == ([], [])
