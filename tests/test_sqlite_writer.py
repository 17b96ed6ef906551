"""The writer lock of SQLite connections: one writer at a time, handed over at COMMIT or
ROLLBACK, and never a wait longer than SQLite's own busy timeout."""

import sqlite3
import threading
import time

import pytest

from hsbp.sqlite_writer import WriterLockedConnection


def connect(path, timeout=5.0) -> WriterLockedConnection:
    connection = sqlite3.connect(
        str(path), timeout=timeout, factory=WriterLockedConnection, isolation_level=None
    )
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "w.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (v TEXT)")
    setup.close()
    return path


def write(connection, value):
    connection.begin_writing()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO t VALUES (?)", (value,))


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_the_next_writer_gets_the_lock_when_the_first_ends(path, end):
    first, second = connect(path), connect(path)
    write(first, "a")
    got_it = threading.Event()

    def other():
        second.begin_writing()
        got_it.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert not got_it.wait(0.2)  # waits while the first writes
    getattr(first, end)()
    assert got_it.wait(2)
    thread.join()
    second.execute("BEGIN IMMEDIATE")  # and SQLite agrees it is free
    second.execute("INSERT INTO t VALUES ('b')")
    second.commit()
    rows = [r[0] for r in second.execute("SELECT v FROM t ORDER BY rowid")]
    assert rows == (["a", "b"] if end == "commit" else ["b"])


def test_a_writer_never_waits_longer_than_the_busy_timeout(path):
    first, second = connect(path), connect(path, timeout=0.2)
    write(first, "a")
    start = time.monotonic()
    second.begin_writing()  # gives up on our lock after the timeout...
    assert 0.15 < time.monotonic() - start < 1.5
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("BEGIN IMMEDIATE")  # ...and SQLite's own rule decides
    first.commit()


def test_closing_a_connection_gives_the_lock_back(path):
    first, second = connect(path), connect(path, timeout=0.5)
    write(first, "a")
    first.close()
    start = time.monotonic()
    second.begin_writing()
    assert time.monotonic() - start < 0.1


def test_memory_databases_take_no_lock_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    connection = sqlite3.connect(":memory:", factory=WriterLockedConnection)
    connection.begin_writing()
    connection.close()
    assert list(tmp_path.iterdir()) == []
