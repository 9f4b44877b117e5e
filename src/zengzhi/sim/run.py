"""One simulation run: a year of orders and member behaviour through the engine.

Every order, sale, subsidy and pause is an event applied by the same `Engine` the
service and the replay use; the simulator only decides who buys what and when, and
reads the entries back to count. Memory holds the engine's state and a few numbers per
member (when they joined, what they spent and were paid, when they first exited), never
members × days.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from typing import Any

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, Ratio, Yuan, format_minor, ratio_text
from zengzhi.core.days import start_of
from zengzhi.core.events import (
    CompleteOrder,
    Configure,
    Event,
    Join,
    OrderLine,
    PayDividend,
    Sell,
    Subsidy,
)
from zengzhi.core.ledger import CNY, EntryKind, MemoryLedger
from zengzhi.engine.claims import MemoryModes
from zengzhi.engine.engine import Engine, Outcome
from zengzhi.engine.network import MemoryDistribution
from zengzhi.engine.snapshot import check
from zengzhi.engine.state import MemoryPools, OrderRecord, TenantState, memory_pool
from zengzhi.rules.pool import PoolState, balance_and_points, exit_key, reached_cap
from zengzhi.sim.modes import ModeRun
from zengzhi.sim.scenario import Scenario, expected_orders


class SimulationError(AssertionError):
    """An invariant broke: a bug in the engine, never an outcome of a scenario."""


class _NoOrders:
    """A simulation never reverses orders, so it keeps none (memory stays flat)."""

    def get(self, order_id: str) -> OrderRecord | None:
        return None

    def put(self, record: OrderRecord) -> None:
        return None


def target_pool(scenario: Scenario) -> str:
    """The pool the flow's orders feed (its product's or store's pool, or flow.pool)."""
    flow = scenario.flow
    if flow.product:
        return scenario.tenant.products[flow.product].pool or flow.pool
    if flow.store:
        return scenario.tenant.stores[flow.store].pool or flow.pool
    return flow.pool


def orders_on(scenario: Scenario, day: int) -> Fraction:
    """The expected number of orders on `day` (0-based)."""
    return expected_orders(scenario, day)


@dataclass
class Totals:
    """What happened in one pool on one day."""

    orders: int = 0
    spend: int = 0
    contributions: int = 0
    minted: int = 0
    burned: int = 0
    sales: int = 0
    sale_value: int = 0
    sale_payouts: int = 0
    exits: int = 0
    exit_payouts: int = 0
    subsidies: int = 0
    rewards: int = 0
    rewards_cut: int = 0


@dataclass
class RunResult:
    days: list[dict[str, Any]]
    cohorts: list[dict[str, Any]]
    exit_curves: dict[int, list[str]]  # join week → share exited by days since joining
    summary: dict[str, Any]
    label: dict[str, str] = field(default_factory=dict)


FIRST_DAY = date(2026, 1, 1)  # the simulated year's first day


class Simulation:
    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        on_day: Callable[[int], None] | None = None,
        record: bool = False,
    ) -> None:
        self.scenario = scenario
        self.rng = random.Random(seed)
        self.on_day = on_day
        pools = MemoryPools(
            (name, memory_pool(name, params))
            for name, params in scenario.tenant.pool_params().items()
        )
        self.state = TenantState(
            MemoryLedger(),
            pools,
            orders=_NoOrders(),
            distribution=MemoryDistribution(scenario.tenant.distribution_params()),
            modes=MemoryModes(scenario.tenant.zone_modes()),
        )
        zone = scenario.tenant.time_zone()
        self.engine = Engine(self.state, zone)
        self.modes = ModeRun(
            self.state.ledger,
            scenario.tenant.zone_modes(),
            Ratio(scenario.members.task_share),
            scenario.members.use_shopping_points,
            self._chance,
        )
        self.pool: PoolState = pools[target_pool(scenario)]
        # per member, by index: ids, join day, fen spent, fen paid, first exit day (-1: none)
        self.ids: list[str] = []
        self.joined: list[int] = []
        self.spent: list[int] = []
        self.paid: list[int] = []
        # orders whose contribution went into the pool and minted no point (minting
        # paused, m = 0, or a price so high it rounds to nothing): no claim on that money
        self.unclaimed_orders = 0
        self.unclaimed = 0  # fen
        self.first_exit: list[int] = []
        self.earned: list[int] = []  # fen of distribution rewards received
        # who a new member joins through: every member once, and once more per referee
        # when referrals are preferential (the well-connected bring more people)
        self._tickets: list[int] = []
        self._referred = Ratio(scenario.members.referred_share)
        params = self.state.distribution.params
        self._dividends = params.dividends if params else ()
        # day 0 is 2026-01-01; its events happen at noon where the tenant's days turn
        self._start = start_of(FIRST_DAY, zone) + timedelta(hours=12)
        # the sums over open positions that hold points, for the pool's promise:
        # (1 − f)(k Σ principal − Σ realized); a position with no points can never reach
        # its cap (the engine never forces it out), so it is promised nothing until it
        # buys again. Kept by each event's change to the positions it touched.
        self.principal = 0
        self.realized = 0
        self._orders = 0
        self._sell_multiple = Ratio(scenario.members.sell_multiple)
        self._sell_heap: list[tuple[int, int, int]] = []
        self._sell_key: dict[int, int] = {}
        self._events = 0
        self.recorded: list[Event] | None = [] if record else None  # every event, for tests

    # ------------------------------------------------------------------ events

    def _apply(self, event: Event, today: Totals, day: int, actor: str | None = None) -> Outcome:
        """Apply an event; `actor` is the member whose position it changes (a sale's
        seller), besides the positions its exits close."""
        before = self._stake(actor)
        outcome = self.engine.apply(event)
        if self.recorded is not None:
            self.recorded.append(event)
        self._count(outcome, today, day, actor)
        self._restake(actor, before)
        return outcome

    def _stake(self, member: str | None) -> tuple[int, int]:
        """What the member's position adds to the promise's sums: its principal and
        realized while it holds points, nothing otherwise."""
        position = None if member is None else self.pool.positions.get(member)
        if position is None or not position.points:
            return 0, 0
        return position.principal, position.realized

    def _restake(self, member: str | None, before: tuple[int, int]) -> None:
        if member is not None:
            principal, realized = self._stake(member)
            self.principal += principal - before[0]
            self.realized += realized - before[1]

    def _count(self, outcome: Outcome, today: Totals, day: int, actor: str | None = None) -> None:
        """The day's figures from what the rules computed (the outcome's mints, sales,
        exits, rewards and the modes' payments), and from the postings of the entries it
        has no record for (a subsidy, shopping points spent)."""
        pool = self.pool.id
        for mint in outcome.minted:
            if mint.pool == pool:
                today.contributions += mint.contribution
                if mint.contribution and not mint.points:
                    self.unclaimed_orders += 1
                    self.unclaimed += mint.contribution
            today.minted += mint.points
        for sale in outcome.sales:
            member = _index(sale.member)
            today.sales += 1
            today.sale_value += sale.value
            today.sale_payouts += sale.payout
            today.burned += sale.points
            self.paid[member] += sale.payout
        for done in outcome.exits:
            member = _index(done.member)
            today.exits += 1
            today.exit_payouts += done.payout
            today.burned += done.points
            if done.pool == pool and done.member != actor and done.points:
                # a position that held points closes (the actor's is restaked)
                self.principal -= done.principal
                self.realized -= done.realized
            self.paid[member] += done.payout
            if self.first_exit[member] < 0:
                self.first_exit[member] = day
        for reward in outcome.rewards:
            today.rewards += reward.paid.amount
            self.earned[_index(reward.paid.member)] += reward.paid.amount
            today.rewards_cut += reward.cut
        for payment in outcome.mode_payments:
            self.paid[_index(payment.member)] += payment.fen
            self.modes.count(payment)
        cash = self.pool.cash
        for one in outcome.entries:
            kind = one.kind
            if kind == EntryKind.SUBSIDY:
                today.subsidies += sum(a for acc, _, a in one.postings if acc == cash)
            elif kind == EntryKind.SHOPPING_SPENT:
                self.modes.spent(one)

    def _chance(self, ratio: Ratio) -> bool:
        """True with probability `ratio`, drawn exactly (no float in sight)."""
        return self.rng.randrange(ratio.den) < ratio.num

    def _member(self, day: int, new_share: Ratio) -> int:
        count = len(self.ids)
        if count == 0 or self._chance(new_share):
            self.ids.append(f"u{count}")
            self.joined.append(day)
            self.spent.append(0)
            self.paid.append(0)
            self.first_exit.append(-1)
            self.earned.append(0)
            if count and self._referred.num and self._chance(self._referred):
                self._join(count)
            if self.scenario.members.referral == "preferential":
                self._tickets.append(count)
            return count
        return self.rng.randrange(count)

    def _join(self, member: int) -> None:
        """The new member arrived through an existing member's link."""
        if self.scenario.members.referral == "preferential":
            referrer = self._tickets[self.rng.randrange(len(self._tickets))]
            self._tickets.append(referrer)
        else:
            referrer = self.rng.randrange(member)
        join = Join(f"j{member}", self.ids[member], self.ids[referrer])
        self.engine.apply(join)
        if self.recorded is not None:
            self.recorded.append(join)

    def _pay_dividends(self, day: int, today: Totals) -> None:
        """Daily plans pay for each day; monthly ones for each 30 days."""
        first = FIRST_DAY + timedelta(days=day)
        for plan in self._dividends:
            if plan.schedule == "daily":
                start, end = first, first + timedelta(days=1)
            elif day % 30 == 29:
                start, end = first - timedelta(days=29), first + timedelta(days=1)
            else:
                continue
            self._events += 1
            self._apply(PayDividend(f"d{self._events}", plan.name, start, end), today, day)

    # ------------------------------------------------------------------ behaviour

    def _watch(self, member: int) -> None:
        """Keep a member in the sellers' heap, ordered by the price that makes them sell."""
        position = self.pool.positions.get(self.ids[member])
        key = None if position is None else exit_key(position, self._sell_multiple)
        if key is None:
            self._sell_key.pop(member, None)
            return
        self._sell_key[member] = key
        heapq.heappush(self._sell_heap, (key, member, len(self._sell_heap)))

    def _sell_at_multiple(self, today: Totals, day: int) -> None:
        heap = self._sell_heap
        while heap:
            key, member, _ = heap[0]
            if self._sell_key.get(member) != key:
                heapq.heappop(heap)
                continue
            position = self.pool.positions.get(self.ids[member])
            if position is None or position.points == 0:  # forced out, or sold: not waiting
                heapq.heappop(heap)
                del self._sell_key[member]
                continue
            cash, points = balance_and_points(self.pool, self.state.ledger)
            if not reached_cap(position, self._sell_multiple, cash, points):
                break
            heapq.heappop(heap)
            del self._sell_key[member]
            self._sell(member, today, day)

    def _sell(self, member: int, today: Totals, day: int) -> None:
        position = self.pool.positions.get(self.ids[member])
        if position is None or position.points == 0:
            return
        self._events += 1
        seller = self.ids[member]
        self._apply(Sell(f"s{self._events}", seller, self.pool.id, None), today, day, seller)

    def _panic(self, today: Totals, day: int, share: Ratio) -> None:
        positions = self.pool.positions
        holders = [int(p.member[1:]) for p in positions if p.points]  # type: ignore[attr-defined]
        for member in holders:
            if self._chance(share):
                self._sell(member, today, day)

    # ------------------------------------------------------------------ the run

    def _line_maker(self) -> Callable[[], OrderLine]:
        """How the flow prices one order: its product, its store's commission, or a
        contribution share of a random whole-yuan amount."""
        flow, tenant = self.scenario.flow, self.scenario.tenant
        pool = self.pool.id
        if flow.product:
            line = tenant.products[flow.product].line(flow.product, 1, pool)
            return lambda: line
        low = Yuan(flow.amount_min).minor // 100
        high = max(low, Yuan(flow.amount_max).minor // 100)
        randint = self.rng.randint
        if flow.store:
            store, name = tenant.stores[flow.store], flow.store
            return lambda: store.line(name, randint(low, high) * 100, pool)
        share = Ratio(flow.contribution_share)

        def shared() -> OrderLine:
            amount = randint(low, high) * 100
            contribution = share.of_minor_floor(amount)
            return OrderLine(
                amount,
                contribution,
                pool if contribution else None,
                0,
                amount - contribution,
                0,
                zone=flow.zone,
            )

        return shared

    def _orders_of_day(
        self, day: int, today: Totals, make_line: Callable[[], OrderLine], new_share: Ratio
    ) -> set[int]:
        expected = orders_on(self.scenario, day)
        whole = int(expected)
        rest = expected - whole
        orders = whole + (
            1 if rest and self.rng.randrange(rest.denominator) < rest.numerator else 0
        )
        apply, count, ids, spent = self.engine.apply, self._count, self.ids, self.spent
        held = self.pool.positions.get
        store = self.scenario.flow.store
        modes = self.modes.active
        at = self._start + timedelta(days=day) if self._dividends or modes else None
        buyers = set()
        for _ in range(orders):
            member = self._member(day, new_share)
            line = make_line()
            self._orders += 1
            points = self.modes.shopping_points(ids[member], line) if modes else 0
            order = CompleteOrder(
                f"o{self._orders}", ids[member], (line,), store, at, shopping_points=points
            )
            buyer = ids[member]
            # what the order changes in the buyer's stake is read from the position (an
            # order that minted no point, with m = 0, minting paused or dust, stakes
            # nothing: spec 01), its exits' from their records
            position = held(buyer)
            if position is not None and position.points:  # inline _stake: every order
                principal, realized = position.principal, position.realized
            else:
                principal = realized = 0
            outcome = apply(order)
            if self.recorded is not None:
                self.recorded.append(order)
            count(outcome, today, day, buyer)
            position = held(buyer)
            if position is not None and position.points:
                principal -= position.principal
                realized -= position.realized
            self.principal -= principal
            self.realized -= realized
            today.orders += 1
            today.spend += line.amount
            spent[member] += line.amount
            buyers.add(member)
            if modes:
                self.modes.bought(member, ids[member], line)
        return buyers

    def _price(self) -> tuple[int, int, Price]:
        cash, points = balance_and_points(self.pool, self.state.ledger)
        if points:
            return cash, points, Price(cash, points)
        return cash, points, self.pool.last_price or self.pool.params.opening_price

    def run(self) -> RunResult:
        scenario = self.scenario
        behaviour = scenario.members
        make_line = self._line_maker()
        new_share = Ratio(behaviour.new_share)
        panic_share = Ratio(behaviour.panic_share)
        events_by_day: dict[int, list[Any]] = {}
        for n, event in enumerate(scenario.events):
            events_by_day.setdefault(event.day, []).append((n, event))
        days: list[dict[str, Any]] = []
        previous: Price | None = None
        best, last_rise = Fraction(0), 0
        for day in range(scenario.simulation.days):
            today = Totals()
            for n, event in events_by_day.get(day, []):
                self._operator_event(n, event, today, day)
            buyers = self._orders_of_day(day, today, make_line, new_share)
            if self._dividends:
                self._pay_dividends(day, today)
            if self.modes.active:
                when = FIRST_DAY + timedelta(days=day)
                self.modes.day(day, when, partial(self._apply, today=today, day=day))
            if behaviour.selling == "multiple":
                for member in buyers:
                    self._watch(member)
                self._sell_at_multiple(today, day)
            cash, points, price = self._price()
            if behaviour.selling == "panic":
                if price.fraction > best:
                    best, last_rise = price.fraction, day
                elif day - last_rise >= behaviour.panic_stall_days:
                    self._panic(today, day, panic_share)
                    last_rise = day
                    cash, points, price = self._price()
            self._check_day(day, previous, price, cash)
            previous = price
            days.append(self._row(day, today, cash, points, price))
            if self.on_day is not None:
                self.on_day(day)
        problems = check(self.state)
        if problems:
            raise SimulationError("; ".join(problems))
        return self._result(days)

    def _check_day(self, day: int, previous: Price | None, price: Price, cash: int) -> None:
        """The invariants, checked as the simulation runs (spec 05)."""
        if previous is not None and price < previous:
            raise SimulationError(f"day {day}: the price fell from {previous} to {price}")
        if cash < 0:
            raise SimulationError(f"day {day}: the pool is negative")
        if day % 90 == 89:  # the whole ledger, four times a year (and at the end)
            problems = check(self.state)
            if problems:
                raise SimulationError(f"day {day}: {'; '.join(problems)}")

    def _operator_event(self, n: int, event: Any, today: Totals, day: int) -> None:
        if event.subsidy is not None:
            self._apply(Subsidy(f"x{n}", event.pool, Yuan(event.subsidy).minor), today, day)
        changes: dict[str, object] = dict(event.configure or {})
        if event.pause is not None:
            changes["minting_enabled"] = not event.pause
        if changes:
            self._apply(Configure(f"c{n}", event.pool, changes), today, day)

    def _promise(self) -> int:
        """What the pool's forced exits would pay if every open position reached its cap."""
        params = self.pool.params
        multiple = params.exit_multiple
        if multiple is None:
            return 0
        cap = multiple.num * self.principal - multiple.den * self.realized
        return params.sell_fee.complement_floor(max(0, cap) // multiple.den)

    def _row(self, day: int, today: Totals, cash: int, points: int, price: Price) -> dict[str, Any]:
        promise = self._promise()
        net = today.contributions + today.subsidies - today.sale_payouts - today.exit_payouts
        return {
            "day": day,
            "orders": today.orders,
            "spend": format_minor(today.spend, 2),
            "contributions": format_minor(today.contributions, 2),
            "points_minted": format_minor(today.minted, 4),
            "points_burned": format_minor(today.burned, 4),
            "sales": today.sales,
            "sale_payouts": format_minor(today.sale_payouts, 2),
            "exits": today.exits,
            "exit_payouts": format_minor(today.exit_payouts, 2),
            "subsidies": format_minor(today.subsidies, 2),
            "net_inflow": format_minor(net, 2),
            "rewards": format_minor(today.rewards, 2),
            "rewards_cut": format_minor(today.rewards_cut, 2),
            "price": str(price),
            "pool": format_minor(cash, 2),
            "points": format_minor(points, 4),
            "members": len(self.ids),
            "liability": format_minor(promise, 2),
            "coverage": ratio_text(cash, promise) if promise else "",
            **(self.modes.columns() if self.modes.active else {}),
        }

    def _holdings_value(self) -> list[int]:
        """Each member's points, valued at today's sale rate (what selling would pay)."""
        values = [0] * len(self.ids)
        cash, points = balance_and_points(self.pool, self.state.ledger)
        if points:
            fee = self.pool.params.sell_fee
            for position in self.pool.positions:  # type: ignore[attr-defined]
                member = int(position.member[1:])
                values[member] = fee.complement_floor(position.points * cash // points)
        return values

    def _result(self, days: list[dict[str, Any]]) -> RunResult:
        horizon = self.scenario.simulation.days
        holdings = self._holdings_value()
        weeks: dict[int, list[int]] = {}
        for member, joined in enumerate(self.joined):
            weeks.setdefault(joined // 7, []).append(member)
        cohorts = []
        curves: dict[int, list[str]] = {}
        for week in sorted(weeks):
            members = weeks[week]
            waits = sorted(
                self.first_exit[m] - self.joined[m] for m in members if self.first_exit[m] >= 0
            )
            size = len(members)
            spent = sum(self.spent[m] for m in members)
            returned = sum(self.paid[m] + holdings[m] for m in members)
            # each member's multiple floored to 4 places, as integers: sorting them is
            # cheap, and the median of the floors is the floor of the median
            multiples = sorted(
                (self.paid[m] + holdings[m]) * 10_000 // self.spent[m]
                for m in members
                if self.spent[m]
            )
            cohorts.append(
                {
                    "join_week": week,
                    "members": size,
                    "exited": len(waits),
                    "exited_share": ratio_text(len(waits), size),
                    "days_to_exit_median": _quantile(waits, size, Fraction(1, 2)),
                    "days_to_exit_p90": _quantile(waits, size, Fraction(9, 10)),
                    "spent": format_minor(spent, 2),
                    "paid_and_held": format_minor(returned, 2),
                    "multiple": ratio_text(returned, spent) if spent else "",
                    "multiple_median": (
                        format_minor(multiples[len(multiples) // 2], 4) if multiples else ""
                    ),
                }
            )
            curve = [0] * (horizon - week * 7 + 1)
            for wait in waits:
                curve[wait] += 1
            shares, exited = [], 0
            for count in curve:
                exited += count
                shares.append(ratio_text(exited, size))
            curves[week] = shares
        cash, points = balance_and_points(self.pool, self.state.ledger)
        holding = 0
        for position in self.pool.positions:  # type: ignore[attr-defined]
            holding += 1 if position.points else 0
        spent_all = sum(self.spent)
        paid_all = sum(self.paid)
        exited = sum(1 for e in self.first_exit if e >= 0)
        summary = {
            "days": horizon,
            "orders": self._orders,
            "members": len(self.ids),
            "spend": format_minor(spent_all, 2),
            "paid_to_members": format_minor(paid_all, 2),
            "held_at_sale_rate": format_minor(sum(holdings), 2),
            # who is left holding points: members whose position holds any (not those
            # who sold all theirs; a member forced out who bought again holds some)
            "members_holding": holding,
            "members_exited": exited,
            "exited_share": ratio_text(exited, len(self.ids)) if self.ids else "0.0000",
            "price_first": days[0]["price"] if days else "",
            "price_last": days[-1]["price"] if days else "",
            "pool": format_minor(cash, 2),
            "points": format_minor(points, 4),
            "liability": format_minor(self._promise(), 2),
            "orders_minting_nothing": self.unclaimed_orders,
            "contributed_minting_nothing": format_minor(self.unclaimed, 2),
            "ledger_entries": self.state.ledger.entries_posted,  # type: ignore[attr-defined]
            "rewards": format_minor(sum(self.earned), 2),
            "members_rewarded": sum(1 for fen in self.earned if fen),
            "rewards_top_1pct": _top_share(self.earned),
            "wallets": format_minor(
                sum(self.state.ledger.balance(accounts.wallet(m), CNY) for m in self.ids), 2
            ),
            **self.modes.summary(),
        }
        return RunResult(days, cohorts, curves, summary)


def _index(member: str) -> int:
    """A simulated member's index: member "u12" is 12."""
    return int(member[1:])


def _top_share(earned: list[int]) -> str:
    """The share of all rewards that went to the top 1% of earners."""
    total = sum(earned)
    if not total:
        return ""
    top = sorted(earned, reverse=True)[: max(1, len(earned) // 100)]
    return ratio_text(sum(top), total)


def _quantile(waits: list[int], size: int, share: Fraction) -> str:
    """The quantile of the days to exit over the whole cohort, members who never exited
    counted as never (not dropped): the smallest wait by which at least `share` of the
    cohort had exited (as a survival curve reads it: half of 10 out by day 11 is a median
    of 11); empty when fewer than that exited."""
    if size == 0:
        return ""
    rank = math.ceil(share * size) - 1  # the ceil(share × size)-th exit
    if rank >= len(waits):
        return ""
    return str(waits[max(rank, 0)])


def simulate(
    scenario: Scenario, seed: int | None = None, on_day: Callable[[int], None] | None = None
) -> RunResult:
    return Simulation(scenario, scenario.simulation.seed if seed is None else seed, on_day).run()
