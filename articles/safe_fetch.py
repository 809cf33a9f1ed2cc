"""Fetch a document from an allow-listed host without letting the address reach inside.

The host is looked up once, every address it names must be public, and the connection goes
to the address that was checked (so a second lookup cannot point it elsewhere). Only https,
no redirects followed, a timeout on each step and a cap on the size read.
"""

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

CONNECT_SECONDS = 3
READ_SECONDS = 5
TOTAL_SECONDS = 10
USER_AGENT = "newsroom-embeds/1 (+resolving an editor's embed)"


class FetchError(Exception):
    """Why a document could not be fetched, in words an editor can read."""


def fetch(url: str, *, hosts: set[str], limit: int, accept: str = "*/*") -> bytes:
    """Return the body of a 200 answer from url, refusing anything the rules above refuse."""
    parts = urlsplit(url)
    allow_local = getattr(settings, "EMBED_TEST_ALLOW_LOCAL", False)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise FetchError("Only https addresses are fetched.")
    host = (parts.hostname or "").lower()
    if host not in hosts:
        raise FetchError(f"{host or 'That address'} is not one of the provider's hosts.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address(host, port, allow_loopback=allow_local)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {"Host": parts.netloc, "User-Agent": USER_AGENT, "Accept": accept}
    timeout = urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=host, assert_hostname=host,
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        with pool:
            response = pool.urlopen(
                "GET", path, headers=headers, redirect=False, preload_content=False
            )
            try:
                return _read(response, limit)
            finally:
                response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"{host} did not answer ({type(error).__name__}).") from error


def _read(response, limit: int) -> bytes:
    if 300 <= response.status < 400:
        raise FetchError("The provider answered with a redirect, which is not followed.")
    if response.status != 200:
        raise FetchError(f"The provider answered {response.status}.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError("The provider's answer is too large.")
    chunks, size, deadline = [], 0, time.monotonic() + TOTAL_SECONDS
    for chunk in response.stream(16_384):
        size += len(chunk)
        if size > limit:
            raise FetchError("The provider's answer is too large.")
        if time.monotonic() > deadline:
            raise FetchError("The provider took too long.")
        chunks.append(chunk)
    return b"".join(chunks)


def public_address(host: str, port: int, *, allow_loopback: bool = False) -> str:
    """Return an address of host to connect to, refusing a host that names any address
    on a private, loopback, link-local or reserved network."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"{host} could not be found.") from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    for address in addresses:
        if address.is_global or (allow_loopback and address.is_loopback):
            continue
        raise FetchError(f"{host} points at a private address, which is refused.")
    if not addresses:
        raise FetchError(f"{host} could not be found.")
    return str(addresses[0])
