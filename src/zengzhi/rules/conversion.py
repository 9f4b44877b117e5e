"""The operator's conversion of contribution balances (贡献分 / 财务宝, seed 002 三.2):
into cash, shares (股权, a dividend weight) or appreciation points, at a stated rate.

A contribution balance is backed fen for fen by the contribution reserve (distribution
pays its money there as it issues the balance). Converting retires the balance and
spends its backing:

- cash: the wallet gets `rate × balance` (rounded down, paid debt first); what the
  reserve held beyond it is the platform's profit, what it falls short is funded;
- shares: `rate` shares a yuan (seed 004: 1 share per 2000 yuan is 0.0005), to 4 places
  rounded down; the backing is the platform's (it issued equity for it);
- points: `rate × balance` enters the pool as a contribution and mints points at the
  pool's price, the balance being the position's principal; the rest is profit.

Each member's conversion is one entry naming the operator's reason and the rate. A cash
or shares conversion also notes, in a memo (asset CONVERTED, `member:<id>:converted_…`),
what the balance became, so that a reversal of an order whose reward was converted takes
back what the reward became (distribution.take_back; docs/distribution.md).
"""

from __future__ import annotations

from typing import NamedTuple

from zengzhi.core import accounts
from zengzhi.core.amounts import LARGEST, POINTS_SCALE, YUAN_SCALE, Ratio, format_minor
from zengzhi.core.errors import invalid
from zengzhi.core.ledger import CNY, Ledger, Posting, entry
from zengzhi.rules import pool, wallet
from zengzhi.rules.distribution import CONTRIBUTION, CONVERTED, SHARES
from zengzhi.rules.pool import PoolState

RULE = "conversion"
INTO = ("cash", "shares", "points")


def check(into: str, rate: Ratio, target: PoolState | None) -> None:
    """Refuse a conversion the rule cannot book, naming the field."""
    if into not in INTO:
        raise invalid("into", f"must be one of {', '.join(INTO)}")
    if rate.fraction <= 0:
        raise invalid("rate", "must be greater than 0")
    if into == "points":
        if target is None:
            raise invalid("pool", "converting into points needs a pool")
        if rate.fraction > 1:
            raise invalid("rate", "into points at most 1: the pool gets what the balance held")
        if not target.params.minting_enabled:
            raise invalid("pool", f"minting is paused in pool {target.id!r}")
    elif target is not None:
        raise invalid("pool", "only a conversion into points names a pool")


def check_amount(ledger: Ledger, member: str, into: str, rate: Ratio) -> None:
    """Refuse a rate that would give `member` a trillion yuan (or shares) or more: no
    amount is that large (core/amounts.py), and the database's columns would overflow.
    The engine checks every member before it converts any: a refusal changes nothing."""
    held = ledger.balance(accounts.contribution(member), CONTRIBUTION)
    if held <= 0:
        return
    if into == "shares":
        given, limit = rate.num * held * 10 ** (POINTS_SCALE - YUAN_SCALE) // rate.den, 4
    else:
        given, limit = rate.num * held // rate.den, YUAN_SCALE
    if given >= LARGEST * 10**limit:
        raise invalid(
            "rate",
            f"converts the {format_minor(held, YUAN_SCALE)} balance of {member!r} into"
            f" {format_minor(given, limit)}: no amount may be a trillion or more",
        )


class Converted(NamedTuple):
    """What a conversion did for one member: the fen of contribution retired, and, into
    points, the fen that landed in the pool and the points it minted there."""

    held: int
    contribution: int = 0
    points: int = 0


def convert(
    ledger: Ledger,
    cause: str,
    member: str,
    into: str,
    rate: Ratio,
    reason: str,
    target: PoolState | None = None,
) -> Converted:
    """Retire the member's whole contribution balance into `into`; returns what it did
    (nothing held: nothing booked, 0 retired)."""
    held = ledger.balance(accounts.contribution(member), CONTRIBUTION)
    if held <= 0:
        return Converted(0)
    retire: list[Posting] = [
        (accounts.contribution(member), CONTRIBUTION, -held),
        (accounts.CONTRIBUTION_ISSUED, CONTRIBUTION, held),
    ]
    params = {
        "member": member,
        "into": into,
        "rate": rate.text,
        "balance": format_minor(held, YUAN_SCALE),
        "reason": reason,
    }
    if into == "points":
        assert target is not None  # check() refused it
        contribution = rate.num * held // rate.den
        # the mint draws on contributions on their way to pools, which this entry fills
        minted = 0
        if contribution:
            minted, _ = pool.mint(target, ledger, cause, member, held, contribution)
        ledger.post(
            entry(
                cause,
                "conversion",
                RULE,
                [
                    *retire,
                    (accounts.CONTRIBUTION_RESERVE, CNY, -held),
                    (accounts.CONTRIBUTIONS, CNY, contribution),
                    (accounts.PROFIT, CNY, held - contribution),
                ],
                params
                | {
                    "contribution": format_minor(contribution, YUAN_SCALE),
                    "points": format_minor(minted, POINTS_SCALE),
                },
            )
        )
        return Converted(held, contribution, minted)
    if into == "shares":
        # fen × (shares a yuan) × 10^4 / 100: shares in their 4-place minor units
        units = rate.num * held * 10 ** (POINTS_SCALE - YUAN_SCALE) // rate.den
        postings = [
            *retire,
            (accounts.CONTRIBUTION_RESERVE, CNY, -held),
            (accounts.PROFIT, CNY, held),
            (accounts.SHARES_ISSUED, SHARES, -units),
            (accounts.shares(member), SHARES, units),
            *_memo(member, "shares", held),
            (accounts.converted(member, "shares"), SHARES, units),
            (accounts.CONVERTED_MEMO, SHARES, -units),
        ]
        ledger.post(entry(cause, "conversion", RULE, postings, params | {"shares": _shares(units)}))
        return Converted(held)
    paid = rate.num * held // rate.den
    left = held - paid  # < 0: the platform funds what the rate adds
    postings = [
        *retire,
        (accounts.CONTRIBUTION_RESERVE, CNY, -left),
        (accounts.PROFIT if left > 0 else accounts.FUNDING, CNY, left),
        *wallet.credit(ledger, member, paid, accounts.CONTRIBUTION_RESERVE),
        *_memo(member, "cash", held),
        (accounts.converted_paid(member), CONVERTED, paid),
        (accounts.CONVERTED_MEMO, CONVERTED, -paid),
    ]
    ledger.post(
        entry(cause, "conversion", RULE, postings, params | {"paid": format_minor(paid, 2)})
    )
    return Converted(held)


def _memo(member: str, into: str, fen: int) -> list[Posting]:
    """The memo of what `fen` of the member's contribution became (not money: its own
    asset, balanced by the platform's side)."""
    return [
        (accounts.converted(member, into), CONVERTED, fen),
        (accounts.CONVERTED_MEMO, CONVERTED, -fen),
    ]


def _shares(units: int) -> str:
    return format_minor(units, POINTS_SCALE)
