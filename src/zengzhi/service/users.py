"""Who may act for a tenant: its console users, its API keys, and their sessions' end."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.fields import Flag, Label, NewPassword
from zengzhi.service import auth
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, command, found, not_found, query
from zengzhi.store import security
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.users import ApiKeyRow, ApiKeys, Users

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
    disabled: Flag | None = None
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
    Users(connection, tenant).add(username, password_hash, role, now)


def create_user(context: Context, principal: Principal, request: NewUser) -> UserView:
    principal.require(Permission.USERS)
    if request.role == Role.INTEGRATOR:
        raise DomainError(ErrorCode.INVALID, "integrators use API keys, not users", "role")
    if request.role == Role.MEMBER:
        raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
    password_hash = auth.hash_password(request.password)

    def run(uow: UnitOfWork) -> UserView:
        if Users(uow.connection, uow.tenant).exists(request.username):
            raise DomainError(ErrorCode.CONFLICT, f"user {request.username!r} exists", "username")
        add_user(uow.connection, uow.tenant, request.username, password_hash, request.role, uow.now)
        uow.audit(
            principal.actor, "user.create", f"user:{request.username}", after={"role": request.role}
        )
        return UserView(
            username=request.username, role=request.role, disabled=False, created_at=uow.now
        )

    return command(context, principal, run)


def list_users(context: Context, principal: Principal) -> list[UserView]:
    principal.require(Permission.USERS)
    return query(
        context,
        lambda connection: [_user_view(row) for row in Users(connection, principal.tenant).all()],
    )


def change_user(
    context: Context, principal: Principal, username: str, change: UserChange
) -> UserView:
    principal.require(Permission.USERS)
    password_hash = auth.hash_password(change.password) if change.password else None

    def run(uow: UnitOfWork) -> UserView:
        users = Users(uow.connection, uow.tenant)
        demoting = change.role is not None and change.role != Role.OWNER
        # the owners are locked first, in name order, then the user: two owners demoting
        # each other at once take their locks in one order, and the second sees the first
        owners = users.owners(lock=True) if demoting or change.disabled else []
        row = found(users.get(username, lock=True), "user", username, "username")
        if owners == [username]:
            raise DomainError(
                ErrorCode.CONFLICT,
                "the tenant's last owner cannot be demoted or disabled:"
                " make another user owner first",
                "role" if demoting else "disabled",
            )
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
            users.change(username, **values)
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
        return _user_view(found(users.get(username), "user", username, "username"))

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
        ApiKeys(uow.connection, uow.tenant).add(
            ApiKeyRow(key.key_id, key.secret_hash, request.name, request.role, uow.now, None)
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
    return query(
        context,
        lambda connection: [
            ApiKeyView.model_validate(row, from_attributes=True)
            for row in ApiKeys(connection, principal.tenant).all()
        ],
    )


def revoke_api_key(context: Context, principal: Principal, key_id: str) -> ApiKeyView:
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> ApiKeyView:
        keys = ApiKeys(uow.connection, uow.tenant)
        row = found(keys.get(key_id, lock=True), "API key", key_id, "key_id")
        if row.revoked_at is None:
            keys.change(key_id, revoked_at=uow.now)
            uow.audit(principal.actor, "api_key.revoke", f"key:{key_id}")
        updated = found(keys.get(key_id), "API key", key_id, "key_id")
        return ApiKeyView.model_validate(updated, from_attributes=True)

    return command(context, principal, run)


class Revoked(BaseModel):
    revoked: int  # sessions that were open


def revoke_user_sessions(context: Context, principal: Principal, username: str) -> Revoked:
    """End every open session of a user (the owner's, after a lost laptop)."""
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> Revoked:
        if not Users(uow.connection, uow.tenant).exists(username):
            raise not_found("user", username, "username")
        count = security.revoke_sessions(
            uow.connection, uow.tenant, security.USER, username, uow.now
        )
        uow.audit(
            principal.actor, "user.sessions.revoke", f"user:{username}", after={"revoked": count}
        )
        return Revoked(revoked=count)

    return command(context, principal, run)
