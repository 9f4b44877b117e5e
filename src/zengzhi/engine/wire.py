"""Events as integrators and logs write them (JSON objects), checked and turned into
engine events. Bad input raises a DomainError naming the field; nothing else is touched.

```
{"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}
{"type": "order", "id": "o2", "member": "m2", "product": "gift", "quantity": 2}
{"type": "order", "id": "o3", "member": "m3", "store": "noodles", "amount": "88.00"}
{"type": "sell", "id": "s1", "member": "m1", "points": "147.0000"}      (or "all")
{"type": "subsidy", "id": "x1", "amount": "5000.00"}
{"type": "configure", "id": "c1", "exit_multiple": "3"}
{"type": "reverse", "id": "r1", "order": "o1"}
{"type": "import", "id": "i1", "member": "m9", "principal": "5000.00", "contribution": "1000.00"}
{"type": "zone", "id": "z1", "zone": "union", "settings": {"union": {"funding": "0.5"}}}
{"type": "task", "id": "t1", "member": "m1", "zone": "ads", "day": "2026-11-21"}
{"type": "day", "id": "d1", "zone": "union", "day": "2026-11-21"}
```
Amounts, prices and ratios are decimal strings in one plain form (`core/amounts.py`:
ASCII digits, at most one `.`, no `+`, `_`, exponent or spaces) with no more places than
the field keeps; a JSON number is refused, whole or not; counts (`quantity`,
`lock_days`…) are JSON integers. An object with a key twice is refused, naming the key.
`pool` defaults to the default pool; `at` is an optional ISO 8601 time with a zone.
Two events are the same content when they read the same: numbers are compared by value
(`"1.5"` and `"1.50"`), in parameters and settings too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from zengzhi.core.amounts import (
    FEN_PER_YUAN,
    LARGEST,
    POINTS_SCALE,
    YUAN_SCALE,
    Yuan,
    format_minor,
    parse_minor,
)
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import (
    Bind,
    CompleteOrder,
    CompleteTask,
    Configure,
    ConfigureDistribution,
    ConfigureZone,
    ConvertContribution,
    DayPart,
    Event,
    GrantAgent,
    ImportBalance,
    Join,
    ModeIncome,
    OpenPool,
    OrderLine,
    PayDividend,
    PayRejectedWithdrawal,
    PayWithdrawal,
    Reassign,
    ReassignReferees,
    RejectWithdrawal,
    ReverseOrder,
    RunDay,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.engine.config import DistributionConfig, TenantConfig, mode_values
from zengzhi.engine.fields import (
    EventId,
    Exact,
    ExactOrAll,
    Id,
    LoggedNote,
    Moment,
    Name,
    Whole,
    canonical,
    error_from_validation,
    loads_strict,
)
from zengzhi.engine.lines import amount_line, plain_event, points, yuan
from zengzhi.engine.zones import ZoneConfig, parse_zone
from zengzhi.rules.pool import DEFAULT_POOL, canonical_params


class _EventIn(BaseModel):
    """One event type's line. Reading and writing mirror each other in each model:
    `event` reads the line into its engine event (`source`), `from_event` writes that
    event's fields back (all but `type`, `id` and `at`, which `to_wire` adds).

    Each is built at its first line (defer_build): a short replay builds one, not twenty.
    The parts the API's request bodies share (OrderForm, LineIn) are built at once, as
    FastAPI warns about a deferred model it wraps."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: ClassVar[str]
    source: ClassVar[type[Event]]

    type: str
    id: EventId
    # an ISO 8601 time with its zone (docs/replay.md): a number was read as Unix seconds
    at: Moment | None = None

    def event(self, config: TenantConfig) -> Event:
        raise NotImplementedError

    @classmethod
    def from_event(cls, event: Any) -> dict[str, object]:
        raise NotImplementedError


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cost: Exact = "0"
    distribution: Exact = "0"
    platform: Exact = "0"
    contribution: Exact = "0"


class LineIn(BaseModel):
    """One order line: a product (its split from the configuration, or `split` as given),
    an amount with its `contribution` or its whole `split`, or an amount at the order's
    store (the store's commission split)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product: Id | None = None
    quantity: int = Field(default=1, ge=1, le=1_000_000, strict=True)
    amount: Exact | None = None
    contribution: Exact | None = None
    split: SplitIn | None = None
    pool: Id | None = None
    zone: Id | None = None  # for a line given by its amount: the zone whose modes it runs
    modes: dict[Id, Exact] | None = None  # with `zone`: the line's own per-mode values

    def line(self, config: TenantConfig, store: str | None, field: str = "") -> OrderLine:
        line = self._line(config, store, field)
        if self.zone is None and self.modes is None:
            return line
        if self.product is not None and self.split is None:
            raise invalid(f"{field}zone", "a product's zone comes from its config")
        if self.zone is None:
            raise invalid(f"{field}zone", "is required with `modes`")
        return line._replace(zone=self.zone, modes=mode_values(self.modes or {}, f"{field}modes"))

    def _line(self, config: TenantConfig, store: str | None, field: str = "") -> OrderLine:
        def name(part: str) -> str:
            return f"{field}{part}"

        if self.split is not None and self.contribution is not None:
            raise invalid(name("contribution"), "give a contribution or a split, not both")
        if self.split is not None:
            return self._explicit(self.split, name)
        if self.product is not None:
            if self.contribution is not None:
                raise invalid(name("contribution"), "a product's split comes from its config")
            product = config.products.get(self.product)
            if product is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, f"unknown product {self.product!r}", name("product")
                )
            line = product.line(self.product, self.quantity, self.pool or DEFAULT_POOL)
            if line.amount >= LARGEST * FEN_PER_YUAN:  # as an amount given in yuan may not be
                raise invalid(
                    name("quantity"),
                    f"{self.quantity} × the price is {Yuan.of_minor(line.amount)},"
                    f" not less than {LARGEST:,} yuan",
                )
            if self.amount is not None and yuan(self.amount, name("amount")) != line.amount:
                raise invalid(
                    name("amount"),
                    f"{self.amount} is not {self.quantity} × the price "
                    f"({Yuan.of_minor(line.amount)})",
                )
            return line
        if self.amount is None:
            raise invalid(name("amount"), "is required")
        if self.contribution is not None:
            return amount_line(self.amount, self.contribution, self.pool or DEFAULT_POOL, field)
        amount = yuan(self.amount, name("amount"), positive=True)
        if store is None:
            raise invalid(
                name("contribution"), "is required (or give a split, a product or a store)"
            )
        store_config = config.stores.get(store)
        if store_config is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown store {store!r}", "store")
        return store_config.line(store, amount, self.pool or store_config.pool or DEFAULT_POOL)

    def _explicit(self, split: SplitIn, name: Callable[[str], str]) -> OrderLine:
        if self.amount is None:
            raise invalid(name("amount"), "is required")
        amount = yuan(self.amount, name("amount"), positive=True)
        parts = {
            part: yuan(getattr(split, part), name(f"split.{part}"))
            for part in ("cost", "distribution", "platform", "contribution")
        }
        if sum(parts.values()) != amount:
            raise invalid(
                name("split"),
                f"the parts add up to {Yuan.of_minor(sum(parts.values()))},"
                f" not the amount {Yuan.of_minor(amount)}",
            )
        return OrderLine(
            amount=amount,
            cost=parts["cost"],
            distribution=parts["distribution"],
            platform=parts["platform"],
            contribution=parts["contribution"],
            pool=(self.pool or DEFAULT_POOL) if parts["contribution"] else None,
            product=self.product,
        )


class OrderForm(LineIn):
    """An order's member, store and lines: one line at the top level, or several under
    `lines`. The replay's order events and the API's new orders share it."""

    member: Id
    store: Id | None = None
    lines: list[LineIn] | None = Field(default=None, min_length=1, max_length=500)
    region: Name | None = None  # where the order counts for agents (default: the store's)
    shopping_points: Exact | None = None  # paid in shopping points (mode G), whole fen
    # the currency of the order's amounts, which are yuan: "CNY" may be said (it is the
    # same content as saying nothing), any other is refused naming `currency` (spec 04)
    currency: Literal["CNY"] | None = None

    @field_validator("currency")
    @classmethod
    def _yuan_only(cls, value: str | None) -> None:
        return None  # "CNY", checked: kept as nothing, so that both spellings hash alike

    def points_paid(self) -> int:
        if self.shopping_points is None:
            return 0
        units = parse_minor(self.shopping_points, POINTS_SCALE, "shopping_points")
        if units < 0:
            raise invalid("shopping_points", "must not be negative")
        return units

    def order_lines(self, config: TenantConfig) -> tuple[OrderLine, ...]:
        if self.lines is None:
            return (self.line(config, self.store),)
        flat = [part for part in LineIn.model_fields if getattr(self, part) not in (None, 1)]
        if flat:
            raise invalid(flat[0], "give the order's lines under `lines` or at the top, not both")
        return tuple(
            line.line(config, self.store, f"lines.{n}.") for n, line in enumerate(self.lines)
        )

    def products(self) -> set[str]:
        lines = self.lines if self.lines is not None else [self]
        return {line.product for line in lines if line.product is not None}


class OrderIn(_EventIn, OrderForm):
    """A completed order; `recruiter` defaults to its store's recruiter."""

    kind = "order"
    source = CompleteOrder
    type: Literal["order"]
    recruiter: Id | None = None
    # its shopping points were checked as it was placed (CompleteOrder.points_spoken_for)
    points_spoken_for: bool = Field(default=False, strict=True)

    def event(self, config: TenantConfig) -> CompleteOrder:
        store = config.stores.get(self.store) if self.store else None
        region = self.region or (store.region if store else None)
        recruiter = self.recruiter or (store.recruiter if store else None)
        return CompleteOrder(
            self.id,
            self.member,
            self.order_lines(config),
            self.store,
            self.at,
            region,
            recruiter,
            self.points_paid(),
            self.points_spoken_for,
        )

    @classmethod
    def from_event(cls, event: CompleteOrder) -> dict[str, object]:
        lines = []
        for line in event.lines:
            one: dict[str, object] = {
                "amount": _fen(line.amount),
                "split": {
                    "cost": _fen(line.cost),
                    "distribution": _fen(line.distribution),
                    "platform": _fen(line.platform),
                    "contribution": _fen(line.contribution),
                },
            }
            if line.pool is not None:
                one["pool"] = line.pool
            if line.product is not None:
                one["product"] = line.product
            if line.zone is not None:
                one["zone"] = line.zone
            if line.modes:
                one["modes"] = dict(line.modes)
            lines.append(one)
        data: dict[str, object] = {"member": event.member, "lines": lines}
        for name in ("store", "region", "recruiter"):
            if getattr(event, name) is not None:
                data[name] = getattr(event, name)
        if event.shopping_points:
            data["shopping_points"] = format_minor(event.shopping_points, POINTS_SCALE)
        if event.points_spoken_for:
            data["points_spoken_for"] = True
        return data


class SellIn(_EventIn):
    kind = "sell"
    source = Sell
    type: Literal["sell"]
    member: Id
    points: ExactOrAll
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Sell:
        units = None if self.points == "all" else points(self.points, "points")
        return Sell(self.id, self.member, self.pool, units, self.at)

    @classmethod
    def from_event(cls, event: Sell) -> dict[str, object]:
        units = "all" if event.points is None else format_minor(event.points, POINTS_SCALE)
        return {"member": event.member, "pool": event.pool, "points": units}


class SubsidyIn(_EventIn):
    kind = "subsidy"
    source = Subsidy
    type: Literal["subsidy"]
    amount: Exact
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Subsidy:
        return Subsidy(self.id, self.pool, yuan(self.amount, "amount", positive=True), self.at)

    @classmethod
    def from_event(cls, event: Subsidy) -> dict[str, object]:
        return {"pool": event.pool, "amount": _fen(event.amount)}


class ConfigureIn(_EventIn):
    """Any pool parameter, by name (`exit_multiple`, `mint_ratio`, `minting_enabled`…)."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    kind = "configure"
    source = Configure
    type: Literal["configure"]
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Configure:
        changes = dict(self.model_extra or {})
        if not changes:
            raise invalid("configure", "names no parameter to change")
        return Configure(self.id, self.pool, canonical_params(changes), self.at)

    @classmethod
    def from_event(cls, event: Configure) -> dict[str, object]:
        return {"pool": event.pool, **event.changes}


class OpenPoolIn(_EventIn):
    """A pool and any of its parameters by name, like `configure`."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)
    kind = "open_pool"
    source = OpenPool
    type: Literal["open_pool"]
    pool: Id

    def event(self, config: TenantConfig) -> OpenPool:
        return OpenPool(self.id, self.pool, canonical_params(self.model_extra or {}), self.at)

    @classmethod
    def from_event(cls, event: OpenPool) -> dict[str, object]:
        return {"pool": event.pool, **event.params}


class ReverseIn(_EventIn):
    kind = "reverse"
    source = ReverseOrder
    type: Literal["reverse"]
    order: EventId  # the order's completion event ("order:<id>" in the service's log)

    def event(self, config: TenantConfig) -> ReverseOrder:
        return ReverseOrder(self.id, self.order, self.at)

    @classmethod
    def from_event(cls, event: ReverseOrder) -> dict[str, object]:
        return {"order": event.order}


class ImportIn(_EventIn):
    kind = "import"
    source = ImportBalance
    type: Literal["import"]
    member: Id
    principal: Exact
    contribution: Exact
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> ImportBalance:
        return ImportBalance(
            self.id,
            self.member,
            self.pool,
            yuan(self.principal, "principal"),
            yuan(self.contribution, "contribution"),
            self.at,
        )

    @classmethod
    def from_event(cls, event: ImportBalance) -> dict[str, object]:
        return {
            "member": event.member,
            "pool": event.pool,
            "principal": _fen(event.principal),
            "contribution": _fen(event.contribution),
        }


class WithdrawIn(_EventIn):
    kind = "withdraw"
    source = Withdraw
    type: Literal["withdraw"]
    member: Id
    amount: Exact
    fee: Exact = "0"

    def event(self, config: TenantConfig) -> Withdraw:
        return Withdraw(
            self.id,
            self.member,
            yuan(self.amount, "amount", positive=True),
            yuan(self.fee, "fee"),
            self.at,
        )

    @classmethod
    def from_event(cls, event: Withdraw) -> dict[str, object]:
        return {"member": event.member, "amount": _fen(event.amount), "fee": _fen(event.fee)}


class _WithdrawalStepIn(_EventIn):
    """A step of a withdrawal already asked for: it names the withdrawal's event."""

    source: ClassVar[type[RejectWithdrawal | PayWithdrawal | PayRejectedWithdrawal]]
    withdrawal: EventId  # the withdrawal's event ("withdraw:<id>" in the service's log)

    def event(self, config: TenantConfig) -> Event:
        return self.source(self.id, self.withdrawal, self.at)

    @classmethod
    def from_event(
        cls, event: RejectWithdrawal | PayWithdrawal | PayRejectedWithdrawal
    ) -> dict[str, object]:
        return {"withdrawal": event.withdrawal}


class WithdrawRejectIn(_WithdrawalStepIn):
    kind = "withdraw_reject"
    source = RejectWithdrawal
    type: Literal["withdraw_reject"]


class WithdrawPayIn(_WithdrawalStepIn):
    kind = "withdraw_pay"
    source = PayWithdrawal
    type: Literal["withdraw_pay"]


class WithdrawPayLateIn(_WithdrawalStepIn):
    kind = "withdraw_pay_late"
    source = PayRejectedWithdrawal
    type: Literal["withdraw_pay_late"]


class JoinIn(_EventIn):
    """A new member, bound to `referrer`, or to the owner of `store` (its QR code)."""

    kind = "join"
    source = Join
    type: Literal["join"]
    member: Id
    referrer: Id | None = None
    store: Id | None = None
    sponsor: Id | None = None  # the recruiter of the store whose code bound the member

    def event(self, config: TenantConfig) -> Join:
        referrer, sponsor = _referrer(self.referrer, self.store, self.sponsor, config)
        return Join(self.id, self.member, referrer, self.at, sponsor)

    @classmethod
    def from_event(cls, event: Join) -> dict[str, object]:
        return _binding_data(event)


def _binding_data(event: Join | Bind) -> dict[str, object]:
    data: dict[str, object] = {"member": event.member}
    for name in ("referrer", "sponsor"):
        if getattr(event, name) is not None:
            data[name] = getattr(event, name)
    return data


def _referrer(
    referrer: str | None, store: str | None, sponsor: str | None, config: TenantConfig
) -> tuple[str | None, str | None]:
    """(the referrer, the store's recruiter) of a binding by a link or a store's code."""
    if referrer is not None and store is not None:
        raise invalid("store", "give a referrer or a store, not both")
    if store is None:
        return referrer, sponsor
    found = config.stores.get(store)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"unknown store {store!r}", "store")
    if found.owner is None:
        raise invalid("store", f"store {store!r} has no owner to bind to")
    return found.owner, found.recruiter


class BindIn(_EventIn):
    kind = "bind"
    source = Bind
    type: Literal["bind"]
    member: Id
    referrer: Id | None = None
    store: Id | None = None
    sponsor: Id | None = None

    def event(self, config: TenantConfig) -> Bind:
        referrer, sponsor = _referrer(self.referrer, self.store, self.sponsor, config)
        if referrer is None:
            raise invalid("referrer", "is required (or give a store)")
        return Bind(self.id, self.member, referrer, self.at, sponsor)

    @classmethod
    def from_event(cls, event: Bind) -> dict[str, object]:
        return _binding_data(event)


class ReassignIn(_EventIn):
    kind = "reassign"
    source = Reassign
    type: Literal["reassign"]
    member: Id
    referrer: Id
    reason: LoggedNote = Field(min_length=1)

    def event(self, config: TenantConfig) -> Reassign:
        return Reassign(self.id, self.member, self.referrer, self.reason, self.at)

    @classmethod
    def from_event(cls, event: Reassign) -> dict[str, object]:
        return {"member": event.member, "referrer": event.referrer, "reason": event.reason}


class ReassignRefereesIn(_EventIn):
    """Every direct member of `member` moves to `referrer` (seed 000 举报)."""

    kind = "reassign_referees"
    source = ReassignReferees
    type: Literal["reassign_referees"]
    member: Id
    referrer: Id
    reason: LoggedNote = Field(min_length=1)

    def event(self, config: TenantConfig) -> ReassignReferees:
        return ReassignReferees(self.id, self.member, self.referrer, self.reason, self.at)

    @classmethod
    def from_event(cls, event: ReassignReferees) -> dict[str, object]:
        return {"member": event.member, "referrer": event.referrer, "reason": event.reason}


class AgentIn(_EventIn):
    kind = "agent"
    source = GrantAgent
    type: Literal["agent"]
    member: Id
    region: Name
    level: str = Field(pattern=r"^[a-z]{1,20}$")
    fee: Exact = "0"

    def event(self, config: TenantConfig) -> GrantAgent:
        return GrantAgent(
            self.id, self.member, self.region, self.level, yuan(self.fee, "fee"), self.at
        )

    @classmethod
    def from_event(cls, event: GrantAgent) -> dict[str, object]:
        return {
            "member": event.member,
            "region": event.region,
            "level": event.level,
            "fee": _fen(event.fee),
        }


class DistributionIn(_EventIn):
    """New distribution settings: the configuration's `distribution` table, whole."""

    kind = "distribution"
    source = ConfigureDistribution
    type: Literal["distribution"]
    settings: dict[str, Any]

    def event(self, config: TenantConfig) -> ConfigureDistribution:
        try:
            settings = DistributionConfig.kept(self.settings)  # a log's line: as kept
        except ValidationError as error:
            raise error_from_validation(error, "settings") from None
        settings.params()
        return ConfigureDistribution(self.id, canonical(settings, exclude_unset=True), self.at)

    @classmethod
    def from_event(cls, event: ConfigureDistribution) -> dict[str, object]:
        return {"settings": dict(event.settings)}


class DividendIn(_EventIn):
    kind = "dividend"
    source = PayDividend
    type: Literal["dividend"]
    plan: Id
    start: date
    end: date

    def event(self, config: TenantConfig) -> PayDividend:
        return PayDividend(self.id, self.plan, self.start, self.end, self.at)

    @classmethod
    def from_event(cls, event: PayDividend) -> dict[str, object]:
        return {"plan": event.plan, "start": event.start.isoformat(), "end": event.end.isoformat()}


class ConvertIn(_EventIn):
    """The operator converts contribution balances into cash, shares or points."""

    kind = "convert"
    source = ConvertContribution
    type: Literal["convert"]
    into: Literal["cash", "shares", "points"]
    rate: Exact
    reason: LoggedNote = Field(min_length=1)
    members: list[Id] = Field(default_factory=list, max_length=10_000)
    pool: Id | None = None

    def event(self, config: TenantConfig) -> ConvertContribution:
        return ConvertContribution(
            self.id, self.into, self.rate, self.reason, tuple(self.members), self.pool, self.at
        )

    @classmethod
    def from_event(cls, event: ConvertContribution) -> dict[str, object]:
        data: dict[str, object] = {
            "into": event.into,
            "rate": event.rate,
            "reason": event.reason,
            "members": list(event.members),
        }
        if event.pool is not None:
            data["pool"] = event.pool
        return data


class ZoneIn(_EventIn):
    """A zone's companion modes from now on: the configuration's `zones.<zone>`, whole."""

    kind = "zone"
    source = ConfigureZone
    type: Literal["zone"]
    zone: Id
    settings: dict[str, Any]

    def event(self, config: TenantConfig) -> ConfigureZone:
        parse_zone(self.settings)
        settings = canonical(ZoneConfig.model_validate(self.settings), exclude_unset=True)
        return ConfigureZone(self.id, self.zone, settings, self.at)

    @classmethod
    def from_event(cls, event: ConfigureZone) -> dict[str, object]:
        return {"zone": event.zone, "settings": dict(event.settings)}


class TaskIn(_EventIn):
    kind = "task"
    source = CompleteTask
    type: Literal["task"]
    member: Id
    zone: Id
    day: date
    proof: Name = ""
    region: Name | None = None  # the member's: its agents earn on the release

    def event(self, config: TenantConfig) -> CompleteTask:
        return CompleteTask(
            self.id, self.member, self.zone, self.day, self.proof, self.at, self.region
        )

    @classmethod
    def from_event(cls, event: CompleteTask) -> dict[str, object]:
        data: dict[str, object] = {
            "member": event.member,
            "zone": event.zone,
            "day": event.day.isoformat(),
        }
        if event.proof:
            data["proof"] = event.proof
        if event.region is not None:
            data["region"] = event.region
        return data


class IncomeIn(_EventIn):
    """Third-party income (an advertiser's payment) into a zone's mode's reserve."""

    kind = "mode_income"
    source = ModeIncome
    type: Literal["mode_income"]
    zone: Id
    mode: Id
    amount: Exact
    paid_by: LoggedNote = Field(min_length=1, alias="source")

    def event(self, config: TenantConfig) -> ModeIncome:
        return ModeIncome(
            self.id, self.zone, self.mode, yuan(self.amount, "amount"), self.paid_by, self.at
        )

    @classmethod
    def from_event(cls, event: ModeIncome) -> dict[str, object]:
        return {
            "zone": event.zone,
            "mode": event.mode,
            "amount": format_minor(event.amount, YUAN_SCALE),
            "source": event.source,
        }


class DayIn(_EventIn):
    kind = "day"
    source = RunDay
    type: Literal["day"]
    zone: Id
    day: date

    parts: bool = False  # the day only begins: its DayParts do the rest

    def event(self, config: TenantConfig) -> RunDay:
        return RunDay(self.id, self.zone, self.day, self.at, self.parts)

    @classmethod
    def from_event(cls, event: RunDay) -> dict[str, object]:
        data: dict[str, object] = {"zone": event.zone, "day": event.day.isoformat()}
        if event.parts:
            data["parts"] = True
        return data


class DayPartIn(_EventIn):
    """The next part of a day begun in parts (the service's way to run a day)."""

    kind = "day_part"
    source = DayPart
    type: Literal["day_part"]
    zone: Id
    day: date
    of: EventId  # the day's RunDay: the cause of the part's entries
    size: Whole = Field(gt=0)

    def event(self, config: TenantConfig) -> DayPart:
        return DayPart(self.id, self.zone, self.day, self.of, self.size, self.at)

    @classmethod
    def from_event(cls, event: DayPart) -> dict[str, object]:
        return {
            "zone": event.zone,
            "day": event.day.isoformat(),
            "of": event.of,
            "size": event.size,
        }


EventIn = Annotated[
    OrderIn
    | SellIn
    | SubsidyIn
    | ConfigureIn
    | OpenPoolIn
    | ReverseIn
    | ImportIn
    | WithdrawIn
    | WithdrawRejectIn
    | WithdrawPayIn
    | WithdrawPayLateIn
    | JoinIn
    | BindIn
    | ReassignIn
    | ReassignRefereesIn
    | AgentIn
    | DistributionIn
    | DividendIn
    | ConvertIn
    | ZoneIn
    | IncomeIn
    | TaskIn
    | DayIn
    | DayPartIn,
    Field(discriminator="type"),
]
# Each event type is listed once, in the union; the rest is derived from it.
_MODELS: tuple[type[_EventIn], ...] = get_args(get_args(EventIn)[0])
EVENT_TYPES: Mapping[str, type[_EventIn]] = {model.kind: model for model in _MODELS}
WRITERS: Mapping[type[Event], type[_EventIn]] = {model.source: model for model in _MODELS}


def parse_line(text: str | bytes) -> EventIn:
    """One event from one line of JSON, checked; refusals name the field.

    The line's `type` picks its model, which is built (defer_build) the first time that
    type is read: a log of orders builds the order model only, where validating against
    the whole union would build all of them at start (most of the CLI's start-up time)."""
    try:
        data = loads_strict(text)
    except json.JSONDecodeError as error:
        raise invalid("line", f"not valid JSON ({error})") from None
    except RecursionError:  # as the API's bodies (api/routing.py): it was a traceback
        raise invalid("line", "nests too deep to be read") from None
    if not isinstance(data, dict):
        raise invalid("line", "must be a JSON object")
    if "type" not in data:
        raise invalid("type", "is required")
    tag = data["type"]
    model = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if model is None:
        # str(): a tag that is not a string is named as pydantic's union named it
        known = ", ".join(EVENT_TYPES)
        raise invalid("type", f"unknown event type {str(tag)!r} (known: {known})")
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as error:
        raise error_from_validation(error) from None


def read_event(text: str, config: TenantConfig) -> Event:
    """One line as an engine event, checked; refusals name the field. The two plain
    shapes are read without the models (`lines.plain_event`); any other line, and any such
    line their checks would refuse, goes through the models, which say what is wrong."""
    plain = plain_event(text)
    return plain if plain is not None else parse_line(text).event(config)


def _fen(value: int) -> str:
    return format_minor(value, YUAN_SCALE)


def to_line(event: Event) -> str:
    """The event as one JSON line, which `parse_line` reads back to an equal event."""
    return dump_line(to_wire(event))


def dump_line(wire: Mapping[str, Any]) -> str:
    """An event's wire form (`to_wire`) as its JSON line."""
    return json.dumps(wire, ensure_ascii=False, sort_keys=True)


def _json_ready(value: Any) -> Any:
    """`value` as JSON reads back what is written of it: dicts, lists and tuples as dicts
    and lists, anything else JSON has no type for as its text (what `default=str` wrote)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dict):
        return {
            key if isinstance(key, str) else json.dumps(key): _json_ready(one)
            for key, one in value.items()
        }
    if isinstance(value, list | tuple):
        return [_json_ready(one) for one in value]
    return str(value)


def to_wire(event: Event) -> dict[str, Any]:
    """The event's wire form: the JSON object of its line, without writing and reading
    the text (the unit of work keeps the line and derives the notices from the object)."""
    model = WRITERS[type(event)]
    data: dict[str, object] = {"type": model.kind, **model.from_event(event), "id": event.id}
    if event.at is not None:
        data["at"] = event.at.isoformat()
    ready: dict[str, Any] = _json_ready(data)
    return ready
