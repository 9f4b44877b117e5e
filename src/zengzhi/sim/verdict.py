"""The verdict a simulation's report opens with, from the first run's own figures: can
the configuration keep its promises, who is paid, who is left holding points, and the
first day the pool held less than its exits promise (the day the cover breaks)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    paid: str  # paid to members in all (sales, exits, rewards…), yuan
    paid_share: str  # paid ÷ spend, a ratio
    exited: int  # members forced out at their cap
    holders: int  # members left holding points
    held: str  # their points at the sale rate, yuan
    breaks_on: int | None  # the first day the pool held less than it promised
    short_modes: tuple[ModeShortfall, ...]


def _ratio(part: Decimal, whole: Decimal) -> str:
    return str((part / whole).quantize(Decimal("0.0001"))) if whole else "0"


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
    breaks_on = next(
        (row["day"] for row in run.days if row["coverage"] and Decimal(row["coverage"]) < 1),
        None,
    )
    exited = int(summary["members_exited"])
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
        holders=int(summary["members"]) - exited,
        held=summary["held_at_sale_rate"],
        breaks_on=breaks_on,
        short_modes=tuple(short),
    )


def write_verdict(out: Path, found: Verdict) -> None:
    (out / FILE).write_text(json.dumps(asdict(found), sort_keys=True), encoding="utf-8")


def read_verdict(out: Path) -> Verdict | None:
    """The verdict a finished report kept beside it; None for a report without one."""
    try:
        data: dict[str, Any] = json.loads((out / FILE).read_text(encoding="utf-8"))
        data["short_modes"] = tuple(ModeShortfall(**short) for short in data["short_modes"])
        return Verdict(**data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
