"""The verdict a simulation's report opens with, from the first run's own figures: can
the configuration keep its promises, who is paid, who is left holding points, and the
first day the pool held less than its exits promise (the day the cover breaks), and the
day the cash runs out on a straight projection (`cash_runs_out`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from zengzhi.core.amounts import ratio_text
from zengzhi.sim.run import RunResult

FILE = "verdict.json"


@dataclass(frozen=True)
class ModeShortfall:
    mode: str  # "union@club"
    owed: str  # yuan
    reserve: str  # yuan
    coverage: str  # reserve ÷ owed, a ratio


@dataclass(frozen=True)
class Verdict:
    days: int
    pool: str  # yuan at the end
    promised: str  # what the open positions are promised at their caps, yuan
    coverage: str | None  # pool ÷ promised (None: nothing promised)
    kept: bool  # the pool covers every exit promise and every mode its debts
    spend: str
    paid: str  # paid to members by the pool and the modes (sales, exits, the modes'
    # payments; distribution rewards are the findings' own figure), yuan
    paid_share: str  # paid ÷ spend, a ratio
    exited: int  # members forced out at their cap
    holders: int  # members holding points at the end
    held: str  # their points at the sale rate, yuan
    breaks_on: int | None  # the first day the pool held less than it promised
    short_modes: tuple[ModeShortfall, ...]
    # the day the cash (pool and mode reserves) reaches zero on a straight line through
    # the last WINDOW days; None: not falling (or it never held any)
    cash_runs_out: int | None = None
    cash_window: int = 0  # the days the line was drawn through
    # a sweep's run: the swept value it is about ("exit_multiple = 1.2"); "" without one
    swept: str = ""
    # the cover broke and was whole again by the end: the day after its last short day
    covered_again: int | None = None
    # the cash ran out and held some again before the end: the first such stretch (the
    # day it stood at zero, the day it held cash again); cash_runs_out then is the trend
    cash_out: int | None = None
    cash_back: int | None = None
    # orders that paid into the pool and minted no point, and what they put in (yuan):
    # their buyers hold no claim on it, though nothing promised to them is broken
    unclaimed_orders: int = 0
    unclaimed: str = "0.00"


WINDOW = 30  # days of the run's end the cash projection is drawn through


def _cash(row: dict[str, Any]) -> Decimal:
    """The cash a day ended with: the pool and every mode's reserve."""
    reserves = (Decimal(str(v)) for k, v in row.items() if k.endswith("_reserve"))
    return Decimal(str(row["pool"])) + sum(reserves, Decimal(0))


def cash_runs_out(days: list[dict[str, Any]], window: int = WINDOW) -> tuple[int | None, int]:
    """The day the cash runs out if it keeps falling as it fell over the last `window`
    days (a straight line through the cash at the window's start and at the end: the
    promised payouts taken at the pace they were paid, against the money coming in),
    and the days the line was drawn through. A day already at or below zero is that
    day; flat or rising cash names no day. A trend, not a forecast."""
    if not days:
        return None, 0
    held, out = False, None
    for row in days:
        if _cash(row) > 0:
            held, out = True, None
        elif held and out is None:  # it held cash, and none is left
            out = int(row["day"])
    if out is not None:  # and none came back by the end
        return out, 0
    last = days[-1]
    first = days[max(0, len(days) - 1 - window)]
    span = int(last["day"]) - int(first["day"])
    now, then = _cash(last), _cash(first)
    if span <= 0 or now >= then or now <= 0:
        return None, span
    fall = (then - now) / span  # yuan a day
    return int(last["day"]) + int((now / fall).to_integral_value(ROUND_CEILING)), span


def cash_gap(days: list[dict[str, Any]]) -> tuple[int, int] | None:
    """The first stretch the cash (pool and reserves) stood at zero after holding some and
    then held some again: (the day it ran out, the day it came back); None if it never
    ran out, or ran out to the end (`cash_runs_out` names that day)."""
    held, out = False, None
    for row in days:
        if _cash(row) > 0:
            if out is not None:
                return out, int(row["day"])
            held = True
        elif held and out is None:
            out = int(row["day"])
    return None


def _ratio(part: Decimal, whole: Decimal) -> str:
    """part ÷ whole (amounts of 2 places) as the tables' ratios are: to 4 places, rounded
    down, so a pool short by a fen covers less than 1, never "1.0000"; a ratio above
    nothing keeps the places that show it (¥600 of ¥15,330,600 is "0.00003913")."""
    return ratio_text(int(part.scaleb(2)), int(whole.scaleb(2))) if whole else "0.0000"


def verdict(run: RunResult) -> Verdict:
    summary = run.summary
    pool, promised = Decimal(summary["pool"]), Decimal(summary["liability"])
    spend, paid = Decimal(summary["spend"]), Decimal(summary["paid_to_members"])
    short = []
    for column in summary:
        if column.endswith("_owed"):
            name = column[: -len("_owed")]
            owed, reserve = Decimal(summary[column]), Decimal(summary[f"{name}_reserve"])
            if reserve < owed:
                short.append(
                    ModeShortfall(
                        name, summary[column], summary[f"{name}_reserve"], _ratio(reserve, owed)
                    )
                )
    uncovered = [row["day"] for row in run.days if row["coverage"] and Decimal(row["coverage"]) < 1]
    breaks_on = uncovered[0] if uncovered else None
    # whole again when the run ends after its last short day (covered, or nothing promised)
    last = run.days[-1]["day"] if run.days else None
    again = uncovered[-1] + 1 if uncovered and last is not None and uncovered[-1] < last else None
    exited = int(summary["members_exited"])
    runs_out, window = cash_runs_out(run.days)
    gap = cash_gap(run.days)
    parameter, value = run.label.get("parameter", ""), run.label.get("value", "")
    return Verdict(
        days=int(summary["days"]),
        pool=summary["pool"],
        promised=summary["liability"],
        coverage=_ratio(pool, promised) if promised else None,
        kept=pool >= promised and not short,
        spend=summary["spend"],
        paid=summary["paid_to_members"],
        paid_share=_ratio(paid, spend),
        exited=exited,
        holders=int(summary["members_holding"]),
        held=summary["held_at_sale_rate"],
        breaks_on=breaks_on,
        short_modes=tuple(short),
        cash_runs_out=runs_out,
        cash_window=window,
        swept=f"{parameter.split('.')[-1]} = {value}" if parameter else "",
        covered_again=again,
        cash_out=gap[0] if gap else None,
        cash_back=gap[1] if gap else None,
        unclaimed_orders=int(summary.get("orders_minting_nothing", 0)),
        unclaimed=summary.get("contributed_minting_nothing", "0.00"),
    )


def write_verdict(out: Path, found: Verdict) -> None:
    (out / FILE).write_text(json.dumps(asdict(found), sort_keys=True), encoding="utf-8")


def read_verdict(kept: bytes | None) -> Verdict | None:
    """The verdict a finished report kept beside it (the bytes of its `verdict.json`);
    None for a report without one."""
    if kept is None:
        return None
    try:
        data: dict[str, Any] = json.loads(kept.decode("utf-8"))
        data["short_modes"] = tuple(ModeShortfall(**short) for short in data["short_modes"])
        return Verdict(**data)
    except (ValueError, KeyError, TypeError):
        return None
