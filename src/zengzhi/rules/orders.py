"""An order's money: booked where it goes when the order completes, undone on reversal.

The customer's payment splits into the merchant's settlement or the cost of goods, the
distribution budget, the platform's profit and the contribution, which waits in a
clearing account until the pool rule moves it into its pool.
"""

from __future__ import annotations

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, YUAN_SCALE, format_minor
from zengzhi.core.events import CompleteOrder
from zengzhi.core.ledger import CNY, Ledger, Posting, entry

RULE = "order"
UNITS_PER_FEN: int = 10 ** (POINTS_SCALE - YUAN_SCALE)  # 100 point units make a fen


def _shares(order: CompleteOrder) -> dict[str, int]:
    cost_account = accounts.merchant(order.store) if order.store else accounts.COST_OF_GOODS
    if len(order.lines) == 1:  # most orders: nothing to add up across lines
        line = order.lines[0]
        return {
            account: amount
            for account, amount in (
                (cost_account, line.cost),
                (accounts.DISTRIBUTION, line.distribution),
                (accounts.PROFIT, line.platform),
                (accounts.CONTRIBUTIONS, line.contribution),
            )
            if amount
        }
    shares: dict[str, int] = {}
    for line in order.lines:
        for account, amount in (
            (cost_account, line.cost),
            (accounts.DISTRIBUTION, line.distribution),
            (accounts.PROFIT, line.platform),
            (accounts.CONTRIBUTIONS, line.contribution),
        ):
            if amount:
                shares[account] = shares.get(account, 0) + amount
    return shares


def _paid_by(order: CompleteOrder) -> list[Posting]:
    """Who paid the amount: the customer in cash, and the platform the part paid in
    shopping points (mode G: 1 point = 1 yuan of discount the platform grants)."""
    in_points = order.shopping_points // UNITS_PER_FEN
    if not in_points:
        return [(accounts.CUSTOMERS, CNY, -order.amount)]
    return [
        (accounts.CUSTOMERS, CNY, -(order.amount - in_points)),
        (accounts.SHOPPING_DISCOUNTS, CNY, -in_points),
    ]


def complete(ledger: Ledger, order: CompleteOrder) -> None:
    lines = order.lines
    if len(lines) == 1 and not order.shopping_points // UNITS_PER_FEN:
        # most orders: the postings _paid_by and _shares give, in their order, as one
        # tuple (`entry` drops the zero shares as _shares does)
        line = lines[0]
        cost_account = accounts.merchant(order.store) if order.store else accounts.COST_OF_GOODS
        ledger.post(
            entry(
                order.id,
                "order",
                RULE,
                (
                    (accounts.CUSTOMERS, CNY, -line.amount),
                    (cost_account, CNY, line.cost),
                    (accounts.DISTRIBUTION, CNY, line.distribution),
                    (accounts.PROFIT, CNY, line.platform),
                    (accounts.CONTRIBUTIONS, CNY, line.contribution),
                ),
            )
        )
        return
    shares = _shares(order)
    postings = _paid_by(order)
    postings += [(account, CNY, amount) for account, amount in shares.items()]
    ledger.post(entry(order.id, "order", RULE, postings))


def reverse(ledger: Ledger, cause: str, order: CompleteOrder) -> None:
    """Refund the customer. The contributions stay in their pools (a pool never gives
    money back, so its price cannot fall): the platform bears them as a reversal cost."""
    shares = _shares(order)
    contributed = shares.pop(accounts.CONTRIBUTIONS, 0)
    postings = [(account, asset, -amount) for account, asset, amount in _paid_by(order)]
    postings += [(account, CNY, -amount) for account, amount in shares.items()]
    postings.append((accounts.REVERSALS, CNY, -contributed))
    ledger.post(
        entry(
            cause,
            "order_reversal",
            RULE,
            postings,
            {"contribution_kept_by_pools": format_minor(contributed, 2)},
            corrects=order.id,
        )
    )
