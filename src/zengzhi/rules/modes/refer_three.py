"""A. Refer three, refund one (推三返一, seed 003).

A qualifying purchase makes its buyer a consumer-merchant (消费商) at that package's
price. Each later qualifying purchase by a member the buyer referred directly refunds the
buyer a share of that price by a cycling schedule: 10%, 20%, 70%, then 10% again. The
refund is a claim paid at once (or over `release_days` days) out of the mode's reserve;
what the reserve cannot pay yet waits, first in first out, for the daily run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from zengzhi.core.amounts import Ratio
from zengzhi.rules.modes.common import NO_TERMS, Run, Terms, fen_text, in_batches, scaled

MODE = "refer_three"
RULE = "modes.refer_three"


@dataclass(frozen=True)
class ReferThreeParams:
    schedule: tuple[Ratio, ...] = (Ratio("0.10"), Ratio("0.20"), Ratio("0.70"))
    rounds: int | None = None  # None: the schedule cycles for ever
    base: Literal["package", "order"] = "package"
    release_days: int = 0  # 0: paid at once
    terms: Terms = NO_TERMS


def purchase(run: Run, zone: str, params: ReferThreeParams, member: str, amount: int) -> None:
    """A qualifying purchase of `amount` fen by `member` in the zone."""
    book = run.book
    run.fund(zone, MODE, params.terms, amount, RULE)
    if not book.counter(zone, MODE, f"package:{member}"):
        book.set_counter(zone, MODE, f"package:{member}", amount)
    referrer = run.network.referrer(member)
    package = book.counter(zone, MODE, f"package:{referrer}") if referrer else 0
    if referrer is None or not package:  # no referrer, or one who is no consumer-merchant
        _pay_at_once(run, zone, params)
        return
    # The zone is locked while this runs, so two referrals never get the same position.
    position = book.counter(zone, MODE, f"referrals:{referrer}")
    if params.rounds is not None and position >= params.rounds * len(params.schedule):
        _pay_at_once(run, zone, params)
        return
    book.set_counter(zone, MODE, f"referrals:{referrer}", position + 1)
    rate = params.schedule[position % len(params.schedule)]
    base = package if params.base == "package" else amount
    refund = scaled(rate, base)
    days = params.release_days
    daily = -(-refund // days) if days else refund
    run.issue(
        zone,
        MODE,
        referrer,
        refund,
        RULE,
        {
            "referral": str(position + 1),
            "rate": rate.text,
            "base": fen_text(base),
            "from": member,
        },
        daily=daily,
        kind="refund_promised",
    )
    _pay_at_once(run, zone, params)


def _pay_at_once(run: Run, zone: str, params: ReferThreeParams) -> None:
    """Refunds paid at once are paid with every purchase, oldest first, as far as the
    reserve goes; refunds released daily wait for the daily run."""
    if not params.release_days:
        release(run, zone, params)


def release(run: Run, zone: str, params: ReferThreeParams) -> None:
    """Pay refunds due, oldest first, as far as the reserve goes."""
    for batch in in_batches(run.book.queue(zone, MODE)):
        run.prefetch_payees(claim.member for claim in batch)
        for claim in batch:
            fen = run.affordable(zone, MODE, min(claim.daily, claim.left), params.terms)
            if fen <= 0:
                return
            run.pay(
                zone,
                MODE,
                claim.member,
                fen,
                params.terms,
                RULE,
                "refund",
                {"claim": str(claim.seq)},
                units=fen,
            )
            run.book.save(zone, MODE, claim._replace(left=claim.left - fen))
