"""G. Shopping points as payment (积分抵扣 / 零成本营销, seed 000).

Buying in a zone that gives shopping points earns `gift` points per yuan (seed: double,
1,000 spent → 2,000 points), recorded with the store that gave them. In a zone that takes
them, points pay at most `max_share` of the price (seed: 50%), at 1 point = 1 yuan, the
platform granting the discount; and the platform rebates the stores whose points were
spent `rebate` of the cash paid alongside them (seed: 20%), in proportion to the points
each gave — the merchant's commission comes back. Points are the tenant's, whatever
zone gave them, and are spent oldest first.

In the service an order's points are checked as it is placed (held, beyond what other
open orders will spend, within the zones' caps) and spoken for until it completes; its
completion says so (`CompleteOrder.points_spoken_for`) and spends them as placed: a cap
lowered or the mode's period ended since do not refuse it, and what the refund of the
order that gave them took back meanwhile is paid in cash (`spend`): the member returned
the gift, so the discount it paid for is the member's to pay, as when the gift is
refunded after its points were spent (their value taken back). An order not so marked
(a log of completed orders) is checked as it completes.
"""

from __future__ import annotations

from dataclasses import dataclass

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, Ratio, format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import CompleteOrder
from zengzhi.core.ledger import CNY, Ledger, entry
from zengzhi.rules import wallet
from zengzhi.rules.modes.common import (
    NO_TERMS,
    SHOPPING_ZONE,
    UNITS_PER_FEN,
    Effect,
    Run,
    Terms,
    asset,
    fen_text,
    scaled,
)

MODE = "shopping"
RULE = "modes.shopping"


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
) -> None:
    """Refuse to pay `points` in an order whose lines take (zone, params, amount): the
    points must be whole fen, within each zone's cap, and held beyond the `promised`
    ones other orders will spend."""
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
    if points > held - promised:
        spoken_for = f", {format_minor(promised, POINTS_SCALE)} of them for open orders"
        raise DomainError(
            ErrorCode.INSUFFICIENT,
            f"{member} holds {format_minor(held, POINTS_SCALE)} shopping points"
            + (spoken_for if promised else ""),
            "shopping_points",
        )


def check_spoken_for(points: int, amount: int) -> None:
    """Refuse points spoken for that no placing could have accepted: a fraction of a
    fen, or more than the order's price (a cap is at most the whole price)."""
    if points % UNITS_PER_FEN:
        raise invalid("shopping_points", "must be a whole number of fen (2 places)")
    if points > amount * UNITS_PER_FEN:
        most = format_minor(amount * UNITS_PER_FEN, POINTS_SCALE)
        raise invalid("shopping_points", f"at most {most} points can pay for this order")


def spend(
    run: Run,
    order: CompleteOrder,
    takers: list[tuple[str, ShoppingParams, int]],
    zones: list[str],
) -> None:
    """Pay the order's points (checked) zone by zone up to each cap, and rebate the
    stores. Points spoken for as the order was placed are spent whole, whatever the
    zones say now (`_shares`); and what of them the member no longer holds (a refund
    took it back) is paid in cash first."""
    member = order.member
    short = _short(run, member, order.shopping_points) if order.points_spoken_for else 0
    for zone, params, amount, placed, used in _shares(order, short, takers, zones):
        by_store: dict[str, int] = {}
        if used:
            _spent(run, member, zone, used, by_store)
        # the cash paid alongside the points placed in the zone, at checkout, in part
        # each store's points (a store whose gift was refunded since gets none of it)
        cash = max(0, amount - placed // UNITS_PER_FEN)
        rebate = scaled(params.rebate, cash)
        for store, part in by_store.items():
            fen = rebate * part // placed
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


def _spent(run: Run, member: str, zone: str, used: int, by_store: dict[str, int]) -> None:
    """Spend `used` of the member's points for the zone's lines, oldest gift first, and
    add what each store gave of them to `by_store`."""
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
    for claim, part in run.take(SHOPPING_ZONE, MODE, member, used):
        # the gift spent from: a reversal gives the points back to it (or, if the gift
        # was reversed meanwhile and took their value back, that value)
        spent = Effect("spent", SHOPPING_ZONE, MODE, member, part, claim.seq, claim.ref)
        run.effects.append(spent)
        by_store[claim.ref] = by_store.get(claim.ref, 0) + part


def _shares(
    order: CompleteOrder,
    short: int,
    takers: list[tuple[str, ShoppingParams, int]],
    zones: list[str],
) -> list[tuple[str, ShoppingParams, int, int, int]]:
    """(zone, params, amount, placed, used): the order's points each zone's lines take,
    up to its cap, and of them what the member still holds (`short` is paid in cash,
    taken from the last zones first). Points spoken for that no cap takes now (lowered
    since, or the mode's period over) go to the first zone that takes them, or to the
    order's first zone with no rebate: they were agreed as it was placed."""
    left, placed = order.shopping_points, list[tuple[str, ShoppingParams, int, int]]()
    for zone, params, amount in takers:
        if params.max_share is None or left <= 0:
            continue
        part = min(left, scaled(params.max_share, amount) * UNITS_PER_FEN)
        placed.append((zone, params, amount, part))
        left -= part
    if left > 0 and order.points_spoken_for:
        if placed:
            zone, params, amount, part = placed[0]
            placed[0] = (zone, params, amount, part + left)
        else:
            placed.append((zones[0] if zones else SHOPPING_ZONE, ShoppingParams(), 0, left))
    shares = list[tuple[str, ShoppingParams, int, int, int]]()
    for zone, params, amount, part in reversed(placed):
        cash = min(short, part)
        short -= cash
        shares.append((zone, params, amount, part, part - cash))
    return shares[::-1]


def _short(run: Run, member: str, points: int) -> int:
    """The part of `points` the member no longer holds (a refund took it back since the
    order spoke for it), in whole fen, paid now in cash (from the wallet, the rest owed)
    to the platform's discounts, which had paid it."""
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
            {"member": member, "points": format_minor(short, POINTS_SCALE), "value": fen_text(fen)},
        )
    )
    run.effects.append(Effect("short", SHOPPING_ZONE, MODE, member, short))
    return short
