from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.new_tenant import NewTenant
from ...models.tenant_view import TenantView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NewTenant,
    x_admin_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_admin_token, Unset):
        headers["x-admin-token"] = x_admin_token

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tenants",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | TenantView | None:
    if response.status_code == 201:
        response_201 = TenantView.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | TenantView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewTenant,
    x_admin_token: None | str | Unset = UNSET,
) -> Response[Error | TenantView]:
    """Create a tenant and its owner (admin token)

     A new tenant and its owner (the platform administrator's X-Admin-Token).

    Args:
        x_admin_token (None | str | Unset):
        body (NewTenant):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TenantView]
    """

    kwargs = _get_kwargs(
        body=body,
        x_admin_token=x_admin_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: NewTenant,
    x_admin_token: None | str | Unset = UNSET,
) -> Error | TenantView | None:
    """Create a tenant and its owner (admin token)

     A new tenant and its owner (the platform administrator's X-Admin-Token).

    Args:
        x_admin_token (None | str | Unset):
        body (NewTenant):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TenantView
    """

    return sync_detailed(
        client=client,
        body=body,
        x_admin_token=x_admin_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewTenant,
    x_admin_token: None | str | Unset = UNSET,
) -> Response[Error | TenantView]:
    """Create a tenant and its owner (admin token)

     A new tenant and its owner (the platform administrator's X-Admin-Token).

    Args:
        x_admin_token (None | str | Unset):
        body (NewTenant):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TenantView]
    """

    kwargs = _get_kwargs(
        body=body,
        x_admin_token=x_admin_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NewTenant,
    x_admin_token: None | str | Unset = UNSET,
) -> Error | TenantView | None:
    """Create a tenant and its owner (admin token)

     A new tenant and its owner (the platform administrator's X-Admin-Token).

    Args:
        x_admin_token (None | str | Unset):
        body (NewTenant):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TenantView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_admin_token=x_admin_token,
        )
    ).parsed
