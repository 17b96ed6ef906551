"""One writer at a time on an SQLite file, handed over in microseconds, not SQLite's naps.

SQLite lets one transaction write at a time. A writer that finds the file locked sleeps
and tries again (1 ms, 2 ms, 5 ms ... up to the busy timeout), so under a burst (two web
workers storing inbound SMS) those naps, not the work, set the pace. Our connections first
take an exclusive flock on a file beside the database, polled from every 50 microseconds,
and give it back right after COMMIT or ROLLBACK. A writer that cannot get it within the
busy timeout goes on to BEGIN IMMEDIATE anyway, where SQLite's own locking rules as
before: the flock only ever makes writers wait less.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import time

# A waiting writer polls the flock: often at first, then less, never longer than this.
LONGEST_NAP = 0.002


class WriterLockedConnection(sqlite3.Connection):
    """A pysqlite connection (the `factory` of sqlite3.connect) that takes the writer lock
    in `begin_writing()` and gives it back when its transaction ends."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._busy_timeout = kwargs.get("timeout", 5.0)
        name = str(database)
        memory = name in ("", ":memory:") or name.startswith("file::memory:")
        self._lock_file = None if memory else open(f"{name}.writelock", "a+b")  # noqa: SIM115
        self._locked = False

    def begin_writing(self) -> None:
        if self._lock_file is None or self._locked:
            return
        deadline = time.monotonic() + self._busy_timeout
        nap = 0.00005
        while True:
            try:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # let SQLite's own busy timeout decide
                time.sleep(nap)
                nap = min(nap * 2, LONGEST_NAP)
                continue
            self._locked = True
            return

    def _release(self) -> None:
        if self._locked:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._locked = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()
            if self._lock_file is not None:
                with contextlib.suppress(OSError):
                    self._lock_file.close()
