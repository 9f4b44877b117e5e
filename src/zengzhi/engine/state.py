"""What the engine reads and changes for one tenant: the ledger and each rule's state.

Every piece is behind a small protocol so that the same rules run over memory (replay,
simulation, tests) and over SQL (the service, which loads only what a command touches).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, Protocol

from zengzhi.core.events import CompleteOrder
from zengzhi.core.ledger import Ledger
from zengzhi.engine.claims import MemoryModes
from zengzhi.engine.network import MemoryAgents, MemoryDistribution, MemoryNetwork
from zengzhi.engine.positions import MemoryPositions
from zengzhi.rules.distribution import AgentBook, DistributionParams, Network, Paid
from zengzhi.rules.modes.common import Effect
from zengzhi.rules.modes.zone import ModeBook
from zengzhi.rules.pool import PoolParams, PoolState
from zengzhi.rules.withdrawals import Withdrawal, WithdrawalBook


class Minted(NamedTuple):
    """What an order gave in one pool, kept so that a reversal can undo it."""

    pool: str
    amount: int  # the amount of its lines that fed the pool: the principal it staked
    points: int  # units minted
    opened: int | None  # the position that received them (None: it minted nothing)
    paid_before: int = 0  # fen the pool had paid the member until then (a debt's bound)


class OrderRecord(NamedTuple):
    order: CompleteOrder
    minted: tuple[Minted, ...]
    reversed_by: str | None = None
    rewards: tuple[Paid, ...] = ()
    modes: tuple[Effect, ...] = ()  # what it did in the companion modes
    # whose team performance it grew, nearest first; None in a record kept before
    # orders named them (a reversal then takes it from the uplines it finds)
    grew: tuple[str, ...] | None = ()


class OrderBook(Protocol):
    def get(self, order_id: str) -> OrderRecord | None: ...

    def put(self, record: OrderRecord) -> None: ...


class PoolBook(Protocol):
    def get(self, pool_id: str, /) -> PoolState | None: ...

    def open(self, pool_id: str, params: PoolParams) -> PoolState: ...


def memory_pool(pool_id: str, params: PoolParams) -> PoolState:
    return PoolState(pool_id, params, MemoryPositions(params.exit_multiple))


class MemoryPools(dict[str, PoolState]):
    def open(self, pool_id: str, params: PoolParams) -> PoolState:
        self[pool_id] = memory_pool(pool_id, params)
        return self[pool_id]


class MemberBook(Protocol):
    def __contains__(self, member: object) -> bool: ...

    def add(self, member: str) -> None: ...


class MemoryOrders:
    def __init__(self) -> None:
        self._records: dict[str, OrderRecord] = {}

    def get(self, order_id: str) -> OrderRecord | None:
        return self._records.get(order_id)

    def put(self, record: OrderRecord) -> None:
        self._records[record.order.id] = record


class MemoryWithdrawals:
    def __init__(self) -> None:
        self._withdrawals: dict[str, Withdrawal] = {}

    def get(self, withdrawal_id: str) -> Withdrawal | None:
        return self._withdrawals.get(withdrawal_id)

    def put(self, withdrawal: Withdrawal) -> None:
        self._withdrawals[withdrawal.id] = withdrawal


class MemoryMembers(dict[str, None]):
    """Members in the order they joined (a dict keeps it). The dict itself, so that `in`
    and `add` (setdefault, whose default is None) run as the dict's own methods, with no
    Python call: every order and sale asks."""

    add = dict.setdefault


class DistributionBook(Protocol):
    """The distribution settings in force and completed turnover by day."""

    @property
    def params(self) -> DistributionParams | None: ...

    def configure(self, settings: Mapping[str, object], params: DistributionParams) -> None: ...

    def add_turnover(self, day: date, amount: int) -> None: ...

    def turnover(self, start: date, end: date) -> int: ...


@dataclass
class TenantState:
    ledger: Ledger
    pools: PoolBook
    members: MemberBook = field(default_factory=MemoryMembers)
    orders: OrderBook = field(default_factory=MemoryOrders)
    withdrawals: WithdrawalBook = field(default_factory=MemoryWithdrawals)
    network: Network = field(default_factory=MemoryNetwork)
    agents: AgentBook = field(default_factory=MemoryAgents)
    distribution: DistributionBook = field(default_factory=lambda: MemoryDistribution(None))
    modes: ModeBook = field(default_factory=MemoryModes)
