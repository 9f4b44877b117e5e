from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_view import DeliveryView
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    subscription_id: str,
    event_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/{subscription_id}/deliveries/{event_id}/replay".format(
            subscription_id=quote(str(subscription_id), safe=""),
            event_id=quote(str(event_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeliveryView | Error | None:
    if response.status_code == 200:
        response_200 = DeliveryView.from_dict(response.json())

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
) -> Response[DeliveryView | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: str,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[DeliveryView | Error]:
    """Send a delivery again

     Send it again at once (same event id), with a fresh retry schedule. The payout
    gateway's deliveries (`gateway`) are the owner's, signed in: an API key of any role
    is refused them (403, field `Authorization`).

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        event_id (str): the webhook event's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryView | Error]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        event_id=event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: str,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> DeliveryView | Error | None:
    """Send a delivery again

     Send it again at once (same event id), with a fresh retry schedule. The payout
    gateway's deliveries (`gateway`) are the owner's, signed in: an API key of any role
    is refused them (403, field `Authorization`).

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        event_id (str): the webhook event's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryView | Error
    """

    return sync_detailed(
        subscription_id=subscription_id,
        event_id=event_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    subscription_id: str,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[DeliveryView | Error]:
    """Send a delivery again

     Send it again at once (same event id), with a fresh retry schedule. The payout
    gateway's deliveries (`gateway`) are the owner's, signed in: an API key of any role
    is refused them (403, field `Authorization`).

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        event_id (str): the webhook event's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryView | Error]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        event_id=event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: str,
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> DeliveryView | Error | None:
    """Send a delivery again

     Send it again at once (same event id), with a fresh retry schedule. The payout
    gateway's deliveries (`gateway`) are the owner's, signed in: an API key of any role
    is refused them (403, field `Authorization`).

    Args:
        subscription_id (str): an id: letters, digits, _.:@-
        event_id (str): the webhook event's id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryView | Error
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            event_id=event_id,
            client=client,
        )
    ).parsed
