from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.income_request import IncomeRequest
from ...models.record_mode_income_response_record_income_v1_zones_zone_id_income_post import (
    RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost,
)
from ...types import Response


def _get_kwargs(
    zone_id: str,
    *,
    body: IncomeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/zones/{zone_id}/income".format(
            zone_id=quote(str(zone_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost | None:
    if response.status_code == 200:
        response_200 = RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost.from_dict(response.json())

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
) -> Response[Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    zone_id: str,
    *,
    client: AuthenticatedClient,
    body: IncomeRequest,
) -> Response[Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost]:
    """Record a third party's income into a zone's mode's reserve

     Third-party income (an advertiser's payment) into the zone's mode's reserve, with
    its source; a repeat of the same id applies once.

    Args:
        zone_id (str): an id: letters, digits, _.:@-
        body (IncomeRequest): Third-party income (an advertiser's payment for its ads) into a
            mode's reserve.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost]
    """

    kwargs = _get_kwargs(
        zone_id=zone_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    zone_id: str,
    *,
    client: AuthenticatedClient,
    body: IncomeRequest,
) -> Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost | None:
    """Record a third party's income into a zone's mode's reserve

     Third-party income (an advertiser's payment) into the zone's mode's reserve, with
    its source; a repeat of the same id applies once.

    Args:
        zone_id (str): an id: letters, digits, _.:@-
        body (IncomeRequest): Third-party income (an advertiser's payment for its ads) into a
            mode's reserve.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost
    """

    return sync_detailed(
        zone_id=zone_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    zone_id: str,
    *,
    client: AuthenticatedClient,
    body: IncomeRequest,
) -> Response[Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost]:
    """Record a third party's income into a zone's mode's reserve

     Third-party income (an advertiser's payment) into the zone's mode's reserve, with
    its source; a repeat of the same id applies once.

    Args:
        zone_id (str): an id: letters, digits, _.:@-
        body (IncomeRequest): Third-party income (an advertiser's payment for its ads) into a
            mode's reserve.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost]
    """

    kwargs = _get_kwargs(
        zone_id=zone_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    zone_id: str,
    *,
    client: AuthenticatedClient,
    body: IncomeRequest,
) -> Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost | None:
    """Record a third party's income into a zone's mode's reserve

     Third-party income (an advertiser's payment) into the zone's mode's reserve, with
    its source; a repeat of the same id applies once.

    Args:
        zone_id (str): an id: letters, digits, _.:@-
        body (IncomeRequest): Third-party income (an advertiser's payment for its ads) into a
            mode's reserve.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost
    """

    return (
        await asyncio_detailed(
            zone_id=zone_id,
            client=client,
            body=body,
        )
    ).parsed
