"""The client's address, as seen through the proxies this site trusts, and its network.

Behind TRUSTED_PROXY_COUNT proxies, each proxy appends the address it received the request
from to X-Forwarded-For, so the client's address is that many entries from the right; what
lies further left was written by the client and proves nothing. With TRUSTED_PROXY_NETWORKS
set, every hop is checked, from the connection itself leftwards: the first address that is
not one of those networks is the client, however many proxies are configured. So a client
that reaches the second proxy directly (bypassing a CDN) is keyed by the address that proxy
saw, not by whatever it wrote into X-Forwarded-For itself.

Limits key on the client's *network* (client_network): one IPv6 subscriber gets a whole /64
and can rotate through it at will, so counting single addresses would count nothing.
"""

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d: they are IPv4 clients.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address) -> bool:
    networks = settings.TRUSTED_PROXY_NETWORKS
    return not networks or any(address in ipaddress.ip_network(n) for n in networks)


def _client_address(request) -> Address | None:
    address = _parse(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    entries = [entry for entry in forwarded if entry.strip()]
    for _ in range(max(settings.TRUSTED_PROXY_COUNT, 0)):
        if not entries or not _trusted(address):
            return address  # a hop we do not trust (or the chain ends): that is the client
        written = _parse(entries.pop())
        if written is None:
            return address  # our proxies write addresses; garbage means it is not theirs
        address = written
    return address


def client_ip(request) -> str:
    """Return the client's address: REMOTE_ADDR, or X-Forwarded-For through trusted proxies."""
    address = _client_address(request)
    return str(address) if address is not None else ""


def network_of(address: Address) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Return the network one client controls: CLIENT_NETWORK_IPV4_PREFIX or _IPV6_PREFIX."""
    prefix = (
        settings.CLIENT_NETWORK_IPV4_PREFIX
        if address.version == 4
        else settings.CLIENT_NETWORK_IPV6_PREFIX
    )
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def client_network(request) -> str:
    """Return the client's network as text ("198.51.100.0/24", "2001:db8:1:2::/64")."""
    address = _client_address(request)
    return str(network_of(address)) if address is not None else ""


def client_network_address(request) -> str:
    """Return the first address of the client's network (django-axes stores an address)."""
    address = _client_address(request)
    return str(network_of(address).network_address) if address is not None else ""
