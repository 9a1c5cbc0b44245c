"""Where a webhook may go: hosts on the public internet only, checked when it is sent.

A retailer names the URL and the platform's worker makes the request, from inside the
platform's network. Left unchecked, a URL could make the worker reach what only the platform
reaches (server-side request forgery): the database, an internal service, the cloud's
metadata address (169.254.169.254) that hands out credentials. So a host must resolve, and
only to public addresses: not loopback, private (RFC 1918, fc00::/7, shared 100.64/10),
link-local (169.254/16, fe80::/10), multicast, unspecified, or reserved and documentation
ranges. An IPv4 address carried inside an IPv6 one (::ffff:a.b.c.d, 64:ff9b::/96, 6to4) is
judged as the IPv4 address it reaches.

The check runs when an endpoint is registered (to answer the retailer at once) and again
before every attempt, since what a name resolves to can change after registration. The
attempt then connects to the very addresses that were checked (`pinned_connection`), never
to a second lookup's answer, so a name that resolves to a public address for the check and
to 127.0.0.1 a moment later (DNS rebinding) still reaches only the public one. The request
keeps the name for its Host header and for TLS (SNI and the certificate's check).

Nothing here says which address a name resolved to: an error that did would let a caller
map the platform's internal names.

`GEMCARE_WEBHOOKS_ALLOW_PRIVATE` turns the address check off (development, the demo and the
tests run receivers on 127.0.0.1); connections are still made to the addresses resolved.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The host has no address, or one the worker must not reach; `message` says which
    in words that never name the address."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# One answer for "no address" and "a private address" where the check is on: telling
# them apart would let a caller probe which internal names exist.
NOT_PUBLIC = "refused: the host has no address, or one that is not public"
NO_ADDRESS = "the host name did not resolve"


def _reached(address: Address) -> Address:
    """The IPv4 address an IPv6 one leads to, where it carries one; else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def is_public(address: Address) -> bool:
    """Whether the worker may connect to `address`: a globally reachable unicast address.

    `is_global` follows IANA's special-purpose registries (it is False for loopback,
    private, shared, link-local, documentation, benchmarking and reserved ranges); the other
    tests are stated too, because `is_global` holds for multicast ranges."""
    address = _reached(address)
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    )


def host_ascii(host: str) -> str:
    """The host as DNS and the Host header take it (an internationalised name in IDNA)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressRefused(NO_ADDRESS) from None


def host_resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to now, in the resolver's order, without repeats."""
    try:
        found = socket.getaddrinfo(
            host_ascii(host), port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (OSError, UnicodeError):
        raise AddressRefused(NO_ADDRESS) from None
    addresses: list[Address] = []
    for family, _, _, _, sockaddr in found:
        if family not in {socket.AF_INET, socket.AF_INET6}:
            continue
        try:
            address = ipaddress.ip_address(sockaddr[0])
        except ValueError:
            continue
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise AddressRefused(NO_ADDRESS)
    return addresses


def url_port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def url_addresses(url: str, *, allow_private: bool) -> list[Address]:
    """The addresses a request to `url` may connect to; AddressRefused if the host has none,
    or (unless `allow_private`) any address that is not public."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise AddressRefused(NO_ADDRESS if allow_private else NOT_PUBLIC)
    try:
        addresses = host_resolve(parts.hostname, url_port(url))
    except AddressRefused:
        if allow_private:
            raise
        raise AddressRefused(NOT_PUBLIC) from None
    if not allow_private and not all(is_public(address) for address in addresses):
        # A name with one public and one private address is refused too: which of them a
        # connection uses is not ours to choose.
        raise AddressRefused(NOT_PUBLIC)
    return addresses


def _connect(addresses: list[Address], port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first of `addresses` that answers."""
    failure: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except OSError as error:
            failure = error
    raise failure or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, addresses: list[Address], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, addresses: list[Address], timeout: float):
        # The platform's default trust store; the certificate must name `host`.
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def pinned_connection(
    url: str, addresses: list[Address], *, timeout: float
) -> http.client.HTTPConnection:
    """A connection for `url` that reaches only `addresses` (those `url_addresses` checked),
    speaking to the URL's host name over HTTP or TLS."""
    parts = urlsplit(url)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    return kind(host_ascii(parts.hostname), url_port(url), addresses=addresses, timeout=timeout)
