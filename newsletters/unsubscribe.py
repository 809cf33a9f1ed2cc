"""The one-click unsubscribe link (RFC 8058) in every edition: a signed subscription id.

It never expires (a reader may open an old edition years later) and only ever
unsubscribes, on POST; a GET shows a button, so a mail scanner unsubscribes nobody.
"""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from newsletters.models import Subscription

SALT = "newsletters.unsubscribe"


def unsubscribe_token(subscription_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(subscription_id))


def unsubscribe_target(token: str) -> Subscription | None:
    """The subscription a link names, or None when the link is not ours."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        return None
    return Subscription.objects.select_related("newsletter").filter(pk=int(value)).first()


def subscription_end(subscription: Subscription) -> None:
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).exclude(
            state=Subscription.State.UNSUBSCRIBED
        ).update(state=Subscription.State.UNSUBSCRIBED, unsubscribed_at=timezone.now())
