"""A scratch PostgreSQL database for one benchmark run: made empty, dropped after."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(postgres: str) -> Iterator[str]:
    """A new database on the server `postgres` names; yields its URL, drops it at the end
    (even if the run failed)."""
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"zengzhi_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
