"""The state of an in-memory tenant as plain data (JSON-ready), and its self-check.

Keys and members come out sorted, so the same state always prints the same bytes.
"""

from __future__ import annotations

from typing import Any

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor, percent
from zengzhi.core.ledger import CNY, MemoryLedger, format_amount, totals_by_asset
from zengzhi.engine.positions import MemoryPositions
from zengzhi.engine.state import MemoryMembers, TenantState
from zengzhi.rules.distribution import CONTRIBUTION
from zengzhi.rules.modes import zone
from zengzhi.rules.pool import DEFAULT_POOL, PoolState, Position, balance_and_points, price


def _memory(state: TenantState) -> tuple[MemoryLedger, MemoryMembers, dict[str, PoolState]]:
    if (
        not isinstance(state.ledger, MemoryLedger)
        or not isinstance(state.members, MemoryMembers)
        or not isinstance(state.pools, dict)
    ):
        raise TypeError("a snapshot reads an in-memory tenant")
    return state.ledger, state.members, state.pools


def memory_pools(state: TenantState) -> dict[str, PoolState]:
    """The pools of an in-memory tenant, by id in order."""
    pools = _memory(state)[2]
    return {name: pools[name] for name in sorted(pools)}


def positions_of(pool: PoolState) -> MemoryPositions:
    if not isinstance(pool.positions, MemoryPositions):
        raise TypeError("a snapshot reads in-memory positions")
    return pool.positions


def pool_summary(pool: PoolState, state: TenantState) -> dict[str, Any]:
    cash, points = balance_and_points(pool, state.ledger)
    return {
        "balance": format_minor(cash, 2),
        "points": format_minor(points, 4),
        "price": str(price(pool, state.ledger)),
        "positions": len(positions_of(pool)),
        "params": pool.params.as_text(),
    }


def _position(position: Position | None) -> dict[str, str]:
    if position is None:
        return {"points": "0.0000", "principal": "0.00", "realized": "0.00"}
    return {
        "points": format_minor(position.points, 4),
        "principal": format_minor(position.principal, 2),
        "realized": format_minor(position.realized, 2),
    }


def snapshot(state: TenantState) -> dict[str, Any]:
    ledger, members, _ = _memory(state)
    pools = memory_pools(state)
    default = pools.get(DEFAULT_POOL) or next(iter(pools.values()))
    out_members: dict[str, Any] = {}
    for member in sorted(members):
        row: dict[str, Any] = {
            "wallet": format_minor(ledger.balance(accounts.wallet(member), CNY), 2),
            "debt": format_minor(-ledger.balance(accounts.debt(member), CNY), 2),
            **_position(default.positions.get(member)),
        }
        others = {
            name: _position(found)
            for name, pool in pools.items()
            if pool is not default and (found := pool.positions.get(member)) is not None
        }
        if others:
            row["positions"] = others
        # contribution (贡献分) and what a reversal left owing in it, where a member has any
        # (logs without contribution rewards print what they always printed)
        for key, account, sign in (
            ("contribution", accounts.contribution(member), 1),
            ("contribution_debt", accounts.debt(member), -1),
        ):
            held = sign * ledger.balance(account, CONTRIBUTION)
            if held:
                row[key] = format_minor(held, 2)
        out_members[member] = row
    result: dict[str, Any] = {
        "pool": {"id": default.id, **pool_summary(default, state)},
        "pools": {name: pool_summary(pool, state) for name, pool in pools.items()},
        "members": out_members,
        "ledger": {
            "entries": ledger.entries_posted,
            "totals": {
                asset: format_amount(total, asset)
                for asset, total in sorted(totals_by_asset(ledger.balances).items())
            },
        },
    }
    owed = zone.liabilities(ledger, state.modes.zones())
    if owed:  # only with companion modes: older logs print what they always printed
        result["modes"] = [
            {
                "zone": one.zone,
                "mode": one.mode,
                "owed": format_minor(one.owed, 2),
                "reserve": format_minor(one.reserve, 2),
                "coverage": percent(one.coverage) if one.coverage is not None else None,
                "backed": one.backed,
                "receivable": format_minor(one.receivable, 2),
            }
            for one in owed
        ]
    return result


# Where money enters and leaves the books: every other CNY account holds what is inside.
MONEY_IN = {
    "customers": accounts.CUSTOMERS,
    "operator": accounts.FUNDING,
    "payments": accounts.PAYMENTS_IN,
    "third_parties": accounts.THIRD_PARTIES,  # advertisers' income into mode reserves
}
MONEY_OUT = {"bank": accounts.BANK}


def _held_as(account: str) -> str:
    if account.startswith("pool:"):
        return "pools"
    if account.startswith("mode:"):
        return "mode_reserves"
    if account.startswith("merchant:"):
        return "merchants"
    if account.startswith("member:"):
        if ":owes:" in account:
            return "receivables"
        kind = account.rsplit(":", 1)[1]
        return {"wallet": "wallets", "debt": "debts"}.get(kind, kind)
    return "platform"


HELD = ("pools", "mode_reserves", "merchants", "platform", "wallets", "withdrawing")


def money_totals(ledger: MemoryLedger, debts_opened: int) -> dict[str, Any]:
    """Every yuan from the balances alone, so that anyone can check conservation from a
    replay's output: money in, by source, equals money out plus money held; the members'
    debts equal the receivables they are owed as (they cancel in what is held); debts
    opened = settled + open; and what reversals cost the platform, with what is owed back.
    `debts_opened` is counted as entries are posted (a balance keeps only what is open)."""
    taken_in = {name: -ledger.balance(account, CNY) for name, account in MONEY_IN.items()}
    taken_out = {name: ledger.balance(account, CNY) for name, account in MONEY_OUT.items()}
    outside = set(MONEY_IN.values()) | set(MONEY_OUT.values())
    held = dict.fromkeys((*HELD, "debts", "receivables"), 0)
    for (account, asset), amount in ledger.balances.items():
        if asset == CNY and account not in outside and amount:
            group = _held_as(account)
            held[group] = held.get(group, 0) + amount
    open_debts = -held["debts"]

    def text(figures: dict[str, int]) -> dict[str, str]:
        return {name: format_minor(value, 2) for name, value in sorted(figures.items())} | {
            "all": format_minor(sum(figures.values()), 2)
        }

    return {
        "money_in": text(taken_in),
        "money_out": text(taken_out),
        "held": text(held),
        "debts": {
            "opened": format_minor(debts_opened, 2),
            "settled": format_minor(debts_opened - open_debts, 2),
            "open": format_minor(open_debts, 2),
        },
        "reversal_cost": {
            "borne": format_minor(-ledger.balance(accounts.REVERSALS, CNY), 2),
            "owed_back": format_minor(ledger.owed_to(accounts.REVERSALS), 2),
        },
    }


def buyback_cost(pool: PoolState, ledger: MemoryLedger) -> int:
    """Fen the pool would pay if every position sold all its points at today's price."""
    cash, points = balance_and_points(pool, ledger)
    if points == 0:
        return 0
    fee = pool.params.sell_fee
    return sum(fee.complement_floor(p.points * cash // points) for p in positions_of(pool))


def check(state: TenantState) -> list[str]:
    """Invariants of an in-memory tenant, as a list of what is wrong (empty when sound):
    every asset sums to zero, pools are never negative and can buy back all their
    points at the sale rate, and each position's points are its ledger holdings."""
    ledger, _, pools = _memory(state)
    problems = [
        f"{asset} balances sum to {format_amount(total, asset)}, not 0"
        for asset, total in totals_by_asset(ledger.balances).items()
        if total
    ]
    for pool in pools.values():
        cash, points = balance_and_points(pool, ledger)
        if cash < 0:
            problems.append(f"pool {pool.id}: negative balance {format_minor(cash, 2)}")
        if points > 0 and buyback_cost(pool, ledger) > cash:
            problems.append(f"pool {pool.id}: cannot buy back its points at the sale rate")
        held = 0
        for position in positions_of(pool):
            balance = ledger.balance(accounts.holdings(position.member, pool.id), pool.asset)
            if balance != position.points:
                problems.append(
                    f"pool {pool.id}: {position.member} position has "
                    f"{format_minor(position.points, 4)} points, holdings say "
                    f"{format_minor(balance, 4)}"
                )
            if (
                position.lots is not None
                and sum(lot.held for lot in position.lots) != position.points
            ):
                problems.append(f"pool {pool.id}: {position.member}'s lots are not its points")
            held += position.points
        if held != points:
            problems.append(
                f"pool {pool.id}: positions hold {format_minor(held, 4)} points, "
                f"{format_minor(points, 4)} circulate"
            )
    problems += zone.problems(ledger, state.modes, state.modes.zones())
    owing: dict[str, int] = {}
    for (account, asset), amount in ledger.balances.items():
        if amount < 0 and account.startswith("member:") and not account.endswith(":debt"):
            problems.append(f"{account} {asset} is negative: {format_amount(amount, asset)}")
        member, mark, _ = account.removeprefix("member:").partition(":owes:")
        if mark and asset == CNY:
            owing[member] = owing.get(member, 0) + amount
        elif account.endswith(":debt") and asset == CNY and account.startswith("member:"):
            owing[account[7:-5]] = owing.get(account[7:-5], 0) + amount
    problems += [
        f"member {member}: its debt and what it owes its creditors differ by {format_minor(gap, 2)}"
        for member, gap in owing.items()
        if gap
    ]
    return problems + contribution_problems(ledger)


def contribution_problems(ledger: MemoryLedger) -> list[str]:
    """The contribution reserve holds exactly the contribution balances members hold (a
    contribution debt is fronted by the platform's reversal costs, not the reserve); what
    is issued is what members hold less what they owe; nobody holds and owes at once."""
    held: dict[str, int] = {}
    owed: dict[str, int] = {}
    for (account, asset), amount in ledger.balances.items():
        if asset != CONTRIBUTION or not account.startswith("member:") or not amount:
            continue
        member, _, kind = account[7:].rpartition(":")
        if kind == "contribution":
            held[member] = amount
        elif kind == "debt":
            owed[member] = amount
    problems = []
    reserve = ledger.balance(accounts.CONTRIBUTION_RESERVE, CNY)
    if reserve != sum(held.values()):
        problems.append(
            f"the contribution reserve holds {format_minor(reserve, 2)}, members hold"
            f" {format_minor(sum(held.values()), 2)}"
        )
    issued = -ledger.balance(accounts.CONTRIBUTION_ISSUED, CONTRIBUTION)
    if issued != sum(held.values()) + sum(owed.values()):
        problems.append(f"contribution issued {format_minor(issued, 2)} is not what members hold")
    problems += [
        f"member {member} holds contribution and owes it at once"
        for member in sorted(held.keys() & owed.keys())
    ]
    return problems
