"""The tenant's catalogue: zones, products (with their split), stores.

They are rows the service reads when an order is created: an order's split is fixed
then, so changing a product changes future orders only. Every change is in the audit log
with its before and after. (Pools, whose parameters go through the engine, are in
`service/pools.py`.)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import ConfigureZone, event_id
from zengzhi.engine.config import ModeValues, ProductConfig, StoreConfig, TenantConfig
from zengzhi.engine.fields import (
    STORED,
    Exact,
    ExactOrShare,
    Id,
    Moment,
    Region,
    Shown,
    Whole,
)
from zengzhi.engine.zones import ModesConfig, parse_zone
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, found, not_found, query
from zengzhi.store.catalog import Catalog, Item
from zengzhi.store.event_log import EventLog
from zengzhi.store.members import Members
from zengzhi.store.uow import UnitOfWork

# ---------------------------------------------------------------------------- zones


class ZoneIn(BaseModel):
    """A zone: its return window, its companion modes (spec 03), and the period they
    make promises in. Its modes go through the engine (and the event log)."""

    model_config = ConfigDict(extra="forbid")

    pool: Id | None = None
    completion_delay_seconds: Whole = Field(default=0, ge=0, le=365 * 86_400)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    modes: ModesConfig = ModesConfig()

    def settings(self) -> dict[str, Any]:
        """The zone as the engine reads it (`zengzhi.engine.zones`)."""
        settings = self.modes.model_dump(mode="json", exclude_none=True)
        for name, moment in (("starts", self.starts_at), ("ends", self.ends_at)):
            if moment is not None:
                settings[name] = moment.isoformat()
        return settings


class ZoneView(ZoneIn):
    id: str


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Shown | None = None
    price: Exact
    cost: ExactOrShare = "0"
    distribution: ExactOrShare = "0"
    platform: ExactOrShare = "0"
    contribution: ExactOrShare = "0"
    zone: Id | None = None
    pool: Id | None = None
    modes: ModeValues = Field(default_factory=dict)


class ProductView(ProductIn):
    id: str


class StoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Shown | None = None
    owner: Id | None = None
    recruiter: Id | None = None
    region: Region | None = None
    commission_rate: Exact
    platform_rate: Exact = "0"
    distribution_rate: Exact = "0"
    zone: Id | None = None
    pool: Id | None = None
    settlement_account: Shown | None = None


class StoreView(StoreIn):
    id: str


def _items(uow: UnitOfWork, kind: str) -> Catalog:
    return Catalog(uow.connection, uow.tenant, kind)


def _row_values(kind: str, body: BaseModel) -> dict[str, Any]:
    data = body.model_dump(mode="json")
    if kind == "product":
        split = {
            k: data.pop(k) for k in ("price", "cost", "distribution", "platform", "contribution")
        }
        return {**data, "split": split}
    if kind == "store":
        commission = {
            k: data.pop(k) for k in ("commission_rate", "platform_rate", "distribution_rate")
        }
        return {**data, "commission": commission}
    if kind == "zone":
        for moment in ("starts_at", "ends_at"):
            data[moment] = getattr(body, moment)
        data["modes"] = body.modes.model_dump(mode="json", exclude_none=True)  # type: ignore[attr-defined]
        return data
    raise AssertionError(kind)


def _view(kind: str, item: Item) -> BaseModel:
    data = dict(item)
    data["id"] = data.pop(f"{kind}_id")
    if kind == "product":
        data |= data.pop("split")
        data["modes"] = data["modes"] or {}
        return ProductView.model_validate(data, context=STORED)
    if kind == "store":
        data |= data.pop("commission")
        return StoreView.model_validate(data, context=STORED)
    return ZoneView.model_validate(data, context=STORED)


def _store_members(members: Members, store: StoreIn) -> None:
    """A store's owner and recruiter are members, or refused naming the one that is not."""
    for role in ("owner", "recruiter"):
        member = getattr(store, role)
        if member is not None and members.get(member) is None:
            raise not_found("member", member, role)


def check_store_members(context: Context, principal: Principal, body: BaseModel) -> None:
    """What saving a store refuses of its members, for a check before saving: the
    console's Check passed a store whose owner was no member, and Save refused it."""
    if isinstance(body, StoreIn):
        store = body
        query(
            context, lambda connection: _store_members(Members(connection, principal.tenant), store)
        )


def _check(uow: UnitOfWork, kind: str, key: str, body: BaseModel) -> None:
    """Refuse a product, store or zone that could not price an order, naming the field."""
    pool = getattr(body, "pool", None)
    if pool is not None and uow.pools.get(pool) is None:
        raise not_found("pool", pool, "pool")
    zone = getattr(body, "zone", None)
    if zone is not None and kind != "zone" and not _items(uow, "zone").exists(zone):
        raise not_found("zone", zone, "zone")
    if isinstance(body, StoreIn):
        # spec 02: a store has an owner *member* (its code binds new members to them) and
        # its recruiter is the member who brought it in: each is paid (commission, the
        # recruiter reward) into a member's wallet. One that is no member was saved, a
        # binding through the code was refused as an unknown referrer the registering
        # member never gave, and the recruiter reward was booked to the wallet of no
        # member, which nothing shows or pays out (docs/distribution.md).
        _store_members(uow.members, body)
    try:
        if isinstance(body, ProductIn):
            ProductConfig(
                price=body.price,
                cost=body.cost,
                distribution=body.distribution,
                platform=body.platform,
                contribution=body.contribution,
                pool=body.pool,
                modes=body.modes,
            ).line(key, 1, "main")
        elif isinstance(body, StoreIn):
            StoreConfig(
                commission_rate=body.commission_rate,
                platform_rate=body.platform_rate,
                distribution_rate=body.distribution_rate,
            ).line(key, 100_000, "main")
    except DomainError as error:
        # the configuration names "products.<id>.cost" or, for a split that does not add
        # up, "products.<id>": the body's own field, never the id (which may hold dots)
        field = (error.field or "").removeprefix(f"{kind}s.{key}")
        whole = "price" if kind == "product" else "commission_rate"
        error.field = field.removeprefix(".") or whole
        raise
    if isinstance(body, ZoneIn):
        if body.starts_at and body.ends_at and body.ends_at <= body.starts_at:
            raise DomainError(ErrorCode.INVALID, "must be after starts_at", "ends_at")
        modes = parse_zone(body.modes.model_dump(mode="json", exclude_none=True), "modes")
        zones = _items(uow, "zone")
        for n, required in enumerate(modes.requires.zones):
            # an unknown zone here made the zone one nobody could ever buy in
            if required != key and not zones.exists(required):
                raise not_found("zone", required, f"modes.requires.zones.{n}")


def put_item(
    context: Context, principal: Principal, kind: str, key: str, body: BaseModel
) -> BaseModel:
    """Create or replace a zone, product or store."""
    principal.require(Permission.CONFIGURE)

    def run(uow: UnitOfWork) -> BaseModel:
        _check(uow, kind, key, body)
        items = _items(uow, kind)
        before = items.get(key, lock=True)
        if isinstance(body, ZoneIn):  # the engine keeps its modes, refusing to drop a debtor
            version = EventLog(uow.connection, uow.tenant).count_like(f"zone:{key}@")
            change = event_id("zone", f"{key}@{version + 1}")
            try:
                uow.apply(ConfigureZone(change, key, body.settings()))
            except DomainError as error:  # the engine names a mode: the body has it in modes
                error.field = f"modes.{error.field}" if error.field else "modes"
                raise
        items.replace(key, _row_values(kind, body))
        view = _view(kind, found(items.get(key), kind, key))
        uow.audit(
            principal.actor,
            f"{kind}.put",
            f"{kind}:{key}",
            before=_view(kind, before).model_dump(mode="json") if before else None,
            after=view.model_dump(mode="json"),
        )
        return view

    return command(context, principal, run)


def get_item(context: Context, principal: Principal, kind: str, key: str) -> BaseModel:
    principal.require(Permission.READ)

    def run(connection: Connection) -> BaseModel:
        return _view(kind, found(Catalog(connection, principal.tenant, kind).get(key), kind, key))

    return query(context, run)


def list_items(
    context: Context, principal: Principal, kind: str, limit: int, after: str | None
) -> list[BaseModel]:
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[BaseModel]:
        items = Catalog(connection, principal.tenant, kind).page(limit, after)
        return [_view(kind, item) for item in items]

    return query(context, run)


# ---------------------------------------------------------------------------- orders


def product_config(item: Item) -> ProductConfig:
    """A product's row as the configuration prices an order with it."""
    return ProductConfig(
        **item["split"], pool=item["pool"], zone=item["zone"], modes=item["modes"] or {}
    )


def store_config(item: Item) -> StoreConfig:
    return StoreConfig(
        **item["commission"],
        pool=item["pool"],
        owner=item["owner"],
        recruiter=item["recruiter"],
        region=item["region"],
        zone=item["zone"],
    )


def zone_windows(connection: Connection, tenant: str, zones: set[str]) -> dict[str, int]:
    """The return window of each of `zones`, in seconds (a zone not configured: none). An
    order line given by its amount may name its zone itself (`"zone": "z"`): the zone's
    window holds it as it holds the zone's products' (spec 04: per zone)."""
    return {
        f"zone:{row['zone_id']}": int(row["completion_delay_seconds"])
        for row in Catalog(connection, tenant, "zone").many(zones)
    }


def order_config(
    connection: Connection, tenant: str, products: set[str], store: str | None
) -> tuple[TenantConfig, dict[str, int]]:
    """The configuration an order needs (its products and store only), and the return
    window of each zone they belong to, in seconds."""
    product_rows = Catalog(connection, tenant, "product").many(products)
    store_rows = Catalog(connection, tenant, "store").many([store] if store else [])
    zone_ids = {row["zone"] for row in [*product_rows, *store_rows] if row["zone"]}
    delays = {
        row["zone_id"]: int(row["completion_delay_seconds"])
        for row in Catalog(connection, tenant, "zone").many(zone_ids)
    }
    config = TenantConfig(
        products={row["product_id"]: product_config(row) for row in product_rows},
        stores={row["store_id"]: store_config(row) for row in store_rows},
    )
    zones = {row["product_id"]: delays.get(row["zone"], 0) for row in product_rows if row["zone"]}
    zones |= {
        f"store:{row['store_id']}": delays.get(row["zone"], 0) for row in store_rows if row["zone"]
    }
    return config, zones
