from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conversion import Conversion
from ...models.converted import Converted
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: Conversion,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/contribution/conversions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[Converted] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Converted.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[Converted]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: Conversion,
) -> Response[Error | list[Converted]]:
    """Convert contribution balances into cash, shares or points

     Convert contribution balances (贡献分) into cash, shares or points at a stated
    rate, with a reason (audited); `members` empty: every holder. A repeat of the same
    id applies once and answers what it did.

    Args:
        body (Conversion): The operator converts contribution balances (贡献分) at a stated rate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Converted]]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: Conversion,
) -> Error | list[Converted] | None:
    """Convert contribution balances into cash, shares or points

     Convert contribution balances (贡献分) into cash, shares or points at a stated
    rate, with a reason (audited); `members` empty: every holder. A repeat of the same
    id applies once and answers what it did.

    Args:
        body (Conversion): The operator converts contribution balances (贡献分) at a stated rate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Converted]
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: Conversion,
) -> Response[Error | list[Converted]]:
    """Convert contribution balances into cash, shares or points

     Convert contribution balances (贡献分) into cash, shares or points at a stated
    rate, with a reason (audited); `members` empty: every holder. A repeat of the same
    id applies once and answers what it did.

    Args:
        body (Conversion): The operator converts contribution balances (贡献分) at a stated rate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Converted]]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: Conversion,
) -> Error | list[Converted] | None:
    """Convert contribution balances into cash, shares or points

     Convert contribution balances (贡献分) into cash, shares or points at a stated
    rate, with a reason (audited); `members` empty: every holder. A repeat of the same
    id applies once and answers what it did.

    Args:
        body (Conversion): The operator converts contribution balances (贡献分) at a stated rate.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Converted]
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
