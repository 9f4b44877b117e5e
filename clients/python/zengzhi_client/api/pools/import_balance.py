from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.import_balance_response_200 import ImportBalanceResponse200
from ...models.import_balance_response_import_balance_v1_pools_pool_id_imports_post import (
    ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost,
)
from ...models.import_request import ImportRequest
from ...types import Response


def _get_kwargs(
    pool_id: str,
    *,
    body: ImportRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/pools/{pool_id}/imports".format(
            pool_id=quote(str(pool_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost | None:
    if response.status_code == 200:
        response_200 = ImportBalanceResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost.from_dict(response.json())

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
) -> Response[Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Response[Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost]:
    """Import a member's old balance as a position, funded by the platform

     A member's balance from the platform's old system becomes a position (spec 01,
    legacy balances): `principal` staked, points minted at the pool's price against
    `contribution`, funded by the platform. 201 for a new import; 200 with the first
    answer when the same request comes again.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        body (ImportRequest): A member's balance from the platform's old system (spec 01, legacy
            balances).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost | None:
    """Import a member's old balance as a position, funded by the platform

     A member's balance from the platform's old system becomes a position (spec 01,
    legacy balances): `principal` staked, points minted at the pool's price against
    `contribution`, funded by the platform. 201 for a new import; 200 with the first
    answer when the same request comes again.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        body (ImportRequest): A member's balance from the platform's old system (spec 01, legacy
            balances).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost
    """

    return sync_detailed(
        pool_id=pool_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Response[Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost]:
    """Import a member's old balance as a position, funded by the platform

     A member's balance from the platform's old system becomes a position (spec 01,
    legacy balances): `principal` staked, points minted at the pool's price against
    `contribution`, funded by the platform. 201 for a new import; 200 with the first
    answer when the same request comes again.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        body (ImportRequest): A member's balance from the platform's old system (spec 01, legacy
            balances).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost | None:
    """Import a member's old balance as a position, funded by the platform

     A member's balance from the platform's old system becomes a position (spec 01,
    legacy balances): `principal` staked, points minted at the pool's price against
    `contribution`, funded by the platform. 201 for a new import; 200 with the first
    answer when the same request comes again.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        body (ImportRequest): A member's balance from the platform's old system (spec 01, legacy
            balances).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ImportBalanceResponse200 | ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost
    """

    return (
        await asyncio_detailed(
            pool_id=pool_id,
            client=client,
            body=body,
        )
    ).parsed
