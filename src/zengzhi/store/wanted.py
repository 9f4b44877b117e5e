"""What the commands of a group will look up, so each store reads those rows in one
statement at the first one asked for, not in one statement each.

A group (service/sequencer.py) runs hundreds of orders' commands in one transaction, and
each asks for its own order (locked), whether its member exists, and its member's
position: one round trip each, one after the other, while the whole tenant's line
waits. The sequencer names the group's order ids and members here before it runs them;
`store/orders.Orders`, `records.SqlMembers` and `pools.SqlPositions` then read them all
at their first miss. Each store reads at the same moment it would have read one row
(positions only after the pool's row is locked, orders with their lock), so what it
gets is as fresh as before; a row nobody asks for after all was read for nothing. On
PostgreSQL a few orders' members come with the orders' locked read, a moment earlier in
the same transaction: members are never removed, so it finds the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Wanted:
    orders: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    # the pools the group's orders name (given, or read with the orders): `pools.SqlPools`
    # locks them all, in pool order, at the first pool a command asks for, so that two
    # groups whose commands go to the same pools in other orders lock them in one
    # (docs/service.md, "Lock order")
    pools: set[str] = field(default_factory=set)
    zones: set[str] = field(default_factory=set)  # the same for zones, after the pools

    @classmethod
    def of(
        cls,
        orders: tuple[str, ...] = (),
        members: tuple[str, ...] = (),
        pools: tuple[str, ...] = (),
    ) -> Wanted:
        return cls(set(orders), set(members), set(pools))

    def add(self, other: Wanted) -> None:
        self.orders |= other.orders
        self.members |= other.members
        self.pools |= other.pools
        self.zones |= other.zones
