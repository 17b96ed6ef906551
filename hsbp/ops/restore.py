"""`hsbp restore`: an archive back into an empty database and empty folders, or nothing."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hsbp import migrate
from hsbp.ops import dumps
from hsbp.ops.archive import (
    DATABASE_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    DecryptingReader,
    field_key_checks,
    is_encrypted,
    member_kind,
)
from hsbp.ops.backup import COPY_BYTES, folders_of, private_folder

MANIFEST_MAX_BYTES = 256 * 1024 * 1024
KEYS_MAX_BYTES = 64 * 1024
KIND_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


@dataclass
class RestoreResult:
    kind: str
    revision: str
    head: str
    row_counts: dict[str, int]
    folders: dict[str, int]
    keys_in_archive: bool
    keys_written: Path | None
    field_keys_match: bool


def restore_backup(
    config: Mapping, archive: Path, *, passphrase: bytes | None, write_keys: Path | None = None
) -> RestoreResult:
    """Bring `archive` back into the site's database and folders, which must be empty.

    Everything is read, checked (checksums, schema revision, database kind) and staged
    before anything of the site's changes. Side effects: the database restored (PostgreSQL:
    pg_restore in one transaction; SQLite: one rename), the folders' files moved into place,
    `write_keys` created (0600) with the archive's keys when asked.
    """
    url = config["DATABASE_URL"]
    kind = dumps.database_kind(url)
    if not archive.is_file():
        raise BackupError(f"there is no archive at {archive}")
    if write_keys is not None and (write_keys.exists() or not write_keys.parent.is_dir()):
        raise BackupError(f"--write-keys needs a new file in a folder that exists: {write_keys}")
    folders = folders_of(config)
    dumps.refuse_unless_empty(url)
    for setting, folder in folders.items():
        _refuse_unless_empty_folder(setting, folder)
    encrypted = is_encrypted(archive)
    if encrypted and not passphrase:
        raise BackupError(
            "the archive is encrypted: give --passphrase-file or HSBP_BACKUP_PASSPHRASE"
        )
    stage = _Staging(url, kind, folders)
    try:
        manifest, seen, keys = _extract(archive, passphrase if encrypted else None, stage, kind)
        revision, head = _check(manifest, seen, kind, url)
        if write_keys is not None and keys is None:
            raise BackupError("the archive holds no keys (it was made without --include-keys)")
        # Again, as the archive took time to read: no one may have written meanwhile.
        has_tables = dumps.refuse_unless_empty(url)
        for setting, folder in folders.items():
            _refuse_unless_empty_folder(setting, folder, stage.dirs.get(setting))
        expected = manifest["database"]["row_counts"]
        if kind == "sqlite":
            _compare(expected, dumps.sqlite_counts(stage.database))
            dumps.place_sqlite(url, stage.database)
        else:
            dumps.restore_postgresql(url, stage.database, has_tables=has_tables)
            _compare(expected, dumps.database_counts(url))
        stage.place_files()
        if write_keys is not None:
            _write_keys(write_keys, keys)
    finally:
        stage.clean_up()
    current = set(field_key_checks(config["FIELD_KEY"]))
    return RestoreResult(
        kind=kind,
        revision=revision,
        head=head,
        row_counts=expected,
        folders={setting: len(stage.written[setting]) for setting in folders},
        keys_in_archive=keys is not None,
        keys_written=write_keys,
        field_keys_match=set(manifest["database"].get("field_key_checks", [])) <= current,
    )


def _holds_files(folder: Path, staged: Path | None = None) -> bool:
    """Whether `folder` holds anything but folders (and our own `staged` folder)."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(folder):
            if staged is not None and Path(entry.path) == staged:
                continue
            if not entry.is_dir(follow_symlinks=False) or _holds_files(Path(entry.path)):
                return True
    return False


def _refuse_unless_empty_folder(setting: str, folder: Path, staged: Path | None = None) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} ({setting}) is not a folder")
    if _holds_files(folder, staged):
        raise BackupError(f"{folder} ({setting}) holds files: restore into empty folders")


class _Staging:
    """Where the archive's members wait until all are checked: the SQLite copy beside the
    database, the PostgreSQL dump in the temporary folder (TMPDIR), each folder's files in
    a hidden folder inside it (the same disk, even when it is a mounted volume)."""

    def __init__(self, url: str, kind: str, folders: dict[str, Path]):
        self.folders = folders
        self.created: list[Path] = []
        self.written: dict[str, list[str]] = {setting: [] for setting in folders}
        self.dirs: dict[str, Path] = {}
        self.placed = False
        if kind == "sqlite":
            target = dumps.sqlite_file(url)
            self._make_folder(target.parent)
            descriptor, name = tempfile.mkstemp(
                prefix=".hsbp-restore-", suffix=".sqlite3", dir=target.parent
            )
            os.close(descriptor)
            self.database, self._dump_dir = Path(name), None
        else:
            self._dump_dir = Path(tempfile.mkdtemp(prefix="hsbp-restore-"))
            self.database = self._dump_dir / "postgresql.dump"

    def _make_folder(self, folder: Path) -> None:
        self.created.extend(private_folder(folder))  # deepest first, as they are removed

    def _dir_of(self, setting: str) -> Path:
        if setting not in self.dirs:
            self._make_folder(self.folders[setting])
            self.dirs[setting] = Path(
                tempfile.mkdtemp(prefix=".hsbp-restore-", dir=self.folders[setting])
            )
        return self.dirs[setting]

    def write_database(self, stream: BinaryIO) -> dict:
        with open(self.database, "wb") as out:
            return _copy(stream, out)

    def write_file(self, setting: str, inside: str, stream: BinaryIO) -> dict:
        path = self._dir_of(setting) / inside
        private_folder(path.parent)
        # Evidence and spooled messages are the site's user's alone, as the site wrote them.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            digest = _copy(stream, out)
        self.written[setting].append(inside)
        return digest

    def place_files(self) -> None:
        for setting, staged in self.dirs.items():
            _move_into(staged, self.folders[setting])
            staged.rmdir()
            dumps.sync_folder(self.folders[setting])
        self.placed = True

    def clean_up(self) -> None:
        for staged in self.dirs.values():
            shutil.rmtree(staged, ignore_errors=True)
        if self._dump_dir is not None:
            shutil.rmtree(self._dump_dir, ignore_errors=True)
        else:
            self.database.unlink(missing_ok=True)
        if not self.placed:
            for folder in self.created:
                with contextlib.suppress(OSError):  # holds something after all: keep it
                    folder.rmdir()


def _move_into(source: Path, target: Path) -> None:
    """Move what `source` holds into `target`, which holds no files (only, maybe, folders)."""
    for entry in sorted(source.iterdir()):
        destination = target / entry.name
        if entry.is_dir() and destination.is_dir():
            _move_into(entry, destination)
            entry.rmdir()
        else:
            os.replace(entry, destination)


def _copy(stream: BinaryIO, out: BinaryIO) -> dict:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(COPY_BYTES):
        digest.update(chunk)
        size += len(chunk)
        out.write(chunk)
    out.flush()
    os.fsync(out.fileno())
    return {"sha256": digest.hexdigest(), "bytes": size}


def _read_small(stream: BinaryIO, limit: int, name: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise BackupError(f"damaged archive: {name} is too large")
    return data


def _extract(archive: Path, passphrase: bytes | None, stage: _Staging, kind: str):
    """Stage every member, hashing it; the manifest and the keys are kept in memory."""
    seen: dict[str, dict] = {}
    manifest = keys = None
    with open(archive, "rb") as raw:
        sealed = DecryptingReader(raw, passphrase) if passphrase else None
        source = raw if sealed is None else io.BufferedReader(sealed, COPY_BYTES)
        try:
            with (
                gzip.GzipFile(fileobj=source, mode="rb") as gz,
                tarfile.open(fileobj=gz, mode="r|") as tar,
            ):
                for member in tar:
                    if manifest is not None or member.name in seen or not member.isreg():
                        raise BackupError(f"damaged archive: unexpected member {member.name!r}")
                    what, setting, inside = member_kind(member.name)
                    stream = tar.extractfile(member)
                    if what == "database":
                        _refuse_other_kind(member.name, kind)
                        seen[member.name] = stage.write_database(stream)
                    elif what == "files":
                        if setting not in stage.folders:
                            raise BackupError(
                                f"the archive holds files of {setting}, a folder this hsbp"
                                " does not know: restore it with the version that made it"
                            )
                        seen[member.name] = stage.write_file(setting, inside, stream)
                    elif what == "keys":
                        data = _read_small(stream, KEYS_MAX_BYTES, member.name)
                        seen[member.name] = _digest(data)
                        keys = _parse(data, member.name)
                    else:
                        manifest = _parse(_read_small(stream, MANIFEST_MAX_BYTES, "manifest"), "")
                # To the end: gzip checks its CRC, the sealed stream its last chunk.
                while gz.read(COPY_BYTES):
                    pass
            if sealed is not None:
                sealed.verify_to_end()
        except EOFError:
            raise BackupError("damaged archive: it ends too early (cut short?)") from None
        except (tarfile.TarError, gzip.BadGzipFile, zlib.error, OSError) as error:
            if isinstance(error, OSError) and error.errno is not None:
                raise
            raise BackupError(f"damaged archive: {error}") from None
    if manifest is None:
        raise BackupError("damaged archive: it has no manifest (cut short?)")
    return manifest, seen, keys


def _digest(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _parse(data: bytes, name: str) -> dict:
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise BackupError(f"damaged archive: {name or 'the manifest'} cannot be read")
    return parsed


def _refuse_other_kind(member: str, kind: str) -> None:
    archived = next((k for k, name in DATABASE_MEMBERS.items() if name == member), None)
    if archived is None:
        raise BackupError("damaged archive: its manifest names no database we know")
    if archived != kind:
        raise BackupError(
            f"this is a backup of a {KIND_NAMES[archived]} database and HSBP_DATABASE_URL"
            f" names a {KIND_NAMES[kind]} one: restoring across kinds is not supported"
        )


def _check(manifest: dict, seen: dict, kind: str, url: str) -> tuple[str, str]:
    """The archive's schema revision and this code's head, once the manifest vouches for
    every member and the revision is one this code knows."""
    try:
        version = int(manifest.get("format_version", 0))
        database = manifest["database"]
        revision, counts = str(database["schema_revision"]), database["row_counts"]
        members = manifest["members"]
        valid = isinstance(counts, dict) and isinstance(members, dict)
    except (KeyError, TypeError, ValueError):
        valid = False
    if manifest.get("format") != FORMAT or not valid:
        raise BackupError("damaged archive: its manifest is not an hsbp backup's")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"the archive's format (version {version}) is newer than this hsbp reads: upgrade"
        )
    if database.get("kind") != kind:
        _refuse_other_kind(DATABASE_MEMBERS.get(database.get("kind"), ""), kind)
    if DATABASE_MEMBERS[kind] not in seen:
        raise BackupError("damaged archive: it holds no database")
    for name in sorted(set(members) | set(seen)):
        if name not in seen:
            raise BackupError(f"damaged archive: {name} is missing")
        if members.get(name) != seen[name]:
            raise BackupError(f"damaged archive: {name} does not match its checksum")
    heads, known = migrate.known_revisions()
    head = ", ".join(sorted(heads))
    if revision not in known:
        raise BackupError(
            f"the archive's schema revision {revision} is newer than this hsbp knows (its"
            f" latest is {head}): restore with hsbp {manifest.get('hsbp_version', '?')} or later"
        )
    return revision, head


def _compare(expected: dict, found: dict) -> None:
    for table in sorted(set(expected) | set(found)):
        if expected.get(table, 0) != found.get(table, 0):
            raise BackupError(
                f"after restoring, table {table} has {found.get(table, 0)} rows and the"
                f" manifest says {expected.get(table, 0)}"
            )


def _write_keys(path: Path, keys: dict) -> None:
    lines = [f"{name}={keys[name]}\n" for name in ("HSBP_SECRET_KEY", "HSBP_FIELD_KEY")]
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.writelines(lines)
