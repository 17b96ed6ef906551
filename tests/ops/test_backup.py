"""`hsbp backup` and `hsbp restore`: every row and file comes back; the options of backup."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hsbp import migrate
from hsbp.ops.dumps import libpq
from tests.conftest import fresh_database_url
from tests.ops.conftest import (
    PASSPHRASE,
    SECRET_KEY,
    UPLOADED,
    backup,
    files_in,
    head_revision,
    kind_of,
    rows_by_table,
)

ENCRYPTED_PLAIN = pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])


def test_backup_then_restore_bring_back_every_row_and_file_as_subprocesses(source, target):
    """The installed command, as a technician runs it: exit codes and output."""
    out = target.instance.parent / "backups"
    archive = out / "site.tar.gz"
    command = [sys.executable, "-c", "from hsbp.cli import main; main(prog_name='hsbp')"]

    def hsbp(site, *args):
        env = {k: v for k, v in {**os.environ, **site.env}.items() if v is not None}
        env.pop("HSBP_BACKUP_PASSPHRASE", None)
        return subprocess.run(  # noqa: S603  (this interpreter, our command)
            [*command, *args], env=env, capture_output=True, text=True, check=False
        )

    out.mkdir()
    made = hsbp(source, "backup", "--output", str(archive))
    assert (made.returncode, made.stderr) == (0, "")
    counts = {name: len(rows) for name, rows in rows_by_table(source.url).items()}
    assert made.stdout.splitlines()[1:] == [
        f"Database: {kind_of(source.url)} at revision {head_revision(source.url)},"
        f" {len(counts)} tables, {sum(counts.values())} rows.",
        "Files: 2 in ACTION_UPLOAD_DIR, 1 in SMS_SPOOL_DIR.",
    ]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert [path.name for path in out.iterdir()] == ["site.tar.gz"]

    restored = hsbp(target, "restore", str(archive))
    assert (restored.returncode, restored.stderr) == (0, "")
    assert restored.stdout.splitlines() == [
        f"Restored {kind_of(source.url)} database at revision {head_revision(source.url)}:"
        f" {len(counts)} tables, {sum(counts.values())} rows, every count as in the manifest.",
        "Files: 2 in ACTION_UPLOAD_DIR, 1 in SMS_SPOOL_DIR.",
    ]
    assert rows_by_table(target.url) == rows_by_table(source.url)

    missing = hsbp(target, "restore", str(out / "nothing.tar.gz"))
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == f"Error: there is no archive at {out / 'nothing.tar.gz'}\n"


@ENCRYPTED_PLAIN
def test_restore_brings_back_every_row_and_file(source, target, tmp_path, encrypted):
    archive = backup(source, tmp_path, encrypted=encrypted)
    assert archive.name.endswith(".hsbp-enc" if encrypted else ".tar.gz")
    env = {"HSBP_BACKUP_PASSPHRASE": PASSPHRASE} if encrypted else {}

    result = target.hsbp("restore", str(archive), **env)

    assert (result.exit_code, result.stderr) == (0, "")
    assert rows_by_table(target.url) == rows_by_table(source.url)
    source_files = files_in(source.uploads)
    del source_files["1/.5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a.part"]  # still being written
    assert files_in(target.uploads) == source_files
    assert files_in(target.uploads)["1/0f1e2d3c4b5a69788796a5b4c3d2e1f0"] == UPLOADED
    assert files_in(target.spool) == files_in(source.spool)
    assert len(files_in(target.spool)) == 1
    assert oct(target.uploads.stat().st_mode & 0o777) == "0o700"


def test_keys_travel_only_encrypted_and_come_out_on_request(source, target, tmp_path):
    archive = backup(source, tmp_path, encrypted=True, extra=("--include-keys",))
    keys = tmp_path / "keys.env"

    result = target.hsbp(
        "restore", str(archive), "--passphrase-file", str(tmp_path / "passphrase"),
        "--write-keys", str(keys),
    )  # fmt: skip

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == f"The archive's keys are in {keys}."
    field_key = target.env["HSBP_FIELD_KEY"]
    assert keys.read_text() == f"HSBP_SECRET_KEY={SECRET_KEY}\nHSBP_FIELD_KEY={field_key}\n"
    assert oct(keys.stat().st_mode & 0o777) == "0o600"


def test_backup_refuses_keys_without_a_passphrase(source, tmp_path):
    result = source.hsbp("backup", "--output-dir", str(tmp_path / "out"), "--include-keys")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --include-keys needs a passphrase (--passphrase-file or HSBP_BACKUP_PASSPHRASE):"
        " the keys are never written unencrypted\n"
    )
    assert not (tmp_path / "out").exists()


def test_backup_refuses_a_short_passphrase(source, tmp_path):
    result = source.hsbp("backup", "--output-dir", str(tmp_path), HSBP_BACKUP_PASSPHRASE="short")
    assert result.exit_code == 1
    assert result.stderr == "Error: the passphrase is too short: use at least 12 characters\n"


def test_backup_keep_deletes_only_older_archives_of_ours(source, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    older = [
        "hsbp-backup-20200101T000000Z.tar.gz",
        "hsbp-backup-20210101T000000Z.hsbp-enc",
        "hsbp-backup-20220101T000000Z.tar.gz",
    ]
    others = ["notes.txt", "hsbp-backup-latest.tar.gz"]
    for name in older + others:
        (out / name).write_bytes(b"x")

    result = source.hsbp("backup", "--output-dir", str(out), "--keep", "2")

    assert (result.exit_code, result.stderr) == (0, "")
    new = result.stdout.splitlines()[0].split(" ")[3]
    assert result.stdout.splitlines()[-2:] == [
        "Removed the older backup hsbp-backup-20210101T000000Z.hsbp-enc.",
        "Removed the older backup hsbp-backup-20200101T000000Z.tar.gz.",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [Path(new).name, "hsbp-backup-20220101T000000Z.tar.gz", *others]
    )


def test_backup_that_fails_leaves_no_file(target, tmp_path):
    """A database that cannot be read: one line, and nothing in the folder."""
    if kind_of(target.url) == "sqlite":
        Path(make_url(target.url).database).write_bytes(b"not a database" * 100)
        reason = f"cannot copy the SQLite database {make_url(target.url).database}:"
        expected = f"Error: {reason} file is not a database\n"
    else:
        expected = None
    out = tmp_path / "out"
    out.mkdir()
    url = target.url if expected else target.url.rsplit("/", 1)[0] + "/hsbp_no_such_database"

    result = target.hsbp("backup", "--output-dir", str(out), HSBP_DATABASE_URL=url)

    assert result.exit_code == 1
    if expected:
        assert result.stderr == expected
    else:
        assert result.stderr.startswith("Error: cannot reach the database at postgresql+psy")
        assert 'database "hsbp_no_such_database" does not exist' in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert list(out.iterdir()) == []


def test_libpq_keeps_the_password_off_the_command_line():
    conninfo, environment = libpq(
        "postgresql+psycopg://app:s3cr%20et@db.example:5433/hsbp?sslmode=require"
    )
    assert conninfo == "dbname=hsbp host=db.example port=5433 user=app sslmode=require"
    assert environment["PGPASSWORD"] == "s3cr et"


def test_restore_of_an_older_schema_says_to_upgrade(tmp_path_factory, target, tmp_path):
    url = fresh_database_url(tmp_path_factory, "bk_old")
    migrate.upgrade(url, "0001")
    older = replace(target, url=url)
    archive = backup(older, tmp_path)

    result = target.hsbp("restore", str(archive))

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0].startswith(
        f"Restored {kind_of(url)} database at revision 0001:"
    )
    assert result.stdout.splitlines()[-1] == (
        f"This hsbp is at revision {head_revision(url)}: run `hsbp db upgrade` next."
    )
    assert rows_by_table(target.url) == rows_by_table(url)


def test_backup_while_the_site_writes_is_one_moment(tmp_path_factory, target, tmp_path):
    """Rows committed during the backup are either all in it or not: the counts in the
    manifest (which restore checks) and the data come from the same moment."""
    url = fresh_database_url(tmp_path_factory, "bk_live")
    migrate.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (id integer PRIMARY KEY)"))
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO scratch (id) VALUES (:n)"), {"n": n})

    writer = threading.Thread(target=write)
    writer.start()
    try:
        archive = backup(replace(target, url=url), tmp_path)
    finally:
        stop.set()
        writer.join()

    result = target.hsbp("restore", str(archive))

    assert (result.exit_code, result.stderr) == (0, "")
    restored = [row[0] for row in rows_by_table(target.url)["scratch"]]
    written = len(rows_by_table(url)["scratch"])
    assert restored == list(range(1, len(restored) + 1))
    assert 0 < len(restored) < written
    engine.dispose()
