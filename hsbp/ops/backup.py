"""`hsbp backup`: the database, the upload folders and the SMS spool in one archive file."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from hsbp import __version__
from hsbp.ops import dumps
from hsbp.ops.archive import (
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    KEYS,
    MANIFEST,
    PASSPHRASE_MIN,
    BackupError,
    EncryptingWriter,
    HashingReader,
    field_key_checks,
)

PLAIN_SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".hsbp-enc"
# Names `--keep` may delete: only archives this command named, never anything else there.
OURS = re.compile(r"hsbp-backup-\d{8}T\d{6}Z(\.tar\.gz|\.hsbp-enc)")
# Evidence (photos, PDFs) and pg_dump's output are compressed already, and an SQLite file
# shrinks about as much at 1 as at 6, at over twice the speed.
GZIP_LEVEL = 1
COPY_BYTES = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    encrypted: bool
    kind: str
    revision: str
    row_counts: dict[str, int]
    folders: dict[str, dict[str, int]]
    keys: bool
    size: int
    removed: list[Path] = field(default_factory=list)


def folders_of(config: Mapping) -> dict[str, Path]:
    """The folders a backup carries, by the setting that names them: every *_UPLOAD_DIR
    (a feature that adds one is backed up without a change here) and SMS_SPOOL_DIR."""
    names = [*sorted(key for key in config if key.endswith("_UPLOAD_DIR")), "SMS_SPOOL_DIR"]
    return {name: Path(config[name]) for name in names if config.get(name)}


def private_folder(folder: Path) -> list[Path]:
    """Make `folder` and any missing parent readable by their owner only (mkdir(parents=True)
    would give the parents the umask's mode); returns those it made, deepest first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
    return missing


def default_name(created: datetime, *, encrypted: bool) -> str:
    suffix = ENCRYPTED_SUFFIX if encrypted else PLAIN_SUFFIX
    return f"hsbp-backup-{created.strftime('%Y%m%dT%H%M%SZ')}{suffix}"


def create_backup(
    config: Mapping,
    *,
    output: Path | None = None,
    output_dir: Path | None = None,
    keep: int | None = None,
    passphrase: bytes | None = None,
    include_keys: bool = False,
    scrypt: dict | None = None,
) -> BackupResult:
    """Write one archive (see hsbp.ops.archive) of the site's database and folders.

    Side effects: the archive, written under a temporary name in a private folder beside
    it and renamed once complete (removed on any failure); with `keep`, older archives of
    ours in `output_dir` beyond the newest `keep` are deleted after that rename.
    """
    if (output is None) == (output_dir is None):
        raise BackupError("give either --output PATH or --output-dir DIR")
    if keep is not None and (output_dir is None or keep < 1):
        raise BackupError("--keep takes a number of 1 or more, and only with --output-dir")
    if include_keys and not passphrase:
        raise BackupError(
            "--include-keys needs a passphrase (--passphrase-file or HSBP_BACKUP_PASSPHRASE):"
            " the keys are never written unencrypted"
        )
    if passphrase is not None and len(passphrase) < PASSPHRASE_MIN:
        raise BackupError(f"the passphrase is too short: use at least {PASSPHRASE_MIN} characters")
    url = config["DATABASE_URL"]
    dumps.database_kind(url)
    created = datetime.now(UTC).replace(microsecond=0)
    encrypted = passphrase is not None
    if output_dir is not None:
        private_folder(output_dir)
        target = output_dir / default_name(created, encrypted=encrypted)
    else:
        target = output
        if not target.parent.is_dir():
            raise BackupError(f"there is no folder {target.parent} to write the backup in")
    if target.exists():
        raise BackupError(f"{target} already exists")
    for setting, folder in folders_of(config).items():
        if target.parent.resolve().is_relative_to(folder.resolve()):
            raise BackupError(f"write the backup outside the folder of {setting} ({folder})")

    # The dump and the archive being written stay in one private folder beside the
    # target: on the same disk (so the rename is atomic), readable by nobody else.
    staging = Path(tempfile.mkdtemp(prefix=".hsbp-backup-", dir=target.parent))
    try:
        snapshot = dumps.dump(url, staging / "database")
        partial = staging / "archive.part"
        with open(partial, "xb") as raw:
            os.chmod(partial, 0o600)
            manifest = _write_archive(
                raw,
                config,
                snapshot=snapshot,
                dump_path=staging / "database",
                created=created,
                passphrase=passphrase,
                include_keys=include_keys,
                scrypt=scrypt,
            )
            raw.flush()
            os.fsync(raw.fileno())
        _publish(partial, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    removed = prune(output_dir, keep) if keep is not None else []
    return BackupResult(
        path=target,
        encrypted=encrypted,
        kind=snapshot.kind,
        revision=snapshot.revision,
        row_counts=snapshot.row_counts,
        folders=manifest["folders"],
        keys=include_keys,
        size=target.stat().st_size,
        removed=removed,
    )


def _publish(partial: Path, target: Path) -> None:
    """Give the finished archive its name, never replacing a file that took it meanwhile."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"{target} already exists") from None
    except OSError:
        # A file system without hard links: a rename, after the check made at the start.
        os.replace(partial, target)
    dumps.sync_folder(target.parent)


def _write_archive(
    raw: BinaryIO,
    config: Mapping,
    *,
    snapshot: dumps.Snapshot,
    dump_path: Path,
    created: datetime,
    passphrase: bytes | None,
    include_keys: bool,
    scrypt: dict | None,
) -> dict:
    """Stream the archive into `raw` and return its manifest."""
    members: dict[str, dict] = {}
    folders: dict[str, dict[str, int]] = {}
    sealed = EncryptingWriter(raw, passphrase, scrypt=scrypt) if passphrase else None
    out = raw if sealed is None else sealed
    with (
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        with open(dump_path, "rb") as file:
            members[snapshot.member] = _add(tar, snapshot.member, file, created)
        for setting, folder in folders_of(config).items():
            count = size = 0
            for path, inside in _files(folder):
                name = f"{FILES_PREFIX}{setting}/{inside}"
                try:
                    file = open(path, "rb")  # noqa: SIM115  (closed below)
                except FileNotFoundError:
                    continue  # taken by the site meanwhile (a drained spool file)
                with file:
                    members[name] = _add(tar, name, file, created)
                count, size = count + 1, size + members[name]["bytes"]
            folders[setting] = {"files": count, "bytes": size}
        if include_keys:
            keys = {"HSBP_SECRET_KEY": config["SECRET_KEY"], "HSBP_FIELD_KEY": config["FIELD_KEY"]}
            members[KEYS] = _add_bytes(tar, KEYS, json.dumps(keys).encode(), created)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hsbp_version": __version__,
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {
                "kind": snapshot.kind,
                "schema_revision": snapshot.revision,
                "row_counts": snapshot.row_counts,
                "field_key_checks": field_key_checks(config["FIELD_KEY"]),
            },
            "folders": folders,
            "keys": include_keys,
            "members": members,
        }
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode(), created)
    if sealed is not None:
        sealed.close()
    return manifest


def _files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Regular files under `folder`, sorted, with their path inside it. Files being written
    (the site's hidden `.*.part` and `.*.tmp`) are left out: they are not whole yet."""
    if not folder.is_dir():
        return
    for root, directories, names in os.walk(folder):
        directories.sort()
        for name in sorted(names):
            if name.startswith(".") and name.endswith((".part", ".tmp")):
                continue
            path = Path(root, name)
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(path.lstat().st_mode):
                    yield path, path.relative_to(folder).as_posix()


def _info(name: str, size: int, created: datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(created.timestamp())
    return info


def _add(tar: tarfile.TarFile, name: str, file: BinaryIO, created: datetime) -> dict:
    # The size is read once: a file that grows meanwhile is taken as it was then.
    size = os.fstat(file.fileno()).st_size
    reader = HashingReader(file)
    tar.addfile(_info(name, size, created), reader)
    return {"sha256": reader.sha256.hexdigest(), "bytes": size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, created: datetime) -> dict:
    tar.addfile(_info(name, len(data), created), io.BytesIO(data))
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete archives of ours in `folder` beyond the newest `keep` (by the time in their
    names); other files are never touched. Returns what was deleted."""
    ours = sorted(
        (path for path in folder.iterdir() if OURS.fullmatch(path.name) and path.is_file()),
        key=lambda path: path.name[len("hsbp-backup-") :],
        reverse=True,
    )
    removed = ours[keep:]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
