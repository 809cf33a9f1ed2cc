from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = "Publication"

    def ready(self):
        from publication import signals  # noqa: F401
