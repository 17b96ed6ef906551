"""Declarative base, one session per request, and the shared column types."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, MetaData, String, Text, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from hsbp.sqlite_writer import WriterLockedConnection

# Stable constraint names from the first migration on, so later revisions can drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


# The largest id a row can have: ids are INTEGER, 32 bits on PostgreSQL (SQLite would take
# more, but the schema is the same on both). A larger number names no row, and a query with
# it would fail on PostgreSQL ("integer out of range") instead of finding nothing.
LARGEST_ID = 2**31 - 1


def id_or_none(value) -> int | None:
    """The row id written in `value` (plain ASCII digits, 1 to LARGEST_ID), or None: int()
    alone takes "²", " 7 " and 10**30, which no row has."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back time-zone aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONValue(TypeDecorator):
    """JSON on every database (JSONB-free, so SQLite and PostgreSQL share migrations)."""

    impl = JSON
    cache_ok = True


def split_field_keys(value: str) -> list[str]:
    """The keys HSBP_FIELD_KEY lists, comma-separated, newest first (blanks stripped)."""
    return [key.strip() for key in value.split(",")]


def _hash_key(key: str) -> bytes:
    # A separate key for hashing, derived so one secret in the environment is enough.
    return hashlib.sha256(b"hsbp-lookup-hash:" + base64.urlsafe_b64decode(key.encode())).digest()


class FieldCipher:
    """Encrypts protected personal data and makes keyed look-up hashes, from HSBP_FIELD_KEY.

    The setting may list several Fernet keys, newest first, while `hsbp keys rotate` moves
    the data to a new key: values are written with the newest and read with any; look-ups
    must match any key's hash (`lookup_hashes`) until the rotation is done."""

    def __init__(self, keys: str | bytes | Sequence[str]):
        if isinstance(keys, bytes):
            keys = keys.decode()
        listed = split_field_keys(keys) if isinstance(keys, str) else list(keys)
        if not listed or not all(listed):
            raise ValueError("HSBP_FIELD_KEY lists no key, or an empty one")
        fernets = [Fernet(key.encode()) for key in listed]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)
        self._hash_keys = [_hash_key(key) for key in listed]

    @property
    def key_count(self) -> int:
        return len(self._hash_keys)

    def encrypt(self, plain: str) -> str:
        return self._newest.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("protected field cannot be read with this HSBP_FIELD_KEY") from exc

    def encrypt_bytes(self, plain: bytes) -> bytes:
        return self._newest.encrypt(plain)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise ValueError("protected data cannot be read with this HSBP_FIELD_KEY") from exc

    def is_newest(self, token: str | bytes) -> bool:
        """Whether the newest key alone reads `token` (a rotation leaves it as it is)."""
        try:
            self._newest.decrypt(token.encode() if isinstance(token, str) else token)
        except InvalidToken:
            return False
        return True

    def lookup_hash(self, plain: str) -> str:
        """The hash to store: the newest key's."""
        return hmac.new(self._hash_keys[0], plain.encode(), hashlib.sha256).hexdigest()

    def lookup_hashes(self, plain: str) -> list[str]:
        """Every key's hash of `plain`, newest first: a query finds a row by any of them
        (`column.in_(...)`), as rows written before a rotation carry an older key's."""
        data = plain.encode()
        return [hmac.new(key, data, hashlib.sha256).hexdigest() for key in self._hash_keys]


def field_cipher(app: Flask | None = None) -> FieldCipher:
    return (app or current_app).extensions["hsbp.cipher"]


# Column info that tells `hsbp keys rotate` what the field key protects beyond the
# Encrypted* types, so a new column is rotated by being declared, never by a list to update.
LOOKUP_HASH_OF = "hsbp_lookup_hash_of"
ENCRYPTED_BYTES = {"hsbp_encrypted_bytes": True}


def lookup_hash_of(source: str | None, normalise: str = "") -> dict:
    """Column info of a keyed look-up hash of the row's encrypted column `source`, taken
    after `normalise` ("module:function", applied to the plain value) if given.

    `source` None: a hash of something not stored (a code sent by SMS) that expires within
    minutes; a rotation leaves it, and its checks accept any key's hash."""
    return {LOOKUP_HASH_OF: (source, normalise)}


class Sealed(str):
    """A value already encrypted with the field key, written as it is. The SMS webhook
    encrypts before it takes SQLite's write lock, so the lock is held for the INSERT only."""


class EncryptedString(TypeDecorator):
    """Text encrypted at rest with the app's field key; the plain value exists only in memory."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, Sealed):
            return value
        return field_cipher().encrypt(value)

    def process_result_value(self, value, dialect):
        # An empty string is read as itself: a column that held plain text before it was
        # encrypted (a note nobody wrote, kept as '') says nothing, so it is no secret.
        return value if not value else field_cipher().decrypt(value)


class EncryptedText(EncryptedString):
    """Long text (message bodies) encrypted at rest."""

    impl = Text
    cache_ok = True


# An execution option for a transaction whose commit need not wait for the disk: it is
# durable against a crash of the app (and on PostgreSQL of the server) at once, and against
# a power cut once the next ordinary commit or PostgreSQL's WAL writer flushes the log, well
# within a second. Only the SMS webhook asks for it (`db.session().connection(
# execution_options=QUICK_COMMIT)`), so a burst of messages is not paced by the disk.
_QUICK = "hsbp_quick_commit"
QUICK_COMMIT = {_QUICK: True}


class Database:
    """The engines and session factories of one app. Tests rebind both factories to a
    savepoint of their own connection."""

    def __init__(self, url: str, *, intake_waits_for_disk: bool = False):
        self.engine: Engine = make_engine(url)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        # The SMS webhook's engine: its commits need not wait for the disk, as each one is
        # durable against a crash of the app (and on PostgreSQL of the server) at once, and
        # against a power cut once the next ordinary commit or PostgreSQL's WAL writer
        # flushes the log, well within a second. A burst of messages is then not paced by
        # the disk. No ping before use: a store that fails goes to the spool, not lost.
        self.intake_engine: Engine = make_engine(
            url, quick_commit=not intake_waits_for_disk, pre_ping=False
        )
        self.intake_sessions = sessionmaker(bind=self.intake_engine, expire_on_commit=False)


# Files SQLite keeps beside a database (its log, shared memory, rollback journal) and the
# writer lock of hsbp.sqlite_writer.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal", ".writelock")


def shown_url(url: str) -> str:
    """A database or queue URL fit for a message or a log line: its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: nothing in it can be shown safely
        return "(unreadable URL)"


def private_sqlite_file(path: str) -> None:
    """Make the SQLite database at `path` readable by its owner only (0600) before anyone
    opens it: SQLite gives its -wal and -shm files the database's own mode, so they are
    private too. A database an older version left readable by others is narrowed.
    In-memory databases and URIs are left alone.

    Side effects: may create an empty file at `path` (SQLite takes it as a new database).
    """
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    with contextlib.suppress(FileNotFoundError):  # no folder yet: SQLite will say so
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.close(os.open(path + ".writelock", os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, *(path + suffix for suffix in SQLITE_COMPANIONS)):
        with contextlib.suppress(OSError):  # gone, or another user's file: nothing to do
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)


def make_engine(url: str, *, quick_commit: bool = False, pre_ping: bool = True) -> Engine:
    """An engine for `url`. Its errors never quote the statement's values (hide_parameters):
    a failed INSERT of an inbound SMS or a contact would otherwise write a phone number, a
    look-up hash or a message into the log."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 15, "factory": WriterLockedConnection},
            hide_parameters=True,
        )
        path = make_url(url).database or ""

        @event.listens_for(engine, "do_connect")
        def _private_file(*_args):
            private_sqlite_file(path)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL;
            # let SQLAlchemy emit BEGIN itself (the recipe in SQLAlchemy's SQLite notes).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # What an UPDATE or DELETE replaces is overwritten with zeros, not left in the
            # file's free space: an erased person's name or number must not outlive its row.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={'NORMAL' if quick_commit else 'FULL'}")
            if quick_commit:
                # The webhook's commits never copy the log into the database (a checkpoint
                # would hold up the next message); the ordinary connections' commits do.
                cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # Writers queue on a lock of ours first (hsbp.sqlite_writer). IMMEDIATE then
            # takes SQLite's write lock up front, so a transaction that reads then writes
            # waits for another process's commit instead of failing at once with
            # "database is locked" when that process wrote first.
            connection.connection.dbapi_connection.begin_writing()
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # A pooled connection goes stale when PostgreSQL restarts or a firewall forgets it:
    # pre_ping finds a dead one before use (one round trip; a failed ping replaces it and
    # every older one), pool_recycle retires one before an idle timeout can cut it. A
    # server that is down refuses at once; one that vanished from the network is given up
    # on after connect_timeout, and a connection to it after ~25 s of unanswered
    # keepalives, instead of the minutes TCP would wait. The URL's own values come first.
    parsed = make_url(url)
    network = {
        "connect_timeout": 10,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    options = {
        "pool_pre_ping": pre_ping,
        "pool_recycle": 1800,
        "hide_parameters": True,
        "connect_args": {
            key: value
            for key, value in network.items()
            if parsed.get_backend_name() == "postgresql" and key not in parsed.query
        },
    }
    if not quick_commit:
        return create_engine(url, **options)
    # The webhook's store is one INSERT: in autocommit it is one round trip, not three.
    options["connect_args"]["options"] = "-c synchronous_commit=off"
    return create_engine(url, isolation_level="AUTOCOMMIT", **options)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["hsbp.db"]


def session() -> Session:
    """The session of the current request (or CLI command, or task), created on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
        g.db_after_commit = []
    return g.db_session


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current request's transaction has committed.

    Used to hand messages to the task queue only when the rows they read are saved, so a
    rolled-back request sends nothing.
    """
    session()
    g.db_after_commit.append(callback)


def finish(*, commit: bool) -> None:
    """Commit (or roll back) the current unit of work and close its session."""
    db_session = g.pop("db_session", None)
    callbacks = g.pop("db_after_commit", [])
    if db_session is None:
        return
    try:
        if commit:
            db_session.commit()
        else:
            db_session.rollback()
    finally:
        db_session.close()
    if commit:
        for callback in callbacks:
            callback()


def init_app(app: Flask) -> None:
    app.extensions["hsbp.db"] = Database(
        app.config["DATABASE_URL"], intake_waits_for_disk=app.config["SMS_DURABLE_INTAKE"]
    )
    app.extensions["hsbp.cipher"] = FieldCipher(app.config["FIELD_KEYS"])

    @app.after_request
    def _commit(response):
        # Form errors answer 4xx: anything a half-run service flushed is rolled back.
        finish(commit=response.status_code < 400)
        return response

    @app.teardown_appcontext
    def _rollback(_exc):
        finish(commit=False)
