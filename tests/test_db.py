"""Shared column types: encrypted text, keyed look-up hashes, UTC timestamps."""

import os
import sqlite3
from datetime import datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import IntegrityError

from hsbp.db import (
    LARGEST_ID,
    Database,
    EncryptedString,
    FieldCipher,
    UTCDateTime,
    id_or_none,
    make_engine,
)
from hsbp.extensions import configure_queue

scratch = MetaData()
protected = Table(
    "scratch_protected",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("phone", EncryptedString(500)),
)


def test_encrypted_text_is_unreadable_at_rest_and_plain_in_memory(session, connection):
    scratch.create_all(connection)
    session.execute(protected.insert().values(id=1, phone="+573001234567"))
    raw = connection.exec_driver_sql("SELECT phone FROM scratch_protected").scalar()
    assert "573001234567" not in raw
    assert session.execute(select(protected.c.phone)).scalar() == "+573001234567"


def test_an_empty_value_left_from_before_encryption_reads_as_empty(session, connection):
    """A column encrypted by a later revision may still hold '' (a note nobody wrote): it
    reads as '' instead of failing every page that shows the row."""
    scratch.create_all(connection)
    connection.exec_driver_sql("INSERT INTO scratch_protected (id, phone) VALUES (2, '')")
    assert session.execute(select(protected.c.phone)).scalar() == ""


def test_lookup_hash_is_stable_and_depends_on_the_key():
    key = Fernet.generate_key().decode()
    one, same, other = (
        FieldCipher(key),
        FieldCipher(key),
        FieldCipher(Fernet.generate_key().decode()),
    )
    assert one.lookup_hash("+573001234567") == same.lookup_hash("+573001234567")
    assert one.lookup_hash("+573001234567") != other.lookup_hash("+573001234567")
    assert one.lookup_hash("+573001234567") != one.lookup_hash("+573001234568")


def test_text_encrypted_with_another_key_is_reported_not_garbled():
    token = FieldCipher(Fernet.generate_key().decode()).encrypt("secret")
    with pytest.raises(ValueError, match="cannot be read with this HSBP_FIELD_KEY"):
        FieldCipher(Fernet.generate_key().decode()).decrypt(token)


def test_several_field_keys_write_with_the_first_and_read_with_any():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    both = FieldCipher(f"{new},{old}")
    written = both.encrypt("+573001234567")
    assert FieldCipher(new).decrypt(written) == "+573001234567"
    assert both.decrypt(FieldCipher(old).encrypt("Ana")) == "Ana"
    assert both.decrypt_bytes(FieldCipher(old).encrypt_bytes(b"spool")) == b"spool"
    assert FieldCipher(new).decrypt_bytes(both.encrypt_bytes(b"spool")) == b"spool"
    assert (both.is_newest(written), both.is_newest(FieldCipher(old).encrypt("Ana"))) == (
        True,
        False,
    )
    assert (both.key_count, FieldCipher(old).key_count) == (2, 1)


def test_lookup_hashes_are_every_keys_newest_first():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    both = FieldCipher([new, old])
    assert both.lookup_hashes("+573001234567") == [
        FieldCipher(new).lookup_hash("+573001234567"),
        FieldCipher(old).lookup_hash("+573001234567"),
    ]
    assert both.lookup_hash("+573001234567") == FieldCipher(new).lookup_hash("+573001234567")


def test_a_value_of_a_key_no_longer_listed_is_reported():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = FieldCipher(old).encrypt("secret")
    with pytest.raises(ValueError, match="cannot be read with this HSBP_FIELD_KEY"):
        FieldCipher(new).decrypt(token)
    assert FieldCipher(new).is_newest(token) is False


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)


@pytest.mark.parametrize("durable", [False, True])
def test_only_the_intake_engine_commits_without_waiting_for_the_disk(database_url, durable):
    database = Database(database_url, intake_waits_for_disk=durable)
    sqlite = database_url.startswith("sqlite")
    ask = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"
    waits = 2 if sqlite else "on"  # FULL
    quick = 1 if sqlite else "off"  # NORMAL
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql(ask).scalar() == waits
        with database.intake_engine.connect() as connection:
            assert connection.exec_driver_sql(ask).scalar() == (waits if durable else quick)
    finally:
        database.engine.dispose()
        database.intake_engine.dispose()


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_sqlite_files_are_created_readable_by_their_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'hsbp.sqlite3'}")
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT x FROM t").scalar()
            found = {path.name: mode(path) for path in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert found == {
        "hsbp.sqlite3": 0o600,
        "hsbp.sqlite3-wal": 0o600,
        "hsbp.sqlite3-shm": 0o600,
        "hsbp.sqlite3.writelock": 0o600,
    }


def test_a_sqlite_file_left_readable_by_others_is_narrowed(tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1").scalar()
    engine.dispose()
    assert mode(path) == 0o600


def test_the_queue_database_is_created_readable_by_its_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        configure_queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    finally:
        os.umask(previous)
        configure_queue("immediate")
    assert mode(tmp_path / "queue.sqlite3") == 0o600


def test_database_errors_never_quote_the_values(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (phone TEXT UNIQUE)")
        connection.exec_driver_sql("INSERT INTO t VALUES ('+573001234567')")
    with pytest.raises(IntegrityError) as failed, engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (:phone)"), {"phone": "+573001234567"})
    engine.dispose()
    assert "UNIQUE constraint failed: t.phone" in str(failed.value)
    assert "573001234567" not in str(failed.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, 7), ("7", 7), (" 7 ", 7), (str(LARGEST_ID), LARGEST_ID)]
    + [(v, None) for v in (None, "", "0", "-1", "x", "²", "7.0", str(LARGEST_ID + 1), 10**30)],
)
def test_id_or_none_reads_only_ids_a_row_can_have(value, expected):
    assert id_or_none(value) == expected
