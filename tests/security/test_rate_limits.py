"""One rate-limit helper, keyed by the client's network: a /64 for IPv6, a /24 for IPv4."""

import datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from newsroom import ratelimit
from support.models import Donation, Reminder

GIVE = reverse("support:give")
REMIND = reverse("support:remind")


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    "one, other",
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe"),
        ("198.51.100.7", "198.51.100.250"),
        ("::ffff:198.51.100.7", "198.51.100.8"),  # IPv4 through a dual-stack socket
    ],
)
def test_addresses_of_one_network_share_one_key(one, other):
    assert ratelimit.client_network(request_from(one)) == ratelimit.client_network(
        request_from(other)
    )


@pytest.mark.parametrize(
    "one, other",
    [
        ("2001:db8:1:2::1", "2001:db8:1:3::1"),
        ("198.51.100.7", "198.51.101.7"),
        ("::ffff:198.51.100.7", "::ffff:203.0.113.7"),
    ],
)
def test_addresses_of_other_networks_have_keys_of_their_own(one, other):
    assert ratelimit.client_network(request_from(one)) != ratelimit.client_network(
        request_from(other)
    )


def test_the_network_is_read_through_the_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    request = request_from("10.0.0.2", forwarded="6.6.6.6, 2001:db8:1:2::99")

    assert ratelimit.client_network(request) == "2001:db8:1:2::/64"


def test_the_prefixes_are_settings(settings):
    settings.CLIENT_NETWORK_IPV4_PREFIX = 32
    settings.CLIENT_NETWORK_IPV6_PREFIX = 56

    assert ratelimit.client_network(request_from("198.51.100.7")) == "198.51.100.7/32"
    assert ratelimit.client_network(request_from("2001:db8:1:2::1")) == "2001:db8:1::/56"


def test_hit_counts_per_scope_and_key_and_starts_again_in_the_next_window():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, 0, 5, tzinfo=datetime.UTC)) as t:
        assert [ratelimit.hit("signup", "a", "2/m") for _ in range(3)] == [False, False, True]
        assert ratelimit.hit("signup", "b", "2/m") is False
        assert ratelimit.hit("sign-in", "a", "2/m") is False
        t.move_to(datetime.datetime(2026, 5, 1, 12, 1, 0, tzinfo=datetime.UTC))
        assert ratelimit.hit("signup", "a", "2/m") is False


@pytest.mark.parametrize("rate", ["", "10", "10/w", "ten/h", "-1/h", "²/h", "10/hour"])
def test_a_rate_that_is_not_count_per_period_is_refused(rate):
    with pytest.raises(ValueError, match="is not a rate like 10/h"):
        ratelimit.parse_rate(rate)


def test_the_decorator_limits_a_view_by_network_and_only_for_the_methods_it_names(settings):
    settings.SIGN_UP_RATE_LIMIT = "1/h"

    @ratelimit.limit("sign-up", rate_setting="SIGN_UP_RATE_LIMIT")
    def sign_up(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    assert sign_up(factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")).status_code == 200
    assert sign_up(factory.post("/", REMOTE_ADDR="2001:db8:1:2::2")).status_code == 429
    assert sign_up(factory.get("/", REMOTE_ADDR="2001:db8:1:2::3")).status_code == 200
    assert sign_up(factory.post("/", REMOTE_ADDR="2001:db8:9:9::1")).status_code == 200


@pytest.mark.django_db
def test_one_ipv6_network_cannot_rotate_past_the_checkout_limit(client, stripe_server, settings):
    settings.CHECKOUT_RATE_LIMIT = "2/h"
    form = {"frequency": "monthly", "amount": "2"}

    codes = [
        client.post(GIVE, form, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 5)
    ]
    elsewhere = client.post(GIVE, form, REMOTE_ADDR="2001:db8:1:3::1")

    assert codes == [303, 303, 429, 429]
    assert (
        "too many payment attempts from your connection"
        in client.post(GIVE, form, REMOTE_ADDR="2001:db8:1:2::99").content.decode()
    )
    assert elsewhere.status_code == 303
    assert Donation.objects.count() == 3


@pytest.mark.django_db
def test_checkouts_from_every_network_together_are_capped_per_minute(
    client, stripe_server, settings
):
    settings.CHECKOUT_SITE_RATE_LIMIT = "3/m"
    form = {"frequency": "monthly", "amount": "2"}

    with time_machine.travel(timezone.now().replace(second=1), tick=False) as clock:
        codes = [client.post(GIVE, form, REMOTE_ADDR=f"198.51.{n}.7").status_code for n in range(5)]
        refused = client.post(GIVE, form, REMOTE_ADDR="203.0.113.7")
        clock.shift(datetime.timedelta(minutes=1))
        next_minute = client.post(GIVE, form, REMOTE_ADDR="203.0.113.7")

    assert codes == [303, 303, 303, 429, 429]
    assert refused.status_code == 429
    assert "more payment attempts than we can take at once" in refused.content.decode()
    assert next_minute.status_code == 303
    assert Donation.objects.count() == 4


@pytest.mark.django_db
def test_a_network_over_its_own_limit_spends_none_of_the_site_wide_cap(
    client, stripe_server, settings
):
    settings.CHECKOUT_RATE_LIMIT = "1/h"
    settings.CHECKOUT_SITE_RATE_LIMIT = "2/m"
    form = {"frequency": "monthly", "amount": "2"}

    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        for _ in range(5):
            client.post(GIVE, form, REMOTE_ADDR="2001:db8:1:2::1")
        other = client.post(GIVE, form, REMOTE_ADDR="198.51.100.7")

    assert other.status_code == 303


@pytest.mark.django_db
def test_one_ipv6_network_cannot_rotate_past_the_reminder_limit(client, settings):
    settings.REMINDER_RATE_LIMIT_NETWORK = "2/h"

    codes = [
        client.post(REMIND, {"when": "week"}, REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code
        for n in range(1, 4)
    ]

    assert codes == [200, 200, 429]
    assert not Reminder.objects.exists()
