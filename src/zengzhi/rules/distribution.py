"""Distribution (分销, spec 02): who gets what from an order, and from a dividend run.

Every reward names its kind, its base and its rate, and is booked as its own entry with
the order (or job run) that caused it. Rewards of one order are paid, in a fixed order,
out of that order's distribution budget; what the budget cannot cover is cut, unless the
operator lets the platform pay the overflow from its own funds. Rounding is down, per
reward; what rounding leaves stays with the platform.

The referral network (who referred whom, team performance, star levels) and the regional
agents are state the rules read through small protocols, kept in memory by the replay
and the simulator and in SQL by the service.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio, format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import event_id
from zengzhi.core.ledger import CNY, Ledger, Posting, entry, register_money_asset
from zengzhi.rules import wallet

RULE = "distribution"
CONTRIBUTION = "CONTRIB"  # the non-withdrawable contribution balance (贡献分), in yuan
register_money_asset(CONTRIBUTION)
# A memo of what converted contribution became (rules/conversion.py), in fen: not money.
CONVERTED = "CONVERTED"
register_money_asset(CONVERTED)

BINDINGS = ("registration", "first_order", "any_time")
# Dividend splits weighted by a balance members hold (股东加权分红): (account kind, asset)
SHARES = "SHARES"  # shares (股权), issued by converting contribution; 4 places like points
HELD_WEIGHTS = {"contribution": ("contribution", CONTRIBUTION), "shares": ("shares", SHARES)}
SPLITS = ("equal", "performance", *HELD_WEIGHTS)
# Region levels by the depth of a region path "province/city/district/town".
REGION_LEVELS = ("province", "city", "district", "town")
AGENT_LEVELS = ("town", "district", "city", "province", "area")  # most local first
DEEP = 3  # more commission levels than this is a legal risk (传销) and needs an override
# The deepest a referral chain may be: a binding that would put a member deeper is
# refused, and every walk up a chain stops here (so that a cycle, which the binding
# check refuses but a damaged database may hold, ends in an error instead of a hang).
MAX_CHAIN = 10_000


@dataclass(frozen=True, slots=True)
class TeamLevel:
    performance: int  # fen of team performance to reach the level
    rate: Ratio


@dataclass(frozen=True, slots=True)
class DividendPlan:
    name: str
    share: Ratio  # of the period's turnover
    schedule: str  # daily or monthly
    min_level: int  # team level that qualifies
    split: str  # equal, or weighted: performance, contribution or shares (SPLITS)
    funding: str  # the account that pays: profit or distribution


@dataclass(frozen=True, slots=True)
class DistributionParams:
    binding: str = "first_order"
    overflow: bool = False  # True: what an order's budget cannot cover, the platform pays
    commission: tuple[Ratio, ...] = ()  # direct referrer, then each level up
    allow_deep: bool = False
    commission_in: str = "cash"  # cash or contribution
    recruiter: Ratio | None = None
    recruiter_in: str = "cash"
    # seed 000 三: the members a recruited store binds are its recruiter's indirect members
    recruiter_indirect: bool = False
    # seed 002 三.1: a referrer earns commission only once they have bought themselves
    promoter_after_purchase: bool = False
    agents_mode: str = "differential"  # differential (级差) or flat
    agent_rates: Mapping[str, Ratio] = field(default_factory=dict)  # by AGENT_LEVELS name
    areas: Mapping[str, str] = field(default_factory=dict)  # province → area
    agents_in: str = "cash"
    team: tuple[TeamLevel, ...] = ()  # ascending thresholds: level n = team[n - 1]
    peer_share: Ratio | None = None
    team_in: str = "cash"
    dividends: tuple[DividendPlan, ...] = ()
    # derived once: level thresholds and rates as plain numbers, for chains walked per order
    _thresholds: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _rates: tuple[Fraction, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_thresholds", tuple(t.performance for t in self.team))
        object.__setattr__(self, "_rates", (Fraction(0), *(t.rate.fraction for t in self.team)))
        if self.binding not in BINDINGS:
            raise invalid("binding", f"must be one of {', '.join(BINDINGS)}")
        if len(self.commission) > DEEP and not self.allow_deep:
            raise invalid(
                "commission.rates",
                f"{len(self.commission)} levels: more than {DEEP} carries the legal risk of a "
                "pyramid scheme (传销); set allow_deep to do it anyway",
            )
        for n, rate in enumerate(self.commission):
            if rate.fraction >= 1:
                raise invalid(f"commission.rates.{n}", "must be below 1")
        # A rate of an order's amount pays part of it; a share of a base (a team's top
        # rate, a peer's share of a reward, a dividend's share of turnover) at most all of
        # it: above, with the platform paying the overflow, a reward outgrew its base.
        below_one: list[tuple[str, Ratio | None]] = [("recruiter.rate", self.recruiter)]
        below_one += [(f"agents.rates.{name}", rate) for name, rate in self.agent_rates.items()]
        for name, ratio in below_one:
            if ratio is not None and ratio.fraction >= 1:
                raise invalid(name, "must be below 1")
        at_most_one: list[tuple[str, Ratio | None]] = [
            (f"team.levels.{n}.rate", level.rate) for n, level in enumerate(self.team)
        ]
        at_most_one += [("team.peer_share", self.peer_share)]
        at_most_one += [
            (f"dividends.{n}.share", plan.share) for n, plan in enumerate(self.dividends)
        ]
        for name, ratio in at_most_one:
            if ratio is not None and ratio.fraction > 1:
                raise invalid(name, "must be at most 1")
        for name in self.agent_rates:
            if name not in AGENT_LEVELS:
                raise invalid(
                    f"agents.rates.{name}", f"unknown level (known: {', '.join(AGENT_LEVELS)})"
                )
        thresholds = [level.performance for level in self.team]
        if thresholds and thresholds[0] <= 0:
            # a level at no performance would be every member's, but members hold levels
            # as their performance grows (SQL re-levels whoever exists when settings
            # change, the replay whoever has performance): a dividend split differed
            raise invalid("team.levels.0.performance", "must be greater than 0")
        if thresholds != sorted(set(thresholds)):
            raise invalid("team.levels", "thresholds must rise from level to level")
        if any(
            a.rate.fraction > b.rate.fraction
            for a, b in zip(self.team, self.team[1:], strict=False)
        ):
            raise invalid("team.levels", "rates must not fall as levels rise")
        for name in ("commission_in", "team_in", "recruiter_in", "agents_in"):
            if getattr(self, name) not in ("cash", "contribution"):
                raise invalid(name.replace("_in", ".pay_in"), "must be cash or contribution")
        if self.agents_mode not in ("differential", "flat"):
            raise invalid("agents.mode", "must be differential or flat")

    def level_for(self, performance: int) -> int:
        return bisect_right(self._thresholds, performance)

    def team_rate(self, level: int) -> Ratio | None:
        return self.team[level - 1].rate if level > 0 else None

    def rate_of(self, level: int) -> Fraction:
        """The team rate of a level as a fraction (0 for level 0)."""
        return self._rates[level]


class Reward(NamedTuple):
    kind: str  # direct, indirect, level_3…, recruiter, agent, team, peer, dividend
    member: str
    amount: int  # fen, rounded down
    rate: str
    base: int  # fen the rate applies to
    note: str = ""  # the level, the region…
    into: str = "cash"  # cash, or contribution


class Paid(NamedTuple):
    """A reward as booked, so that a reversal can take it back."""

    member: str
    amount: int
    into: str
    source: str  # the account it was paid from


class Rewarded(NamedTuple):
    """A reward's entry as booked (`paid`), with what the budget cut of that reward (fen
    left unpaid, overflow off): what a report counts, without reading the entry back. A
    reward the budget cut whole has no entry: its `paid` is 0 and `cut` all of it."""

    paid: Paid
    cut: int


def cycle_error(member: str, uplines: Sequence[str]) -> DomainError:
    """A chain that comes back on itself, or runs past MAX_CHAIN: only a damaged
    network holds one (bindings refuse both)."""
    shown = " → ".join([member, *uplines[:6]]) + (" → …" if len(uplines) > 6 else "")
    return DomainError(
        ErrorCode.CONFLICT,
        f"the referral chain above {member!r} has a cycle or is deeper than {MAX_CHAIN}"
        f" levels ({shown}): support must re-assign a referrer to break it",
        "referrer",
    )


class Network(Protocol):
    """Who referred whom, team performance and star levels (memory or SQL)."""

    def lock_links(self) -> None:
        """Before a binding is checked: SQL takes the tenant's network lock, so that the
        check and the write are one step that no other binding runs beside. Also before
        what reads every member's level or holding (a dividend, a conversion of all
        holders): no command that changes one runs beside it."""

    def read_lock(self) -> None:
        """Before a command changes a level or a holding without reading a link (a
        reversal taking rewards back): SQL takes the network lock shared, as a reader of
        links does, so that it waits for a dividend reading them all, and it for it."""

    def referrer(self, member: str) -> str | None: ...

    def join(self, member: str, referrer: str | None) -> None: ...

    def bind(self, member: str, referrer: str) -> None: ...

    def has_ordered(self, member: str) -> bool: ...

    def ordered(self, member: str) -> None:
        """Note that `member` completed an order, whatever its amount and whether
        distribution was on: `has_ordered` is true from now on (SQL reads the orders)."""

    def unordered(self, member: str) -> None:
        """Note that a completed order of `member` was reversed: `has_ordered` stays true
        (the binding policy's first order happened), `has_purchase` counts it no more."""

    def has_purchase(self, member: str) -> bool:
        """Whether a completed order of `member` stands, not reversed: a promoter
        (`promoter_after_purchase`) is a member who bought and kept it."""

    def referees(self, member: str) -> list[str]:
        """The members `member` referred directly, by id."""

    def sponsor(self, member: str, sponsor: str | None) -> None:
        """Note (None: forget) the recruiter of the store whose code bound `member`."""

    def sponsor_of(self, member: str) -> str | None: ...

    def chain(self, member: str, depth: int | None) -> list[str]:
        """The member's uplines, nearest first, at most `depth` of them (and never more
        than MAX_CHAIN: `cycle_error` past it, or when an upline comes twice)."""

    def grow(
        self, uplines: Sequence[str], amount: int, params: DistributionParams | None
    ) -> list[tuple[str, int]]:
        """Add `amount` to the team performance of each of `uplines` (an order's buyer's,
        all depths, nearest first), recompute their levels (none without `params`);
        returns the uplines with their levels after."""

    def level(self, member: str) -> int:
        """The member's star level (0: none)."""

    def uplines(self, member: str, depth: int | None) -> list[tuple[str, int]]:
        """`chain`, with each upline's star level."""

    def prefetch(self, members: Iterable[str], depth: int | None) -> None:
        """A hint that `uplines` of these members (to `depth`) is asked for next, many at
        once (a daily run): SQL reads their links in bulk instead of a query each."""

    def qualifying(self, min_level: int) -> list[tuple[str, int]]:
        """(member, team performance) of every member at `min_level` or above, by id."""

    def relevel(self, params: DistributionParams) -> None: ...


class AgentBook(Protocol):
    def agent(self, region: str, level: str) -> str | None: ...

    def grant(self, region: str, level: str, member: str, fee: int) -> None: ...


# ---------------------------------------------------------------------------- binding


def check_binding(
    network: Network,
    params: DistributionParams | None,
    member: str,
    referrer: str,
    *,
    joining: bool,
) -> None:
    """Refuse a binding the policy, a self-referral, a cycle or a chain too deep forbids.
    The network is locked first: two bindings at once (A under B, B under A) are
    checked one after the other, each seeing the other's write."""
    if referrer == member:
        raise invalid("referrer", "a member cannot refer themselves")
    network.lock_links()
    uplines = network.chain(referrer, None)
    if member in uplines:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{member!r} is an upline of {referrer!r}: binding would make a cycle",
            "referrer",
        )
    if len(uplines) + 1 >= MAX_CHAIN:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{referrer!r} is {len(uplines)} levels deep: a referral chain may be at most"
            f" {MAX_CHAIN} deep",
            "referrer",
        )
    if joining:
        return
    if network.referrer(member) is not None:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{member!r} is bound already; support may re-assign the referrer with a reason",
            "referrer",
        )
    policy = params.binding if params else "first_order"
    if policy == "registration":
        raise DomainError(
            ErrorCode.CONFLICT, "this platform binds referrers at registration only", "referrer"
        )
    if policy == "first_order" and network.has_ordered(member):
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{member!r} has ordered already: the referrer "
            "is bound at the first order at the latest",
            "referrer",
        )


# ---------------------------------------------------------------------------- rewards


def _share(rate: Ratio, base: int) -> int:
    return rate.num * base // rate.den


def commission_rewards(
    params: DistributionParams,
    uplines: Sequence[str],
    amount: int,
    has_purchase: Callable[[str], bool] | None = None,
) -> list[Reward]:
    """Direct (直推), indirect (间推) and deeper levels, on the order amount. With
    `promoter_after_purchase`, an upline who never bought (or whose every purchase was
    reversed: `has_purchase`) is no promoter: their level pays nothing, and is not passed
    up (seed 002 三.1: "消费后成为推广员")."""
    kinds = ("direct", "indirect")
    rewards = []
    for depth, (member, rate) in enumerate(zip(uplines, params.commission, strict=False)):
        if params.promoter_after_purchase and has_purchase is not None and not has_purchase(member):
            continue
        kind = kinds[depth] if depth < len(kinds) else f"level_{depth + 1}"
        rewards.append(
            Reward(
                kind,
                member,
                _share(rate, amount),
                rate.text,
                amount,
                f"level {depth + 1}",
                params.commission_in,
            )
        )
    return rewards


def commission_chain(
    params: DistributionParams, network: Network, member: str, uplines: Sequence[str]
) -> list[str]:
    """Who the commission levels pay, nearest first: the member's uplines, except that a
    member a recruited store bound has the store's recruiter as its second level (and
    the recruiter's own uplines above), when the recruiter's `indirect_members` is on
    (spec 02, seed 000 三: "下级门店主发展锁定的一级用户，也将作为推荐人的间推会员")."""
    depth = len(params.commission)
    if not params.recruiter_indirect or depth < 2 or not uplines:
        return list(uplines[:depth])
    sponsor = network.sponsor_of(member)
    if sponsor is None or sponsor in (member, uplines[0]):
        return list(uplines[:depth])
    # The recruiter's uplines are not the buyer's: they may come back to the buyer or to
    # its referrer (bound under them later). Whoever is paid already, or buys, ends the
    # walk: no one is paid twice for an order, nor on their own order.
    above: list[str] = []
    for upline in network.chain(sponsor, depth - 2) if depth > 2 else []:
        if upline in (member, uplines[0], sponsor):
            break
        above.append(upline)
    return [uplines[0], sponsor, *above]


def recruiter_reward(
    params: DistributionParams, recruiter: str | None, amount: int
) -> list[Reward]:
    """招商奖励: the store's recruiter earns on the store's turnover."""
    if recruiter is None or params.recruiter is None:
        return []
    rate = params.recruiter
    return [
        Reward(
            "recruiter",
            recruiter,
            _share(rate, amount),
            rate.text,
            amount,
            into=params.recruiter_in,
        )
    ]


def region_keys(region: str, areas: Mapping[str, str]) -> list[tuple[str, str]]:
    """(level, region key) from the most local to the widest: a region "广东/深圳/南山" is a
    district of the city "广东/深圳" of the province "广东", of the area its province is in."""
    parts = [part for part in region.split("/") if part]
    keys = [
        (REGION_LEVELS[depth], "/".join(parts[: depth + 1]))
        for depth in range(min(len(parts), len(REGION_LEVELS)))
    ]
    keys.reverse()
    if parts and parts[0] in areas:
        keys.append(("area", areas[parts[0]]))
    return keys


def agent_rewards(
    params: DistributionParams, agents: AgentBook, region: str | None, amount: int
) -> list[Reward]:
    """Regional agents. Differential (级差): walking up from the most local level, each
    agent gets its rate less the highest already paid below it. Flat: each its rate."""
    if not region or not params.agent_rates:
        return []
    rewards = []
    highest = Ratio(0)
    for level, key in region_keys(region, params.areas):
        rate = params.agent_rates.get(level)
        holder = agents.agent(key, level) if rate is not None else None
        if rate is None or holder is None:
            continue
        if params.agents_mode == "flat":
            rewards.append(
                Reward(
                    "agent",
                    holder,
                    _share(rate, amount),
                    rate.text,
                    amount,
                    f"{level} {key}",
                    params.agents_in,
                )
            )
            continue
        if rate.fraction <= highest.fraction:
            continue
        difference = rate.fraction - highest.fraction
        paid = difference.numerator * amount // difference.denominator
        rewards.append(
            Reward(
                "agent",
                holder,
                paid,
                f"{rate.text}-{highest.text}",
                amount,
                f"{level} {key}",
                params.agents_in,
            )
        )
        highest = rate
    return rewards


def team_rewards(
    params: DistributionParams, uplines: Sequence[tuple[str, int]], base: int
) -> list[Reward]:
    """Star levels with differential (级差) and peer (平级) rewards: walking up, an upline
    whose rate exceeds the highest already paid gets the difference; the first upline of
    the same level as the nearest paid member gets `peer_share` of that member's reward."""
    if not params.team:
        return []
    rewards: list[Reward] = []
    paid_level, paid_rate = 0, Fraction(0)
    top = params.rate_of(len(params.team))
    last_reward, peer_open = 0, False
    for member, level in uplines:
        if level == 0:
            continue  # most of a long chain: nothing to pay, nothing to compare
        rate = params.rate_of(level)
        if rate > paid_rate:
            difference = rate - paid_rate
            amount = difference.numerator * base // difference.denominator
            text = (
                params.team[level - 1].rate.text
                + "-"
                + (params.team[paid_level - 1].rate.text if paid_level else "0")
            )
            rewards.append(
                Reward("team", member, amount, text, base, f"level {level}", params.team_in)
            )
            paid_level, paid_rate, last_reward = level, rate, amount
            peer_open = params.peer_share is not None
        elif peer_open and level == paid_level and params.peer_share is not None:
            share = params.peer_share
            rewards.append(
                Reward(
                    "peer",
                    member,
                    _share(share, last_reward),
                    share.text,
                    last_reward,
                    f"level {level}",
                    params.team_in,
                )
            )
            peer_open = False
        if paid_rate >= top and not peer_open:
            break  # nobody further up can be paid anything
    return rewards


# ---------------------------------------------------------------------------- paying


def pay(
    ledger: Ledger,
    cause: str,
    rewards: Sequence[Reward],
    budget: int,
    overflow: bool,
    source: str = accounts.DISTRIBUTION,
) -> list[Rewarded]:
    """Book each reward as its own entry, out of `budget` fen of `source`; beyond it the
    platform's funds pay when `overflow` is on, else the reward is cut (and says so)."""
    paid: list[Rewarded] = []
    left = budget
    for reward in rewards:
        if reward.amount <= 0:
            continue
        covered = min(reward.amount, left)
        left -= covered
        extra = reward.amount - covered if overflow else 0
        cut = reward.amount - covered - extra
        params = {
            "kind": reward.kind,
            "member": reward.member,
            "rate": reward.rate,
            "base": format_minor(reward.base, 2),
            "amount": format_minor(reward.amount, 2),
            "into": reward.into,
        }
        if reward.note:
            params["note"] = reward.note
        if cut:
            params["cut"] = format_minor(cut, 2)
        if not (covered or extra):  # cut whole: nothing moves, but a report counts it
            paid.append(Rewarded(Paid(reward.member, 0, reward.into, source), cut))
        for amount, account in ((covered, source), (extra, accounts.FUNDING)):
            if amount:
                ledger.post(
                    entry(
                        cause,
                        "reward",
                        RULE,
                        _credit(ledger, reward.member, amount, reward.into, account),
                        params,
                    )
                )
                paid.append(Rewarded(Paid(reward.member, amount, reward.into, account), cut))
    return paid


def _credit(ledger: Ledger, member: str, amount: int, into: str, source: str) -> list[Posting]:
    if into == "cash":
        return wallet.credit(ledger, member, amount, source)
    # A contribution balance is backed: its money moves to a reserve as it is issued. A
    # contribution debt (a reversal of a reward already converted) is settled first: that
    # part of the money goes back to the platform's reversal costs, which fronted it.
    owed = max(0, -ledger.balance(accounts.debt(member), CONTRIBUTION))
    settled = min(owed, amount)
    return [
        (source, CNY, -amount),
        (accounts.CONTRIBUTION_RESERVE, CNY, amount - settled),
        (accounts.REVERSALS, CNY, settled),
        (accounts.CONTRIBUTION_ISSUED, CONTRIBUTION, -amount),
        (accounts.debt(member), CONTRIBUTION, settled),
        (accounts.contribution(member), CONTRIBUTION, amount - settled),
    ]


def take_back(ledger: Ledger, cause: str, order: str, paid: Sequence[Paid]) -> None:
    """A reversal takes each reward back from what the earner holds, and records the rest
    as the earner's debt: nothing is silently skipped. A contribution reward already
    converted is taken back as what it became (`_converted_back`)."""
    for reward in paid:
        params = {"member": reward.member, "amount": format_minor(reward.amount, 2)}
        if reward.into == "cash":
            held = max(0, ledger.balance(accounts.wallet(reward.member), CNY))
            owed = max(0, reward.amount - held)
            postings = wallet.take(ledger, reward.member, reward.amount, reward.source)
        else:
            held_at = accounts.contribution(reward.member)
            taken = min(max(0, ledger.balance(held_at, CONTRIBUTION)), reward.amount)
            postings = [
                (held_at, CONTRIBUTION, -taken),
                (accounts.CONTRIBUTION_ISSUED, CONTRIBUTION, taken),
                (accounts.CONTRIBUTION_RESERVE, CNY, -taken),
                (reward.source, CNY, taken),
            ]
            back, owed, details = _converted_back(
                ledger, reward.member, reward.amount - taken, reward.source
            )
            postings += back
            params |= {"contribution": format_minor(taken, 2)} | details
        ledger.post(
            entry(
                cause,
                "reward_reversal",
                RULE,
                postings,
                params | {"into": reward.into, "debt": format_minor(owed, 2)},
                corrects=order,
            )
        )


def _converted_back(
    ledger: Ledger, member: str, fen: int, source: str
) -> tuple[list[Posting], int, dict[str, str]]:
    """Take back `fen` of contribution the member no longer holds: it was converted.
    Against the member's cash conversions first (at the rate they paid: from the wallet,
    the rest a cash debt to the reward's source, as a cash reward's reversal), then their
    shares conversions (at the rate they issued, as far as the member holds the shares).
    What neither covers (points, shares already gone) is a contribution debt, which the
    member's next contribution rewards settle before anything can be converted again;
    the platform's reversal costs front it to the source meanwhile. The source gets
    `fen` back in full. Returns the postings, the cash debt, and the entry's details."""
    if fen <= 0:
        return [], 0, {}
    postings: list[Posting] = []
    details: dict[str, str] = {}
    left = fen
    owed = 0
    cash_fen, cash_back = _memo(ledger, member, "cash")
    if cash_fen > cash_back:
        part = min(left, cash_fen - cash_back)
        paid = ledger.balance(accounts.converted_paid(member), CONVERTED)
        paid_back = ledger.balance(accounts.converted_paid_back(member), CONVERTED)
        due = min(_slice(paid, cash_fen, cash_back, part), paid - paid_back)  # never more
        owed = max(0, due - max(0, ledger.balance(accounts.wallet(member), CNY)))
        kept = part - due  # what the conversion left with the platform (< 0: funded)
        postings += [
            *wallet.take(ledger, member, due, source),
            (accounts.PROFIT if kept > 0 else accounts.FUNDING, CNY, -kept),
            (source, CNY, kept),
            (accounts.converted_back(member, "cash"), CONVERTED, part),
            (accounts.converted_paid_back(member), CONVERTED, due),
            (accounts.CONVERTED_MEMO, CONVERTED, -part - due),
        ]
        details["cash"] = format_minor(due, 2)
        left -= part
    shares_fen, shares_back = _memo(ledger, member, "shares")
    if left > 0 and shares_fen > shares_back:
        part = min(left, shares_fen - shares_back)
        units = ledger.balance(accounts.converted(member, "shares"), SHARES)
        units_back = ledger.balance(accounts.converted_back(member, "shares"), SHARES)
        due = min(_slice(units, shares_fen, shares_back, part), units - units_back)
        held = max(0, ledger.balance(accounts.shares(member), SHARES))
        taken = min(held, due)
        covered = part if taken == due else part * taken // due
        postings += [
            (accounts.shares(member), SHARES, -taken),
            (accounts.SHARES_ISSUED, SHARES, taken),
            (accounts.PROFIT, CNY, -covered),
            (source, CNY, covered),
            (accounts.converted_back(member, "shares"), CONVERTED, part),
            (accounts.CONVERTED_MEMO, CONVERTED, -part),
            (accounts.converted_back(member, "shares"), SHARES, due),
            (accounts.CONVERTED_MEMO, SHARES, -due),
        ]
        details["shares"] = format_minor(taken, 4)
        left -= covered
    if left > 0:
        postings += [
            (accounts.debt(member), CONTRIBUTION, -left),
            (accounts.CONTRIBUTION_ISSUED, CONTRIBUTION, left),
            (accounts.REVERSALS, CNY, -left),
            (source, CNY, left),
        ]
        details["contribution_debt"] = format_minor(left, 2)
    return postings, owed, details


def _memo(ledger: Ledger, member: str, into: str) -> tuple[int, int]:
    """Fen the member ever converted into `into`, and fen of it taken back since."""
    return (
        ledger.balance(accounts.converted(member, into), CONVERTED),
        ledger.balance(accounts.converted_back(member, into), CONVERTED),
    )


def _slice(given: int, converted: int, back: int, part: int) -> int:
    """What `part` more fen taken back of `converted` fen are worth, when they became
    `given` (fen paid, shares issued) and `back` fen were taken back before: the
    cumulative share rounded down, less what was taken before. Between two conversions,
    however reversals come, the total taken back of `n` fen is `given × n / converted`
    rounded down: two reversals end the same in either order. (The caller caps it at
    what is left of `given`: a later conversion at another rate moves the share.)"""
    return given * (back + part) // converted - given * back // converted


def dividend_period(schedule: str, today: date) -> tuple[date, date]:
    """The period [start, end) a plan's run on `today` pays for: yesterday, or last month."""
    if schedule == "daily":
        return today - timedelta(days=1), today
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1), first


def dividend_run_id(plan: str, start: date) -> str:
    """A run's event id names its plan and period: the event log's unique ids make each
    plan pay each period once, and tell the jobs which runs are still due."""
    return event_id("dividend", f"{plan}:{start.isoformat()}")


def dividend_rewards(
    plan: DividendPlan, turnover: int, members: Sequence[tuple[str, int]]
) -> list[Reward]:
    """A share of the period's turnover split among qualifying members, equally or by a
    weight (team performance, contribution balance, shares): `members` carry it. Each
    part rounds down and the remainder stays with the platform."""
    pot = _share(plan.share, turnover)
    if pot <= 0 or not members:
        return []
    if plan.split == "equal":
        each = pot // len(members)
        return [
            Reward("dividend", member, each, plan.share.text, turnover, plan.name)
            for member, _ in members
        ]
    total = sum(weight for _, weight in members)
    if total <= 0:
        return []
    return [
        Reward("dividend", member, pot * weight // total, plan.share.text, turnover, plan.name)
        for member, weight in members
    ]
