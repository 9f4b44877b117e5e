"""Shared test helpers: an in-memory tenant built the way replay builds one."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from zengzhi.core.amounts import Yuan
from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.core.ledger import Entry, MemoryLedger, format_amount
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.rules.pool import PoolParams


class Tenant:
    """An engine over memory that keeps its whole journal, for tests to read and audit."""

    def __init__(self, **pools: PoolParams) -> None:
        self.journal: list[Entry] = []
        pools = pools or {"main": PoolParams()}
        self.state = TenantState(
            MemoryLedger(),
            MemoryPools((name, memory_pool(name, params)) for name, params in pools.items()),
        )
        self.engine = Engine(self.state)
        self._orders = 0

    def apply(self, event: object) -> list[Entry]:
        entries = self.engine.apply(event)  # type: ignore[arg-type]
        self.journal += entries
        return entries

    def order(
        self,
        member: str,
        amount: str,
        contribution: str,
        pool: str = "main",
        order_id: str | None = None,
    ) -> list[Entry]:
        self._orders += 1
        fen, contributed = Yuan(amount).minor, Yuan(contribution).minor
        line = OrderLine(
            amount=fen,
            contribution=contributed,
            platform=fen - contributed,
            pool=pool if contributed else None,
        )
        return self.apply(CompleteOrder(order_id or f"o{self._orders}", member, (line,)))

    def balance(self, account: str, asset: str = "CNY") -> int:
        return self.state.ledger.balance(account, asset)

    def kinds(self, entries: Iterable[Entry] | None = None) -> list[str]:
        return [one.kind for one in (self.journal if entries is None else entries)]


def moved(one: Entry, account: str, asset: str = "CNY") -> str:
    """What an entry moved into an account, printed (e.g. points minted to a member)."""
    total = sum(amount for name, kind, amount in one.postings if name == account and kind == asset)
    return format_amount(total, asset)


@pytest.fixture
def tenant() -> Tenant:
    return Tenant()
