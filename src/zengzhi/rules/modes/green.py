"""D. Green points, full subsidy (绿色积分消费全补贴, seed 004).

A membership package gives green points at a multiple of its amount (3,000 → 9,000).
Each order's points release on their own, each day, 1.2% of that order's amount, into
the wallet at 1 point = 1 yuan, until they are used up (3,000 → 36 a day; a second order
of 9,000 adds 108; when the first is used up, 108 remain).

Acceleration: when a member releases R in a day, the direct referrer gets 50% of R and
the second level 30%, and uplines with a star level get the differential of their
level's rate (spec 02), and with `peer` the first upline of the same level as the
nearest one paid a share of what it got (平级) — each taken from the earner's own
unreleased points, oldest order first, so it speeds the earner up and is never more
than the earner still has.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from zengzhi.core.amounts import Ratio
from zengzhi.rules.modes.common import (
    NO_TERMS,
    UNITS_PER_FEN,
    Run,
    Terms,
    fen_text,
    reserve,
    scaled,
)

MODE = "green"
RULE = "modes.green"


@dataclass(frozen=True)
class GreenParams:
    multiple: Ratio = Ratio("3")
    daily: Ratio = Ratio("0.012")  # of the order's amount, each day
    acceleration: tuple[Ratio, ...] = (Ratio("0.5"), Ratio("0.3"))
    team: tuple[Ratio, ...] = ()  # the rate of star levels 1, 2, … (differential)
    terms: Terms = NO_TERMS
    # 平级 (seed 004 三): the first upline of the same level as the nearest one paid gets
    # this share of what that one got, once (paying every same-level upline overpays)
    peer: Ratio | None = None


def purchase(
    run: Run,
    zone: str,
    params: GreenParams,
    member: str,
    amount: int,
    multiple: Ratio | None,
    boost: Ratio | None,
) -> None:
    run.fund(zone, MODE, params.terms, amount, RULE)
    used = multiple or params.multiple
    units = scaled(used, amount * UNITS_PER_FEN)
    if boost is not None:
        units = scaled(boost, units)
    daily = scaled(params.daily, amount) * UNITS_PER_FEN  # whole fen a day
    run.issue(
        zone,
        MODE,
        member,
        units,
        RULE,
        {"multiple": used.text, "base": fen_text(amount), "daily": fen_text(daily // 100)},
        daily=max(daily, UNITS_PER_FEN),
        kind="green_points",
    )


def release(run: Run, zone: str, params: GreenParams) -> None:
    """A day: every order's release, then the accelerations they earn the uplines."""
    available = None if params.terms.backed else max(0, reserve(run.ledger, zone, MODE))
    released: dict[str, list[int]] = {}  # member → [fen, units]
    for claim in run.book.queue(zone, MODE):
        units = min(claim.daily, claim.left)
        fen = units // UNITS_PER_FEN
        if available is not None and fen > available:
            fen, units = available, available * UNITS_PER_FEN
        if units <= 0:
            break  # the reserve is empty: later orders wait with the rest
        if available is not None:
            available -= fen
        run.book.save(zone, MODE, claim._replace(left=claim.left - units))
        total = released.setdefault(claim.member, [0, 0])
        total[0] += fen
        total[1] += units
    run.prefetch_payees(released)
    run.network.prefetch(released, None if params.team else len(params.acceleration))
    for member, (fen, units) in released.items():
        run.pay(zone, MODE, member, fen, params.terms, RULE, "release", {}, units=units)
    for member, (fen, _) in released.items():
        _accelerate(run, zone, params, member, fen)


def _accelerate(run: Run, zone: str, params: GreenParams, member: str, fen: int) -> None:
    uplines = run.network.uplines(member, None if params.team else len(params.acceleration))
    for depth, ((upline, _), rate) in enumerate(zip(uplines, params.acceleration, strict=False)):
        _give(run, zone, params, upline, scaled(rate, fen), member, f"level {depth + 1}")
    if not params.team:
        return
    top = max(rate.fraction for rate in params.team)
    given = Fraction(0)
    paid_level, last, peer_open = 0, 0, False
    for upline, star in uplines:
        if star <= 0:
            continue
        level = min(star, len(params.team))
        ranked = params.team[level - 1].fraction
        if ranked > given:
            last = scaled(ranked - given, fen)
            _give(run, zone, params, upline, last, member, f"star {level}")
            given, paid_level, peer_open = ranked, level, params.peer is not None
        elif peer_open and level == paid_level and params.peer is not None:
            _give(run, zone, params, upline, scaled(params.peer, last), member, f"peer {level}")
            peer_open = False
        if given >= top and not peer_open:
            break


def _give(
    run: Run, zone: str, params: GreenParams, earner: str, fen: int, source: str, why: str
) -> None:
    """Release up to `fen` of the earner's own points early, oldest order first."""
    claims = run.book.claims(zone, MODE, earner)
    own = sum(claim.left for claim in claims)
    fen = run.affordable(zone, MODE, min(fen, own // UNITS_PER_FEN), params.terms)
    if fen <= 0:
        return
    run.take(zone, MODE, earner, fen * UNITS_PER_FEN, claims)
    run.pay(
        zone,
        MODE,
        earner,
        fen,
        params.terms,
        RULE,
        "acceleration",
        {"from": source, "as": why},
        units=fen * UNITS_PER_FEN,
    )
