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
```
Amounts are decimal strings (whole numbers may be JSON integers; a JSON number with a
fraction is refused rather than read through a float); `pool` defaults to the default
pool; `at` is an optional ISO 8601 time with a zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from zengzhi.core.amounts import POINTS_SCALE, YUAN_SCALE, Yuan, parse_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import (
    CompleteOrder,
    Configure,
    Event,
    ImportBalance,
    OrderLine,
    ReverseOrder,
    Sell,
    Subsidy,
)
from zengzhi.engine.config import DEFAULT_POOL, Exact, Id, TenantConfig, error_from_details


def yuan(value: object, field: str, *, positive: bool = False) -> int:
    """Fen from a decimal text; refuses floats, more than 2 places and negatives."""
    fen = parse_minor(value, YUAN_SCALE, field)
    if fen < 0 or (positive and fen == 0):
        raise invalid(field, "must be greater than 0" if positive else "must not be negative")
    return fen


def points(value: object, field: str) -> int:
    units = parse_minor(value, POINTS_SCALE, field)
    if units <= 0:
        raise invalid(field, "must be greater than 0")
    return units


class _EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str]

    type: str
    id: Id
    at: AwareDatetime | None = None

    def event(self, config: TenantConfig) -> Event:
        raise NotImplementedError


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cost: Exact = "0"
    distribution: Exact = "0"
    platform: Exact = "0"
    contribution: Exact = "0"


class OrderIn(_EventIn):
    kind = "order"
    type: Literal["order"]
    member: Id
    amount: Exact | None = None
    contribution: Exact | None = None
    split: SplitIn | None = None
    product: Id | None = None
    quantity: int = Field(default=1, ge=1, strict=True)
    store: Id | None = None
    pool: Id | None = None

    def event(self, config: TenantConfig) -> CompleteOrder:
        return CompleteOrder(self.id, self.member, (self._line(config),), self.store, self.at)

    def _line(self, config: TenantConfig) -> OrderLine:
        forms = [f for f in ("contribution", "split", "product", "store") if getattr(self, f)]
        if len(forms) > 1:
            raise invalid(
                forms[1],
                f"give one of contribution, split, product or store, "
                f"not both {forms[0]} and {forms[1]}",
            )
        if not forms:
            raise invalid("contribution", "is required (or give a split, a product or a store)")
        if self.product is not None:
            product = config.products.get(self.product)
            if product is None:
                raise DomainError(
                    ErrorCode.NOT_FOUND, f"unknown product {self.product!r}", "product"
                )
            line = product.line(self.product, self.quantity, self.pool or DEFAULT_POOL)
            if self.amount is not None and yuan(self.amount, "amount") != line.amount:
                raise invalid(
                    "amount",
                    f"{self.amount} is not {self.quantity} × the price "
                    f"({Yuan.of_minor(line.amount)})",
                )
            return line
        if self.amount is None:
            raise invalid("amount", "is required")
        amount = yuan(self.amount, "amount", positive=True)
        pool = self.pool or DEFAULT_POOL
        if self.store is not None:
            store = config.stores.get(self.store)
            if store is None:
                raise DomainError(ErrorCode.NOT_FOUND, f"unknown store {self.store!r}", "store")
            return store.line(self.store, amount, pool)
        if self.split is not None:
            parts = {
                name: yuan(getattr(self.split, name), f"split.{name}")
                for name in ("cost", "distribution", "platform", "contribution")
            }
            if sum(parts.values()) != amount:
                raise invalid(
                    "split",
                    f"the parts add up to {Yuan.of_minor(sum(parts.values()))},"
                    f" not the amount {Yuan.of_minor(amount)}",
                )
            return OrderLine(
                amount=amount,
                cost=parts["cost"],
                distribution=parts["distribution"],
                platform=parts["platform"],
                contribution=parts["contribution"],
                pool=pool if parts["contribution"] else None,
            )
        contribution = yuan(self.contribution, "contribution")
        if contribution > amount:
            raise invalid("contribution", "must not exceed the amount")
        return OrderLine(
            amount=amount,
            contribution=contribution,
            platform=amount - contribution,
            pool=pool if contribution else None,
        )


class SellIn(_EventIn):
    kind = "sell"
    type: Literal["sell"]
    member: Id
    points: Exact
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Sell:
        units = None if self.points == "all" else points(self.points, "points")
        return Sell(self.id, self.member, self.pool, units, self.at)


class SubsidyIn(_EventIn):
    kind = "subsidy"
    type: Literal["subsidy"]
    amount: Exact
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Subsidy:
        return Subsidy(self.id, self.pool, yuan(self.amount, "amount", positive=True), self.at)


class ConfigureIn(_EventIn):
    """Any pool parameter, by name (`exit_multiple`, `mint_ratio`, `minting_enabled`…)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    kind = "configure"
    type: Literal["configure"]
    pool: Id = DEFAULT_POOL

    def event(self, config: TenantConfig) -> Configure:
        changes = dict(self.model_extra or {})
        if not changes:
            raise invalid("configure", "names no parameter to change")
        return Configure(self.id, self.pool, changes, self.at)


class ReverseIn(_EventIn):
    kind = "reverse"
    type: Literal["reverse"]
    order: Id

    def event(self, config: TenantConfig) -> ReverseOrder:
        return ReverseOrder(self.id, self.order, self.at)


class ImportIn(_EventIn):
    kind = "import"
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


EVENT_TYPES: Mapping[str, type[_EventIn]] = {
    model.kind: model for model in (OrderIn, SellIn, SubsidyIn, ConfigureIn, ReverseIn, ImportIn)
}
EventIn = Annotated[
    OrderIn | SellIn | SubsidyIn | ConfigureIn | ReverseIn | ImportIn, Field(discriminator="type")
]
_EVENTS: TypeAdapter[EventIn] = TypeAdapter(EventIn)


def _event_error(error: ValidationError) -> DomainError:
    first = error.errors()[0]
    kind = first["type"]
    if kind == "json_invalid":
        return invalid("line", f"not valid JSON ({first['ctx']['error']})")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return invalid("line", "must be a JSON object")
    if kind == "union_tag_not_found":
        return invalid("type", "is required")
    if kind == "union_tag_invalid":
        tag = first["ctx"]["tag"]
        return invalid("type", f"unknown event type {tag!r} (known: {', '.join(EVENT_TYPES)})")
    location = first["loc"]
    if location and location[0] in EVENT_TYPES:  # the union names the tag first
        first["loc"] = location[1:]
    return error_from_details(first)


def parse_line(text: str | bytes) -> EventIn:
    """One event from one line of JSON, checked; refusals name the field."""
    try:
        return _EVENTS.validate_json(text)
    except ValidationError as error:
        raise _event_error(error) from None
