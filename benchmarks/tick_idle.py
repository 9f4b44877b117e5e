"""What a tick costs when little is due: `--tenants` tenants with nothing to do, on a
fresh PostgreSQL database (or SQLite), then one `tick` of them all, timed (wall and CPU)
and its SQL statements counted. The server's ticker runs this every minute on every API
server and worker (`job_interval_seconds`), so at a platform's thousands of tenants it is
a floor under what the database does all day. Nothing here is a test.

    python benchmarks/tick_idle.py [--tenants 2000] [--database postgresql|sqlite]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--zones]
        [--dividends]

With `--zones` each tenant has a zone with a daily mode (refer three, refund one), whose
day a first tick runs (timed apart); with `--dividends` a daily dividend plan, whose run
for yesterday the first tick pays. The tick timed is the next one, the same minute, with
every zone's day run and every plan's run paid already.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import describe
from scratch import scratch_database
from sqlalchemy import event, insert

from zengzhi.engine.config import DistributionConfig
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.distribution import put_settings
from zengzhi.service.jobs import tick
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import TenantSettings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.tenants import TenantRow, add_tenant


def run(url: str, count: int, zones: bool, dividends: bool) -> None:
    database = Database(url)
    upgrade(database.writer)
    settings = TenantSettings().model_dump()
    now = datetime.now(UTC)
    with database.write() as connection:
        for n in range(count):
            add_tenant(connection, TenantRow(f"idle{n:05}", f"Shop {n}", settings, now))
        if zones:
            modes = {"refer_three": {"funding": "0.05"}}
            rows = [
                {"tenant_id": f"idle{n:05}", "zone_id": "z", "modes": modes} for n in range(count)
            ]
            connection.execute(insert(t.zones), rows)
    context = Context(database, Settings(database_url=url, secret_key="x" * 40), clock=lambda: now)
    if dividends:
        plan = {"name": "stars", "share": "0.01", "min_level": 0, "split": "contribution"}
        config = DistributionConfig.model_validate({"dividends": [plan]})
        for n in range(count):
            put_settings(context, Principal(f"idle{n:05}", "system:bench", Role.OWNER), config)
    if zones or dividends:
        wall, cpu = time.perf_counter(), time.process_time()
        ran = tick(context)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"the first tick, each zone's day or plan's run: {wall:.2f} s wall, {cpu:.2f} s CPU,"
            f" {len(ran)} reports"
        )
    sent: list[str] = []

    def count_statement(*args: Any) -> None:
        sent.append(args[2])

    for engine in database.engines:
        event.listen(engine, "before_cursor_execute", count_statement)
    wall, cpu = time.perf_counter(), time.process_time()
    reports = tick(context)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    statements = [statement for statement in sent if statement != "BEGIN"]
    print(
        f"{database.writer.dialect.name}: a tick of {count} idle tenants"
        f"{' (each a zone, its day run)' if zones else ''}"
        f"{' (each a dividend plan, its run paid)' if dividends else ''}: {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU, {len(statements)} statements, {len(reports)} reports"
    )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=2000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--zones", action="store_true", help="each tenant a zone, run today")
    parser.add_argument("--dividends", action="store_true", help="each a plan, paid today")
    options = parser.parse_args()
    print(describe())
    if options.database == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            run(
                f"sqlite:///{Path(folder) / 'tick.db'}",
                options.tenants,
                options.zones,
                options.dividends,
            )
    else:
        with scratch_database(options.postgres) as url:
            run(url, options.tenants, options.zones, options.dividends)


if __name__ == "__main__":
    main()
