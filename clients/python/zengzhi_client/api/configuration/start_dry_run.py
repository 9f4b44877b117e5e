from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.backtest_request import BacktestRequest
from ...models.dry_run_view import DryRunView
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: BacktestRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/dry-runs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DryRunView | Error | None:
    if response.status_code == 202:
        response_202 = DryRunView.from_dict(response.json())

        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DryRunView | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BacktestRequest,
) -> Response[DryRunView | Error]:
    """Simulate a proposed configuration (in the background)

     The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`), "interrupted" (its worker stopped: start it
    again) or "cancelled" (never started: whoever started it was revoked, disabled or may
    no longer configure by the time a worker took it; `error` says which). One runs per
    tenant at a time (409 while one is queued or running).

    Args:
        body (BacktestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRunView | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BacktestRequest,
) -> DryRunView | Error | None:
    """Simulate a proposed configuration (in the background)

     The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`), "interrupted" (its worker stopped: start it
    again) or "cancelled" (never started: whoever started it was revoked, disabled or may
    no longer configure by the time a worker took it; `error` says which). One runs per
    tenant at a time (409 while one is queued or running).

    Args:
        body (BacktestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRunView | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BacktestRequest,
) -> Response[DryRunView | Error]:
    """Simulate a proposed configuration (in the background)

     The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`), "interrupted" (its worker stopped: start it
    again) or "cancelled" (never started: whoever started it was revoked, disabled or may
    no longer configure by the time a worker took it; `error` says which). One runs per
    tenant at a time (409 while one is queued or running).

    Args:
        body (BacktestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRunView | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BacktestRequest,
) -> DryRunView | Error | None:
    """Simulate a proposed configuration (in the background)

     The back-test of POST /v1/backtest in a process of its own: the proposal is checked
    and the run answered at once (202, `status` "running", or "queued" until a worker
    takes it); GET its `Location`, from any server, until `status` is "done" (with
    `result`), "failed" (with `error`), "interrupted" (its worker stopped: start it
    again) or "cancelled" (never started: whoever started it was revoked, disabled or may
    no longer configure by the time a worker took it; `error` says which). One runs per
    tenant at a time (409 while one is queued or running).

    Args:
        body (BacktestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRunView | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
