from django.core.management.base import BaseCommand, CommandError

from readers.services import ErasureRefused, mailbox_erase
from support.stripe_gateway import PaymentServiceUnavailable


class Command(BaseCommand):
    help = (
        "Erase an email address everywhere: delete its reminders, emails, sign-in links and "
        "mailbox record, anonymise its gifts and payments (amounts and totals stay). Its "
        "suppressions stay, as hashes, so it is still sent nothing it opted out of."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--cancel-recurring",
            action="store_true",
            help="Cancel the address's live recurring gifts at Stripe first.",
        )
        parser.add_argument(
            "--no-input", "--noinput", dest="interactive", action="store_false",
            help="Do not ask for confirmation.",
        )  # fmt: skip

    def handle(self, *args, email, cancel_recurring, interactive, **options):
        if interactive:
            answer = input(f"Erase everything held about {email}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing erased.")
        try:
            erased = mailbox_erase(email, cancel_recurring=cancel_recurring)
        except ErasureRefused as exc:
            raise CommandError(f"{exc} Use --cancel-recurring to do both.") from exc
        except PaymentServiceUnavailable as exc:
            raise CommandError(f"Stripe could not cancel a gift; nothing erased: {exc}") from exc
        counts = {
            f"{app} {name}": value
            for app, part in erased.items()
            if app != "email"
            for name, value in part.items()
            if name != "email"
        }
        summary = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Erased {erased['email']}. {summary}"))
