"""Replay: run an event log through the engine, in memory, and report the final state.

The lines already applied (to apply a repeated event once, and to find a completed order
again when it is reversed) are kept where the caller says (`Kept`): in a dict, or in the
SQLite spill store (`store/spill.py`) that keeps memory growing with members, not events.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Protocol

from zengzhi.core.amounts import format_minor
from zengzhi.core.days import DEFAULT_TIMEZONE, time_zone
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import CompleteOrder, Event
from zengzhi.core.ledger import CNY, MemoryLedger, may_open_debts
from zengzhi.engine.claims import MemoryModes
from zengzhi.engine.engine import Engine, Outcome
from zengzhi.engine.lines import plain_event
from zengzhi.engine.network import MemoryDistribution
from zengzhi.engine.state import MemoryPools, Minted, OrderRecord, TenantState, memory_pool
from zengzhi.rules.distribution import Paid
from zengzhi.rules.modes.common import Effect
from zengzhi.rules.pool import DEFAULT_POOL, PoolParams

if TYPE_CHECKING:
    from zengzhi.engine.config import TenantConfig


class ReplayError(Exception):
    def __init__(self, line: int, error: DomainError) -> None:
        super().__init__(f"line {line}: {error}")
        self.line = line
        self.error = error


class Kept(Protocol):
    """Where a replay keeps the lines it applied, by event id: to apply a repeated event
    once, and to find a completed order again when it is reversed. `MemoryKept` holds them
    in a dict; the entry points that replay whole histories inject the SQLite spill store
    (`store/spill.py`), so that memory grows with members, not with events."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


class MemoryKept(dict[str, str]):
    """The kept lines in a dict: for short runs (tests, back-tests of a small history).
    The dict itself, its own methods under `Kept`'s names: a replay asks for every line,
    with no Python call."""

    put = dict.__setitem__
    close = dict.clear


def read_event(text: str, config: TenantConfig | None) -> Event:
    """A line as an event: the plain shapes at once, any other through the models, which
    (and the configuration's, for `None`: no configuration) are built at the first line
    that needs them."""
    plain = plain_event(text)
    if plain is not None:
        return plain
    from zengzhi.engine import wire  # noqa: PLC0415  (built at the first such line)

    return wire.read_event(text, config if config is not None else _unconfigured())


@cache
def _unconfigured() -> TenantConfig:
    from zengzhi.engine.config import TenantConfig  # noqa: PLC0415  (start-up)

    return TenantConfig()


_MINTED = "\x1e"  # separates an order's line from what it minted, in the kept text


class _KeptOrders:
    """Completed orders, kept as their event line plus what they minted.

    The engine records an order while applying it, before the replay keeps the line:
    the record waits in `unclaimed` until the replay stores it with the line.
    """

    def __init__(self, store: Kept, config: TenantConfig | None) -> None:
        self._store = store
        self._config = config
        self.unclaimed: str | None = None

    @staticmethod
    def _encode(record: OrderRecord) -> str:
        minted = record.minted
        if (
            len(minted) == 1
            and record.grew == ()
            and not (record.reversed_by or record.rewards or record.modes)
        ):
            # most orders: one pool, nothing else; the text repr() would give, written
            # without building the tuples repr() needs (a tenth of a replay's time)
            pool, amount, points, opened, paid = minted[0]
            return f"(None, (({pool!r}, {amount}, {points}, {opened}, {paid}),), (), (), ())"
        # repr of plain tuples of str, int and None: C-fast, and read back by literal_eval
        return repr(
            (
                record.reversed_by,
                tuple(map(tuple, record.minted)),
                tuple(map(tuple, record.rewards)),
                tuple(map(tuple, record.modes)),
                record.grew,
            )
        )

    def get(self, order_id: str) -> OrderRecord | None:
        kept = self._store.get(order_id)
        if kept is None or _MINTED not in kept:
            return None
        line, tail = kept.split(_MINTED)
        order = read_event(line, self._config)
        assert isinstance(order, CompleteOrder)
        reversed_by, minted, rewards, modes, grew = ast.literal_eval(tail)
        return OrderRecord(
            order,
            tuple(Minted(*one) for one in minted),
            reversed_by,
            tuple(Paid(*one) for one in rewards),
            tuple(Effect(*one) for one in modes),
            grew,
        )

    def put(self, record: OrderRecord) -> None:
        if record.reversed_by is None:
            self.unclaimed = self._encode(record)
            return
        kept = self._store.get(record.order.id)
        assert kept is not None
        self._store.put(record.order.id, kept.split(_MINTED)[0] + _MINTED + self._encode(record))


@dataclass
class Replay:
    """A replay in progress: feed it lines, then read `state`."""

    config: TenantConfig | None  # None: none given, what an empty configuration file says
    on_outcome: Callable[[Outcome], None] | None = None
    kept: Kept = field(default_factory=MemoryKept)
    state: TenantState = field(init=False)
    applied: int = 0
    duplicates: int = 0
    exits: list[dict[str, str]] = field(default_factory=list)
    debts_opened: int = 0  # fen of member debt ever recorded (balances keep what is open)

    def __post_init__(self) -> None:
        self._orders = _KeptOrders(self.kept, self.config)
        config = self.config
        if config is None:  # what TenantConfig() says, without building its models
            pool_params, distribution, modes, zone = (
                {DEFAULT_POOL: PoolParams()},
                None,
                {},
                time_zone(DEFAULT_TIMEZONE),
            )
        else:
            pool_params, distribution = config.pool_params(), config.distribution_params()
            modes, zone = config.zone_modes(), config.time_zone()
        pools = MemoryPools((name, memory_pool(name, one)) for name, one in pool_params.items())
        self.state = TenantState(
            MemoryLedger(),
            pools,
            orders=self._orders,
            distribution=MemoryDistribution(distribution),
            modes=MemoryModes(modes),
        )
        self.engine = Engine(self.state, zone)

    def feed(self, number: int, text: str) -> None:
        """Apply one line; an id seen before with the same content is skipped."""
        text = text.strip()
        if not text:
            return
        try:
            event = read_event(text, self.config)
            seen = self.kept.get(event.id)
            if seen is not None:
                if read_event(seen.split(_MINTED)[0], self.config) == event:
                    self.duplicates += 1
                    return
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"{event.id!r} was already used by an event with other content",
                    "id",
                )
            outcome = self.engine.apply(event)
        except DomainError as error:
            raise ReplayError(number, error) from None
        if self._orders.unclaimed is not None:
            text += _MINTED + self._orders.unclaimed
            self._orders.unclaimed = None
        self.kept.put(event.id, text)
        self.applied += 1
        for one in outcome.entries:
            if may_open_debts(one):
                self.debts_opened -= sum(
                    amount
                    for account, asset, amount in one.postings
                    if amount < 0 and asset == CNY and account.endswith(":debt")
                )
        for done in outcome.exits:
            self.exits.append(
                {
                    "event": event.id,
                    "pool": done.pool,
                    "member": done.member,
                    "price": str(done.price),
                    "payout": format_minor(done.payout, 2),
                }
            )
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def close(self) -> None:
        self.kept.close()


def replay(
    lines: Iterable[str],
    config: TenantConfig | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    kept: Kept | None = None,
) -> Replay:
    """Run every line; raises ReplayError at the first bad one."""
    run = Replay(config, on_outcome, kept if kept is not None else MemoryKept())
    # An event's objects die with it (no reference cycles), while balances and positions
    # live on: the cyclic collector would only walk those again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, text in enumerate(lines, start=1):
            run.feed(number, text)
    finally:
        run.close()
        if collecting:
            gc.enable()
    return run
