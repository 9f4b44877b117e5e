from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.owed_back_return import OwedBackReturn
from ...models.owed_back_returned import OwedBackReturned
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: None | OwedBackReturn | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders/{order_id}/owed-back/returned".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    if isinstance(body, OwedBackReturn):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | OwedBackReturned | None:
    if response.status_code == 200:
        response_200 = OwedBackReturned.from_dict(response.json())

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
) -> Response[Error | OwedBackReturned]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: None | OwedBackReturn | Unset = UNSET,
) -> Response[Error | OwedBackReturned]:
    """Record a payment after the cancel as returned to the buyer

     The money a gateway's payment after the cancel, or a second payment of a paid
    order, owes back to the buyer was returned at the gateway: recorded once (audited,
    webhook `order.owed_back_returned`); 409 (field `owed_back`) when nothing is owed
    back: never paid after its cancel nor paid twice, or recorded returned before (the
    message says when and by whom).

    Args:
        order_id (str): an id: letters, digits, _.:@-
        body (None | OwedBackReturn | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OwedBackReturned]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: None | OwedBackReturn | Unset = UNSET,
) -> Error | OwedBackReturned | None:
    """Record a payment after the cancel as returned to the buyer

     The money a gateway's payment after the cancel, or a second payment of a paid
    order, owes back to the buyer was returned at the gateway: recorded once (audited,
    webhook `order.owed_back_returned`); 409 (field `owed_back`) when nothing is owed
    back: never paid after its cancel nor paid twice, or recorded returned before (the
    message says when and by whom).

    Args:
        order_id (str): an id: letters, digits, _.:@-
        body (None | OwedBackReturn | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OwedBackReturned
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: None | OwedBackReturn | Unset = UNSET,
) -> Response[Error | OwedBackReturned]:
    """Record a payment after the cancel as returned to the buyer

     The money a gateway's payment after the cancel, or a second payment of a paid
    order, owes back to the buyer was returned at the gateway: recorded once (audited,
    webhook `order.owed_back_returned`); 409 (field `owed_back`) when nothing is owed
    back: never paid after its cancel nor paid twice, or recorded returned before (the
    message says when and by whom).

    Args:
        order_id (str): an id: letters, digits, _.:@-
        body (None | OwedBackReturn | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OwedBackReturned]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: None | OwedBackReturn | Unset = UNSET,
) -> Error | OwedBackReturned | None:
    """Record a payment after the cancel as returned to the buyer

     The money a gateway's payment after the cancel, or a second payment of a paid
    order, owes back to the buyer was returned at the gateway: recorded once (audited,
    webhook `order.owed_back_returned`); 409 (field `owed_back`) when nothing is owed
    back: never paid after its cancel nor paid twice, or recorded returned before (the
    message says when and by whom).

    Args:
        order_id (str): an id: letters, digits, _.:@-
        body (None | OwedBackReturn | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OwedBackReturned
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
        )
    ).parsed
