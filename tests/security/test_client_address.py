"""The reader's address behind proxies: X-Forwarded-For only through the trusted ones."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from newsroom.clientip import client_ip

PROXY = "10.0.0.2"


def address(remote=PROXY, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert address(remote="198.51.100.7", forwarded="203.0.113.9") == "198.51.100.7"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own claim is skipped
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.9", "203.0.113.9"),
        (1, "203.0.113.9 , 2001:db8::1", "2001:db8::1"),
        # Fewer hops than proxies: the request reached the nearer proxy directly, which
        # wrote the address it saw.
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),  # IPv4 through a dual-stack socket
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "203.0.113.9, <script>", PROXY),
    ],
)
def test_the_address_is_taken_as_many_hops_from_the_right_as_there_are_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count

    assert address(forwarded=forwarded) == expected


def test_a_connection_from_outside_the_proxies_networks_keeps_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", "fd00::/8"]

    assert address(remote="198.51.100.7", forwarded="203.0.113.9") == "198.51.100.7"
    assert address(remote="10.1.2.3", forwarded="203.0.113.9") == "203.0.113.9"


@pytest.mark.django_db
def test_behind_the_proxy_each_reader_has_a_rate_limit_bucket_of_their_own(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REMINDER_RATE_LIMIT_NETWORK = "1/h"

    def ask(forwarded):
        return client.post(
            reverse("support:remind"), {"when": "week"},
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code  # fmt: skip

    assert ask("203.0.113.9") == 200
    assert ask("203.0.113.9") == 429
    assert ask("198.51.100.7") == 200
    # A reader cannot escape the limit by writing their own X-Forwarded-For.
    assert ask("1.2.3.4, 203.0.113.9") == 429


CDN = "192.0.2.0/24"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("203.0.113.9, 192.0.2.10", "203.0.113.9"),  # through the CDN
        ("6.6.6.6, 203.0.113.9, 192.0.2.10", "203.0.113.9"),  # with its own claim
        # Straight to the proxy, bypassing the CDN, with a header of its own making:
        ("6.6.6.6, 198.51.100.66", "198.51.100.66"),
        ("192.0.2.10, 198.51.100.66", "198.51.100.66"),  # claiming to be the CDN
        ("198.51.100.66", "198.51.100.66"),
    ],
)
def test_behind_a_cdn_every_trusted_hop_is_checked_against_the_proxies_networks(
    settings, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", CDN]

    assert address(forwarded=forwarded) == expected
