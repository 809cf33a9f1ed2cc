import pytest
from django.urls import reverse

from support.models import Donation
from tests.support.stripe_events import post_delivery

GIVE_URL = reverse("support:give")


@pytest.fixture
def give(client):
    """Submit the support form; return the response and the donation it created."""

    def submit(**data):
        form = {"frequency": "monthly", "amount": "2", **data}
        response = client.post(GIVE_URL, form)
        return response, Donation.objects.order_by("-pk").first()

    return submit


@pytest.fixture
def deliver(client, stripe_server, django_capture_on_commit_callbacks):
    """Post the local Stripe server's events to the webhook; run what they enqueue."""

    def post(deliveries=None, *, since: int = 0):
        deliveries = stripe_server.deliveries()[since:] if deliveries is None else deliveries
        for delivery in deliveries:
            with django_capture_on_commit_callbacks(execute=True):
                response = post_delivery(client, delivery)
            assert response.status_code == 200, response.content
        return deliveries

    return post
