"""A zone's modes: which run, with what, and running an order, a task or a day through
them; reversing an order undoes what it did in them.

Several modes can run on one order: each sees the order's amount in the zone (and each
line, for the modes with a per-product value), in the fixed order of `MODES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.core.ledger import CNY, Ledger, Posting, entry
from zengzhi.rules import wallet
from zengzhi.rules.modes import ads, green, quota, refer_three, shopping, three_for_one, union
from zengzhi.rules.modes.ads import AdsParams
from zengzhi.rules.modes.common import (
    ALWAYS,
    MODES,
    SHOPPING_ZONE,
    Campaign,
    ClaimBook,
    Effect,
    Period,
    Run,
    Tally,
    Terms,
    asset,
    fen_of,
    fen_text,
    owed,
    unissue,
)
from zengzhi.rules.modes.green import GreenParams
from zengzhi.rules.modes.quota import QuotaParams
from zengzhi.rules.modes.refer_three import ReferThreeParams
from zengzhi.rules.modes.shopping import ShoppingParams
from zengzhi.rules.modes.three_for_one import ThreeForOneParams
from zengzhi.rules.modes.union import UnionParams

RULE = "modes"
DAY = "day"  # the counters' pseudo-mode for the last day a zone ran
LAST = "last"  # its key: the last day's ordinal
BOUGHT = "bought"  # the counters' pseudo-mode for a member's live orders in a zone
# the modes with daily work (releases, bonus splits, queue payments): a zone with none
# of them has no day to run (ads are reported as done, shopping points kept until spent)
DAILY = tuple(mode for mode in MODES if mode not in ("ads", "shopping"))


class Requirement(NamedTuple):
    """Who may buy in a zone (seed 002 二.4: a repurchase zone open only to buyers of a
    报单 product): a live earlier order in one of `zones`, or a team level of `level` or
    more; either one will do. Empty: anyone."""

    zones: tuple[str, ...] = ()
    level: int | None = None

    def met(self, book: ClaimBook, network: LevelReader, member: str) -> bool:
        if not self.zones and self.level is None:
            return True
        if any(book.counter(zone, BOUGHT, member) > 0 for zone in self.zones):
            return True
        return self.level is not None and network.level(member) >= self.level


class LevelReader(Protocol):
    def level(self, member: str) -> int: ...


ANYONE = Requirement()


@dataclass(frozen=True)
class ZoneModes:
    """A zone's modes with their parameters (None: not configured), and its issuance
    control (spec 03 H): no appreciation points for its orders from `mint_until` on, and
    a closing campaign's boost of the modes' point gifts."""

    refer_three: ReferThreeParams | None = None
    ads: AdsParams | None = None
    quota: QuotaParams | None = None
    green: GreenParams | None = None
    union: UnionParams | None = None
    three_for_one: ThreeForOneParams | None = None
    shopping: ShoppingParams | None = None
    mint_until: datetime | None = None
    campaign: Campaign | None = None
    period: Period = ALWAYS  # the zone's: its modes make promises only within it
    requires: Requirement = ANYONE

    def configured(self) -> list[str]:
        return [mode for mode in MODES if getattr(self, mode) is not None]

    def boost(self, at: datetime | None) -> Ratio | None:
        if self.campaign is not None and self.campaign.period.covers(at):
            return self.campaign.boost
        return None

    def points_boost(self, at: datetime | None) -> Ratio | None:
        """The closing campaign's boost of appreciation points at `at`, if it has one."""
        if self.campaign is not None and self.campaign.points:
            return self.boost(at)
        return None

    def mints(self, at: datetime | None) -> bool:
        return self.mint_until is None or at is None or at < self.mint_until


class ModeBook(ClaimBook, Protocol):
    """The modes' state: each zone's settings as well as its counters and claims.

    Loading a zone locks it (in SQL) until the command commits, so the commands that
    touch a zone's modes run one after another, in the order they commit.
    """

    def zone(self, zone: str) -> ZoneModes | None: ...

    def configured(self, zone: str) -> tuple[str, ...] | None:
        """The modes the zone's saved settings hold, by name, locked as `zone` locks it,
        without parsing their values (settings saved before a rule refused one of them
        are replaced by new ones: store/saved.py)."""

    def zones(self) -> dict[str, ZoneModes]:
        """Every configured zone (read only: no lock)."""

    def configure(self, zone: str, settings: Mapping[str, object], modes: ZoneModes) -> None: ...


def _value(line: OrderLine, mode: str) -> Ratio | None:
    """The product's own value for the mode (its ad ratio, green multiple), if any."""
    for name, value in line.modes:
        if name == mode:
            return Ratio(value, f"lines.modes.{mode}")
    return None


def by_zone(order: CompleteOrder) -> dict[str, list[OrderLine]]:
    zones: dict[str, list[OrderLine]] = {}
    for line in order.lines:
        if line.zone is not None:
            zones.setdefault(line.zone, []).append(line)
    return zones


def _takers(
    zones: Mapping[str, ZoneModes], lines: Mapping[str, list[OrderLine]], at: datetime | None
) -> list[tuple[str, ShoppingParams, int]]:
    found = []
    for zone, its_lines in lines.items():
        params = zones[zone].shopping
        if params is not None and _runs(zones[zone], params, at):
            found.append((zone, params, sum(line.amount for line in its_lines)))
    return found


class _Mode(Protocol):
    @property
    def terms(self) -> Terms: ...


def _runs(modes: ZoneModes, params: _Mode, at: datetime | None) -> bool:
    return modes.period.covers(at) and params.terms.period.covers(at)


def _ended(modes: ZoneModes, params: _Mode, at: datetime | None) -> bool:
    """Whether the mode's period, or its zone's, is over at `at`: it promises no more,
    and pays what it owes (spec 03, "A mode that ends keeps paying")."""
    ends = (modes.period.ends, params.terms.period.ends)
    return at is not None and any(end is not None and at >= end for end in ends)


def check_order(
    ledger: Ledger, zones: Mapping[str, ZoneModes], order: CompleteOrder, promised: int = 0
) -> None:
    """Refuse an order the modes cannot take, before anything is posted. `promised` are
    shopping points the member's other open orders will spend."""
    if order.shopping_points < 0:
        raise invalid("shopping_points", "must not be negative")
    if order.points_spoken_for:  # checked as it was placed, but for what cannot change
        shopping.check_spoken_for(order.shopping_points, order.amount)
    else:
        takers = _takers(zones, by_zone(order), order.at)
        shopping.check(ledger, order.member, order.shopping_points, takers, promised)
    for line in order.lines:
        for name, _ in line.modes:
            _value(line, name)  # a bad per-product value is refused here
        union.for_product(union.UnionParams(), _union_values(line))


def check_eligible(
    book: ClaimBook, network: LevelReader, zones: Mapping[str, ZoneModes], order: CompleteOrder
) -> None:
    """Refuse an order in a zone the member may not buy in yet (`requires`)."""
    for name in sorted(by_zone(order)):
        needs = zones[name].requires
        if not needs.met(book, network, order.member):
            wanted = [f"an order in zone {zone!r}" for zone in needs.zones]
            if needs.level is not None:
                wanted.append(f"team level {needs.level}")
            raise DomainError(
                ErrorCode.CONFLICT,
                f"zone {name!r} is open to members with {' or '.join(wanted)}:"
                f" {order.member!r} has neither yet",
                "lines",
            )


def complete_order(run: Run, zones: Mapping[str, ZoneModes], order: CompleteOrder) -> None:
    """Run a completed order through the modes of each zone it bought in."""
    lines = by_zone(order)
    for zone in sorted(lines):  # counted for zones that require an earlier purchase
        bought = run.book.counter(zone, BOUGHT, order.member)
        run.book.set_counter(zone, BOUGHT, order.member, bought + 1)
        run.effects.append(Effect("bought", zone, BOUGHT, order.member, 1))
    if order.shopping_points:
        takers = _takers(zones, lines, order.at)
        shopping.spend(run, order, takers, sorted(lines))
    member = order.member
    for zone, its_lines in lines.items():
        modes = zones[zone]
        amount = sum(line.amount for line in its_lines)
        boost = modes.boost(order.at)
        if amount <= 0:
            continue
        at = order.at
        if modes.refer_three is not None and _runs(modes, modes.refer_three, at):
            refer_three.purchase(run, zone, modes.refer_three, member, amount)
        if modes.ads is not None and _runs(modes, modes.ads, at):
            for line in its_lines:
                ads.purchase(run, zone, modes.ads, member, line.amount, _value(line, "ads"), boost)
        if modes.quota is not None and _runs(modes, modes.quota, at):
            quota.purchase(run, zone, modes.quota, member, amount)
        if modes.green is not None and _runs(modes, modes.green, at):
            for line in its_lines:
                multiple = _value(line, "green")
                green.purchase(run, zone, modes.green, member, line.amount, multiple, boost)
        if modes.union is not None and _runs(modes, modes.union, at):
            _union(run, zone, modes.union, member, its_lines, amount)
        if modes.three_for_one is not None and _runs(modes, modes.three_for_one, at):
            three_for_one.purchase(run, zone, modes.three_for_one, member, amount)
        if modes.shopping is not None and _runs(modes, modes.shopping, at):
            shopping.purchase(run, zone, modes.shopping, member, amount, order.store, boost)


def _union_values(line: OrderLine) -> dict[str, Ratio]:
    return {key: value for key in union.PRODUCT_KEYS if (value := _value(line, key)) is not None}


def _union(
    run: Run,
    zone: str,
    params: UnionParams,
    member: str,
    lines: Sequence[OrderLine],
    amount: int,
) -> None:
    """One credit for the zone's lines, or one a line where a product sets its own union
    values (its credit, pool share or acceleration)."""
    values = [_union_values(line) for line in lines]
    if not any(values):
        union.purchase(run, zone, params, member, amount)
        return
    for line, own in zip(lines, values, strict=True):
        union.purchase(run, zone, union.for_product(params, own), member, line.amount)


def task(
    run: Run,
    zone: str,
    modes: ZoneModes,
    member: str,
    day: date,
    placed: ads.Placed | None = None,
) -> int:
    if modes.ads is None:
        raise DomainError(ErrorCode.CONFLICT, f"zone {zone!r} runs no ad tasks", "zone")
    return ads.task(run, zone, modes.ads, member, day, placed)


def last_day(book: ClaimBook, zone: str) -> date | None:
    ordinal = book.counter(zone, DAY, LAST)
    return date.fromordinal(ordinal) if ordinal else None


def run_day(run: Run, zone: str, modes: ZoneModes, day: date, parts: bool = False) -> None:
    """A zone's daily work, once per day and in order of days. It runs while the modes
    owe anything, whatever their period: a closed mode keeps paying what it owes.

    With `parts`, the day only begins here: the green releases are left to `day_part`s,
    each doing some, and the modes after them run with the last part. A day in parts
    gives the same entries as a day at once (docs/modes.md, "A day in parts")."""
    last = last_day(run.book, zone)
    if last is not None and day <= last:
        raise DomainError(
            ErrorCode.CONFLICT, f"zone {zone!r} ran {last} already: a day runs once", "day"
        )
    if green.under_way(run, zone):
        raise DomainError(
            ErrorCode.CONFLICT, f"zone {zone!r} is still running {last} in parts", "day"
        )
    run.book.set_counter(zone, DAY, LAST, day.toordinal())
    if modes.refer_three is not None:
        refer_three.release(run, zone, modes.refer_three)
    if modes.quota is not None:
        quota.split(run, zone, modes.quota)
    if modes.green is not None:
        if parts:
            green.begin(run, zone, modes.green)
            return
        green.release(run, zone, modes.green)
    _after_green(run, zone, modes)


def day_part(run: Run, zone: str, modes: ZoneModes, size: int) -> bool:
    """The next part of a day begun in parts: `size` claims or members of the green
    releases. Returns whether the day is done (its last part ran the modes after)."""
    if modes.green is None or not green.under_way(run, zone):
        raise DomainError(ErrorCode.CONFLICT, f"zone {zone!r} has no day under way", "zone")
    if size <= 0:
        raise invalid("size", "must be greater than 0")
    if not green.step(run, zone, modes.green, size):
        return False
    _after_green(run, zone, modes)
    return True


def under_way(book: ClaimBook, zone: str) -> bool:
    """Whether the zone began a day in parts and has not done it all yet."""
    return book.counter(zone, green.MODE, green.PHASE) != 0


def day_place(book: ClaimBook, zone: str) -> str:
    """Where the zone's day in parts stands ("phase.cursor"): a part's name in the log."""
    phase = book.counter(zone, green.MODE, green.PHASE)
    return f"{phase}.{book.counter(zone, green.MODE, green.CURSOR)}"


def _after_green(run: Run, zone: str, modes: ZoneModes) -> None:
    if modes.union is not None:
        union.pay_static(run, zone, modes.union)
    if modes.three_for_one is not None:
        ended = _ended(modes, modes.three_for_one, run.at)
        three_for_one.pay_due(run, zone, modes.three_for_one, ended=ended)


def income(
    ledger: Ledger, cause: str, zone: str, modes: ZoneModes, mode: str, fen: int, source: str
) -> None:
    """Third-party income (an advertiser's payment for the ads members watch, seed 004 五)
    into the mode's reserve, where it pays the mode's promises as the orders' funding
    does. Refused, naming the field, for a mode the zone does not run or no money."""
    if mode not in modes.configured():
        raise invalid("mode", f"zone {zone!r} runs no {mode} mode")
    if fen <= 0:
        raise invalid("amount", "must be greater than 0")
    if not source.strip():
        raise invalid("source", "name who paid it")
    reserve = accounts.mode_reserve(SHOPPING_ZONE if mode == "shopping" else zone, mode)
    ledger.post(
        entry(
            cause,
            "mode_income",
            RULE,
            [(accounts.THIRD_PARTIES, CNY, -fen), (reserve, CNY, fen)],
            {"zone": zone, "mode": mode, "amount": fen_text(fen), "source": source},
        )
    )


def check_change(ledger: Ledger, zone: str, old: Sequence[str] | None, new: ZoneModes) -> None:
    """A mode that still owes its members cannot be taken out of a zone (end its period
    instead: it stops promising and keeps paying). `old`: the modes the zone had."""
    for mode in old or ():
        if getattr(new, mode) is None and (
            owed(ledger, SHOPPING_ZONE if mode == "shopping" else zone, mode) > 0
        ):
            raise DomainError(
                ErrorCode.CONFLICT,
                f"the {mode} mode of zone {zone!r} still owes its members: set its `ends`"
                " to close it, and it keeps paying what it owes",
                mode,
            )


# ---------------------------------------------------------------------------- reversal


def reverse(run: Run, zones: Mapping[str, ZoneModes | None], effects: Sequence[Effect]) -> None:
    """Undo what an order did in the modes (spec 03, "Refunds, reserves and ends"), last
    thing first: every promise it made is voided (what was paid on it taken back, from
    the holder and from whoever was paid a share), every payment it caused on a live
    claim is taken back and owed again, and what it counted toward stops counting. What
    it put into a reserve stays there: that is money, and it backs the mode's other
    promises (a payment the reserve made with it stands). `run.reverses` names the order.
    """
    for effect in reversed(effects):
        zone, mode, member = effect.zone, effect.mode, effect.member
        modes = zones.get(zone) if zone != SHOPPING_ZONE else None
        refer = (modes and modes.refer_three) or ReferThreeParams()
        if effect.kind == "claim":
            claim = run.book.claim(zone, mode, effect.seq)
            if claim is None:
                continue
            if mode == "refer_three":  # a void one may have been owed again: it looks
                refer_three.unclaim(run, zone, claim, effect.ref, refer)
            elif claim.void:
                continue
            elif mode == "three_for_one" and modes is not None and modes.three_for_one:
                ended = _ended(modes, modes.three_for_one, run.at)
                three_for_one.unqualify(run, zone, modes.three_for_one, claim, ended=ended)
            else:
                into = accounts.SHOPPING_DISCOUNTS if mode == "shopping" else None
                run.void(zone, mode, claim, into)
        elif effect.kind == "paid":
            claim = run.book.claim(zone, mode, effect.seq)
            if claim is not None and not claim.void:  # a void claim gave it all back
                run.restore(zone, mode, claim, member, effect.amount)
        elif effect.kind in ("package", "package_standby"):
            refer_three.unpackage(run, zone, refer, member, effect.seq, effect)
        elif effect.kind == "place":
            refer_three.unplace(run, zone, effect, refer)
        elif effect.kind == "standby":
            refer_three.unstandby(run, zone, effect, refer)
        elif effect.kind == "waiting":
            refer_three.unwait(run, zone, effect, refer)
        elif effect.kind == "counted" and modes is not None and modes.three_for_one:
            ended = _ended(modes, modes.three_for_one, run.at)
            three_for_one.uncount(run, zone, modes.three_for_one, effect, ended=ended)
        elif effect.kind in ("gift", "shares", "spent", "short", "rebate"):
            _undo_holding(run, effect)
        elif effect.kind == "bought":
            bought = run.book.counter(zone, BOUGHT, member)
            run.book.set_counter(zone, BOUGHT, member, max(0, bought - effect.amount))


def _undo_holding(run: Run, effect: Effect) -> None:
    """Undo what an order gave or spent outside any claim: equity shares, shopping
    points spent (or paid in cash, short) and the rebate they brought a store (and ad
    points given before ad points became claims)."""
    zone, mode, member = effect.zone, effect.mode, effect.member
    postings: list[Posting] = []
    details = {"zone": zone, "mode": mode, "undo": effect.kind}
    if effect.kind == "gift":
        code = asset(zone, mode)
        holding = accounts.mode_holding(member, zone, mode)
        held = min(effect.amount, max(0, run.ledger.balance(holding, code)))
        postings += unissue(zone, mode, member, held)
        used = fen_of(effect.amount - held, code)
        reserve = accounts.mode_reserve(zone, mode)
        postings += wallet.take(run.ledger, member, used, reserve) if used else []
    elif effect.kind == "shares":
        holding = accounts.mode_holding(member, zone, quota.SHARES)
        code = quota.shares_asset(zone)
        held = min(effect.amount, max(0, run.ledger.balance(holding, code)))
        postings += [(holding, code, -held), (accounts.mode_issued(zone, quota.SHARES), code, held)]
    elif effect.kind == "spent":  # the points the order spent are the member's again
        spent = run.book.claim(zone, mode, effect.seq) if effect.seq >= 0 else None
        if spent is not None and spent.void:
            # the gift was reversed first and took these points' value back from the
            # member as cash: the spend undone, that cash is theirs again
            fen = fen_of(effect.amount, asset(zone, mode))
            postings += wallet.credit(run.ledger, member, fen, accounts.SHOPPING_DISCOUNTS)
        else:
            if spent is not None:  # back into the gift they came from, in its place
                run.book.save(zone, mode, spent._replace(left=spent.left + effect.amount))
            else:  # spent before spends named their gift
                spent = run.book.add(zone, mode, member, effect.amount, run.cause, ref=effect.ref)
            postings += unissue(zone, mode, member, -effect.amount)
        details["claim"] = str(spent.seq)
    elif effect.kind == "short":  # the points it paid in cash: that cash is theirs again
        fen = fen_of(effect.amount, asset(zone, mode))
        postings += wallet.credit(run.ledger, member, fen, accounts.SHOPPING_DISCOUNTS)
    elif effect.kind == "rebate":
        postings += [
            (accounts.merchant(effect.ref), CNY, -effect.amount),
            (accounts.PROFIT, CNY, effect.amount),
        ]
    run._undo(postings, details)


# ---------------------------------------------------------------------------- report


class Liability(NamedTuple):
    """What a zone's mode still owes its members, against the cash that backs it.

    `owed` and `reserve` are fen (points count at 1 point = 1 yuan). `coverage` is
    reserve ÷ owed (None when nothing is owed): money held, never a debt. `receivable`
    is what members owe the mode (payments taken back after they were spent), shown
    apart: it returns to the reserve only as those debts are settled. `backed` says the
    platform's own funds pay what the reserve cannot.
    """

    zone: str
    mode: str
    owed: int
    reserve: int
    backed: bool
    receivable: int = 0

    @property
    def coverage(self) -> Fraction | None:
        return Fraction(max(self.reserve, 0), self.owed) if self.owed > 0 else None


def liabilities(ledger: Ledger, zones: Mapping[str, ZoneModes]) -> list[Liability]:
    """Every configured mode's promises, by zone (shopping points once, for the tenant)."""
    found = []
    shopping_backed: bool | None = None
    for name in sorted(zones):
        modes = zones[name]
        for mode in modes.configured():
            params: _Mode = getattr(modes, mode)
            if mode == "shopping":
                shopping_backed = bool(shopping_backed) or params.terms.backed
                continue
            found.append(_liability(ledger, name, mode, params.terms.backed))
    if shopping_backed is not None:
        found.append(_liability(ledger, SHOPPING_ZONE, "shopping", shopping_backed))
    return found


def _liability(ledger: Ledger, zone: str, mode: str, backed: bool) -> Liability:
    reserve = accounts.mode_reserve(zone, mode)
    return Liability(
        zone,
        mode,
        fen_of(owed(ledger, zone, mode), asset(zone, mode)),
        ledger.balance(reserve, CNY),
        backed,
        ledger.owed_to(accounts.SHOPPING_DISCOUNTS if mode == "shopping" else reserve),
    )


CLAIMED = ("refer_three", "ads", "quota", "green", "union", "three_for_one", "shopping")


def problems(ledger: Ledger, book: ClaimBook, zones: Mapping[str, ZoneModes]) -> list[str]:
    """What is wrong between the claims and the ledger, as text (empty when sound): each
    member's open claims add up to their holding, and all of them to what the mode owes;
    no reserve is negative."""
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    for name, modes in zones.items():
        for mode in modes.configured():
            zone = SHOPPING_ZONE if mode == "shopping" else name
            if (zone, mode) in seen:
                continue
            seen.add((zone, mode))
            reserve = ledger.balance(accounts.mode_reserve(zone, mode), CNY)
            if reserve < 0:
                found.append(f"{mode} of zone {zone}: negative reserve {reserve} fen")
            if mode not in CLAIMED:
                continue
            code = asset(zone, mode)
            left: dict[str, int] = {}
            for claim in book.queue(zone, mode):
                left[claim.member] = left.get(claim.member, 0) + claim.left
            for one in _counted_unpaid(book, zone, mode):  # a day in parts, part-way
                left[one.member] = left.get(one.member, 0) + one.units
            for member, units in left.items():
                held = ledger.balance(accounts.mode_holding(member, zone, mode), code)
                if held != units:
                    found.append(
                        f"{mode} of zone {zone}: {member} holds {held}, claims say {units}"
                    )
            if sum(left.values()) != owed(ledger, zone, mode):
                found.append(
                    f"{mode} of zone {zone}: owes {owed(ledger, zone, mode)},"
                    f" claims add up to {sum(left.values())}"
                )
    return found


def _counted_unpaid(book: ClaimBook, zone: str, mode: str) -> list[Tally]:
    """Releases a day in parts has taken off the claims and not yet paid: the members
    still hold them."""
    if mode != green.MODE:
        return []
    phase = book.counter(zone, mode, green.PHASE)
    if phase == green.CLAIMS:
        return book.tallied(zone, mode, 0, None)
    if phase == green.PAY:
        return book.tallied(zone, mode, book.counter(zone, mode, green.CURSOR), None)
    return []
