"""Settings read back from the database are parsed by today's rules.

A value saved before a rule refused it (a distribution rate of 1 or more, a zone's share
past the whole) cannot be applied: a command that needs it stops. The request that met
it was not wrong, so it is not answered as invalid input naming a field the caller
never sent (an order's payment answered "must be below 1"): it is a conflict with the
tenant's state, saying which saved value is refused and that an operator must save
valid settings (docs/service.md, "Saved settings a newer rule refuses").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from zengzhi.core.errors import DomainError, ErrorCode

T = TypeVar("T")


def parsed_as_saved(zone: str | None, parse: Callable[[], T]) -> T:
    """`parse()` of settings the tenant saved: its distribution settings (`zone` None) or
    a zone's; a refusal becomes a conflict naming the saved field."""
    try:
        return parse()
    except DomainError as error:
        if error.code is not ErrorCode.INVALID:
            raise
        why = error.message
        message = (
            f"the saved distribution settings are refused ({why}): an operator must save valid ones"
            if zone is None
            else f"the saved settings of zone {zone!r} are refused ({why}): an operator"
            " must save valid ones"
        )
        raise DomainError(ErrorCode.CONFLICT, message, error.field) from None
