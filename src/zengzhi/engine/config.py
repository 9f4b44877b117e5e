"""A tenant's configuration as text (TOML files, API bodies), checked and turned into
rule parameters. The replay, the simulator and the service all read this one format.

```toml
timezone = "Asia/Shanghai"  # where days turn (the default): ad tasks, daily runs, turnover

[pool]                      # the default pool, "main"
mint_ratio = "0.70"
sell_fee = "0.20"
exit_multiple = "2"         # leave out for no forced exit
opening_price = "1.00"
minting_enabled = true

[pools.local]               # more pools side by side
exit_multiple = "1.2"

[products.gift]             # a product split, as amounts or as "30%" shares of the price
price = "1000.00"
cost = "300.00"
distribution = "300.00"
platform = "100.00"
contribution = "300.00"
pool = "main"

[stores.noodles]            # a local-life store: the merchant pays a commission
commission_rate = "0.20"
platform_rate = "0.02"
distribution_rate = "0.02"  # the contribution is what is left: 16% of the order
pool = "local"
```
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from zengzhi.core.amounts import Ratio, Yuan
from zengzhi.core.days import DEFAULT_TIMEZONE, time_zone
from zengzhi.core.errors import DomainError, invalid
from zengzhi.core.events import OrderLine
from zengzhi.engine.fields import (
    AS_WHOLE,
    STORED,
    Exact,
    ExactOrShare,
    Flag,
    Id,
    Name,
    Shown,
    ShownKey,
    Timezone,
    Whole,
    error_from_validation,
)
from zengzhi.engine.fields import Strict as _Strict
from zengzhi.engine.zones import ZoneConfig
from zengzhi.rules.distribution import DistributionParams, DividendPlan, TeamLevel
from zengzhi.rules.modes import union
from zengzhi.rules.modes.common import MODES
from zengzhi.rules.modes.zone import ZoneModes
from zengzhi.rules.pool import DEFAULT_POOL, PoolParams

ModeValues = dict[Id, Exact]  # a product's own value for a mode: {ads = "1.1", green = "3"}


class ProductConfig(_Strict):
    price: Exact
    cost: ExactOrShare = "0"
    distribution: ExactOrShare = "0"
    platform: ExactOrShare = "0"
    contribution: ExactOrShare = "0"
    pool: Id | None = None
    zone: Id | None = None
    modes: ModeValues = Field(default_factory=dict)

    def line(self, product: str, quantity: int, default_pool: str) -> OrderLine:
        """One order line for `quantity` of this product. Amounts scale with the quantity;
        "30%" shares apply to the line total, once (spec 01)."""
        split = _product_split(self, product, quantity)
        pool = (self.pool or default_pool) if split["contribution"] else None
        return OrderLine(
            amount=split["price"],
            cost=split["cost"],
            distribution=split["distribution"],
            platform=split["platform"],
            contribution=split["contribution"],
            pool=pool,
            product=product,
            zone=self.zone,
            modes=mode_values(self.modes, f"products.{product}.modes"),
        )


# The modes that read a product's own value (zone.py: the ad ratio, the green multiple,
# the union's credit, pool share and acceleration); the others take their zone's only.
PRODUCT_MODES = ("ads", "green", *union.PRODUCT_KEYS)


def mode_values(values: Mapping[str, object], field: str) -> tuple[tuple[str, str], ...]:
    """A product's per-mode values as an order line keeps them, checked as an order of
    it will be: a value no mode would read, or one every order would be refused for, is
    refused here, where it is set."""
    checked = []
    own: dict[str, Ratio] = {}
    for mode, value in sorted(values.items()):
        if mode not in PRODUCT_MODES:
            if mode in MODES:
                raise invalid(
                    f"{field}.{mode}",
                    f"a product sets no value of its own for this mode"
                    f" (a product may set: {', '.join(PRODUCT_MODES)})",
                )
            raise invalid(f"{field}.{mode}", f"unknown mode (known: {', '.join(PRODUCT_MODES)})")
        ratio = Ratio(value, f"{field}.{mode}")  # type: ignore[arg-type]
        checked.append((mode, ratio.text))
        if mode in union.PRODUCT_KEYS:
            own[mode] = ratio
    try:
        union.for_product(union.UnionParams(), own)
    except DomainError as error:  # named as the order line would name it
        error.field = f"{field}.{(error.field or '').removeprefix('lines.modes.')}"
        raise
    return tuple(checked)


_SPLIT_PARTS = ("cost", "distribution", "platform", "contribution")


def _product_split(product: ProductConfig, name: str, quantity: int = 1) -> dict[str, int]:
    """The split of `quantity` of the product in fen. Amounts must add up to the price and
    scale with the quantity. Shares ("30%") apply to the line total: each rounds down to
    the fen once and the cost takes what the rounding leaves, so the parts add up to the
    line exactly and the pool gets its share of the total, not of each unit."""
    price = Yuan(product.price, f"products.{name}.price").minor
    if price <= 0:
        raise invalid(f"products.{name}.price", "must be greater than 0")
    amounts: dict[str, int] = {}
    shares: dict[str, Ratio] = {}
    for part in _SPLIT_PARTS:
        text, field = getattr(product, part), f"products.{name}.{part}"
        if text.endswith("%"):
            shares[part] = Ratio(text[:-1], field)
        else:
            amounts[part] = Yuan(text, field).minor
            if amounts[part] < 0:
                raise invalid(field, "must not be negative")
    total = price * quantity
    split = {"price": total}
    if shares:
        amount = next((part for part, fen in amounts.items() if fen), None)
        if amount is not None:  # named at the amount among shares: the part out of form
            raise invalid(
                f"products.{name}.{amount}", "give the split all as amounts or all as % shares"
            )
        percent = sum(share.fraction for share in shares.values())
        if percent != 100:
            raise invalid(f"products.{name}", f"the shares add up to {percent}%, not 100%")
        for part in _SPLIT_PARTS[1:]:
            share = shares.get(part)
            split[part] = share.num * total // (share.den * 100) if share else 0
        split["cost"] = total - sum(split[part] for part in _SPLIT_PARTS[1:])
        return split
    parts = sum(amounts.values())
    if parts != price:
        raise invalid(
            f"products.{name}",
            f"cost + distribution + platform + contribution = {Yuan.of_minor(parts)}, "
            f"not the price {Yuan.of_minor(price)}",
        )
    return split | {part: amount * quantity for part, amount in amounts.items()}


class StoreConfig(_Strict):
    commission_rate: Exact
    platform_rate: Exact = "0"
    distribution_rate: Exact = "0"
    pool: Id | None = None
    owner: Id | None = None  # a member bound through the store's code is bound to its owner
    recruiter: Id | None = None  # earns the recruiter reward on the store's turnover
    region: Name | None = None  # "province/city/district": where its orders count for agents
    zone: Id | None = None

    def line(self, store: str, amount: int, default_pool: str) -> OrderLine:
        """Local life: the merchant settles the amount less its commission; the commission
        pays the platform and distribution shares, and the rest is the contribution."""
        rate = Ratio(self.commission_rate, f"stores.{store}.commission_rate")
        platform = Ratio(self.platform_rate, f"stores.{store}.platform_rate")
        distribution = Ratio(self.distribution_rate, f"stores.{store}.distribution_rate")
        if rate.fraction > 1:
            raise invalid(f"stores.{store}.commission_rate", "must be at most 1")
        if platform.fraction + distribution.fraction > rate.fraction:
            # named at the share that takes the sum past the commission
            over = "platform_rate" if platform.fraction > rate.fraction else "distribution_rate"
            raise invalid(
                f"stores.{store}.{over}",
                "platform_rate + distribution_rate exceed the commission_rate",
            )
        commission = rate.of_minor_floor(amount)
        platform_fen = platform.of_minor_floor(amount)
        distribution_fen = distribution.of_minor_floor(amount)
        contribution = commission - platform_fen - distribution_fen
        return OrderLine(
            amount=amount,
            cost=amount - commission,
            platform=platform_fen,
            distribution=distribution_fen,
            contribution=contribution,
            pool=(self.pool or default_pool) if contribution else None,
            zone=self.zone,
        )


class PoolConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    mint_ratio: Exact | None = None
    sell_fee: Exact | None = None
    exit_multiple: Exact | None = None
    opening_price: Exact | None = None
    minting_enabled: Flag | None = None
    min_sell_points: Exact | None = None

    def params(self, field_prefix: str) -> PoolParams:
        given = {k: v for k, v in self.model_dump().items() if v is not None}
        try:
            return PoolParams().with_changes(given)
        except DomainError as error:
            error.field = f"{field_prefix}.{error.field}"
            raise


PayIn = Literal["cash", "contribution"]


class CommissionConfig(_Strict):
    rates: list[Exact] = Field(default_factory=list, max_length=20)
    allow_deep: Flag = False
    pay_in: PayIn = "cash"
    # seed 002 三.1: an upline who never bought earns no commission yet
    promoter_after_purchase: Flag = False


class RecruiterConfig(_Strict):
    rate: Exact
    pay_in: PayIn = "cash"
    # seed 000 三: members bound through a recruited store's code are the recruiter's 间推
    indirect_members: Flag = False


class AgentsConfig(_Strict):
    mode: Literal["differential", "flat"] = "differential"
    rates: dict[str, Exact] = Field(default_factory=dict)
    # area → its provinces: names people read, matched by their text (an area's agents
    # are paid for its provinces' orders), so visible; kept ones are read back as kept
    # (the STORED context: docs/distribution.md, "Areas")
    areas: dict[ShownKey, list[Shown]] = Field(default_factory=dict)
    pay_in: PayIn = "cash"


class TeamLevelConfig(_Strict):
    performance: Exact
    rate: Exact


class TeamConfig(_Strict):
    levels: list[TeamLevelConfig] = Field(default_factory=list, max_length=30)
    peer_share: Exact | None = None
    pay_in: PayIn = "cash"


class DividendConfig(_Strict):
    name: Id
    share: Exact
    schedule: Literal["daily", "monthly"] = "daily"
    min_level: Whole = Field(default=1, ge=0, le=30)  # 0: any member (weighted splits)
    split: Literal["equal", "performance", "contribution", "shares"] = "equal"
    funding: Literal["profit", "distribution"] = "profit"


MAX_ORDERS_A_DAY = 1_000_000  # a member's: far past any shop's, under JavaScript's 2^53


class LimitsConfig(_Strict):
    """Anti-abuse settings the service applies when members register and order."""

    one_account_per_phone: Flag = False
    orders_per_day: Annotated[int, Field(ge=1), AS_WHOLE] | None = None
    total_spend: Exact | None = None  # yuan

    @field_validator("orders_per_day", "total_spend")
    @classmethod
    def _one_an_order_may_meet(cls, value: int | str | None, info: ValidationInfo) -> Any:
        """Checked when saved: orders are refused past a cap, and a cap of 100.001 or -1
        refused every order (naming the order's amount), a count past 2^53 came back
        as another number to JavaScript. Read back as kept (STORED), as areas are, so
        that a cap saved before this check stops no replay."""
        if value is None or (isinstance(info.context, dict) and info.context.get("stored")):
            return value
        if isinstance(value, int):
            if value > MAX_ORDERS_A_DAY:
                raise ValueError(f"must be at most {MAX_ORDERS_A_DAY}")
            return value
        try:
            fen = Yuan(value, "total_spend").minor
        except DomainError as error:
            raise ValueError(error.message) from None
        if fen <= 0:
            raise ValueError("must be greater than 0")
        return value


class DistributionConfig(_Strict):
    """Distribution (spec 02). Every part is optional: a missing part pays nothing."""

    # Built at import, unlike the other parts (which a replay without a configuration
    # never builds): it is the API's request body, and FastAPI wraps a deferred model in
    # a way pydantic warns about.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=False)

    binding: Literal["registration", "first_order", "any_time"] = "first_order"
    overflow: Literal["cut", "platform"] = "cut"
    commission: CommissionConfig | None = None
    recruiter: RecruiterConfig | None = None
    agents: AgentsConfig | None = None
    team: TeamConfig | None = None
    dividends: list[DividendConfig] = Field(default_factory=list, max_length=20)
    limits: LimitsConfig = LimitsConfig()

    @classmethod
    def kept(cls, settings: Mapping[str, Any]) -> DistributionConfig:
        """Settings as they were kept (saved, or a `distribution` event of the log): an
        area named with a hidden character before areas refused one is read as it is
        (STORED), since refusing it would stop every order's payment and break the
        replay of history (docs/distribution.md)."""
        return cls.model_validate(settings, context=STORED)

    def params(self) -> DistributionParams:
        """The rule's parameters; a bad value is refused naming `distribution.<field>`."""
        try:
            return self._params()
        except DomainError as error:
            error.field = f"distribution.{error.field}" if error.field else "distribution"
            raise

    def _params(self) -> DistributionParams:
        commission = self.commission or CommissionConfig()
        agents = self.agents or AgentsConfig()
        team = self.team or TeamConfig()
        names = [plan.name for plan in self.dividends]
        if len(names) != len(set(names)):
            raise invalid("dividends", "each dividend needs its own name")
        if any(not provinces for provinces in agents.areas.values()):
            raise invalid("agents.areas", "an area needs its provinces")
        listed = [province for provinces in agents.areas.values() for province in provinces]
        if twice := sorted(p for p, n in Counter(listed).items() if n > 1):
            # an order's province pays one area's agent: the other would never be paid
            raise invalid("agents.areas", f"a province is in one area at most: {', '.join(twice)}")
        recruiter = (
            Ratio(self.recruiter.rate, "recruiter.rate") if self.recruiter is not None else None
        )
        return DistributionParams(
            binding=self.binding,
            overflow=self.overflow == "platform",
            commission=tuple(
                Ratio(rate, f"commission.rates.{n}") for n, rate in enumerate(commission.rates)
            ),
            allow_deep=commission.allow_deep,
            commission_in=commission.pay_in,
            promoter_after_purchase=commission.promoter_after_purchase,
            recruiter=recruiter,
            recruiter_in=self.recruiter.pay_in if self.recruiter is not None else "cash",
            recruiter_indirect=self.recruiter is not None and self.recruiter.indirect_members,
            agents_mode=agents.mode,
            agents_in=agents.pay_in,
            agent_rates={
                level: Ratio(rate, f"agents.rates.{level}") for level, rate in agents.rates.items()
            },
            areas={
                province: area for area, provinces in agents.areas.items() for province in provinces
            },
            team=tuple(
                TeamLevel(
                    Yuan(level.performance, f"team.levels.{n}.performance").minor,
                    Ratio(level.rate, f"team.levels.{n}.rate"),
                )
                for n, level in enumerate(team.levels)
            ),
            peer_share=(
                Ratio(team.peer_share, "team.peer_share") if team.peer_share is not None else None
            ),
            team_in=team.pay_in,
            dividends=tuple(
                DividendPlan(
                    plan.name,
                    Ratio(plan.share, f"dividends.{n}.share"),
                    plan.schedule,
                    plan.min_level,
                    plan.split,
                    plan.funding,
                )
                for n, plan in enumerate(self.dividends)
            ),
        )


class TenantConfig(_Strict):
    timezone: Timezone = DEFAULT_TIMEZONE  # where the tenant's days turn
    pool: PoolConfig | None = None
    pools: dict[Id, PoolConfig] = Field(default_factory=dict)
    products: dict[Id, ProductConfig] = Field(default_factory=dict)
    stores: dict[Id, StoreConfig] = Field(default_factory=dict)
    distribution: DistributionConfig | None = None
    zones: dict[Id, ZoneConfig] = Field(default_factory=dict)

    def time_zone(self) -> ZoneInfo:
        return time_zone(self.timezone)

    def zone_modes(self) -> dict[str, ZoneModes]:
        """Every zone's modes, checked; a bad value is refused naming `zones.<zone>.…`."""
        found = {}
        for name, zone in self.zones.items():
            try:
                found[name] = zone.modes()
            except DomainError as error:
                error.field = f"zones.{name}.{error.field}"
                raise
        return found

    def distribution_params(self) -> DistributionParams | None:
        return self.distribution.params() if self.distribution is not None else None

    def pool_params(self) -> dict[str, PoolParams]:
        """Every pool with its checked parameters; the default pool always exists."""
        pools = {DEFAULT_POOL: (self.pool or PoolConfig()).params("pool")}
        for name, config in self.pools.items():
            if name == DEFAULT_POOL and self.pool is not None:
                raise invalid(f"pools.{name}", "the default pool is configured under [pool]")
            pools[name] = config.params(f"pools.{name}")
        return pools

    def check(self) -> None:
        """Refuse a configuration with a bad pool, product, store or distribution setting,
        naming the field."""
        pools = self.pool_params()
        self.distribution_params()
        self.zone_modes()
        for kind, items in (("products", self.products), ("stores", self.stores)):
            for name, item in items.items():
                if isinstance(item, ProductConfig):
                    item.line(name, 1, DEFAULT_POOL)
                else:
                    item.line(name, 100_000, DEFAULT_POOL)  # checks the rates
                if item.pool is not None and item.pool not in pools:
                    raise invalid(f"{kind}.{name}.pool", f"unknown pool {item.pool!r}")
                if item.zone is not None and item.zone not in self.zones:
                    raise invalid(f"{kind}.{name}.zone", f"unknown zone {item.zone!r}")


def load_config(data: Mapping[str, Any]) -> TenantConfig:
    try:
        config = TenantConfig.model_validate(data, context=STORED)
    except ValidationError as error:
        raise error_from_validation(error) from None
    config.check()
    return config


def read_toml(text: str) -> dict[str, Any]:
    """TOML as everything in zengzhi reads it (configurations, scenarios, the console's
    forms, the pages' translations). A TOML float comes as its text (`funding = 0.5` is
    "0.5"), so that the decimal grammar checks it as it checks strings (`1e3`, `+1`, `1_0`
    are refused) and nothing goes through a binary float; a TOML integer stays an int,
    which is a count, never an amount. (Not parse_float=Decimal: Decimal would take `1e3`
    and `1_0` in, which the grammar refuses.) Raises tomllib.TOMLDecodeError, for the
    caller to word. A byte-order mark before the first line (what Windows editors save
    as "UTF-8") is not part of the text: TOML would refuse it as an invalid statement."""
    return tomllib.loads(text.removeprefix("\ufeff"), parse_float=str)


def read_config(path: Path | None) -> TenantConfig:
    if path is None:
        return TenantConfig()
    try:
        data = read_toml(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise invalid(str(path), f"not valid TOML: {error}") from None
    return load_config(data)
