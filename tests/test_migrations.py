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
