"""The command line: only translates arguments into calls and results into text."""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from zengzhi.core.errors import DomainError
from zengzhi.engine.config import TenantConfig, read_config, read_toml
from zengzhi.engine.fields import error_from_validation, loads_strict
from zengzhi.engine.lint import has_errors, lint
from zengzhi.engine.lint_registry import Finding
from zengzhi.engine.replay import Replay, ReplayError, replay
from zengzhi.engine.snapshot import check, memory_pools, money_totals, pool_summary, snapshot
from zengzhi.engine.views import nearest_exits
from zengzhi.service.audit import audit_all, event_log
from zengzhi.service.auth import role_table
from zengzhi.service.base import Context
from zengzhi.service.config import backtest_tenant
from zengzhi.service.jobs import tick
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.sim.batch import plan, run_all
from zengzhi.sim.scenario import read_scenario
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.spill import SpillStore

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="zengzhi: a points-rebate engine on a double-entry ledger.",
)

EventsArg = Annotated[Path, typer.Argument(help="event log, one JSON object a line ('-': stdin)")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="tenant config (TOML)")]


def _lines(path: Path) -> Iterator[str]:
    if str(path) == "-":
        yield from sys.stdin
        return
    with path.open(encoding="utf-8") as handle:
        yield from handle


# What would break a line: "\n", "\r" and the rest that str.splitlines() splits at.
_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def _fail(message: str) -> typer.Exit:
    """An error as exactly one line on standard error, verbatim: not through Rich, which
    wraps at 80 columns when stderr is not a terminal and reads "[bold]" as markup; line
    breaks inside the message are written as escapes."""
    sys.stderr.write(f"error: {message.translate(_LINE_BREAKS)}\n")
    return typer.Exit(code=1)


def _run(events: Path, config: Path | None) -> Replay:
    try:
        return replay(_lines(events), read_config(config), kept=SpillStore())
    except ReplayError as error:
        raise _fail(str(error)) from None
    except DomainError as error:
        raise _fail(f"{config}: {error}") from None
    except OSError as error:
        raise _fail(str(error)) from None


@app.command("replay")
def replay_command(
    events: EventsArg,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole state as JSON")] = False,
) -> None:
    """Run an event log through the engine and print the final state."""
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


def _context(database_url: str | None) -> Context:

    settings = Settings() if database_url is None else Settings(database_url=database_url)
    return Context(Database(settings.database_url), settings)


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
    jobs: Annotated[bool, typer.Option(help="run due jobs (order completion…)")] = True,
    database: DatabaseOpt = None,
) -> None:
    """Start the HTTP API (OpenAPI at /docs) on the embedded database by default."""

    # the web app (FastAPI, the console's templates) and the demo load here, so that the
    # other commands (the console's dry runs run `backtest`) start in a fraction of the time
    import uvicorn  # noqa: PLC0415

    from zengzhi.app import create_app  # noqa: PLC0415
    from zengzhi.service.demo import seed  # noqa: PLC0415

    context = _context(database)
    upgrade(context.database.writer)
    context.settings.session_secret()
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
    console.print(f"API on http://{host}:{port}/v1 — documentation at http://{host}:{port}/docs")
    uvicorn.run(create_app(context, run_jobs=jobs), host=host, port=port, log_level="info")


db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Bring the database to the current schema."""

    context = _context(database)
    upgrade(context.database.writer)
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

    context = _context(database)
    upgrade(context.database.writer)
    try:
        create_tenant(context, NewTenant(id=tenant, name=name, owner=owner, password=password))
    except DomainError as error:
        raise _fail(str(error)) from None
    except ValidationError as error:
        raise _fail(str(error_from_validation(error))) from None
    print(f"tenant {tenant} created, owner {owner}")


@app.command("roles")
def roles_command() -> None:
    """Print who may do what (the role table of docs/security.md), from the code's own
    permission table."""
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

    reports = audit_all(_context(database), tenant, replay_log)
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

    for report in tick(_context(database)):
        print(
            f"{report.tenant} {report.job} {report.day}: {report.done} done, "
            f"{len(report.failed)} failed"
        )


@app.command("events")
def events_command(
    tenant: Annotated[str, typer.Argument(help="the tenant whose event log to print")],
    database: DatabaseOpt = None,
) -> None:
    """Print a tenant's event log as JSON lines, in commit order (replayable)."""

    context = _context(database)
    with context.database.read() as connection:
        for line in event_log(connection, tenant):
            sys.stdout.write(line + "\n")


@app.command("simulate")
def simulate_command(
    scenario_path: Annotated[Path, typer.Argument(help="scenario (TOML)", metavar="SCENARIO")],
    out: Annotated[Path, typer.Option("--out", help="folder for tables, charts, report")],
    runs: Annotated[int | None, typer.Option(help="Monte Carlo runs (overrides)")] = None,
    processes: Annotated[int | None, typer.Option(help="parallel processes")] = None,
) -> None:
    """Run a scenario through the engine; write CSV tables, charts and report.html."""
    from zengzhi.sim.report import write_report  # noqa: PLC0415  (matplotlib: here only)

    try:
        scenario = read_scenario(scenario_path)
        if runs is not None:
            scenario = scenario.model_copy(
                update={"simulation": scenario.simulation.model_copy(update={"runs": runs})}
            )
    except DomainError as error:
        raise _fail(f"{scenario_path}: {error}") from None
    except OSError as error:
        raise _fail(str(error)) from None
    jobs = len(plan(scenario))
    days = scenario.simulation.days
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=False,
    ) as progress:
        if jobs == 1:
            task = progress.add_task(f"{scenario.name}: days", total=days)
            results = run_all(
                scenario, processes, on_day=lambda day: progress.update(task, completed=day + 1)
            )
        else:
            task = progress.add_task(f"{scenario.name}: runs", total=jobs)
            results = run_all(
                scenario, processes, on_run=lambda done: progress.update(task, completed=done)
            )
    report = write_report(out, results, scenario, scenario_path.read_text(encoding="utf-8"))
    Console().print(f"report: {report}  (tables and charts beside it)")


@app.command("pool")
def pool_command(
    events: EventsArg,
    config: ConfigOpt = None,
    top: Annotated[int, typer.Option(help="how many positions to list")] = 10,
) -> None:
    """A quick look at a replayed state: price, pool, points, positions nearest to exit."""
    run = _run(events, config)
    console = Console()
    for name, pool in memory_pools(run.state).items():
        summary = pool_summary(pool, run.state)
        head = Table(title=f"pool {name}", show_header=False, title_justify="left")
        for label, value in (
            ("price", summary["price"]),
            ("balance", summary["balance"]),
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
                row.points,
                row.principal,
                row.realized,
                row.value,
                row.progress,
                row.exit_price,
            )
        console.print(table)
    exits = Table(title="exits", title_justify="left")
    for column in ("event", "pool", "member", "price", "payout"):
        exits.add_column(column)
    for one in run.exits[-top:]:
        exits.add_row(one["event"], one["pool"], one["member"], one["price"], one["payout"])
    console.print(exits)
    console.print(f"{len(run.exits)} exits in all; the last {min(top, len(run.exits))} shown")


def _proposal(path: Path) -> TenantConfig:
    """A configuration file, shape-checked only (its values are the lint's business):
    TOML, or JSON shaped like `GET /v1/config` when its name ends in .json."""
    try:
        text = path.read_text(encoding="utf-8")
        data = loads_strict(text) if path.suffix == ".json" else read_toml(text)
        return TenantConfig.model_validate(data)
    except json.JSONDecodeError as error:
        raise _fail(f"{path}: not valid JSON: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise _fail(f"{path}: not valid TOML: {error}") from None
    except DomainError as error:
        raise _fail(f"{path}: {error}") from None
    except ValidationError as error:
        raise _fail(f"{path}: {error_from_validation(error)}") from None
    except OSError as error:
        raise _fail(str(error)) from None


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command("lint")
def lint_command(
    config: Annotated[Path, typer.Argument(help="tenant config (TOML)", metavar="FILE")],
    as_json: Annotated[bool, typer.Option("--json", help="print the findings as JSON")] = False,
) -> None:
    """List what a configuration risks (spec 04); exit code 1 when there is an error."""
    findings: list[Finding] = lint(_proposal(config))
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
    """Run a proposed configuration over a tenant's recorded history (in memory: nothing
    changes) and show the difference from what happened."""
    proposed = _proposal(config)
    context = _context(database)
    try:
        proposed.check()
        with context.database.read() as connection:
            result = backtest_tenant(connection, tenant, proposed, top)
    except DomainError as error:
        raise _fail(str(error)) from None
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
            pools.add_row(pool.pool, name, figure.live, figure.proposed, figure.difference)
    console.print(pools)
    totals = Table(title="totals", title_justify="left")
    for column in ("figure", "live", "proposed", "difference"):
        totals.add_column(column, justify="left" if column == "figure" else "right")
    for name, figure in result.totals.items():
        totals.add_row(name, figure.live, figure.proposed, figure.difference)
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
            one.value.live,
            one.value.proposed,
            one.value.difference,
            f"{one.exits.live} → {one.exits.proposed}",
        )
    console.print(members)
