"""Migrations are the schema: they agree with the models, and go down and up again; an
upgrade refuses a database newer than the code, and says where a database stands."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import inspect, text

from hsbp import migrate
from hsbp.cli import main
from hsbp.db import make_engine
from hsbp.models import metadata
from tests.conftest import fresh_database_url

CHAIN = [
    revision.revision
    for revision in reversed(
        list(ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).walk_revisions())
    )
]
HEAD = CHAIN[-1]


def schema_diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    return diff


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_migrations_match_the_models_and_go_down_and_up(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "migrations")
    migrate.upgrade(url)
    assert schema_diff(url) == []
    assert set(metadata.tables) <= table_names(url)
    migrate.downgrade(url, "base")
    assert table_names(url) == {"alembic_version"}
    migrate.upgrade(url)
    assert schema_diff(url) == []


def test_the_test_schema_is_the_migrated_one(database_url):
    assert schema_diff(database_url) == []


def test_the_privacy_revision_encrypts_notes_and_sends_typed_in_contacts_to_pending(
    tmp_path_factory,
):
    """0015 on a database with data: plain-text notes are encrypted with the field key, a
    sent e-mail keeps no working link, contacts who never joined by SMS wait for their YES,
    and officers who lost their membership lose their rights."""
    from cryptography.fernet import Fernet
    from sqlalchemy import text

    url = fresh_database_url(tmp_path_factory, "privacy_revision")
    migrate.upgrade(url, "0014")
    engine = make_engine(url)
    now = "2026-01-01 10:00:00"
    with engine.begin() as connection:
        run = connection.execute
        run(
            text(
                "INSERT INTO users (id, email, name, password_hash, is_site_admin, active,"
                " session_token, created_at) VALUES"
                " (1, 'a@x.org', 'A', 'x', false, true, 't', :now),"
                " (2, 'b@x.org', 'B', 'x', false, true, 't', :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO partnerships (id, name, country, locality, context_summary, stage,"
                " default_locale, locales, timezone, created_at) VALUES"
                " (1, 'P', 'CO', '', '', 'active', 'es', '[\"es\"]', 'UTC', :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO memberships (id, partnership_id, user_id, role, created_at)"
                " VALUES (1, 1, 1, 'facilitator', :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO grievance_officers (id, partnership_id, user_id, granted_at)"
                " VALUES (1, 1, 1, :now), (2, 1, 2, :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO mapping_participants (id, partnership_id, kind, display_name,"
                " sort_name, protected_name, name_hash, sector, locality, languages, interest,"
                " influence, intermediary, reachable, consent_method, consent_scope, status,"
                " risk, protective_measures, notes, created_at, updated_at) VALUES (1, 1,"
                " 'person', 'P-AAAAA', 'p-aaaaa', 'x', 'h', 'community', '', '[]', 3, 3,"
                " 'Lucía Hernández', true, '', '', 'proposed', 'high', 'Never in a group',"
                " 'Lives near the river', :now, :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO sms_contacts (id, phone, phone_hash, opted_out, awaiting,"
                " created_at) VALUES (1, 'x', 'h1', false, '', :now), (2, 'y', 'h2', false,"
                " '', :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO sms_contact_memberships (id, contact_id, partnership_id, joined_at,"
                " wants_updates) VALUES (1, 1, 1, :now, false), (2, 2, 1, :now, false)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO sms_consent_events (contact_id, partnership_id, event, channel,"
                " note, created_at) VALUES (1, 1, 'join', 'sms', '', :now),"
                " (2, 1, 'join', 'web', 'Agreed at the meeting with Ana', :now)"
            ),
            {"now": now},
        )
        run(
            text(
                "INSERT INTO outbound_emails (id, to_address, subject, body, status, created_at)"
                " VALUES (1, 'a@x.org', 'Reset', 'Open http://h.test/password/reset/SECRET.x"
                " now', 'sent', :now), (2, 'b@x.org', 'Invite',"
                " 'Open http://h.test/invitations/TOKEN', 'queued', :now)"
            ),
            {"now": now},
        )
    engine.dispose()

    key = Fernet.generate_key().decode()
    migrate.upgrade(url, field_key=key)
    fernet = Fernet(key.encode())
    engine = make_engine(url)
    with engine.connect() as connection:
        run = connection.execute
        participant = run(
            text("SELECT intermediary, protective_measures, notes FROM mapping_participants")
        ).one()
        assert [fernet.decrypt(v.encode()).decode() for v in participant] == [
            "Lucía Hernández",
            "Never in a group",
            "Lives near the river",
        ]
        notes = run(text("SELECT note FROM sms_consent_events ORDER BY id")).scalars().all()
        # Every value of an encrypted column is a token, an empty note's too.
        assert [fernet.decrypt(note.encode()).decode() for note in notes] == [
            "",
            "Agreed at the meeting with Ana",
        ]
        bodies = run(text("SELECT body FROM outbound_emails ORDER BY id")).scalars().all()
        assert [fernet.decrypt(b.encode()).decode() for b in bodies] == [
            "Open [link removed after sending] now",
            "Open http://h.test/invitations/TOKEN",
        ]
        states = run(
            text("SELECT contact_id, status FROM sms_contact_memberships ORDER BY contact_id")
        ).all()
        assert [tuple(row) for row in states] == [(1, "confirmed"), (2, "pending")]
        officers = run(text("SELECT user_id, role FROM grievance_officers")).all()
        assert [tuple(row) for row in officers] == [(1, "facilitator")]
    engine.dispose()

    migrate.downgrade(url, "0014", field_key=key)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT notes FROM mapping_participants")).scalar() == (
            "Lives near the river"
        )
    engine.dispose()


def test_the_privacy_revision_refuses_plain_notes_without_the_field_key(tmp_path_factory):
    import pytest
    from sqlalchemy import text

    url = fresh_database_url(tmp_path_factory, "privacy_no_key")
    migrate.upgrade(url, "0014")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbound_emails (to_address, subject, body, status, created_at)"
                " VALUES ('a@x.org', 'S', 'B', 'sent', '2026-01-01 10:00:00')"
            )
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="HSBP_FIELD_KEY"):
        migrate.upgrade(url)


def set_revision(url: str, revision: str) -> None:
    """Stamp the database as a newer hsbp would leave it: a revision this code never saw."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_schema_state_says_empty_behind_at_head_or_newer(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "schema_state")
    assert migrate.schema_state(url) == migrate.SchemaState(None, HEAD, len(CHAIN), False)
    migrate.upgrade(url, CHAIN[-3])
    assert migrate.schema_state(url) == migrate.SchemaState(CHAIN[-3], HEAD, 2, False)
    migrate.upgrade(url)
    assert migrate.schema_state(url) == migrate.SchemaState(HEAD, HEAD, 0, False)
    assert migrate.schema_state(url).at_head
    set_revision(url, "9001")
    assert migrate.schema_state(url) == migrate.SchemaState("9001", HEAD, 0, True)


def test_upgrade_of_a_database_newer_than_the_code_is_refused_untouched(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "newer_database")
    migrate.upgrade(url)
    set_revision(url, "9001")
    tables = table_names(url)
    with pytest.raises(migrate.NewerDatabase) as refused:
        migrate.upgrade(url)
    assert str(refused.value) == (
        f"the database is at revision 9001, newer than this hsbp (head {HEAD}): install the"
        " newer hsbp or restore the backup taken before its upgrade"
    )
    with pytest.raises(migrate.NewerDatabase):
        migrate.downgrade(url, CHAIN[-2])
    assert table_names(url) == tables
    assert migrate.schema_state(url).revision == "9001"


@pytest.fixture
def hsbp_command(tmp_path, monkeypatch):
    """Run `hsbp ...` against a SQLite file of this test's own."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("HSBP_ENV", "development")
    monkeypatch.setenv("HSBP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HSBP_DATABASE_URL", url)
    monkeypatch.setenv("HSBP_QUEUE_URL", "immediate")

    def run(*args, **env):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    run.url = url
    return run


def test_db_current_says_whether_the_database_is_at_head_behind_or_newer(hsbp_command):
    empty = hsbp_command("db", "current")
    assert (empty.exit_code, empty.output) == (
        0,
        f"The database is empty (no revision yet), behind this hsbp (head {HEAD}):"
        f" {len(CHAIN)} revisions pending; run `hsbp db upgrade`.\n",
    )
    hsbp_command("db", "upgrade", CHAIN[-2])
    assert hsbp_command("db", "current").output == (
        f"The database is at revision {CHAIN[-2]}, behind this hsbp (head {HEAD}):"
        " 1 revision pending; run `hsbp db upgrade`.\n"
    )
    hsbp_command("db", "upgrade")
    assert hsbp_command("db", "current").output == (
        f"The database is at revision {HEAD}, the latest of this hsbp.\n"
    )
    set_revision(hsbp_command.url, "9001")
    newer = hsbp_command("db", "current")
    assert (newer.exit_code, newer.output) == (
        1,
        f"Error: the database is at revision 9001, newer than this hsbp (head {HEAD}):"
        " install the newer hsbp or restore the backup taken before its upgrade\n",
    )


def test_db_upgrade_of_a_newer_database_is_one_line_and_exit_1(hsbp_command):
    hsbp_command("db", "upgrade")
    set_revision(hsbp_command.url, "9001")
    tables = table_names(hsbp_command.url)
    result = hsbp_command("db", "upgrade")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: the database is at revision 9001, newer than this hsbp (head {HEAD}):"
        " install the newer hsbp or restore the backup taken before its upgrade\n",
    )
    assert table_names(hsbp_command.url) == tables


def test_db_upgrade_of_an_unreachable_database_is_one_line_and_exit_1(hsbp_command, tmp_path):
    missing = f"sqlite:///{tmp_path / 'no such folder' / 'hsbp.sqlite3'}"
    result = hsbp_command("db", "upgrade", HSBP_DATABASE_URL=missing)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: cannot reach the database at {missing}: unable to open database file\n",
    )
    # Nothing listens on port 9; the password stays out of the message.
    server = "postgresql+psycopg://hsbp:s3cret@127.0.0.1:9/hsbp"
    result = hsbp_command("db", "upgrade", HSBP_DATABASE_URL=server)
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: cannot reach the database at postgresql+psycopg://hsbp:***@127.0.0.1:9/hsbp:"
        " connection failed: "
    )
    assert result.output.count("\n") == 1
    assert "s3cret" not in result.output
