from django.core.management.base import BaseCommand

from support import reminders


class Command(BaseCommand):
    help = "Hand every due reminder to the workers now (what beat does every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-here",
            action="store_true",
            help="Send the due reminders from this process instead of a worker.",
        )

    def handle(self, *args, send_here, **options):
        if send_here:
            from newsroom.celery import app

            app.conf.task_always_eager = True
        count = reminders.reminders_dispatch_due()
        self.stdout.write(f"{count} due reminder(s) dispatched.")
