from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.payout_view import PayoutView
from ...types import Response


def _get_kwargs(
    withdrawal_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/withdrawals/{withdrawal_id}/payout/cancel".format(
            withdrawal_id=quote(str(withdrawal_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PayoutView | None:
    if response.status_code == 200:
        response_200 = PayoutView.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PayoutView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | PayoutView]:
    """Withdraw a WeChat Pay transfer its payee has not confirmed

     Withdraw a WeChat Pay transfer its payee has not confirmed yet (撤销转账), then
    query it: CANCELLED puts the withdrawal back to `approved` (send again, or reject
    to return its amount to the wallet); CANCELING leaves it `paying` until the
    reconciliation settles it. Refused (409) if the payee confirmed first, for an Alipay
    transfer, or for a withdrawal not `paying`.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PayoutView]
    """

    kwargs = _get_kwargs(
        withdrawal_id=withdrawal_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | PayoutView | None:
    """Withdraw a WeChat Pay transfer its payee has not confirmed

     Withdraw a WeChat Pay transfer its payee has not confirmed yet (撤销转账), then
    query it: CANCELLED puts the withdrawal back to `approved` (send again, or reject
    to return its amount to the wallet); CANCELING leaves it `paying` until the
    reconciliation settles it. Refused (409) if the payee confirmed first, for an Alipay
    transfer, or for a withdrawal not `paying`.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PayoutView
    """

    return sync_detailed(
        withdrawal_id=withdrawal_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | PayoutView]:
    """Withdraw a WeChat Pay transfer its payee has not confirmed

     Withdraw a WeChat Pay transfer its payee has not confirmed yet (撤销转账), then
    query it: CANCELLED puts the withdrawal back to `approved` (send again, or reject
    to return its amount to the wallet); CANCELING leaves it `paying` until the
    reconciliation settles it. Refused (409) if the payee confirmed first, for an Alipay
    transfer, or for a withdrawal not `paying`.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PayoutView]
    """

    kwargs = _get_kwargs(
        withdrawal_id=withdrawal_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | PayoutView | None:
    """Withdraw a WeChat Pay transfer its payee has not confirmed

     Withdraw a WeChat Pay transfer its payee has not confirmed yet (撤销转账), then
    query it: CANCELLED puts the withdrawal back to `approved` (send again, or reject
    to return its amount to the wallet); CANCELING leaves it `paying` until the
    reconciliation settles it. Refused (409) if the payee confirmed first, for an Alipay
    transfer, or for a withdrawal not `paying`.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PayoutView
    """

    return (
        await asyncio_detailed(
            withdrawal_id=withdrawal_id,
            client=client,
        )
    ).parsed
