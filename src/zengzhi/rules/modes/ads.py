"""B. Ad-task points (广告电商, seeds 002 and 004).

A purchase gives ad points at a ratio of its amount (the product's own, else the
zone's). On each day a member does the day's ad task, ad points release into the wallet
at 1 point = 1 yuan: 1% of the balance, or a fixed amount by balance band, never more
than the balance. A day without the task releases nothing, and a day is released once.
The member's referrer gets 20% of the release and theirs 10%, paid by the mode (not
taken from the member).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.rules.distribution import AgentBook, DistributionParams, agent_rewards
from zengzhi.rules.modes.common import (
    NO_TERMS,
    UNITS_PER_FEN,
    Claim,
    Run,
    Terms,
    asset,
    fen_text,
    scaled,
)

MODE = "ads"
RULE = "modes.ads"


class Tier(NamedTuple):
    """A balance band: up to `up_to` units (inclusive; None: no limit), `release` fen."""

    up_to: int | None
    release: int


@dataclass(frozen=True)
class AdsParams:
    ratio: Ratio = Ratio("1.1")
    rule: Literal["percent", "tiers"] = "percent"
    percent: Ratio = Ratio("0.01")
    tiers: tuple[Tier, ...] = ()
    referral: tuple[Ratio, ...] = (Ratio("0.20"), Ratio("0.10"))
    terms: Terms = NO_TERMS
    # seed 002 三.3: regional agents earn on the release too, by AGENT_LEVELS name, in the
    # distribution's agent mode (flat: each its rate; differential: 级差)
    agents: Mapping[str, Ratio] = field(default_factory=dict)
    agents_mode: str = "flat"


def purchase(
    run: Run,
    zone: str,
    params: AdsParams,
    member: str,
    amount: int,
    ratio: Ratio | None,
    boost: Ratio | None,
) -> None:
    """Gift ad points for `amount` fen bought at `ratio` (None: the zone's), as a claim:
    releases use the member's gifts oldest first, so a reversed order's gift says what
    of it was released, and to whom the release paid shares."""
    run.fund(zone, MODE, params.terms, amount, RULE)
    used = ratio or params.ratio
    units = scaled(used, amount * UNITS_PER_FEN)
    if boost is not None:
        units = scaled(boost, units)
    run.issue(
        zone,
        MODE,
        member,
        units,
        RULE,
        {"ratio": used.text, "base": fen_text(amount)},
        kind="ad_points",
    )


def _charge_to_gifts(
    run: Run, zone: str, used: list[tuple[Claim, int]], upline: str, share: int, fen: int
) -> None:
    """Record an upline's share of a release against the gifts the release used, in
    proportion (each part rounded so that the parts add up to the share exactly), so
    that a reversed gift takes back the shares it paid (spec 03, refunds)."""
    before, gone = 0, 0
    for claim, units in used:
        gone += units // UNITS_PER_FEN
        part = share * gone // fen - before
        before += part
        if part:
            run.book.add_payout(zone, MODE, claim.seq, upline, part)


def due(params: AdsParams, balance: int) -> int:
    """What a day's task releases from a balance of `balance` units, in fen."""
    if params.rule == "percent":
        fen = scaled(params.percent, balance) // UNITS_PER_FEN
    else:
        fen = 0
        for up_to, release in params.tiers:
            if up_to is None or balance <= up_to:
                fen = release
                break
    return min(fen, balance // UNITS_PER_FEN)


def task_key(member: str) -> str:
    """The counter that holds the last day a member's task released."""
    return f"task:{member}"


def next_release(params: AdsParams, balance: int, reserve: int) -> int:
    """What doing the day's task would release now (fen): the day's due, cut to what the
    reserve holds unless the mode is backed (as `task` pays it, before the referral
    shares)."""
    wanted = due(params, balance)
    return wanted if params.terms.backed else max(0, min(wanted, reserve))


def done_through(last: int, day: date) -> bool:
    """Whether `day`'s task is done (or a later one), given the last day released."""
    return day.toordinal() <= last


def task(
    run: Run,
    zone: str,
    params: AdsParams,
    member: str,
    day: date,
    region: Placed | None = None,
) -> int:
    """The member did `day`'s task: release that day's ad points. Returns the fen paid.
    `region`: where the member is and who holds its agent rights, for `params.agents`."""
    book = run.book
    last = book.counter(zone, MODE, task_key(member))
    if done_through(last, day):
        raise DomainError(
            ErrorCode.CONFLICT,
            f"{member} released ad points for {date.fromordinal(last)} already:"
            " a day is released once, and days are not made up",
            "day",
        )
    book.set_counter(zone, MODE, task_key(member), day.toordinal())
    balance = run.ledger.balance(accounts.mode_holding(member, zone, MODE), asset(zone, MODE))
    wanted = due(params, balance)
    fen = run.affordable(zone, MODE, wanted, params.terms)
    if fen <= 0:
        return 0
    details = {"day": day.isoformat(), "balance": fen_text(balance // UNITS_PER_FEN)}
    if fen < wanted:
        details["cut"] = fen_text(wanted - fen)
    run.pay(
        zone, MODE, member, fen, params.terms, RULE, "release", details, units=fen * UNITS_PER_FEN
    )
    used = run.take(zone, MODE, member, fen * UNITS_PER_FEN)
    for depth, (upline, rate) in enumerate(
        zip(run.network.chain(member, len(params.referral)), params.referral, strict=False)
    ):
        share = run.affordable(zone, MODE, scaled(rate, fen), params.terms)
        if share > 0:
            run.pay(
                zone,
                MODE,
                upline,
                share,
                params.terms,
                RULE,
                "release_share",
                {"from": member, "level": str(depth + 1), "rate": rate.text},
            )
            _charge_to_gifts(run, zone, used, upline, share, fen)
    if params.agents and region is not None:
        _pay_agents(run, zone, params, member, fen, used, region)
    return fen


class Placed(NamedTuple):
    """Where a member is (a region path), the areas provinces belong to, and the book of
    regional agents: what the agents' share of a release needs."""

    region: str
    areas: Mapping[str, str]
    agents: AgentBook


def _pay_agents(
    run: Run,
    zone: str,
    params: AdsParams,
    member: str,
    fen: int,
    used: list[tuple[Claim, int]],
    placed: Placed,
) -> None:
    """The regional agents' shares of a release (seed 002 三.3: "如果按看广告释放金额计算的话，
    比例可以设置的大一点"), paid by the mode like the referral shares, and charged to the
    gifts the release used so that a reversed gift takes them back."""
    rules = DistributionParams(
        agents_mode=params.agents_mode, agent_rates=params.agents, areas=placed.areas
    )
    for reward in agent_rewards(rules, placed.agents, placed.region, fen):
        share = run.affordable(zone, MODE, reward.amount, params.terms)
        if share <= 0:
            continue
        run.pay(
            zone,
            MODE,
            reward.member,
            share,
            params.terms,
            RULE,
            "release_share",
            {"from": member, "agent": reward.note, "rate": reward.rate},
        )
        _charge_to_gifts(run, zone, used, reward.member, share, fen)
