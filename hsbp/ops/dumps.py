"""The database half of a backup: a consistent dump with its row counts, and its restore."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import make_conninfo
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from hsbp.db import shown_url
from hsbp.ops.archive import DATABASE_MEMBERS, BackupError

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
NEW_DATABASE = "restore into a new, empty database"


@dataclass
class Snapshot:
    kind: str
    member: str
    revision: str
    row_counts: dict[str, int]


def database_kind(url: str) -> str:
    """ "postgresql" or "sqlite", from a SQLAlchemy URL; BackupError for anything else."""
    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # SQLAlchemy raises several kinds for a bad URL
        raise BackupError("HSBP_DATABASE_URL is not a database URL") from None
    if backend not in DATABASE_MEMBERS:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {backend}")
    return backend


def sqlite_file(url: str) -> Path:
    name = make_url(url).database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("HSBP_DATABASE_URL must name an SQLite file to back it up or restore")
    return Path(name)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The conninfo that names the database for pg_dump and pg_restore, and the environment
    to run them in: the password goes in PGPASSWORD, never on a command line (where `ps`
    shows it to every user of the machine)."""
    parsed = make_url(url)
    params = {
        key: value[-1] if isinstance(value, tuple) else value for key, value in parsed.query.items()
    }
    password = params.pop("password", None) or parsed.password
    if "sslpassword" in params:
        raise BackupError("sslpassword in HSBP_DATABASE_URL would show on a command line")
    fields = {"host": parsed.host, "port": parsed.port, "user": parsed.username}
    fields = {key: value for key, value in fields.items() if value}
    conninfo = make_conninfo("", dbname=parsed.database or "", **fields, **params)
    environment = {**os.environ, "PGAPPNAME": "hsbp backup"}
    if password:
        environment["PGPASSWORD"] = str(password)
    return conninfo, environment


def _run(tool: str, arguments: list[str], environment: dict[str, str]) -> None:
    try:
        finished = subprocess.run(  # noqa: S603  (PostgreSQL's own tool; no shell)
            [tool, *arguments],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
    except FileNotFoundError:
        raise BackupError(
            f"{tool} was not found: install PostgreSQL's client tools (the server's major"
            " version or newer)"
        ) from None
    if finished.returncode != 0:
        lines = [line.strip() for line in finished.stderr.decode(errors="replace").splitlines()]
        errors = [line for line in lines if "error" in line.lower()] or lines or ["no message"]
        raise BackupError(f"{tool} failed: {errors[0]}")


def _engine(url: str):
    return create_engine(url, poolclass=NullPool, hide_parameters=True)


@contextlib.contextmanager
def _connect(url: str, **options):
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            yield connection.execution_options(**options) if options else connection
    except DBAPIError as error:
        if error.statement is not None and not error.connection_invalidated:
            raise
        reason = str(error.orig or error).strip().splitlines()[0]
        raise BackupError(f"cannot reach the database at {shown_url(url)}: {reason}") from None
    finally:
        engine.dispose()


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows in each table of the connection's default schema, by table name."""
    names = sorted(inspect(connection).get_table_names())
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in names
    }


def _revision(counts: dict[str, int], read) -> str:
    revisions = read() if counts.get("alembic_version") else []
    if len(revisions) != 1:
        raise BackupError("the database has no schema revision: run `hsbp db upgrade` first")
    return revisions[0]


def dump(url: str, target: Path) -> Snapshot:
    """Write a consistent copy of the database to `target`, with its row counts and schema
    revision taken from the very same snapshot, while the site goes on writing."""
    kind = database_kind(url)
    if kind == "postgresql":
        return _dump_postgresql(url, target)
    return _dump_sqlite(url, target)


def _dump_postgresql(url: str, target: Path) -> Snapshot:
    conninfo, environment = libpq(url)
    # One REPEATABLE READ transaction exports its snapshot to pg_dump: the counts in the
    # manifest and the dump then see exactly the same committed rows.
    with (
        _connect(url, isolation_level="REPEATABLE READ", postgresql_readonly=True) as connection,
        connection.begin(),
    ):
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = count_rows(connection)
        revision = _revision(
            counts,
            lambda: (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            ),
        )
        _run(
            "pg_dump",
            [
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={conninfo}",
            ],
            environment,
        )
    return Snapshot("postgresql", DATABASE_MEMBERS["postgresql"], str(revision), counts)


def _sqlite_uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.absolute()))}?mode={mode}"


def _sqlite_counts(path: Path) -> tuple[dict[str, int], list[str]]:
    connection = sqlite3.connect(_sqlite_uri(path, "ro"), uri=True)
    try:
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        counts = {}
        for (name,) in sorted(names):
            quoted = '"' + name.replace('"', '""') + '"'
            counts[name] = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # noqa: S608
        revisions = []
        if counts.get("alembic_version"):
            query = "SELECT version_num FROM alembic_version"
            revisions = [revision for (revision,) in connection.execute(query)]
        return counts, revisions
    finally:
        connection.close()


def _dump_sqlite(url: str, target: Path) -> Snapshot:
    source_path = sqlite_file(url)
    if not source_path.is_file():
        raise BackupError(f"there is no SQLite database at {source_path}")
    try:
        source = sqlite3.connect(_sqlite_uri(source_path, "rw"), uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            # All pages in one step, under one read transaction: a consistent copy, and in
            # WAL mode the site's writers are not held up while it is taken.
            source.backup(copy)
            # One self-contained file (no -wal beside it); the app turns WAL on again.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        counts, revisions = _sqlite_counts(target)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy the SQLite database {source_path}: {error}") from None
    revision = _revision(counts, lambda: revisions)
    return Snapshot("sqlite", DATABASE_MEMBERS["sqlite"], str(revision), counts)


def refuse_unless_empty(url: str) -> bool:
    """BackupError unless the target database is empty: no tables, or tables without rows
    and without a schema revision. Returns whether it has tables."""
    if database_kind(url) == "sqlite":
        path = sqlite_file(url)
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            return False
        try:
            counts, revisions = _sqlite_counts(path)
        except sqlite3.Error:
            raise BackupError(f"{path} is not an empty SQLite database: move it away") from None
    else:
        with _connect(url) as connection:
            counts = count_rows(connection)
            revisions = []
            if counts.get("alembic_version"):
                query = text("SELECT version_num FROM alembic_version")
                revisions = list(connection.execute(query).scalars())
    if revisions:
        raise BackupError(
            f"the target database is not empty (it is at schema revision {revisions[0]}):"
            f" {NEW_DATABASE}"
        )
    full = [name for name, count in counts.items() if count]
    if full:
        raise BackupError(
            f"the target database is not empty (table {full[0]} has rows): {NEW_DATABASE}"
        )
    return bool(counts)


def restore_postgresql(url: str, dump_path: Path, *, has_tables: bool) -> None:
    """pg_restore in one transaction that stops at the first error: it all lands, or none.
    Empty tables already there are replaced by the archive's (--clean --if-exists)."""
    conninfo, environment = libpq(url)
    arguments = [
        "--no-owner",
        # Grants name roles that the new server may not have; one missing would stop it all.
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={conninfo}",
    ]
    if has_tables:
        arguments += ["--clean", "--if-exists"]
    _run("pg_restore", [*arguments, str(dump_path)], environment)


def sqlite_counts(path: Path) -> dict[str, int]:
    try:
        return _sqlite_counts(path)[0]
    except sqlite3.Error as error:
        raise BackupError(f"the archive's SQLite database cannot be read: {error}") from None


def place_sqlite(url: str, staged: Path) -> None:
    """Put the staged copy where the site's database is, in one rename. An empty database
    there is checkpointed first, and its log files removed, so SQLite never replays a log
    of the old file onto the new one."""
    target = sqlite_file(url)
    if target.is_file() and target.stat().st_size:
        connection = sqlite3.connect(target)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    for suffix in SQLITE_COMPANIONS:
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    sync_folder(target.parent)


def database_counts(url: str) -> dict[str, int]:
    if database_kind(url) == "sqlite":
        return sqlite_counts(sqlite_file(url))
    with _connect(url) as connection:
        return count_rows(connection)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
