from django.core.management.base import BaseCommand

from readers.models import Suppression
from readers.services import mailbox_suppress, mailbox_unsuppress

REASONS = [choice.value for choice in Suppression.Reason]


class Command(BaseCommand):
    help = (
        "Send an address nothing more: record a hard bounce or a complaint your mail provider "
        "reported, or a reader's request (kept as a hash; it survives erasure). --lift undoes."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reason", choices=REASONS, default=Suppression.Reason.BOUNCE)
        parser.add_argument("--lift", action="store_true", help="Remove that suppression.")

    def handle(self, *args, email, reason, lift, **options):
        if lift:
            count = mailbox_unsuppress(email=email, reasons=[reason])
            self.stdout.write(f"Lifted {count} suppression(s) of {email} ({reason}).")
        elif mailbox_suppress(email=email, reason=reason):
            self.stdout.write(self.style.SUCCESS(f"Suppressed {email} ({reason})."))
        else:
            self.stdout.write(f"{email} was already suppressed ({reason}).")
