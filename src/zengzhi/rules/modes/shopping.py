"""G. Shopping points as payment (积分抵扣 / 零成本营销, seed 000).

Buying in a zone that gives shopping points earns `gift` points per yuan (seed: double,
1,000 spent → 2,000 points), recorded with the store that gave them. In a zone that takes
them, points pay at most `max_share` of the price (seed: 50%), at 1 point = 1 yuan, the
platform granting the discount; and the platform rebates the stores whose points were
spent `rebate` of the cash paid alongside them (seed: 20%), in proportion to the points
each gave — the merchant's commission comes back. Points are the tenant's, whatever
zone gave them, and are spent oldest first.

In the service an order's points are spoken for from its creation; the refund of the
order that gave them may take them back before the order completes. The order then
completes all the same, its points that are gone paid in cash (`spend`): the member
returned the gift, so the discount it paid for is the member's to pay, as when the gift
is refunded after the points were spent (its value taken back). The engine lets an
order's points fall short only by what refunds took back unspent (`TAKEN_BACK`), so a
log that spends points no one ever held is still refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, Ratio, format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.ledger import CNY, Ledger, entry
from zengzhi.rules import wallet
from zengzhi.rules.modes.common import (
    NO_TERMS,
    SHOPPING_ZONE,
    UNITS_PER_FEN,
    ClaimBook,
    Effect,
    Run,
    Terms,
    asset,
    fen_text,
    scaled,
)

MODE = "shopping"
RULE = "modes.shopping"
# a member's counter: the points refunds took back unspent, which an order that spoke
# for them before may still pay in cash (less what such orders have paid so)
TAKEN_BACK = "taken_back"


@dataclass(frozen=True)
class ShoppingParams:
    gift: Ratio | None = None  # points per yuan bought in this zone
    max_share: Ratio | None = None  # of a price payable in points in this zone
    rebate: Ratio = Ratio("0")  # of the cash paid alongside points, to the stores that gave them
    terms: Terms = NO_TERMS


def balance(ledger: Ledger, member: str) -> int:
    return ledger.balance(
        accounts.mode_holding(member, SHOPPING_ZONE, MODE), asset(SHOPPING_ZONE, MODE)
    )


def purchase(
    run: Run,
    zone: str,
    params: ShoppingParams,
    member: str,
    amount: int,
    store: str | None,
    boost: Ratio | None,
) -> None:
    if params.gift is None:
        return
    units = scaled(params.gift, amount * UNITS_PER_FEN)
    if boost is not None:
        units = scaled(boost, units)
    run.issue(
        SHOPPING_ZONE,
        MODE,
        member,
        units,
        RULE,
        {
            "earned_in": zone,
            "gift": params.gift.text,
            "base": fen_text(amount),
            "store": store or "",
        },
        ref=store or "",
        kind="shopping_points",
    )


def check(
    ledger: Ledger,
    member: str,
    points: int,
    takers: list[tuple[str, ShoppingParams, int]],
    promised: int = 0,
    book: ClaimBook | None = None,
) -> None:
    """Refuse to pay `points` in an order whose lines take (zone, params, amount): the
    points must be whole fen, within each zone's cap, and held beyond the `promised`
    ones other orders will spend; or, at completion (`book` given), held but for what
    refunds took back unspent (the order spoke for them before: module docstring)."""
    if points <= 0:
        return
    if points % UNITS_PER_FEN:
        raise invalid("shopping_points", "must be a whole number of fen (2 places)")
    cap = sum(
        scaled(params.max_share, amount) * UNITS_PER_FEN
        for _, params, amount in takers
        if params.max_share is not None
    )
    if not cap:
        raise invalid("shopping_points", "no line of the order is in a zone that takes them")
    if points > cap:
        raise invalid(
            "shopping_points",
            f"at most {format_minor(cap, POINTS_SCALE)} points can pay for this order",
        )
    held = balance(ledger, member)
    if points > held - promised and (book is None or points > held + taken_back(book, member)):
        spoken_for = f", {format_minor(promised, POINTS_SCALE)} of them for open orders"
        raise DomainError(
            ErrorCode.INSUFFICIENT,
            f"{member} holds {format_minor(held, POINTS_SCALE)} shopping points"
            + (spoken_for if promised else ""),
            "shopping_points",
        )


def spend(
    run: Run, member: str, points: int, takers: list[tuple[str, ShoppingParams, int]]
) -> None:
    """Pay `points` (checked) zone by zone up to each cap, and rebate the stores; what
    the member no longer holds (a refund took it back since the order spoke for it) is
    paid in cash first, and the rest in points."""
    short = _short(run, member, points)
    left = points - short
    for zone, params, amount in takers:
        if params.max_share is None or left <= 0:
            continue
        used = min(left, scaled(params.max_share, amount) * UNITS_PER_FEN)
        left -= used
        code = asset(SHOPPING_ZONE, MODE)
        run.ledger.post(
            entry(
                run.cause,
                "shopping_spent",
                RULE,
                [
                    (accounts.mode_holding(member, SHOPPING_ZONE, MODE), code, -used),
                    (accounts.mode_issued(SHOPPING_ZONE, MODE), code, used),
                ],
                {"zone": zone, "member": member, "points": format_minor(used, POINTS_SCALE)},
            )
        )
        by_store: dict[str, int] = {}
        for claim, part in run.take(SHOPPING_ZONE, MODE, member, used):
            # the gift spent from: a reversal gives the points back to it (or, if the
            # gift was reversed meanwhile and took their value back, that value)
            spent = Effect("spent", SHOPPING_ZONE, MODE, member, part, claim.seq, claim.ref)
            run.effects.append(spent)
            by_store[claim.ref] = by_store.get(claim.ref, 0) + part
        cash = amount - used // UNITS_PER_FEN
        rebate = scaled(params.rebate, cash)
        for store, part in by_store.items():
            fen = rebate * part // used
            if not store or fen <= 0:
                continue  # points the platform gave earn no one a rebate
            run.ledger.post(
                entry(
                    run.cause,
                    "merchant_rebate",
                    RULE,
                    [(accounts.PROFIT, CNY, -fen), (accounts.merchant(store), CNY, fen)],
                    {
                        "store": store,
                        "rate": params.rebate.text,
                        "cash": fen_text(cash),
                        "points": format_minor(part, POINTS_SCALE),
                    },
                )
            )
            run.effects.append(Effect("rebate", zone, MODE, "", fen, ref=store))


def taken_back(book: ClaimBook, member: str) -> int:
    return book.counter(SHOPPING_ZONE, TAKEN_BACK, member)


def took_back(book: ClaimBook, member: str, units: int) -> None:
    """A refund took back `units` of the member's points unspent: a gift's, or an order's
    that paid them in cash (its cash given back)."""
    if units:
        book.set_counter(SHOPPING_ZONE, TAKEN_BACK, member, taken_back(book, member) + units)


def _short(run: Run, member: str, points: int) -> int:
    """The part of `points` the member no longer holds, in whole fen, paid now in cash
    (from the wallet, the rest owed) to the platform's discounts, which had paid it."""
    held = max(0, balance(run.ledger, member))
    if points <= held:
        return 0
    short = -(-(points - held) // UNITS_PER_FEN) * UNITS_PER_FEN
    fen = short // UNITS_PER_FEN
    run.ledger.post(
        entry(
            run.cause,
            "shopping_short",
            RULE,
            wallet.take(run.ledger, member, fen, accounts.SHOPPING_DISCOUNTS),
            {"member": member, "points": format_minor(short, POINTS_SCALE), "paid": fen_text(fen)},
        )
    )
    took_back(run.book, member, -short)
    run.effects.append(Effect("short", SHOPPING_ZONE, MODE, member, short))
    return short
