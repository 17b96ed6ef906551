"""Migrations are the schema: they agree with the models, and go down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hsbp import migrate
from hsbp.db import make_engine
from hsbp.models import metadata
from tests.conftest import fresh_database_url


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
