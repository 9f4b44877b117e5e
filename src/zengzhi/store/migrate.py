"""Bringing a database to the current schema with Alembic (`zengzhi db upgrade`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, String

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, then: Callable[[Connection, str | None], None] | None = None) -> None:
    """Run every migration the database has not had yet; then `then` (the connection, and
    the revision the database was at: None, new), in the same transaction."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if then is not None:
            then(connection, before)


def compare_type(
    context: MigrationContext,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Alembic's comparison of a column's type with the declared one, but for a
    VARCHAR's length on SQLite, which does not enforce it (migrations widen ids on
    PostgreSQL only, 0018). None: Alembic's own comparison."""
    if (
        context.dialect.name == "sqlite"
        and isinstance(inspected_type, String)
        and type(metadata_type) is String
    ):
        return False
    return None
