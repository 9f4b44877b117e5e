from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_view import DeliveryView
from ...models.error import Error
from ...models.list_webhook_deliveries_status import ListWebhookDeliveriesStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subscription_id: str,
    *,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

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
        "url": "/v1/webhooks/{subscription_id}/deliveries".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[DeliveryView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = DeliveryView.from_dict(response_200_item_data)

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
) -> Response[Error | list[DeliveryView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Response[Error | list[DeliveryView]]:
    """A subscription's deliveries

     Newest first; `before` is a sequence number.

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        status (ListWebhookDeliveriesStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[DeliveryView]]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        status=status,
        limit=limit,
        before=before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Error | list[DeliveryView] | None:
    """A subscription's deliveries

     Newest first; `before` is a sequence number.

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        status (ListWebhookDeliveriesStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[DeliveryView]
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        status=status,
        limit=limit,
        before=before,
    ).parsed


async def asyncio_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Response[Error | list[DeliveryView]]:
    """A subscription's deliveries

     Newest first; `before` is a sequence number.

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        status (ListWebhookDeliveriesStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[DeliveryView]]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        status=status,
        limit=limit,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    status: ListWebhookDeliveriesStatus | Unset = UNSET,
    limit: int | Unset = 50,
    before: int | None | Unset = UNSET,
) -> Error | list[DeliveryView] | None:
    """A subscription's deliveries

     Newest first; `before` is a sequence number.

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        status (ListWebhookDeliveriesStatus | Unset):
        limit (int | Unset): how many to return Default: 50.
        before (int | None | Unset): continue before this number

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[DeliveryView]
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            status=status,
            limit=limit,
            before=before,
        )
    ).parsed
