"""Schema migrations with Alembic, configured from the app rather than an alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from hsbp.paths import resource_dir


def alembic_config(
    database_url: str, connection: Connection | None = None, field_key: str | None = None
) -> Config:
    """`field_key` (HSBP_FIELD_KEY) lets a revision encrypt data it finds in plain text."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    if field_key:
        config.attributes["field_key"] = field_key
    return config


def upgrade(database_url: str, revision: str = "head", **kwargs) -> None:
    command.upgrade(alembic_config(database_url, **kwargs), revision)


def downgrade(database_url: str, revision: str, **kwargs) -> None:
    command.downgrade(alembic_config(database_url, **kwargs), revision)
