from django.core.management.base import BaseCommand
from django.db.models import Q

from support import stripe_gateway, webhooks
from support.models import Payment


class Command(BaseCommand):
    help = (
        "Look up the payment intent and charge of payments recorded without them (monthly "
        "gifts paid before this version) at Stripe, and apply their refunds and disputes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, dry_run, **options):
        missing = Payment.objects.filter(
            Q(stripe_payment_intent_id__isnull=True) | Q(stripe_charge_id__isnull=True)
        ).order_by("pk")
        total = missing.count()
        if dry_run:
            self.stdout.write(f"{total} payment(s) lack a payment intent or charge id.")
            return
        done = failed = 0
        for payment_id in missing.values_list("pk", flat=True).iterator():
            try:
                webhooks.payment_sync(payment_id=payment_id)
                done += 1
            except stripe_gateway.PaymentServiceUnavailable as exc:
                failed += 1
                self.stderr.write(f"Payment {payment_id}: {exc}")
        self.stdout.write(f"Looked up {done} of {total} payment(s); {failed} failed (run again).")
        if failed:
            raise SystemExit(1)
