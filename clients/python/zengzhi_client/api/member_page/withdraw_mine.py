from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.member_withdrawal_request import MemberWithdrawalRequest
from ...models.withdrawal_view import WithdrawalView
from ...types import Response


def _get_kwargs(
    *,
    body: MemberWithdrawalRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/withdrawals",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | WithdrawalView | None:
    if response.status_code == 200:
        response_200 = WithdrawalView.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = WithdrawalView.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | WithdrawalView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: MemberWithdrawalRequest,
) -> Response[Error | WithdrawalView]:
    """Ask to withdraw the member's money

     The amount is held out of the wallet at once; finance approves and pays it (201;
    200 with the first answer when the same request comes again).

    Args:
        body (MemberWithdrawalRequest): The member's own withdrawal, as an integrator's
            (`wallets.WithdrawalRequest`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WithdrawalView]
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
    body: MemberWithdrawalRequest,
) -> Error | WithdrawalView | None:
    """Ask to withdraw the member's money

     The amount is held out of the wallet at once; finance approves and pays it (201;
    200 with the first answer when the same request comes again).

    Args:
        body (MemberWithdrawalRequest): The member's own withdrawal, as an integrator's
            (`wallets.WithdrawalRequest`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WithdrawalView
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: MemberWithdrawalRequest,
) -> Response[Error | WithdrawalView]:
    """Ask to withdraw the member's money

     The amount is held out of the wallet at once; finance approves and pays it (201;
    200 with the first answer when the same request comes again).

    Args:
        body (MemberWithdrawalRequest): The member's own withdrawal, as an integrator's
            (`wallets.WithdrawalRequest`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WithdrawalView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: MemberWithdrawalRequest,
) -> Error | WithdrawalView | None:
    """Ask to withdraw the member's money

     The amount is held out of the wallet at once; finance approves and pays it (201;
    200 with the first answer when the same request comes again).

    Args:
        body (MemberWithdrawalRequest): The member's own withdrawal, as an integrator's
            (`wallets.WithdrawalRequest`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WithdrawalView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
