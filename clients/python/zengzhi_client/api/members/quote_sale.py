from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.sale_quote_request import SaleQuoteRequest
from ...models.sale_view import SaleView
from ...types import Response


def _get_kwargs(
    member_id: str,
    *,
    body: SaleQuoteRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/members/{member_id}/sell/quote".format(
            member_id=quote(str(member_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | SaleView | None:
    if response.status_code == 200:
        response_200 = SaleView.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | SaleView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: SaleQuoteRequest,
) -> Response[Error | SaleView]:
    """What selling points would pay

     What selling would pay now; nothing is sold. Its `payout`, sent as the sale's
    `min_payout`, refuses the sale if the price or the sell fee changed meanwhile.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        body (SaleQuoteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SaleView]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: SaleQuoteRequest,
) -> Error | SaleView | None:
    """What selling points would pay

     What selling would pay now; nothing is sold. Its `payout`, sent as the sale's
    `min_payout`, refuses the sale if the price or the sell fee changed meanwhile.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        body (SaleQuoteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SaleView
    """

    return sync_detailed(
        member_id=member_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: SaleQuoteRequest,
) -> Response[Error | SaleView]:
    """What selling points would pay

     What selling would pay now; nothing is sold. Its `payout`, sent as the sale's
    `min_payout`, refuses the sale if the price or the sell fee changed meanwhile.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        body (SaleQuoteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SaleView]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: SaleQuoteRequest,
) -> Error | SaleView | None:
    """What selling points would pay

     What selling would pay now; nothing is sold. Its `payout`, sent as the sale's
    `min_payout`, refuses the sale if the price or the sell fee changed meanwhile.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        body (SaleQuoteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SaleView
    """

    return (
        await asyncio_detailed(
            member_id=member_id,
            client=client,
            body=body,
        )
    ).parsed
