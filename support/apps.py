from dataclasses import asdict

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from outbox.services import register
        from readers.confirmations import confirmation_register
        from readers.services import privacy_register
        from support import care, emails, privacy, receipts, reminders, signals  # noqa: F401
        from support.account import signin

        for name in emails.SUBJECTS:
            register(emails.kind_of(name), receipts.draw)
        register(signin.KIND, signin.draw)
        for name in care.SUBJECTS:
            register(care.kind_of(name), care.draw)
        register(reminders.CONFIRM_EMAIL, reminders.confirmation_draw)
        confirmation_register(
            reminders.CONFIRM,
            describe=reminders.confirmation_describe,
            confirmed=reminders.confirmation_confirmed,
            resend=reminders.confirmation_resend,
        )
        privacy_register(
            "support",
            export=lambda email: privacy.donor_data_export(email=email),
            erase=lambda email, **options: asdict(privacy.donor_data_erase(email=email, **options)),
            check=lambda email, **options: privacy.erasure_check(email=email, **options),
        )
