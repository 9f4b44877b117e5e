"""Where the server may send requests of its own.

Webhook receivers and payout gateways are addresses a tenant's operator chooses, so by
default they may not lead inside the server's own network (server-side request forgery):
a URL written with a loopback, private, link-local or otherwise non-public address, a
`localhost` name, or a name that resolves to such an address then, is refused when it is
saved, and every delivery checks again what the name resolves to at that moment.
`ZENGZHI_WEBHOOK_PRIVATE_TARGETS=true` allows them (a test, a demo, a receiver on the
same machine).

The check at delivery and the connection use one resolution of the name: the connection
is made to the very address that was checked (TLS still verifies the name), so a name
whose DNS answer changes between a check and the connect (DNS rebinding) cannot lead
inside. A deployment also filters egress at the network (docs/security.md).
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpcore
import httpx
from pydantic import AfterValidator, AnyHttpUrl, BeforeValidator, UrlConstraints
from pydantic_core import PydanticCustomError

from zengzhi.core.errors import invalid
from zengzhi.engine.fields import one_line

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64: the IPv4 in the last bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)
_COMPATIBLE = ipaddress.ip_network("::/96")  # IPv4-compatible (::a.b.c.d), deprecated


def _embedded(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 one carries: mapped (::ffff:a.b.c.d), 6to4
    (2002:AABB:CCDD::), Teredo (server and client), NAT64 (64:ff9b::a.b.c.d)."""
    found = [one for one in (ip.ipv4_mapped, ip.sixtofour) if one is not None]
    if ip.teredo is not None:
        found += list(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not ip.is_global or ip.is_multicast


def is_private(address: str) -> bool:
    """True for an address that is not a public unicast one, or that leads to one that
    is not: an IPv6 address carrying a private IPv4 (mapped, 6to4, Teredo, NAT64) is
    private, and so is every IPv4-compatible (::127.0.0.1) or local NAT64 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _COMPATIBLE or ip in _NAT64_LOCAL:
            return True
        if any(_private(one) for one in _embedded(ip)):
            return True
    return _private(ip)


def _local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


_NOT_A_WEB_ADDRESS = "must be a web address such as https://shop.example/"
_NUMBERS = re.compile(r"[0-9a-fA-FxX.]+")


def _written_address(host: str) -> str:
    """The IPv4 address a host written as numbers means to a resolver (`2130706433`,
    `0x7f.1`, `127.1`, `0177.0.0.1` are all 127.0.0.1, and so is `127.0.0.1.` with the
    root's dot), else the host as written. No name of the DNS is all digits and dots."""
    bare = host.rstrip(".")
    if _NUMBERS.fullmatch(bare):
        try:
            return socket.inet_ntoa(socket.inet_aton(bare))
        except OSError:
            pass
    return bare or host


# An address the service sends to (a webhook's, the payout gateway's), as long as the
# columns that keep it (store/tables.py: String(2000)): a longer one was kept on SQLite and
# answered 500 on PostgreSQL; now it is refused at its field.
MAX_URL_LENGTH = 2000


def _kept_whole(url: AnyHttpUrl) -> AnyHttpUrl:
    # a user and password in the address would be shown to every role that lists the
    # subscriptions (any may read them); the receiver's secret is what signs, shown once
    # (the refusals' words are engine/fields.py's, by their types)
    if url.username is not None or url.password is not None:
        raise PydanticCustomError("url_credentials", "a user or a password in the address")
    if url.port == 0:
        raise PydanticCustomError("url_port", "port 0")
    # as kept, not as typed: a bare host gains its "/" (2,000 typed, 2,001 kept)
    if len(str(url)) > MAX_URL_LENGTH:
        raise PydanticCustomError(
            "url_too_long",
            "URL should have at most {max_length} characters",
            {"max_length": MAX_URL_LENGTH},
        )
    return url


def _as_sent(value: object) -> object:
    # the URL parser drops spaces around an address and control characters in it (a NUL
    # at its end was kept without it): what is kept would not be what was sent
    if isinstance(value, str):
        if value != value.strip():
            raise invalid("url", "must not begin or end with a space")
        one_line(value)
    return value


ReceiverUrl = Annotated[
    AnyHttpUrl,
    UrlConstraints(max_length=MAX_URL_LENGTH),
    BeforeValidator(_as_sent),
    AfterValidator(_kept_whole),
]


# How long a DNS lookup of a receiver's name may take: the system's resolver (getaddrinfo)
# has no timeout a caller can give, and a name whose DNS server does not answer held a
# request (the save of a webhook's or a payout gateway's address, a delivery) as long as
# the resolver's own retries lasted. The lookup runs in a thread of its own, waited for
# this long; at most _LOOKUPS_AT_ONCE are on their way at once (a resolver that never
# answers cannot pile up threads without end). Longer than the system resolver's wait
# before it asks again (glibc: 5 s): at 5 s, one lost packet refused a save (a fresh-clone
# test run had a webhook's address refused so, on a resolver that answers in 5 ms).
LOOKUP_SECONDS = 12
_LOOKUPS_AT_ONCE = 16
_lookups = threading.BoundedSemaphore(_LOOKUPS_AT_ONCE)
AddressInfo = list[tuple[Any, ...]]


class NoAnswer(OSError):
    """The DNS did not answer within LOOKUP_SECONDS."""


def lookup(host: str, port: int | None) -> AddressInfo:
    """socket.getaddrinfo(host, port) for a stream, given LOOKUP_SECONDS to answer, else
    NoAnswer (its OSError and UnicodeError raised as they are)."""
    seconds = LOOKUP_SECONDS
    started = time.monotonic()
    if not _lookups.acquire(timeout=seconds):
        raise NoAnswer(f"no answer within {seconds:g} seconds")
    answer: list[AddressInfo] = []
    failure: list[BaseException] = []

    def look() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # raised in the caller's thread, below
            failure.append(error)
        finally:
            _lookups.release()

    try:
        thread = threading.Thread(target=look, name=f"dns {host}", daemon=True)
        thread.start()
    except BaseException:
        _lookups.release()
        raise
    thread.join(max(0, seconds - (time.monotonic() - started)))
    if thread.is_alive():  # left to finish (or not) on its own; its place is freed then
        raise NoAnswer(f"no answer within {seconds:g} seconds")
    if failure:
        raise failure[0]
    return answer[0]


def check_target(url: str, field: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host is written as a private address
    (in any of the forms a resolver reads) or a local name."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise invalid(field, _NOT_A_WEB_ADDRESS) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise invalid(field, _NOT_A_WEB_ADDRESS)
    if allow_private:
        return
    host = parsed.host
    if _local_name(host):
        raise invalid(field, f"{host} is this server's own name: use a public address")
    try:
        private = is_private(_written_address(host))
    except ValueError:  # a name: what it resolves to now, and again at each delivery
        if _resolves_private(host, field):
            raise invalid(
                field, f"{host} resolves to a private or local address: use a public one"
            ) from None
        return
    if private:
        raise invalid(field, f"{host} is a private or local address: use a public one")


def _resolves_private(host: str, field: str) -> bool:
    """Whether `host` resolves now to an address that is not public. A name that does not
    resolve (yet) is not refused for it: the delivery resolves it again, and refuses then.
    A name whose DNS does not answer in LOOKUP_SECONDS is refused (naming `field`): what
    it leads to could not be checked. The address is not said: it would tell a tenant
    what the server's network holds."""
    try:
        found = lookup(host, None)
    except NoAnswer:
        raise invalid(
            field,
            f"the DNS gave no answer for {host} within {LOOKUP_SECONDS:g} seconds:"
            " check the name, or try again later",
        ) from None
    except (OSError, UnicodeError):
        return False
    return any(is_private(str(address[0])) for *_, address in found)


# ---------------------------------------------------------------- a limit on the whole


class _Deadline(threading.local):
    at: float | None = None  # time.monotonic() by which this thread's exchange ends


_deadline = _Deadline()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every connection, read and write of the requests made in this block (in this
    thread, through a `LimitedTransport`) ends within `seconds` of its start. httpx's
    timeouts are each read's: an answer that comes a byte at a time, each within them,
    would hold the request as long as the other side liked."""
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = None


def _left(timeout: float | None, timed_out: type[Exception]) -> float | None:
    """The timeout to wait with: the one asked for, or what is left of the deadline."""
    if _deadline.at is None:
        return timeout
    left = _deadline.at - time.monotonic()
    if left <= 0:
        raise timed_out("the request's time is up")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


# an attempt's error, which the tenant reads in its deliveries: the address is not said,
# as it would tell a tenant what the names of the server's network lead to
_RESOLVES_PRIVATE = "{host} resolves to a private or local address"


def _public_addresses(host: str, port: int) -> list[str]:
    """What `host` resolves to, refused (a connection error) if any of it is private."""
    try:
        found = lookup(host, port)
    except OSError as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
    addresses = [str(address[0]) for *_, address in found]
    for address in addresses:
        if is_private(address):
            raise httpcore.ConnectError(_RESOLVES_PRIVATE.format(host=host))
    return list(dict.fromkeys(addresses))


class _Backend(httpcore.NetworkBackend):
    def __init__(self, public_only: bool = False) -> None:
        self._backend = httpcore.SyncBackend()
        self._public_only = public_only

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        if not self._public_only:
            left = _left(timeout, httpcore.ConnectTimeout)
            stream = self._backend.connect_tcp(host, port, left, local_address, socket_options)
            return _Stream(stream)
        # resolved once, here: the connection goes to an address that was checked, not to
        # whatever a second resolution would answer (DNS rebinding)
        failed: httpcore.ConnectError | None = None
        for address in _public_addresses(host, port):
            left = _left(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._backend.connect_tcp(
                    address, port, left, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                failed = error
                continue
            return _Stream(stream)
        raise failed or httpcore.ConnectError(f"cannot resolve {host}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context a process, shared by every transport (an SSLContext is safe to
    share between threads): making one reads the whole CA bundle, 26 ms of CPU, and a
    webhook dispatcher made two a tenant every pass, due deliveries or not."""
    return httpx.create_ssl_context()


class LimitedTransport(httpx.HTTPTransport):
    """httpx's transport, whose requests made within `deadline(…)` end by it."""

    def __init__(self, public_only: bool = False) -> None:
        super().__init__(verify=_tls())
        limits = httpx.Limits()  # httpx's own defaults, as HTTPTransport() takes them
        # httpx takes no network backend: its pool is made again with one that keeps to
        # the deadline (tests/security/test_attack_platform.py fails if this stops working)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(public_only),
        )


class PublicOnlyTransport(LimitedTransport):
    """An HTTP transport that refuses to connect where a name resolves to a private
    address; the refusal is a connection error, kept as the attempt's error. Each new
    connection resolves the name once and connects to the address it checked."""

    def __init__(self) -> None:
        super().__init__(public_only=True)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        if _local_name(host):
            raise httpx.ConnectError(f"{host} is this server's own name", request=request)
        try:
            found = lookup(host, port)
        except OSError as error:
            raise httpx.ConnectError(f"cannot resolve {host}: {error}", request=request) from None
        for *_, address in found:
            if is_private(str(address[0])):
                raise httpx.ConnectError(_RESOLVES_PRIVATE.format(host=host), request=request)
        return super().handle_request(request)
