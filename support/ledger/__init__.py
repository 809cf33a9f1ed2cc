"""The ledger's writes: what Stripe says about a gift, applied under the gift's row lock.

Every function here takes facts already fetched from Stripe (support.stripe_gateway), so
no HTTP call is made while a row is locked. Each applies only the transitions the local
state allows, so events may arrive in any order, twice, or late, and the ledger ends
where Stripe is.

Two rules keep other people's objects and old answers out (gifts.py): a gift is found only
through the Checkout Session this site opened for it (else NotOurs), and a write whose gift
changed since its versions were read raises StaleFetch (ask Stripe again). donations.py
writes what checkouts, subscriptions and invoices say; payments.py what charges say.
"""

from support.ledger.donations import (
    donation_apply_checkout,
    donation_apply_subscription,
    donor_upsert,
    invoice_payment_failed,
    payment_record_invoice,
)
from support.ledger.gifts import (
    NotOurs,
    Seen,
    StaleFetch,
    gifts_named,
    knows_subscription,
    versions,
)
from support.ledger.payments import (
    emails_owe,
    payment_apply_charge,
    payment_fill_ids,
    payment_sync_apply,
)

__all__ = [
    "NotOurs",
    "Seen",
    "StaleFetch",
    "donation_apply_checkout",
    "donation_apply_subscription",
    "donor_upsert",
    "emails_owe",
    "gifts_named",
    "invoice_payment_failed",
    "knows_subscription",
    "payment_apply_charge",
    "payment_fill_ids",
    "payment_record_invoice",
    "payment_sync_apply",
    "versions",
]
