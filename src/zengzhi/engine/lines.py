"""The numbers every entrance reads (yuan, points, an order line of an amount and its
contribution), and the two shapes that fill an event log read without the models.

An order of an amount and its contribution and a sale, written as the documentation shows
them, are matched by one regular expression and checked by the same functions the models
call: about three times faster than the models, and a replay of such lines never builds
the models at all (`wire.py` and the configuration's, a third of the start-up of
`zengzhi replay` on a short log). `tests/unit/engine/test_wire.py` holds the two ways equal.
"""

from __future__ import annotations

import re

from zengzhi.core.amounts import DECIMAL, LARGEST, POINTS_SCALE, YUAN_SCALE, parse_minor
from zengzhi.core.errors import DomainError, invalid
from zengzhi.core.events import CompleteOrder, Event, OrderLine, Sell
from zengzhi.engine.fields import EVENT_ID_PATTERN, ID_PATTERN
from zengzhi.rules.pool import DEFAULT_POOL


def yuan(value: object, field: str, *, positive: bool = False) -> int:
    """Fen from a decimal text; refuses floats, more than 2 places and negatives."""
    fen = parse_minor(value, YUAN_SCALE, field)
    if fen < 0 or (positive and fen == 0):
        raise invalid(field, "must be greater than 0" if positive else "must not be negative")
    return fen


def points(value: object, field: str) -> int:
    units = parse_minor(value, POINTS_SCALE, field)
    if units <= 0:
        raise invalid(field, "must be greater than 0")
    return units


def amount_line(amount_text: object, contribution_text: object, pool: str, field: str) -> OrderLine:
    """A line given by its amount and contribution: the rest is the platform's."""
    amount = yuan(amount_text, f"{field}amount", positive=True)
    contribution = yuan(contribution_text, f"{field}contribution")
    if contribution > amount:
        raise invalid(f"{field}contribution", "must not exceed the amount")
    return OrderLine(amount, contribution, pool if contribution else None, 0, amount - contribution)


# The two shapes that fill a log, with their fields in the documented order, as
# `json.dumps` writes them by default. An id or member matching ID_PATTERN and an amount
# of digits cannot hold a JSON escape, so a match reads exactly as JSON would.
_ID_TEXT = ID_PATTERN.removeprefix("^").removesuffix("$")
_EVENT_ID_TEXT = EVENT_ID_PATTERN.removeprefix("^").removesuffix("$")
_AMOUNT_TEXT = DECIMAL
_PLAIN_ORDER = re.compile(
    rf'\{{"type": "order", "id": "({_EVENT_ID_TEXT})", "member": "({_ID_TEXT})", '
    rf'"amount": "({_AMOUNT_TEXT})", "contribution": "({_AMOUNT_TEXT})"\}}\s*',
    re.ASCII,
)
_PLAIN_SALE = re.compile(
    rf'\{{"type": "sell", "id": "({_EVENT_ID_TEXT})", "member": "({_ID_TEXT})", '
    rf'"points": "({_AMOUNT_TEXT}|all)"\}}\s*',
    re.ASCII,
)


def _usual_line(amount: str, contribution: str) -> OrderLine | None:
    """The line `amount_line` reads from the usual amounts, both "digits.cents" (up to 12
    digits of yuan: under the limit) with a positive amount and a contribution within it,
    read without its five calls (every line of a log of orders takes this path); None for
    any other pair, which `amount_line` reads or refuses naming the field. The regular
    expression has already checked that both are plain ASCII decimals."""
    whole, _, cents = amount.partition(".")
    part, _, part_cents = contribution.partition(".")
    if (
        len(cents) == 2
        and len(part_cents) == 2
        and len(whole) <= _YUAN_DIGITS
        and len(part) <= _YUAN_DIGITS
        and whole.isdigit()  # no sign
        and part.isdigit()
    ):
        fen, share = int(whole + cents), int(part + part_cents)
        if fen > 0 and share <= fen:
            return tuple.__new__(
                OrderLine,
                (fen, share, DEFAULT_POOL if share else None, 0, fen - share, 0, *_LINE_DEFAULTS),
            )
    return None


_YUAN_DIGITS = len(str(LARGEST)) - 1  # 12 digits of yuan stay under LARGEST
_LINE_DEFAULTS = OrderLine(0, 0, None)[6:]  # product, zone, modes
_ORDER_DEFAULTS = CompleteOrder("", "", ())[3:]  # store, at, region, recruiter…


def plain_event(text: str) -> Event | None:
    """The line as an event if it has one of the two plain shapes and passes their checks;
    None for any other line (the models read it, and name what is wrong)."""
    try:
        order = _PLAIN_ORDER.fullmatch(text)
        if order is not None:
            ident, member, amount, contribution = order.groups()
            line = _usual_line(amount, contribution) or amount_line(
                amount, contribution, DEFAULT_POOL, ""
            )
            # tuple.__new__: what the named tuple's __new__ does, without its Python frame
            return tuple.__new__(CompleteOrder, (ident, member, (line,), *_ORDER_DEFAULTS))
        sale = _PLAIN_SALE.fullmatch(text)
        if sale is not None:
            ident, member, quantity = sale.groups()
            units = None if quantity == "all" else points(quantity, "points")
            return Sell(ident, member, DEFAULT_POOL, units)
    except DomainError:
        pass  # the models will name the field
    return None
