"""Fixtures for backups: a seeded demo site to back up, empty sites to restore into, and
comparisons of databases row by row and folders byte for byte."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from hsbp import db, demo, migrate
from hsbp.cli import main
from hsbp.migrate import alembic_config
from hsbp.sms import spool
from tests.conftest import FIELD_KEY, fresh_database_url, make_test_app

SECRET_KEY = "test-secret-key"
UPLOADED = bytes(range(256)) * 300
PASSPHRASE = "a passphrase of some length"


@dataclass
class Site:
    """Where one installation keeps its data, and the environment `hsbp` runs in for it."""

    url: str
    uploads: Path
    spool: Path
    instance: Path

    @property
    def env(self) -> dict[str, str | None]:
        return {
            "HSBP_ENV": "testing",
            "HSBP_SECRET_KEY": SECRET_KEY,
            "HSBP_FIELD_KEY": FIELD_KEY,
            "HSBP_DATABASE_URL": self.url,
            "HSBP_ACTION_UPLOAD_DIR": str(self.uploads),
            "HSBP_SMS_SPOOL_DIR": str(self.spool),
            "HSBP_QUEUE_URL": "immediate",
            "HSBP_INSTANCE_PATH": str(self.instance),
            "HSBP_BACKUP_PASSPHRASE": None,
        }

    def hsbp(self, *args: str, **env: str | None):
        """Run `hsbp ARGS` for this site in this process; stdout and stderr apart."""
        return CliRunner().invoke(main, list(args), env={**self.env, **env}, catch_exceptions=False)


def _site(tmp_path: Path, url: str) -> Site:
    return Site(url, tmp_path / "uploads" / "actions", tmp_path / "sms-spool", tmp_path / "i")


@pytest.fixture(scope="session")
def source(tmp_path_factory) -> Site:
    """The demo seeded into a fresh database, an evidence file, a spooled SMS and a file
    still being written (which a backup leaves out)."""
    url = fresh_database_url(tmp_path_factory, "bk_src")
    migrate.upgrade(url)
    site = _site(tmp_path_factory.mktemp("source"), url)
    app = make_test_app(
        url,
        site.instance,
        ACTION_UPLOAD_DIR=str(site.uploads),
        SMS_SPOOL_DIR=str(site.spool),
    )
    with app.test_request_context():
        assert demo.seed_if_empty(db.session()) is True
        db.finish(commit=True)
    folder = site.uploads / "1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0f1e2d3c4b5a69788796a5b4c3d2e1f0").write_bytes(UPLOADED)
    (folder / ".5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a.part").write_bytes(b"half an upl")
    # As hsbp.sms.spool writes one (its log line names the file, which the log scan of the
    # test run would take for a phone number).
    site.spool.mkdir(mode=0o700)
    message = {"MessageSid": "SM" + "1" * 32, "From": "+573104567890", "Body": "HOLA"}
    sealed = db.field_cipher(app).encrypt_bytes(json.dumps(message).encode())
    (site.spool / f"{'1' * 20}-0a0b0c0d{spool.SEALED}").write_bytes(sealed)
    db.database(app).engine.dispose()
    db.database(app).intake_engine.dispose()
    return site


@pytest.fixture
def target(tmp_path_factory, tmp_path) -> Site:
    """An installation with a new, empty database and no folders yet."""
    return _site(tmp_path, fresh_database_url(tmp_path_factory, "bk_dst"))


def head_revision(url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def rows_by_table(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, ordered by primary key (or by every column)."""
    engine = create_engine(url, poolclass=NullPool)
    metadata = MetaData()
    try:
        with engine.connect() as connection:
            metadata.reflect(connection)
            found = {}
            for name, table in sorted(metadata.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                query = select(table).order_by(*order)
                found[name] = [tuple(row) for row in connection.execute(query)]
    finally:
        engine.dispose()
    return found


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its path inside it, with its bytes."""
    return {
        Path(root, name).relative_to(folder).as_posix(): Path(root, name).read_bytes()
        for root, _dirs, names in os.walk(folder)
        for name in names
    }


def table_count(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            return len(metadata.tables)
    finally:
        engine.dispose()


def kind_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def only(folder: Path) -> Path:
    (path,) = folder.iterdir()
    return path


def passphrase_file(tmp_path: Path, text: str = PASSPHRASE) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(text + "\n")
    return path


def backup(source, tmp_path: Path, *, encrypted: bool = False, extra: tuple = ()) -> Path:
    out = tmp_path / "backups"
    args = ["backup", "--output-dir", str(out), *extra]
    if encrypted:
        args += ["--passphrase-file", str(passphrase_file(tmp_path))]
    result = source.hsbp(*args)
    assert (result.exit_code, result.stderr) == (0, "")
    return only(out)


def assert_untouched(site) -> None:
    """The target of a refused restore: still no table, no folder, nothing left behind."""
    if kind_of(site.url) == "sqlite":
        folder = Path(make_url(site.url).database).parent
        assert [path.name for path in folder.iterdir()] in ([], ["test.sqlite3"])
    assert table_count(site.url) == 0
    assert not site.uploads.exists()
    assert not site.spool.exists()
