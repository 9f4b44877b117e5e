"""Lint checks for the companion modes (spec 03), registered with `lint_registry.check`.

What they flag: static returns beyond what members spent (seed 000's 非法集资 warning),
promises no funding pays for, funding that eats more than the platform's share of an
order, promises the funding can only partly cover, and modes that run without an end
(seed 002: no mode should run over a year).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction

from zengzhi.core.amounts import Ratio, percent
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.lint_registry import SEED_DEEP, SEED_STATIC, Finding, check
from zengzhi.rules.distribution import DEEP
from zengzhi.rules.modes.common import Terms
from zengzhi.rules.modes.zone import ZoneModes
from zengzhi.rules.pool import DEFAULT_POOL

SEED_ONE_YEAR = "seed 002: 每个活动设置一定周期，不要一个模式玩一年以上"
CASH_MODES = ("refer_three", "ads", "quota", "green", "union", "three_for_one")


def _zones(config: TenantConfig) -> dict[str, ZoneModes]:
    return config.zone_modes()


def _terms(modes: ZoneModes, mode: str) -> Terms:
    terms: Terms = getattr(modes, mode).terms
    return terms


def _static_returns(modes: ZoneModes) -> list[tuple[str, Fraction, str]]:
    """(mode, what it promises per yuan spent whatever anyone else does, how)."""
    found = []
    if modes.green is not None:
        found.append(("green", modes.green.multiple.fraction, "green points at 1 yuan each"))
    if modes.ads is not None:
        found.append(("ads", modes.ads.ratio.fraction, "ad points at 1 yuan each"))
    if modes.union is not None:
        found.append(("union", modes.union.credit.fraction, "a queued union credit"))
    if modes.quota is not None:
        found.append(("quota", modes.quota.multiple.fraction, "a quota paid from the bonus pool"))
    if modes.three_for_one is not None:
        found.append(("three_for_one", modes.three_for_one.rate.fraction, "a queued subsidy"))
    return found


@check
def deep_mode_rewards(config: TenantConfig) -> Iterator[Finding]:
    """Mode rewards paid up a chain of people deeper than distribution allows (the
    seeds' 传销 warning), and team accelerations that reach any depth."""
    for name, modes in _zones(config).items():
        chains = []
        if modes.ads is not None:
            chains.append(("ads.referral", len(modes.ads.referral)))
        if modes.green is not None:
            chains.append(("green.acceleration", len(modes.green.acceleration)))
        for field, levels in chains:
            if levels > DEEP:
                yield Finding.warning(
                    f"zones.{name}.{field}",
                    "modes.too_deep",
                    f"{levels} levels of referral reward: more than {DEEP} carries the legal "
                    f"risk of a pyramid scheme (传销). {SEED_DEEP}",
                )
        if modes.green is not None and modes.green.team:
            peer = " and 平级" if modes.green.peer is not None else ""
            yield Finding.warning(
                f"zones.{name}.green.team",
                "modes.team_unlimited_depth",
                f"green team acceleration (级差{peer}) is paid up the whole referral chain, "
                f"at any depth: {SEED_DEEP}",
            )


@check
def campaign_past_one(config: TenantConfig) -> Iterator[Finding]:
    """A closing campaign that boosts appreciation points past m × boost < 1: the base is
    kept below it, so the campaign gives less than it says."""
    pools = config.pool_params()
    for name, modes in _zones(config).items():
        campaign = modes.campaign
        if campaign is None or not campaign.points:
            continue
        for pool_name, params in pools.items():
            if params.mint_ratio.fraction * campaign.boost.fraction >= 1:
                yield Finding.warning(
                    f"zones.{name}.campaign.boost",
                    "modes.campaign_past_one",
                    f"pool {pool_name}'s mint ratio {params.mint_ratio.text} × boost "
                    f"{campaign.boost.text} reaches 1: its points are minted on just under "
                    "1 / m of the contribution instead, so the price still rises",
                )


@check
def static_returns_beyond_spend(config: TenantConfig) -> Iterator[Finding]:
    for zone, modes in _zones(config).items():
        for mode, per_yuan, how in _static_returns(modes):
            if per_yuan <= 1:
                continue
            backed = _terms(modes, mode).backed
            message = (
                f"promises {percent(per_yuan)} of what a member spends as {how}, whatever anyone "
                f"else does: {SEED_STATIC}"
            )
            if backed:
                yield Finding.error(
                    f"zones.{zone}.{mode}",
                    "modes.guaranteed_static_return",
                    message + "; and the platform's own funds guarantee it (保本保收益)",
                )
            else:
                yield Finding.warning(f"zones.{zone}.{mode}", "modes.static_return", message)


@check
def modes_without_funding(config: TenantConfig) -> Iterator[Finding]:
    for zone, modes in _zones(config).items():
        for mode in modes.configured():
            if mode not in CASH_MODES:
                continue
            terms = _terms(modes, mode)
            if (terms.funding is None or terms.funding.num == 0) and not terms.backed:
                yield Finding.error(
                    f"zones.{zone}.{mode}.funding",
                    "modes.unfunded",
                    f"the {mode} mode promises cash but has no funding share and is not backed: "
                    "its reserve stays empty and nothing it promises is ever paid. A promise "
                    "with no funding source (spec 04).",
                )


@check
def funding_beyond_the_platform_share(config: TenantConfig) -> Iterator[Finding]:
    zones = _zones(config)
    for name, product in config.products.items():
        if product.zone is None or product.zone not in zones:
            continue
        modes = zones[product.zone]
        funded = sum(
            ((_terms(modes, mode).funding or Ratio(0)).fraction for mode in modes.configured()),
            Fraction(0),
        )
        line = product.line(name, 1, DEFAULT_POOL)
        platform = Fraction(line.platform, line.amount)
        if funded > platform:
            yield Finding.warning(
                f"products.{name}",
                "modes.funding_beyond_profit",
                f"the modes of zone {product.zone} set aside {percent(funded)} of each order from "
                f"the platform's share, which is {percent(platform)} of this product: every order "
                "costs the platform money of its own",
            )


def _coverage(modes: ZoneModes, mode: str) -> Fraction | None:
    """The most of a mode's promises its own funding can pay, with no later orders."""
    terms = _terms(modes, mode)
    if terms.funding is None or terms.backed:
        return None
    funding = terms.funding.fraction
    promised = {mode: per_yuan for mode, per_yuan, _ in _static_returns(modes)}
    if mode == "three_for_one" and modes.three_for_one is not None:
        promised[mode] = modes.three_for_one.rate.fraction  # each order is owed it, in time
    if mode == "refer_three" and modes.refer_three is not None:
        schedule = sum((rate.fraction for rate in modes.refer_three.schedule), Fraction(0))
        promised[mode] = schedule / len(modes.refer_three.schedule)  # per referral
    owed = promised.get(mode)
    if not owed:
        return None
    return funding / owed


@check
def funding_short_of_the_promise(config: TenantConfig) -> Iterator[Finding]:
    for zone, modes in _zones(config).items():
        for mode in modes.configured():
            if mode not in CASH_MODES:
                continue
            coverage = _coverage(modes, mode)
            if coverage is not None and coverage < 1:
                yield Finding.warning(
                    f"zones.{zone}.{mode}.funding",
                    "modes.underfunded",
                    f"each order funds {percent(coverage)} of what the {mode} mode promises for "
                    "it: the rest is paid only from later members' orders, and stops when they "
                    "stop (the solvency report shows the coverage as it goes)",
                )


@check
def modes_without_an_end(config: TenantConfig) -> Iterator[Finding]:
    for zone, modes in _zones(config).items():
        for mode in modes.configured():
            period = _terms(modes, mode).period
            ends = period.ends or modes.period.ends
            starts = period.starts or modes.period.starts
            if ends is None:
                yield Finding.info(
                    f"zones.{zone}.{mode}.ends",
                    "modes.no_end",
                    f"the {mode} mode has no end date: {SEED_ONE_YEAR}",
                )
            elif starts is not None and ends - starts > timedelta(days=366):
                yield Finding.info(
                    f"zones.{zone}.{mode}.ends",
                    "modes.over_a_year",
                    f"the {mode} mode runs {(ends - starts).days} days: {SEED_ONE_YEAR}",
                )
