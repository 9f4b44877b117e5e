"""Users and API keys (用户与权限): the tenant's console users with their roles, adding
one, changing a role, disabling and enabling, signing a user out everywhere; the API
keys, creating one (its secret on the answer page only, this once) and revoking one.

The same use cases as the API's `/v1/users` and `/v1/api-keys`, with the signed-in
user's principal: only a role with the `users` permission (the owner) sees the section
or may send its forms, checked here before anything and again by the service. Each form
carries its own id: sent again (a reload of the answer, a double click) it does nothing
more.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import STATUS, ContextDep, KeyId, Username
from zengzhi.service import users
from zengzhi.service.auth import Permission, Role
from zengzhi.service.users import NewApiKey, NewUser, UserChange
from zengzhi.web.console import page
from zengzhi.web.console.session import KeptDep, PostedDep, Staff, StaffDep, needs_form
from zengzhi.web.pages import Form, PageRoute, build, resent, see_other_with_notice

PATH = "/console/users"

router = APIRouter(prefix=PATH, route_class=PageRoute, include_in_schema=False)

# the roles a console user may have (an integrator is an API key; a member never signs
# in here), and those a key may have, the shop's first
USER_ROLES = tuple(role.value for role in Role if role not in (Role.INTEGRATOR, Role.MEMBER))
KEY_ROLES = (Role.INTEGRATOR.value, *USER_ROLES)


def _allowed(user: Staff) -> None:
    """The section is the `users` permission's, as the API's routes are: refused (the
    console's 403 page) before a form is read or a list shown."""
    user.principal.require(Permission.USERS)


def _page(
    request: Request, context: ContextDep, user: StaffDep, status: int = 200, **data: Any
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/users.html",
        status=status,
        users=users.list_users(context, user.principal),
        keys=users.list_api_keys(context, user.principal),
        user_roles=USER_ROLES,
        key_roles=KEY_ROLES,
        # a fresh id for each form: the same form sent twice applies once, and another
        # form of the page is never taken for it
        new_id=lambda: f"console-{secrets.token_hex(8)}",
        **data,
    )


def _refused(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    refused: DomainError,
    target: str,
    values: dict[str, str] | None = None,
    once: bool = True,
) -> HTMLResponse:
    """The page again, the refusal shown at the form it answers (`target`), the form's
    fields as typed but a password. `once`: the form's id is a request's (a repeat with
    other values is said as such)."""
    error = resent(refused) if once else refused
    values = {k: v for k, v in (values or {}).items() if "password" not in k}
    return _page(
        request, context, user, STATUS[error.code], error=error, target=target, values=values
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    _allowed(user)
    return _page(request, context, user)


@router.post("", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)])
def add_user(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    _allowed(user)
    values = form.values()
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        body = build(
            NewUser,
            {
                "username": form.get("username"),
                "role": form.get("role"),
                "password": values.get("password", ""),
            },
        )
        added, now = users.create_user_once(context, user.principal, body, _form_id(form))
    except DomainError as refused:
        return _refused(request, context, user, refused, "add", values)
    key = "users.added" if now else "users.already_done"
    return see_other_with_notice(request, PATH, key, name=added.username)


def _form_id(form: Form) -> str | None:
    return form.get("id") or None


def _change(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: Form,
    username: str,
    change: Callable[[], UserChange],
    done: str,
) -> Response:
    _allowed(user)
    try:
        changed, now = users.change_user_once(
            context, user.principal, username, change(), _form_id(form)
        )
    except DomainError as refused:
        return _refused(request, context, user, refused, f"user:{username}")
    if not now:
        return see_other_with_notice(request, PATH, "users.already_done", name=username)
    if changed.keys_revoked:  # "users.disabled_keys", "users.role_changed_keys"
        count = str(len(changed.keys_revoked))
        return see_other_with_notice(request, PATH, f"{done}_keys", name=username, count=count)
    return see_other_with_notice(request, PATH, done, name=username)


@router.post(
    "/{username}/role", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)]
)
def change_role(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, username: Username
) -> Response:
    return _change(
        request,
        context,
        user,
        form,
        username,
        lambda: build(UserChange, {"role": form.get("role")}),
        "users.role_changed",
    )


@router.post(
    "/{username}/disable", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)]
)
def disable(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, username: Username
) -> Response:
    """Disabled: cannot sign in, and every open session of the user ends."""
    return _change(
        request, context, user, form, username, lambda: UserChange(disabled=True), "users.disabled"
    )


@router.post(
    "/{username}/enable", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)]
)
def enable(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, username: Username
) -> Response:
    return _change(
        request, context, user, form, username, lambda: UserChange(disabled=False), "users.enabled"
    )


@router.post(
    "/{username}/sign-out", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)]
)
def sign_out_everywhere(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, username: Username
) -> Response:
    """End every open session of the user (a lost laptop); they may sign in again."""
    _allowed(user)
    try:
        ended, now = users.revoke_user_sessions_once(
            context, user.principal, username, _form_id(form)
        )
    except DomainError as refused:
        return _refused(request, context, user, refused, f"user:{username}")
    if not now:
        return see_other_with_notice(request, PATH, "users.already_done", name=username)
    return see_other_with_notice(
        request, PATH, "users.signed_out", name=username, n=str(ended.revoked)
    )


@router.post("/keys", response_class=HTMLResponse, dependencies=[needs_form(Permission.USERS)])
def create_key(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    """A new key: the answer is the page itself with the key's token, this once (never
    in an address or a cookie; every console answer is `Cache-Control: no-store`). The
    form sent again (a reload) is refused and adds no second key."""
    _allowed(user)
    values = form.values()
    try:
        form.check()
        body = build(NewApiKey, {"name": form.get("name"), "role": form.get("role")})
        created = users.create_api_key(context, user.principal, body, _form_id(form))
    except DomainError as refused:
        return _refused(request, context, user, refused, "key", values, once=False)
    return _page(request, context, user, created_key=created)


@router.post(
    "/keys/{key_id}/revoke",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.USERS)],
)
def revoke_key(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, key_id: KeyId
) -> Response:
    """Revoked at once; revoking a revoked key again changes nothing (and is not logged
    again): the form needs no id of its own."""
    _allowed(user)
    try:
        users.revoke_api_key(context, user.principal, key_id)
    except DomainError as refused:
        return _refused(request, context, user, refused, f"key:{key_id}", once=False)
    return see_other_with_notice(request, PATH, "users.key_revoked", id=key_id)
