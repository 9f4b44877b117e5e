"""The companion modes through the service: ad tasks, what each member is owed and where
their credits stand in the union queue, the zones' daily runs, and each mode's promises
against the money that backs them (the solvency report's mode part)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor, percent
from zengzhi.core.days import day_of
from zengzhi.core.errors import DomainError
from zengzhi.core.events import CompleteTask, DayPart, ModeIncome, RunDay, event_id
from zengzhi.core.ledger import CNY, EntryKind, format_amount
from zengzhi.engine.fields import Exact, Id, Note, Shown, canonical
from zengzhi.engine.lines import yuan
from zengzhi.rules.modes import ads, green, quota, refer_three, union, zone
from zengzhi.rules.modes.common import SHOPPING_ZONE, Claim, asset, most_a_day, scaled
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import (
    Context,
    applied_once,
    command,
    found,
    not_found,
    once,
    query,
    tenant_today,
    write,
)
from zengzhi.store.event_log import EventLog
from zengzhi.store.ledger import ReadLedger
from zengzhi.store.members import Members
from zengzhi.store.modes import SqlModes, analyze_tally
from zengzhi.store.tenants import tenant_time_zone
from zengzhi.store.uow import UnitOfWork

log = logging.getLogger("zengzhi.jobs")

CATCH_UP_DAYS = 400  # a server down longer than this runs its missed days by hand


# ---------------------------------------------------------------------------- income


class IncomeRequest(BaseModel):
    """Third-party income (an advertiser's payment for its ads) into a mode's reserve."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    mode: Id
    amount: Exact
    source: Note = Field(min_length=1)


def record_income(
    context: Context, principal: Principal, zone_id: str, request: IncomeRequest
) -> dict[str, Any]:
    """Record money a third party paid into a zone's mode's reserve (seed 004 五: the
    advertisers' payments back the ad releases): finance books it, with its source."""
    return record_income_once(context, principal, zone_id, request)[0]


def record_income_once(
    context: Context, principal: Principal, zone_id: str, request: IncomeRequest
) -> tuple[dict[str, Any], bool]:
    """`record_income`, and whether it was recorded now (False: a repeat)."""
    principal.require(Permission.SUBSIDIZE)
    amount = yuan(request.amount, "amount", positive=True)

    def run(uow: UnitOfWork) -> tuple[dict[str, Any], bool]:
        def produce() -> dict[str, Any]:
            uow.apply(
                ModeIncome(
                    event_id("income", request.id),
                    zone_id,
                    request.mode,
                    amount,
                    request.source,
                    uow.now,
                )
            )
            uow.audit(
                principal.actor,
                "mode.income",
                f"zone:{zone_id}:{request.mode}",
                after={"amount": format_minor(amount, 2), "source": request.source},
            )
            reserve = SHOPPING_ZONE if request.mode == "shopping" else zone_id
            held = uow.state.ledger.balance(accounts.mode_reserve(reserve, request.mode), CNY)
            return {
                "id": request.id,
                "zone": zone_id,
                "mode": request.mode,
                "amount": format_minor(amount, 2),
                "reserve": format_minor(held, 2),
            }

        return applied_once(
            uow, request.id, "mode_income", {"zone": zone_id, **canonical(request)}, produce
        )

    return command(context, principal, run)


# ---------------------------------------------------------------------------- tasks


class TaskDone(BaseModel):
    """The integrator's word that a member did a day's ad task (mode B)."""

    model_config = ConfigDict(extra="forbid")

    zone: Id
    day: date
    # the integrator's reference (a view id, a page…), kept in the log and shown in the
    # audit log as the task's reason: a name people read (the log's lines stay `Name`)
    proof: Shown = ""


def complete_task(
    context: Context, principal: Principal, member: str, request: TaskDone
) -> dict[str, Any]:
    """Release the day's ad points. The same member, zone and day release once: a retry
    (whatever its proof) gets the first answer."""
    principal.require(Permission.ORDERS)
    key = f"{request.zone}:{member}:{request.day.isoformat()}"

    def run(uow: UnitOfWork) -> dict[str, Any]:
        def produce() -> dict[str, Any]:
            person = found(uow.members.get(member), "member", member)
            entries = uow.apply(
                CompleteTask(
                    event_id("task", key),
                    member,
                    request.zone,
                    request.day,
                    request.proof,
                    uow.now,
                    person.region,  # its agents earn on the release (seed 002 三.3)
                )
            ).entries
            released = [one.params["amount"] for one in entries if one.kind == EntryKind.RELEASE]
            uow.audit(
                principal.actor,
                "member.task",
                f"member:{member}",
                after={
                    "zone": request.zone,
                    "day": request.day.isoformat(),
                    "released": released[0] if released else "0.00",
                },
                reason=request.proof or None,
            )
            return {
                "member": member,
                "zone": request.zone,
                "day": request.day.isoformat(),
                "released": released[0] if released else "0.00",
                "shares": [
                    {"member": one.params["member"], "amount": one.params["amount"]}
                    for one in entries
                    if one.kind == EntryKind.RELEASE_SHARE
                ],
            }

        request_body = {"member": member, "zone": request.zone, "day": request.day.isoformat()}
        return once(uow, event_id("task", key), "task", request_body, produce)

    return command(context, principal, run)


# ---------------------------------------------------------------------------- member view


class ClaimView(BaseModel):
    seq: int
    amount: str
    owed: str
    daily: str | None = Field(
        description=(
            "what the claim releases a day at most, for a claim paid by the day: green"
            " points (the order's own release; accelerations from referees' releases come"
            " on top) and a refer-three refund paid over days (its larger daily share)."
            " null for a claim not paid by the day: a refer-three refund paid at once (paid"
            " as soon as the mode's reserve holds it), a union credit, a quota, a"
            " three-for-one subsidy, shopping points"
        )
    )
    payable_on: date | None  # the lock's end (union credits)
    place: int | None = None  # in the union queue: 1 is paid next
    ahead: str | None = None  # yuan of credits before it
    expected_on: date | None = None  # None with `place`: nothing came in to estimate from


class AdTask(BaseModel):
    """Today's ad task (mode B): done or not, and what doing it releases now."""

    day: date
    done: bool
    releases: str  # yuan into the wallet if done now ("0.00" when done or nothing is due)


class ModeHolding(BaseModel):
    zone: str
    mode: str
    owed: str  # what the mode still owes the member, in its asset (points: 1 = 1 yuan)
    shares: str | None = None  # equity shares (mode C)
    claims: list[ClaimView]
    task: AdTask | None = None  # the ad mode's: today's task


def member_modes(context: Context, principal: Principal, member: str) -> list[ModeHolding]:
    """What every mode owes the member, claim by claim, with the union queue's standing."""
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[ModeHolding]:
        if not Members(connection, principal.tenant).exists(member):
            raise not_found("member", member, "member")
        ledger = ReadLedger(connection, principal.tenant)
        book = SqlModes(connection, principal.tenant)
        today = day_of(context.clock(), tenant_time_zone(connection, principal.tenant)).toordinal()
        found = []
        zones = book.zones()
        places = [(name, mode) for name, modes in zones.items() for mode in modes.configured()]
        places = [(name, mode) for name, mode in places if mode != "shopping"]
        if any(modes.shopping for modes in zones.values()):
            places.append((SHOPPING_ZONE, "shopping"))  # the tenant's, whatever zone gave them
        for where, mode in places:
            code = asset(where, mode)
            held = ledger.balance(accounts.mode_holding(member, where, mode), code)
            shares = None
            if mode == "quota":
                units = ledger.balance(
                    accounts.mode_holding(member, where, quota.SHARES), quota.shares_asset(where)
                )
                shares = format_minor(units, 4)
            claims = _claims(book, ledger, where, mode, member, code, today)
            task = None
            params = zones[where].ads if mode == "ads" and where in zones else None
            if params is not None:
                task = _task(book, ledger, where, params, member, held, today)
            if held or claims or shares not in (None, "0.0000"):
                found.append(
                    ModeHolding(
                        zone=where,
                        mode=mode,
                        owed=format_amount(held, code),
                        shares=shares,
                        claims=claims,
                        task=task,
                    )
                )
        return found

    return query(context, run)


def _task(
    book: SqlModes,
    ledger: ReadLedger,
    zone_id: str,
    params: ads.AdsParams,
    member: str,
    balance: int,
    today: int,
) -> AdTask:
    day = date.fromordinal(today)
    done = ads.done_through(book.counter(zone_id, ads.MODE, ads.task_key(member)), day)
    reserve = ledger.balance(accounts.mode_reserve(zone_id, ads.MODE), CNY)
    fen = 0 if done else ads.next_release(params, balance, reserve)
    return AdTask(day=day, done=done, releases=format_minor(fen, 2))


def _daily(claim: Claim, mode: str, code: str) -> str | None:
    """`ClaimView.daily`: None for a claim not paid by the day. A refer-three refund paid
    at once is kept with a `daily` of the whole refund (what one release may pay), which
    is no daily pace; one paid over days has its `days` (or, made before migration 0023,
    a `daily` below its amount)."""
    if mode == "green" or (mode == "refer_three" and (claim.days or claim.daily < claim.amount)):
        return format_amount(most_a_day(claim), code)
    return None


def _claims(
    book: SqlModes, ledger: ReadLedger, zone_id: str, mode: str, member: str, code: str, today: int
) -> list[ClaimView]:
    if mode == "ads":
        return []
    views = {
        claim.seq: ClaimView(
            seq=claim.seq,
            amount=format_amount(claim.amount, code),
            owed=format_amount(claim.left, code),
            daily=_daily(claim, mode, code),
            payable_on=date.fromordinal(claim.payable) if claim.payable else None,
        )
        for claim in book.claims(zone_id, mode, member)
    }
    if mode == "union":
        pool = ledger.balance(accounts.mode_reserve(zone_id, mode), CNY)
        for standing in union.standing(book, zone_id, member, pool, today):
            view = views[standing.claim.seq]
            view.place = standing.place
            view.ahead = format_minor(standing.ahead, 2)
            view.expected_on = standing.expected_on
    return list(views.values())


class ReferPlace(BaseModel):
    """A place of a refer-three cycle (the member page's "my referral places")."""

    number: int  # 1 = the first place
    filled: bool  # a referee's purchase holds it
    rate: str  # the schedule's rate for the place as it stands ("0.7")
    refund: str | None  # yuan: a filled place's refund; an open one's on the package price
    paid: str  # yuan paid on its refund so far
    vacated: bool  # a reversal emptied it (open again, or filled again since)


class ReferPackage(BaseModel):
    """A member's refer-three package (推三返一) in a zone: its places and refunds."""

    zone: str
    package: str  # yuan: the price of the package that holds the status
    base: str  # "package": refunds are rates of its price; "order": of the referee's order
    refunded: str  # yuan paid on its refunds so far
    owed: str  # yuan still owed on them
    size: int  # places a cycle
    cycle: str | None  # yuan a cycle's places refund, on the package price (None: "order")
    places: list[ReferPlace]


def member_refer_three(context: Context, principal: Principal, member: str) -> list[ReferPackage]:
    """The member's refer-three packages, one a zone, with their places: filled or
    waiting for a referral, the refund of each, what was paid, and which a reversal
    emptied (read from the rule's counters and claims: `refer_three.standing`)."""
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[ReferPackage]:
        book = SqlModes(connection, principal.tenant)
        found = []
        for name, modes in book.zones().items():
            params = modes.refer_three
            if params is None:
                continue
            held = refer_three.standing(book, name, params, member)
            if held is None:
                continue
            places = []
            for place in held.places:
                rate = params.schedule[place.place % len(params.schedule)]
                refund = None
                if place.refund is not None:
                    refund = format_minor(place.refund.amount, 2)
                elif not place.filled and params.base == "package":
                    refund = format_minor(scaled(rate, held.package), 2)
                paid = place.refund.amount - place.refund.left if place.refund else 0
                places.append(
                    ReferPlace(
                        number=place.place + 1,
                        filled=place.filled,
                        rate=rate.text,
                        refund=refund,
                        paid=format_minor(paid, 2),
                        vacated=place.vacated,
                    )
                )
            found.append(
                ReferPackage(
                    zone=name,
                    package=format_minor(held.package, 2),
                    base=params.base,
                    refunded=format_minor(held.refunded, 2),
                    owed=format_minor(held.owed, 2),
                    size=len(params.schedule),
                    cycle=format_minor(
                        sum(scaled(rate, held.package) for rate in params.schedule), 2
                    )
                    if params.base == "package"
                    else None,
                    places=places,
                )
            )
        return found

    return query(context, run)


# ---------------------------------------------------------------------------- daily runs


DAY_PART = 20  # claims or members in a day's first part of each pass (then sized)
# how long a part aims to hold the zone's lock, from taking it to its commit's end: the
# longest an order in the zone waits behind it (the target of 100 ms, with room for a
# part that runs slower than the one before it)
PART_NS = 40_000_000  # 40 ms, in the clock's integer nanoseconds
PART_SIZES = (10, 10_000)  # the least and most claims or members a part


def run_days(context: Context, tenant: str, part: int | None = None) -> list[str]:
    """Each zone with daily work runs every day it has not run yet, up to today, in order:
    each day is an event whose id names the zone and the day, so it runs once.

    A day runs in parts (docs/modes.md, "A day in parts"): one transaction begins it,
    then each part of `part` claims or members is its own transaction, holding the
    zone's lock only while it runs, so the zone's orders wait for one part at most. A
    day stopped part-way (the process killed) is finished first, from where it stopped.
    The parts of each pass grow or shrink so that each holds the zone about
    `PART_NS` to the end of its commit, however long it waited for the lock (`part`:
    always that many)."""
    today = tenant_today(context, tenant)
    system = Principal(tenant, "system:jobs", Role.OWNER)
    done: list[str] = []

    def last_days(connection: Connection) -> dict[str, tuple[date | None, bool]]:
        book = SqlModes(connection, tenant)
        return {
            name: (zone.last_day(book, name), zone.under_way(book, name))
            for name, modes in book.zones().items()
            if set(modes.configured()) & set(zone.DAILY)
        }

    for name, (last, unfinished) in query(context, last_days).items():
        try:
            if unfinished and last is not None:  # a day stopped part-way: finish it first
                _finish(context, system, name, last, None, part)
        except DomainError as error:
            log.warning("tenant %s: zone %s, day %s not finished: %s", tenant, name, last, error)
            continue
        day = today
        if last is not None:
            day = max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS))
        while day <= today:
            try:
                began = command(context, system, _day(name, day))
                _finish(context, system, name, day, began, part)  # or help whoever began it
                if began is not None:
                    done.append(event_id("day", f"{name}:{day.isoformat()}"))
            except DomainError as error:  # one zone's failure must not stop the others
                log.warning("tenant %s: zone %s, day %s not run: %s", tenant, name, day, error)
                break
            day += timedelta(days=1)
    return done


def _day(name: str, day: date) -> Callable[[UnitOfWork], datetime | None]:
    """Begin the day; returns its time (None: another machine began it)."""
    key = event_id("day", f"{name}:{day.isoformat()}")

    def run(uow: UnitOfWork) -> datetime | None:
        # the zone's lock first: a machine beginning the day holds it to its commit, so
        # the log read after it shows that day (read before, it did not, and the day's
        # refusal, "ran already", read as a failure that left the zone's later days)
        uow.modes.zone(name)
        if EventLog(uow.connection, uow.tenant).has(key):
            return None  # another machine ran it
        uow.apply(RunDay(key, name, day, uow.now, parts=True))
        return uow.now

    return run


def _finish(
    context: Context,
    system: Principal,
    name: str,
    day: date,
    at: datetime | None,
    size: int | None,
) -> None:
    """Run the day's parts, each in its own transaction, until the day is done."""
    key = event_id("day", f"{name}:{day.isoformat()}")
    sizes: dict[str, int] = {}  # by pass: counting claims costs less than accelerating
    locked = [0]  # when the part running got the zone's lock

    def part(uow: UnitOfWork) -> tuple[bool, str, str]:
        book = uow.modes
        if book.zone(name) is None or not zone.under_way(book, name):  # locks the zone
            return True, "", ""  # another machine finished it
        if zone.last_day(book, name) != day:
            # another machine finished it and began the next day: the part under way is
            # that day's, not to be run (nor named) as this one's
            return True, "", ""
        locked[0] = time.perf_counter_ns()
        when = at if at is not None else EventLog(uow.connection, uow.tenant).at(key)
        place = zone.day_place(book, name)
        phase = place.split(".")[0]
        wanted = size or sizes.setdefault(phase, DAY_PART)
        uow.apply(DayPart(f"{key}@{place}", name, day, key, wanted, when))
        return not zone.under_way(book, name), phase, zone.day_place(book, name)

    while True:
        done, phase, then = command(context, system, part)
        took = time.perf_counter_ns() - locked[0]  # the lock is let go with the commit
        if done:
            return
        if phase == str(green.CLAIMS) and not then.startswith(phase):  # the tally is full
            write(context, analyze_tally)
        if size is None:  # the next part of this pass: sized by what this one took
            # holding the lock, not waiting for it; at most doubled or halved a part
            scaled = sizes[phase] * PART_NS // max(took, 100_000)
            scaled = min(2 * sizes[phase], max(sizes[phase] // 2, scaled))
            sizes[phase] = min(PART_SIZES[1], max(PART_SIZES[0], scaled))


# ---------------------------------------------------------------------------- report


class ModeSolvency(BaseModel):
    zone: str
    mode: str
    owed: str  # yuan the mode still owes (points at 1 point = 1 yuan)
    reserve: str  # the cash set aside for it
    coverage: str | None  # reserve ÷ owed ("—": nothing owed): money held, never debts
    backed: bool  # the platform's own funds pay what the reserve cannot
    receivable: str = "0.00"  # what members owe the mode (taken back after they spent it)


def mode_solvency(connection: Connection, tenant: str) -> list[ModeSolvency]:
    ledger = ReadLedger(connection, tenant)
    return [
        ModeSolvency(
            zone=found.zone,
            mode=found.mode,
            owed=format_minor(found.owed, 2),
            reserve=format_minor(found.reserve, 2),
            coverage=percent(found.coverage) if found.coverage is not None else None,
            backed=found.backed,
            receivable=format_minor(found.receivable, 2),
        )
        for found in zone.liabilities(ledger, SqlModes(connection, tenant).zones())
    ]
