"""Back-test: a proposed configuration run over a tenant's recorded history, in memory,
compared with the history as it happened.

Two replays run side by side over the event log: the history as recorded (which is the
live state: `zengzhi audit --replay` holds them equal) and the history under the
proposal. The proposal is compared with the live configuration, part by part:

- a pool it names: each parameter that differs from the live one applies from the very
  start, and recorded changes of that parameter are dropped; other parameters follow
  the history (so a recorded pause still pauses);
- a product or store it names with another split: each recorded line of that product
  (or, for a store, each line without a product) is split anew, keeping what the
  customer paid: the parts are the proposal's shares of its price;
- a `distribution` table that differs: it applies from the start, replacing recorded
  distribution settings;
- a zone it names with other modes: the proposed modes apply from the start, replacing
  the zone's recorded settings (the modes' promises, reserves and payments are compared
  mode by mode, and count in the liabilities);
- whatever it leaves out (a pool, product or store not named, no `distribution`) follows
  the history. Proposing the live configuration therefore reproduces the live state
  exactly.

Members behave as recorded where they can: a recorded sale of q points sells the same
share of what the member holds under the proposal (q × held now / held then); a
withdrawal larger than the wallet now withdraws what is there. An event the proposal
makes impossible is skipped and listed. Pure: lines in, figures out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.core.ledger import CNY, EntryKind, MemoryLedger
from zengzhi.engine.config import ProductConfig, StoreConfig, TenantConfig
from zengzhi.engine.engine import Outcome
from zengzhi.engine.fields import loads_strict
from zengzhi.engine.notices import member_of
from zengzhi.engine.replay import Kept, MemoryKept, Replay, ReplayError
from zengzhi.engine.snapshot import buyback_cost, memory_pools, positions_of
from zengzhi.rules.distribution import CONTRIBUTION
from zengzhi.rules.modes.zone import liabilities
from zengzhi.rules.pool import DEFAULT_POOL, PoolParams, balance_and_points, price

PREFIX = "backtest:"  # ids of the events the back-test adds before the history


class Compared(BaseModel):
    live: str
    proposed: str
    difference: str  # proposed − live


class PoolComparison(BaseModel):
    pool: str
    balance: Compared
    points: Compared
    price: Compared
    buyback_cost: Compared  # every point sold back at the sale rate


class MemberEffect(BaseModel):
    member: str
    received: Compared  # cash paid to the member: sales, exits, rewards (net of take-backs)
    points_value: Compared  # points held, at the final price
    value: Compared  # received + points_value
    exits: Compared


class Skipped(BaseModel):
    line: int
    event: str
    reason: str


class Backtest(BaseModel):
    events: int
    changes: list[str]  # what the proposal changes, as applied
    adjusted: int  # recorded sales and withdrawals scaled to what members hold
    skipped: int
    skipped_events: list[Skipped]  # the first 20
    pools: list[PoolComparison]
    totals: dict[str, Compared]
    members_changed: int
    members: list[MemberEffect]  # the largest changes in value first
    baseline_matches_live: bool | None = None  # set by the service: the replay equals SQL


# ---------------------------------------------------------------------------- figures


def _fen(value: int) -> str:
    return format_minor(value, 2)


def _points(value: int) -> str:
    return format_minor(value, 4)


def _compared(live: int, proposed: int, text: Any = _fen) -> Compared:
    return Compared(live=text(live), proposed=text(proposed), difference=text(proposed - live))


def _price_text(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _compared_prices(live: Fraction, proposed: Fraction) -> Compared:
    """Two prices as shown, and the difference of the two shown: of the exact prices it
    read ¥7.5600, ¥7.5808, difference ¥0.0207 (the console's dry run)."""
    shown = _price_text(live), _price_text(proposed)
    return Compared(
        live=shown[0], proposed=shown[1], difference=str(Decimal(shown[1]) - Decimal(shown[0]))
    )


_TO_THE_BANK = frozenset(
    (
        EntryKind.WITHDRAWAL_HOLD,
        EntryKind.WITHDRAWAL_RELEASE,
        EntryKind.WITHDRAWAL_PAYOUT,
        EntryKind.WITHDRAWAL_PAID_LATE,
    )
)


class _Tally:
    """What the entries of one run paid to members, as they are posted."""

    def __init__(self) -> None:
        self.received: dict[str, int] = {}
        self.exits: dict[str, int] = {}
        self.by_kind: dict[str, int] = {}

    def __call__(self, outcome: Outcome) -> None:
        for done in outcome.exits:
            self.exits[done.member] = self.exits.get(done.member, 0) + 1
        for one in outcome.entries:
            if one.kind in _TO_THE_BANK:
                continue  # money leaving the wallet for the bank is not a payout
            for account, asset, amount in one.postings:
                if asset != CNY or not (account.endswith((":wallet", ":debt"))):
                    continue
                member = member_of(account, asset)
                if member is None:
                    continue
                self.received[member] = self.received.get(member, 0) + amount
                self.by_kind[one.kind] = self.by_kind.get(one.kind, 0) + amount


def _member_figures(run: Replay, tally: _Tally) -> dict[str, tuple[int, int, int]]:
    """(received, points value, exits) of every member."""
    ledger = run.state.ledger
    figures: dict[str, tuple[int, int, int]] = {}
    values: dict[str, int] = {}
    for pool in memory_pools(run.state).values():
        cash, points = balance_and_points(pool, ledger)
        if points <= 0:
            continue
        for position in positions_of(pool):
            values[position.member] = values.get(position.member, 0) + (
                position.points * cash // points
            )
    for member in set(tally.received) | set(values) | set(tally.exits):
        figures[member] = (
            tally.received.get(member, 0),
            values.get(member, 0),
            tally.exits.get(member, 0),
        )
    return figures


def _owed(ledger: MemoryLedger) -> tuple[int, int]:
    """What members are owed in cash (wallets, withdrawals held, less debts) and in
    contribution balances."""
    cash = 0
    for account, asset, amount in ledger.accounts("member:"):
        if asset == CNY and account.endswith((":wallet", ":withdrawing", ":debt")):
            cash += amount
    contribution = -ledger.balance(accounts.CONTRIBUTION_ISSUED, CONTRIBUTION)
    return cash, contribution


# ---------------------------------------------------------------------------- the proposal


class _Plan:
    """What differs between the live configuration and the proposal."""

    def __init__(self, live: TenantConfig, proposed: TenantConfig) -> None:
        self.changes: list[str] = []
        live_pools = live.pool_params()
        named: dict[str, PoolParams] = {}
        all_proposed = proposed.pool_params()
        if proposed.pool is not None:
            named[DEFAULT_POOL] = all_proposed[DEFAULT_POOL]
        for name in proposed.pools:
            named[name] = all_proposed[name]
        # pool → the parameters that apply from the start (as text), for every pool named
        self.overrides: dict[str, dict[str, Any]] = {}
        self.new_pools: dict[str, dict[str, Any]] = {}
        for name, params in named.items():
            wanted = params.as_text()
            if name not in live_pools:
                self.new_pools[name] = wanted
                self.changes.append(f"pool {name}: opened from the start")
                continue
            had = live_pools[name].as_text()
            differ = {key: value for key, value in wanted.items() if had[key] != value}
            if differ:
                self.overrides[name] = differ
                for key, value in differ.items():
                    self.changes.append(f"pool {name} {key}: {had[key]} → {value}")
        self.products: dict[str, ProductConfig] = {}
        for name, product in proposed.products.items():
            before = live.products.get(name)
            if before is None or _product_line(before, name) != _product_line(product, name):
                self.products[name] = product
                self.changes.append(f"product {name}: new split")
        self.stores: dict[str, StoreConfig] = {}
        for name, store in proposed.stores.items():
            kept = live.stores.get(name)
            if kept is None or kept != store:
                self.stores[name] = store
                self.changes.append(f"store {name}: new commission, pool or region")
        self.distribution: dict[str, Any] | None = None
        if proposed.distribution is not None and proposed.distribution != live.distribution:
            self.distribution = proposed.distribution.model_dump(mode="json", exclude_none=True)
            self.changes.append("distribution: the proposed settings from the start")
        self.zones: dict[str, dict[str, Any]] = {}
        for name, zone in proposed.zones.items():
            if live.zones.get(name) != zone:
                self.zones[name] = zone.model_dump(mode="json", exclude_none=True)
                self.changes.append(f"zone {name}: the proposed modes from the start")
        # a changed zone whose shopping points differ: the points an order was placed
        # with, checked under the live zones, are checked under the proposal's
        self.shopping = any(
            getattr(live.zones.get(name), "shopping", None) != proposed.zones[name].shopping
            for name in self.zones
        )

    def prelude(self) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        for name, params in self.new_pools.items():
            kind = "configure" if name == DEFAULT_POOL else "open_pool"
            lines.append({"type": kind, "id": f"{PREFIX}pool:{name}", "pool": name, **params})
        if DEFAULT_POOL in self.overrides:
            lines.append(
                {
                    "type": "configure",
                    "id": f"{PREFIX}pool:{DEFAULT_POOL}",
                    "pool": DEFAULT_POOL,
                    **self.overrides[DEFAULT_POOL],
                }
            )
        if self.distribution is not None:
            lines.append(
                {
                    "type": "distribution",
                    "id": f"{PREFIX}distribution",
                    "settings": self.distribution,
                }
            )
        for name, settings in self.zones.items():
            lines.append(
                {"type": "zone", "id": f"{PREFIX}zone:{name}", "zone": name, "settings": settings}
            )
        return lines


def _product_line(product: ProductConfig, name: str) -> tuple[Any, ...]:
    return (*product.line(name, 1, DEFAULT_POOL), product.pool)


def _resplit(line: dict[str, Any], product: ProductConfig, name: str) -> dict[str, Any]:
    """A recorded line under a product's new split: what the customer paid, in the
    proposal's shares of the product's price (the contribution takes the rest)."""
    unit = product.line(name, 1, DEFAULT_POOL)
    amount = int(Decimal(line["amount"]) * 100)
    parts = {
        part: getattr(unit, part) * amount // unit.amount
        for part in ("cost", "distribution", "platform")
    }
    contribution = amount - sum(parts.values())
    out: dict[str, Any] = {
        "amount": line["amount"],
        "product": name,
        "split": {part: _fen(value) for part, value in parts.items()}
        | {"contribution": _fen(contribution)},
    }
    if contribution:
        out["pool"] = product.pool or DEFAULT_POOL
    return out | _zone_of(unit)


def _zone_of(line: Any) -> dict[str, Any]:
    """The zone (and the product's own mode values) a line runs through, as written."""
    found: dict[str, Any] = {}
    if line.zone is not None:
        found["zone"] = line.zone
    if line.modes:
        found["modes"] = dict(line.modes)
    return found


def _store_line(line: dict[str, Any], store: StoreConfig, name: str) -> dict[str, Any]:
    amount = int(Decimal(line["amount"]) * 100)
    new = store.line(name, amount, DEFAULT_POOL)
    out: dict[str, Any] = {
        "amount": line["amount"],
        "split": {
            "cost": _fen(new.cost),
            "distribution": _fen(new.distribution),
            "platform": _fen(new.platform),
            "contribution": _fen(new.contribution),
        },
    }
    if new.pool is not None:
        out["pool"] = new.pool
    return out | _zone_of(new)


# ---------------------------------------------------------------------------- the run


class _Trial:
    def __init__(self, plan: _Plan, baseline: Replay, trial: Replay) -> None:
        self.plan = plan
        self.baseline = baseline
        self.trial = trial
        self.adjusted = 0

    def _holding(self, run: Replay, pool: str, member: str) -> int:
        found = run.state.pools.get(pool)
        position = found.positions.get(member) if found is not None else None
        return position.points if position is not None else 0

    def transform(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded event as it would have gone under the proposal (None: skip)."""
        plan = self.plan
        kind = event.get("type")
        if kind == "open_pool" and event["pool"] in plan.overrides:
            pool = event["pool"]
            given = {k: v for k, v in event.items() if k not in ("type", "id", "pool", "at")}
            params = PoolParams().as_text() | given | plan.overrides[pool]
            if self.trial.state.pools.get(pool) is not None:
                return {**_keep(event), "type": "configure", "pool": pool, **params}
            return {**_keep(event), "pool": pool, **params}
        if kind == "configure" and event.get("pool", DEFAULT_POOL) in plan.overrides:
            overridden = plan.overrides[event.get("pool", DEFAULT_POOL)]
            kept = {k: v for k, v in event.items() if k not in overridden}
            if set(kept) <= {"type", "id", "pool", "at"}:
                return None
            return kept
        if kind == "distribution" and plan.distribution is not None:
            return None
        if kind == "zone" and event["zone"] in plan.zones:
            return None
        if kind == "order":
            placed = self._order(event) if plan.products or plan.stores else event
            if plan.shopping and placed.get("points_spoken_for"):
                # checked as it was placed, under the live zones: the proposal's zones
                # check them as it completes, and skip it if they would refuse them
                return {k: v for k, v in placed.items() if k != "points_spoken_for"}
            return placed
        if kind == "sell" and event["points"] != "all":
            return self._sell(event)
        if kind == "withdraw":
            return self._withdraw(event)
        if kind == "day" and event.get("parts"):  # at once: same entries as in parts
            return {key: value for key, value in event.items() if key != "parts"}
        return event

    def _order(self, event: dict[str, Any]) -> dict[str, Any]:
        store_name = event.get("store")
        store = self.plan.stores.get(store_name) if store_name else None
        lines = []
        for line in event["lines"]:
            product = self.plan.products.get(line.get("product", ""))
            if product is not None:
                lines.append(_resplit(line, product, line["product"]))
            elif store is not None and store_name is not None and "product" not in line:
                lines.append(_store_line(line, store, store_name))
            else:
                lines.append(line)
        out = {**event, "lines": lines}
        if store is not None:
            for name in ("region", "recruiter"):
                if getattr(store, name) is not None:
                    out[name] = getattr(store, name)
        return out

    def _sell(self, event: dict[str, Any]) -> dict[str, Any] | None:
        pool, member = event.get("pool", DEFAULT_POOL), event["member"]
        had = self._holding(self.baseline, pool, member)
        has = self._holding(self.trial, pool, member)
        if had == has:
            return event
        self.adjusted += 1
        asked = int(Decimal(event["points"]) * 10_000)
        if asked >= had or has == 0:
            return {**event, "points": "all"} if has else None
        share = asked * has // had
        return {**event, "points": _points(share)} if share else None

    def _withdraw(self, event: dict[str, Any]) -> dict[str, Any] | None:
        wallet = self.trial.state.ledger.balance(accounts.wallet(event["member"]), CNY)
        amount = int(Decimal(event["amount"]) * 100)
        if amount <= wallet:
            return event
        self.adjusted += 1
        fee = int(Decimal(event.get("fee", "0")) * 100) * wallet // amount
        if wallet <= 0 or fee >= wallet:
            return None
        return {**event, "amount": _fen(wallet), "fee": _fen(fee)}


def _keep(event: Mapping[str, Any]) -> dict[str, Any]:
    return {key: event[key] for key in ("type", "id", "at") if key in event}


def _dump(event: Mapping[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, sort_keys=True)


def backtest(
    lines: Iterable[str],
    live: TenantConfig,
    proposed: TenantConfig,
    top: int = 10,
    kept: Callable[[], Kept] = MemoryKept,
) -> tuple[Backtest, dict[tuple[str, str], int]]:
    """Run the history as recorded and under the proposal; the comparison, and the
    recorded run's balances (for the caller to hold against the live ones). `kept` makes
    each run's store of applied lines (engine/replay.py)."""
    plan = _Plan(live, proposed)
    live_tally, trial_tally = _Tally(), _Tally()
    baseline = Replay(TenantConfig(timezone=live.timezone), live_tally, kept())
    trial = Replay(TenantConfig(timezone=proposed.timezone), trial_tally, kept())
    skipped: list[Skipped] = []
    events = 0
    try:
        for number, event in enumerate(plan.prelude(), start=1):
            trial.feed(-number, _dump(event))
        runner = _Trial(plan, baseline, trial)
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            events += 1
            event = loads_strict(text)
            changed = runner.transform(event)
            baseline.feed(number, text)
            if event.get("type") == "day_part":
                continue  # the trial runs each day at once: the proposal may change its parts
            if changed is None:
                skipped.append(Skipped(line=number, event=event["id"], reason="nothing left"))
                continue
            try:
                trial.feed(number, text if changed is event else _dump(changed))
            except ReplayError as error:
                skipped.append(Skipped(line=number, event=event["id"], reason=str(error.error)))
    finally:
        baseline.close()
        trial.close()
    result = _compare(baseline, trial, live_tally, trial_tally, top)
    result.events = events
    result.changes = plan.changes
    result.adjusted = runner.adjusted
    result.skipped = len(skipped)
    result.skipped_events = skipped[:20]
    assert isinstance(baseline.state.ledger, MemoryLedger)
    return result, dict(baseline.state.ledger.balances)


def _modes_owed(run: Replay) -> tuple[int, int]:
    """What the companion modes still owe (points at 1 yuan), and their reserves."""
    found = liabilities(run.state.ledger, run.state.modes.zones())
    return sum(one.owed for one in found), sum(one.reserve for one in found)


def _compare(
    baseline: Replay, trial: Replay, live_tally: _Tally, trial_tally: _Tally, top: int
) -> Backtest:
    live_ledger, trial_ledger = baseline.state.ledger, trial.state.ledger
    assert isinstance(live_ledger, MemoryLedger) and isinstance(trial_ledger, MemoryLedger)
    live_pools, trial_pools = memory_pools(baseline.state), memory_pools(trial.state)
    pools = []
    buyback = [0, 0]
    for name in sorted(set(live_pools) | set(trial_pools)):
        figures = []
        for n, (found, ledger) in enumerate(
            ((live_pools.get(name), live_ledger), (trial_pools.get(name), trial_ledger))
        ):
            if found is None:
                figures.append((0, 0, Fraction(0), 0))
                continue
            cash, points = balance_and_points(found, ledger)
            cost = buyback_cost(found, ledger)
            buyback[n] += cost
            figures.append((cash, points, price(found, ledger).fraction, cost))
        (b0, s0, p0, c0), (b1, s1, p1, c1) = figures
        pools.append(
            PoolComparison(
                pool=name,
                balance=_compared(b0, b1),
                points=_compared(s0, s1, _points),
                price=_compared_prices(p0, p1),
                buyback_cost=_compared(c0, c1),
            )
        )
    owed = [_owed(live_ledger), _owed(trial_ledger)]
    totals: dict[str, Compared] = {
        "payouts": _compared(sum(live_tally.received.values()), sum(trial_tally.received.values())),
    }
    for kind in sorted(set(live_tally.by_kind) | set(trial_tally.by_kind)):
        totals[f"payouts.{kind}"] = _compared(
            live_tally.by_kind.get(kind, 0), trial_tally.by_kind.get(kind, 0)
        )
    totals["exits"] = _compared(
        sum(live_tally.exits.values()), sum(trial_tally.exits.values()), str
    )
    totals["owed_to_members"] = _compared(owed[0][0], owed[1][0])
    totals["contribution_outstanding"] = _compared(owed[0][1], owed[1][1])
    totals["points_buyback"] = _compared(buyback[0], buyback[1])
    modes = [_modes_owed(baseline), _modes_owed(trial)]
    totals["modes_owed"] = _compared(modes[0][0], modes[1][0])
    totals["modes_reserve"] = _compared(modes[0][1], modes[1][1])
    totals["liabilities"] = _compared(
        owed[0][0] + owed[0][1] + buyback[0] + modes[0][0],
        owed[1][0] + owed[1][1] + buyback[1] + modes[1][0],
    )
    totals["platform_profit"] = _compared(
        live_ledger.balance(accounts.PROFIT, CNY), trial_ledger.balance(accounts.PROFIT, CNY)
    )
    before = _member_figures(baseline, live_tally)
    after = _member_figures(trial, trial_tally)
    effects = []
    for member in set(before) | set(after):
        r0, v0, e0 = before.get(member, (0, 0, 0))
        r1, v1, e1 = after.get(member, (0, 0, 0))
        if (r0, v0, e0) == (r1, v1, e1):
            continue
        effects.append(
            (
                -abs((r1 + v1) - (r0 + v0)),
                member,
                MemberEffect(
                    member=member,
                    received=_compared(r0, r1),
                    points_value=_compared(v0, v1),
                    value=_compared(r0 + v0, r1 + v1),
                    exits=_compared(e0, e1, str),
                ),
            )
        )
    effects.sort(key=lambda one: (one[0], one[1]))
    return Backtest(
        events=0,
        changes=[],
        adjusted=0,
        skipped=0,
        skipped_events=[],
        pools=pools,
        totals=totals,
        members_changed=len(effects),
        members=[one[2] for one in effects[:top]],
    )
