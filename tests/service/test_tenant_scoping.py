"""Citus readiness, held as a test (issue 16): every statement the service sends that
touches a tenant's table names exactly one tenant, and every key carries `tenant_id`.

Citus spreads a table by one column; a statement that filters on one value of it runs on
one node, a join of tables spread alike runs there when it joins on that column too, and
a foreign key must include it. docs/service.md says every key and index begins with
`tenant_id`; this holds the claim for the statements as well, captured at the cursor
(SQLAlchemy's `before_cursor_execute`) while a broad run goes through the use cases and
the API: the demo tenant's whole seed (pools, products, a store, members, orders through
their life cycle, a sale, a subsidy, a withdrawal, a zone with two modes), its daily
jobs, a second tenant's webhook deliveries and payout query, and every list the API
serves. Rows written by COPY (`insert_rows`, 50 rows or
more) do not pass the cursor's events; their tables and columns are the INSERTs'. The
statements that write a hundred rows or more over arrays (`write_together`,
`bulk_update`) are checked on a day that makes them (tests/service/test_day_bulk.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Connection

from tests.service.conftest import Api, Clock
from tests.service.test_gateway_adapters import OPENID, a_withdrawal, pay_out, wechat
from tests.service.test_webhooks import Receiver, subscribe
from tests.statements import parts
from zengzhi.app import create_app
from zengzhi.service import demo, gateway_payouts, jobs
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import tables as t
from zengzhi.store.webhooks import tenants_with_subscriptions

TENANT_TABLES = {name for name, table in t.metadata.tables.items() if "tenant_id" in table.c}
# The directory of tenants, which the jobs read whole to find each tenant's work: the one
# read that spans tenants on purpose (under Citus a multi-shard read of one small table,
# docs/service.md); every statement after it is one tenant's.
REFERENCE = {"tenants"}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|\$(\d+)|\?")
_TABLE = re.compile(
    r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?:\s+AS\s+"?(\w+)"?)?((?:\s*,\s*"?\w+"?'
    r'(?:\s+AS\s+"?\w+"?)?)*)',
    re.IGNORECASE,
)
_LISTED = re.compile(r'\s*,\s*"?(\w+)"?(?:\s+AS\s+"?(\w+)"?)?')
_INSERT = re.compile(r'^\s*INSERT INTO\s+"?(\w+)"?\s*\(([^)]*)\)\s*VALUES\s*\((.*?)\)', re.S)
# rows in one statement (store/database.py write_together): the values a SELECT over
# arrays, or over one row's parameters (after the counters: beside their row, `c`), the
# tenant one parameter for them all
_INSERT_SELECT = re.compile(
    r'^\s*INSERT INTO\s+"?(\w+)"?\s*\(([^)]*)\)\s*SELECT\s+(.*?)'
    r"\s+FROM\s+(?:w\d+\s+AS\s+c\s*,\s*)?(?:unnest|\(SELECT)\b",
    re.S,
)


@dataclass
class Captured:
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        rows = parameters if executemany else [parameters]
        self.statements.append((statement, rows))


def _numbered(statement: str, row: Sequence[Any] | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement with each placeholder as :pN, and N's value (PostgreSQL names its
    parameters, or numbers them `$1` in what store/database.py writes together; SQLite
    takes them by position)."""
    values: dict[str, Any] = {}
    position = 0

    def name(match: re.Match[str]) -> str:
        nonlocal position
        key = f"p{position}"
        position += 1
        assert not isinstance(row, Mapping) or match.group(1) is not None
        if isinstance(row, Mapping):
            values[key] = row[match.group(1)]
        elif match.group(2) is not None:  # `$2`: the second, wherever it stands
            values[key] = row[int(match.group(2)) - 1]
        else:
            values[key] = row[position - 1]
        return f":{key}"

    return _PLACEHOLDER.sub(name, statement), values


def _tables(statement: str) -> list[tuple[str, str]]:
    """(table, the name it goes by in the statement) for each tenant table it reads or
    writes."""
    found = []
    for table, alias, listed in _TABLE.findall(statement):
        found.append((table, alias or table))
        found += [(more, more_alias or more) for more, more_alias in _LISTED.findall(listed)]
    return [(table, alias) for table, alias in found if table in TENANT_TABLES]


def _directory_problem(statement: str, touched: list[tuple[str, str]]) -> str | None:
    """A read of the directory: alone, or probing each tenant's own rows, every table
    joined on `tenant_id` to the directory or to a table joined to it (store/tenants.py
    tenants_having: under Citus a query of every node, each probing its own shards
    beside its copy of the directory, which is a reference table)."""
    joined_to_directory = False
    for table, alias in touched:
        if table in REFERENCE:
            continue
        own = rf"\b{re.escape(alias)}\.tenant_id"
        if re.search(rf"{own}\s*=\s*tenants\.tenant_id|tenants\.tenant_id\s*=\s*{own}", statement):
            joined_to_directory = True
        elif not re.search(rf"{own}\s*=\s*\w+\.tenant_id|\w+\.tenant_id\s*=\s*{own}", statement):
            return f"{table} ({alias}) is read beside the directory without joining on tenant_id"
    if not joined_to_directory and len({table for table, _ in touched} - REFERENCE) > 0:
        return "tenant tables read beside the directory, none joined to it on tenant_id"
    return None


def problem(statement: str, rows: list[Any]) -> str | None:
    """Why the statement is not scoped to exactly one tenant, or None. Several tables'
    rows written in one statement (store/database.py write_together) are checked as
    the INSERTs and UPDATEs they hold, which together must name one tenant."""
    # the last part may only read the counters' row back (`SELECT * FROM w3`)
    writes = [one for _, one in parts(statement) if not re.fullmatch(r"SELECT \* FROM w\d+", one)]
    if len(writes) == 1:
        found = _scoped(statement, rows)
        if found is None or isinstance(found, str):
            return found
        return None if len(found) == 1 else _many(found)
    tenants: set[object] = set()
    for one in writes:
        found = _scoped(one, rows)
        if found is None or isinstance(found, str):
            return found or f"a write of no tenant's table among several: {one[:60]}"
        tenants |= found
    return None if len(tenants) == 1 else _many(tenants)


def _many(tenants: set[object]) -> str:
    return f"names {len(tenants)} tenants ({sorted(map(str, tenants))[:3]})"


def _scoped(statement: str, rows: list[Any]) -> str | set[object] | None:
    """Why the statement is not scoped to a tenant, or the tenants it names (None: it
    reads no tenant's table, or the directory as the jobs may)."""
    touched = _tables(statement)
    if not touched:
        return None
    names = {table for table, _ in touched}
    if names & REFERENCE and statement.lstrip().startswith("SELECT"):
        return _directory_problem(statement, touched)
    tenants: set[object] = set()
    for row in rows or [()]:
        text, values = _numbered(statement, row)
        inserted = _INSERT.match(text) or _INSERT_SELECT.match(text)
        if inserted is not None:
            columns = [column.strip().strip('"') for column in inserted.group(2).split(",")]
            if "tenant_id" not in columns:
                return f"an INSERT into {inserted.group(1)} without its tenant_id"
            given = re.findall(r":(p\d+)", inserted.group(3))
            tenants.add(values[given[columns.index("tenant_id")]])
        single = len(touched) == 1
        for table, alias in touched:
            if inserted is not None and table == inserted.group(1) and alias == table:
                continue
            bare = r"(?<![.\w])" if single else r"(?!)"  # unqualified: one table only
            own = rf"(?:\b{re.escape(alias)}\.|{bare})tenant_id"
            compared = re.findall(rf"{own}\s*=\s*(?:CAST\()?:(p\d+)", text)
            listed = re.findall(rf"{own}\s+IN\s*\(([^)]*)\)", text)
            joined = re.search(rf"{own}\s*=\s*\w+\.tenant_id|\w+\.tenant_id\s*=\s*{own}", text)
            if not (compared or listed or joined):
                return f"{table} ({alias}) is read or written without a tenant_id condition"
            tenants.update(values[key] for key in compared)
            for group in listed:
                tenants.update(values[key] for key in re.findall(r":(p\d+)", group))
    return tenants


@pytest.fixture
def captured(context: Context) -> Iterator[Captured]:
    listener = Captured()
    engines = context.database.engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    yield listener
    for engine in engines:
        event.remove(engine, "before_cursor_execute", listener)


def test_the_checker_refuses_what_citus_could_not_route() -> None:
    assert problem("SELECT members.member_id FROM members", [{}]) is not None
    assert (
        problem(
            "SELECT m.member_id FROM members AS m JOIN orders AS o ON o.member_id = m.member_id "
            "WHERE m.tenant_id = %(t)s",
            [{"t": "a"}],
        )
        is not None
    )  # orders joined without its tenant
    two = "SELECT 1 FROM members WHERE members.tenant_id IN (%(a)s, %(b)s)"
    assert problem(two, [{"a": "x", "b": "y"}]) is not None
    assert problem("INSERT INTO members (member_id) VALUES (?)", [("m1",)]) is not None
    assert problem("SELECT 1 FROM members WHERE tenant_id = ?", [("a",)]) is None
    many = (
        "INSERT INTO balances (tenant_id, account) SELECT %(t)s, v.account"
        " FROM unnest(%(a)s::text[]) WITH ORDINALITY AS v(account, i) ORDER BY v.i"
    )
    assert problem(many, [{"t": "a", "a": ["x", "y"]}]) is None
    assert problem(many.replace("tenant_id", "asset"), [{"t": "a", "a": ["x"]}]) is not None
    one = (
        "INSERT INTO balances (tenant_id, account) SELECT %(t)s, v.account"
        " FROM (SELECT %(a)s::TEXT AS account, 1 AS i) AS v ORDER BY v.i"
    )
    assert problem(one, [{"t": "a", "a": "x"}]) is None
    assert problem(one.replace("tenant_id", "asset"), [{"t": "a", "a": "x"}]) is not None
    together = f"WITH w0 AS ({many}) {many.replace('balances', 'ledger_days')}"
    assert problem(together, [{"t": "a", "a": ["x", "y"]}]) is None
    unscoped = together.replace("ledger_days (tenant_id", "ledger_days (asset")
    assert problem(unscoped, [{"t": "a", "a": ["x"]}]) is not None
    other = f"WITH w0 AS ({many}) {many.replace('%(t)s', '%(u)s')}"
    assert problem(other, [{"t": "a", "u": "b", "a": ["x"]}]) is not None
    changed = (
        "UPDATE positions AS t SET points = v.points FROM unnest(%(m)s::text[], %(p)s::bigint[])"
        " WITH ORDINALITY AS v(member_id, points, i)"
        " WHERE t.tenant_id = %(t)s AND t.member_id = v.member_id"
    )
    mixed = f"WITH w0 AS ({many}) {changed}"
    assert problem(mixed, [{"t": "a", "a": ["x"], "m": ["m1"], "p": [1]}]) is None
    unfound = mixed.replace("t.tenant_id = %(t)s AND ", "")
    assert problem(unfound, [{"t": "a", "a": ["x"], "m": ["m1"], "p": [1]}]) is not None
    assert (
        problem(
            "SELECT 1 FROM members AS m JOIN orders AS o ON o.tenant_id = m.tenant_id "
            "WHERE m.tenant_id = %(t)s",
            [{"t": "a"}],
        )
        is None
    )
    probe = (
        "SELECT tenants.tenant_id FROM tenants WHERE EXISTS (SELECT runs.run_id FROM runs"
        " WHERE runs.tenant_id = tenants.tenant_id AND runs.status IN (%(s)s))"
    )
    assert problem(probe, [{"s": "queued"}]) is None  # each tenant probes its own rows
    unjoined = probe.replace("runs.tenant_id = tenants.tenant_id", "runs.tenant_id IS NOT NULL")
    assert problem(unjoined, [{"s": "queued"}]) is not None


def test_every_statement_names_exactly_one_tenant(
    context: Context, clock: Clock, client: TestClient, api: Api, captured: Captured
) -> None:
    access = demo.seed(context)
    assert access.password is not None  # the seed ran whole here: the run is broad
    # a second tenant with what the periodic jobs walk: a webhook subscription with events
    # to send, a payout at WeChat Pay whose answer was lost
    hook = subscribe(api)
    fake, transport, http = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    transport.mode = "lost"
    assert pay_out(api, context, http) == "paying"
    signed_in = client.post(
        "/v1/auth/login",
        json={"tenant": access.tenant, "username": access.username, "password": access.password},
    )
    assert signed_in.status_code == 200, signed_in.text
    owner = Api(client, access.tenant, signed_in.json()["token"])
    # a dividend plan, whose runs the tick looks up in the tenant's log
    distribution = owner.ok(owner.get("/v1/distribution"))
    plan = {"name": "stars", "share": "0.01", "min_level": 0, "split": "contribution"}
    owner.ok(owner.put("/v1/distribution", (distribution or {}) | {"dividends": [plan]}))
    transport.mode = "ok"
    for _ in range(3):  # return windows close, a zone's days and a dividend plan run
        clock.advance(days=8)
        # the demo tenant's daily jobs (every tenant's would grow with the tests before)
        jobs.tick(context, only={access.tenant})
    assert gateway_payouts.reconcile_due(context, api.tenant, http) == 1
    receiver = Receiver(hook["secret"], clock, lambda number, event: "ok")
    with receiver.client() as delivering:
        assert dispatch(context, api.tenant, delivering).delivered > 0
    paths = sorted(
        path
        for path, operations in create_app(context).openapi()["paths"].items()
        if "get" in operations and path.startswith("/v1/") and "{" not in path
    )
    assert len(paths) > 10
    answered = [
        owner.get(path).status_code
        for path in [*paths, "/v1/members/m1", "/v1/members/m1/network", "/v1/pools/main"]
    ]
    assert answered.count(200) > 10
    assert len(captured.statements) > 1000
    assert any("JOIN events" in statement for statement, _ in captured.statements)  # dividends
    found = {}
    for statement, rows in captured.statements:
        why = problem(statement, rows)
        if why is not None:
            found.setdefault(why, " ".join(statement.split())[:300])
    assert not found, "\n".join(f"{why}: {sql}" for why, sql in found.items())


def test_every_foreign_key_carries_the_tenant() -> None:
    assert len(TENANT_TABLES) == len(t.metadata.tables)  # every table is a tenant's
    keys = [
        (table.name, [column.name for column in key.columns])
        for table in t.metadata.tables.values()
        for key in table.foreign_key_constraints
    ]
    assert keys, "the schema has foreign keys to check"
    assert [key for key in keys if key[1][0] != "tenant_id"] == []
    for table in t.metadata.tables.values():
        key = [column.name for column in table.primary_key.columns]
        assert key[:1] == ["tenant_id"], table.name
        for index in table.indexes:
            first = index.expressions[0]
            # the directory, a reference table on every node, keeps its ids unique in any
            # case (migration 0033): its one index led by an expression of the column
            if table.name in REFERENCE and str(first) == "lower(tenants.tenant_id)":
                continue
            assert getattr(first, "name", None) == "tenant_id", f"{table.name}: {index.name}"


def test_the_jobs_find_their_tenants_in_one_statement(
    context: Context, api: Api, other: Api, captured: Captured
) -> None:
    # a statement a tenant, every look of every worker, before (store/tenants.py)
    subscribe(api)
    before = len(captured.statements)
    with context.database.read() as connection:
        found = tenants_with_subscriptions(connection)
        assert api.tenant in found and other.tenant not in found
        assert tenants_with_subscriptions(connection, {other.tenant}) == []
        assert tenants_with_subscriptions(connection, {api.tenant, "nobody"}) == [api.tenant]
    probes = [one for one in captured.statements[before:] if one[0] != "BEGIN"]  # SQLite's
    assert len(probes) == 3
    assert [problem(statement, rows) for statement, rows in probes] == [None] * 3
