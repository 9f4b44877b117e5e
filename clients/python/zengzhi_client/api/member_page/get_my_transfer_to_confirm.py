from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.transfer_to_confirm import TransferToConfirm
from ...types import Response


def _get_kwargs(
    withdrawal_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/me/withdrawals/{withdrawal_id}/confirmation".format(
            withdrawal_id=quote(str(withdrawal_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TransferToConfirm | None:
    if response.status_code == 200:
        response_200 = TransferToConfirm.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | TransferToConfirm]:
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
) -> Response[Error | TransferToConfirm]:
    """What confirms receiving a WeChat Pay transfer

     A WeChat Pay transfer of the member's withdrawal waits for them to confirm
    receiving it: what their WeChat confirms it with (`requestMerchantTransfer`). 404
    while none waits for them.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TransferToConfirm]
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
) -> Error | TransferToConfirm | None:
    """What confirms receiving a WeChat Pay transfer

     A WeChat Pay transfer of the member's withdrawal waits for them to confirm
    receiving it: what their WeChat confirms it with (`requestMerchantTransfer`). 404
    while none waits for them.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TransferToConfirm
    """

    return sync_detailed(
        withdrawal_id=withdrawal_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | TransferToConfirm]:
    """What confirms receiving a WeChat Pay transfer

     A WeChat Pay transfer of the member's withdrawal waits for them to confirm
    receiving it: what their WeChat confirms it with (`requestMerchantTransfer`). 404
    while none waits for them.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TransferToConfirm]
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
) -> Error | TransferToConfirm | None:
    """What confirms receiving a WeChat Pay transfer

     A WeChat Pay transfer of the member's withdrawal waits for them to confirm
    receiving it: what their WeChat confirms it with (`requestMerchantTransfer`). 404
    while none waits for them.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TransferToConfirm
    """

    return (
        await asyncio_detailed(
            withdrawal_id=withdrawal_id,
            client=client,
        )
    ).parsed
