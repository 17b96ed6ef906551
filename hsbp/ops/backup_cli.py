"""The `hsbp backup` and `hsbp restore` commands: a summary, or one line on stderr."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from hsbp.ops.archive import BackupError, read_passphrase


class _Stopped(BaseException):
    """SIGTERM (a service manager, a timeout): unwind so that temporary files go."""


def _stop(_signal, _frame):
    raise _Stopped


@contextlib.contextmanager
def _one_line(action: str):
    """Any failure is one line on stderr and exit 1, never a traceback; the `finally`
    blocks below have removed whatever was half-written by then."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except (KeyboardInterrupt, _Stopped):
        raise click.ClickException(f"{action} interrupted: nothing was left half-done") from None
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise click.ClickException(f"{action} failed: {error.strerror or error}{where}") from None
    except Exception as error:  # the promise is one line, whatever happened
        first = (str(error).strip().splitlines() or [""])[0]
        raise click.ClickException(f"{action} failed: {type(error).__name__}: {first}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def _files(folders: dict) -> str:
    return ", ".join(f"{count} in {setting}" for setting, count in folders.items()) or "none"


@click.command("backup")
@click.option("--output", type=click.Path(path_type=Path), help="The archive to write.")
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    help="Write hsbp-backup-<UTC time>.tar.gz (.hsbp-enc if encrypted) in this folder.",
)
@click.option("--keep", type=int, help="With --output-dir: keep only the newest N archives.")
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path),
    help="Encrypt with the passphrase on this file's first line (or HSBP_BACKUP_PASSPHRASE).",
)
@click.option(
    "--include-keys",
    is_flag=True,
    help="Add HSBP_SECRET_KEY and HSBP_FIELD_KEY (encrypted archives only).",
)
@with_appcontext
def backup_command(
    output: Path | None,
    output_dir: Path | None,
    keep: int | None,
    passphrase_file: Path | None,
    include_keys: bool,
) -> None:
    """Write the database, the upload folders and the SMS spool to one archive."""
    from hsbp.ops.backup import create_backup

    with _one_line("backup"):
        result = create_backup(
            current_app.config,
            output=output,
            output_dir=output_dir,
            keep=keep,
            passphrase=read_passphrase(passphrase_file),
            include_keys=include_keys,
        )
    sealed = "encrypted" if result.encrypted else "not encrypted"
    click.echo(f"Backup written to {result.path} ({_size(result.size)}, {sealed}).")
    rows = sum(result.row_counts.values())
    click.echo(
        f"Database: {result.kind} at revision {result.revision},"
        f" {len(result.row_counts)} tables, {rows} rows."
    )
    click.echo(f"Files: {_files({k: v['files'] for k, v in result.folders.items()})}.")
    if result.keys:
        click.echo("Keys: HSBP_SECRET_KEY and HSBP_FIELD_KEY are in the archive.")
    for path in result.removed:
        click.echo(f"Removed the older backup {path.name}.")


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path),
    help="The passphrase of an encrypted archive (or HSBP_BACKUP_PASSPHRASE).",
)
@click.option(
    "--write-keys",
    type=click.Path(path_type=Path),
    help="Write the keys the archive holds to this new file (readable by you only).",
)
@with_appcontext
def restore_command(archive: Path, passphrase_file: Path | None, write_keys: Path | None) -> None:
    """Restore ARCHIVE into an empty database and empty folders (stop the site first)."""
    from hsbp.ops.restore import restore_backup

    with _one_line("restore"):
        result = restore_backup(
            current_app.config,
            archive,
            passphrase=read_passphrase(passphrase_file),
            write_keys=write_keys,
        )
    rows = sum(result.row_counts.values())
    click.echo(
        f"Restored {result.kind} database at revision {result.revision}:"
        f" {len(result.row_counts)} tables, {rows} rows, every count as in the manifest."
    )
    click.echo(f"Files: {_files(result.folders)}.")
    if result.revision != result.head:
        click.echo(f"This hsbp is at revision {result.head}: run `hsbp db upgrade` next.")
    if result.keys_written is not None:
        click.echo(f"The archive's keys are in {result.keys_written}.")
    elif result.keys_in_archive:
        click.echo("The archive holds the keys: --write-keys FILE writes them out.")
    if not result.field_keys_match:
        click.echo(
            "Warning: HSBP_FIELD_KEY lacks a key this data was encrypted with; protected"
            " names and phone numbers stay unreadable until it is set.",
            err=True,
        )
