"""The command line: only translates arguments into calls and results into text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zengzhi.core.errors import DomainError
from zengzhi.engine.config import read_config
from zengzhi.engine.replay import Replay, ReplayError, replay
from zengzhi.engine.snapshot import check, pool_summary, snapshot
from zengzhi.engine.views import nearest_exits

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


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


def _run(events: Path, config: Path | None) -> Replay:
    try:
        return replay(_lines(events), read_config(config))
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
    print(
        f"members {len(state['members'])}  exits {len(run.exits)}  "
        f"events applied {run.applied}  duplicates skipped {run.duplicates}"
    )


@app.command("pool")
def pool_command(
    events: EventsArg,
    config: ConfigOpt = None,
    top: Annotated[int, typer.Option(help="how many positions to list")] = 10,
) -> None:
    """A quick look at a replayed state: price, pool, points, positions nearest to exit."""
    run = _run(events, config)
    console = Console()
    for name in sorted(run.state.pools):
        pool = run.state.pools[name]
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
