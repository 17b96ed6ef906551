"""`hsbp restore` refuses, in one line, what it cannot bring back whole, and leaves the
target as it was."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.ops.conftest import (
    PASSPHRASE,
    assert_untouched,
    backup,
    head_revision,
    kind_of,
    rows_by_table,
    table_count,
)


def test_restore_refuses_a_database_that_holds_rows(source, tmp_path):
    archive = backup(source, tmp_path)
    before = rows_by_table(source.url)
    empty = tmp_path / "empty"
    result = source.hsbp(
        "restore", str(archive),
        HSBP_ACTION_UPLOAD_DIR=str(empty / "a"), HSBP_SMS_SPOOL_DIR=str(empty / "b"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the target database is not empty (it is at schema revision"
        f" {head_revision(source.url)}): restore into a new, empty database\n"
    )
    assert rows_by_table(source.url) == before
    assert not empty.exists()


def test_restore_refuses_folders_that_hold_files(source, target, tmp_path):
    archive = backup(source, tmp_path)
    target.spool.mkdir(parents=True)
    (target.spool / "left.sealed").write_bytes(b"x")

    result = target.hsbp("restore", str(archive))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target.spool} (SMS_SPOOL_DIR) holds files: restore into empty folders\n"
    )
    assert table_count(target.url) == 0
    assert not target.uploads.exists()


@pytest.mark.parametrize(
    "damage",
    ["wrong passphrase", "byte changed", "cut in half", "cut at the end", "byte added"],
)
def test_restore_refuses_a_damaged_encrypted_archive(source, target, tmp_path, damage):
    archive = backup(source, tmp_path, encrypted=True)
    data = archive.read_bytes()
    passphrase = PASSPHRASE
    if damage == "wrong passphrase":
        passphrase = "another passphrase entirely"
    elif damage == "byte changed":
        middle = len(data) // 2
        archive.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    elif damage == "cut in half":
        archive.write_bytes(data[: len(data) // 2])
    elif damage == "cut at the end":
        archive.write_bytes(data[:-1])
    else:
        archive.write_bytes(data + b"\0")

    result = target.hsbp("restore", str(archive), HSBP_BACKUP_PASSPHRASE=passphrase)

    assert (result.exit_code, result.stderr) == (1, "Error: wrong passphrase or damaged archive\n")
    assert_untouched(target)


def test_restore_refuses_a_truncated_plain_archive(source, target, tmp_path):
    archive = backup(source, tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) * 3 // 5])

    result = target.hsbp("restore", str(archive))

    assert result.exit_code == 1
    assert result.stderr == "Error: damaged archive: it ends too early (cut short?)\n"
    assert_untouched(target)


def rewrite(archive: Path, change) -> None:
    """Rewrite a plain archive, passing each member's (name, bytes) through `change`."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members:
            name, data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def edit_manifest(edit):
    def change(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        edit(manifest)
        return name, json.dumps(manifest).encode()

    return change


def test_restore_refuses_a_newer_schema_revision(source, target, tmp_path):
    archive = backup(source, tmp_path)

    def newer(manifest):
        manifest["database"]["schema_revision"] = "9999"

    rewrite(archive, edit_manifest(newer))

    result = target.hsbp("restore", str(archive))

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the archive's schema revision 9999 is newer than this hsbp knows (its latest"
        f" is {head_revision(source.url)}): restore with hsbp 0.1.0 or later\n"
    )
    assert_untouched(target)


def test_restore_refuses_a_file_that_does_not_match_the_manifest(source, target, tmp_path):
    archive = backup(source, tmp_path)
    evidence = "files/ACTION_UPLOAD_DIR/1/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    rewrite(archive, lambda name, data: (name, b"changed" if name == evidence else data))

    result = target.hsbp("restore", str(archive))

    assert result.exit_code == 1
    assert result.stderr == f"Error: damaged archive: {evidence} does not match its checksum\n"
    assert_untouched(target)


def test_restore_refuses_an_archive_of_another_database_kind(source, target, tmp_path):
    archive = backup(source, tmp_path)
    ours = kind_of(source.url)
    other = "sqlite" if ours == "postgresql" else "postgresql"
    names = {"sqlite": "database/sqlite.db", "postgresql": "database/postgresql.dump"}

    def as_other(name, data):
        if name == names[ours]:
            return names[other], data
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"]["kind"] = other
            manifest["members"][names[other]] = manifest["members"].pop(names[ours])
            return name, json.dumps(manifest).encode()
        return name, data

    rewrite(archive, as_other)

    result = target.hsbp("restore", str(archive))

    titles = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: this is a backup of a {titles[other]} database and HSBP_DATABASE_URL names a"
        f" {titles[ours]} one: restoring across kinds is not supported\n"
    )
    assert_untouched(target)


def test_restore_refuses_an_encrypted_archive_without_a_passphrase(source, target, tmp_path):
    archive = backup(source, tmp_path, encrypted=True)
    result = target.hsbp("restore", str(archive))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the archive is encrypted: give --passphrase-file or HSBP_BACKUP_PASSPHRASE\n"
    )


def test_restore_that_postgresql_refuses_leaves_the_database_as_it_was(source, target, tmp_path):
    """pg_restore runs in one transaction: a statement that fails undoes all before it."""
    if kind_of(target.url) != "postgresql":
        pytest.skip("pg_restore is PostgreSQL's")
    archive = backup(source, tmp_path)
    engine = create_engine(target.url, poolclass=NullPool)
    with engine.begin() as connection:
        # An empty table of ours that something else depends on: it cannot be replaced.
        connection.execute(text("CREATE TABLE users (id integer)"))
        connection.execute(text("CREATE VIEW user_ids AS SELECT id FROM users"))

    result = target.hsbp("restore", str(archive))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: pg_restore failed: pg_restore: error: ")
    assert "cannot drop table public.users because other objects depend on it" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")
        )
        assert sorted(names.scalars()) == ["user_ids", "users"]
    engine.dispose()
    assert not target.uploads.exists()
