from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.movement import Movement
from ...types import UNSET, Response, Unset


def _get_kwargs(
    member_id: str,
    *,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_before: int | None | Unset
    if isinstance(before, Unset):
        json_before = UNSET
    else:
        json_before = before
    params["before"] = json_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/{member_id}/wallet/debt-history".format(
            member_id=quote(str(member_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[Movement] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Movement.from_dict(response_200_item_data)

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

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[Movement]]:
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
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Response[Error | list[Movement]]:
    """What a member owes, opened and settled

     What the member owes the platform, newest first: each debt opened (a negative
    amount) and each part settled from a later credit (positive), with its entry. A debt
    opened with nothing left in the wallet is in no wallet movement: it is here.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Movement]]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        limit=limit,
        before=before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    member_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Error | list[Movement] | None:
    """What a member owes, opened and settled

     What the member owes the platform, newest first: each debt opened (a negative
    amount) and each part settled from a later credit (positive), with its entry. A debt
    opened with nothing left in the wallet is in no wallet movement: it is here.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Movement]
    """

    return sync_detailed(
        member_id=member_id,
        client=client,
        limit=limit,
        before=before,
    ).parsed


async def asyncio_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Response[Error | list[Movement]]:
    """What a member owes, opened and settled

     What the member owes the platform, newest first: each debt opened (a negative
    amount) and each part settled from a later credit (positive), with its entry. A debt
    opened with nothing left in the wallet is in no wallet movement: it is here.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Movement]]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        limit=limit,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    member_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Error | list[Movement] | None:
    """What a member owes, opened and settled

     What the member owes the platform, newest first: each debt opened (a negative
    amount) and each part settled from a later credit (positive), with its entry. A debt
    opened with nothing left in the wallet is in no wallet movement: it is here.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Movement]
    """

    return (
        await asyncio_detailed(
            member_id=member_id,
            client=client,
            limit=limit,
            before=before,
        )
    ).parsed
