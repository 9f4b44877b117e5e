import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.price_chart import PriceChart
from ...types import UNSET, Response, Unset


def _get_kwargs(
    pool_id: str,
    *,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
    samples: int | Unset = 240,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_start: None | str | Unset
    if isinstance(start, Unset):
        json_start = UNSET
    elif isinstance(start, datetime.datetime):
        json_start = start.isoformat()
    else:
        json_start = start
    params["start"] = json_start

    json_end: None | str | Unset
    if isinstance(end, Unset):
        json_end = UNSET
    elif isinstance(end, datetime.datetime):
        json_end = end.isoformat()
    else:
        json_end = end
    params["end"] = json_end

    params["samples"] = samples

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/pools/{pool_id}/chart".format(
            pool_id=quote(str(pool_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PriceChart | None:
    if response.status_code == 200:
        response_200 = PriceChart.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PriceChart]:
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
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
    samples: int | Unset = 240,
) -> Response[Error | PriceChart]:
    """A pool's chart data for the console

     The pool from `start` (default: its first change) to `end` (default: now): every
    change when there are at most `samples`, else the pool at that many even moments.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        start (datetime.datetime | None | Unset): with its time zone
        end (datetime.datetime | None | Unset): with its time zone
        samples (int | Unset):  Default: 240.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PriceChart]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        start=start,
        end=end,
        samples=samples,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
    samples: int | Unset = 240,
) -> Error | PriceChart | None:
    """A pool's chart data for the console

     The pool from `start` (default: its first change) to `end` (default: now): every
    change when there are at most `samples`, else the pool at that many even moments.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        start (datetime.datetime | None | Unset): with its time zone
        end (datetime.datetime | None | Unset): with its time zone
        samples (int | Unset):  Default: 240.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PriceChart
    """

    return sync_detailed(
        pool_id=pool_id,
        client=client,
        start=start,
        end=end,
        samples=samples,
    ).parsed


async def asyncio_detailed(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
    samples: int | Unset = 240,
) -> Response[Error | PriceChart]:
    """A pool's chart data for the console

     The pool from `start` (default: its first change) to `end` (default: now): every
    change when there are at most `samples`, else the pool at that many even moments.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        start (datetime.datetime | None | Unset): with its time zone
        end (datetime.datetime | None | Unset): with its time zone
        samples (int | Unset):  Default: 240.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PriceChart]
    """

    kwargs = _get_kwargs(
        pool_id=pool_id,
        start=start,
        end=end,
        samples=samples,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    pool_id: str,
    *,
    client: AuthenticatedClient,
    start: datetime.datetime | None | Unset = UNSET,
    end: datetime.datetime | None | Unset = UNSET,
    samples: int | Unset = 240,
) -> Error | PriceChart | None:
    """A pool's chart data for the console

     The pool from `start` (default: its first change) to `end` (default: now): every
    change when there are at most `samples`, else the pool at that many even moments.

    Args:
        pool_id (str): an id: letters, digits, _.:@-
        start (datetime.datetime | None | Unset): with its time zone
        end (datetime.datetime | None | Unset): with its time zone
        samples (int | Unset):  Default: 240.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PriceChart
    """

    return (
        await asyncio_detailed(
            pool_id=pool_id,
            client=client,
            start=start,
            end=end,
            samples=samples,
        )
    ).parsed
