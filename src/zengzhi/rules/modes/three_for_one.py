"""F. Three-for-one queue (排队补贴 2.0 / 进三补一, seed 004).

An order qualifies when its amount in the zone reaches the threshold (900 and 600 do not,
and do not add up unless `cumulative`). Qualifying orders join a queue, each owed
`rate` × its amount. Every `every` (3) orders that qualify after the first unpaid one pay
that one and it leaves the queue: the 4th qualifier pays the 1st, the 7th the 2nd. A
payment the reserve cannot make yet waits, in order, for the money.
"""

from __future__ import annotations

from dataclasses import dataclass

from zengzhi.core.amounts import Ratio
from zengzhi.rules.modes.common import NO_TERMS, Run, Terms, fen_text, scaled

MODE = "three_for_one"
RULE = "modes.three_for_one"


@dataclass(frozen=True)
class ThreeForOneParams:
    threshold: int = 100_000  # fen
    rate: Ratio = Ratio("0.7")
    every: int = 3
    cumulative: bool = False
    terms: Terms = NO_TERMS


def purchase(run: Run, zone: str, params: ThreeForOneParams, member: str, amount: int) -> None:
    book = run.book
    run.fund(zone, MODE, params.terms, amount, RULE)
    if params.cumulative:
        amount += book.counter(zone, MODE, f"spent:{member}")
        book.set_counter(zone, MODE, f"spent:{member}", 0 if amount >= params.threshold else amount)
    if amount < params.threshold:
        return
    waiting = next(iter(book.queue(zone, MODE)), None) is not None
    run.issue(
        zone,
        MODE,
        member,
        scaled(params.rate, amount),
        RULE,
        {"rate": params.rate.text, "base": fen_text(amount)},
        kind="subsidy_promised",
    )
    if waiting:  # the first unpaid order does not count towards its own payment
        since = book.counter(zone, MODE, "since") + 1
        if since >= params.every:
            since = 0
            book.set_counter(zone, MODE, "due", book.counter(zone, MODE, "due") + 1)
        book.set_counter(zone, MODE, "since", since)
    pay_due(run, zone, params)


def pay_due(run: Run, zone: str, params: ThreeForOneParams) -> None:
    """Pay the heads of the queue that have earned it, as far as the money goes."""
    book = run.book
    due = book.counter(zone, MODE, "due")
    for claim in book.queue(zone, MODE):
        if due <= 0 or run.affordable(zone, MODE, claim.left, params.terms) < claim.left:
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
        due -= 1
    book.set_counter(zone, MODE, "due", due)
