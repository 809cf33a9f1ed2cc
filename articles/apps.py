from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from PIL import Image

        from articles import signals  # noqa: F401
        from articles.photo_files import MAX_PIXELS

        # Pillow warns above this and refuses twice this anywhere in the process; photo
        # uploads are refused above it from their header (articles.photo_files.check_image).
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
