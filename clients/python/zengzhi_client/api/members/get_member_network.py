from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.network import Network
from ...types import UNSET, Response, Unset


def _get_kwargs(
    member_id: str,
    *,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
        "url": "/v1/members/{member_id}/network".format(
            member_id=quote(str(member_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Network | None:
    if response.status_code == 200:
        response_200 = Network.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Network]:
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
    after: None | str | Unset = UNSET,
) -> Response[Error | Network]:
    """A member's referral network

     Uplines, team performance and level, and a page of direct referees.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Network]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        limit=limit,
        after=after,
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
    after: None | str | Unset = UNSET,
) -> Error | Network | None:
    """A member's referral network

     Uplines, team performance and level, and a page of direct referees.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Network
    """

    return sync_detailed(
        member_id=member_id,
        client=client,
        limit=limit,
        after=after,
    ).parsed


async def asyncio_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Response[Error | Network]:
    """A member's referral network

     Uplines, team performance and level, and a page of direct referees.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Network]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        limit=limit,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    member_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    after: None | str | Unset = UNSET,
) -> Error | Network | None:
    """A member's referral network

     Uplines, team performance and level, and a page of direct referees.

    Args:
        member_id (str): an id: letters, digits, _.:@-
        limit (int | Unset): how many to return Default: 50.
        after (None | str | Unset): continue after this id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Network
    """

    return (
        await asyncio_detailed(
            member_id=member_id,
            client=client,
            limit=limit,
            after=after,
        )
    ).parsed
