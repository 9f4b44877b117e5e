"""Taking one step of a life cycle (core/lifecycles.py), the same way for every record
that has one: under the record's row lock, inside a command, audited once.

A step asked for again once taken answers the record as it is; a step the record may
not take from where it is is refused (`conflict`, field `status`) before anything is
written.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from zengzhi.core.amounts import format_minor
from zengzhi.core.lifecycles import Lifecycle
from zengzhi.service.base import found
from zengzhi.store.uow import UnitOfWork

S = TypeVar("S", bound=StrEnum)
S_co = TypeVar("S_co", bound=StrEnum, covariant=True)


class Tracked(Protocol[S_co]):
    """A record with a life cycle: whose it is, how much, where it stands."""

    @property
    def status(self) -> S_co: ...
    @property
    def member_id(self) -> str: ...
    @property
    def amount(self) -> int: ...


R = TypeVar("R", bound=Tracked[Any])  # its status one of the lifecycle's S
R_co = TypeVar("R_co", bound=Tracked[Any], covariant=True)


class Rows(Protocol[R_co]):
    def get(self, key: str, lock: bool = False) -> R_co | None: ...


SYSTEM_ACTOR = "system:"  # the jobs' own steps are in job_runs and the event log


def take_step(
    uow: UnitOfWork,
    actor: str,
    lifecycle: Lifecycle[S],
    rows: Rows[R],
    key: str,
    step: str,
    act: Callable[[UnitOfWork, R], None],
    reason: str | None = None,
) -> tuple[R, bool]:
    """Take `step` of the record `key`: `act` writes it. The record after, and whether
    the step was taken now (False: it had been before)."""
    row = found(rows.get(key, lock=True), lifecycle.what, key)
    if not lifecycle.start(key, row.status, step):
        return row, False
    act(uow, row)
    after = found(rows.get(key), lifecycle.what, key)
    if not actor.startswith(SYSTEM_ACTOR):
        # whose and how much on both sides: the step changed the status alone (the log
        # showed member and amount as set from nothing)
        whose = {"member": after.member_id, "amount": format_minor(after.amount, 2)}
        uow.audit(
            actor,
            f"{lifecycle.what}.{lifecycle.steps[step].target.value}",
            f"{lifecycle.what}:{key}",
            before={"status": row.status.value} | whose,
            after={"status": after.status.value} | whose,
            reason=reason,
        )
    return after, True
