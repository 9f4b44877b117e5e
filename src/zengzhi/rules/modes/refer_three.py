"""A. Refer three, refund one (推三返一, seed 003).

A qualifying purchase makes its buyer a consumer-merchant (消费商) at that package's
price. Each later qualifying purchase by a member the buyer referred directly takes a
place in the buyer's cycle and refunds the buyer a share of the package's price by the
place's rate: 10%, 20%, 70%, then 10% again. By default each referred member counts once
a cycle, with the first qualifying purchase ("推荐三个人": people, not purchases); with
`count = "purchases"` every purchase counts. The refund is a claim paid at once (or over
`release_days` days, each day's share rounded down) out of the mode's reserve; what the
reserve cannot pay yet waits, first in first out, for the daily run — whole, or in part
as the reserve allows (`partial`).

A reversed referee purchase gives its place back (the next referral takes the lowest
free place) and its refund is voided, unless (counting people) another purchase of the
referee's in that cycle stands by: it holds the place in its stead. A reversed package
ends the consumer-merchant status: every refund earned on it is voided, and the cycle
starts afresh with the next package. The places and the package are counted per
package ("generation").
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b
from typing import Literal

from zengzhi.core.amounts import Ratio
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
    share_due,
)

MODE = "refer_three"
RULE = "modes.refer_three"


@dataclass(frozen=True)
class ReferThreeParams:
    schedule: tuple[Ratio, ...] = (Ratio("0.10"), Ratio("0.20"), Ratio("0.70"))
    rounds: int | None = None  # None: the schedule cycles for ever
    base: Literal["package", "order"] = "package"
    release_days: int = 0  # 0: paid at once
    terms: Terms = NO_TERMS
    count: Literal["people", "purchases"] = "people"
    partial: bool = True  # a refund the reserve cannot pay whole is paid in part


def purchase(run: Run, zone: str, params: ReferThreeParams, member: str, amount: int) -> None:
    """A qualifying purchase of `amount` fen by `member` in the zone."""
    book = run.book
    run.fund(zone, MODE, params.terms, amount, RULE)
    package = book.counter(zone, MODE, f"package:{member}")
    if not package:
        generation = book.counter(zone, MODE, f"generation:{member}") + 1
        book.set_counter(zone, MODE, f"generation:{member}", generation)
        book.set_counter(zone, MODE, f"package:{member}", amount)
        run.effects.append(Effect("package", zone, MODE, member, amount, generation))
    elif amount == package:  # the same package again: it keeps the status if one goes
        generation = book.counter(zone, MODE, f"generation:{member}")
        key = _package_standby_key(member, generation)
        book.set_counter(zone, MODE, key, book.counter(zone, MODE, key) + 1)
        run.effects.append(Effect("package_standby", zone, MODE, member, amount, generation))
    referrer = run.network.referrer(member)
    package = book.counter(zone, MODE, f"package:{referrer}") if referrer else 0
    if referrer is not None and package:  # a referrer who is a consumer-merchant
        _refund(run, zone, params, referrer, package, member, amount)
    if not params.release_days:  # refunds paid at once go out with every purchase
        release(run, zone, params)


def _refund(
    run: Run,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    package: int,
    member: str,
    amount: int,
) -> None:
    # The zone is locked while this runs, so two referrals never get the same place.
    generation = run.book.counter(zone, MODE, f"generation:{referrer}")
    place = _take_place(run.book, zone, params, referrer, generation, member)
    if place is None:
        _stand_by(run, zone, params, referrer, generation, member)
        return
    rate = params.schedule[place % len(params.schedule)]
    base = package if params.base == "package" else amount
    refund = scaled(rate, base)
    days = params.release_days
    claim = run.issue(
        zone,
        MODE,
        referrer,
        refund,
        RULE,
        {"referral": str(place + 1), "rate": rate.text, "base": fen_text(base), "from": member},
        daily=max(refund // days, 1) if days else refund,
        days=days,
        kind="refund_promised",
        ref=f"{generation}:{place}",
        cause=member,
    )
    if claim is None:
        # The refund rounds down to nothing (a rate of a 0.01 order): the purchase holds
        # its place all the same, and a reversal must give it back (`unplace`).
        run.effects.append(
            Effect("place", zone, MODE, referrer, 0, place, f"{generation}:{member}")
        )


def _key(referrer: str, generation: int, what: str) -> str:
    return f"{what}:{referrer}:{generation}"


def _stand_by(
    run: Run, zone: str, params: ReferThreeParams, referrer: str, generation: int, member: str
) -> None:
    """Counting people, a referee's further purchase in a cycle where they hold a place
    takes none, but stands by: if the purchase that holds the place is reversed, this one
    holds it in its stead (the refund stands), so that reversing either of two equal
    purchases ends the same (spec 03). Not with `base = "order"`: the refund was
    reckoned on the reversed order's amount."""
    size = len(params.schedule)
    cycle = run.book.counter(zone, MODE, _key(referrer, generation, "places")) // size
    if params.count != "people" or params.base != "package":
        return
    if not _held(run.book, zone, referrer, generation, member, cycle, size):
        return  # the rounds are over: nothing to stand by for
    key = _standby_key(referrer, generation, member, cycle)
    run.book.set_counter(zone, MODE, key, run.book.counter(zone, MODE, key) + 1)
    run.effects.append(Effect("standby", zone, MODE, referrer, 0, cycle, f"{generation}:{member}"))


def _standby_key(referrer: str, generation: int, referee: str, cycle: int) -> str:
    digest = blake2b(referee.encode(), digest_size=12).hexdigest()
    return f"{_key(referrer, generation, 'standby')}:{cycle}:{digest}"


def _holder_key(referrer: str, generation: int, referee: str, cycle: int) -> str:
    """The claim (its seq + 1) a stand-by purchase holds for the referee in `cycle`."""
    digest = blake2b(referee.encode(), digest_size=12).hexdigest()
    return f"{_key(referrer, generation, 'holder')}:{cycle}:{digest}"


def _live(book: ClaimBook, zone: str, referrer: str, generation: int) -> bool:
    """Whether `generation` is the referrer's package, and it stands."""
    current = book.counter(zone, MODE, f"generation:{referrer}")
    return generation == current and bool(book.counter(zone, MODE, f"package:{referrer}"))


def _take_place(
    book: ClaimBook,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    generation: int,
    referee: str,
) -> int | None:
    """The place (0 = first) a referral takes in the referrer's cycles: the lowest place
    a reversal freed, else the next; None when the rounds are over or, counting people,
    the referee holds a place in that cycle already. A cycle is the schedule's length of
    places as the schedule stands now: a schedule changed part-way counts its cycles from
    the places already filled (docs/modes.md), so what a referee holds is kept by place,
    not by cycle."""
    size = len(params.schedule)
    people = params.count == "people"
    places = _key(referrer, generation, "places")
    fresh = book.counter(zone, MODE, places)
    if book.counter(zone, MODE, _key(referrer, generation, "free")):
        for place in range(fresh):
            freed = f"{_key(referrer, generation, 'freed')}:{place}"
            if book.counter(zone, MODE, freed) and not (
                people and _held(book, zone, referrer, generation, referee, place // size, size)
            ):
                book.set_counter(zone, MODE, freed, 0)
                _count_free(book, zone, referrer, generation, -1)
                _hold(book, zone, referrer, generation, referee, place, 1)
                return place
    if params.rounds is not None and fresh >= params.rounds * size:
        return None
    if people and _held(book, zone, referrer, generation, referee, fresh // size, size):
        return None  # a member counts once a cycle
    book.set_counter(zone, MODE, places, fresh + 1)
    _hold(book, zone, referrer, generation, referee, fresh, 1)
    return fresh


def _held_key(referrer: str, generation: int, referee: str, cycle: int) -> str:
    """A referee's hold on a cycle, as kept before holds were kept by place: read (and
    released) under the schedule's length, which is right while it never changed."""
    return f"{_key(referrer, generation, 'held')}:{cycle}:{referee}"


def _place_key(referrer: str, generation: int, referee: str, place: int) -> str:
    """The referee is named by a digest: two member ids of 128 characters would not fit
    a counter's key (200 characters in SQL)."""
    digest = blake2b(referee.encode(), digest_size=12).hexdigest()
    return f"{_key(referrer, generation, 'at')}:{place}:{digest}"


def _held(
    book: ClaimBook,
    zone: str,
    referrer: str,
    generation: int,
    referee: str,
    cycle: int,
    size: int,
) -> bool:
    """Whether the referee holds a place in `cycle`, places `cycle × size` to the next."""
    if book.counter(zone, MODE, _held_key(referrer, generation, referee, cycle)):
        return True
    return any(
        book.counter(zone, MODE, _place_key(referrer, generation, referee, place))
        for place in range(cycle * size, (cycle + 1) * size)
    )


def _hold(
    book: ClaimBook,
    zone: str,
    referrer: str,
    generation: int,
    referee: str,
    place: int,
    value: int,
) -> None:
    """Note (1) or forget (0) that the referee holds `place`."""
    book.set_counter(zone, MODE, _place_key(referrer, generation, referee, place), value)


def _count_free(book: ClaimBook, zone: str, referrer: str, generation: int, step: int) -> None:
    key = _key(referrer, generation, "free")
    book.set_counter(zone, MODE, key, book.counter(zone, MODE, key) + step)


def unclaim(run: Run, zone: str, claim: Claim, referee: str, size: int) -> None:
    """A referee's purchase was reversed: its refund is voided and its place is free,
    unless another purchase of the referee's stands by in that cycle: that one holds the
    place now, and the same refund is owed on it (paid at the next release)."""
    generation, _, place_text = claim.ref.partition(":")
    run.void(zone, MODE, claim)
    if place_text and _live(run.book, zone, claim.member, int(generation)):
        cycle = int(place_text) // size
        standby = _standby_key(claim.member, int(generation), referee, cycle)
        waiting = run.book.counter(zone, MODE, standby)
        if waiting:
            # the reversed purchase's refund is void (what it paid taken back); the
            # standing-by purchase's, for the same place, is owed in its stead: no
            # claim of a reversed order pays on
            run.book.set_counter(zone, MODE, standby, waiting - 1)
            again = run.issue(
                zone,
                MODE,
                claim.member,
                claim.amount,
                RULE,
                {
                    "referral": str(int(place_text) + 1),
                    "from": referee,
                    "instead_of": str(claim.seq),
                },
                daily=claim.daily,
                days=claim.days,
                kind="refund_promised",
                ref=claim.ref,
                cause="-",  # the standing-by purchase undoes it (`unstandby`)
            )
            if again is not None:
                holder = _holder_key(claim.member, int(generation), referee, cycle)
                run.book.set_counter(zone, MODE, holder, again.seq + 1)
            return
    if not place_text:
        return  # a claim made before places were kept
    _free(run.book, zone, claim.member, int(generation), int(place_text), referee, size)


def unstandby(run: Run, zone: str, effect: Effect, size: int) -> None:
    """A purchase that stood by was reversed: one fewer stands by; or, if it held the
    place in the stead of a reversed one, the place and its refund go as that one's
    would (`effect`: the referrer, the cycle as `seq`, "generation:referee" as `ref`)."""
    generation, _, referee = effect.ref.partition(":")
    book = run.book
    if not _live(book, zone, effect.member, int(generation)):
        return  # that package was reversed: its refunds went with it
    standby = _standby_key(effect.member, int(generation), referee, effect.seq)
    waiting = book.counter(zone, MODE, standby)
    if waiting:
        book.set_counter(zone, MODE, standby, waiting - 1)
        return
    holder = _holder_key(effect.member, int(generation), referee, effect.seq)
    seq = book.counter(zone, MODE, holder)
    if not seq:
        return
    book.set_counter(zone, MODE, holder, 0)
    claim = book.claim(zone, MODE, seq - 1)
    if claim is not None and not claim.void:
        unclaim(run, zone, claim, referee, size)


def unplace(run: Run, zone: str, effect: Effect, size: int) -> None:
    """A referee's purchase whose refund rounded down to nothing was reversed: its place
    is free (`effect`: the referrer, the place as `seq`, "generation:referee" as `ref`)."""
    generation, _, referee = effect.ref.partition(":")
    _free(run.book, zone, effect.member, int(generation), effect.seq, referee, size)


def _free(
    book: ClaimBook,
    zone: str,
    referrer: str,
    generation: int,
    place: int,
    referee: str,
    size: int,
) -> None:
    """Give a referral's place back: the next referral takes the lowest free place, and
    the referee holds no place in that cycle any more."""
    current = book.counter(zone, MODE, f"generation:{referrer}")
    if generation != current or not book.counter(zone, MODE, f"package:{referrer}"):
        return  # that package was reversed: its cycle is over
    _hold(book, zone, referrer, current, referee, place, 0)
    held = _held_key(referrer, current, referee, place // size)  # a hold kept by cycle
    if book.counter(zone, MODE, held):
        book.set_counter(zone, MODE, held, book.counter(zone, MODE, held) - 1)
    places = _key(referrer, current, "places")
    book.set_counter(zone, MODE, f"{_key(referrer, current, 'freed')}:{place}", 1)
    _count_free(book, zone, referrer, current, 1)
    fresh = book.counter(zone, MODE, places)
    while fresh and book.counter(zone, MODE, f"{_key(referrer, current, 'freed')}:{fresh - 1}"):
        fresh -= 1  # free places at the end are simply not taken yet
        book.set_counter(zone, MODE, f"{_key(referrer, current, 'freed')}:{fresh}", 0)
        _count_free(book, zone, referrer, current, -1)
    book.set_counter(zone, MODE, places, fresh)


def _package_standby_key(member: str, generation: int) -> str:
    return f"package_standby:{member}:{generation}"


def unpackage(run: Run, zone: str, member: str, generation: int) -> None:
    """The member's package (or the same package bought again: `package_standby`) was
    reversed: no longer a consumer-merchant (until a new package), and every refund
    earned on the package is voided — the refunds were its price coming back, and the
    buyer has the whole price back now. Unless another purchase of the same package
    stands: it holds the status, and the refunds stand (reversing either of two equal
    packages ends the same)."""
    book = run.book
    if book.counter(zone, MODE, f"generation:{member}") != generation:
        return  # an older package: its refunds went when it was replaced
    if not book.counter(zone, MODE, f"package:{member}"):
        return
    standby = _package_standby_key(member, generation)
    waiting = book.counter(zone, MODE, standby)
    if waiting:
        book.set_counter(zone, MODE, standby, waiting - 1)
        return
    book.set_counter(zone, MODE, f"package:{member}", 0)
    for claim in book.history(zone, MODE, member):
        if not claim.void and claim.ref.partition(":")[0] == str(generation):
            run.void(zone, MODE, claim)


def release(run: Run, zone: str, params: ReferThreeParams) -> None:
    """Pay refunds due, oldest first, as far as the reserve goes: a refund the reserve
    cannot pay whole waits whole unless the zone pays in part (`partial`)."""
    for batch in in_batches(run.book.queue(zone, MODE)):
        run.prefetch_payees(claim.member for claim in batch)
        for claim in batch:
            due = share_due(claim) if claim.days else min(claim.daily, claim.left)
            fen = run.affordable(zone, MODE, due, params.terms)
            if fen <= 0 or (fen < due and not params.partial):
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
