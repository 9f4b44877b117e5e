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


# A day's state, kept in the zone's counters between the parts of a day run in parts.
PHASE = "day.phase"  # 0: no day under way; then CLAIMS, PAY, ACCELERATE
CURSOR = "day.cursor"  # the last claim (CLAIMS) or tally place (PAY, ACCELERATE) done
UPTO = "day.upto"  # the last claim made before the day began: the day's claims
AVAILABLE = "day.available"  # what the reserve can still pay today (-1: backed)
CLAIMS, PAY, ACCELERATE = 1, 2, 3


def release(run: Run, zone: str, params: GreenParams) -> None:
    """A day: every order's release, then the accelerations they earn the uplines."""
    begin(run, zone, params)
    while not step(run, zone, params, None):
        pass


def begin(run: Run, zone: str, params: GreenParams) -> None:
    """Start a day's releases: the claims made so far are the day's (an order placed
    while the day runs in parts releases from the next day on), and what the reserve can
    pay them is what it holds now."""
    book = run.book
    book.set_counter(zone, MODE, UPTO, book.counter(zone, MODE, "seq"))
    available = -1 if params.terms.backed else max(0, reserve(run.ledger, zone, MODE))
    book.set_counter(zone, MODE, AVAILABLE, available)
    book.set_counter(zone, MODE, CURSOR, 0)
    book.set_counter(zone, MODE, PHASE, CLAIMS)


def under_way(run: Run, zone: str) -> bool:
    """Whether a day in parts has releases still to do."""
    return run.book.counter(zone, MODE, PHASE) != 0


def step(run: Run, zone: str, params: GreenParams, size: int | None) -> bool:
    """The next `size` claims or members of the day (None: the rest of the phase), in
    three phases: each claim's release is counted (CLAIMS), each member paid what their
    claims released (PAY), then each member's release accelerates their uplines
    (ACCELERATE), which needs every release done first. Returns whether the day's
    releases are all done. Parts of any size give the same entries as one."""
    book = run.book
    phase, cursor = book.counter(zone, MODE, PHASE), book.counter(zone, MODE, CURSOR)
    upto = book.counter(zone, MODE, UPTO)
    if phase == CLAIMS:
        cursor, done = _count(run, zone, cursor, upto, size)
    else:
        tallied = book.tallied(zone, MODE, cursor, size)
        done = size is None or len(tallied) < size
        members = [one.member for one in tallied]
        if phase == PAY:
            run.prefetch_payees(members)
            for one in tallied:
                units = one.units
                run.pay(
                    zone, MODE, one.member, one.fen, params.terms, RULE, "release", {}, units=units
                )
        else:
            _prefetch_earners(run, zone, params, members)
            for one in tallied:
                _accelerate(run, zone, params, one.member, one.fen, upto)
            if tallied:
                book.clear_tally(zone, MODE, tallied[-1].seq)
        if tallied:
            cursor = tallied[-1].seq
    if done:
        phase, cursor = (phase + 1) % (ACCELERATE + 1), 0
        book.set_counter(zone, MODE, PHASE, phase)
    book.set_counter(zone, MODE, CURSOR, cursor)
    return phase == 0


def _count(run: Run, zone: str, cursor: int, upto: int, size: int | None) -> tuple[int, bool]:
    """Release the day's claims after `cursor`, `size` of them: returns the last one
    done and whether none is left."""
    book = run.book
    available = book.counter(zone, MODE, AVAILABLE)
    done = True
    for counted, claim in enumerate(book.queue(zone, MODE, cursor, size)):
        if claim.seq > upto:
            break  # made while the day ran: released from the next day on
        if size is not None and counted >= size:
            done = False
            break
        units = min(claim.daily, claim.left)
        fen = units // UNITS_PER_FEN
        if available >= 0 and fen > available:
            fen, units = available, available * UNITS_PER_FEN
        if units <= 0:
            break  # the reserve is empty: later orders wait with the rest
        if available >= 0:
            available -= fen
        book.save(zone, MODE, claim._replace(left=claim.left - units))
        book.tally(zone, MODE, claim.member, claim.seq, fen, units)
        cursor = claim.seq
    book.set_counter(zone, MODE, AVAILABLE, available)
    return cursor, done


def _prefetch_earners(run: Run, zone: str, params: GreenParams, members: list[str]) -> None:
    depth = None if params.team else len(params.acceleration)
    run.network.prefetch(members, depth)
    earners = {upline for member in members for upline, _ in run.network.uplines(member, depth)}
    run.book.prefetch(zone, MODE, earners)
    run.prefetch_payees(earners)


def _accelerate(run: Run, zone: str, params: GreenParams, member: str, fen: int, upto: int) -> None:
    uplines = run.network.uplines(member, None if params.team else len(params.acceleration))
    for depth, ((upline, _), rate) in enumerate(zip(uplines, params.acceleration, strict=False)):
        _give(run, zone, params, upline, scaled(rate, fen), member, f"level {depth + 1}", upto)
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
            _give(run, zone, params, upline, last, member, f"star {level}", upto)
            given, paid_level, peer_open = ranked, level, params.peer is not None
        elif peer_open and level == paid_level and params.peer is not None:
            why = f"peer {level}"
            _give(run, zone, params, upline, scaled(params.peer, last), member, why, upto)
            peer_open = False
        if given >= top and not peer_open:
            break


def _give(
    run: Run,
    zone: str,
    params: GreenParams,
    earner: str,
    fen: int,
    source: str,
    why: str,
    upto: int,
) -> None:
    """Release up to `fen` of the earner's own points early, oldest order first, from
    the claims made before the day began."""
    claims = [claim for claim in run.book.claims(zone, MODE, earner) if claim.seq <= upto]
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
