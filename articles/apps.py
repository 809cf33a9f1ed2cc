from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from PIL import Image

        from articles import signals  # noqa: F401
        from articles.renditions import MAX_PIXELS

        # Pillow warns above this and refuses twice this anywhere in the process; photo
        # uploads are refused above it from their header (articles.renditions.check_size).
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
