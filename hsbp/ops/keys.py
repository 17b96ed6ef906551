"""Field keys: `hsbp keys generate`, and `hsbp keys rotate`, which moves every value and
look-up hash protected by HSBP_FIELD_KEY to its newest key while the site runs."""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Column, LargeBinary, String, Table, bindparam, select, type_coerce, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import ENCRYPTED_BYTES, LOOKUP_HASH_OF, EncryptedString, FieldCipher, Sealed

# A deadlock with a request (PostgreSQL aborts one of the two) costs a batch, tried again.
BATCH_ATTEMPTS = 3
PROGRESS_EVERY = 5.0  # seconds between progress lines of one table


@dataclass
class LookupHash:
    """A keyed look-up hash and the encrypted column of the same row it is the hash of."""

    column: Column
    source: Column
    normalise: Callable[[str], str] | None


@dataclass
class Protected:
    """One table's columns protected by the field key, found from the models' metadata."""

    table: Table
    encrypted: list[Column]  # Encrypted* types: tokens as text
    sealed_bytes: list[Column]  # binary columns sealed with FieldCipher.encrypt_bytes
    hashes: list[LookupHash]

    @property
    def key(self) -> Column:
        return next(iter(self.table.primary_key.columns))


def _resolve(path: str) -> Callable[[str], str]:
    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def protected_tables(metadata=None) -> list[Protected]:
    """Every table with a column the field key protects: an Encrypted* type, binary data
    marked ENCRYPTED_BYTES, or a look-up hash declared with `db.lookup_hash_of`. A hash of
    something not stored (`lookup_hash_of(None)`) expires and is left out.

    Raises RuntimeError for a declaration the rotation cannot follow (no single-column
    primary key, a hash of a column that is not encrypted), so it is fixed, not skipped."""
    if metadata is None:
        import hsbp.models  # noqa: F401  (every feature's tables in the metadata)

        metadata = db.Base.metadata
    found = []
    for table in metadata.sorted_tables:
        encrypted = [c for c in table.columns if isinstance(c.type, EncryptedString)]
        sealed = [c for c in table.columns if ENCRYPTED_BYTES.items() <= c.info.items()]
        hashes = []
        for column in table.columns:
            source, normalise = column.info.get(LOOKUP_HASH_OF, (None, ""))
            if source is None:
                continue
            if source not in table.columns or table.columns[source] not in encrypted:
                raise RuntimeError(
                    f"{table.name}.{column.name} is declared the look-up hash of"
                    f" {source!r}, which is no encrypted column of {table.name}"
                )
            hashes.append(
                LookupHash(
                    column, table.columns[source], _resolve(normalise) if normalise else None
                )
            )
        if not (encrypted or sealed or hashes):
            continue
        if len(table.primary_key.columns) != 1:
            raise RuntimeError(f"{table.name} holds protected data but no one-column primary key")
        found.append(Protected(table, encrypted, sealed, hashes))
    return found


@dataclass
class TableResult:
    name: str
    unit: str = "rows"
    rows: int = 0  # rows read
    rewritten: int = 0  # rows written under the newest key
    mismatched: int = 0  # hashes that matched no key's hash of their value: recomputed
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Budget:
    """How many more rows this run may rewrite (None: all); `--limit`."""

    left: int | None = None

    @property
    def spent(self) -> bool:
        return self.left is not None and self.left <= 0


def _raw(column: Column):
    # The stored token, not the decrypted value the column's type would return.
    kind = LargeBinary() if isinstance(column.type, LargeBinary) else String()
    return type_coerce(column, kind).label(column.name)


def _rotate_row(cipher: FieldCipher, spec: Protected, row, result: TableResult) -> dict:
    """The new values of `row`'s protected columns that are not under the newest key yet,
    by column name ({} when it is done). A value no key reads is reported and left."""
    changes: dict = {}
    plain: dict[str, str | None] = {}
    sources = {h.source.name for h in spec.hashes}
    ident = row._mapping[spec.key.name]
    for column in spec.encrypted:
        token = row._mapping[column.name]
        if not token:  # None, or "" kept from before the column was encrypted
            plain[column.name] = token
            continue
        newest = cipher.is_newest(token)
        if newest and column.name not in sources:
            continue
        try:
            plain[column.name] = cipher.decrypt(token)
        except ValueError:
            plain[column.name] = None
            result.failures.append(
                f"{spec.table.name} id {ident}: {column.name} cannot be read with any key"
            )
            continue
        if not newest:
            changes[column.name] = Sealed(cipher.encrypt(plain[column.name]))
    for column in spec.sealed_bytes:
        token = row._mapping[column.name]
        if not token or cipher.is_newest(bytes(token)):
            continue
        try:
            changes[column.name] = cipher.encrypt_bytes(cipher.decrypt_bytes(bytes(token)))
        except ValueError:
            result.failures.append(
                f"{spec.table.name} id {ident}: {column.name} cannot be read with any key"
            )
    for lookup in spec.hashes:
        stored, value = row._mapping[lookup.column.name], plain.get(lookup.source.name)
        # No hash kept, its value unreadable (reported), or no value: an erased row's hash is
        # random (hsbp.privacy), and a hash of nothing would find nobody and clash.
        if not stored or not value:
            continue
        value = lookup.normalise(value) if lookup.normalise else value
        newest = cipher.lookup_hash(value)
        if stored != newest:
            changes[lookup.column.name] = newest
            if stored not in cipher.lookup_hashes(value):
                result.mismatched += 1
    return changes


def _write(session: Session, spec: Protected, updates: list[tuple[object, dict]]) -> None:
    """One executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for ident, changes in updates:
        params = {f"new_{name}": value for name, value in changes.items()}
        groups.setdefault(tuple(sorted(changes)), []).append({"row_id": ident, **params})
    for names, rows in groups.items():
        statement = (
            update(spec.table)
            .where(spec.key == bindparam("row_id"))
            .values({spec.table.columns[n]: bindparam(f"new_{n}") for n in names})
        )
        session.connection().execute(statement, rows)


def _batch(app: Flask, spec: Protected, after, size: int, result: TableResult, budget: Budget):
    """Rotate the next `size` rows after primary key `after`, in one transaction. Returns
    the last key read, or None at the end of the table."""
    cipher = db.field_cipher(app)
    columns = [spec.key, *(_raw(c) for c in (*spec.encrypted, *spec.sealed_bytes))]
    columns += [h.column for h in spec.hashes]
    query = select(*columns).order_by(spec.key).limit(size)
    if after is not None:
        query = query.where(spec.key > after)
    for attempt in range(BATCH_ATTEMPTS):
        probe = TableResult(spec.table.name)
        try:
            with db.database(app).sessions() as session, session.begin():
                rows = session.execute(query).all()
                if not rows:
                    return None
                stale = [
                    r._mapping[spec.key.name] for r in rows if _rotate_row(cipher, spec, r, probe)
                ]
                updates = []
                if stale:
                    # Locked, then read again: a request that changed a row since it was read
                    # above wrote it under the newest key, and nothing it wrote is undone.
                    locked = session.execute(
                        select(*columns).where(spec.key.in_(stale)).with_for_update()
                    ).all()
                    checked = TableResult(spec.table.name)
                    for row in locked:
                        changes = _rotate_row(cipher, spec, row, checked)
                        if changes:
                            updates.append((row._mapping[spec.key.name], changes))
                    probe.mismatched = checked.mismatched
                    _write(session, spec, updates)
            break
        except OperationalError:
            if attempt + 1 == BATCH_ATTEMPTS:
                raise
    result.rows += len(rows)
    result.rewritten += len(updates)
    result.mismatched += probe.mismatched
    result.failures += probe.failures
    if budget.left is not None:
        budget.left -= len(updates)
    return rows[-1]._mapping[spec.key.name]


def rotate_table(
    app: Flask, spec: Protected, *, batch: int, budget: Budget, echo: Callable[[str], None]
) -> TableResult:
    """Rotate one table, batch after batch, each its own transaction."""
    result = TableResult(spec.table.name)
    started = last_said = time.monotonic()
    after = None
    while not budget.spent:
        after = _batch(app, spec, after, batch, result, budget)
        if after is None:
            break
        if time.monotonic() - last_said > PROGRESS_EVERY:
            last_said = time.monotonic()
            echo(f"  {spec.table.name}: {result.rows} rows read, {result.rewritten} rewritten...")
    result.seconds = time.monotonic() - started
    return result


def rotate_spool(app: Flask, result: TableResult) -> None:
    """Seal again, under the newest key, the inbound SMS waiting in this host's spool."""
    from hsbp.sms import spool

    cipher = db.field_cipher(app)
    for path in spool.pending(app):
        if path.suffix != spool.SEALED:
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue  # drained meanwhile
        result.rows += 1
        if cipher.is_newest(data):
            continue
        try:
            fresh = cipher.encrypt_bytes(cipher.decrypt_bytes(data))
        except ValueError:
            result.failures.append(f"SMS spool: {path.name} cannot be read with any key")
            continue
        _replace(path, fresh)
        result.rewritten += 1


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.rotating")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    if path.exists():
        os.replace(temporary, path)
    else:
        # The router drained it meanwhile; were it written back, its MessageSid would
        # still make it count once, but there is no need.
        temporary.unlink()


@dataclass
class Summary:
    results: list[TableResult]
    stopped: bool  # --limit reached before the end

    @property
    def failures(self) -> list[str]:
        return [failure for result in self.results for failure in result.failures]


def rotate(
    app: Flask,
    *,
    batch: int = 500,
    limit: int | None = None,
    echo: Callable[[str], None] = print,
) -> Summary:
    """Move every protected value and look-up hash to the newest key of HSBP_FIELD_KEY.

    Resumable and safe while the site runs: rows already under the newest key are left as
    they are, each batch commits on its own, and a row being written by a request is
    locked before it is rewritten. Side effects: updates of encrypted columns and hashes,
    spooled SMS files sealed again; a line per table through `echo`."""
    budget = Budget(limit)
    results = []
    for spec in protected_tables():
        result = rotate_table(app, spec, batch=batch, budget=budget, echo=echo)
        results.append(result)
        echo(_line(result))
        if budget.spent:
            return Summary(results, stopped=True)
    spooled = TableResult("SMS spool", unit="files")
    started = time.monotonic()
    rotate_spool(app, spooled)
    spooled.seconds = time.monotonic() - started
    results.append(spooled)
    echo(_line(spooled))
    return Summary(results, stopped=False)


def _line(result: TableResult) -> str:
    extra = f", {result.mismatched} hashes recomputed" if result.mismatched else ""
    failed = f", {len(result.failures)} unreadable" if result.failures else ""
    return (
        f"{result.name}: {result.rows} {result.unit}, {result.rewritten} rewritten{extra}{failed}"
        f" ({result.seconds:.2f} s)"
    )


keys_group = AppGroup("keys", help="Field keys (HSBP_FIELD_KEY): make one, rotate to the newest.")


@keys_group.command("generate", with_appcontext=False)
def generate_command() -> None:
    """Print a new Fernet key, for HSBP_FIELD_KEY."""
    click.echo(Fernet.generate_key().decode())


@keys_group.command("rotate")
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows a transaction.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Stop once about this many rows are rewritten (at the end of a batch).",
)
def rotate_command(batch: int, limit: int | None) -> None:
    """Re-encrypt every protected value and recompute every look-up hash with the newest
    key of HSBP_FIELD_KEY (the first). Run it after every web and worker process restarted
    with the new key list; run it again after an interruption, it goes on."""
    app = current_app._get_current_object()
    if db.field_cipher(app).key_count < 2:
        click.echo(
            "HSBP_FIELD_KEY holds one key: nothing to rotate. Put a new key first"
            " (hsbp keys generate), keep the old one after it, restart, then run this again."
        )
        return
    started = time.monotonic()
    summary = rotate(app, batch=batch, limit=limit, echo=click.echo)
    seconds = time.monotonic() - started
    rows = sum(r.rows for r in summary.results if r.unit == "rows")
    rewritten = sum(r.rewritten for r in summary.results)
    for failure in summary.failures:
        click.echo(failure, err=True)
    click.echo(f"{rows} rows read, {rewritten} rewritten in {seconds:.2f} s.")
    if summary.failures:
        raise click.ClickException(
            f"{len(summary.failures)} values cannot be read with any key of HSBP_FIELD_KEY"
            " (listed above): keep the old keys until they are dealt with."
        )
    if summary.stopped:
        click.echo("Stopped at --limit: run `hsbp keys rotate` again to go on.")
    else:
        click.echo("Every value is under the newest key: the older keys may be removed.")
