from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"

    def ready(self):
        from newsletters import privacy, signals, signup  # noqa: F401 (signals connect)
        from outbox.services import register
        from readers.confirmations import confirmation_register
        from readers.services import privacy_register

        register(signup.CONFIRM_KIND, signup.draw_confirmation)
        confirmation_register(
            signup.CONFIRMABLE,
            describe=signup.describe,
            confirmed=signup.confirmed,
            resend=signup.resend,
        )
        privacy_register("newsletters", export=privacy.export, erase=privacy.erase)
