"""Signing in to the console and out of it; who the signed-in person is on each page.

The session is the API's own session token (`POST /v1/auth/login`), kept in an HttpOnly
cookie for the console's paths; each page reads it back through the API's
`authenticate`, so a disabled user or an expired session is out at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep, in_thread, needs
from zengzhi.i18n import format as fmt
from zengzhi.service import sessions
from zengzhi.service.auth import GRANTS, Permission, Principal
from zengzhi.service.base import Context, query, tenant_zone
from zengzhi.service.sessions import Login
from zengzhi.store.tenants import tenant_spelled
from zengzhi.web.pages import (
    CONSOLE_COOKIE,
    Form,
    PageRoute,
    SignInRequired,
    build,
    check_csrf,
    csrf_token,
    delete_session_cookie,
    local_path,
    read_form,
    read_kept_form,
    render,
    same_origin,
    see_other,
    set_session_cookie,
)

COOKIE = CONSOLE_COOKIE
PATH = "/console"

router = APIRouter(prefix=PATH, route_class=PageRoute, include_in_schema=False)

FormDep = Annotated[Form, Depends(read_form)]


@dataclass(frozen=True)
class Staff:
    """The signed-in console user, and what their role lets the pages offer."""

    principal: Principal
    csrf: str

    @property
    def tenant(self) -> str:
        return self.principal.tenant

    @property
    def name(self) -> str:
        return self.principal.actor.removeprefix("user:")

    @property
    def role(self) -> str:
        return self.principal.role.value

    def can(self, permission: str) -> bool:
        return Permission(permission) in GRANTS[self.principal.role]


async def staff(request: Request, context: ContextDep) -> Staff:
    token = request.cookies.get(COOKIE)
    if not token or token.startswith("zz1."):  # sessions only, never an API key here
        raise SignInRequired("console")
    try:
        principal = await in_thread(sessions.authenticate, context, token)
    except DomainError as error:
        if error.code == ErrorCode.UNAUTHORIZED:
            raise SignInRequired("console") from None
        raise
    return Staff(principal, csrf_token(context, token))


StaffDep = Annotated[Staff, Depends(staff)]


async def _signed_in(user: StaffDep) -> Principal:
    return user.principal


def needs_form(*permissions: Permission, why: str | None = None) -> Any:
    """A console form's permissions (`deps.needs`): a role without one is shown the
    refusal (403) before its form is read. A viewer's crafted form with a bad value was
    shown the field's error, as if it would be carried out once corrected."""
    return needs(*permissions, why=why, of=_signed_in)


async def posted(request: Request, context: ContextDep, user: StaffDep, form: FormDep) -> Form:
    """A form a signed-in user sent from a console page (its CSRF token checked)."""
    check_csrf(context, form, request.cookies.get(COOKIE, ""))
    return form


PostedDep = Annotated[Form, Depends(posted)]


async def posted_kept(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: Annotated[Form, Depends(read_kept_form)],
) -> Form:
    """`posted`, for a form shown again with its refusals: a control character is its
    handler's to refuse (`Form.check`), at the field, with what was typed kept."""
    check_csrf(context, form, request.cookies.get(COOKIE, ""))
    return form


KeptDep = Annotated[Form, Depends(posted_kept)]


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, unsent: bool = False) -> Response:
    """`unsent`: a form was sent after the session ended, and was not acted on."""
    return render(
        request, "console/login.html", next=local_path(next, PATH), values={}, unsent=unsent
    )


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, context: ContextDep, form: FormDep) -> Response:
    values = form.values()
    target = local_path(values.get("next"), PATH)
    try:
        same_origin(request)
        body = build(
            Login,
            {
                "tenant": form.get("tenant"),
                "username": form.get("username"),
                "password": values.get("password", ""),
            },
        )
        session = sessions.login(context, body)
    except DomainError as refused:
        error = _locked_in_tenant_time(context, form.get("tenant"), refused)
        values.pop("password", None)
        return render(
            request,
            "console/login.html",
            status=STATUS[error.code],
            next=target,
            values=values,
            error=error,
        )
    response = see_other(target)
    set_session_cookie(
        response, request, COOKIE, session.token, PATH, session.expires_in_minutes * 60
    )
    return response


def _locked_in_tenant_time(context: Context, tenant: str, error: DomainError) -> DomainError:
    """A locked user is told when to try again as every console time is written: in the
    tenant's zone with its offset, to the minute it ends (rounded up), not in UTC (the
    API's message, for integrators' logs, keeps UTC)."""
    if error.code != ErrorCode.TOO_MANY or not error.retry_after or not tenant:
        return error
    until = context.clock() + timedelta(seconds=error.retry_after)
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    kept = query(context, lambda connection: tenant_spelled(connection, tenant))
    if kept is None:
        return error
    zone = tenant_zone(context, kept)
    return DomainError(
        ErrorCode.TOO_MANY,
        f"too many failed sign-ins: this user may sign in again after {fmt.moment(until, zone)}",
        retry_after=error.retry_after,
    )


@router.post("/logout")
def logout(request: Request, context: ContextDep, form: PostedDep) -> Response:
    """Sign out: the session ends in the database, not only in this browser."""
    sessions.logout(context, request.cookies.get(COOKIE, ""))
    response = see_other(f"{PATH}/login")
    delete_session_cookie(response, request, COOKIE, PATH)
    return response
