"""The tenant's live configuration as one `TenantConfig`, its lint, and back-tests of a
proposed one over the tenant's recorded history.

The live configuration is what the tables hold now: each pool's parameters, the
products, the stores, the distribution settings and the zones' modes, in the shape of a
configuration file (`engine/config.py`), so it can be read, edited and proposed back.
Neither the lint nor the back-test changes anything: the back-test replays the event
log in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.backtest import Backtest, backtest
from zengzhi.engine.config import (
    DistributionConfig,
    PoolConfig,
    ProductConfig,
    StoreConfig,
    TenantConfig,
)
from zengzhi.engine.fields import STORED, Whole, error_from_validation
from zengzhi.engine.lint import has_errors, lint, pool_field
from zengzhi.engine.lint_registry import Finding
from zengzhi.engine.replay import ReplayError
from zengzhi.engine.views import exits_under
from zengzhi.engine.zones import ZoneConfig
from zengzhi.rules.pool import DEFAULT_POOL
from zengzhi.service.audit import event_log
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query, request_hash
from zengzhi.service.catalog import ProductIn, StoreIn, ZoneIn, product_config, store_config
from zengzhi.service.pools import PoolParamsIn
from zengzhi.service.tenants import load_settings
from zengzhi.store.books import kept_balances
from zengzhi.store.catalog import Catalog
from zengzhi.store.ledger import ReadLedger
from zengzhi.store.modes import zone_settings
from zengzhi.store.pools import SqlPositions, all_params, read_pool
from zengzhi.store.spill import SpillStore


def live_config(connection: Connection, tenant: str) -> TenantConfig:
    """The configuration in force now, every pool parameter written out."""
    pools = {
        pool_id: PoolConfig.model_validate(params.as_text())
        for pool_id, params in all_params(connection, tenant).items()
    }
    products = {
        item["product_id"]: product_config(item)
        for item in Catalog(connection, tenant, "product").all()
    }
    stores = {
        item["store_id"]: store_config(item) for item in Catalog(connection, tenant, "store").all()
    }
    zones = {
        item["zone_id"]: ZoneConfig.model_validate(zone_settings(item))
        for item in Catalog(connection, tenant, "zone").all()
    }
    main = pools.pop(DEFAULT_POOL, None)
    settings = load_settings(connection, tenant)
    return TenantConfig(
        timezone=settings.timezone,
        pool=main,
        pools=pools,
        products=products,
        stores=stores,
        distribution=settings.distribution,
        zones=zones,
    )


def get_config(context: Context, principal: Principal) -> dict[str, Any]:
    principal.require(Permission.READ)
    config = query(context, lambda connection: live_config(connection, principal.tenant))
    return config.model_dump(mode="json", exclude_none=True)


def parse_config(data: Any, field: str = "config") -> TenantConfig:
    """A proposed configuration (a JSON object shaped like the configuration file);
    refused naming the field when it is not one. Its names are read as the saved
    settings are (STORED): a proposal is the live configuration with a change, and the
    live one may hold an area kept before areas refused hidden characters; a proposal
    saves nothing (PUT /v1/distribution refuses them)."""
    try:
        return TenantConfig.model_validate(data, context=STORED)
    except ValidationError as error:
        raise error_from_validation(error, field) from None


class LintReport(BaseModel):
    errors: int
    warnings: int
    findings: list[Finding]


def report(findings: list[Finding]) -> LintReport:
    return LintReport(
        errors=sum(one.severity == "error" for one in findings),
        warnings=sum(one.severity == "warning" for one in findings),
        findings=findings,
    )


def lint_live(context: Context, principal: Principal) -> LintReport:
    principal.require(Permission.READ)
    config = query(context, lambda connection: live_config(connection, principal.tenant))
    return report(_of_opened_pools(lint(config), main_opened=config.pool is not None))


def _of_opened_pools(findings: list[Finding], main_opened: bool) -> list[Finding]:
    """The engine always has the pool `main` (its `[pool]` table, defaults when it is not
    written); a tenant has it only once opened (POST /v1/pools). Until then the findings
    on its defaults are about no pool of the tenant's: a new tenant checking its first
    pool, `p1` with a 2x exit, read "pool.exit_multiple: no forced exit" beside it."""
    if main_opened:
        return findings
    default = pool_field(DEFAULT_POOL)
    return [one for one in findings if one.field.split(".")[0] != default]


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    config: dict[str, Any] = Field(
        description="a configuration shaped like GET /v1/config (the configuration file)"
    )


def lint_proposal(context: Context, principal: Principal, proposal: Proposal) -> LintReport:
    """What the proposal risks as written, and what it would do now to the tenant's
    members: who a lower exit multiple would force out, and what they would be paid."""
    principal.require(Permission.READ)
    config = parse_config(proposal.config)
    findings = lint(config)
    if config.pool is None:
        opened = query(context, lambda connection: all_params(connection, principal.tenant))
        findings = _of_opened_pools(findings, main_opened=DEFAULT_POOL in opened)
    if not has_errors(findings):
        findings += query(
            context, lambda connection: exits_now(connection, principal.tenant, config)
        )
    return report(findings)


def exits_now(connection: Connection, tenant: str, proposed: TenantConfig) -> list[Finding]:
    """For each pool whose exit multiple the proposal changes: the positions it would
    force out at once (spec 01), with what they would be paid."""
    found = []
    live = live_config(connection, tenant).pool_params()
    for name, params in proposed.pool_params().items():
        before = live.get(name)
        if before is None or before.exit_multiple == params.exit_multiple:
            continue
        pool = read_pool(connection, tenant, name)
        assert isinstance(pool.positions, SqlPositions)
        positions = pool.positions.all()
        exits = exits_under(pool, ReadLedger(connection, tenant), params, positions)
        if not exits:
            continue
        field = f"{pool_field(name)}.exit_multiple"
        paid = sum(one.payout for one in exits)
        uncapped = sum(1 for one in exits if one.sale_value)
        message = (
            f"exit multiple {params.exit_multiple}: {len(exits)} position(s) would be forced"
            f" out at once, paid {format_minor(paid, 2)} in all"
        )
        if uncapped:
            message += (
                f"; {uncapped} of them already realized more than the new cap and would be"
                " paid the sale value of their points"
            )
        found.append(Finding.warning(field, "pool.exits_now", message))
    return found


class BacktestRequest(Proposal):
    top: Whole = Field(default=10, ge=0, le=500, description="how many members to list")


def backtest_tenant(
    connection: Connection,
    tenant: str,
    proposed: TenantConfig,
    top: int,
    watch: Callable[[Sequence[str]], Iterable[str]] = iter,
) -> Backtest:
    """Replay the tenant's history as recorded and under `proposed`, in memory; `watch`
    passes the events through as they are replayed (the CLI's progress bar)."""
    live = live_config(connection, tenant)
    if "timezone" not in proposed.model_fields_set:
        proposed = proposed.model_copy(update={"timezone": live.timezone})
    elif proposed.timezone != live.timezone:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"the history counts its days in {live.timezone}, which a proposal cannot change",
            "config.timezone",
        )
    try:
        result, balances = backtest(
            watch(event_log(connection, tenant)), live, proposed, top, kept=SpillStore
        )
    except ReplayError as error:
        raise DomainError(
            ErrorCode.CONFLICT, f"the recorded history does not replay: {error}", "history"
        ) from None
    kept = {key: fen for key, fen in kept_balances(connection, tenant).items() if fen}
    result.baseline_matches_live = {k: v for k, v in balances.items() if v} == kept
    return result


def run_backtest(context: Context, principal: Principal, request: BacktestRequest) -> Backtest:
    principal.require(Permission.CONFIGURE)
    proposed = parse_config(request.config)
    try:
        proposed.check()
    except DomainError as error:
        error.field = f"config.{error.field}" if error.field else "config"
        raise
    return query(
        context,
        lambda connection: backtest_tenant(connection, principal.tenant, proposed, request.top),
    )


ABSENT = "absent"  # the version of an item not (yet) there: a new item's form


def item_version(context: Context, principal: Principal, section: str, key: str) -> str:
    """What a configuration form was filled from, in a few characters: the item (a
    pool's parameters, a zone, a product, a store, or the distribution settings) as the
    live configuration holds it, or its absence. The console's Save refuses a change
    made on a page filled from another version (someone saved since)."""
    principal.require(Permission.READ)
    live = query(context, lambda connection: live_config(connection, principal.tenant))
    items: dict[str, Any] = {
        "pool": live.pool if key == DEFAULT_POOL else live.pools.get(key),
        "zones": live.zones.get(key),
        "products": live.products.get(key),
        "stores": live.stores.get(key),
        "distribution": live.distribution,
    }
    item = items[section]
    if item is None:
        return ABSENT
    return request_hash(item.model_dump(mode="json", exclude_none=True))[:16]


def proposal_with(
    context: Context,
    principal: Principal,
    key: str,
    change: PoolParamsIn | ZoneIn | ProductIn | StoreIn | DistributionConfig,
) -> Proposal:
    """The live configuration with one change applied (a pool's parameters, a zone, a
    product or a store under `key`, or the distribution settings), as a proposal: what
    the console lints and back-tests before it saves that change. Nothing is changed."""
    principal.require(Permission.READ)
    live = query(context, lambda connection: live_config(connection, principal.tenant))
    update: dict[str, Any]
    if isinstance(change, PoolParamsIn):
        current = live.pool if key == DEFAULT_POOL else live.pools.get(key)
        given = {**(current.model_dump(exclude_none=True) if current else {}), **change.changes()}
        pool = PoolConfig.model_validate({k: v for k, v in given.items() if v is not None})
        update = {"pool": pool} if key == DEFAULT_POOL else {"pools": {**live.pools, key: pool}}
    elif isinstance(change, ZoneIn):
        update = {"zones": {**live.zones, key: ZoneConfig.model_validate(change.settings())}}
    elif isinstance(change, DistributionConfig):
        update = {"distribution": change}
    elif isinstance(change, ProductIn):
        product = ProductConfig.model_validate(change.model_dump(mode="json", exclude={"name"}))
        update = {"products": {**live.products, key: product}}
    else:
        kept = change.model_dump(mode="json", exclude={"name", "settlement_account"})
        update = {"stores": {**live.stores, key: StoreConfig.model_validate(kept)}}
    proposed = live.model_copy(update=update)
    return Proposal(config=proposed.model_dump(mode="json", exclude_none=True))
