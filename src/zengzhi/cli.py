"""The command line: only translates arguments into calls and results into text.

It starts at once: this module imports the standard library and Typer only, and each
command imports what it needs (the engine, the database, the web app, matplotlib) when it
runs, so that `zengzhi --help` or a short `replay` does not pay for the rest
(tests/cli/test_start_up.py holds the list). Hence PLC0415 is off for this file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from zengzhi.engine.config import TenantConfig
    from zengzhi.engine.replay import Replay
    from zengzhi.service.base import Context
    from zengzhi.sim.scenario import Scenario

T = TypeVar("T")


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import version

        print(f"zengzhi {version('zengzhi')}")
        raise typer.Exit


app = typer.Typer(
    no_args_is_help=True,
    help="zengzhi: a points-rebate engine on a double-entry ledger.",
)


@app.callback()
def main(
    _version_shown: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """zengzhi: a points-rebate engine on a double-entry ledger."""


EventsArg = Annotated[Path, typer.Argument(help="event log, one JSON object a line ('-': stdin)")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="tenant config (TOML, or .json)")
]

# Below this many items (events, tenants, bytes of a log) a run is over before a progress
# bar would tell anything.
_PROGRESS_FROM = 2_000


def _progress_shown(total: int) -> bool:
    """A progress bar goes to standard error, and only to a terminal: never into a pipe or
    a log that a script reads."""
    return total >= _PROGRESS_FROM and sys.stderr.isatty()


def _watched(items: Sequence[T], description: str) -> Iterator[T]:
    """The items, one by one, with a progress bar on standard error for a long run (and
    in the progress file a console's run reads, when it is one)."""
    from zengzhi.service.background import ProgressFile

    progress = ProgressFile(len(items), description)
    if not _progress_shown(len(items)):
        for done, item in enumerate(items, 1):
            yield item
            progress.update(done)
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description, console=Console(stderr=True), transient=True)


STDIN = "standard input"


def _lines(path: Path) -> Iterator[str]:
    if str(path) == "-":
        # bytes, decoded here: Python reads a text stdin with the locale's escapes
        # (surrogateescape in UTF-8 mode), and GBK bytes were refused as "member: must
        # be text" rather than as not UTF-8, as the same file is
        import io

        yield from io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
        return
    size = path.stat().st_size
    with path.open(encoding="utf-8") as handle:
        if not _progress_shown(size):
            yield from handle
            return
        from rich.console import Console
        from rich.progress import Progress

        # the bar counts characters against the file's bytes: near enough for a log of
        # JSON, which is ASCII but for names
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(path.name, total=size)
            for line in handle:
                progress.advance(task, len(line))
                yield line


# What would break a line: "\n", "\r" and the rest that str.splitlines() splits at.
_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def _fail(message: str) -> typer.Exit:
    """An error as exactly one line on standard error, verbatim: not through Rich, which
    wraps at 80 columns when stderr is not a terminal and reads "[bold]" as markup; line
    breaks inside the message are written as escapes."""
    sys.stderr.write(f"error: {message.translate(_LINE_BREAKS)}\n")
    return typer.Exit(code=1)


# A file in another encoding (GBK, say): Python's words name a byte and a codec.
NOT_TEXT = "not UTF-8 text"


def _unreadable(error: OSError) -> str:
    """A file that cannot be read, as `name: reason` (not Python's `[Errno 2] …`)."""
    if error.filename is None or not error.strerror:
        return str(error)
    return f"{error.filename}: {error.strerror.lower()}"


def _proposal(path: Path) -> TenantConfig:
    """A configuration file, shape-checked only (its values are the lint's business):
    TOML, or JSON shaped like `GET /v1/config` when its name ends in .json."""
    import tomllib

    from pydantic import ValidationError

    from zengzhi.core.errors import DomainError
    from zengzhi.engine.config import TenantConfig, read_toml
    from zengzhi.engine.fields import STORED, error_from_validation, loads_strict

    try:
        text = path.read_text(encoding="utf-8")
        data = loads_strict(text) if path.suffix == ".json" else read_toml(text)
        return TenantConfig.model_validate(data, context=STORED)
    except json.JSONDecodeError as error:
        raise _fail(f"{path}: not valid JSON: {error}") from None
    except RecursionError:  # a .json nested past what json.loads follows
        raise _fail(f"{path}: nests too deep to be read") from None
    except tomllib.TOMLDecodeError as error:
        raise _fail(f"{path}: not valid TOML: {error}") from None
    except DomainError as error:
        raise _fail(f"{path}: {error}") from None
    except ValidationError as error:
        raise _fail(f"{path}: {error_from_validation(error)}") from None
    except OSError as error:
        raise _fail(_unreadable(error)) from None
    except UnicodeDecodeError:
        raise _fail(f"{path}: {NOT_TEXT}") from None


def _config(path: Path | None) -> TenantConfig:
    """A configuration file, checked whole (`replay`, `pool` and `backtest` read the same
    TOML or JSON); none: the defaults."""
    from zengzhi.core.errors import DomainError
    from zengzhi.engine.config import TenantConfig

    if path is None:
        return TenantConfig()
    config = _proposal(path)
    try:
        config.check()
    except DomainError as error:
        raise _fail(f"{path}: {error}") from None
    return config


def _run(events: Path, config: Path | None) -> Replay:
    from zengzhi.engine.replay import ReplayError, replay
    from zengzhi.store.spill import SpillStore

    # none given: the replay starts from the defaults without building the models
    tenant_config = _config(config) if config is not None else None
    try:
        return replay(_lines(events), tenant_config, kept=SpillStore())
    except ReplayError as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(_unreadable(error)) from None
    except UnicodeDecodeError:
        raise _fail(f"{STDIN if str(events) == '-' else events}: {NOT_TEXT}") from None


@app.command("replay")
def replay_command(
    events: EventsArg,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole state as JSON")] = False,
) -> None:
    """Run an event log through the engine and print the final state."""
    from zengzhi.engine.snapshot import check, money_totals, snapshot

    run = _run(events, config)
    problems = check(run.state)
    if problems:
        raise _fail("the engine broke an invariant: " + "; ".join(problems))
    state = snapshot(run.state)
    state["exits"] = run.exits
    state["events"] = {"applied": run.applied, "duplicates": run.duplicates}
    state["totals"] = money_totals(run.state.ledger, run.debts_opened)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps(state, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
        return
    pool = state["pool"]
    print(
        f"pool {pool['id']}: balance {pool['balance']}  points {pool['points']}  "
        f"price {pool['price']}"
    )
    for name, other in state["pools"].items():
        if name != pool["id"]:
            print(
                f"pool {name}: balance {other['balance']}  points {other['points']}  "
                f"price {other['price']}"
            )
    for mode in state.get("modes", []):
        covered = f"  coverage {mode['coverage']}" if mode["coverage"] else ""
        print(
            f"mode {mode['mode']} in zone {mode['zone']}: owes {mode['owed']}  "
            f"reserve {mode['reserve']}{covered}{'  backed' if mode['backed'] else ''}"
        )
    print(
        f"members {len(state['members'])}  exits {len(run.exits)}  "
        f"events applied {run.applied}  duplicates skipped {run.duplicates}"
    )


def _context(database_url: str | None, *, existing: bool = False) -> Context:
    """The database a command works on. `existing`: a command that only reads wants it
    there already, where connecting to SQLite would make an empty file of it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from zengzhi.service.base import Context
    from zengzhi.service.settings import Settings
    from zengzhi.store.database import Database

    settings = Settings() if database_url is None else Settings(database_url=database_url)
    try:  # "", "bogus://x": sqlalchemy's NoSuchModuleError or ArgumentError, a traceback
        make_url(settings.database_url).get_dialect()
    except (ArgumentError, NoSuchModuleError):
        raise _fail(
            f"--database: {settings.database_url!r} is not a database URL such as "
            "sqlite:///zengzhi.db or postgresql://user@host/zengzhi"
        ) from None
    if existing and settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1].split("?", 1)[0]
        if path not in ("", ":memory:") and not Path(path).is_file():
            raise _fail(
                f"no database at {path}: name one with --database (or ZENGZHI_DATABASE_URL), "
                "or make it with `zengzhi db upgrade`"
            )
    return Context(Database(settings.database_url), settings)


@contextmanager
def _domain_errors() -> Iterator[None]:
    """A refusal (a bad name, an unknown tenant…) is one line, naming the field."""
    from pydantic import ValidationError

    from zengzhi.core.errors import DomainError
    from zengzhi.engine.fields import error_from_validation

    try:
        yield
    except DomainError as error:
        raise _fail(str(error)) from None
    except ValidationError as error:
        raise _fail(str(error_from_validation(error))) from None


@contextmanager
def _database_errors(context: Context) -> Iterator[None]:
    """A database that cannot be reached or read is one line, not a traceback."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from zengzhi.store.database import unreachable

    try:
        yield
    except (OperationalError, ProgrammingError) as error:
        raise _fail(unreachable(context.settings.database_url, error)) from None


def _known_tenant(context: Context, tenant: str) -> None:
    """A tenant that is not there is refused by name: `audit --tenant acmee` said
    "0 entries, 0 events, no difference" (exit code 0) and `events acmee` printed nothing."""
    from zengzhi.service.sessions import operator

    with _database_errors(context), _domain_errors():
        operator(context, tenant)


def _top(top: int) -> int:
    if top < 0:
        raise _fail(f"--top: must be 0 or more, got {top}")
    return top


def _keys_at_start(context: Context) -> None:
    """A missing ZENGZHI_PAYEE_KEYS, where it is needed, is one line at start
    (service/payee_keys.py says when), not an error at the first payee."""
    from zengzhi.service.payee_keys import MissingPayeeKey, check_at_start

    try:
        check_at_start(context.settings, context.database)
    except MissingPayeeKey as error:
        raise _fail(str(error)) from None


DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="ZENGZHI_DATABASE_URL",
        help="database URL (default: sqlite:///zengzhi.db)",
    ),
]


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", envvar="ZENGZHI_PORT")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="seed a demo tenant first")] = False,
    jobs: Annotated[
        bool | None,
        typer.Option(help="run due jobs (order completion…); unset: ZENGZHI_RUN_JOBS (true)"),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Start the HTTP API (OpenAPI at /docs) on the embedded database by default."""
    # uvicorn took 70000 (listening on 70000 - 65536) and died on -1 after start-up
    if not 1 <= port <= 65535:
        raise _fail(f"--port: must be 1 to 65535, got {port}")

    # the web app (FastAPI, the console's templates) and the demo load here, so that the
    # other commands (the console's dry runs run `backtest`) start in a fraction of the time
    from dataclasses import replace

    import uvicorn
    from rich.console import Console

    from zengzhi.app import create_app
    from zengzhi.service.demo import seed
    from zengzhi.service.schema import upgrade_database

    context = _context(database)
    with _database_errors(context):
        upgrade_database(context)
        _keys_at_start(context)
    from zengzhi.service.settings import MissingSecretKey

    try:
        context.settings.session_secret()
    except MissingSecretKey as error:  # on PostgreSQL
        raise _fail(str(error)) from None
    console = Console()
    if demo:
        # the demo pairs with examples/shop_client.py, whose receiver listens on this
        # machine, and is opened over plain HTTP (so its session cookies are not Secure)
        secure = context.settings.model_fields_set & {"cookie_secure"}  # said outright
        settings = context.settings.model_copy(
            update={
                "webhook_private_targets": True,
                "cookie_secure": context.settings.cookie_secure if secure else False,
            }
        )
        context = replace(context, settings=settings)
        access = seed(context)
        if access.password:
            console.print(
                f"demo tenant [bold]{access.tenant}[/]: console user "
                f"[bold]{access.username}[/] / [bold]{access.password}[/]"
            )
            print(f"demo API key: {access.api_key}")
        else:
            console.print("demo tenant already seeded (its password was printed then)")
    site = f"http://{host}:{port}"
    console.print(f"API on {site}/v1 — documentation at {site}/docs — console at {site}/console")
    # ZENGZHI_RUN_JOBS=false was not heard: a server meant to leave the jobs to the workers
    # sent webhooks and completed orders beside them (an attacker's set-up found it)
    run_jobs = context.settings.run_jobs if jobs is None else jobs
    uvicorn.run(create_app(context, run_jobs=run_jobs), host=host, port=port, log_level="info")


db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Bring the database to the current schema."""

    from zengzhi.service.schema import upgrade_database

    context = _context(database)
    with _database_errors(context):
        upgrade_database(context)
    print("database is at the current schema")


tenant_app = typer.Typer(help="Tenants.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")


@tenant_app.command("create")
def tenant_create(
    tenant: Annotated[str, typer.Argument(help="the tenant's id")],
    name: Annotated[str, typer.Option(help="its display name")],
    owner: Annotated[str, typer.Option(help="the owner's user name")] = "owner",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    database: DatabaseOpt = None,
) -> None:
    """Create a tenant and its owner user."""
    from zengzhi.service.schema import upgrade_database
    from zengzhi.service.tenants import NewTenant, create_tenant

    context = _context(database)
    with _database_errors(context), _domain_errors():
        upgrade_database(context)
        create_tenant(context, NewTenant(id=tenant, name=name, owner=owner, password=password))
    print(f"tenant {tenant} created, owner {owner}")


TenantArg = Annotated[str, typer.Argument(help="the tenant's id")]


@tenant_app.command("password")
def tenant_password(
    tenant: TenantArg,
    username: Annotated[str, typer.Argument(help="the console user")],
    password: Annotated[
        str,
        typer.Option(prompt="New password", hide_input=True, confirmation_prompt=True),
    ] = "",
    database: DatabaseOpt = None,
) -> None:
    """Set a console user's password; the user's open sessions end.

    For a forgotten password or a locked-out owner.
    """
    from zengzhi.service.sessions import operator
    from zengzhi.service.users import UserChange, change_user

    context = _context(database, existing=True)
    with _database_errors(context), _domain_errors():
        change_user(context, operator(context, tenant), username, UserChange(password=password))
    print(f"password of {username} in {tenant} set; their sessions ended")


key_app = typer.Typer(help="A tenant's API keys.", no_args_is_help=True)
tenant_app.add_typer(key_app, name="key")


@key_app.command("issue")
def key_issue(
    tenant: TenantArg,
    name: Annotated[str, typer.Option(help="what the key is for (the shop, a job…)")],
    role: Annotated[str, typer.Option(help="its role (`zengzhi roles`)")] = "integrator",
    database: DatabaseOpt = None,
) -> None:
    """Issue an API key; its token is printed once, and only its digest is kept."""
    from zengzhi.service.sessions import operator
    from zengzhi.service.users import NewApiKey, create_api_key

    context = _context(database, existing=True)
    with _database_errors(context), _domain_errors():
        key = create_api_key(
            context,
            operator(context, tenant),
            NewApiKey.model_validate({"name": name, "role": role}),
        )
    sys.stderr.write(f"key {key.key_id} ({key.role}) issued; its token, shown this once:\n")
    print(key.token)


@key_app.command("list")
def key_list(tenant: TenantArg, database: DatabaseOpt = None) -> None:
    """List a tenant's API keys (never their tokens)."""
    from zengzhi.service.sessions import operator
    from zengzhi.service.users import list_api_keys

    context = _context(database, existing=True)
    with _database_errors(context), _domain_errors():
        keys = list_api_keys(context, operator(context, tenant))
    for key in keys:
        revoked = f"  revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
        print(f"{key.key_id}  {key.role}  {key.name}  created {key.created_at:%Y-%m-%d}{revoked}")


@key_app.command("revoke")
def key_revoke(
    tenant: TenantArg,
    key_id: Annotated[str, typer.Argument(help="the key's id (`zengzhi tenant key list`)")],
    database: DatabaseOpt = None,
) -> None:
    """Revoke an API key: its next request is refused."""
    from zengzhi.service.sessions import operator
    from zengzhi.service.users import revoke_api_key

    context = _context(database, existing=True)
    with _database_errors(context), _domain_errors():
        revoke_api_key(context, operator(context, tenant), key_id)
    print(f"key {key_id} revoked")


@app.command("roles")
def roles_command() -> None:
    """Print who may do what, from the code's own permission table.

    The role table of docs/security.md.
    """
    from zengzhi.service.auth import role_table

    sys.stdout.write(role_table())


@app.command("audit")
def audit_command(
    tenant: Annotated[str | None, typer.Option(help="one tenant (default: all)")] = None,
    replay_log: Annotated[
        bool, typer.Option("--replay", help="also replay each event log and compare")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Rebuild every balance from the journal and compare it with the kept balances."""
    from rich.console import Console
    from rich.markup import escape

    from zengzhi.service.audit import audit_all

    context = _context(database, existing=True)
    if tenant is not None:
        _known_tenant(context, tenant)
    with _database_errors(context):
        reports = audit_all(
            context, tenant, replay_log, watch=lambda tenants: _watched(tenants, "tenants")
        )
    console = Console()
    failed = False
    for report in reports:
        if report.differences:
            failed = True
            console.print(f"[bold red]{report.tenant}[/]: {len(report.differences)} differences")
            for difference in report.differences:
                console.print(
                    escape(
                        f"  {difference.what}: kept {difference.kept}, "
                        f"expected {difference.expected}"
                    ),
                    highlight=False,
                )
        else:
            console.print(
                f"{report.tenant}: {report.entries} entries, {report.events} events, "
                f"no difference" + (" (replayed)" if replay_log else "")
            )
    if failed:
        raise typer.Exit(code=1)


@app.command("tick")
def tick_command(database: DatabaseOpt = None) -> None:
    """Run due jobs once (order completion…), for cron."""
    from zengzhi.service.jobs import tick

    context = _context(database, existing=True)
    with _database_errors(context):
        reports = tick(context)
    for report in reports:
        print(
            f"{report.tenant} {report.job} {report.day}: {report.done} done, "
            f"{len(report.failed)} failed"
        )


@app.command("worker")
def worker_command(
    interval: Annotated[int, typer.Option(help="seconds between runs of the due jobs")] = 60,
    database: DatabaseOpt = None,
) -> None:
    """Run due jobs, webhooks, simulations and dry runs until stopped.

    Every interval, until SIGTERM or Ctrl-C: beside API processes started with
    ZENGZHI_RUN_JOBS=false.
    """
    import signal
    import threading

    from zengzhi.service.background import RunWorker
    from zengzhi.service.jobs import JobRunner
    from zengzhi.service.webhook_delivery import WebhookRunner

    context = _context(database, existing=True)
    with _database_errors(context):
        _keys_at_start(context)
    webhooks = context.settings.webhook_interval_seconds
    runners: list[JobRunner | WebhookRunner | RunWorker] = [
        JobRunner(context, interval),
        RunWorker(context),
    ]
    if webhooks > 0:
        runners.append(WebhookRunner(context, webhooks))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    for runner in runners:
        runner.start()
    print(
        f"worker: jobs every {interval} s, webhooks every {webhooks} s, "
        f"runs: {context.settings.run_slots} at once",
        flush=True,
    )
    try:
        while not stopping.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for runner in runners:
            runner.stop()
        for runner in runners:
            runner.join()
    print("worker: stopped", flush=True)


@app.command("events")
def events_command(
    tenant: Annotated[str, typer.Argument(help="the tenant whose event log to print")],
    database: DatabaseOpt = None,
) -> None:
    """Print a tenant's event log as JSON lines, in commit order (replayable)."""

    from zengzhi.service.audit import event_log

    context = _context(database, existing=True)
    _known_tenant(context, tenant)
    with _database_errors(context), context.database.read() as connection:
        for line in event_log(connection, tenant):
            sys.stdout.write(line + "\n")


@app.command("simulate")
def simulate_command(
    scenario_path: Annotated[Path, typer.Argument(help="scenario (TOML)", metavar="SCENARIO")],
    out: Annotated[Path, typer.Option("--out", help="folder for tables, charts, report")],
    runs: Annotated[int | None, typer.Option(help="Monte Carlo runs (overrides)")] = None,
    processes: Annotated[int | None, typer.Option(help="parallel processes")] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="a dask.distributed scheduler (tcp://host:8786) to run the runs on, instead"
            " of local processes; its workers need zengzhi installed",
            envvar="ZENGZHI_CLUSTER",
        ),
    ] = None,
    language: Annotated[str, typer.Option(help="the report's language: zh or en")] = "en",
) -> None:
    """Run a scenario through the engine; write CSV tables, charts and report.html."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from zengzhi.core.errors import DomainError
    from zengzhi.service.background import ProgressFile
    from zengzhi.sim.batch import plan, run_all
    from zengzhi.sim.report import write_report  # matplotlib

    if language not in ("zh", "en"):
        raise _fail(f"--language: {language!r} is neither zh nor en")
    # the options are held to the bounds the scenario's [simulation] keeps
    if runs is not None and not 1 <= runs <= 1000:
        raise _fail(f"--runs: must be 1 to 1000, got {runs}")
    if processes is not None and not 1 <= processes <= 64:
        raise _fail(f"--processes: must be 1 to 64, got {processes}")
    scenario, scenario_text = _scenario(scenario_path, runs)
    _check_out(out)
    jobs = len(plan(scenario))
    days = scenario.simulation.days
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),  # stdout keeps the report's line alone
        transient=False,
    ) as progress:
        try:
            if jobs == 1 and cluster is None:
                task = progress.add_task(f"{scenario.name}: days", total=days)
                days_file = ProgressFile(days, "days")

                def on_day(day: int) -> None:
                    progress.update(task, completed=day + 1)
                    days_file.update(day + 1)

                results = run_all(scenario, processes, on_day=on_day)
            else:
                task = progress.add_task(f"{scenario.name}: runs", total=jobs)
                runs_file = ProgressFile(jobs, "runs")

                def on_run(done: int) -> None:
                    progress.update(task, completed=done)
                    runs_file.update(done)

                results = run_all(scenario, processes, on_run=on_run, cluster=cluster)
        except DomainError as error:
            raise _fail(str(error)) from None
        except OSError as error:  # a scheduler that does not answer
            raise _fail(f"cluster {cluster}: {error}") from None
    try:
        report = write_report(out, results, scenario, scenario_text, language)
    except OSError as error:
        raise _fail(f"--out: {_unreadable(error)}") from None
    # one line whatever its length: Rich wraps at 80 columns when stdout is no terminal
    Console(soft_wrap=True).print(f"report: {report}  (tables and charts beside it)")


def _scenario(path: Path, runs: int | None) -> tuple[Scenario, str]:
    """The scenario (with --runs applied) and its text, read once before the run (the
    report quotes the scenario the run read); a bad one is one line naming the file."""
    from zengzhi.core.errors import DomainError
    from zengzhi.sim.scenario import read_scenario

    try:
        scenario = read_scenario(path)
        if runs is not None:
            scenario = scenario.model_copy(
                update={"simulation": scenario.simulation.model_copy(update={"runs": runs})}
            )
        return scenario, path.read_text(encoding="utf-8")
    except DomainError as error:
        # a file that is not TOML is refused naming the file already: not twice
        named = error.field == str(path)
        raise _fail(str(error) if named else f"{path}: {error}") from None
    except OSError as error:
        raise _fail(_unreadable(error)) from None
    except UnicodeDecodeError:
        raise _fail(f"{path}: {NOT_TEXT}") from None


def _check_out(out: Path) -> None:
    """Refuse an --out the report could not be written to before the run, not after it:
    a file, a folder under a file, or a folder this user may not write (a year's run
    ended in FileExistsError once it was done). Nothing is created here."""
    import os

    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise _fail(f"--out: {existing}: is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _fail(f"--out: {existing}: permission denied")


@app.command("pool")
def pool_command(
    events: EventsArg,
    config: ConfigOpt = None,
    top: Annotated[int, typer.Option(help="how many positions to list")] = 10,
) -> None:
    """A quick look at a replayed state: price, pool, points, positions nearest to exit."""
    from rich.console import Console
    from rich.table import Table

    from zengzhi.engine.snapshot import memory_pools, pool_summary
    from zengzhi.engine.views import nearest_exits
    from zengzhi.i18n.format import grouped, money

    top = _top(top)
    run = _run(events, config)
    console = Console()
    for name, pool in memory_pools(run.state).items():
        summary = pool_summary(pool, run.state)
        head = Table(title=f"pool {name}", show_header=False, title_justify="left")
        for label, value in (
            ("price", money(summary["price"])),
            ("balance", money(summary["balance"])),
            ("points", summary["points"]),
            ("open positions", str(summary["positions"])),
            ("mint ratio", summary["params"]["mint_ratio"]),
            ("sell fee", summary["params"]["sell_fee"]),
            ("exit multiple", summary["params"]["exit_multiple"] or "none"),
            ("minting", "on" if summary["params"]["minting_enabled"] else "paused"),
        ):
            head.add_row(label, value)
        console.print(head)
        rows = nearest_exits(pool, run.state.ledger, top)
        table = Table(title=f"nearest to exit in {name}", title_justify="left")
        for column in (
            "member",
            "points",
            "principal",
            "realized",
            "value",
            "progress",
            "exit price",
        ):
            table.add_column(column, justify="left" if column == "member" else "right")
        for row in rows:
            table.add_row(
                row.member,
                grouped(row.points),
                money(row.principal),
                money(row.realized),
                money(row.value),
                row.progress,
                money(row.exit_price) if row.exit_price != "—" else row.exit_price,
            )
        console.print(table)
    exits = Table(title="exits", title_justify="left")
    for column in ("event", "pool", "member", "price", "payout"):
        exits.add_column(column)
    for one in run.exits[len(run.exits) - min(top, len(run.exits)) :]:  # -0: all
        exits.add_row(
            one["event"], one["pool"], one["member"], money(one["price"]), money(one["payout"])
        )
    console.print(exits)
    console.print(f"{len(run.exits)} exits in all; the last {min(top, len(run.exits))} shown")


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command("lint")
def lint_command(
    config: Annotated[Path, typer.Argument(help="tenant config (TOML)", metavar="FILE")],
    as_json: Annotated[bool, typer.Option("--json", help="print the findings as JSON")] = False,
) -> None:
    """List what a configuration risks (spec 04); exit code 1 when there is an error."""
    from rich.console import Console
    from rich.markup import escape

    from zengzhi.engine.lint import has_errors, lint

    findings = lint(_proposal(config))
    if as_json:
        data = [one.model_dump(mode="json") for one in findings]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        console = Console()
        for one in findings:
            style = _SEVERITY_STYLE[one.severity]
            console.print(
                f"[{style}]{one.severity:<7}[/] {escape(one.field)}  [dim]{one.code}[/]\n"
                f"  {escape(one.message)}",
                highlight=False,
            )
        errors = sum(one.severity == "error" for one in findings)
        console.print(
            f"{len(findings)} findings, {errors} errors"
            if findings
            else "no findings: nothing this lint knows of is at risk"
        )
    if has_errors(findings):
        raise typer.Exit(code=1)


@app.command("backtest")
def backtest_command(
    tenant: Annotated[str, typer.Argument(help="the tenant whose history to replay")],
    config: Annotated[
        Path, typer.Option("--config", "-c", help="proposed config (TOML, or .json)")
    ],
    top: Annotated[int, typer.Option(help="how many members to list")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole result")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Run a configuration over a tenant's history and show what would differ.

    In memory: nothing changes.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from zengzhi.i18n.format import grouped, money
    from zengzhi.service.config import backtest_tenant

    top = _top(top)
    proposed = _config(config)
    context = _context(database, existing=True)
    with (
        _database_errors(context),
        _domain_errors(),
        context.database.read() as connection,
    ):
        result = backtest_tenant(
            connection, tenant, proposed, top, watch=lambda lines: _watched(lines, "events")
        )
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    console = Console()
    console.print(
        f"{tenant}: {result.events} events replayed; the recorded run "
        + (
            "equals the live state"
            if result.baseline_matches_live
            else "DIFFERS from the live state"
        )
    )
    for change in result.changes or ["nothing: the proposal is the live configuration"]:
        console.print(f"  change: {escape(change)}", highlight=False)
    if result.adjusted or result.skipped:
        console.print(
            f"  {result.adjusted} sales or withdrawals scaled, {result.skipped} events skipped"
        )
    pools = Table(title="pools", title_justify="left")
    for column in ("pool", "figure", "live", "proposed", "difference"):
        pools.add_column(column, justify="left" if column in ("pool", "figure") else "right")
    for pool in result.pools:
        for name in ("balance", "points", "price", "buyback_cost"):
            figure = getattr(pool, name)
            shown = grouped if name == "points" else money  # ¥ on every amount
            pools.add_row(
                pool.pool,
                name,
                shown(figure.live),
                shown(figure.proposed),
                shown(figure.difference),
            )
    console.print(pools)
    totals = Table(title="totals", title_justify="left")
    for column in ("figure", "live", "proposed", "difference"):
        totals.add_column(column, justify="left" if column == "figure" else "right")
    for name, figure in result.totals.items():
        shown = grouped if name == "exits" else money  # a count; the rest are yuan
        totals.add_row(name, shown(figure.live), shown(figure.proposed), shown(figure.difference))
    console.print(totals)
    members = Table(
        title=f"members most changed ({result.members_changed} changed in all)",
        title_justify="left",
    )
    for column in ("member", "value live", "value proposed", "difference", "exits"):
        members.add_column(column, justify="left" if column == "member" else "right")
    for one in result.members:
        members.add_row(
            one.member,
            money(one.value.live),
            money(one.value.proposed),
            money(one.value.difference),
            f"{one.exits.live} → {one.exits.proposed}",
        )
    console.print(members)
