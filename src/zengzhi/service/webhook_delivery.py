"""Webhook delivery: the dispatcher that sends the outbox's due deliveries, signed, and
records every attempt; the server's thread that runs it every interval.

Each delivery is an HTTP POST of the event's JSON, signed with the subscription's secret
(`core/signatures.py`), retried with exponential back-off until a 2xx answer or the last
attempt. Claims are leases (`store/outbox.py`), so several processes may dispatch at
once. The use cases around it (subscriptions, replays) are `webhooks`'.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import httpx
from pydantic import BaseModel

from zengzhi import __version__
from zengzhi.core import standard_webhooks
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from zengzhi.service.base import Context, query
from zengzhi.service.egress import LimitedTransport, PublicOnlyTransport, deadline
from zengzhi.store import outbox
from zengzhi.store.outbox import Attempt, Claimed
from zengzhi.store.webhooks import tenants_with_subscriptions

log = logging.getLogger("zengzhi.webhooks")

EVENT_ID_HEADER = "X-Zengzhi-Event-Id"
EVENT_TYPE_HEADER = "X-Zengzhi-Event-Type"


class DispatchReport(BaseModel):
    tenant: str
    delivered: int
    failed_attempts: int
    given_up: int
    failed: list[str] = []  # the events whose attempt failed in this pass (retried later)


def signed_headers(claimed: Claimed, timestamp: int) -> dict[str, str]:
    """Signed twice: per Standard Webhooks (`webhook-*`), and with the older
    `X-Zengzhi-Signature`, kept for one release (docs/integration.md)."""
    body = claimed.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": f"zengzhi-webhooks/{__version__}",
        EVENT_ID_HEADER: claimed.event_id,
        EVENT_TYPE_HEADER: claimed.type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(claimed.secret, timestamp, body),
    } | standard_webhooks.headers(claimed.secret, claimed.event_id, timestamp, body)


def send(client: httpx.Client, claimed: Claimed, now: datetime, limit_seconds: float) -> Attempt:
    """POST one event; never raises for what the network or the receiver does. Its
    answer is read for `limit_seconds` at most from the start."""
    limit_ns = int(limit_seconds * 1_000_000_000)
    body = claimed.body.encode()
    headers = signed_headers(claimed, int(now.timestamp()))
    started = time.perf_counter_ns()

    def took() -> int:
        return (time.perf_counter_ns() - started) // 1_000_000

    try:
        with (
            deadline(limit_seconds),
            client.stream("POST", claimed.url, content=body, headers=headers) as response,
        ):
            kept = _excerpt(response, started + limit_ns)
    except httpx.TimeoutException as error:
        return Attempt("timeout", None, took(), f"timed out: {type(error).__name__}")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return Attempt("error", None, took(), f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Attempt(outbox.DELIVERED, response.status_code, took(), None)
    excerpt = kept.decode("utf-8", errors="replace")[:200].replace("\n", " ")
    return Attempt(
        "refused", response.status_code, took(), f"HTTP {response.status_code}: {excerpt}"
    )


EXCERPT_BYTES = 1024  # of a receiver's answer: all that is kept (200 characters) and more


def _excerpt(response: httpx.Response, deadline_ns: int) -> bytes:
    """The start of an answer's body, as it came (not decompressed), read no further than
    EXCERPT_BYTES or the attempt's deadline: the receiver is an address an operator
    chose, and its answer could be endless or come a byte at a time, each within the
    read timeout. A small answer is read whole, so its connection can be used again."""
    kept = b""
    try:
        for chunk in response.iter_raw():
            kept += chunk
            if len(kept) >= EXCERPT_BYTES or time.perf_counter_ns() > deadline_ns:
                break
    except httpx.TimeoutException:  # the status has come: what came of the rest is enough
        pass
    except httpx.StreamConsumed:  # an answer made whole in memory (a MockTransport's)
        return response.content[:EXCERPT_BYTES]
    return kept


AT_ONCE = 8  # deliveries sent at one time, each within the timeout
PASS = 50  # deliveries a pass claims: seven rounds, seven timeouts at most (Settings' lease)
# a pass of the server's dispatcher: two rounds, so that a tenant whose receiver never
# answers gives its place up after two timeouts (`WebhookRunner`); a pass of 8 delivered
# 40 % fewer events a second to a receiver that answers at once (docs/integration.md)
RUNNER_PASS = 2 * AT_ONCE


def client_for(context: Context) -> httpx.Client:
    """The dispatcher's HTTP client, as the settings allow it to reach receivers."""
    settings = context.settings
    return httpx.Client(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        transport=LimitedTransport() if settings.webhook_private_targets else PublicOnlyTransport(),
    )


def dispatch(
    context: Context,
    tenant: str,
    client: httpx.Client | None = None,
    batch: int = PASS,
    workers: int = AT_ONCE,
) -> DispatchReport:
    """Send every delivery of a tenant that is due now, until none is left (later
    retries wait for their time). Safe to run in several processes at once."""
    http = client or client_for(context)
    report = DispatchReport(tenant=tenant, delivered=0, failed_attempts=0, given_up=0)
    try:
        for _ in range(10_000):  # a guard; each pass sends at least one
            if not dispatch_pass(context, tenant, http, report, batch, workers):
                break
    finally:
        if client is None:
            http.close()
    return report


def dispatch_pass(
    context: Context,
    tenant: str,
    http: httpx.Client,
    report: DispatchReport,
    batch: int = PASS,
    workers: int = AT_ONCE,
) -> bool:
    """Claim up to `batch` of the tenant's due deliveries, send them `workers` at a
    time and record each attempt in `report`; whether there were any."""
    settings = context.settings
    lease = timedelta(seconds=settings.webhook_lease_seconds)
    token = secrets.token_hex(8)
    now = context.clock()

    def take() -> list[Claimed]:
        with context.database.write() as connection:
            return outbox.claim(connection, tenant, now, lease, token, batch)

    claimed = context.database.retrying(take)
    if not claimed:
        return False
    with ThreadPoolExecutor(max_workers=min(workers, len(claimed))) as pool:
        attempts = list(
            pool.map(
                lambda one: send(http, one, context.clock(), settings.webhook_timeout_seconds),
                claimed,
            )
        )
    statuses = _record(context, tenant, claimed, token, attempts)
    for one, attempt, status in zip(claimed, attempts, statuses, strict=True):
        if attempt.outcome == outbox.DELIVERED:
            report.delivered += 1
        else:
            report.failed_attempts += 1
            report.given_up += status == outbox.FAILED
            report.failed.append(one.event_id)
            log.info(
                "tenant %s: webhook %s to %s: %s",
                tenant,
                one.event_id,
                one.subscription_id,
                attempt.error,
            )
    return True


def _record(
    context: Context, tenant: str, claimed: list[Claimed], token: str, attempts: list[Attempt]
) -> list[str]:
    """Keep a pass's attempts, in one transaction; the deliveries' statuses."""
    settings = context.settings

    def run() -> list[str]:
        now = context.clock()
        with context.database.write() as connection:
            return [
                outbox.record(
                    connection,
                    tenant,
                    one,
                    token,
                    attempt,
                    now,
                    settings.webhook_max_attempts,
                    settings.webhook_retry_base_seconds,
                    settings.webhook_retry_cap_seconds,
                )
                for one, attempt in zip(claimed, attempts, strict=True)
            ]

    return context.database.retrying(run)


TENANTS_AT_ONCE = 8  # tenants whose deliveries a server's dispatcher sends at one time


class WebhookRunner(threading.Thread):
    """The server's own dispatcher. Every interval it looks for the tenants with an
    active subscription and sends each one's due deliveries a pass at a time
    (`dispatch_pass`: `RUNNER_PASS`, `AT_ONCE` at a time), `TENANTS_AT_ONCE` tenants at
    a time; a tenant with more due after a pass goes to the back of the line, behind the
    others waiting, and a tenant on its way is not taken again. So a tenant whose
    receiver never answers holds one place for two timeouts a pass, and the others' go
    out meanwhile, or after two timeouts when every place is so held: the tenants were
    sent one after the other, each until it had none left, and such a receiver held
    every other tenant's events back (docs/integration.md)."""

    def __init__(
        self, context: Context, interval: float, client: httpx.Client | None = None
    ) -> None:
        super().__init__(name="zengzhi-webhooks", daemon=True)
        self._context = context
        self._interval = interval
        self._client = client
        self._stopping = threading.Event()
        self._senders = ThreadPoolExecutor(TENANTS_AT_ONCE, thread_name_prefix="zengzhi-webhook")
        self._on_their_way: set[str] = set()
        self._guard = threading.Lock()

    def run(self) -> None:
        http = self._client or client_for(self._context)
        try:
            while not self._stopping.wait(self._interval):
                try:
                    tenants = query(self._context, tenants_with_subscriptions)
                except Exception:  # a failing look is logged; the next one runs anyway
                    log.exception("webhook delivery failed")
                    continue
                for tenant in tenants:
                    with self._guard:
                        if tenant in self._on_their_way:
                            continue
                        self._on_their_way.add(tenant)
                    self._senders.submit(self._send, tenant, http)
        finally:
            self._senders.shutdown(wait=True, cancel_futures=True)
            if self._client is None:
                http.close()

    def _send(self, tenant: str, http: httpx.Client) -> None:
        """One pass of the tenant's; to the back of the line if more may be due."""
        report = DispatchReport(tenant=tenant, delivered=0, failed_attempts=0, given_up=0)
        more = False
        try:
            more = dispatch_pass(self._context, tenant, http, report, RUNNER_PASS)
        except Exception:  # a failing pass is logged; the next one runs anyway
            log.exception("webhook delivery failed (tenant %s)", tenant)
        if more and not self._stopping.is_set():
            try:
                self._senders.submit(self._send, tenant, http)
                return
            except RuntimeError:  # shut down meanwhile
                pass
        with self._guard:
            self._on_their_way.discard(tenant)

    def stop(self) -> None:
        self._stopping.set()
