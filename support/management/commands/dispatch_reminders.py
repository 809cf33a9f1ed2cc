from datetime import date

from django.core.management.base import BaseCommand, CommandError

from support import reminders


class Command(BaseCommand):
    help = "Hand every due reminder to the workers now (what beat does every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Treat reminders due on or before this date as due (default: today).",
        )
        parser.add_argument(
            "--send-here",
            action="store_true",
            help="Send the due reminders from this process instead of a worker.",
        )

    def handle(self, *args, as_of, send_here, **options):
        try:
            today = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of wants a date like 2026-12-04, not {as_of!r}") from exc
        if send_here:
            from newsroom.celery import app

            app.conf.task_always_eager = True
        count = reminders.reminders_dispatch_due(today=today)
        self.stdout.write(f"{count} due reminder(s) dispatched.")
