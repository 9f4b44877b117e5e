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

from zengzhi.core.amounts import DECIMAL, POINTS_SCALE, YUAN_SCALE, parse_minor
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


def plain_event(text: str) -> Event | None:
    """The line as an event if it has one of the two plain shapes and passes their checks;
    None for any other line (the models read it, and name what is wrong)."""
    try:
        order = _PLAIN_ORDER.fullmatch(text)
        if order is not None:
            ident, member, amount, contribution = order.groups()
            line = amount_line(amount, contribution, DEFAULT_POOL, "")
            return CompleteOrder(ident, member, (line,))
        sale = _PLAIN_SALE.fullmatch(text)
        if sale is not None:
            ident, member, quantity = sale.groups()
            units = None if quantity == "all" else points(quantity, "points")
            return Sell(ident, member, DEFAULT_POOL, units)
    except DomainError:
        pass  # the models will name the field
    return None
