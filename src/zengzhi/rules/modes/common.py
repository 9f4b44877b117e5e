"""What the companion modes share: promises kept as ledger assets, the cash that backs
them, claims paid in first-in first-out order, and the book that keeps the claims.

A mode promises something: ad points, green points, a queued credit, a subsidy. The
promise is issued in the mode's own asset (`AD:zone`, `UNION:zone`…) out of the mode's
`issued` account, so the ledger says at any moment what each mode still owes and to
whom. Paying moves cash from the mode's reserve to the member's wallet and takes the
promise back in the same entry. Claims (one per order, credit or refund) say in which
order promises are paid; their `left` adds up to the members' holdings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from itertools import islice
from typing import NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, YUAN_SCALE, Ratio, format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.ledger import CNY, Ledger, Posting, entry, register_money_asset, scale_of
from zengzhi.rules import wallet
from zengzhi.rules.distribution import Network

# The modes, by the names configurations use, and the asset each keeps its promises in.
# Money-valued promises (a refund, a quota, a credit, a subsidy) have 2 places; points
# (1 point = 1 yuan when released) have 4.
ASSETS = {
    "refer_three": "REFUND",
    "ads": "AD",
    "quota": "QUOTA",
    "green": "GREEN",
    "union": "UNION",
    "three_for_one": "SUBSIDY",
    "shopping": "SHOP",
}
MODES = tuple(ASSETS)
for _code in ("REFUND", "QUOTA", "UNION", "SUBSIDY"):
    register_money_asset(_code)

# What paying a member reads, in the order `wallet.credit` reads them.
_PAYEE_ACCOUNTS = (accounts.wallet, accounts.debt)
SHOPPING_ZONE = "*"  # shopping points are the tenant's: earned in one zone, spent in another
UNITS_PER_FEN: int = 10 ** (POINTS_SCALE - YUAN_SCALE)  # 100 point units make a fen


def asset(zone: str, mode: str) -> str:
    return f"{ASSETS[mode]}:{zone}"


def fen_of(units: int, code: str) -> int:
    """What `units` of a promise asset are worth in fen, rounded down (1 point = 1 yuan)."""
    return units if scale_of(code) == YUAN_SCALE else units // UNITS_PER_FEN


def units_of(fen: int, code: str) -> int:
    return fen if scale_of(code) == YUAN_SCALE else fen * UNITS_PER_FEN


def whole(units: int, code: str) -> int:
    """`units` of a promise asset rounded down to whole fen of value."""
    return units if scale_of(code) == YUAN_SCALE else units - units % UNITS_PER_FEN


def scaled(ratio: Ratio | Fraction, minor: int) -> int:
    """floor(ratio × minor)."""
    if isinstance(ratio, Ratio):
        return ratio.num * minor // ratio.den
    return ratio.numerator * minor // ratio.denominator


def fen_text(fen: int) -> str:
    return format_minor(fen, YUAN_SCALE)


# ---------------------------------------------------------------------------- terms


class Period(NamedTuple):
    """When a mode makes new promises: [starts, ends). What it owes it pays after."""

    starts: datetime | None = None
    ends: datetime | None = None

    def covers(self, at: datetime | None) -> bool:
        if at is None:
            return True
        return (self.starts is None or self.starts <= at) and (self.ends is None or at < self.ends)


ALWAYS = Period()


class Terms(NamedTuple):
    """What every mode has: its period, how it is funded, and who pays when it cannot.

    `funding` is the share of each order's amount (in the zone, while the mode runs) that
    the platform moves from its profit into the mode's reserve. A mode pays only out of
    its reserve, cutting or delaying what it cannot pay, unless `backed`: then the
    platform's own funds pay the difference (and the solvency report says so).
    """

    period: Period = ALWAYS
    funding: Ratio | None = None
    backed: bool = False


NO_TERMS = Terms()


class Campaign(NamedTuple):
    """A closing campaign (spec 03 H): point gifts × `boost` during `period`, and with
    `points` the appreciation points its orders mint too (seed 002 四.4), kept below
    one yuan of points per yuan of contribution (m × boost < 1: the price still rises)."""

    period: Period
    boost: Ratio
    points: bool = False


# ---------------------------------------------------------------------------- claims


class Claim(NamedTuple):
    """One promise, in the order it is paid.

    `seq` orders claims within a zone's mode (first in, first out); `amount` and `left`
    are in the mode's asset units, and `amount − left` is what its holder was paid from
    it; `daily` is what a release pays per day; `payable` is the first day (a date
    ordinal) it may be paid; `ref` says more (the store that gave shopping points, the
    refer-three package and place). `void`: its cause was reversed, so it owes nothing
    and what it paid was taken back — once, whichever reversal came first. `days`: a
    promise paid over that many days pays each day's share rounded down, the last day
    what is left (`share_due`); 0: `daily` a day.
    """

    seq: int
    member: str
    amount: int
    left: int
    cause: str
    daily: int = 0
    payable: int = 0
    ref: str = ""
    void: bool = False
    days: int = 0


def share_due(claim: Claim) -> int:
    """What a claim paid over `days` days pays next: its amount split as
    ⌊amount × k ÷ days⌋ paid by the k-th day, so each day's share rounds down and the last
    day takes what the others left (100.00 over 3 days: 33.33, 33.33, 33.34). The day is
    read from what was paid: a day the reserve paid in part is finished the next day."""
    amount, days = claim.amount, claim.days
    paid = amount - claim.left
    day = min(-(-(paid + 1) * days // amount) - 1, days - 1)  # the last day wholly paid
    return amount * (day + 1) // days - paid


def most_a_day(claim: Claim) -> int:
    """The most a claim pays in a day, as a member is told it: its `daily`, or, paid over
    days with each day's share rounded down, the larger share (100.00 over 3 days: 33.34)."""
    return -(-claim.amount // claim.days) if claim.days else claim.daily


class Tally(NamedTuple):
    """What a member was released in a day so far: `seq` is their first claim released."""

    seq: int
    member: str
    fen: int
    units: int


class ClaimBook(Protocol):
    """Counters and open claims of each zone's modes (memory or SQL)."""

    def counter(self, zone: str, mode: str, key: str) -> int: ...

    def set_counter(self, zone: str, mode: str, key: str, value: int) -> None: ...

    def add(
        self,
        zone: str,
        mode: str,
        member: str,
        amount: int,
        cause: str,
        daily: int = 0,
        payable: int = 0,
        ref: str = "",
        days: int = 0,
    ) -> Claim: ...

    def save(self, zone: str, mode: str, claim: Claim) -> None:
        """Store a claim's new `left` (0 closes it)."""

    def claim(self, zone: str, mode: str, seq: int) -> Claim | None: ...

    def claims(self, zone: str, mode: str, member: str) -> list[Claim]:
        """The member's open claims, oldest first."""

    def queue(
        self, zone: str, mode: str, after: int = 0, first: int | None = None
    ) -> Iterator[Claim]:
        """Every open claim of the zone's mode (after `seq` `after`), oldest first,
        lazily: a run may pay the claims it is given (and add new ones, which come last)
        while it walks. `first`: how many the caller expects to take (a hint)."""

    def prefetch(self, zone: str, mode: str, members: Iterable[str]) -> None:
        """A run is about to ask for these members' open claims: read them in bulk."""

    def tally(self, zone: str, mode: str, member: str, seq: int, fen: int, units: int) -> None:
        """Add to what `member` was released in the day under way (a day run in parts
        keeps it between them); `seq` is the claim, the first one the member's place."""

    def tallied(self, zone: str, mode: str, after: int, size: int | None) -> list[Tally]:
        """The day's tally in the order of each member's first claim, after that claim
        `after`, `size` members (None: all)."""

    def clear_tally(self, zone: str, mode: str, upto: int) -> None:
        """Forget the tally of members whose first claim is `upto` or before."""

    def history(self, zone: str, mode: str, member: str) -> list[Claim]:
        """Every claim the member ever held in the zone's mode, open, paid or void,
        oldest first: a reversal's look back (rare), never a daily run's."""

    def paid_before(self, zone: str, mode: str, seq: int | None) -> Claim | None:
        """The last claim before `seq` (None: of all) paid whole and not void."""

    def add_payout(self, zone: str, mode: str, seq: int, member: str, fen: int) -> None:
        """Record that `member`, not the claim's holder, was paid `fen` because of the
        claim (an upline's share of an ad release), so that voiding it takes it back."""

    def payouts(self, zone: str, mode: str, seq: int) -> dict[str, int]: ...

    def clear_payouts(self, zone: str, mode: str, seq: int) -> None: ...


# ---------------------------------------------------------------------------- effects


class Effect(NamedTuple):
    """What an order did in a mode, kept so that reversing the order can undo it.

    kind: `claim` (a claim `seq` made for `member`), `gift` (units given without a
    claim), `paid` (fen paid to `member` out of the reserve, taken from claim `seq`),
    `shares`, `funding` (fen into the reserve), `spent` (shopping points spent, given
    by store `ref`), `short` (shopping points a refund had taken back, paid in cash),
    `rebate` (fen to store `ref`).
    """

    kind: str
    zone: str
    mode: str
    member: str
    amount: int
    seq: int = -1
    ref: str = ""


def in_batches(claims: Iterable[Claim], size: int = 1000) -> Iterator[list[Claim]]:
    """A queue a thousand claims at a time, so that a run reads its payees in bulk. Only
    for runs where paying one claim changes no other (a claim is read as it stood when
    its batch was taken)."""
    walking = iter(claims)
    while batch := list(islice(walking, size)):
        yield batch


# ---------------------------------------------------------------------------- running


class ModePaid(NamedTuple):
    """Cash a mode paid a member (`Run.pay`): what a report counts, without reading the
    entry back."""

    zone: str
    mode: str
    member: str
    fen: int


@dataclass
class Run:
    """One event going through the modes: what it reads and what it did."""

    ledger: Ledger
    book: ClaimBook
    network: Network
    cause: str
    day: int  # the day it happens, as a date ordinal
    at: datetime | None = None
    effects: list[Effect] = field(default_factory=list)
    reverses: str | None = None  # the order a reversal undoes: its entries correct it
    paid: list[ModePaid] = field(default_factory=list)  # cash paid to members, in order

    def fund(self, zone: str, mode: str, terms: Terms, amount: int, rule: str) -> int:
        """Move the mode's funding share of `amount` fen from the platform's profit to
        the reserve; returns it."""
        if terms.funding is None:
            return 0
        fen = scaled(terms.funding, amount)
        if fen:
            reserve = accounts.mode_reserve(zone, mode)
            self.ledger.post(
                entry(
                    self.cause,
                    "mode_funding",
                    rule,
                    [(accounts.PROFIT, CNY, -fen), (reserve, CNY, fen)],
                    {"zone": zone, "share": terms.funding.text, "base": fen_text(amount)},
                )
            )
            self.effects.append(Effect("funding", zone, mode, "", fen))
        return fen

    def issue(
        self,
        zone: str,
        mode: str,
        member: str,
        units: int,
        rule: str,
        params: Mapping[str, str],
        *,
        daily: int = 0,
        payable: int = 0,
        ref: str = "",
        days: int = 0,
        kind: str = "promise",
        cause: str = "",
    ) -> Claim | None:
        """Promise `units` of the mode's asset to `member`, as a claim. Points promises are
        made in whole hundredths: a point is paid out as a yuan, and a fraction of a fen
        could never be paid (nor, once paid in part, taken back exactly). The order's
        effects record the claim (with `cause`, whoever's purchase earned it, when that
        is not the holder), unless the caller records what undoes it another way
        (`cause` "-")."""
        code = asset(zone, mode)
        units = whole(units, code)
        if units <= 0:
            return None
        self.ledger.post(
            entry(
                self.cause,
                kind,
                rule,
                [
                    (accounts.mode_issued(zone, mode), code, -units),
                    (accounts.mode_holding(member, zone, mode), code, units),
                ],
                {"zone": zone, "member": member, **params},
            )
        )
        claim = self.book.add(zone, mode, member, units, self.cause, daily, payable, ref, days)
        if cause != "-":
            self.effects.append(Effect("claim", zone, mode, member, units, claim.seq, cause))
        return claim

    def prefetch_payees(self, members: Iterable[str]) -> None:
        """A daily run is about to pay these members: every payment settles a debt first
        (`wallet.credit`), which reads the wallet and then the debt: both are read in
        bulk."""
        self.ledger.prefetch(
            (account(member), CNY) for member in members for account in _PAYEE_ACCOUNTS
        )

    def affordable(self, zone: str, mode: str, fen: int, terms: Terms) -> int:
        """How much of `fen` the mode can pay now."""
        if terms.backed or fen <= 0:
            return max(fen, 0)
        return max(0, min(fen, self.ledger.balance(accounts.mode_reserve(zone, mode), CNY)))

    def pay(
        self,
        zone: str,
        mode: str,
        member: str,
        fen: int,
        terms: Terms,
        rule: str,
        kind: str,
        params: Mapping[str, str],
        *,
        units: int = 0,
    ) -> None:
        """Pay `fen` to the member's wallet out of the reserve (the platform adds what the
        reserve lacks when the mode is backed), taking back `units` of what the mode owes
        the member. The caller checked `affordable`."""
        reserve = accounts.mode_reserve(zone, mode)
        postings: list[Posting] = []
        short = fen - max(0, self.ledger.balance(reserve, CNY))
        if short > 0:
            if not terms.backed:
                raise DomainError(
                    ErrorCode.INSUFFICIENT, f"the {mode} reserve of zone {zone} cannot pay"
                )
            postings += [(accounts.FUNDING, CNY, -short), (reserve, CNY, short)]
        postings += wallet.credit(self.ledger, member, fen, reserve)
        if units:
            code = asset(zone, mode)
            postings += [
                (accounts.mode_holding(member, zone, mode), code, -units),
                (accounts.mode_issued(zone, mode), code, units),
            ]
        details = {"zone": zone, "member": member, "amount": fen_text(fen), **params}
        if short > 0:
            details["platform_paid"] = fen_text(short)
        self.ledger.post(entry(self.cause, kind, rule, postings, details))
        if fen:
            self.paid.append(ModePaid(zone, mode, member, fen))

    def take(
        self, zone: str, mode: str, member: str, units: int, claims: list[Claim] | None = None
    ) -> list[tuple[Claim, int]]:
        """Use up `units` of the member's claims (as just read, or read now), oldest
        first (an acceleration paid from them, shopping points spent); returns each
        claim used with how much."""
        taken: list[tuple[Claim, int]] = []
        need = units
        for claim in self.book.claims(zone, mode, member) if claims is None else claims:
            if need <= 0:
                break
            part = min(need, claim.left)
            self.book.save(zone, mode, claim._replace(left=claim.left - part))
            taken.append((claim, part))
            need -= part
        return taken

    def void(self, zone: str, mode: str, claim: Claim, into: str | None = None) -> None:
        """Cancel a claim whose cause was reversed: what it still owes is no longer owed,
        and what was paid because of it is taken back (wallet first, then a debt to
        `into`, the reserve by default) from its holder and from everyone paid a share.
        A claim is voided once: a second reversal touching it finds it void."""
        if claim.void:
            return
        code = asset(zone, mode)
        into = into or accounts.mode_reserve(zone, mode)
        book = self.book
        back = {claim.member: fen_of(claim.amount - claim.left, code)}
        for payee, fen in book.payouts(zone, mode, claim.seq).items():
            back[payee] = back.get(payee, 0) + fen
        book.clear_payouts(zone, mode, claim.seq)
        book.save(zone, mode, claim._replace(left=0, void=True))
        postings = unissue(zone, mode, claim.member, claim.left)
        for member, fen in back.items():
            if fen:
                postings += wallet.take(self.ledger, member, fen, into)
        details = {"zone": zone, "mode": mode, "undo": "claim", "claim": str(claim.seq)}
        details["cancelled"] = format_minor(claim.left, scale_of(code))
        self._undo(postings, details)

    def restore(self, zone: str, mode: str, claim: Claim, member: str, fen: int) -> None:
        """Take back a payment of `fen` made on a live claim because of an order now
        reversed (a union credit's dynamic release, a queue's advance): the claim owes it
        again, in its place, and the member gives it back (wallet first, then a debt)."""
        code = asset(zone, mode)
        units = units_of(fen, code)
        self.book.save(zone, mode, claim._replace(left=claim.left + units))
        postings = unissue(zone, mode, claim.member, -units)
        postings += wallet.take(self.ledger, member, fen, accounts.mode_reserve(zone, mode))
        self._undo(postings, {"zone": zone, "mode": mode, "undo": "paid", "claim": str(claim.seq)})

    def _undo(self, postings: list[Posting], details: dict[str, str]) -> None:
        done = entry(self.cause, "mode_reversal", "modes", postings, details, self.reverses)
        if done.postings:
            self.ledger.post(done)


def unissue(zone: str, mode: str, member: str, units: int) -> list[Posting]:
    """Postings taking `units` of a promise back from the member (negative: giving)."""
    code = asset(zone, mode)
    return [
        (accounts.mode_holding(member, zone, mode), code, -units),
        (accounts.mode_issued(zone, mode), code, units),
    ]


def owed(ledger: Ledger, zone: str, mode: str) -> int:
    """What the mode still owes, in its asset's units."""
    return -ledger.balance(accounts.mode_issued(zone, mode), asset(zone, mode))


def reserve(ledger: Ledger, zone: str, mode: str) -> int:
    return ledger.balance(accounts.mode_reserve(zone, mode), CNY)
