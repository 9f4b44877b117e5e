from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.withdrawal_decision import WithdrawalDecision
from ...models.withdrawal_view import WithdrawalView
from ...types import Response


def _get_kwargs(
    withdrawal_id: str,
    *,
    body: WithdrawalDecision,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/withdrawals/{withdrawal_id}/reject".format(
            withdrawal_id=quote(str(withdrawal_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | WithdrawalView | None:
    if response.status_code == 200:
        response_200 = WithdrawalView.from_dict(response.json())

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
) -> Response[Error | WithdrawalView]:
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
    body: WithdrawalDecision,
) -> Response[Error | WithdrawalView]:
    """Reject a withdrawal

     The held amount goes back to the member's wallet; the reason (required) is shown
    to the member.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-
        body (WithdrawalDecision): Finance's rejection of a withdrawal, with the reason the member
            is shown.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WithdrawalView]
    """

    kwargs = _get_kwargs(
        withdrawal_id=withdrawal_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
    body: WithdrawalDecision,
) -> Error | WithdrawalView | None:
    """Reject a withdrawal

     The held amount goes back to the member's wallet; the reason (required) is shown
    to the member.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-
        body (WithdrawalDecision): Finance's rejection of a withdrawal, with the reason the member
            is shown.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WithdrawalView
    """

    return sync_detailed(
        withdrawal_id=withdrawal_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
    body: WithdrawalDecision,
) -> Response[Error | WithdrawalView]:
    """Reject a withdrawal

     The held amount goes back to the member's wallet; the reason (required) is shown
    to the member.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-
        body (WithdrawalDecision): Finance's rejection of a withdrawal, with the reason the member
            is shown.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WithdrawalView]
    """

    kwargs = _get_kwargs(
        withdrawal_id=withdrawal_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    withdrawal_id: str,
    *,
    client: AuthenticatedClient,
    body: WithdrawalDecision,
) -> Error | WithdrawalView | None:
    """Reject a withdrawal

     The held amount goes back to the member's wallet; the reason (required) is shown
    to the member.

    Args:
        withdrawal_id (str): an id: letters, digits, _.:@-
        body (WithdrawalDecision): Finance's rejection of a withdrawal, with the reason the member
            is shown.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WithdrawalView
    """

    return (
        await asyncio_detailed(
            withdrawal_id=withdrawal_id,
            client=client,
            body=body,
        )
    ).parsed
