"""F. Three-for-one queue (排队补贴 2.0 / 进三补一, seed 004).

An order qualifies when its amount in the zone reaches the threshold (900 and 600 do not,
and do not add up unless `cumulative`: then a member's orders add up until they reach
it, and qualify together). Qualifying orders join a queue, each owed `rate` × its amount.
Each time `every` (3) more orders qualify after the first unpaid one, that one is paid
and leaves the queue: the 4th qualifier pays the 1st, the 7th the 2nd.

Said without a clock: with n live qualifiers, (n − 1) ÷ every of them (rounded down) have
earned their payment, and they are the first ones, in order. A queue that ended pays its
members from the reserve without their followers; if the operator opens it again, the
count starts again after the last one so paid (the first unpaid is paid when `every` more
qualify after it, as in a new queue): with s paid by then, s + (n − s − 1) ÷ every.

That is what a reversal keeps true: a reversed qualifier leaves the queue (its subsidy
taken back if it was paid); if it leaves fewer earned payments than were made, the latest
payment is owed again and taken back from whoever it paid (a reversal undoes what the
order advanced: one payment at most, even when the operator raised `every` since); a
reversed part of a cumulative total undoes the total's claim and what is left of the total
counts toward the member's next. A payment the reserve cannot make yet waits, in order,
for the money; once the mode has ended it makes no new promise, and pays its queue in
order whenever the reserve holds enough for the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from zengzhi.core.amounts import Ratio
from zengzhi.rules.modes.common import (
    NO_TERMS,
    Claim,
    Effect,
    Run,
    Terms,
    fen_text,
    scaled,
)

MODE = "three_for_one"
RULE = "modes.three_for_one"
# the payments in order up to the last one an ended queue made ahead of its count, and
# that claim: the count starts again after it (counters; 0 while the queue never ended)
START, START_SEQ = "start", "start_seq"


@dataclass(frozen=True)
class ThreeForOneParams:
    threshold: int = 100_000  # fen
    rate: Ratio = Ratio("0.7")
    every: int = 3
    cumulative: bool = False
    terms: Terms = NO_TERMS


def earned(params: ThreeForOneParams, qualified: int, start: int = 0) -> int:
    """How many of `qualified` live qualifiers have earned their payment, the first
    `start` of them paid before the count started again."""
    return start + max(0, qualified - start - 1) // params.every


def purchase(run: Run, zone: str, params: ThreeForOneParams, member: str, amount: int) -> None:
    book = run.book
    run.fund(zone, MODE, params.terms, amount, RULE)
    if params.cumulative:
        batch = book.counter(zone, MODE, f"batch:{member}")
        total = book.counter(zone, MODE, f"total:{member}:{batch}") + amount
        book.set_counter(zone, MODE, f"total:{member}:{batch}", total)
        run.effects.append(Effect("counted", zone, MODE, member, amount, batch))
        if total >= params.threshold:
            _qualify(run, zone, params, member, total, batch)
    elif amount >= params.threshold:
        _qualify(run, zone, params, member, amount, None)
    pay_due(run, zone, params, ended=False)


def _qualify(
    run: Run, zone: str, params: ThreeForOneParams, member: str, base: int, batch: int | None
) -> None:
    """A qualifier joins the queue, owed `rate` × `base`; a cumulative total's claim is
    undone through its parts (`counted`), so the claim itself is not recorded."""
    claim = run.issue(
        zone,
        MODE,
        member,
        scaled(params.rate, base),
        RULE,
        {"rate": params.rate.text, "base": fen_text(base)},
        kind="subsidy_promised",
        cause="" if batch is None else "-",
    )
    if claim is None:
        return
    book = run.book
    book.set_counter(zone, MODE, "qualified", book.counter(zone, MODE, "qualified") + 1)
    if batch is not None:
        book.set_counter(zone, MODE, f"claim:{member}:{batch}", claim.seq)
        book.set_counter(zone, MODE, f"batch:{member}", batch + 1)


def pay_due(run: Run, zone: str, params: ThreeForOneParams, *, ended: bool) -> None:
    """Pay the heads of the queue that have earned it (all of them, in order, once the
    mode has `ended`), as far as the money goes."""
    book = run.book
    qualified = book.counter(zone, MODE, "qualified")
    paid = book.counter(zone, MODE, "paid")
    start = book.counter(zone, MODE, START)
    for claim in book.queue(zone, MODE):
        unearned = paid >= earned(params, qualified, start)
        if unearned and not ended:
            break
        if run.affordable(zone, MODE, claim.left, params.terms) < claim.left:
            break
        run.pay(
            zone,
            MODE,
            claim.member,
            claim.left,
            params.terms,
            RULE,
            "queue_payment",
            {"claim": str(claim.seq)},
            units=claim.left,
        )
        book.save(zone, MODE, claim._replace(left=0))
        paid += 1
        if unearned:  # paid because the queue ended, not because three came after it
            book.set_counter(zone, MODE, START, paid)
            book.set_counter(zone, MODE, START_SEQ, claim.seq)
            start = paid
    book.set_counter(zone, MODE, "paid", paid)


def unqualify(run: Run, zone: str, params: ThreeForOneParams, claim: Claim, *, ended: bool) -> None:
    """A qualifier was reversed: it leaves the queue (what it was paid taken back), and
    payments the rest no longer earn are owed again, latest first."""
    book = run.book
    was_paid = claim.left == 0
    run.void(zone, MODE, claim)
    qualified = book.counter(zone, MODE, "qualified") - 1
    paid = book.counter(zone, MODE, "paid") - was_paid
    start = book.counter(zone, MODE, START)
    if was_paid and start and claim.seq <= book.counter(zone, MODE, START_SEQ):
        start -= 1  # one of the payments before the count started again
        book.set_counter(zone, MODE, START, start)
    # one qualifier advanced at most one payment: more paid than earned after a raised
    # `every` were earned by the others under the terms of their day, and stand (and no
    # reversal takes back what the ended queue paid from its reserve: `start`)
    if not ended and paid > earned(params, qualified, start):
        # the paid claims are the first live ones: the latest is the one before the head
        head = next(iter(book.queue(zone, MODE)), None)
        latest = book.paid_before(zone, MODE, None if head is None else head.seq)
        if latest is not None:
            run.restore(zone, MODE, latest, latest.member, latest.amount)
            paid -= 1
    book.set_counter(zone, MODE, "qualified", qualified)
    book.set_counter(zone, MODE, "paid", paid)
    pay_due(run, zone, params, ended=ended)


def uncount(run: Run, zone: str, params: ThreeForOneParams, effect: Effect, *, ended: bool) -> None:
    """A reversed order of a cumulative total: if the total had qualified, its claim is
    undone and what the other orders counted joins the member's open total (which may
    qualify now); otherwise the open total just counts less."""
    book, member = run.book, effect.member
    batch = effect.seq
    while into := book.counter(zone, MODE, f"into:{member}:{batch}"):
        batch = into - 1  # a total undone earlier moved its parts on
    total = book.counter(zone, MODE, f"total:{member}:{batch}") - effect.amount
    seq = book.counter(zone, MODE, f"claim:{member}:{batch}")
    if not seq:
        book.set_counter(zone, MODE, f"total:{member}:{batch}", total)
        return
    claim = book.claim(zone, MODE, seq)
    if claim is not None and not claim.void:
        unqualify(run, zone, params, claim, ended=ended)
    book.set_counter(zone, MODE, f"total:{member}:{batch}", 0)
    current = book.counter(zone, MODE, f"batch:{member}")
    book.set_counter(zone, MODE, f"into:{member}:{batch}", current + 1)
    now = book.counter(zone, MODE, f"total:{member}:{current}") + total
    book.set_counter(zone, MODE, f"total:{member}:{current}", now)
    if now >= params.threshold:
        _qualify(run, zone, params, member, now, current)
        pay_due(run, zone, params, ended=ended)
