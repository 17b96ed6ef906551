"""Fixtures: a migrated test database (SQLite, or PostgreSQL from HSBP_TEST_DATABASE_URL),
one rolled-back transaction per test, factories, sign-in and a SQL query counter."""

from __future__ import annotations

import contextlib
import contextvars
import os
from datetime import date

import pytest
from cryptography.fernet import Fernet
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from hsbp import create_app, db, migrate
from hsbp.auth.models import User
from hsbp.auth.sessions import start_session
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role, hash_password
from tests import log_scan

PASSWORD = "correct horse battery"
# Hashing is deliberately slow; factories reuse one hash so the suite stays quick.
PASSWORD_HASH = hash_password(PASSWORD)
FIELD_KEY = Fernet.generate_key().decode()


def pytest_sessionstart(session):
    # Every log record of the run is searched for personal data at its end (tests/log_scan.py).
    from hsbp.config import DEV_TWILIO_TOKEN

    log_scan.start(FIELD_KEY, "test-secret-key", DEV_TWILIO_TOKEN, PASSWORD)


def pytest_sessionfinish(session, exitstatus):
    log_scan.finish(session)


def pytest_terminal_summary(terminalreporter):
    log_scan.report(terminalreporter)


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in `url`, so every run starts from nothing."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = target.database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def fresh_database_url(tmp_path_factory, name: str) -> str:
    """An empty database for this run: a new SQLite file, or a recreated PostgreSQL one."""
    base = os.environ.get("HSBP_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'test.sqlite3'}"
    url = make_url(base)
    url = url.set(database=f"{url.database}_{name}" if name != "main" else url.database)
    rendered = url.render_as_string(hide_password=False)
    recreate_postgres_database(rendered)
    return rendered


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = fresh_database_url(tmp_path_factory, "main")
    # The test schema is built the way production's is: by running the migrations.
    migrate.upgrade(url)
    return url


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's own app context.

    Flask reuses an app context that is already pushed (the `session` fixture pushes one),
    which would share `g`, and with it the database session and the signed-in user, between
    the test and every request. Each request here runs in an empty context instead.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, tmp_path, **overrides):
    config = {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "FIELD_KEY": FIELD_KEY,
        "DATABASE_URL": database_url,
        "QUEUE_URL": "immediate",
        "PUBLIC_URL": "http://hsbp.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # Nothing listens there: a test that forgets the fake Twilio fails fast, offline.
        "TWILIO_API_BASE": "http://127.0.0.1:9",
    }
    config.update(overrides)
    os.environ["HSBP_INSTANCE_PATH"] = str(tmp_path)
    try:
        app = create_app(config)
    finally:
        del os.environ["HSBP_INSTANCE_PATH"]
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    return make_test_app(database_url, tmp_path_factory.mktemp("instance"))


@pytest.fixture
def connection(app):
    """One transaction per test, rolled back at its end; the app's sessions join it through
    savepoints, so a request's commit commits only to that savepoint."""
    database = db.database(app)
    connection = database.engine.connect()
    transaction = connection.begin()
    original = database.sessions, database.intake_sessions
    bind_sessions(app, connection)
    yield connection
    database.sessions, database.intake_sessions = original
    transaction.rollback()
    connection.close()


def bind_sessions(app, connection) -> None:
    database = db.database(app)
    database.sessions = database.intake_sessions = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def app_with(database_url, tmp_path, connection):
    """Another app with other settings (rate limits on, HTTPS...), on the test's transaction."""

    def build(**overrides):
        other = make_test_app(database_url, tmp_path, **overrides)
        bind_sessions(other, connection)
        return other

    return build


@pytest.fixture
def session(app, connection):
    """The session a test uses to arrange and inspect data (the same one services use)."""
    with app.test_request_context():
        yield db.session()


@pytest.fixture
def client(app, connection):
    return app.test_client()


@pytest.fixture
def count_queries(connection):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    @contextlib.contextmanager
    def counting():
        counter = {"n": 0}

        def on_execute(*_args):
            counter["n"] += 1

        event.listen(connection, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            event.remove(connection, "before_cursor_execute", on_execute)

    return counting


class Factory:
    """Makes rows straight in the test's transaction; every name is unique within a test."""

    def __init__(self, session):
        self.session = session
        self.n = 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def user(self, **fields) -> User:
        n = self._next()
        values = {
            "email": f"user{n}@example.org",
            "name": f"User {n}",
            "password_hash": PASSWORD_HASH,
        }
        user = User(**{**values, **fields})
        self.session.add(user)
        self.session.flush()
        return user

    def partnership(self, **fields) -> Partnership:
        n = self._next()
        values = {
            "name": f"Partnership {n}",
            "country": "CO",
            "locality": "Florencia",
            "default_locale": "es",
            "locales": ["es", "en"],
            "timezone": "America/Bogota",
        }
        partnership = Partnership(**{**values, **fields})
        self.session.add(partnership)
        self.session.flush()
        return partnership

    def partner(self, partnership, **fields) -> Partner:
        n = self._next()
        values = {"name": f"Partner {n}", "sector": "company", "joined_on": date(2026, 1, 1)}
        partner = Partner(partnership_id=partnership.id, **{**values, **fields})
        self.session.add(partner)
        self.session.flush()
        return partner

    def member(self, partnership, role: Role = Role.FACILITATOR, user=None, partner=None):
        user = user or self.user()
        if role == Role.REPRESENTATIVE and partner is None:
            partner = self.partner(partnership)
        self.session.add(
            Membership(
                partnership_id=partnership.id,
                user_id=user.id,
                role=role,
                partner_id=partner.id if partner else None,
            )
        )
        self.session.flush()
        return user


@pytest.fixture
def make(session) -> Factory:
    return Factory(session)


@pytest.fixture
def login(client, session):
    """Sign `user` in on the test client without a password round trip: a session that passed
    the second factor and proved it was them just now, as after signing in with a code."""

    def sign_in(user: User, target=client):
        session.flush()
        with target.session_transaction() as cookie_session:
            cookie_session["_user_id"] = start_session(
                session, user=user, user_agent="pytest", second_factor=True
            )
            cookie_session["_fresh"] = True
        return target

    return sign_in
