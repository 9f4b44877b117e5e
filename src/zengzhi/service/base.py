"""What every use case shares: its context, running a command, applying a request once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from zengzhi.core.days import day_of
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Principal
from zengzhi.service.sequencer import Sequencer
from zengzhi.service.settings import Settings
from zengzhi.store.commands import CommandRow, Commands
from zengzhi.store.database import Database, LostRace
from zengzhi.store.security import proven_role
from zengzhi.store.tenants import tenant_time_zone
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    database: Database
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    # the process's line of grouped commands, one per tenant (service/sequencer.py)
    sequencer: Sequencer = field(default_factory=Sequencer, compare=False)


def command(
    context: Context,
    principal: Principal,
    run: Callable[[UnitOfWork], T],
    grouped: bool = False,
    wants: Wanted | None = None,
) -> T:
    """Run a use case in one unit of work and commit it; run it again, whole, if the
    database says it lost a race (PostgreSQL deadlock, serialization, unique key).
    `grouped`: it may share its unit of work with the tenant's other commands waiting
    at the same moment, run in arrival order (service/sequencer.py); `wants`: the
    orders and members it will look up, read with the group's (store/wanted.py)."""
    if grouped:
        ((result, error),) = grouped_commands(context, principal, [run], [wants])
        if error is not None:
            raise error
        return result  # type: ignore[no-any-return]
    now = context.clock()
    proven = _proven(principal, run)

    def attempt() -> T:
        with UnitOfWork(context.database, principal.tenant, now) as uow:
            result = proven(uow)
            uow.commit()
            return result

    return context.database.retrying(attempt)


def grouped_commands(
    context: Context,
    principal: Principal,
    runs: list[Callable[[UnitOfWork], Any]],
    wants: list[Wanted | None] | None = None,
) -> list[tuple[Any, BaseException | None]]:
    """Each of `runs` as its own grouped command, in turn; once all are committed, each
    one's (result, None) or (None, the error it raised)."""
    proven = [_proven(principal, run) for run in runs]
    return context.sequencer.run(context.database, principal.tenant, context.clock, proven, wants)


_REVOKED = DomainError(
    ErrorCode.UNAUTHORIZED,
    "the API key was revoked, or the session ended, while this request was on its way:"
    " nothing was done",
    "Authorization",
)
_ROLE_CHANGED = DomainError(
    ErrorCode.FORBIDDEN,
    "the role changed while this request was on its way: nothing was done; send it again",
    "Authorization",
)


def _proven(principal: Principal, run: Callable[[UnitOfWork], T]) -> Callable[[UnitOfWork], T]:
    """`run`, first reading again, locked, what the request proved itself with (its API
    key or session: `Principal.proof`). The request checked it when it arrived, in a
    transaction of its own; a revocation that returned before this command's commit let
    the command through after it (a key leaked and revoked went on writing)."""
    proof = principal.proof
    if proof is None:
        return run

    def proven(uow: UnitOfWork) -> T:
        if (proof, principal.role) not in uow.proven:
            role = proven_role(uow.connection, uow.tenant, principal.actor, proof, uow.now)
            if role is None:
                raise _REVOKED
            if role != principal.role:
                raise _ROLE_CHANGED
            uow.proven.add((proof, principal.role))
        return run(uow)

    return proven


def query(context: Context, run: Callable[[Connection], T]) -> T:
    with context.database.read() as connection:
        return run(connection)


def glance(context: Context, run: Callable[[Connection], T]) -> T:
    """`run`'s one statement outside a transaction (`Database.glance`)."""
    with context.database.glance() as connection:
        return run(connection)


def write(context: Context, change: Callable[[Connection], T]) -> T:
    """`change` in one write transaction with no unit of work (rows kept beside the
    ledger: a run's heartbeat, a job's record), run again whole if it lost a race."""

    def attempt() -> T:
        with context.database.write() as connection:
            return change(connection)

    return context.database.retrying(attempt)


def tenant_zone(context: Context, tenant: str) -> ZoneInfo:
    """Where the tenant's days turn (its settings' time zone)."""
    return query(context, lambda connection: tenant_time_zone(connection, tenant))


def tenant_today(context: Context, tenant: str) -> date:
    """Today in the tenant's time zone, by the context's clock."""
    return day_of(context.clock(), tenant_zone(context, tenant))


def request_hash(request: Mapping[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def once(
    uow: UnitOfWork,
    command_id: str,
    kind: str,
    request: Mapping[str, Any],
    produce: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Apply a request once: a repeated id with the same body returns the first answer;
    the same id with another body is a conflict and changes nothing."""
    return applied_once(uow, command_id, kind, request, produce)[0]


def applied_once(
    uow: UnitOfWork,
    command_id: str,
    kind: str,
    request: Mapping[str, Any],
    produce: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """`once`, and whether the request was applied now (False: a repeat)."""
    digest = request_hash({"kind": kind, **request})
    commands = Commands(uow.connection, uow.tenant)
    before = commands.get(command_id, lock=True)
    if before is not None:
        if before.request_hash != digest:
            raise DomainError(
                ErrorCode.CONFLICT, f"id {command_id!r} was used before for another request", "id"
            )
        return before.response, False
    try:
        response = produce()
    except DomainError as refused:
        # Its twin may have committed since the lookup above found nothing (on
        # PostgreSQL each statement sees what is committed when it starts): then the
        # refusal ("exists already") is the twin's doing, and run again the command
        # answers as a repeat. A later statement sees the twin's row.
        if commands.get(command_id) is not None:
            raise LostRace(command_id) from refused
        raise
    commands.add(CommandRow(command_id, kind, digest, response), uow.now)
    return response, True


def not_found(what: str, key: str, field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"unknown {what} {key!r}", field)


def taken(what: str, asked: str, kept: str, field: str) -> DomainError:
    """A name already in use: ids and usernames are one name in any case (migration
    0033), so the refusal says how the kept one is spelt when the asked one differs."""
    if kept == asked:
        return DomainError(ErrorCode.CONFLICT, f"{what} {asked!r} exists", field)
    return DomainError(
        ErrorCode.CONFLICT,
        f"{what} {asked!r} exists as {kept!r} (the same name in any case)",
        field,
    )


def found(record: T | None, what: str, key: str, field: str | None = None) -> T:
    """The record a repository found, or the refusal naming what was not (the field is
    `what` unless told): repositories answer None, the use case decides it is an error."""
    if record is None:
        raise not_found(what, key, field or what)
    return record
