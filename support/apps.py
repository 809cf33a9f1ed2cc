from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from outbox.services import register
        from support import emails, receipts, signals  # noqa: F401

        for name in emails.SUBJECTS:
            register(emails.kind_of(name), receipts.draw)
