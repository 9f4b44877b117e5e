"""Tenants, settings, users, API keys, sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from zengzhi.api.deps import ContextDep, KeyId, PrincipalDep, Username, require_admin
from zengzhi.api.routing import StrictJSONRoute
from zengzhi.service import tenants
from zengzhi.service.tenants import (
    ApiKeyView,
    Login,
    NewApiKey,
    NewTenant,
    NewUser,
    Session,
    TenantSettings,
    TenantView,
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
    return tenants.login(context, body)


@router.get("/tenant", response_model=TenantView)
def get_tenant(context: ContextDep, principal: PrincipalDep) -> TenantView:
    return tenants.get_tenant(context, principal)


@router.put("/tenant/settings", response_model=TenantView)
def put_settings(context: ContextDep, principal: PrincipalDep, body: TenantSettings) -> TenantView:
    return tenants.update_settings(context, principal, body)


@router.post("/users", status_code=201, response_model=UserView, tags=["users"])
def create_user(context: ContextDep, principal: PrincipalDep, body: NewUser) -> UserView:
    return tenants.create_user(context, principal, body)


@router.get("/users", response_model=list[UserView], tags=["users"])
def list_users(context: ContextDep, principal: PrincipalDep) -> list[UserView]:
    return tenants.list_users(context, principal)


@router.patch("/users/{username}", response_model=UserView, tags=["users"])
def change_user(
    context: ContextDep, principal: PrincipalDep, username: Username, body: UserChange
) -> UserView:
    return tenants.change_user(context, principal, username, body)


@router.post("/api-keys", status_code=201, response_model=ApiKeyView, tags=["users"])
def create_api_key(context: ContextDep, principal: PrincipalDep, body: NewApiKey) -> ApiKeyView:
    """A new key; its token is in this answer only."""
    return tenants.create_api_key(context, principal, body)


@router.get("/api-keys", response_model=list[ApiKeyView], tags=["users"])
def list_api_keys(context: ContextDep, principal: PrincipalDep) -> list[ApiKeyView]:
    return tenants.list_api_keys(context, principal)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyView, tags=["users"])
def revoke_api_key(context: ContextDep, principal: PrincipalDep, key_id: KeyId) -> ApiKeyView:
    return tenants.revoke_api_key(context, principal, key_id)
