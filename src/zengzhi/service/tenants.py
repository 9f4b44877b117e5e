"""Tenants and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import Connection

from zengzhi.core.amounts import Ratio, Yuan, format_minor
from zengzhi.core.days import DEFAULT_TIMEZONE
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.config import DistributionConfig
from zengzhi.engine.fields import (
    STORED,
    USERNAME,
    Exact,
    Flag,
    Id,
    NewPassword,
    Shown,
    Timezone,
    Whole,
    visible,
)
from zengzhi.service import auth
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import (
    Context,
    command,
    found,
    not_found,
    query,
    request_hash,
    taken,
    write,
)
from zengzhi.service.users import add_user
from zengzhi.store.event_log import EventLog
from zengzhi.store.tenants import (
    TenantRow,
    add_tenant,
    tenant_row,
    tenant_settings,
    tenant_spelled,
)
from zengzhi.store.uow import UnitOfWork


class WithdrawalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minimum: Exact = "1.00"  # smallest withdrawal, yuan
    fee_rate: Exact = "0"  # share of the amount kept as a fee
    fee_fixed: Exact = "0.00"  # plus a fixed fee, yuan
    auto_approve_limit: Exact = "0.00"  # approved without finance at or under this; 0 = never
    require_real_name: Flag = False
    # approval needs the member's payee and a verified real name (service/payees.py);
    # always so with a WeChat Pay or Alipay adapter
    require_payee: Flag = False

    # each field checked on its own, so that a form flags every bad one at once
    @field_validator("minimum", "fee_fixed", "auto_approve_limit")
    @classmethod
    def _yuan(cls, value: str, info: ValidationInfo) -> str:
        field = f"withdrawals.{info.field_name}"
        minor = Yuan(value, field).minor
        if minor < 0:  # a negative fee blocked them all
            raise DomainError(ErrorCode.INVALID, "must not be negative", field)
        return format_minor(minor, 2)  # yuan with 2 places, however typed ("100" was kept)

    @field_validator("fee_rate")
    @classmethod
    def _rate(cls, value: str) -> str:
        if Ratio(value, "withdrawals.fee_rate").fraction >= 1:
            raise DomainError(ErrorCode.INVALID, "must be below 1", "withdrawals.fee_rate")
        return value

    def fee(self, amount: int) -> int:
        """The fee on a withdrawal of `amount` fen: its share rounded *up* to the fen, so
        that the payout (amount − fee) rounds down, as every payout does (spec 04: 100.01
        at 0.6% is paid 99.40, fee 0.61; rounded down the fee paid 99.41)."""
        rate = Ratio(self.fee_rate)
        return -(-rate.num * amount // rate.den) + Yuan(self.fee_fixed).minor


class MemberPageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The platform's own sign-up address; "{member}" becomes the referring member's id.
    # Shown to members: one line of visible characters, as a name (a NUL was a 500 on
    # PostgreSQL, a U+202E shown reordered on SQLite).
    referral_link: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^https?://[^\s]*\{member\}[^\s]*$",
        description='e.g. "https://shop.example/join?ref={member}"',
    )
    # What members call each pool ("购物积分"): a member never sees a pool's id. Each
    # id is a pool's (update_settings refuses a name for none).
    pool_names: dict[Id, Shown] = Field(default_factory=dict, max_length=50)

    @field_validator("referral_link")
    @classmethod
    def _shown(cls, value: str | None, info: ValidationInfo) -> str | None:
        return value if value is None else visible(value, info)


class TenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # where the tenant's days turn: ad tasks, zones' daily runs, turnover, "today"
    timezone: Timezone = DEFAULT_TIMEZONE
    completion_delay_seconds: Whole = Field(default=0, ge=0, le=365 * 86_400)
    withdrawals: WithdrawalSettings = WithdrawalSettings()
    member_page: MemberPageSettings = MemberPageSettings()
    # changed through PUT /v1/distribution (an engine event), shown here
    distribution: DistributionConfig | None = None


class TenantView(BaseModel):
    id: str
    name: str
    settings: TenantSettings
    created_at: datetime


class NewTenant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    name: Shown = Field(min_length=1)
    owner: str = Field(min_length=1, max_length=100, pattern=USERNAME)
    password: NewPassword


def create_tenant(context: Context, request: NewTenant) -> TenantView:
    """A new tenant with its owner. Only the platform's administrator does this."""
    now = context.clock()
    password_hash = auth.hash_password(request.password)
    settings = TenantSettings()

    def add(connection: Connection) -> None:
        # the same id asked for at once: the second insert loses the key's race and is
        # run again (`write`), which finds the tenant and refuses it (409, not a 500)
        kept = tenant_spelled(connection, request.id)
        if kept is not None:
            raise taken("tenant", request.id, kept, "id")
        add_tenant(connection, TenantRow(request.id, request.name, settings.model_dump(), now))
        add_user(connection, request.id, request.owner, password_hash, Role.OWNER, now)

    write(context, add)
    return TenantView(id=request.id, name=request.name, settings=settings, created_at=now)


def load_settings(connection: Connection, tenant: str, lock: bool = False) -> TenantSettings:
    """The settings as kept; `lock` (a command that changes them): the tenant row locked
    until it commits, so that a change committed meanwhile by another command is waited
    for and read, not written over, nor missed by the four-eyes check."""
    return _checked(tenant_settings(connection, tenant, lock), tenant)


def command_settings(uow: UnitOfWork) -> TenantSettings:
    """The settings as the command's unit of work read them when it began: one read a
    command (a command that changes them reads them with `load_settings`)."""
    return _checked(uow.settings, uow.tenant)


def _checked(settings: dict[str, Any] | None, tenant: str) -> TenantSettings:
    if settings is None:
        raise not_found("tenant", tenant, "tenant")
    return TenantSettings.model_validate(settings, context=STORED)


def get_tenant(context: Context, principal: Principal) -> TenantView:
    principal.require(Permission.READ)

    def run(connection: Connection) -> TenantView:
        row = found(tenant_row(connection, principal.tenant), "tenant", principal.tenant)
        return TenantView(
            id=row.tenant_id,
            name=row.name,
            settings=TenantSettings.model_validate(row.settings, context=STORED),
            created_at=row.created_at,
        )

    return query(context, run)


def weakened_withdrawals(before: WithdrawalSettings, after: WithdrawalSettings) -> str | None:
    """The first control on withdrawals that `after` weakens (a field), if any."""
    if Yuan(after.auto_approve_limit).minor > Yuan(before.auto_approve_limit).minor:
        return "withdrawals.auto_approve_limit"
    if before.require_real_name and not after.require_real_name:
        return "withdrawals.require_real_name"
    if before.require_payee and not after.require_payee:
        return "withdrawals.require_payee"
    return None


def require_money_control(principal: Principal, field: str | None) -> None:
    """Four eyes: a change that weakens a control on money needs the owner (the
    MONEY_CONTROLS permission), not the role that configures."""
    if field is not None:
        principal.require(
            Permission.MONEY_CONTROLS,
            field,
            f"changing {field} this way weakens a control on money: the owner must do it",
        )


def settings_version(settings: TenantSettings) -> str:
    """What a settings form was filled from, in a few characters: a save from a page
    opened before someone else's save must not undo it (distribution apart: it has a
    page of its own and is kept by every save here)."""
    return request_hash(settings.model_dump(mode="json", exclude={"distribution"}))[:16]


def update_settings(
    context: Context, principal: Principal, new: TenantSettings, shown: str | None = None
) -> TenantView:
    """`shown`: the `settings_version` the console's form was filled from, if any; a save
    from a page that no longer shows what is saved is refused whole (409)."""
    principal.require(Permission.CONFIGURE)

    def run(uow: UnitOfWork) -> None:
        before = load_settings(uow.connection, principal.tenant, lock=True)
        if shown is not None and shown != settings_version(before):
            raise DomainError(
                ErrorCode.CONFLICT,
                "the settings were saved by someone else after this page was opened:"
                " nothing was saved; the page shows them as they are now",
                "settings",
            )
        require_money_control(principal, weakened_withdrawals(before.withdrawals, new.withdrawals))
        kept = before.member_page.pool_names
        for pool, name in sorted(new.member_page.pool_names.items()):
            # a name given now names a pool (a typo named none); one saved before this
            # check, left as it was, does not refuse the rest of the settings
            if kept.get(pool) != name and uow.pools.get(pool) is None:
                raise not_found("pool", pool, f"member_page.pool_names.{pool}")
        # a time zone left out of the body is kept, not reset to the default
        timezone = new.timezone if "timezone" in new.model_fields_set else before.timezone
        if new.distribution is not None and new.distribution != before.distribution:
            raise DomainError(
                ErrorCode.INVALID,
                "distribution settings change through PUT /v1/distribution",
                "distribution",
            )
        if timezone != before.timezone and not EventLog(uow.connection, principal.tenant).empty():
            raise DomainError(
                ErrorCode.CONFLICT,
                f"the tenant's history counts its days in {before.timezone}: the time zone"
                " is chosen before the first event, so that replaying the log repeats it",
                "timezone",
            )
        after = new.model_copy(update={"distribution": before.distribution, "timezone": timezone})
        uow.store_settings(after.model_dump(mode="json", exclude_none=True))
        uow.audit(
            principal.actor,
            "settings.update",
            "tenant",
            before=before.model_dump(mode="json", exclude_none=True),
            after=after.model_dump(mode="json", exclude_none=True),
        )

    command(context, principal, run)
    return get_tenant(context, principal)
