"""Tenants, settings, users, API keys, sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import (
    BearerDep,
    ContextDep,
    KeyId,
    PrincipalDep,
    Username,
    needs,
    require_admin,
)
from zengzhi.service import sessions, tenants, users
from zengzhi.service.auth import Permission
from zengzhi.service.sessions import Login, Session
from zengzhi.service.tenants import NewTenant, TenantSettings, TenantView
from zengzhi.service.users import (
    ApiKeyView,
    ChangedUser,
    NewApiKey,
    NewUser,
    Revoked,
    UserChange,
    UserView,
)

router = APIRouter(prefix="/v1", tags=["tenants"], route_class=StrictJSONRoute)


@router.post(
    "/tenants", status_code=201, response_model=TenantView, dependencies=[Depends(require_admin)]
)
def create_tenant(context: ContextDep, body: NewTenant) -> TenantView:
    """A new tenant and its owner (the platform administrator's X-Admin-Token)."""
    return tenants.create_tenant(context, body)


@router.post("/auth/login", response_model=Session, tags=["auth"])
def login(context: ContextDep, body: Login) -> Session:
    """Sign a console user in; the token goes in `Authorization: Bearer …`."""
    return sessions.login(context, body)


@router.post("/auth/logout", status_code=204, tags=["auth"])
def logout(context: ContextDep, credentials: BearerDep) -> Response:
    """End this session at once (the token is refused from now on)."""
    if credentials is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "send the session token to end")
    sessions.logout(context, credentials.credentials)
    return Response(status_code=204)


@router.get("/tenant", response_model=TenantView)
def get_tenant(context: ContextDep, principal: PrincipalDep) -> TenantView:
    return tenants.get_tenant(context, principal)


@router.put(
    "/tenant/settings", response_model=TenantView, dependencies=[needs(Permission.CONFIGURE)]
)
def put_settings(context: ContextDep, principal: PrincipalDep, body: TenantSettings) -> TenantView:
    return tenants.update_settings(context, principal, body)


@router.post(
    "/users",
    status_code=201,
    response_model=UserView,
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def create_user(context: ContextDep, principal: PrincipalDep, body: NewUser) -> UserView:
    return users.create_user(context, principal, body)


@router.get(
    "/users", response_model=list[UserView], tags=["users"], dependencies=[needs(Permission.USERS)]
)
def list_users(context: ContextDep, principal: PrincipalDep) -> list[UserView]:
    return users.list_users(context, principal)


@router.patch(
    "/users/{username}",
    response_model=ChangedUser,
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def change_user(
    context: ContextDep, principal: PrincipalDep, username: Username, body: UserChange
) -> ChangedUser:
    return users.change_user(context, principal, username, body)


@router.delete(
    "/users/{username}/sessions",
    response_model=Revoked,
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def revoke_sessions(context: ContextDep, principal: PrincipalDep, username: Username) -> Revoked:
    """End every open session of the user (a password change or disabling does too)."""
    return users.revoke_user_sessions(context, principal, username)


@router.post(
    "/api-keys",
    status_code=201,
    response_model=ApiKeyView,
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def create_api_key(context: ContextDep, principal: PrincipalDep, body: NewApiKey) -> ApiKeyView:
    """A new key; its token is in this answer only."""
    return users.create_api_key(context, principal, body)


@router.get(
    "/api-keys",
    response_model=list[ApiKeyView],
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def list_api_keys(context: ContextDep, principal: PrincipalDep) -> list[ApiKeyView]:
    return users.list_api_keys(context, principal)


@router.delete(
    "/api-keys/{key_id}",
    response_model=ApiKeyView,
    tags=["users"],
    dependencies=[needs(Permission.USERS)],
)
def revoke_api_key(context: ContextDep, principal: PrincipalDep, key_id: KeyId) -> ApiKeyView:
    return users.revoke_api_key(context, principal, key_id)
