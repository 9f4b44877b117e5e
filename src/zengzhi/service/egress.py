"""Where the server may send requests of its own.

Webhook receivers and payout gateways are addresses a tenant's operator chooses, so by
default they may not lead inside the server's own network (server-side request forgery):
a URL written with a loopback, private, link-local or otherwise non-public address, or a
`localhost` name, is refused when it is saved, and every delivery checks again what the
name resolves to at that moment. `ZENGZHI_WEBHOOK_PRIVATE_TARGETS=true` allows them (a
test, a demo, a receiver on the same machine).

Between the check and the connection the name is resolved a second time (by the HTTP
client), so a name whose DNS answer changes in between could still slip through; a
deployment that must be sure of it also filters egress at the network.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

from zengzhi.core.errors import invalid


def is_private(address: str) -> bool:
    """True for an address that is not a public unicast one (IPv4 mapped in IPv6 too)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


def check_target(url: str, field: str, allow_private: bool) -> None:
    """Refuse a URL whose host is written as a private address or a local name."""
    if allow_private:
        return
    host = httpx.URL(url).host
    if _local_name(host):
        raise invalid(field, f"{host} is this server's own name: use a public address")
    try:
        private = is_private(host)
    except ValueError:
        return  # a name: what it resolves to is checked at each delivery
    if private:
        raise invalid(field, f"{host} is a private or local address: use a public one")


class PublicOnlyTransport(httpx.HTTPTransport):
    """An HTTP transport that refuses to connect where a name resolves to a private
    address; the refusal is a connection error, kept as the attempt's error."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        if _local_name(host):
            raise httpx.ConnectError(f"{host} is this server's own name", request=request)
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpx.ConnectError(f"cannot resolve {host}: {error}", request=request) from None
        for *_, address in found:
            if is_private(str(address[0])):
                raise httpx.ConnectError(
                    f"{host} resolves to {address[0]}, a private or local address",
                    request=request,
                )
        return super().handle_request(request)
