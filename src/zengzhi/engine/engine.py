"""The dispatcher: each event runs through the rules that care about it, in order.

This is the one place that says what happens when an order completes, a member sells,
and so on; each step is a rule from `zengzhi.rules`. A new mode adds its steps here and
its state to `TenantState`, and leaves the other rules alone.

Checks that can refuse an event run before anything is posted, so a refused event
changes nothing. The engine applies every event it is given: applying an id once is the
caller's part (the replay's index of ids, the service's unique keys).
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import NamedTuple

from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio
from zengzhi.core.days import DEFAULT_TIMEZONE, day_of, time_zone
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import (
    Bind,
    CompleteOrder,
    CompleteTask,
    Configure,
    ConfigureDistribution,
    ConfigureZone,
    ConvertContribution,
    DayPart,
    Event,
    GrantAgent,
    ImportBalance,
    Join,
    ModeIncome,
    OpenPool,
    PayDividend,
    PayRejectedWithdrawal,
    PayWithdrawal,
    Reassign,
    ReassignReferees,
    RejectWithdrawal,
    ReverseOrder,
    RunDay,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.core.ledger import CNY, Entry, Ledger, entry
from zengzhi.engine.state import Minted, OrderRecord, TenantState
from zengzhi.rules import conversion, distribution, orders, pool, withdrawals
from zengzhi.rules.distribution import Paid, Rewarded
from zengzhi.rules.modes import ads, zone
from zengzhi.rules.modes.common import Effect, ModePaid, Run
from zengzhi.rules.modes.zone import ZoneModes
from zengzhi.rules.pool import Exit, PoolParams, PoolState, Sale


class Mint(NamedTuple):
    """Points an event minted in a pool for a member (an order, an import)."""

    pool: str
    member: str
    contribution: int  # fen that landed in the pool
    points: int  # units minted: 0 while minting is paused, or for dust


class Outcome(NamedTuple):
    """What the rules computed for one event: the entries it posted, in order, and the
    sales, forced exits, mints, rewards and the modes' cash payments among them as
    numbers, so that a caller reads these rather than an entry's printed figures or its
    postings by position. A conversion into points is among the mints (its mint entry
    is booked by the pool's rule, beside the `conversion` entry). A named tuple, as
    `Mint`: one is made for every event (a frozen dataclass sets each field through
    `object.__setattr__`)."""

    entries: tuple[Entry, ...]
    sales: tuple[Sale, ...] = ()
    exits: tuple[Exit, ...] = ()
    minted: tuple[Mint, ...] = ()
    rewards: tuple[Rewarded, ...] = ()  # distribution's: commissions, agents, dividends…
    mode_payments: tuple[ModePaid, ...] = ()  # the companion modes' cash to members


class Engine:
    def __init__(self, state: TenantState, zone: tzinfo | None = None) -> None:
        self.state = state
        self.zone = zone if zone is not None else time_zone(DEFAULT_TIMEZONE)  # days turn here
        self._sales: list[Sale] = []
        self._exits: list[Exit] = []
        self._minted: list[Mint] = []
        self._rewards: list[Rewarded] = []
        self._mode_payments: list[ModePaid] = []

    def apply(self, event: Event) -> Outcome:
        """Run one event; returns what it posted and computed (`Outcome`)."""
        ledger = self.state.ledger
        self._sales, self._exits, self._minted = [], [], []
        self._rewards, self._mode_payments = [], []
        match event:
            case CompleteOrder():
                self._complete(ledger, event)
            case Sell():
                self._sell(ledger, event)
            case Subsidy():
                self._subsidize(ledger, event)
            case OpenPool():
                self._open_pool(ledger, event)
            case Configure():
                self._configure(ledger, event)
            case ReverseOrder():
                self._reverse(ledger, event)
            case ImportBalance():
                self._import(ledger, event)
            case Withdraw():
                if event.member not in self.state.members:
                    raise DomainError(
                        ErrorCode.NOT_FOUND, f"unknown member {event.member!r}", "member"
                    )
                withdrawals.hold(
                    ledger, self.state.withdrawals, event.id, event.member, event.amount, event.fee
                )
            case RejectWithdrawal():
                withdrawals.reject(ledger, self.state.withdrawals, event.id, event.withdrawal)
            case PayWithdrawal():
                withdrawals.pay(ledger, self.state.withdrawals, event.id, event.withdrawal)
            case PayRejectedWithdrawal():
                withdrawals.pay_late(ledger, self.state.withdrawals, event.id, event.withdrawal)
            case Join():
                self._join(event)
            case Bind() | Reassign() | ReassignReferees():
                self._bind(event)
            case GrantAgent():
                self._grant_agent(ledger, event)
            case ConfigureDistribution():
                # here: a replay without one never builds the configuration's models
                from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415

                params = DistributionConfig.kept(event.settings).params()
                self.state.distribution.configure(event.settings, params)
                self.state.network.relevel(params)
            case PayDividend():
                self._dividend(ledger, event)
            case ConvertContribution():
                self._convert(ledger, event)
            case ConfigureZone() | ModeIncome():
                self._zone_event(ledger, event)
            case CompleteTask():
                self._task(event)
            case RunDay() | DayPart():
                self._day(event)
        # tuple.__new__: the named tuples' own __new__ without its Python frame (each
        # event builds an outcome, each order a record and its mints: a few % of a replay)
        return tuple.__new__(
            Outcome,
            (
                tuple(ledger.take_posted()),
                tuple(self._sales),
                tuple(self._exits),
                tuple(self._minted),
                tuple(self._rewards),
                tuple(self._mode_payments),
            ),
        )

    def _settle(
        self, target: PoolState, ledger: Ledger, cause: str, operator: bool = False
    ) -> None:
        """Force out the positions that reached their cap; their exits join the outcome."""
        self._exits += pool.settle_exits(target, ledger, cause, operator=operator)

    def _day(self, event: RunDay | DayPart) -> None:
        modes = self._zone(event.zone)
        # a day's run without a time happens as the day starts, for the periods
        at = event.at or datetime.combine(event.day, time(), self.zone)
        if isinstance(event, RunDay):
            run = self._run(event.id, at, event.day)
            zone.run_day(run, event.zone, modes, event.day, event.parts)
        else:  # its entries are the day's
            zone.day_part(self._run(event.of, at, event.day), event.zone, modes, event.size)

    def _configure(self, ledger: Ledger, event: Configure) -> None:
        target = self._pool(event.pool)
        changed = target.params.with_changes(event.changes)
        pool.check_opening_price(target, ledger, changed)
        pool.configure(target, changed)
        self._settle(target, ledger, event.id, operator=True)

    def _subsidize(self, ledger: Ledger, event: Subsidy) -> None:
        target = self._pool(event.pool)
        pool.subsidize(target, ledger, event.id, event.amount)
        self._settle(target, ledger, event.id)

    def _zone(self, name: str) -> ZoneModes:
        found = self.state.modes.zone(name)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown zone {name!r}", "zone")
        return found

    def _task(self, event: CompleteTask) -> None:
        self._known(event.member)
        modes = self._zone(event.zone)
        if event.at is not None and day_of(event.at, self.zone) != event.day:
            raise invalid(
                "day",
                f"a day's task is done on that day: today is"
                f" {day_of(event.at, self.zone)} ({self.zone}), not {event.day}",
            )
        run = self._run(event.id, event.at, event.day)
        placed = None
        if event.region and modes.ads is not None and modes.ads.agents:
            params = self.state.distribution.params
            areas = params.areas if params is not None else {}
            placed = ads.Placed(event.region, areas, self.state.agents)
        zone.task(run, event.zone, modes, event.member, event.day, placed)

    def _run(self, cause: str, at: datetime | None, day: date | None = None) -> Run:
        """The modes' view of an event; its day is the event's (or, for an event without
        a time, the first day no zone has run yet)."""
        if day is None:
            day = day_of(at, self.zone) if at is not None else None
        return Run(
            self.state.ledger,
            self.state.modes,
            self.state.network,
            cause,
            day.toordinal() if day is not None else 0,
            at,
            paid=self._mode_payments,
        )

    def _zone_event(self, ledger: Ledger, event: ConfigureZone | ModeIncome) -> None:
        if isinstance(event, ModeIncome):
            modes = self._zone(event.zone)
            zone.income(ledger, event.id, event.zone, modes, event.mode, event.amount, event.source)
            return
        if zone.under_way(self.state.modes, event.zone):
            raise DomainError(
                ErrorCode.CONFLICT,
                f"zone {event.zone!r} is running a day in parts: change it when it is done",
                "zone",
            )
        from zengzhi.engine.zones import parse_zone  # noqa: PLC0415  (as ConfigureDistribution)

        modes = parse_zone(event.settings)
        zone.check_change(ledger, event.zone, self.state.modes.configured(event.zone), modes)
        self.state.modes.configure(event.zone, event.settings, modes)

    def _pool(self, pool_id: str) -> PoolState:
        found = self.state.pools.get(pool_id)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown pool {pool_id!r}", "pool")
        return found

    def _complete(self, ledger: Ledger, order: CompleteOrder) -> None:
        lines = order.lines
        if not lines:
            raise invalid("lines", "an order needs at least one line")
        for line in lines:
            problem = line.problem()
            if problem is not None:
                raise invalid("lines", problem)
        if len(lines) == 1:  # most orders: no set to build and sort
            only = lines[0].pool
            touched = {} if only is None else {only: self._pool(only)}
        else:  # pools are loaded (in SQL: locked) in one order: no two orders wait crosswise
            names = sorted({line.pool for line in lines if line.pool is not None})
            touched = {name: self._pool(name) for name in names}
        zones: dict[str, ZoneModes] = {}
        if len(lines) > 1 or lines[0].zone is not None:  # most orders are in no zone
            zones = {name: self._zone(name) for name in sorted(zone.by_zone(order))}
        in_modes = bool(zones) or order.shopping_points != 0
        if in_modes:
            zone.check_order(ledger, zones, order)
            zone.check_eligible(self.state.modes, self.state.network, zones, order)
        by_pool = _by_pool(order, zones, touched)
        for name, (_, _, mintable) in by_pool.items():  # refused before anything moves
            pool.check_mint(touched[name], ledger, mintable)
        self.state.members.add(order.member)
        orders.complete(ledger, order)
        minted = [
            self._mint(touched[name], ledger, order, amount, contribution, mintable)
            for name, (amount, contribution, mintable) in by_pool.items()
        ]
        paid, grew = self._distribute(ledger, order)
        effects: tuple[Effect, ...] = ()
        if in_modes:  # most orders are in no zone: no view of the modes to build
            run = self._run(order.id, order.at)
            zone.complete_order(run, zones, order)
            effects = tuple(run.effects)
        for target in touched.values():
            self._settle(target, ledger, order.id)
        self.state.orders.put(
            tuple.__new__(OrderRecord, (order, tuple(minted), None, paid, effects, grew))
        )

    def _mint(
        self,
        target: PoolState,
        ledger: Ledger,
        order: CompleteOrder,
        amount: int,
        contribution: int,
        mintable: int,
    ) -> Minted:
        points, position = pool.mint(
            target, ledger, order.id, order.member, amount, contribution, mintable=mintable
        )
        self._minted.append(tuple.__new__(Mint, (target.id, order.member, contribution, points)))
        if position is None:
            paid, _ = target.positions.history(order.member)
            return Minted(target.id, amount, points, None, paid)
        # what the pool had paid the member before: a position, new or not, carries the
        # member's history (`PositionBook.open`) and minting pays nothing; no second lookup
        return tuple.__new__(Minted, (target.id, amount, points, position.opened, position.paid))

    def _distribute(
        self, ledger: Ledger, order: CompleteOrder
    ) -> tuple[tuple[Paid, ...], tuple[str, ...]]:
        """Grow the uplines' team performance and pay the order's rewards; returns the
        rewards and whose performance grew (a reversal takes it back from them)."""
        book = self.state.distribution
        amount = order.amount
        # a buyer is a promoter (seed 002 三.1) and past the first order whatever the
        # order's amount and whether distribution is on: as the service's orders say
        self.state.network.ordered(order.member)
        if order.at is not None:
            book.add_turnover(day_of(order.at, self.zone), amount)
        params = book.params
        if params is None or amount <= 0:  # no reward on a zero-amount order
            return (), ()
        network = self.state.network
        grown = network.grow(network.chain(order.member, None), amount, params)
        rewards = distribution.commission_rewards(
            params,
            distribution.commission_chain(
                params,
                network,
                order.member,
                [member for member, _ in grown[: len(params.commission)]],
            ),
            amount,
            network.has_purchase,
        )
        rewards += distribution.recruiter_reward(params, order.recruiter, amount)
        rewards += distribution.agent_rewards(params, self.state.agents, order.region, amount)
        rewards += distribution.team_rewards(params, grown, amount)
        budget = sum(line.distribution for line in order.lines)
        booked = distribution.pay(ledger, order.id, rewards, budget, params.overflow)
        self._rewards += booked
        # the order keeps what it paid (a reversal takes it back); a reward cut whole paid
        # nothing, and only the outcome counts it
        paid = tuple(one.paid for one in booked if one.paid.amount)
        return paid, tuple(member for member, _ in grown)

    def _known(self, member: str, field: str = "member") -> None:
        if member not in self.state.members:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown member {member!r}", field)

    def _join(self, event: Join) -> None:
        if event.member in self.state.members:
            raise DomainError(ErrorCode.CONFLICT, f"{event.member!r} is a member already", "member")
        if event.referrer is not None:
            distribution.check_binding(
                self.state.network,
                self.state.distribution.params,
                event.member,
                event.referrer,
                joining=True,
            )
            self._known(event.referrer, "referrer")
        self.state.members.add(event.member)
        self.state.network.join(event.member, event.referrer)
        if event.sponsor is not None:
            self.state.network.sponsor(event.member, event.sponsor)

    def _bind(self, event: Bind | Reassign | ReassignReferees) -> None:
        if isinstance(event, ReassignReferees):
            self._reassign_referees(event)
            return
        if isinstance(event, Reassign) and not event.reason.strip():
            raise invalid("reason", "a re-assignment needs a reason")
        self._known(event.member)
        distribution.check_binding(
            self.state.network,
            self.state.distribution.params,
            event.member,
            event.referrer,
            joining=isinstance(event, Reassign),  # support may re-bind; cycles stay refused
        )
        self._known(event.referrer, "referrer")
        self.state.network.bind(event.member, event.referrer)
        # a binding through a store's code records its recruiter; a re-assignment ends it
        if isinstance(event, Reassign):
            self.state.network.sponsor(event.member, None)
        elif event.sponsor is not None:
            self.state.network.sponsor(event.member, event.sponsor)

    def _reassign_referees(self, event: ReassignReferees) -> None:
        """Seed 000 举报: every direct member of a store's owner moves to the reporter.
        Each move is checked before any is made: one cycle refuses them all."""
        if not event.reason.strip():
            raise invalid("reason", "a re-assignment needs a reason")
        self._known(event.member)
        self._known(event.referrer, "referrer")
        if event.referrer == event.member:
            raise invalid("referrer", "the members would stay where they are")
        network = self.state.network
        moving = [one for one in network.referees(event.member) if one != event.referrer]
        for member in moving:
            distribution.check_binding(
                network, self.state.distribution.params, member, event.referrer, joining=True
            )
        for member in moving:
            network.bind(member, event.referrer)
            network.sponsor(member, None)

    def _grant_agent(self, ledger: Ledger, event: GrantAgent) -> None:
        if event.level not in distribution.AGENT_LEVELS:
            raise invalid("level", f"must be one of {', '.join(distribution.AGENT_LEVELS)}")
        if not event.region.strip("/"):
            raise invalid("region", "is required")
        if event.fee < 0:
            raise invalid("fee", "must not be negative")
        self._known(event.member)
        self.state.network.lock_links()  # before the holder is looked for (store/network.py)
        holder = self.state.agents.agent(event.region, event.level)
        if holder is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{event.region} has a {event.level} agent already ({holder})",
                "region",
            )
        if event.fee:
            ledger.post(
                entry(
                    event.id,
                    "agent_rights",
                    distribution.RULE,
                    [
                        (accounts.PAYMENTS_IN, CNY, -event.fee),
                        (accounts.AGENT_RIGHTS, CNY, event.fee),
                    ],
                    {"member": event.member, "region": event.region, "level": event.level},
                )
            )
        self.state.agents.grant(event.region, event.level, event.member, event.fee)

    def _dividend(self, ledger: Ledger, event: PayDividend) -> None:
        # every level and holding as the log has them here: no order, reversal or
        # conversion changes one between this reading and the commit (docs/distribution.md)
        self.state.network.lock_links()
        params = self.state.distribution.params
        plans = {plan.name: plan for plan in (params.dividends if params else ())}
        plan = plans.get(event.plan)
        if plan is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown dividend {event.plan!r}", "plan")
        if event.end <= event.start:
            raise invalid("end", "must be after start")
        turnover = self.state.distribution.turnover(event.start, event.end)
        members = self.state.network.qualifying(plan.min_level)
        if plan.split in distribution.HELD_WEIGHTS:  # weighted by a balance members hold
            kind, asset = distribution.HELD_WEIGHTS[plan.split]
            held = ledger.holders(kind, asset)
            if plan.min_level > 0:
                levelled = {member for member, _ in members}
                held = [(member, weight) for member, weight in held if member in levelled]
            members = held
        rewards = distribution.dividend_rewards(plan, turnover, members)
        source = accounts.PROFIT if plan.funding == "profit" else accounts.DISTRIBUTION
        self._rewards += distribution.pay(
            ledger, event.id, rewards, sum(r.amount for r in rewards), False, source
        )

    def _convert(self, ledger: Ledger, event: ConvertContribution) -> None:
        if not event.reason.strip():
            raise invalid("reason", "a conversion needs a reason (it is audited)")
        rate = Ratio(event.rate, "rate")
        target = self._pool(event.pool) if event.pool is not None else None
        # the holders, as a dividend reads them; after the pool, as an order locks them
        self.state.network.lock_links()
        conversion.check(event.into, rate, target)
        for member in event.members:
            self._known(member, "members")
        members = event.members or tuple(
            member for member, _ in ledger.holders("contribution", distribution.CONTRIBUTION)
        )
        for member in sorted(set(members)):  # every member checked before any converts
            conversion.check_amount(ledger, member, event.into, rate)
        for member in sorted(set(members)):
            done = conversion.convert(
                ledger, event.id, member, event.into, rate, event.reason, target
            )
            if event.into == "points" and target is not None and done.held:
                self._minted.append(Mint(target.id, member, done.contribution, done.points))
        if target is not None:
            self._settle(target, ledger, event.id)

    def _sell(self, ledger: Ledger, event: Sell) -> None:
        if event.member not in self.state.members:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown member {event.member!r}", "member")
        target = self._pool(event.pool)
        self._sales.append(pool.sell(target, ledger, event.id, event.member, event.points))
        self._settle(target, ledger, event.id)

    def _open_pool(self, ledger: Ledger, event: OpenPool) -> None:
        params = PoolParams().with_changes(event.params)
        found = self.state.pools.get(event.pool)
        if found is None:
            self.state.pools.open(event.pool, params)
            return
        cash, points = pool.balance_and_points(found, ledger)
        if cash or points or found.last_price is not None:
            raise DomainError(
                ErrorCode.CONFLICT, f"pool {event.pool!r} exists and is in use", "pool"
            )
        pool.configure(found, params)

    def _import(self, ledger: Ledger, event: ImportBalance) -> None:
        target = self._pool(event.pool)
        if event.contribution <= 0:
            raise invalid("contribution", "an import needs a contribution to mint against")
        if not target.params.minting_enabled:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"minting is paused in pool {target.id!r}: import after resuming",
                "pool",
            )
        if event.principal <= 0 and target.positions.get(event.member) is None:
            raise invalid(
                "principal",
                "must be greater than 0 to open a position: points with no principal would"
                " be forced out at once, for nothing (an import into an open position may"
                " add points alone)",
            )
        cash, points = pool.balance_and_points(target, ledger)
        if not pool.points_for(target, cash, points, event.contribution):
            raise invalid(
                "contribution",
                "mints no points at the pool's price (less than 0.0001 point): import a"
                " larger contribution",
            )
        self.state.members.add(event.member)
        points, _ = pool.mint(
            target,
            ledger,
            event.id,
            event.member,
            event.principal,
            event.contribution,
            source=accounts.FUNDING,
        )
        self._minted.append(Mint(target.id, event.member, event.contribution, points))
        self._settle(target, ledger, event.id)

    def _reverse(self, ledger: Ledger, event: ReverseOrder) -> None:
        record = self.state.orders.get(event.order)
        if record is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown order {event.order!r}", "order")
        if record.reversed_by is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"order {event.order!r} was already reversed by {record.reversed_by!r}",
                "order",
            )
        order = record.order
        if record.rewards:  # holdings a dividend weighs: not beside one (`read_lock`)
            self.state.network.read_lock()
        distribution.take_back(ledger, event.id, order.id, record.rewards)
        self.state.network.unordered(order.member)  # no promoter on a purchase returned
        if record.modes:
            run = self._run(event.id, event.at)
            run.reverses = order.id
            touched = {effect.zone for effect in record.modes}
            zone.reverse(
                run, {name: self.state.modes.zone(name) for name in sorted(touched)}, record.modes
            )
        book = self.state.distribution
        # from whom completion grew it, whoever the member's uplines are now (a record
        # written before it named them, None: the uplines now, if distribution is on)
        grew = record.grew
        if grew is None and book.params is not None and order.amount > 0:
            grew = tuple(self.state.network.chain(order.member, None))
        if grew:
            self.state.network.grow(grew, -order.amount, book.params)
        if event.at is not None:
            book.add_turnover(day_of(event.at, self.zone), -order.amount)
        orders.reverse(ledger, event.id, order)
        for line in record.minted:
            if line.opened is None:
                continue
            target = self._pool(line.pool)
            pool.reverse_mint(
                target,
                ledger,
                event.id,
                order.id,
                order.member,
                line.amount,
                line.points,
                line.opened,
                line.paid_before,
            )
        for pool_id in dict.fromkeys(line.pool for line in record.minted):
            self._settle(self._pool(pool_id), ledger, event.id)
        self.state.orders.put(
            OrderRecord(order, record.minted, event.id, record.rewards, record.modes, record.grew)
        )


def _by_pool(
    order: CompleteOrder, zones: dict[str, ZoneModes], touched: dict[str, PoolState]
) -> dict[str, tuple[int, int, int]]:
    """Each pool the order feeds: (the principal its points stake, the contribution that
    lands, the part of it that mints). An order mints once per pool (spec 01), so a basket
    split into lines earns what one line of the same total would; lines of a zone whose
    minting has stopped land without minting and stake nothing; lines of a zone in a
    closing campaign that boosts points earn on boost × their contribution (kept below
    m × base < C, `pool.boosted_base`)."""
    lines = order.lines
    if len(lines) == 1 and lines[0].zone is None:  # most orders: one line, one pool
        line = lines[0]
        if line.pool is None:
            return {}
        return {line.pool: (line.amount, line.contribution, line.contribution)}
    pools: dict[str, tuple[int, int, int]] = {}
    for line in lines:
        if line.pool is None:
            continue
        amount, contribution, mintable = pools.get(line.pool, (0, 0, 0))
        if line.zone is None or zones[line.zone].mints(order.at):
            amount += line.amount
            boost = zones[line.zone].points_boost(order.at) if line.zone is not None else None
            mintable += (
                line.contribution
                if boost is None
                else pool.boosted_base(touched[line.pool].params, line.contribution, boost)
            )
        pools[line.pool] = (amount, contribution + line.contribution, mintable)
    return pools
