"""Zones and their companion modes as text (TOML, API bodies), checked and turned into
the modes' parameters. A zone is a set of products (and stores) that name it.

```toml
[zones.gifts.refer_three]       # A: 推三返一
schedule = ["0.10", "0.20", "0.70"]
rounds = 2                      # leave out: the schedule cycles for ever
count = "people"                # each referred member once a cycle ("purchases": each buy)
partial = true                  # a refund the reserve cannot pay whole is paid in part
funding = "0.30"                # of each order in the zone, into the mode's reserve
ends = 2027-06-30T00:00:00+08:00

[zones.ads.ads]                 # B: ad-task points
ratio = "1.1"
rule = "tiers"
tiers = [{up_to = "200", release = "2"}, {up_to = "1000", release = "10"}, {release = "50"}]

[zones.members.green]           # D: green points
multiple = "3"
daily = "0.012"
acceleration = ["0.5", "0.3"]
backed = true                   # the platform's own funds pay what the reserve cannot

[zones.union.union]             # E: union queue
funding = "0.5"
lock_days = 15

[zones.mall.shopping]           # G: shopping points taken here…
max_share = "0.5"
rebate = "0.2"

[zones.repurchase.requires]     # who may buy here: an earlier order in a zone, or a level
zones = ["package"]             # seed 002 二.4: the 报单 zone's buyers only
level = 2                       # …or a team level of 2 and more (either will do)

[zones.gifts]                   # H: issuance control
mint_until = 2027-01-01T00:00:00+08:00
campaign = {starts = 2026-12-01T00:00:00+08:00, ends = 2027-01-01T00:00:00+08:00, boost = "1.5"}
```
Every mode takes `starts`, `ends` (when it makes new promises), `funding` and `backed`;
a zone's own `starts` and `ends` bound all its modes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from zengzhi.core.amounts import POINTS_SCALE, Ratio, Yuan, parse_minor
from zengzhi.core.errors import DomainError, invalid
from zengzhi.engine.fields import (
    AS_WHOLE,
    Exact,
    Flag,
    Id,
    Moment,
    Strict,
    Whole,
    error_from_validation,
)
from zengzhi.rules.distribution import AGENT_LEVELS
from zengzhi.rules.modes.ads import AdsParams, Tier
from zengzhi.rules.modes.common import Campaign, Period, Terms
from zengzhi.rules.modes.green import GreenParams
from zengzhi.rules.modes.quota import QuotaParams
from zengzhi.rules.modes.refer_three import ReferThreeParams
from zengzhi.rules.modes.shopping import ShoppingParams
from zengzhi.rules.modes.three_for_one import ThreeForOneParams
from zengzhi.rules.modes.union import UnionParams
from zengzhi.rules.modes.zone import Requirement, ZoneModes


def _ratio(value: Exact, field: str) -> Ratio:
    return Ratio(value, field)


def _fen(value: Exact, field: str, *, positive: bool = False) -> int:
    fen = Yuan(value, field).minor
    if fen < 0 or (positive and fen == 0):
        raise invalid(field, "must be greater than 0" if positive else "must not be negative")
    return fen


class _ModeConfig(Strict):
    starts: Moment | None = None
    ends: Moment | None = None
    funding: Exact | None = None
    backed: Flag = False

    def terms(self) -> Terms:
        if self.starts is not None and self.ends is not None and self.ends <= self.starts:
            raise invalid("ends", "must be after starts")
        funding = _ratio(self.funding, "funding") if self.funding is not None else None
        if funding is not None and funding.fraction > 1:
            raise invalid("funding", "must be at most 1 (a share of the order)")
        return Terms(Period(self.starts, self.ends), funding, self.backed)


class ReferThreeConfig(_ModeConfig):
    schedule: list[Exact] = Field(default=["0.10", "0.20", "0.70"], min_length=1, max_length=20)
    rounds: Annotated[int, Field(ge=1, le=1000), AS_WHOLE] | None = None
    base: Literal["package", "order"] = "package"
    release_days: Whole = Field(default=0, ge=0, le=3650)
    count: Literal["people", "purchases"] = "people"
    partial: Flag = True

    def params(self) -> ReferThreeParams:
        return ReferThreeParams(
            tuple(_ratio(rate, f"schedule.{n}") for n, rate in enumerate(self.schedule)),
            self.rounds,
            self.base,
            self.release_days,
            self.terms(),
            self.count,
            self.partial,
        )


class TierConfig(Strict):
    up_to: Exact | None = None
    release: Exact


class AdsConfig(_ModeConfig):
    ratio: Exact = "1.1"
    rule: Literal["percent", "tiers"] = "percent"
    percent: Exact = "0.01"
    tiers: list[TierConfig] = Field(default_factory=list, max_length=50)
    referral: list[Exact] = Field(default=["0.20", "0.10"], max_length=10)
    agents: dict[str, Exact] = Field(default_factory=dict)  # by agent level, on releases
    agents_mode: Literal["flat", "differential"] = "flat"

    def params(self) -> AdsParams:
        tiers = []
        for n, tier in enumerate(self.tiers):
            up_to = None
            if tier.up_to is not None:
                up_to = _fen(tier.up_to, f"tiers.{n}.up_to") * 100
            tiers.append(Tier(up_to, _fen(tier.release, f"tiers.{n}.release")))
        if self.rule == "tiers":
            if not tiers or tiers[-1].up_to is not None:
                raise invalid(
                    "tiers", "the last band needs no `up_to`: it takes every balance above"
                )
            limits = [tier.up_to for tier in tiers[:-1]]
            if None in limits or limits != sorted(limits):  # type: ignore[type-var]
                raise invalid("tiers", "bands go up: each `up_to` above the one before")
        return AdsParams(
            _ratio(self.ratio, "ratio"),
            self.rule,
            _ratio(self.percent, "percent"),
            tuple(tiers),
            tuple(_ratio(rate, f"referral.{n}") for n, rate in enumerate(self.referral)),
            self.terms(),
            self._agents(),
            self.agents_mode,
        )

    def _agents(self) -> dict[str, Ratio]:
        rates = {}
        for level, rate in self.agents.items():
            if level not in AGENT_LEVELS:
                raise invalid(
                    f"agents.{level}", f"unknown level (known: {', '.join(AGENT_LEVELS)})"
                )
            rates[level] = _ratio(rate, f"agents.{level}")
            if rates[level].fraction >= 1:
                raise invalid(f"agents.{level}", "must be below 1")
        return rates


class QuotaConfig(_ModeConfig):
    multiple: Exact = "2"
    spend_per_share: Exact = "2000"
    referral_spend_per_share: Exact | None = None
    max_shares: Exact | None = None

    def params(self) -> QuotaParams:
        referral = (
            _fen(self.referral_spend_per_share, "referral_spend_per_share", positive=True)
            if self.referral_spend_per_share is not None
            else None
        )
        cap = None
        if self.max_shares is not None:
            cap = parse_minor(self.max_shares, POINTS_SCALE, "max_shares")
            if cap < 0:
                raise invalid("max_shares", "must not be negative")
        return QuotaParams(
            _ratio(self.multiple, "multiple"),
            _fen(self.spend_per_share, "spend_per_share", positive=True),
            referral,
            cap,
            self.terms(),
        )


class GreenConfig(_ModeConfig):
    multiple: Exact = "3"
    daily: Exact = "0.012"
    acceleration: list[Exact] = Field(default=["0.5", "0.3"], max_length=10)
    team: list[Exact] = Field(default_factory=list, max_length=30)
    peer: Exact | None = None  # 平级: a share of the nearest same-level reward, once

    def params(self) -> GreenParams:
        daily = _ratio(self.daily, "daily")
        if daily.fraction == 0 or daily.fraction > 1:
            raise invalid("daily", "must be more than 0 and at most 1")
        peer = _ratio(self.peer, "peer") if self.peer is not None else None
        if peer is not None and (peer.fraction > 1 or not self.team):
            raise invalid("peer", "a share of at most 1, beside the team's levels")
        return GreenParams(
            _ratio(self.multiple, "multiple"),
            daily,
            tuple(_ratio(rate, f"acceleration.{n}") for n, rate in enumerate(self.acceleration)),
            tuple(_ratio(rate, f"team.{n}") for n, rate in enumerate(self.team)),
            self.terms(),
            peer,
        )


class UnionConfig(_ModeConfig):
    credit: Exact = "1"
    lock_days: Whole = Field(default=15, ge=0, le=3650)
    dynamic: Exact = "0.2"

    def params(self) -> UnionParams:
        return UnionParams(
            _ratio(self.credit, "credit"),
            self.lock_days,
            _ratio(self.dynamic, "dynamic"),
            self.terms(),
        )


class ThreeForOneConfig(_ModeConfig):
    threshold: Exact = "1000"
    rate: Exact = "0.7"
    every: Whole = Field(default=3, ge=1, le=100)
    cumulative: Flag = False

    def params(self) -> ThreeForOneParams:
        return ThreeForOneParams(
            _fen(self.threshold, "threshold", positive=True),
            _ratio(self.rate, "rate"),
            self.every,
            self.cumulative,
            self.terms(),
        )


class ShoppingConfig(_ModeConfig):
    gift: Exact | None = None
    max_share: Exact | None = None
    rebate: Exact = "0"

    def params(self) -> ShoppingParams:
        max_share = _ratio(self.max_share, "max_share") if self.max_share is not None else None
        if max_share is not None and max_share.fraction > 1:
            raise invalid("max_share", "must be at most 1")
        rebate = _ratio(self.rebate, "rebate")
        if rebate.fraction > 1:
            raise invalid("rebate", "must be at most 1")
        return ShoppingParams(
            _ratio(self.gift, "gift") if self.gift is not None else None,
            max_share,
            rebate,
            self.terms(),
        )


class CampaignConfig(Strict):
    starts: Moment
    ends: Moment
    boost: Exact
    points: Flag = False  # boost the appreciation points the zone's orders mint too

    def campaign(self) -> Campaign:
        if self.ends <= self.starts:
            raise invalid("ends", "must be after starts")
        boost = _ratio(self.boost, "boost")
        if boost.fraction < 1:
            raise invalid("boost", "must be at least 1: a campaign gives more, not less")
        return Campaign(Period(self.starts, self.ends), boost, self.points)


class RequiresConfig(Strict):
    """Who may buy in the zone: an earlier order in one of `zones`, or a team level."""

    zones: list[Id] = Field(default_factory=list, max_length=20)
    level: Annotated[int, Field(ge=1, le=30), AS_WHOLE] | None = None


_MODE_CONFIGS: Mapping[str, type[_ModeConfig]] = {
    "refer_three": ReferThreeConfig,
    "ads": AdsConfig,
    "quota": QuotaConfig,
    "green": GreenConfig,
    "union": UnionConfig,
    "three_for_one": ThreeForOneConfig,
    "shopping": ShoppingConfig,
}


class ModesConfig(Strict):
    """A zone's modes (each optional) and issuance control."""

    refer_three: ReferThreeConfig | None = None
    ads: AdsConfig | None = None
    quota: QuotaConfig | None = None
    green: GreenConfig | None = None
    union: UnionConfig | None = None
    three_for_one: ThreeForOneConfig | None = None
    shopping: ShoppingConfig | None = None
    mint_until: Moment | None = None
    campaign: CampaignConfig | None = None
    requires: RequiresConfig | None = None  # seed 002 二.4: a repurchase zone's buyers


class ZoneConfig(ModesConfig):
    """A zone as the configuration file gives it: its modes, and its own period."""

    starts: Moment | None = None  # every mode of the zone stays within it
    ends: Moment | None = None

    def modes(self) -> ZoneModes:
        """The modes' parameters; a bad value is refused naming `<mode>.<field>`."""
        parsed: dict[str, Any] = {}
        for mode in _MODE_CONFIGS:
            config = getattr(self, mode)
            if config is None:
                continue
            try:
                parsed[mode] = config.params()
            except DomainError as error:
                error.field = f"{mode}.{error.field}" if error.field else mode
                raise
        campaign = None
        if self.campaign is not None:
            try:
                campaign = self.campaign.campaign()
            except DomainError as error:
                error.field = f"campaign.{error.field}"
                raise
        if self.starts is not None and self.ends is not None and self.ends <= self.starts:
            raise invalid("ends", "must be after starts")
        requires = Requirement()
        if self.requires is not None:
            requires = Requirement(tuple(self.requires.zones), self.requires.level)
        return ZoneModes(
            **parsed,
            mint_until=self.mint_until,
            campaign=campaign,
            period=Period(self.starts, self.ends),
            requires=requires,
        )


def parse_zone(settings: Mapping[str, object], prefix: str = "settings") -> ZoneModes:
    """A zone's settings checked, or a DomainError naming the field under `prefix`."""
    try:
        config = ZoneConfig.model_validate(settings)
    except ValidationError as error:
        raise error_from_validation(error, prefix) from None
    try:
        return config.modes()
    except DomainError as error:
        error.field = f"{prefix}.{error.field}" if error.field else prefix
        raise
