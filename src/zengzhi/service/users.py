"""Who may act for a tenant: its console users, its API keys, and their sessions' end."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.fields import USERNAME, Flag, Label, NewPassword
from zengzhi.service import auth
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import (
    Context,
    applied_once,
    command,
    found,
    not_found,
    query,
    taken,
)
from zengzhi.store import security
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.users import ApiKeyRow, ApiKeys, Users

_MEMBERS_SIGN_IN = "members sign in through their platform's app, with a member page token"

V = TypeVar("V", bound=BaseModel)


def _once(
    uow: UnitOfWork,
    form: str | None,
    kind: str,
    request: Mapping[str, Any],
    produce: Callable[[], V],
    view: type[V],
) -> tuple[V, bool]:
    """`produce`'s answer, and whether it was done now. `form`: the console form's own
    id, so that the form sent again (a reload of the answer, a double click) does it
    once: the repeat answers what the first did, and False. The request kept to compare
    a repeat with never holds a password."""
    if form is None:
        return produce(), True
    kept, now = applied_once(uow, form, kind, request, lambda: produce().model_dump(mode="json"))
    return view.model_validate(kept), now


def _acting(uow: UnitOfWork, principal: Principal) -> None:
    """The acting user read again in the command's own transaction, locked (shared:
    `Users.held`), and refused as a request is when it is disabled or no longer has
    `users`: a request
    authenticated a moment before its owner was disabled or demoted would otherwise
    still add a user or an owner key (a way back in) or change someone. An API key is
    refused (`Principal.require`: `users` is a signed-in user's only); other actors
    (the command line's operator) are who the caller says."""
    principal.require(Permission.USERS)
    kind, _, name = principal.actor.partition(":")
    if kind != "user":
        return
    user = Users(uow.connection, uow.tenant).held(name)
    if user is None or user.disabled:
        raise DomainError(ErrorCode.UNAUTHORIZED, "this user may no longer sign in")
    role = Role(user.role)
    Principal(principal.tenant, principal.actor, role).require(Permission.USERS)


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100, pattern=USERNAME)
    password: NewPassword
    role: Role


class UserView(BaseModel):
    username: str
    role: Role
    disabled: bool
    created_at: datetime


class ChangedUser(UserView):
    """A changed user, and the API keys the change revoked: a user who can no longer
    manage keys (disabled, or no longer an owner) keeps none of those they made, whose
    tokens they saw."""

    keys_revoked: list[str] = []


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
    return create_user_once(context, principal, request)[0]


def create_user_once(
    context: Context, principal: Principal, request: NewUser, form: str | None = None
) -> tuple[UserView, bool]:
    """`create_user`, and whether it was done now (False: `form` sent again)."""
    principal.require(Permission.USERS)
    if request.role == Role.INTEGRATOR:
        raise DomainError(ErrorCode.INVALID, "integrators use API keys, not users", "role")
    if request.role == Role.MEMBER:
        raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
    password_hash = auth.hash_password(request.password)

    def run(uow: UnitOfWork) -> tuple[UserView, bool]:
        def produce() -> UserView:
            _acting(uow, principal)
            kept = Users(uow.connection, uow.tenant).named(request.username)
            if kept is not None:
                raise taken("user", request.username, kept.username, "username")
            add_user(
                uow.connection, uow.tenant, request.username, password_hash, request.role, uow.now
            )
            uow.audit(
                principal.actor,
                "user.create",
                f"user:{request.username}",
                after={"role": request.role},
            )
            return UserView(
                username=request.username, role=request.role, disabled=False, created_at=uow.now
            )

        asked = {"username": request.username, "role": request.role}
        return _once(uow, form, "user.create", asked, produce, UserView)

    return command(context, principal, run)


def list_users(context: Context, principal: Principal) -> list[UserView]:
    principal.require(Permission.USERS)
    return query(
        context,
        lambda connection: [_user_view(row) for row in Users(connection, principal.tenant).all()],
    )


def change_user(
    context: Context, principal: Principal, username: str, change: UserChange
) -> ChangedUser:
    return change_user_once(context, principal, username, change)[0]


def change_user_once(
    context: Context,
    principal: Principal,
    username: str,
    change: UserChange,
    form: str | None = None,
) -> tuple[ChangedUser, bool]:
    """`change_user`, and whether it was done now (False: `form` sent again)."""
    principal.require(Permission.USERS)
    password_hash = auth.hash_password(change.password) if change.password else None

    def run(uow: UnitOfWork) -> tuple[ChangedUser, bool]:
        asked = {
            "username": username,
            "role": change.role,
            "disabled": change.disabled,
            "password": bool(password_hash),
        }
        return _once(uow, form, "user.change", asked, lambda: changed(uow), ChangedUser)

    def changed(uow: UnitOfWork) -> ChangedUser:
        users = Users(uow.connection, uow.tenant)
        demoting = change.role is not None and change.role != Role.OWNER
        counting = demoting or bool(change.disabled)
        # the user's gate first (its commands on their way are waited for, new ones wait:
        # store/security.py), then, to demote or disable, the tenant's owners are counted
        # alone: two such changes at once, each of another owner, cannot both count the
        # other as still there. Neither waits for the other owners' own commands: their
        # rows were locked for the count, and eight owners changing users at once
        # deadlocked, each holding its own row for its command (an attacker's find)
        security.close_gates(uow.connection, uow.tenant, [(security.USER, username)])
        if counting:
            security.close_gates(uow.connection, uow.tenant, [security.OWNERS_COUNTED])
        owners = users.owners() if counting else []
        _acting(uow, principal)
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
        revoked: list[str] = []
        if change.disabled or (
            change.role is not None and Permission.USERS not in auth.GRANTS[change.role]
        ):
            revoked = ApiKeys(uow.connection, uow.tenant).revoke_made_by(
                f"user:{username}", uow.now
            )
        uow.audit(
            principal.actor,
            "user.change",
            f"user:{username}",
            before={"role": row.role, "disabled": row.disabled},
            after={k: v for k, v in values.items() if k != "password_hash"}
            | ({"password": "changed"} if password_hash else {})
            | ({"sessions_ended": ended} if ended else {})
            | ({"keys_revoked": revoked} if revoked else {}),
        )
        for key_id in revoked:
            uow.audit(principal.actor, "api_key.revoke", f"key:{key_id}", after={"maker": username})
        user = _user_view(found(users.get(username), "user", username, "username"))
        return ChangedUser(**user.model_dump(), keys_revoked=revoked)

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
    created_by: str | None = None  # "user:alice", "cli:operator"; None: made before 0026
    token: str | None = None  # only in the answer that creates the key


def create_api_key(
    context: Context, principal: Principal, request: NewApiKey, form: str | None = None
) -> ApiKeyView:
    """A new key; its token is in this answer only. `form`: the console form's own id,
    which names the key, so that the form sent again (a reload of the answer, a double
    click) adds nothing: it is refused, naming `id` (the token is never kept to be
    answered again)."""
    principal.require(Permission.USERS)
    if request.role == Role.MEMBER:
        raise DomainError(ErrorCode.INVALID, _MEMBERS_SIGN_IN, "role")
    named = hashlib.sha256(f"{principal.tenant}\x00{form}".encode()).hexdigest()[:16]
    key = auth.new_api_key(principal.tenant, named if form else None)

    def run(uow: UnitOfWork) -> ApiKeyView:
        _acting(uow, principal)
        keys = ApiKeys(uow.connection, uow.tenant)
        if form and keys.get(key.key_id) is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"this form created API key {key.key_id} already; its secret was shown then, once",
                "id",
            )
        keys.add(
            ApiKeyRow(
                key.key_id,
                key.secret_hash,
                request.name,
                request.role,
                uow.now,
                None,
                principal.actor,
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
            created_by=principal.actor,
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
        _acting(uow, principal)
        keys = ApiKeys(uow.connection, uow.tenant)
        security.close_gates(uow.connection, uow.tenant, [(security.KEY, key_id)])
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
    return revoke_user_sessions_once(context, principal, username)[0]


def revoke_user_sessions_once(
    context: Context, principal: Principal, username: str, form: str | None = None
) -> tuple[Revoked, bool]:
    """`revoke_user_sessions`, and whether it was done now (False: `form` sent again)."""
    principal.require(Permission.USERS)

    def run(uow: UnitOfWork) -> tuple[Revoked, bool]:
        asked = {"username": username}
        return _once(uow, form, "user.sessions", asked, lambda: revoked(uow), Revoked)

    def revoked(uow: UnitOfWork) -> Revoked:
        _acting(uow, principal)
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
