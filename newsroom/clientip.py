"""The reader's address, as seen through the proxies this site trusts.

Behind TRUSTED_PROXY_COUNT proxies, each proxy appends the address it received the request
from to X-Forwarded-For, so the reader's address is that many entries from the right; what
lies further left was written by the client and proves nothing. With TRUSTED_PROXY_NETWORKS
set, X-Forwarded-For is read only when the connection itself comes from one of those
networks (a request that reached the app server directly keeps its own address).

Rate limits (support/ratelimit.py) and django-axes (AXES_CLIENT_IP_CALLABLE) key on it.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _from_trusted_network(remote: str) -> bool:
    networks = settings.TRUSTED_PROXY_NETWORKS
    if not networks:
        return True
    address = ipaddress.ip_address(remote)
    return any(address in ipaddress.ip_network(network) for network in networks)


def client_ip(request) -> str:
    """Return the client's address: REMOTE_ADDR, or X-Forwarded-For through trusted proxies."""
    remote = _address(request.META.get("REMOTE_ADDR", "")) or ""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0 or not remote or not _from_trusted_network(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    entries = [entry.strip() for entry in forwarded if entry.strip()]
    if len(entries) < hops:
        return remote  # fewer proxies than configured: not through our chain
    return _address(entries[-hops]) or remote
