"""What the newsletters keep about an address, for readers' export and erasure hooks."""

from newsletters.models import Delivery, Subscription
from readers.addresses import normalise


def _subscriptions(email: str):
    return Subscription.objects.filter(mailbox__key=normalise(email)).select_related("newsletter")


def export(email: str) -> dict:
    return {
        "subscriptions": [
            {
                "newsletter": s.newsletter.name,
                "state": s.state,
                "created_at": s.created_at,
                "confirmed_at": s.confirmed_at,
                "unsubscribed_at": s.unsubscribed_at,
                "editions_sent": s.deliveries.filter(status=Delivery.Status.SENT).count(),
            }
            for s in _subscriptions(email)
        ]
    }


def erase(email: str, **options) -> dict:
    deleted, counts = _subscriptions(email).delete()
    return {
        "subscriptions": counts.get(Subscription._meta.label, 0),
        "deliveries": counts.get(Delivery._meta.label, 0),
    }
