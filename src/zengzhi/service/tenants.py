"""Tenants, their settings, console users, API keys, and who a request comes from."""

from __future__ import annotations

import functools
import logging
import math
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, insert, select, update

from zengzhi.core.amounts import Ratio, Yuan
from zengzhi.core.days import DEFAULT_TIMEZONE
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.config import DistributionConfig, Exact, Id, Label, Name, Timezone
from zengzhi.service import auth
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, command, not_found, query
from zengzhi.store import security
from zengzhi.store import tables as t
from zengzhi.store.uow import UnitOfWork

log = logging.getLogger("zengzhi.auth")


class WithdrawalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minimum: Exact = "1.00"  # smallest withdrawal, yuan
    fee_rate: Exact = "0"  # share of the amount kept as a fee
    fee_fixed: Exact = "0.00"  # plus a fixed fee, yuan
    auto_approve_limit: Exact = "0.00"  # approved without finance at or under this; 0 = never
    require_real_name: bool = False
    # approval needs the member's payee and a verified real name (service/payees.py);
    # always so with a WeChat Pay or Alipay adapter
    require_payee: bool = False

    def check(self) -> None:
        Yuan(self.minimum, "withdrawals.minimum")
        Ratio(self.fee_rate, "withdrawals.fee_rate")
        Yuan(self.fee_fixed, "withdrawals.fee_fixed")
        Yuan(self.auto_approve_limit, "withdrawals.auto_approve_limit")
        if Ratio(self.fee_rate).fraction >= 1:
            raise DomainError(ErrorCode.INVALID, "must be below 1", "withdrawals.fee_rate")

    def fee(self, amount: int) -> int:
        """The fee on a withdrawal of `amount` fen, rounded down."""
        return Ratio(self.fee_rate).of_minor_floor(amount) + Yuan(self.fee_fixed).minor


class MemberPageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The platform's own sign-up address; "{member}" becomes the referring member's id.
    referral_link: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^https?://[^\s]*\{member\}[^\s]*$",
        description='e.g. "https://shop.example/join?ref={member}"',
    )


class TenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # where the tenant's days turn: ad tasks, zones' daily runs, turnover, "today"
    timezone: Timezone = DEFAULT_TIMEZONE
    completion_delay_seconds: int = Field(default=0, ge=0, le=365 * 86_400)
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
    name: Name = Field(min_length=1)
    owner: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: Name = Field(min_length=10)


def create_tenant(context: Context, request: NewTenant) -> TenantView:
    """A new tenant with its owner. Only the platform's administrator does this."""
    now = context.clock()
    password_hash = auth.hash_password(request.password)
    with context.database.write() as connection:
        exists = connection.execute(
            select(t.tenants.c.tenant_id).where(t.tenants.c.tenant_id == request.id)
        ).first()
        if exists:
            raise DomainError(ErrorCode.CONFLICT, f"tenant {request.id!r} exists", "id")
        settings = TenantSettings()
        connection.execute(
            insert(t.tenants).values(
                tenant_id=request.id,
                name=request.name,
                settings=settings.model_dump(),
                event_seq=0,
                entry_seq=0,
                audit_seq=0,
                created_at=now,
            )
        )
        connection.execute(
            insert(t.users).values(
                tenant_id=request.id,
                username=request.owner,
                password_hash=password_hash,
                role=Role.OWNER,
                disabled=False,
                created_at=now,
            )
        )
    return TenantView(id=request.id, name=request.name, settings=settings, created_at=now)


def load_settings(connection: Connection, tenant: str) -> TenantSettings:
    row = connection.execute(
        select(t.tenants.c.settings).where(t.tenants.c.tenant_id == tenant)
    ).first()
    if row is None:
        raise not_found("tenant", tenant, "tenant")
    return TenantSettings.model_validate(row.settings)


def get_tenant(context: Context, principal: Principal) -> TenantView:
    principal.require(Permission.READ)

    def run(connection: Connection) -> TenantView:
        row = connection.execute(
            select(t.tenants).where(t.tenants.c.tenant_id == principal.tenant)
        ).one()
        return TenantView(
            id=row.tenant_id,
            name=row.name,
            settings=TenantSettings.model_validate(row.settings),
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


def update_settings(context: Context, principal: Principal, new: TenantSettings) -> TenantView:
    principal.require(Permission.CONFIGURE)
    new.withdrawals.check()

    def run(uow: UnitOfWork) -> None:
        before = load_settings(uow.connection, principal.tenant)
        require_money_control(principal, weakened_withdrawals(before.withdrawals, new.withdrawals))
        # a time zone left out of the body is kept, not reset to the default
        timezone = new.timezone if "timezone" in new.model_fields_set else before.timezone
        if new.distribution is not None and new.distribution != before.distribution:
            raise DomainError(
                ErrorCode.INVALID,
                "distribution settings change through PUT /v1/distribution",
                "distribution",
            )
        if (
            timezone != before.timezone
            and uow.connection.execute(
                select(t.events.c.seq).where(t.events.c.tenant_id == principal.tenant).limit(1)
            ).first()
        ):
            raise DomainError(
                ErrorCode.CONFLICT,
                f"the tenant's history counts its days in {before.timezone}: the time zone"
                " is chosen before the first event, so that replaying the log repeats it",
                "timezone",
            )
        after = new.model_copy(update={"distribution": before.distribution, "timezone": timezone})
        uow.connection.execute(
            update(t.tenants)
            .where(t.tenants.c.tenant_id == principal.tenant)
            .values(settings=after.model_dump(mode="json", exclude_none=True))
        )
        uow.audit(
            principal.actor,
            "settings.update",
            "tenant",
            before=before.model_dump(mode="json", exclude_none=True),
            after=after.model_dump(mode="json", exclude_none=True),
        )

    command(context, principal, run)
    return get_tenant(context, principal)


# ---------------------------------------------------------------------------- users

_MEMBERS_SIGN_IN = "members sign in through their platform's app, with a member page token"


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: Name = Field(min_length=10)
    role: Role


class UserView(BaseModel):
    username: str
    role: Role
    disabled: bool
    created_at: datetime


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    disabled: bool | None = None
    password: Name | None = Field(default=None, min_length=10)


def _user_view(row: object) -> UserView:
    return UserView.model_validate(row, from_attributes=True)


def create_user(context: Context, principal: Principal, request: NewUser) -> UserView:
    principal.require(Permission.USERS)
    if request.role == Role.INTEGRATOR:
        raise DomainError(ErrorCode.INVALID, "integrators use API keys, not users", "role")
    if request.role == Role.MEMBER:
        raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
    password_hash = auth.hash_password(request.password)

    def run(uow: UnitOfWork) -> UserView:
        c = t.users.c
        if uow.connection.execute(
            select(c.username).where(c.tenant_id == uow.tenant, c.username == request.username)
        ).first():
            raise DomainError(ErrorCode.CONFLICT, f"user {request.username!r} exists", "username")
        uow.connection.execute(
            insert(t.users).values(
                tenant_id=uow.tenant,
                username=request.username,
                password_hash=password_hash,
                role=request.role,
                disabled=False,
                created_at=uow.now,
            )
        )
        uow.audit(
            principal.actor, "user.create", f"user:{request.username}", after={"role": request.role}
        )
        return UserView(
            username=request.username, role=request.role, disabled=False, created_at=uow.now
        )

    return command(context, principal, run)


def list_users(context: Context, principal: Principal) -> list[UserView]:
    principal.require(Permission.USERS)
    c = t.users.c
    return query(
        context,
        lambda connection: [
            _user_view(row)
            for row in connection.execute(
                select(t.users).where(c.tenant_id == principal.tenant).order_by(c.username)
            )
        ],
    )


def change_user(
    context: Context, principal: Principal, username: str, change: UserChange
) -> UserView:
    principal.require(Permission.USERS)
    password_hash = auth.hash_password(change.password) if change.password else None

    def run(uow: UnitOfWork) -> UserView:
        c = t.users.c
        where = (c.tenant_id == uow.tenant) & (c.username == username)
        row = uow.connection.execute(select(t.users).where(where).with_for_update()).first()
        if row is None:
            raise not_found("user", username, "username")
        values: dict[str, object] = {}
        if change.role is not None:
            if change.role == Role.INTEGRATOR:
                raise DomainError(ErrorCode.INVALID, "integrators use API keys", "role")
            if change.role == Role.MEMBER:
                raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
            values["role"] = change.role
        if change.disabled is not None:
            values["disabled"] = change.disabled
        if password_hash:
            values["password_hash"] = password_hash
        if values:
            uow.connection.execute(update(t.users).where(where).values(**values))
        ended = 0
        if password_hash or change.disabled:  # a new password or a disabled user: signed out
            ended = security.revoke_sessions(
                uow.connection, uow.tenant, security.USER, username, uow.now
            )
        uow.audit(
            principal.actor,
            "user.change",
            f"user:{username}",
            before={"role": row.role, "disabled": row.disabled},
            after={k: v for k, v in values.items() if k != "password_hash"}
            | ({"password": "changed"} if password_hash else {})
            | ({"sessions_ended": ended} if ended else {}),
        )
        updated = uow.connection.execute(select(t.users).where(where)).one()
        return _user_view(updated)

    return command(context, principal, run)


# ---------------------------------------------------------------------------- API keys


class NewApiKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label = Field(min_length=1)
    role: Role = Role.INTEGRATOR


class ApiKeyView(BaseModel):
    key_id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None
    token: str | None = None  # only in the answer that creates the key


def create_api_key(context: Context, principal: Principal, request: NewApiKey) -> ApiKeyView:
    principal.require(Permission.USERS)
    if request.role == Role.MEMBER:
        raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
    key = auth.new_api_key(principal.tenant)

    def run(uow: UnitOfWork) -> ApiKeyView:
        uow.connection.execute(
            insert(t.api_keys).values(
                tenant_id=uow.tenant,
                key_id=key.key_id,
                secret_hash=key.secret_hash,
                name=request.name,
                role=request.role,
                created_at=uow.now,
            )
        )
        uow.audit(
            principal.actor,
            "api_key.create",
            f"key:{key.key_id}",
            after={"name": request.name, "role": request.role},
        )
        return ApiKeyView(
            key_id=key.key_id,
            name=request.name,
            role=request.role,
            created_at=uow.now,
            token=key.token,
        )

    return command(context, principal, run)


def list_api_keys(context: Context, principal: Principal) -> list[ApiKeyView]:
    principal.require(Permission.USERS)
    c = t.api_keys.c
    return query(
        context,
        lambda connection: [
            ApiKeyView.model_validate(row, from_attributes=True)
            for row in connection.execute(
                select(t.api_keys).where(c.tenant_id == principal.tenant).order_by(c.created_at)
            )
        ],
    )


def revoke_api_key(context: Context, principal: Principal, key_id: str) -> ApiKeyView:
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> ApiKeyView:
        c = t.api_keys.c
        where = (c.tenant_id == uow.tenant) & (c.key_id == key_id)
        row = uow.connection.execute(select(t.api_keys).where(where).with_for_update()).first()
        if row is None:
            raise not_found("API key", key_id, "key_id")
        if row.revoked_at is None:
            uow.connection.execute(update(t.api_keys).where(where).values(revoked_at=uow.now))
            uow.audit(principal.actor, "api_key.revoke", f"key:{key_id}")
        updated = uow.connection.execute(select(t.api_keys).where(where)).one()
        return ApiKeyView.model_validate(updated, from_attributes=True)

    return command(context, principal, run)


# ---------------------------------------------------------------------------- sign-in


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: Id
    username: Label = Field(min_length=1)
    password: Name = Field(min_length=1)


class Session(BaseModel):
    token: str
    tenant: str
    username: str
    role: Role
    expires_in_minutes: int


_BAD_LOGIN = DomainError(ErrorCode.UNAUTHORIZED, "unknown tenant, user or password")


# At most MAX_FAILURES attempts of a user that did not succeed within FAILURE_WINDOW are
# let through to the password check; the MAX_FAILURES-th wrong password locks the user
# for LOCK_TIME, even with the right password. Attempts are counted by the tenant and
# username asked for, whether or not the user exists, and BEFORE the password is checked
# (store/security.py: one committed upsert), so that attempts arriving together cannot
# all find the count empty: one still in flight holds its place. A success gives back
# its own place only: it forgets no failure and clears no lock.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_TIME = timedelta(minutes=15)


def _locked(request: Login, now: datetime, until: datetime) -> DomainError:
    return DomainError(
        ErrorCode.TOO_MANY,
        f"{MAX_FAILURES} failed sign-ins: {request.username!r} may sign in again"
        f" at {until:%H:%M:%S} UTC",
        retry_after=max(1, math.ceil((until - now).total_seconds())),
    )


def _tenant_exists(context: Context, tenant: str) -> bool:
    return (
        query(
            context,
            lambda connection: connection.execute(
                select(t.tenants.c.tenant_id).where(t.tenants.c.tenant_id == tenant)
            ).first(),
        )
        is not None
    )


def login(context: Context, request: Login) -> Session:
    now = context.clock()
    if not _tenant_exists(context, request.tenant):
        # nothing to guess and nothing counted: no row for a tenant that is not there
        auth.password_matches(_dummy_hash(), request.password)
        raise _BAD_LOGIN

    def count() -> security.Attempts:
        with context.database.write() as connection:
            return security.count_attempt(
                connection, request.tenant, request.username, now, FAILURE_WINDOW
            )

    attempts = context.database.retrying(count)  # committed before the password is checked
    if attempts.locked_until is not None and attempts.locked_until > now:
        raise _locked(request, now, attempts.locked_until)
    if attempts.tries - 1 >= MAX_FAILURES:  # locked, or about to be by attempts in flight
        raise _locked(request, now, now + LOCK_TIME)
    c = t.users.c
    row = query(
        context,
        lambda connection: connection.execute(
            select(t.users).where(c.tenant_id == request.tenant, c.username == request.username)
        ).first(),
    )
    if row is None:
        auth.password_matches(_dummy_hash(), request.password)  # the time of a real check
    if (
        row is None
        or row.disabled
        or not auth.password_matches(row.password_hash, request.password)
    ):

        def fail() -> bool:
            with context.database.write() as connection:
                return security.count_failure(
                    connection,
                    request.tenant,
                    request.username,
                    attempts.first_at,
                    MAX_FAILURES,
                    now + LOCK_TIME,
                )

        if context.database.retrying(fail):
            log.warning(
                "tenant %s: %r locked after failed sign-ins", request.tenant, request.username
            )
        raise _BAD_LOGIN
    minutes = context.settings.session_minutes
    session = auth.new_session_id()

    def open_session() -> None:
        with context.database.write() as connection:
            security.release_attempt(
                connection, request.tenant, request.username, attempts.first_at
            )
            security.open_session(
                connection,
                request.tenant,
                security.USER,
                request.username,
                session,
                now,
                now + timedelta(minutes=minutes),
            )

    context.database.retrying(open_session)
    log.info("tenant %s: %r signed in", request.tenant, request.username)
    token = auth.session_token(
        context.settings.session_secret(), request.tenant, request.username, session, now, minutes
    )
    return Session(
        token=token,
        tenant=request.tenant,
        username=request.username,
        role=Role(row.role),
        expires_in_minutes=minutes,
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash for the unknown user's check, made on first use (not at import: every
    process that imports the service, such as a console's dry run, would pay for it)."""
    return auth.hash_password("not-a-real-password-at-all")


_ENDED = DomainError(
    ErrorCode.UNAUTHORIZED, "this session has ended (signed out, or its password changed)"
)


def authenticate(context: Context, token: str) -> Principal:
    """The principal behind a bearer token (an API key or a session), or 401."""
    now = context.clock()
    parsed = auth.parse_api_key(token)
    if parsed is not None:
        tenant, key_id, secret = parsed
        c = t.api_keys.c
        row = query(
            context,
            lambda connection: connection.execute(
                select(t.api_keys).where(c.tenant_id == tenant, c.key_id == key_id)
            ).first(),
        )
        if (
            row is None
            or row.revoked_at is not None
            or not auth.digests_match(row.secret_hash, secret)
        ):
            raise DomainError(ErrorCode.UNAUTHORIZED, "unknown or revoked API key")
        return Principal(tenant, f"key:{key_id}", Role(row.role))
    claims = auth.read_session(context.settings.session_secret(), token, now)
    if claims is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "invalid or expired session; sign in again")
    c = t.users.c

    def run(connection: Connection) -> tuple[Any, bool]:
        row = connection.execute(
            select(c.role, c.disabled).where(
                c.tenant_id == claims.tenant, c.username == claims.username
            )
        ).first()
        is_open = security.session_is_open(
            connection, claims.tenant, security.USER, claims.username, claims.session, now
        )
        return row, is_open

    row, is_open = query(context, run)
    if row is None or row.disabled:
        raise DomainError(ErrorCode.UNAUTHORIZED, "this user may no longer sign in")
    if not is_open:
        raise _ENDED
    return Principal(claims.tenant, f"user:{claims.username}", Role(row.role))


def logout(context: Context, token: str) -> None:
    """End the session `token` names (an API key is revoked with DELETE /v1/api-keys)."""
    if auth.parse_api_key(token) is not None:
        raise DomainError(
            ErrorCode.CONFLICT,
            "an API key is not signed out: revoke it with DELETE /v1/api-keys/{id}",
            "Authorization",
        )
    now = context.clock()
    claims = auth.read_session(context.settings.session_secret(), token, now)
    if claims is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "invalid or expired session; sign in again")

    def run() -> None:
        with context.database.write() as connection:
            security.revoke_sessions(
                connection, claims.tenant, security.USER, claims.username, now, claims.session
            )

    context.database.retrying(run)
    log.info("tenant %s: %r signed out", claims.tenant, claims.username)


class Revoked(BaseModel):
    revoked: int  # sessions that were open


def revoke_user_sessions(context: Context, principal: Principal, username: str) -> Revoked:
    """End every open session of a user (the owner's, after a lost laptop)."""
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> Revoked:
        c = t.users.c
        if not uow.connection.execute(
            select(c.username).where(c.tenant_id == uow.tenant, c.username == username)
        ).first():
            raise not_found("user", username, "username")
        count = security.revoke_sessions(
            uow.connection, uow.tenant, security.USER, username, uow.now
        )
        uow.audit(
            principal.actor, "user.sessions.revoke", f"user:{username}", after={"revoked": count}
        )
        return Revoked(revoked=count)

    return command(context, principal, run)
