"""E. Union queue (工会排队, seed 004).

A qualifying purchase of X gives a union credit (`credit` × X) that joins a first-in,
first-out queue, and puts the mode's funding share of X into the union pool (the
reserve). A credit becomes payable `lock_days` after it joins.

Static release: whenever the pool can pay the first payable credit in full, it pays it
in full and moves to the next; never part of one, never out of order. Dynamic release:
when a member's direct referee buys Y, the member's oldest credit is paid `dynamic` × Y
at once, if the pool can pay it (100 queued, the referee buys 100: 20 paid, 80 wait);
what is more than the oldest credit goes on to the next credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import invalid
from zengzhi.rules.modes.common import (
    NO_TERMS,
    Claim,
    ClaimBook,
    Effect,
    Run,
    Terms,
    fen_text,
    in_batches,
    scaled,
)

MODE = "union"
RULE = "modes.union"
INFLOW_DAYS = 30  # the expected wait uses the pool's average inflow over this many days


@dataclass(frozen=True)
class UnionParams:
    credit: Ratio = Ratio("1")
    lock_days: int = 15
    dynamic: Ratio = Ratio("0.2")
    terms: Terms = NO_TERMS


# A product's own union values (seed 004 工会: the pool share, the credit and the
# acceleration "根据产品设定"), besides the zone's: the key a product's `modes` names
# each by, and the parameter it replaces.
PRODUCT_KEYS = {"union": "credit", "union_funding": "funding", "union_dynamic": "dynamic"}


def for_product(params: UnionParams, values: Mapping[str, Ratio]) -> UnionParams:
    """The zone's parameters with a product's own values (`PRODUCT_KEYS`) in place."""
    if not values:
        return params
    changes: dict[str, object] = {}
    for key, value in values.items():
        name = PRODUCT_KEYS[key]
        if name == "funding":
            if value.fraction > 1:
                raise invalid(f"lines.modes.{key}", "must be at most 1 (a share of the order)")
            changes["terms"] = params.terms._replace(funding=value)
        else:
            changes[name] = value
    return replace(params, **changes)  # type: ignore[arg-type]


def purchase(run: Run, zone: str, params: UnionParams, member: str, amount: int) -> None:
    funded = run.fund(zone, MODE, params.terms, amount, RULE)
    key = f"inflow:{run.day}"
    run.book.set_counter(zone, MODE, key, run.book.counter(zone, MODE, key) + funded)
    referrer = run.network.referrer(member)
    if referrer is not None:
        _dynamic(run, zone, params, referrer, member, amount)
    run.issue(
        zone,
        MODE,
        member,
        scaled(params.credit, amount),
        RULE,
        {"credit": params.credit.text, "base": fen_text(amount)},
        payable=run.day + params.lock_days,
        kind="union_credit",
    )
    pay_static(run, zone, params)


def _dynamic(
    run: Run, zone: str, params: UnionParams, member: str, referee: str, amount: int
) -> None:
    """The referee bought: the member's credits are paid `dynamic` × the amount at once,
    oldest first — what is more than the oldest credit goes on to the next, and what
    finds no credit is not paid. A credit the pool cannot pay now keeps its place."""
    fen = scaled(params.dynamic, amount)
    for claim in run.book.claims(zone, MODE, member):
        part = min(fen, claim.left)
        if part <= 0 or run.affordable(zone, MODE, part, params.terms) < part:
            return
        run.pay(
            zone,
            MODE,
            member,
            part,
            params.terms,
            RULE,
            "queue_payment",
            {"release": "dynamic", "claim": str(claim.seq), "from": referee},
            units=part,
        )
        run.book.save(zone, MODE, claim._replace(left=claim.left - part))
        run.effects.append(Effect("paid", zone, MODE, member, part, claim.seq))
        fen -= part


def pay_static(run: Run, zone: str, params: UnionParams) -> None:
    for batch in in_batches(run.book.queue(zone, MODE)):
        run.prefetch_payees(claim.member for claim in batch)
        for claim in batch:
            if claim.payable > run.day:
                return  # locked: and every credit behind it joined later
            if run.affordable(zone, MODE, claim.left, params.terms) < claim.left:
                return
            run.pay(
                zone,
                MODE,
                claim.member,
                claim.left,
                params.terms,
                RULE,
                "queue_payment",
                {"release": "static", "claim": str(claim.seq)},
                units=claim.left,
            )
            run.book.save(zone, MODE, claim._replace(left=0))


class Standing(NamedTuple):
    """Where a credit stands: its place, what is ahead of it, and the honest wait."""

    claim: Claim
    place: int  # 1 = the next credit paid
    ahead: int  # fen of credits before it, its own not included
    payable_on: date
    expected_on: date | None  # None: nothing came into the pool lately to estimate from


def standing(book: ClaimBook, zone: str, member: str, pool: int, today: int) -> list[Standing]:
    """The member's credits with their place in the queue and expected payment day: the
    later of the lock's end and the day the pool, filling at its average inflow of the
    last 30 days, can pay everything ahead and the credit itself."""
    days_back = range(today - INFLOW_DAYS + 1, today + 1)
    inflow = sum(book.counter(zone, MODE, f"inflow:{day}") for day in days_back)
    result: list[Standing] = []
    ahead = 0
    mine = {claim.seq for claim in book.claims(zone, MODE, member)}
    for place, claim in enumerate(book.queue(zone, MODE), 1):
        if claim.seq in mine:
            need = ahead + claim.left - pool
            expected: date | None
            if need <= 0:
                expected = date.fromordinal(max(today, claim.payable))
            elif inflow:
                days = -(-need * INFLOW_DAYS // inflow)
                expected = date.fromordinal(max(today + days, claim.payable))
            else:
                expected = None
            result.append(Standing(claim, place, ahead, date.fromordinal(claim.payable), expected))
            if len(result) == len(mine):
                break
        ahead += claim.left
    return result
