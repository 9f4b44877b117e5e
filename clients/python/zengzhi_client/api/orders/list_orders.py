from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_orders_status import ListOrdersStatus
from ...models.order_view import OrderView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    member: None | str | Unset = UNSET,
    status: ListOrdersStatus | Unset = UNSET,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_member: None | str | Unset
    if isinstance(member, Unset):
        json_member = UNSET
    else:
        json_member = member
    params["member"] = json_member

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["limit"] = limit

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[OrderView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = OrderView.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[OrderView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    member: None | str | Unset = UNSET,
    status: ListOrdersStatus | Unset = UNSET,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Response[Error | list[OrderView]]:
    """List orders

    Args:
        member (None | str | Unset):
        status (ListOrdersStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[OrderView]]
    """

    kwargs = _get_kwargs(
        member=member,
        status=status,
        limit=limit,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    member: None | str | Unset = UNSET,
    status: ListOrdersStatus | Unset = UNSET,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Error | list[OrderView] | None:
    """List orders

    Args:
        member (None | str | Unset):
        status (ListOrdersStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[OrderView]
    """

    return sync_detailed(
        client=client,
        member=member,
        status=status,
        limit=limit,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    member: None | str | Unset = UNSET,
    status: ListOrdersStatus | Unset = UNSET,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Response[Error | list[OrderView]]:
    """List orders

    Args:
        member (None | str | Unset):
        status (ListOrdersStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[OrderView]]
    """

    kwargs = _get_kwargs(
        member=member,
        status=status,
        limit=limit,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    member: None | str | Unset = UNSET,
    status: ListOrdersStatus | Unset = UNSET,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Error | list[OrderView] | None:
    """List orders

    Args:
        member (None | str | Unset):
        status (ListOrdersStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[OrderView]
    """

    return (
        await asyncio_detailed(
            client=client,
            member=member,
            status=status,
            limit=limit,
            after=after,
        )
    ).parsed
