"""Who may act for a tenant: its console users, its API keys, and their sessions' end."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Connection, Select, Table, insert, select, update

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.fields import Label, NewPassword
from zengzhi.service import auth
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, command, not_found, rows_as
from zengzhi.store import security
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.uow import UnitOfWork

V = TypeVar("V")

_MEMBERS_SIGN_IN = "members sign in through their platform's app, with a member page token"


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: NewPassword
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
    password: NewPassword | None = None


def _user_view(row: object) -> UserView:
    return UserView.model_validate(row, from_attributes=True)


def add_user(
    connection: Connection,
    tenant: str,
    username: str,
    password_hash: str,
    role: Role,
    now: datetime,
) -> None:
    """A console user who may sign in (a new tenant's owner, or one the owner adds)."""
    connection.execute(
        insert(t.users).values(
            tenant_id=tenant,
            username=username,
            password_hash=password_hash,
            role=role,
            disabled=False,
            created_at=now,
        )
    )


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
            select(c.username).where(of_tenant(c, uow.tenant), c.username == request.username)
        ).first():
            raise DomainError(ErrorCode.CONFLICT, f"user {request.username!r} exists", "username")
        add_user(uow.connection, uow.tenant, request.username, password_hash, request.role, uow.now)
        uow.audit(
            principal.actor, "user.create", f"user:{request.username}", after={"role": request.role}
        )
        return UserView(
            username=request.username, role=request.role, disabled=False, created_at=uow.now
        )

    return command(context, principal, run)


def _listed(table: Table, principal: Principal, order: ColumnElement[Any]) -> Select[Any]:
    """The tenant's rows of a table (its users, its API keys) in `order`."""
    principal.require(Permission.USERS)
    return select(table).where(of_tenant(table, principal.tenant)).order_by(order)


def list_users(context: Context, principal: Principal) -> list[UserView]:
    return rows_as(context, _listed(t.users, principal, t.users.c.username), _user_view)


def change_user(
    context: Context, principal: Principal, username: str, change: UserChange
) -> UserView:
    principal.require(Permission.USERS)
    password_hash = auth.hash_password(change.password) if change.password else None

    def run(uow: UnitOfWork) -> UserView:
        c = t.users.c
        where = (of_tenant(c, uow.tenant)) & (c.username == username)
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
    return rows_as(
        context,
        _listed(t.api_keys, principal, t.api_keys.c.created_at),
        lambda row: ApiKeyView.model_validate(row, from_attributes=True),
    )


def revoke_api_key(context: Context, principal: Principal, key_id: str) -> ApiKeyView:
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> ApiKeyView:
        c = t.api_keys.c
        where = (of_tenant(c, uow.tenant)) & (c.key_id == key_id)
        row = uow.connection.execute(select(t.api_keys).where(where).with_for_update()).first()
        if row is None:
            raise not_found("API key", key_id, "key_id")
        if row.revoked_at is None:
            uow.connection.execute(update(t.api_keys).where(where).values(revoked_at=uow.now))
            uow.audit(principal.actor, "api_key.revoke", f"key:{key_id}")
        updated = uow.connection.execute(select(t.api_keys).where(where)).one()
        return ApiKeyView.model_validate(updated, from_attributes=True)

    return command(context, principal, run)


class Revoked(BaseModel):
    revoked: int  # sessions that were open


def revoke_user_sessions(context: Context, principal: Principal, username: str) -> Revoked:
    """End every open session of a user (the owner's, after a lost laptop)."""
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> Revoked:
        c = t.users.c
        if not uow.connection.execute(
            select(c.username).where(of_tenant(c, uow.tenant), c.username == username)
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
