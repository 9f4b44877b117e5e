"""Several tenants' random histories at once, with the daily job between their steps.

Two or three histories of tests/histories.py, each tenant counting its days in a time
zone of its own, run through the service's use cases in one database, their steps
interleaved at random (some of their orders paid and left to the daily job to
complete), and `tick` (what `zengzhi tick` and the server's ticker run:
service/jobs.py) called at random points, the clock moved on before it by a few hours
or days: ticks across every tenant, and ticks naming some of them (or none, or a tenant
that does not exist), some of them two at the same moment (two servers' tickers). Each
tick runs again at once. After each tick: every entry's postings sum to zero by asset,
every tenant's balances are its postings (`check_ledger`), the second run paid nobody
and wrote no entry or event, no job failed or logged an error, and no row of a tenant
names another's id. At the end each tenant's books hold (test_reversal_histories'
`assert_the_books_hold`, the replay included), and every row of each tenant, in every
table, is what the same history gives run alone, in another database, each step and
each tick that covered the tenant (one tick, where two raced) at the same moment as in
the shared run (a tick does change a tenant: it pays yesterday's dividends and runs the
zones' days that are due, so the run alone has its ticks too, naming it only): the
other tenants, and ticks that visit them, change nothing of it.

Each example has databases of its own (copies of one migrated for the test), so that a
tick across every tenant visits this example's tenants only, not those every other test
left in the session's database.

Found: a dividend's turnover counted UTC days, not the tenant's
(tests/service/test_distribution.py, `test_a_dividend_counts_the_turnover_of_the_tenants_day`);
two tickers catching up a zone's days wrote them out of order, one taking a day the other
had begun for a failure (tests/service/test_modes.py,
`test_two_machines_catching_up_days_begin_each_once_in_order`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import secrets
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.at_once import at_once
from tests.histories import History, histories, through_the_service
from tests.service.conftest import PASSWORD, Api, Clock, login, shared_app
from tests.service.test_reversal_histories import Shop, assert_the_books_hold
from zengzhi.service import jobs
from zengzhi.service.audit import check_ledger
from zengzhi.service.base import Context
from zengzhi.service.sequencer import Sequencer
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

# What differs between two runs of the same history by its nature: a password's salt, a
# session's random id.
RANDOM = {("users", "password_hash"), ("sessions", "session_id")}
RANDOM_ID = re.compile(r"[0-9a-f]{32}")  # an event id's uuid4 (distribution.py, pools.py…)
# where the tenants' days turn: at a tick across them all it is another day for each
TIMEZONES = ("Asia/Shanghai", "UTC", "America/New_York", "Pacific/Auckland")
TENANT_TABLES = [table for table in t.metadata.sorted_tables if "tenant_id" in table.c]


@dataclass(frozen=True)
class Tick:
    hours: int  # the clock moves on so much first
    names: tuple[int, ...] | None  # the tenants it names, by their place; None: every one
    stranger: bool = False  # it names a tenant that does not exist too
    racing: bool = False  # two machines tick at once (each server has its ticker)

    def covers(self, place: int) -> bool:
        return self.names is None or place in self.names


@dataclass
class Plan:
    """Each tenant's history, and the order of everything: a tenant's next step (its
    place) or a tick."""

    histories: list[History]
    timezones: list[str]  # where each tenant's days turn
    actions: list[int | Tick]
    # the orders each shop pays and leaves to the daily job to complete
    left: list[set[str]] = dataclasses.field(default_factory=list)


@st.composite
def plans(draw: st.DrawFn, steps: int = 12) -> Plan:
    count = draw(st.integers(2, 3))
    stories = [draw(histories(max_steps=steps, min_steps=steps * 2 // 3)) for _ in range(count)]
    turns: list[int] = draw(
        st.permutations([place for place, story in enumerate(stories) for _ in story.steps])
    )
    named = st.sets(st.integers(0, count - 1)).map(lambda places: tuple(sorted(places)))
    hours = st.sampled_from([0, 1, 5, 16, 24, 30, 73])
    ticks = st.builds(Tick, hours, st.one_of(st.none(), named), st.booleans(), st.booleans())
    placed = draw(st.lists(st.tuples(st.integers(0, len(turns)), ticks), max_size=7))
    actions: list[int | Tick] = []
    for n in range(len(turns) + 1):
        actions += [one for where, one in placed if where == n]
        actions += turns[n : n + 1]
    actions.append(Tick(draw(hours), None))  # the last: every tenant's due work, done
    timezones = [draw(st.sampled_from(TIMEZONES)) for _ in stories]
    left = [
        draw(st.sets(st.sampled_from([f"o{n}" for n in range(len(story.steps))])))
        for story in stories
    ]
    return Plan(stories, timezones, actions, left)


@dataclass
class Tenants:
    """Shops in one database, seen through one clock."""

    context: Context
    clock: Clock
    client: TestClient
    shops: dict[str, Shop] = dataclasses.field(default_factory=dict)
    done: dict[str, int] = dataclasses.field(default_factory=dict)  # steps taken

    def open(self, tenant: str, history: History, timezone: str, left: set[str]) -> None:
        """The tenant, its owner signed in, the history's pool, zones and members."""
        shared_app(self.context)  # the API serves this database
        create_tenant(
            self.context, NewTenant(id=tenant, name=tenant, owner="owner", password=PASSWORD)
        )
        api = Api(self.client, tenant, login(self.client, tenant))
        self.shops[tenant] = shop = Shop(api, self.clock, self.context, history, timezone)
        shop.left_to_the_job = left
        self.done[tenant] = 0
        shop.setup()

    def step(self, tenant: str) -> None:
        shared_app(self.context)
        self.shops[tenant].step(self.done[tenant])
        self.done[tenant] += 1

    def tick(self, one: Tick, only: list[str] | None, racing: bool = False) -> None:
        """The daily job (`racing`: twice at the same moment, in two threads), and then
        again: the second pays nobody, writes no entry. No job fails whole and none
        meets an error it did not expect (it would log it: a refused completion, a
        zone's refused day are warnings, and the run alone meets them too)."""
        self.clock.advance(hours=one.hours)
        with _errors_logged() as errors:
            reports = _racing(self.context, only) if racing else jobs.tick(self.context, only)
            before = _written(self.context)
            again = jobs.tick(self.context, only)
        assert errors == []
        assert [report for report in reports + again if _failed_whole(report)] == []
        assert [report for report in again if _paid(report)] == []
        assert _written(self.context) == before


def _racing(context: Context, only: list[str] | None) -> list[jobs.JobReport]:
    """Two ticks at once, from one barrier: their reports."""
    return [report for reports in at_once(lambda: jobs.tick(context, only)) for report in reports]


@contextmanager
def _errors_logged() -> Iterator[list[str]]:
    """What the service logs as errors inside the block."""
    found: list[str] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(self.format(record))

    handler = Kept(logging.ERROR)
    logger = logging.getLogger("zengzhi")
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def _failed_whole(report: jobs.JobReport) -> bool:
    """A job that failed, not one that left an order it could not complete."""
    return bool(report.failed) and report.job != jobs.COMPLETE_ORDERS


def _paid(report: jobs.JobReport) -> bool:
    return report.job in (jobs.COMPLETE_ORDERS, jobs.DIVIDENDS, jobs.MODE_DAYS) and report.done > 0


def _written(context: Context) -> dict[tuple[str, str], int]:
    """How many entries and events each tenant has."""
    counts = {}
    with context.database.reader.connect() as connection:
        for table in (t.entries, t.events):
            by_tenant = select(table.c.tenant_id, func.count()).group_by(table.c.tenant_id)
            for tenant, count in connection.execute(by_tenant):
                counts[table.name, tenant] = int(count)
    return counts


@pytest.fixture
def fresh(
    database_url: str, context: Context, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Any]]:
    """Databases of their own, each made with the tests' settings and a clock of its
    own, and removed when the block ends: copies of one migrated for the test (a SQLite
    file copied, a PostgreSQL database made from it as a template), since running the
    migrations took a third of a second a database."""
    template = f"zengzhi_tenants_{secrets.token_hex(4)}"
    admin = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / template}.db"
    else:
        admin_url = request.getfixturevalue("postgres_admin_url")
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{template}"'))
        url = make_url(admin_url).set(database=template).render_as_string(hide_password=False)
    database = Database(url)
    upgrade(database.writer)
    database.dispose()  # no connection to the template: PostgreSQL copies it alone

    @contextmanager
    def made() -> Iterator[tuple[Context, Clock]]:
        name = f"zengzhi_tenants_{secrets.token_hex(4)}"
        if admin is None:
            shutil.copyfile(tmp_path / f"{template}.db", tmp_path / f"{name}.db")
            copy = f"sqlite:///{tmp_path / name}.db"
        else:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
                connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
            copy = make_url(url).set(database=name).render_as_string(hide_password=False)
        database = Database(copy)
        try:
            clock = Clock()
            settings = context.settings.model_copy(update={"database_url": copy})
            yield Context(database, settings, clock, Sequencer()), clock
        finally:
            database.dispose()
            if admin is None:
                (tmp_path / f"{name}.db").unlink()
            else:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

    yield made
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{template}" WITH (FORCE)'))
        admin.dispose()


@through_the_service(max_examples=3)
@given(plan=plans())
def test_tenants_whose_histories_interleave_with_ticks_end_as_each_alone(
    client: TestClient, fresh: Callable[[], Any], plan: Plan
) -> None:
    names = [f"h{place}-{secrets.token_hex(3)}" for place in range(len(plan.histories))]
    with fresh() as (context, clock):
        together = Tenants(context, clock, client)
        for place, tenant in enumerate(names):
            together.open(tenant, plan.histories[place], plan.timezones[place], plan.left[place])
        start = clock.now
        moments: list[datetime] = []  # when each action began
        for action in plan.actions:
            moments.append(clock.now)
            if isinstance(action, Tick):
                only = None if action.names is None else [names[k] for k in action.names]
                if only is not None and action.stranger:
                    only.append("nobody")
                together.tick(action, only, action.racing)
                _assert_each_tenant_whole(context, names)
            else:
                together.step(names[action])
        with context.database.reader.connect() as connection:
            for tenant in names:
                assert_the_books_hold(connection, tenant)
            ended = {tenant: _rows(connection, tenant) for tenant in names}

    with fresh() as (context, clock):  # each alone (one database, ticks that name it)
        alone = Tenants(context, clock, client)
        for place, tenant in enumerate(names):
            clock.now = start
            alone.open(tenant, plan.histories[place], plan.timezones[place], plan.left[place])
            for action, moment in zip(plan.actions, moments, strict=True):
                clock.now = moment
                if isinstance(action, Tick) and action.covers(place):
                    alone.tick(action, [tenant])
                elif action == place:
                    alone.step(tenant)
            with context.database.reader.connect() as connection:
                _assert_same_rows(ended[tenant], _rows(connection, tenant), tenant)


def _assert_each_tenant_whole(context: Context, names: list[str]) -> None:
    """Each tenant's ledger balances and is its own: every entry's postings sum to zero
    by asset, every balance (and figure kept beside it) is its postings, no row of a
    tenant names another, and no row belongs to a tenant that is not there."""
    p = t.postings.c
    unbalanced = (
        select(p.tenant_id, p.entry_id, p.asset, func.sum(p.amount))
        .group_by(p.tenant_id, p.entry_id, p.asset)
        .having(func.sum(p.amount) != 0)
    )
    with context.database.reader.connect() as connection:
        assert connection.execute(unbalanced).all() == []
        for tenant in names:
            assert check_ledger(connection, tenant) == [], tenant
        for table in TENANT_TABLES:  # the database holds these tenants' rows only
            for row in connection.execute(select(table)):
                assert row.tenant_id in names, (table.name, row.tenant_id)
                shown = json.dumps(list(row), default=str)
                named = [other for other in names if other in shown and other != row.tenant_id]
                assert named == [], (table.name, row)


def _rows(connection: Connection, tenant: str) -> dict[str, list[str]]:
    """Every row the tenant has, table by table, as JSON in a known order; the random
    part of an event's id (a settings change's) named by the event's number instead."""
    found: dict[str, list[str]] = {}
    for table in TENANT_TABLES:
        columns = [
            column
            for column in table.c
            if column.name != "tenant_id" and (table.name, column.name) not in RANDOM
        ]
        rows = connection.execute(select(*columns).where(table.c.tenant_id == tenant))
        found[table.name] = [json.dumps(list(row), default=str) for row in rows]
    e = t.events.c
    named = select(e.seq, e.event_id).where(e.tenant_id == tenant)
    drawn = {
        part.group(): f"#{seq}"
        for seq, event in connection.execute(named)
        if (part := RANDOM_ID.search(event))
    }
    return {
        table: sorted(_named(row, drawn) for row in rows) for table, rows in found.items() if rows
    }


def _named(row: str, drawn: dict[str, str]) -> str:
    return RANDOM_ID.sub(lambda found: drawn.get(found.group(), found.group()), row)


def _assert_same_rows(
    together: dict[str, list[str]], alone: dict[str, list[str]], tenant: str
) -> None:
    """The same rows in every table; else, table by table, the rows only one run has."""
    differ = {}
    for table in sorted(together.keys() | alone.keys()):
        ours, its = Counter(together.get(table, [])), Counter(alone.get(table, []))
        if ours != its:
            differ[table] = {"together": sorted(ours - its), "alone": sorted(its - ours)}
    assert differ == {}, f"tenant {tenant}: rows of the shared run and of its run alone differ"
