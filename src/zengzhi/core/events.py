"""What can happen to a tenant, as immutable values the engine runs through its rules.

Amounts here are ints of minor units; parsing text into events is the edge's job
(`zengzhi.engine.wire`), and the engine checks what the edge cannot (a line's parts
adding up, a pool that exists). Every event has an id, unique within the tenant, which
is also the cause of every ledger entry it produces. Events are named tuples: millions
of them are made in a replay or a simulation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import NamedTuple


class OrderLine(NamedTuple):
    """Where one line's amount goes: amount = cost + distribution + platform + contribution.

    `cost` is the cost of goods in a product split, or what the merchant settles in a
    local-life order. `contribution` goes whole into `pool` (None: no pool). `zone` is
    the product's (or store's) zone, whose companion modes the line runs through, and
    `modes` the product's own value for a mode (("ads", "1.1"): its gift ratio), fixed
    when the order was made like the split.
    """

    amount: int
    contribution: int
    pool: str | None
    distribution: int = 0
    platform: int = 0
    cost: int = 0
    product: str | None = None
    zone: str | None = None
    modes: tuple[tuple[str, str], ...] = ()

    def problem(self) -> str | None:
        """What is wrong with the line, or None."""
        # unpacked once: every order asks, in the hot loop
        amount, contribution, pool, distribution, platform, cost = self[:6]
        if amount < 0 or contribution < 0 or distribution < 0 or platform < 0 or cost < 0:
            return "order line parts must not be negative"
        parts = cost + distribution + platform + contribution
        if parts != amount:
            return f"order line parts add up to {parts} fen, not to its amount {amount}"
        if contribution and pool is None:
            return "an order line with a contribution must name its pool"
        return None


class CompleteOrder(NamedTuple):
    """An order reached completion: its effects (points, rewards, queues) apply now.

    `region` (a path "province/city/district") is where the order counts for regional
    agents: the store's, or the shipping address'. `recruiter` is the store's recruiter
    when the order completed. `shopping_points` (units) is the part of the amount the
    buyer paid in shopping points (mode G); the customer paid the rest in cash.
    `points_spoken_for`: they were checked as the order was placed (the service: held,
    and within the zones' caps then), so they are spent as placed, whatever the zones
    say now and what the member still holds (rules/modes/shopping.py).
    """

    id: str
    member: str
    lines: tuple[OrderLine, ...]
    store: str | None = None
    at: datetime | None = None
    region: str | None = None
    recruiter: str | None = None
    shopping_points: int = 0
    points_spoken_for: bool = False

    @property
    def amount(self) -> int:
        lines = self.lines
        if len(lines) == 1:  # most orders: asked for on every order, in the hot loop
            return lines[0].amount
        return sum(line.amount for line in lines)


class ReverseOrder(NamedTuple):
    """A refund after completion: undoes the order's effects without lowering a price."""

    id: str
    order: str
    at: datetime | None = None


class Sell(NamedTuple):
    """A member sells points of a pool; `points` None sells all of them."""

    id: str
    member: str
    pool: str
    points: int | None
    at: datetime | None = None


class Subsidy(NamedTuple):
    """The operator puts its own money into a pool."""

    id: str
    pool: str
    amount: int
    at: datetime | None = None


class Configure(NamedTuple):
    """New parameters for a pool from now on (text values, checked by the pool rule)."""

    id: str
    pool: str
    changes: Mapping[str, object]
    at: datetime | None = None


class OpenPool(NamedTuple):
    """A new pool with its parameters (text values, checked by the pool rule).

    Opening a pool that exists but has never held money or points sets its parameters;
    a pool in use is changed with `Configure`.
    """

    id: str
    pool: str
    params: Mapping[str, object]
    at: datetime | None = None


class ImportBalance(NamedTuple):
    """A member's balance from the platform's old system becomes a position.

    `principal` is what the platform owes the member; `contribution` is what the
    operator funds into the pool for it (all at once, or over several imports).
    """

    id: str
    member: str
    pool: str
    principal: int
    contribution: int
    at: datetime | None = None


class Join(NamedTuple):
    """A member registers, bound to a referrer (a link, or a store's owner through its code)."""

    id: str
    member: str
    referrer: str | None = None
    at: datetime | None = None
    # bound through a store's code: the store's recruiter, whose indirect member this is
    # when the recruiter's `indirect_members` is on (spec 02 "Recruiter reward")
    sponsor: str | None = None


class Bind(NamedTuple):
    """An unbound member arrives through a referral link later (the binding policy rules)."""

    id: str
    member: str
    referrer: str
    at: datetime | None = None
    sponsor: str | None = None  # as in Join


class Reassign(NamedTuple):
    """Support re-assigns a member's referrer, with a reason; future orders only."""

    id: str
    member: str
    referrer: str
    reason: str
    at: datetime | None = None


class ReassignReferees(NamedTuple):
    """Support moves every direct member of `member` (a store's owner) to `referrer`, the
    member who reported them (seed 000 举报), with a reason; future orders only."""

    id: str
    member: str
    referrer: str
    reason: str
    at: datetime | None = None


class GrantAgent(NamedTuple):
    """A member buys the agent rights of a region at a level, for a fee (a payment)."""

    id: str
    member: str
    region: str
    level: str
    fee: int
    at: datetime | None = None


class ConfigureDistribution(NamedTuple):
    """New distribution settings from now on (the configuration's `distribution` table)."""

    id: str
    settings: Mapping[str, object]
    at: datetime | None = None


class PayDividend(NamedTuple):
    """One run of a dividend plan over a period [start, end) of completion days."""

    id: str
    plan: str
    start: date
    end: date
    at: datetime | None = None


class ConvertContribution(NamedTuple):
    """The operator converts contribution balances (贡献分) into cash, shares or points at
    a stated rate (seed 002 三.2): `members`, or every holder when empty."""

    id: str
    into: str  # cash, shares or points
    rate: str  # yuan a yuan (cash, points), shares a yuan (shares); checked by the rule
    reason: str
    members: tuple[str, ...] = ()
    pool: str | None = None  # into points: the pool that mints them
    at: datetime | None = None


class ModeIncome(NamedTuple):
    """Income from a third party (an advertiser paying for its ads, seed 004 五) recorded
    into a zone's mode's reserve, where it backs that mode's promises."""

    id: str
    zone: str
    mode: str
    amount: int  # fen
    source: str  # who paid it, for the record
    at: datetime | None = None


class Withdraw(NamedTuple):
    """A member asks to withdraw `amount` from the wallet; it is held at once.

    `fee` is what the platform keeps when the withdrawal is paid (the member receives
    amount − fee); the service computes it from the tenant's withdrawal settings.
    """

    id: str
    member: str
    amount: int
    fee: int
    at: datetime | None = None


class RejectWithdrawal(NamedTuple):
    """The held amount goes back to the wallet."""

    id: str
    withdrawal: str
    at: datetime | None = None


class PayWithdrawal(NamedTuple):
    """The payout went out: the held amount leaves the books, less the fee."""

    id: str
    withdrawal: str
    at: datetime | None = None


class PayRejectedWithdrawal(NamedTuple):
    """The payout gateway paid a withdrawal after it was rejected (its request was
    thought never to have arrived, and arrived): the member has the payout, so what the
    rejection returned is taken back, from the wallet as far as it holds, the rest as the
    member's debt."""

    id: str
    withdrawal: str
    at: datetime | None = None


class ConfigureZone(NamedTuple):
    """A zone's companion modes from now on (the configuration's `zones.<zone>` table).

    Promises made under earlier settings are kept: a mode switched off stops making new
    ones and keeps paying what it owes.
    """

    id: str
    zone: str
    settings: Mapping[str, object]
    at: datetime | None = None


class CompleteTask(NamedTuple):
    """A member did the day's ad task (mode B); the proof is the integrator's reference."""

    id: str
    member: str
    zone: str
    day: date
    proof: str = ""
    at: datetime | None = None
    region: str | None = None  # the member's: its agents earn on the release (seed 002)


class RunDay(NamedTuple):
    """A zone's daily work for `day`: releases, bonus splits, queue payments. With
    `parts`, the day only begins: `DayPart`s do its green releases, and its last part
    what comes after them (the service runs a day so, never holding the zone long)."""

    id: str
    zone: str
    day: date
    at: datetime | None = None
    parts: bool = False


class DayPart(NamedTuple):
    """The next `size` claims or members of the day the RunDay `of` began in parts; its
    entries are that day's (their cause is `of`). `at` is the day's."""

    id: str
    zone: str
    day: date
    of: str
    size: int
    at: datetime | None = None


Event = (
    CompleteOrder
    | ReverseOrder
    | Sell
    | Subsidy
    | Configure
    | OpenPool
    | ImportBalance
    | Withdraw
    | RejectWithdrawal
    | PayWithdrawal
    | PayRejectedWithdrawal
    | Join
    | Bind
    | Reassign
    | ReassignReferees
    | GrantAgent
    | ConfigureDistribution
    | PayDividend
    | ConvertContribution
    | ModeIncome
    | ConfigureZone
    | CompleteTask
    | RunDay
    | DayPart
)


def event_id(kind: str, request_id: str) -> str:
    """Events in a tenant's log are named by kind: an order and a sale may share a request
    id. The engine's withdrawals are known by their event's name (`withdraw:<id>`)."""
    return f"{kind}:{request_id}"
