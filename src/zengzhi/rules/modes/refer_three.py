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

A referee purchase that takes no place (counting people, its referee holds one in the
cycle; or the rounds are over) waits. A reversed referee purchase's refund is voided
and its place goes to the first purchase waiting that could have taken it (the lowest
free places to the earliest purchases waiting, whichever reversal came first), else to
the next referral. A reversed package ends the consumer-merchant status unless a
further package of the buyer's stands: the first holds the status at its own price,
as if the reversed one had never been bought (`base = "package"` refunds are reckoned
again on that price). Without one, every refund earned on the package is voided, and
the cycle starts afresh with the next package. The places and the package are counted
per package ("generation"). docs/modes.md, "A. Refer three".
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b
from typing import Literal, NamedTuple

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
    else:  # a further package: it keeps the status, at its own price, if the first goes
        generation = book.counter(zone, MODE, f"generation:{member}")
        slot = book.counter(zone, MODE, _package_key(member, generation, "waits")) + 1
        book.set_counter(zone, MODE, _package_key(member, generation, "waits"), slot)
        book.set_counter(zone, MODE, _package_key(member, generation, f"wait:{slot}"), amount)
        run.effects.append(
            Effect("package_standby", zone, MODE, member, amount, generation, str(slot))
        )
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
    book = run.book
    fresh = book.counter(zone, MODE, _key(referrer, generation, "places"))
    place = _take_place(book, zone, params, referrer, generation, member)
    if place is None:
        _wait(run, zone, referrer, generation, member, amount, fresh)
        return
    # the purchases that waited before this one: none of them holds the place in its
    # stead if it is reversed (`_inherit` takes only later ones); 0 needs no write, a
    # place's `after` being 0 once its holder is gone (`_vacate`)
    waited = _get(book, zone, _key(referrer, generation, "waits"))
    if waited:
        book.set_counter(zone, MODE, _at(referrer, generation, "after", place), waited)
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
        ref=_place_ref(generation, place, amount if params.base == "order" else None),
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


def _at(referrer: str, generation: int, what: str, n: int) -> str:
    """A place's or a waiting purchase's counter: `by` which waiting purchase holds
    place n (0: the purchase that took it), `claim` its refund when a reversal made it
    (the claim's seq + 1; −1: it rounded down to nothing; 0: the purchase's own); a
    waiting purchase's `amount` (0: reversed), `id` and `id2` (its referee's digest, in
    halves), `limit` (the places it may take are below), `place` (+ 1; 0: waiting) and
    `fixed` (1: it holds the place in a reversed purchase's stead); a place's `after`:
    how many purchases had waited when a referral took it directly."""
    return f"{_key(referrer, generation, what)}:{n}"


def _digest(referee: str) -> str:
    """A referee as the counters name them (`_place_key`)."""
    return blake2b(referee.encode(), digest_size=12).hexdigest()


def _set(book: ClaimBook, zone: str, key: str, value: int) -> None:
    if value or book.counter(zone, MODE, key):
        book.set_counter(zone, MODE, key, value)


def _get(book: ClaimBook, zone: str, key: str) -> int:
    return book.counter(zone, MODE, key)


def _wait(
    run: Run, zone: str, referrer: str, generation: int, member: str, amount: int, fresh: int
) -> None:
    """A referee purchase that takes no place (the referee holds one in the cycle,
    counting people, or the rounds are over) waits: when a place it could have taken
    is freed, the first purchase waiting takes it (`_settle`), so that a reversed
    purchase counts as if it had never been made (docs/modes.md). It may take the places
    there were when it was bought (`fresh`), no later ones."""
    book = run.book
    count = _key(referrer, generation, "waits")
    slot = _get(book, zone, count) + 1
    book.set_counter(zone, MODE, count, slot)
    live = _key(referrer, generation, "waiting")
    book.set_counter(zone, MODE, live, _get(book, zone, live) + 1)
    book.set_counter(zone, MODE, _at(referrer, generation, "amount", slot), amount)
    digest = _digest(member)  # 96 bits: two counters' values of 48
    book.set_counter(zone, MODE, _at(referrer, generation, "id", slot), int(digest[:12], 16))
    book.set_counter(zone, MODE, _at(referrer, generation, "id2", slot), int(digest[12:], 16))
    book.set_counter(zone, MODE, _at(referrer, generation, "limit", slot), fresh)
    mine = _mine_key(referrer, generation, digest)  # the referee's, for `_inherit`
    nth = _get(book, zone, mine) + 1
    book.set_counter(zone, MODE, mine, nth)
    book.set_counter(zone, MODE, f"{mine}:{nth}", slot)
    run.effects.append(
        Effect("waiting", zone, MODE, referrer, amount, slot, f"{generation}:{member}")
    )


def _mine_key(referrer: str, generation: int, digest: str) -> str:
    """How many purchases of the referee's waited (`:n`, the n-th one's number)."""
    return f"{_key(referrer, generation, 'mine')}:{digest}"


def _moving(book: ClaimBook, zone: str, referrer: str, generation: int, step: int) -> None:
    """Count the places waiting purchases hold that `_settle` may move."""
    key = _key(referrer, generation, "moving")
    book.set_counter(zone, MODE, key, _get(book, zone, key) + step)


def _standby_key(referrer: str, generation: int, referee: str, cycle: int) -> str:
    """A stand-by purchase before 2026-12-05's waiting ones: counted per referee and
    cycle (they only stood by with `base = "package"`, at the package's price)."""
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
    return _place_key_of(referrer, generation, _digest(referee), place)


def _place_key_of(referrer: str, generation: int, digest: str, place: int) -> str:
    return f"{_key(referrer, generation, 'at')}:{place}:{digest}"


def _referee(book: ClaimBook, zone: str, referrer: str, generation: int, slot: int) -> str:
    """The digest of a waiting purchase's referee."""
    high = _get(book, zone, _at(referrer, generation, "id", slot))
    low = _get(book, zone, _at(referrer, generation, "id2", slot))
    return f"{high:012x}{low:012x}"


def _held(
    book: ClaimBook,
    zone: str,
    referrer: str,
    generation: int,
    referee: str,
    cycle: int,
    size: int,
) -> bool:
    """Whether the referee holds a place in `cycle`, places `cycle × size` to the next
    (taken by a purchase of theirs, or by one that waited)."""
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


def _ref(claim: Claim) -> tuple[int, int | None, int | None]:
    """A refund's generation, place and, reckoned on the referee's order, its amount."""
    generation, _, rest = claim.ref.partition(":")
    place, _, order = rest.partition(":")
    return int(generation), int(place) if place else None, int(order) if order else None


def _place_ref(generation: int, place: int, order: int | None) -> str:
    """A refund's `ref`: "generation:place", and ":amount" when it was reckoned on the
    referee's order (`base = "order"`), so that it keeps its terms if the base changes."""
    return f"{generation}:{place}" + (f":{order}" if order is not None else "")


def unclaim(run: Run, zone: str, claim: Claim, referee: str, params: ReferThreeParams) -> None:
    """A referee's purchase that took a place was reversed: its refund is voided (or
    the one owed for its place now, if the referrer's package price changed since:
    `_reprice`) and its place is free: the first purchase waiting that could have taken
    it takes it, else the next referral (`_settle`)."""
    book = run.book
    generation, place, _ = _ref(claim)
    live = _live(book, zone, claim.member, generation)
    now, repriced = None, False
    if place is not None and live:
        seq = _get(book, zone, _at(claim.member, generation, "claim", place))
        by = _get(book, zone, _at(claim.member, generation, "by", place))
        repriced = not by and seq != 0 and seq - 1 != claim.seq
        now = book.claim(zone, MODE, seq - 1) if repriced and seq > 0 else None
    if claim.void and not repriced:
        return  # voided with its package, or (before 2026-12-05) in a stand-by's stead
    run.void(zone, MODE, claim)
    if now is not None:
        run.void(zone, MODE, now)
    if place is None or not live:
        return  # a claim made before places were kept, or its package was reversed
    size = len(params.schedule)
    cycle = place // size
    standby = _standby_key(claim.member, generation, referee, cycle)
    waiting = book.counter(zone, MODE, standby)
    if waiting:  # a purchase that stood by before 2026-12-05 holds the place instead
        book.set_counter(zone, MODE, standby, waiting - 1)
        again = run.issue(
            zone,
            MODE,
            claim.member,
            claim.amount,
            RULE,
            {"referral": str(place + 1), "from": referee, "instead_of": str(claim.seq)},
            daily=claim.daily,
            days=claim.days,
            kind="refund_promised",
            ref=claim.ref,
            cause="-",  # the standing-by purchase undoes it (`unstandby`)
        )
        if again is not None:
            holder = _holder_key(claim.member, generation, referee, cycle)
            book.set_counter(zone, MODE, holder, again.seq + 1)
        return
    _free(run, zone, params, claim.member, generation, place, referee, now or claim)


def unstandby(run: Run, zone: str, effect: Effect, params: ReferThreeParams) -> None:
    """A purchase that stood by (before 2026-12-05: `_wait` since) was reversed: one
    fewer stands by; or, if it held the place in the stead of a reversed one, the place
    and its refund go as that one's would (`effect`: the referrer, the cycle as `seq`,
    "generation:referee" as `ref`)."""
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
        unclaim(run, zone, claim, referee, params)


def unwait(run: Run, zone: str, effect: Effect, params: ReferThreeParams) -> None:
    """A purchase that waited was reversed (`effect`: the referrer, the waiting
    purchase's number as `seq`, "generation:referee" as `ref`): it waits no more; if it
    had taken a freed place, its refund is voided and the place goes on (`_settle`)."""
    generation = int(effect.ref.partition(":")[0])
    referrer, slot, book = effect.member, effect.seq, run.book
    if not _live(book, zone, referrer, generation):
        return  # that package was reversed: its refunds went with it
    if not _get(book, zone, _at(referrer, generation, "amount", slot)):
        return
    book.set_counter(zone, MODE, _at(referrer, generation, "amount", slot), 0)
    live = _key(referrer, generation, "waiting")
    book.set_counter(zone, MODE, live, _get(book, zone, live) - 1)
    place = _get(book, zone, _at(referrer, generation, "place", slot)) - 1
    if place >= 0:
        book.set_counter(zone, MODE, _at(referrer, generation, "place", slot), 0)
        seq = _get(book, zone, _at(referrer, generation, "claim", place))
        replaced = book.claim(zone, MODE, seq - 1) if seq > 0 else None
        _vacate(run, zone, referrer, generation, place)
        if _get(book, zone, _at(referrer, generation, "fixed", slot)):
            book.set_counter(zone, MODE, _at(referrer, generation, "fixed", slot), 0)
            who = _referee(book, zone, referrer, generation, slot)
            _inherit(run, zone, params, referrer, generation, place, who, replaced, slot)
        else:
            _moving(book, zone, referrer, generation, -1)
    _settle(run, zone, params, referrer, generation)


def unplace(run: Run, zone: str, effect: Effect, params: ReferThreeParams) -> None:
    """A referee's purchase whose refund rounded down to nothing was reversed: its place
    is free (`effect`: the referrer, the place as `seq`, "generation:referee" as `ref`)."""
    generation, _, referee = effect.ref.partition(":")
    if not _live(run.book, zone, effect.member, int(generation)):
        return
    _free(run, zone, params, effect.member, int(generation), effect.seq, referee, None)


def _free(
    run: Run,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    generation: int,
    place: int,
    referee: str,
    replaced: Claim | None,
) -> None:
    """Give a referral's place back: the referee holds no place in that cycle any more,
    and the place goes to the first purchase waiting that could take it, or to the
    next referral (the lowest free place)."""
    book = run.book
    size = len(params.schedule)
    _hold(book, zone, referrer, generation, referee, place, 0)
    held = _held_key(referrer, generation, referee, place // size)  # a hold kept by cycle
    if book.counter(zone, MODE, held):
        book.set_counter(zone, MODE, held, book.counter(zone, MODE, held) - 1)
    after = _get(book, zone, _at(referrer, generation, "after", place))
    _vacate(run, zone, referrer, generation, place)
    who = _digest(referee)
    _inherit(run, zone, params, referrer, generation, place, who, replaced, after)
    _settle(run, zone, params, referrer, generation)


def _inherit(
    run: Run,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    generation: int,
    place: int,
    who: str,
    replaced: Claim | None,
    after: int,
) -> None:
    """The referee whose purchase held `place` (and went) holds it still if a later
    purchase of theirs waits that may take it: the first such holds it in the reversed
    one's stead, for good (as the purchase that took it would: `_settle` moves it no
    more), owed the place's refund on the terms the `replaced` one was made with (of
    its own amount if that was reckoned on the order), so that either of two equal
    purchases reversed ends the same. A place it held while it waited goes on.
    Later: waiting purchases numbered above `after` (the reversed purchase's own number
    if it waited, else how many had waited when it took the place). One of theirs that
    waited before it, and took a place freed since, stays where it is: as if the
    reversed purchase had never been made (before 2026-12-06 it moved into the reversed
    one's place, and the place it left went to the next referral)."""
    book = run.book
    if not _get(book, zone, _key(referrer, generation, "waiting")):
        return
    mine = _mine_key(referrer, generation, who)
    for n in range(1, _get(book, zone, mine) + 1):
        slot = _get(book, zone, f"{mine}:{n}")
        if slot <= after:
            continue
        amount = _get(book, zone, _at(referrer, generation, "amount", slot))
        if (
            not amount
            or _get(book, zone, _at(referrer, generation, "limit", slot)) <= place
            or _get(book, zone, _at(referrer, generation, "fixed", slot))
        ):
            continue
        held = _get(book, zone, _at(referrer, generation, "place", slot)) - 1
        if held >= 0:
            _vacate(run, zone, referrer, generation, held)
            _moving(book, zone, referrer, generation, -1)
        book.set_counter(zone, MODE, _at(referrer, generation, "fixed", slot), 1)
        limit = _get(book, zone, _at(referrer, generation, "limit", slot))
        one = _Waiting(slot, amount, who, limit, None)
        _give(run, zone, params, referrer, generation, place, one, replaced)
        return


def _vacate(run: Run, zone: str, referrer: str, generation: int, place: int) -> None:
    """The place's holder is gone: its refund is void (if not already), the place free."""
    book = run.book
    slot = _get(book, zone, _at(referrer, generation, "by", place))
    if slot:  # a purchase that waited held it
        digest = _referee(book, zone, referrer, generation, slot)
        _set(book, zone, _place_key_of(referrer, generation, digest, place), 0)
    seq = _get(book, zone, _at(referrer, generation, "claim", place))
    if seq > 0:
        claim = book.claim(zone, MODE, seq - 1)
        if claim is not None and not claim.void:
            run.void(zone, MODE, claim)
    for what in ("by", "claim", "after"):
        _set(book, zone, _at(referrer, generation, what, place), 0)
    freed = f"{_key(referrer, generation, 'freed')}:{place}"
    if not book.counter(zone, MODE, freed):
        book.set_counter(zone, MODE, freed, 1)
        _count_free(book, zone, referrer, generation, 1)


class _Waiting(NamedTuple):
    slot: int
    amount: int
    who: str  # its referee's digest
    limit: int
    place: int | None


def _settle(run: Run, zone: str, params: ReferThreeParams, referrer: str, generation: int) -> None:
    """Give the free places to the purchases waiting: the lowest place first, each to
    the first purchase waiting that may take it (bought when it was there; counting
    people, its referee holding no other place in that cycle). Places a waiting purchase
    holds count as free here: a place freed below one moves it down (its refund voided,
    the new place's owed), so that the places end the same whichever of two reversals
    comes first. Free places left at the end are simply not taken yet."""
    book = run.book
    size = len(params.schedule)
    people = params.count == "people"
    places_key = _key(referrer, generation, "places")
    places = _get(book, zone, places_key)
    free = (
        {
            place
            for place in range(places)
            if _get(book, zone, f"{_key(referrer, generation, 'freed')}:{place}")
        }
        if _get(book, zone, _key(referrer, generation, "free"))
        else set()
    )
    holding: dict[int, int] = {}  # a waiting purchase's number -> the place it holds
    if _get(book, zone, _key(referrer, generation, "moving")):
        for place in range(places):
            slot = _get(book, zone, _at(referrer, generation, "by", place))
            if slot and not _get(book, zone, _at(referrer, generation, "fixed", slot)):
                holding[slot] = place
    if _get(book, zone, _key(referrer, generation, "waiting")) and (free or holding):
        given = _deal(book, zone, referrer, generation, size, people, places, free, holding)
        for slot, place in holding.items():  # moved, or no longer holding: its refund goes
            if given.get(slot, (None,))[0] != place:
                book.set_counter(zone, MODE, _at(referrer, generation, "place", slot), 0)
                _vacate(run, zone, referrer, generation, place)
                _moving(book, zone, referrer, generation, -1)
        for slot, (place, one) in given.items():
            if holding.get(slot) != place:
                _give(run, zone, params, referrer, generation, place, one)
                _moving(book, zone, referrer, generation, 1)
    fresh = places
    while fresh and book.counter(zone, MODE, f"{_key(referrer, generation, 'freed')}:{fresh - 1}"):
        fresh -= 1  # free places at the end are simply not taken yet
        book.set_counter(zone, MODE, f"{_key(referrer, generation, 'freed')}:{fresh}", 0)
        _count_free(book, zone, referrer, generation, -1)
    if fresh != places:
        book.set_counter(zone, MODE, places_key, fresh)


def _deal(
    book: ClaimBook,
    zone: str,
    referrer: str,
    generation: int,
    size: int,
    people: bool,
    places: int,
    free: set[int],
    holding: dict[int, int],
) -> dict[int, tuple[int, _Waiting]]:
    """Which waiting purchase takes which open place (free, or held by a waiting
    purchase that may move): the lowest first, each to the first purchase waiting that
    may take it. The purchases are read as far as needed, from the first that may still
    wait (`first`: the ones before it were reversed or hold a place for good)."""
    opened = free | set(holding.values())
    last_slot = _get(book, zone, _key(referrer, generation, "waits"))
    first_key = _key(referrer, generation, "first")
    first = max(_get(book, zone, first_key), 1)
    read: dict[int, _Waiting | None] = {}

    def waiting(slot: int) -> _Waiting | None:
        if slot not in read:
            amount = _get(book, zone, _at(referrer, generation, "amount", slot))
            if not amount or _get(book, zone, _at(referrer, generation, "fixed", slot)):
                read[slot] = None
            else:
                who = _referee(book, zone, referrer, generation, slot)
                limit = _get(book, zone, _at(referrer, generation, "limit", slot))
                read[slot] = _Waiting(slot, amount, who, limit, holding.get(slot))
        return read[slot]

    while first <= last_slot and waiting(first) is None:
        first += 1  # reversed, or holding a place for good: for ever
    _set(book, zone, first_key, first)
    given: dict[int, tuple[int, _Waiting]] = {}
    holders: dict[int, set[str]] = {}  # cycle -> who holds a place in it, so far
    for place in sorted(opened):
        cycle = place // size
        taken = holders.setdefault(cycle, set())
        end = min((cycle + 1) * size, places)
        kept = [other for other in range(cycle * size, end) if other not in opened]
        for slot in range(first, last_slot + 1):
            one = waiting(slot)
            if one is None or slot in given or one.limit <= place:
                continue
            if people and (
                one.who in taken
                or any(
                    _get(book, zone, _place_key_of(referrer, generation, one.who, other))
                    for other in kept
                )
            ):
                continue  # the referee holds a place in that cycle
            given[slot] = (place, one)
            taken.add(one.who)
            break
    return given


def _give(
    run: Run,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    generation: int,
    place: int,
    one: _Waiting,
    replaced: Claim | None = None,
) -> None:
    """A waiting purchase takes the free `place`, owed its refund (`_promise`)."""
    book = run.book
    freed = f"{_key(referrer, generation, 'freed')}:{place}"
    if book.counter(zone, MODE, freed):
        book.set_counter(zone, MODE, freed, 0)
        _count_free(book, zone, referrer, generation, -1)
    book.set_counter(zone, MODE, _at(referrer, generation, "place", one.slot), place + 1)
    book.set_counter(zone, MODE, _at(referrer, generation, "by", place), one.slot)
    book.set_counter(zone, MODE, _place_key_of(referrer, generation, one.who, place), 1)
    claim = _promise(run, zone, params, referrer, generation, place, one, replaced)
    _set(book, zone, _at(referrer, generation, "claim", place), claim.seq + 1 if claim else -1)


def _promise(
    run: Run,
    zone: str,
    params: ReferThreeParams,
    referrer: str,
    generation: int,
    place: int,
    one: _Waiting,
    replaced: Claim | None = None,
) -> Claim | None:
    """The refund owed for `place` to a purchase that waited for it: at the place's
    rate of the package's price, or of the purchase's amount (`base = "order"`); paid
    at the next release (the next purchase in the zone, or the daily run). In the stead
    of a `replaced` refund, on its terms: the same refund, or reckoned on an order, in
    proportion to this purchase's amount."""
    params_text: dict[str, str] = {"referral": str(place + 1), "waited": str(one.slot)}
    if replaced is not None:
        then = _ref(replaced)[2]
        refund = replaced.amount if then is None else replaced.amount * one.amount // then
        order = None if then is None else one.amount
        days = replaced.days
        params_text["instead_of"] = str(replaced.seq)
    else:
        rate = params.schedule[place % len(params.schedule)]
        package = run.book.counter(zone, MODE, f"package:{referrer}")
        base = package if params.base == "package" else one.amount
        refund = scaled(rate, base)
        order = None if params.base == "package" else one.amount
        days = params.release_days
        params_text |= {"rate": rate.text, "base": fen_text(base)}
    return run.issue(
        zone,
        MODE,
        referrer,
        refund,
        RULE,
        params_text,
        daily=max(refund // days, 1) if days else refund,
        days=days,
        kind="refund_promised",
        ref=_place_ref(generation, place, order),
        cause="-",  # the waiting purchase's reversal undoes it (`unwait`)
    )


def _package_standby_key(member: str, generation: int) -> str:
    """Same-price packages that stood by before 2026-12-05: a count."""
    return f"package_standby:{member}:{generation}"


def _package_key(member: str, generation: int, what: str) -> str:
    """A further package's counters: `waits` (how many), `wait:<n>` (its price; 0 once
    reversed or holding) and `holder` (which holds the status: 0, the first)."""
    return f"package_{what}:{member}:{generation}"


def unpackage(
    run: Run, zone: str, params: ReferThreeParams, member: str, generation: int, effect: Effect
) -> None:
    """The member's package (or a further one: `package_standby`) was reversed. A
    further package reversed while another holds the status stands by no more. The
    package holding it reversed, the first further package still standing holds it, at
    its own price, as if the reversed one had never been bought (refunds reckoned on the
    package's price are owed again on the new one: `_reprice`). None standing: no longer
    a consumer-merchant (until a new package), and every refund earned on the package
    is voided — the refunds were its price coming back, and the buyer has the whole
    price back now."""
    book = run.book
    if book.counter(zone, MODE, f"generation:{member}") != generation:
        return  # an older package: its refunds went when it was replaced
    if not book.counter(zone, MODE, f"package:{member}"):
        return
    holder = _get(book, zone, _package_key(member, generation, "holder"))
    legacy = _package_standby_key(member, generation)
    if effect.kind == "package_standby" and effect.ref:  # a further package
        slot = int(effect.ref)
        its = _package_key(member, generation, f"wait:{slot}")
        if _get(book, zone, its):
            book.set_counter(zone, MODE, its, 0)
            return  # it stood by: no more
        if holder != slot:
            return
    elif holder:
        return  # the first package, replaced already (not reached: reversed once)
    waiting = book.counter(zone, MODE, legacy)
    if waiting:  # the same package, bought again before 2026-12-05, keeps the status
        book.set_counter(zone, MODE, legacy, waiting - 1)
        return
    for slot in range(1, _get(book, zone, _package_key(member, generation, "waits")) + 1):
        price = _get(book, zone, _package_key(member, generation, f"wait:{slot}"))
        if price:
            book.set_counter(zone, MODE, _package_key(member, generation, f"wait:{slot}"), 0)
            book.set_counter(zone, MODE, _package_key(member, generation, "holder"), slot)
            _reprice(run, zone, params, member, generation, price)
            return
    book.set_counter(zone, MODE, f"package:{member}", 0)
    for claim in book.history(zone, MODE, member):
        if not claim.void and claim.ref.partition(":")[0] == str(generation):
            run.void(zone, MODE, claim)


def _reprice(
    run: Run, zone: str, params: ReferThreeParams, member: str, generation: int, price: int
) -> None:
    """The member's package is now `price`: with `base = "package"` each refund of the
    package stands at the new price — voided (what it paid taken back) and owed again as
    the rate it was made with gives on the new price (its amount × new ÷ old, rounded
    down), paid at the next release. With `base = "order"` the refunds stand."""
    book = run.book
    old = book.counter(zone, MODE, f"package:{member}")
    book.set_counter(zone, MODE, f"package:{member}", price)
    if price == old or params.base != "package":
        return
    for claim in book.history(zone, MODE, member):
        if claim.void or claim.ref.partition(":")[0] != str(generation):
            continue
        if _ref(claim)[2] is not None:
            continue  # reckoned on the referee's order: it stands
        run.void(zone, MODE, claim)
        refund = claim.amount * price // old
        days = claim.days
        again = run.issue(
            zone,
            MODE,
            member,
            refund,
            RULE,
            {"base": fen_text(price), "instead_of": str(claim.seq)},
            daily=max(refund // days, 1) if days else refund,
            days=days,
            kind="refund_promised",
            ref=claim.ref,
            cause="-",  # the place's holder undoes it (`unclaim`, `unwait`)
        )
        place = _ref(claim)[1]
        if place is not None:
            seq = again.seq + 1 if again is not None else -1
            _set(book, zone, _at(member, generation, "claim", place), seq)


class Place(NamedTuple):
    """A place in a consumer-merchant's cycles, as `standing` reads it."""

    place: int  # 0 = the first
    filled: bool  # a referral holds it (one that waited, maybe)
    refund: Claim | None  # its refund (None: open, or a refund that rounded to nothing)
    vacated: bool  # a reversal emptied it: open again, or filled again since


class Standing(NamedTuple):
    """A member's package and its places, read from the counters and claims the rule
    keeps; it decides nothing."""

    generation: int
    package: int  # the price, fen, of the package that holds the status
    places: tuple[Place, ...]  # those filled or emptied, and the rest of the last cycle
    refunded: int  # fen paid on the package's refunds (void ones were taken back)
    owed: int  # fen still owed on them


def standing(book: ClaimBook, zone: str, params: ReferThreeParams, member: str) -> Standing | None:
    """The member's package in the zone and its places (None: no package stands). A place
    was vacated by a reversal if it is free after one (`freed`, or a refund voided on it),
    held by a purchase that waited (it took a place a reversal freed), or held by a later
    referral than the one whose refund was voided on it (a repriced refund, `_reprice`,
    is the place's own)."""
    package = book.counter(zone, MODE, f"package:{member}")
    if not package:
        return None
    generation = book.counter(zone, MODE, f"generation:{member}")
    live: dict[int, Claim] = {}
    voided: set[int] = set()
    refunded = owed = 0
    for claim in book.history(zone, MODE, member):
        mine, place, _ = _ref(claim)
        if mine != generation:
            continue
        if claim.void:
            if place is not None:
                voided.add(place)
            continue
        refunded += claim.amount - claim.left
        owed += claim.left
        if place is not None:
            live[place] = claim
    filled = _get(book, zone, _key(member, generation, "places"))
    size = len(params.schedule)
    last = -(-filled // size) * size
    if filled % size == 0 and (params.rounds is None or filled < params.rounds * size):
        last += size  # a full cycle: the next one opens
    places = []
    for place in range(last):
        free = place >= filled or bool(
            _get(book, zone, f"{_key(member, generation, 'freed')}:{place}")
        )
        refund = None if free else live.get(place)
        waited = bool(_get(book, zone, _at(member, generation, "by", place)))
        again = refund is not None and refund.cause != "-" and place in voided
        # open: freed, or a voided refund on it (a free place at the end is not kept
        # freed: `_settle`); filled: by a purchase that waited, or a later referral
        vacated = (free and (place < filled or place in voided)) or (not free and (waited or again))
        places.append(Place(place, not free, refund, vacated))
    return Standing(generation, package, tuple(places), refunded, owed)


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
