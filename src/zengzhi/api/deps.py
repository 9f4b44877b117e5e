"""Typed dependencies the routes ask for: the context, the caller, paging."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Principal
from zengzhi.service.base import Context
from zengzhi.service.tenants import authenticate


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


ContextDep = Annotated[Context, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False, description="an API key (zz1.…) or a session token")


def get_principal(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "send an API key or a session token")
    return authenticate(context, credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(
    context: ContextDep, x_admin_token: Annotated[str | None, Header()] = None
) -> None:
    expected = context.settings.admin_token
    if expected is None:
        raise DomainError(
            ErrorCode.FORBIDDEN, "tenants are created with `zengzhi tenant create` here"
        )
    if x_admin_token is None or not hmac.compare_digest(
        x_admin_token.encode(), expected.get_secret_value().encode()
    ):
        raise DomainError(ErrorCode.UNAUTHORIZED, "a valid X-Admin-Token is required")


Limit = Annotated[int, Query(ge=1, le=500, description="how many to return")]
After = Annotated[str | None, Query(max_length=128, description="continue after this id")]
Before = Annotated[int | None, Query(ge=1, description="continue before this number")]
