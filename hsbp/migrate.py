"""Schema migrations with Alembic, configured from the app rather than an alembic.ini."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from hsbp.db import make_engine, shown_url
from hsbp.paths import resource_dir


class NewerDatabase(RuntimeError):
    """The database names a revision this code does not know: a newer hsbp migrated it."""

    def __init__(self, revision: str, head: str):
        self.revision = revision
        self.head = head
        super().__init__(
            f"the database is at revision {revision}, newer than this hsbp (head {head}):"
            " install the newer hsbp or restore the backup taken before its upgrade"
        )


class DatabaseUnreachable(RuntimeError):
    """The database could not be opened (server down, wrong address, no such folder)."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against this code's migrations."""

    revision: str | None  # None: no revision yet (an empty database)
    head: str
    pending: int  # revisions an upgrade to head would run
    newer: bool  # the database is at a revision this code does not know

    @property
    def at_head(self) -> bool:
        return not self.newer and self.pending == 0


def alembic_config(
    database_url: str, connection: Connection | None = None, field_key: str | None = None
) -> Config:
    """`field_key` (HSBP_FIELD_KEY) lets a revision encrypt data it finds in plain text."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    if field_key:
        config.attributes["field_key"] = field_key
    return config


@functools.cache
def _scripts(location: str) -> ScriptDirectory:
    # Reading every revision file takes a while; a process migrating step by step (a test
    # walking the chain) reads them once.
    config = Config()
    config.set_main_option("script_location", location)
    return ScriptDirectory.from_config(config)


def _current_revisions(database_url: str, connection: Connection | None) -> tuple[str, ...]:
    if connection is not None:
        return MigrationContext.configure(connection).get_current_heads()
    engine = make_engine(database_url)
    try:
        with engine.connect() as opened:
            return MigrationContext.configure(opened).get_current_heads()
    except DBAPIError as error:
        if not error.connection_invalidated and error.statement is not None:
            raise
        # Only the first line: PostgreSQL's drivers add hints on the lines after it.
        reason = str(error.orig or error).strip().splitlines()[0]
        where = shown_url(database_url)
        raise DatabaseUnreachable(f"cannot reach the database at {where}: {reason}") from error
    finally:
        engine.dispose()


def known_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """This code's head revisions and every revision it knows."""
    script = _scripts(str(resource_dir("migrations")))
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return frozenset(script.get_heads()), known


def schema_state(database_url: str, connection: Connection | None = None) -> SchemaState:
    """Read the database's revision (and nothing else) and compare it with this code's.

    Raises DatabaseUnreachable when the database cannot be opened."""
    script = _scripts(str(resource_dir("migrations")))
    head = script.get_current_head()
    current = _current_revisions(database_url, connection)
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = [revision for revision in current if revision not in known]
    if unknown:
        return SchemaState(revision=unknown[0], head=head, pending=0, newer=True)
    pending = len(list(script.iterate_revisions("heads", current or "base")))
    return SchemaState(
        revision=current[0] if current else None, head=head, pending=pending, newer=False
    )


def _refuse_newer(database_url: str, connection: Connection | None) -> None:
    # Alembic alone would stop later with "Can't locate revision"; saying why, before any
    # migration ran, tells the operator which of the two (code or database) to change.
    state = schema_state(database_url, connection)
    if state.newer:
        raise NewerDatabase(state.revision, state.head)


def upgrade(database_url: str, revision: str = "head", **kwargs) -> None:
    """Migrate up to `revision`. Raises NewerDatabase, touching nothing, when a newer hsbp
    migrated the database, and DatabaseUnreachable when it cannot be opened."""
    _refuse_newer(database_url, kwargs.get("connection"))
    command.upgrade(alembic_config(database_url, **kwargs), revision)


def downgrade(database_url: str, revision: str, **kwargs) -> None:
    """Migrate down to `revision`, with the same refusals as `upgrade`."""
    _refuse_newer(database_url, kwargs.get("connection"))
    command.downgrade(alembic_config(database_url, **kwargs), revision)
